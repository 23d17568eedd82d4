package cli

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/keyscan"
	"github.com/fbllm/fbllm/session"
)

func (c *cli) doctorCmd() *cobra.Command {
	var f checkFlags
	var fix bool
	cmd := &cobra.Command{
		Use:   "doctor [REF]",
		Short: "Troubleshoot a configuration, or this machine's setup",
		Long: `Without REF, check the environment: the Flashback API answers, the sign-in
holds, the keyring backend works, and the current workspace with your role.

With REF, run everything: the direct test from this machine, and for a
Flashback configuration its validation, the AI policies that blocked its
calls and whether it is in the current workspace. Flashback never returns a
secret, so the direct http/auth/models checks of a Flashback configuration
are skipped unless --secret-env or --secret-stdin gives one. doctor never
changes anything on the platform.

With --fix (and no REF), first repair what doctor reports about the local
keyring: re-create a missing passphrase check from the old passphrase, and
remove orphaned keyring items and temporary files left by interrupted
writes (it needs the passphrase, like any change).

Exit codes: 0 works, 3 the connection does not work, 4 not signed in to
Flashback, 1 other failures, 2 usage.`,
		Example: `  fbllm doctor
  fbllm doctor "Legacy OpenAI key" --json
  OPENAI_KEY=… fbllm doctor "OpenAI GPT-4o" --secret-env OPENAI_KEY`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				if f.hasSecretSource() || f.keyEnv != "" {
					return c.maybeJSONError(f.asJSON, usageErrorf("--secret-env, --secret-stdin and --key-env need REF"))
				}
				if fix {
					st, err := c.store()
					if err == nil {
						err = c.fixKeyring(cmd.Context(), st)
					}
					if err != nil {
						return c.maybeJSONError(f.asJSON, err)
					}
				}
				return c.doctorEnvironment(cmd.Context(), &f)
			}
			if fix {
				return c.maybeJSONError(f.asJSON, usageErrorf("--fix repairs this machine's keyring: run it without REF"))
			}
			return c.doctorRef(cmd.Context(), args[0], &f)
		},
	}
	f.register(cmd, false, true)
	cmd.Flags().BoolVar(&fix, "fix", false, "first remove orphaned keyring items and stale temporary files, and re-create a missing passphrase check")
	return cmd
}

func (c *cli) doctorEnvironment(ctx context.Context, f *checkFlags) error {
	sess, err := c.session()
	if err != nil {
		return c.maybeJSONError(f.asJSON, err)
	}
	rep, err := sess.DoctorEnvironment(ctx, sess.PlaintextPart(c.scanOptions()))
	return c.finishReport(rep, err, f.asJSON)
}

// scanOptions say where this machine's plaintext keys may be: the process
// environment, the home directory and the current directory.
func (c *cli) scanOptions() keyscan.Options {
	home := c.env.getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	cwd := ""
	if c.env.getwd != nil {
		cwd, _ = c.env.getwd()
	}
	return keyscan.Options{Environ: c.env.environ, Home: home, Cwd: cwd}
}

func (c *cli) doctorRef(ctx context.Context, ref string, f *checkFlags) error {
	return c.checkRef(ctx, ref, f, (*session.Session).Doctor)
}
