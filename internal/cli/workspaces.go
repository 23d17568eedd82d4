package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/session"
)

// workspaceItemJSON is one reachable workspace in `workspaces --json`.
type workspaceItemJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Role    string `json:"role"`
	Current bool   `json:"current"`
	Default bool   `json:"default"`
}

func roleName(r client.Role) string { return strings.ToUpper(r.String()) }

func (c *cli) workspacesCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "workspaces",
		Short: "List the Flashback workspaces you can reach, with your role",
		Long: `List the Flashback workspaces you can reach and your role in each. The
current one (FBLLM_WORKSPACE, else the one chosen with ` + "`fbllm use`" + `, else
the only or default one) is marked with *.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			sess, err := c.flashback(ctx)
			if err != nil {
				return c.maybeJSONError(asJSON, err)
			}
			wss, err := sess.Workspaces(ctx)
			if err != nil {
				return c.maybeJSONError(asJSON, err)
			}
			cur, curErr := sess.CurrentWorkspace(ctx)
			out := make([]workspaceItemJSON, len(wss))
			for i, w := range wss {
				out[i] = workspaceItemJSON{ID: w.ID, Name: w.Name, Role: roleName(w.Role),
					Current: curErr == nil && w.ID == cur.ID, Default: w.Default}
			}
			if asJSON {
				return c.printJSON(out)
			}
			if len(out) == 0 {
				c.notef("%s", session.ErrNoWorkspace)
				return nil
			}
			t := newTable("", "NAME", "ID", "ROLE")
			for _, w := range out {
				mark := ""
				if w.Current {
					mark = "*"
				}
				t.add(mark, w.Name, w.ID, w.Role)
			}
			t.render(c.env.stdout, c.width())
			if curErr != nil {
				c.notef("No current workspace: %s", classify(curErr, c.noInput).Error())
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (c *cli) useCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "use WORKSPACE",
		Short: "Set the current Flashback workspace (id or name)",
		Long: `Make WORKSPACE (an id, or a name compared case-insensitively) the current
workspace for list, add and the app. The choice is saved in config.json by
id, so renaming the workspace keeps it; FBLLM_WORKSPACE overrides it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			sess, err := c.flashback(ctx)
			if err != nil {
				return c.maybeJSONError(asJSON, err)
			}
			w, err := sess.Use(ctx, args[0])
			if err != nil {
				return c.maybeJSONError(asJSON, err)
			}
			if v := strings.TrimSpace(c.env.getenv(session.EnvWorkspace)); v != "" {
				c.notef("note: %s=%s is set and overrides this choice while it is", session.EnvWorkspace, v)
			}
			if asJSON {
				return c.printJSON(workspaceItemJSON{ID: w.ID, Name: w.Name, Role: roleName(w.Role), Current: true, Default: w.Default})
			}
			fmt.Fprintf(c.env.stdout, "✓ Current workspace: %s (%s)\n", w.Name, roleName(w.Role))
			if ok, why := session.CanWrite(w); !ok {
				c.notef("note: %s", why)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the workspace as JSON")
	return cmd
}

// requireWrite refuses early, with the role and what is needed, when the
// user may not change configurations in the workspace: better than the
// platform's bare 403 after a confirmation or a typed secret.
func (c *cli) requireWrite(ctx context.Context, sess *session.Session, workspaceID string) error {
	w, err := sess.FindWorkspace(ctx, workspaceID)
	if err != nil {
		return err
	}
	return session.RequireWrite(w)
}
