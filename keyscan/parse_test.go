package keyscan

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseDotenv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []assignment
	}{
		{"plain", "A=1\nB=two\n", []assignment{{"A", "1"}, {"B", "two"}}},
		{"export and spaces", "export A = x  \n  export\tB=y", []assignment{{"A", "x"}, {"B", "y"}}},
		{"comments", "# A=1\nA=1 # note\nB=2\t# tab note\nC=a#b", []assignment{{"A", "1"}, {"B", "2"}, {"C", "a#b"}}},
		{"double quotes", `A="x # y"` + "\n" + `B="a\"b\\c\nd"`, []assignment{{"A", "x # y"}, {"B", "a\"b\\c\nd"}}},
		{"single quotes literal", `A='x\ny $Z'`, []assignment{{"A", `x\ny $Z`}}},
		{"backquotes", "A=`v`", []assignment{{"A", "v"}}},
		{"multi-line double quotes", "A=\"one\ntwo\"\nB=3", []assignment{{"A", "one\ntwo"}, {"B", "3"}}},
		{"unterminated quote skipped", "A=\"open\nB=3", []assignment{{"B", "3"}}},
		{"export alone is a name", "export=1", []assignment{{"export", "1"}}},
		{"unterminated single skipped", "A='open\nB=3", []assignment{{"B", "3"}}},
		{"crlf", "A=1\r\nB=2\r\n", []assignment{{"A", "1"}, {"B", "2"}}},
		{"empty value", "A=\nB=", []assignment{{"A", ""}, {"B", ""}}},
		{"shell lines ignored", "alias ll='ls -l'\nif [ -f x ]; then . x; fi\nexport PATH=\"$HOME/bin:$PATH\"", []assignment{{"PATH", "$HOME/bin:$PATH"}}},
		{"not names", "1A=x\n=x\n-A=x\nA B=x", nil},
		{"dotted names", "a.b-c=1", []assignment{{"a.b-c", "1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, parseDotenv(tt.in))
		})
	}
}

func TestParseAWSINI(t *testing.T) {
	t.Parallel()
	creds, err := os.ReadFile(filepath.Join("testdata", "aws_credentials"))
	require.NoError(t, err)
	config, err := os.ReadFile(filepath.Join("testdata", "aws_config"))
	require.NoError(t, err)
	require.Equal(t, []awsProfile{
		{Name: "default", AccessKeyID: keyAKID, SecretKey: keyAWSSecret, line: 1},
		{Name: "work", AccessKeyID: keyAKID2, SecretKey: keyAWSSecret2, line: 5},
		{Name: "temp", AccessKeyID: keyASID, SecretKey: keyAWSSecret3, SessionToken: "FAKEsessionTOKEN", line: 9},
	}, parseAWSINI(string(creds), false))
	require.Equal(t, []awsProfile{
		{Name: "default", Region: "us-east-1", line: 1},
		{Name: "work", Region: "eu-west-1", line: 3},
	}, parseAWSINI(string(config), true))

	// Edge cases: repeated sections merge, [profile x] is not a
	// credentials-file profile name, keys are case-insensitive.
	got := parseAWSINI("[a]\nAWS_SECRET_ACCESS_KEY=s1\n[b\nx=y\n[a]\nregion=r\n[profile c]\naws_secret_access_key=s2\nno equals\n[]\n", false)
	require.Equal(t, []awsProfile{
		{Name: "a", SecretKey: "s1", Region: "r", line: 1},
		{Name: "profile c", SecretKey: "s2", line: 7},
	}, got)
	require.Empty(t, parseAWSINI("[c]\naws_secret_access_key=s\n", true), "a config section needs the profile prefix")
}

