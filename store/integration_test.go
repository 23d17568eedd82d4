package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"
)

// TestBackendRoundTrip exercises a real keyring backend through the Store.
// It is gated by FBLLM_TEST_BACKEND (file, pass or secret-service) because
// pass and the Secret Service need machine setup; .ci/keyring-backends.sh
// provides it on Debian.
func TestBackendRoundTrip(t *testing.T) {
	name := os.Getenv("FBLLM_TEST_BACKEND")
	switch name {
	case "":
		t.Skip("set FBLLM_TEST_BACKEND=file|pass|secret-service to test a real keyring backend (see .ci/keyring-backends.sh)")
	case "keyctl":
		t.Skip("keyctl is not a secret store for fbllm (volatile, tiny quota): nothing to test")
	}
	ctx := ctxT(t)
	dir := t.TempDir()
	opts := Options{
		ConfigDir: filepath.Join(dir, "config"),
		DataDir:   filepath.Join(dir, "data"),
		Backend:   name,
		Env:       os.Getenv,
		Timeout:   10 * time.Second,
	}
	s, err := Open(opts)
	require.NoError(t, err)

	start := time.Now()
	info, err := s.Backend(ctx)
	require.NoError(t, err)
	t.Logf("backend %s: %s at %q (%s) in %s", info.Name, info.Description, info.Location, info.Reason, time.Since(start))
	require.Equal(t, name, info.Name)
	if info.NeedsPassphrase {
		require.NoError(t, s.InitPassphrase(ctx, testPass))
	}

	step := time.Now()
	c, err := s.Add(ctx, cfg("roundtrip"), Credentials{Key: "key-1", Secret: "sk-roundtrip-1"})
	require.NoError(t, err)
	require.Equal(t, name, c.SecretBackend)
	t.Logf("add: %s", time.Since(step))

	step = time.Now()
	cred, err := s.Credentials(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, Credentials{Key: "key-1", Secret: "sk-roundtrip-1"}, cred)
	t.Logf("credentials: %s", time.Since(step))

	step = time.Now()
	_, err = s.Update(ctx, c.ID, func(c *Config) error { c.Name = "roundtrip-2"; return nil }, &Credentials{Secret: "sk-roundtrip-2"})
	require.NoError(t, err)
	t.Logf("update: %s", time.Since(step))

	// A second Store (a new process) reads what the first wrote.
	s2, err := Open(opts)
	require.NoError(t, err)
	if info.NeedsPassphrase {
		require.NoError(t, s2.Unlock(ctx, testPass))
	}
	cred, err = s2.Credentials(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, Credentials{Secret: "sk-roundtrip-2"}, cred)

	step = time.Now()
	require.NoError(t, s.Delete(ctx, c.ID))
	t.Logf("delete: %s", time.Since(step))
	_, err = s2.Credentials(ctx, c.ID)
	require.ErrorIs(t, err, ErrNotFound)

	// The keyring item is gone too, not just the index entry.
	sel := s.cachedSelection()
	require.NotNil(t, sel)
	err = sel.kr.do(ctx, "get", func(kr keyring.Keyring) error { _, err := kr.Get(itemKey(c.ID)); return err })
	require.ErrorIs(t, mapKeyringErr(name, err, false), ErrNotFound)
}
