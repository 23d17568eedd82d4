package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/session"
)

func (c *cli) showCmd() *cobra.Command {
	var (
		asJSON bool
		sf     scopeFlags
	)
	cmd := &cobra.Command{
		Use:   "show REF",
		Short: "Show one configuration (secret as fingerprint only)",
		Long: `Show one configuration. REF is an id or a name (case-insensitive), looked
up on this machine and in the current Flashback workspace (see --store and
--workspace).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, it, err := c.resolveItem(cmd.Context(), args[0], &sf)
			if err != nil {
				return c.maybeJSONError(asJSON, err)
			}
			if asJSON {
				return c.printJSON(itemJSON(it))
			}
			writeItemDetail(c.env.stdout, it)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	sf.registerLookup(cmd, "look")
	return cmd
}

// maybeJSONError reports err as a JSON error object when --json is set.
func (c *cli) maybeJSONError(asJSON bool, err error) error {
	if asJSON {
		return c.jsonError(err)
	}
	return err
}

// resolveItem finds the configuration REF names (an id, or a name compared
// case-insensitively) in the scope of the flags.
func (c *cli) resolveItem(ctx context.Context, ref string, sf *scopeFlags) (*session.Session, session.Item, error) {
	sc, err := sf.scope()
	if err != nil {
		return nil, session.Item{}, err
	}
	sess, err := c.sessionFor(ctx, sf)
	if err != nil {
		return nil, session.Item{}, err
	}
	it, err := sess.Resolve(ctx, ref, sc)
	return sess, it, err
}
