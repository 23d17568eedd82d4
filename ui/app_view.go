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
	// Measured as text: the help styles only colour, so an item is as wide
	// as "key desc", and drawing the line once per dropped key would cost
	// every keystroke a few hundred allocations.
	total := a.shortHelpWidth(append(rest[:len(rest):len(rest)], tail...))
	for len(rest) > 0 && total > a.width {
		total -= a.shortHelpWidth(rest[len(rest)-1:]) + ansi.StringWidth(a.help.ShortSeparator)
		rest = rest[:len(rest)-1]
	}
	return truncateLines(measure.ShortHelpView(append(rest, tail...)), a.width)
}

// shortHelpWidth is the width of the short help of keys (all enabled),
// without drawing it.
func (a App) shortHelpWidth(keys []key.Binding) int {
	w := 0
	for i, k := range keys {
		if i > 0 {
			w += ansi.StringWidth(a.help.ShortSeparator)
		}
		w += ansi.StringWidth(k.Help().Key) + 1 + ansi.StringWidth(k.Help().Desc)
	}
	return w
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
	for _, p := range a.statusLeft() {
		left += p.style.Render(p.text)
	}
	if line, ok := a.statusOneLine(left); ok {
		if a.browser.rulerInStatus && a.screen == screenBrowser {
			ruler := a.browser.position()
			line += strings.Repeat(" ", max(a.width-ansi.StringWidth(line)-ansi.StringWidth(ruler), 0)) + st.Status.Ruler.Render(ruler)
		}
		return line
	}
	msg, style := a.statusMessage()
	ls := a.statusMessageLines(msg)
	for i, l := range ls {
		ls[i] = style.Render(l)
	}
	return strings.Join(ls, "\n")
}

// statusOneLine is the status bar when it is one line: the keyring
// indicator (left, drawn), with the message beside it when it fits.
func (a App) statusOneLine(left string) (string, bool) {
	msg, style := a.statusMessage()
	switch {
	case msg == "":
		return ansi.Truncate(left, a.width, "…"), true
	case a.statusShared(msg):
		return left + a.styles.Status.Bar.Render(" · ") + style.Render(msg), true
	}
	return "", false
}

// placeRuler decides where the browser shows its position: at the right
// of the status bar when the widest position ("1000/1000") fits there
// beside what the bar says, else in the browser's header. Update calls it
// last, so View only reads the decision.
func (a *App) placeRuler() {
	b := a.browser
	b.rulerInStatus = false
	if a.screen != screenBrowser || b.position() == "" {
		return
	}
	var left string
	for _, p := range a.statusLeft() {
		left += p.style.Render(p.text)
	}
	line, ok := a.statusOneLine(left)
	widest := 2*len(fmt.Sprint(len(b.view))) + 1
	b.rulerInStatus = ok && ansi.StringWidth(line)+2+widest <= a.width
}

// statusHeight is how many lines statusBar takes, worked out without
// drawing it (Update asks on every message).
func (a App) statusHeight() int {
	msg, _ := a.statusMessage()
	if msg == "" || a.statusShared(msg) {
		return 1
	}
	return len(a.statusMessageLines(msg))
}

// statusShared reports whether the message fits on one line beside the
// keyring indicator (wide terminals only).
func (a App) statusShared(msg string) bool {
	if a.width < 90 {
		return false
	}
	w := 0
	for _, p := range a.statusLeft() {
		w += ansi.StringWidth(p.text)
	}
	return w > 0 && w+len(" · ")+ansi.StringWidth(msg) <= a.width
}

// statusMessageLines wraps a message that has the status bar to itself,
// over at most a third of the height.
func (a App) statusMessageLines(msg string) []string {
	ls := strings.Split(wrapText(msg, a.width), "\n")
	if n := max(min(maxStatusLines, a.height/3), 1); len(ls) > n {
		ls = ls[:n]
		ls[n-1] = ansi.Truncate(ls[n-1]+" …", a.width, "…")
	}
	return ls
}

// styledText is a piece of the status bar and how to draw it.
type styledText struct {
	text  string
	style lipgloss.Style
}

// statusLeft is the keyring indicator: the backend and its lock state,
// SIMULATED in the demo, and the Flashback workspace when there is room.
func (a App) statusLeft() []styledText {
	st := a.styles
	var parts []styledText
	if a.sess.Simulated() {
		parts = append(parts, styledText{"SIMULATED", st.App.Simulated}, styledText{" · ", st.Status.Bar})
	}
	switch {
	case a.keyring.err != nil:
		parts = append(parts, styledText{"✗ no usable keyring", st.Status.Error})
	case a.keyring.backend.Name != "":
		parts = append(parts, styledText{"Secrets: " + store.BackendLabel(a.keyring.backend.Name), st.Status.Backend})
		if a.keyring.backend.NeedsPassphrase {
			switch {
			case a.keyring.locked:
				parts = append(parts, styledText{" (locked)", st.Status.Locked})
			case a.keyring.cache.Active:
				parts = append(parts, styledText{" (unlocked, remembered)", st.Status.Unlocked})
			default:
				parts = append(parts, styledText{" (unlocked)", st.Status.Unlocked})
			}
		}
	}
	if a.flashback.workspace != nil && !a.flashback.scope.AllWorkspaces && a.width >= 60 {
		parts = append(parts, styledText{" · ", st.Status.Bar}, styledText{"Flashback: " + a.flashback.workspace.Name, st.Status.Backend})
	}
	return parts
}

// footerHeight is how many lines footer takes: one for the short help
// (it never wraps), more for full help.
func (a App) footerHeight() int {
	if !a.help.ShowAll {
		return 1
	}
	return strings.Count(a.footer(), "\n") + 1
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
