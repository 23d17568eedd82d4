package ui

// Flow (screens, the messages that move between them, and the Cmds):
//
//   loading ──storeLoadedMsg──▶ setup (first run) ──setupChosenMsg──▶ [passphrase] ──▶ form
//                         └────▶ browser ──openFormMsg──▶ form ──submitConfigMsg──▶ saveConfigCmd
//   form ◀──configSavedMsg(err)──┘   configSavedMsg(ok) ──▶ browser (listConfigsCmd)
//   any save that hits store.ErrLocked ──▶ passphrase ──passphraseCheckedMsg──▶ retried save
//   browser ──deleteConfigMsg──▶ deleteConfigCmd ──configDeletedMsg──▶ browser
//   setup/browser(w) ──▶ signin ──signedInMsg──▶ listConfigsCmd ──(several workspaces)──▶ picker
//   browser(t/v/x) ──checkMsg──▶ checkCmd ──checkDoneMsg──▶ report panel (or a status line)
//   form(review "test now") ──testDraftMsg──▶ checkCmd ──▶ report panel ──e/esc/s──▶ form
//
// Anything that talks to Flashback runs under a.op.label with its own context:
// esc cancels it, and the spinner shows it in the status bar.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

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
// Its state is grouped by what it is about; each group's methods live with
// the flow that uses it.
type App struct {
	deps   Deps
	opts   Options
	sess   *session.Session
	styles *Styles
	keys   globalKeys
	help   help.Model

	width, height int
	screen        screenID
	// backTo is where esc on a prompt (passphrase, sign-in) returns.
	backTo screenID

	loading loading
	setup   setup
	pass    passphrase
	form    formScreen
	browser browser
	signin  signIn
	picker  workspacePicker
	report  reportPanel

	settings  store.Settings
	keyring   keyringState
	flashback flashbackState
	op        operation
	checks    checkState
	status    statusLine

	result      Result
	interrupted bool
	// noTimers turns off the cosmetic timers (status expiry, spinners) so
	// the tests' synchronous driver can wait for every other Cmd to finish.
	noTimers bool
}

// keyringState is what App knows of the keyring: the backend in use, and
// for the encrypted-file backend whether a passphrase exists, whether it
// is unlocked and whether the unlock is remembered.
type keyringState struct {
	backend       store.BackendInfo
	err           error // no usable backend
	passphraseSet bool
	locked        bool
	cache         store.CacheStatus
	// afterUnlock is what to do once the passphrase prompt succeeds.
	afterUnlock func(App) (App, tea.Cmd)
}

// needsUnlock reports whether reading or writing a secret needs the
// passphrase first.
func (k keyringState) needsUnlock() bool { return k.backend.NeedsPassphrase && k.locked }

// flashbackState is what App knows of the Flashback side.
type flashbackState struct {
	// scope is what the browser lists; workspace is the current Flashback
	// workspace once known (nil: not signed in, or not chosen yet).
	scope     session.Scope
	workspace *client.Workspace
	// problem is why Flashback configurations are not listed.
	problem error
	// setupFlow: the first-run setup (or `fbllm add` while signed in)
	// chose Flashback, so the form opens once a workspace is known.
	setupFlow bool
	// signedInHint (a Flashback sign-in is likely: setup chose it, or
	// FLASHBACK_TOKEN is set) and apiURL are read by the load Cmd, since
	// both come from disk or the environment.
	signedInHint bool
	apiURL       string
	// lastEmail prefills the sign-in after a lapsed session.
	lastEmail string
}

// operation is the one Flashback call or check that may run at a time:
// label names it in the status bar, cancel stops it (esc).
type operation struct {
	label  string
	cancel context.CancelFunc
	spin   spinner.Model
}

// running reports whether an operation is under way.
func (o operation) running() bool { return o.label != "" }

// checkState remembers the last check, for r (re-run) on the panel, and
// the result of "test the connection now" on the open form, recorded as
// the last check when the form is saved.
type checkState struct {
	last        checkRequest
	draftStatus string
}

// statusLine is the transient message of the status bar, and an error
// that stays until the next action acknowledges it.
type statusLine struct {
	text       string
	isErr      bool
	id         int // the message clearStatusMsg may clear
	persistent string
}

