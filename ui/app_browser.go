package ui

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/client"
)

// This file holds what the browser asks of App: usage counters for the
// detail pane, and deleting a configuration.

func (a App) onDetailShown(msg detailShownMsg) (App, tea.Cmd) {
	return a, statsCmd(context.Background(), a.sess, msg.item.ID)
}

func (a App) onStats(msg statsMsg) (App, tea.Cmd) {
	if msg.err == nil {
		if a.browser.stats == nil {
			a.browser.stats = map[string]client.LLMStats{}
		}
		a.browser.stats[msg.id] = msg.stats
	}
	return a, nil
}

func (a App) onDeleteConfig(msg deleteConfigMsg) (App, tea.Cmd) {
	it := msg.item
	del := func(a App) (App, tea.Cmd) {
		a, ctx := a.start("Deleting " + quote(it.Name) + "…")
		return a, tea.Batch(a.tick(), deleteConfigCmd(ctx, a.sess, it))
	}
	if it.IsRemote() {
		return del(a)
	}
	// Deleting a local configuration is a change like any other: the
	// passphrase first, and nothing is deleted without it.
	return a.needUnlock("to delete "+quote(it.Name), del, a.screen)
}

func (a App) onConfigDeleted(msg configDeletedMsg) (App, tea.Cmd) {
	a = a.done()
	if msg.err != nil {
		if errors.Is(msg.err, context.Canceled) {
			return a.setStatus("Delete cancelled; press r to see whether it went through.", true)
		}
		a.status.persistent = errorText("Could not delete "+quote(msg.item.Name)+": ", msg.err)
		return a, nil
	}
	a.result.Changes = append(a.result.Changes, Change{Action: "deleted", Item: msg.item})
	where := "and its secret"
	if msg.item.IsRemote() {
		where = "from " + msg.item.WorkspaceName
	}
	a, cmd := a.setStatus("Deleted "+quote(msg.item.Name)+" "+where+".", false)
	a, list := a.relist("")
	return a, tea.Batch(cmd, list)
}
