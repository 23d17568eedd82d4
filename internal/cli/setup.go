package cli

import (
	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/ui"
)

func (c *cli) setupCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "setup",
		Short: "Guided setup: choose where configurations live, then add one",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !c.interactive() {
				return usageErrorf("setup is interactive and needs a terminal; use `fbllm add` with flags in scripts")
			}
			return c.runTUI(cmd, ui.Options{Start: ui.StartSetup})
		},
	}
}