// Result is what a TUI session produced, for the CLI to report.
type Result struct {
	// Saved is the configuration saved last, if any.
	Saved *session.Item
	// Cancelled is true when the user left a single-purpose session (add,
	// edit) without saving.
	Cancelled bool
}

func newApp(deps Deps, opts Options) App {
	st := NewStyles(true)
	h := help.New()
	h.Styles = helpStyles(st)
	a := App{deps: deps, opts: opts, styles: st, keys: defaultGlobalKeys(), help: h,
		op: operation{spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}}
	a.sess = deps.Session
	if a.sess == nil {
		// Tests and local-only callers pass a store alone.
		a.sess, _ = session.New(session.Options{Store: deps.Store})
	}
	a.setup = newSetup(st)
	a.browser = newBrowser(st)
	a.loading = loading{styles: st, keys: statusKeyMap{Quit: a.keys.Interrupt}}
	return a
}

// Init starts the load of the index and the keyring backend and asks the
// terminal for its background colour (v2 only reports it when asked).
func (a App) Init() tea.Cmd {
	editRef := ""
	if a.opts.Start == StartEdit {
		editRef = a.opts.EditRef
	}
	return tea.Batch(tea.RequestBackgroundColor, loadStoreCmd(context.Background(), a.sess, editRef))
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
			cmd = a.form.Update(msg)
			return a, cmd
		}
		return a, nil
	case tea.BackgroundColorMsg:
		a.setStyles(NewStyles(msg.IsDark()))
		if a.screen == screenForm {
			var cmd tea.Cmd
			cmd = a.form.Update(msg)
			return a, cmd
		}
		return a, nil
	case tea.KeyPressMsg:
		if key.Matches(msg, a.keys.Interrupt) {
			a.interrupted = true
			if a.op.cancel != nil {
				a.op.cancel()
			}
			return a, tea.Quit
		}
		if a.op.running() {
			if key.Matches(msg, a.keys.Cancel) && a.op.cancel != nil {
				a.op.cancel()
				a.op.label += " cancelling…"
			}
			return a, nil // one operation at a time; keys wait
		}
		if a.status.persistent != "" && a.screen == screenBrowser {
			a.status.persistent = ""
		}
	case clearStatusMsg:
		if msg.id == a.status.id {
			a.status.text = ""
		}
		return a, nil

	case storeLoadedMsg:
		a, cmd := a.loaded(msg)
		if a.flashback.signedInHint && a.opts.Start != StartEdit {
			var list tea.Cmd
			a, list = a.relist("")
			cmd = tea.Batch(cmd, list)
		}
		return a, cmd
	case spinner.TickMsg:
		if !a.op.running() && !a.form.saving {
			return a, nil
		}
		var cmd tea.Cmd
		a.op.spin, cmd = a.op.spin.Update(msg)
		if a.screen == screenForm {
			var c2 tea.Cmd
			c2 = a.form.Update(msg)
			cmd = tea.Batch(cmd, c2)
		}
		return a, cmd
	case configsLoadedMsg:
		return a.listed(msg)

	case setupChosenMsg:
		if msg.mode == session.ModeFlashback {
			a.flashback.setupFlow = true
			return a.needUnlock("to keep your Flashback sign-in in the keyring", func(a App) (App, tea.Cmd) {
				return a.openSignIn(screenSetup)
			}, screenSetup)
		}
		return a.needUnlock("to save your first configuration", func(a App) (App, tea.Cmd) {
			return a.openForm(nil)
		}, screenSetup)
	case openFormMsg:
		return a.openForm(msg.edit)
	case cancelFormMsg:
		return a.leaveForm()
	case submitConfigMsg:
		msg.req.markSetup = a.settings.Mode == ""
		return a.submit(msg.req)
	case configSavedMsg:
		a = a.done()
		return a.saved(msg)
	case testDraftMsg:
		return a.testDraft(msg.req)
	case saveAnywayMsg:
		a.show(screenForm)
		req := a.checks.last.save
		req.markSetup = a.settings.Mode == ""
		a.form.working = "Saving…"
		return a.submit(req)

	case submitSignInMsg:
		a, ctx := a.start("Signing in…")
		return a, tea.Batch(a.tick(), signInCmd(ctx, a.sess, msg.email, msg.password))
	case submitMFAMsg:
		a, ctx := a.start("Checking the code…")
		return a, tea.Batch(a.tick(), verifyMFACmd(ctx, a.sess, msg.challenge, msg.code))
	case signedInMsg:
		a = a.done()
		return a.signedIn(msg)
	case cancelSignInMsg:
		a.flashback.setupFlow = false
		a.show(a.backTo)
		if a.screen == screenSetup || a.screen == screenLoading {
			a.show(screenSetup)
		}
		return a, nil

	case pickWorkspaceMsg:
		if !a.signedInLikely() {
			return a.needUnlock("to keep your Flashback sign-in in the keyring", func(a App) (App, tea.Cmd) {
				return a.openSignIn(screenBrowser)
			}, screenBrowser)
		}
		a, ctx := a.start("Loading workspaces…")
		return a, tea.Batch(a.tick(), workspacesCmd(ctx, a.sess))
	case workspacesMsg:
		a = a.done()
		if msg.err != nil {
			return a.flashbackFailed(msg.err, screenBrowser)
		}
		a.picker = newWorkspacePicker(a.styles, msg.workspaces, msg.current)
		a.show(screenPicker)
		return a, nil
	case chooseWorkspaceMsg:
		a.show(screenBrowser)
		if msg.all {
			a.flashback.scope.AllWorkspaces = true
			return a.relist("")
		}
		a, ctx := a.start("Switching to " + msg.workspace.Name + "…")
		return a, tea.Batch(a.tick(), useWorkspaceCmd(ctx, a.sess, msg.workspace))
	case workspaceChosenMsg:
		a = a.done()
		if msg.err != nil {
			return a.flashbackFailed(msg.err, screenBrowser)
		}
		a.flashback.scope.AllWorkspaces = false
		w := msg.workspace
		a.flashback.workspace = &w
		a, note := a.setStatus("Current workspace: "+w.Name+" ("+w.Role.String()+").", false)
		a, list := a.relist("")
		return a, tea.Batch(note, list)
	case cancelPickerMsg:
		a.show(screenBrowser)
		return a, nil
	case refreshMsg:
		a.sess.Refresh()
		return a.relist("")
	case detailShownMsg:
		return a, statsCmd(context.Background(), a.sess, msg.item.ID)
	case statsMsg:
		if msg.err == nil {
			if a.browser.stats == nil {
				a.browser.stats = map[string]client.LLMStats{}
			}
			a.browser.stats[msg.id] = msg.stats
		}
		return a, nil

	case checkMsg:
		return a.check(checkRequest{item: msg.item, kind: msg.kind})
	case checkDoneMsg:
		a = a.done()
		return a.checked(msg)
	case rerunMsg:
		if a.checks.last.fromForm {
			return a.testDraft(a.checks.last.save)
		}
		return a.check(a.checks.last)
	case closeReportMsg:
		if a.checks.last.fromForm {
			a.show(screenForm)
			return a, a.form.resume("")
		}
		a.show(screenBrowser)
		return a, nil
	case fixFieldMsg:
		if a.checks.last.fromForm {
			a.show(screenForm)
			a.form.saving = false
			a.form.banner = "Fix the " + fixLabel(msg.field) + ", then test again or save."
			return a, a.form.jumpTo(msg.field)
		}
		it := msg.item
		a, cmd := a.openForm(&it)
		if msg.field != "" {
			a.form.banner = "Fix the " + msg.field + " (see the troubleshooting report), then save."
			cmd = tea.Batch(cmd, a.form.jumpTo(msg.field))
		}
		return a, cmd

	case submitPassphraseMsg:
		return a, checkPassphraseCmd(a.deps.Store, msg.pass, msg.create, msg.remember)
	case passphraseCheckedMsg:
		if msg.err != nil {
			return a, a.pass.checked(msg.err)
		}
		a.keyring.passphraseSet, a.keyring.locked, a.keyring.cache = true, false, msg.cache
		var note tea.Cmd
		switch {
		case msg.remembered:
			a, note = a.setStatus("Passphrase remembered for 1 hour (kernel keyring); `fbllm lock` forgets it.", false)
		case msg.rememberErr != nil:
			a, note = a.setStatus("Could not remember the passphrase: "+msg.rememberErr.Error(), true)
		}
		next := a.keyring.afterUnlock
		a.keyring.afterUnlock = nil
		if next == nil {
			a.show(screenBrowser)
			return a, note
		}
		a, cmd := next(a)
		return a, tea.Batch(note, cmd)
	case cancelPassphraseMsg:
		a.keyring.afterUnlock = nil
		a.show(a.backTo)
		if a.screen == screenForm {
			a.form.saving = false
			a.form.banner = "Not saved: the keyring stayed locked. Your input is kept; choose Save to try again."
			return a, a.form.jumpTo(input.FieldConfirm)
		}
		return a.maybeQuitSingle()

	case deleteConfigMsg:
		it := msg.item
		del := func(a App) (App, tea.Cmd) {
			a, ctx := a.start("Deleting " + quote(it.Name) + "…")
			return a, tea.Batch(a.tick(), deleteConfigCmd(ctx, a.sess, it))
		}
		if it.IsRemote() {
			return del(a)
		}
		// Deleting a local configuration is a change like any other: the
		// passphrase first, and nothing is deleted without it.
		return a.needUnlock("to delete "+quote(it.Name), del, a.screen)
	case configDeletedMsg:
		a = a.done()
		if msg.err != nil {
			if errors.Is(msg.err, context.Canceled) {
				return a.setStatus("Delete cancelled; press r to see whether it went through.", true)
			}
			a.status.persistent = errorText("Could not delete "+quote(msg.item.Name)+": ", msg.err)
			return a, nil
		}
		where := "and its secret"
		if msg.item.IsRemote() {
			where = "from " + msg.item.WorkspaceName
		}
		a, cmd := a.setStatus("Deleted "+quote(msg.item.Name)+" "+where+".", false)
		a, list := a.relist("")
		return a, tea.Batch(cmd, list)
	case quitMsg:
		return a, tea.Quit
	case copyMsg:
		// OSC 52 asks the user's own terminal to set its clipboard, so this
		// works over SSH where there is no local clipboard to reach. Only
		// non-secret text is ever copied.
		a, status := a.setStatus("Copied "+msg.what+" (via terminal).", false)
		return a, tea.Batch(tea.SetClipboard(msg.text), status)
	case statusMsg:
		return a.setStatus(msg.text, msg.isErr)
	case toggleHelpMsg:
		a.help.ShowAll = !a.help.ShowAll
		a.layout()
		return a, nil
	}

	return a.updateScreen(msg)
}

