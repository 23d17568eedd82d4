package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/store"
)

func (c *cli) listCmd() *cobra.Command {
	var (
		asJSON        bool
		workspace     string
		allWorkspaces bool
		storeName     string
	)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List configurations of the current workspace",
		Long: `List configurations. Only the non-secret index is read: listing never
unlocks the keyring and never decrypts a secret.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fail := func(err error) error { return c.maybeJSONError(asJSON, err) }
			if err := checkStoreFlag(storeName); err != nil {
				return fail(err)
			}
			st, err := c.store()
			if err != nil {
				return fail(err)
			}
			cfgs, err := st.List()
			if err != nil {
				return fail(err)
			}
			if !allWorkspaces && workspace != "" {
				cfgs = filterWorkspace(cfgs, workspace)
			}
			if asJSON {
				out := make([]configJSON, 0, len(cfgs))
				for _, cfg := range cfgs {
					out = append(out, localConfigJSON(cfg))
				}
				return writeJSON(c.env.stdout, out)
			}
			if len(cfgs) == 0 && c.env.stdoutTTY {
				c.notef("No configurations yet. Run `fbllm` to add one, or `fbllm add --help`.")
				return nil
			}
			writeConfigTable(c.env.stdout, cfgs, c.env.stdoutTTY)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (PRODUCT §5 shape)")
	cmd.Flags().StringVar(&workspace, "workspace", "", "only this workspace (ID or name); the local store has one workspace, \"local\"")
	cmd.Flags().BoolVar(&allWorkspaces, "all-workspaces", false, "every workspace you can reach")
	cmd.Flags().StringVar(&storeName, "store", "local", "where to list from: local, flashback or all")
	return cmd
}

// checkStoreFlag validates --store. Flashback workspace mode is not part of
// this version, so asking for it is an explicit error rather than an empty
// list that looks like "no configurations".
func checkStoreFlag(s string) error {
	switch s {
	case "", "local", "all":
		return nil
	case "flashback":
		return &cliError{code: exitFailed, diag: "flashback.unavailable",
			msg: "Flashback workspace mode is not available in this version of fbllm; configurations are kept on this machine (--store local)"}
	}
	return usageErrorf("--store must be local, flashback or all, not %q", s)
}

func filterWorkspace(cfgs []store.Config, ws string) []store.Config {
	out := cfgs[:0:0]
	for _, c := range cfgs {
		name := c.Workspace
		if name == "" {
			name = store.DefaultWorkspace
		}
		if strings.EqualFold(name, ws) {
			out = append(out, c)
		}
	}
	return out
}
