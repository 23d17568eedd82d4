package session

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/store"
)

// Change is a configuration to create, or the new values of one to update.
// Values are expected sanitised and normalised (package forms).
type Change struct {
	Name     string
	AIType   assets.AIType
	Endpoint string
	Region   string // local AWS configs only; Flashback has no such field
	// Key and Secret: nil keeps the stored value (update); a pointer to ""
	// removes the key. Create needs a Secret.
	Key    *string
	Secret *string
}

// ChangeOf is the change that keeps it as it is: the starting point of an
// edit that touches only some fields.
func ChangeOf(it Item) Change {
	return Change{Name: it.Name, AIType: it.AIType, Endpoint: it.Endpoint, Region: it.Region}
}

// Destination is where it lives: the workspace whose names a rename must
// not collide with.
func (it Item) Destination() Destination {
	if !it.IsRemote() {
		return Destination{Store: StoreLocal}
	}
	return Destination{Store: StoreFlashback, Workspace: client.Workspace{ID: it.WorkspaceID, Name: it.WorkspaceName}}
}

// ChangeFromForm turns a validated form result into a Change.
func ChangeFromForm(r input.Result) Change {
	ch := Change{Name: r.Name, AIType: r.Type, Endpoint: r.Endpoint.URL, Region: r.Endpoint.Region}
	if !r.KeepKey {
		k := r.Key.Value
		ch.Key = &k
	}
	if !r.KeepSecret {
		sec := r.Secret.Value
		ch.Secret = &sec
	}
	return ch
}

// Destination is where a new configuration goes.
type Destination struct {
	Store     string // StoreLocal or StoreFlashback
	Workspace client.Workspace
}

// Mode is the setup mode a destination stands for: where configurations
// live by default (ModeLocal or ModeFlashback).
func (d Destination) Mode() string {
	if d.Store == StoreFlashback {
		return ModeFlashback
	}
	return ModeLocal
}

// RecordSetup remembers, when a configuration is saved before any setup
// choice was made, where configurations live from now on. A choice the
// user already made is never overwritten.
func (s *Session) RecordSetup(d Destination) error {
	return s.opts.Store.UpdateSettings(func(st *store.Settings) {
		if st.Mode == "" {
			st.Mode = d.Mode()
		}
	})
}

// FirstRun reports whether fbllm has never been set up: no setup choice
// and nothing configured. The app then opens the guided setup.
func FirstRun(st Settings, configured int) bool { return st.Mode == "" && configured == 0 }

// Label says where a configuration will be saved, in words, for the form's
// review step and the setup screen.
func (d Destination) Label(backend string) string {
	if d.Store == StoreFlashback {
		return "Flashback workspace " + d.Workspace.Name
	}
	return "this machine · " + store.BackendLabel(backend)
}

// Create saves a new configuration. On Flashback the client never retries
// a create blindly: after an ambiguous failure it looks the name up first,
// so no duplicate appears.
func (s *Session) Create(ctx context.Context, d Destination, ch Change) (Item, error) {
	if ch.Secret == nil || *ch.Secret == "" {
		return Item{}, errors.New("create: a secret is required")
	}
	// The front ends validate names as they are typed; this is the rule's
	// last line, for names that come from elsewhere (import reads them
	// from other tools' files).
	if _, err := input.ValidateName(ch.Name, nil, ""); err != nil {
		return Item{}, err
	}
	key := ""
	if ch.Key != nil {
		key = *ch.Key
	}
	if d.Store == StoreFlashback {
		api, err := s.API()
		if err != nil {
			return Item{}, err
		}
		l, err := api.CreateLLM(ctx, client.NewLLM{
			WorkspaceID: d.Workspace.ID, Name: ch.Name, AIType: ch.AIType,
			Endpoint: ch.Endpoint, Key: key, Secret: *ch.Secret,
		})
		if err != nil {
			return Item{}, err
		}
		return remoteItem(l, d.Workspace.Name, nil), nil
	}
	cfg := store.Config{Name: ch.Name, AIType: string(ch.AIType), Endpoint: ch.Endpoint, Region: ch.Region}
	if key != "" {
		cfg.KeyFingerprint = input.Fingerprint(key)
	}
	cfg.SecretFingerprint = input.Fingerprint(*ch.Secret)
	c, err := s.opts.Store.Add(ctx, cfg, store.Credentials{Key: key, Secret: *ch.Secret})
	if err != nil {
		return Item{}, err
	}
	return LocalItem(c), nil
}

