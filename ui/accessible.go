package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"charm.land/huh/v2"
	"github.com/charmbracelet/x/term"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/forms"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/keyscan"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
	"github.com/fbllm/fbllm/toolenv"
)

// accessibleSession runs fbllm's flows as plain, sequential prompts: no
// alternate screen, no animation, no colour, one question per line. It is
// what FBLLM_ACCESSIBLE=1 and TERM=dumb get, and it offers the same
// product as the TUI: where configurations live, Flashback sign-in and
// workspaces, the list, test, validate and troubleshoot with the report as
// text, test before saving, edit and delete. There is no update loop here,
// so session calls are made directly, each with its own timeout.
type accessibleSession struct {
	ctx  context.Context
	sess *session.Session
	st   *store.Store
	w    io.Writer
	r    io.Reader
	opts Options
	// scan says where keys kept in clear may be (nil: import is off).
	scan *keyscan.Options

	backend store.BackendInfo
	// workspace is the current Flashback workspace once known.
	workspace *client.Workspace
	lastEmail string
	// tested is the last "test the connection first" of the form: its
	// status becomes the last check when exactly those values are saved.
	tested       session.Change
	testedReport *diagnose.Report
	result       Result
}

// RunAccessible runs the same flows as Run as line-by-line prompts that a
// screen reader can follow (FBLLM_ACCESSIBLE=1 or TERM=dumb). Secrets are
// read without echo, which needs a terminal on Input.
//
// The prompts block in line reads that cannot be interrupted, so the session
// runs in its own goroutine: on ctrl+c (ctx cancelled) RunAccessible
// restores the terminal — a hidden-input prompt turns echo off — and returns
// ErrCancelled at once, leaving the blocked read behind as the process exits.
func RunAccessible(ctx context.Context, deps Deps, opts Options) (Result, error) {
	s := &accessibleSession{ctx: ctx, sess: deps.Session, st: deps.Store, w: opts.Output, r: opts.Input, opts: opts, scan: deps.Scan}
	if s.sess == nil {
		s.sess, _ = session.New(session.Options{Store: deps.Store})
	}
	if s.w == nil {
		s.w = os.Stderr
	}
	if s.r == nil {
		s.r = os.Stdin
	}
	var restore func()
	if f, ok := s.r.(*os.File); ok && term.IsTerminal(f.Fd()) {
		if state, err := term.GetState(f.Fd()); err == nil {
			restore = func() { _ = term.Restore(f.Fd(), state) }
		}
	}
	done := make(chan error, 1)
	go func() { done <- s.run() }()
	select {
	case err := <-done:
		return s.result, err
	case <-ctx.Done():
		if restore != nil {
			restore()
		}
		fmt.Fprintln(s.w)
		return Result{}, ErrCancelled
	}
}

// call runs one session call with a timeout.
func (s *accessibleSession) call(budget time.Duration, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(s.ctx, budget)
	defer cancel()
	return f(ctx)
}

func (s *accessibleSession) say(format string, args ...any) {
	fmt.Fprintf(s.w, format+"\n", args...)
}

func (s *accessibleSession) run() error {
	var err error
	if err := s.call(keyringBudget, func(ctx context.Context) error {
		s.backend, err = s.st.Backend(ctx)
		return err
	}); err != nil {
		return fmt.Errorf("no usable keyring: %w", err)
	}
	settings, _ := s.st.Settings()
	cfgs, listErr := s.st.List()
	if listErr != nil {
		s.say("Warning: %s", errorText("Could not read configurations: ", listErr))
	}
	if s.sess.Simulated() {
		s.say("SIMULATED: fbllm demo. Nothing leaves this machine; nothing is kept when you quit.")
	}

	switch {
	case s.opts.Start == StartAdd:
		return s.add()
	case s.opts.Start == StartEdit:
		var it session.Item
		if err := s.call(apiBudget, func(ctx context.Context) error {
			it, err = s.sess.Resolve(ctx, s.opts.EditRef, session.Scope{})
			return err
		}); err != nil {
			return err
		}
		return s.edit(it)
	case s.opts.Start == StartSetup || (session.FirstRun(settings, len(cfgs)) && !s.sess.SignedInHint()):
		if err := s.setup(); err != nil {
			return err
		}
	}
	return s.menu()
}

