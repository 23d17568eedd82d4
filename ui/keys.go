package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// globalKeys work on every screen.
type globalKeys struct {
	Interrupt key.Binding // ctrl+c: leave at once (exit code 130)
	// Cancel stops the running Flashback call or check (esc); while one
	// runs, every other key waits.
	Cancel key.Binding
}

func defaultGlobalKeys() globalKeys {
	return globalKeys{
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// notHere is the status line for q where it does not quit: q quits only
// from the top-level screens (the list, the welcome), esc goes back.
const notHere = "esc goes back; q quits from the list."

// quitHint is a q that does not quit: pressed where q is not a quit key, it
// says where it is. It has no help text, so the footer never shows it.
func quitHint() key.Binding { return key.NewBinding(key.WithKeys("q")) }

// pressedDisabled reports whether kp is one of b's keys although b is
// disabled, so a screen can say why the key does nothing here instead of
// ignoring it. b is a copy: enabling it changes nothing else.
func pressedDisabled(kp tea.KeyPressMsg, b key.Binding) bool {
	if b.Enabled() {
		return false
	}
	b.SetEnabled(true)
	return key.Matches(kp, b)
}

// browserKeyMap is the browser's bindings. Bindings that do not apply in the
// current state are disabled, so the help footer shows only live keys.
type browserKeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Details, Filter, ClearFilter, Accept    key.Binding
	Add, Edit, Delete, Copy, Back, Help     key.Binding
	Test, Validate, Troubleshoot            key.Binding
	Workspace, Refresh                      key.Binding
	// Exec shows the command line that hands a local configuration to a
	// tool (fbllm exec); Import opens the checklist of keys found in clear.
	Exec, Import key.Binding
	// Quit works from the list; on the detail pane q only says how to get
	// back (QuitHint).
	Quit, QuitHint key.Binding
}

func defaultBrowserKeyMap() browserKeyMap {
	return browserKeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
		Details:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Accept:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter")),
		Add:          key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
		Edit:         key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Delete:       key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete")),
		Copy:         key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy id")),
		Test:         key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "test")),
		Validate:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "validate")),
		Troubleshoot: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "troubleshoot")),
		Workspace:    key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "workspace")),
		Refresh:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		// c copies the id; ! is the shell's own "run a command" key.
		Exec:     key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "exec line")),
		Import:   key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import keys"), key.WithDisabled()),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Quit:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		QuitHint: quitHint(),
	}
}

// ShortHelp implements help.KeyMap.
// ShortHelp lists keys by importance: the footer drops from the right,
// and keeps the last two.
func (k browserKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Accept, k.ClearFilter, k.Back, k.Add, k.Edit, k.Test, k.Troubleshoot, k.Exec, k.Details, k.Delete, k.Import, k.Filter, k.Help, k.Quit}
}

// FullHelp implements help.KeyMap.
func (k browserKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Details, k.Back, k.Filter, k.Accept, k.ClearFilter},
		{k.Add, k.Edit, k.Delete, k.Copy, k.Exec, k.Import},
		{k.Test, k.Validate, k.Troubleshoot, k.Workspace, k.Refresh, k.Help, k.Quit},
	}
}

// confirmKeyMap answers a yes/no dialog. The safe answer is the default:
// only y confirms.
type confirmKeyMap struct {
	Yes, No key.Binding
}

func defaultConfirmKeyMap() confirmKeyMap {
	return confirmKeyMap{
		Yes: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "delete")),
		No:  key.NewBinding(key.WithKeys("n", "N", "esc", "q"), key.WithHelp("n/esc", "keep it")),
	}
}

func (k confirmKeyMap) ShortHelp() []key.Binding  { return []key.Binding{k.Yes, k.No} }
func (k confirmKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// setupKeyMap drives the first-run choice of where configurations live.
// There is nothing to go back to: esc says how to quit instead of quitting
// silently.
type setupKeyMap struct {
	Up, Down, Choose, Quit, Back key.Binding
}

func defaultSetupKeyMap() setupKeyMap {
	return setupKeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "move")),
		Down:   key.NewBinding(key.WithKeys("down", "j")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Quit:   key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Back:   key.NewBinding(key.WithKeys("esc")),
	}
}

func (k setupKeyMap) ShortHelp() []key.Binding  { return []key.Binding{k.Up, k.Choose, k.Quit} }
func (k setupKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// passphraseKeyMap drives the passphrase prompt.
type passphraseKeyMap struct {
	Next, Toggle, Submit, Cancel key.Binding
}

func defaultPassphraseKeyMap() passphraseKeyMap {
	return passphraseKeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down", "up", "shift+tab"), key.WithHelp("tab", "next")),
		Toggle: key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "toggle")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "unlock")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

func (k passphraseKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Submit, k.Next, k.Toggle, k.Cancel}
}
func (k passphraseKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// formKeyMap is what the footer shows under the embedded huh form; the form
// itself owns the keys (see formHuhKeyMap), except stepping back and
// scrolling the review, which the form screen does.
type formKeyMap struct {
	Next, Back, ReviewDown, ReviewUp, Cancel key.Binding
}

func defaultFormKeyMap() formKeyMap {
	return formKeyMap{
		Next:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next")),
		Back:       key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),
		ReviewDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "more"), key.WithDisabled()),
		ReviewUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "back up"), key.WithDisabled()),
		Cancel:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