// screenOf returns the screen with this id. It is the one place that maps
// ids to screens: routing, sizing, styling, drawing and the footer all go
// through it.
func (a *App) screenOf(id screenID) screen {
	switch id {
	case screenSetup:
		return &a.setup
	case screenPassphrase:
		return &a.pass
	case screenForm:
		return &a.form
	case screenBrowser:
		return &a.browser
	case screenSignIn:
		return &a.signin
	case screenPicker:
		return &a.picker
	case screenReport:
		return &a.report
	}
	return &a.loading
}

// updateScreen forwards a message to the active screen.
func (a App) updateScreen(msg tea.Msg) (App, tea.Cmd) {
	return a, a.screenOf(a.screen).Update(msg)
}

// show makes id the active screen, sized to the room it has.
func (a *App) show(id screenID) {
	a.screen = id
	a.screenOf(id).setSize(a.width, a.contentHeight())
}

// loaded decides the first screen once the store has been read.
func (a App) loaded(m storeLoadedMsg) (App, tea.Cmd) {
	a.settings, a.keyring.backend, a.keyring.err = m.settings, m.backend, m.backendErr
	a.flashback.signedInHint, a.flashback.apiURL = m.signedInHint, m.apiURL
	a.keyring.passphraseSet, a.keyring.locked, a.keyring.cache = m.passphraseSet, m.locked, m.cache
	a.browser.backendLabel = store.BackendLabel(m.backend.Name)
	a.browser.setConfigs(m.configs, "")
	a.setup.setBackend(m.backend, m.backendErr)
	if m.listErr != nil {
		a.status.persistent = errorText("Could not read configurations: ", m.listErr)
	}
	switch {
	case a.opts.Start == StartEdit:
		if m.editErr != nil || m.edit == nil {
			a.status.persistent = fmt.Sprintf("Cannot edit %q: %v", a.opts.EditRef, m.editErr)
			a.show(screenBrowser)
			return a, nil
		}
		return a.openForm(m.edit)
	case a.opts.Start == StartAdd:
		if a.flashback.signedInHint {
			// The destination depends on the current workspace: open the
			// form once the listing has found it (see listed).
			a.flashback.setupFlow = true
			a.show(screenLoading)
			return a, nil
		}
		return a.needUnlock("to save the configuration", func(a App) (App, tea.Cmd) { return a.openForm(nil) }, screenBrowser)
	case a.opts.Start == StartSetup || session.FirstRun(a.settings, len(m.configs)):
		a.show(screenSetup)
	default:
		a.show(screenBrowser)
	}
	return a, nil
}

