package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/client"
)

// Sign-in intents, routed by App.
type (
	submitSignInMsg struct{ email, password string }
	submitMFAMsg    struct {
		challenge *client.MFAChallenge
		code      string
	}
	cancelSignInMsg struct{}
)

// signIn asks for the Flashback email and password, then for the second
// factor when the account has one. The password is masked and kept only
// until it is sent; the email survives a failed attempt so only the
// password needs retyping.
type signIn struct {
	email, password, code textinput.Model
	focus                 int // 0 email, 1 password (code alone when mfa)
	mfa                   *client.MFAChallenge
	apiURL                string
	simulated             bool
	err                   string
	busy                  bool
	keys                  signInKeyMap
	styles                *Styles
	width, height         int
}

func newSignIn(st *Styles, apiURL, email string, simulated bool) (signIn, tea.Cmd) {
	mk := func(prompt, placeholder string) textinput.Model {
		ti := textinput.New()
		ti.Prompt = prompt
		ti.Placeholder = placeholder
		ti.SetStyles(textinput.DefaultStyles(st.IsDark))
		return ti
	}
	s := signIn{
		email:     mk("Email     ", "you@company.example"),
		password:  mk("Password  ", ""),
		code:      mk("Code      ", "6 digits from your authenticator app"),
		apiURL:    apiURL,
		simulated: simulated,
		styles:    st,
		keys:      defaultSignInKeyMap(),
	}
	s.password.EchoMode = textinput.EchoPassword
	s.password.EchoCharacter = '•'
	s.email.SetValue(email)
	s.code.CharLimit = 12
	if email != "" {
		s.focus = 1
		return s, s.password.Focus()
	}
	return s, s.email.Focus()
}

func (s *signIn) setSize(w, h int) {
	s.width, s.height = w, h
	for _, ti := range []*textinput.Model{&s.email, &s.password, &s.code} {
		ti.SetWidth(max(w-14, 10))
	}
}

func (s *signIn) setStyles(st *Styles) { s.styles = st }
func (s *signIn) keyMap() help.KeyMap  { return s.keys }

// askCode switches to the second-factor step.
func (s *signIn) askCode(ch *client.MFAChallenge) tea.Cmd {
	s.mfa, s.busy, s.err = ch, false, ""
	s.keys.Next.SetEnabled(false)
	s.keys.Submit.SetHelp("enter", "verify")
	s.password.SetValue("")
	s.email.Blur()
	s.password.Blur()
	return s.code.Focus()
}

// failed shows why a sign-in failed and lets the user retry.
func (s *signIn) failed(text string) tea.Cmd {
	s.busy, s.err = false, text
	if s.mfa != nil {
		s.code.SetValue("")
		return s.code.Focus()
	}
	s.password.SetValue("")
	s.focus = 1
	s.email.Blur()
	return s.password.Focus()
}

func (s *signIn) Update(msg tea.Msg) tea.Cmd {
	if s.busy {
		return nil
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if ok {
		switch {
		case key.Matches(kp, s.keys.Cancel):
			return func() tea.Msg { return cancelSignInMsg{} }
		case key.Matches(kp, s.keys.Next) && s.mfa == nil:
			s.focus = 1 - s.focus
			if s.focus == 0 {
				s.password.Blur()
				return s.email.Focus()
			}
			s.email.Blur()
			return s.password.Focus()
		case key.Matches(kp, s.keys.Submit):
			s.err = ""
			if s.mfa != nil {
				code := strings.TrimSpace(s.code.Value())
				if code == "" {
					s.err = "Type the code from your authenticator app."
					return nil
				}
				s.busy = true
				ch := s.mfa
				return func() tea.Msg { return submitMFAMsg{challenge: ch, code: code} }
			}
			email := strings.TrimSpace(s.email.Value())
			switch {
			case email == "" || !strings.Contains(email, "@"):
				s.err = "Type the email address of your Flashback account."
				s.focus = 0
				s.password.Blur()
				return s.email.Focus()
			case s.focus == 0:
				s.focus = 1
				s.email.Blur()
				return s.password.Focus()
			case s.password.Value() == "":
				s.err = "Type your password."
				return nil
			}
			s.busy = true
			pw := s.password.Value()
			return func() tea.Msg { return submitSignInMsg{email: email, password: pw} }
		}
	}
	var cmd tea.Cmd
	switch {
	case s.mfa != nil:
		s.code, cmd = s.code.Update(msg)
	case s.focus == 0:
		s.email, cmd = s.email.Update(msg)
	default:
		s.password, cmd = s.password.Update(msg)
	}
	return cmd
}

func (s *signIn) View() string {
	st := s.styles
	w := max(s.width, 20)
	var b strings.Builder
	b.WriteString(st.App.Title.Render("Sign in to Flashback") + "\n")
	where := "API " + s.apiURL
	if s.simulated {
		where = "SIMULATED platform (fbllm demo): nothing leaves this machine"
	}
	b.WriteString(st.App.Muted.Render(wrapText(where, w)) + "\n\n")
	if s.mfa != nil {
		b.WriteString(st.Dialog.Body.Render(wrapText("This account has a second factor. Type the current code from your authenticator app.", w)) + "\n\n")
		b.WriteString(s.code.View() + "\n")
	} else {
		b.WriteString(s.email.View() + "\n" + s.password.View() + "\n")
		if s.height == 0 || s.height >= 16 {
			b.WriteString("\n" + st.App.Subtle.Render(wrapText("The password is sent once and never stored; fbllm keeps only the sign-in's refresh token, in the keyring.", w)) + "\n")
		}
	}
	if s.busy {
		b.WriteString("\n" + st.App.Muted.Render("Signing in… (esc cancels)"))
	}
	if s.err != "" {
		b.WriteString("\n" + st.App.Error.Render(wrapText("✗ "+s.err, w)))
	}
	return b.String()
}
