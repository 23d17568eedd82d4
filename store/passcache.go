package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// PassphraseCacheTTL is how long a remembered file-keyring key stays in the
// kernel keyring.
const PassphraseCacheTTL = time.Hour

// errNoCachedPassphrase means nothing is remembered (or it expired).
var errNoCachedPassphrase = errors.New("no cached passphrase")

// CacheStatus describes the optional passphrase cache.
//
// Over SSH the file keyring's passphrase would be asked at every launch.
// A user may opt in to keep the key derived from it in the Linux kernel's
// per-user keyring for a while (PassphraseCacheTTL): it never touches the
// disk, the kernel drops it when it expires or at reboot, and only
// processes running as this user can read it — which is exactly why it is
// opt-in and off by default. The passphrase itself is never kept (a stolen
// key opens this keyring, not the other places a reused passphrase
// guards), and a remembered unlock skips the Argon2id derivation.
type CacheStatus struct {
	// Available is true where the kernel keyring can hold it (Linux, and not
	// blocked by a container's seccomp profile).
	Available bool
	// Active is true while a passphrase is remembered.
	Active  bool
	Expires time.Time
}

// cachedKey is the payload of the kernel key: the derived key and the
// keyring epoch it opens. Payloads of older fbllm versions (which kept the
// passphrase itself, without "v") are ignored and forgotten.
type cachedKey struct {
	V       int    `json:"v"`
	Key     string `json:"key"`
	Epoch   string `json:"epoch"`
	Expires int64  `json:"exp"`
}

// cachedKeyVersion is the payload version written.
const cachedKeyVersion = 2

// cacheDescription names this store's kernel key; the keyring directory is
// hashed into it so two fbllm data directories never share a passphrase.
func (s *Store) cacheDescription() string {
	sum := sha256.Sum256([]byte(s.keyringDir))
	return "fbllm:passphrase:" + hex.EncodeToString(sum[:8])
}

// PassphraseCache reports whether a passphrase is remembered. It makes one
// kernel call and no key derivation.
func (s *Store) PassphraseCache() CacheStatus {
	st := CacheStatus{Available: kernelCacheAvailable()}
	if !st.Available {
		return st
	}
	if c, err := s.loadCachedPassphrase(); err == nil {
		st.Active, st.Expires = true, time.Unix(c.Expires, 0)
	}
	return st
}

// RememberPassphrase keeps the key derived from the accepted file-keyring
// passphrase in the kernel keyring for ttl, so later launches by this user
// (other SSH sessions included) unlock without asking. The store must be
// unlocked.
func (s *Store) RememberPassphrase(ttl time.Duration) error {
	s.mu.Lock()
	key, epoch := s.key, s.epoch
	s.mu.Unlock()
	if key == "" {
		return fmt.Errorf("remember passphrase: %w", ErrLocked)
	}
	if !kernelCacheAvailable() {
		return errors.New("remember passphrase: the kernel keyring is not available here")
	}
	payload, err := json.Marshal(cachedKey{V: cachedKeyVersion, Key: key, Epoch: epoch, Expires: s.now().Add(ttl).Unix()})
	if err != nil {
		return fmt.Errorf("remember passphrase: %w", err)
	}
	if err := kernelCacheSave(s.cacheDescription(), payload, ttl); err != nil {
		return fmt.Errorf("remember passphrase: %w", err)
	}
	return nil
}

// ForgetPassphrase removes a remembered passphrase (fbllm lock). Forgetting
// nothing is not an error.
func (s *Store) ForgetPassphrase() error {
	if !kernelCacheAvailable() {
		return nil
	}
	if err := kernelCacheClear(s.cacheDescription()); err != nil && !errors.Is(err, errNoCachedPassphrase) {
		return fmt.Errorf("forget passphrase: %w", err)
	}
	return nil
}

func (s *Store) loadCachedPassphrase() (cachedKey, error) {
	var c cachedKey
	payload, err := kernelCacheLoad(s.cacheDescription())
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.V != cachedKeyVersion || c.Key == "" {
		_ = s.ForgetPassphrase() // an older fbllm's entry held the passphrase itself
		return c, errNoCachedPassphrase
	}
	if s.now().Unix() >= c.Expires {
		return c, errNoCachedPassphrase
	}
	return c, nil
}

// applyCachedPassphrase unlocks the file backend with a remembered key
// during selection: one item decryption to check it, no key derivation. A
// key that no longer opens the keyring (the passphrase was changed) is
// forgotten; any other failure just leaves the store locked.
func (s *Store) applyCachedPassphrase(ctx context.Context) {
	if !kernelCacheAvailable() {
		return
	}
	c, err := s.loadCachedPassphrase()
	if err != nil {
		return
	}
	unlock, err := s.lock(ctx, false)
	if err != nil {
		return
	}
	defer unlock()
	kf, err := readKDFFile(s.keyringDir, s.uid)
	if err != nil {
		return
	}
	if kf == nil || kf.Epoch != c.Epoch {
		_ = s.ForgetPassphrase()
		return
	}
	if err := s.verifyKey(ctx, c.Key); errors.Is(err, ErrWrongPassphrase) {
		_ = s.ForgetPassphrase()
	} else if err == nil {
		s.accept(c.Key, c.Epoch)
	}
}
