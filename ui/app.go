package ui

// Flow (screens, the messages that move between them, and the Cmds):
//
//   loading ──storeLoadedMsg──▶ setup (first run) ──setupChosenMsg──▶ [passphrase] ──▶ form
//                         └────▶ browser ──openFormMsg──▶ form ──submitConfigMsg──▶ saveConfigCmd
//   form ◀──configSavedMsg(err)──┘   configSavedMsg(ok) ──▶ browser (listConfigsCmd)
//   any save that hits store.ErrLocked ──▶ passphrase ──passphraseCheckedMsg──▶ retried save
//   browser ──deleteConfigMsg──▶ deleteConfigCmd ──configDeletedMsg──▶ browser

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fbllm/fbllm/forms"
	"github.com/fbllm/fbllm/store"
)

// screen is the active screen of the App.
type screen int

const (
	screenLoading screen = iota
	screenSetup
	screenPassphrase
	screenForm
	screenBrowser
)

func (s screen) String() string {
	return [...]string{"loading", "setup", "passphrase", "form", "browser"}[s]
}

// Minimum usable terminal size; below it the App says so instead of drawing
// a broken layout.
const (
	minWidth  = 40
	minHeight = 12
)

// statusTTL is how long a transient status message stays.
const statusTTL = 5 * time.Second

// App is the only tea.Model of fbllm. It owns the screens, routes their
// intent messages, runs the Cmds and draws the status bar and help footer.
type App struct {
	deps   Deps
	opts   Options
	styles *Styles
	keys   globalKeys
	help   help.Model

	width, height int
	screen        screen

	setup   setup
	pass    passphrase
	form    formScreen
	browser browser

	settings      store.Settings
	backend       store.BackendInfo
	backendErr    error
	passphraseSet bool
	locked        bool
	cache         store.CacheStatus

	// afterUnlock is what to do once the passphrase prompt succeeds; the
	// prompt's cancel returns to backTo.
	afterUnlock func(App) (App, tea.Cmd)
	backTo      screen

	// noTimers turns off the cosmetic timers (status expiry, spinners) so
	// the tests' synchronous driver can wait for every other Cmd to finish.
	noTimers bool

	status      string
	statusErr   bool
	statusID    int
	persistent  string // an error that stays until acknowledged by the next action
	result      Result
	interrupted bool
}

// Result is what a TUI session produced, for the CLI to report.
type Result struct {
	// Saved is the configuration saved last, if any.
	Saved *store.Config
	// Cancelled is true when the user left a single-purpose session (add,
	// edit) without saving.
	Cancelled bool
}

func newApp(deps Deps, opts Options) App {
	st := NewStyles(true)
	h := help.New()
	h.Styles = helpStyles(st)
	a := App{deps: deps, opts: opts, styles: st, keys: defaultGlobalKeys(), help: h}
	a.setup = newSetup(st)
	a.browser = newBrowser(st)
	return a
}

// Init starts the load of the index and the keyring backend and asks the
// terminal for its background colour (v2 only reports it when asked).
func (a App) Init() tea.Cmd {
	editRef := ""
	if a.opts.Start == StartEdit {
		editRef = a.opts.EditRef
	}
	return tea.Batch(tea.RequestBackgroundColor, loadStoreCmd(a.deps.Store, editRef))
}

