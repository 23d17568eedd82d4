package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/keyring"

	// The guard must run before keyring's init() dials D-Bus; see its
	// package doc for why a blank import anywhere in the program suffices.
	_ "github.com/fbllm/fbllm/internal/dbusguard"
)

// File and directory names inside Options.ConfigDir and Options.DataDir.
const (
	indexFileName    = "configs.json"
	lockFileName     = "configs.lock"
	settingsFileName = "config.json"
	keyringDirName   = "keyring"
)

// Defaults for Options.
const (
	// TransportTimeout bounds one keyring call (PRODUCT.md §4: "answers
	// within 3 s").
	TransportTimeout = 3 * time.Second
	// DefaultPromptTimeout bounds a keyring call while a desktop unlock
	// prompt may be waiting for the user.
	DefaultPromptTimeout = 60 * time.Second
	// DefaultLockTimeout bounds the wait for configs.lock.
	DefaultLockTimeout = 10 * time.Second
)

// Options configures Open. ConfigDir and DataDir are required; everything
// else has a production default.
type Options struct {
	// ConfigDir holds configs.json, configs.lock and config.json. It is
	// created with 0700 (tightened to 0700 if it exists).
	ConfigDir string
	// DataDir holds the encrypted-file keyring in DataDir/keyring (0700).
	DataDir string
	// Backend forces one backend ("" = choose automatically): keychain,
	// wincred, secret-service, kwallet, pass or file. When empty, the
	// FBLLM_KEYRING_BACKEND variable (read through Env) may force one.
	Backend string
	// Env looks up environment variables; nil means os.Getenv. Selection,
	// FBLLM_KEYRING_PASSPHRASE and directories are all read through it.
	Env func(string) string
	// Keyring, if non-nil, is used instead of opening a real backend (tests:
	// keyring.NewArrayKeyring). It never needs a passphrase; its backend
	// name is Backend, or "memory" when Backend is empty.
	Keyring keyring.Keyring
	// Timeout bounds each keyring call; default TransportTimeout (3 s).
	Timeout time.Duration
	// PromptTimeout bounds keyring calls while a desktop unlock prompt may
	// be on screen (Secret Service with a locked collection in a local
	// graphical session); default DefaultPromptTimeout (60 s).
	PromptTimeout time.Duration
	// LockTimeout bounds the wait for configs.lock when the context has no
	// earlier deadline; default DefaultLockTimeout (10 s).
	LockTimeout time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Store is the local configuration store: a non-secret index on disk plus
// one keyring item per configuration. It is safe for concurrent use by
// several goroutines and, through configs.lock, by several processes.
type Store struct {
	configDir, dataDir, keyringDir string
	indexPath, lockPath            string
	settingsPath                   string

	env                                 func(string) string
	now                                 func() time.Time
	timeout, promptTimeout, lockTimeout time.Duration
	forced, forcedBy                    string
	optBackend                          string
	injected                            keyring.Keyring
	envPassphrase                       string
	goos                                string
	uid                                 int
	prober                              prober        // nil = the real one; tests replace it
	selecting                           chan struct{} // one Backend selection at a time, ctx-aware

	mu        sync.Mutex // guards the fields below
	sel       *selection
	pass      string   // accepted passphrase of the file backend
	passErr   error    // why FBLLM_KEYRING_PASSPHRASE was not accepted
	cacheRaw  []byte   // configs.json content last read or written
	cache     []Config // its parsed, sorted form; never handed out directly
	haveCache bool
}

// Open prepares a Store. It is cheap: it creates (or tightens to 0700) the
// two directories, tightens our files to 0600, and reads a few environment
// variables. It does not touch the keyring or D-Bus; Backend does that.
func Open(opts Options) (*Store, error) {
	if opts.ConfigDir == "" || opts.DataDir == "" {
		return nil, errors.New("open store: config and data directories are required")
	}
	configDir, err := filepath.Abs(opts.ConfigDir)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s := &Store{
		configDir:     configDir,
		dataDir:       dataDir,
		keyringDir:    filepath.Join(dataDir, keyringDirName),
		indexPath:     filepath.Join(configDir, indexFileName),
		lockPath:      filepath.Join(configDir, lockFileName),
		settingsPath:  filepath.Join(configDir, settingsFileName),
		env:           opts.Env,
		now:           opts.Now,
		timeout:       opts.Timeout,
		promptTimeout: opts.PromptTimeout,
		lockTimeout:   opts.LockTimeout,
		injected:      opts.Keyring,
		optBackend:    opts.Backend,
		goos:          runtime.GOOS,
		uid:           os.Getuid(),
		selecting:     make(chan struct{}, 1),
	}
	if s.env == nil {
		s.env = os.Getenv
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.timeout <= 0 {
		s.timeout = TransportTimeout
	}
	if s.promptTimeout <= 0 {
		s.promptTimeout = DefaultPromptTimeout
	}
	if s.lockTimeout <= 0 {
		s.lockTimeout = DefaultLockTimeout
	}
	switch {
	case opts.Backend != "":
		s.forced, s.forcedBy = opts.Backend, "forced by configuration"
	case s.env(EnvBackend) != "":
		s.forced, s.forcedBy = s.env(EnvBackend), "forced by "+EnvBackend
	}
	// Read once: main may unset the variable right after Open so that
	// child processes do not inherit it.
	s.envPassphrase = s.env(EnvPassphrase)

	for _, dir := range []string{configDir, dataDir} {
		if home := s.env("HOME"); home != "" && filepath.Clean(home) == dir {
			// FBLLM_CONFIG_DIR=~ is a mistake, but chmod 0700 on the
			// home directory would be a surprising way to learn it.
			return nil, fmt.Errorf("open store: %s is the home directory; use a dedicated directory", dir)
		}
		if err := ensureDir(dir); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	if err := fixMode(s.keyringDir, 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	for _, f := range []string{s.indexPath, s.lockPath, s.settingsPath} {
		if err := fixMode(f, 0o600); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	return s, nil
}

// Environment variables the store reads through Options.Env.
const (
	// EnvConfigDir overrides the configuration directory (DefaultDirs).
	EnvConfigDir = "FBLLM_CONFIG_DIR"
	// EnvDataDir overrides the data directory (DefaultDirs).
	EnvDataDir = "FBLLM_DATA_DIR"
	// EnvBackend forces a backend when Options.Backend is empty.
	EnvBackend = "FBLLM_KEYRING_BACKEND"
	// EnvPassphrase is the file backend's passphrase. It is read once, in
	// Open, so main can os.Unsetenv it right after and keep it from child
	// processes.
	EnvPassphrase = "FBLLM_KEYRING_PASSPHRASE"
)

// DefaultDirs returns the configuration and data directories:
// FBLLM_CONFIG_DIR and FBLLM_DATA_DIR when set; otherwise, on Linux, macOS
// and other Unix systems, $XDG_CONFIG_HOME/fbllm and $XDG_DATA_HOME/fbllm
// (when set to absolute paths), else ~/.config/fbllm and
// ~/.local/share/fbllm — macOS uses the XDG layout too, like gh, because
// fbllm is a terminal tool; on Windows %AppData%\fbllm and
// %LocalAppData%\fbllm. env nil means os.Getenv.
func DefaultDirs(env func(string) string) (configDir, dataDir string, err error) {
	return defaultDirs(runtime.GOOS, env)
}

func defaultDirs(goos string, env func(string) string) (configDir, dataDir string, err error) {
	if env == nil {
		env = os.Getenv
	}
	configDir, dataDir = env(EnvConfigDir), env(EnvDataDir)
	if goos == "windows" {
		if configDir == "" {
			if configDir = env("APPDATA"); configDir == "" {
				return "", "", fmt.Errorf("default directories: %%AppData%% is not set; set %s", EnvConfigDir)
			}
			configDir = filepath.Join(configDir, "fbllm")
		}
		if dataDir == "" {
			if dataDir = env("LOCALAPPDATA"); dataDir == "" {
				return "", "", fmt.Errorf("default directories: %%LocalAppData%% is not set; set %s", EnvDataDir)
			}
			dataDir = filepath.Join(dataDir, "fbllm")
		}
		return configDir, dataDir, nil
	}
	home := env("HOME")
	xdg := func(name, fallback string) (string, error) {
		if v := env(name); v != "" && filepath.IsAbs(v) {
			return filepath.Join(v, "fbllm"), nil
		}
		if home == "" {
			return "", fmt.Errorf("default directories: $HOME is not set; set %s and %s", EnvConfigDir, EnvDataDir)
		}
		return filepath.Join(home, fallback, "fbllm"), nil
	}
	if configDir == "" {
		if configDir, err = xdg("XDG_CONFIG_HOME", ".config"); err != nil {
			return "", "", err
		}
	}
	if dataDir == "" {
		if dataDir, err = xdg("XDG_DATA_HOME", filepath.Join(".local", "share")); err != nil {
			return "", "", err
		}
	}
	return configDir, dataDir, nil
}

// ConfigDir returns the directory holding configs.json and config.json.
func (s *Store) ConfigDir() string { return s.configDir }

// IndexPath returns the path of configs.json (for messages and doctor).
func (s *Store) IndexPath() string { return s.indexPath }

// List returns every configuration in the index, sorted by name
// (case-insensitively). It reads configs.json without taking the lock
// (writers replace it atomically) and never calls the keyring.
//
// If configs.json cannot be parsed, List moves it aside and returns a
// *CorruptIndexError naming both paths; the next call sees an empty index
// and the next write starts a fresh file. Showing that error is the
// caller's job: it is the only notice the user gets.
func (s *Store) List() ([]Config, error) {
	configs, err := s.readIndex(context.Background())
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	return configs, nil
}

// Resolve finds a configuration by exact id, else by name compared
// case-insensitively across all workspaces. It returns an error wrapping
// ErrNotFound when nothing matches, and an *AmbiguousError when several
// configurations carry the name.
func (s *Store) Resolve(ref string) (Config, error) {
	configs, err := s.readIndex(context.Background())
	if err != nil {
		return Config{}, fmt.Errorf("resolve %q: %w", ref, err)
	}
	for _, c := range configs {
		if c.ID == ref {
			return c, nil
		}
	}
	var matches []Config
	want := strings.TrimSpace(ref)
	for _, c := range configs {
		if sameName(c.Name, want) {
			matches = append(matches, c)
		}
	}
	switch len(matches) {
	case 0:
		return Config{}, fmt.Errorf("resolve %q: %w", ref, ErrNotFound)
	case 1:
		return matches[0], nil
	}
	return Config{}, &AmbiguousError{Ref: ref, Candidates: matches}
}

// Names returns the names used in a workspace ("" means DefaultWorkspace),
// sorted, for the form's uniqueness check. It reads the index as last loaded
// or written by this Store (loading it once if needed); it is fresh after
// this Store's own writes but may miss another process's recent changes,
// which Add and Update catch anyway.
func (s *Store) Names(workspace string) []string {
	if workspace == "" {
		workspace = DefaultWorkspace
	}
	s.mu.Lock()
	configs, ok := s.cache, s.haveCache
	s.mu.Unlock()
	if !ok {
		configs, _ = s.readIndex(context.Background())
	}
	var names []string
	for _, c := range configs {
		if c.workspace() == workspace {
			names = append(names, c.Name)
		}
	}
	return names
}

// readIndex reads configs.json lock-free. On a parse failure it takes the
// exclusive lock, re-reads (another process may have rewritten it in the
// meantime) and moves the file aside if it is still bad.
func (s *Store) readIndex(ctx context.Context) ([]Config, error) {
	configs, err := s.loadIndex()
	if err == nil {
		return configs, nil
	}
	var perr *parseError
	if !errors.As(err, &perr) {
		return nil, err
	}
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return s.loadLocked()
}

// loadIndex reads and parses configs.json. Parsing is most of List's cost
// (about 5 ms for 1,000 configurations), so the last parsed content is kept
// and reused when the file's bytes are identical — a comparison of content,
// not of timestamps, so it can never serve a stale index.
func (s *Store) loadIndex() ([]Config, error) {
	data, err := readIndexFile(s.indexPath)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.haveCache && bytes.Equal(data, s.cacheRaw) && (data != nil) == (s.cacheRaw != nil) {
		out := cloneAll(s.cache)
		s.mu.Unlock()
		return out, nil
	}
	s.mu.Unlock()
	configs, err := parseIndex(data)
	if err != nil {
		return nil, err
	}
	s.setCache(data, configs)
	return configs, nil
}

// loadLocked reads configs.json for a read-modify-write; the caller holds
// the exclusive lock. An unparsable file is moved aside and reported.
func (s *Store) loadLocked() ([]Config, error) {
	configs, err := s.loadIndex()
	var perr *parseError
	if errors.As(err, &perr) {
		moved, merr := moveAside(s.indexPath, s.now())
		if merr != nil {
			return nil, &CorruptIndexError{Path: s.indexPath, Err: errors.Join(perr.err, merr)}
		}
		s.setCache(nil, nil)
		return nil, &CorruptIndexError{Path: s.indexPath, MovedTo: moved, Err: perr.err}
	}
	return configs, err
}

// writeIndex replaces configs.json; the caller holds the exclusive lock.
func (s *Store) writeIndex(configs []Config) error {
	slices.SortFunc(configs, lessByName)
	data, err := encodeIndex(configs)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(s.indexPath, data); err != nil {
		return fmt.Errorf("write %s: %w", s.indexPath, err)
	}
	s.setCache(data, configs)
	return nil
}

// setCache remembers content and its parsed form (copied: callers keep and
// may modify configs).
func (s *Store) setCache(raw []byte, configs []Config) {
	c := cloneAll(configs)
	s.mu.Lock()
	s.cacheRaw, s.cache, s.haveCache = raw, c, true
	s.mu.Unlock()
}

func cloneAll(configs []Config) []Config {
	if configs == nil {
		return nil
	}
	out := make([]Config, len(configs))
	for i, c := range configs {
		out[i] = c.clone()
	}
	return out
}

// sameName compares configuration names the way uniqueness is defined:
// trimmed and case-insensitive.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// idEncoding renders ids as lower-case base32 without padding.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID returns 16 random bytes as 26 lower-case base32 characters. Ids are
// opaque on purpose: they name keyring items (file names, wincred targets,
// Seahorse labels), which must not leak configuration names.
func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return idEncoding.EncodeToString(b[:]), nil
}
