package ui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/store"
)

// Passphrase intents, routed by App.
type (
	// submitPassphraseMsg carries a typed passphrase to check, and whether
	// the user asked to remember it for this login (see store.CacheStatus).
	submitPassphraseMsg struct {
		pass     string
		create   bool
		remember bool
	}
	// cancelPassphraseMsg means the user backed out of the prompt.
	cancelPassphraseMsg struct{}
)

// minPassphraseLen mirrors the store's rule so the prompt can refuse a short
// passphrase before any key derivation runs.
const minPassphraseLen = 8

// passphrase asks for the encrypted-file keyring's passphrase: twice when it
// is being created, once to unlock. It is drawn by fbllm itself (never the
// keyring library's terminal prompt) so it works inside the TUI and over SSH.
type passphrase struct {
	create bool
	inputs []textinput.Model // one to unlock; passphrase + repeat to create
	focus  int               // an input, or len(inputs) for the checkbox
	// canRemember offers the opt-in kernel-keyring cache; remember is the
	// user's answer (off by default).
	canRemember bool
	remember    bool
	checking    bool
	err         string
	attempts    int
	location    string
	reason      string // why the prompt appeared ("to save …")
	keys        passphraseKeyMap
	styles      *Styles
	width       int
	height      int
}

func newPassphrase(st *Styles, create bool, location, reason string, canRemember bool) (passphrase, tea.Cmd) {
	p := passphrase{create: create, location: location, reason: reason, keys: defaultPassphraseKeyMap(), styles: st, canRemember: canRemember}
	n := 1
	if create {
		n = 2
		p.keys.Submit.SetHelp("enter", "create")
	}
	for i := 0; i < n; i++ {
		ti := textinput.New()
		ti.EchoMode = textinput.EchoPassword
		ti.EchoCharacter = '•'
		ti.Prompt = "› "
		ti.CharLimit = 256
		ti.SetStyles(textinput.DefaultStyles(st.IsDark))
		p.inputs = append(p.inputs, ti)
	}
	p.keys.Next.SetEnabled(create || canRemember)
	p.keys.Toggle.SetEnabled(false)
	return p, p.inputs[0].Focus()
}

// fields is the number of focusable fields: the inputs and, when offered,
// the "remember" checkbox.
func (p passphrase) fields() int {
	if p.canRemember {
		return len(p.inputs) + 1
	}
	return len(p.inputs)
}

func (p *passphrase) setStyles(st *Styles) {
	p.styles = st
	for i := range p.inputs {
		p.inputs[i].SetStyles(textinput.DefaultStyles(st.IsDark))
	}
}

// setSize fits the inputs to the room: below 16 lines the prompt is
// compact (labels beside the inputs, a shorter explanation), so the
// checkbox and errors stay on screen at 40x12.
func (p *passphrase) setSize(w, h int) {
	p.width, p.height = w, h
	iw := max(min(w-6, 40), 8)
	if p.compact() {
		iw = max(min(w-passphraseLabelW-4, 40), 8)
	}
	for i := range p.inputs {
		p.inputs[i].SetWidth(iw)
	}
}

// passphraseLabelW is the width of the labels beside the inputs in the
// compact layout.
const passphraseLabelW = len("Passphrase ")

func (p *passphrase) compact() bool { return p.height > 0 && p.height < 16 }

func (p *passphrase) keyMap() help.KeyMap { return p.keys }

// checked records the outcome of a check the App ran for this prompt.
func (p *passphrase) checked(err error) tea.Cmd {
	p.checking = false
	p.attempts++
	switch {
	case errors.Is(err, store.ErrWrongPassphrase):
		p.err = "Wrong passphrase; nothing was changed."
	case errors.Is(err, store.ErrWeakPassphrase):
		p.err = fmt.Sprintf("Choose a longer passphrase (at least %d characters).", minPassphraseLen)
	default:
		p.err = "Could not open the keyring: " + err.Error()
	}
	for i := range p.inputs {
		p.inputs[i].SetValue("")
	}
	p.focus = 0
	return p.focusCmd()
}

