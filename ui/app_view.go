package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
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
	return body + "\n" + a.statusBar() + "\n" + a.footer()
}

// footer is the active screen's help. The short form drops the least
// important keys until it fits: ShortHelp lists keys by importance and ends
// with the two that stay whenever they apply (help, and how to leave). The full form lays
// FullHelp's columns side by side, or flows every key over as many lines
// as the width needs when the columns do not fit.
func (a App) footer() string {
	km := a.activeKeyMap()
	// Measured without help.Model's own cut, which ends a line in "…".
	measure := a.help
	measure.SetWidth(0)
	if a.help.ShowAll {
		if full := measure.FullHelpView(km.FullHelp()); lipgloss.Width(full) <= a.width {
			return full
		}
		var all []key.Binding
		for _, col := range km.FullHelp() {
			all = append(all, col...)
		}
		return a.flowHelp(all)
	}
	all := km.ShortHelp()
	cut := max(len(all)-2, 0)
	rest, tail := enabledKeys(all[:cut]), enabledKeys(all[cut:])
	for len(rest) > 0 && ansi.StringWidth(measure.ShortHelpView(append(rest[:len(rest):len(rest)], tail...))) > a.width {
		rest = rest[:len(rest)-1]
	}
	return truncateLines(measure.ShortHelpView(append(rest, tail...)), a.width)
}

// flowHelp lays keys out as "key desc" items separated like the short
// help, on as many lines as the width needs.
func (a App) flowHelp(keys []key.Binding) string {
	hs := a.help.Styles
	sep := hs.ShortSeparator.Render(a.help.ShortSeparator)
	var out []string
	line, lineW := "", 0
	for _, k := range enabledKeys(keys) {
		item := hs.ShortKey.Render(k.Help().Key) + " " + hs.ShortDesc.Render(k.Help().Desc)
		w := ansi.StringWidth(item)
		if lineW > 0 && lineW+ansi.StringWidth(sep)+w > a.width {
			out = append(out, line)
			line, lineW = "", 0
		}
		if lineW > 0 {
			line += sep
			lineW += ansi.StringWidth(sep)
		}
		line += item
		lineW += w
	}
	if line != "" {
		out = append(out, line)
	}
	return truncateLines(strings.Join(out, "\n"), a.width)
}

func enabledKeys(keys []key.Binding) []key.Binding {
	out := make([]key.Binding, 0, len(keys))
	for _, k := range keys {
		if k.Enabled() && k.Help().Key != "" {
			out = append(out, k)
		}
	}
	return out
}

// A long status message may push the screen up by at most a third of its
// height (and never more than four lines); beyond that it is cut with "…".
const maxStatusLines = 4

// statusBar names the keyring backend and its lock state, and shows the
// latest status message, wrapped over up to maxStatusLines lines so it is
// read in full.
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
	msg, style := a.statusMessage()
	if msg == "" {
		return ansi.Truncate(left, a.width, "…")
	}
	if a.width >= 90 && left != "" {
		line := left + st.Status.Bar.Render(" · ") + style.Render(msg)
		if ansi.StringWidth(line) <= a.width {
			return line
		}
	}
	ls := strings.Split(wrapText(msg, a.width), "\n")
	if n := max(min(maxStatusLines, a.height/3), 1); len(ls) > n {
		ls = ls[:n]
		ls[n-1] = ansi.Truncate(ls[n-1]+" …", a.width, "…")
	}
	for i, l := range ls {
		ls[i] = style.Render(l)
	}
	return strings.Join(ls, "\n")
}

// statusMessage is what the status bar says besides the keyring: the
// running operation, else an error that stays, else the latest message.
func (a App) statusMessage() (string, lipgloss.Style) {
	st := a.styles
	switch {
	case a.op.running():
		return a.op.spin.View() + " " + a.op.label + " (esc cancels)", st.Status.Message
	case a.status.persistent != "" && a.screen != screenBrowser:
		return "✗ " + a.status.persistent, st.Status.Error
	case a.status.text != "" && a.status.isErr:
		return "✗ " + a.status.text, st.Status.Error
	}
	return a.status.text, st.Status.Message
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
