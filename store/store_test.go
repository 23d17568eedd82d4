package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"
)

func TestAddListResolveUpdateDelete(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	s, kr := memStore(t)

	a, err := s.Add(ctx, Config{ID: "ignored", Name: "OpenAI work", AIType: "OPENAI", Endpoint: "https://api.openai.com/v1", SecretBackend: "bogus"},
		Credentials{Key: "org-1", Secret: "sk-secret-a"})
	require.NoError(t, err)
	require.Len(t, a.ID, 26)
	require.NotEqual(t, "ignored", a.ID)
	require.Regexp(t, `^[a-z2-7]{26}$`, a.ID)
	require.Equal(t, DefaultWorkspace, a.Workspace)
	require.Equal(t, "memory", a.SecretBackend)
	require.False(t, a.CreatedAt.IsZero())
	require.Equal(t, a.CreatedAt, a.UpdatedAt)

	b, err := s.Add(ctx, Config{Name: "anthropic", AIType: "ANTHROPIC", Endpoint: "https://api.anthropic.com/v1", Workspace: "team"},
		Credentials{Secret: "sk-ant-b"})
	require.NoError(t, err)
	require.Equal(t, "team", b.Workspace)

	list, err := s.List()
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, []string{"anthropic", "OpenAI work"}, []string{list[0].Name, list[1].Name}, "sorted case-insensitively")

	got, err := s.Resolve(a.ID)
	require.NoError(t, err)
	require.Equal(t, a, got)
	got, err = s.Resolve("  openai WORK ")
	require.NoError(t, err)
	require.Equal(t, a.ID, got.ID)
	_, err = s.Resolve("nope")
	require.ErrorIs(t, err, ErrNotFound)

	cred, err := s.Credentials(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, Credentials{Key: "org-1", Secret: "sk-secret-a"}, cred)

	// Update without credentials: no keyring call at all.
	before := kr.total()
	up, err := s.Update(ctx, a.ID, func(c *Config) error {
		c.Endpoint = "https://example.test/v1"
		c.ID = "hijack"
		c.SecretBackend = "hijack"
		return nil
	}, nil)
	require.NoError(t, err)
	require.Equal(t, before, kr.total(), "Update with nil credentials must not call the keyring")
	require.Equal(t, a.ID, up.ID)
	require.Equal(t, "memory", up.SecretBackend)
	require.Equal(t, a.CreatedAt, up.CreatedAt)
	require.True(t, up.UpdatedAt.After(a.UpdatedAt))
	require.Equal(t, "https://example.test/v1", up.Endpoint)
	cred, err = s.Credentials(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, "sk-secret-a", cred.Secret, "credentials kept")

	// Update with credentials replaces them.
	_, err = s.Update(ctx, a.ID, nil, &Credentials{Secret: "sk-rotated"})
	require.NoError(t, err)
	cred, err = s.Credentials(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, Credentials{Secret: "sk-rotated"}, cred)

	// An edit error aborts without writing.
	boom := errors.New("boom")
	_, err = s.Update(ctx, a.ID, func(c *Config) error { c.Name = "changed"; return boom }, nil)
	require.ErrorIs(t, err, boom)
	got, err = s.Resolve(a.ID)
	require.NoError(t, err)
	require.Equal(t, "OpenAI work", got.Name)

	_, err = s.Update(ctx, "missing", nil, nil)
	require.ErrorIs(t, err, ErrNotFound)

	require.NoError(t, s.Delete(ctx, a.ID))
	_, err = s.Resolve(a.ID)
	require.ErrorIs(t, err, ErrNotFound)
	_, err = kr.inner.Get(itemKey(a.ID))
	require.ErrorIs(t, err, keyring.ErrKeyNotFound, "item removed")
	_, err = s.Credentials(ctx, a.ID)
	require.ErrorIs(t, err, ErrNotFound)
	require.ErrorIs(t, s.Delete(ctx, a.ID), ErrNotFound)

	// Deleting a config whose item is already gone succeeds.
	require.NoError(t, kr.inner.Remove(itemKey(b.ID)))
	require.NoError(t, s.Delete(ctx, b.ID))
	list, err = s.List()
	require.NoError(t, err)
	require.Empty(t, list)
}

