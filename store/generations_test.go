package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"
)

var errCrash = errors.New("simulated crash")

// crashAt makes s fail at the named step, as a crash there would.
func crashAt(s *Store, step string) {
	s.failAt = func(at string) error {
		if at == step {
			return errCrash
		}
		return nil
	}
}

// requireConsistent opens the store afresh (a new process after the
// crash) and checks every configuration: its item exists and holds the
// secret its fingerprint names. Fingerprints here are the secret itself.
func requireConsistent(t *testing.T, dir string) *Store {
	t.Helper()
	ctx := ctxT(t)
	s := fileStore(t, dir, nil)
	require.NoError(t, s.Unlock(ctx, testPass))
	list, err := s.List()
	require.NoError(t, err)
	for _, c := range list {
		cred, err := s.Credentials(ctx, c.ID)
		require.NoError(t, err, c.Name)
		require.Equal(t, c.SecretFingerprint, cred.Secret, "%s: the index names the secret in use", c.Name)
	}
	return s
}

func addFP(t *testing.T, s *Store, name, secret string) Config {
	t.Helper()
	c := cfg(name)
	c.SecretFingerprint = secret
	c, err := s.Add(ctxT(t), c, Credentials{Secret: secret})
	require.NoError(t, err)
	return c
}

func rotate(ctx context.Context, s *Store, id, secret string) error {
	_, err := s.Update(ctx, id, func(c *Config) error { c.SecretFingerprint = secret; return nil }, &Credentials{Secret: secret})
	return err
}

func TestRotationIsCrashSafeAtEveryStep(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		step       string
		wantSecret string // in use after the crash
		orphan     int    // generation left over
	}{
		{"rotate-before-commit", "sk-old", 2},
		{"rotate-before-cleanup", "sk-new", 1},
	} {
		t.Run(tt.step, func(t *testing.T) {
			t.Parallel()
			ctx := ctxT(t)
			dir := t.TempDir()
			s := fileStore(t, dir, nil)
			require.NoError(t, s.InitPassphrase(ctx, testPass))
			c := addFP(t, s, "rot", "sk-old")
			other := addFP(t, s, "other", "sk-other")

			crashAt(s, tt.step)
			require.ErrorIs(t, rotate(ctx, s, c.ID, "sk-new"), errCrash)

			after := requireConsistent(t, dir)
			got, err := after.Resolve("rot")
			require.NoError(t, err)
			require.Equal(t, tt.wantSecret, got.SecretFingerprint)

			o, err := after.FindOrphans(ctx)
			require.NoError(t, err)
			require.Equal(t, []string{genItemKey(c.ID, tt.orphan)}, o.Items, "the leftover generation is reported")
			for _, v := range []string{"sk-old", "sk-new"} {
				require.NotContains(t, strings.Join(o.Items, " "), v, "names only")
			}

			// The next unlocked write collects it.
			_, err = after.Update(ctx, other.ID, func(c *Config) error { c.Region = "eu"; return nil }, nil)
			require.NoError(t, err)
			o, err = after.FindOrphans(ctx)
			require.NoError(t, err)
			require.Zero(t, o.Count())
			require.NoFileExists(t, filepath.Join(after.keyringDir, escapeItemName(genItemKey(c.ID, tt.orphan))))
			requireConsistent(t, dir)
		})
	}
}

func TestAddAndDeleteAreCrashSafe(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	keep := addFP(t, s, "keep", "sk-keep")

	crashAt(s, "add-before-commit")
	_, err := s.Add(ctx, cfg("half"), Credentials{Secret: "sk-half"})
	require.ErrorIs(t, err, errCrash)
	doomed := func() Config { s.failAt = nil; return addFP(t, s, "doomed", "sk-doomed") }()
	crashAt(s, "delete-before-remove")
	require.ErrorIs(t, s.Delete(ctx, doomed.ID), errCrash)

	after := requireConsistent(t, dir)
	list, err := after.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, keep.ID, list[0].ID)
	o, err := after.FindOrphans(ctx)
	require.NoError(t, err)
	require.Len(t, o.Items, 2, "the uncommitted add's item and the deleted config's item")
	require.Contains(t, o.Items, genItemKey(doomed.ID, 1))

	removed, err := after.RemoveOrphans(ctx)
	require.NoError(t, err)
	require.ElementsMatch(t, o.Items, removed.Items)
	o, err = after.FindOrphans(ctx)
	require.NoError(t, err)
	require.Zero(t, o.Count())
	requireConsistent(t, dir)
}

func TestItemSwappedBetweenConfigsIsRefused(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	a := addFP(t, s, "a", "sk-a")
	b := addFP(t, s, "b", "sk-b")
	pa := filepath.Join(s.keyringDir, escapeItemName(genItemKey(a.ID, 1)))
	pb := filepath.Join(s.keyringDir, escapeItemName(genItemKey(b.ID, 1)))
	tmp := filepath.Join(dir, "swap")
	require.NoError(t, os.Rename(pa, tmp))
	require.NoError(t, os.Rename(pb, pa))
	require.NoError(t, os.Rename(tmp, pb))

	_, err := s.Credentials(ctx, a.ID)
	require.ErrorIs(t, err, ErrItemMismatch)
	var me *ItemMismatchError
	require.ErrorAs(t, err, &me)
	require.Equal(t, ItemMismatchError{Item: genItemKey(a.ID, 1), WantID: a.ID, WantGen: 1, GotID: b.ID, GotGen: 1}, *me)
	require.NotContains(t, err.Error(), "sk-b", "no secret in the message")

	// An older generation of the same configuration put back in place of
	// the current one is refused too.
	require.NoError(t, rotate(ctx, s, a.ID, "sk-a2"))
	cur := filepath.Join(s.keyringDir, escapeItemName(genItemKey(a.ID, 2)))
	require.NoError(t, os.Rename(pb, cur)) // a's generation-1 item, swapped to b's name above
	_, err = s.Credentials(ctx, a.ID)
	require.ErrorAs(t, err, &me)
	require.Equal(t, ItemMismatchError{Item: genItemKey(a.ID, 2), WantID: a.ID, WantGen: 2, GotID: a.ID, GotGen: 1}, *me)
}

