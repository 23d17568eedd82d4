package ui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// This file holds the App's Flashback and check flows: listing with the
// current workspace, sign-in, the workspace picker, and tests. They share
// one rule: a single operation runs at a time under a.op.label, and esc cancels
// it through its context.

// start marks an operation as running, named by label in the status bar,
// and returns its context.
func (a App) start(label string) (App, context.Context) {
	ctx, cancel := context.WithCancel(context.Background())
	a.op.label, a.op.cancel = label, cancel
	return a, ctx
}

// done ends the running operation.
func (a App) done() App {
	if a.op.cancel != nil {
		a.op.cancel()
	}
	a.op.label, a.op.cancel = "", nil
	return a
}

func (a App) tick() tea.Cmd {
	if a.noTimers {
		return nil
	}
	return a.op.spin.Tick
}

// relist fetches the browser's configurations for the current scope.
func (a App) relist(selectID string) (App, tea.Cmd) {
	a.browser.loading = true
	return a, listConfigsCmd(context.Background(), a.sess, a.flashback.scope, selectID)
}

// signedInLikely: a Flashback sign-in exists or was just listed.
func (a App) signedInLikely() bool {
	if a.flashback.workspace != nil {
		return true
	}
	if a.flashback.problem != nil && errors.Is(a.flashback.problem, client.ErrUnauthenticated) {
		return false
	}
	return a.flashback.signedInHint
}

// listed shows a fresh listing and decides what the Flashback part needs:
// a passphrase (the refresh token is in a locked keyring), a sign-in, or a
// workspace choice.
func (a App) listed(m configsLoadedMsg) (App, tea.Cmd) {
	a.browser.loading = false
	if m.err != nil {
		return a.flashbackFailed(m.err, screenBrowser)
	}
	l := m.listing
	a.flashback.problem = l.Problem
	a.flashback.workspace = l.Workspace
	a.browser.remote = false
	for _, it := range l.Items {
		if it.IsRemote() {
			a.browser.remote = true
			break
		}
	}
	label := ""
	switch {
	case m.scope.AllWorkspaces:
		label = "all workspaces"
	case l.Workspace != nil:
		label = l.Workspace.Name + " (" + l.Workspace.Role.String() + ")"
	}
	if label != a.browser.scopeLabel && m.selectID == "" {
		// Another view: start at its top rather than at the old row
		// number.
		a.browser.resetPosition()
	}
	a.browser.scopeLabel = label
	a.browser.readOnly = map[string]string{}
	for _, w := range l.Workspaces {
		if ok, _ := session.CanWrite(w); !ok {
			a.browser.readOnly[w.ID] = w.Role.String()
		}
	}
	a.browser.setConfigs(l.Items, m.selectID)
	if l.Problem != nil {
		return a.flashbackFailed(l.Problem, a.screen)
	}
	if a.flashback.setupFlow && a.flashback.workspace != nil {
		a.flashback.setupFlow = false
		if ok, why := session.CanWrite(*a.flashback.workspace); !ok {
			a.status.persistent = why + "; new configurations will be kept on this machine. Press w to pick another workspace."
		}
		return a.openForm(nil)
	}
	if a.screen == screenLoading {
		a.show(screenBrowser)
	}
	return a, nil
}

// flashbackFailed routes a Flashback problem to what fixes it.
func (a App) flashbackFailed(err error, back screenID) (App, tea.Cmd) {
	var choose *session.ChooseWorkspaceError
	switch {
	case errors.As(err, &choose):
		a.picker = newWorkspacePicker(a.styles, choose.Workspaces, "")
		a.picker.cursor = 1
		a.show(screenPicker)
		return a, nil
	case errors.Is(err, store.ErrLocked):
		return a.needUnlock("to restore your Flashback sign-in", func(a App) (App, tea.Cmd) {
			a.show(back)
			return a.relist("")
		}, back)
	case errors.Is(err, context.Canceled):
		if a.screen == screenLoading {
			a.show(screenBrowser)
		}
		return a.setStatus("Cancelled.", false)
	}
	if a.screen == screenLoading {
		a.show(screenBrowser)
	}
	if a.flashback.setupFlow && a.opts.Start == StartAdd && errors.Is(err, client.ErrUnauthenticated) {
		// `fbllm add` with a lapsed sign-in: keep it on this machine.
		a.flashback.setupFlow = false
		a.status.persistent = "Not signed in to Flashback: this configuration will be kept on this machine (fbllm login to sign in)."
		return a.openForm(nil)
	}
	a.status.persistent = errorText("Flashback: ", err)
	return a, nil
}

