package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// This file holds the form's flow: opening it empty or on a configuration,
// leaving it, and saving what it produced.

func (a App) onOpenForm(msg openFormMsg) (App, tea.Cmd) { return a.openForm(msg.edit) }

// destination is where a new configuration goes: the current Flashback
// workspace when signed in with a role that may write there, else this
// machine.
func (a App) destination() session.Destination {
	if a.flashback.workspace != nil && !a.flashback.scope.AllWorkspaces {
		if ok, _ := session.CanWrite(*a.flashback.workspace); ok {
			return session.Destination{Store: session.StoreFlashback, Workspace: *a.flashback.workspace}
		}
	}
	return session.Destination{Store: session.StoreLocal}
}

// openForm opens the configuration form, empty or prefilled for editing.
// A new local configuration needs the keyring unlocked first, so a wrong
// passphrase is caught before the user types a whole configuration.
func (a App) openForm(edit *session.Item) (App, tea.Cmd) {
	dest := a.destination()
	if edit != nil {
		dest = session.Destination{Store: edit.Store}
		if edit.IsRemote() {
			dest.Workspace = client.Workspace{ID: edit.WorkspaceID, Name: edit.WorkspaceName}
		}
	} else if dest.Store == session.StoreLocal && a.keyring.needsUnlock() && a.screen != screenPassphrase {
		return a.needUnlock("to save the configuration", func(a App) (App, tea.Cmd) { return a.openForm(nil) }, a.screen)
	}
	names := namesIn(a.browser.all, dest)
	label := dest.Label(a.keyring.backend.Name)
	var d *input.Draft
	if edit == nil {
		d = input.NewDraft(names, label)
	} else {
		d = input.DraftFromConfig(edit.Name, string(edit.AIType), edit.Endpoint, edit.KeyFingerprint, edit.SecretFingerprint, names, label)
	}
	d.ToFlashback = dest.Store == session.StoreFlashback
	var cmd tea.Cmd
	a.checks.draftReport = nil
	*a.form, cmd = newFormScreen(a.styles, d, edit, dest)
	a.form.noTimers = a.noTimers
	a.show(screenForm)
	return a, cmd
}

// namesIn lists the names used at a destination, from configurations
// already listed by a Cmd (the form's uniqueness check must not do I/O).
func namesIn(items []session.Item, d session.Destination) []string {
	names := make([]string, 0, len(items))
	for _, c := range items {
		if d.Store == session.StoreFlashback {
			if c.IsRemote() && c.WorkspaceID == d.Workspace.ID {
				names = append(names, c.Name)
			}
		} else if !c.IsRemote() {
			names = append(names, c.Name)
		}
	}
	return names
}

// onCancelForm returns from the form without saving.
func (a App) onCancelForm(cancelFormMsg) (App, tea.Cmd) {
	if a.opts.Start == StartAdd || a.opts.Start == StartEdit {
		a.result.Cancelled = true
		return a, tea.Quit
	}
	if session.FirstRun(a.settings, len(a.browser.all)) {
		a.show(screenSetup)
		return a, nil
	}
	a.show(screenBrowser)
	return a, nil
}

// maybeQuitSingle ends single-purpose sessions that cannot continue.
func (a App) maybeQuitSingle() (App, tea.Cmd) {
	if (a.opts.Start == StartAdd || a.opts.Start == StartEdit) && a.screen != screenForm {
		a.result.Cancelled = true
		return a, tea.Quit
	}
	return a, nil
}

func (a App) onSubmitConfig(msg submitConfigMsg) (App, tea.Cmd) {
	msg.req.markSetup = a.settings.Mode == ""
	return a.submit(msg.req)
}

// onSaveAnyway saves the draft the panel reported on, whatever the test
// said.
func (a App) onSaveAnyway(saveAnywayMsg) (App, tea.Cmd) {
	a.show(screenForm)
	req := a.checks.last.save
	req.markSetup = a.settings.Mode == ""
	a.form.working = "Saving…"
	return a.submit(req)
}

// submit saves a validated form, unlocking the keyring first when the
// save writes a local secret.
func (a App) submit(req saveRequest) (App, tea.Cmd) {
	if req.needsKeyring() && a.keyring.needsUnlock() {
		return a.needUnlock("to save "+quote(req.change.Name), func(a App) (App, tea.Cmd) {
			a.show(screenForm)
			return a.submit(req)
		}, screenForm)
	}
	a.form.saving = true
	if a.form.working == "" {
		a.form.working = "Saving…"
	}
	a, ctx := a.start("Saving " + quote(req.change.Name) + "…")
	return a, tea.Batch(a.tick(), saveConfigCmd(ctx, a.sess, req))
}

// onConfigSaved handles the outcome of a save.
func (a App) onConfigSaved(m configSavedMsg) (App, tea.Cmd) {
	a = a.done()
	if m.err != nil {
		if errors.Is(m.err, store.ErrLocked) || errors.Is(m.err, store.ErrWrongPassphrase) {
			a.keyring.locked = true
			req := m.req
			return a.needUnlock("to save "+quote(req.change.Name), func(a App) (App, tea.Cmd) {
				a.show(screenForm)
				return a.submit(req)
			}, screenForm)
		}
		if errors.Is(m.err, context.Canceled) {
			msg := "Cancelled. Your input is kept."
			if m.req.dest.Store == session.StoreFlashback || (m.req.edit != nil && m.req.edit.IsRemote()) {
				msg += " Flashback may have received it before the cancel: check the list (r) before saving again."
			}
			return a, a.form.resume(msg)
		}
		return a, a.form.saveFailed(m.err)
	}
	if m.req.markSetup {
		a.settings.Mode = m.req.dest.Mode()
	}
	saved := m.item
	a.result.Saved = &saved
	action := "saved"
	if m.req.edit != nil {
		action = "updated"
		if m.req.rotates() {
			action = "rotated"
		}
	}
	a.result.Changes = append(a.result.Changes, Change{Action: action, Item: saved})
	var record tea.Cmd
	if r := a.checks.draftReport; r != nil && r.Status != "" && session.SameConnection(a.checks.draftTested, m.req.change) {
		record = recordCheckCmd(a.sess, saved, *r)
		chk := session.LastCheckOf(*r, time.Now())
		saved.LastCheck = &chk
		a.checks.draftReport = nil
	}
	if a.opts.Start == StartAdd || a.opts.Start == StartEdit {
		return a, tea.Sequence(record, tea.Quit)
	}
	a.show(screenBrowser)
	verb := "Saved"
	if m.req.edit != nil {
		verb = "Updated"
		if m.req.rotates() {
			verb = "Updated (secret rotated)"
		}
	}
	where := "secret in the " + store.BackendLabel(a.keyring.backend.Name)
	if saved.IsRemote() {
		where = "in Flashback workspace " + saved.WorkspaceName
	} else if saved.Local != nil && saved.Local.SecretBackend != "" {
		where = "secret in the " + store.BackendLabel(saved.Local.SecretBackend)
	}
	a, cmd := a.setStatus(fmt.Sprintf("%s %s · %s.", verb, quote(saved.Name), where), false)
	a, list := a.relist(saved.ID)
	return a, tea.Batch(cmd, tea.Sequence(record, list))
}
