package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/keyscan"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// Every side effect of the UI lives in this file: each constructor takes
// value copies of what it needs and returns a Cmd that performs the I/O off
// the update loop and reports exactly one message. Update and View never
// touch the disk, the keyring or the clock.

// keyringBudget bounds a whole keyring-touching Cmd. The store already puts
// a timeout on each keyring call; this is a backstop for the sequence.
const keyringBudget = 10 * time.Second

// storeLoadedMsg reports the start-up load: settings, the local index and
// the keyring backend. A backend problem does not prevent browsing the
// index. Flashback configurations follow in a configsLoadedMsg.
type storeLoadedMsg struct {
	settings      store.Settings
	configs       []session.Item
	listErr       error
	backend       store.BackendInfo
	backendErr    error
	passphraseSet bool
	locked        bool
	cache         store.CacheStatus
	// edit is the configuration `fbllm edit REF` opens, resolved here so
	// that Update never reads the index itself.
	edit    *session.Item
	editErr error
	// signedInHint and apiURL come from config.json and the environment,
	// read here for the same reason.
	signedInHint bool
	apiURL       string
}

func loadStoreCmd(ctx context.Context, sess *session.Session, editRef string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, keyringBudget)
		defer cancel()
		s := sess.Store()
		var m storeLoadedMsg
		m.settings, _ = s.Settings()
		m.signedInHint, m.apiURL = sess.SignedInHint(), sess.APIURL()
		l, err := sess.List(ctx, session.Scope{Store: session.StoreLocal})
		m.configs, m.listErr = l.Items, err
		m.backend, m.backendErr = s.Backend(ctx)
		m.backend.Location = shortenHome(m.backend.Location)
		if m.backendErr == nil && m.backend.NeedsPassphrase {
			m.passphraseSet, _ = s.PassphraseSet(ctx)
		}
		m.locked = s.Locked()
		if m.backend.NeedsPassphrase {
			m.cache = s.PassphraseCache()
		}
		if editRef != "" {
			it, err := sess.Resolve(ctx, editRef, session.Scope{})
			m.edit, m.editErr = &it, err
		}
		return m
	}
}

// shortenHome writes a path under the home directory as ~/…, for display.
func shortenHome(p string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" || p == "" {
		return p
	}
	if rel, err := filepath.Rel(home, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.Join("~", rel)
	}
	return p
}

// apiBudget bounds one Flashback API round (a listing may be several
// requests); validation has its own, longer budget.
const (
	apiBudget      = 30 * time.Second
	validateBudget = 90 * time.Second
)

// configsLoadedMsg carries a fresh listing: local configurations and, when
// signed in, the current workspace's (or all workspaces').
type configsLoadedMsg struct {
	listing session.Listing
	err     error
	// selectID puts the cursor on this config after the reload.
	selectID string
	scope    session.Scope
}

func listConfigsCmd(ctx context.Context, s *session.Session, sc session.Scope, selectID string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, apiBudget)
		defer cancel()
		l, err := s.List(ctx, sc)
		return configsLoadedMsg{listing: l, err: err, selectID: selectID, scope: sc}
	}
}

// saveRequest is a validated form result turned into what the session
// needs. It holds credentials in memory only for the duration of the save.
type saveRequest struct {
	edit   *session.Item // nil for a new configuration
	dest   session.Destination
	change session.Change
	// markSetup records the first-run choice once the first save succeeds.
	markSetup bool
}

func (r saveRequest) rotates() bool { return r.change.Secret != nil }

// needsKeyring reports whether the save writes credentials to the local
// keyring (and so may need the passphrase first).
func (r saveRequest) needsKeyring() bool {
	if r.edit != nil {
		return !r.edit.IsRemote() && (r.change.Key != nil || r.change.Secret != nil)
	}
	return r.dest.Store != session.StoreFlashback
}

// newSaveRequest turns a validated form result into a save request.
func newSaveRequest(r input.Result, editing *session.Item, dest session.Destination) saveRequest {
	return saveRequest{edit: editing, dest: dest, change: session.ChangeFromForm(r)}
}

// configSavedMsg reports the outcome of a save.
type configSavedMsg struct {
	req  saveRequest
	item session.Item
	err  error
}