// Update routes a message to the active screen and handles the intents and
// results that change screens.
func (a App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.layout()
		if a.screen == screenForm {
			var cmd tea.Cmd
			a.form, cmd = a.form.Update(msg)
			return a, cmd
		}
		return a, nil
	case tea.BackgroundColorMsg:
		a.setStyles(NewStyles(msg.IsDark()))
		if a.screen == screenForm {
			var cmd tea.Cmd
			a.form, cmd = a.form.Update(msg)
			return a, cmd
		}
		return a, nil
	case tea.KeyPressMsg:
		if key.Matches(msg, a.keys.Interrupt) {
			a.interrupted = true
			return a, tea.Quit
		}
		if a.persistent != "" && a.screen == screenBrowser {
			a.persistent = ""
		}
	case clearStatusMsg:
		if msg.id == a.statusID {
			a.status = ""
		}
		return a, nil

	case storeLoadedMsg:
		return a.loaded(msg)
	case configsLoadedMsg:
		if msg.err != nil {
			a.persistent = listErrorText(msg.err)
		}
		a.browser.setConfigs(msg.configs, msg.selectID)
		return a, nil

	case setupChosenMsg:
		return a.needUnlock("to save your first configuration", func(a App) (App, tea.Cmd) {
			return a.openForm(nil)
		}, screenSetup)
	case openFormMsg:
		return a.openForm(msg.edit)
	case cancelFormMsg:
		return a.leaveForm()
	case submitConfigMsg:
		msg.req.markSetup = a.settings.Mode == ""
		return a, saveConfigCmd(a.deps.Store, msg.req)
	case configSavedMsg:
		return a.saved(msg)

	case submitPassphraseMsg:
		return a, checkPassphraseCmd(a.deps.Store, msg.pass, msg.create, msg.remember)
	case passphraseCheckedMsg:
		if msg.err != nil {
			return a, a.pass.checked(msg.err)
		}
		a.passphraseSet, a.locked, a.cache = true, false, msg.cache
		var note tea.Cmd
		switch {
		case msg.remembered:
			a, note = a.setStatus("Passphrase remembered for 1 hour (kernel keyring); `fbllm lock` forgets it.", false)
		case msg.rememberErr != nil:
			a, note = a.setStatus("Could not remember the passphrase: "+msg.rememberErr.Error(), true)
		}
		next := a.afterUnlock
		a.afterUnlock = nil
		if next == nil {
			a.screen = screenBrowser
			return a, note
		}
		a, cmd := next(a)
		return a, tea.Batch(note, cmd)
	case cancelPassphraseMsg:
		a.afterUnlock = nil
		a.screen = a.backTo
		if a.screen == screenForm {
			a.form.saving = false
			a.form.banner = "Not saved: the keyring stayed locked. Your input is kept; choose Save to try again."
			return a, a.form.jumpTo(forms.FieldConfirm)
		}
		return a.maybeQuitSingle()

	case deleteConfigMsg:
		return a, deleteConfigCmd(a.deps.Store, msg.config)
	case configDeletedMsg:
		if msg.err != nil {
			return a.setStatus("Could not delete "+quote(msg.config.Name)+": "+msg.err.Error(), true)
		}
		a, cmd := a.setStatus("Deleted "+quote(msg.config.Name)+" and its secret.", false)
		return a, tea.Batch(cmd, listConfigsCmd(a.deps.Store, ""))
	case quitMsg:
		return a, tea.Quit
	case copyMsg:
		// OSC 52 asks the user's own terminal to set its clipboard, so this
		// works over SSH where there is no local clipboard to reach. Only
		// non-secret text is ever copied.
		a, status := a.setStatus("Copied "+msg.what+" (via terminal).", false)
		return a, tea.Batch(tea.SetClipboard(msg.text), status)
	case toggleHelpMsg:
		a.help.ShowAll = !a.help.ShowAll
		a.layout()
		return a, nil
	}

	return a.updateScreen(msg)
}

// updateScreen forwards a message to the active screen.
func (a App) updateScreen(msg tea.Msg) (App, tea.Cmd) {
	var cmd tea.Cmd
	switch a.screen {
	case screenSetup:
		a.setup, cmd = a.setup.Update(msg)
	case screenPassphrase:
		a.pass, cmd = a.pass.Update(msg)
	case screenForm:
		a.form, cmd = a.form.Update(msg)
	case screenBrowser:
		a.browser, cmd = a.browser.Update(msg)
	}
	return a, cmd
}

