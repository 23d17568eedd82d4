package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/internal/redact"
	"github.com/fbllm/fbllm/store"
)

// Where a configuration lives (PRODUCT §1 "store").
const (
	StoreLocal     = "local"
	StoreFlashback = "flashback"
	StoreAll       = "all"
)

// LocalWorkspaceName is how the local store's single workspace is shown.
const LocalWorkspaceName = "this machine"

// Item is one configuration, local or Flashback, in the PRODUCT §5 shape.
// It never holds a credential.
type Item struct {
	ID                string
	Name              string
	AIType            assets.AIType
	Endpoint          string
	Region            string // local AWS configs only
	KeyFingerprint    string // local: our fingerprint; Flashback: the masked key the API returns
	SecretFingerprint string // local only: the platform never returns anything of the secret
	WorkspaceID       string
	WorkspaceName     string
	Store             string // StoreLocal or StoreFlashback
	Repos             []client.RepoRef
	CreatedAt         time.Time
	UpdatedAt         time.Time
	LastCheck         *store.Check
	// Local is the index entry of a local configuration.
	Local *store.Config
}

// IsRemote reports whether the item lives in a Flashback workspace.
func (it Item) IsRemote() bool { return it.Store == StoreFlashback }

// Ref is the report's view of the item.
func (it Item) Ref() diagnose.ConfigRef {
	return diagnose.ConfigRef{ID: it.ID, Name: it.Name, AIType: it.AIType, Endpoint: it.Endpoint, Store: it.Store}
}

// LocalItem is the Item of a local index entry.
func LocalItem(c store.Config) Item {
	cc := c
	return localItem(&cc)
}

// localItem is the Item of c, which it keeps as Item.Local: c must not
// change afterwards.
func localItem(c *store.Config) Item {
	ws := c.Workspace
	if ws == "" {
		ws = store.DefaultWorkspace
	}
	return Item{
		ID: c.ID, Name: oneLineSafe(c.Name), AIType: assets.AIType(c.AIType), Endpoint: oneLineSafe(c.Endpoint), Region: oneLineSafe(c.Region),
		KeyFingerprint: c.KeyFingerprint, SecretFingerprint: c.SecretFingerprint,
		WorkspaceID: ws, WorkspaceName: LocalWorkspaceName, Store: StoreLocal,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, LastCheck: c.LastCheck, Local: c,
	}
}

// oneLineSafe makes text from the index safe to show: names and endpoints
// are checked when saved, but a hand-edited configs.json could carry a
// terminal escape, a line break or a bidi override into every view.
func oneLineSafe(s string) string {
	if isOneLinePlain(s) {
		return s // the common case, without the three copies below (30,000 at 10,000 configurations)
	}
	return strings.Join(strings.Fields(redact.Terminal(s)), " ")
}

// isOneLinePlain reports whether oneLineSafe would return s unchanged
// because there is nothing to remove: printable ASCII (no escape, no
// control character) with no space at either end or next to another.
func isOneLinePlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || c == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' ') {
			return false
		}
	}
	return true
}

func remoteItem(l client.LLM, wsName string, checks map[string]store.Check) Item {
	it := Item{
		ID: l.ID, Name: l.Name, AIType: l.AIType, Endpoint: l.Endpoint,
		KeyFingerprint: l.MaskedKey, WorkspaceID: l.WorkspaceID, WorkspaceName: wsName,
		Store: StoreFlashback, Repos: l.Repos, CreatedAt: l.CreatedAt, UpdatedAt: l.CreatedAt,
	}
	if chk, ok := checks[l.ID]; ok {
		it.LastCheck = &chk
	}
	return it
}

// Scope says which configurations a listing or a lookup covers.
type Scope struct {
	// Store is StoreLocal, StoreFlashback, StoreAll or "" (automatic:
	// Flashback too when a sign-in is likely, see SignedInHint; a Flashback
	// failure then becomes Listing.Problem instead of an error).
	Store string
	// Workspace is a Flashback workspace id or name instead of the current
	// one ("local" selects the local store's workspace).
	Workspace string
	// AllWorkspaces lists every reachable workspace.
	AllWorkspaces bool
}

