package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/99designs/keyring"
)

// MinPassphraseLen is the shortest passphrase InitPassphrase and
// ChangePassphrase accept, in characters; Unlock refuses a shorter one
// with ErrWeakPassphrase without trying it, since it cannot be right.
const MinPassphraseLen = 8

// verifierKey names the canary item that proves a passphrase is right.
const verifierKey = "fbllm/__verifier"

// verifierData is the verifier's content; anything else decrypted from it
// means the item was tampered with.
var verifierData = []byte(`{"v":1,"purpose":"fbllm passphrase verifier"}`)

// PassphraseSet reports whether the file backend has a passphrase, that is
// whether the verifier item exists. It costs a stat, no key derivation.
// When the verifier is missing but items exist it returns a
// *VerifierMissingError: a new passphrase must not be set over them. It
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
	if err == nil && !ok {
		err = s.refuseWithoutVerifier(ctx, sel)
	}
	if err != nil {
		return false, fmt.Errorf("passphrase set: %w", err)
	}
	return ok, nil
}

// InitPassphrase sets the file backend's passphrase the first time: it
// records new Argon2id parameters (kdf.json), writes the verifier item
// under the derived key and unlocks the store. It refuses a passphrase
// shorter than MinPassphraseLen (ErrWeakPassphrase), a store that already
// has one (ErrPassphraseExists) and a keyring that holds items without a
// verifier (*VerifierMissingError). Ask for the passphrase twice before
// calling it. No-op for other backends.
func (s *Store) InitPassphrase(ctx context.Context, pass string) error {
	return s.onFileBackend(ctx, "init passphrase", func(sel *selection) error { return s.initPassphrase(ctx, sel, pass) })
}

// Unlock checks pass against the verifier item with a fresh handle (one
// Argon2id derivation, one item decryption) and, if it is right, keeps the
// derived key — not the passphrase — for the rest of the process. A wrong
// passphrase returns ErrWrongPassphrase, one shorter than MinPassphraseLen
// ErrWeakPassphrase, a damaged verifier a *DamagedError; none of them
// changes anything, in memory or on disk. When no passphrase was ever set it
// returns an error wrapping ErrNotFound (call InitPassphrase), or a
// *VerifierMissingError when items exist without a verifier.
//
// A keyring from before Argon2id (no kdf.json) is migrated by its first
// successful Unlock: every item is re-encrypted under the derived key into a
// new keyring directory that replaces the old one atomically (see
// ChangePassphrase). If that fails, the old keyring is untouched and Unlock
// returns the error. No-op for other backends.
func (s *Store) Unlock(ctx context.Context, pass string) error {
	return s.onFileBackend(ctx, "unlock", func(sel *selection) error { return s.unlock(ctx, sel, pass) })
}

// Locked reports whether the selected backend is the file backend and no
// passphrase has been accepted yet. Before Backend has succeeded it reports
// false: nothing is known yet.
func (s *Store) Locked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sel != nil && s.sel.info.NeedsPassphrase && s.key == ""
}

// LockReason selects the backend and says why the keyring cannot be used
// right now: nil when it can (any backend but the file one, or the file
// backend unlocked), ErrLocked when its passphrase is needed, or the error
// FBLLM_KEYRING_PASSPHRASE met (wrong, too short, a missing verifier…). It
// makes no key derivation of its own.
func (s *Store) LockReason(ctx context.Context) error {
	sel, err := s.selection(ctx)
	if err != nil {
		return err
	}
	return s.needPassphrase(sel)
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
	case s.key != "":
		return nil
	case s.passErr != nil:
		return s.passErr
	}
	return ErrLocked
}

