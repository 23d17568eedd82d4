package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// configJSON is the PRODUCT §5 shape of one configuration. Credentials never
// appear; their fingerprints are null when absent.
type configJSON struct {
	ID                string     `json:"id"`
	Name              string     `json:"name"`
	AIType            string     `json:"aiType"`
	Endpoint          string     `json:"endpoint"`
	Region            string     `json:"region,omitempty"`
	KeyFingerprint    *string    `json:"keyFingerprint"`
	SecretFingerprint *string    `json:"secretFingerprint"`
	WorkspaceID       string     `json:"workspaceId"`
	WorkspaceName     string     `json:"workspaceName"`
	Store             string     `json:"store"`
	Repos             []repoJSON `json:"repos"`
	CreatedAt         time.Time  `json:"createdAt"`
	UpdatedAt         time.Time  `json:"updatedAt"`
	LastCheck         *checkJSON `json:"lastCheck"`
}

type repoJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type checkJSON struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
	// Models are the models the check found the key can reach (how many,
	// and the first ids), when its probe listed them.
	Models *modelsJSON `json:"models,omitempty"`
}

type modelsJSON struct {
	Count int      `json:"count"`
	First []string `json:"first"`
}

// lastCheckJSON converts a recorded last check.
func lastCheckJSON(c *store.Check) *checkJSON {
	if c == nil {
		return nil
	}
	out := &checkJSON{Status: c.Status, At: c.At}
	if c.Models > 0 {
		out.Models = &modelsJSON{Count: c.Models, First: append([]string{}, c.ModelIDs...)}
	}
	return out
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// localConfigJSON converts a configuration of the local store.
func localConfigJSON(c store.Config) configJSON {
	ws := c.Workspace
	if ws == "" {
		ws = store.DefaultWorkspace
	}
	out := configJSON{
		ID: c.ID, Name: c.Name, AIType: c.AIType, Endpoint: c.Endpoint, Region: c.Region,
		KeyFingerprint: nullable(c.KeyFingerprint), SecretFingerprint: nullable(c.SecretFingerprint),
		WorkspaceID: ws, WorkspaceName: ws, Store: "local", Repos: []repoJSON{},
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
	out.LastCheck = lastCheckJSON(c.LastCheck)
	return out
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return s
}

// itemJSON converts a configuration of either store. A local one keeps the
// shape localConfigJSON always gave it; a Flashback one passes the API's
// masked key through as keyFingerprint and has no secret fingerprint (the
// platform returns nothing of the secret).
func itemJSON(it session.Item) configJSON {
	if it.Local != nil {
		return localConfigJSON(*it.Local)
	}
	out := configJSON{
		ID: it.ID, Name: it.Name, AIType: string(it.AIType), Endpoint: it.Endpoint,
		KeyFingerprint: nullable(it.KeyFingerprint), SecretFingerprint: nil,
		WorkspaceID: it.WorkspaceID, WorkspaceName: it.WorkspaceName, Store: it.Store,
		Repos: make([]repoJSON, 0, len(it.Repos)), CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
	}
	for _, r := range it.Repos {
		out.Repos = append(out.Repos, repoJSON{ID: r.ID, Name: r.Name})
	}
	out.LastCheck = lastCheckJSON(it.LastCheck)
	return out
}

// writeItemTable prints configurations of both stores for people, fitted
// to width. Piped (width 0), the first five tab-separated fields keep their
// old meaning (id, name, type, endpoint, secret fingerprint) and the store
// and workspace follow, so existing `cut` pipelines keep working.
func writeItemTable(w io.Writer, items []session.Item, width int) {
	if width <= 0 {
		for _, it := range items {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", it.ID, it.Name, it.AIType, it.Endpoint,
				orNone(it.SecretFingerprint), it.Store, it.WorkspaceName)
		}
		return
	}
	t := newTable("NAME", "TYPE", "ENDPOINT", "WHERE", "CREDENTIAL", "UPDATED")
	// The name and endpoint stay readable; on a narrow terminal the
	// update date goes first, then the fingerprint, then where it lives,
	// then the type (show has them all).
	t.min[0], t.min[2] = 20, 20
	t.drop = []int{5, 4, 3, 1}
	for _, it := range items {
		cred := orNone(it.SecretFingerprint)
		where := "local"
		if it.IsRemote() {
			cred = "key " + orNone(it.KeyFingerprint)
			where = it.WorkspaceName
		}
		t.add(it.Name, string(it.AIType), it.Endpoint, where, cred, it.UpdatedAt.Local().Format(time.DateOnly))
	}
	t.render(w, width)
}

// writeItemDetail prints every fact of one configuration for people, in
// the words the app's detail pane uses (session.Details); credentials appear
// as fingerprints only.
func writeItemDetail(w io.Writer, it session.Item) {
	for _, f := range session.Details(it, "") {
		fmt.Fprintf(w, "%-11s %s\n", f.Label+":", f.Value)
	}
}
