package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/toolenv"
)

func (c *cli) execCmd() *cobra.Command {
	var (
		dryRun, mask, asJSON bool
		envSpecs             []string
		sf                   scopeFlags
	)
	cmd := &cobra.Command{
		Use:   "exec REF [REF...] -- CMD [ARGS...]",
		Short: "Run a program with a stored configuration's credentials in its environment",
		Long: `Run CMD with the credentials of one or more configurations stored on this
machine, in the environment variables the provider's SDKs read:
OPENAI_API_KEY and OPENAI_BASE_URL, ANTHROPIC_API_KEY, GEMINI_API_KEY,
AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_BEARER_TOKEN_BEDROCK), …
The keys stay encrypted in the keyring; only CMD sees them, for as long as
it runs.

On Linux and macOS fbllm replaces itself with CMD, so signals, the terminal
and the exit status are CMD's own and no fbllm process keeps the secret.
With --mask fbllm instead runs CMD as a child and hides the secrets (and
their encodings) in its output. --dry-run names the variables with
fingerprints, never values.

A Flashback configuration's secret never leaves the platform: exec works
with configurations on this machine (exec.secret_write_only otherwise).`,
		Example: `  fbllm exec "OpenAI production" -- python agent.py
  fbllm exec prod-openai prod-anthropic -- aider
  fbllm exec bedrock --env MY_TOOL_KEY=secret -- my-tool
  fbllm exec prod --dry-run`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			refs, argv := args, []string(nil)
			if dash := cmd.ArgsLenAtDash(); dash >= 0 {
				refs, argv = args[:dash], args[dash:]
			}
			fail := func(err error) error { return c.maybeJSONError(asJSON, err) }
			switch {
			case len(refs) == 0:
				return fail(usageErrorf("name the configuration to use before --: fbllm exec REF -- CMD [ARGS...]"))
			case len(argv) == 0 && !dryRun:
				return fail(usageErrorf("give the program to run after --: %sCMD [ARGS...]", toolenv.CommandLine(refs...)))
			case mask && dryRun:
				return fail(usageErrorf("--mask runs the program; --dry-run only says what it would get"))
			}
			plan, err := c.execPlan(cmd.Context(), refs, &sf, envSpecs)
			if err != nil {
				return fail(err)
			}
			if dryRun {
				if asJSON {
					return c.printJSON(plan.Describe())
				}
				fmt.Fprint(c.env.stdout, plan.Describe().String())
				return nil
			}
			return c.runProgram(plan, argv, mask)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&dryRun, "dry-run", false, "print the variables CMD would get, with fingerprints instead of values, and run nothing")
	fl.BoolVar(&dryRun, "explain", false, "the same as --dry-run")
	_ = fl.MarkHidden("explain")
	fl.StringArrayVar(&envSpecs, "env", nil, "also set `NAME=FIELD` (field: secret, key, endpoint or region; N:FIELD picks the Nth REF) for tools with their own variable names")
	fl.BoolVar(&mask, "mask", false, "run CMD as a child and hide the secrets in its output")
	fl.BoolVar(&asJSON, "json", false, "with --dry-run, print the variables as JSON")
	sf.registerLookup(cmd, "look REF up")
	return cmd
}

// execPlan resolves the configurations, reads their credentials (unlocking
// the keyring once) and maps them to variables.
func (c *cli) execPlan(ctx context.Context, refs []string, sf *scopeFlags, specs []string) (*toolenv.Plan, error) {
	var (
		sess  *session.Session
		items = make([]session.Item, 0, len(refs))
	)
	for _, ref := range refs {
		s, it, err := c.resolveItem(ctx, ref, sf)
		if err != nil {
			return nil, err
		}
		if it.IsRemote() {
			return nil, &session.WriteOnlyError{Item: it}
		}
		sess = s
		items = append(items, it)
	}
	if err := c.unlock(ctx, sess.Store()); err != nil {
		return nil, err
	}
	sources := make([]toolenv.Source, 0, len(items))
	for _, it := range items {
		cred, err := sess.StoredCredentials(ctx, it)
		if err != nil {
			return nil, err
		}
		sources = append(sources, toolenv.Source{Config: *it.Local, Credentials: cred})
	}
	plan, err := toolenv.Build(sources, specs)
	var ue *toolenv.UsageError
	if errors.As(err, &ue) {
		return nil, usageErrorf("%s", ue.Msg)
	}
	return plan, err
}

// runProgram starts CMD with the plan's environment. Without --mask, where
// the system can, fbllm's process becomes CMD (Env.execve), so nothing of
// fbllm outlives the hand-over; otherwise CMD runs as a child whose exit
// status becomes fbllm's.
func (c *cli) runProgram(plan *toolenv.Plan, argv []string, mask bool) error {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		// exec.LookPath says which: not found, not executable, a directory.
		return usageErrorf("cannot run %s: %v", argv[0], errors.Unwrap(err))
	}
	env := plan.Environ(c.env.environ)
	if !mask && c.env.execve != nil {
		if err := c.env.execve(path, argv, env); err != nil {
			return fmt.Errorf("exec %s: %w", argv[0], err)
		}
		return nil // not reached: the process is CMD now
	}
	var secrets []string
	if mask {
		secrets = plan.Secrets()
	}
	code, err := c.runChild(path, argv, env, secrets)
	if err != nil {
		return err
	}
	c.exit = code
	return nil
}

// runChild runs CMD as a child with stdin, stdout and stderr passed
// through (masked when secrets are given), forwarding the signals sent to
// fbllm, and returns its exit status.
func (c *cli) runChild(path string, argv, env, secrets []string) (int, error) {
	cmd := exec.Command(path, argv[1:]...) //nolint:noctx // the child lives until it exits; fbllm only forwards signals to it
	cmd.Args, cmd.Env, cmd.Stdin = argv, env, c.env.stdin
	cmd.Stdout, cmd.Stderr = c.env.stdout, c.env.stderr
	dieWithParent(cmd)
	var closers []io.Closer
	if len(secrets) > 0 {
		out, errOut := toolenv.NewMask(c.env.stdout, secrets...), toolenv.NewMask(c.env.stderr, secrets...)
		cmd.Stdout, cmd.Stderr = out, errOut
		closers = append(closers, out, errOut)
	}
	// The parent-death signal is tied to the thread that started the
	// child: keep this goroutine on it until the child is gone.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", argv[0], err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if forwardSignal(s, c.env.stdinTTY) {
					_ = cmd.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	for _, cl := range closers {
		_ = cl.Close()
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return 0, fmt.Errorf("run %s: %w", argv[0], err)
	}
	return exitStatus(cmd.ProcessState), nil
}
