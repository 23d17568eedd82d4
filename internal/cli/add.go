package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
	"github.com/fbllm/fbllm/ui"
)

// configFlags are the flags shared by add, edit and (later) ad-hoc test.
// Credentials come only from environment variables or stdin: no flag takes
// a secret value, so secrets never land in shell history or `ps` output.
type configFlags struct {
	name, typ, endpoint, region string
	storeName, workspace        string
	keyEnv, secretEnv           string
	secretStdin                 bool
	asJSON                      bool
}

func (f *configFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.name, "name", "", "configuration name (unique in the workspace, case-insensitive)")
	fl.StringVar(&f.typ, "type", "", "AI LLM type: OPENAI, GOOGLE, ANTHROPIC, AWS or OTHER")
	fl.StringVar(&f.endpoint, "endpoint", "", "API endpoint (normalised; every rewrite is reported)")
	fl.StringVar(&f.region, "region", "", "AWS region, when the endpoint host does not carry one")
	fl.StringVar(&f.storeName, "store", "", "where to save: local (this machine's keyring) or flashback (default: flashback when setup chose it or --workspace names a Flashback workspace, else local)")
	fl.StringVar(&f.workspace, "workspace", "", "Flashback workspace (id or name) instead of the current one; \"local\" is this machine")
	fl.StringVar(&f.keyEnv, "key-env", "", "read the API key from this environment variable")
	fl.StringVar(&f.secretEnv, "secret-env", "", "read the API secret from this environment variable")
	fl.BoolVar(&f.secretStdin, "secret-stdin", false, "read the API secret from the first line of stdin")
	fl.BoolVar(&f.asJSON, "json", false, "print the saved configuration as JSON")
	cmd.MarkFlagsMutuallyExclusive("secret-env", "secret-stdin")
}

// hasSecretSource reports whether a secret was supplied on the command line.
func (f *configFlags) hasSecretSource() bool { return f.secretEnv != "" || f.secretStdin }

// credentials reads and sanitises the key and secret sources, printing what
// was cleaned up on stderr. The values themselves are never printed.
func (c *cli) credentials(f *configFlags) (key, secret *input.Sanitized, err error) {
	if f.keyEnv != "" {
		raw := c.env.getenv(f.keyEnv)
		if raw == "" {
			return nil, nil, usageErrorf("environment variable %s (from --key-env) is empty or not set", f.keyEnv)
		}
		k, err := input.SanitizeKey(raw)
		if err != nil {
			return nil, nil, err
		}
		c.reportCleanup("key", k)
		key = &k
	}
	var raw string
	switch {
	case f.secretEnv != "":
		raw = c.env.getenv(f.secretEnv)
		if raw == "" {
			return nil, nil, usageErrorf("environment variable %s (from --secret-env) is empty or not set", f.secretEnv)
		}
	case f.secretStdin:
		if raw, err = readSecretLine(c.env.stdin); err != nil {
			return nil, nil, err
		}
		if strings.TrimSpace(raw) == "" {
			return nil, nil, usageErrorf("--secret-stdin read an empty line")
		}
	default:
		return key, nil, nil
	}
	s, err := input.SanitizeSecret(raw)
	if err != nil {
		return nil, nil, err
	}
	c.reportCleanup("secret", s)
	return key, &s, nil
}

func (c *cli) reportCleanup(field string, s input.Sanitized) {
	if len(s.Removed) > 0 {
		c.notef("note: removed %s from the %s", strings.Join(s.Removed, " and "), field)
	}
	for _, w := range s.Warnings {
		c.notef("warning (%s): %s", field, w)
	}
}

