package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/99designs/keyring"
)

// Credentials are the write-only values kept in the keyring, one item per
// configuration, keyed "fbllm/<id>". Both are stored together as one small
// JSON blob in the item's Data, so using a configuration costs one keyring
// read (one key derivation on the file backend).
type Credentials struct {
	// Key is the optional API key (AWS: the access key ID).
	Key string
	// Secret is the API secret; required.
	Secret string
}

// String redacts both values, so a stray %v never prints a secret.
func (c Credentials) String() string {
	return fmt.Sprintf("Credentials{Key:%s Secret:%s}", redacted(c.Key), redacted(c.Secret))
}

// GoString redacts like String, for %#v.
func (c Credentials) GoString() string { return "store." + c.String() }

func redacted(v string) string {
	if v == "" {
		return `""`
	}
	return "[redacted]"
}

// Size limits of the credential blob.
const (
	// WinCredMaxBlob is CRED_MAX_CREDENTIAL_BLOB_SIZE: Windows Credential
	// Manager cannot store more (keyring writes Data raw there).
	WinCredMaxBlob = 2560
	// MaxBlob caps the blob on every backend; API credentials are far
	// smaller, and a big paste is more likely a mistake.
	MaxBlob = 64 << 10
)

// credBlob is the JSON stored in an item's Data.
type credBlob struct {
	V      int    `json:"v"`
	Key    string `json:"key,omitempty"`
	Secret string `json:"secret"`
}

func itemKey(id string) string { return "fbllm/" + id }

// encodeCredentials renders the blob and enforces the backend's size limit.
func encodeCredentials(backend string, c Credentials) ([]byte, error) {
	data, err := json.Marshal(credBlob{V: 1, Key: c.Key, Secret: c.Secret})
	if err != nil {
		return nil, err
	}
	limit := MaxBlob
	if backend == BackendWinCred {
		limit = WinCredMaxBlob
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%d bytes, %s holds at most %d: %w", len(data), backend, limit, ErrSecretTooLarge)
	}
	return data, nil
}

func decodeCredentials(data []byte) (Credentials, error) {
	var b credBlob
	if err := json.Unmarshal(data, &b); err != nil {
		return Credentials{}, fmt.Errorf("decode credentials: %w", ErrCorrupt)
	}
	if b.V != 1 {
		return Credentials{}, fmt.Errorf("decode credentials: unknown version %d: %w", b.V, ErrCorrupt)
	}
	return Credentials{Key: b.Key, Secret: b.Secret}, nil
}

// Credentials fetches the credentials of one configuration: one keyring
// read, nothing cached. It returns an error wrapping ErrNotFound for an
// unknown id or a missing item; ErrLocked (or ErrWrongPassphrase) when the
// file backend still needs its passphrase; and a *BackendError wrapping
// ErrBackendMismatch, naming the backend that holds them, when they were
// saved in a different backend than the one selected now.
func (s *Store) Credentials(ctx context.Context, id string) (Credentials, error) {
	configs, err := s.readIndex(ctx)
	if err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
	}
	c, ok := findID(configs, id)
	if !ok {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, ErrNotFound)
	}
	sel, err := s.selection(ctx)
	if err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
	}
	if err := s.checkBackend(sel, c); err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
	}
	if err := s.needPassphrase(sel); err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
	}
	if sel.info.NeedsPassphrase {
		// The file backend writes items in place; the shared lock keeps
		// us from reading one half-written by another fbllm process.
		unlock, err := s.lock(ctx, false)
		if err != nil {
			return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
		}
		defer unlock()
	}
	var item keyring.Item
	err = sel.kr.do(ctx, "get", func(kr keyring.Keyring) (err error) {
		item, err = kr.Get(itemKey(id))
		return err
	})
	if err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, mapKeyringErr(sel.info.Name, err, false))
	}
	cred, err := decodeCredentials(item.Data)
	if err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
	}
	return cred, nil
}

// checkBackend refuses to look for a configuration's credentials in a
// backend other than the one that holds them.
func (s *Store) checkBackend(sel *selection, c Config) error {
	if c.SecretBackend == "" || c.SecretBackend == sel.info.Name {
		return nil
	}
	return &BackendError{
		Backend: c.SecretBackend,
		Reason: fmt.Sprintf("the credentials of %q are in %s, but this session uses %s (%s)",
			c.Name, s.describeName(c.SecretBackend), sel.info.Description, sel.info.Reason),
		Err: ErrBackendMismatch,
	}
}

// setItem writes a configuration's credential blob.
func (s *Store) setItem(ctx context.Context, sel *selection, id string, data []byte) error {
	err := sel.kr.do(ctx, "set", func(kr keyring.Keyring) error {
		return kr.Set(keyring.Item{
			Key:         itemKey(id),
			Data:        data,
			Label:       "fbllm",
			Description: "fbllm AI LLM configuration credentials",
		})
	})
	if err != nil {
		return fmt.Errorf("store credentials: %w", mapKeyringErr(sel.info.Name, err, false))
	}
	return nil
}

// removeItem deletes a configuration's item; a missing item is success.
func (s *Store) removeItem(ctx context.Context, sel *selection, id string) error {
	err := sel.kr.do(ctx, "remove", func(kr keyring.Keyring) error { return kr.Remove(itemKey(id)) })
	if err == nil {
		return nil
	}
	mapped := mapKeyringErr(sel.info.Name, err, false)
	if errors.Is(mapped, ErrNotFound) {
		return nil
	}
	return fmt.Errorf("remove credentials: %w", mapped)
}