// openSignIn shows the sign-in screen; esc returns to back.
func (a App) openSignIn(back screenID) (App, tea.Cmd) {
	var cmd tea.Cmd
	// The email of the last sign-in of this run is kept, so a lapsed
	// session only needs the password again.
	a.signin, cmd = newSignIn(a.styles, a.flashback.apiURL, a.flashback.lastEmail, a.sess.Simulated())
	a.backTo = back
	a.show(screenSignIn)
	return a, cmd
}

// signedIn handles the outcome of a sign-in step.
func (a App) signedIn(m signedInMsg) (App, tea.Cmd) {
	if m.mfa != nil {
		return a, a.signin.askCode(m.mfa)
	}
	if m.err != nil {
		if errors.Is(m.err, context.Canceled) {
			a.signin.busy = false
			return a.setStatus("Sign-in cancelled.", false)
		}
		if errors.Is(m.err, store.ErrLocked) {
			return a.needUnlock("to keep your Flashback sign-in in the keyring", func(a App) (App, tea.Cmd) {
				return a.openSignIn(screenBrowser)
			}, screenBrowser)
		}
		return a, a.signin.failed(errorText("Could not sign in: ", m.err))
	}
	a.settings.Mode = session.ModeFlashback
	a.flashback.signedInHint = true
	a.flashback.lastEmail = m.id.Email
	a.flashback.problem = nil
	a.show(screenLoading)
	if !a.flashback.setupFlow {
		a.show(screenBrowser)
	}
	a, note := a.setStatus(fmt.Sprintf("Signed in as %s.", m.id.Email), false)
	a, list := a.relist("")
	return a, tea.Batch(note, list)
}

// checkRequest is one check the report panel can re-run.
type checkRequest struct {
	item     session.Item
	kind     checkKind
	fromForm bool
	save     saveRequest // the draft tested before saving (fromForm)
}

// checkDoneMsg carries a finished check.
type checkDoneMsg struct {
	req    checkRequest
	report diagnose.Report
	err    error
}

// check runs a test, validation or troubleshooting of a configuration. A
// local configuration's direct test reads its credentials, so the keyring
// may need unlocking first.
func (a App) check(req checkRequest) (App, tea.Cmd) {
	if req.kind == checkValidate && !req.item.IsRemote() {
		return a.setStatus("v asks Flashback to validate a workspace configuration; this one is on this machine: press t to test it from here.", true)
	}
	if req.kind == checkTest && req.item.IsRemote() {
		// Flashback never returns the secret, so this machine cannot probe
		// with it: Flashback's own validation is the credential check.
		req.kind = checkValidate
	}
	if !req.item.IsRemote() && a.keyring.needsUnlock() {
		return a.needUnlock("to read the credentials of "+quote(req.item.Name), func(a App) (App, tea.Cmd) {
			a.show(screenBrowser)
			return a.check(req)
		}, screenBrowser)
	}
	a.checks.last = req
	label := map[checkKind]string{checkTest: "Testing", checkValidate: "Asking Flashback to validate", checkDoctor: "Troubleshooting"}[req.kind]
	a, ctx := a.start(label + " " + quote(req.item.Name) + "…")
	return a, tea.Batch(a.tick(), checkCmd(ctx, a.sess, req))
}

