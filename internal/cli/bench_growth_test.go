package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/internal/providertest"
	"github.com/fbllm/fbllm/store"
)

// growthHome is an installation with n local configurations on the
// encrypted-file keyring, every one with its item file, built without n
// Adds (each rewrites the index; 10,000 would take minutes): one real add
// makes the keyring, then the index is written whole and the item file is
// copied under each configuration's name.
func growthHome(b *testing.B, n int) func(args ...string) (int, string) {
	b.Helper()
	dir := b.TempDir()
	env := map[string]string{
		"FBLLM_CONFIG_DIR": filepath.Join(dir, "config"), "FBLLM_DATA_DIR": filepath.Join(dir, "data"),
		"FBLLM_KEYRING_BACKEND": "file", "FBLLM_KEYRING_PASSPHRASE": cliPassphrase, "HOME": dir, "K": cliSecret,
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
	if code, out := run("add", "--name", "seed", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K"); code != 0 {
		b.Fatalf("add: %s", out)
	}
	indexPath := filepath.Join(env["FBLLM_CONFIG_DIR"], "configs.json")
	var idx struct {
		Configs []store.Config `json:"configs"`
	}
	raw, err := os.ReadFile(indexPath)
	if err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(raw, &idx); err != nil || len(idx.Configs) != 1 {
		b.Fatal(err, len(idx.Configs))
	}
	seed := idx.Configs[0]
	kdir := filepath.Join(env["FBLLM_DATA_DIR"], "keyring")
	item, err := os.ReadFile(filepath.Join(kdir, "fbllm%2F"+seed.ID+".g1"))
	if err != nil {
		b.Fatal(err)
	}
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `{"version":2,"configs":[`)
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	for i := range n {
		c := seed
		id := []byte(strings.Repeat("a", 26))
		for j, v := 25, i; v > 0; j, v = j-1, v/32 {
			id[j] = alphabet[v%32]
		}
		c.ID, c.Name = string(id), fmt.Sprintf("config-%05d", i)
		c.Endpoint = fmt.Sprintf("https://llm-%d.example.com/v1", i)
		c.LastCheck = &store.Check{Status: "verified", At: at}
		line, err := json.Marshal(c)
		if err != nil {
			b.Fatal(err)
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		buf.Write(line)
		if err := os.WriteFile(filepath.Join(kdir, "fbllm%2F"+c.ID+".g1"), item, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	buf.WriteString("\n]}\n")
	if err := os.WriteFile(indexPath, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.Remove(filepath.Join(kdir, "fbllm%2F"+seed.ID+".g1")); err != nil {
		b.Fatal(err)
	}
	return run
}

// BenchmarkAddCLI runs `fbllm add` in-process (a new Store each time, as a
// new process has) into an index of n configurations on the
// encrypted-file keyring (its Argon2id cost lowered, as in every test: the
// default's 0.25 s would hide everything else). Goal (issue 14): add at
// 10,000 ≤ 2× add at 100.
func BenchmarkAddCLI(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			run := growthHome(b, n)
			i := 0
			for b.Loop() {
				i++
				if code, out := run("add", "--name", fmt.Sprintf("bench-%d", i), "--type", "OPENAI",
					"--endpoint", "https://api.openai.com/v1", "--secret-env", "K"); code != 0 {
					b.Fatalf("add: %s", out)
				}
			}
		})
	}
}

// BenchmarkStatusCLI runs `fbllm status` in-process over an index of n
// configurations on the encrypted-file keyring.
func BenchmarkStatusCLI(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			run := growthHome(b, n)
			for b.Loop() {
				if code, out := run("status"); code != 0 {
					b.Fatalf("status: %s", out)
				}
			}
		})
	}
}

// BenchmarkTestRefCLI runs `fbllm test REF` in-process against an instant
// local provider, with n other configurations in the index: resolve, read
// the secret, probe, record the check.
func BenchmarkTestRefCLI(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			run := growthHome(b, n)
			prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{cliSecret}})
			b.Cleanup(prov.Close)
			if code, out := run("add", "--name", "probe", "--type", "OTHER", "--endpoint", prov.URL+"/v1", "--secret-env", "K"); code != 0 {
				b.Fatalf("add: %s", out)
			}
			for b.Loop() {
				if code, out := run("test", "probe"); code != 0 {
					b.Fatalf("test: %s", out)
				}
			}
		})
	}
}
