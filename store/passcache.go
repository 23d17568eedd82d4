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

// PassphraseCacheTTL is how long a remembered file-keyring passphrase stays
// in the kernel keyring.
const PassphraseCacheTTL = time.Hour

// errNoCachedPassphrase means nothing is remembered (or it expired).
var errNoCachedPassphrase = errors.New("no cached passphrase")

// CacheStatus describes the optional passphrase cache.
//
// Over SSH the file keyring's passphrase would be asked at every launch.
// A user may opt in to keep it in the Linux kernel's per-user keyring for a
// while (PassphraseCacheTTL): it never touches the disk, the kernel drops it
// when it expires or at reboot, and only processes running as this user can
// read it — which is exactly why it is opt-in and off by default.
type CacheStatus struct {
	// Available is true where the kernel keyring can hold it (Linux, and not
	// blocked by a container's seccomp profile).
	Available bool
	// Active is true while a passphrase is remembered.
	Active  bool
	Expires time.Time
}

// cachedPassphrase is the payload of the kernel key.
type cachedPassphrase struct {
	Pass    string `json:"pass"`
	Expires int64  `json:"exp"`
}

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

// RememberPassphrase keeps the accepted file-keyring passphrase in the
// kernel keyring for ttl, so later launches by this user (other SSH
// sessions included) unlock without asking. The store must be unlocked.
func (s *Store) RememberPassphrase(ttl time.Duration) error {
	s.mu.Lock()
	pass := s.pass
	s.mu.Unlock()
	if pass == "" {
		return fmt.Errorf("remember passphrase: %w", ErrLocked)
	}
	if !kernelCacheAvailable() {
		return errors.New("remember passphrase: the kernel keyring is not available here")
	}
	payload, err := json.Marshal(cachedPassphrase{Pass: pass, Expires: s.now().Add(ttl).Unix()})
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

func (s *Store) loadCachedPassphrase() (cachedPassphrase, error) {
	var c cachedPassphrase
	payload, err := kernelCacheLoad(s.cacheDescription())
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.Pass == "" {
		return c, errNoCachedPassphrase
	}
	if s.now().Unix() >= c.Expires {
		return c, errNoCachedPassphrase
	}
	return c, nil
}

// applyCachedPassphrase unlocks the file backend with a remembered
// passphrase during selection. A passphrase that no longer unlocks (it was
// changed) is forgotten; any other failure just leaves the store locked.
func (s *Store) applyCachedPassphrase(ctx context.Context) {
	if !kernelCacheAvailable() {
		return
	}
	c, err := s.loadCachedPassphrase()
	if err != nil {
		return
	}
	if err := s.unlock(ctx, c.Pass); errors.Is(err, ErrWrongPassphrase) {
		_ = s.ForgetPassphrase()
	}
}
