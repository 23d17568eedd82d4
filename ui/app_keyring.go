package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/input"
)

// This file holds the keyring's flow: anything that reads or writes a
// secret of the encrypted-file keyring asks for its passphrase first and
// continues where it was once the keyring is open.

// needUnlock runs next once the keyring can take a secret: straight away for
// backends without a passphrase, after the prompt for a locked file keyring.
// Asking before the form means a wrong passphrase is caught before the user
// types a whole configuration.
func (a App) needUnlock(reason string, next func(App) (App, tea.Cmd), back screenID) (App, tea.Cmd) {
	if a.keyring.err != nil {
		return a.setStatus("No usable keyring: "+a.keyring.err.Error(), true)
	}
	if !a.keyring.needsUnlock() {
		return next(a)
	}
	var cmd tea.Cmd
	*a.pass, cmd = newPassphrase(a.styles, !a.keyring.passphraseSet, a.keyring.backend.Location, reason, a.keyring.cache.Available)
	a.keyring.afterUnlock, a.backTo = next, back
	a.show(screenPassphrase)
	return a, cmd
}

func (a App) onSubmitPassphrase(msg submitPassphraseMsg) (App, tea.Cmd) {
	return a, checkPassphraseCmd(a.deps.Store, msg.pass, msg.create, msg.remember)
}

// onPassphraseChecked continues with what needed the keyring, or lets the
// prompt say why the passphrase did not open it.
func (a App) onPassphraseChecked(msg passphraseCheckedMsg) (App, tea.Cmd) {
	if msg.err != nil {
		return a, a.pass.checked(msg.err)
	}
	a.keyring.passphraseSet, a.keyring.locked, a.keyring.cache = true, false, msg.cache
	var note tea.Cmd
	switch {
	case msg.remembered:
		a, note = a.setStatus("Passphrase remembered for 1 hour (kernel keyring); `fbllm lock` forgets it.", false)
	case msg.rememberErr != nil:
		a, note = a.setStatus("Could not remember the passphrase: "+msg.rememberErr.Error(), true)
	}
	next := a.keyring.afterUnlock
	a.keyring.afterUnlock = nil
	if next == nil {
		a.show(screenBrowser)
		return a, note
	}
	a, cmd := next(a)
	return a, tea.Batch(note, cmd)
}

// onCancelPassphrase goes back to where the prompt was asked from; a
// form keeps its input.
func (a App) onCancelPassphrase(cancelPassphraseMsg) (App, tea.Cmd) {
	a.keyring.afterUnlock = nil
	a.show(a.backTo)
	if a.screen == screenForm {
		a.form.saving = false
		a.form.banner = "Not saved: the keyring stayed locked. Your input is kept; choose Save to try again."
		return a, a.form.jumpTo(input.FieldConfirm)
	}
	return a.maybeQuitSingle()
}