func TestListAndResolveMakeNoKeyringCalls(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	s, kr := memStore(t)
	for i := range 5 {
		_, err := s.Add(ctx, cfg(fmt.Sprintf("c%d", i)), Credentials{Secret: "s"})
		require.NoError(t, err)
	}
	before := kr.total()
	for range 3 {
		_, err := s.List()
		require.NoError(t, err)
		_, err = s.Resolve("c3")
		require.NoError(t, err)
		_ = s.Names("")
	}
	require.NoError(t, s.SetLastCheck(mustResolve(t, s, "c1").ID, Check{Status: "verified", At: time.Now()}))
	require.Equal(t, before, kr.total())
}

func mustResolve(t *testing.T, s *Store, ref string) Config {
	t.Helper()
	c, err := s.Resolve(ref)
	require.NoError(t, err)
	return c
}

func TestDuplicateNames(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	s, kr := memStore(t)
	a, err := s.Add(ctx, cfg("Prod"), Credentials{Secret: "s"})
	require.NoError(t, err)
	other, err := s.Add(ctx, Config{Name: "prod", AIType: "OPENAI", Workspace: "team"}, Credentials{Secret: "s"})
	require.NoError(t, err, "same name in another workspace is fine")

	tests := []struct {
		name string
		c    Config
	}{
		{"same case", cfg("Prod")},
		{"other case", cfg("PROD")},
		{"surrounding space", cfg(" prod ")},
		{"explicit default workspace", Config{Name: "prod", AIType: "OPENAI", Workspace: DefaultWorkspace}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sets := kr.sets.Load()
			_, err := s.Add(ctx, tt.c, Credentials{Secret: "s"})
			require.ErrorIs(t, err, ErrDuplicateName)
			require.Equal(t, sets, kr.sets.Load(), "nothing written to the keyring")
		})
	}

	b, err := s.Add(ctx, cfg("staging"), Credentials{Secret: "s"})
	require.NoError(t, err)
	_, err = s.Update(ctx, b.ID, func(c *Config) error { c.Name = "pROD"; return nil }, nil)
	require.ErrorIs(t, err, ErrDuplicateName)
	_, err = s.Update(ctx, b.ID, func(c *Config) error { c.Workspace = "team"; c.Name = "PROD"; return nil }, nil)
	require.ErrorIs(t, err, ErrDuplicateName)
	_, err = s.Update(ctx, a.ID, func(c *Config) error { c.Name = "PROD"; return nil }, nil)
	require.NoError(t, err, "renaming to itself in another case is fine")

	require.Equal(t, []string{"PROD", "staging"}, s.Names(""))
	require.Equal(t, []string{"prod"}, s.Names("team"))
	_ = other
}

func TestResolveAmbiguous(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	s, _ := memStore(t)
	a, err := s.Add(ctx, cfg("shared"), Credentials{Secret: "s"})
	require.NoError(t, err)
	b, err := s.Add(ctx, Config{Name: "Shared", AIType: "OPENAI", Workspace: "team"}, Credentials{Secret: "s"})
	require.NoError(t, err)

	_, err = s.Resolve("SHARED")
	var amb *AmbiguousError
	require.ErrorAs(t, err, &amb)
	require.ErrorIs(t, err, ErrAmbiguous)
	require.Equal(t, "SHARED", amb.Ref)
	require.ElementsMatch(t, []string{a.ID, b.ID}, []string{amb.Candidates[0].ID, amb.Candidates[1].ID})
	require.Contains(t, err.Error(), a.ID)

	got, err := s.Resolve(b.ID)
	require.NoError(t, err, "an exact id is never ambiguous")
	require.Equal(t, b.ID, got.ID)
}

func TestNamesFreshAfterWrites(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	s, _ := memStore(t)
	require.Empty(t, s.Names(""))
	a, err := s.Add(ctx, cfg("one"), Credentials{Secret: "s"})
	require.NoError(t, err)
	require.Equal(t, []string{"one"}, s.Names(DefaultWorkspace))
	_, err = s.Update(ctx, a.ID, func(c *Config) error { c.Name = "uno"; return nil }, nil)
	require.NoError(t, err)
	require.Equal(t, []string{"uno"}, s.Names(""))
	require.NoError(t, s.Delete(ctx, a.ID))
	require.Empty(t, s.Names(""))
}

