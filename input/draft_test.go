package input

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
)

const formSecret = "sk-proj-AbCdEfGhIjKlMnOpQrStT3BlbkFJuvwxyz0123456789"

func TestDraftResultCleansEverything(t *testing.T) {
	t.Parallel()
	d := NewDraft([]string{"Existing"}, "this machine")
	d.Name = "  Prod  "
	d.Endpoint = "https://api.openai.com/chat/completions/"
	d.Secret = "Bearer " + formSecret + "\n"
	r, err := d.Result()
	require.NoError(t, err)
	require.Equal(t, "Prod", r.Name)
	require.Equal(t, "https://api.openai.com/v1", r.Endpoint.URL)
	require.Equal(t, formSecret, r.Secret.Value)
	require.False(t, r.KeepSecret)
	notices := strings.Join(r.Notices(), "\n")
	require.Contains(t, notices, "using https://api.openai.com/v1 instead of https://api.openai.com/chat/completions/")
	require.Contains(t, notices, "Bearer")
}

func TestDraftResultErrorsNameTheField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edit  func(d *Draft)
		field string
	}{
		{"duplicate name", func(d *Draft) { d.Name = "existing" }, FieldName},
		{"insecure endpoint", func(d *Draft) { d.Endpoint = "http://api.openai.com/v1" }, FieldEndpoint},
		{"secret with a space inside", func(d *Draft) { d.Secret = "sk-abc def" }, FieldSecret},
		{"aws without access key id", func(d *Draft) {
			d.Type = assets.AWS
			d.Endpoint = "https://bedrock-runtime.us-east-1.amazonaws.com"
			d.Secret = strings.Repeat("a", 40)
		}, FieldKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := NewDraft([]string{"Existing"}, "")
			d.Name, d.Secret = "new", formSecret
			tc.edit(d)
			_, err := d.Result()
			var ie *InputError
			require.True(t, errors.As(err, &ie), "%v", err)
			require.Equal(t, tc.field, ie.Field)
		})
	}
}

func TestBedrockAPIKeyNeedsNoAccessKeyID(t *testing.T) {
	t.Parallel()
	d := NewDraft(nil, "")
	d.Type, d.Name = assets.AWS, "bedrock"
	d.Endpoint = "https://bedrock-runtime.eu-west-1.amazonaws.com"
	d.Secret = "ABSK" + strings.Repeat("Q", 100)
	r, err := d.Result()
	require.NoError(t, err)
	require.Equal(t, "eu-west-1", r.Endpoint.Region)
}

func TestEditingKeepsEmptyCredentials(t *testing.T) {
	t.Parallel()
	d := DraftFromConfig("svc", "ANTHROPIC", "https://api.anthropic.com", "", "sk-ant-…AAAA #123456", []string{"svc", "other"}, "")
	r, err := d.Result()
	require.NoError(t, err, "its own name is not a duplicate")
	require.True(t, r.KeepSecret)
	require.True(t, r.KeepKey)
	require.Contains(t, d.Review(), "sk-ant-…AAAA #123456 (unchanged)")

	d.Name = "OTHER"
	_, err = d.Result()
	require.Error(t, err, "another config's name, in any case, is a duplicate")
}

func TestReviewAndHintsNeverShowTheSecret(t *testing.T) {
	t.Parallel()
	d := NewDraft(nil, "this machine · encrypted file keyring")
	d.Name = "Prod"
	d.Secret = "export OPENAI_API_KEY=\"" + formSecret + "\""
	out := d.Review() + d.LiveHint(FieldSecret) + strings.Join(mustResult(t, d).Notices(), "")
	for i := 0; i+12 <= len(formSecret); i++ {
		require.NotContains(t, out, formSecret[i:i+12])
	}
	require.Contains(t, d.Review(), "Saved to  this machine · encrypted file keyring")
	require.Contains(t, d.LiveHint(FieldSecret), "received")
}

func mustResult(t *testing.T, d *Draft) Result {
	t.Helper()
	r, err := d.Result()
	require.NoError(t, err)
	return r
}

