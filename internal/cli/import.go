package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"errors"
	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/keyscan"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/toolenv"
	"os"
	"unicode"

	"github.com/fbllm/fbllm/internal/redact"
)

// importFrom are the values of import --from: the environment and the
// kinds of files keyscan reads.
var importFrom = append([]string{keyscan.KindEnv}, assets.KeyFileKinds...)

// importPlan is what import found and decided, candidate by candidate.
type importPlan struct {
	rows []importRow
}

// importRow is one candidate with the decision about it.
type importRow struct {
	cand   keyscan.Candidate
	name   string // the configuration name it gets, when imported
	action string // "import", "held" (fbllm has it already) or "skip"
	reason string // why it is skipped
	change session.Change
}

// importJSON is one row of import --json.
type importJSON struct {
	keyscan.Candidate
	Action string      `json:"action"`
	Name   string      `json:"name,omitempty"`
	Reason string      `json:"reason,omitempty"`
	Config *configJSON `json:"config,omitempty"`
	Error  string      `json:"error,omitempty"`
}

func (c *cli) importCmd() *cobra.Command {
	var (
		from                []string
		dryRun, yes, asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "import [PATH...]",
		Short: "Store provider keys found on this machine in the encrypted keyring",
		Long: `Find provider keys this machine keeps in clear — the environment
(OPENAI_API_KEY, ANTHROPIC_API_KEY, …), .env files, ~/.aws/credentials and
~/.aws/config, and the key files of common AI tools (llm, OpenCode, Crush,
aider, Codex CLI, Gemini CLI, mods) — and store the chosen ones as local
configurations, encrypted. PATH names more .env files to read.

Each key is listed with where it was found, the type guessed from its name
and shape, and its fingerprint (never the value); a key fbllm already holds
is not imported twice. import never edits or deletes the files it reads:
afterwards it says where the plaintext copies remain and how to replace
them with fbllm exec.`,
		Example: `  fbllm import --dry-run
  fbllm import --yes
  fbllm import --from dotenv ./prod.env --yes --json
  fbllm import --from aws`,
		RunE: func(cmd *cobra.Command, args []string) error {
			fail := func(err error) error { return c.maybeJSONError(asJSON, err) }
			for _, f := range from {
				if !slices.Contains(importFrom, f) {
					return fail(usageErrorf("--from must be %s, not %q", orList(importFrom), f))
				}
			}
			if len(args) > 0 && len(from) > 0 && !slices.Contains(from, "dotenv") {
				return fail(usageErrorf("PATH names .env files: add --from dotenv, or leave --from out"))
			}
			for _, p := range args {
				if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
					return fail(usageErrorf("%s is not a file fbllm can read (import PATH reads .env files)", redact.Terminal(p)))
				}
			}
			if len(args) > 0 && len(from) == 0 {
				// Files named on the command line are what to read.
				from = []string{"dotenv"}
			}
			plan, err := c.importPlan(cmd.Context(), from, args)
			if err != nil {
				return fail(err)
			}
			todo := plan.count("import")
			if dryRun || todo == 0 {
				if asJSON {
					return c.printJSON(plan.json(nil, nil))
				}
				c.printImportPlan(plan)
				if todo == 0 && !dryRun {
					c.notef("Nothing new to import.")
				}
				return nil
			}
			if !asJSON {
				c.printImportPlan(plan)
			}
			if !yes {
				ok, err := c.confirm(cmd.Context(), fmt.Sprintf("Store %d key%s in the encrypted keyring?", todo, plural(todo)))
				if errors.Is(err, errNoTTY) {
					return fail(usageErrorf("no terminal to confirm on: pass --yes to import the %d new key%s, or --dry-run to list them", todo, plural(todo)))
				}
				if err != nil {
					return err
				}
				if !ok {
					c.notef("Nothing imported.")
					return nil
				}
			}
			return c.runImport(cmd.Context(), plan, asJSON)
		},
	}
	cmd.Flags().StringSliceVar(&from, "from", nil, "look only in `"+strings.Join(importFrom, "|")+"` (repeatable; default: everywhere)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be imported and change nothing")
	cmd.Flags().BoolVar(&yes, "yes", false, "import every new key without asking")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the candidates and what happened to each as JSON")
	return cmd
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// importPlan scans the machine and decides, for every key found, whether
// to import it and under which name. It reads the index only (what fbllm
// holds is known by fingerprint), never the keyring.
func (c *cli) importPlan(ctx context.Context, from, extra []string) (importPlan, error) {
	sess, err := c.session()
	if err != nil {
		return importPlan{}, err
	}
	opts := c.scanOptions()
	opts.Extra, opts.Kinds = extra, from
	res := keyscan.Scan(opts)
	for _, p := range res.Problems {
		c.notef("note: %s", p)
	}
	l, err := sess.List(ctx, session.Scope{Store: session.StoreLocal})
	if err != nil {
		return importPlan{}, err
	}
	names := make([]string, 0, len(l.Items))
	held := make([]string, 0, len(l.Items))
	for _, it := range l.Items {
		names = append(names, it.Name)
		held = append(held, it.SecretFingerprint)
	}
	res.MarkHeld(held)
	var plan importPlan
	for _, cand := range res.Candidates {
		row := importRow{cand: cand, action: "import"}
		switch {
		case cand.Held:
			row.action = "held"
		case cand.Unstorable() != "":
			row.action, row.reason = "skip", cand.Unstorable()
		default:
			row.change, row.reason = importChange(cand)
			if row.reason != "" {
				row.action = "skip"
			}
		}
		if row.action == "import" {
			row.name = uniqueName(printableName(importName(cand)), names)
			row.change.Name = row.name
			names = append(names, row.name)
		}
		plan.rows = append(plan.rows, row)
	}
	return plan, nil
}

