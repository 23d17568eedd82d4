package store

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEveryMutationUnlocksFirst: with the passphrase missing or wrong, no
// mutation changes anything — not the index, not an item — and each says
// why (keyring.locked / keyring.wrong_passphrase).
func TestEveryMutationUnlocksFirst(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	require.NoError(t, s.InitPassphrase(ctx, testPass))
	c, err := s.Add(ctx, cfg("keep"), Credentials{Secret: "sk-keep"})
	require.NoError(t, err)
	require.NoError(t, s.FlashbackTokens().Set(ctx, "https://api.example", "a@example.com", "rt-keep"))
	roots := []string{filepath.Join(dir, "config"), filepath.Join(dir, "data")}
	before := dirHash(t, roots...)

	for _, tt := range []struct {
		name string
		env  envMap
		want error
	}{
		{"no passphrase", nil, ErrLocked},
		{"wrong passphrase", envMap{EnvPassphrase: "not the passphrase"}, ErrWrongPassphrase},
	} {
		t.Run(tt.name, func(t *testing.T) {
			other := fileStore(t, dir, tt.env)
			_, err := other.Update(ctx, c.ID, func(c *Config) error { c.Name = "renamed"; return nil }, nil)
			require.ErrorIs(t, err, tt.want, "rename")
			_, err = other.Update(ctx, c.ID, func(c *Config) error { c.Region = "eu-west-1"; return nil }, nil)
			require.ErrorIs(t, err, tt.want, "metadata edit")
			_, err = other.Update(ctx, c.ID, nil, &Credentials{Secret: "sk-rotated"})
			require.ErrorIs(t, err, tt.want, "rotation")
			require.ErrorIs(t, other.Delete(ctx, c.ID), tt.want, "delete")
			_, err = other.Add(ctx, cfg("new"), Credentials{Secret: "sk-new"})
			require.ErrorIs(t, err, tt.want, "add")
			require.ErrorIs(t, other.FlashbackTokens().Delete(ctx), tt.want, "forget sign-in")
			require.ErrorIs(t, other.FlashbackTokens().Set(ctx, "https://api.example", "", "rt-x"), tt.want, "save sign-in")
			_, err = other.RemoveOrphans(ctx)
			require.ErrorIs(t, err, tt.want, "remove orphans")
			require.Equal(t, before, dirHash(t, roots...), "nothing changed on disk")

			list, err := other.List()
			require.NoError(t, err, "listing needs no passphrase")
			require.Equal(t, "keep", list[0].Name)
		})
	}

	// Unlocked, the same calls work.
	other := fileStore(t, dir, nil)
	require.NoError(t, other.Unlock(ctx, testPass))
	_, err = other.Update(ctx, c.ID, func(c *Config) error { c.Name = "renamed"; return nil }, nil)
	require.NoError(t, err)
	require.NoError(t, other.Delete(ctx, c.ID))
}
