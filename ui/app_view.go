package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fbllm/fbllm/store"
)

// This file draws the App: the active screen, the status bar and the help
// footer, fitted to the terminal.

// View draws the active screen, the status bar and the help footer.
func (a App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.WindowTitle = "fbllm"
	return v
}

func (a App) render() string {
	if a.width == 0 {
		return ""
	}
	if a.width < minWidth || a.height < minHeight {
		return wrapText(fmt.Sprintf("Terminal too small (needs %d×%d, this one is %d×%d). Enlarge the window or press ctrl+c to quit.", minWidth, minHeight, a.width, a.height), a.width)
	}
	body := a.screenOf(a.screen).View()
	if a.status.persistent != "" && a.screen == screenBrowser {
		// An error that needs reading stays whole above the list; the
		// status bar could only show its first words.
		body = a.styles.App.Error.Render(wrapText("✗ "+a.status.persistent, a.width)) + "\n" + body
	}
	body = fitHeight(body, a.contentHeight())
	// help.Model can overflow by one item when its ellipsis does not fit
	// either; a wrapped footer would push the whole screen up.
	footer := truncateLines(a.help.View(a.activeKeyMap()), a.width)
	return body + "\n" + a.statusBar() + "\n" + footer
}

// statusBar names the keyring backend and its lock state, and shows the
// latest status message.
func (a App) statusBar() string {
	st := a.styles
	var left string
	switch {
	case a.keyring.err != nil:
		left = st.Status.Error.Render("✗ no usable keyring")
	case a.keyring.backend.Name != "":
		left = st.Status.Backend.Render("Secrets: " + store.BackendLabel(a.keyring.backend.Name))
		if a.keyring.backend.NeedsPassphrase {
			switch {
			case a.keyring.locked:
				left += st.Status.Locked.Render(" (locked)")
			case a.keyring.cache.Active:
				left += st.Status.Unlocked.Render(" (unlocked, remembered)")
			default:
				left += st.Status.Unlocked.Render(" (unlocked)")
			}
		}
	}
	if a.sess.Simulated() {
		left = st.App.Simulated.Render("SIMULATED") + st.Status.Bar.Render(" · ") + left
	}
	if a.flashback.workspace != nil && !a.flashback.scope.AllWorkspaces && a.width >= 60 {
		left += st.Status.Bar.Render(" · ") + st.Status.Backend.Render("Flashback: "+a.flashback.workspace.Name)
	}
	msg := a.status.text
	style := st.Status.Message
	if a.op.running() {
		msg, style = a.op.spin.View()+" "+a.op.label+" (esc cancels)", st.Status.Message
	}
	if a.status.isErr && msg != "" {
		style = st.Status.Error
		msg = "✗ " + msg
	}
	if a.status.persistent != "" && a.screen != screenBrowser {
		msg, style = "✗ "+a.status.persistent, st.Status.Error
	}
	line := left
	if msg != "" {
		line = style.Render(msg)
		if a.width >= 90 && left != "" {
			line = left + st.Status.Bar.Render(" · ") + style.Render(msg)
		}
	}
	return ansi.Truncate(line, a.width, "…")
}

// fitHeight pads or cuts s to exactly h lines so the footer stays put.
func fitHeight(s string, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func helpStyles(st *Styles) help.Styles {
	hs := help.DefaultStyles(st.IsDark)
	hs.ShortKey, hs.FullKey = st.Help.Key, st.Help.Key
	hs.ShortDesc, hs.FullDesc = st.Help.Desc, st.Help.Desc
	hs.ShortSeparator, hs.FullSeparator = st.Help.Sep, st.Help.Sep
	return hs
}

// truncateLines cuts every line of s to w cells.
func truncateLines(s string, w int) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = ansi.Truncate(l, w, "…")
	}
	return strings.Join(ls, "\n")
}