// ask runs one huh field in accessible mode.
func (s *accessibleSession) ask(f huh.Field) error {
	return forms.AskAccessible(f, s.w, s.r)
}

// choose asks one question with numbered answers.
func (s *accessibleSession) choose(title string, opts []huh.Option[string], value *string) error {
	return s.ask(huh.NewSelect[string]().Title(title).Options(opts...).Value(value))
}

// confirm asks a yes/no question; def is the answer Enter gives.
func (s *accessibleSession) confirm(title string, def bool) (bool, error) {
	ok := def
	err := s.ask(huh.NewConfirm().Title(title).Value(&ok))
	return ok, err
}

// setup says where secrets go before any is typed, then asks where
// configurations live.
func (s *accessibleSession) setup() error {
	s.say("Welcome to fbllm. Let's add your first AI LLM configuration: a provider, its endpoint and its credentials.")
	mode := session.ModeLocal
	opts := []huh.Option[string]{
		huh.NewOption("On this machine: secrets go to "+backendSentence(s.backend), session.ModeLocal),
		huh.NewOption("In a Flashback workspace: sign in; the secret is sent to Flashback once (write-only) and not kept here", session.ModeFlashback),
	}
	if found := s.foundKeys(); found != "" {
		opts = append(opts, huh.NewOption("Import the keys found on this machine: "+found, setupImport))
	}
	if err := s.choose("Where should configurations live?", opts, &mode); err != nil {
		return err
	}
	if mode == setupImport {
		return s.importKeys()
	}
	if mode == session.ModeFlashback {
		if err := s.signIn(); err != nil {
			return err
		}
	}
	if err := s.add(); err != nil && !errors.Is(err, ErrCancelled) {
		s.say("Not saved: %s", errorText("", err))
	}
	return nil
}

// signIn asks for the Flashback email and password (masked), then for the
// second factor when the account has one, and then for the workspace.
func (s *accessibleSession) signIn() error {
	where := "API " + s.sess.APIURL()
	if s.sess.Simulated() {
		where = "the SIMULATED platform of fbllm demo"
	}
	s.say("Sign in to Flashback (%s). The password is sent once and never stored; fbllm keeps only the sign-in's refresh token, in the %s.",
		where, store.BackendLabel(s.backend.Name))
	for attempt := 1; attempt <= 3; attempt++ {
		email, password := s.lastEmail, ""
		title := "Email of your Flashback account:"
		if email != "" {
			title = fmt.Sprintf("Email of your Flashback account (Enter keeps %s):", email)
		}
		if err := s.ask(huh.NewInput().Title(title).Value(&email).Validate(func(v string) error {
			if v = strings.TrimSpace(v); v == "" && s.lastEmail != "" || strings.Contains(v, "@") {
				return nil
			}
			return errors.New("type the email address of your Flashback account")
		})); err != nil {
			return err
		}
		email = strings.TrimSpace(email)
		if err := s.ask(huh.NewInput().Title("Password (typing is hidden):").EchoMode(huh.EchoModePassword).Value(&password)); err != nil {
			return err
		}
		s.lastEmail = email
		var id client.Identity
		err := s.call(apiBudget, func(ctx context.Context) (err error) {
			id, err = s.sess.SignIn(ctx, email, password)
			return err
		})
		var mfa *client.MFARequiredError
		if errors.As(err, &mfa) {
			id, err = s.secondFactor(mfa.Challenge)
		}
		if err == nil {
			s.say("Signed in as %s.", id.Email)
			return s.pickWorkspace()
		}
		s.say("Could not sign in: %s", errorText("", err))
	}
	return errors.New("sign-in failed three times")
}

