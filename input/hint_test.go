package input

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
)

// Fake credentials built from filler, shaped like the real thing.
func fake(prefix string, n int) string { return prefix + strings.Repeat("Zq9", n/3+1)[:n] }

var (
	anthropicKey = fake("sk-ant-api03-", 95)
	anthropicAdm = fake("sk-ant-admin01-", 60)
	anthropicOAT = fake("sk-ant-oat01-", 60)
	openAIKey    = fake("sk-proj-", 120)
	openAIAdmin  = fake("sk-admin-", 60)
	groqKey      = fake("gsk_", 52)
	openRouter   = "sk-or-v1-" + strings.Repeat("0f", 32)
	geminiStd    = fake("AIza", 35)
	geminiAuth   = fake("AQ.", 50)
	googleOAuth  = fake("ya29.", 100)
	jwt          = fake("eyJ", 20) + "." + fake("", 30) + "." + fake("", 40)
	akia         = "AKIA" + strings.Repeat("Q7", 8)
	asia         = "ASIA" + strings.Repeat("Q7", 8)
	awsSecret    = strings.Repeat("Zq9/", 10)
	absk         = fake("ABSK", 100)
	bedrockShort = fake("bedrock-api-key-", 200)
	azureKey     = strings.Repeat("0123456789abcdef", 2)
)

