package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/session"
)

// This file holds the browser's "use it in a tool" (!): the panel with the
// fbllm exec command line, copied as it opens.

// onShowExec opens the panel of a local configuration and copies its
// command line. A Flashback configuration's secret never leaves the
// platform, so the status line says why there is nothing to hand over
// (the catalog's exec.secret_write_only).
func (a App) onShowExec(msg showExecMsg) (App, tea.Cmd) {
	if msg.item.IsRemote() {
		return a.setStatus(session.Explain(&session.WriteOnlyError{Item: msg.item}).Sentence(), true)
	}
	*a.execp = newExecPanel(a.styles, msg.item, a.width, a.contentHeight())
	a.show(screenExec)
	return a, a.execp.copyCommand()
}

func (a App) onCloseExec(closeExecMsg) (App, tea.Cmd) {
	a.show(screenBrowser)
	return a, nil
}