func TestAddValidation(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	s, kr := memStore(t)
	tests := []struct {
		name string
		c    Config
		cred Credentials
	}{
		{"empty name", Config{AIType: "OPENAI"}, Credentials{Secret: "s"}},
		{"blank name", Config{Name: "  ", AIType: "OPENAI"}, Credentials{Secret: "s"}},
		{"empty type", Config{Name: "x"}, Credentials{Secret: "s"}},
		{"empty secret", cfg("x"), Credentials{Key: "k"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Add(ctx, tt.c, tt.cred)
			require.ErrorIs(t, err, ErrInvalidConfig)
		})
	}
	require.Zero(t, kr.total())
	_, err := os.Stat(s.indexPath)
	require.ErrorIs(t, err, os.ErrNotExist, "nothing written")
}

func TestSetLastCheck(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	s, _ := memStore(t)
	a, err := s.Add(ctx, cfg("x"), Credentials{Secret: "s"})
	require.NoError(t, err)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, s.SetLastCheck(a.ID, Check{Status: "rejected", At: at}))
	got := mustResolve(t, s, a.ID)
	require.Equal(t, &Check{Status: "rejected", At: at}, got.LastCheck)
	require.Equal(t, a.UpdatedAt, got.UpdatedAt, "a check is not an edit")
	require.ErrorIs(t, s.SetLastCheck("missing", Check{}), ErrNotFound)
}

func TestWinCredSizeLimit(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	kr := newCountingKeyring()
	s, err := Open(Options{ConfigDir: dir + "/c", DataDir: dir + "/d", Backend: BackendWinCred, Keyring: kr, Env: envMap{}.get})
	require.NoError(t, err)

	big := strings.Repeat("x", WinCredMaxBlob)
	_, err = s.Add(ctx, cfg("big"), Credentials{Secret: big})
	require.ErrorIs(t, err, ErrSecretTooLarge)
	require.Zero(t, kr.sets.Load())

	fits := strings.Repeat("x", WinCredMaxBlob-len(`{"v":2,"id":"abcdefghijklmnopqrstuvwxyz","gen":1,"secret":""}`))
	c, err := s.Add(ctx, cfg("fits"), Credentials{Secret: fits})
	require.NoError(t, err)
	// Generation 2's blob is as long as generation 1's: one more byte
	// does not fit.
	_, err = s.Update(ctx, c.ID, nil, &Credentials{Secret: fits + "x"})
	require.ErrorIs(t, err, ErrSecretTooLarge)

	// Other backends take more, up to MaxBlob.
	s2, _ := memStore(t)
	_, err = s2.Add(ctx, cfg("big"), Credentials{Secret: big})
	require.NoError(t, err)
	_, err = s2.Add(ctx, cfg("huge"), Credentials{Secret: strings.Repeat("x", MaxBlob)})
	require.ErrorIs(t, err, ErrSecretTooLarge)
}

func TestCredentialsInOtherBackend(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	dir := t.TempDir()
	opts := Options{ConfigDir: dir + "/c", DataDir: dir + "/d", Backend: BackendSecretService, Keyring: newCountingKeyring(), Env: envMap{}.get}
	desktop, err := Open(opts)
	require.NoError(t, err)
	c, err := desktop.Add(ctx, cfg("desk"), Credentials{Secret: "s"})
	require.NoError(t, err)
	require.Equal(t, BackendSecretService, c.SecretBackend)

	opts.Backend, opts.Keyring = BackendFile, newCountingKeyring()
	ssh, err := Open(opts)
	require.NoError(t, err)
	_, err = ssh.Credentials(ctx, c.ID)
	var be *BackendError
	require.ErrorAs(t, err, &be)
	require.ErrorIs(t, err, ErrBackendMismatch)
	require.ErrorIs(t, err, ErrBackendUnavailable)
	require.Equal(t, BackendSecretService, be.Backend)
	require.Contains(t, err.Error(), "Secret Service")

	// Re-entering the secret moves it to this session's backend.
	up, err := ssh.Update(ctx, c.ID, nil, &Credentials{Secret: "new"})
	require.NoError(t, err)
	require.Equal(t, BackendFile, up.SecretBackend)
	cred, err := ssh.Credentials(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "new", cred.Secret)

	// Delete from the other session only drops the index entry.
	_, err = desktop.Credentials(ctx, c.ID)
	require.ErrorIs(t, err, ErrBackendMismatch)
	require.NoError(t, desktop.Delete(ctx, c.ID))
}

func TestCredentialsNeverPrinted(t *testing.T) {
	t.Parallel()
	c := Credentials{Key: "AKIAEXAMPLE", Secret: "sk-very-secret"}
	for _, format := range []string{"%v", "%+v", "%s", "%#v"} {
		out := fmt.Sprintf(format, c)
		require.NotContains(t, out, "AKIAEXAMPLE", format)
		require.NotContains(t, out, "sk-very-secret", format)
	}
	out := fmt.Sprintf("%v", struct{ C Credentials }{c})
	require.NotContains(t, out, "sk-very-secret")
}

