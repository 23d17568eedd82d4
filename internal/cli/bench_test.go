package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/99designs/keyring"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/internal/providertest"
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

// BenchmarkTestAll500Slow is `fbllm test --all` over 500 local
// configurations spread over 50 providers that each answer after 200 ms,
// with the encrypted-file keyring. Budget (issue 14): 2 s.
func BenchmarkTestAll500Slow(b *testing.B) {
	const n, hosts = 500, 50
	dir := b.TempDir()
	env := map[string]string{
		"FBLLM_CONFIG_DIR": filepath.Join(dir, "config"), "FBLLM_DATA_DIR": filepath.Join(dir, "data"),
		"FBLLM_KEYRING_BACKEND": "file", "FBLLM_KEYRING_PASSPHRASE": cliPassphrase, "HOME": dir,
	}
	run := func(args ...string) (int, string) {
		var out bytes.Buffer
		code := Run(args, &Env{
			stdin: strings.NewReader(""), stdout: &out, stderr: &out,
			getenv:  func(k string) string { return env[k] },
			openTTY: func() (*os.File, error) { return nil, errors.New("no tty") },
			kdf:     testKDF,
		}, "")
		return code, out.String()
	}
	urls := make([]string, hosts)
	for i := range urls {
		srv := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{cliSecret}, Delay: 200 * time.Millisecond})
		b.Cleanup(srv.Close)
		urls[i] = srv.URL + "/v1"
	}
	env["K"] = cliSecret
	for i := range n {
		if code, out := run("add", "--name", fmt.Sprintf("c%03d", i), "--type", "OTHER", "--endpoint", urls[i%hosts], "--secret-env", "K"); code != 0 {
			b.Fatalf("add: %s", out)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		code, out := run("test", "--all")
		if code != 0 {
			b.Fatalf("test --all exit %d: %.500s", code, out)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/run")
	}
}