func TestApplyTypeDefaultsKeepsTypedEndpoints(t *testing.T) {
	t.Parallel()
	d := NewDraft(nil, "")
	require.Equal(t, "https://api.openai.com/v1", d.Endpoint)
	d.Type = assets.Anthropic
	require.True(t, d.ApplyTypeDefaults(), "another type's default is replaced")
	require.Equal(t, "https://api.anthropic.com", d.Endpoint)

	d.Endpoint = "https://gateway.example.com/anthropic"
	d.Type = assets.OpenAI
	require.False(t, d.ApplyTypeDefaults(), "a typed endpoint is kept")
	require.Equal(t, "https://gateway.example.com/anthropic", d.Endpoint)
}

// TestKeyOnlyForTypesThatUseOne: a key typed while AWS was chosen is not
// saved once the type is one that takes a single API key (the form no
// longer shows the field, so nobody could see or clear it).
func TestKeyOnlyForTypesThatUseOne(t *testing.T) {
	t.Parallel()
	d := NewDraft(nil, "")
	require.False(t, d.AsksKey(), "OpenAI takes one API key")
	d.Type = assets.AWS
	require.True(t, d.AsksKey())
	d.ApplyTypeDefaults()
	d.Name, d.Key, d.Secret = "n", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	require.Equal(t, "AKIAIOSFODNN7EXAMPLE", mustResult(t, d).Key.Value)
	d.Type = assets.OpenAI
	d.ApplyTypeDefaults()
	d.Secret = "sk-proj-AbCdEfGhIjKlMnOpQrStT3BlbkFJuvwxyz0123456789"
	require.Empty(t, mustResult(t, d).Key.Value)
	d.Type = assets.Other
	require.True(t, d.AsksKey())
}

// TestServerChoiceUnderOther: a known server fills in its endpoint and
// name, a typed endpoint or name is never overwritten, "something else"
// takes back what a choice filled in, and Azure's placeholder is refused.
func TestServerChoiceUnderOther(t *testing.T) {
	t.Parallel()
	d := NewDraft(nil, "")
	d.Type = assets.Other
	d.ApplyTypeDefaults()
	d.Server = "vllm"
	require.True(t, d.ApplyServer())
	require.Equal(t, "http://localhost:8000/v1", d.Endpoint)
	require.Equal(t, "vLLM", d.Name)
	require.False(t, d.AsksKey())
	d.Server = "ollama"
	d.ApplyServer()
	require.Equal(t, "http://localhost:11434/v1", d.Endpoint)
	require.Equal(t, "Ollama", d.Name)
	d.Server = ""
	require.True(t, d.ApplyServer())
	require.Empty(t, d.Endpoint)
	require.Empty(t, d.Name)
	require.True(t, d.AsksKey())

	d.Name, d.Endpoint = "mine", "https://llm.internal.example/v1"
	d.Server = "groq"
	require.False(t, d.ApplyServer(), "typed values are kept")
	require.Equal(t, "mine", d.Name)

	d.Endpoint = ""
	d.Server = "azure-openai"
	d.ApplyServer()
	require.ErrorContains(t, d.CheckEndpoint(d.Endpoint), "replace YOUR-RESOURCE")
	require.NoError(t, d.CheckEndpoint("https://contoso.openai.azure.com/openai/v1"))

	d.Type = assets.OpenAI
	_, ok := d.ServerChoice()
	require.False(t, ok, "a server is a choice under OTHER only")
}

// TestLocalEndpointSavedToFlashbackIsFlagged: Flashback calls a
// workspace's endpoints from its own servers, so localhost or a private
// address there is a trap the hint and the review point out.
func TestLocalEndpointSavedToFlashbackIsFlagged(t *testing.T) {
	t.Parallel()
	d := NewDraft(nil, "Flashback workspace Production")
	d.Type, d.Name, d.Secret = assets.Other, "ollama", "ollama-any-value"
	d.Endpoint = "http://localhost:11434/v1"
	require.Empty(t, d.UnreachableFromFlashback(), "kept on this machine, localhost is fine")
	d.ToFlashback = true
	require.Contains(t, d.LiveHint(FieldEndpoint), "Flashback calls the endpoint from its own servers")
	require.Contains(t, d.Review(), "! Endpoint: localhost:11434 is this machine")
	d.Endpoint = "https://api.groq.com/openai/v1"
	require.Empty(t, d.UnreachableFromFlashback())
	d.Endpoint = "http://10.20.4.12:8000/v1"
	require.Contains(t, d.UnreachableFromFlashback(), "a private address")
}
