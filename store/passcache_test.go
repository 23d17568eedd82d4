package store

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// needKernelKeyring skips without a kernel keyring, except under .ci/run
// (FBLLM_CI=1), where it must be there.
func needKernelKeyring(t *testing.T) {
	t.Helper()
	if kernelCacheAvailable() {
		return
	}
	if os.Getenv("FBLLM_CI") == "1" {
		t.Fatal("CI must run this test, but the kernel keyring is not available")
	}
	t.Skip("the kernel keyring is not available here (not Linux, or blocked by seccomp)")
}

func TestPassphraseCacheAcrossProcesses(t *testing.T) {
	needKernelKeyring(t)
	dir := t.TempDir()
	const pass = "cache me if you can"

	first := fileStore(t, dir, envMap{})
	_, err := first.Backend(ctxT(t))
	require.NoError(t, err)
	require.NoError(t, first.InitPassphrase(ctxT(t), pass))
	t.Cleanup(func() { _ = first.ForgetPassphrase() })
	require.False(t, first.PassphraseCache().Active, "off until the user opts in")

	// Without the cache, the next process is locked.
	second := fileStore(t, dir, envMap{})
	_, err = second.Backend(ctxT(t))
	require.NoError(t, err)
	require.True(t, second.Locked())

	require.NoError(t, first.RememberPassphrase(time.Minute))
	// The kernel keeps the derived key, never the passphrase.
	payload, err := kernelCacheLoad(first.cacheDescription())
	require.NoError(t, err)
	require.NotContains(t, string(payload), pass)
	require.Contains(t, string(payload), `"key":"argon2id:`)
	st := first.PassphraseCache()
	require.True(t, st.Active)
	require.WithinDuration(t, time.Now().Add(time.Minute), st.Expires, 5*time.Second)

	third := fileStore(t, dir, envMap{})
	_, err = third.Backend(ctxT(t))
	require.NoError(t, err)
	require.False(t, third.Locked(), "the remembered passphrase unlocked a new store")

	// Another data directory never sees this passphrase.
	other := fileStore(t, t.TempDir(), envMap{})
	_, err = other.Backend(ctxT(t))
	require.NoError(t, err)
	require.False(t, other.PassphraseCache().Active)

	require.NoError(t, third.ForgetPassphrase())
	fourth := fileStore(t, dir, envMap{})
	_, err = fourth.Backend(ctxT(t))
	require.NoError(t, err)
	require.True(t, fourth.Locked(), "forgotten: asks again")
}

func TestPassphraseCacheRejectsAStalePassphrase(t *testing.T) {
	needKernelKeyring(t)
	dir := t.TempDir()
	s := fileStore(t, dir, envMap{})
	_, err := s.Backend(ctxT(t))
	require.NoError(t, err)
	require.NoError(t, s.InitPassphrase(ctxT(t), "the real passphrase"))
	s.accept("argon2id:not-the-key", s.epoch)
	require.NoError(t, s.RememberPassphrase(time.Minute))
	t.Cleanup(func() { _ = s.ForgetPassphrase() })

	next := fileStore(t, dir, envMap{})
	_, err = next.Backend(ctxT(t))
	require.NoError(t, err)
	require.True(t, next.Locked(), "a wrong remembered passphrase does not unlock")
	require.False(t, next.PassphraseCache().Active, "and is forgotten")
}

// An entry of an older fbllm held the passphrase itself: it is not used,
// and it is removed from the kernel.
func TestPassphraseCacheForgetsOldPlainEntries(t *testing.T) {
	needKernelKeyring(t)
	dir := t.TempDir()
	s := fileStore(t, dir, envMap{})
	_, err := s.Backend(ctxT(t))
	require.NoError(t, err)
	require.NoError(t, s.InitPassphrase(ctxT(t), testPass))
	old := fmt.Sprintf(`{"pass":%q,"exp":%d}`, testPass, time.Now().Add(time.Minute).Unix())
	require.NoError(t, kernelCacheSave(s.cacheDescription(), []byte(old), time.Minute))
	t.Cleanup(func() { _ = s.ForgetPassphrase() })

	next := fileStore(t, dir, envMap{})
	_, err = next.Backend(ctxT(t))
	require.NoError(t, err)
	require.True(t, next.Locked())
	_, err = kernelCacheLoad(s.cacheDescription())
	require.ErrorIs(t, err, errNoCachedPassphrase)
}
