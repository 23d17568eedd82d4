package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/99designs/keyring"

	"github.com/fbllm/fbllm/store"
)

// BenchmarkListJSON1000 runs `fbllm list --json` in-process over an index of
// 1,000 configurations, with the real encrypted-file backend configured:
// listing must read the index only and never unlock or decrypt anything.
// Target: ≤ 30 ms of work.
func BenchmarkListJSON1000(b *testing.B) {
	dir := b.TempDir()
	cfgDir, dataDir := filepath.Join(dir, "config"), filepath.Join(dir, "data")
	// Seed through a store with an in-memory keyring: the index file is the
	// same, and 1,000 PBKDF2 runs would only slow the setup down.
	seedStore, err := store.Open(store.Options{ConfigDir: cfgDir, DataDir: dataDir,
		Keyring: keyring.NewArrayKeyring(nil), Env: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		if _, err := seedStore.Add(b.Context(), store.Config{
			Name: fmt.Sprintf("config-%04d", i), AIType: "OPENAI",
			Endpoint: "https://api.openai.com/v1", SecretFingerprint: "sk-proj-…abcd #123456",
		}, store.Credentials{Secret: fmt.Sprintf("sk-proj-%040d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	env := map[string]string{
		"FBLLM_CONFIG_DIR": cfgDir, "FBLLM_DATA_DIR": dataDir,
		"FBLLM_KEYRING_BACKEND": "file", "HOME": dir,
	}
	var out bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out.Reset()
		code := Run([]string{"list", "--json"}, &Env{
			stdin: strings.NewReader(""), stdout: &out, stderr: &out,
			getenv:  func(k string) string { return env[k] },
			openTTY: func() (*os.File, error) { return nil, errors.New("no tty") },
		}, "")
		if code != 0 {
			b.Fatalf("exit %d: %s", code, out.String())
		}
	}
	b.StopTimer()
	if !strings.Contains(out.String(), "config-0999") {
		b.Fatal("listing is missing configurations")
	}
}
