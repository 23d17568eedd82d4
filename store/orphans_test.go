package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestStaleTempFilesAreReportedAndRemoved(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	c := addFP(t, s, "keep", "sk-keep")

	// What kill -9 leaves behind at each kind of write.
	stale := []string{
		filepath.Join(s.configDir, ".configs.json-123.tmp"),
		filepath.Join(s.configDir, ".config.json-456.tmp"),
		filepath.Join(s.keyringDir, ".kdf.json-789.tmp"),
	}
	for _, p := range stale {
		require.NoError(t, os.WriteFile(p, []byte("partial"), 0o600))
	}
	staleDirs := []string{
		filepath.Join(s.keyringDir, stagePrefix+"abc"),
		filepath.Join(s.dataDir, rekeyNewPrefix+"def"),
		filepath.Join(s.dataDir, rekeyOldPrefix+"ghi"),
	}
	for _, d := range staleDirs {
		require.NoError(t, os.Mkdir(d, 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(d, "fbllm%2Fx"), []byte("partial"), 0o600))
	}
	// Not ours to judge: left alone.
	mine := filepath.Join(s.configDir, "notes.tmp")
	require.NoError(t, os.WriteFile(mine, nil, 0o600))

	locked := fileStore(t, dir, nil)
	o, err := locked.FindOrphans(ctx)
	require.NoError(t, err, "reporting needs no passphrase")
	require.ElementsMatch(t, append(stale, staleDirs...), o.Temps)
	require.Empty(t, o.Items)
	require.Equal(t, BackendFile, o.Backend)
	require.Equal(t, 6, o.Count())

	require.NoError(t, locked.Unlock(ctx, testPass))
	removed, err := locked.RemoveOrphans(ctx)
	require.NoError(t, err)
	require.ElementsMatch(t, o.Temps, removed.Temps)
	for _, p := range append(stale, staleDirs...) {
		_, err := os.Lstat(p)
		require.ErrorIs(t, err, os.ErrNotExist, p)
	}
	require.FileExists(t, mine)
	cred, err := locked.Credentials(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "sk-keep", cred.Secret)
}

// TestStartupDoesNotVisitItems: selecting the file backend looks at no
// item file (it used to stat and chmod every one); each item is checked
// when it is used.
func TestStartupDoesNotVisitItems(t *testing.T) {
	t.Parallel()
	if !checkOwnership {
		t.Skip("modes are not checked on this OS")
	}
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	c := addFP(t, s, "x", "sk-x")
	item := filepath.Join(s.keyringDir, escapeItemName(genItemKey(c.ID, 1)))
	require.NoError(t, os.Chmod(item, 0o666))

	fresh := fileStore(t, dir, nil)
	_, err := fresh.Backend(ctx)
	require.NoError(t, err)
	require.NoError(t, fresh.Unlock(ctx, testPass))
	fi, err := os.Stat(item)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o666), fi.Mode().Perm(), "not visited, not chmodded")
	_, err = fresh.Credentials(ctx, c.ID)
	requireUnsafe(t, err, item)
}

func TestSetLastChecksIsOneWrite(t *testing.T) {
	t.Parallel()
	s, kr := memStore(t)
	ctx := ctxT(t)
	var ids []string
	for _, n := range []string{"a", "b", "c"} {
		c, err := s.Add(ctx, cfg(n), Credentials{Secret: "s"})
		require.NoError(t, err)
		ids = append(ids, c.ID)
	}
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	fi0, err := os.Stat(s.indexPath)
	require.NoError(t, err)
	calls := kr.total()

	err = s.SetLastChecks(map[string]Check{
		ids[0]: {Status: "verified", At: at}, ids[2]: {Status: "rejected", At: at}, "gone": {Status: "verified", At: at},
	})
	require.ErrorIs(t, err, ErrNotFound, "the deleted one is reported")
	require.Contains(t, err.Error(), "1 configuration(s)")
	require.Equal(t, calls, kr.total(), "no keyring call")

	// Read back by another Store, as another process would.
	other, err := Open(Options{ConfigDir: s.configDir, DataDir: s.dataDir, Env: envMap{}.get, Keyring: newCountingKeyring()})
	require.NoError(t, err)
	got := map[string]*Check{}
	list, err := other.List()
	require.NoError(t, err)
	for _, c := range list {
		got[c.ID] = c.LastCheck
	}
	require.Equal(t, &Check{Status: "verified", At: at}, got[ids[0]])
	require.Nil(t, got[ids[1]])
	require.Equal(t, &Check{Status: "rejected", At: at}, got[ids[2]])
	fi1, err := os.Stat(s.indexPath)
	require.NoError(t, err)
	require.False(t, os.SameFile(fi0, fi1), "written (by rename)")
	require.NoError(t, s.SetLastChecks(nil))
}

// TestIndexCacheSeesOtherWriters: the parsed index is reused while the
// file is unchanged, and never after another process replaced it.
func TestIndexCacheSeesOtherWriters(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	s, _ := memStore(t)
	other, err := Open(Options{ConfigDir: s.configDir, DataDir: s.dataDir, Env: envMap{}.get, Keyring: newCountingKeyring()})
	require.NoError(t, err)
	for i, name := range []string{"a", "b", "c"} {
		_, err := other.Add(ctx, cfg(name), Credentials{Secret: "s"})
		require.NoError(t, err)
		list, err := s.List()
		require.NoError(t, err)
		require.Len(t, list, i+1)
		// The list handed out is a copy: changing it does not change the
		// cache.
		list[0].Name = "changed"
		again, err := s.List()
		require.NoError(t, err)
		require.NotEqual(t, "changed", again[0].Name)
	}
}
