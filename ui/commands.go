package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/forms"
	"github.com/fbllm/fbllm/store"
)

// Every side effect of the UI lives in this file: each constructor takes
// value copies of what it needs and returns a Cmd that performs the I/O off
// the update loop and reports exactly one message. Update and View never
// touch the disk, the keyring or the clock.

// keyringBudget bounds a whole keyring-touching Cmd. The store already puts
// a timeout on each keyring call; this is a backstop for the sequence.
const keyringBudget = 10 * time.Second

// storeLoadedMsg reports the start-up load: settings, the index and the
// keyring backend. A backend problem does not prevent browsing the index.
type storeLoadedMsg struct {
	settings      store.Settings
	configs       []store.Config
	listErr       error
	backend       store.BackendInfo
	backendErr    error
	passphraseSet bool
	locked        bool
	cache         store.CacheStatus
	// edit is the configuration `fbllm edit REF` opens, resolved here so
	// that Update never reads the index itself.
	edit    *store.Config
	editErr error
}

func loadStoreCmd(s *store.Store, editRef string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
		defer cancel()
		var m storeLoadedMsg
		m.settings, _ = s.Settings()
		m.configs, m.listErr = s.List()
		m.backend, m.backendErr = s.Backend(ctx)
		m.backend.Location = shortenHome(m.backend.Location)
		if m.backendErr == nil && m.backend.NeedsPassphrase {
			m.passphraseSet, _ = s.PassphraseSet(ctx)
		}
		m.locked = s.Locked()
		if m.backend.NeedsPassphrase {
			m.cache = s.PassphraseCache()
		}
		if editRef != "" {
			c, err := s.Resolve(editRef)
			m.edit, m.editErr = &c, err
		}
		return m
	}
}

// shortenHome writes a path under the home directory as ~/…, for display.
func shortenHome(p string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" || p == "" {
		return p
	}
	if rel, err := filepath.Rel(home, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.Join("~", rel)
	}
	return p
}

// configsLoadedMsg carries a fresh read of the index.
type configsLoadedMsg struct {
	configs []store.Config
	err     error
	// selectID puts the cursor on this config after the reload.
	selectID string
}

func listConfigsCmd(s *store.Store, selectID string) tea.Cmd {
	return func() tea.Msg {
		cfgs, err := s.List()
		return configsLoadedMsg{configs: cfgs, err: err, selectID: selectID}
	}
}

// saveRequest is a validated form result turned into what the store needs.
// It holds credentials in memory only for the duration of the save.
type saveRequest struct {
	editID     string // "" for a new configuration
	config     store.Config
	key        string
	secret     string
	keepKey    bool
	keepSecret bool
	// markSetup records the first-run choice once the first save succeeds.
	markSetup bool
}

// newSaveRequest turns a validated form result into a save request.
func newSaveRequest(r forms.Result, editing *store.Config) saveRequest {
	req := saveRequest{
		config: store.Config{
			Name:     r.Name,
			AIType:   string(r.Type),
			Endpoint: r.Endpoint.URL,
			Region:   r.Endpoint.Region,
		},
		key:        r.Key.Value,
		secret:     r.Secret.Value,
		keepKey:    r.KeepKey,
		keepSecret: r.KeepSecret,
	}
	if r.Key.Value != "" {
		req.config.KeyFingerprint = forms.Fingerprint(r.Key.Value)
	}
	if r.Secret.Value != "" {
		req.config.SecretFingerprint = forms.Fingerprint(r.Secret.Value)
	}
	if editing != nil {
		req.editID = editing.ID
		req.config.Workspace = editing.Workspace
		if r.KeepKey {
			req.config.KeyFingerprint = editing.KeyFingerprint
		}
		if r.KeepSecret {
			req.config.SecretFingerprint = editing.SecretFingerprint
		}
	}
	return req
}

// configSavedMsg reports the outcome of a save.
type configSavedMsg struct {
	req    saveRequest
	config store.Config
	err    error
}

func saveConfigCmd(s *store.Store, req saveRequest) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
		defer cancel()
		cfg, err := saveConfig(ctx, s, req)
		if err == nil && req.markSetup {
			st, _ := s.Settings()
			if st.Mode == "" {
				st.Mode = "local"
				err = s.SaveSettings(st)
			}
		}
		return configSavedMsg{req: req, config: cfg, err: err}
	}
}

// saveConfig adds or updates a configuration. When editing, credentials are
// only read and written when the user typed a new key or secret; a kept
// value is merged from the keyring so one item keeps holding both.
func saveConfig(ctx context.Context, s *store.Store, req saveRequest) (store.Config, error) {
	if req.editID == "" {
		return s.Add(ctx, req.config, store.Credentials{Key: req.key, Secret: req.secret})
	}
	var cred *store.Credentials
	if !req.keepKey || !req.keepSecret {
		c := store.Credentials{Key: req.key, Secret: req.secret}
		if req.keepKey || req.keepSecret {
			old, err := s.Credentials(ctx, req.editID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return store.Config{}, err
			}
			if req.keepKey {
				c.Key = old.Key
			}
			if req.keepSecret {
				c.Secret = old.Secret
			}
		}
		cred = &c
	}
	want := req.config
	return s.Update(ctx, req.editID, func(c *store.Config) error {
		c.Name, c.AIType, c.Endpoint, c.Region = want.Name, want.AIType, want.Endpoint, want.Region
		c.KeyFingerprint, c.SecretFingerprint = want.KeyFingerprint, want.SecretFingerprint
		return nil
	}, cred)
}

// configDeletedMsg reports the outcome of a delete.
type configDeletedMsg struct {
	config store.Config
	err    error
}

func deleteConfigCmd(s *store.Store, c store.Config) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
		defer cancel()
		return configDeletedMsg{config: c, err: s.Delete(ctx, c.ID)}
	}
}

// passphraseCheckedMsg reports whether a typed passphrase unlocked (or, the
// first time, initialised) the encrypted-file keyring, and whether it was
// remembered when the user asked for that.
type passphraseCheckedMsg struct {
	create      bool
	err         error
	remembered  bool
	rememberErr error
	cache       store.CacheStatus
}

func checkPassphraseCmd(s *store.Store, pass string, create, remember bool) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
		defer cancel()
		var err error
		if create {
			err = s.InitPassphrase(ctx, pass)
		} else {
			err = s.Unlock(ctx, pass)
		}
		m := passphraseCheckedMsg{create: create, err: err}
		if err == nil && remember {
			m.rememberErr = s.RememberPassphrase(store.PassphraseCacheTTL)
			m.remembered = m.rememberErr == nil
		}
		m.cache = s.PassphraseCache()
		return m
	}
}

// clearStatusMsg clears the transient status line if it is still the one
// with this id.
type clearStatusMsg struct{ id int }

func clearStatusCmd(id int, after time.Duration) tea.Cmd {
	return tea.Tick(after, func(time.Time) tea.Msg { return clearStatusMsg{id: id} })
}
