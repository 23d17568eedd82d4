package store

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"
)

const testPass = "correct horse battery"

func TestFileBackendRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)

	info, err := s.Backend(ctx)
	require.NoError(t, err)
	require.Equal(t, BackendFile, info.Name)
	require.True(t, info.NeedsPassphrase)
	require.Equal(t, filepath.Join(dir, "data", "keyring"), info.Location)
	require.Contains(t, info.Reason, "forced")
	sel, ok := s.SelectedBackend()
	require.True(t, ok)
	require.Equal(t, info, sel)
	require.True(t, s.Locked())

	set, err := s.PassphraseSet(ctx)
	require.NoError(t, err)
	require.False(t, set)
	require.ErrorIs(t, s.Unlock(ctx, testPass), ErrNotFound, "nothing to unlock yet")

	require.ErrorIs(t, s.InitPassphrase(ctx, ""), ErrWeakPassphrase)
	require.ErrorIs(t, s.InitPassphrase(ctx, "short"), ErrWeakPassphrase)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	require.False(t, s.Locked())
	require.ErrorIs(t, s.InitPassphrase(ctx, testPass), ErrPassphraseExists)
	set, err = s.PassphraseSet(ctx)
	require.NoError(t, err)
	require.True(t, set)

	c, err := s.Add(ctx, cfg("work"), Credentials{Key: "org-key", Secret: "sk-roundtrip-secret-0123456789"})
	require.NoError(t, err)
	require.Equal(t, BackendFile, c.SecretBackend)
	cred, err := s.Credentials(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, Credentials{Key: "org-key", Secret: "sk-roundtrip-secret-0123456789"}, cred)

	_, err = s.Update(ctx, c.ID, nil, &Credentials{Secret: "sk-rotated-secret-abcdefghij"})
	require.NoError(t, err)
	cred, err = s.Credentials(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "sk-rotated-secret-abcdefghij", cred.Secret)

	// The rotation wrote generation 2 and removed generation 1.
	item := filepath.Join(dir, "data", "keyring", "fbllm%2F"+c.ID+".g2")
	require.FileExists(t, item)
	require.NoFileExists(t, filepath.Join(dir, "data", "keyring", "fbllm%2F"+c.ID+".g1"))
	require.NoError(t, s.Delete(ctx, c.ID))
	require.NoFileExists(t, item)
}

func TestFileBackendNewStoreUnlock(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	first := fileStore(t, dir, nil)
	require.NoError(t, first.InitPassphrase(ctx, testPass))
	c, err := first.Add(ctx, cfg("x"), Credentials{Secret: "sk-first-process"})
	require.NoError(t, err)

	second := fileStore(t, dir, nil)
	_, err = second.Backend(ctx)
	require.NoError(t, err)
	require.True(t, second.Locked())
	set, err := second.PassphraseSet(ctx)
	require.NoError(t, err)
	require.True(t, set)

	// Locked: both reading and adding need the passphrase.
	_, err = second.Credentials(ctx, c.ID)
	require.ErrorIs(t, err, ErrLocked)
	_, err = second.Add(ctx, cfg("y"), Credentials{Secret: "s"})
	require.ErrorIs(t, err, ErrLocked)
	_, err = second.Update(ctx, c.ID, nil, &Credentials{Secret: "s"})
	require.ErrorIs(t, err, ErrLocked)
	// Listing works while locked; edits do not.
	list, err := second.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	_, err = second.Update(ctx, c.ID, func(c *Config) error { c.Region = "eu"; return nil }, nil)
	require.ErrorIs(t, err, ErrLocked)

	require.ErrorIs(t, second.Unlock(ctx, "wrong passphrase"), ErrWrongPassphrase)
	require.True(t, second.Locked())
	require.NoError(t, second.Unlock(ctx, testPass))
	require.False(t, second.Locked())
	cred, err := second.Credentials(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "sk-first-process", cred.Secret)

	// Deleting needs the passphrase too.
	third := fileStore(t, dir, nil)
	require.ErrorIs(t, third.Delete(ctx, c.ID), ErrLocked)
	require.NoError(t, third.Unlock(ctx, testPass))
	require.NoError(t, third.Delete(ctx, c.ID))
	require.NoFileExists(t, filepath.Join(dir, "data", "keyring", "fbllm%2F"+c.ID+".g1"))
	require.False(t, keyring.Debug, "keyring debug logging would write over the TUI")
}

func TestFileBackendWrongPassphraseChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	c, err := s.Add(ctx, cfg("x"), Credentials{Secret: "sk-keep-me"})
	require.NoError(t, err)
	roots := []string{filepath.Join(dir, "config"), filepath.Join(dir, "data")}
	before := dirHash(t, roots...)

	// Interactive: Unlock with a wrong passphrase.
	s2 := fileStore(t, dir, nil)
	require.ErrorIs(t, s2.Unlock(ctx, "not the passphrase"), ErrWrongPassphrase)
	// Too short to be right: its own error, not "wrong passphrase".
	err = s2.Unlock(ctx, "")
	require.ErrorIs(t, err, ErrWeakPassphrase)
	require.NotErrorIs(t, err, ErrWrongPassphrase)
	require.ErrorIs(t, s2.Unlock(ctx, "short"), ErrWeakPassphrase)
	_, err = s2.Credentials(ctx, c.ID)
	require.ErrorIs(t, err, ErrLocked)
	require.Equal(t, before, dirHash(t, roots...))

	// Environment: a wrong FBLLM_KEYRING_PASSPHRASE surfaces on use.
	s3 := fileStore(t, dir, envMap{EnvPassphrase: "not the passphrase"})
	_, err = s3.Backend(ctx)
	require.NoError(t, err)
	require.True(t, s3.Locked())
	_, err = s3.Credentials(ctx, c.ID)
	require.ErrorIs(t, err, ErrWrongPassphrase)
	require.Contains(t, err.Error(), EnvPassphrase)
	_, err = s3.Add(ctx, cfg("y"), Credentials{Secret: "s"})
	require.ErrorIs(t, err, ErrWrongPassphrase)
	require.Equal(t, before, dirHash(t, roots...))

	// The right passphrase typed afterwards still works.
	require.NoError(t, s3.Unlock(ctx, testPass))
	cred, err := s3.Credentials(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "sk-keep-me", cred.Secret)
}

func TestFileBackendEnvPassphrase(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, envMap{EnvPassphrase: testPass})
	_, err := s.Backend(ctx)
	require.NoError(t, err)
	require.False(t, s.Locked(), "env passphrase initialises a new store")
	c, err := s.Add(ctx, cfg("x"), Credentials{Secret: "sk-env"})
	require.NoError(t, err)

	s2 := fileStore(t, dir, envMap{EnvPassphrase: testPass})
	cred, err := s2.Credentials(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "sk-env", cred.Secret)

	weak := fileStore(t, t.TempDir(), envMap{EnvPassphrase: "short"})
	_, err = weak.Add(ctx, cfg("x"), Credentials{Secret: "s"})
	require.ErrorIs(t, err, ErrWeakPassphrase)
}

func TestFileBackendPermissionsAndNoCleartext(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	const key, secret = "AKIAKEYCLEARTEXT1234", "sk-proj-CLEARTEXT-must-not-appear-9876543210"
	c, err := s.Add(ctx, cfg("perm"), Credentials{Key: key, Secret: secret})
	require.NoError(t, err)
	require.NoError(t, s.SaveSettings(Settings{Mode: "local"}))
	_, err = s.Credentials(ctx, c.ID)
	require.NoError(t, err)

	files := map[string]bool{}
	for _, root := range []string{filepath.Join(dir, "config"), filepath.Join(dir, "data")} {
		err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
			require.NoError(t, err)
			if fi.IsDir() {
				require.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), p)
				return nil
			}
			files[filepath.Base(p)] = true
			require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), p)
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			for _, needle := range []string{key, secret, testPass} {
				require.False(t, bytes.Contains(data, []byte(needle)), "%s contains %q in clear", p, needle)
			}
			return nil
		})
		require.NoError(t, err)
	}
	for _, want := range []string{"configs.json", "configs.lock", "config.json", "fbllm%2F__verifier", "kdf.json", "fbllm%2F" + c.ID + ".g1"} {
		require.True(t, files[want], "expected file %s, have %v", want, files)
	}
	for name := range files {
		require.False(t, strings.Contains(name, "perm"), "file name %s leaks the config name", name)
	}
}