func (p *passphrase) focusCmd() tea.Cmd {
	var cmd tea.Cmd
	p.keys.Toggle.SetEnabled(p.focus == len(p.inputs))
	for i := range p.inputs {
		if i == p.focus {
			cmd = p.inputs[i].Focus()
		} else {
			p.inputs[i].Blur()
		}
	}
	return cmd
}

// Update handles a message while the prompt is the active screen.
func (p *passphrase) Update(msg tea.Msg) tea.Cmd {
	if p.checking {
		return nil
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(kp, p.keys.Cancel):
			return func() tea.Msg { return cancelPassphraseMsg{} }
		case key.Matches(kp, p.keys.Next):
			p.focus = (p.focus + 1) % p.fields()
			return p.focusCmd()
		case key.Matches(kp, p.keys.Toggle):
			p.remember = !p.remember
			return nil
		case key.Matches(kp, p.keys.Submit):
			return p.submit()
		}
	}
	if p.focus >= len(p.inputs) {
		return nil
	}
	var cmd tea.Cmd
	p.inputs[p.focus], cmd = p.inputs[p.focus].Update(msg)
	return cmd
}

func (p *passphrase) submit() tea.Cmd {
	pass := p.inputs[0].Value()
	if p.create && p.focus == 0 && len(p.inputs[1].Value()) == 0 {
		if len([]rune(pass)) < minPassphraseLen {
			p.err = fmt.Sprintf("Choose a longer passphrase (at least %d characters).", minPassphraseLen)
			return nil
		}
		p.err = ""
		p.focus = 1
		return p.focusCmd()
	}
	if pass == "" {
		p.err = "Type the passphrase, or press esc to cancel."
		return nil
	}
	if p.create && p.inputs[1].Value() != pass {
		p.err = "The two passphrases differ. Type them again."
		p.inputs[0].SetValue("")
		p.inputs[1].SetValue("")
		p.focus = 0
		return p.focusCmd()
	}
	p.err = ""
	p.checking = true
	create, remember := p.create, p.remember
	return func() tea.Msg { return submitPassphraseMsg{pass: pass, create: create, remember: remember} }
}

// View renders the prompt. An error is about what was typed, so it is
// drawn right under the passphrase.
func (p *passphrase) View() string {
	st := p.styles
	w := max(p.width, 20)
	compact := p.compact()
	var b strings.Builder
	title, about := "Unlock the keyring", "Passphrase of the encrypted-file keyring in "+p.location
	if p.reason != "" {
		about += ", " + p.reason
	}
	about += "."
	if p.create {
		title = "Choose a keyring passphrase"
		about = "It encrypts the secrets stored in " + p.location + ". It cannot be recovered: without it the stored secrets are lost."
		if compact {
			about = "It encrypts the secrets in " + p.location + " and cannot be recovered."
		}
	}
	b.WriteString(st.App.Title.Render(title) + "\n")
	b.WriteString(st.App.Subtitle.Render(wrapText(about, w)) + "\n")
	if !compact {
		b.WriteString("\n")
	}
	field := func(label string, in textinput.Model) {
		if compact {
			b.WriteString(st.Dialog.Title.Render(pad(label, passphraseLabelW)) + in.View() + "\n")
			return
		}
		b.WriteString(st.Dialog.Title.Render(label) + "\n" + in.View() + "\n")
	}
	field("Passphrase", p.inputs[0])
	switch {
	case p.checking:
		b.WriteString(st.App.Muted.Render("Checking…") + "\n")
	case p.err != "":
		b.WriteString(st.App.Error.Render(wrapText("✗ "+p.err, w)) + "\n")
	}
	if p.create {
		field("Repeat it", p.inputs[1])
	}
	if p.canRemember {
		box := "[ ]"
		if p.remember {
			box = "[x]"
		}
		line := box + " Remember for 1 hour (kernel keyring, your user only)"
		if compact {
			line = box + " Remember 1 hour (kernel keyring)"
		}
		style := st.Setup.Option
		if p.focus == len(p.inputs) {
			line, style = "› "+line, st.Setup.Selected
		} else {
			line = "  " + line
		}
		if !compact {
			b.WriteString("\n")
		}
		b.WriteString(style.Render(wrapText(line, w)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
