package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/store"
)

func (c *cli) rmCmd() *cobra.Command {
	var (
		yes, asJSON bool
		sf          scopeFlags
	)
	cmd := &cobra.Command{
		Use:     "rm REF",
		Aliases: []string{"delete"},
		Short:   "Delete a configuration and its secret (asks first)",
		Long: `Delete a configuration and its secret, after confirmation (--yes to skip).
A Flashback configuration still attached to repositories is refused with
their names: detach it from them first.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			sess, it, err := c.resolveItem(ctx, args[0], &sf)
			if err != nil {
				return c.maybeJSONError(asJSON, err)
			}
			where := "Flashback workspace " + it.WorkspaceName
			if it.IsRemote() {
				if err := c.requireWrite(ctx, sess, it.WorkspaceID); err != nil {
					return c.maybeJSONError(asJSON, err)
				}
			} else if it.Local != nil {
				where = "the " + store.BackendLabel(it.Local.SecretBackend)
			}
			if !yes {
				ok, err := c.confirm(ctx, fmt.Sprintf("Delete %q and its secret from %s?", it.Name, where))
				if errors.Is(err, errNoTTY) {
					return c.maybeJSONError(asJSON, usageErrorf("refusing to delete without confirmation: pass --yes"))
				}
				if err != nil {
					return err
				}
				if !ok {
					c.notef("Kept %q.", it.Name)
					return nil
				}
			}
			if !it.IsRemote() {
				// Deleting is a change like any other: the passphrase
				// first, and nothing is deleted without it.
				if err := c.unlock(ctx, sess.Store()); err != nil {
					return c.maybeJSONError(asJSON, err)
				}
			}
			if err := sess.Delete(ctx, it); err != nil {
				return c.maybeJSONError(asJSON, err)
			}
			if asJSON {
				return c.printJSON(map[string]any{"deleted": itemJSON(it)})
			}
			fmt.Fprintf(c.env.stdout, "✓ Deleted %q (%s) and its secret from %s\n", it.Name, it.ID, where)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	sf.registerLookup(cmd, "look")
	return cmd
}