func TestParseFormats(t *testing.T) {
	t.Parallel()
	type want struct{ entry, provider, secret, key, endpoint, region string }
	tests := []struct {
		fixture, format string
		want            []want
	}{
		{"env.dotenv", "dotenv", []want{
			{"OPENAI_API_KEY", "openai", keyOpenAI, "", "https://api.openai.com/v1", ""},
			{"ANTHROPIC_API_KEY", "anthropic", keyAnthropic, "", "", ""},
			{"GEMINI_API_KEY", "google", "your-api-key-here", "", "", ""},
			{"GOOGLE_API_KEY", "google", keyGemini, "", "", ""},
			{"OPENROUTER_API_KEY", "openrouter", "$OPENROUTER_FROM_VAULT", "", "", ""},
		}},
		{"gemini.env", "dotenv", []want{{"GEMINI_API_KEY", "google", keyGemini2, "", "", ""}}},
		{"bashrc", "dotenv", []want{
			{"OPENAI_API_KEY", "openai", "$(pass show openai)", "", "", ""},
			{"ANTHROPIC_API_KEY", "anthropic", keyAnthropic2, "", "", ""},
		}},
		{"llm_keys.json", "llm-keys-json", []want{
			{"gemini", "gemini", keyGemini, "", "", ""},
			{"openai", "openai", keyOpenAI, "", "", ""},
			{"openrouter", "openrouter", keyOpenRouter, "", "", ""},
		}},
		{"opencode_auth.json", "opencode-auth-json", []want{
			{"anthropic", "anthropic", keyAnthropic, "", "", ""},
			{"openrouter", "openrouter", keyOpenRouter2, "", "", ""},
		}},
		{"crush.json", "crush-json", []want{
			{"anthropic", "anthropic", keyOAuth, "", "", ""},
			{"groq", "groq", keyGroq, "", "", ""},
			{"local-llama", "openai-compat", keyLocal, "", "http://localhost:11434/v1", ""},
			{"openai", "openai", "$OPENAI_API_KEY", "", "", ""},
		}},
		{"aider.conf.yml", "aider-conf-yml", []want{
			{"openai-api-key", "openai", keyOpenAI2, "", "https://api.openai.com/v1", ""},
			{"anthropic-api-key", "anthropic", keyAnthropic, "", "", ""},
			{"api-key gemini", "gemini", keyGemini2, "", "", ""},
			{"api-key openrouter", "openrouter", keyOpenRouter, "", "", ""},
			{"AWS_BEARER_TOKEN_BEDROCK", "amazon-bedrock", keyBedrock, "", "", "us-west-2"},
		}},
		{"codex_auth.json", "codex-auth-json", []want{{"OPENAI_API_KEY", "openai", keyOpenAI2, "", "", ""}}},
		{"codex_chatgpt.json", "codex-auth-json", nil},
		{"mods.yml", "mods-yml", []want{
			{"anthropic", "anthropic", "", "", "https://api.anthropic.com/v1", ""},
			{"groq", "groq", keyGroq, "", "https://api.groq.com/openai/v1", ""},
			{"ollama", "ollama", "", "", "http://localhost:11434/api", ""},
			{"openai", "openai", keyOpenAI, "", "https://api.openai.com/v1", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", tt.fixture))
			require.NoError(t, err)
			fs, err := parseFormat(tt.format, data)
			require.NoError(t, err)
			var got []want
			for _, f := range fs {
				got = append(got, want{f.entry, f.provider, f.secret, f.key, f.endpoint, f.region})
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestParseFormatsMalformed(t *testing.T) {
	t.Parallel()
	secret := keyOpenAI
	for _, format := range []string{"llm-keys-json", "opencode-auth-json", "crush-json", "codex-auth-json", "aider-conf-yml", "mods-yml"} {
		for _, in := range []string{"{" + secret, "[1,2]", "apis: [" + secret, "\x00\xff", "null", "apis:\n  - " + secret + "\n"} {
			fs, err := parseFormat(format, []byte(in))
			if err != nil {
				require.NotContains(t, err.Error(), secret[:12], "a parse error must not quote the file")
				require.Regexp(t, `^is not valid (JSON|YAML)`, err.Error())
			}
			_ = fs
		}
	}
	_, err := parseFormat("toml", nil)
	require.ErrorContains(t, err, "format toml has no reader")
}

// Every format of assets.KeyFileFormats has a reader and a fixture here.
func TestEveryFormatHasAReaderAndFixture(t *testing.T) {
	t.Parallel()
	fixtures := map[string]string{
		"dotenv": "env.dotenv", "aws-credentials": "aws_credentials", "aws-config": "aws_config",
		"llm-keys-json": "llm_keys.json", "opencode-auth-json": "opencode_auth.json", "crush-json": "crush.json",
		"aider-conf-yml": "aider.conf.yml", "codex-auth-json": "codex_auth.json", "mods-yml": "mods.yml",
	}
	for _, format := range assetsFormats() {
		fixture, ok := fixtures[format]
		require.True(t, ok, "no fixture for format %s", format)
		_, err := os.Stat(filepath.Join("testdata", fixture))
		require.NoError(t, err)
		if format != "aws-credentials" && format != "aws-config" {
			_, err := parseFormat(format, []byte("{}"))
			require.NotContains(t, errString(err), "has no reader", format)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
