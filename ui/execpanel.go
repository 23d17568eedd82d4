package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/toolenv"
)

// Exec panel intents, routed by App.
type (
	// showExecMsg asks App for the panel that shows how to use a
	// configuration in another program, or, for a Flashback one, why it
	// cannot be.
	showExecMsg struct{ item session.Item }
	// closeExecMsg leaves the panel.
	closeExecMsg struct{}
)

// execPanel shows how to hand a local configuration to another program:
// the exact `fbllm exec` command line (App copies it when the panel opens)
// and the variables the program gets, named with the fingerprints the
// index keeps. It never reads the keyring, so it holds no secret and works
// while the keyring is locked.
type execPanel struct {
	name    string
	command string // toolenv.CommandLine(name): what c copies
	desc    toolenv.Description
	// err says why the configuration cannot be handed over (no secret, a
	// type without variables); the command line is shown all the same.
	err  error
	keys execKeyMap
	scrollBody
}

// newExecPanel builds the panel of a local configuration.
func newExecPanel(st *Styles, it session.Item, w, h int) execPanel {
	p := execPanel{name: it.Name, command: toolenv.CommandLine(it.Name), keys: defaultExecKeyMap(),
		scrollBody: scrollBody{styles: st, vp: viewport.New()}}
	if it.Local != nil {
		p.desc, p.err = toolenv.Preview(*it.Local)
	}
	p.setSize(w, h)
	return p
}

// copyCommand is the intent that puts the command line on the clipboard.
func (p *execPanel) copyCommand() tea.Cmd {
	text := p.command
	return func() tea.Msg { return copyMsg{text: text, what: "the command line"} }
}

func (p *execPanel) setSize(w, h int) { p.resize(w, h, 1, p.body) }

func (p *execPanel) setStyles(st *Styles) { p.restyle(st, p.body) }

func (p *execPanel) keyMap() help.KeyMap { return p.keys }

func (p *execPanel) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(kp, p.keys.Close):
		return func() tea.Msg { return closeExecMsg{} }
	case key.Matches(kp, p.keys.Copy):
		return p.copyCommand()
	case key.Matches(kp, p.keys.QuitHint):
		return func() tea.Msg { return statusMsg{text: notHere} }
	}
	var cmd tea.Cmd
	p.vp, cmd = p.vp.Update(msg)
	return cmd
}

func (p *execPanel) View() string {
	st := p.styles
	title := "Use " + quote(p.name) + " in a tool"
	if p.width < 60 {
		title = p.name
	}
	head := st.App.Title.Render(title)
	if !p.vp.AtBottom() {
		head = st.App.Muted.Render("↓ ") + head
	}
	return truncateLine(head, p.width) + "\n" + p.vp.View()
}

// body is the scrollable part: the command line, the variables, then how
// to use them. A short terminal keeps the first two on the first screen.
func (p execPanel) body(w int) string {
	st := p.styles
	w = max(w, 20)
	roomy := p.height >= 16
	var b strings.Builder
	if roomy {
		b.WriteString(st.Dialog.Body.Render(wrapText("Run any program with this configuration's credentials:", w)) + "\n\n")
	}
	b.WriteString(st.App.Key.Render(indentWrap("  ", p.command+"…", w)) + "\n")
	if roomy {
		b.WriteString("\n")
	}
	if p.err != nil {
		b.WriteString(st.App.Error.Render(wrapText("✗ "+errorText("It cannot be handed over: ", p.err), w)) + "\n")
	} else {
		b.WriteString(p.vars(w))
	}
	b.WriteString("\n" + st.App.Muted.Render(wrapText("Put the program and its arguments in place of …, e.g. "+p.command+"aider.", w)) + "\n")
	b.WriteString(st.App.Subtle.Render(wrapText("The key stays encrypted in the keyring: fbllm hands it to that one program, for as long as it runs.", w)))
	return b.String()
}

// vars lists the variables the program gets, with fingerprints for the
// secret and key, and the inherited ones it loses.
func (p execPanel) vars(w int) string {
	st := p.styles
	var b strings.Builder
	b.WriteString(st.Dialog.Title.Render(wrapText("Variables (fingerprints, never values):", w)) + "\n")
	nameW := 0
	for _, v := range p.desc.Set {
		nameW = max(nameW, len(v.Name))
	}
	for _, v := range p.desc.Set {
		// Side by side where both fit, else the value under its name.
		if 2+nameW+2+ansi.StringWidth(v.Shown) <= w {
			b.WriteString("  " + st.Browser.DetailKey.Render(pad(v.Name, nameW)) + "  " + st.Browser.DetailValue.Render(v.Shown) + "\n")
			continue
		}
		b.WriteString("  " + st.Browser.DetailKey.Render(v.Name) + "\n")
		b.WriteString(st.Browser.DetailValue.Render(indentWrap("    ", v.Shown, w)) + "\n")
	}
	if len(p.desc.Unset) > 0 {
		names := make([]string, len(p.desc.Unset))
		for i, u := range p.desc.Unset {
			names[i] = u.Name
		}
		b.WriteString(st.App.Muted.Render(indentWrap("Removed if inherited: ", strings.Join(names, ", "), w)) + "\n")
	}
	return b.String()
}