func (sc Scope) wantsLocal() bool {
	if sc.Workspace != "" && !strings.EqualFold(sc.Workspace, store.DefaultWorkspace) && sc.Store != StoreLocal {
		return false // a Flashback workspace was named
	}
	return sc.Store != StoreFlashback
}

func (s *Session) wantsRemote(sc Scope) (want, strict bool) {
	switch sc.Store {
	case StoreLocal:
		return false, false
	case StoreFlashback:
		return true, true
	case StoreAll:
		return true, false
	}
	if sc.Workspace != "" && !strings.EqualFold(sc.Workspace, store.DefaultWorkspace) {
		return true, true
	}
	return s.SignedInHint() || sc.AllWorkspaces, false
}

// Listing is the result of List.
type Listing struct {
	Items []Item
	// Workspace is the Flashback workspace listed (nil when only local
	// configurations were listed, or for AllWorkspaces).
	Workspace *client.Workspace
	// Workspaces are the reachable workspaces when Flashback was asked.
	Workspaces []client.Workspace
	// Problem is why Flashback configurations are missing from an
	// automatic listing (not signed in, unreachable, no workspace chosen);
	// the local ones are still there.
	Problem error
}

// List returns the configurations of the scope: local ones from the index
// (no keyring call) and Flashback ones from the API.
func (s *Session) List(ctx context.Context, sc Scope) (Listing, error) {
	var out Listing
	resort := false
	if sc.wantsLocal() {
		cfgs, err := s.opts.Store.List()
		if err != nil {
			return out, err
		}
		// cfgs is List's own copy: the items point into it instead of
		// each copying its entry (10,000 allocations at 10,000).
		if len(cfgs) > 0 {
			out.Items = make([]Item, len(cfgs))
		}
		for i := range cfgs {
			out.Items[i] = localItem(&cfgs[i])
			// A name made safe to show (oneLineSafe) may sort elsewhere.
			resort = resort || out.Items[i].Name != cfgs[i].Name
		}
	}
	local := len(out.Items)
	want, strict := s.wantsRemote(sc)
	if want {
		remote, ws, wss, err := s.listRemote(ctx, sc)
		out.Workspaces = wss
		if err != nil {
			if strict {
				return out, err
			}
			out.Problem = err
		} else {
			out.Workspace = ws
			out.Items = append(out.Items, remote...)
		}
	}
	if resort || len(out.Items) > local {
		// store.List has the local ones in this order already (by name,
		// case-insensitively, then workspace and id); only Flashback's
		// need sorting in.
		sortItems(out.Items)
	}
	return out, nil
}