// checkEpoch makes sure the accepted key still belongs to the keyring on
// disk: another fbllm process may have changed the passphrase (or migrated
// the keyring) since. Then the key is dropped and ErrLocked returned, so
// the user is asked again instead of being told every item is damaged.
// The caller holds the lock; it costs one small file read.
func (s *Store) checkEpoch(sel *selection) error {
	if !sel.info.NeedsPassphrase {
		return nil
	}
	kf, err := readKDFFile(s.keyringDir, s.uid)
	if err != nil {
		return err
	}
	epoch := ""
	if kf != nil {
		epoch = kf.Epoch
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != "" && s.epoch != epoch {
		s.key, s.epoch = "", ""
		return fmt.Errorf("the keyring passphrase was changed by another fbllm process: %w", ErrLocked)
	}
	return nil
}

// ready is the check every keyring use and every mutation makes after
// taking the lock: unlocked, and with the key of the keyring on disk.
func (s *Store) ready(sel *selection) error {
	if err := s.needPassphrase(sel); err != nil {
		return err
	}
	return s.checkEpoch(sel)
}

func (s *Store) verifierPath() string {
	return filepath.Join(s.keyringDir, escapeItemName(verifierKey))
}

func (s *Store) verifierExists(ctx context.Context, sel *selection) (bool, error) {
	// GetMetadata on the file backend is an Lstat: it neither decrypts nor
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

// storedItems lists the items of the file keyring other than the verifier
// (a directory listing; no decryption).
func (s *Store) storedItems() ([]string, error) {
	keys, err := s.fileItemsWith("").Keys()
	if err != nil {
		return nil, err
	}
	var items []string
	for _, k := range keys {
		if strings.HasPrefix(k, itemPrefix) && k != verifierKey {
			items = append(items, k)
		}
	}
	return items, nil
}

// refuseWithoutVerifier is called when the verifier is missing: that is a
// fresh keyring only if no item exists either.
func (s *Store) refuseWithoutVerifier(context.Context, *selection) error {
	items, err := s.storedItems()
	if err != nil {
		return err
	}
	if len(items) > 0 {
		return &VerifierMissingError{Path: s.verifierPath(), Items: len(items)}
	}
	return nil
}

// fileItemsWith returns a file keyring on the keyring directory that uses
// key (or, when key is "", the accepted key).
func (s *Store) fileItemsWith(key string) *fileItems {
	return s.fileItemsAt(s.keyringDir, key)
}

func (s *Store) fileItemsAt(dir, key string) *fileItems {
	pw := func() (string, error) { return key, nil }
	if key == "" {
		pw = func() (string, error) { return s.filePassword("") }
	}
	return &fileItems{dir: dir, uid: s.uid, password: pw}
}

// checkPassphraseLen is the length rule; the message is the same for a new
// passphrase and for one that cannot be right.
func checkPassphraseLen(pass string) error {
	if utf8.RuneCountInString(pass) < MinPassphraseLen {
		return fmt.Errorf("a keyring passphrase has at least %d characters: %w", MinPassphraseLen, ErrWeakPassphrase)
	}
	return nil
}

func (s *Store) initPassphrase(ctx context.Context, sel *selection, pass string) error {
	if err := checkPassphraseLen(pass); err != nil {
		return err
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
	if err := s.refuseWithoutVerifier(ctx, sel); err != nil {
		return err
	}
	kf, err := newKDFFile(s.kdf)
	if err != nil {
		return err
	}
	if err := ensureOwnDir(s.keyringDir, s.uid); err != nil {
		return err
	}
	// kdf.json first: a crash before the verifier leaves a keyring with no
	// verifier and no items, which the next InitPassphrase starts afresh.
	if err := writeKDFFile(s.keyringDir, kf, s.uid); err != nil {
		return err
	}
	key := deriveKey(pass, kf)
	if err := s.writeVerifier(ctx, s.keyringDir, key); err != nil {
		return err
	}
	s.accept(key, kf.Epoch)
	return nil
}

// writeVerifier writes the verifier item into dir under key.
func (s *Store) writeVerifier(ctx context.Context, dir, key string) error {
	err := newGuarded(BackendFile, s.fileItemsAt(dir, key), s.timeout).do(ctx, "set verifier", func(kr keyring.Keyring) error {
		return kr.Set(keyring.Item{Key: verifierKey, Data: verifierData, Label: "fbllm passphrase verifier"})
	})
	return mapKeyringErr(BackendFile, err, true)
}

// keyFor derives the key pass gives for the keyring in dir, and returns
// the keyring's kdf.json (nil for a keyring from before Argon2id, whose key
// is the passphrase itself).
func (s *Store) keyFor(dir, pass string) (string, *kdfFile, error) {
	kf, err := readKDFFile(dir, s.uid)
	if err != nil {
		return "", nil, err
	}
	if kf == nil {
		return pass, nil, nil
	}
	return deriveKey(pass, *kf), kf, nil
}

// verifyKey decrypts the verifier in the keyring directory with key on a
// fresh handle.
func (s *Store) verifyKey(ctx context.Context, key string) error {
	var item keyring.Item
	err := newGuarded(BackendFile, s.fileItemsWith(key), s.timeout).do(ctx, "get verifier", func(kr keyring.Keyring) (err error) {
		item, err = kr.Get(verifierKey)
		return err
	})
	if err != nil {
		mapped := mapKeyringErr(BackendFile, err, true)
		if errors.Is(mapped, ErrNotFound) {
			items, lerr := s.storedItems()
			if lerr != nil {
				return lerr
			}
			if len(items) > 0 {
				return &VerifierMissingError{Path: s.verifierPath(), Items: len(items)}
			}
			return fmt.Errorf("no passphrase has been set yet: %w", ErrNotFound)
		}
		return mapped
	}
	if !bytes.Equal(item.Data, verifierData) {
		return &DamagedError{Path: s.verifierPath(), Reason: "it decrypts, but not to the content fbllm writes"}
	}
	return nil
}

func (s *Store) unlock(ctx context.Context, sel *selection, pass string) error {
	if err := checkPassphraseLen(pass); err != nil {
		return err
	}
	legacy, err := s.unlockShared(ctx, pass)
	if err != nil || !legacy {
		return err
	}
	// Right passphrase, keyring from before Argon2id: migrate it, under
	// the exclusive lock, unless another process did in the meantime.
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return err
	}
	defer unlock()
	key, kf, err := s.keyFor(s.keyringDir, pass)
	if err != nil {
		return err
	}
	if err := s.verifyKey(ctx, key); err != nil {
		return err
	}
	if kf != nil {
		s.accept(key, kf.Epoch)
		return nil
	}
	nf, err := newKDFFile(s.kdf)
	if err != nil {
		return err
	}
	newKey := deriveKey(pass, nf)
	if err := s.rekeyLocked(ctx, sel, pass, nf, newKey); err != nil {
		return fmt.Errorf("migrate the keyring to Argon2id (it is unchanged): %w", err)
	}
	return nil
}

// unlockShared verifies pass under the shared lock and accepts it, or
// reports a legacy keyring (no kdf.json) whose passphrase is right and
// which must be migrated first.
func (s *Store) unlockShared(ctx context.Context, pass string) (legacy bool, err error) {
	unlock, err := s.lock(ctx, false)
	if err != nil {
		return false, err
	}
	defer unlock()
	key, kf, err := s.keyFor(s.keyringDir, pass)
	if err != nil {
		return false, err
	}
	if err := s.verifyKey(ctx, key); err != nil {
		return false, err
	}
	if kf == nil {
		return true, nil
	}
	s.accept(key, kf.Epoch)
	return false, nil
}

func (s *Store) accept(key, epoch string) {
	s.mu.Lock()
	s.key, s.epoch, s.passErr = key, epoch, nil
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
			err = s.unlock(ctx, sel, pass)
		} else if err = s.initPassphrase(ctx, sel, pass); errors.Is(err, ErrPassphraseExists) {
			err = s.unlock(ctx, sel, pass)
		}
	}
	if err != nil {
		s.mu.Lock()
		s.passErr = fmt.Errorf("%s: %w", EnvPassphrase, err)
		s.mu.Unlock()
	}
}

