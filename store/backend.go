package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/99designs/keyring"
)

// ssProbeTimeout bounds the D-Bus Secret Service probe.
const ssProbeTimeout = 2 * time.Second

// probeKey is read (never expected to exist) to check that a keychain or
// Credential Manager answers without prompting.
const probeKey = "fbllm/__probe"

// serviceName is keyring's ServiceName: keychain service, wincred target
// part, KWallet wallet name.
const serviceName = "fbllm"

// BackendInfo describes the keyring backend a Store uses, for the status
// bar, `fbllm status` and doctor, and for telling the user where a secret
// will be stored before they type it.
type BackendInfo struct {
	// Name is the backend name: "file", "secret-service", "keychain",
	// "wincred", "kwallet", "pass" (or the injected keyring's name).
	Name string
	// Description is for people: "encrypted file", "macOS Keychain", ...
	Description string
	// Location is where items go: the keyring directory for the file
	// backend, the collection for secret-service, ...
	Location string
	// Reason says why this backend was chosen.
	Reason string
	// NeedsPassphrase is true for the file backend.
	NeedsPassphrase bool
	// Tried lists backends tried before this one and why each was skipped.
	Tried []string
	// MayPrompt is true when keyring calls may wait for a person: an unlock
	// dialog (Secret Service with a locked collection in a local graphical
	// session, KWallet) or gpg's pinentry (pass). Calls then wait up to
	// Options.PromptTimeout; the UI should say "approve the keyring
	// dialog…" while one runs.
	MayPrompt bool
}

// selection is a chosen and opened backend.
type selection struct {
	info BackendInfo
	kr   *guardedKeyring
}

// Backend selects and opens the keyring backend, once per Store: the result
// of the first success is cached, failures are not. Selection follows
// reference/keyring.md §4.3: a forced backend (Options.Backend or
// FBLLM_KEYRING_BACKEND) is the only candidate and its failure is returned
// (a *BackendError); otherwise an explicit per-OS list is probed without
// prompting — on Linux the Secret Service only when a session bus exists
// and its default collection is unlocked (or may be unlocked by a desktop
// prompt in a local graphical session) — with the encrypted file as the
// last resort. There is never a plaintext fallback.
//
// For the file backend, FBLLM_KEYRING_PASSPHRASE (read at Open) is tried
// here: it unlocks the store, or initialises the passphrase when none is set
// yet. A wrong or weak one does not fail Backend; it is returned by the
// operations that need the passphrase, and Unlock can still replace it.
//
// Backend does I/O (D-Bus, files, possibly a process); call it from a
// tea.Cmd.
func (s *Store) Backend(ctx context.Context) (BackendInfo, error) {
	sel, err := s.selection(ctx)
	if err != nil {
		return BackendInfo{}, err
	}
	return sel.info.clone(), nil
}

// SelectedBackend returns the cached BackendInfo without any I/O, and false
// if Backend has not succeeded yet.
func (s *Store) SelectedBackend() (BackendInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sel == nil {
		return BackendInfo{}, false
	}
	return s.sel.info.clone(), true
}

func (i BackendInfo) clone() BackendInfo {
	i.Tried = slices.Clone(i.Tried)
	return i
}

// selection returns the cached selection or performs it. Only one selection
// runs at a time; waiting for it honours ctx.
func (s *Store) selection(ctx context.Context) (*selection, error) {
	if sel := s.cachedSelection(); sel != nil {
		return sel, nil
	}
	select {
	case s.selecting <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("select keyring backend: %w", ctx.Err())
	}
	defer func() { <-s.selecting }()
	if sel := s.cachedSelection(); sel != nil {
		return sel, nil
	}
	sel, err := s.selectBackend(ctx)
	if err != nil {
		return nil, fmt.Errorf("select keyring backend: %w", err)
	}
	if sel.info.NeedsPassphrase && s.envPassphrase != "" {
		s.applyEnvPassphrase(ctx, sel)
	}
	s.mu.Lock()
	s.sel = sel
	s.mu.Unlock()
	if sel.info.NeedsPassphrase && s.envPassphrase == "" {
		s.applyCachedPassphrase(ctx)
	}
	return sel, nil
}

func (s *Store) cachedSelection() *selection {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sel
}

func (s *Store) selectBackend(ctx context.Context) (*selection, error) {
	if s.injected != nil {
		name := s.optBackend
		if name == "" {
			name = "memory"
		}
		return &selection{
			info: BackendInfo{Name: name, Description: "injected keyring", Reason: "keyring supplied by the caller"},
			kr:   newGuarded(name, s.injected, s.timeout),
		}, nil
	}
	e := detectEnvironment(s.goos, s.forced, s.forcedBy, s.env, s.uid, pathExists)
	cands, err := planBackends(e)
	if err != nil {
		return nil, err
	}
	p := s.prober
	if p == nil {
		p = realProber{s}
	}
	ch, err := chooseBackend(ctx, cands, p)
	if err != nil {
		return nil, err
	}
	timeout := s.timeout
	if ch.mayPrompt {
		timeout = s.promptTimeout
	}
	desc, loc := s.describe(ch.spec)
	return &selection{
		info: BackendInfo{
			Name:            ch.spec.Name,
			Description:     desc,
			Location:        loc,
			Reason:          ch.reason,
			NeedsPassphrase: ch.spec.Name == BackendFile,
			Tried:           ch.tried,
			MayPrompt:       ch.mayPrompt,
		},
		kr: newGuarded(ch.spec.Name, ch.kr, timeout),
	}, nil
}