func TestKeyShapeHints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		typ                   assets.AIType
		endpoint, key, secret string
		want                  []Hint
	}{
		// Matching credentials produce nothing.
		{name: "openai key under openai", typ: assets.OpenAI, endpoint: openAIBase, secret: openAIKey},
		{name: "anthropic key under anthropic", typ: assets.Anthropic, endpoint: anthropicBase, secret: anthropicKey},
		{name: "gemini standard key", typ: assets.Google, endpoint: geminiBase, secret: geminiStd},
		{name: "gemini authorization key", typ: assets.Google, endpoint: geminiBase, secret: geminiAuth},
		{name: "aws key pair", typ: assets.AWS, endpoint: bedrockBase, key: akia, secret: awsSecret},
		{name: "bedrock api key without key is the bearer path", typ: assets.AWS, endpoint: bedrockBase, secret: absk},
		{name: "short-term bedrock api key", typ: assets.AWS, endpoint: bedrockBase, secret: bedrockShort},
		{name: "openrouter key on openrouter", typ: assets.Other, endpoint: "https://openrouter.ai/api/v1", secret: openRouter},
		{name: "unknown secret", typ: assets.Other, endpoint: "http://localhost:11434/v1", secret: "ollama"},
		{name: "empty everything", typ: assets.OpenAI},
		{name: "invalid type", typ: "AZURE", secret: anthropicKey},
		{name: "gateway passing a provider key through", typ: assets.Other, endpoint: "http://localhost:4000", secret: anthropicKey},
		{name: "anthropic key on anthropic's compatible surface", typ: assets.Other, endpoint: "https://api.anthropic.com/v1", secret: anthropicKey},
		{name: "JWT under OTHER", typ: assets.Other, endpoint: "https://gw.example.com/v1", secret: jwt},

		// Another provider's key under a type (§2.2, §3.2, §7).
		{name: "anthropic key under openai", typ: assets.OpenAI, endpoint: openAIBase, secret: anthropicKey, want: []Hint{{
			Field: "secret", LikelyType: assets.Anthropic, Vendor: "Anthropic",
			Message: "The secret looks like an Anthropic API key (sk-ant-…); did you mean type ANTHROPIC?",
		}}},
		{name: "gemini key under openai", typ: assets.OpenAI, secret: geminiStd, want: []Hint{{
			Field: "secret", LikelyType: assets.Google, Vendor: "Google",
			Message: "The secret looks like a Gemini API key (AIza…); did you mean type GOOGLE?",
		}}},
		{name: "openai key under google", typ: assets.Google, endpoint: geminiBase, secret: openAIKey, want: []Hint{{
			Field: "secret", LikelyType: assets.OpenAI, Vendor: "OpenAI",
			Message: "The secret looks like an OpenAI project API key (sk-proj-…); did you mean type OPENAI?",
		}}},
		{name: "bedrock key under anthropic", typ: assets.Anthropic, secret: absk, want: []Hint{{
			Field: "secret", LikelyType: assets.AWS, Vendor: "Amazon Bedrock",
			Message: "The secret looks like a Bedrock API key (ABSK…); did you mean type AWS?",
		}}},

		// §6.9 rows that involve the key.
		{name: "anthropic key and host under openai", typ: assets.OpenAI, endpoint: "https://api.anthropic.com/v1", secret: anthropicKey, want: []Hint{{
			Field: "secret", LikelyType: assets.Anthropic, Vendor: "Anthropic",
			Message: "The secret looks like an Anthropic API key (sk-ant-…) and the endpoint is Anthropic's: choose type ANTHROPIC.",
		}}},
		{name: "gemini key and host under openai", typ: assets.OpenAI, endpoint: "https://generativelanguage.googleapis.com/v1beta/openai", secret: geminiAuth, want: []Hint{{
			Field: "secret", LikelyType: assets.Google, Vendor: "Google",
			Message: "The secret looks like a Gemini API key (AQ.…) and the endpoint is Google's: choose type GOOGLE.",
		}}},
		{name: "azure key and host under openai", typ: assets.OpenAI, endpoint: "https://myres.openai.azure.com/openai/v1", secret: azureKey, want: []Hint{{
			Field: "secret", LikelyType: assets.Other, Vendor: "Azure OpenAI",
			Message: "This looks like an Azure OpenAI key: Azure needs its api-key header, so choose type OTHER.",
		}}},
		{name: "32 hex without an azure host", typ: assets.OpenAI, endpoint: openAIBase, secret: azureKey},
		{name: "groq key at api.openai.com", typ: assets.OpenAI, endpoint: openAIBase, secret: groqKey, want: []Hint{{
			Field: "endpoint", LikelyType: assets.Other, Vendor: "Groq",
			Message: "The secret looks like a Groq API key (gsk_…), but the endpoint is OpenAI's: set Groq's base URL and choose type OTHER.",
		}}},
		{name: "openrouter key at api.openai.com", typ: assets.OpenAI, endpoint: "api.openai.com", secret: openRouter, want: []Hint{{
			Field: "endpoint", LikelyType: assets.Other, Vendor: "OpenRouter",
			Message: "The secret looks like an OpenRouter API key (sk-or-v1…), but the endpoint is OpenAI's: set OpenRouter's base URL and choose type OTHER.",
		}}},
		{name: "xai key under openai elsewhere", typ: assets.OpenAI, endpoint: "https://api.x.ai/v1", secret: fake("xai-", 80), want: []Hint{{
			Field: "secret", LikelyType: assets.Other, Vendor: "xAI",
			Message: "The secret looks like an xAI API key (xai-…): with xAI's base URL, choose type OTHER.",
		}}},
		{name: "openai key and host under anthropic", typ: assets.Anthropic, endpoint: openAIBase, secret: openAIKey, want: []Hint{{
			Field: "secret", LikelyType: assets.OpenAI, Vendor: "OpenAI",
			Message: "The secret looks like an OpenAI project API key (sk-proj-…) and the endpoint is OpenAI's: choose type OPENAI.",
		}}},
		{name: "groq key at openrouter", typ: assets.Other, endpoint: "https://openrouter.ai/api/v1", secret: groqKey, want: []Hint{{
			Field: "endpoint", LikelyType: assets.Other, Vendor: "Groq",
			Message: "The secret looks like a Groq API key (gsk_…), but the endpoint is OpenRouter's: use Groq's base URL.",
		}}},
		{name: "anthropic key at openrouter", typ: assets.Other, endpoint: "https://openrouter.ai/api/v1", secret: anthropicKey, want: []Hint{{
			Field: "endpoint", LikelyType: assets.Anthropic, Vendor: "Anthropic",
			Message: "The secret looks like an Anthropic API key (sk-ant-…), but the endpoint is OpenRouter's.",
		}}},
		{name: "any key at vertex is the endpoint's problem", typ: assets.Google, endpoint: "https://us-central1-aiplatform.googleapis.com", secret: geminiStd},

		// Notes on the credential kind.
		{name: "openai admin key", typ: assets.OpenAI, endpoint: openAIBase, secret: openAIAdmin, want: []Hint{{
			Field: "secret", LikelyType: assets.OpenAI, Vendor: "OpenAI",
			Message: "The secret looks like an OpenAI Admin API key (sk-admin…): it manages the organisation and can't call models; create a project API key.",
		}}},
		{name: "anthropic admin key", typ: assets.Anthropic, secret: anthropicAdm, want: []Hint{{
			Field: "secret", LikelyType: assets.Anthropic, Vendor: "Anthropic",
			Message: "The secret looks like an Anthropic Admin API key (sk-ant-…): it manages the organisation and can't call models; create a standard API key in the Claude Console.",
		}}},
		{name: "anthropic admin key under openai names the real problem", typ: assets.OpenAI, secret: anthropicAdm, want: []Hint{{
			Field: "secret", LikelyType: assets.Anthropic, Vendor: "Anthropic",
			Message: "The secret looks like an Anthropic Admin API key (sk-ant-…): it manages the organisation and can't call models; create a standard API key in the Claude Console.",
		}}},
		{name: "claude subscription token", typ: assets.Anthropic, secret: anthropicOAT, want: []Hint{{
			Field: "secret", LikelyType: assets.Anthropic, Vendor: "Anthropic",
			Message: "The secret looks like a Claude subscription (OAuth) token (sk-ant-…): it is not an API key and the API refuses it; create an API key in the Claude Console.",
		}}},
		{name: "google oauth token", typ: assets.Google, secret: googleOAuth, want: []Hint{{
			Field: "secret", LikelyType: assets.Google, Vendor: "Google",
			Message: "The secret looks like a Google OAuth access token (ya29.…): it is not an API key and expires within an hour; create an API key in Google AI Studio.",
		}}},
		{name: "JWT under google", typ: assets.Google, secret: jwt, want: []Hint{{
			Field: "secret", Vendor: "JSON Web Token",
			Message: "The secret looks like a JSON Web Token (eyJ…): the Gemini API takes an API key, not a token; create an API key in Google AI Studio.",
		}}},

		// AWS field mix-ups (§5.1, §7).
		{name: "access key ID in the secret field", typ: assets.AWS, key: akia, secret: akia, want: []Hint{{
			Field: "secret", LikelyType: assets.AWS, Vendor: "AWS",
			Message: "The secret looks like an AWS access key ID (AKIA…): it belongs in the key field; the secret is the 40-character secret access key.",
		}}},
		{name: "access key ID in the secret field under openai", typ: assets.OpenAI, secret: akia, want: []Hint{{
			Field: "secret", LikelyType: assets.AWS, Vendor: "AWS",
			Message: "The secret looks like an AWS access key ID (AKIA…); did you mean type AWS? It belongs in the key field.",
		}}},
		{name: "temporary key ID in the secret field", typ: assets.AWS, secret: asia, want: []Hint{{
			Field: "secret", LikelyType: assets.AWS, Vendor: "AWS",
			Message: "The secret looks like an AWS temporary access key ID (ASIA…): it belongs in the key field; the secret is the 40-character secret access key.",
		}}},
		{name: "swapped fields", typ: assets.AWS, key: awsSecret, secret: akia, want: []Hint{{
			Field: "key", LikelyType: assets.AWS, Vendor: "AWS",
			Message: "The key and secret look swapped: the key takes the access key ID (AKIA…), the secret the 40-character secret access key.",
		}}},
		{name: "secret access key in the key field", typ: assets.AWS, key: awsSecret, secret: awsSecret, want: []Hint{{
			Field: "key", LikelyType: assets.AWS, Vendor: "AWS",
			Message: "The key looks like a 40-character secret access key: the key field takes the access key ID (AKIA…). Are the two swapped?",
		}}},
		{name: "temporary credentials", typ: assets.AWS, endpoint: bedrockBase, key: asia, secret: awsSecret, want: []Hint{{
			Field: "key", LikelyType: assets.AWS, Vendor: "AWS",
			Message: "The key looks like an AWS temporary access key ID (ASIA…): temporary credentials need a session token, which fbllm can't store yet, and they expire; use a long-term AKIA… key or a Bedrock API key.",
		}}},
		{name: "pasted credentials CSV line", typ: assets.AWS, secret: akia + "," + awsSecret, want: []Hint{{
			Field: "secret", LikelyType: assets.AWS, Vendor: "AWS",
			Message: "The secret looks like a line from the AWS credentials CSV: put the part before the comma in the key field and the rest in the secret field.",
		}}},
		{name: "bedrock api key with a key", typ: assets.AWS, key: akia, secret: absk, want: []Hint{{
			Field: "key", LikelyType: assets.AWS, Vendor: "Amazon Bedrock",
			Message: "With a Bedrock API key as the secret, leave the key empty: it isn't used.",
		}}},
		{name: "bedrock api key in the key field", typ: assets.AWS, key: absk, want: []Hint{{
			Field: "key", LikelyType: assets.AWS, Vendor: "Amazon Bedrock",
			Message: "The key looks like a Bedrock API key (ABSK…): it belongs in the secret field; leave the key empty.",
		}}},
		{name: "access key ID under another type", typ: assets.Other, key: akia, secret: "x", want: []Hint{{
			Field: "key", LikelyType: assets.AWS, Vendor: "AWS",
			Message: "The key looks like an AWS access key ID (AKIA…); did you mean type AWS?",
		}}},

		// Secrets in the key field of other types.
		{name: "openai key in the key field", typ: assets.OpenAI, key: openAIKey, want: []Hint{{
			Field: "key", LikelyType: assets.OpenAI, Vendor: "OpenAI",
			Message: "The key looks like an OpenAI project API key (sk-proj-…): it belongs in the secret field; OPENAI doesn't use the key field.",
		}}},
		{name: "anthropic key in the key field under google", typ: assets.Google, key: anthropicKey, secret: geminiStd, want: []Hint{{
			Field: "key", LikelyType: assets.Anthropic, Vendor: "Anthropic",
			Message: "The key looks like an Anthropic API key (sk-ant-…): it belongs in the secret field, under type ANTHROPIC.",
		}}},
		{name: "both fields hint independently", typ: assets.OpenAI, key: akia, secret: anthropicKey, want: []Hint{
			{Field: "secret", LikelyType: assets.Anthropic, Vendor: "Anthropic", Message: "The secret looks like an Anthropic API key (sk-ant-…); did you mean type ANTHROPIC?"},
			{Field: "key", LikelyType: assets.AWS, Vendor: "AWS", Message: "The key looks like an AWS access key ID (AKIA…); did you mean type AWS?"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := KeyShapeHints(tt.typ, tt.endpoint, tt.key, tt.secret)
			require.Equal(t, tt.want, got)
			for _, h := range got {
				requireNoLeak(t, h.Message, tt.secret)
				requireNoLeak(t, h.Message, tt.key)
			}
		})
	}
}