func (s *accessibleSession) secondFactor(ch *client.MFAChallenge) (client.Identity, error) {
	var code string
	if err := s.ask(huh.NewInput().Title("This account has a second factor. Code from your authenticator app:").Value(&code)); err != nil {
		return client.Identity{}, err
	}
	var id client.Identity
	err := s.call(apiBudget, func(ctx context.Context) (err error) {
		id, err = s.sess.VerifyMFA(ctx, ch, strings.TrimSpace(code))
		return err
	})
	return id, err
}

// pickWorkspace lists the reachable workspaces with the user's role and
// makes the chosen one current.
func (s *accessibleSession) pickWorkspace() error {
	var wss []client.Workspace
	current := ""
	if err := s.call(apiBudget, func(ctx context.Context) (err error) {
		s.sess.Refresh()
		if wss, err = s.sess.Workspaces(ctx); err != nil {
			return err
		}
		if w, err := s.sess.CurrentWorkspace(ctx); err == nil {
			current = w.ID
		}
		return nil
	}); err != nil {
		s.say("Could not list workspaces: %s", errorText("", err))
		return nil
	}
	if len(wss) == 0 {
		s.say("No Flashback workspace is reachable with this account.")
		return nil
	}
	opts := make([]huh.Option[string], len(wss))
	for i, w := range wss {
		note := strings.ToUpper(w.Role.String())
		if !w.Role.CanWrite() {
			note += ", read-only"
		}
		opts[i] = huh.NewOption(fmt.Sprintf("%s (%s)", w.Name, note), w.ID)
	}
	choice := current
	if choice == "" {
		choice = wss[0].ID
	}
	if err := s.choose("Which workspace? New configurations go to the current one; your role decides what you can change.", opts, &choice); err != nil {
		return err
	}
	var w client.Workspace
	if err := s.call(apiBudget, func(ctx context.Context) (err error) {
		w, err = s.sess.Use(ctx, choice)
		return err
	}); err != nil {
		s.say("Could not switch: %s", errorText("", err))
		return nil
	}
	s.workspace = &w
	s.say("Current workspace: %s (%s).", w.Name, w.Role.String())
	return nil
}

// list reads the configurations of the current workspace and this
// machine, asking for a workspace first when several are reachable and
// none is chosen.
func (s *accessibleSession) list() ([]session.Item, error) {
	var l session.Listing
	if err := s.call(apiBudget, func(ctx context.Context) (err error) {
		l, err = s.sess.List(ctx, session.Scope{})
		return err
	}); err != nil {
		return nil, err
	}
	var choose *session.ChooseWorkspaceError
	if errors.As(l.Problem, &choose) {
		if err := s.pickWorkspace(); err != nil {
			return nil, err
		}
		return s.list()
	}
	if l.Problem != nil && !errors.Is(l.Problem, client.ErrUnauthenticated) {
		s.say("Flashback configurations are not listed: %s", errorText("", l.Problem))
	}
	s.workspace = l.Workspace
	return l.Items, nil
}

