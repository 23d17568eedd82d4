package toolenv

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/input"
)

// TestPreviewMatchesBuild: the preview from the index (fingerprints only)
// names exactly the variables Build sets from the credentials, with the
// same fingerprints, endpoints and regions, and the same removals, for
// every type and both kinds of AWS credential. It never holds a secret.
func TestPreviewMatchesBuild(t *testing.T) {
	t.Parallel()
	for _, s := range []Source{
		src("OpenAI prod", "OPENAI", "https://api.openai.com/v1", "", "", openAIKey),
		src("no endpoint", "OPENAI", "", "", "", openAIKey),
		src("Claude", "ANTHROPIC", "https://api.anthropic.com", "", "", anthropicKey),
		src("Gemini", "GOOGLE", "https://generativelanguage.googleapis.com/v1beta", "", "", geminiKey),
		src("Bedrock", "AWS", "https://bedrock-runtime.eu-west-3.amazonaws.com", "", awsKeyID, awsSecret),
		src("Bedrock region", "AWS", "https://gateway.example.com", "us-west-2", awsKeyID, awsSecret),
		src("Bedrock key", "AWS", "https://bedrock-runtime.us-east-1.amazonaws.com", "", "", bedrockKey),
		src("vLLM", "OTHER", "http://10.0.0.12:8000/v1", "", "", otherKey),
	} {
		t.Run(s.Config.Name, func(t *testing.T) {
			plan, err := Build([]Source{s}, nil)
			require.NoError(t, err)
			c := s.Config
			c.SecretFingerprint = input.Fingerprint(s.Credentials.Secret)
			if s.Credentials.Key != "" {
				c.KeyFingerprint = input.Fingerprint(s.Credentials.Key)
			}
			got, err := Preview(c)
			require.NoError(t, err)
			require.Equal(t, plan.Describe(), got)
			require.NotEmpty(t, got.Set)
			requireNoPiece(t, got.String(), s.Credentials.Secret)
		})
	}
}

func TestPreviewRefusesWhatBuildRefuses(t *testing.T) {
	t.Parallel()
	c := src("empty", "OPENAI", "https://api.openai.com/v1", "", "", "").Config
	_, err := Preview(c)
	require.ErrorContains(t, err, "has no secret")
	c = src("azure", "AZURE", "https://x.example.com", "", "", "").Config
	c.SecretFingerprint = "sk-…abcd #123456"
	_, err = Preview(c)
	require.Error(t, err)
}