// writeLegacyKeyring builds a store as fbllm wrote it before generations
// and Argon2id: index version 1, items "fbllm/<id>" with blob version 1,
// all encrypted by the library with the passphrase itself.
func writeLegacyKeyring(t *testing.T, dir string, secrets map[string]string) map[string]string {
	t.Helper()
	kdir := filepath.Join(dir, "data", "keyring")
	require.NoError(t, os.MkdirAll(kdir, 0o700))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "config"), 0o700))
	kr, err := keyring.Open(keyring.Config{AllowedBackends: []keyring.BackendType{keyring.FileBackend},
		FileDir: kdir, FilePasswordFunc: keyring.FixedStringPrompt(testPass)})
	require.NoError(t, err)
	require.NoError(t, kr.Set(keyring.Item{Key: verifierKey, Data: verifierData}))
	ids := map[string]string{}
	var lines []string
	for name, secret := range secrets {
		id, err := newID()
		require.NoError(t, err)
		ids[name] = id
		require.NoError(t, kr.Set(keyring.Item{Key: itemKey(id), Data: []byte(`{"v":1,"secret":"` + secret + `"}`)}))
		lines = append(lines, `{"id":"`+id+`","name":"`+name+`","aiType":"OPENAI","endpoint":"https://api.openai.com/v1","secretFingerprint":"`+secret+`","workspace":"local","secretBackend":"file","createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}`)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config", "configs.json"),
		[]byte(`{"version":1,"configs":[`+strings.Join(lines, ",\n")+`]}`), 0o600))
	return ids
}

func TestLegacyStoreMigratesOnUnlockAndNextWrite(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	ids := writeLegacyKeyring(t, dir, map[string]string{"one": "sk-one", "two": "sk-two"})
	// An orphan of the old days is not carried over.
	orphanID, _ := newID()
	legacy, _ := keyring.Open(keyring.Config{AllowedBackends: []keyring.BackendType{keyring.FileBackend},
		FileDir: filepath.Join(dir, "data", "keyring"), FilePasswordFunc: keyring.FixedStringPrompt(testPass)})
	require.NoError(t, legacy.Set(keyring.Item{Key: itemKey(orphanID), Data: []byte(`{"v":1,"secret":"sk-orphan"}`)}))

	s := fileStore(t, dir, nil)
	set, err := s.PassphraseSet(ctx)
	require.NoError(t, err)
	require.True(t, set)
	require.ErrorIs(t, s.Unlock(ctx, "not the passphrase"), ErrWrongPassphrase)
	require.NoFileExists(t, filepath.Join(s.keyringDir, kdfFileName), "a wrong passphrase migrates nothing")
	require.NoError(t, s.Unlock(ctx, testPass))

	// Migrated: Argon2id key, the passphrase itself no longer opens items.
	require.FileExists(t, filepath.Join(s.keyringDir, kdfFileName))
	_, err = legacy.Get(verifierKey)
	require.Error(t, err, "the plain passphrase no longer opens the verifier")
	require.NoFileExists(t, filepath.Join(s.keyringDir, escapeItemName(itemKey(orphanID))))
	requireConsistent(t, dir)

	// Legacy items are bound to their configuration now: swapping is seen.
	p1 := filepath.Join(s.keyringDir, escapeItemName(itemKey(ids["one"])))
	p2 := filepath.Join(s.keyringDir, escapeItemName(itemKey(ids["two"])))
	d1, err := os.ReadFile(p1)
	require.NoError(t, err)
	d2, err := os.ReadFile(p2)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p1, d2, 0o600))
	_, err = s.Credentials(ctx, ids["one"])
	require.ErrorIs(t, err, ErrItemMismatch)
	require.NoError(t, os.WriteFile(p1, d1, 0o600))

	// The next write of a configuration moves it to generation 1.
	require.NoError(t, rotate(ctx, s, ids["one"], "sk-one-b"))
	c, err := s.Resolve("one")
	require.NoError(t, err)
	require.Equal(t, 1, c.Generation)
	require.NoFileExists(t, p1)
	raw, err := os.ReadFile(s.indexPath)
	require.NoError(t, err)
	require.Contains(t, string(raw), `"version":2`)
	requireConsistent(t, dir)
}

func TestMigrationIsCrashSafe(t *testing.T) {
	t.Parallel()
	for _, step := range []string{"rekey-item", "rekey-before-marker", "rekey-before-switch"} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			ctx := ctxT(t)
			dir := t.TempDir()
			writeLegacyKeyring(t, dir, map[string]string{"one": "sk-one", "two": "sk-two"})
			before := dirHash(t, filepath.Join(dir, "data", "keyring"))
			s := fileStore(t, dir, nil)
			crashAt(s, step)
			require.ErrorIs(t, s.Unlock(ctx, testPass), errCrash)
			require.True(t, s.Locked())
			require.Equal(t, before, dirHash(t, filepath.Join(dir, "data", "keyring")), "the old keyring is untouched")
			requireConsistent(t, dir) // the next process migrates
		})
	}
}
