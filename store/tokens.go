package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/99designs/keyring"
)

// tokenItem is the keyring item holding the Flashback sign-in. Ids of
// configurations are 26 lower-case base32 characters, so the underscore
// keeps it apart from them, like the verifier.
const tokenItem = "__flashback_refresh"

// FlashbackAccount describes the saved Flashback sign-in without its
// token, for `fbllm status`.
type FlashbackAccount struct {
	// APIURL is the API the sign-in belongs to.
	APIURL string
	// Email is the account's address, if known.
	Email string
	// SavedAt is when the refresh token was last written (sign-in or
	// refresh).
	SavedAt time.Time
}

// tokenBlob is the item's Data.
type tokenBlob struct {
	V            int       `json:"v"`
	APIURL       string    `json:"apiUrl"`
	Email        string    `json:"email,omitempty"`
	RefreshToken string    `json:"refreshToken"`
	SavedAt      time.Time `json:"savedAt"`
}

// FlashbackTokens keeps the Flashback refresh token in the keyring item
// "fbllm/__flashback_refresh", next to the configurations' credentials and
// behind the same guards: the 3 s timeout per keyring call, the lock for
// the file backend, and ErrLocked instead of a prompt. It implements
// client.TokenStore. One sign-in is kept at a time; it belongs to one API
// URL, and Get for another URL finds nothing.
type FlashbackTokens struct {
	s *Store
}

// FlashbackTokens returns the store's Flashback token keeper.
func (s *Store) FlashbackTokens() *FlashbackTokens { return &FlashbackTokens{s: s} }

// Get returns the refresh token saved for apiURL, or "" and nil when none
// is saved for that URL (or nothing at all). A keyring that needs its
// passphrase returns ErrLocked; a damaged item ErrCorrupt.
func (t *FlashbackTokens) Get(ctx context.Context, apiURL string) (string, error) {
	b, err := t.read(ctx)
	if err != nil || b == nil {
		return "", err
	}
	if !sameAPI(b.APIURL, apiURL) {
		return "", nil
	}
	return b.RefreshToken, nil
}

// Account returns the saved sign-in's URL, email and time, and false when
// there is none. It never returns the token.
func (t *FlashbackTokens) Account(ctx context.Context) (FlashbackAccount, bool, error) {
	b, err := t.read(ctx)
	if err != nil || b == nil {
		return FlashbackAccount{}, false, err
	}
	return FlashbackAccount{APIURL: b.APIURL, Email: b.Email, SavedAt: b.SavedAt}, true, nil
}

// Set saves the refresh token of a sign-in at apiURL, replacing whatever
// was saved. An empty email keeps the saved one when the URL is the same
// (refreshes do not always know it).
func (t *FlashbackTokens) Set(ctx context.Context, apiURL, email, refreshToken string) error {
	s := t.s
	if strings.TrimSpace(refreshToken) == "" {
		return fmt.Errorf("save flashback sign-in: %w", errorf(ErrInvalidConfig, "refresh token is empty"))
	}
	sel, err := s.selection(ctx)
	if err != nil {
		return fmt.Errorf("save flashback sign-in: %w", err)
	}
	if err := s.needPassphrase(sel); err != nil {
		return fmt.Errorf("save flashback sign-in: %w", err)
	}
	// Exclusive for the read-modify-write of the email, and because the
	// file backend writes items in place.
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return fmt.Errorf("save flashback sign-in: %w", err)
	}
	defer unlock()
	if err := s.ready(sel); err != nil {
		return fmt.Errorf("save flashback sign-in: %w", err)
	}
	if email == "" {
		if old, err := t.get(ctx, sel); err == nil && old != nil && sameAPI(old.APIURL, apiURL) {
			email = old.Email
		}
	}
	data, err := json.Marshal(tokenBlob{V: 1, APIURL: strings.TrimRight(apiURL, "/"), Email: email,
		RefreshToken: refreshToken, SavedAt: s.now().UTC()})
	if err != nil {
		return fmt.Errorf("save flashback sign-in: %w", err)
	}
	limit := MaxBlob
	if sel.info.Name == BackendWinCred {
		limit = WinCredMaxBlob
	}
	if len(data) > limit {
		return fmt.Errorf("save flashback sign-in: %d bytes, %s holds at most %d: %w", len(data), sel.info.Name, limit, ErrSecretTooLarge)
	}
	if err := s.setItem(ctx, sel, itemKey(tokenItem), data); err != nil {
		return fmt.Errorf("save flashback sign-in: %w", err)
	}
	return nil
}

// Delete forgets the saved sign-in. Nothing saved is success. Like every
// mutation it needs the keyring unlocked first (ErrLocked).
func (t *FlashbackTokens) Delete(ctx context.Context) error {
	s := t.s
	sel, err := s.selection(ctx)
	if err != nil {
		return fmt.Errorf("forget flashback sign-in: %w", err)
	}
	if err := s.needPassphrase(sel); err != nil {
		return fmt.Errorf("forget flashback sign-in: %w", err)
	}
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return fmt.Errorf("forget flashback sign-in: %w", err)
	}
	defer unlock()
	if err := s.ready(sel); err != nil {
		return fmt.Errorf("forget flashback sign-in: %w", err)
	}
	if err := s.removeItem(ctx, sel, itemKey(tokenItem)); err != nil {
		return fmt.Errorf("forget flashback sign-in: %w", err)
	}
	return nil
}

// read loads the blob, or nil when no sign-in is saved.
func (t *FlashbackTokens) read(ctx context.Context) (*tokenBlob, error) {
	s := t.s
	sel, err := s.selection(ctx)
	if err != nil {
		return nil, fmt.Errorf("load flashback sign-in: %w", err)
	}
	if err := s.needPassphrase(sel); err != nil {
		return nil, fmt.Errorf("load flashback sign-in: %w", err)
	}
	if sel.info.NeedsPassphrase {
		unlock, err := s.lock(ctx, false)
		if err != nil {
			return nil, fmt.Errorf("load flashback sign-in: %w", err)
		}
		defer unlock()
		if err := s.checkEpoch(sel); err != nil {
			return nil, fmt.Errorf("load flashback sign-in: %w", err)
		}
	}
	b, err := t.get(ctx, sel)
	if err != nil {
		return nil, fmt.Errorf("load flashback sign-in: %w", err)
	}
	return b, nil
}

// get reads and decodes the item; the caller holds the lock if needed.
func (t *FlashbackTokens) get(ctx context.Context, sel *selection) (*tokenBlob, error) {
	var item keyring.Item
	err := sel.kr.do(ctx, "get", func(kr keyring.Keyring) (err error) {
		item, err = kr.Get(itemKey(tokenItem))
		return err
	})
	if err != nil {
		mapped := mapKeyringErr(sel.info.Name, err, false)
		if errors.Is(mapped, ErrNotFound) {
			return nil, nil
		}
		return nil, mapped
	}
	var b tokenBlob
	if err := json.Unmarshal(item.Data, &b); err != nil || b.V != 1 || b.RefreshToken == "" {
		return nil, fmt.Errorf("decode flashback sign-in: %w", ErrCorrupt)
	}
	return &b, nil
}

// sameAPI compares API URLs the way the client spells them (no trailing
// slash, case-insensitive scheme and host).
func sameAPI(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, "/"), strings.TrimRight(b, "/"))
}
