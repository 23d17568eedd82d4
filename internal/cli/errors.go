package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"charm.land/fang/v2"

	"github.com/fbllm/fbllm/session"
)

// Exit codes (PRODUCT §3) the CLI decides itself; every other exit code is
// the catalog's, through session.Explain.
const (
	exitOK        = 0
	exitFailed    = 1
	exitUsage     = 2
	exitCancelled = 130
)

// cliError is an error with its stable code, words and exit code decided.
// silent means the command already reported it (as a report, or as JSON on
// stdout).
type cliError struct {
	code   int    // exit code
	diag   string // catalog code: PRODUCT §6, or one of the CLI's own (usage, config.not_found, …)
	msg    string // one line: what happened and what to do
	detail string // what the platform, keyring or file system said, when msg does not
	repos  []repoJSON
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

// classify turns any error into a cliError: the CLI's own usage errors as
// they are, everything else through session.Explain, the one translator of
// errors into codes, words and exit codes.
func classify(err error, noInput bool) *cliError {
	if ce, ok := err.(*cliError); ok { //nolint:errorlint // a wrapped cliError is classified by what wraps it
		return ce
	}
	e := session.Explain(err)
	if e.Code == session.CodeOperationFailed && isFlagError(err) {
		// cobra's own argument and flag errors are plain errors.
		return &cliError{code: exitUsage, diag: "usage", err: err, msg: err.Error()}
	}
	ce := &cliError{code: e.ExitCode(noInput), diag: e.Code, msg: e.Line(), detail: e.Detail, err: err}
	for _, r := range e.Repos {
		ce.repos = append(ce.repos, repoJSON{ID: r.ID, Name: r.Name})
	}
	return ce
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

// printError is fang's error handler: the message with the code in
// brackets (PRODUCT §5), then what the platform or system said, on stderr.
func (c *cli) printError(w io.Writer, styles fang.Styles, err error) {
	ce := classify(err, c.noInput)
	if ce.silent {
		return
	}
	if c.wantsJSON {
		// The command did not get to report it (cobra refused the flags
		// or arguments first): scripts still read JSON on stdout.
		_ = c.jsonError(err)
	}
	msg := ce.Error() + " [" + ce.diag + "]"
	if c.env.stderrTTY {
		fmt.Fprintln(w, styles.ErrorHeader.String())
		fmt.Fprintln(w, styles.ErrorText.Render(msg))
		if ce.detail != "" {
			fmt.Fprintln(w, styles.ErrorText.Render(ce.detail))
		}
		if ce.diag == "usage" {
			fmt.Fprintln(w, styles.ErrorText.Render("Try --help for usage."))
		}
		return
	}
	fmt.Fprintln(w, "fbllm: "+msg)
	if ce.detail != "" {
		fmt.Fprintln(w, "  "+ce.detail)
	}
}

// jsonError writes the --json error object on stdout and returns the error
// marked silent, so it is not printed twice.
func (c *cli) jsonError(err error) error {
	ce := classify(err, c.noInput)
	body := map[string]any{"code": ce.diag, "message": ce.Error()}
	if ce.detail != "" {
		body["detail"] = ce.detail
	}
	if ce.repos != nil {
		body["repos"] = ce.repos
	}
	enc := json.NewEncoder(c.env.stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(map[string]any{"error": body})
	cp := *ce
	cp.silent = true
	return &cp
}
