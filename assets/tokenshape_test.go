package assets

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Sample values are assembled from repeated filler so that they match the
// shapes without looking like leaked credentials to secret scanners.
func fill(n int) string { return strings.Repeat("Ab3", n/3+1)[:n] }

func TestMatchTokenShape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value  string
		wantID string // "" means no shape matches
	}{
		{"sk-ant-api03-" + fill(93) + "AA", "anthropic-api"},
		{"sk-ant-admin01-" + fill(40), "anthropic-admin"},
		{"sk-ant-oat01-" + fill(40), "anthropic-oauth"},
		{"sk-ant-ort01-" + fill(40), "anthropic-oauth-refresh"},
		{"sk-or-v1-" + strings.Repeat("0a", 32), "openrouter"},
		{"sk-proj-" + fill(40) + "T3BlbkFJ" + fill(40), "openai-project"},
		{"sk-svcacct-" + fill(60), "openai-service-account"},
		{"sk-admin-" + fill(60), "openai-admin"},
		{"sk-" + fill(20) + "T3BlbkFJ" + fill(20), "openai-legacy"},
		{"gsk_" + fill(52), "groq"},
		{"xai-" + fill(80), "xai"},
		{"vck_" + fill(40), "vercel-ai-gateway"},
		{"AIza" + fill(35), "gemini-standard"},
		{"AQ." + fill(50), "gemini-authorization"},
		{"ya29." + fill(100), "google-oauth-token"},
		{"eyJ" + fill(20) + "." + fill(30) + "." + fill(43), "jwt"},
		{"AKIA" + strings.Repeat("Q2", 8), "aws-access-key-id"},
		{"ASIA" + strings.Repeat("Q2", 8), "aws-temporary-access-key-id"},
		{"ABSK" + fill(100) + "==", "bedrock-api-key"},
		{"bedrock-api-key-" + fill(200), "bedrock-api-key-short-term"},

		{"", ""},
		{"sk-" + fill(48), ""},                                 // gateway-style sk- key: proves nothing
		{"sk-ant-api03-short", ""},                             // too short for the pattern
		{"AIza" + fill(34), ""},                                // one character short
		{"akia" + strings.Repeat("Q2", 8), ""},                 // case matters
		{"AKIA" + strings.Repeat("Q2", 8) + "\n", ""},          // anchored: no trailing newline
		{"x sk-proj-" + fill(40), ""},                          // anchored at the start
		{"AKIA" + strings.Repeat("Q1", 8), ""},                 // 1 is not in the base32 alphabet
		{"sk-or-v1-" + strings.Repeat("0a", 32) + "!", ""},     // anchored at the end
		{"eyJ" + fill(20) + "." + fill(30), ""},                // two segments: not a JWT
		{"bedrock-api-key-" + fill(200) + " tail", ""},         // no spaces
		{"ABSK" + fill(10), ""},                                // too short
		{"ya29." + fill(19), ""},                               // too short
		{"AQ." + fill(19), ""},                                 // too short
		{"gsk_" + fill(19), ""},                                // too short
		{"xai-" + fill(19), ""},                                // too short
		{"vck_" + fill(19), ""},                                // too short
		{"ASIA" + strings.Repeat("Q2", 9), ""},                 // 22 characters
		{"sk-svcacct-" + fill(19), ""},                         // too short
		{"sk-admin-" + fill(19), ""},                           // too short
		{"sk-ant-oat01-" + fill(19), ""},                       // too short
		{"sk-" + fill(20) + "T3BlbkFJ" + fill(7), ""},          // too short after the infix
		{"sk-proj-" + fill(19), ""},                            // too short
		{"sk-ant-admin01-" + fill(19), ""},                     // too short
		{"sk-ant-ort01-" + fill(19), ""},                       // too short
		{"sk-or-v1-" + strings.Repeat("0a", 15) + "0", ""},     // too short
		{"bedrock-api-key-" + fill(19), ""},                    // too short
		{"AIza" + fill(36), ""},                                // one character long
		{"eyJ" + fill(7) + "." + fill(30) + "." + fill(4), ""}, // header too short
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.wantID+"/"+tt.value[:min(len(tt.value), 12)], func(t *testing.T) {
			t.Parallel()
			got, ok := MatchTokenShape(tt.value)
			if tt.wantID == "" {
				require.False(t, ok, "matched %s", got.ID)
				require.Equal(t, TokenShape{}, got)
				return
			}
			require.True(t, ok)
			require.Equal(t, tt.wantID, got.ID)
			require.True(t, strings.HasPrefix(tt.value, got.Prefix))
		})
		seen[tt.wantID] = true
	}
	// Every shape needs a positive sample, so a new shape cannot ship
	// without a test showing that it matches (and is not shadowed).
	for _, s := range TokenShapes() {
		require.True(t, seen[s.ID], "no sample for token shape %s", s.ID)
	}
}

func TestTokenShapesMostSpecificFirst(t *testing.T) {
	t.Parallel()
	pos := map[string]int{}
	for i, s := range TokenShapes() {
		pos[s.ID] = i
	}
	for _, specific := range []string{"anthropic-api", "anthropic-admin", "anthropic-oauth", "openrouter", "openai-project", "openai-service-account", "openai-admin"} {
		require.Less(t, pos[specific], pos["openai-legacy"], specific)
	}
}

func TestShapePrefix(t *testing.T) {
	t.Parallel()
	tests := []struct{ value, want string }{
		{"sk-ant-api03-anything", "sk-ant-"},
		{"sk-proj-x", "sk-proj-"},
		{"sk-svcacct-x", "sk-svcac"},
		{"sk-or-v1-x", "sk-or-v1"},
		{"sk-litellm-virtual", "sk-"},
		{"AKIAxx", "AKIA"},
		{"bedrock-api-key-x", "bedrock-"},
		{"AQ.x", "AQ."},
		{"ya29", ""},
		{"", ""},
		{"hunter2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, ShapePrefix(tt.value))
		})
	}
}

func TestTokenShapesReturnsCopy(t *testing.T) {
	t.Parallel()
	got := TokenShapes()
	got[0].ID = "changed"
	require.NotEqual(t, "changed", TokenShapes()[0].ID)
}
