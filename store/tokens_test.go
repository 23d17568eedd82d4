package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"
)

// tokenStore is what the client package requires of a TokenStore; the
// assertion below keeps FlashbackTokens in step without importing client.
type tokenStore interface {
	Get(ctx context.Context, apiURL string) (string, error)
	Set(ctx context.Context, apiURL, email, refreshToken string) error
	Delete(ctx context.Context) error
}

var _ tokenStore = (*FlashbackTokens)(nil)

func TestFlashbackTokens(t *testing.T) {
	t.Parallel()
	const api = "https://backend.flashback.tech"
	tests := []struct {
		name string
		run  func(t *testing.T, ft *FlashbackTokens, kr *countingKeyring)
	}{
		{"nothing saved", func(t *testing.T, ft *FlashbackTokens, _ *countingKeyring) {
			got, err := ft.Get(ctxT(t), api)
			require.NoError(t, err)
			require.Empty(t, got)
			_, ok, err := ft.Account(ctxT(t))
			require.NoError(t, err)
			require.False(t, ok)
			require.NoError(t, ft.Delete(ctxT(t)), "deleting nothing is fine")
		}},
		{"set get rotate delete", func(t *testing.T, ft *FlashbackTokens, kr *countingKeyring) {
			ctx := ctxT(t)
			require.NoError(t, ft.Set(ctx, api+"/", "ada@example.com", "rt-1"))
			got, err := ft.Get(ctx, api)
			require.NoError(t, err)
			require.Equal(t, "rt-1", got, "trailing slash does not matter")

			// A refresh rotates the token and may not know the email.
			require.NoError(t, ft.Set(ctx, api, "", "rt-2"))
			got, err = ft.Get(ctx, api)
			require.NoError(t, err)
			require.Equal(t, "rt-2", got)
			acct, ok, err := ft.Account(ctx)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, "ada@example.com", acct.Email, "email kept across a refresh")
			require.Equal(t, api, acct.APIURL)
			require.False(t, acct.SavedAt.IsZero())

			keys, err := kr.inner.Keys()
			require.NoError(t, err)
			require.Equal(t, []string{"fbllm/__flashback_refresh"}, keys)

			require.NoError(t, ft.Delete(ctx))
			got, err = ft.Get(ctx, api)
			require.NoError(t, err)
			require.Empty(t, got)
		}},
		{"other api url finds nothing", func(t *testing.T, ft *FlashbackTokens, _ *countingKeyring) {
			ctx := ctxT(t)
			require.NoError(t, ft.Set(ctx, "http://127.0.0.1:9999", "x@example.com", "rt-local"))
			got, err := ft.Get(ctx, api)
			require.NoError(t, err)
			require.Empty(t, got)
			// Signing in elsewhere replaces it and does not inherit the email.
			require.NoError(t, ft.Set(ctx, api, "", "rt-prod"))
			acct, _, err := ft.Account(ctx)
			require.NoError(t, err)
			require.Empty(t, acct.Email)
		}},
		{"empty token refused", func(t *testing.T, ft *FlashbackTokens, _ *countingKeyring) {
			require.ErrorIs(t, ft.Set(ctxT(t), api, "", " "), ErrInvalidConfig)
		}},
		{"damaged item", func(t *testing.T, ft *FlashbackTokens, kr *countingKeyring) {
			require.NoError(t, kr.inner.Set(keyring.Item{Key: "fbllm/__flashback_refresh", Data: []byte("{")}))
			_, err := ft.Get(ctxT(t), api)
			require.ErrorIs(t, err, ErrCorrupt)
		}},
		{"backend failure", func(t *testing.T, ft *FlashbackTokens, kr *countingKeyring) {
			kr.getHook = func() error { return errors.New("dbus: connection closed") }
			_, err := ft.Get(ctxT(t), api)
			require.ErrorIs(t, err, ErrBackendUnavailable)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, kr := memStore(t)
			tc.run(t, s.FlashbackTokens(), kr)
		})
	}
}

func TestFlashbackTokensFileBackend(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	s := fileStore(t, dir, nil)
	ft := s.FlashbackTokens()

	// Locked: reads and writes say so instead of prompting.
	require.NoError(t, s.InitPassphrase(ctx, "correct horse battery"))
	require.NoError(t, ft.Set(ctx, "https://api.example", "a@example.com", "rt-file"))

	other := fileStore(t, dir, nil)
	_, err := other.FlashbackTokens().Get(ctx, "https://api.example")
	require.ErrorIs(t, err, ErrLocked)
	require.ErrorIs(t, other.FlashbackTokens().Set(ctx, "https://api.example", "", "rt-x"), ErrLocked)

	require.NoError(t, other.Unlock(ctx, "correct horse battery"))
	got, err := other.FlashbackTokens().Get(ctx, "https://api.example")
	require.NoError(t, err)
	require.Equal(t, "rt-file", got)

	// Forgetting the sign-in is a mutation like any other: locked, it
	// changes nothing.
	third := fileStore(t, dir, nil)
	require.ErrorIs(t, third.FlashbackTokens().Delete(ctx), ErrLocked)
	require.FileExists(t, filepath.Join(dir, "data", "keyring", "fbllm%2F__flashback_refresh"))
	require.NoError(t, third.Unlock(ctx, "correct horse battery"))
	require.NoError(t, third.FlashbackTokens().Delete(ctx))
	require.NoFileExists(t, filepath.Join(dir, "data", "keyring", "fbllm%2F__flashback_refresh"))
	got, err = other.FlashbackTokens().Get(ctx, "https://api.example")
	require.NoError(t, err)
	require.Empty(t, got)
}