// menu is the accessible counterpart of the browser.
func (s *accessibleSession) menu() error {
	for {
		items, err := s.list()
		if err != nil {
			return err
		}
		where := "this machine"
		if s.workspace != nil {
			where = fmt.Sprintf("Flashback workspace %s (%s) and this machine", s.workspace.Name, s.workspace.Role.String())
		}
		s.say("%d configuration(s) in %s; secrets on this machine are in the %s.", len(items), where, store.BackendLabel(s.backend.Name))
		for i, c := range items {
			last := "untested"
			if c.LastCheck != nil {
				last = c.LastCheck.Status
			}
			s.say("%d. %s — %s — %s — %s — last check: %s", i+1, c.Name, c.AIType, whereWord(c), c.Endpoint, last)
		}
		action := "add"
		opts := []huh.Option[string]{huh.NewOption("Add a configuration", "add")}
		if len(items) > 0 {
			opts = append(opts,
				huh.NewOption("Show details", "show"),
				huh.NewOption("Test a configuration from this machine", "test"),
				huh.NewOption("Troubleshoot a configuration (every check, with what to do)", "doctor"),
				huh.NewOption("Edit or rotate a configuration", "edit"),
				huh.NewOption("Delete a configuration", "delete"),
				huh.NewOption("Use a configuration in another program (the fbllm exec command line)", "exec"))
		}
		if s.scan != nil {
			opts = append(opts, huh.NewOption("Import the keys this machine keeps in clear", "import"))
		}
		if s.workspace != nil {
			opts = append(opts, huh.NewOption("Ask Flashback to validate a workspace configuration", "validate"),
				huh.NewOption("Switch workspace", "workspace"))
		} else {
			opts = append(opts, huh.NewOption("Sign in to Flashback", "signin"))
		}
		opts = append(opts, huh.NewOption("Quit", "quit"))
		if err := s.choose("What next?", opts, &action); err != nil {
			return err
		}
		if err := s.do(action, items); err != nil {
			return err
		}
		if action == "quit" {
			return nil
		}
	}
}

// do runs one menu action. Only a failure to ask (the terminal went away)
// ends the session; the action's own failures are said and the menu
// comes back.
func (s *accessibleSession) do(action string, items []session.Item) error {
	switch action {
	case "quit":
		return nil
	case "add":
		return s.report(s.add())
	case "signin":
		return s.signIn()
	case "workspace":
		return s.pickWorkspace()
	case "import":
		return s.importKeys()
	}
	pool := items
	if action == "validate" {
		pool = nil
		for _, it := range items {
			if it.IsRemote() {
				pool = append(pool, it)
			}
		}
		if len(pool) == 0 {
			s.say("No workspace configuration to validate: Flashback validates the configurations it stores.")
			return nil
		}
	}
	c, err := s.pick(pool)
	if err != nil {
		return err
	}
	switch action {
	case "show":
		s.show(c)
	case "test":
		return s.check(c, checkTest)
	case "validate":
		return s.check(c, checkValidate)
	case "doctor":
		return s.check(c, checkDoctor)
	case "edit":
		return s.report(s.edit(c))
	case "delete":
		return s.remove(c)
	case "exec":
		s.execLine(c)
	}
	return nil
}

// execLine says how to hand a configuration to another program: the
// command line and the variables it sets, with fingerprints from the
// index (no keyring read). A Flashback configuration's secret never leaves
// the platform, which it says instead.
func (s *accessibleSession) execLine(c session.Item) {
	if c.IsRemote() || c.Local == nil {
		s.say("%s\n", session.Explain(&session.WriteOnlyError{Item: c}).Sentence())
		return
	}
	s.say("Command line: %s…", toolenv.CommandLine(c.Name))
	s.say("Put the program and its arguments in place of …; the key stays encrypted and only that program gets it, while it runs.")
	d, err := toolenv.Preview(*c.Local)
	if err != nil {
		s.say("It cannot be handed over: %s\n", errorText("", err))
		return
	}
	s.say("Variables (fingerprints, never values):")
	for _, v := range d.Set {
		s.say("  %s: %s", v.Name, v.Shown)
	}
	if len(d.Unset) > 0 {
		names := make([]string, len(d.Unset))
		for i, u := range d.Unset {
			names[i] = u.Name
		}
		s.say("Removed if inherited: %s.", strings.Join(names, ", "))
	}
	s.say("")
}

// scanKeys looks for keys kept in clear, as the checklist does.
func (s *accessibleSession) scanKeys() (session.ImportPlan, error) {
	var plan session.ImportPlan
	err := s.call(keyringBudget, func(ctx context.Context) (err error) {
		plan, err = s.sess.PlanImport(ctx, *s.scan)
		return err
	})
	return plan, err
}

