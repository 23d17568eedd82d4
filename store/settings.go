package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// settingsVersion is the config.json format this code writes.
const settingsVersion = 1

// Settings is the application settings file config.json in the config
// directory. It holds no secrets.
type Settings struct {
	// Version is the file format; SaveSettings sets it.
	Version int `json:"version"`
	// Mode is "local" or "flashback", chosen at first-run setup; "" means
	// setup has not been done.
	Mode string `json:"mode,omitempty"`
	// APIURL is the Flashback API base URL, if not the default.
	APIURL string `json:"apiUrl,omitempty"`
	// Workspace is the current workspace id or name.
	Workspace string `json:"workspace,omitempty"`
	// SignedIn records that a Flashback refresh token was saved in the
	// keyring (and for which API URL), so that commands can tell "not
	// signed in" without unlocking the keyring to look. Not a secret.
	SignedIn string `json:"signedIn,omitempty"`
	// RemoteChecks are the last connection checks of Flashback
	// configurations, by configuration id (local ones keep theirs in the
	// index). Only a status word and a time: nothing secret.
	RemoteChecks map[string]Check `json:"remoteChecks,omitempty"`
	// Workspaces are the names of the Flashback workspaces the user could
	// reach when last listed, remembered for shell completion, which must
	// not call the network. Not secret.
	Workspaces []string `json:"workspaces,omitempty"`
}

// Settings reads config.json. A missing file gives zero Settings and nil.
// A file that cannot be parsed (or has a newer version) is moved aside and
// reported as a *CorruptIndexError, like configs.json.
func (s *Store) Settings() (Settings, error) {
	st, err := readSettingsFile(s.settingsPath)
	if err == nil {
		return st, nil
	}
	var perr *parseError
	if !errors.As(err, &perr) {
		return Settings{}, fmt.Errorf("settings: %w", err)
	}
	unlock, err := s.lockNoCtx()
	if err != nil {
		return Settings{}, fmt.Errorf("settings: %w", err)
	}
	defer unlock()
	st, err = s.loadSettingsLocked()
	if err != nil {
		return Settings{}, fmt.Errorf("settings: %w", err)
	}
	return st, nil
}

// SaveSettings replaces config.json atomically (0600) under the lock. If
// the existing file cannot be parsed it is moved aside and reported first,
// and nothing is written; calling again then writes.
func (s *Store) SaveSettings(st Settings) error {
	return s.UpdateSettings(func(cur *Settings) { *cur = st })
}

// UpdateSettings applies edit to config.json as one read-modify-write under
// the lock, so two instances changing different settings (the current
// workspace, a check result) never undo each other.
func (s *Store) UpdateSettings(edit func(*Settings)) error {
	unlock, err := s.lockNoCtx()
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	defer unlock()
	st, err := s.loadSettingsLocked()
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	edit(&st)
	st.Version = settingsVersion
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	if err := writeFileAtomic(s.settingsPath, append(data, '\n')); err != nil {
		return fmt.Errorf("save settings: write %s: %w", s.settingsPath, err)
	}
	return nil
}

func (s *Store) loadSettingsLocked() (Settings, error) {
	st, err := readSettingsFile(s.settingsPath)
	var perr *parseError
	if errors.As(err, &perr) {
		moved, merr := moveAside(s.settingsPath, s.now())
		if merr != nil {
			return Settings{}, &CorruptIndexError{Path: s.settingsPath, Err: errors.Join(perr.err, merr)}
		}
		return Settings{}, &CorruptIndexError{Path: s.settingsPath, MovedTo: moved, Err: perr.err}
	}
	return st, err
}

// readSettingsFile decodes config.json; version 0 (hand-written file
// without a version) is read as version 1.
func readSettingsFile(path string) (Settings, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Settings{}, nil
	}
	if err != nil {
		return Settings{}, err
	}
	var st Settings
	if err := json.Unmarshal(data, &st); err != nil {
		return Settings{}, &parseError{fmt.Errorf("parse: %w", err)}
	}
	if st.Version > settingsVersion || st.Version < 0 {
		return Settings{}, &parseError{fmt.Errorf("unsupported settings version %d (this fbllm reads version %d)", st.Version, settingsVersion)}
	}
	return st, nil
}

// SetRemoteCheck records the last check of a Flashback configuration.
func (s *Store) SetRemoteCheck(id string, chk Check) error {
	return s.UpdateSettings(func(st *Settings) {
		if st.RemoteChecks == nil {
			st.RemoteChecks = map[string]Check{}
		}
		st.RemoteChecks[id] = chk
	})
}