// requireNoLeak fails when text holds a 5-character run of value beyond
// the recognised provider prefix (assets.ShapePrefix).
func requireNoLeak(t *testing.T, text, value string) {
	t.Helper()
	prefix := assets.ShapePrefix(value)
	for i := 0; i+5 <= len(value); i++ {
		w := value[i : i+5]
		if strings.Contains(prefix, w) {
			continue
		}
		require.NotContains(t, text, w, "text leaks part of the credential")
	}
}

func TestRequiresKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ    assets.AIType
		secret string
		want   bool
	}{
		{assets.AWS, awsSecret, true},
		{assets.AWS, "", true},
		{assets.AWS, absk, false},
		{assets.AWS, "ABSK", false},
		{assets.AWS, bedrockShort, false},
		{assets.AWS, "bedrock-api-key", true},
		{assets.AWS, "absk" + awsSecret, true},
		{assets.OpenAI, awsSecret, false},
		{assets.Google, "", false},
		{assets.Anthropic, anthropicKey, false},
		{assets.Other, "", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ)+"/"+tt.secret[:min(len(tt.secret), 8)], func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, RequiresKey(tt.typ, tt.secret))
		})
	}
}

func TestEndpointHost(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://API.OpenAI.com/v1", "api.openai.com"},
		{"api.openai.com", "api.openai.com"},
		{"//openrouter.ai/api/v1", "openrouter.ai"},
		{"localhost:11434", "localhost"},
		{"", ""},
		{"https://%zz", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, endpointHost(tt.in))
		})
	}
}

