package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/internal/redact"
	"github.com/fbllm/fbllm/keyscan"
	"github.com/fbllm/fbllm/store"
)

// The connection checks of PRODUCT §2: test (a direct probe from this
// machine), validate (Flashback's own check of a workspace configuration,
// plus its policies) and doctor (both, plus visibility; or, without a
// configuration, the environment). They all return one diagnose.Report.
//
// A platform failure (not signed in, forbidden, unreachable, the
// configuration in no reachable workspace) does not decide a report
// status (PRODUCT §6): the report still carries the failing check and its
// diagnosis, and the error is a *PlatformError whose ExitCode is the
// command's. Callers show the report and exit with that code.

// ErrNotFlashback means validate was asked for a local configuration: only
// the platform can validate its own configurations; test checks local ones.
var ErrNotFlashback = errors.New("validate is for Flashback configurations; use test for a local one")

// PlatformError is a Flashback (or keyring) failure that stopped a check.
// The report returned with it explains it.
type PlatformError struct {
	// Code is a PRODUCT §6 code: flashback.unauthenticated,
	// flashback.forbidden, flashback.unreachable, workspace.not_visible or
	// keyring.*.
	Code string
	Err  error
}

func (e *PlatformError) Error() string {
	if e.Err == nil {
		return e.Code
	}
	return e.Err.Error()
}

func (e *PlatformError) Unwrap() error { return e.Err }

// ExitCode is the exit code of a command that ended with e (PRODUCT §3):
// the catalog's exit code of e.Code (4 when not signed in, 1 otherwise).
func (e *PlatformError) ExitCode() int {
	if d, ok := assets.DecisionFor(e.Code); ok && d.Exit != 0 {
		return d.Exit
	}
	return 1
}

// noSecretReason is the detail of the skipped direct checks of a Flashback
// configuration: the platform never returns a secret, so this machine has
// nothing to probe with.
const noSecretReason = "no secret on this machine: Flashback never returns it; pass --secret-env or --secret-stdin for a direct test (validate is the credential check)"

// policyWindow is how far back blocked calls count as "recent".
const policyWindow = 30 * 24 * time.Hour

// Test probes a configuration directly from this machine. cred overrides
// the stored credentials; with cred nil a local configuration's are read
// from the keyring (store.ErrLocked comes back as is, for the caller to
// ask for the passphrase), and a Flashback configuration gets a report
// whose http/auth/models checks are skip (status unverified), because the
// platform cannot give its secret back. A decided status is recorded for
// the browser's status word.
func (s *Session) Test(ctx context.Context, it Item, cred *store.Credentials) (diagnose.Report, error) {
	rep, decided, err := s.direct(ctx, it, cred)
	if err != nil {
		return rep, err
	}
	if !decided {
		return diagnose.Merge(rep, nil), nil
	}
	if cred == nil {
		s.record(it, rep)
	}
	return rep, nil
}

// TestDraft probes a configuration that is not saved yet, or the edited
// values of one (edit; nil for a new one), with the form's credentials
// completed by the stored ones. Nothing is saved or recorded: the values
// may still change before the user saves.
func (s *Session) TestDraft(ctx context.Context, edit *Item, cfg diagnose.ConfigRef, ch Change) (diagnose.Report, error) {
	cred, err := s.CompleteCredentials(ctx, edit, ch.Key, ch.Secret)
	if err != nil {
		return diagnose.Report{}, err
	}
	return diagnose.Run(ctx, diagnose.Target{
		Config: cfg, Key: cred.Key, Secret: cred.Secret, Region: ch.Region,
	}, s.opts.Probe)
}

// direct is Test without recording: the probe's report, or the skipped
// one (decided false, status "" so that Merge can still let Flashback's
// validation decide it).
func (s *Session) direct(ctx context.Context, it Item, cred *store.Credentials) (diagnose.Report, bool, error) {
	if cred == nil {
		if it.IsRemote() {
			return diagnose.SkippedProbe(it.Ref(), noSecretReason), false, nil
		}
		c, err := s.opts.Store.Credentials(ctx, it.ID)
		if err != nil {
			return diagnose.Report{}, false, err
		}
		cred = &c
	}
	rep, err := diagnose.Run(ctx, diagnose.Target{
		Config: it.Ref(), Key: cred.Key, Secret: cred.Secret, Region: it.Region,
	}, s.opts.Probe)
	return rep, err == nil, err
}

