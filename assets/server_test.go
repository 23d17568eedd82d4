package assets

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestServersAreValid loads every embedded server and checks it.
func TestServersAreValid(t *testing.T) {
	t.Parallel()
	_, err := servers()
	require.NoError(t, err)
	got := Servers()
	var ids []string
	for _, s := range got {
		ids = append(ids, s.ID)
	}
	require.Equal(t, []string{"ollama", "lm-studio", "vllm", "litellm", "openrouter", "azure-openai", "groq", "mistral", "deepseek", "together"}, ids)
	s, ok := ServerByID("groq")
	require.True(t, ok)
	require.Equal(t, "https://api.groq.com/openai/v1", s.Endpoint)
	got[0].Label = "changed"
	require.Equal(t, "Ollama", Servers()[0].Label, "Servers returns a copy")
}

// TestValidateServersCatchesBrokenEntries: the validator is not a rubber
// stamp.
func TestValidateServersCatchesBrokenEntries(t *testing.T) {
	t.Parallel()
	good := Servers()[0]
	for name, tc := range map[string]struct {
		edit func(*Server)
		want string
	}{
		"plain http to a public host": {func(s *Server) { s.Endpoint = "http://api.example.com/v1" }, "https"},
		"trailing slash":              {func(s *Server) { s.Endpoint = "https://api.example.com/v1/" }, "canonical"},
		"source not https":            {func(s *Server) { s.Source = "http://docs.example.com" }, "source"},
		"unknown key rule":            {func(s *Server) { s.APIKey = "maybe" }, "apiKey"},
		"placeholder not in endpoint": {func(s *Server) { s.Placeholder, s.EndpointHint = "RESOURCE", "x" }, "placeholder"},
		"long description":            {func(s *Server) { s.Description = strings.Repeat("x", 61) }, "description"},
		"duplicate id":                {nil, "duplicate"},
	} {
		bad := good
		list := []Server{good, bad}
		if tc.edit != nil {
			tc.edit(&list[1])
			list[1].ID = "other"
		}
		errs := ValidateServers(list)
		require.NotEmpty(t, errs, name)
		require.Contains(t, errorsText(errs), tc.want, name)
	}
}

func errorsText(errs []error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}
