package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

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

// credBlob is the JSON stored in an item's Data. Version 2 names the
// configuration and generation the item was written for, inside the
// encryption: an item copied or swapped to another configuration's name
// decrypts but is refused (ItemMismatchError). Version 1 items, written
// before generations, carry no binding and are accepted only at generation
// 0; they are re-written as version 2 by the next rotation or re-key.
type credBlob struct {
	V      int    `json:"v"`
	ID     string `json:"id,omitempty"`
	Gen    int    `json:"gen,omitempty"`
	Key    string `json:"key,omitempty"`
	Secret string `json:"secret"`
}

// credBlobVersion is the version written.
const credBlobVersion = 2

// itemPrefix starts the name of every item fbllm writes.
const itemPrefix = "fbllm/"

func itemKey(id string) string { return itemPrefix + id }

// genItemKey names the item of a configuration's generation: generation 0
// keeps the name items had before generations existed.
func genItemKey(id string, gen int) string {
	if gen == 0 {
		return itemKey(id)
	}
	return itemKey(id) + ".g" + strconv.Itoa(gen)
}

// parseGenItemKey is the inverse of genItemKey for configuration items; ok
// is false for other names (the verifier, the Flashback sign-in, foreign
// items).
func parseGenItemKey(key string) (id string, gen int, ok bool) {
	rest, found := strings.CutPrefix(key, itemPrefix)
	if !found || rest == "" || strings.HasPrefix(rest, "_") {
		return "", 0, false
	}
	id, g, hasGen := strings.Cut(rest, ".g")
	if hasGen {
		n, err := strconv.Atoi(g)
		if err != nil || n < 1 || strconv.Itoa(n) != g {
			return "", 0, false
		}
		gen = n
	}
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < '2' || r > '7') {
			return "", 0, false
		}
	}
	return id, gen, len(id) == 26
}

// encodeCredentials renders the blob of configuration id's generation gen
// and enforces the backend's size limit.
func encodeCredentials(backend, id string, gen int, c Credentials) ([]byte, error) {
	data, err := json.Marshal(credBlob{V: credBlobVersion, ID: id, Gen: gen, Key: c.Key, Secret: c.Secret})
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

// decodeCredentials decodes the blob read from the item of configuration
// id's generation gen and checks that it was written for exactly that.
// where names the item for messages.
func decodeCredentials(where, id string, gen int, data []byte) (Credentials, error) {
	var b credBlob
	if err := json.Unmarshal(data, &b); err != nil {
		return Credentials{}, &DamagedError{Path: where, Reason: "the decrypted credentials are not valid JSON"}
	}
	switch b.V {
	case 1:
		if gen != 0 {
			return Credentials{}, &ItemMismatchError{Item: genItemKey(id, gen), WantID: id, WantGen: gen, GotID: "(unbound, written before generations)", GotGen: 0}
		}
	case credBlobVersion:
		if b.ID != id || b.Gen != gen {
			return Credentials{}, &ItemMismatchError{Item: genItemKey(id, gen), WantID: id, WantGen: gen, GotID: b.ID, GotGen: b.Gen}
		}
	default:
		return Credentials{}, &DamagedError{Path: where, Reason: fmt.Sprintf("unknown credentials version %d", b.V)}
	}
	return Credentials{Key: b.Key, Secret: b.Secret}, nil
}

// Credentials fetches the credentials of one configuration: one keyring
// read, nothing cached. It returns an error wrapping ErrNotFound for an
// unknown id or a missing item; ErrLocked (or ErrWrongPassphrase) when the
// file backend still needs its passphrase; a *BackendError wrapping
// ErrBackendMismatch, naming the backend that holds them, when they were
// saved in a different backend than the one selected now; a *DamagedError
// for an item that cannot be decrypted or decoded; and an
// *ItemMismatchError for an item written for another configuration or
// generation.
//
// The index is read under the shared lock, so a rotation by another
// process (which commits the new generation and then removes the old item
// under the exclusive lock) is seen either wholly or not at all.
func (s *Store) Credentials(ctx context.Context, id string) (Credentials, error) {
	sel, err := s.selection(ctx)
	if err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
	}
	if err := s.needPassphrase(sel); err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
	}
	unlock, err := s.lock(ctx, false)
	if err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
	}
	defer unlock()
	configs, err := s.loadIndex(false)
	if err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
	}
	c, ok := findID(configs, id)
	if !ok {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, ErrNotFound)
	}
	if err := s.checkBackend(sel, c); err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
	}
	if err := s.checkEpoch(sel); err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
	}
	key := genItemKey(id, c.Generation)
	var item keyring.Item
	err = sel.kr.do(ctx, "get", func(kr keyring.Keyring) (err error) {
		item, err = kr.Get(key)
		return err
	})
	if err != nil {
		mapped := mapKeyringErr(sel.info.Name, err, false)
		var de *DamagedError
		if errors.As(mapped, &de) && de.Path == "" {
			de.Path = s.itemLocation(sel, key) // other backends: name the item
		}
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, mapped)
	}
	cred, err := decodeCredentials(s.itemLocation(sel, key), id, c.Generation, item.Data)
	if err != nil {
		return Credentials{}, fmt.Errorf("credentials %s: %w", id, err)
	}
	return cred, nil
}

// itemLocation names an item for messages: its file for the file backend,
// else "<backend> item <key>".
func (s *Store) itemLocation(sel *selection, key string) string {
	if sel.info.Name == BackendFile {
		return filepath.Join(s.keyringDir, escapeItemName(key))
	}
	return sel.info.Name + " item " + key
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

// setItem writes an item (a configuration's credential blob under its
// generation's name, or the Flashback sign-in).
func (s *Store) setItem(ctx context.Context, sel *selection, key string, data []byte) error {
	desc := "fbllm AI LLM configuration credentials"
	if key == itemKey(tokenItem) {
		desc = "fbllm Flashback sign-in"
	}
	err := sel.kr.do(ctx, "set", func(kr keyring.Keyring) error {
		return kr.Set(keyring.Item{
			Key:         key,
			Data:        data,
			Label:       "fbllm",
			Description: desc,
		})
	})
	if err != nil {
		return fmt.Errorf("store credentials: %w", mapKeyringErr(sel.info.Name, err, false))
	}
	return nil
}

// removeItem deletes an item by name; a missing item is success.
func (s *Store) removeItem(ctx context.Context, sel *selection, key string) error {
	err := sel.kr.do(ctx, "remove", func(kr keyring.Keyring) error { return kr.Remove(key) })
	if err == nil {
		return nil
	}
	mapped := mapKeyringErr(sel.info.Name, err, false)
	if errors.Is(mapped, ErrNotFound) {
		return nil
	}
	return fmt.Errorf("remove credentials: %w", mapped)
}