// foundKeys is the first-run offer: how many keys could be imported and
// where, "" when none (or import is off).
func (s *accessibleSession) foundKeys() string {
	if s.scan == nil {
		return ""
	}
	plan, err := s.scanKeys()
	if err != nil {
		return ""
	}
	return foundSentence(plan.Rows)
}

// importKeys lists the keys found in clear, asks about each new one
// (import, test it first, skip), stores the chosen ones and says where the
// plaintext copies remain and the command line that replaces each.
func (s *accessibleSession) importKeys() error {
	plan, err := s.scanKeys()
	if err != nil {
		s.say("Could not look for keys: %s", errorText("", err))
		return nil
	}
	for _, p := range plan.Problems {
		s.say("Could not read %s", p)
	}
	if len(plan.Rows) == 0 {
		s.say("No provider keys found in clear on this machine: nothing to import.\n")
		return nil
	}
	if found := foundSentence(plan.Rows); found != "" {
		s.say("%s fbllm never changes those files.", found)
	}
	for i, r := range plan.Rows {
		s.say("%d. %s", i+1, importRowText(r))
	}
	var jobs []importJob
	for i, r := range plan.Rows {
		if r.Action != session.ImportNew {
			continue
		}
		var tested *diagnose.Report
		for {
			choice := "import"
			opts := []huh.Option[string]{huh.NewOption(fmt.Sprintf("Import it as %q", r.Name), "import")}
			if tested == nil {
				opts = append(opts, huh.NewOption("Test it first (nothing is saved)", "test"))
			}
			opts = append(opts, huh.NewOption("Skip it", "skip"))
			if err := s.choose(fmt.Sprintf("Key %d: %s %s?", i+1, r.Candidate.Type, r.Candidate.Fingerprint), opts, &choice); err != nil {
				return err
			}
			if choice != "test" {
				if choice == "import" {
					jobs = append(jobs, importJob{row: i, change: r.Change, tested: tested})
				}
				break
			}
			s.say("Testing %s…", r.Candidate.Fingerprint)
			var rep diagnose.Report
			err := s.call(apiBudget, func(ctx context.Context) (err error) {
				rep, err = testCandidate(ctx, s.sess, r.Change)
				return err
			})
			if err != nil {
				s.say("The test could not run: %s", errorText("", err))
				continue
			}
			tested = &rep
			s.say("%s", accessibleReport(rep))
		}
	}
	if len(jobs) == 0 {
		s.say("Nothing imported.\n")
		return nil
	}
	if err := s.unlock(); err != nil {
		return s.report(err)
	}
	var results []importResult
	_ = s.call(apiBudget, func(ctx context.Context) error {
		results = importKeys(ctx, s.sess, jobs)
		return nil
	})
	var stored []importResult
	for _, res := range results {
		if res.err != nil {
			s.say("Not stored: %s: %s", plan.Rows[res.row].Name, errorText("", res.err))
			continue
		}
		stored = append(stored, res)
		s.result.Changes = append(s.result.Changes, Change{Action: "imported", Item: res.item})
		s.say("Stored %q (%s, %s) in the %s.", res.item.Name, res.item.AIType, res.item.SecretFingerprint, store.BackendLabel(s.backend.Name))
	}
	if len(stored) > 0 {
		s.say("The plaintext copies are still where they were: fbllm never edits them. Remove each one, then start the tool with the command line given for it:")
		for _, res := range stored {
			for _, loc := range plan.Rows[res.row].Candidate.Locations {
				s.say("  %s: %s…", loc.Source, toolenv.CommandLine(res.item.Name))
			}
		}
	}
	s.say("")
	return nil
}

// importRowText is one found key as a sentence: what it becomes, its type
// and fingerprint, where it was found, and why it is skipped.
func importRowText(r session.ImportRow) string {
	sources := make([]string, len(r.Candidate.Locations))
	for i, l := range r.Candidate.Locations {
		sources[i] = l.Source
	}
	what := "new: " + quote(r.Name)
	switch r.Action {
	case session.ImportHeld:
		what = "already held by fbllm"
	case session.ImportSkip:
		what = "not importable: " + r.Reason
	}
	return fmt.Sprintf("%s — %s %s — found in %s", what, r.Candidate.Type, r.Candidate.Fingerprint, strings.Join(sources, ", "))
}