// loaded decides the first screen once the store has been read.
func (a App) loaded(m storeLoadedMsg) (App, tea.Cmd) {
	a.settings, a.backend, a.backendErr = m.settings, m.backend, m.backendErr
	a.passphraseSet, a.locked, a.cache = m.passphraseSet, m.locked, m.cache
	a.browser.backendLabel = store.BackendLabel(m.backend.Name)
	a.browser.setConfigs(m.configs, "")
	a.setup.setBackend(m.backend, m.backendErr)
	if m.listErr != nil {
		a.persistent = listErrorText(m.listErr)
	}
	switch {
	case a.opts.Start == StartEdit:
		if m.editErr != nil || m.edit == nil {
			a.persistent = fmt.Sprintf("Cannot edit %q: %v", a.opts.EditRef, m.editErr)
			a.screen = screenBrowser
			return a, nil
		}
		return a.openForm(m.edit)
	case a.opts.Start == StartAdd:
		return a.needUnlock("to save the configuration", func(a App) (App, tea.Cmd) { return a.openForm(nil) }, screenBrowser)
	case a.opts.Start == StartSetup || (a.settings.Mode == "" && len(m.configs) == 0):
		a.screen = screenSetup
	default:
		a.screen = screenBrowser
	}
	return a, nil
}

// needUnlock runs next once the keyring can take a secret: straight away for
// backends without a passphrase, after the prompt for a locked file keyring.
// Asking before the form means a wrong passphrase is caught before the user
// types a whole configuration.
func (a App) needUnlock(reason string, next func(App) (App, tea.Cmd), back screen) (App, tea.Cmd) {
	if a.backendErr != nil {
		return a.setStatus("No usable keyring: "+a.backendErr.Error(), true)
	}
	if !a.backend.NeedsPassphrase || !a.locked {
		return next(a)
	}
	var cmd tea.Cmd
	a.pass, cmd = newPassphrase(a.styles, !a.passphraseSet, a.backend.Location, reason, a.cache.Available)
	a.pass.setWidth(a.width)
	a.afterUnlock, a.backTo = next, back
	a.screen = screenPassphrase
	return a, cmd
}

// openForm opens the configuration form, empty or prefilled for editing.
func (a App) openForm(edit *store.Config) (App, tea.Cmd) {
	var d *forms.Draft
	names := namesIn(a.browser.all, store.DefaultWorkspace)
	dest := "this machine · " + store.BackendLabel(a.backend.Name)
	if edit == nil {
		d = forms.NewDraft(names, dest)
	} else {
		d = forms.DraftFromConfig(edit.Name, edit.AIType, edit.Endpoint, edit.KeyFingerprint, edit.SecretFingerprint, names, dest)
	}
	var cmd tea.Cmd
	a.form, cmd = newFormScreen(a.styles, d, edit)
	a.form.noTimers = a.noTimers
	a.form.setSize(a.width, a.contentHeight())
	a.screen = screenForm
	return a, cmd
}

// leaveForm returns from the form without saving.
func (a App) leaveForm() (App, tea.Cmd) {
	if a.opts.Start == StartAdd || a.opts.Start == StartEdit {
		a.result.Cancelled = true
		return a, tea.Quit
	}
	if a.settings.Mode == "" && len(a.browser.all) == 0 {
		a.screen = screenSetup
		return a, nil
	}
	a.screen = screenBrowser
	return a, nil
}

// maybeQuitSingle ends single-purpose sessions that cannot continue.
func (a App) maybeQuitSingle() (App, tea.Cmd) {
	if (a.opts.Start == StartAdd || a.opts.Start == StartEdit) && a.screen != screenForm {
		a.result.Cancelled = true
		return a, tea.Quit
	}
	return a, nil
}

// saved handles the outcome of a save.
func (a App) saved(m configSavedMsg) (App, tea.Cmd) {
	if m.err != nil {
		if errors.Is(m.err, store.ErrLocked) || errors.Is(m.err, store.ErrWrongPassphrase) {
			a.locked = true
			req := m.req
			return a.needUnlock("to save "+quote(req.config.Name), func(a App) (App, tea.Cmd) {
				a.screen = screenForm
				return a, saveConfigCmd(a.deps.Store, req)
			}, screenForm)
		}
		return a, a.form.saveFailed(m.err)
	}
	if m.req.markSetup {
		a.settings.Mode = "local"
	}
	saved := m.config
	a.result.Saved = &saved
	if a.opts.Start == StartAdd || a.opts.Start == StartEdit {
		return a, tea.Quit
	}
	a.screen = screenBrowser
	verb := "Saved"
	if m.req.editID != "" {
		verb = "Updated"
		if !m.req.keepSecret {
			verb = "Updated (secret rotated)"
		}
	}
	a, cmd := a.setStatus(fmt.Sprintf("%s %s · secret in the %s.", verb, quote(saved.Name), store.BackendLabel(saved.SecretBackend)), false)
	return a, tea.Batch(cmd, listConfigsCmd(a.deps.Store, saved.ID))
}

