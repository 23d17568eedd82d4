package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/session"
)

// sessionFor returns the session for a command working in scope f: ready
// for API calls when Flashback is asked for, otherwise without touching the
// keyring.
func (c *cli) sessionFor(ctx context.Context, f *scopeFlags) (*session.Session, error) {
	if f.storeName == session.StoreLocal {
		return c.session()
	}
	sess, err := c.session()
	if err != nil {
		return nil, err
	}
	if f.remoteAsked() {
		return c.flashback(ctx)
	}
	if sess.SignedInHint() && !sess.TokenFromEnv() && c.interactive() {
		// Flashback mode: the sign-in is in the keyring. A failure to
		// unlock only costs the Flashback half (Listing.Problem), but
		// ctrl+c at the prompt still cancels.
		if err := c.unlock(ctx, sess.Store()); err != nil && classify(err, c.noInput).code == exitCancelled {
			return nil, err
		}
	}
	return sess, nil
}

func (c *cli) listCmd() *cobra.Command {
	var (
		asJSON bool
		sf     scopeFlags
	)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List configurations of the current workspace",
		Long: `List configurations: this machine's, and those of the current Flashback
workspace when signed in (--store, --workspace and --all-workspaces narrow or
widen that). Local configurations come from the non-secret index: listing
never decrypts a secret.`,
		Example: `  fbllm list
  fbllm list --store flashback --workspace Research --json
  fbllm list --all-workspaces`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			fail := func(err error) error { return c.maybeJSONError(asJSON, err) }
			sc, err := sf.scope()
			if err != nil {
				return fail(err)
			}
			sess, err := c.sessionFor(ctx, &sf)
			if err != nil {
				return fail(err)
			}
			l, err := sess.List(ctx, sc)
			if err != nil {
				return fail(err)
			}
			if l.Problem != nil {
				// Only the Flashback half is missing: the local ones are
				// printed at once and the warning says why the rest is
				// not. The exit code is the problem's (PRODUCT §3: the
				// listing did not fully succeed) — unless the user simply
				// is not signed in (signed out, no FLASHBACK_TOKEN): then
				// there is nothing to list there, and that is no failure.
				ce := classify(l.Problem, c.noInput)
				if ce.diag == "flashback.unauthenticated" && !sess.StoredSignIn() && !sess.TokenFromEnv() && sf.storeName == "" {
					c.notef("note: not signed in to Flashback: only this machine's configurations are listed (fbllm login)")
				} else {
					c.warnf("Flashback configurations are not listed: %s [%s]", ce.Error(), ce.diag)
					c.exit = ce.code
				}
			}
			if asJSON {
				out := make([]configJSON, 0, len(l.Items))
				for _, it := range l.Items {
					out = append(out, itemJSON(it))
				}
				return c.printJSON(out)
			}
			if len(l.Items) == 0 && c.env.stdoutTTY {
				c.notef("No configurations yet. Run `fbllm` to add one, or `fbllm add --help`.")
				return nil
			}
			writeItemTable(c.env.stdout, l.Items, c.width())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	sf.registerLookup(cmd, "list from")
	sf.registerAllWorkspaces(cmd)
	return cmd
}
