package store

import (
	"encoding/json"
	"errors"
	"fmt"
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
// A file that cannot be parsed is moved aside and reported as a
// *CorruptIndexError naming both paths, like configs.json — once: the next
// call finds no file. Callers must show that error rather than carry on
// with zero Settings, or the user's mode, workspace and API URL are reset
// without a word. A file written by a newer fbllm is refused with a
// *NewerVersionError and left alone; one over MaxFileSize with a
// *TooLargeError.
func (s *Store) Settings() (Settings, error) {
	st, err := readSettingsFile(s.settingsPath, s.uid)
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
	if err := writeFileAtomic(s.settingsPath, append(data, '\n'), s.uid); err != nil {
		return fmt.Errorf("save settings: write %s: %w", s.settingsPath, err)
	}
	return nil
}

func (s *Store) loadSettingsLocked() (Settings, error) {
	st, err := readSettingsFile(s.settingsPath, s.uid)
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
// without a version) is read as version 1. The version is read first: a
// newer file may not parse as this one.
func readSettingsFile(path string, uid int) (Settings, error) {
	data, err := readPrivateFile(path, uid, MaxFileSize)
	if err != nil || data == nil {
		return Settings{}, err
	}
	var v struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return Settings{}, &parseError{fmt.Errorf("parse: %w", err)}
	}
	switch {
	case v.Version > settingsVersion:
		return Settings{}, &NewerVersionError{Path: path, Version: v.Version, Supported: settingsVersion}
	case v.Version < 0:
		return Settings{}, &parseError{fmt.Errorf("impossible settings version %d", v.Version)}
	}
	var st Settings
	if err := json.Unmarshal(data, &st); err != nil {
		return Settings{}, &parseError{fmt.Errorf("parse: %w", err)}
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