// Validate asks Flashback to validate a workspace configuration (POST
// /ai/llm/{id}/validate, which may cost a provider call) and adds the
// policy check (usage counters, blocking policies and their recent
// blocked calls) and, when the configuration is not in the current
// workspace, the visibility warning. A local configuration is
// ErrNotFlashback. It never changes anything on the platform.
func (s *Session) Validate(ctx context.Context, it Item) (diagnose.Report, error) {
	if !it.IsRemote() {
		return diagnose.Report{}, ErrNotFlashback
	}
	parts, err := s.platformParts(ctx, it, false)
	rep := diagnose.Merge(diagnose.Report{Config: it.Ref()}, nil, parts...)
	if err != nil {
		return rep, err
	}
	s.record(it, rep)
	return rep, nil
}

// Doctor is the full troubleshooting of one configuration: the direct
// test (skipped for a Flashback configuration without cred, PRODUCT §6),
// then for Flashback configurations validate, policy and visibility, and
// for local ones the keyring check, merged into one report. Flashback's
// validation decides the status when the direct checks were skipped. It
// never changes anything on the platform.
func (s *Session) Doctor(ctx context.Context, it Item, cred *store.Credentials) (diagnose.Report, error) {
	rep, _, err := s.direct(ctx, it, cred)
	if err != nil {
		return rep, err
	}
	var red *redact.Redactor
	if cred != nil {
		red = redact.New(cred.Secret, cred.Key, strings.TrimSpace(cred.Secret), strings.TrimSpace(cred.Key))
	}
	if !it.IsRemote() {
		rep = diagnose.Merge(rep, red, s.keyringPart(ctx))
		if cred == nil {
			s.record(it, rep)
		}
		return rep, nil
	}
	parts, perr := s.platformParts(ctx, it, true)
	rep = diagnose.Merge(rep, red, parts...)
	if perr != nil {
		return rep, perr
	}
	if cred == nil {
		s.record(it, rep)
	}
	return rep, nil
}

