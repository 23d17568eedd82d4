package keyscan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/internal/secrettest"
	"github.com/stretchr/testify/require"
)

// fillWith repeats a 3-character pattern: low-entropy fake keys that match
// the token shapes without looking like leaked credentials. The fixtures in
// testdata were written from the same formulas.
func fillWith(pat string, n int) string { return strings.Repeat(pat, n/3+1)[:n] }

var (
	keyOpenAI      = "sk-proj-" + fillWith("Ab3", 40) + "T3BlbkFJ" + fillWith("Ab3", 20)
	keyOpenAI2     = "sk-proj-" + fillWith("Cd4", 44)
	keyAnthropic   = "sk-ant-api03-" + fillWith("Ef5", 60)
	keyAnthropic2  = "sk-ant-api03-" + fillWith("Gh6", 60)
	keyGemini      = "AIza" + fillWith("Jk7", 35)
	keyGemini2     = "AIza" + fillWith("Mn8", 35)
	keyOpenRouter  = "sk-or-v1-" + strings.Repeat("0a", 32)
	keyOpenRouter2 = "sk-or-v1-" + strings.Repeat("1b", 32)
	keyGroq        = "gsk_" + fillWith("Pq9", 52)
	keyBedrock     = "ABSK" + fillWith("Rs2", 60)
	keyAKID        = "AKIA" + strings.Repeat("Q2", 8)
	keyAKID2       = "AKIA" + strings.Repeat("R3", 8)
	keyASID        = "ASIA" + strings.Repeat("S4", 8)
	keyAWSSecret   = strings.Repeat("Wx7/", 10)
	keyAWSSecret2  = strings.Repeat("Yz8+", 10)
	keyAWSSecret3  = strings.Repeat("Tu6/", 10)
	keyLocal       = "sk-" + fillWith("Vw5", 40)
	keyOAuth       = "sk-ant-oat01-" + fillWith("Xy4", 40)
)

// allSecrets is every fake secret of the fixtures.
var allSecrets = []string{
	keyOpenAI, keyOpenAI2, keyAnthropic, keyAnthropic2, keyGemini, keyGemini2,
	keyOpenRouter, keyOpenRouter2, keyGroq, keyBedrock, keyAKID, keyAKID2, keyASID,
	keyAWSSecret, keyAWSSecret2, keyAWSSecret3, keyLocal, keyOAuth,
}

// plant copies a fixture to dir/rel, creating directories.
func plant(t *testing.T, dir, rel, fixture string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", fixture))
	require.NoError(t, err)
	return write(t, dir, rel, string(data))
}

func write(t *testing.T, dir, rel, content string) string {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(rel))
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// requireNoPiece fails when out holds a secret or a 12-character piece of
// one (secrettest's rule; the failure does not print the output).
func requireNoPiece(t *testing.T, out string, secrets ...string) {
	t.Helper()
	secrettest.RequireAbsent(t, out, secrets...)
}

// bySecret indexes candidates by their secret.
func bySecret(cs []Candidate) map[string]Candidate {
	out := map[string]Candidate{}
	for _, c := range cs {
		out[c.Credentials().Secret] = c
	}
	return out
}

func sources(c Candidate) []string {
	var out []string
	for _, l := range c.Locations {
		out = append(out, l.Source)
	}
	return out
}

func assetsFormats() []string { return append([]string(nil), assets.KeyFileFormats...) }
