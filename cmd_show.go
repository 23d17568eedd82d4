package main

import (
	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/store"
)

func (c *cli) showCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show REF",
		Short: "Show one configuration (secret as fingerprint only)",
		Long:  "Show one configuration. REF is an id or a name (case-insensitive).",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, cfg, err := c.resolve(args[0])
			if err != nil {
				return c.maybeJSONError(asJSON, err)
			}
			if asJSON {
				return writeJSON(c.env.stdout, localConfigJSON(cfg))
			}
			writeConfigDetail(c.env.stdout, cfg)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// maybeJSONError reports err as a JSON error object when --json is set.
func (c *cli) maybeJSONError(asJSON bool, err error) error {
	if asJSON {
		return c.jsonError(err, nil)
	}
	return err
}

// resolve opens the store and finds the configuration REF names (an id, or
// a name compared case-insensitively).
func (c *cli) resolve(ref string) (*store.Store, store.Config, error) {
	st, err := c.store()
	if err != nil {
		return nil, store.Config{}, err
	}
	cfg, err := st.Resolve(ref)
	return st, cfg, err
}