// DoctorEnvironment checks what every command relies on, without a
// configuration, one check per question: does the Flashback API answer
// (flashback), does the sign-in hold (auth), does the keyring work
// (keyring), which workspace and role (visibility); extra parts (the
// plaintext audit) come last. Not being signed in fails only when setup
// chose Flashback (or FLASHBACK_TOKEN is set); a local-only user sees the
// platform checks skipped. What could not be checked because an earlier
// check failed is a skip that says so.
func (s *Session) DoctorEnvironment(ctx context.Context, extra ...diagnose.Part) (diagnose.Report, error) {
	var parts []diagnose.Part
	var perr *PlatformError
	fail := func(code string, err error, p diagnose.Part) {
		parts = append(parts, p)
		if perr == nil {
			perr = &PlatformError{Code: code, Err: err}
		}
	}
	skip := func(id diagnose.CheckID, why string) {
		parts = append(parts, checkPart(id, diagnose.CheckSkip, 0, why))
	}
	platformFailure := func(id diagnose.CheckID, code string, err error) {
		p := diagnose.FlashbackPart(diagnose.FlashbackProblem{Code: code, Message: err.Error(), APIURL: s.APIURL()})
		p.Checks[0].ID = id
		fail(code, err, p)
	}

	if !s.SignedInHint() {
		// Local-only use: the platform is none of this user's business,
		// and doctor must not fail (or wait) on it.
		skip(diagnose.CheckFlashback, "Flashback is not set up (local configurations only; `fbllm login` to use workspaces)")
		return s.environmentReport(append(append(parts, s.keyringPart(ctx)), extra...), nil)
	}
	apiURL := s.APIURL()
	reached := false
	if d, status, err := s.reach(ctx); err != nil {
		if ctx.Err() != nil {
			return diagnose.Report{}, ctx.Err()
		}
		code := client.Code(err)
		if code == "" {
			code = diagnose.CodeFlashbackUnreachable
		}
		platformFailure(diagnose.CheckFlashback, code, err)
	} else {
		reached = true
		parts = append(parts, checkPart(diagnose.CheckFlashback, diagnose.CheckPass, d,
			fmt.Sprintf("API %s answered (HTTP %d)", apiURL, status)))
	}

	signedIn := false
	if !reached {
		skip(diagnose.CheckAuth, "the sign-in could not be checked: the API did not answer")
	} else {
		start := time.Now()
		id, err := s.VerifiedIdentity(ctx)
		switch code := client.Code(err); {
		case err == nil:
			signedIn = true
			who := cmp.Or(id.Email, id.Name, id.UserID, "an account without a name")
			parts = append(parts, checkPart(diagnose.CheckAuth, diagnose.CheckPass, time.Since(start),
				fmt.Sprintf("signed in to Flashback as %s (token from %s)", who, id.Source)))
		case keyringCode(err) != "":
			fail(keyringCode(err), err, diagnose.KeyringPart("", keyringCode(err),
				"the sign-in is kept in the keyring: "+err.Error()))
		case ctx.Err() != nil:
			return diagnose.Report{}, ctx.Err()
		case code == "" || code == diagnose.CodeWorkspaceNotVisible:
			platformFailure(diagnose.CheckAuth, diagnose.CodeFlashbackUnreachable, err)
		default:
			platformFailure(diagnose.CheckAuth, code, err)
		}
	}

	kp := s.keyringPart(ctx)
	parts = append(parts, kp)
	if len(kp.Diagnoses) > 0 && perr == nil {
		perr = &PlatformError{Code: kp.Diagnoses[0].Code, Err: errors.New(kp.Checks[0].Detail)}
	}

	if !signedIn {
		skip(diagnose.CheckVisibility, "the current workspace could not be checked without a sign-in")
		return s.environmentReport(append(parts, extra...), perr)
	}
	start := time.Now()
	ws, err := s.CurrentWorkspace(ctx)
	var choose *ChooseWorkspaceError
	switch code := client.Code(err); {
	case err == nil:
		detail := fmt.Sprintf("current workspace %s, role %s", ws.Name, ws.Role)
		if ok, why := CanWrite(ws); !ok {
			detail += " (" + why + ")"
		}
		parts = append(parts, checkPart(diagnose.CheckVisibility, diagnose.CheckPass, time.Since(start), detail))
	case errors.As(err, &choose), errors.Is(err, ErrNoWorkspace):
		parts = append(parts, checkPart(diagnose.CheckVisibility, diagnose.CheckWarn, time.Since(start), err.Error()))
	case code != "":
		platformFailure(diagnose.CheckVisibility, code, err)
	default:
		// FBLLM_WORKSPACE names a workspace the user cannot reach.
		parts = append(parts, checkPart(diagnose.CheckVisibility, diagnose.CheckFail, time.Since(start), err.Error()))
	}
	return s.environmentReport(append(parts, extra...), perr)
}

// environmentStatus is the status of an environment report whose check
// failed with code: what a user reads first, so it names the kind of
// failure rather than "unverified".
func environmentStatus(code string) diagnose.Status {
	switch code {
	case diagnose.CodeFlashbackUnreachable, diagnose.CodeKeyringUnavailable:
		return diagnose.StatusUnreachable
	case diagnose.CodeFlashbackUnauthenticated, diagnose.CodeFlashbackForbidden,
		diagnose.CodeKeyringLocked, diagnose.CodeKeyringWrongPassphrase:
		return diagnose.StatusRejected
	}
	return diagnose.StatusMisconfigured
}

// environmentReport merges the environment checks. Its status is verified
// when no check failed (there is no connection to verify, and "verified"
// says everything doctor could check holds), else the kind of the first
// failure.
func (s *Session) environmentReport(parts []diagnose.Part, perr *PlatformError) (diagnose.Report, error) {
	rep := diagnose.Merge(diagnose.Report{}, nil, parts...)
	failed := slices.ContainsFunc(rep.Checks, func(c diagnose.Check) bool { return c.Status == diagnose.CheckFail })
	switch {
	case !failed:
		rep.Status = diagnose.StatusVerified
	case perr != nil:
		rep.Status = environmentStatus(perr.Code)
	default:
		rep.Status = diagnose.StatusMisconfigured
	}
	if perr != nil {
		return rep, perr
	}
	return rep, nil
}

