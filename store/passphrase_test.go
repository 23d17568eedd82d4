package store

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"
)

func TestVerifierMissingIsRefusedAndRecoverable(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	c := addFP(t, s, "x", "sk-x")
	require.NoError(t, os.Remove(s.verifierPath()))
	roots := []string{filepath.Join(dir, "config"), filepath.Join(dir, "data")}
	before := dirHash(t, roots...)

	requireMissing := func(err error) {
		t.Helper()
		require.ErrorIs(t, err, ErrVerifierMissing)
		var ve *VerifierMissingError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, s.verifierPath(), ve.Path)
		require.Equal(t, 1, ve.Items)
	}
	other := fileStore(t, dir, nil)
	_, err := other.PassphraseSet(ctx)
	requireMissing(err)
	requireMissing(other.InitPassphrase(ctx, "a brand new passphrase"))
	requireMissing(other.Unlock(ctx, testPass))
	// FBLLM_KEYRING_PASSPHRASE must not set a new passphrase either.
	env := fileStore(t, dir, envMap{EnvPassphrase: "a brand new passphrase"})
	_, err = env.Credentials(ctx, c.ID)
	requireMissing(err)
	require.Equal(t, before, dirHash(t, roots...), "never a new passphrase over existing items")

	// Recovery needs the old passphrase, proven on a stored item.
	require.ErrorIs(t, other.RecreateVerifier(ctx, "a brand new passphrase"), ErrWrongPassphrase)
	require.Equal(t, before, dirHash(t, roots...))
	require.NoError(t, other.RecreateVerifier(ctx, testPass))
	require.False(t, other.Locked())
	require.ErrorIs(t, other.RecreateVerifier(ctx, testPass), ErrPassphraseExists)
	requireConsistent(t, dir)
	require.ErrorIs(t, fileStore(t, dir, nil).Unlock(ctx, "a brand new passphrase"), ErrWrongPassphrase)
}

func TestDamagedVerifierIsNotAWrongPassphrase(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	data, err := os.ReadFile(s.verifierPath())
	require.NoError(t, err)
	for _, content := range [][]byte{nil, data[:len(data)/2], []byte("junk")} {
		require.NoError(t, os.WriteFile(s.verifierPath(), content, 0o600))
		err := fileStore(t, dir, nil).Unlock(ctx, testPass)
		require.ErrorIs(t, err, ErrDamaged)
		require.NotErrorIs(t, err, ErrWrongPassphrase)
		var de *DamagedError
		require.ErrorAs(t, err, &de)
		require.Equal(t, s.verifierPath(), de.Path, "names the file")
	}
}

func TestPassphraseIsStretchedWithArgon2id(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))

	raw, err := os.ReadFile(filepath.Join(s.keyringDir, kdfFileName))
	require.NoError(t, err)
	var kf kdfFile
	require.NoError(t, json.Unmarshal(raw, &kf))
	require.Equal(t, kdfVersion, kf.V)
	require.Equal(t, "argon2id", kf.Algorithm)
	require.Equal(t, *testKDF, kf.KDFParams)
	require.Len(t, kf.Salt, kdfSaltLen)

	// The library never sees the passphrase: it does not open the
	// verifier, the derived key does.
	open := func(password string) error {
		kr, err := keyring.Open(keyring.Config{AllowedBackends: []keyring.BackendType{keyring.FileBackend},
			FileDir: s.keyringDir, FilePasswordFunc: keyring.FixedStringPrompt(password)})
		require.NoError(t, err)
		_, err = kr.Get(verifierKey)
		return err
	}
	require.Error(t, open(testPass))
	require.NoError(t, open(deriveKey(testPass, kf)))

	// The production parameters are at least a password manager's.
	require.GreaterOrEqual(t, DefaultKDF.MemoryKiB, uint32(64<<10))
	require.GreaterOrEqual(t, DefaultKDF.Time, uint32(3))
	require.NoError(t, DefaultKDF.validate())

	// A tampered kdf.json cannot make fbllm allocate without bound.
	kf.MemoryKiB = 1 << 30
	raw, err = json.Marshal(kf)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(s.keyringDir, kdfFileName), raw, 0o600))
	require.ErrorIs(t, fileStore(t, dir, nil).Unlock(ctx, testPass), ErrDamaged)
}

