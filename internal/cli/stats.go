package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/session"
)

// statsJSON is one configuration's usage counters in `stats --json`.
type statsJSON struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	WorkspaceID      string `json:"workspaceId"`
	WorkspaceName    string `json:"workspaceName"`
	Calls            uint64 `json:"calls"`
	TokensIn         uint64 `json:"tokensIn"`
	TokensOut        uint64 `json:"tokensOut"`
	LLMTokensIn      uint64 `json:"llmTokensIn"`
	LLMTokensOut     uint64 `json:"llmTokensOut"`
	PolicyViolations uint64 `json:"policyViolations"`
	Alerts           uint64 `json:"alerts"`
	Blocks           uint64 `json:"blocks"`
}

func (c *cli) statsCmd() *cobra.Command {
	var (
		asJSON    bool
		workspace string
	)
	cmd := &cobra.Command{
		Use:   "stats [REF]",
		Short: "Usage counters of Flashback configurations (calls, tokens, violations, alerts, blocks)",
		Long: `Show the platform's usage counters (GET /ai/llm/stats) for every
configuration of the current workspace, or for one (REF: id or name). Local
configurations have no counters: only calls through Flashback are counted.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			fail := func(err error) error { return c.maybeJSONError(asJSON, err) }
			sess, err := c.flashback(ctx)
			if err != nil {
				return fail(err)
			}
			sc := session.Scope{Store: session.StoreFlashback, Workspace: workspace}
			var items []session.Item
			id := ""
			if len(args) == 1 {
				it, err := sess.Resolve(ctx, args[0], sc)
				if err != nil {
					return fail(err)
				}
				items, id = []session.Item{it}, it.ID
			} else {
				l, err := sess.List(ctx, sc)
				if err != nil {
					return fail(err)
				}
				items = l.Items
			}
			api, err := sess.API()
			if err != nil {
				return fail(err)
			}
			stats, err := api.LLMStats(ctx, id)
			if err != nil {
				return fail(err)
			}
			byID := make(map[string]client.LLMStats, len(stats))
			for _, s := range stats {
				byID[s.LLMID] = s
			}
			// Every configuration gets a row: one never called has no
			// counters on the platform, which means zero.
			out := make([]statsJSON, 0, len(items))
			for _, it := range items {
				s := byID[it.ID]
				out = append(out, statsJSON{ID: it.ID, Name: it.Name, WorkspaceID: it.WorkspaceID, WorkspaceName: it.WorkspaceName,
					Calls: uint64(s.APICalls), TokensIn: uint64(s.TokensIn), TokensOut: uint64(s.TokensOut),
					LLMTokensIn: uint64(s.LLMTokensIn), LLMTokensOut: uint64(s.LLMTokensOut),
					PolicyViolations: uint64(s.PolicyViolations), Alerts: uint64(s.Alerts), Blocks: uint64(s.Blocks)})
			}
			if asJSON {
				return c.printJSON(out)
			}
			c.writeStatsTable(out)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&workspace, "workspace", "", "Flashback workspace `ID|NAME` instead of the current one")
	return cmd
}

func (c *cli) writeStatsTable(rows []statsJSON) {
	width := c.width()
	if width <= 0 {
		for _, r := range rows {
			fmt.Fprintf(c.env.stdout, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n", r.ID, r.Name, r.Calls, r.TokensIn, r.TokensOut, r.PolicyViolations, r.Alerts, r.Blocks)
		}
		return
	}
	t := newTable("NAME", "CALLS", "TOKENS IN", "TOKENS OUT", "VIOLATIONS", "ALERTS", "BLOCKS")
	for i := 1; i <= 6; i++ {
		t.right[i] = true
	}
	for _, r := range rows {
		t.add(r.Name, fmt.Sprint(r.Calls), fmt.Sprint(r.TokensIn), fmt.Sprint(r.TokensOut), fmt.Sprint(r.PolicyViolations), fmt.Sprint(r.Alerts), fmt.Sprint(r.Blocks))
	}
	t.render(c.env.stdout, width)
}
