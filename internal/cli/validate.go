package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/session"
)

func (c *cli) validateCmd() *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "validate REF",
		Short: "Ask Flashback to validate a workspace configuration, then diagnose",
		Long: `Ask Flashback to validate a workspace configuration with a real provider
call (POST /ai/llm/{id}/validate), classify its answer, and check the AI
policies that blocked calls of this configuration. Only Flashback
configurations: use "fbllm test" for local ones.

Exit codes: 0 the connection works, 3 it does not, 4 not signed in to
Flashback, 1 other failures (forbidden, unreachable, not found), 2 usage.`,
		Example: `  fbllm validate "OpenAI GPT-4o"
  fbllm validate 3f2a… --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.validate(cmd.Context(), args[0], &f)
		},
	}
	f.register(cmd, false, false)
	return cmd
}

func (c *cli) validate(ctx context.Context, ref string, f *checkFlags) error {
	sc, err := f.scope()
	if err != nil {
		return c.maybeJSONError(f.asJSON, err)
	}
	if sc.Store == "" {
		// Only Flashback validates, and a missing sign-in must say so
		// (exit 4) rather than "not found".
		sc.Store = session.StoreFlashback
	}
	sess, err := c.session()
	if err != nil {
		return c.maybeJSONError(f.asJSON, err)
	}
	// A configuration of this machine: say which command checks it, before
	// anything asks for a sign-in it does not need.
	if f.storeName == "" {
		if _, lerr := sess.Store().Resolve(ref); lerr == nil {
			return c.maybeJSONError(f.asJSON, checkError(session.ErrNotFlashback))
		}
	}
	it, err := c.resolveForCheck(ctx, sess, ref, sc)
	if err != nil {
		return c.failOrReport(err, f.asJSON)
	}
	rep, err := sess.Validate(ctx, it)
	if errors.Is(err, session.ErrNotFlashback) {
		return c.maybeJSONError(f.asJSON, checkError(err))
	}
	return c.finishReport(rep, err, f.asJSON)
}