// importChange is the configuration a candidate becomes, or why it
// cannot become one.
func importChange(cand keyscan.Candidate) (session.Change, string) {
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
		return session.Change{}, "no endpoint is known for it: add it with fbllm add --type OTHER --endpoint URL"
	}
	ep, err := input.NormalizeEndpoint(cand.Type, endpoint)
	if err != nil {
		return session.Change{}, "its endpoint is not usable: " + err.Error()
	}
	cred := cand.Credentials()
	secret, err := input.SanitizeSecret(cred.Secret)
	if err != nil {
		return session.Change{}, "the secret is not usable: " + err.Error()
	}
	key, err := input.SanitizeKey(cred.Key)
	if err != nil {
		return session.Change{}, "the key is not usable: " + err.Error()
	}
	if key.Value == "" && input.RequiresKey(cand.Type, secret.Value) {
		return session.Change{}, "the access key ID was not found beside the secret"
	}
	region := cmpOr(ep.Region, cand.Region)
	return session.Change{AIType: cand.Type, Endpoint: ep.URL, Region: region, Key: &key.Value, Secret: &secret.Value}, ""
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
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
// taken (compared case-insensitively, as names are) and fits the 64
// characters a name may have.
func uniqueName(name string, taken []string) string {
	name = truncateRunes(name, 64)
	free := func(n string) bool {
		return !slices.ContainsFunc(taken, func(t string) bool { return strings.EqualFold(t, n) })
	}
	if free(name) {
		return name
	}
	for i := 2; ; i++ {
		suffix := fmt.Sprintf(" %d", i)
		n := truncateRunes(name, 64-len(suffix)) + suffix
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

func (p importPlan) count(action string) int {
	n := 0
	for _, r := range p.rows {
		if r.action == action {
			n++
		}
	}
	return n
}

// printImportPlan lists the candidates for people, on stderr when stdout is
// kept for JSON, and never with a value.
func (c *cli) printImportPlan(p importPlan) {
	if len(p.rows) == 0 {
		c.notef("No provider keys found in clear on this machine.")
		return
	}
	t := newTable("ACTION", "TYPE", "FINGERPRINT", "FOUND IN", "NAME")
	// Where it was found and what it becomes stay readable; the type and
	// then the fingerprint go first on a narrow terminal.
	t.min[3], t.min[4] = 24, 20
	t.drop = []int{1, 2}
	for _, r := range p.rows {
		sources := make([]string, len(r.cand.Locations))
		for i, l := range r.cand.Locations {
			sources[i] = l.Source
		}
		what := r.name
		switch r.action {
		case "held":
			what = "fbllm already holds it"
		case "skip":
			what = r.reason
		}
		t.add(r.action, string(r.cand.Type), r.cand.Fingerprint, strings.Join(sources, ", "), what)
	}
	t.render(c.env.stdout, c.width())
}

// runImport stores the chosen candidates and says where the plaintext
// copies remain.
func (c *cli) runImport(ctx context.Context, p importPlan, asJSON bool) error {
	sess, err := c.session()
	if err != nil {
		return c.maybeJSONError(asJSON, err)
	}
	if err := c.unlock(ctx, sess.Store()); err != nil {
		return c.maybeJSONError(asJSON, err)
	}
	saved := map[int]session.Item{}
	failed := map[int]error{}
	for i, r := range p.rows {
		if r.action != "import" {
			continue
		}
		it, err := sess.Create(ctx, session.Destination{Store: session.StoreLocal}, r.change)
		if err != nil {
			failed[i] = err
			continue
		}
		saved[i] = it
	}
	if asJSON {
		if err := c.printJSON(p.json(saved, failed)); err != nil {
			return err
		}
	} else {
		c.reportImport(p, saved, failed)
	}
	if len(failed) > 0 {
		return &cliError{code: exitFailed, silent: true, msg: fmt.Sprintf("%d of %d keys could not be imported", len(failed), len(failed)+len(saved))}
	}
	return nil
}

// reportImport says what was stored and where the plaintext copies remain,
// with the command that replaces each.
func (c *cli) reportImport(p importPlan, saved map[int]session.Item, failed map[int]error) {
	var remain []string
	for i, r := range p.rows {
		if it, ok := saved[i]; ok {
			fmt.Fprintf(c.env.stdout, "✓ Stored %q (%s, %s)\n", it.Name, it.AIType, it.SecretFingerprint)
			for _, l := range r.cand.Locations {
				remain = append(remain, fmt.Sprintf("  %s — then run the tool with: %s…", l.Source, toolenv.CommandLine(it.Name)))
			}
		}
		if err, ok := failed[i]; ok {
			c.notef("✗ %s: %s", r.name, session.Explain(err).Line())
		}
	}
	if len(remain) > 0 {
		fmt.Fprintln(c.env.stdout, "\nThe plaintext copies are still where they were (fbllm never edits them). Remove each line:")
		for _, l := range remain {
			fmt.Fprintln(c.env.stdout, l)
		}
	}
}

func (p importPlan) json(saved map[int]session.Item, failed map[int]error) []importJSON {
	out := make([]importJSON, 0, len(p.rows))
	for i, r := range p.rows {
		row := importJSON{Candidate: r.cand, Action: r.action, Name: r.name, Reason: r.reason}
		if it, ok := saved[i]; ok {
			cj := itemJSON(it)
			row.Config = &cj
		}
		if err, ok := failed[i]; ok {
			row.Error = session.Explain(err).Code
		}
		out = append(out, row)
	}
	return out
}