func saveConfigCmd(ctx context.Context, s *session.Session, req saveRequest) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, apiBudget)
		defer cancel()
		it, err := saveConfig(ctx, s, req)
		if err == nil && req.markSetup {
			err = s.RecordSetup(req.dest)
		}
		return configSavedMsg{req: req, item: it, err: err}
	}
}

// saveConfig adds or updates a configuration.
func saveConfig(ctx context.Context, s *session.Session, req saveRequest) (session.Item, error) {
	if req.edit == nil {
		return s.Create(ctx, req.dest, req.change)
	}
	return s.Update(ctx, *req.edit, req.change)
}

// configDeletedMsg reports the outcome of a delete.
type configDeletedMsg struct {
	item session.Item
	err  error
}

func deleteConfigCmd(ctx context.Context, s *session.Session, it session.Item) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, apiBudget)
		defer cancel()
		return configDeletedMsg{item: it, err: s.Delete(ctx, it)}
	}
}

// signedInMsg reports a sign-in attempt: an identity, a second-factor
// challenge, or an error.
type signedInMsg struct {
	id  client.Identity
	mfa *client.MFAChallenge
	err error
}

func signInCmd(ctx context.Context, s *session.Session, email, password string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, apiBudget)
		defer cancel()
		id, err := s.SignIn(ctx, email, password)
		var mfa *client.MFARequiredError
		if errors.As(err, &mfa) {
			return signedInMsg{mfa: mfa.Challenge}
		}
		return signedInMsg{id: id, err: err}
	}
}

func verifyMFACmd(ctx context.Context, s *session.Session, ch *client.MFAChallenge, code string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, apiBudget)
		defer cancel()
		id, err := s.VerifyMFA(ctx, ch, code)
		return signedInMsg{id: id, err: err}
	}
}

// workspacesMsg carries the reachable workspaces for the picker.
type workspacesMsg struct {
	workspaces []client.Workspace
	current    string // id of the current workspace, if one is chosen
	err        error
}

func workspacesCmd(ctx context.Context, s *session.Session) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, apiBudget)
		defer cancel()
		s.Refresh()
		wss, err := s.Workspaces(ctx)
		m := workspacesMsg{workspaces: wss, err: err}
		if err == nil {
			if w, err := s.CurrentWorkspace(ctx); err == nil {
				m.current = w.ID
			}
		}
		return m
	}
}

// workspaceChosenMsg reports that the current workspace was saved.
type workspaceChosenMsg struct {
	workspace client.Workspace
	err       error
}

func useWorkspaceCmd(ctx context.Context, s *session.Session, w client.Workspace) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, apiBudget)
		defer cancel()
		w, err := s.Use(ctx, w.ID)
		return workspaceChosenMsg{workspace: w, err: err}
	}
}

// statsMsg carries the usage counters of a Flashback configuration.
type statsMsg struct {
	id    string
	stats client.LLMStats
	err   error
}

func statsCmd(ctx context.Context, s *session.Session, id string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, apiBudget)
		defer cancel()
		api, err := s.API()
		if err != nil {
			return statsMsg{id: id, err: err}
		}
		all, err := api.LLMStats(ctx, id)
		m := statsMsg{id: id, err: err}
		for _, st := range all {
			if st.LLMID == id {
				m.stats = st
			}
		}
		return m
	}
}

// passphraseCheckedMsg reports whether a typed passphrase unlocked (or, the
// first time, initialised) the encrypted-file keyring, and whether it was
// remembered when the user asked for that.
type passphraseCheckedMsg struct {
	create      bool
	err         error
	remembered  bool
	rememberErr error
	cache       store.CacheStatus
}

func checkPassphraseCmd(s *store.Store, pass string, create, remember bool) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
		defer cancel()
		var err error
		if create {
			err = s.InitPassphrase(ctx, pass)
		} else {
			err = s.Unlock(ctx, pass)
		}
		m := passphraseCheckedMsg{create: create, err: err}
		if err == nil && remember {
			m.rememberErr = s.RememberPassphrase(store.PassphraseCacheTTL)
			m.remembered = m.rememberErr == nil
		}
		m.cache = s.PassphraseCache()
		return m
	}
}

// clearStatusMsg clears the transient status line if it is still the one
// with this id.
type clearStatusMsg struct{ id int }

func clearStatusCmd(id int, after time.Duration) tea.Cmd {
	return tea.Tick(after, func(time.Time) tea.Msg { return clearStatusMsg{id: id} })
}