// testDraft tests the form's values before they are saved. Kept
// credentials of a local configuration are read from the keyring; a kept
// Flashback secret cannot be (the platform never returns it).
func (a App) testDraft(req saveRequest) (App, tea.Cmd) {
	if req.edit != nil && req.edit.IsRemote() && req.change.Secret == nil {
		a.show(screenForm)
		return a, a.form.resume("Flashback keeps this secret write-only, so it cannot be tested from here. Type the secret again to test it, or save and press v to let Flashback validate it.")
	}
	if req.edit != nil && !req.edit.IsRemote() && (req.change.Secret == nil || req.change.Key == nil) && a.keyring.needsUnlock() {
		return a.needUnlock("to read the stored credentials", func(a App) (App, tea.Cmd) {
			a.show(screenForm)
			return a.testDraft(req)
		}, screenForm)
	}
	it := session.Item{Name: req.change.Name, AIType: req.change.AIType, Endpoint: req.change.Endpoint, Region: req.change.Region, Store: req.dest.Store}
	if req.edit != nil {
		it.ID, it.Store = req.edit.ID, req.edit.Store
	}
	cr := checkRequest{item: it, kind: checkTest, fromForm: true, save: req}
	a.checks.last = cr
	a, ctx := a.start("Testing the connection…")
	return a, tea.Batch(a.tick(), checkCmd(ctx, a.sess, cr))
}

func checkCmd(ctx context.Context, s *session.Session, req checkRequest) tea.Cmd {
	return func() tea.Msg {
		budget := apiBudget
		if req.kind != checkTest {
			budget = validateBudget
		}
		ctx, cancel := context.WithTimeout(ctx, budget)
		defer cancel()
		var (
			r   diagnose.Report
			err error
		)
		switch {
		case req.fromForm:
			r, err = testDraftReport(ctx, s, req)
		case req.kind == checkValidate:
			r, err = s.Validate(ctx, req.item)
		case req.kind == checkDoctor:
			r, err = s.Doctor(ctx, req.item, nil)
		default:
			r, err = s.Test(ctx, req.item, nil)
		}
		return checkDoneMsg{req: req, report: r, err: err}
	}
}

// testDraftReport probes the draft's endpoint with its credentials (kept
// local ones from the keyring). Nothing is saved or recorded.
func testDraftReport(ctx context.Context, s *session.Session, req checkRequest) (diagnose.Report, error) {
	return s.TestDraft(ctx, req.save.edit, req.item.Ref(), req.save.change)
}

// checked shows a check's outcome: a status line when it passed (t, v), the
// troubleshooting panel when it did not or when asked for (x).
func (a App) checked(m checkDoneMsg) (App, tea.Cmd) {
	req := m.req
	if errors.Is(m.err, context.Canceled) {
		// A cancelled check proves nothing either way: say so, and never
		// show its partial report as a result.
		if req.fromForm {
			a.show(screenForm)
			return a, a.form.resume("Test cancelled; nothing was checked. Choose it again to retry, or Save.")
		}
		return a.setStatus("Check cancelled.", false)
	}
	var pe *session.PlatformError
	platform := errors.As(m.err, &pe)
	if m.err != nil && (!platform || len(m.report.Checks) == 0) {
		if req.fromForm {
			a.show(screenForm)
			return a, a.form.resume(errorText("The test could not run: ", m.err))
		}
		if errors.Is(m.err, store.ErrLocked) {
			a.keyring.locked = true
			return a.check(req)
		}
		a.status.persistent = errorText("The check could not run: ", m.err)
		return a, nil
	}
	r := m.report
	if !req.fromForm && r.Status != "" {
		a.browser.setLastCheck(req.item.ID, string(r.Status))
	}
	if req.fromForm {
		// Remembered for the configuration once it is saved.
		a.checks.draftStatus = string(r.Status)
	}
	// Only a decided, working status with no platform failure is a pass;
	// anything else opens the panel so the failing layer is visible.
	passed := m.err == nil && r.Status != "" && r.ExitCode() == 0
	if passed && req.kind != checkDoctor {
		word := string(r.Status)
		if req.fromForm {
			a.show(screenForm)
			return a, a.form.resume(fmt.Sprintf("✓ Connection %s. Choose Save to keep it.", word))
		}
		return a.setStatus(fmt.Sprintf("✓ %s: %s.", req.item.Name, word), false)
	}
	a.report = newReportPanel(a.styles, r, req.item, req.kind, req.fromForm, a.width, a.contentHeight())
	a.show(screenReport)
	return a, nil
}

// recordCheckCmd stores the status of the test run on a draft once the
// draft is saved, so the browser shows it instead of "untested".
func recordCheckCmd(s *session.Session, it session.Item, status string) tea.Cmd {
	return func() tea.Msg {
		_ = s.RecordCheck(it, status) // a lost status word is not worth an error
		return nil
	}
}