func (c *cli) addCmd() *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add a configuration (interactive form, or flags for scripts)",
		Long: `Add an AI LLM configuration.

In a terminal without flags it opens the guided form. With --name, --type,
--endpoint and a secret source it runs without prompting: the secret comes
from --secret-env VAR or --secret-stdin, the optional key from --key-env VAR.

Where it is saved: --store flashback|local when given; otherwise the current
Flashback workspace when setup chose Flashback or --workspace names a
Flashback workspace, else this machine's keyring. A workspace where your role
is READ is refused before the secret is read.`,
		Example: `  fbllm add
  OPENAI_KEY=… fbllm add --name prod --type OPENAI --endpoint https://api.openai.com/v1 --secret-env OPENAI_KEY
  pass show openai | fbllm add --name prod --type OPENAI --endpoint https://api.openai.com/v1 --secret-stdin --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			scripted := f.name != "" || f.typ != "" || f.endpoint != "" || f.hasSecretSource() || f.keyEnv != ""
			if !scripted {
				if !c.interactive() {
					return c.maybeJSONError(f.asJSON, usageErrorf("no terminal for the form: give --name, --type, --endpoint and --secret-env or --secret-stdin"))
				}
				return c.runTUI(cmd, ui.Options{Start: ui.StartAdd})
			}
			cfg, err := c.addScripted(cmd.Context(), &f)
			if err != nil {
				return c.maybeJSONError(f.asJSON, err)
			}
			return c.printSaved(cfg, f.asJSON)
		},
	}
	f.register(cmd)
	return cmd
}

// scope is the lookup scope of edit's REF.
func (f *configFlags) scope() *scopeFlags {
	return &scopeFlags{storeName: f.storeName, workspace: f.workspace}
}

// destination decides where add saves: --store when given, else Flashback
// when --workspace names a Flashback workspace or setup chose Flashback,
// else this machine. The choice is made before any secret is read, so the
// user can be told where it will go.
func (c *cli) destination(ctx context.Context, f *configFlags) (*session.Session, session.Destination, error) {
	sess, err := c.session()
	if err != nil {
		return nil, session.Destination{}, err
	}
	namesFlashback := f.workspace != "" && !strings.EqualFold(f.workspace, store.DefaultWorkspace)
	remote := false
	switch f.storeName {
	case session.StoreFlashback:
		remote = true
	case session.StoreLocal:
		if namesFlashback {
			return nil, session.Destination{}, usageErrorf("--store local has one workspace, %q; --workspace %q names a Flashback one", store.DefaultWorkspace, f.workspace)
		}
	case "":
		if namesFlashback {
			remote = true
		} else if f.workspace == "" {
			st, err := sess.Store().Settings()
			remote = err == nil && st.Mode == session.ModeFlashback
		}
	default:
		return nil, session.Destination{}, usageErrorf("--store must be local or flashback, not %q", f.storeName)
	}
	if !remote {
		return sess, session.Destination{Store: session.StoreLocal}, nil
	}
	if f.workspace != "" && !namesFlashback {
		return nil, session.Destination{}, usageErrorf("--workspace local is this machine; it cannot be used with --store flashback")
	}
	if _, err := c.flashback(ctx); err != nil {
		return nil, session.Destination{}, err
	}
	var w client.Workspace
	if namesFlashback {
		w, err = sess.FindWorkspace(ctx, f.workspace)
	} else {
		w, err = sess.CurrentWorkspace(ctx)
	}
	if err != nil {
		return nil, session.Destination{}, err
	}
	if ok, why := session.CanWrite(w); !ok {
		return nil, session.Destination{}, &cliError{code: exitFailed, diag: "flashback.forbidden", err: client.ErrForbidden, msg: why}
	}
	return sess, session.Destination{Store: session.StoreFlashback, Workspace: w}, nil
}

// addScripted adds a configuration from flags, without prompting except for
// the keyring passphrase when a terminal allows it.
func (c *cli) addScripted(ctx context.Context, f *configFlags) (session.Item, error) {
	if err := checkStoreFlag(f.storeName); err != nil {
		return session.Item{}, err
	}
	var missing []string
	for _, m := range []struct{ name, val string }{{"--name", f.name}, {"--type", f.typ}, {"--endpoint", f.endpoint}} {
		if m.val == "" {
			missing = append(missing, m.name)
		}
	}
	if !f.hasSecretSource() {
		missing = append(missing, "--secret-env or --secret-stdin")
	}
	if len(missing) > 0 {
		return session.Item{}, usageErrorf("missing %s", strings.Join(missing, ", "))
	}
	typ, err := assets.ParseAIType(f.typ)
	if err != nil {
		return session.Item{}, usageErrorf("%v", err)
	}
	sess, dest, err := c.destination(ctx, f)
	if err != nil {
		return session.Item{}, err
	}
	names, err := sess.Names(ctx, dest)
	if err != nil {
		return session.Item{}, err
	}
	name, err := input.ValidateName(f.name, names, "")
	if err != nil {
		return session.Item{}, err
	}
	ep, err := c.endpoint(typ, f)
	if err != nil {
		return session.Item{}, err
	}
	if dest.Store == session.StoreFlashback && f.region != "" {
		c.notef("note: Flashback keeps no region: --region is ignored; put the region in the endpoint host")
	}
	key, secret, err := c.credentials(f)
	if err != nil {
		return session.Item{}, err
	}
	keyVal := ""
	if key != nil {
		keyVal = key.Value
	}
	if keyVal == "" && input.RequiresKey(typ, secret.Value) {
		return session.Item{}, &cliError{code: exitUsage, diag: "auth.missing_key",
			msg: fmt.Sprintf("%s needs the access key ID: pass --key-env VAR (or use a Bedrock API key as the secret)", typ)}
	}
	c.reportHints(input.KeyShapeHints(typ, ep.URL, keyVal, secret.Value))
	if dest.Store == session.StoreLocal {
		if err := c.unlock(ctx, sess.Store()); err != nil {
			return session.Item{}, err
		}
	}
	ch := session.Change{Name: name, AIType: typ, Endpoint: ep.URL, Region: ep.Region, Secret: &secret.Value}
	if keyVal != "" {
		ch.Key = &keyVal
	}
	return sess.Create(ctx, dest, ch)
}

// endpoint normalises --endpoint for the type and reports every rewrite.
func (c *cli) endpoint(typ assets.AIType, f *configFlags) (input.Endpoint, error) {
	ep, err := input.NormalizeEndpoint(typ, f.endpoint)
	if err != nil {
		return ep, err
	}
	if s := ep.RewriteSummary(); s != "" {
		c.notef("note: %s", s)
	}
	for _, w := range ep.Warnings {
		c.notef("warning: %s", w)
	}
	if f.region != "" {
		ep.Region = f.region
	}
	return ep, nil
}

func (c *cli) reportHints(hints []input.Hint) {
	for _, h := range hints {
		c.notef("warning: %s", h.Message)
	}
}

// printSaved reports a saved configuration: JSON on stdout with --json,
// otherwise a confirmation line.
func (c *cli) printSaved(it session.Item, asJSON bool) error {
	if asJSON {
		return writeJSON(c.env.stdout, itemJSON(it))
	}
	if it.IsRemote() {
		fmt.Fprintf(c.env.stdout, "✓ Saved %q (%s) in Flashback workspace %s\n", it.Name, it.ID, it.WorkspaceName)
		return nil
	}
	backend := ""
	if it.Local != nil {
		backend = it.Local.SecretBackend
	}
	fmt.Fprintf(c.env.stdout, "✓ Saved %q (%s) on this machine · secret in the %s\n", it.Name, it.ID, store.BackendLabel(backend))
	return nil
}
