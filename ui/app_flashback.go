package ui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// This file holds the Flashback flows: listing with the current workspace,
// sign-in, and the workspace picker. Like the checks, they run one at a
// time as App.op, and esc cancels them through their context.

// relist fetches the browser's configurations for the current scope.
func (a App) relist(selectID string) (App, tea.Cmd) {
	a.browser.loading = true
	return a, listConfigsCmd(context.Background(), a.sess, a.flashback.scope, selectID)
}

func (a App) onRefresh(refreshMsg) (App, tea.Cmd) {
	a.sess.Refresh()
	return a.relist("")
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
func (a App) onConfigsLoaded(m configsLoadedMsg) (App, tea.Cmd) {
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
		*a.picker = newWorkspacePicker(a.styles, choose.Workspaces, "")
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
	*a.signin, cmd = newSignIn(a.styles, a.flashback.apiURL, a.flashback.lastEmail, a.sess.Simulated())
	a.backTo = back
	a.show(screenSignIn)
	return a, cmd
}

func (a App) onSubmitSignIn(msg submitSignInMsg) (App, tea.Cmd) {
	a, ctx := a.start("Signing in…")
	return a, tea.Batch(a.tick(), signInCmd(ctx, a.sess, msg.email, msg.password))
}

func (a App) onSubmitMFA(msg submitMFAMsg) (App, tea.Cmd) {
	a, ctx := a.start("Checking the code…")
	return a, tea.Batch(a.tick(), verifyMFACmd(ctx, a.sess, msg.challenge, msg.code))
}

// onSignedIn handles the outcome of a sign-in step.
func (a App) onSignedIn(m signedInMsg) (App, tea.Cmd) {
	a = a.done()
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

func (a App) onCancelSignIn(cancelSignInMsg) (App, tea.Cmd) {
	a.flashback.setupFlow = false
	a.show(a.backTo)
	if a.screen == screenSetup || a.screen == screenLoading {
		a.show(screenSetup)
	}
	return a, nil
}

// onPickWorkspace opens the workspace picker, or the sign-in first when
// there is no sign-in to list workspaces with.
func (a App) onPickWorkspace(pickWorkspaceMsg) (App, tea.Cmd) {
	if !a.signedInLikely() {
		return a.needUnlock("to keep your Flashback sign-in in the keyring", func(a App) (App, tea.Cmd) {
			return a.openSignIn(screenBrowser)
		}, screenBrowser)
	}
	a, ctx := a.start("Loading workspaces…")
	return a, tea.Batch(a.tick(), workspacesCmd(ctx, a.sess))
}

func (a App) onWorkspaces(msg workspacesMsg) (App, tea.Cmd) {
	a = a.done()
	if msg.err != nil {
		return a.flashbackFailed(msg.err, screenBrowser)
	}
	*a.picker = newWorkspacePicker(a.styles, msg.workspaces, msg.current)
	a.show(screenPicker)
	return a, nil
}

func (a App) onChooseWorkspace(msg chooseWorkspaceMsg) (App, tea.Cmd) {
	a.show(screenBrowser)
	if msg.all {
		a.flashback.scope.AllWorkspaces = true
		return a.relist("")
	}
	a, ctx := a.start("Switching to " + msg.workspace.Name + "…")
	return a, tea.Batch(a.tick(), useWorkspaceCmd(ctx, a.sess, msg.workspace))
}

func (a App) onWorkspaceChosen(msg workspaceChosenMsg) (App, tea.Cmd) {
	a = a.done()
	if msg.err != nil {
		return a.flashbackFailed(msg.err, screenBrowser)
	}
	a.flashback.scope.AllWorkspaces = false
	w := msg.workspace
	a.flashback.workspace = &w
	a, note := a.setStatus("Current workspace: "+w.Name+" ("+w.Role.String()+").", false)
	a, list := a.relist("")
	return a, tea.Batch(note, list)
}

func (a App) onCancelPicker(cancelPickerMsg) (App, tea.Cmd) {
	a.show(screenBrowser)
	return a, nil
}
