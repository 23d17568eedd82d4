//go:build unix

package store

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// victim is a file an attacker would like fbllm to chmod or overwrite
// through a symlink; it reports its mode and content for comparison.
type victim struct {
	path string
}

func newVictim(t *testing.T) victim {
	t.Helper()
	p := filepath.Join(t.TempDir(), "victim")
	require.NoError(t, os.WriteFile(p, []byte("precious"), 0o644))
	require.NoError(t, os.Chmod(p, 0o644))
	return victim{p}
}

func (v victim) requireUntouched(t *testing.T) {
	t.Helper()
	fi, err := os.Stat(v.path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "the symlink's target was chmodded")
	data, err := os.ReadFile(v.path)
	require.NoError(t, err)
	require.Equal(t, "precious", string(data), "the symlink's target was written")
}

func TestSymlinkedIndexIsRefusedNeverFollowed(t *testing.T) {
	t.Parallel()
	v := newVictim(t)
	dir := t.TempDir()
	cfgDir := filepath.Join(dir, "config")
	require.NoError(t, os.MkdirAll(cfgDir, 0o700))
	index := filepath.Join(cfgDir, "configs.json")
	require.NoError(t, os.Symlink(v.path, index))

	_, err := Open(Options{ConfigDir: cfgDir, DataDir: filepath.Join(dir, "data"), Env: envMap{}.get, Keyring: newCountingKeyring()})
	requireUnsafe(t, err, index)
	v.requireUntouched(t)
	require.NoDirExists(t, filepath.Join(dir, "data"), "a refusal creates nothing")

	// Planted after Open: every read and write refuses it.
	require.NoError(t, os.Remove(index))
	s, _ := memStore(t)
	require.NoError(t, os.Symlink(v.path, s.indexPath))
	_, err = s.List()
	requireUnsafe(t, err, s.indexPath)
	_, err = s.Add(ctxT(t), cfg("x"), Credentials{Secret: "s"})
	requireUnsafe(t, err, s.indexPath)
	requireUnsafe(t, s.SetLastCheck("x", Check{}), s.indexPath)
	v.requireUntouched(t)
}

func TestSymlinkedSettingsAndLockAreRefused(t *testing.T) {
	t.Parallel()
	v := newVictim(t)
	s, kr := memStore(t)
	require.NoError(t, os.Symlink(v.path, s.settingsPath))
	_, err := s.Settings()
	requireUnsafe(t, err, s.settingsPath)
	requireUnsafe(t, s.SaveSettings(Settings{Mode: "local"}), s.settingsPath)
	v.requireUntouched(t)
	fi, err := os.Lstat(s.settingsPath)
	require.NoError(t, err)
	require.NotZero(t, fi.Mode()&os.ModeSymlink, "refused, not replaced either")

	// The lock file: flock would create or open the symlink's target.
	s2, _ := memStore(t)
	target := filepath.Join(t.TempDir(), "created-by-fbllm")
	require.NoError(t, os.Symlink(target, s2.lockPath))
	_, err = s2.Add(ctxT(t), cfg("x"), Credentials{Secret: "s"})
	requireUnsafe(t, err, s2.lockPath)
	require.NoFileExists(t, target)
	require.NoError(t, os.Remove(s2.lockPath))
	require.NoError(t, os.Symlink(v.path, s2.lockPath))
	_, err = s2.Add(ctxT(t), cfg("x"), Credentials{Secret: "s"})
	requireUnsafe(t, err, s2.lockPath)
	v.requireUntouched(t)
	require.Zero(t, kr.total())
}

func TestSymlinkedKeyringItemIsRefusedNeverFollowed(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	c, err := s.Add(ctx, cfg("x"), Credentials{Secret: "sk-first"})
	require.NoError(t, err)
	item := func(gen int) string { return filepath.Join(s.keyringDir, escapeItemName(genItemKey(c.ID, gen))) }

	// A symlink planted where the next rotation writes (and where items
	// were written before generations) is refused, and its target is
	// neither chmodded nor overwritten.
	v := newVictim(t)
	require.NoError(t, os.Symlink(v.path, item(2)))
	require.NoError(t, os.Symlink(v.path, item(0)))
	before := dirHash(t, s.configDir)
	_, err = s.Update(ctx, c.ID, nil, &Credentials{Secret: "sk-second"})
	requireUnsafe(t, err, item(2))
	v.requireUntouched(t)
	require.Equal(t, before, dirHash(t, s.configDir), "the index still names generation 1")
	cred, err := s.Credentials(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "sk-first", cred.Secret)

	// The item in use replaced by a symlink: reading refuses it.
	require.NoError(t, os.Rename(item(1), filepath.Join(dir, "moved")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "moved"), item(1)))
	_, err = s.Credentials(ctx, c.ID)
	requireUnsafe(t, err, item(1))

	// The verifier too: unlocking a fresh store refuses to read it.
	require.NoError(t, os.Rename(s.verifierPath(), filepath.Join(dir, "verifier")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "verifier"), s.verifierPath()))
	err = fileStore(t, dir, nil).Unlock(ctx, testPass)
	requireUnsafe(t, err, s.verifierPath())
}