func TestChangePassphrase(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	a := addFP(t, s, "a", "sk-a")
	addFP(t, s, "b", "sk-b")
	require.NoError(t, s.FlashbackTokens().Set(ctx, "https://api.example", "", "rt-keep"))
	bystander := fileStore(t, dir, nil) // another process, unlocked before the change
	require.NoError(t, bystander.Unlock(ctx, testPass))
	roots := []string{filepath.Join(dir, "config"), filepath.Join(dir, "data")}
	before := dirHash(t, roots...)

	const newPass = "a much better passphrase"
	require.ErrorIs(t, s.ChangePassphrase(ctx, "not the passphrase", newPass), ErrWrongPassphrase)
	require.ErrorIs(t, s.ChangePassphrase(ctx, testPass, "short"), ErrWeakPassphrase)
	require.Equal(t, before, dirHash(t, roots...))

	require.NoError(t, s.ChangePassphrase(ctx, testPass, newPass))
	require.False(t, s.Locked())
	cred, err := s.Credentials(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, "sk-a", cred.Secret)

	fresh := fileStore(t, dir, nil)
	require.ErrorIs(t, fresh.Unlock(ctx, testPass), ErrWrongPassphrase)
	require.NoError(t, fresh.Unlock(ctx, newPass))
	got, err := fresh.FlashbackTokens().Get(ctx, "https://api.example")
	require.NoError(t, err)
	require.Equal(t, "rt-keep", got)

	// The other process's key is stale: it is asked again, not told that
	// every item is damaged.
	_, err = bystander.Credentials(ctx, a.ID)
	require.ErrorIs(t, err, ErrLocked)
	require.True(t, bystander.Locked())

	o, err := fresh.FindOrphans(ctx)
	require.NoError(t, err)
	require.Zero(t, o.Count(), "no staging directory left: %v", o)
}

func TestChangePassphraseIsCrashSafe(t *testing.T) {
	t.Parallel()
	const newPass = "a much better passphrase"
	for _, tt := range []struct {
		step     string
		fallback bool   // no atomic exchange: two renames
		opens    string // the passphrase that opens the keyring afterwards
	}{
		{"rekey-item", false, testPass},
		{"rekey-before-marker", false, testPass},
		{"rekey-before-switch", false, testPass},
		{"rekey-before-switch", true, testPass},
		{"rekey-between-renames", true, newPass},
	} {
		name := tt.step
		if tt.fallback {
			name += "/two renames"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := ctxT(t)
			dir := t.TempDir()
			s := fileStore(t, dir, nil)
			require.NoError(t, s.InitPassphrase(ctx, testPass))
			addFP(t, s, "a", "sk-a")
			addFP(t, s, "b", "sk-b")
			if tt.fallback {
				s.exchange = func(a, b string) error { return errExchangeUnsupported }
			}
			crashAt(s, tt.step)
			require.ErrorIs(t, s.ChangePassphrase(ctx, testPass, newPass), errCrash)
			if tt.step == "rekey-between-renames" {
				require.NoDirExists(t, s.keyringDir, "the crash fell between the two renames")
				// Simulate the crash: the error path must not have cleaned up.
			}

			after := fileStore(t, dir, nil)
			other := testPass
			if tt.opens == testPass {
				other = newPass
			}
			require.ErrorIs(t, after.Unlock(ctx, other), ErrWrongPassphrase)
			require.NoError(t, after.Unlock(ctx, tt.opens))
			list, err := after.List()
			require.NoError(t, err)
			for _, c := range list {
				cred, err := after.Credentials(ctx, c.ID)
				require.NoError(t, err)
				require.Equal(t, c.SecretFingerprint, cred.Secret)
			}
			removed, err := after.RemoveOrphans(ctx)
			require.NoError(t, err)
			o, err := after.FindOrphans(ctx)
			require.NoError(t, err)
			require.Zero(t, o.Count(), "removed %v", removed)
		})
	}
}

func TestTooShortPassphraseHasItsOwnError(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	require.NoError(t, fileStore(t, dir, nil).InitPassphrase(ctx, testPass))
	env := fileStore(t, dir, envMap{EnvPassphrase: "short"})
	_, err := env.Credentials(ctx, "x")
	require.ErrorIs(t, err, ErrWeakPassphrase)
	require.NotErrorIs(t, err, ErrWrongPassphrase)
	require.Contains(t, err.Error(), "at least 8 characters")
}
