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
	// created with 0700 when missing; an existing one is checked, never
	// changed (see UnsafePathError).
	ConfigDir string
	// DataDir holds the encrypted-file keyring in DataDir/keyring, with the
	// same rules as ConfigDir.
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
	// KDF, if non-nil, replaces DefaultKDF for keyrings this Store creates
	// or re-keys. Only tests lower it (an end-to-end test pays one
	// derivation per process); existing keyrings keep the parameters
	// recorded with them.
	KDF *KDFParams
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
	kdf                                 KDFParams // for new and re-keyed keyrings
	goos                                string
	uid                                 int
	prober                              prober                  // nil = the real one; tests replace it
	selecting                           chan struct{}           // one Backend selection at a time, ctx-aware
	failAt                              func(step string) error // tests: inject a crash between steps
	exchange                            func(a, b string) error // exchangeDirs; tests take the fallback

	mu        sync.Mutex // guards the fields below
	sel       *selection
	key       string // accepted file-backend key (derived from the passphrase)
	epoch     string // the keyring epoch key belongs to (kdf.json), "" for a legacy keyring
	passErr   error  // why FBLLM_KEYRING_PASSPHRASE was not accepted
	cacheRaw  []byte // configs.json content last read or written
	cacheID   fileID // its identity, when cacheIDOK
	cacheIDOK bool
	cache     []Config // its parsed, sorted form; never handed out directly
	// cacheLines[i] is cache[i]'s line in cacheRaw when it is in the form
	// encodeIndex writes (nil otherwise): writeIndex copies it for a
	// configuration that did not change.
	cacheLines [][]byte
	haveCache  bool
	collected  bool // orphans were collected by a write of this Store
}

