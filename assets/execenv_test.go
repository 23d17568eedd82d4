package assets

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExecEnvForEveryType(t *testing.T) {
	t.Parallel()
	names := func(e ExecEnv, credential string) []string {
		var out []string
		for _, v := range e.Set {
			if v.Credential == "" || v.Credential == credential {
				out = append(out, v.Name+"="+v.Field)
			}
		}
		return out
	}
	tests := []struct {
		typ        AIType
		credential string
		want       []string
	}{
		{OpenAI, "", []string{"OPENAI_API_KEY=secret", "OPENAI_BASE_URL=endpoint", "OPENAI_API_BASE=endpoint"}},
		{Google, "", []string{"GEMINI_API_KEY=secret", "GOOGLE_API_KEY=secret"}},
		{Anthropic, "", []string{"ANTHROPIC_API_KEY=secret", "ANTHROPIC_BASE_URL=endpoint"}},
		{AWS, CredentialAccessKey, []string{"AWS_ACCESS_KEY_ID=key", "AWS_SECRET_ACCESS_KEY=secret", "AWS_REGION=region", "AWS_DEFAULT_REGION=region"}},
		{AWS, CredentialBedrockAPIKey, []string{"AWS_BEARER_TOKEN_BEDROCK=secret", "AWS_REGION=region", "AWS_DEFAULT_REGION=region"}},
		{Other, "", []string{"OPENAI_API_KEY=secret", "OPENAI_BASE_URL=endpoint", "OPENAI_API_BASE=endpoint"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ)+"/"+tt.credential, func(t *testing.T) {
			t.Parallel()
			e, ok := ExecEnvFor(tt.typ)
			require.True(t, ok)
			require.Equal(t, tt.want, names(e, tt.credential))
		})
	}
	_, ok := ExecEnvFor("AZURE")
	require.False(t, ok)
}

func TestExecEnvForReturnsCopy(t *testing.T) {
	t.Parallel()
	e, _ := ExecEnvFor(AWS)
	e.Set[0].Name = "CHANGED"
	e.Unset[0].Name = "CHANGED"
	again, _ := ExecEnvFor(AWS)
	require.NotEqual(t, "CHANGED", again.Set[0].Name)
	require.NotEqual(t, "CHANGED", again.Unset[0].Name)
}

func TestValidateExecEnvsRejects(t *testing.T) {
	t.Parallel()
	index := func(t *testing.T, envs []ExecEnv, typ AIType) int {
		for i, e := range envs {
			if e.Type == typ {
				return i
			}
		}
		t.Fatalf("no %s", typ)
		return -1
	}
	tests := []struct {
		name    string
		breakIt func(t *testing.T, envs []ExecEnv) []ExecEnv
		wantErr string
	}{
		{"missing type", func(t *testing.T, e []ExecEnv) []ExecEnv {
			i := index(t, e, Google)
			return append(e[:i], e[i+1:]...)
		}, "no exec env for type GOOGLE"},
		{"duplicate type", func(t *testing.T, e []ExecEnv) []ExecEnv {
			e[index(t, e, Google)].Type = OpenAI
			return e
		}, "duplicate type"},
		{"invalid type", func(t *testing.T, e []ExecEnv) []ExecEnv {
			e[index(t, e, Other)].Type = "AZURE"
			return e
		}, `invalid type "AZURE"`},
		{"bad name", func(t *testing.T, e []ExecEnv) []ExecEnv {
			e[index(t, e, OpenAI)].Set[0].Name = "OPENAI-API-KEY"
			return e
		}, "invalid variable name"},
		{"bad field", func(t *testing.T, e []ExecEnv) []ExecEnv {
			e[index(t, e, OpenAI)].Set[1].Field = "url"
			return e
		}, `field "url" is not one of secret, key, endpoint, region`},
		{"no secret", func(t *testing.T, e []ExecEnv) []ExecEnv {
			i := index(t, e, Anthropic)
			e[i].Set = e[i].Set[1:]
			return e
		}, "no variable carries the secret"},
		{"no bedrock secret", func(t *testing.T, e []ExecEnv) []ExecEnv {
			i := index(t, e, AWS)
			for j := range e[i].Set {
				if e[i].Set[j].Credential == CredentialBedrockAPIKey {
					e[i].Set[j].Credential = CredentialAccessKey
					e[i].Set[j].Name = "AWS_OTHER"
				}
			}
			return e
		}, `no variable carries the secret (credential "bedrock-api-key")`},
		{"set twice", func(t *testing.T, e []ExecEnv) []ExecEnv {
			i := index(t, e, Google)
			e[i].Set[1].Name = e[i].Set[0].Name
			return e
		}, "GEMINI_API_KEY is set twice"},
		{"credential outside AWS", func(t *testing.T, e []ExecEnv) []ExecEnv {
			e[index(t, e, OpenAI)].Set[0].Credential = CredentialAccessKey
			return e
		}, "is not one of the AWS kinds"},
		{"source not https", func(t *testing.T, e []ExecEnv) []ExecEnv {
			e[index(t, e, OpenAI)].Set[0].Source = "http://example.com/x"
			return e
		}, "source:"},
		{"no source", func(t *testing.T, e []ExecEnv) []ExecEnv {
			e[index(t, e, AWS)].Unset[0].Source = ""
			return e
		}, "unset[0] AWS_SESSION_TOKEN: source:"},
		{"set and unset", func(t *testing.T, e []ExecEnv) []ExecEnv {
			i := index(t, e, AWS)
			e[i].Unset[0].Name = "AWS_REGION"
			return e
		}, "AWS_REGION is both set and unset"},
		{"unset without reason", func(t *testing.T, e []ExecEnv) []ExecEnv {
			e[index(t, e, AWS)].Unset[0].Reason = ""
			return e
		}, "reason is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			envs, err := ParseExecEnvs(execEnvJSON)
			require.NoError(t, err)
			require.NoError(t, ValidateExecEnvs(envs))
			err = ValidateExecEnvs(tt.breakIt(t, envs))
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestParseExecEnvsStrict(t *testing.T) {
	t.Parallel()
	_, err := ParseExecEnvs([]byte(`[{"type":"OPENAI","set":[],"unset":[],"typo":1}]`))
	require.ErrorContains(t, err, "unknown field")
}

func TestValidEnvName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"OPENAI_API_KEY": true, "_x": true, "a1": true,
		"": false, "1A": false, "A-B": false, "A B": false, "A=B": false, "É": false,
	} {
		require.Equal(t, want, ValidEnvName(name), name)
	}
}