// needUnlock runs next once the keyring can take a secret: straight away for
// backends without a passphrase, after the prompt for a locked file keyring.
// Asking before the form means a wrong passphrase is caught before the user
// types a whole configuration.
func (a App) needUnlock(reason string, next func(App) (App, tea.Cmd), back screenID) (App, tea.Cmd) {
	if a.keyring.err != nil {
		return a.setStatus("No usable keyring: "+a.keyring.err.Error(), true)
	}
	if !a.keyring.needsUnlock() {
		return next(a)
	}
	var cmd tea.Cmd
	a.pass, cmd = newPassphrase(a.styles, !a.keyring.passphraseSet, a.keyring.backend.Location, reason, a.keyring.cache.Available)
	a.keyring.afterUnlock, a.backTo = next, back
	a.show(screenPassphrase)
	return a, cmd
}

// destination is where a new configuration goes: the current Flashback
// workspace when signed in with a role that may write there, else this
// machine.
func (a App) destination() session.Destination {
	if a.flashback.workspace != nil && !a.flashback.scope.AllWorkspaces {
		if ok, _ := session.CanWrite(*a.flashback.workspace); ok {
			return session.Destination{Store: session.StoreFlashback, Workspace: *a.flashback.workspace}
		}
	}
	return session.Destination{Store: session.StoreLocal}
}