func TestFileBackendCorruptItem(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	c, err := s.Add(ctx, cfg("x"), Credentials{Secret: "sk-x"})
	require.NoError(t, err)
	item := filepath.Join(dir, "data", "keyring", "fbllm%2F"+c.ID+".g1")
	data, err := os.ReadFile(item)
	require.NoError(t, err)

	tests := []struct {
		name    string
		content []byte
	}{
		{"truncated", data[:len(data)/2]},
		{"empty", nil},
		{"junk", []byte("not a jwe at all")},
		{"bit flip", flipLast(data)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(item, tt.content, 0o600))
			_, err := s.Credentials(ctx, c.ID)
			require.ErrorIs(t, err, ErrCorrupt)
			var de *DamagedError
			require.ErrorAs(t, err, &de, "keyring.damaged")
			require.Equal(t, item, de.Path, "names the file")
		})
	}

	// An item written under another passphrase (a split store) is corrupt
	// for us, not "wrong passphrase": the verifier accepted ours.
	other := fileStore(t, t.TempDir(), nil)
	require.NoError(t, other.InitPassphrase(ctx, "another passphrase"))
	oc, err := other.Add(ctx, cfg("o"), Credentials{Secret: "sk-o"})
	require.NoError(t, err)
	foreign, err := os.ReadFile(filepath.Join(other.keyringDir, "fbllm%2F"+oc.ID+".g1"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(item, foreign, 0o600))
	_, err = s.Credentials(ctx, c.ID)
	require.ErrorIs(t, err, ErrDamaged)
	require.NotErrorIs(t, err, ErrWrongPassphrase)
}

func flipLast(b []byte) []byte {
	out := bytes.Clone(b)
	// Flip a character inside the last (tag) segment, keeping base64url.
	if out[len(out)-2] == 'A' {
		out[len(out)-2] = 'B'
	} else {
		out[len(out)-2] = 'A'
	}
	return out
}

func TestCorruptIndexMovedAside(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
	}{
		{"garbage", "{\"version\":1,\"configs\":[{"},
		{"empty file", ""},
		{"version zero", `{"version":0,"configs":[]}`},
		{"version 1 with a generation", `{"version":1,"configs":[{"id":"x","generation":2}]}`},
		{"no version", `{"configs":[]}`},
		{"config without id", `{"version":1,"configs":[{"name":"x"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := ctxT(t) // not the parent's: parallel subtests may start late
			dir := t.TempDir()
			s := fileStore(t, dir, envMap{EnvPassphrase: testPass})
			require.NoError(t, os.WriteFile(s.indexPath, []byte(tt.content), 0o600))

			_, err := s.List()
			var ce *CorruptIndexError
			require.ErrorAs(t, err, &ce)
			require.ErrorIs(t, err, ErrCorrupt)
			require.Equal(t, s.indexPath, ce.Path)
			require.True(t, strings.HasPrefix(ce.MovedTo, s.indexPath+".corrupt-"), ce.MovedTo)
			require.Contains(t, err.Error(), ce.MovedTo)
			moved, err := os.ReadFile(ce.MovedTo)
			require.NoError(t, err)
			require.Equal(t, tt.content, string(moved))
			require.NoFileExists(t, s.indexPath)

			list, err := s.List()
			require.NoError(t, err)
			require.Empty(t, list)
			c, err := s.Add(ctx, cfg("fresh"), Credentials{Secret: "s"})
			require.NoError(t, err)
			list, err = s.List()
			require.NoError(t, err)
			require.Equal(t, []string{c.ID}, []string{list[0].ID})
			require.FileExists(t, ce.MovedTo, "the moved copy is kept")
		})
	}
}

func TestCorruptIndexFoundByWrite(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	s, kr := memStore(t)
	require.NoError(t, os.WriteFile(s.indexPath, []byte("nope"), 0o600))
	_, err := s.Add(ctx, cfg("x"), Credentials{Secret: "s"})
	var ce *CorruptIndexError
	require.ErrorAs(t, err, &ce)
	require.Zero(t, kr.sets.Load(), "no keyring write when the index is unreadable")
	_, err = s.Add(ctx, cfg("x"), Credentials{Secret: "s"})
	require.NoError(t, err, "the next write starts fresh")

	// Two corruptions in the same second get distinct names.
	require.NoError(t, os.WriteFile(s.indexPath, []byte("again"), 0o600))
	require.ErrorAs(t, s.SetLastCheck("x", Check{}), &ce)
	first := ce.MovedTo
	require.NoError(t, os.WriteFile(s.indexPath, []byte("and again"), 0o600))
	s.now = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	_, err = s.List()
	require.ErrorAs(t, err, &ce)
	require.NoError(t, os.WriteFile(s.indexPath, []byte("once more"), 0o600))
	_, err = s.List()
	var ce2 *CorruptIndexError
	require.ErrorAs(t, err, &ce2)
	require.NotEqual(t, ce.MovedTo, ce2.MovedTo)
	require.NotEqual(t, first, ce2.MovedTo)
}