// Open prepares a Store. It is cheap: it checks the two directories
// (creating them 0700 when missing) and the files fbllm keeps in them, and
// reads a few environment variables. It does not touch the keyring, D-Bus
// or any keyring item; Backend does that. A directory or file that fbllm
// must not use is refused with an *UnsafePathError and nothing is created,
// written or chmodded.
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
		kdf:           DefaultKDF,
		goos:          runtime.GOOS,
		uid:           os.Getuid(),
		selecting:     make(chan struct{}, 1),
		exchange:      exchangeDirs,
	}
	if opts.KDF != nil {
		s.kdf = *opts.KDF
	}
	if err := s.kdf.validate(); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
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
			return nil, fmt.Errorf("open store: %w", &UnsafePathError{Path: dir, Reason: "is the home directory; use a dedicated directory"})
		}
	}
	// Check everything that exists before creating anything: a refusal
	// writes nothing. These are a few Lstats; no keyring item is looked at
	// (each is checked when it is used).
	for _, dir := range []string{configDir, dataDir, s.keyringDir} {
		if err := checkExisting(dir, true, s.uid); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	for _, f := range []string{s.indexPath, s.lockPath, s.settingsPath} {
		if err := checkExisting(f, false, s.uid); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	for _, dir := range []string{configDir, dataDir} {
		if err := prepareDir(dir, s.uid); err != nil {
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
	return cloneAll(configs), nil
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
			return c.clone(), nil
		}
	}
	var matches []Config
	want := strings.TrimSpace(ref)
	for _, c := range configs {
		if sameName(c.Name, want) {
			matches = append(matches, c.clone())
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
		configs, _ = s.readIndex(context.Background()) // no index, no names: Add and Update recheck
	}
	var names []string
	for _, c := range configs {
		if c.workspace() == workspace {
			names = append(names, c.Name)
		}
	}
	return names
}

// readIndex reads configs.json lock-free and returns the store's cached
// slice: callers must not modify it (List clones it). On a parse failure it
// takes the exclusive lock, re-reads (another process may have rewritten it
// in the meantime) and moves the file aside if it is still bad.
func (s *Store) readIndex(ctx context.Context) ([]Config, error) {
	configs, err := s.loadIndex(false)
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
// (about 5 ms for 1,000 configurations), so the last parsed version is
// kept. Lock-free readers reuse it when the file's identity (device, inode,
// size, modification time) is unchanged — writers always rename a new
// file into place — so a secret read or a List does not even read the
// file. Under the exclusive lock (byContent) the file is read and compared
// byte for byte instead: a read-modify-write must never start from a stale
// copy, however unlikely an identity collision is.
func (s *Store) loadIndex(byContent bool) ([]Config, error) {
	f, fi, err := openPrivate(s.indexPath, s.uid)
	if err != nil {
		return nil, err
	}
	if f == nil {
		s.setCache(nil, fileID{}, false, nil, nil)
		return nil, nil
	}
	defer f.Close()
	id, idOK := identityOf(fi)
	s.mu.Lock()
	if !byContent && idOK && s.haveCache && s.cacheIDOK && s.cacheID == id {
		out := s.cache
		s.mu.Unlock()
		return out, nil
	}
	s.mu.Unlock()
	if fi.Size() > MaxFileSize {
		return nil, &TooLargeError{Path: s.indexPath, Limit: MaxFileSize}
	}
	data, err := readAllLimited(f, s.indexPath, MaxFileSize, fi.Size())
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.haveCache && s.cacheRaw != nil && bytes.Equal(data, s.cacheRaw) {
		s.cacheID, s.cacheIDOK = id, idOK
		out := s.cache
		s.mu.Unlock()
		return out, nil
	}
	s.mu.Unlock()
	configs, lines, err := parseIndex(s.indexPath, data)
	if err != nil {
		return nil, err
	}
	s.setCache(data, id, idOK, configs, lines)
	return configs, nil
}

// loadLocked reads configs.json for a read-modify-write; the caller holds
// the exclusive lock. An unparsable file is moved aside and reported. The
// result is a copy the caller may change.
func (s *Store) loadLocked() ([]Config, error) {
	configs, err := s.loadIndex(true)
	var perr *parseError
	if errors.As(err, &perr) {
		moved, merr := moveAside(s.indexPath, s.now())
		if merr != nil {
			return nil, &CorruptIndexError{Path: s.indexPath, Err: errors.Join(perr.err, merr)}
		}
		s.setCache(nil, fileID{}, false, nil, nil)
		return nil, &CorruptIndexError{Path: s.indexPath, MovedTo: moved, Err: perr.err}
	}
	return cloneAll(configs), err
}

// writeIndex replaces configs.json; the caller holds the exclusive lock,
// and read the index under it (loadLocked), so the cache is the file being
// replaced. This rename is the commit point of every change to the
// configurations.
func (s *Store) writeIndex(configs []Config) error {
	slices.SortFunc(configs, lessByName)
	s.mu.Lock()
	prev, prevLines := s.cache, s.cacheLines
	s.mu.Unlock()
	data, lines, err := encodeIndex(configs, prev, prevLines)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(s.indexPath, data, s.uid); err != nil {
		return fmt.Errorf("write %s: %w", s.indexPath, err)
	}
	var id fileID
	idOK := false
	if fi, err := os.Lstat(s.indexPath); err == nil {
		id, idOK = identityOf(fi)
	}
	s.setCache(data, id, idOK, cloneAll(configs), lines)
	return nil
}

// setCache remembers content, its identity, its parsed form and the lines
// of that form. configs must not be shared with a caller that may change
// it.
func (s *Store) setCache(raw []byte, id fileID, idOK bool, configs []Config, lines [][]byte) {
	s.mu.Lock()
	s.cacheRaw, s.cacheID, s.cacheIDOK, s.cache, s.cacheLines, s.haveCache = raw, id, idOK, configs, lines, true
	s.mu.Unlock()
}

// cloneAll deep-copies configs (see Config.clone), with room for one more
// (Add appends one). The copied checks share one allocation: at 10,000
// configurations, 10,000 small ones cost more than the copy itself.
func cloneAll(configs []Config) []Config {
	if configs == nil {
		return nil
	}
	out := make([]Config, len(configs), len(configs)+1)
	copy(out, configs)
	n := 0
	for _, c := range configs {
		if c.LastCheck != nil {
			n++
		}
	}
	checks := make([]Check, 0, n)
	for i, c := range out {
		if c.LastCheck != nil {
			chk := *c.LastCheck
			chk.ModelIDs = slices.Clone(chk.ModelIDs)
			checks = append(checks, chk)
			out[i].LastCheck = &checks[len(checks)-1]
		}
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