// openForm opens the configuration form, empty or prefilled for editing.
// A new local configuration needs the keyring unlocked first, so a wrong
// passphrase is caught before the user types a whole configuration.
func (a App) openForm(edit *session.Item) (App, tea.Cmd) {
	dest := a.destination()
	if edit != nil {
		dest = session.Destination{Store: edit.Store}
		if edit.IsRemote() {
			dest.Workspace = client.Workspace{ID: edit.WorkspaceID, Name: edit.WorkspaceName}
		}
	} else if dest.Store == session.StoreLocal && a.keyring.needsUnlock() && a.screen != screenPassphrase {
		return a.needUnlock("to save the configuration", func(a App) (App, tea.Cmd) { return a.openForm(nil) }, a.screen)
	}
	names := namesIn(a.browser.all, dest)
	label := dest.Label(a.keyring.backend.Name)
	var d *input.Draft
	if edit == nil {
		d = input.NewDraft(names, label)
	} else {
		d = input.DraftFromConfig(edit.Name, string(edit.AIType), edit.Endpoint, edit.KeyFingerprint, edit.SecretFingerprint, names, label)
	}
	var cmd tea.Cmd
	a.checks.draftStatus = ""
	a.form, cmd = newFormScreen(a.styles, d, edit, dest)
	a.form.noTimers = a.noTimers
	a.show(screenForm)
	return a, cmd
}