// ChangePassphrase replaces the file backend's passphrase. The old one is
// required and checked first (ErrWrongPassphrase, nothing changed); the new
// one must have MinPassphraseLen characters. Every item is re-encrypted
// under a key derived from the new passphrase with a new salt, into a new
// keyring directory that then replaces the old one in one step (an atomic
// exchange of the two directories on Linux; elsewhere two renames, which
// the next start completes if a crash falls between them). A crash at any
// point leaves the old keyring, which the old passphrase opens, or the new
// one, which the new passphrase opens. Orphaned items are not carried over;
// an item that cannot be decrypted is copied as it is (it stays damaged).
// A remembered passphrase is forgotten. Other fbllm processes that had
// unlocked the old keyring see ErrLocked at their next keyring use.
func (s *Store) ChangePassphrase(ctx context.Context, oldPass, newPass string) error {
	sel, err := s.selection(ctx)
	if err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	if !sel.info.NeedsPassphrase {
		return fmt.Errorf("change passphrase: the %s keeps its own secrets; fbllm has no passphrase for it", sel.info.Description)
	}
	if err := checkPassphraseLen(oldPass); err != nil {
		return fmt.Errorf("change passphrase: old passphrase: %w", err)
	}
	if err := checkPassphraseLen(newPass); err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	defer unlock()
	oldKey, _, err := s.keyFor(s.keyringDir, oldPass)
	if err == nil {
		err = s.verifyKey(ctx, oldKey)
	}
	if err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	nf, err := newKDFFile(s.kdf)
	if err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	if err := s.rekeyLocked(ctx, sel, oldKey, nf, deriveKey(newPass, nf)); err != nil {
		return fmt.Errorf("change passphrase (the old passphrase still opens the keyring): %w", err)
	}
	_ = s.ForgetPassphrase() // stale now; checkEpoch would refuse it anyway
	return nil
}

