package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"

	"charm.land/fang/v2"
	"github.com/charmbracelet/x/term"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/internal/hygiene"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// Env is everything the CLI takes from the process: streams, whether
// they are terminals, and the environment. Tests build their own.
type Env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	stdinTTY       bool
	stdoutTTY      bool
	stderrTTY      bool
	getenv         func(string) string
	environ        []string
	// openTTY opens the controlling terminal for prompts when stdin is
	// taken (e.g. by --secret-stdin).
	openTTY func() (*os.File, error)
	// execve replaces the process with another program (fbllm exec); nil
	// runs it as a child instead (Windows, and tests, which must not
	// replace themselves).
	execve func(argv0 string, argv, envv []string) error
	// getwd is the current directory (import reads its .env).
	getwd func() (string, error)
	// termWidth is the width of the terminal behind stdout, for tables and
	// help that fit it; nil or 0 when stdout is not a terminal.
	termWidth func() int
	// take reads a variable that holds a secret (--secret-env, --key-env)
	// and removes it from the process environment, so no child process
	// inherits it; nil means getenv (tests).
	take func(string) string
	// kdf lowers the keyring's Argon2id cost for keyrings the tests create
	// (store.Options.KDF); nil, the production default, in SystemEnv.
	kdf *store.KDFParams
}

// takeEnv reads a secret-holding variable; see Env.take.
func (e *Env) takeEnv(name string) string {
	if e.take != nil {
		return e.take(name)
	}
	return e.getenv(name)
}

// SystemEnv is the environment of the running process. The keyring
// passphrase variable is taken out of the process environment at once, and
// --secret-env/--key-env variables when they are read (Env.take).
func SystemEnv() *Env {
	// The keyring passphrase is read once and removed from the environment,
	// so providers' tools or anything else we start never inherit it.
	const passVar = "FBLLM_KEYRING_PASSPHRASE"
	pass, _ := hygiene.TakeEnv(passVar)
	// Taken variables keep answering getenv and take in this process
	// (a command may read one twice); they are gone for children.
	var mu sync.Mutex
	taken := map[string]string{passVar: pass}
	lookup := func(k string) (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		v, ok := taken[k]
		return v, ok
	}
	return &Env{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		stdinTTY:  term.IsTerminal(os.Stdin.Fd()),
		stdoutTTY: term.IsTerminal(os.Stdout.Fd()),
		stderrTTY: term.IsTerminal(os.Stderr.Fd()),
		getenv: func(k string) string {
			if v, ok := lookup(k); ok {
				return v
			}
			return os.Getenv(k)
		},
		take: func(k string) string {
			if v, ok := lookup(k); ok {
				return v
			}
			v, _ := hygiene.TakeEnv(k)
			mu.Lock()
			taken[k] = v
			mu.Unlock()
			return v
		},
		environ: os.Environ(),
		openTTY: func() (*os.File, error) { return os.OpenFile("/dev/tty", os.O_RDWR, 0) },
		execve:  execve,
		getwd:   os.Getwd,
		termWidth: func() int {
			w, _, err := term.GetSize(os.Stdout.Fd())
			if err != nil {
				return 0
			}
			return w
		},
	}
}

// cli holds the state shared by every command of one invocation.
type cli struct {
	env     *Env
	version string
	// jsonOut shapes --json output (--json FIELDS, --jq, --template).
	jsonOut jsonOutput
	// args is the command line as given (cobra drops a "--" from what
	// completion sees; exec's completion needs to know about it).
	args []string
	// wantsJSON is true when the command line asked for JSON, so that
	// even an error cobra finds before the command runs (an unknown flag,
	// a missing argument) is reported as JSON on stdout.
	wantsJSON bool
	noInput   bool
	// exit overrides the exit code of a run that returned no error (a
	// cancellation, see catchCancel).
	exit int

	storeOnce sync.Once
	st        *store.Store
	stErr     error

	sessOnce sync.Once
	sess     *session.Session
	sessErr  error
}

// Run executes the command line and returns the process exit code.
// version is the release version stamped into the binary at build time,
// or "" for a build from source (see buildVersion).
func Run(args []string, env *Env, version string) int {
	c := &cli{env: env, version: buildVersion(version), args: args}
	args, shape, err := takeJSONOptions(args)
	if err != nil {
		fmt.Fprintln(env.stderr, "fbllm: "+err.Error()+" [usage]")
		return exitUsage
	}
	c.jsonOut.fields = shape.fields
	c.wantsJSON = slices.Contains(beforeDash(args), "--json")
	root := c.rootCmd()
	root.SetArgs(args)
	root.SetIn(env.stdin)
	root.SetOut(env.stdout)
	root.SetErr(env.stderr)
	// cobra adds these when it executes; help lists them before that.
	root.SetHelpCommand(c.helpCommand())
	root.InitDefaultHelpCmd()
	root.InitDefaultHelpFlag()
	root.InitDefaultCompletionCmd()
	if wantsRootHelp(root, args) {
		// fang serves the root's help itself; fbllm's is writeHelp's.
		c.noInput = noInputFromEnv(env.getenv)
		c.writeHelp(root, env.stdout)
		return exitOK
	}
	err = fang.Execute(context.Background(), root,
		fang.WithVersion(c.version),
		fang.WithoutManpage(),
		fang.WithErrorHandler(c.printError),
		fang.WithNotifySignal(os.Interrupt),
	)
	if err == nil && c.exit != 0 {
		return c.exit
	}
	return exitCode(err, c.noInput)
}

