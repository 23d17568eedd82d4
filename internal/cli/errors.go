package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"charm.land/fang/v2"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
	"github.com/fbllm/fbllm/ui"
)

// Exit codes (PRODUCT §3). They are decided in exitCode and nowhere else.
const (
	exitOK        = 0
	exitFailed    = 1
	exitUsage     = 2
	exitCancelled = 130
)

// exitSignIn is PRODUCT §3's 4: not signed in to Flashback, or the token
// was refused.
const exitSignIn = 4

// cliError is an error with a stable diagnosis code and a decided exit code.
// silent means the command already reported it (e.g. as JSON on stdout).
type cliError struct {
	code   int
	diag   string // PRODUCT §6 code, or one of the CLI's own (config.not_found, usage, …)
	msg    string
	err    error
	silent bool
}

func (e *cliError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	if e.err != nil {
		return e.err.Error()
	}
	return e.diag
}

func (e *cliError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &cliError{code: exitUsage, diag: "usage", msg: fmt.Sprintf(format, args...)}
}

// classify turns any error into a cliError with its exit and diagnosis codes.
// It is the single place where error kinds meet exit codes.
func classify(err error, noInput bool) *cliError {
	var ce *cliError
	if errors.As(err, &ce) {
		return ce
	}
	var ie *input.InputError
	var amb *store.AmbiguousError
	switch {
	case errors.Is(err, ui.ErrCancelled), errors.Is(err, context.Canceled):
		return &cliError{code: exitCancelled, diag: "cancelled", msg: "cancelled", err: err}
	case errors.As(err, &ie):
		return &cliError{code: exitUsage, diag: ie.Code, msg: ie.Msg, err: err}
	}
	if ce := classifyFlashback(err); ce != nil {
		return ce
	}
	switch {
	case errors.As(err, &amb):
		names := make([]string, 0, len(amb.Candidates))
		for _, c := range amb.Candidates {
			names = append(names, fmt.Sprintf("%s (%s)", c.Name, c.ID))
		}
		return &cliError{code: exitFailed, diag: "config.ambiguous", err: err,
			msg: fmt.Sprintf("%q matches several configurations: %s; use the id", amb.Ref, strings.Join(names, ", "))}
	case errors.Is(err, store.ErrNotFound):
		return &cliError{code: exitFailed, diag: "config.not_found", err: err}
	case errors.Is(err, store.ErrDuplicateName):
		return &cliError{code: exitFailed, diag: "config.duplicate_name", err: err}
	case errors.Is(err, store.ErrWrongPassphrase):
		return &cliError{code: exitFailed, diag: "keyring.wrong_passphrase", err: err,
			msg: "the keyring passphrase is wrong; nothing was changed"}
	case errors.Is(err, store.ErrLocked):
		code := exitFailed
		if noInput {
			code = exitUsage
		}
		return &cliError{code: code, diag: "keyring.locked", err: err,
			msg: "the encrypted-file keyring is locked: set FBLLM_KEYRING_PASSPHRASE or run in a terminal to type the passphrase"}
	case errors.Is(err, store.ErrBackendUnavailable), errors.Is(err, store.ErrTimeout):
		return &cliError{code: exitFailed, diag: "keyring.unavailable", err: err}
	case isFlagError(err):
		return &cliError{code: exitUsage, diag: "usage", err: err}
	}
	return &cliError{code: exitFailed, diag: "error", err: err}
}

