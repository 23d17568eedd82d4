package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// This file holds the start-up flow: the load of the store decides the
// first screen, and the first-run setup's choice leads to the sign-in or
// the form.

// onStoreLoaded shows the first screen and, when a Flashback sign-in is
// likely, lists the workspace's configurations too.
func (a App) onStoreLoaded(msg storeLoadedMsg) (App, tea.Cmd) {
	a, cmd := a.loaded(msg)
	if a.flashback.signedInHint && a.opts.Start != StartEdit {
		var list tea.Cmd
		a, list = a.relist("")
		cmd = tea.Batch(cmd, list)
	}
	return a, cmd
}

// loaded decides the first screen once the store has been read.
func (a App) loaded(m storeLoadedMsg) (App, tea.Cmd) {
	a.settings, a.keyring.backend, a.keyring.err = m.settings, m.backend, m.backendErr
	a.flashback.signedInHint, a.flashback.apiURL = m.signedInHint, m.apiURL
	a.keyring.passphraseSet, a.keyring.locked, a.keyring.cache = m.passphraseSet, m.locked, m.cache
	a.browser.backendLabel = store.BackendLabel(m.backend.Name)
	a.browser.setConfigs(m.configs, "")
	a.setup.setBackend(m.backend, m.backendErr)
	if m.listErr != nil {
		a.status.persistent = errorText("Could not read configurations: ", m.listErr)
	}
	switch {
	case a.opts.Start == StartEdit:
		if m.editErr != nil || m.edit == nil {
			a.status.persistent = fmt.Sprintf("Cannot edit %q: %v", a.opts.EditRef, m.editErr)
			a.show(screenBrowser)
			return a, nil
		}
		return a.openForm(m.edit)
	case a.opts.Start == StartAdd:
		if a.flashback.signedInHint {
			// The destination depends on the current workspace: open the
			// form once the listing has found it (see listed).
			a.flashback.setupFlow = true
			a.show(screenLoading)
			return a, nil
		}
		return a.needUnlock("to save the configuration", func(a App) (App, tea.Cmd) { return a.openForm(nil) }, screenBrowser)
	case a.opts.Start == StartSetup || session.FirstRun(a.settings, len(m.configs)):
		a.show(screenSetup)
		return a.offerImport()
	default:
		a.show(screenBrowser)
	}
	return a, nil
}

// onSetupChosen continues the first-run setup: Flashback needs a sign-in
// (kept in the keyring), this machine goes straight to the form, and the
// keys found in clear open the import checklist.
func (a App) onSetupChosen(msg setupChosenMsg) (App, tea.Cmd) {
	if msg.mode == setupImport {
		return a.onOpenImport(openImportMsg{})
	}
	if msg.mode == session.ModeFlashback {
		a.flashback.setupFlow = true
		return a.needUnlock("to keep your Flashback sign-in in the keyring", func(a App) (App, tea.Cmd) {
			return a.openSignIn(screenSetup)
		}, screenSetup)
	}
	return a.needUnlock("to save your first configuration", func(a App) (App, tea.Cmd) {
		return a.openForm(nil)
	}, screenSetup)
}
