package toolenv

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/fbllm/fbllm/internal/secrettest"
	"github.com/fbllm/fbllm/store"
)

// fill returns n characters of low-entropy filler, so test keys match the
// token shapes without looking like leaked credentials to scanners.
func fill(n int) string { return strings.Repeat("Ab3", n/3+1)[:n] }

var (
	openAIKey    = "sk-proj-" + fill(40) + "T3BlbkFJ" + fill(20)
	anthropicKey = "sk-ant-api03-" + fill(60) + "Zq"
	geminiKey    = "AIza" + fill(35)
	awsKeyID     = "AKIA" + strings.Repeat("Q2", 8)
	awsSecret    = strings.Repeat("Wx7/", 10)
	bedrockKey   = "ABSK" + fill(60) + "=="
	otherKey     = "sk-" + fill(48)
)

func src(name, typ, endpoint, region, key, secret string) Source {
	return Source{
		Config:      store.Config{Name: name, AIType: typ, Endpoint: endpoint, Region: region},
		Credentials: store.Credentials{Key: key, Secret: secret},
	}
}

// requireNoPiece fails when out holds a secret or a 12-character piece of
// one (secrettest's rule; the failure does not print the output).
func requireNoPiece(t *testing.T, out string, secrets ...string) {
	t.Helper()
	secrettest.RequireAbsent(t, out, secrets...)
}

// requireNoHexPiece fails when out holds a 12-character piece of a secret
// hex-encoded (as %x would print it), in either case.
func requireNoHexPiece(t *testing.T, out string, secrets ...string) {
	t.Helper()
	lower := strings.ToLower(out)
	for _, s := range secrets {
		for i := 0; i+12 <= len(s); i++ {
			if strings.Contains(lower, hex.EncodeToString([]byte(s[i:i+12]))) {
				t.Fatalf("output holds a hex-encoded piece of a secret at offset %d", i)
			}
		}
	}
}
