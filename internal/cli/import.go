package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/internal/redact"
	"github.com/fbllm/fbllm/keyscan"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/toolenv"
)

// importFrom are the values of import --from: the environment and the
// kinds of files keyscan reads.
var importFrom = append([]string{keyscan.KindEnv}, assets.KeyFileKinds...)

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
			todo := plan.Count(session.ImportNew)
			if dryRun || todo == 0 {
				if asJSON {
					return c.printJSON(importJSONOf(plan, nil, nil))
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
// to import it and under which name (session.PlanImport). Files that could
// not be read are noted on stderr.
func (c *cli) importPlan(ctx context.Context, from, extra []string) (session.ImportPlan, error) {
	sess, err := c.session()
	if err != nil {
		return session.ImportPlan{}, err
	}
	opts := c.scanOptions()
	opts.Extra, opts.Kinds = extra, from
	plan, err := sess.PlanImport(ctx, opts)
	if err != nil {
		return session.ImportPlan{}, err
	}
	for _, p := range plan.Problems {
		c.notef("note: %s", p)
	}
	return plan, nil
}

// printImportPlan lists the candidates for people, on stderr when stdout is
// kept for JSON, and never with a value.
func (c *cli) printImportPlan(p session.ImportPlan) {
	if len(p.Rows) == 0 {
		c.notef("No provider keys found in clear on this machine.")
		return
	}
	t := newTable("ACTION", "TYPE", "FINGERPRINT", "FOUND IN", "NAME")
	// Where it was found and what it becomes stay readable; the type and
	// then the fingerprint go first on a narrow terminal.
	t.min[3], t.min[4] = 24, 20
	t.drop = []int{1, 2}
	for _, r := range p.Rows {
		sources := make([]string, len(r.Candidate.Locations))
		for i, l := range r.Candidate.Locations {
			sources[i] = l.Source
		}
		what := r.Name
		switch r.Action {
		case session.ImportHeld:
			what = "fbllm already holds it"
		case session.ImportSkip:
			what = r.Reason
		}
		t.add(string(r.Action), string(r.Candidate.Type), r.Candidate.Fingerprint, strings.Join(sources, ", "), what)
	}
	t.render(c.env.stdout, c.width())
}

// runImport stores the chosen candidates and says where the plaintext
// copies remain.
func (c *cli) runImport(ctx context.Context, p session.ImportPlan, asJSON bool) error {
	sess, err := c.session()
	if err != nil {
		return c.maybeJSONError(asJSON, err)
	}
	if err := c.unlock(ctx, sess.Store()); err != nil {
		return c.maybeJSONError(asJSON, err)
	}
	saved := map[int]session.Item{}
	failed := map[int]error{}
	for i, r := range p.Rows {
		if r.Action != session.ImportNew {
			continue
		}
		it, err := sess.Create(ctx, session.Destination{Store: session.StoreLocal}, r.Change)
		if err != nil {
			failed[i] = err
			continue
		}
		saved[i] = it
	}
	if asJSON {
		if err := c.printJSON(importJSONOf(p, saved, failed)); err != nil {
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
func (c *cli) reportImport(p session.ImportPlan, saved map[int]session.Item, failed map[int]error) {
	var remain []string
	for i, r := range p.Rows {
		if it, ok := saved[i]; ok {
			fmt.Fprintf(c.env.stdout, "✓ Stored %q (%s, %s)\n", it.Name, it.AIType, it.SecretFingerprint)
			for _, l := range r.Candidate.Locations {
				remain = append(remain, fmt.Sprintf("  %s — then run the tool with: %s…", l.Source, toolenv.CommandLine(it.Name)))
			}
		}
		if err, ok := failed[i]; ok {
			c.notef("✗ %s: %s", r.Name, session.Explain(err).Line())
		}
	}
	if len(remain) > 0 {
		fmt.Fprintln(c.env.stdout, "\nThe plaintext copies are still where they were (fbllm never edits them). Remove each line:")
		for _, l := range remain {
			fmt.Fprintln(c.env.stdout, l)
		}
	}
}

func importJSONOf(p session.ImportPlan, saved map[int]session.Item, failed map[int]error) []importJSON {
	out := make([]importJSON, 0, len(p.Rows))
	for i, r := range p.Rows {
		row := importJSON{Candidate: r.Candidate, Action: string(r.Action), Name: r.Name, Reason: r.Reason}
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