// classifyFlashback handles workspace and platform errors. It runs before
// the store cases because a *session.NotVisibleError also matches
// store.ErrNotFound, and a refused sign-in also matches
// client.ErrUnauthenticated but is a failed attempt (exit 1), not a
// missing sign-in (exit 4).
func classifyFlashback(err error) *cliError {
	var (
		nv     *session.NotVisibleError
		choose *session.ChooseWorkspaceError
		wnf    *session.WorkspaceNotFoundError
		samb   *session.AmbiguousError
		login  *client.LoginError
		inUse  *client.InUseError
	)
	switch {
	case errors.As(err, &nv):
		return &cliError{code: exitFailed, diag: "workspace.not_visible", err: err, msg: nv.Error()}
	case errors.As(err, &samb):
		return &cliError{code: exitFailed, diag: "config.ambiguous", err: err, msg: samb.Error()}
	// Which workspace to work in is the caller's choice: a missing or
	// wrong choice is a usage error (exit 2), like a bad flag value.
	case errors.As(err, &choose):
		return &cliError{code: exitUsage, diag: "workspace.choose", err: err, msg: choose.Error()}
	case errors.As(err, &wnf):
		return &cliError{code: exitUsage, diag: "workspace.not_found", err: err, msg: wnf.Error()}
	case errors.Is(err, session.ErrNoWorkspace):
		return &cliError{code: exitFailed, diag: "workspace.none", err: err}
	case errors.As(err, &login):
		return &cliError{code: exitFailed, diag: "flashback.login_failed", err: err, msg: login.Error()}
	case errors.As(err, &inUse):
		return &cliError{code: exitFailed, diag: "flashback.in_use", err: err, msg: inUseMessage(inUse)}
	}
	switch code := client.Code(err); code {
	case "":
		return nil
	case "flashback.unauthenticated":
		// The client's message may already end with its own hint.
		msg := strings.TrimSuffix(strings.TrimSuffix(err.Error(), ": run fbllm login"), ".")
		if i := strings.Index(msg, ": run fbllm login"); i >= 0 {
			msg = msg[:i]
		}
		return &cliError{code: exitSignIn, diag: code, err: err,
			msg: msg + ": run `fbllm login` (or set FLASHBACK_TOKEN)"}
	case "flashback.forbidden":
		return &cliError{code: exitFailed, diag: code, err: err,
			msg: fmt.Sprintf("%v: your role in this workspace does not allow it", err)}
	default:
		return &cliError{code: exitFailed, diag: code, err: err}
	}
}

// inUseMessage names the repositories that still use a configuration.
func inUseMessage(e *client.InUseError) string {
	if len(e.Repos) == 0 {
		return e.Error()
	}
	names := make([]string, len(e.Repos))
	for i, r := range e.Repos {
		names[i] = r.Name
	}
	return fmt.Sprintf("refusing to delete: still used by repositories %s; detach it from them in Flashback first", strings.Join(names, ", "))
}

// isFlagError recognises cobra's argument and flag errors, which it does not
// type (see spf13/cobra#2266).
func isFlagError(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument",
		"unknown command", "accepts ", "requires at least", "requires exactly", "if any flags in the group"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// exitCode maps the outcome of a command to the process exit code. noInput
// matters for keyring.locked: input was needed but forbidden (2), not a
// failure (1).
func exitCode(err error, noInput bool) int {
	if err == nil {
		return exitOK
	}
	return classify(err, noInput).code
}

// printError is fang's error handler: the message, then the code in
// brackets (PRODUCT §5), on stderr.
func (c *cli) printError(w io.Writer, styles fang.Styles, err error) {
	ce := classify(err, c.noInput)
	if ce.silent {
		return
	}
	msg := ce.Error()
	if ce.diag != "" && ce.diag != "error" {
		msg += " [" + ce.diag + "]"
	}
	if c.env.stderrTTY {
		fmt.Fprintln(w, styles.ErrorHeader.String())
		fmt.Fprintln(w, styles.ErrorText.Render(msg))
		if ce.diag == "usage" {
			fmt.Fprintln(w, styles.ErrorText.Render("Try --help for usage."))
		}
		return
	}
	fmt.Fprintln(w, "fbllm: "+msg)
}

// jsonError writes the --json error object on stdout and returns the error
// marked silent, so it is not printed twice.
func (c *cli) jsonError(err error, extra map[string]any) error {
	ce := classify(err, c.noInput)
	body := map[string]any{"code": ce.diag, "message": ce.Error()}
	for k, v := range extra {
		body[k] = v
	}
	enc := json.NewEncoder(c.env.stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(map[string]any{"error": body})
	cp := *ce
	cp.silent = true
	return &cp
}
