package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/store"
)

// completions runs cobra's hidden __complete and returns the candidates.
func (h *cliHome) completions(args ...string) []string {
	h.t.Helper()
	r := h.run("", append([]string{"__complete"}, args...)...)
	require.Equal(h.t, 0, r.code, r.stderr)
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if l == "" || strings.HasPrefix(l, ":") {
			continue
		}
		name, _, _ := strings.Cut(l, "\t")
		out = append(out, name)
	}
	return out
}

// TestCompletionKnowsTheData: REF arguments complete configuration names,
// --workspace and use complete the workspaces last seen, and the fixed
// values of --type, --store and --from complete themselves — all without
// the keyring or the network (no passphrase is set here).
func TestCompletionKnowsTheData(t *testing.T) {
	h := newCLIHome(t)
	h.env["K"] = cliSecret
	for _, name := range []string{"OpenAI production", "openai-staging", "claude"} {
		r := h.run("", "add", "--name", name, "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K")
		require.Equal(t, 0, r.code, r.stderr)
	}
	delete(h.env, "FBLLM_KEYRING_PASSPHRASE") // completion must not need it

	// A name a shell would split completes as its id (the name is the
	// description): bash inserts completions unquoted.
	ids := map[string]string{}
	r := h.run("", "list", "--json=name,id")
	require.Equal(t, 0, r.code, r.stderr)
	var listed []struct{ Name, ID string }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &listed))
	for _, l := range listed {
		ids[l.Name] = l.ID
	}
	for _, cmd := range []string{"show", "rm", "edit", "test", "validate", "doctor", "stats", "exec"} {
		require.ElementsMatch(t, []string{ids["OpenAI production"], "openai-staging"}, h.completions(cmd, "open"), cmd)
	}
	require.Empty(t, h.completions("exec", "claude", "--", "pyth"), "after -- the program is the shell's to complete")
	require.Len(t, h.completions("show", ""), 3)
	require.Empty(t, h.completions("show", "claude", ""), "show takes one REF")
	require.Len(t, h.completions("exec", "claude", ""), 3, "exec takes several")

	require.Equal(t, []string{"OPENAI", "OTHER"}, h.completions("add", "--type", "O"))
	require.Equal(t, []string{"local", "flashback", "all"}, h.completions("list", "--store", ""))
	require.Equal(t, []string{"local", "flashback"}, h.completions("add", "--store", ""))
	require.Contains(t, h.completions("import", "--from", ""), "dotenv")

	// Workspaces: "local", plus those remembered when last listed.
	require.Equal(t, []string{"local"}, h.completions("list", "--workspace", ""))
	st, err := store.Open(store.Options{ConfigDir: h.env["FBLLM_CONFIG_DIR"], DataDir: h.env["FBLLM_DATA_DIR"], Env: func(k string) string { return h.env[k] }})
	require.NoError(t, err)
	require.NoError(t, st.UpdateSettings(func(s *store.Settings) { s.Workspaces = []string{"Production", "Research"} }))
	require.Equal(t, []string{"Production"}, h.completions("list", "--workspace", "pro"))
	require.Equal(t, []string{"local", "Production", "Research"}, h.completions("use", ""))
}
