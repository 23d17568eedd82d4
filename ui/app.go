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
//   browser(!) ──showExecMsg──▶ exec panel (copyMsg: the command line, OSC 52)
//   browser(i)/setup ──openImportMsg──▶ scanKeysCmd ──keysScannedMsg──▶ import checklist
//   checklist(t) ──testCandidateCmd──▶ (enter) ──[passphrase]──▶ importKeysCmd ──keysImportedMsg──▶ summary
//
// Anything that talks to Flashback runs as a.op (one at a time) with its own
// context: esc cancels it, and the spinner shows it in the status bar.
// Update routes every message through one table (routes, below); the
// handlers live in app_<flow>.go, one file per flow.

import (
	"context"
	"reflect"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
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
	// laidOut is the height the screens were last sized to (see relayout).
	laidOut int
	screen  screenID
	// backTo is where esc on a prompt (passphrase, sign-in) returns.
	backTo screenID

	// The screens are pointers: App is copied on every message, and the
	// screens (text inputs, the list) are most of its size.
	loading  *loading
	setup    *setup
	pass     *passphrase
	form     *formScreen
	browser  *browser
	signin   *signIn
	picker   *workspacePicker
	report   *reportPanel
	direct   *directTest
	execp    *execPanel
	importer *importScreen

	settings  store.Settings
	keyring   keyringState
	flashback flashbackState
	op        operation
	checks    checkState
	found     importState
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

// start marks an operation as running, named by label in the status bar,
// and returns its context.
func (a App) start(label string) (App, context.Context) {
	ctx, cancel := context.WithCancel(context.Background())
	a.op.label, a.op.cancel = label, cancel
	return a, ctx
}

// done ends the running operation.
func (a App) done() App {
	if a.op.cancel != nil {
		a.op.cancel()
	}
	a.op.label, a.op.cancel = "", nil
	return a
}

func (a App) tick() tea.Cmd {
	if a.noTimers {
		return nil
	}
	return a.op.spin.Tick
}

// checkState remembers the last check, for r (re-run) on the panel, and
// the result of "test the connection now" on the open form with the values
// it tested: it becomes the last check when exactly those are saved.
type checkState struct {
	last        checkRequest
	draftReport *diagnose.Report
	draftTested session.Change
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
	// Changes are every save, update and delete of the session, in order,
	// for the summary printed after the alternate screen is gone.
	Changes []Change
	// Cancelled is true when the user left a single-purpose session (add,
	// edit) without saving.
	Cancelled bool
}

// Change is one thing a TUI session changed.
type Change struct {
	// Action is "saved" (a new configuration), "imported" (a new one from
	// a key found in clear), "updated", "rotated" (an update with a new
	// secret) or "deleted".
	Action string
	Item   session.Item
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
	setup, browser := newSetup(st), newBrowser(st)
	a.setup, a.browser = &setup, &browser
	a.loading = &loading{styles: st, keys: statusKeyMap{Quit: a.keys.Interrupt}}
	// The other screens are built when they open; until then they are
	// empty, sized and styled like the rest.
	a.pass, a.form, a.signin, a.picker, a.report, a.direct = &passphrase{}, &formScreen{}, &signIn{}, &workspacePicker{}, &reportPanel{}, &directTest{}
	a.execp, a.importer = &execPanel{}, &importScreen{}
	a.browser.canImport = deps.Scan != nil
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

// Update routes a message: App's own messages (below) to their handler,
// everything else to the active screen.
func (a App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if handle, ok := routes[reflect.TypeOf(msg)]; ok {
		a, cmd = handle(a, msg)
	} else {
		a, cmd = a.updateScreen(msg)
	}
	a.relayout()
	a.placeRuler()
	return a, cmd
}

// routes is Update's routing table: every message App handles itself,
// grouped by flow, and its handler. A message X is handled by App.onX, in
// the file of its flow. Messages not listed go to the active screen.
var routes = routeTable(
	// The terminal and the whole app (app.go).
	route(App.onWindowSize),
	route(App.onBackgroundColor),
	route(App.onKeyPress),
	route(App.onSpinnerTick),
	route(App.onClearStatus),
	route(App.onStatus),
	route(App.onToggleHelp),
	route(App.onCopy),
	route(App.onQuit),

	// Start-up and first-run setup (app_start.go).
	route(App.onStoreLoaded),
	route(App.onSetupChosen),

	// The configuration form and saving (app_form.go).
	route(App.onOpenForm),
	route(App.onCancelForm),
	route(App.onSubmitConfig),
	route(App.onConfigSaved),
	route(App.onSaveAnyway),

	// The keyring passphrase (app_keyring.go).
	route(App.onSubmitPassphrase),
	route(App.onPassphraseChecked),
	route(App.onCancelPassphrase),

	// Flashback: listing, sign-in, workspaces (app_flashback.go).
	route(App.onConfigsLoaded),
	route(App.onRefresh),
	route(App.onSubmitSignIn),
	route(App.onSubmitMFA),
	route(App.onSignedIn),
	route(App.onCancelSignIn),
	route(App.onPickWorkspace),
	route(App.onWorkspaces),
	route(App.onChooseWorkspace),
	route(App.onWorkspaceChosen),
	route(App.onCancelPicker),

	// The browser's actions (app_browser.go).
	route(App.onDetailShown),
	route(App.onStats),
	route(App.onDeleteConfig),
	route(App.onConfigDeleted),

	// Tests, validations and the troubleshooting panel (app_check.go).
	route(App.onCheck),
	route(App.onTestDraft),
	route(App.onCheckDone),
	route(App.onRerun),
	route(App.onCloseReport),
	route(App.onFixField),
	route(App.onAskDirectTest),
	route(App.onSubmitDirectTest),
	route(App.onCancelDirectTest),

	// Using a configuration in another program (app_exec.go).
	route(App.onShowExec),
	route(App.onCloseExec),

	// Importing keys found in clear (app_import.go).
	route(App.onOpenImport),
	route(App.onKeysScanned),
	route(App.onTestCandidate),
	route(App.onCandidateTested),
	route(App.onImportKeys),
	route(App.onKeysImported),
	route(App.onCloseImport),
)

// handler is one row of the routing table.
type handler struct {
	msg    reflect.Type
	handle func(App, tea.Msg) (App, tea.Cmd)
}

// route makes a row from a handler; the message type comes from the
// handler's signature, so a row cannot name the wrong type.
func route[M tea.Msg](h func(App, M) (App, tea.Cmd)) handler {
	return handler{msg: reflect.TypeFor[M](), handle: func(a App, msg tea.Msg) (App, tea.Cmd) {
		return h(a, msg.(M))
	}}
}

func routeTable(hs ...handler) map[reflect.Type]func(App, tea.Msg) (App, tea.Cmd) {
	t := make(map[reflect.Type]func(App, tea.Msg) (App, tea.Cmd), len(hs))
	for _, h := range hs {
		if _, dup := t[h.msg]; dup {
			panic("ui: two routes for " + h.msg.String())
		}
		t[h.msg] = h.handle
	}
	return t
}

// screenOf returns the screen with this id. It is the one place that maps
// ids to screens: routing, sizing, styling, drawing and the footer all go
// through it.
func (a App) screenOf(id screenID) screen {
	switch id {
	case screenSetup:
		return a.setup
	case screenPassphrase:
		return a.pass
	case screenForm:
		return a.form
	case screenBrowser:
		return a.browser
	case screenSignIn:
		return a.signin
	case screenPicker:
		return a.picker
	case screenReport:
		return a.report
	case screenDirectTest:
		return a.direct
	case screenExec:
		return a.execp
	case screenImport:
		return a.importer
	}
	return a.loading
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

func (a App) onWindowSize(msg tea.WindowSizeMsg) (App, tea.Cmd) {
	a.width, a.height = msg.Width, msg.Height
	a.layout()
	if a.screen == screenForm {
		return a, a.form.Update(msg)
	}
	return a, nil
}

func (a App) onBackgroundColor(msg tea.BackgroundColorMsg) (App, tea.Cmd) {
	a.setStyles(NewStyles(msg.IsDark()))
	if a.screen == screenForm {
		return a, a.form.Update(msg)
	}
	return a, nil
}

// onKeyPress handles the keys of every screen: ctrl+c quits at once, and
// while an operation runs the other keys wait (esc cancels it).
func (a App) onKeyPress(msg tea.KeyPressMsg) (App, tea.Cmd) {
	if key.Matches(msg, a.keys.Interrupt) {
		// ctrl+c cancels what is under way (exit 130); with nothing under
		// way it is a plain quit, so a session that saved its work does
		// not end in "Cancelled.".
		a.interrupted = a.underWay()
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
	return a.updateScreen(msg)
}

// underWay reports whether ctrl+c would cut something short: a running
// operation, a form or prompt being filled in, or a single-purpose session
// (add, edit) that has not saved.
func (a App) underWay() bool {
	switch {
	case a.op.running():
		return true
	case a.screen == screenForm, a.screen == screenPassphrase, a.screen == screenSignIn:
		return true
	case a.opts.Start == StartAdd || a.opts.Start == StartEdit:
		return a.result.Saved == nil
	}
	return false
}

func (a App) onSpinnerTick(msg spinner.TickMsg) (App, tea.Cmd) {
	if !a.op.running() && !a.form.saving {
		return a, nil
	}
	var cmd tea.Cmd
	a.op.spin, cmd = a.op.spin.Update(msg)
	if a.screen == screenForm {
		cmd = tea.Batch(cmd, a.form.Update(msg))
	}
	return a, cmd
}

func (a App) onClearStatus(msg clearStatusMsg) (App, tea.Cmd) {
	if msg.id == a.status.id {
		a.status.text, a.status.isErr = "", false
	}
	return a, nil
}

func (a App) onStatus(msg statusMsg) (App, tea.Cmd) { return a.setStatus(msg.text, msg.isErr) }

func (a App) onToggleHelp(toggleHelpMsg) (App, tea.Cmd) {
	a.help.ShowAll = !a.help.ShowAll
	a.layout()
	return a, nil
}

// onCopy puts text on the clipboard through OSC 52: it asks the user's own
// terminal to set its clipboard, so this works over SSH where there is no
// local clipboard to reach. Only non-secret text is ever copied.
func (a App) onCopy(msg copyMsg) (App, tea.Cmd) {
	a, status := a.setStatus("Copied "+msg.what+" (via terminal).", false)
	return a, tea.Batch(tea.SetClipboard(msg.text), status)
}

func (a App) onQuit(quitMsg) (App, tea.Cmd) { return a, tea.Quit }

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
	a.laidOut = h
	a.help.SetWidth(a.width)
	for id := range numScreens {
		a.screenOf(id).setSize(a.width, h)
	}
}

// contentHeight is the height left for a screen: the status bar and the help
// footer take a line each, more when a long message wraps or full help is
// open.
func (a App) contentHeight() int {
	if a.width == 0 {
		return max(a.height-2, 1)
	}
	return max(a.height-a.statusHeight()-a.footerHeight(), 1)
}

// relayout sizes the screens again when the room left for them changed: a
// status message that wraps, or one that expired, moves the footer.
func (a *App) relayout() {
	if h := a.contentHeight(); h != a.laidOut {
		a.layout()
	}
}

// activeKeyMap is the key map the footer shows: the active screen's.
func (a App) activeKeyMap() help.KeyMap {
	return a.screenOf(a.screen).keyMap()
}

func quote(s string) string { return "“" + s + "”" }