func TestSharedAndSystemDirectoriesAreRefused(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	sticky := filepath.Join(base, "tmp")
	require.NoError(t, os.Mkdir(sticky, 0o700))
	require.NoError(t, os.Chmod(sticky, 0o777|os.ModeSticky)) // a /tmp of our own
	loose := filepath.Join(base, "loose")
	require.NoError(t, os.Mkdir(loose, 0o700))
	require.NoError(t, os.Chmod(loose, 0o770))
	link := filepath.Join(base, "link")
	require.NoError(t, os.Symlink(t.TempDir(), link))
	data := filepath.Join(base, "data")

	for _, tt := range []struct {
		name, dir, reason string
		exists            bool // a directory of this test, to compare
	}{
		{"sticky shared directory", sticky, "shared directory", true},
		{"group-writable", loose, "writable by group or others", true},
		{"symlink", link, "symbolic link", false},
		{"root", "/", "root directory", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var before os.FileInfo
			if tt.exists {
				var err error
				before, err = os.Lstat(tt.dir)
				require.NoError(t, err)
			}
			for _, opts := range []Options{
				{ConfigDir: tt.dir, DataDir: data},
				{ConfigDir: filepath.Join(base, "cfg-"+filepath.Base(tt.dir)), DataDir: tt.dir},
			} {
				opts.Env, opts.Keyring = envMap{}.get, newCountingKeyring()
				_, err := Open(opts)
				requireUnsafe(t, err, tt.dir)
				require.Contains(t, err.Error(), tt.reason)
			}
			if before != nil {
				after, err := os.Lstat(tt.dir)
				require.NoError(t, err)
				require.Equal(t, before.Mode(), after.Mode(), "mode (and sticky bit) unchanged")
				entries, err := os.ReadDir(tt.dir)
				require.NoError(t, err)
				require.Empty(t, entries, "nothing written")
			}
			require.NoDirExists(t, data, "the other directory is not created either")
		})
	}
	_, err := os.Lstat("/configs.json")
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestForeignOwnedPathsAreRefused(t *testing.T) {
	t.Parallel()
	if os.Getuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	const nobody = 65534
	s, _ := memStore(t)
	require.NoError(t, os.WriteFile(s.indexPath, []byte(`{"version":2,"configs":[]}`), 0o600))
	require.NoError(t, os.Chown(s.indexPath, nobody, nobody))
	_, err := s.List()
	requireUnsafe(t, err, s.indexPath)
	require.Contains(t, err.Error(), "owned by user id 65534")
	_, err = Open(Options{ConfigDir: s.configDir, DataDir: s.dataDir, Env: envMap{}.get})
	requireUnsafe(t, err, s.indexPath)

	dir := filepath.Join(t.TempDir(), "theirs")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.Chown(dir, nobody, nobody))
	_, err = Open(Options{ConfigDir: dir, DataDir: s.dataDir, Env: envMap{}.get})
	requireUnsafe(t, err, dir)
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, uint32(nobody), fi.Sys().(*syscall.Stat_t).Uid, "not chowned back")
}

func TestReadOnlyPrivateDirectoryStillReads(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	c, err := s.Add(ctx, cfg("ro"), Credentials{Secret: "sk-ro"})
	require.NoError(t, err)
	require.NoError(t, s.SaveSettings(Settings{Mode: "local"}))
	for _, d := range []string{s.configDir, s.dataDir, s.keyringDir} {
		require.NoError(t, os.Chmod(d, 0o500))
	}
	t.Cleanup(func() {
		for _, d := range []string{s.configDir, s.dataDir, s.keyringDir} {
			_ = os.Chmod(d, 0o700)
		}
	})

	ro := fileStore(t, dir, nil)
	list, err := ro.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	st, err := ro.Settings()
	require.NoError(t, err)
	require.Equal(t, "local", st.Mode)
	info, err := ro.Backend(ctx)
	require.NoError(t, err)
	require.Equal(t, BackendFile, info.Name)
	require.NoError(t, ro.Unlock(ctx, testPass))
	cred, err := ro.Credentials(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "sk-ro", cred.Secret)
	for _, d := range []string{s.configDir, s.dataDir, s.keyringDir} {
		fi, err := os.Stat(d)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o500), fi.Mode().Perm(), "%s made writable again", d)
	}
}