// report says why an add or edit did not save, and lets the menu go on.
func (s *accessibleSession) report(err error) error {
	if err != nil && !errors.Is(err, ErrCancelled) {
		s.say("Not saved: %s", errorText("", err))
	}
	return nil
}

func (s *accessibleSession) pick(items []session.Item) (session.Item, error) {
	idx := "0"
	opts := make([]huh.Option[string], len(items))
	for i, c := range items {
		opts[i] = huh.NewOption(fmt.Sprintf("%s (%s)", c.Name, whereWord(c)), fmt.Sprint(i))
	}
	err := s.choose("Which configuration?", opts, &idx)
	i, _ := strconv.Atoi(idx) // one of the values above
	return items[min(max(i, 0), len(items)-1)], err
}

func (s *accessibleSession) show(c session.Item) {
	for _, f := range session.Details(c, store.BackendLabel(s.backend.Name)) {
		s.say("%s: %s", f.Label, f.Value)
	}
	s.say("")
}

// check runs a test, validation or troubleshooting and reads the report
// out. A Flashback configuration's direct checks need its secret, which
// the platform never returns: the user may type it for this one test.
func (s *accessibleSession) check(c session.Item, kind checkKind) error {
	if kind == checkTest && c.IsRemote() {
		kind = checkValidate // Flashback's validation is its credential check
	}
	var cred *store.Credentials
	if kind == checkDoctor && c.IsRemote() {
		ok, err := s.confirm("Flashback never returns this configuration's secret. Type it for a one-off direct test from this machine (never stored)?", false)
		if err != nil {
			return err
		}
		if ok {
			var secret string
			if err := s.ask(huh.NewInput().Title("Secret (typing is hidden):").EchoMode(huh.EchoModePassword).Value(&secret)); err != nil {
				return err
			}
			clean, err := input.SanitizeSecret(secret)
			if err != nil {
				s.say("Not tested: %s", err)
				return nil
			}
			cred = &store.Credentials{Secret: clean.Value}
		}
	}
	if !c.IsRemote() {
		if err := s.unlock(); err != nil {
			return s.report(err)
		}
	}
	s.say("%s %s…", map[checkKind]string{checkTest: "Testing", checkValidate: "Asking Flashback to validate", checkDoctor: "Troubleshooting"}[kind], c.Name)
	var (
		r   diagnose.Report
		err error
	)
	budget := validateBudget
	if kind == checkTest {
		budget = apiBudget
	}
	_ = s.call(budget, func(ctx context.Context) error {
		switch kind {
		case checkValidate:
			r, err = s.sess.Validate(ctx, c)
		case checkDoctor:
			r, err = s.sess.Doctor(ctx, c, cred)
		default:
			r, err = s.sess.Test(ctx, c, cred)
		}
		return nil
	})
	var pe *session.PlatformError
	if err != nil && (!errors.As(err, &pe) || len(r.Checks) == 0) {
		s.say("The check could not run: %s", errorText("", err))
		return nil
	}
	s.say("%s", accessibleReport(r))
	return nil
}

// accessibleReport is the report as text a screen reader reads in order:
// the verdict first, then every check and every diagnosis with its steps.
func accessibleReport(r diagnose.Report) string {
	verdict := string(r.Status)
	if verdict == "" {
		verdict = "no result"
	}
	word := "Result"
	if r.ExitCode() != 0 {
		word = "Failed"
	}
	return word + ": " + verdict + ".\n" + reportText(r)
}

