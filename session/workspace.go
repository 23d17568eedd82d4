package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/store"
)

// ChooseWorkspaceError means several workspaces are reachable and none is
// chosen yet: the caller shows a picker or asks for --workspace / `fbllm
// use`.
type ChooseWorkspaceError struct {
	Workspaces []client.Workspace
}

func (e *ChooseWorkspaceError) Error() string {
	names := make([]string, len(e.Workspaces))
	for i, w := range e.Workspaces {
		names[i] = w.Name
	}
	return fmt.Sprintf("%d workspaces are reachable (%s) and none is chosen", len(e.Workspaces), strings.Join(names, ", "))
}

// WorkspaceNotFoundError means a workspace reference matched none of the
// reachable workspaces.
type WorkspaceNotFoundError struct {
	Ref        string
	Source     string // "--workspace", "FBLLM_WORKSPACE" or "config.json"
	Workspaces []client.Workspace
}

func (e *WorkspaceNotFoundError) Error() string {
	names := make([]string, len(e.Workspaces))
	for i, w := range e.Workspaces {
		names[i] = w.Name
	}
	if len(names) == 0 {
		return fmt.Sprintf("workspace %q (%s) is not reachable: this account has no workspace", e.Ref, e.Source)
	}
	return fmt.Sprintf("workspace %q (%s) is not one you can reach; yours: %s", e.Ref, e.Source, strings.Join(names, ", "))
}

// ErrNoWorkspace means the account reaches no workspace at all.
var ErrNoWorkspace = errors.New("this Flashback account has no workspace yet: create one in the web app or ask an admin to add you")

// Workspaces lists the workspaces the user can reach, with their role. The
// list is cached for the session (Refresh drops it).
func (s *Session) Workspaces(ctx context.Context) ([]client.Workspace, error) {
	s.mu.Lock()
	cached := s.workspaces
	s.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	api, err := s.API()
	if err != nil {
		return nil, err
	}
	wss, err := api.Workspaces(ctx)
	if err != nil {
		return nil, err
	}
	if wss == nil {
		wss = []client.Workspace{}
	}
	s.mu.Lock()
	s.workspaces = wss
	s.mu.Unlock()
	s.rememberWorkspaceNames(wss)
	return wss, nil
}

// rememberWorkspaceNames keeps the reachable workspaces' names for shell
// completion (best effort: completion only suggests).
func (s *Session) rememberWorkspaceNames(wss []client.Workspace) {
	names := make([]string, len(wss))
	for i, w := range wss {
		names[i] = w.Name
	}
	if st, err := s.opts.Store.Settings(); err == nil && slices.Equal(st.Workspaces, names) {
		return
	}
	_ = s.opts.Store.UpdateSettings(func(st *store.Settings) { st.Workspaces = names })
}

// Completion is what shell completion may offer without unlocking the
// keyring or calling the network: the names of the configurations on this
// machine and of the workspaces seen when last listed.
type Completion struct {
	Configs    []CompletionRef
	Workspaces []string
}

// CompletionRef is a configuration as completion offers it.
type CompletionRef struct{ Name, ID string }

// CompletionData reads it from the index and the settings.
func (s *Session) CompletionData() Completion {
	var c Completion
	if cfgs, err := s.opts.Store.List(); err == nil {
		for _, cfg := range cfgs {
			c.Configs = append(c.Configs, CompletionRef{Name: cfg.Name, ID: cfg.ID})
		}
	}
	if st, err := s.opts.Store.Settings(); err == nil {
		c.Workspaces = st.Workspaces
	}
	return c
}

// FindWorkspace resolves a workspace id or (case-insensitive) name among
// the reachable ones.
func (s *Session) FindWorkspace(ctx context.Context, ref string) (client.Workspace, error) {
	wss, err := s.Workspaces(ctx)
	if err != nil {
		return client.Workspace{}, err
	}
	if w, ok := matchWorkspace(wss, ref); ok {
		return w, nil
	}
	return client.Workspace{}, &WorkspaceNotFoundError{Ref: ref, Source: "--workspace", Workspaces: wss}
}

func matchWorkspace(wss []client.Workspace, ref string) (client.Workspace, bool) {
	ref = strings.TrimSpace(ref)
	for _, w := range wss {
		if w.ID == ref {
			return w, true
		}
	}
	for _, w := range wss {
		if strings.EqualFold(w.Name, ref) {
			return w, true
		}
	}
	return client.Workspace{}, false
}

// CurrentWorkspace picks the workspace as the web app does:
// FBLLM_WORKSPACE, else the saved choice, else the only one, else the one
// marked default; otherwise *ChooseWorkspaceError. A saved choice that is
// no longer reachable is ignored (the user lost access); an FBLLM_WORKSPACE
// that matches nothing is an error, because a script asked for it.
func (s *Session) CurrentWorkspace(ctx context.Context) (client.Workspace, error) {
	wss, err := s.Workspaces(ctx)
	if err != nil {
		return client.Workspace{}, err
	}
	if ref := strings.TrimSpace(s.opts.Getenv(EnvWorkspace)); ref != "" {
		if w, ok := matchWorkspace(wss, ref); ok {
			return w, nil
		}
		return client.Workspace{}, &WorkspaceNotFoundError{Ref: ref, Source: EnvWorkspace, Workspaces: wss}
	}
	if st, err := s.opts.Store.Settings(); err == nil && st.Workspace != "" {
		if w, ok := matchWorkspace(wss, st.Workspace); ok {
			return w, nil
		}
	}
	switch len(wss) {
	case 0:
		return client.Workspace{}, ErrNoWorkspace
	case 1:
		return wss[0], nil
	}
	var def []client.Workspace
	for _, w := range wss {
		if w.Default {
			def = append(def, w)
		}
	}
	if len(def) == 1 {
		return def[0], nil
	}
	return client.Workspace{}, &ChooseWorkspaceError{Workspaces: wss}
}

// Use makes ref the current workspace and saves the choice (by id, so a
// rename does not lose it).
func (s *Session) Use(ctx context.Context, ref string) (client.Workspace, error) {
	w, err := s.FindWorkspace(ctx, ref)
	if err != nil {
		return w, err
	}
	return w, s.opts.Store.UpdateSettings(func(st *Settings) { st.Workspace = w.ID })
}