// BackendLabel names a backend for people, in a few words ("encrypted
// file", "macOS Keychain", …). The UI and the CLI use it wherever they say
// where a secret lives.
func BackendLabel(name string) string {
	switch name {
	case BackendFile:
		return "encrypted file"
	case BackendSecretService:
		return "GNOME Keyring / Secret Service"
	case BackendKeychain:
		return "macOS Keychain"
	case BackendWinCred:
		return "Windows Credential Manager"
	case BackendKWallet:
		return "KWallet (KDE 5)"
	case BackendPass:
		return "pass (GPG password store)"
	case "":
		return "keyring"
	}
	return name
}

// describe returns the human description and location of a backend.
func (s *Store) describe(spec openSpec) (desc, location string) {
	desc = BackendLabel(spec.Name)
	switch spec.Name {
	case BackendFile:
		return desc, s.keyringDir
	case BackendSecretService:
		return fmt.Sprintf("%s (%s)", desc, spec.Collection), spec.Collection
	case BackendKeychain:
		return desc, "login keychain"
	case BackendWinCred:
		return desc, serviceName + ":" + serviceName + ":fbllm/<id>"
	case BackendKWallet:
		return desc, "wallet " + serviceName
	case BackendPass:
		return desc, filepath.Join(s.passDir(), "fbllm")
	}
	return desc, ""
}

// describeName is describe for a backend recorded in the index.
func (s *Store) describeName(name string) string {
	if name == BackendSecretService {
		return "the GNOME Keyring / Secret Service"
	}
	desc, _ := s.describe(openSpec{Name: name})
	return desc
}

func (s *Store) passDir() string {
	if d := s.env("PASSWORD_STORE_DIR"); d != "" {
		return d
	}
	return filepath.Join(s.env("HOME"), ".password-store")
}

// keyringConfig is the keyring.Config for exactly one backend
// (reference/keyring.md §4.5).
func (s *Store) keyringConfig(spec openSpec, password keyring.PromptFunc) keyring.Config {
	return keyring.Config{
		ServiceName:                    serviceName,
		AllowedBackends:                []keyring.BackendType{keyring.BackendType(spec.Name)},
		KeychainTrustApplication:       true,
		KeychainAccessibleWhenUnlocked: true,
		LibSecretCollectionName:        spec.Collection,
		KWalletAppID:                   serviceName,
		KWalletFolder:                  serviceName,
		WinCredPrefix:                  serviceName,
		FileDir:                        s.keyringDir,
		FilePasswordFunc:               password,
		PassDir:                        s.passDir(),
		PassCmd:                        "pass",
	}
}

// filePassword is the file backend's password function. It never prompts:
// it returns the key derived from the passphrase accepted by Unlock or
// InitPassphrase, or the reason there is none.
func (s *Store) filePassword(string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.key != "":
		return s.key, nil
	case s.passErr != nil:
		return "", s.passErr
	}
	return "", ErrLocked
}

// realProber does the actual probing for chooseBackend.
type realProber struct{ s *Store }

func (p realProber) secretService(ctx context.Context) (ssStatus, error) {
	return withTimeout(ctx, ssProbeTimeout, "secret service probe", probeSecretService)
}

func (p realProber) open(ctx context.Context, spec openSpec) (keyring.Keyring, error) {
	if spec.Name == BackendFile {
		// Nothing is created or scanned here: the keyring directory is
		// made by the first write, and each item file is checked when it
		// is used, so start-up costs the same with 10 items or 10,000.
		if err := p.s.recoverRekey(ctx); err != nil {
			return nil, err
		}
		if err := checkExisting(p.s.keyringDir, true, p.s.uid); err != nil {
			return nil, err
		}
		return p.s.fileItemsWith(""), nil
	}
	cfg := p.s.keyringConfig(spec, p.s.filePassword)
	kr, err := withTimeout(ctx, p.s.timeout, "open", func() (keyring.Keyring, error) { return keyring.Open(cfg) })
	if errors.Is(err, keyring.ErrNoAvailImpl) {
		if spec.Name == BackendSecretService || spec.Name == BackendKWallet {
			return nil, errors.New("not available: the session bus was not reachable when fbllm started")
		}
		return nil, fmt.Errorf("not available in this build for %s", p.s.goos)
	}
	return kr, err
}

func (p realProber) check(ctx context.Context, spec openSpec, kr keyring.Keyring, write bool) error {
	switch spec.Name {
	case BackendPass:
		if !pathExists(filepath.Join(p.s.passDir(), ".gpg-id")) {
			return fmt.Errorf("password store %s is not initialised (run: pass init <gpg-id>)", p.s.passDir())
		}
		return nil
	case BackendKeychain, BackendWinCred:
	default:
		return nil
	}
	g := newGuarded(spec.Name, kr, p.s.timeout)
	var err error
	if write {
		err = g.do(ctx, "probe write", func(kr keyring.Keyring) error {
			if err := kr.Set(keyring.Item{Key: probeKey, Data: []byte("probe"), Label: "fbllm probe"}); err != nil {
				return err
			}
			return kr.Remove(probeKey)
		})
	} else {
		err = g.do(ctx, "probe read", func(kr keyring.Keyring) error {
			_, err := kr.Get(probeKey)
			return err
		})
		if errors.Is(err, keyring.ErrKeyNotFound) {
			err = nil
		}
	}
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "-25308"):
		return fmt.Errorf("keychain is locked and cannot prompt here (run: security unlock-keychain): %w", err)
	case strings.Contains(msg, "1312") || strings.Contains(strings.ToLower(msg), "logon session"):
		return fmt.Errorf("no logon session for Credential Manager (usual over SSH with key authentication): %w", err)
	}
	return err
}

func pathExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}
