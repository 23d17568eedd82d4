package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// Direct-test intents, routed by App.
type (
	// askDirectTestMsg asks for a Flashback configuration's secret for one
	// direct test (the troubleshooting panel's t).
	askDirectTestMsg struct{ item session.Item }
	// submitDirectTestMsg carries what was typed, for one test.
	submitDirectTestMsg struct {
		item session.Item
		cred store.Credentials
	}
	// cancelDirectTestMsg goes back to the panel.
	cancelDirectTestMsg struct{}
)

// directTest asks for the secret of a Flashback configuration (and, for
// AWS, its access key ID) for one direct test from this machine: the
// platform never returns the stored secret, so without one the direct
// checks are skipped. What is typed is masked, sanitised like the form's
// input, used for that test and its re-runs while the panel is open, and
// never stored.
type directTest struct {
	item    session.Item
	inputs  []textinput.Model // secret, or access key ID then secret (AWS)
	asksKey bool
	focus   int
	err     string
	keys    directTestKeyMap
	styles  *Styles
	width   int
	height  int
}

func newDirectTest(st *Styles, it session.Item) (directTest, tea.Cmd) {
	t := directTest{item: it, keys: defaultDirectTestKeyMap(), styles: st}
	p, _ := assets.PresetFor(it.AIType)
	t.asksKey = p.Key.Required
	mk := func(prompt string, masked bool) textinput.Model {
		ti := textinput.New()
		ti.Prompt = prompt
		if masked {
			ti.EchoMode = textinput.EchoPassword
			ti.EchoCharacter = '•'
		}
		ti.SetStyles(textinput.DefaultStyles(st.IsDark))
		return ti
	}
	if t.asksKey {
		t.inputs = append(t.inputs, mk(pad(p.Key.Label, 18)+" ", false))
	}
	t.inputs = append(t.inputs, mk(pad(placeholderOr(p.Secret.Label, "Secret"), 18)+" ", true))
	t.keys.Next.SetEnabled(t.asksKey)
	return t, t.inputs[0].Focus()
}

func placeholderOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func (t *directTest) setSize(w, h int) {
	t.width, t.height = w, h
	for i := range t.inputs {
		t.inputs[i].SetWidth(max(w-24, 8))
	}
}

func (t *directTest) setStyles(st *Styles) {
	t.styles = st
	for i := range t.inputs {
		t.inputs[i].SetStyles(textinput.DefaultStyles(st.IsDark))
	}
}

func (t *directTest) keyMap() help.KeyMap { return t.keys }

// Update handles a message while the prompt is the active screen.
func (t *directTest) Update(msg tea.Msg) tea.Cmd {
	if len(t.inputs) == 0 {
		return nil
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(kp, t.keys.Cancel):
			return func() tea.Msg { return cancelDirectTestMsg{} }
		case key.Matches(kp, t.keys.Next):
			t.inputs[t.focus].Blur()
			t.focus = (t.focus + 1) % len(t.inputs)
			return t.inputs[t.focus].Focus()
		case key.Matches(kp, t.keys.Submit):
			return t.submit()
		}
	}
	var cmd tea.Cmd
	t.inputs[t.focus], cmd = t.inputs[t.focus].Update(msg)
	return cmd
}

func (t *directTest) submit() tea.Cmd {
	if t.asksKey && t.focus == 0 {
		t.inputs[0].Blur()
		t.focus = 1
		return t.inputs[1].Focus()
	}
	secret, err := input.SanitizeSecret(t.inputs[len(t.inputs)-1].Value())
	if err != nil {
		t.err = err.Error()
		return nil
	}
	var keyValue string
	if t.asksKey {
		k, err := input.SanitizeKey(t.inputs[0].Value())
		if err != nil {
			t.err = err.Error()
			return nil
		}
		keyValue = k.Value
	}
	it, cred := t.item, store.Credentials{Key: keyValue, Secret: secret.Value}
	for i := range t.inputs {
		t.inputs[i].SetValue("") // not kept on this screen either
	}
	return func() tea.Msg { return submitDirectTestMsg{item: it, cred: cred} }
}

// View renders the prompt.
func (t *directTest) View() string {
	st := t.styles
	w := max(t.width, 20)
	var b strings.Builder
	b.WriteString(st.App.Title.Render("Test "+quote(t.item.Name)+" from this machine") + "\n")
	b.WriteString(st.App.Subtitle.Render(wrapText("Flashback never returns the stored secret. Type it (or paste it) for one direct test: it is masked, used for this test and its re-runs, and never stored.", w)) + "\n")
	if t.height == 0 || t.height >= 16 {
		b.WriteString("\n")
	}
	for i, in := range t.inputs {
		marker := "  "
		if i == t.focus {
			marker = st.Browser.Cursor.Render("›") + " "
		}
		b.WriteString(marker + in.View() + "\n")
	}
	if t.err != "" {
		b.WriteString(st.App.Error.Render(wrapText("✗ "+t.err, w)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
