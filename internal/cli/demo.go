package cli

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/internal/demo"
	"github.com/fbllm/fbllm/ui"
)

func (c *cli) demoCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Try fbllm against a simulated Flashback workspace (nothing leaves this machine)",
		Long: `Open the app against a built-in SIMULATED Flashback platform and simulated
providers, signed in as a demo user of a made-up organisation with two
workspaces, configurations of every type, repositories, blocking policies
and one configuration whose key was revoked.

Everything runs inside this process on 127.0.0.1, with a throw-away
in-memory keyring: your real configurations, keyring and sign-in are not
touched, and nothing is kept when you quit.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !c.env.stdinTTY || !c.env.stdoutTTY {
				return usageErrorf("fbllm demo is interactive: run it in a terminal")
			}
			if c.noInput {
				return usageErrorf("fbllm demo needs input; --no-input was given")
			}
			w, err := demo.Start(cmd.Context(), time.Now())
			if err != nil {
				return err
			}
			defer w.Close()
			opts := ui.Options{Start: ui.StartAuto, Input: c.env.stdin, Output: c.env.stdout, Env: c.env.environ}
			deps := ui.Deps{Store: w.Store, Session: w.Session}
			if accessibleMode(c.env.getenv) {
				// Screen-reader users get the same demo as prompts.
				_, err = ui.RunAccessible(cmd.Context(), deps, opts)
			} else {
				_, err = ui.Run(cmd.Context(), deps, opts)
			}
			if err == nil {
				c.notef("Demo over: the simulated workspace and its in-memory keyring are gone.")
			}
			return err
		},
	}
}