func TestKeyringErrorsAreMapped(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	s, kr := memStore(t)
	c, err := s.Add(ctx, cfg("x"), Credentials{Secret: "s"})
	require.NoError(t, err)

	tests := []struct {
		name string
		err  error
		want error
	}{
		{"not found", keyring.ErrKeyNotFound, ErrNotFound},
		{"path error", &os.PathError{Op: "open", Path: "x", Err: os.ErrNotExist}, ErrNotFound},
		{"bit flip", errors.New("cipher: message authentication failed"), ErrCorrupt},
		{"truncated", errors.New("jwt.DecodeBytes() expects token of 3 or 5 parts, but was given: 2 parts"), ErrCorrupt},
		{"other passphrase", errors.New("aes.KeyUnwrap(): integrity check failed."), ErrCorrupt},
		{"d-bus", errors.New("Cannot get secret of a locked object"), ErrBackendUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr.getHook = func() error { return tt.err }
			defer func() { kr.getHook = nil }()
			_, err := s.Credentials(ctx, c.ID)
			require.ErrorIs(t, err, tt.want)
			require.Contains(t, err.Error(), "credentials "+c.ID)
		})
	}
}

func TestOpenCreatesPrivateDirsAndLeavesExistingModes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Missing directories are created 0700.
	cfgDir, dataDir := filepath.Join(dir, "a", "config"), filepath.Join(dir, "b", "data")
	_, err := Open(Options{ConfigDir: cfgDir, DataDir: dataDir, Backend: BackendFile, Env: envMap{}.get})
	require.NoError(t, err)
	for _, d := range []string{cfgDir, dataDir} {
		fi, err := os.Stat(d)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), d)
	}

	// Existing, safe but not 0700/0600: used as they are, never chmodded,
	// by Open or by selecting the file backend.
	cfgDir, dataDir = filepath.Join(dir, "c"), filepath.Join(dir, "d")
	require.NoError(t, os.MkdirAll(filepath.Join(dataDir, "keyring"), 0o755))
	require.NoError(t, os.Chmod(dataDir, 0o755))
	require.NoError(t, os.Chmod(filepath.Join(dataDir, "keyring"), 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(dataDir, "keyring", "fbllm%2Fx"), []byte("x"), 0o644))
	require.NoError(t, os.MkdirAll(cfgDir, 0o711))
	require.NoError(t, os.Chmod(cfgDir, 0o711))
	require.NoError(t, os.WriteFile(filepath.Join(cfgDir, "configs.json"), []byte(`{"version":1,"configs":[]}`), 0o644))
	require.NoError(t, os.Chmod(filepath.Join(cfgDir, "configs.json"), 0o644))
	s, err := Open(Options{ConfigDir: cfgDir, DataDir: dataDir, Backend: BackendFile, Env: envMap{}.get})
	require.NoError(t, err)
	_, err = s.Backend(ctxT(t))
	require.NoError(t, err)
	_, err = s.List()
	require.NoError(t, err)
	for p, want := range map[string]os.FileMode{
		cfgDir: 0o711, dataDir: 0o755, filepath.Join(dataDir, "keyring"): 0o750,
		filepath.Join(dataDir, "keyring", "fbllm%2Fx"): 0o644, filepath.Join(cfgDir, "configs.json"): 0o644,
	} {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		require.Equal(t, want, fi.Mode().Perm(), p)
	}

	_, err = Open(Options{ConfigDir: cfgDir})
	require.Error(t, err)
}

