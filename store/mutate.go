package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Every mutation of a configuration first selects the backend and checks
// that the keyring is unlocked (file backend: a verified passphrase), and
// only then takes the lock and changes anything: with a wrong passphrase,
// or none, nothing changes — not the index, not an item. A name-only edit
// and a delete need the passphrase too, although they write no secret: the
// passphrase is what says the person at the keyboard owns these
// configurations.

// Add stores a new configuration and its credentials. It assigns the id,
// CreatedAt/UpdatedAt, SecretBackend, Generation (1) and (when empty)
// Workspace; the caller's values for those are ignored. Names are unique
// per workspace, compared case-insensitively (ErrDuplicateName).
//
// Order, under the exclusive configs.lock: read the index, check the name,
// write the credentials to a new keyring item, then write the index (the
// commit point). A crash between the two writes leaves an orphaned item
// (see FindOrphans), never an index entry without credentials.
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
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
	defer unlock()
	if err := s.ready(sel); err != nil {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
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
	c.Generation = 1
	data, err := encodeCredentials(sel.info.Name, c.ID, c.Generation, cred)
	if err != nil {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
	if err := s.setItem(ctx, sel, genItemKey(c.ID, c.Generation), data); err != nil {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
	if err := s.failAtStep("add-before-commit"); err != nil {
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
	configs = append(configs, c)
	if err := s.writeIndex(configs); err != nil {
		// Best effort: do not leave the just-written item orphaned.
		_ = s.removeItem(context.WithoutCancel(ctx), sel, genItemKey(c.ID, c.Generation))
		return Config{}, fmt.Errorf("add %q: %w", c.Name, err)
	}
	s.collectOnce(ctx, sel, configs)
	return c.clone(), nil
}

// Update edits one configuration under the exclusive lock: edit receives a
// copy to change (ID, CreatedAt, SecretBackend and Generation are restored
// afterwards; an edit error aborts with nothing written). The name is
// rechecked for uniqueness and UpdatedAt is bumped.
//
// With cred == nil the stored credentials are kept and no item is written.
// Otherwise the credentials are rotated by generation: they go into a new
// item ("fbllm/<id>.g<n+1>") in the backend selected now, which becomes
// the configuration's SecretBackend; the index write that records the new
// generation is the commit point; the old item is removed after (an item
// left in a previous backend is not: that backend is not open). A crash at
// any point leaves either the old configuration with its old secret or the
// new one with its new secret, plus at worst an orphaned item.
func (s *Store) Update(ctx context.Context, id string, edit func(*Config) error, cred *Credentials) (Config, error) {
	if cred != nil && cred.Secret == "" {
		return Config{}, fmt.Errorf("update %s: %w", id, errorf(ErrInvalidConfig, "secret is required"))
	}
	sel, err := s.selection(ctx)
	if err != nil {
		return Config{}, fmt.Errorf("update %s: %w", id, err)
	}
	if err := s.needPassphrase(sel); err != nil {
		return Config{}, fmt.Errorf("update %s: %w", id, err)
	}
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return Config{}, fmt.Errorf("update %s: %w", id, err)
	}
	defer unlock()
	if err := s.ready(sel); err != nil {
		return Config{}, fmt.Errorf("update %s: %w", id, err)
	}
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
	c.ID, c.CreatedAt, c.SecretBackend, c.Generation = old.ID, old.CreatedAt, old.SecretBackend, old.Generation
	c.Workspace = c.workspace()
	if err := c.validate(); err != nil {
		return Config{}, fmt.Errorf("update %s: %w", id, err)
	}
	if dup, ok := findName(configs, c.Workspace, c.Name, id); ok {
		return Config{}, fmt.Errorf("update %s: %q in workspace %s: %w", id, dup.Name, c.Workspace, ErrDuplicateName)
	}
	c.UpdatedAt = s.now().UTC()
	if cred != nil {
		c.SecretBackend, c.Generation = sel.info.Name, old.Generation+1
		data, err := encodeCredentials(sel.info.Name, id, c.Generation, *cred)
		if err != nil {
			return Config{}, fmt.Errorf("update %s: %w", id, err)
		}
		if err := s.setItem(ctx, sel, genItemKey(id, c.Generation), data); err != nil {
			return Config{}, fmt.Errorf("update %s: %w", id, err)
		}
		if err := s.failAtStep("rotate-before-commit"); err != nil {
			return Config{}, fmt.Errorf("update %s: %w", id, err)
		}
	}
	configs[i] = c
	if err := s.writeIndex(configs); err != nil {
		if cred != nil {
			_ = s.removeItem(context.WithoutCancel(ctx), sel, genItemKey(id, c.Generation))
		}
		return Config{}, fmt.Errorf("update %s: %w", id, err)
	}
	if cred != nil && (old.SecretBackend == "" || old.SecretBackend == sel.info.Name) {
		if err := s.failAtStep("rotate-before-cleanup"); err != nil {
			return Config{}, fmt.Errorf("update %s: %w", id, err)
		}
		// Committed: failing to remove the old item only leaves an
		// orphan, which the next collection removes.
		_ = s.removeItem(ctx, sel, genItemKey(id, old.Generation))
	}
	s.collectOnce(ctx, sel, configs)
	return c.clone(), nil
}

// Delete removes a configuration: first from the index (the commit point),
// then its keyring item (a missing item counts as removed), both under the
// exclusive lock and only once the keyring is unlocked. A crash in between
// leaves an orphaned item, never a configuration whose credentials are
// gone. If the credentials live in a backend other than the selected one,
// only the index entry is removed (that backend is not open in this
// session). An error from the removal is returned although the
// configuration is already gone from the index. If no backend can be
// selected at all (say a forced one is broken), nothing is deleted.
func (s *Store) Delete(ctx context.Context, id string) error {
	sel, err := s.selection(ctx)
	if err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	if err := s.needPassphrase(sel); err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	defer unlock()
	if err := s.ready(sel); err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	configs, err := s.loadLocked()
	if err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	i := slices.IndexFunc(configs, func(c Config) bool { return c.ID == id })
	if i < 0 {
		return fmt.Errorf("delete %s: %w", id, ErrNotFound)
	}
	c := configs[i]
	configs = slices.Delete(configs, i, i+1)
	if err := s.writeIndex(configs); err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	if c.SecretBackend != "" && c.SecretBackend != sel.info.Name {
		return nil
	}
	if err := s.failAtStep("delete-before-remove"); err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	if err := s.removeItem(ctx, sel, genItemKey(id, c.Generation)); err != nil {
		return fmt.Errorf("delete %s: configuration removed, but: %w", id, err)
	}
	s.collectOnce(ctx, sel, configs)
	return nil
}

// SetLastCheck records the outcome of one connection test; see
// SetLastChecks, which records many in one write.
func (s *Store) SetLastCheck(id string, chk Check) error {
	if err := s.SetLastChecks(map[string]Check{id: chk}); err != nil {
		return fmt.Errorf("set last check %s: %w", id, err)
	}
	return nil
}

// SetLastChecks records the outcomes of connection tests by configuration
// id in one locked read-modify-write of the index: a `test --all` of 1,000
// configurations costs one write, not 1,000. It makes no keyring call, needs
// no passphrase (a check result is not a secret) and does not bump
// UpdatedAt: a test is not an edit. Ids no longer in the index (deleted
// meanwhile) are skipped and reported by an error wrapping ErrNotFound,
// after the others are written.
func (s *Store) SetLastChecks(checks map[string]Check) error {
	if len(checks) == 0 {
		return nil
	}
	unlock, err := s.lockNoCtx()
	if err != nil {
		return fmt.Errorf("set last checks: %w", err)
	}
	defer unlock()
	configs, err := s.loadLocked()
	if err != nil {
		return fmt.Errorf("set last checks: %w", err)
	}
	found := 0
	for i := range configs {
		if chk, ok := checks[configs[i].ID]; ok {
			configs[i].LastCheck = &chk
			found++
		}
	}
	if found > 0 {
		if err := s.writeIndex(configs); err != nil {
			return fmt.Errorf("set last checks: %w", err)
		}
	}
	if missing := len(checks) - found; missing > 0 {
		return fmt.Errorf("set last checks: %d configuration(s) no longer exist: %w", missing, ErrNotFound)
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