// PlaintextPart is doctor's audit of provider keys kept in clear in the
// files of HOME (and the current directory's .env): one warning per key
// and file, each saying whether fbllm already holds the same key.
func (s *Session) PlaintextPart(opts keyscan.Options) diagnose.Part {
	holder := map[string]string{} // fingerprint → the configuration holding it
	var held []string
	if cfgs, err := s.opts.Store.List(); err == nil {
		for _, c := range cfgs {
			held = append(held, c.SecretFingerprint)
			holder[c.SecretFingerprint] = c.Name
		}
	}
	findings, problems := keyscan.Audit(opts, held)
	out := make([]diagnose.PlaintextFinding, len(findings))
	for i, f := range findings {
		out[i] = diagnose.PlaintextFinding{Path: f.Path, Entry: f.Entry, Type: string(f.Type), Fingerprint: f.Fingerprint,
			Unstorable: f.Unstorable}
		if f.Held {
			out[i].HeldBy = holder[f.Fingerprint]
		}
	}
	return diagnose.PlaintextPart(out, len(problems))
}

// VisibilityOf interprets an error of Resolve for validate and doctor
// (PRODUCT §6 workspace.not_visible):
//
//   - the configuration is in another reachable workspace: it returns
//     that item and a nil error; go on with it — Validate and Doctor add the
//     visibility warning themselves, because they compare the item's
//     workspace with the current one;
//   - no reachable workspace has it: it returns a report whose visibility
//     check fails with the workspace.not_visible error, and a
//     *PlatformError (exit 1);
//   - any other error is returned unchanged with a zero report.
func (s *Session) VisibilityOf(err error) (Item, diagnose.Report, error) {
	var nv *NotVisibleError
	if !errors.As(err, &nv) {
		return Item{}, diagnose.Report{}, err
	}
	if nv.Found != nil {
		return *nv.Found, diagnose.Report{}, nil
	}
	rep := diagnose.Merge(diagnose.Report{Config: diagnose.ConfigRef{Name: nv.Ref, Store: StoreFlashback}}, nil,
		diagnose.VisibilityPart(diagnose.Visibility{Current: nv.Workspace.Name, RoleNeeded: client.RoleRead.String()}))
	return Item{}, rep, &PlatformError{Code: diagnose.CodeWorkspaceNotVisible, Err: err}
}

// platformParts runs what the platform can tell about a Flashback
// configuration: validation, then policy and visibility. A platform
// failure of the validation ends it with a *PlatformError; the policy
// check is best effort (a role that may not read policies still gets the
// validation).
func (s *Session) platformParts(ctx context.Context, it Item, alwaysVisibility bool) ([]diagnose.Part, error) {
	api, err := s.API()
	if err != nil {
		return s.problem(ctx, it, err)
	}
	start := time.Now()
	res, err := api.ValidateLLM(ctx, it.ID)
	if err != nil {
		return s.problem(ctx, it, err)
	}
	vp := diagnose.ValidationPart(diagnose.Validation{Success: res.Success, Message: res.Message})
	for i := range vp.Checks {
		vp.Checks[i].MS = time.Since(start).Milliseconds()
	}
	parts := []diagnose.Part{vp, s.policyPart(ctx, api, it)}
	if vis, ok := s.visibilityPart(ctx, it, alwaysVisibility); ok {
		parts = append(parts, vis)
	}
	return parts, nil
}

// problem turns a platform error into the part that explains it and a
// *PlatformError; errors that did not come from the platform (a cancelled
// context) are returned as they are.
func (s *Session) problem(ctx context.Context, it Item, err error) ([]diagnose.Part, error) {
	code := client.Code(err)
	switch {
	case keyringCode(err) != "":
		// The sign-in's refresh token lives in the keyring.
		return []diagnose.Part{diagnose.KeyringPart("", keyringCode(err), err.Error())},
			&PlatformError{Code: keyringCode(err), Err: err}
	case code == diagnose.CodeWorkspaceNotVisible:
		// The platform answers 404 both for "deleted" and "not yours".
		cur := ""
		if ws, werr := s.CurrentWorkspace(ctx); werr == nil {
			cur = ws.Name
		}
		return []diagnose.Part{diagnose.VisibilityPart(diagnose.Visibility{Current: cmp.Or(cur, it.WorkspaceName), RoleNeeded: client.RoleRead.String()})},
			&PlatformError{Code: code, Err: err}
	case code == "" || ctx.Err() != nil:
		return nil, err
	}
	switch code {
	case diagnose.CodeFlashbackUnauthenticated, diagnose.CodeFlashbackForbidden,
		diagnose.CodeFlashbackUnreachable, diagnose.CodeFlashbackInUse:
	default:
		// flashback.invalid_request and the like: the platform answered
		// but not usefully; the user can do nothing but retry later.
		code = diagnose.CodeFlashbackUnreachable
	}
	p := diagnose.FlashbackProblem{Code: code, Message: err.Error(), APIURL: s.APIURL(), Workspace: it.WorkspaceName,
		Operation: "validating configurations", Role: client.RoleWrite.String() + " or " + client.RoleAdmin.String()}
	var ae *client.APIError
	if errors.As(err, &ae) {
		p.RequestID = ae.RequestID
	}
	return []diagnose.Part{diagnose.FlashbackPart(p)}, &PlatformError{Code: code, Err: err}
}