func TestDefaultDirs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		goos            string
		env             envMap
		wantCfg, wantDB string
		wantErr         bool
	}{
		{"overrides", "linux", envMap{"FBLLM_CONFIG_DIR": "/c", "FBLLM_DATA_DIR": "/d", "HOME": "/h"}, "/c", "/d", false},
		{"xdg", "linux", envMap{"XDG_CONFIG_HOME": "/x/c", "XDG_DATA_HOME": "/x/d", "HOME": "/h"}, "/x/c/fbllm", "/x/d/fbllm", false},
		{"relative xdg ignored", "linux", envMap{"XDG_CONFIG_HOME": "rel", "HOME": "/h"}, "/h/.config/fbllm", "/h/.local/share/fbllm", false},
		{"home", "linux", envMap{"HOME": "/h"}, "/h/.config/fbllm", "/h/.local/share/fbllm", false},
		{"darwin uses xdg layout", "darwin", envMap{"HOME": "/Users/u"}, "/Users/u/.config/fbllm", "/Users/u/.local/share/fbllm", false},
		{"no home", "linux", envMap{}, "", "", true},
		{"one override", "linux", envMap{"FBLLM_DATA_DIR": "/d", "HOME": "/h"}, "/h/.config/fbllm", "/d", false},
		{"windows", "windows", envMap{"APPDATA": "/ad", "LOCALAPPDATA": "/lad"}, filepath.Join("/ad", "fbllm"), filepath.Join("/lad", "fbllm"), false},
		{"windows missing", "windows", envMap{}, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, d, err := defaultDirs(tt.goos, tt.env.get)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantCfg, c)
			require.Equal(t, tt.wantDB, d)
		})
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	s, _ := memStore(t)
	st, err := s.Settings()
	require.NoError(t, err)
	require.Equal(t, Settings{}, st)

	require.NoError(t, s.SaveSettings(Settings{Mode: "local", Workspace: "team"}))
	st, err = s.Settings()
	require.NoError(t, err)
	require.Equal(t, Settings{Version: 1, Mode: "local", Workspace: "team"}, st)
	fi, err := os.Stat(s.settingsPath)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	require.NoError(t, os.WriteFile(s.settingsPath, []byte("{not json"), 0o600))
	_, err = s.Settings()
	var ce *CorruptIndexError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, ErrCorrupt)
	require.Equal(t, s.settingsPath, ce.Path)
	data, err := os.ReadFile(ce.MovedTo)
	require.NoError(t, err)
	require.Equal(t, "{not json", string(data), "moved, not rewritten")
	st, err = s.Settings()
	require.NoError(t, err)
	require.Equal(t, Settings{}, st)

	// Saving over a corrupt file reports it first, then works.
	require.NoError(t, os.WriteFile(s.settingsPath, []byte(`{"version":-1}`), 0o600))
	require.ErrorIs(t, s.SaveSettings(Settings{Mode: "flashback"}), ErrCorrupt)
	require.NoError(t, s.SaveSettings(Settings{Mode: "flashback"}))
	st, err = s.Settings()
	require.NoError(t, err)
	require.Equal(t, "flashback", st.Mode)
}

func TestContextCancelledLockWait(t *testing.T) {
	t.Parallel()
	s, _ := memStore(t)
	unlock, err := s.lock(context.Background(), true)
	require.NoError(t, err)
	defer unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = s.Add(ctx, cfg("x"), Credentials{Secret: "s"})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 2*time.Second)

	s.lockTimeout = 50 * time.Millisecond
	require.ErrorIs(t, s.SetLastCheck("x", Check{}), ErrTimeout)
}

func TestCompareFold(t *testing.T) {
	t.Parallel()
	words := []string{"", "a", "A", "ab", "Ab", "b", "Zeta", "alpha", "Émile", "émile", "eMILE", "zz", "ÄB", "äa", "x1", "X10", "x2"}
	for _, a := range words {
		for _, b := range words {
			want := strings.Compare(strings.ToLower(a), strings.ToLower(b))
			require.Equal(t, want, compareFold(a, b), "%q vs %q", a, b)
		}
	}
}

func TestIndexFileFormat(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	s, _ := memStore(t)
	data, _, err := encodeIndex(nil, nil, nil)
	require.NoError(t, err)
	require.JSONEq(t, `{"version":2,"configs":[]}`, string(data))

	_, err = s.Add(ctx, Config{Name: "b <&>", AIType: "OPENAI"}, Credentials{Secret: "s"})
	require.NoError(t, err)
	_, err = s.Add(ctx, cfg("a"), Credentials{Secret: "s"})
	require.NoError(t, err)
	raw, err := os.ReadFile(s.indexPath)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	require.Len(t, lines, 4, "one configuration per line:\n%s", raw)
	require.Contains(t, lines[2], `"name":"b <&>"`)
	var f indexFile
	require.NoError(t, json.Unmarshal(raw, &f))
	require.Equal(t, 2, f.Version)
	require.Equal(t, "a", f.Configs[0].Name)
	require.Equal(t, 1, f.Configs[0].Generation)
	require.NotContains(t, string(raw), `"s"`, "no secret in the index")
}