// Update changes a configuration. On Flashback only the fields that differ
// are sent, and the secret only when a new one was typed. Locally the
// keyring is touched only when a credential changes (a kept one is merged
// in so one item keeps holding both).
func (s *Session) Update(ctx context.Context, it Item, ch Change) (Item, error) {
	if ch.Name != it.Name {
		if _, err := input.ValidateName(ch.Name, nil, ""); err != nil {
			return Item{}, err
		}
	}
	if it.IsRemote() {
		return s.updateRemote(ctx, it, ch)
	}
	var cred *store.Credentials
	if ch.Key != nil || ch.Secret != nil {
		c, err := s.CompleteCredentials(ctx, &it, ch.Key, ch.Secret)
		if err != nil {
			return Item{}, err
		}
		cred = &c
	}
	forget := connectionChanged(it, ch)
	cfg, err := s.opts.Store.Update(ctx, it.ID, func(c *store.Config) error {
		c.Name, c.AIType, c.Endpoint, c.Region = ch.Name, string(ch.AIType), ch.Endpoint, ch.Region
		if forget {
			c.LastCheck = nil
		}
		if ch.Key != nil {
			c.KeyFingerprint = ""
			if *ch.Key != "" {
				c.KeyFingerprint = input.Fingerprint(*ch.Key)
			}
		}
		if ch.Secret != nil {
			c.SecretFingerprint = input.Fingerprint(*ch.Secret)
		}
		return nil
	}, cred)
	if err != nil {
		return Item{}, err
	}
	return LocalItem(cfg), nil
}

func (s *Session) updateRemote(ctx context.Context, it Item, ch Change) (Item, error) {
	api, err := s.API()
	if err != nil {
		return Item{}, err
	}
	var p client.LLMPatch
	if ch.Name != "" && ch.Name != it.Name {
		p.Name = &ch.Name
	}
	if ch.AIType != "" && ch.AIType != it.AIType {
		p.AIType = &ch.AIType
	}
	if ch.Endpoint != "" && ch.Endpoint != it.Endpoint && !sameEndpoint(it, ch) {
		p.Endpoint = &ch.Endpoint
	}
	if ch.Key != nil {
		p.Key = ch.Key
	}
	if ch.Secret != nil {
		if *ch.Secret == "" {
			return Item{}, errors.New("update: the new secret is empty")
		}
		p.Secret = ch.Secret
	}
	if p.IsZero() {
		return it, nil
	}
	if err := api.UpdateLLM(ctx, it.ID, p); err != nil {
		return Item{}, err
	}
	forget := p.AIType != nil || p.Endpoint != nil || p.Key != nil || p.Secret != nil
	if forget {
		_ = s.opts.Store.UpdateSettings(func(st *Settings) { delete(st.RemoteChecks, it.ID) })
	}
	l, err := api.GetLLM(ctx, it.ID)
	if err != nil {
		// The update went through; show what we sent rather than fail.
		out := it
		out.Name, out.AIType, out.Endpoint = ch.Name, ch.AIType, ch.Endpoint
		return out, nil
	}
	out := remoteItem(l, it.WorkspaceName, nil)
	if !forget {
		out.LastCheck = it.LastCheck
	}
	return out, nil
}

