package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/store"
)

func (c *cli) rmCmd() *cobra.Command {
	var yes, asJSON bool
	cmd := &cobra.Command{
		Use:     "rm REF",
		Aliases: []string{"delete"},
		Short:   "Delete a configuration and its secret (asks first)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, cfg, err := c.resolve(args[0])
			if err != nil {
				return c.maybeJSONError(asJSON, err)
			}
			if !yes {
				ok, err := c.confirm(cmd.Context(), fmt.Sprintf("Delete %q and its secret from the %s?", cfg.Name, store.BackendLabel(cfg.SecretBackend)))
				if errors.Is(err, errNoTTY) {
					return c.maybeJSONError(asJSON, usageErrorf("refusing to delete without confirmation: pass --yes"))
				}
				if err != nil {
					return err
				}
				if !ok {
					c.notef("Kept %q.", cfg.Name)
					return nil
				}
			}
			if err := st.Delete(cmd.Context(), cfg.ID); err != nil {
				return c.maybeJSONError(asJSON, err)
			}
			if asJSON {
				return writeJSON(c.env.stdout, map[string]any{"deleted": localConfigJSON(cfg)})
			}
			fmt.Fprintf(c.env.stdout, "✓ Deleted %q (%s) and its secret\n", cfg.Name, cfg.ID)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