// policyPart gathers the usage counters, the blocking policies that apply
// to the configuration (organisation, its workspace, the repositories
// that use it) and their recent blocked calls in those repositories, one
// policy.flashback_block warning per policy that blocked something.
func (s *Session) policyPart(ctx context.Context, api *client.Client, it Item) diagnose.Part {
	start := time.Now()
	skip := func(what string, err error) diagnose.Part {
		return checkPart(diagnose.CheckPolicy, diagnose.CheckSkip, time.Since(start),
			fmt.Sprintf("could not read %s: %s", what, cmp.Or(client.Code(err), err.Error())))
	}
	var u diagnose.Usage
	stats, err := api.LLMStats(ctx, it.ID)
	if err != nil {
		return skip("usage counters", err)
	}
	for _, st := range stats {
		if st.LLMID == it.ID {
			u = diagnose.Usage{Calls: int64(st.APICalls), Violations: int64(st.PolicyViolations), Alerts: int64(st.Alerts), Blocks: int64(st.Blocks)}
		}
	}
	repoIDs := make([]string, len(it.Repos))
	repoNames := map[string]string{}
	for i, r := range it.Repos {
		repoIDs[i] = r.ID
		repoNames[r.ID] = r.Name
	}
	pols, err := api.ApplicablePolicies(ctx, it.WorkspaceID, repoIDs)
	if err != nil {
		return skip("policies", err)
	}
	blocking := map[string]client.Policy{}
	for _, p := range pols {
		if p.Action == client.ActionBlock {
			blocking[p.ID] = p
		}
	}
	blocked := true
	byPolicy := map[string]*diagnose.PolicyBlock{}
	var order []string
	for _, r := range repoIDs {
		vs, _, err := api.Violations(ctx, client.ViolationQuery{WorkspaceID: it.WorkspaceID, RepoID: r,
			Blocked: &blocked, From: s.opts.Now().Add(-policyWindow), Limit: 100})
		if err != nil {
			return skip("policy violations", err)
		}
		for _, v := range vs {
			if !v.Blocked || (v.RepoID != "" && v.RepoID != r) {
				continue // a server that ignores the filters must not blame this config
			}
			if v.LLMType != "" && !strings.EqualFold(v.LLMType, string(it.AIType)) {
				// A repository can use several configurations; a violation
				// names no configuration, only the type of the call, so a
				// call of another type was another configuration's.
				continue
			}
			b, ok := byPolicy[v.PolicyID]
			if !ok {
				b = policyBlock(v, blocking[v.PolicyID], it, cmp.Or(v.RepoName, repoNames[r]))
				byPolicy[v.PolicyID] = b
				order = append(order, v.PolicyID)
			}
			b.Blocks++
			if v.At.After(b.LatestAt) || b.LatestExplanation == "" {
				b.LatestAt, b.LatestExplanation = v.At, v.Explanation
			}
		}
	}
	blocks := make([]diagnose.PolicyBlock, 0, len(order))
	for _, id := range order {
		blocks = append(blocks, *byPolicy[id])
	}
	p := diagnose.PolicyPart(u, blocks)
	for i := range p.Checks {
		p.Checks[i].MS = time.Since(start).Milliseconds()
	}
	return p
}

// policyBlock describes the policy of a blocked call; p is zero when the
// policy itself could not be read (then the violation's own name and
// severity stand in, at repository scope).
func policyBlock(v client.Violation, p client.Policy, it Item, repoName string) *diagnose.PolicyBlock {
	if p.ID == "" {
		return &diagnose.PolicyBlock{PolicyName: cmp.Or(v.PolicyName, v.PolicyID), Scope: client.ScopeRepository.String(),
			ScopeName: repoName, Risk: v.Severity}
	}
	b := &diagnose.PolicyBlock{PolicyName: p.Name, Scope: p.Scope.String(), Risk: p.Risk}
	switch p.Scope {
	case client.ScopeWorkspace:
		b.ScopeName = cmp.Or(p.WorkspaceName, it.WorkspaceName)
	case client.ScopeRepository:
		b.ScopeName = cmp.Or(p.RepoName, repoName)
	}
	return b
}

