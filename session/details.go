package session

import (
	"fmt"
	"strings"
	"time"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/store"
)

// FactID names one row of a configuration's details, so a view can leave a
// row out (the app shows the name as the pane's title) or add to one (the
// user's role beside the workspace) without parsing labels.
type FactID string

// The rows of Details, in their order.
const (
	FactName      FactID = "name"
	FactType      FactID = "type"
	FactEndpoint  FactID = "endpoint"
	FactRegion    FactID = "region"
	FactKey       FactID = "key"
	FactSecret    FactID = "secret"
	FactWorkspace FactID = "workspace"
	FactStoredIn  FactID = "stored_in"
	FactRepos     FactID = "repos"
	FactLastCheck FactID = "last_check"
	FactModels    FactID = "models" // the models the last check found
	FactCreated   FactID = "created"
	FactUpdated   FactID = "updated"
	FactConfigID  FactID = "id"
)

// Fact is one row of a configuration's details: a label and a value for
// people. No value ever holds a credential, only fingerprints.
type Fact struct {
	ID    FactID
	Label string
	Value string
}

// neverTested is the last-check value of a configuration never checked.
const neverTested = "never tested"

// Details are the facts of a configuration, worded once for `fbllm show`,
// the app's detail pane and accessible mode. inUse labels the keyring
// backend in use, for a local configuration whose index entry does not say
// where its secret is kept.
func Details(it Item, inUse string) []Fact {
	typ := string(it.AIType)
	if p, ok := assets.PresetFor(it.AIType); ok {
		typ = p.Label
	}
	last := neverTested
	if it.LastCheck != nil {
		last = it.LastCheck.Status + " at " + it.LastCheck.At.Local().Format(time.DateTime)
	}
	facts := []Fact{
		{FactName, "Name", it.Name},
		{FactType, "Type", typ},
		{FactEndpoint, "Endpoint", it.Endpoint},
	}
	if it.Region != "" {
		facts = append(facts, Fact{FactRegion, "Region", it.Region})
	}
	facts = append(facts, Fact{FactKey, "Key", orNone(it.KeyFingerprint)})
	if it.IsRemote() {
		repos := make([]string, len(it.Repos))
		for i, r := range it.Repos {
			repos[i] = r.Name
		}
		facts = append(facts,
			Fact{FactSecret, "Secret", "write-only (Flashback never returns it)"},
			Fact{FactWorkspace, "Workspace", it.WorkspaceName + " (Flashback)"},
			Fact{FactRepos, "Repos", orNone(strings.Join(repos, ", "))},
		)
	} else {
		own := ""
		if it.Local != nil {
			own = it.Local.SecretBackend
		}
		where := inUse
		if own != "" || where == "" {
			where = store.BackendLabel(own)
		}
		facts = append(facts,
			Fact{FactSecret, "Secret", orNone(it.SecretFingerprint)},
			Fact{FactStoredIn, "Stored in", "this machine · " + where},
		)
	}
	facts = append(facts, Fact{FactLastCheck, "Last check", last})
	if it.LastCheck != nil && it.LastCheck.Models > 0 {
		facts = append(facts, Fact{FactModels, "Models", modelsLine(*it.LastCheck)})
	}
	facts = append(facts, Fact{FactCreated, "Created", it.CreatedAt.Local().Format(time.DateTime)})
	if !it.IsRemote() {
		facts = append(facts, Fact{FactUpdated, "Updated", it.UpdatedAt.Local().Format(time.DateTime)})
	}
	return append(facts, Fact{FactConfigID, "ID", it.ID})
}

// modelsLine says how many models the last check found and names the
// first ones: "12 (gpt-4o, gpt-4o-mini, o3, …)".
func modelsLine(c store.Check) string {
	s := fmt.Sprint(c.Models)
	if len(c.ModelIDs) > 0 {
		s += " (" + strings.Join(c.ModelIDs, ", ")
		if c.Models > len(c.ModelIDs) {
			s += ", …"
		}
		s += ")"
	}
	return s
}

// NeverTested reports whether a Details value is the last check of a
// configuration that was never checked.
func NeverTested(f Fact) bool { return f.ID == FactLastCheck && f.Value == neverTested }

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return s
}
