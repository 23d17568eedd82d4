package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/99designs/keyring"
)

// MinPassphraseLen is the shortest passphrase InitPassphrase accepts, in
// characters. The file backend's key derivation is weak (PBKDF2, 8192
// iterations), so the passphrase is the real protection.
const MinPassphraseLen = 8

// verifierKey names the canary item that proves a passphrase is right.
const verifierKey = "fbllm/__verifier"

// verifierData is the verifier's content; anything else decrypted from it
// means the item was tampered with.
var verifierData = []byte(`{"v":1,"purpose":"fbllm passphrase verifier"}`)

// PassphraseSet reports whether the file backend has a passphrase, that is
// whether the verifier item exists. It costs a stat, no key derivation. It
// returns false, nil for other backends.
func (s *Store) PassphraseSet(ctx context.Context) (bool, error) {
	sel, err := s.selection(ctx)
	if err != nil {
		return false, fmt.Errorf("passphrase set: %w", err)
	}
	if !sel.info.NeedsPassphrase {
		return false, nil
	}
	ok, err := s.verifierExists(ctx, sel)
	if err != nil {
		return false, fmt.Errorf("passphrase set: %w", err)
	}
	return ok, nil
}

// InitPassphrase sets the file backend's passphrase the first time, by
// writing the verifier item with it, and unlocks the store with it. It
// refuses a passphrase shorter than MinPassphraseLen (ErrWeakPassphrase) and
// a store that already has one (ErrPassphraseExists). Ask for the
// passphrase twice before calling it. No-op for other backends.
func (s *Store) InitPassphrase(ctx context.Context, pass string) error {
	sel, err := s.selection(ctx)
	if err != nil {
		return fmt.Errorf("init passphrase: %w", err)
	}
	if !sel.info.NeedsPassphrase {
		return nil
	}
	if err := s.initPassphrase(ctx, sel, pass); err != nil {
		return fmt.Errorf("init passphrase: %w", err)
	}
	return nil
}

// Unlock checks pass against the verifier item with a fresh keyring handle
// (one key derivation) and, if it is right, keeps it for the rest of the
// process. A wrong passphrase returns ErrWrongPassphrase and changes
// nothing, in memory or on disk. When no passphrase was ever set it returns
// an error wrapping ErrNotFound (call InitPassphrase). No-op for other
// backends.
func (s *Store) Unlock(ctx context.Context, pass string) error {
	sel, err := s.selection(ctx)
	if err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	if !sel.info.NeedsPassphrase {
		return nil
	}
	if err := s.unlock(ctx, pass); err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	return nil
}

// Locked reports whether the selected backend is the file backend and no
// passphrase has been accepted yet. Before Backend has succeeded it reports
// false: nothing is known yet.
func (s *Store) Locked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sel != nil && s.sel.info.NeedsPassphrase && s.pass == ""
}

// needPassphrase returns ErrLocked (or why the environment passphrase was
// refused) when the file backend cannot be used yet.
func (s *Store) needPassphrase(sel *selection) error {
	if !sel.info.NeedsPassphrase {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.pass != "":
		return nil
	case s.passErr != nil:
		return s.passErr
	}
	return ErrLocked
}

func (s *Store) verifierExists(ctx context.Context, sel *selection) (bool, error) {
	// GetMetadata on the file backend is a stat: it neither decrypts nor
	// calls the passphrase function.
	err := sel.kr.do(ctx, "stat verifier", func(kr keyring.Keyring) error {
		_, err := kr.GetMetadata(verifierKey)
		return err
	})
	switch mapped := mapKeyringErr(sel.info.Name, err, true); {
	case mapped == nil:
		return true, nil
	case errors.Is(mapped, ErrNotFound):
		return false, nil
	default:
		return false, mapped
	}
}

func (s *Store) initPassphrase(ctx context.Context, sel *selection, pass string) error {
	if utf8.RuneCountInString(pass) < MinPassphraseLen {
		return fmt.Errorf("at least %d characters: %w", MinPassphraseLen, ErrWeakPassphrase)
	}
	// Exclusive: two processes initialising at once must not write two
	// verifiers under different passphrases.
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return err
	}
	defer unlock()
	exists, err := s.verifierExists(ctx, sel)
	if err != nil {
		return err
	}
	if exists {
		return ErrPassphraseExists
	}
	fresh, err := s.openFile(pass)
	if err != nil {
		return &BackendError{Backend: BackendFile, Reason: "open", Err: err}
	}
	err = newGuarded(BackendFile, fresh, s.timeout).do(ctx, "set verifier", func(kr keyring.Keyring) error {
		return kr.Set(keyring.Item{Key: verifierKey, Data: verifierData, Label: "fbllm passphrase verifier"})
	})
	if err != nil {
		return mapKeyringErr(BackendFile, err, true)
	}
	s.accept(pass)
	return nil
}

func (s *Store) unlock(ctx context.Context, pass string) error {
	if pass == "" {
		return ErrWrongPassphrase
	}
	unlock, err := s.lock(ctx, false)
	if err != nil {
		return err
	}
	defer unlock()
	fresh, err := s.openFile(pass)
	if err != nil {
		return &BackendError{Backend: BackendFile, Reason: "open", Err: err}
	}
	var item keyring.Item
	err = newGuarded(BackendFile, fresh, s.timeout).do(ctx, "get verifier", func(kr keyring.Keyring) (err error) {
		item, err = kr.Get(verifierKey)
		return err
	})
	if err != nil {
		mapped := mapKeyringErr(BackendFile, err, true)
		if errors.Is(mapped, ErrNotFound) {
			return fmt.Errorf("no passphrase has been set yet: %w", ErrNotFound)
		}
		return mapped
	}
	if !bytes.Equal(item.Data, verifierData) {
		return fmt.Errorf("verifier item has unexpected content: %w", ErrCorrupt)
	}
	s.accept(pass)
	return nil
}

func (s *Store) accept(pass string) {
	s.mu.Lock()
	s.pass, s.passErr = pass, nil
	s.mu.Unlock()
}

// applyEnvPassphrase uses FBLLM_KEYRING_PASSPHRASE during selection: unlock
// with it, or set it as the passphrase when none exists (losing a race to
// another process doing the same falls back to unlocking). Failures are
// remembered and returned by the operations that need the passphrase.
func (s *Store) applyEnvPassphrase(ctx context.Context, sel *selection) {
	pass := s.envPassphrase
	exists, err := s.verifierExists(ctx, sel)
	if err == nil {
		if exists {
			err = s.unlock(ctx, pass)
		} else if err = s.initPassphrase(ctx, sel, pass); errors.Is(err, ErrPassphraseExists) {
			err = s.unlock(ctx, pass)
		}
	}
	if err != nil {
		s.mu.Lock()
		s.passErr = fmt.Errorf("%s: %w", EnvPassphrase, err)
		s.mu.Unlock()
	}
}