// interactive reports whether the CLI may prompt: a terminal on both ends
// and no --no-input / FBLLM_NO_INPUT.
func (c *cli) interactive() bool {
	return c.env.stdinTTY && c.env.stdoutTTY && !c.noInput
}

// store opens the local store once per invocation. Opening is cheap: it
// creates the directories and touches no keyring.
func (c *cli) store() (*store.Store, error) {
	c.storeOnce.Do(func() {
		cfgDir, dataDir, err := store.DefaultDirs(c.env.getenv)
		if err != nil {
			c.stErr = err
			return
		}
		// The store reads FBLLM_KEYRING_BACKEND and FBLLM_KEYRING_PASSPHRASE
		// through Env itself, so `status` can say the backend was forced.
		c.st, c.stErr = store.Open(store.Options{
			ConfigDir: cfgDir,
			DataDir:   dataDir,
			Env:       c.env.getenv,
			KDF:       c.env.kdf,
		})
	})
	return c.st, c.stErr
}

// session returns the invocation's view of local and Flashback
// configurations (built once, no I/O until used).
func (c *cli) session() (*session.Session, error) {
	c.sessOnce.Do(func() {
		st, err := c.store()
		if err != nil {
			c.sessErr = err
			return
		}
		// Probes read the proxy variables through the same environment
		// as everything else (tests inject theirs).
		c.sess, c.sessErr = session.New(session.Options{Store: st, Getenv: c.env.getenv,
			Probe: diagnose.Options{TransportOptions: client.TransportOptions{Getenv: c.env.getenv}}})
	})
	return c.sess, c.sessErr
}

// width is the terminal width tables fit, or 0 when stdout is piped (rows
// are then printed whole, tab-separated).
func (c *cli) width() int {
	if !c.env.stdoutTTY {
		return 0
	}
	if c.env.termWidth != nil {
		if w := c.env.termWidth(); w > 0 {
			return w
		}
	}
	return 80
}

// colorEnabled reports whether output on stdout may carry colour, by the
// conventions scripts rely on: NO_COLOR (set to anything) turns colour
// off whatever else is set (no-color.org, and the app's colour profile
// agrees); otherwise CLICOLOR_FORCE (not 0) turns it on even when piped,
// and CLICOLOR=0 turns it off; otherwise a terminal gets colour. Accessible
// mode never does: screen readers announce nothing of it.
func (c *cli) colorEnabled() bool {
	get := c.env.getenv
	switch {
	case get("NO_COLOR") != "":
		return false
	case get("CLICOLOR_FORCE") != "" && get("CLICOLOR_FORCE") != "0":
		return true
	case get("CLICOLOR") == "0", accessibleMode(get):
		return false
	}
	return c.env.stdoutTTY
}

// noInputFromEnv reads FBLLM_NO_INPUT as a boolean.
func noInputFromEnv(getenv func(string) string) bool {
	switch strings.ToLower(strings.TrimSpace(getenv("FBLLM_NO_INPUT"))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// notef prints a note for the user on stderr (never stdout, which scripts
// parse).
func (c *cli) notef(format string, args ...any) {
	fmt.Fprintf(c.env.stderr, format+"\n", args...)
}

// beforeDash is args up to a "--" (after it, the arguments are another
// program's).
func beforeDash(args []string) []string {
	if i := slices.Index(args, "--"); i >= 0 {
		return args[:i]
	}
	return args
}

// warnf prints a warning on stderr: something went wrong but the command
// still did what it could.
func (c *cli) warnf(format string, args ...any) {
	c.notef("warning: "+format, args...)
}

// flashback returns the session ready for Flashback API calls: the stored
// sign-in's refresh token lives in the keyring, so the encrypted-file
// keyring is unlocked first (asking on the terminal when allowed).
// FLASHBACK_TOKEN needs no keyring.
func (c *cli) flashback(ctx context.Context) (*session.Session, error) {
	sess, err := c.session()
	if err != nil {
		return nil, err
	}
	if sess.TokenFromEnv() || !sess.StoredSignIn() {
		// No refresh token was ever saved: nothing in the keyring to
		// unlock, and the command reports "not signed in" (exit 4).
		return sess, nil
	}
	return sess, c.unlock(ctx, sess.Store())
}
