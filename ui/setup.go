package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/store"
)

// setupChosenMsg is the setup screen's intent: the user chose where
// configurations live.
type setupChosenMsg struct{ mode string }

// setupOption is one answer to "where should configurations live?".
type setupOption struct {
	mode     string
	title    string
	detail   string
	disabled bool
}

// setup is the first-run screen. It says where secrets will be stored before
// the user types any secret, and lets them choose.
type setup struct {
	options []setupOption
	cursor  int
	keys    setupKeyMap
	styles  *Styles
	width   int
	height  int
	backend store.BackendInfo
	err     error
}

func newSetup(st *Styles) setup {
	return setup{keys: defaultSetupKeyMap(), styles: st}
}

// setBackend fills in the local option from the selected keyring backend.
func (s *setup) setBackend(info store.BackendInfo, err error) {
	s.backend, s.err = info, err
	local := setupOption{mode: "local", title: "Keep it on this machine"}
	if err != nil {
		local.disabled = true
		local.detail = "No usable keyring on this machine: " + err.Error()
	} else {
		local.detail = "Secrets go to: " + backendSentence(info)
		if info.NeedsPassphrase {
			local.detail += "\nYou will choose a passphrase next (or set FBLLM_KEYRING_PASSPHRASE)."
		}
	}
	remote := setupOption{mode: "flashback", title: "Sign in to Flashback",
		detail: "Configurations go to your Flashback workspace: the secret is sent to Flashback once (write-only) and not kept here."}
	if err != nil {
		remote.disabled = true
		remote.detail = "Signing in needs a keyring for the sign-in token (or FLASHBACK_TOKEN for scripts)."
	} else {
		remote.detail += " Your sign-in token goes to: " + store.BackendLabel(info.Name) + "."
	}
	s.options = []setupOption{local, remote}
	s.cursor = 0
}

// setupImport is the answer "import the keys found here" (offerImport).
const setupImport = "import"

// offerImport adds the answer "import the keys this machine keeps in
// clear" when the first-run scan found some; found says how many and where.
func (s *setup) offerImport(found string) {
	if found == "" || s.err != nil {
		return
	}
	for _, o := range s.options {
		if o.mode == setupImport {
			return
		}
	}
	s.options = append(s.options, setupOption{mode: setupImport, title: "Import the keys found on this machine",
		detail: found + " They go to: " + store.BackendLabel(s.backend.Name) + "; the files they are in stay as they are."})
}

func (s *setup) setSize(w, h int)     { s.width, s.height = w, h }
func (s *setup) setStyles(st *Styles) { s.styles = st }
func (s *setup) keyMap() help.KeyMap  { return s.keys }

// Update handles a message while setup is the active screen.
func (s *setup) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(kp, s.keys.Up):
		s.cursor = max(s.cursor-1, 0)
	case key.Matches(kp, s.keys.Down):
		s.cursor = min(s.cursor+1, len(s.options)-1)
	case key.Matches(kp, s.keys.Choose):
		if len(s.options) > 0 && !s.options[s.cursor].disabled {
			mode := s.options[s.cursor].mode
			return func() tea.Msg { return setupChosenMsg{mode: mode} }
		}
	case key.Matches(kp, s.keys.Quit):
		return func() tea.Msg { return quitMsg{} }
	case key.Matches(kp, s.keys.Back):
		return func() tea.Msg {
			return statusMsg{text: "Nothing is set up yet: choose where configurations live, or press q to quit."}
		}
	}
	return nil
}

// View renders the setup screen.
func (s *setup) View() string {
	st := s.styles
	w := max(s.width, 20)
	var b strings.Builder
	compact := s.height > 0 && s.height < 20
	b.WriteString(st.App.Title.Render("Welcome to fbllm") + "\n")
	if !compact {
		b.WriteString(st.App.Subtitle.Render(wrapText("Let's add your first AI LLM configuration: a provider, its endpoint and its credentials.", w)) + "\n\n")
	}
	b.WriteString(st.Dialog.Title.Render("Where should configurations live?") + "\n")
	for i, o := range s.options {
		marker, title := "  ", st.Setup.Option
		if i == s.cursor {
			marker, title = st.Browser.Cursor.Render("›")+" ", st.Setup.Selected
		}
		if o.disabled {
			title = st.Setup.Disabled
		}
		if !compact {
			b.WriteString("\n")
		}
		b.WriteString(marker + title.Render(o.title) + "\n")
		detail := o.detail
		if compact && i != s.cursor {
			continue // only the highlighted option's details fit
		}
		for _, line := range strings.Split(wrapText(detail, w-4), "\n") {
			b.WriteString("    " + st.Setup.Note.Render(line) + "\n")
		}
	}
	if s.err != nil {
		b.WriteString("\n" + st.App.Error.Render(wrapText("✗ fbllm cannot store secrets here. Set FBLLM_KEYRING_BACKEND=file and FBLLM_KEYRING_PASSPHRASE to use the encrypted-file keyring.", w)))
	}
	return b.String()
}

// backendSentence describes where secrets go, in words a user can check.
func backendSentence(info store.BackendInfo) string {
	s := info.Description
	if s == "" {
		s = store.BackendLabel(info.Name)
	}
	if info.Location != "" {
		s += " at " + info.Location
	}
	return s
}