func (s *accessibleSession) remove(c session.Item) error {
	what := fmt.Sprintf("Delete %q and its secret? This cannot be undone.", c.Name)
	if c.IsRemote() {
		what = fmt.Sprintf("Delete %q from the Flashback workspace %s, for everyone? This cannot be undone.", c.Name, c.WorkspaceName)
	}
	ok, err := s.confirm(what, false)
	if err != nil || !ok {
		return err
	}
	if !c.IsRemote() {
		// Deleting is a change like any other: the passphrase first.
		if err := s.unlock(); err != nil {
			return s.report(err)
		}
	}
	if err := s.call(apiBudget, func(ctx context.Context) error { return s.sess.Delete(ctx, c) }); err != nil {
		s.say("Could not delete: %s", errorText("", err))
		return nil
	}
	s.result.Changes = append(s.result.Changes, Change{Action: "deleted", Item: c})
	s.say("Deleted %q.\n", c.Name)
	return nil
}

// destination is where a new configuration goes: the current workspace
// when the role may write there, else this machine.
func (s *accessibleSession) destination() session.Destination {
	if s.workspace != nil {
		if ok, why := session.CanWrite(*s.workspace); ok {
			return session.Destination{Store: session.StoreFlashback, Workspace: *s.workspace}
		} else {
			s.say("%s; this configuration will be kept on this machine.", why)
		}
	}
	return session.Destination{Store: session.StoreLocal}
}

func (s *accessibleSession) add() error {
	if s.workspace == nil && s.sess.SignedInHint() {
		_, _ = s.list() // learn the current workspace
	}
	dest := s.destination()
	if dest.Store == session.StoreLocal {
		if err := s.unlock(); err != nil {
			return err
		}
	}
	names, _ := s.names(dest)
	s.say("This configuration will be saved to %s.", dest.Label(s.backend.Name))
	d := input.NewDraft(names, dest.Label(s.backend.Name))
	d.ToFlashback = dest.Store == session.StoreFlashback
	return s.fill(d, nil, dest)
}

func (s *accessibleSession) names(dest session.Destination) ([]string, error) {
	var names []string
	err := s.call(apiBudget, func(ctx context.Context) (err error) {
		names, err = s.sess.Names(ctx, dest)
		return err
	})
	return names, err
}

func (s *accessibleSession) edit(c session.Item) error {
	dest := session.Destination{Store: c.Store}
	if c.IsRemote() {
		dest.Workspace = client.Workspace{ID: c.WorkspaceID, Name: c.WorkspaceName}
	}
	names, _ := s.names(dest)
	d := input.DraftFromConfig(c.Name, string(c.AIType), c.Endpoint, c.KeyFingerprint, c.SecretFingerprint, names, dest.Label(s.backend.Name))
	d.ToFlashback = dest.Store == session.StoreFlashback
	return s.fill(d, &c, dest)
}

// fill asks the form questions, offers to test the connection before
// saving, and saves the answers.
func (s *accessibleSession) fill(d *input.Draft, editing *session.Item, dest session.Destination) error {
	s.testedReport = nil
	action, err := forms.RunAccessible(d, s.w, s.r)
	if err != nil {
		return err
	}
	for action == input.ActionTest {
		if err := s.testDraft(d, editing, dest); err != nil {
			return err
		}
		if action, err = forms.AskAccessibleAction(d, s.w, s.r); err != nil {
			return err
		}
	}
	if action != input.ActionSave {
		s.say("Not saved.")
		return ErrCancelled
	}
	res, err := d.Result()
	if err != nil {
		return err
	}
	req := newSaveRequest(res, editing, dest)
	if req.needsKeyring() {
		if err := s.unlock(); err != nil {
			return err
		}
	}
	var saved session.Item
	if err := s.call(apiBudget, func(ctx context.Context) (err error) {
		saved, err = saveConfig(ctx, s.sess, req)
		return err
	}); err != nil {
		return err
	}
	_ = s.sess.RecordSetup(dest) // the first save records where configurations live
	if r := s.testedReport; r != nil && r.Status != "" && session.SameConnection(s.tested, req.change) {
		_ = s.sess.RecordReport(saved, *r) // a lost status word is not worth an error
	}
	s.result.Saved = &saved
	action = "saved"
	if editing != nil {
		action = "updated"
		if req.rotates() {
			action = "rotated"
		}
	}
	s.result.Changes = append(s.result.Changes, Change{Action: action, Item: saved})
	if saved.IsRemote() {
		s.say("Saved %q in the Flashback workspace %s.\n", saved.Name, saved.WorkspaceName)
		return nil
	}
	backend := s.backend.Name
	if saved.Local != nil && saved.Local.SecretBackend != "" {
		backend = saved.Local.SecretBackend
	}
	s.say("Saved %q; its secret is in the %s.\n", saved.Name, store.BackendLabel(backend))
	return nil
}