// leaveForm returns from the form without saving.
func (a App) leaveForm() (App, tea.Cmd) {
	if a.opts.Start == StartAdd || a.opts.Start == StartEdit {
		a.result.Cancelled = true
		return a, tea.Quit
	}
	if session.FirstRun(a.settings, len(a.browser.all)) {
		a.show(screenSetup)
		return a, nil
	}
	a.show(screenBrowser)
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

// submit saves a validated form, unlocking the keyring first when the
// save writes a local secret.
func (a App) submit(req saveRequest) (App, tea.Cmd) {
	if req.needsKeyring() && a.keyring.needsUnlock() {
		return a.needUnlock("to save "+quote(req.change.Name), func(a App) (App, tea.Cmd) {
			a.show(screenForm)
			return a.submit(req)
		}, screenForm)
	}
	a.form.saving = true
	if a.form.working == "" {
		a.form.working = "Saving…"
	}
	a, ctx := a.start("Saving " + quote(req.change.Name) + "…")
	return a, tea.Batch(a.tick(), saveConfigCmd(ctx, a.sess, req))
}

// saved handles the outcome of a save.
func (a App) saved(m configSavedMsg) (App, tea.Cmd) {
	if m.err != nil {
		if errors.Is(m.err, store.ErrLocked) || errors.Is(m.err, store.ErrWrongPassphrase) {
			a.keyring.locked = true
			req := m.req
			return a.needUnlock("to save "+quote(req.change.Name), func(a App) (App, tea.Cmd) {
				a.show(screenForm)
				return a.submit(req)
			}, screenForm)
		}
		if errors.Is(m.err, context.Canceled) {
			msg := "Cancelled. Your input is kept."
			if m.req.dest.Store == session.StoreFlashback || (m.req.edit != nil && m.req.edit.IsRemote()) {
				msg += " Flashback may have received it before the cancel: check the list (r) before saving again."
			}
			return a, a.form.resume(msg)
		}
		return a, a.form.saveFailed(m.err)
	}
	if m.req.markSetup {
		a.settings.Mode = m.req.dest.Mode()
	}
	saved := m.item
	a.result.Saved = &saved
	var record tea.Cmd
	if a.checks.draftStatus != "" {
		record = recordCheckCmd(a.sess, saved, a.checks.draftStatus)
		saved.LastCheck = &store.Check{Status: a.checks.draftStatus, At: time.Now()}
		a.checks.draftStatus = ""
	}
	if a.opts.Start == StartAdd || a.opts.Start == StartEdit {
		return a, tea.Sequence(record, tea.Quit)
	}
	a.show(screenBrowser)
	verb := "Saved"
	if m.req.edit != nil {
		verb = "Updated"
		if m.req.rotates() {
			verb = "Updated (secret rotated)"
		}
	}
	where := "secret in the " + store.BackendLabel(a.keyring.backend.Name)
	if saved.IsRemote() {
		where = "in Flashback workspace " + saved.WorkspaceName
	} else if saved.Local != nil && saved.Local.SecretBackend != "" {
		where = "secret in the " + store.BackendLabel(saved.Local.SecretBackend)
	}
	a, cmd := a.setStatus(fmt.Sprintf("%s %s · %s.", verb, quote(saved.Name), where), false)
	a, list := a.relist(saved.ID)
	return a, tea.Batch(cmd, tea.Sequence(record, list))
}

func (a App) setStatus(text string, isErr bool) (App, tea.Cmd) {
	a.status.id++
	a.status.text, a.status.isErr = text, isErr
	if a.noTimers {
		return a, nil
	}
	return a, clearStatusCmd(a.status.id, statusTTL)
}

func (a *App) setStyles(st *Styles) {
	a.styles = st
	a.help.Styles = helpStyles(st)
	for id := range numScreens {
		a.screenOf(id).setStyles(st)
	}
}

// layout hands the screens the space left by the status bar and footer.
func (a *App) layout() {
	h := a.contentHeight()
	a.help.SetWidth(a.width)
	for id := range numScreens {
		a.screenOf(id).setSize(a.width, h)
	}
}

// contentHeight is the height left for a screen: the status bar and the help
// footer take one line each (more when full help is open).
func (a App) contentHeight() int {
	footer := 2
	if a.help.ShowAll {
		// Full help is as tall as its longest column.
		footer = 1 + strings.Count(a.help.View(a.activeKeyMap()), "\n") + 1
	}
	return max(a.height-footer, 1)
}

// activeKeyMap is the key map the footer shows: the active screen's.
func (a App) activeKeyMap() help.KeyMap {
	return a.screenOf(a.screen).keyMap()
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
	if a.status.isErr {
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

func quote(s string) string { return "“" + s + "”" }

// namesIn lists the names used at a destination, from configurations
// already listed by a Cmd (the form's uniqueness check must not do I/O).
func namesIn(items []session.Item, d session.Destination) []string {
	names := make([]string, 0, len(items))
	for _, c := range items {
		if d.Store == session.StoreFlashback {
			if c.IsRemote() && c.WorkspaceID == d.Workspace.ID {
				names = append(names, c.Name)
			}
		} else if !c.IsRemote() {
			names = append(names, c.Name)
		}
	}
	return names
}

// truncateLines cuts every line of s to w cells.
func truncateLines(s string, w int) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = ansi.Truncate(l, w, "…")
	}
	return strings.Join(ls, "\n")
}
