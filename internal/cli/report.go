package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// exitNotWorking is the exit code of test, validate and doctor when the
// connection does not work (PRODUCT §3).
const exitNotWorking = diagnose.ExitNotWorking

// resolveForCheck finds REF for a check. A configuration found in another
// reachable workspace is checked there (the report says so); when no
// workspace is chosen yet, every reachable one is searched rather than
// failing, since a check changes nothing.
func (c *cli) resolveForCheck(ctx context.Context, sess *session.Session, ref string, sc session.Scope) (session.Item, error) {
	it, err := sess.Resolve(ctx, ref, sc)
	var choose *session.ChooseWorkspaceError
	if errors.As(err, &choose) && sc.Workspace == "" {
		sc.AllWorkspaces = true
		it, err = sess.Resolve(ctx, ref, sc)
	}
	if err == nil {
		return it, nil
	}
	var nv *session.NotVisibleError
	if !errors.As(err, &nv) {
		return it, err
	}
	found, rep, err := sess.VisibilityOf(err)
	if err != nil {
		return found, &reportError{rep: rep, err: err}
	}
	c.notef("note: %q is not in workspace %s; checking it in %s", ref, nv.Workspace.Name, found.WorkspaceName)
	return found, nil
}

// reportError is a failure that comes with a report to show (the
// configuration is in no reachable workspace).
type reportError struct {
	rep diagnose.Report
	err error
}

func (e *reportError) Error() string { return e.err.Error() }
func (e *reportError) Unwrap() error { return e.err }

// unlockFor opens the keyring when checking it needs a stored credential.
func (c *cli) unlockFor(ctx context.Context, it session.Item, override *store.Credentials) error {
	if it.IsRemote() || override != nil {
		return nil
	}
	st, err := c.store()
	if err != nil {
		return err
	}
	return c.unlock(ctx, st)
}

// overrideFor reads --secret-env/--secret-stdin for a saved
// configuration; a local one keeps its stored key (the AWS access key ID)
// unless --key-env replaces it.
func (c *cli) overrideFor(ctx context.Context, sess *session.Session, it session.Item, f *checkFlags) (*store.Credentials, error) {
	cred, err := c.rawCredentials(&f.credFlags)
	if err != nil || cred == nil || it.IsRemote() || f.keyEnv != "" {
		return cred, err
	}
	if err := c.unlock(ctx, sess.Store()); err != nil {
		return nil, err
	}
	full, err := sess.CompleteCredentials(ctx, &it, nil, &cred.Secret)
	return &full, err
}

// finishReport prints a report (JSON or readable) and turns its outcome
// into the exit code: a platform failure's own code (4 not signed in, 1
// otherwise), else 3 when the connection does not work.
func (c *cli) finishReport(rep diagnose.Report, err error, asJSON bool) error {
	var pe *session.PlatformError
	if err != nil && !errors.As(err, &pe) {
		return c.maybeJSONError(asJSON, checkError(err))
	}
	if asJSON {
		if werr := c.printJSON(rep); werr != nil {
			return werr
		}
	} else {
		writeReport(c.env.stdout, rep, c.reportStyles())
	}
	code, diag := reportExit(rep, pe)
	if code == exitOK {
		return nil
	}
	return &cliError{code: code, diag: diag, msg: "connection check: " + string(rep.Status), silent: true}
}

// reportExit decides the exit code of a printed report.
func reportExit(rep diagnose.Report, pe *session.PlatformError) (int, string) {
	if pe != nil {
		return pe.ExitCode(), pe.Code
	}
	diag := ""
	if d, ok := rep.Primary(); ok {
		diag = d.Code
	}
	return rep.ExitCode(), diag
}

// checkError gives the errors of the check commands their exit code:
// Flashback failures by their PRODUCT §6 code (4 when not signed in), a
// local configuration given to validate as a usage error. The rest is
// classify's.
func checkError(err error) error {
	var re *reportError
	if errors.As(err, &re) {
		err = re.err
	}
	var pe *session.PlatformError
	if errors.As(err, &pe) {
		return &cliError{code: pe.ExitCode(), diag: pe.Code, err: err}
	}
	return err
}

// failOrReport handles an error met before any check ran: one that comes
// with a report (workspace.not_visible) is printed as a report.
func (c *cli) failOrReport(err error, asJSON bool) error {
	var re *reportError
	if errors.As(err, &re) {
		return c.finishReport(re.rep, re.err, asJSON)
	}
	return c.maybeJSONError(asJSON, checkError(err))
}

// checkMark is the checklist's symbol for a status; the status word is
// printed beside it, so nothing depends on the symbol (or colour) alone.
var checkMark = map[diagnose.CheckStatus]string{
	diagnose.CheckPass: "✓", diagnose.CheckWarn: "!", diagnose.CheckFail: "✗", diagnose.CheckSkip: "-",
}

