package toolenv

import (
	"errors"
	"fmt"
	"testing"

	"github.com/fbllm/fbllm/input"
	"github.com/stretchr/testify/require"
)

func TestBuildPerType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		sources   []Source
		want      map[string]string
		wantUnset []string
	}{
		{
			name:    "openai",
			sources: []Source{src("OpenAI prod", "OPENAI", "https://api.openai.com/v1", "", "", openAIKey)},
			want:    map[string]string{"OPENAI_API_KEY": openAIKey, "OPENAI_BASE_URL": "https://api.openai.com/v1", "OPENAI_API_BASE": "https://api.openai.com/v1"},
		},
		{
			name:    "openai without endpoint leaves the SDK default",
			sources: []Source{src("o", "openai", "", "", "", openAIKey)},
			want:    map[string]string{"OPENAI_API_KEY": openAIKey},
		},
		{
			name:      "anthropic",
			sources:   []Source{src("Claude", "ANTHROPIC", "https://api.anthropic.com", "", "", anthropicKey)},
			want:      map[string]string{"ANTHROPIC_API_KEY": anthropicKey, "ANTHROPIC_BASE_URL": "https://api.anthropic.com"},
			wantUnset: []string{"ANTHROPIC_AUTH_TOKEN"},
		},
		{
			name:    "google sets both names",
			sources: []Source{src("Gemini", "GOOGLE", "https://generativelanguage.googleapis.com/v1beta", "", "", geminiKey)},
			want:    map[string]string{"GEMINI_API_KEY": geminiKey, "GOOGLE_API_KEY": geminiKey},
		},
		{
			name:      "aws keys, region from the host",
			sources:   []Source{src("Bedrock", "AWS", "https://bedrock-runtime.eu-west-3.amazonaws.com", "", awsKeyID, awsSecret)},
			want:      map[string]string{"AWS_ACCESS_KEY_ID": awsKeyID, "AWS_SECRET_ACCESS_KEY": awsSecret, "AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "eu-west-3"},
			wantUnset: []string{"AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_BEARER_TOKEN_BEDROCK", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"},
		},
		{
			name:      "aws keys, stored region wins",
			sources:   []Source{src("Bedrock", "AWS", "https://gateway.example.com", "us-west-2", awsKeyID, awsSecret)},
			want:      map[string]string{"AWS_ACCESS_KEY_ID": awsKeyID, "AWS_SECRET_ACCESS_KEY": awsSecret, "AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "us-west-2"},
			wantUnset: []string{"AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_BEARER_TOKEN_BEDROCK", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"},
		},
		{
			name:      "bedrock api key",
			sources:   []Source{src("Bedrock key", "AWS", "https://bedrock-runtime.us-east-1.amazonaws.com", "", "", bedrockKey)},
			want:      map[string]string{"AWS_BEARER_TOKEN_BEDROCK": bedrockKey, "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"},
			wantUnset: []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"},
		},
		{
			name:    "other is the openai-compatible pair",
			sources: []Source{src("Local", "OTHER", "http://localhost:11434/v1", "", "", otherKey)},
			want:    map[string]string{"OPENAI_API_KEY": otherKey, "OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_API_BASE": "http://localhost:11434/v1"},
		},
		{
			name: "two types combine",
			sources: []Source{
				src("OpenAI prod", "OPENAI", "", "", "", openAIKey),
				src("Claude", "ANTHROPIC", "", "", "", anthropicKey),
			},
			want:      map[string]string{"OPENAI_API_KEY": openAIKey, "ANTHROPIC_API_KEY": anthropicKey},
			wantUnset: []string{"ANTHROPIC_AUTH_TOKEN"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Build(tt.sources, nil)
			require.NoError(t, err)
			require.Equal(t, tt.want, p.Values())
			var unset []string
			for _, u := range p.Unset {
				unset = append(unset, u.Name)
			}
			require.Equal(t, tt.wantUnset, unset)
		})
	}
}

func TestBuildSpecs(t *testing.T) {
	t.Parallel()
	one := []Source{src("Bedrock", "AWS", "https://bedrock-runtime.eu-west-3.amazonaws.com", "", awsKeyID, awsSecret)}
	two := []Source{src("OpenAI prod", "OPENAI", "https://api.openai.com/v1", "", "", openAIKey), src("Claude", "ANTHROPIC", "https://api.anthropic.com", "", "", anthropicKey)}
	tests := []struct {
		name    string
		sources []Source
		specs   []string
		want    map[string]string // extra variables
		wantErr string
	}{
		{name: "custom names", sources: one, specs: []string{"MY_SECRET=secret", "MY_KEY=key", "MY_REGION=region", "MY_URL=endpoint"},
			want: map[string]string{"MY_SECRET": awsSecret, "MY_KEY": awsKeyID, "MY_REGION": "eu-west-3", "MY_URL": "https://bedrock-runtime.eu-west-3.amazonaws.com"}},
		{name: "position names the config", sources: two, specs: []string{"CLAUDE_KEY=2:secret", "OAI=1:endpoint"},
			want: map[string]string{"CLAUDE_KEY": anthropicKey, "OAI": "https://api.openai.com/v1"}},
		{name: "field is case-insensitive", sources: one, specs: []string{"X=Secret"}, want: map[string]string{"X": awsSecret}},
		{name: "same as the mapping is harmless", sources: one, specs: []string{"AWS_REGION=region"}, want: map[string]string{}},
		{name: "no equals", sources: one, specs: []string{"MY_SECRET"}, wantErr: `--env "MY_SECRET": expected NAME=FIELD`},
		{name: "bad name", sources: one, specs: []string{"MY-SECRET=secret"}, wantErr: `"MY-SECRET" is not a variable name`},
		{name: "empty name", sources: one, specs: []string{"=secret"}, wantErr: `"" is not a variable name`},
		{name: "unknown field", sources: one, specs: []string{"X=password"}, wantErr: `unknown field "password" (valid: secret, key, endpoint, region)`},
		{name: "bad position", sources: two, specs: []string{"X=0:secret"}, wantErr: `"0" is not a REF position`},
		{name: "position out of range", sources: two, specs: []string{"X=3:secret"}, wantErr: "there are only 2 configurations"},
		{name: "ambiguous", sources: two, specs: []string{"X=secret"}, wantErr: "with 2 configurations, say which one: --env X=N:secret"},
		{name: "missing field", sources: two, specs: []string{"X=1:region"}, wantErr: `configuration "OpenAI prod" has no region`},
		{name: "overrides the mapping", sources: one, specs: []string{"AWS_REGION=secret"}, wantErr: `AWS_REGION would get both the region and the secret of "Bedrock"`},
		{name: "clashes with another config", sources: two, specs: []string{"OPENAI_API_KEY=2:secret"}, wantErr: `configurations "OpenAI prod" and "Claude" both set OPENAI_API_KEY`},
		{name: "names an unset variable", sources: one, specs: []string{"AWS_SESSION_TOKEN=secret"}, wantErr: "AWS_SESSION_TOKEN is removed for one configuration"},
		{name: "twice", sources: one, specs: []string{"X=secret", "X=key"}, wantErr: "X would get both the secret and the key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base, err := Build(tt.sources, nil)
			require.NoError(t, err)
			p, err := Build(tt.sources, tt.specs)
			if tt.wantErr != "" {
				var ue *UsageError
				require.ErrorAs(t, err, &ue)
				require.ErrorContains(t, err, tt.wantErr)
				requireNoPiece(t, err.Error(), awsSecret, openAIKey, anthropicKey)
				return
			}
			require.NoError(t, err)
			got := p.Values()
			for k := range base.Values() {
				delete(got, k)
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestBuildRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sources []Source
		wantErr string
		usage   bool
	}{
		{"nothing", nil, "at least one configuration", true},
		{"same variable twice", []Source{src("A", "OPENAI", "", "", "", openAIKey), src("B", "OTHER", "https://gw.example.com/v1", "", "", otherKey)}, `configurations "A" and "B" both set OPENAI_API_KEY`, true},
		{"two aws", []Source{src("A", "AWS", "", "us-east-1", awsKeyID, awsSecret), src("B", "AWS", "", "us-east-1", awsKeyID, awsSecret+"x")}, "both set AWS_ACCESS_KEY_ID", true},
		{"unset by one, set by another", []Source{src("Key", "AWS", "", "", "", bedrockKey), src("Pair", "AWS", "", "", awsKeyID, awsSecret)}, `configuration "Pair" removes AWS_BEARER_TOKEN_BEDROCK, which configuration "Key" sets`, true},
		{"no secret", []Source{src("A", "OPENAI", "", "", "", "  ")}, `configuration "A" has no secret`, false},
		{"aws pair without key id", []Source{src("A", "AWS", "", "us-east-1", "", awsSecret)}, "no access key ID", false},
		{"unknown type", []Source{src("A", "AZURE", "", "", "", openAIKey)}, `unknown AI type "AZURE"`, false},
		{"control character", []Source{src("A", "OPENAI", "https://x.example/v1\n", "", "", openAIKey+"\x00")}, "holds a control character", false},
		{"escape in name", []Source{src("A\x1b]52;c;x\x07", "OPENAI", "", "", "", "")}, `configuration "A" has no secret`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Build(tt.sources, nil)
			require.ErrorContains(t, err, tt.wantErr)
			var ue *UsageError
			require.Equal(t, tt.usage, errors.As(err, &ue))
			requireNoPiece(t, err.Error(), openAIKey, awsSecret, bedrockKey)
		})
	}
}

func TestEnviron(t *testing.T) {
	t.Parallel()
	p, err := Build([]Source{src("Bedrock", "AWS", "", "eu-west-1", awsKeyID, awsSecret)}, []string{"MY_KEY=secret"})
	require.NoError(t, err)
	base := []string{
		"PATH=/usr/bin", "=C:=C:\\x", "AWS_SESSION_TOKEN=stale", "AWS_ACCESS_KEY_ID=AKIAOLD",
		"AWS_REGION=us-east-1", "AWS_PROFILE=work", "HOME=/home/u", "NOEQUALS",
	}
	got := p.Environ(base)
	require.Equal(t, []string{
		"PATH=/usr/bin", "=C:=C:\\x", "HOME=/home/u", "NOEQUALS",
		"AWS_ACCESS_KEY_ID=" + awsKeyID, "AWS_SECRET_ACCESS_KEY=" + awsSecret,
		"AWS_REGION=eu-west-1", "AWS_DEFAULT_REGION=eu-west-1", "MY_KEY=" + awsSecret,
	}, got)
	require.Equal(t, []string{awsKeyID, awsSecret, awsSecret}, p.Secrets())
}

func TestDescribeShowsFingerprintsOnly(t *testing.T) {
	t.Parallel()
	p, err := Build([]Source{
		src("Bedrock", "AWS", "https://bedrock-runtime.eu-west-3.amazonaws.com", "", awsKeyID, awsSecret),
		src("OpenAI prod", "OPENAI", "https://api.openai.com/v1", "", "", openAIKey),
	}, []string{"TOOL_KEY=2:secret"})
	require.NoError(t, err)
	d := p.Describe()
	require.Equal(t, DescribedVar{Name: "OPENAI_API_KEY", Field: "secret", Config: "OpenAI prod", Shown: input.Fingerprint(openAIKey)}, d.Set[4])
	require.Contains(t, d.Set[4].Shown, "sk-proj-…")
	require.Equal(t, input.Fingerprint(awsKeyID), d.Set[0].Shown)
	require.Equal(t, "eu-west-3", d.Set[2].Shown)
	require.Equal(t, "https://api.openai.com/v1", d.Set[5].Shown)
	require.Equal(t, DescribedVar{Name: "TOOL_KEY", Field: "secret", Config: "OpenAI prod", Shown: input.Fingerprint(openAIKey)}, d.Set[7])
	require.Len(t, d.Set, 8)
	text := d.String()
	require.Contains(t, text, "AWS_SESSION_TOKEN")
	require.Contains(t, text, `(secret of "OpenAI prod")`)
	secrets := []string{awsKeyID, awsSecret, openAIKey}
	requireNoPiece(t, text, secrets...)
	// Whatever verb a caller uses by mistake, no value comes out.
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		for _, v := range []any{p, *p, p.Vars, p.Vars[0], d} {
			out := fmt.Sprintf(verb, v)
			requireNoPiece(t, out, secrets...)
			requireNoHexPiece(t, out, secrets...)
		}
	}
}