func TestFIFOAtIndexDoesNotHang(t *testing.T) {
	t.Parallel()
	s, _ := memStore(t)
	require.NoError(t, syscall.Mkfifo(s.indexPath, 0o600))
	done := make(chan error, 1)
	go func() { _, err := s.List(); done <- err }()
	select {
	case err := <-done:
		requireUnsafe(t, err, s.indexPath)
		require.Contains(t, err.Error(), "not a regular file")
	case <-time.After(10 * time.Second):
		t.Fatal("List blocked opening a FIFO")
	}
}

func TestOversizedFilesAreRefusedUntouched(t *testing.T) {
	t.Parallel()
	s, kr := memStore(t)
	for _, p := range []string{s.indexPath, s.settingsPath} {
		f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o600)
		require.NoError(t, err)
		require.NoError(t, f.Truncate(MaxFileSize+1)) // sparse: costs no disk
		require.NoError(t, f.Close())
	}
	_, err := s.List()
	require.ErrorIs(t, err, ErrTooLarge)
	var te *TooLargeError
	require.ErrorAs(t, err, &te)
	require.Equal(t, s.indexPath, te.Path)
	require.Contains(t, err.Error(), "64 MiB")
	_, err = s.Add(ctxT(t), cfg("x"), Credentials{Secret: "s"})
	require.ErrorIs(t, err, ErrTooLarge)
	_, err = s.Settings()
	require.ErrorIs(t, err, ErrTooLarge)
	require.ErrorIs(t, s.SaveSettings(Settings{}), ErrTooLarge)
	for _, p := range []string{s.indexPath, s.settingsPath} {
		fi, err := os.Stat(p)
		require.NoError(t, err, "not moved aside")
		require.Equal(t, int64(MaxFileSize+1), fi.Size())
	}
	require.Zero(t, kr.total())
}

func TestNewerVersionIsRefusedUntouched(t *testing.T) {
	t.Parallel()
	s, kr := memStore(t)
	newer := `{"version":3,"configs":[{"id":"from-the-future","shape":"unknown"}]}`
	require.NoError(t, os.WriteFile(s.indexPath, []byte(newer), 0o600))
	newerSettings := `{"version":2,"mode":"flashback","newField":true}`
	require.NoError(t, os.WriteFile(s.settingsPath, []byte(newerSettings), 0o600))
	files := func() string {
		a, err := os.ReadFile(s.indexPath)
		require.NoError(t, err)
		b, err := os.ReadFile(s.settingsPath)
		require.NoError(t, err)
		return string(a) + "|" + string(b)
	}
	before := files()

	_, err := s.List()
	require.ErrorIs(t, err, ErrNewerVersion)
	require.NotErrorIs(t, err, ErrCorrupt)
	require.Contains(t, err.Error(), "written by a newer fbllm")
	var ne *NewerVersionError
	require.ErrorAs(t, err, &ne)
	require.Equal(t, NewerVersionError{Path: s.indexPath, Version: 3, Supported: indexVersion}, *ne)
	_, err = s.Add(ctxT(t), cfg("x"), Credentials{Secret: "s"})
	require.ErrorIs(t, err, ErrNewerVersion)
	require.ErrorIs(t, s.SetLastCheck("from-the-future", Check{}), ErrNewerVersion)

	_, err = s.Settings()
	require.ErrorIs(t, err, ErrNewerVersion)
	require.ErrorIs(t, s.SaveSettings(Settings{Mode: "local"}), ErrNewerVersion)

	require.Equal(t, before, files(), "nothing moved aside or rewritten")
	require.Zero(t, kr.sets.Load())
	entries, err := os.ReadDir(s.configDir)
	require.NoError(t, err)
	for _, e := range entries {
		require.NotContains(t, e.Name(), "corrupt")
	}
}

func TestGroupWritableFileIsRefused(t *testing.T) {
	t.Parallel()
	s, _ := memStore(t)
	require.NoError(t, os.WriteFile(s.indexPath, []byte(`{"version":2,"configs":[]}`), 0o600))
	require.NoError(t, os.Chmod(s.indexPath, 0o620))
	_, err := s.List()
	requireUnsafe(t, err, s.indexPath)
	fi, err := os.Stat(s.indexPath)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o620), fi.Mode().Perm(), "not repaired")
	require.False(t, errors.Is(err, ErrCorrupt))
}
