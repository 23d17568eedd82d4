package session

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/keyscan"
)

// ImportAction is what import does with a key it found.
type ImportAction string

const (
	// ImportNew stores the key as a new local configuration.
	ImportNew ImportAction = "import"
	// ImportHeld: fbllm already holds the same secret.
	ImportHeld ImportAction = "held"
	// ImportSkip: the key cannot become a configuration; Reason says why.
	ImportSkip ImportAction = "skip"
)

// ImportRow is one key found on this machine and what import does with it.
type ImportRow struct {
	Candidate keyscan.Candidate
	Action    ImportAction
	// Name is the configuration the key becomes (ImportNew): unique among
	// the configurations on this machine and the other rows.
	Name string
	// Reason says why the key is skipped (ImportSkip).
	Reason string
	// Change is the configuration the key becomes (ImportNew). It holds
	// the credentials: hand it to Create or TestDraft, never to a view.
	Change Change
}

// ImportPlan is what a scan found and what import would do with each key.
// The CLI (`fbllm import`), the TUI's checklist and accessible mode all
// work from it, so they decide and name alike.
type ImportPlan struct {
	Rows []ImportRow
	// Problems are files that could not be read or parsed.
	Problems []keyscan.Problem
}

// Count returns how many rows have the action.
func (p ImportPlan) Count(a ImportAction) int {
	n := 0
	for _, r := range p.Rows {
		if r.Action == a {
			n++
		}
	}
	return n
}

// PlanImport scans this machine where opts say and decides, for every key
// found, whether to import it and under which name. It reads the index
// only (what fbllm holds is known by fingerprint), never the keyring.
func (s *Session) PlanImport(ctx context.Context, opts keyscan.Options) (ImportPlan, error) {
	res := keyscan.Scan(opts)
	l, err := s.List(ctx, Scope{Store: StoreLocal})
	if err != nil {
		return ImportPlan{}, err
	}
	names := make([]string, 0, len(l.Items))
	held := make([]string, 0, len(l.Items))
	for _, it := range l.Items {
		names = append(names, it.Name)
		held = append(held, it.SecretFingerprint)
	}
	res.MarkHeld(held)
	return ImportPlan{Rows: decideImports(res.Candidates, names), Problems: res.Problems}, nil
}

// decideImports makes a row of every candidate; taken are the names the
// new configurations must not collide with.
func decideImports(cands []keyscan.Candidate, taken []string) []ImportRow {
	taken = slices.Clone(taken)
	rows := make([]ImportRow, 0, len(cands))
	for _, cand := range cands {
		row := ImportRow{Candidate: cand, Action: ImportNew}
		switch {
		case cand.Held:
			row.Action = ImportHeld
		case cand.Unstorable() != "":
			row.Action, row.Reason = ImportSkip, cand.Unstorable()
		default:
			row.Change, row.Reason = importChange(cand)
			if row.Reason != "" {
				row.Action = ImportSkip
			}
		}
		if row.Action == ImportNew {
			row.Name = uniqueName(printableName(importName(cand)), taken)
			row.Change.Name = row.Name
			taken = append(taken, row.Name)
		}
		rows = append(rows, row)
	}
	return rows
}

// importChange is the configuration a candidate becomes, or why it
// cannot become one.
func importChange(cand keyscan.Candidate) (Change, string) {
	endpoint := cand.Endpoint
	if endpoint == "" && cand.Type == assets.AWS && cand.Region != "" {
		// The region found beside the key (a profile's, AWS_REGION) names
		// the endpoint, so the configuration and its test agree.
		endpoint = "https://bedrock-runtime." + cand.Region + ".amazonaws.com"
	}
	if endpoint == "" {
		if p, ok := assets.PresetFor(cand.Type); ok {
			endpoint = p.DefaultEndpoint
		}
	}
	if endpoint == "" {
		return Change{}, "no endpoint is known for it: add it with fbllm add --type OTHER --endpoint URL"
	}
	ep, err := input.NormalizeEndpoint(cand.Type, endpoint)
	if err != nil {
		return Change{}, "its endpoint is not usable: " + err.Error()
	}
	cred := cand.Credentials()
	secret, err := input.SanitizeSecret(cred.Secret)
	if err != nil {
		return Change{}, "the secret is not usable: " + err.Error()
	}
	key, err := input.SanitizeKey(cred.Key)
	if err != nil {
		return Change{}, "the key is not usable: " + err.Error()
	}
	if key.Value == "" && input.RequiresKey(cand.Type, secret.Value) {
		return Change{}, "the access key ID was not found beside the secret"
	}
	region := ep.Region
	if region == "" {
		region = cand.Region
	}
	return Change{AIType: cand.Type, Endpoint: ep.URL, Region: region, Key: &key.Value, Secret: &secret.Value}, ""
}

// importName names a configuration after its provider and where its key
// was found: "OpenAI (OPENAI_API_KEY)", "Anthropic (Crush)", "AWS Bedrock
// (profile work)", and for an OpenAI-compatible server the tool's own name
// for it: "groq (Crush)".
func importName(cand keyscan.Candidate) string {
	label := string(cand.Type)
	if p, ok := assets.PresetFor(cand.Type); ok {
		label = p.Label
	}
	if len(cand.Locations) == 0 {
		return label
	}
	l := cand.Locations[0]
	switch {
	case l.Kind == keyscan.KindEnv, l.Kind == "aws":
		return label + " (" + l.Entry + ")"
	case l.Kind == "dotenv", l.Kind == "shell":
		return label + " (" + filepath.Base(l.Path) + ")"
	case cand.Type == assets.Other && l.Entry != "":
		return l.Entry + " (" + l.Tool + ")"
	}
	return label + " (" + l.Tool + ")"
}

// printableName makes a name from found text fit the name rules: every
// control character, a line break or a tab from a hostile file included,
// becomes a space, so a name is always one printable line.
func printableName(s string) string {
	s = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// uniqueName returns name, or name with a number, so that it is not in
// taken (compared case-insensitively, as names are) and fits the length a
// name may have.
func uniqueName(name string, taken []string) string {
	name = truncateRunes(name, input.MaxNameLen)
	free := func(n string) bool {
		return !slices.ContainsFunc(taken, func(t string) bool { return strings.EqualFold(t, n) })
	}
	if free(name) {
		return name
	}
	for i := 2; ; i++ {
		suffix := fmt.Sprintf(" %d", i)
		n := truncateRunes(name, input.MaxNameLen-len(suffix)) + suffix
		if free(n) {
			return n
		}
	}
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n]))
}
