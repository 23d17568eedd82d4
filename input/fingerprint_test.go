package input

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
)

func sha6(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:6]
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	twenty := "abcdefghijklmnopqrst"
	tests := []struct {
		name, secret, want string
	}{
		{"empty", "", ""},
		{"too short", "abcdefghijklmnopqrs", "••••"},
		{"short key with a known prefix", "sk-ant-api03-abc", "••••"},
		{"exactly 20, no known prefix: nothing of its start", twenty, "…qrst #" + sha6(twenty)},
		{"anthropic", anthropicKey, "sk-ant-…" + anthropicKey[len(anthropicKey)-4:] + " #" + sha6(anthropicKey)},
		{"openai project", openAIKey, "sk-proj-…" + openAIKey[len(openAIKey)-4:] + " #" + sha6(openAIKey)},
		{"openrouter prefix is cut at 8", openRouter, "sk-or-v1…0f0f #" + sha6(openRouter)},
		{"gateway sk- key", "sk-" + strings.Repeat("x", 30), "sk-…xxxx #" + sha6("sk-"+strings.Repeat("x", 30))},
		{"access key ID", akia, "AKIA…Q7Q7 #" + sha6(akia)},
		{"short-term bedrock", bedrockShort, "bedrock-…" + bedrockShort[len(bedrockShort)-4:] + " #" + sha6(bedrockShort)},
		{"no known prefix", awsSecret, "…Zq9/ #" + sha6(awsSecret)},
		{"counts characters, not bytes", strings.Repeat("é", 20), "…éééé #" + sha6(strings.Repeat("é", 20))},
		{"19 characters in 38 bytes", strings.Repeat("é", 19), "••••"},
		// Pinned so an accidental change of format or hash is caught.
		{"pinned", "sk-ant-api03-" + strings.Repeat("A", 95), "sk-ant-…AAAA #ac2ffd"},
		// The first hex digits of this secret's hash ("0fbfd5…") contain
		// "fbfd5", which is in the secret, so later digits are used.
		{"hash collides with the secret", "a3d11fd802691b5bb0139f0d386c4fbfd59f67aa", "…67aa #bfd5a6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Fingerprint(tt.secret)
			require.Equal(t, tt.want, got)
			require.Equal(t, got, Fingerprint(tt.secret), "stable")
			requireFingerprintSafe(t, tt.secret, got)
		})
	}
}

func TestFingerprintPinnedVector(t *testing.T) {
	t.Parallel()
	require.Equal(t, "…qrst #dd65ee", Fingerprint("abcdefghijklmnopqrst"))
	require.Equal(t, "…67aa #bfd5a6", Fingerprint("a3d11fd802691b5bb0139f0d386c4fbfd59f67aa"))
}

func TestFingerprintTellsKeysApart(t *testing.T) {
	t.Parallel()
	a := "sk-proj-" + strings.Repeat("a", 30) + "WXYZ"
	b := "sk-proj-" + strings.Repeat("b", 30) + "WXYZ"
	require.NotEqual(t, Fingerprint(a), Fingerprint(b))
	require.Equal(t, Fingerprint(a)[:len("sk-proj-…WXYZ")], Fingerprint(b)[:len("sk-proj-…WXYZ")])
}

// TestFingerprintNeverLeaks checks the 5-character rule on many secrets,
// hex-heavy ones included, since those are the ones the hash can collide
// with.
func TestFingerprintNeverLeaks(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	alphabets := []string{"0123456789abcdef", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+", "0123456789"}
	for i := range 20000 {
		alphabet := alphabets[i%len(alphabets)]
		b := make([]byte, 20+rng.IntN(80))
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		secret := string(b)
		requireFingerprintSafe(t, secret, Fingerprint(secret))
	}
}

// requireFingerprintSafe is the PRODUCT §1 promise: no 5-character run of
// the secret outside the provider prefix and the last 4.
func requireFingerprintSafe(t *testing.T, secret, fp string) {
	t.Helper()
	if fp == "" || fp == "••••" {
		return
	}
	prefix := assets.ShapePrefix(secret) // unknown secrets show nothing of their start
	require.LessOrEqual(t, len([]rune(prefix)), 8)
	require.True(t, strings.HasPrefix(fp, prefix+"…"), "fingerprint %q does not start with the prefix", fp)
	r := []rune(fp)
	for i := 0; i+5 <= len(r); i++ {
		w := string(r[i : i+5])
		if strings.Contains(prefix, w) {
			continue
		}
		require.NotContains(t, secret, w, "fingerprint %q leaks %q", fp, w)
	}
}