// visibilityPart compares the item's workspace with the current one. With
// always false it only reports a configuration outside the current
// workspace (validate); doctor shows the passing check too. Without a
// current workspace there is nothing to compare.
func (s *Session) visibilityPart(ctx context.Context, it Item, always bool) (diagnose.Part, bool) {
	ws, err := s.CurrentWorkspace(ctx)
	if err != nil {
		if always {
			return checkPart(diagnose.CheckVisibility, diagnose.CheckSkip, 0, "no current workspace to compare with: "+err.Error()), true
		}
		return diagnose.Part{}, false
	}
	if ws.ID == it.WorkspaceID && !always {
		return diagnose.Part{}, false
	}
	found := it.WorkspaceName
	if ws.ID == it.WorkspaceID {
		found = ws.Name
	} else if found == ws.Name {
		// Two workspaces with one name: say which is which.
		found += " (" + it.WorkspaceID + ")"
	}
	return diagnose.VisibilityPart(diagnose.Visibility{Current: ws.Name, FoundIn: found, RoleNeeded: client.RoleRead.String()}), true
}

// keyringPart is doctor's keyring check: the backend in use, or why none
// is usable.
func (s *Session) keyringPart(ctx context.Context) diagnose.Part {
	start := time.Now()
	info, err := s.opts.Store.Backend(ctx)
	if err == nil && info.NeedsPassphrase {
		_, err = s.opts.Store.PassphraseSet(ctx) // a missing verifier over items
	}
	if err != nil {
		p := diagnose.KeyringFilePart("", cmp.Or(keyringCode(err), diagnose.CodeKeyringUnavailable), store.PathOf(err), err.Error())
		p.Checks[0].MS = time.Since(start).Milliseconds()
		return p
	}
	name := cmp.Or(info.Description, store.BackendLabel(info.Name), info.Name)
	if info.Location != "" {
		name += " at " + info.Location
	}
	if info.NeedsPassphrase && s.opts.Store.Locked() {
		name += " (locked until its passphrase is given)"
	}
	p := diagnose.KeyringPart(name, "", "")
	p.Checks[0].MS = time.Since(start).Milliseconds()
	// Leftovers of interrupted writes: a warning, with counts (names are
	// for doctor --fix), never values.
	if o, err := s.opts.Store.FindOrphans(ctx); err == nil && o.Count() > 0 {
		p.Checks = append(p.Checks, diagnose.Check{ID: diagnose.CheckKeyring, Status: diagnose.CheckWarn,
			Detail: fmt.Sprintf("%d orphaned keyring item(s) and %d stale temporary file(s) left by interrupted writes; fbllm doctor --fix removes them",
				len(o.Items), len(o.Temps))})
	}
	return p
}

// reach asks the API base URL for anything: any HTTP answer means the
// platform is reachable from here (through the proxy in use).
func (s *Session) reach(ctx context.Context) (time.Duration, int, error) {
	if err := input.CheckAPIURL(s.APIURL()); err != nil {
		return 0, 0, err
	}
	hc := s.opts.APIHTTPClient
	if hc == nil {
		t, err := client.NewTransport(client.TransportOptions{Getenv: s.opts.Getenv, Timeout: 10 * time.Second})
		if err != nil {
			return 0, 0, err
		}
		defer t.CloseIdleConnections()
		hc = &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(s.APIURL(), "/")+"/", nil)
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return time.Since(start), 0, fmt.Errorf("reach %s: %w", s.APIURL(), err)
	}
	_ = resp.Body.Close()
	return time.Since(start), resp.StatusCode, nil
}

// record remembers a decided status; a failure to write it only costs the
// browser's status word, so it does not fail the check. Callers record only
// tests of the stored credentials: a secret typed for one test may not be
// the one stored.
func (s *Session) record(it Item, rep diagnose.Report) {
	if it.ID == "" || rep.Status == "" {
		return
	}
	_ = s.RecordReport(it, rep)
}

func checkPart(id diagnose.CheckID, st diagnose.CheckStatus, d time.Duration, detail string) diagnose.Part {
	return diagnose.Part{Checks: []diagnose.Check{{ID: id, Status: st, MS: d.Milliseconds(), Detail: detail}}}
}
