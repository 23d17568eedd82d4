package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"
)

// envMap is an Options.Env backed by a map.
type envMap map[string]string

func (e envMap) get(k string) string { return e[k] }

// countingKeyring wraps an ArrayKeyring, counts every call and can delay or
// fail Get. It is not safe for concurrent use on its own: the store
// serialises calls on a handle, which the race detector then confirms.
type countingKeyring struct {
	inner                     *keyring.ArrayKeyring
	gets, sets, removes, keys atomic.Int32
	metas                     atomic.Int32
	getHook                   func() error
}

func newCountingKeyring() *countingKeyring {
	return &countingKeyring{inner: keyring.NewArrayKeyring(nil)}
}

func (k *countingKeyring) total() int32 {
	return k.gets.Load() + k.sets.Load() + k.removes.Load() + k.keys.Load() + k.metas.Load()
}

func (k *countingKeyring) Get(key string) (keyring.Item, error) {
	k.gets.Add(1)
	if k.getHook != nil {
		if err := k.getHook(); err != nil {
			return keyring.Item{}, err
		}
	}
	return k.inner.Get(key)
}

func (k *countingKeyring) GetMetadata(key string) (keyring.Metadata, error) {
	k.metas.Add(1)
	return k.inner.GetMetadata(key)
}

func (k *countingKeyring) Set(item keyring.Item) error {
	k.sets.Add(1)
	return k.inner.Set(item)
}

func (k *countingKeyring) Remove(key string) error {
	k.removes.Add(1)
	return k.inner.Remove(key)
}

func (k *countingKeyring) Keys() ([]string, error) {
	k.keys.Add(1)
	return k.inner.Keys()
}

// clock is a controllable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// testTimeout replaces the 3 s keyring and 10 s lock timeouts in tests that
// are not about timeouts: on a loaded 2-core machine under -race, one file
// backend Add (PBKDF2 + two fsyncs) took over a second, and a waiter queued
// behind several of them exceeded 10 s.
const testTimeout = 30 * time.Second

// memStore opens a Store on temp dirs with an injected counting keyring.
func memStore(t testing.TB) (*Store, *countingKeyring) {
	t.Helper()
	kr := newCountingKeyring()
	dir := t.TempDir()
	s, err := Open(Options{
		ConfigDir:   filepath.Join(dir, "config"),
		DataDir:     filepath.Join(dir, "data"),
		Env:         envMap{}.get,
		Keyring:     kr,
		Now:         newClock().now,
		Timeout:     testTimeout,
		LockTimeout: testTimeout,
	})
	require.NoError(t, err)
	return s, kr
}

// testKDF makes the Argon2id stretch cheap for tests that are not about
// its cost: the default takes 64 MiB and about 0.2 s per unlock, and these
// tests unlock hundreds of times under -race. BenchmarkPassphraseGuess
// measures the real parameters.
var testKDF = &KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

// fileStore opens a Store on the real encrypted-file backend in dir.
func fileStore(t testing.TB, dir string, env envMap) *Store {
	t.Helper()
	if env == nil {
		env = envMap{}
	}
	s, err := Open(Options{
		ConfigDir:   filepath.Join(dir, "config"),
		DataDir:     filepath.Join(dir, "data"),
		Backend:     BackendFile,
		KDF:         testKDF,
		Env:         env.get,
		Timeout:     testTimeout,
		LockTimeout: testTimeout,
	})
	require.NoError(t, err)
	return s
}

// cfg returns a minimal valid Config.
func cfg(name string) Config {
	return Config{Name: name, AIType: "OPENAI", Endpoint: "https://api.openai.com/v1"}
}

// dirHash fingerprints every file under the given roots: path, mode,
// size, modification time and content.
func dirHash(t *testing.T, roots ...string) string {
	t.Helper()
	var lines []string
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			line := p + " " + fi.Mode().String() + " " + fi.ModTime().Format(time.RFC3339Nano)
			if d.Type().IsRegular() {
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				sum := sha256.Sum256(data)
				line += " " + hex.EncodeToString(sum[:])
			}
			lines = append(lines, line)
			return nil
		})
		require.NoError(t, err)
	}
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// requireUnsafe asserts a store.unsafe_path refusal naming path.
func requireUnsafe(t *testing.T, err error, path string) {
	t.Helper()
	require.ErrorIs(t, err, ErrUnsafePath)
	var ue *UnsafePathError
	require.ErrorAs(t, err, &ue)
	require.Equal(t, path, ue.Path)
	require.Contains(t, err.Error(), path)
}