func (k formKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.ReviewDown, k.ReviewUp, k.Back, k.Cancel}
}
func (k formKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// leaveKeyMap answers "discard this configuration?" when esc would leave a
// form that holds typed input. Only y discards.
type leaveKeyMap struct {
	Yes, No key.Binding
}

func defaultLeaveKeyMap() leaveKeyMap {
	return leaveKeyMap{
		Yes: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "discard")),
		No:  key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "keep editing")),
	}
}

func (k leaveKeyMap) ShortHelp() []key.Binding  { return []key.Binding{k.Yes, k.No} }
func (k leaveKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// formHuhKeyMap adapts huh's default key map: esc steps back one question
// (as shift+tab does), the footer owns help, and ctrl+c is left to the App
// so that it always means "quit now".
func formHuhKeyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	back := key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back"))
	km.Input.Prev = back
	km.Select.Prev = back
	km.Confirm.Prev = back
	km.Note.Prev = back
	km.Text.Prev = back
	// A select's filter also uses esc; the type list is five items long and
	// needs no filter.
	km.Select.Filter.SetEnabled(false)
	km.Quit = key.NewBinding(key.WithDisabled())
	return km
}

// statusKeyMap is the footer of the loading and error screens.
type statusKeyMap struct {
	Quit key.Binding
}

func (k statusKeyMap) ShortHelp() []key.Binding  { return []key.Binding{k.Quit} }
func (k statusKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// reportKeyMap drives the troubleshooting panel. fix names the field the
// report says to change ("fix secret").
type reportKeyMap struct {
	Up, Down, Fix, Direct, Rerun, Copy, Save, Close, QuitHint key.Binding
}

func defaultReportKeyMap(fix string) reportKeyMap {
	return reportKeyMap{
		Up:   key.NewBinding(key.WithKeys("up", "k", "pgup"), key.WithHelp("↑/k", "scroll")),
		Down: key.NewBinding(key.WithKeys("down", "j", "pgdown", "space"), key.WithHelp("↓/j", "scroll")),
		Fix:  key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "fix "+fix)),
		// Direct types a Flashback configuration's secret for one direct
		// test (the platform never returns it).
		Direct:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "test with a secret"), key.WithDisabled()),
		Rerun:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "re-run")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy report")),
		Save:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save anyway")),
		Close:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		QuitHint: quitHint(),
	}
}

func (k reportKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Fix, k.Direct, k.Rerun, k.Copy, k.Save, k.Close}
}
func (k reportKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down}, k.ShortHelp()}
}

// directTestKeyMap drives the prompt for a secret typed for one direct test.
type directTestKeyMap struct {
	Next, Submit, Cancel key.Binding
}

func defaultDirectTestKeyMap() directTestKeyMap {
	return directTestKeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down", "up", "shift+tab"), key.WithHelp("tab", "next")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "test")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

func (k directTestKeyMap) ShortHelp() []key.Binding  { return []key.Binding{k.Submit, k.Next, k.Cancel} }
func (k directTestKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// signInKeyMap drives the Flashback sign-in.
type signInKeyMap struct {
	Next, Submit, Cancel key.Binding
}

func defaultSignInKeyMap() signInKeyMap {
	return signInKeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down", "up", "shift+tab"), key.WithHelp("tab", "next")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "sign in")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

func (k signInKeyMap) ShortHelp() []key.Binding  { return []key.Binding{k.Submit, k.Next, k.Cancel} }
func (k signInKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// pickerKeyMap drives the workspace picker.
type pickerKeyMap struct {
	Up, Down, Choose, Cancel, QuitHint key.Binding
}

func defaultPickerKeyMap() pickerKeyMap {
	return pickerKeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "move")),
		Down:     key.NewBinding(key.WithKeys("down", "j")),
		Choose:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		QuitHint: quitHint(),
	}
}

func (k pickerKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Choose, k.Cancel}
}
func (k pickerKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// execKeyMap drives the panel that shows how to use a configuration in a
// tool.
type execKeyMap struct {
	Up, Down, Copy, Close, QuitHint key.Binding
}

func defaultExecKeyMap() execKeyMap {
	return execKeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k", "pgup"), key.WithHelp("↑/k", "scroll")),
		Down:     key.NewBinding(key.WithKeys("down", "j", "pgdown", "space"), key.WithHelp("↓/j", "scroll")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy command")),
		Close:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		QuitHint: quitHint(),
	}
}

func (k execKeyMap) ShortHelp() []key.Binding  { return []key.Binding{k.Copy, k.Close} }
func (k execKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Up, k.Down}, k.ShortHelp()} }

// importKeyMap drives the checklist of keys found in clear, and then the
// summary of what was imported. Keys that do not apply are disabled.
type importKeyMap struct {
	Up, Down, Toggle, Test, Import, Close, QuitHint key.Binding
	// Copy and Done apply to the summary: copy the exec lines, and go to
	// the list.
	Copy, Done key.Binding
}

func defaultImportKeyMap() importKeyMap {
	return importKeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k", "pgup"), key.WithHelp("↑/↓", "move")),
		Down:     key.NewBinding(key.WithKeys("down", "j", "pgdown")),
		Toggle:   key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "select")),
		Test:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "test")),
		Import:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "import")),
		Close:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		QuitHint: quitHint(),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy commands"), key.WithDisabled()),
		Done:     key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", "to the list"), key.WithDisabled()),
	}
}

// ShortHelp lists keys by importance: the footer drops from the right and
// keeps the last two.
func (k importKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Toggle, k.Import, k.Test, k.Copy, k.Up, k.Close, k.Done}
}
func (k importKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Toggle}, {k.Test, k.Copy, k.Import, k.Close, k.Done}}
}
