package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Add stores a new configuration and its credentials. It assigns the id,
// CreatedAt/UpdatedAt, SecretBackend and (when empty) Workspace; the
// caller's values for those are ignored. Names are unique per workspace,
// compared case-insensitively (ErrDuplicateName).
//
// Order, under the exclusive configs.lock: read the index, check the name,
// write the credentials to the keyring, then write the index. A crash
// between the two writes leaves an orphaned keyring item, never an index
// entry without credentials.
func (s *Store) Add(ctx context.Context, c Config, cred Credentials) (Config, error) {
	if err := c.validate(); err != nil {
		return Config{}, fmt.Errorf("add: %w", err)
	}
	if cred.Secret == "" {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, errorf(ErrInvalidConfig, "secret is required"))
	}
	// Select before locking: selection may itself take the lock (unlocking
	// with FBLLM_KEYRING_PASSPHRASE), and flock does not nest.
	sel, err := s.selection(ctx)
	if err != nil {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
	if err := s.needPassphrase(sel); err != nil {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
	data, err := encodeCredentials(sel.info.Name, cred)
	if err != nil {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}

	unlock, err := s.lock(ctx, true)
	if err != nil {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
	defer unlock()
	configs, err := s.loadLocked()
	if err != nil {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
	c = c.clone()
	c.Workspace = c.workspace()
	if dup, ok := findName(configs, c.Workspace, c.Name, ""); ok {
		return Config{}, fmt.Errorf("add %q: %q in workspace %s: %w", c.Name, dup.Name, c.Workspace, ErrDuplicateName)
	}
	if c.ID, err = uniqueID(configs); err != nil {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
	now := s.now().UTC()
	c.CreatedAt, c.UpdatedAt = now, now
	c.SecretBackend = sel.info.Name

	if err := s.setItem(ctx, sel, c.ID, data); err != nil {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
	if err := s.writeIndex(append(configs, c)); err != nil {
		// Best effort: do not leave the just-written item orphaned.
		_ = s.removeItem(context.WithoutCancel(ctx), sel, c.ID)
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
	return c.clone(), nil
}

// Update edits one configuration under the exclusive lock: edit receives a
// copy to change (ID, CreatedAt and SecretBackend are restored afterwards;
// an edit error aborts with nothing written). With cred == nil the stored
// credentials are kept and the keyring is not called at all; otherwise they
// are replaced — in the backend selected now, which becomes the
// configuration's SecretBackend (an item left in a previous backend is not
// removed: that backend is not open). The name is rechecked for uniqueness
// and UpdatedAt is bumped.
func (s *Store) Update(ctx context.Context, id string, edit func(*Config) error, cred *Credentials) (Config, error) {
	var sel *selection
	var data []byte
	if cred != nil {
		if cred.Secret == "" {
			return Config{}, fmt.Errorf("update %s: %w", id, errorf(ErrInvalidConfig, "secret is required"))
		}
		var err error
		if sel, err = s.selection(ctx); err != nil {
			return Config{}, fmt.Errorf("update %s: %w", id, err)
		}
		if err := s.needPassphrase(sel); err != nil {
			return Config{}, fmt.Errorf("update %s: %w", id, err)
		}
		if data, err = encodeCredentials(sel.info.Name, *cred); err != nil {
			return Config{}, fmt.Errorf("update %s: %w", id, err)
		}
	}

	unlock, err := s.lock(ctx, true)
	if err != nil {
		return Config{}, fmt.Errorf("update %s: %w", id, err)
	}
	defer unlock()
	configs, err := s.loadLocked()
	if err != nil {
		return Config{}, fmt.Errorf("update %s: %w", id, err)
	}
	i := slices.IndexFunc(configs, func(c Config) bool { return c.ID == id })
	if i < 0 {
		return Config{}, fmt.Errorf("update %s: %w", id, ErrNotFound)
	}
	old := configs[i]
	c := old.clone()
	if edit != nil {
		if err := edit(&c); err != nil {
			return Config{}, fmt.Errorf("update %s: %w", id, err)
		}
	}
	c.ID, c.CreatedAt, c.SecretBackend = old.ID, old.CreatedAt, old.SecretBackend
	c.Workspace = c.workspace()
	if err := c.validate(); err != nil {
		return Config{}, fmt.Errorf("update %s: %w", id, err)
	}
	if dup, ok := findName(configs, c.Workspace, c.Name, id); ok {
		return Config{}, fmt.Errorf("update %s: %q in workspace %s: %w", id, dup.Name, c.Workspace, ErrDuplicateName)
	}
	c.UpdatedAt = s.now().UTC()
	if cred != nil {
		if err := s.setItem(ctx, sel, id, data); err != nil {
			return Config{}, fmt.Errorf("update %s: %w", id, err)
		}
		c.SecretBackend = sel.info.Name
	}
	configs[i] = c
	if err := s.writeIndex(configs); err != nil {
		return Config{}, fmt.Errorf("update %s: %w", id, err)
	}
	return c.clone(), nil
}

// Delete removes a configuration: first from the index, then its keyring
// item (a missing item counts as removed), both under the exclusive lock.
// A crash in between leaves an orphaned item, never a configuration whose
// credentials are gone. If the credentials live in a backend other than the
// selected one, only the index entry is removed (that backend is not open
// in this session). An error from the removal is returned although the
// configuration is already gone from the index. If no backend can be
// selected at all (say a forced one is broken), nothing is deleted.
// Deleting does not need the file backend's passphrase.
func (s *Store) Delete(ctx context.Context, id string) error {
	sel, err := s.selection(ctx)
	if err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	defer unlock()
	configs, err := s.loadLocked()
	if err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	i := slices.IndexFunc(configs, func(c Config) bool { return c.ID == id })
	if i < 0 {
		return fmt.Errorf("delete %s: %w", id, ErrNotFound)
	}
	c := configs[i]
	if err := s.writeIndex(slices.Delete(configs, i, i+1)); err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	if c.SecretBackend != "" && c.SecretBackend != sel.info.Name {
		return nil
	}
	if err := s.removeItem(ctx, sel, id); err != nil {
		return fmt.Errorf("delete %s: configuration removed, but: %w", id, err)
	}
	return nil
}

// SetLastCheck records the outcome of a connection test. It writes only the
// index (no keyring call) and does not bump UpdatedAt: a test is not an
// edit.
func (s *Store) SetLastCheck(id string, chk Check) error {
	unlock, err := s.lockNoCtx()
	if err != nil {
		return fmt.Errorf("set last check %s: %w", id, err)
	}
	defer unlock()
	configs, err := s.loadLocked()
	if err != nil {
		return fmt.Errorf("set last check %s: %w", id, err)
	}
	i := slices.IndexFunc(configs, func(c Config) bool { return c.ID == id })
	if i < 0 {
		return fmt.Errorf("set last check %s: %w", id, ErrNotFound)
	}
	configs[i].LastCheck = &chk
	if err := s.writeIndex(configs); err != nil {
		return fmt.Errorf("set last check %s: %w", id, err)
	}
	return nil
}

// findID returns the configuration with that id.
func findID(configs []Config, id string) (Config, bool) {
	for _, c := range configs {
		if c.ID == id {
			return c, true
		}
	}
	return Config{}, false
}

// findName returns a configuration of the workspace with the same name,
// ignoring the one with id except.
func findName(configs []Config, workspace, name, except string) (Config, bool) {
	for _, c := range configs {
		if c.ID != except && c.workspace() == workspace && sameName(c.Name, name) {
			return c, true
		}
	}
	return Config{}, false
}

// uniqueID draws ids until one is not in use (a collision of 128 random
// bits will not happen, but the check is free).
func uniqueID(configs []Config) (string, error) {
	for range 5 {
		id, err := newID()
		if err != nil {
			return "", err
		}
		if _, taken := findID(configs, id); !taken {
			return id, nil
		}
	}
	return "", errors.New("could not draw an unused id")
}