func TestFirstPartyHost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ  assets.AIType
		host string
		want bool
	}{
		{assets.OpenAI, "api.openai.com", true},
		{assets.OpenAI, "eu.api.openai.com", true},
		{assets.OpenAI, "API.OpenAI.com.", true},
		{assets.OpenAI, "llm.example.com", false},
		{assets.OpenAI, "127.0.0.1", false},
		{assets.OpenAI, "api.anthropic.com", false},
		{assets.Anthropic, "api.anthropic.com", true},
		{assets.Anthropic, "gateway.corp.internal", false},
		{assets.Google, "generativelanguage.googleapis.com", true},
		{assets.Google, "us-central1-aiplatform.googleapis.com", true},
		{assets.Google, "localhost", false},
		{assets.AWS, "bedrock-runtime.us-east-1.amazonaws.com", true},
		{assets.AWS, "bedrock.gw.example.com", false},
		{assets.Other, "openrouter.ai", false},
	} {
		require.Equal(t, tc.want, FirstPartyHost(tc.typ, tc.host), "%s %s", tc.typ, tc.host)
	}
}

func TestCheckAPIURL(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"https://backend.flashback.tech", "http://127.0.0.1:8080", "http://localhost:3000/api", "http://10.0.0.5", "http://flashback.internal", "http://devbox:8080", "not a url %%"} {
		require.NoError(t, CheckAPIURL(ok), ok)
	}
	for _, bad := range []string{"http://backend.flashback.tech", "HTTP://api.example.com:8080/v1", "http://8.8.8.8"} {
		err := CheckAPIURL(bad)
		var ie *InputError
		require.ErrorAs(t, err, &ie, bad)
		require.Equal(t, CodeInsecureScheme, ie.Code)
		require.Contains(t, ie.Msg, "clear text")
	}
}