// RecreateVerifier restores a missing passphrase verifier
// (ErrVerifierMissing) from the old passphrase: it decrypts stored items
// with it until one opens, and only then writes a new verifier under that
// key and unlocks the store. A passphrase that opens none of them is
// ErrWrongPassphrase, and nothing is written. With a verifier present it
// returns ErrPassphraseExists; with no items, an error wrapping ErrNotFound
// (set a new passphrase with InitPassphrase instead). A keyring from
// before Argon2id is migrated right after, as by Unlock.
func (s *Store) RecreateVerifier(ctx context.Context, pass string) error {
	return s.onFileBackend(ctx, "recreate verifier", func(sel *selection) error { return s.recreateVerifier(ctx, sel, pass) })
}

func (s *Store) recreateVerifier(ctx context.Context, sel *selection, pass string) error {
	if err := checkPassphraseLen(pass); err != nil {
		return err
	}
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
	items, err := s.storedItems()
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return fmt.Errorf("the keyring holds no items to check a passphrase against: %w", ErrNotFound)
	}
	key, kf, err := s.keyFor(s.keyringDir, pass)
	if err != nil {
		return err
	}
	trial := newGuarded(BackendFile, s.fileItemsWith(key), s.timeout)
	opened := false
	for _, name := range items {
		err := trial.do(ctx, "trial decrypt", func(kr keyring.Keyring) error {
			_, err := kr.Get(name)
			return err
		})
		if err == nil {
			opened = true
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if !opened {
		return ErrWrongPassphrase
	}
	if err := s.writeVerifier(ctx, s.keyringDir, key); err != nil {
		return err
	}
	if kf != nil {
		s.accept(key, kf.Epoch)
		return nil
	}
	nf, err := newKDFFile(s.kdf)
	if err != nil {
		return err
	}
	if err := s.rekeyLocked(ctx, sel, key, nf, deriveKey(pass, nf)); err != nil {
		return fmt.Errorf("verifier restored, but migrating the keyring to Argon2id failed: %w", err)
	}
	return nil
}

// isIOError tells a file system failure (permission denied, I/O error)
// from a decryption or decoding failure of an item's content.
func isIOError(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe)
}

// onFileBackend runs fn with the selected backend when it is the
// encrypted-file one (the only one with a passphrase), wrapping its error
// with op; other backends have nothing to do.
func (s *Store) onFileBackend(ctx context.Context, op string, fn func(*selection) error) error {
	sel, err := s.selection(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if !sel.info.NeedsPassphrase {
		return nil
	}
	if err := fn(sel); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}
