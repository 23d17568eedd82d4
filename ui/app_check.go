package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// This file holds the check flows: a test, validation or troubleshooting
// of a saved configuration (browser t, v, x), a test of the form's draft
// before saving, and the troubleshooting panel's actions.

// checkRequest is one check the report panel can re-run.
type checkRequest struct {
	item     session.Item
	kind     checkKind
	fromForm bool
	save     saveRequest // the draft tested before saving (fromForm)
	// cred is a secret typed for one direct test of a Flashback
	// configuration (the platform never returns the stored one). It stays
	// in memory while the panel is open, for r, and is never stored.
	cred *store.Credentials
}

// checkDoneMsg carries a finished check.
type checkDoneMsg struct {
	req    checkRequest
	report diagnose.Report
	err    error
}

func (a App) onCheck(msg checkMsg) (App, tea.Cmd) {
	return a.check(checkRequest{item: msg.item, kind: msg.kind})
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

func (a App) onTestDraft(msg testDraftMsg) (App, tea.Cmd) { return a.testDraft(msg.req) }

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

// onCheckDone shows a check's outcome: a status line when it passed (t, v), the
// troubleshooting panel when it did not or when asked for (x).
func (a App) onCheckDone(m checkDoneMsg) (App, tea.Cmd) {
	a = a.done()
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
	// A test of the draft or with a typed secret says nothing of what is
	// stored.
	if !req.fromForm && req.cred == nil && r.Status != "" {
		a.browser.setLastCheck(req.item.ID, session.LastCheckOf(r, time.Now()))
	}
	if req.fromForm {
		// Remembered for the configuration if exactly these values are
		// saved.
		a.checks.draftReport, a.checks.draftTested = &r, req.save.change
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
	*a.report = newReportPanel(a.styles, r, req.item, req.kind, req.fromForm, a.width, a.contentHeight())
	a.show(screenReport)
	return a, nil
}

func (a App) onRerun(rerunMsg) (App, tea.Cmd) {
	if a.checks.last.fromForm {
		return a.testDraft(a.checks.last.save)
	}
	return a.check(a.checks.last)
}

// onCloseReport returns to where the check was asked from, forgetting a
// secret typed for a direct test.
func (a App) onCloseReport(closeReportMsg) (App, tea.Cmd) {
	a.checks.last.cred = nil
	if a.checks.last.fromForm {
		a.show(screenForm)
		return a, a.form.resume("")
	}
	a.show(screenBrowser)
	return a, nil
}

// onAskDirectTest asks for the secret of a Flashback configuration for one
// direct test.
func (a App) onAskDirectTest(msg askDirectTestMsg) (App, tea.Cmd) {
	var cmd tea.Cmd
	*a.direct, cmd = newDirectTest(a.styles, msg.item)
	a.show(screenDirectTest)
	return a, cmd
}

// onSubmitDirectTest troubleshoots the configuration again, this time with
// the typed secret for the direct checks.
func (a App) onSubmitDirectTest(msg submitDirectTestMsg) (App, tea.Cmd) {
	cred := msg.cred
	return a.check(checkRequest{item: msg.item, kind: checkDoctor, cred: &cred})
}

func (a App) onCancelDirectTest(cancelDirectTestMsg) (App, tea.Cmd) {
	a.show(screenReport)
	return a, nil
}

// onFixField opens the form on the field the report says to change.
func (a App) onFixField(msg fixFieldMsg) (App, tea.Cmd) {
	if a.checks.last.fromForm {
		a.show(screenForm)
		a.form.saving = false
		a.form.banner = "Fix the " + fixLabel(msg.field) + ", then test again or save."
		return a, a.form.jumpTo(msg.field)
	}
	it := msg.item
	a, cmd := a.openForm(&it)
	if msg.field != "" {
		a.form.banner = "Fix the " + msg.field + " (see the troubleshooting report), then save."
		cmd = tea.Batch(cmd, a.form.jumpTo(msg.field))
	}
	return a, cmd
}