func (a App) setStatus(text string, isErr bool) (App, tea.Cmd) {
	a.statusID++
	a.status, a.statusErr = text, isErr
	if a.noTimers {
		return a, nil
	}
	return a, clearStatusCmd(a.statusID, statusTTL)
}

func (a *App) setStyles(st *Styles) {
	a.styles = st
	a.help.Styles = helpStyles(st)
	a.setup.styles = st
	a.browser.setStyles(st)
	a.pass.setStyles(st)
	a.form.setStyles(st)
}

// layout hands the screens the space left by the status bar and footer.
func (a *App) layout() {
	h := a.contentHeight()
	a.help.SetWidth(a.width)
	a.setup.width, a.setup.height = a.width, h
	a.browser.setSize(a.width, h)
	a.pass.setWidth(a.width)
	a.form.setSize(a.width, h)
}

// contentHeight is the height left for a screen: the status bar and the help
// footer take one line each (more when full help is open).
func (a App) contentHeight() int {
	footer := 2
	if a.help.ShowAll {
		footer = 4
	}
	return max(a.height-footer, 1)
}

// activeKeyMap is the key map the footer shows: the active screen's.
func (a App) activeKeyMap() help.KeyMap {
	switch a.screen {
	case screenSetup:
		return a.setup.keys
	case screenPassphrase:
		return a.pass.keys
	case screenForm:
		return a.form.keys
	case screenBrowser:
		if a.browser.confirming != nil {
			return a.browser.confirmKeys
		}
		return a.browser.keys
	}
	return statusKeyMap{Quit: a.keys.Interrupt}
}

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
	var body string
	switch a.screen {
	case screenLoading:
		body = a.styles.App.Muted.Render("Loading configurations…")
	case screenSetup:
		body = a.setup.View()
	case screenPassphrase:
		body = a.pass.View()
	case screenForm:
		body = a.form.View()
	case screenBrowser:
		body = a.browser.View()
	}
	body = fitHeight(body, a.contentHeight())
	return body + "\n" + a.statusBar() + "\n" + a.help.View(a.activeKeyMap())
}

// statusBar names the keyring backend and its lock state, and shows the
// latest status message.
func (a App) statusBar() string {
	st := a.styles
	var left string
	switch {
	case a.backendErr != nil:
		left = st.Status.Error.Render("✗ no usable keyring")
	case a.backend.Name != "":
		left = st.Status.Backend.Render("Secrets: " + store.BackendLabel(a.backend.Name))
		if a.backend.NeedsPassphrase {
			switch {
			case a.locked:
				left += st.Status.Locked.Render(" (locked)")
			case a.cache.Active:
				left += st.Status.Unlocked.Render(" (unlocked, remembered)")
			default:
				left += st.Status.Unlocked.Render(" (unlocked)")
			}
		}
	}
	msg := a.status
	style := st.Status.Message
	if a.statusErr {
		style = st.Status.Error
		msg = "✗ " + msg
	}
	if a.persistent != "" {
		msg, style = "✗ "+a.persistent, st.Status.Error
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

func listErrorText(err error) string {
	var ce *store.CorruptIndexError
	if errors.As(err, &ce) {
		return fmt.Sprintf("%s could not be read and was moved to %s; starting with an empty list", ce.Path, ce.MovedTo)
	}
	return "Could not read configurations: " + err.Error()
}

func quote(s string) string { return "“" + s + "”" }

// namesIn lists the names used in a workspace, from configurations already
// loaded by a Cmd (the form's uniqueness check must not read the disk).
func namesIn(cfgs []store.Config, workspace string) []string {
	names := make([]string, 0, len(cfgs))
	for _, c := range cfgs {
		ws := c.Workspace
		if ws == "" {
			ws = store.DefaultWorkspace
		}
		if ws == workspace {
			names = append(names, c.Name)
		}
	}
	return names
}