func (s *Session) listRemote(ctx context.Context, sc Scope) ([]Item, *client.Workspace, []client.Workspace, error) {
	api, err := s.API()
	if err != nil {
		return nil, nil, nil, err
	}
	wss, err := s.Workspaces(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	checks := s.remoteChecks()
	names := make(map[string]string, len(wss))
	for _, w := range wss {
		names[w.ID] = w.Name
	}
	if sc.AllWorkspaces {
		llms, err := api.ListLLMs(ctx, "")
		if err != nil {
			return nil, nil, wss, err
		}
		items := make([]Item, 0, len(llms))
		for _, l := range llms {
			items = append(items, remoteItem(l, names[l.WorkspaceID], checks))
		}
		return items, nil, wss, nil
	}
	var ws client.Workspace
	if sc.Workspace != "" {
		ws, err = s.FindWorkspace(ctx, sc.Workspace)
	} else {
		ws, err = s.CurrentWorkspace(ctx)
	}
	if err != nil {
		return nil, nil, wss, err
	}
	llms, err := api.ListLLMs(ctx, ws.ID)
	if err != nil {
		return nil, nil, wss, err
	}
	items := make([]Item, 0, len(llms))
	for _, l := range llms {
		items = append(items, remoteItem(l, ws.Name, checks))
	}
	return items, &ws, wss, nil
}

func (s *Session) remoteChecks() map[string]store.Check {
	st, err := s.opts.Store.Settings()
	if err != nil {
		return nil
	}
	return st.RemoteChecks
}

// sortItems orders Flashback configurations first (by workspace), then
// local ones, each by name.
func sortItems(items []Item) {
	slices.SortStableFunc(items, func(a, b Item) int {
		if c := cmp.Compare(a.Store, b.Store); c != 0 { // "flashback" < "local"
			return c
		}
		if c := cmp.Compare(strings.ToLower(a.WorkspaceName), strings.ToLower(b.WorkspaceName)); c != 0 {
			return c
		}
		return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
}

// AmbiguousError is a name that matches several configurations.
type AmbiguousError struct {
	Ref        string
	Candidates []Item
}

func (e *AmbiguousError) Error() string {
	parts := make([]string, len(e.Candidates))
	for i, c := range e.Candidates {
		parts[i] = fmt.Sprintf("%s (%s, %s)", c.Name, c.ID, c.WorkspaceName)
	}
	return fmt.Sprintf("%q matches several configurations: %s; use the id", e.Ref, strings.Join(parts, "; "))
}

// NotVisibleError means the configuration is not in the workspace looked
// at. Found is where it is, when a reachable workspace has it.
type NotVisibleError struct {
	Ref       string
	Workspace client.Workspace // the workspace looked at
	Found     *Item
}

func (e *NotVisibleError) Error() string {
	if e.Found != nil {
		return fmt.Sprintf("%q is not in workspace %s; it is in %s", e.Ref, e.Workspace.Name, e.Found.WorkspaceName)
	}
	return fmt.Sprintf("%q is in none of the workspaces you can reach", e.Ref)
}

// Unwrap makes a NotVisibleError a store.ErrNotFound for callers that only
// care that the config is not here.
func (e *NotVisibleError) Unwrap() error { return store.ErrNotFound }

// Resolve finds one configuration by id or case-insensitive name in the
// scope. Not found is an error wrapping store.ErrNotFound; when the scope
// is one Flashback workspace and another reachable workspace has it, the
// error is a *NotVisibleError carrying it.
func (s *Session) Resolve(ctx context.Context, ref string, sc Scope) (Item, error) {
	ref = strings.TrimSpace(ref)
	l, err := s.List(ctx, sc)
	if err != nil {
		return Item{}, err
	}
	if it, err := pick(ref, l.Items); err == nil || !errors.Is(err, store.ErrNotFound) {
		return it, err
	}
	want, _ := s.wantsRemote(sc)
	if want && !sc.AllWorkspaces && l.Workspace != nil {
		all, err := s.List(ctx, Scope{Store: StoreFlashback, AllWorkspaces: true})
		if err == nil {
			if it, err := pick(ref, all.Items); err == nil {
				return it, &NotVisibleError{Ref: ref, Workspace: *l.Workspace, Found: &it}
			}
		}
		return Item{}, &NotVisibleError{Ref: ref, Workspace: *l.Workspace}
	}
	if l.Problem != nil {
		// REF may well be on the platform, which could not be listed: the
		// listing's own error (a refused FLASHBACK_TOKEN is exit 4, an
		// unreachable API exit 1) says why, "not found" would be a guess.
		return Item{}, fmt.Errorf("%q is not a configuration of this machine, and the Flashback configurations could not be listed: %w", ref, l.Problem)
	}
	return Item{}, fmt.Errorf("%w: no configuration %q", store.ErrNotFound, ref)
}

func pick(ref string, items []Item) (Item, error) {
	for _, it := range items {
		if it.ID == ref {
			return it, nil
		}
	}
	var hits []Item
	for _, it := range items {
		if strings.EqualFold(it.Name, ref) {
			hits = append(hits, it)
		}
	}
	switch len(hits) {
	case 0:
		return Item{}, store.ErrNotFound
	case 1:
		return hits[0], nil
	}
	return Item{}, &AmbiguousError{Ref: ref, Candidates: hits}
}
