package cli

import (
	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/store"
	"github.com/fbllm/fbllm/ui"
)

func (c *cli) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "fbllm",
		Short: "Set up, browse and manage AI LLM configurations from the terminal",
		Long: `fbllm walks you through an AI LLM configuration (provider type, endpoint,
optional key, secret), keeps it in a Flashback workspace (fbllm login) or in
an encrypted keyring on this machine, and lets you browse, edit, rotate and
delete configurations from the keyboard.

Run it without arguments in a terminal for the interactive app. Secrets are
write-only: fbllm never shows, prints or logs them, and no flag takes one.`,
		Example: `  fbllm                       # open the app (setup on first run)
  fbllm login && fbllm use Production
  fbllm list --json           # configurations as JSON
  printf %s "$KEY" | fbllm add --name prod --type OPENAI --endpoint https://api.openai.com/v1 --secret-stdin`,
		Args: cobra.NoArgs,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			if noInputFromEnv(c.env.getenv) {
				c.noInput = true
			}
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !c.env.stdinTTY || !c.env.stdoutTTY {
				c.writeHelp(cmd, c.env.stdout)
				return usageErrorf("no terminal: run fbllm in a terminal for the interactive app, or use a subcommand")
			}
			if c.noInput {
				return usageErrorf("the interactive app needs input; --no-input was given")
			}
			return c.runTUI(cmd, ui.Options{Start: ui.StartAuto})
		},
	}
	root.PersistentFlags().BoolVar(&c.noInput, "no-input", false, "never prompt; fail with exit code 2 when input would be needed (also FBLLM_NO_INPUT=1)")
	root.AddCommand(
		c.setupCmd(), c.addCmd(), c.listCmd(), c.showCmd(), c.editCmd(), c.rmCmd(),
		c.statusCmd(), c.lockCmd(), c.passphraseCmd(), c.versionCmd(),
		c.loginCmd(), c.logoutCmd(), c.workspacesCmd(), c.useCmd(), c.statsCmd(),
		c.testCmd(), c.validateCmd(), c.doctorCmd(), c.demoCmd(),
		c.execCmd(), c.importCmd(), c.manCmd(),
	)
	c.catchCancel(root)
	c.installHelp(root)
	c.installCompletion(root)
	c.installJSONOptions(root)
	return root
}

// catchCancel wraps every command so that a cancellation (ctrl+c, esc out of
// a form) ends with exit code 130 and a plain note instead of an error
// handed to fang: fang styles errors by querying the terminal through stdin,
// which blocks when an interrupted prompt still holds stdin.
func (c *cli) catchCancel(cmd *cobra.Command) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			err := run(cmd, args)
			if err != nil && classify(err, c.noInput).code == exitCancelled {
				c.exit = exitCancelled
				c.notef("Cancelled.")
				return nil
			}
			return err
		}
	}
	for _, sub := range cmd.Commands() {
		c.catchCancel(sub)
	}
}

// runTUI starts the interactive app on the terminal.
func (c *cli) runTUI(cmd *cobra.Command, opts ui.Options) (err error) {
	st, err := c.store()
	if err != nil {
		return err
	}
	if !c.env.stdinTTY {
		return usageErrorf("the interactive form needs a terminal; use the flags (see --help)")
	}
	opts.Input = c.env.stdin
	opts.Output = c.env.stdout
	if !c.env.stdoutTTY {
		// stdout is piped: draw on the terminal behind stderr instead.
		opts.Output = c.env.stderr
	}
	opts.Env = c.env.environ
	if accessibleMode(c.env.getenv) {
		res, err := ui.RunAccessible(cmd.Context(), c.uiDeps(st), opts)
		c.reportSaved(res)
		return err
	}
	res, err := ui.Run(cmd.Context(), c.uiDeps(st), opts)
	c.reportSaved(res)
	return err
}

// reportSaved tells what a TUI session changed, one line per save, update
// and delete, on stderr after the alt screen is gone.
func (c *cli) reportSaved(res ui.Result) {
	verbs := map[string]string{"saved": "Saved", "imported": "Imported", "updated": "Updated", "rotated": "Updated (secret rotated)", "deleted": "Deleted"}
	for _, ch := range res.Changes {
		it := ch.Item
		where := "in Flashback workspace " + it.WorkspaceName
		switch {
		case ch.Action == "deleted" && it.IsRemote():
			where = "from Flashback workspace " + it.WorkspaceName
		case ch.Action == "deleted":
			where = "and its secret, from this machine"
		case !it.IsRemote():
			backend := ""
			if it.Local != nil {
				backend = it.Local.SecretBackend
			}
			where = "secret in the " + store.BackendLabel(backend)
		}
		verb := verbs[ch.Action]
		if verb == "" {
			verb = ch.Action
		}
		c.notef("✓ %s %q (%s) · %s", verb, it.Name, it.ID, where)
	}
}

// accessibleMode: FBLLM_ACCESSIBLE=1 or TERM=dumb switch to line-by-line
// prompts that screen readers can follow.
func accessibleMode(getenv func(string) string) bool {
	switch getenv("FBLLM_ACCESSIBLE") {
	case "1", "true", "yes":
		return true
	}
	return getenv("TERM") == "dumb"
}

// uiDeps hands the TUI the invocation's session (fbllm demo swaps in a
// simulated one).
func (c *cli) uiDeps(st *store.Store) ui.Deps {
	scan := c.scanOptions()
	sess, err := c.session()
	if err != nil {
		return ui.Deps{Store: st, Scan: &scan}
	}
	return ui.Deps{Store: st, Session: sess, Scan: &scan}
}
