package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/fbllm/fbllm/store"
)

// writeIndexFile writes a configs.json of n local configurations into
// configDir, the way the store writes it, without n Adds (each rewrites the
// index: 10,000 of them would take minutes).
func writeIndexFile(b *testing.B, configDir string, n int) {
	b.Helper()
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	configs := make([]store.Config, n)
	for i := range configs {
		configs[i] = store.Config{
			ID: fmt.Sprintf("benchid%019d", i), Name: fmt.Sprintf("config-%05d", i), AIType: "OPENAI",
			Endpoint: fmt.Sprintf("https://llm-%d.example.com/v1", i), SecretFingerprint: "sk-proj-…wxyz #3fa9c1",
			Workspace: "local", SecretBackend: "file", Generation: 1, CreatedAt: at, UpdatedAt: at,
			LastCheck: &store.Check{Status: "verified", At: at},
		}
	}
	var buf bytes.Buffer
	buf.WriteString(`{"version":2,"configs":[`)
	for i, c := range configs {
		if i > 0 {
			buf.WriteByte(',')
		}
		line, err := json.Marshal(c)
		if err != nil {
			b.Fatal(err)
		}
		buf.WriteByte('\n')
		buf.Write(line)
	}
	buf.WriteString("\n]}\n")
	if err := os.MkdirAll(configDir, 0o700); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(configDir, "configs.json"), buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
}

// screenWatch is a terminal that signals once the output holds want.
type screenWatch struct {
	mu   sync.Mutex
	buf  []byte
	want []byte
	seen chan struct{}
	once sync.Once
}

func (w *screenWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf = append(w.buf, p...)
	found := bytes.Contains(w.buf, w.want)
	w.mu.Unlock()
	if found {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

// BenchmarkFirstFrame measures a start of the app as a new process sees
// it: from opening the store and creating the App over an index of n
// configurations (encrypted-file keyring, nothing cached) to the first
// frame that shows the browser with its first row, written by the real
// renderer (100×40, 256 colours). Goal (issue 14): ≤ 40 ms at 10,000.
func BenchmarkFirstFrame(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			cfgDir, dataDir := filepath.Join(dir, "config"), filepath.Join(dir, "data")
			writeIndexFile(b, cfgDir, n)
			env := map[string]string{"HOME": dir, store.EnvBackend: store.BackendFile}
			for b.Loop() {
				st, err := store.Open(store.Options{ConfigDir: cfgDir, DataDir: dataDir,
					Env: func(k string) string { return env[k] }})
				if err != nil {
					b.Fatal(err)
				}
				w := &screenWatch{want: []byte("config-00000"), seen: make(chan struct{})}
				p := tea.NewProgram(newApp(Deps{Store: st}, Options{}),
					tea.WithInput(nil), tea.WithOutput(w), tea.WithWindowSize(100, 40),
					tea.WithColorProfile(colorprofile.ANSI256), tea.WithoutSignals())
				done := make(chan error, 1)
				go func() { _, err := p.Run(); done <- err }()
				select {
				case <-w.seen:
				case <-time.After(10 * time.Second):
					b.Fatalf("no browser frame in 10 s:\n%q", w.buf)
				}
				b.StopTimer()
				p.Quit()
				if err := <-done; err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