// reportStyles colour the readable report. Colour only repeats what the
// words say, and is used only when colorEnabled says so (a terminal, no
// NO_COLOR or CLICOLOR=0, or CLICOLOR_FORCE=1). The basic ANSI colours
// follow the terminal's own palette, so they read on light and dark
// backgrounds.
type reportStyles struct {
	on bool
	// width wraps the diagnoses' text to a terminal's width; 0 (piped)
	// leaves every line whole for tools that read them.
	width                        int
	pass, warn, fail, skip, head lipgloss.Style
}

func newReportStyles(on bool) reportStyles {
	if !on {
		return reportStyles{}
	}
	st := lipgloss.NewStyle()
	return reportStyles{on: true,
		pass: st.Foreground(lipgloss.Green), warn: st.Foreground(lipgloss.Yellow),
		fail: st.Foreground(lipgloss.Red), skip: st.Faint(true), head: st.Bold(true)}
}

func (c *cli) reportStyles() reportStyles {
	st := newReportStyles(c.colorEnabled())
	st.width = c.width()
	return st
}

// wrap prints text after first, its continuation lines after hang, wrapped
// to the terminal's width (whole when piped).
func (s reportStyles) wrap(first, hang, text string) string {
	if s.width <= 0 {
		return first + text + "\n"
	}
	lines := strings.Split(ansi.Wrap(text, max(s.width-ansi.StringWidth(first), 20), " /"), "\n")
	var b strings.Builder
	for i, l := range lines {
		if i == 0 {
			b.WriteString(first + l + "\n")
		} else {
			b.WriteString(hang + l + "\n")
		}
	}
	return b.String()
}

// status styles a check status or a severity.
func (s reportStyles) status(word string, text string) string {
	if !s.on {
		return text
	}
	switch word {
	case string(diagnose.CheckPass):
		return s.pass.Render(text)
	case string(diagnose.CheckWarn), string(diagnose.SeverityWarning):
		return s.warn.Render(text)
	case string(diagnose.CheckFail), string(diagnose.SeverityError):
		return s.fail.Render(text)
	case string(diagnose.CheckSkip), string(diagnose.SeverityInfo):
		return s.skip.Render(text)
	}
	return text
}

func (s reportStyles) bold(text string) string {
	if !s.on {
		return text
	}
	return s.head.Render(text)
}

// writeReport prints a report for people: a header with the configuration
// and the status word, the checklist with timings, the proxy in use, then
// each diagnosis with its explanation, numbered steps and evidence. Every
// string in it was redacted by diagnose.
func writeReport(w io.Writer, rep diagnose.Report, st reportStyles) {
	name := rep.Config.Name
	if name == "" {
		name = "environment"
	}
	var about []string
	for _, s := range []string{string(rep.Config.AIType), rep.Config.Store, rep.Config.Endpoint} {
		if s != "" {
			about = append(about, s)
		}
	}
	head := name
	if len(about) > 0 {
		head += " (" + strings.Join(about, ", ") + ")"
	}
	verdict := string(rep.Status)
	if rep.Status.Works() {
		verdict = st.status(string(diagnose.CheckPass), verdict)
	} else {
		verdict = st.status(string(diagnose.CheckFail), verdict)
	}
	fmt.Fprintf(w, "%s: %s\n", st.bold(head), verdict)
	for _, ch := range rep.Checks {
		ms := ""
		if ch.MS > 0 {
			ms = fmt.Sprintf("%d ms", ch.MS)
		}
		mark := st.status(string(ch.Status), fmt.Sprintf("%s %-4s", checkMark[ch.Status], ch.Status))
		line := fmt.Sprintf("  %s %-11s %7s", mark, ch.ID, ms)
		if ch.Detail != "" {
			line += "  " + ch.Detail
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	if rep.Proxy != nil {
		fmt.Fprintf(w, "  proxy: %s (from %s)\n", rep.Proxy.URL, rep.Proxy.Source)
	}
	if rep.RequestID != "" {
		fmt.Fprintf(w, "  request id: %s\n", rep.RequestID)
	}
	for _, d := range rep.Diagnoses {
		sev := st.status(string(d.Severity), strings.ToUpper(string(d.Severity)))
		fmt.Fprintf(w, "\n%s [%s] %s\n", sev, d.Code, st.bold(d.Title))
		if d.Explanation != "" {
			fmt.Fprint(w, st.wrap("  ", "  ", d.Explanation))
		}
		for i, s := range d.Steps {
			fmt.Fprint(w, st.wrap(fmt.Sprintf("  %d. ", i+1), "     ", s))
		}
		if d.Evidence != "" {
			fmt.Fprint(w, st.wrap("  Evidence: ", "    ", d.Evidence))
		}
	}
}