// CompleteCredentials fills in what was not given from what is stored: a
// nil key or secret keeps the one the keyring holds for the local
// configuration it (an edit that rotates only the secret keeps the AWS
// access key ID, and a test with --secret-env uses the stored key). A new
// configuration (it nil) and a Flashback one, whose secret never comes
// back, have nothing stored to keep. It is the one place credentials are
// merged.
func (s *Session) CompleteCredentials(ctx context.Context, it *Item, key, secret *string) (store.Credentials, error) {
	var c store.Credentials
	if it != nil && !it.IsRemote() && (key == nil || secret == nil) {
		old, err := s.opts.Store.Credentials(ctx, it.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return store.Credentials{}, err
		}
		c = old
	}
	if key != nil {
		c.Key = *key
	}
	if secret != nil {
		c.Secret = *secret
	}
	return c, nil
}

// WriteOnlyError is a request for the secret of a Flashback configuration:
// the platform keeps it write-only and never returns it
// (exec.secret_write_only).
type WriteOnlyError struct {
	Item Item
}

func (e *WriteOnlyError) Error() string {
	return fmt.Sprintf("%q is kept in Flashback workspace %s, whose secrets never leave the platform", e.Item.Name, e.Item.WorkspaceName)
}

// StoredCredentials reads the credentials of a local configuration from the
// keyring (unlock it first). A Flashback configuration is a
// *WriteOnlyError.
func (s *Session) StoredCredentials(ctx context.Context, it Item) (store.Credentials, error) {
	if it.IsRemote() {
		return store.Credentials{}, &WriteOnlyError{Item: it}
	}
	return s.opts.Store.Credentials(ctx, it.ID)
}

// connectionChanged reports whether a change reaches what a connection
// test tried: the type, the endpoint (or AWS region), the key or the
// secret. Then the last check describes something no longer stored and is
// forgotten; a rename keeps it. Only a test of exactly the saved values is
// recorded again (RecordCheck).
func connectionChanged(it Item, ch Change) bool {
	return ch.Secret != nil || ch.Key != nil ||
		ch.AIType != it.AIType ||
		(ch.Endpoint != it.Endpoint && !sameEndpoint(it, ch)) ||
		ch.Region != it.Region
}

// SameConnection reports whether two changes describe the same connection
// (type, endpoint, region, key and secret; the name may differ), so a test
// of one may be recorded as the last check of the other.
func SameConnection(a, b Change) bool {
	eq := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.AIType == b.AIType && a.Endpoint == b.Endpoint && a.Region == b.Region &&
		eq(a.Key, b.Key) && eq(a.Secret, b.Secret)
}

// Delete removes a configuration. A Flashback configuration still attached
// to repositories is refused with *client.InUseError naming them.
func (s *Session) Delete(ctx context.Context, it Item) error {
	if !it.IsRemote() {
		return s.opts.Store.Delete(ctx, it.ID)
	}
	api, err := s.API()
	if err != nil {
		return err
	}
	if err := api.DeleteLLM(ctx, it.ID); err != nil {
		return err
	}
	_ = s.opts.Store.UpdateSettings(func(st *Settings) { delete(st.RemoteChecks, it.ID) })
	return nil
}

// RecordCheck remembers the status of the last check of a configuration
// for the browser's status word.
func (s *Session) RecordCheck(it Item, status string) error {
	return s.recordCheck(it, store.Check{Status: status, At: s.opts.Now().UTC()})
}

// RecordReport remembers a report as the last check of a configuration:
// its status, and the models the key reached when the probe listed them.
func (s *Session) RecordReport(it Item, rep diagnose.Report) error {
	return s.recordCheck(it, LastCheckOf(rep, s.opts.Now()))
}

// LastCheckOf is what a report leaves as a configuration's last check: its
// status and the models it found.
func LastCheckOf(rep diagnose.Report, at time.Time) store.Check {
	chk := store.Check{Status: string(rep.Status), At: at.UTC()}
	if rep.Models != nil {
		chk.Models, chk.ModelIDs = rep.Models.Count, slices.Clone(rep.Models.First)
	}
	return chk
}

