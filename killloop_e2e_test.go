package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/store"
)

// bearerRecorder is an OpenAI-compatible server that answers every
// /<config>/v1/models and remembers the bearer tokens each config sent
// (the diagnosis also sends a deliberately invalid one, to see whether the
// server checks keys at all).
type bearerRecorder struct {
	mu   sync.Mutex
	seen map[string][]string
}

func (b *bearerRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if rest != "v1/models" {
		http.NotFound(w, r)
		return
	}
	b.mu.Lock()
	b.seen[name] = append(b.seen[name], strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"object":"list","data":[{"id":"kill-model","object":"model","owned_by":"test"}]}`))
}

// secrets returns the stored secrets a config sent since the last call:
// every token but the diagnosis's invalid probe.
func (b *bearerRecorder) secrets(name string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, tok := range b.seen[name] {
		if !strings.HasPrefix(tok, "fbllm-probe-invalid") {
			out = append(out, tok)
		}
	}
	b.seen[name] = nil
	return out
}

// indexFingerprints reads the secret fingerprint of every configuration
// straight from configs.json, as a crash left it.
func indexFingerprints(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var idx struct {
		Configs []struct {
			Name              string `json:"name"`
			SecretFingerprint string `json:"secretFingerprint"`
		} `json:"configs"`
	}
	require.NoError(t, json.Unmarshal(data, &idx), "configs.json is never torn")
	out := map[string]string{}
	for _, c := range idx.Configs {
		out[c.Name] = c.SecretFingerprint
	}
	return out
}

// TestE2EKillLoopRotation kills the real binary at random points of `edit
// --secret-env` (a secret rotation) over and over, then checks that every
// configuration's `test` sends the provider exactly the secret its
// fingerprint names, that nothing is reported damaged, and that doctor
// --fix clears what the kills left behind.
func TestE2EKillLoopRotation(t *testing.T) {
	if testing.Short() {
		t.Skip("kill loop: not in -short")
	}
	bin := fbllmBinary(t)
	dir := t.TempDir()
	const pass = "kill loop passphrase"
	env := append(e2eEnv(dir), "FBLLM_KEYRING_BACKEND=file", "FBLLM_KEYRING_PASSPHRASE="+pass, "FBLLM_NO_INPUT=1")

	// The keyring is created with cheap Argon2id parameters (recorded in
	// kdf.json, which the binary then follows): the loop is about the
	// write path, and 150 processes × 0.25 s of key stretching would only
	// make every kill land in the derivation.
	st, err := store.Open(store.Options{ConfigDir: filepath.Join(dir, "config"), DataDir: filepath.Join(dir, "data"),
		Backend: store.BackendFile, KDF: &store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1},
		Env: func(string) string { return "" }})
	require.NoError(t, err)
	require.NoError(t, st.InitPassphrase(context.Background(), pass))

	rec := &bearerRecorder{seen: map[string][]string{}}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)

	secretOf := map[string]string{} // fingerprint → secret
	newSecret := func(name string, n int) string {
		s := fmt.Sprintf("kl-%s-%04d-%016x", name, n, rand.Uint64())
		secretOf[input.Fingerprint(s)] = s
		return s
	}
	run := func(extra []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(append([]string{}, env...), extra...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	names := []string{"alpha", "beta", "gamma"}
	for _, name := range names {
		out, err := run([]string{"S=" + newSecret(name, 0)}, "add", "--name", name, "--type", "OTHER",
			"--endpoint", srv.URL+"/"+name+"/v1", "--secret-env", "S")
		require.NoError(t, err, out)
	}

	// How long an uninterrupted rotation takes here, to spread the kills
	// over its whole length (start-up, unlock, item write, index commit,
	// old item removal, orphan collection).
	var longest time.Duration
	for i := range 3 {
		start := time.Now()
		out, err := run([]string{"S=" + newSecret(names[i], 1)}, "edit", names[i], "--secret-env", "S")
		require.NoError(t, err, out)
		longest = max(longest, time.Since(start))
	}

	index := filepath.Join(dir, "config", "configs.json")
	deadline := time.Now().Add(45 * time.Second)
	kills, committed, kept, finished := 0, 0, 0, 0
	for n := 2; kills < 120 && time.Now().Before(deadline); n++ {
		name := names[rand.IntN(len(names))]
		secret := newSecret(name, n)
		before := indexFingerprints(t, index)[name]
		cmd := exec.Command(bin, "edit", name, "--secret-env", "S")
		cmd.Env = append(append([]string{}, env...), "S="+secret)
		require.NoError(t, cmd.Start())
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			require.NoError(t, err, "an uninterrupted rotation succeeds")
			finished++
			continue
		case <-time.After(time.Duration(rand.Int64N(int64(longest) + 1))):
		}
		_ = cmd.Process.Kill()
		if err := <-exited; err == nil {
			finished++ // it finished before the kill arrived
			continue
		}
		kills++
		switch after := indexFingerprints(t, index)[name]; after {
		case input.Fingerprint(secret):
			committed++
		case before:
			kept++
		default:
			t.Fatalf("%s: fingerprint %q is neither the old nor the new secret's", name, after)
		}
	}
	t.Logf("%d kills (%d after the commit, %d before), %d rotations finished; one rotation took up to %s",
		kills, committed, kept, finished, longest)
	require.GreaterOrEqual(t, kills, 100)
	require.Positive(t, committed, "some kills must land after the commit point")
	require.Positive(t, kept, "and some before it")

	// Every configuration uses the secret its fingerprint names.
	fps := indexFingerprints(t, index)
	for _, name := range names {
		rec.secrets(name) // forget the tokens of the set-up
		out, err := run(nil, "test", name, "--json")
		require.NoError(t, err, "%s: %s", name, out)
		require.NotContains(t, out, "keyring.", "%s: nothing damaged or mismatched", name)
		want, ok := secretOf[fps[name]]
		require.True(t, ok, "%s: fingerprint %q names a secret of the loop", name, fps[name])
		got := rec.secrets(name)
		require.NotEmpty(t, got, "%s: the provider was asked", name)
		for _, tok := range got {
			require.Equal(t, want, tok, "%s: the provider got the secret the fingerprint names", name)
		}
	}

	// What the kills left behind is reported, and removed by --fix.
	out, err := run(nil, "doctor", "--fix")
	require.NoError(t, err, out)
	out, err = run(nil, "doctor", "--json")
	require.NoError(t, err, out)
	require.NotContains(t, out, `"warn"`, "no leftovers after doctor --fix")
	o, err := st.FindOrphans(context.Background())
	require.NoError(t, err)
	require.Zero(t, o.Count(), "%v", o)
	for _, name := range names {
		out, err := run(nil, "test", name, "--json")
		require.NoError(t, err, "%s after --fix: %s", name, out)
	}
}