func checkCmd(ctx context.Context, s *session.Session, req checkRequest) tea.Cmd {
	return func() tea.Msg {
		budget := apiBudget
		if req.kind != checkTest {
			budget = validateBudget
		}
		ctx, cancel := context.WithTimeout(ctx, budget)
		defer cancel()
		var (
			r   diagnose.Report
			err error
		)
		switch {
		case req.fromForm:
			r, err = testDraftReport(ctx, s, req)
		case req.kind == checkValidate:
			r, err = s.Validate(ctx, req.item)
		case req.kind == checkDoctor:
			r, err = s.Doctor(ctx, req.item, req.cred)
		default:
			r, err = s.Test(ctx, req.item, req.cred)
		}
		return checkDoneMsg{req: req, report: r, err: err}
	}
}

// testDraftReport probes the draft's endpoint with its credentials (kept
// local ones from the keyring). Nothing is saved or recorded.
func testDraftReport(ctx context.Context, s *session.Session, req checkRequest) (diagnose.Report, error) {
	return s.TestDraft(ctx, req.save.edit, req.item.Ref(), req.save.change)
}

// recordCheckCmd stores the test run on a draft once the draft is saved,
// so the browser shows its result instead of "untested".
func recordCheckCmd(s *session.Session, it session.Item, r diagnose.Report) tea.Cmd {
	return func() tea.Msg {
		_ = s.RecordReport(it, r) // a lost status word is not worth an error
		return nil
	}
}

// keysScannedMsg carries a scan for keys kept in clear, decided row by row
// (session.PlanImport). The plan holds the credentials found: App keeps it
// only while the checklist is open.
type keysScannedMsg struct {
	id   int // the scan it answers; a newer one supersedes it
	plan session.ImportPlan
	err  error
}

func scanKeysCmd(ctx context.Context, s *session.Session, opts keyscan.Options, id int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, keyringBudget)
		defer cancel()
		plan, err := s.PlanImport(ctx, opts)
		return keysScannedMsg{id: id, plan: plan, err: err}
	}
}

// candidateTestedMsg carries the test of a key found in clear, before it
// is imported.
type candidateTestedMsg struct {
	row    int
	report diagnose.Report
	err    error
}

// testCandidateCmd probes the provider with a found key as it would be
// imported. Nothing is saved.
func testCandidateCmd(ctx context.Context, s *session.Session, row int, ch session.Change) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, apiBudget)
		defer cancel()
		r, err := testCandidate(ctx, s, ch)
		return candidateTestedMsg{row: row, report: r, err: err}
	}
}

// testCandidate is the test of a found key (the TUI's t, accessible mode's
// "test it first").
func testCandidate(ctx context.Context, s *session.Session, ch session.Change) (diagnose.Report, error) {
	ref := diagnose.ConfigRef{Name: ch.Name, AIType: ch.AIType, Endpoint: ch.Endpoint, Store: session.StoreLocal}
	return s.TestDraft(ctx, nil, ref, ch)
}

// importJob is one selected key to store, with the test run on it, if any.
type importJob struct {
	row    int
	change session.Change
	tested *diagnose.Report
}

// importResult is what became of one job.
type importResult struct {
	row  int
	item session.Item
	err  error
}

// keysImportedMsg carries the outcome of an import, job by job.
type keysImportedMsg struct{ results []importResult }

// importKeysCmd stores each key as a new local configuration; a test run
// on it before becomes its last check.
func importKeysCmd(ctx context.Context, s *session.Session, jobs []importJob) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, apiBudget)
		defer cancel()
		return keysImportedMsg{results: importKeys(ctx, s, jobs)}
	}
}

// importKeys stores the jobs one by one (the TUI's enter, accessible
// mode's import).
func importKeys(ctx context.Context, s *session.Session, jobs []importJob) []importResult {
	results := make([]importResult, 0, len(jobs))
	for _, j := range jobs {
		it, err := s.Create(ctx, session.Destination{Store: session.StoreLocal}, j.change)
		if err == nil && j.tested != nil && j.tested.Status != "" {
			_ = s.RecordReport(it, *j.tested) // a lost status word is not worth an error
		}
		results = append(results, importResult{row: j.row, item: it, err: err})
	}
	return results
}