func (s *Session) recordCheck(it Item, chk store.Check) error {
	s.batchMu.Lock()
	if s.batching > 0 {
		if it.IsRemote() {
			s.batchRemote[it.ID] = chk
		} else {
			s.batchLocal[it.ID] = chk
		}
		s.batchMu.Unlock()
		return nil
	}
	s.batchMu.Unlock()
	if it.IsRemote() {
		return s.opts.Store.SetRemoteCheck(it.ID, chk)
	}
	return s.opts.Store.SetLastCheck(it.ID, chk)
}

// BatchChecks defers the recording of check outcomes until the returned
// flush is called, which writes them all in one write of the index (and
// one of config.json for Flashback configurations): `test --all` of 1,000
// configurations then rewrites configs.json once, not 1,000 times. Call
// flush exactly once, also on failure (outcomes already known are kept).
func (s *Session) BatchChecks() (flush func() error) {
	s.batchMu.Lock()
	if s.batching == 0 {
		s.batchLocal, s.batchRemote = map[string]store.Check{}, map[string]store.Check{}
	}
	s.batching++
	s.batchMu.Unlock()
	return func() error {
		s.batchMu.Lock()
		s.batching--
		if s.batching > 0 {
			s.batchMu.Unlock()
			return nil
		}
		local, remote := s.batchLocal, s.batchRemote
		s.batchLocal, s.batchRemote = nil, nil
		s.batchMu.Unlock()
		var errs []error
		if err := s.opts.Store.SetLastChecks(local); err != nil && !errors.Is(err, store.ErrNotFound) {
			errs = append(errs, err)
		}
		if len(remote) > 0 {
			errs = append(errs, s.opts.Store.UpdateSettings(func(st *store.Settings) {
				if st.RemoteChecks == nil {
					st.RemoteChecks = map[string]store.Check{}
				}
				maps.Copy(st.RemoteChecks, remote)
			}))
		}
		return errors.Join(errs...)
	}
}

// Names are the configuration names already used at d, for the form's
// uniqueness check (which must not do I/O itself).
func (s *Session) Names(ctx context.Context, d Destination) ([]string, error) {
	if d.Store != StoreFlashback {
		return s.opts.Store.Names(store.DefaultWorkspace), nil
	}
	api, err := s.API()
	if err != nil {
		return nil, err
	}
	llms, err := api.ListLLMs(ctx, d.Workspace.ID)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(llms))
	for i, l := range llms {
		names[i] = l.Name
	}
	return names, nil
}

// CanWrite reports whether the user may create and change configurations
// in w, with the reason when not.
func CanWrite(w client.Workspace) (bool, string) {
	if err := RequireWrite(w); err != nil {
		return false, err.Error()
	}
	return true, ""
}

// RoleError is a change refused before anything is sent because the
// user's role in the workspace does not allow it. It is a
// client.ErrForbidden, so it explains as flashback.forbidden.
type RoleError struct {
	Workspace client.Workspace
}

func (e *RoleError) Error() string {
	return fmt.Sprintf("your role in %s is %s; adding or changing configurations needs WRITE or ADMIN", e.Workspace.Name, strings.ToUpper(e.Workspace.Role.String()))
}

// Is makes a RoleError a client.ErrForbidden.
func (e *RoleError) Is(target error) bool { return target == client.ErrForbidden }

// RequireWrite returns a *RoleError when the user's role in w does not allow
// adding, changing or deleting configurations.
func RequireWrite(w client.Workspace) error {
	if w.Role.CanWrite() {
		return nil
	}
	return &RoleError{Workspace: w}
}

// sameEndpoint reports whether the form's endpoint is only the normalised
// spelling of the stored one (the form drops a trailing /v1 that the probe
// adds back, for example): saving an unchanged form must not rewrite what
// the platform stores.
func sameEndpoint(it Item, ch Change) bool {
	typ := ch.AIType
	if typ == "" {
		typ = it.AIType
	}
	ep, err := input.NormalizeEndpoint(typ, it.Endpoint)
	return err == nil && ep.URL == ch.Endpoint
}