// testDraft tests what was typed before it is saved, and reads the report.
func (s *accessibleSession) testDraft(d *input.Draft, editing *session.Item, dest session.Destination) error {
	res, err := d.Result()
	if err != nil {
		s.say("Not tested: %s", err)
		return nil
	}
	req := newSaveRequest(res, editing, dest)
	if editing != nil && editing.IsRemote() && req.change.Secret == nil {
		s.say("Flashback keeps this secret write-only, so it cannot be tested from here: type the secret again to test it, or save and ask Flashback to validate it.")
		return nil
	}
	if editing != nil && !editing.IsRemote() && (req.change.Secret == nil || req.change.Key == nil) {
		if err := s.unlock(); err != nil {
			return s.report(err)
		}
	}
	it := session.Item{Name: req.change.Name, AIType: req.change.AIType, Endpoint: req.change.Endpoint, Region: req.change.Region, Store: dest.Store}
	if editing != nil {
		it.ID, it.Store = editing.ID, editing.Store
	}
	s.say("Testing the connection (nothing is saved yet)…")
	var r diagnose.Report
	err = s.call(apiBudget, func(ctx context.Context) (err error) {
		r, err = testDraftReport(ctx, s.sess, checkRequest{item: it, kind: checkTest, fromForm: true, save: req})
		return err
	})
	if err != nil {
		s.say("The test could not run: %s", errorText("", err))
		return nil
	}
	s.tested, s.testedReport = req.change, &r
	s.say("%s", accessibleReport(r))
	return nil
}

// unlock asks for the encrypted-file keyring's passphrase when needed.
func (s *accessibleSession) unlock() error {
	if !s.backend.NeedsPassphrase || !s.st.Locked() {
		return nil
	}
	var set bool
	if err := s.call(keyringBudget, func(ctx context.Context) (err error) {
		set, err = s.st.PassphraseSet(ctx)
		return err
	}); err != nil {
		return err
	}
	for attempt := 1; attempt <= 3; attempt++ {
		var p1, p2 string
		title := "Keyring passphrase for " + s.backend.Location + " (typing is hidden):"
		if !set {
			title = "Choose a keyring passphrase, at least 8 characters; it cannot be recovered (typing is hidden):"
		}
		if err := s.ask(huh.NewInput().Title(title).EchoMode(huh.EchoModePassword).Value(&p1)); err != nil {
			return err
		}
		if !set {
			if err := s.ask(huh.NewInput().Title("Repeat the passphrase:").EchoMode(huh.EchoModePassword).Value(&p2)); err != nil {
				return err
			}
			if p1 != p2 {
				s.say("The passphrases differ; try again.")
				continue
			}
		}
		err := s.call(keyringBudget, func(ctx context.Context) error {
			if set {
				return s.st.Unlock(ctx, p1)
			}
			return s.st.InitPassphrase(ctx, p1)
		})
		switch {
		case err == nil:
			return nil
		case errors.Is(err, store.ErrWrongPassphrase):
			s.say("Wrong passphrase; nothing was changed.")
		case errors.Is(err, store.ErrWeakPassphrase):
			s.say("Too short: use at least 8 characters.")
		default:
			return err
		}
	}
	return store.ErrWrongPassphrase
}
