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

// destination decides where add saves: --store when given, else Flashback
// when --workspace names a Flashback workspace or setup chose Flashback,
// else this machine. The choice is made before any secret is read, so the
// user can be told where it will go.
func (c *cli) destination(ctx context.Context, f *configFlags) (*session.Session, session.Destination, error) {
	sess, err := c.session()
	if err != nil {
		return nil, session.Destination{}, err
	}
	if _, err := f.scope(); err != nil {
		return nil, session.Destination{}, err
	}
	remote := f.storeName == session.StoreFlashback || f.storeName == "" && f.namesFlashbackWorkspace()
	if f.storeName == "" && f.workspace == "" {
		st, err := sess.Store().Settings()
		remote = err == nil && st.Mode == session.ModeFlashback
	}
	if !remote {
		return sess, session.Destination{Store: session.StoreLocal}, nil
	}
	if _, err := c.flashback(ctx); err != nil {
		return nil, session.Destination{}, err
	}
	var w client.Workspace
	if f.namesFlashbackWorkspace() {
		w, err = sess.FindWorkspace(ctx, f.workspace)
	} else {
		w, err = sess.CurrentWorkspace(ctx)
	}
	if err != nil {
		return nil, session.Destination{}, err
	}
	if err := session.RequireWrite(w); err != nil {
		return nil, session.Destination{}, err
	}
	return sess, session.Destination{Store: session.StoreFlashback, Workspace: w}, nil
}

// addScripted adds a configuration from flags, without prompting except for
// the keyring passphrase when a terminal allows it.
func (c *cli) addScripted(ctx context.Context, f *configFlags) (session.Item, error) {
	if _, err := f.scope(); err != nil {
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
	typ, err := input.ParseType(f.typ)
	if err != nil {
		return session.Item{}, err
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
	key, secret, err := c.credentials(&f.credFlags)
	if err != nil {
		return session.Item{}, err
	}
	keyVal := ""
	if key != nil {
		keyVal = key.Value
	}
	if keyVal == "" && input.RequiresKey(typ, secret.Value) {
		return session.Item{}, &input.InputError{Code: "auth.missing_key", Field: input.FieldKey,
			Msg: fmt.Sprintf("%s needs the access key ID: pass --key-env VAR (or use a Bedrock API key as the secret)", typ)}
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
		if ep.Region != "" && !strings.EqualFold(ep.Region, f.region) {
			// The host decides where requests go; a different --region would
			// be shown but not used.
			return ep, usageErrorf("--region %s contradicts the endpoint's region %s: change one of them", f.region, ep.Region)
		}
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
		return c.printJSON(itemJSON(it))
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
