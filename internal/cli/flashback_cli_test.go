package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/flashbacktest"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

const (
	mfaEmail    = "mfa@northwind.example"
	mfaPassword = "mfa-password-Kq7Zr2"
	mfaSecret   = "JBSWY3DPEHPK3PXPJBSWY3DP"
	// fbSecret and fbRotated are typed into Flashback configurations; none
	// may be echoed anywhere.
	fbSecret  = "sk-proj-FBcliTESTaaaaBBBBccccDDDDeeeeFFFF0001"
	fbRotated = "sk-proj-FBcliROTATEDgggHHHHiiiiJJJJkkkk0002"
)

// fbHome is a cliHome whose FLASHBACK_API_URL is a simulated platform with
// the demo organisation plus an MFA user. Every result it produces is kept
// and scanned for credentials when the test ends.
type fbHome struct {
	*cliHome
	srv     *flashbacktest.Server
	url     string
	results []cliResult
	secrets []string
}

func newFBHome(t *testing.T) *fbHome {
	t.Helper()
	srv := flashbacktest.New(flashbacktest.Options{Validator: flashbacktest.DemoValidator()})
	seed := flashbacktest.Demo(time.Now())
	mfa := flashbacktest.User{ID: "user-mfa", Email: mfaEmail, Password: mfaPassword, Name: "Mo",
		OrgID: seed.Orgs[0].ID, MFASecret: mfaSecret}
	seed.Users = append(seed.Users, mfa)
	for i := range seed.Workspaces {
		if seed.Workspaces[i].Name == "Production" {
			seed.Workspaces[i].Members = append(seed.Workspaces[i].Members, flashbacktest.Member{UserID: mfa.ID, Role: flashbacktest.RoleWrite})
		}
	}
	require.NoError(t, srv.Load(seed))
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	h := &fbHome{cliHome: newCLIHome(t), srv: srv, url: hs.URL,
		secrets: []string{flashbacktest.DemoPassword, mfaPassword, fbSecret, fbRotated, cliSecret}}
	h.env["FLASHBACK_API_URL"] = hs.URL
	t.Cleanup(func() {
		for _, r := range h.results {
			for _, s := range h.secrets {
				h.requireNoSecretAnywhere(r, s)
			}
		}
	})
	return h
}

// run runs fbllm without a terminal.
func (h *fbHome) run(stdin string, args ...string) cliResult {
	h.t.Helper()
	r := h.cliHome.run(stdin, args...)
	h.results = append(h.results, r)
	return r
}

// runTTY runs fbllm with a controlling "terminal" that answers the prompts
// with the lines of tty: a pipe, which readHidden reads like the real one
// minus the echo control.
func (h *fbHome) runTTY(tty string, args ...string) cliResult {
	h.t.Helper()
	var out, errb bytes.Buffer
	env := &Env{
		stdin:  strings.NewReader(""),
		stdout: &out, stderr: &errb,
		getenv: func(k string) string { return h.env[k] },
		kdf:    testKDF,
		openTTY: func() (*os.File, error) {
			r, w, err := os.Pipe()
			if err != nil {
				return nil, err
			}
			_, _ = w.WriteString(tty)
			_ = w.Close()
			return r, nil
		},
	}
	r := cliResult{code: Run(args, env, ""), stdout: out.String(), stderr: errb.String()}
	h.results = append(h.results, r)
	return r
}

func (h *fbHome) login() {
	h.t.Helper()
	r := h.runTTY(flashbacktest.DemoEmail+"\n"+flashbacktest.DemoPassword+"\n", "login")
	require.Equal(h.t, 0, r.code, r.stderr)
}

// jsonOut decodes a result's stdout.
func jsonOut[T any](t *testing.T, r cliResult) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v), r.stdout+r.stderr)
	return v
}

type jsonErrBody struct {
	Error struct {
		Code    string     `json:"code"`
		Message string     `json:"message"`
		Repos   []repoJSON `json:"repos"`
	} `json:"error"`
}

func TestLoginWithPasswordThenWorkspacesUseStatus(t *testing.T) {
	h := newFBHome(t)

	r := h.run("", "status", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	s := jsonOut[statusJSON](t, r)
	require.False(t, s.SignedIn)
	require.Equal(t, "flashback.unauthenticated", s.Flashback.ErrorCode)
	require.Equal(t, h.url, s.APIURL, "FLASHBACK_API_URL, not a hard-coded default")

	// No terminal, or --no-input: the password cannot be asked for.
	r = h.run(flashbacktest.DemoPassword+"\n", "login", "--email", flashbacktest.DemoEmail)
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, "--token-stdin")
	r = h.runTTY(flashbacktest.DemoEmail+"\n"+flashbacktest.DemoPassword+"\n", "login", "--no-input")
	require.Equal(t, exitUsage, r.code)

	r = h.runTTY(flashbacktest.DemoEmail+"\n"+flashbacktest.DemoPassword+"\n", "login")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Signed in to Flashback as Dana")
	require.Contains(t, r.stdout, "fbllm use", "two workspaces, none default: the user is told to choose")

	r = h.run("", "workspaces", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	wss := jsonOut[[]workspaceItemJSON](t, r)
	require.Len(t, wss, 2)
	roles := map[string]string{}
	for _, w := range wss {
		roles[w.Name] = w.Role
		require.False(t, w.Current)
	}
	require.Equal(t, map[string]string{"Production": "ADMIN", "Research": "READ"}, roles)

	r = h.run("", "list", "--store", "flashback")
	require.Equal(t, exitUsage, r.code, "no workspace chosen")
	require.Contains(t, r.stderr, "[workspace.choose]")

	r = h.run("", "use", "nope")
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, "[workspace.not_found]")
	r = h.run("", "use", "production")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Production (ADMIN)")

	r = h.run("", "workspaces")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "*\tProduction\t")

	r = h.run("", "status", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	s = jsonOut[statusJSON](t, r)
	require.True(t, s.SignedIn)
	require.Equal(t, "flashback", s.Mode)
	require.Equal(t, flashbacktest.DemoEmail, s.Flashback.Email)
	require.Equal(t, "keyring", s.Flashback.TokenSource)
	require.Equal(t, "Production", s.Workspace.Name)
	require.Equal(t, "ADMIN", s.Workspace.Role)
	require.Equal(t, "flashback", s.Workspace.Store)
	require.Equal(t, "file", s.Keyring.Backend, "existing fields stay")

	r = h.run("", "status")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "signed in as "+flashbacktest.DemoEmail)
	require.Contains(t, r.stdout, "role ADMIN")
}

func TestLoginRefusedSaysWhy(t *testing.T) {
	h := newFBHome(t)
	r := h.runTTY(flashbacktest.DemoEmail+"\n"+mfaPassword+"\n", "login")
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, "wrong password")
	require.Contains(t, r.stderr, "[flashback.login_failed]")

	r = h.runTTY("nobody@northwind.example\n"+mfaPassword+"\n", "login")
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, "no flashback account uses this email")

	r = h.run("", "status", "--json")
	require.False(t, jsonOut[statusJSON](t, r).SignedIn)
}

func TestLoginWithSecondFactor(t *testing.T) {
	h := newFBHome(t)
	// A wrong code first, then the right one: the second try is accepted.
	code := flashbacktest.TOTP(mfaSecret, time.Now())
	require.NotEmpty(t, code)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	r := h.runTTY(mfaPassword+"\n"+wrong+"\n"+code+"\n", "login", "--email", mfaEmail)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Signed in to Flashback as Mo")
	require.Contains(t, r.stdout, "Workspace: Production (WRITE)", "the only workspace is selected")

	r = h.run("", "status", "--json")
	s := jsonOut[statusJSON](t, r)
	require.True(t, s.SignedIn)
	require.Equal(t, mfaEmail, s.Flashback.Email)
}

func TestLoginTokenStdinAndFlashbackToken(t *testing.T) {
	h := newFBHome(t)
	token, err := h.srv.IssueAccessToken(flashbacktest.DemoEmail, time.Hour)
	require.NoError(t, err)
	h.secrets = append(h.secrets, token)

	r := h.run(token+"\n", "login", "--token-stdin")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Signed in to Flashback as")
	require.Contains(t, r.stderr, "FLASHBACK_TOKEN", "the user is told how to use it")

	r = h.run("not-a-token\n", "login", "--token-stdin")
	require.Equal(t, exitSignIn, r.code, r.stderr)
	require.Contains(t, r.stderr, "[flashback.unauthenticated]")
	// Issue 11.6: the refused token is the one read from stdin, not
	// FLASHBACK_TOKEN (which is not even set).
	require.Contains(t, r.stderr, "the access token read by --token-stdin was refused")
	require.NotContains(t, r.stderr, "token in FLASHBACK_TOKEN")

	r = h.run("\n", "login", "--token-stdin")
	require.Equal(t, exitUsage, r.code)

	// The token is not stored: a later command is not signed in...
	r = h.run("", "list", "--store", "flashback")
	require.Equal(t, exitSignIn, r.code)

	// ...until it comes from the environment.
	h.env["FLASHBACK_TOKEN"] = token
	r = h.run("", "status", "--json")
	s := jsonOut[statusJSON](t, r)
	require.True(t, s.SignedIn)
	require.Equal(t, "env", s.Flashback.TokenSource)
	r = h.run("", "list", "--workspace", "Production", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	require.Len(t, jsonOut[[]configJSON](t, r), 5)

	// Issue 11.6: a refused FLASHBACK_TOKEN is not "signed in" with a
	// blank name.
	h.env["FLASHBACK_TOKEN"] = "not-a-token-0123456789"
	r = h.run("", "status", "--json")
	s = jsonOut[statusJSON](t, r)
	require.False(t, s.SignedIn, r.stdout)
	require.False(t, s.Flashback.SignedIn, r.stdout)
	require.Equal(t, "flashback.unauthenticated", s.Flashback.ErrorCode, r.stdout)
	require.Equal(t, "env", s.Flashback.TokenSource)
	r = h.run("", "status")
	require.NotContains(t, r.stdout, "signed in as  (", "no blank name")
}

func TestLogoutThenFlashbackIsUnauthenticated(t *testing.T) {
	h := newFBHome(t)
	h.login()
	require.Equal(t, 0, h.run("", "use", "Production").code)
	require.Equal(t, 0, h.run("", "list", "--store", "flashback").code)

	r := h.run("", "logout")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Signed out "+flashbacktest.DemoEmail)
	r = h.run("", "logout")
	require.Equal(t, 0, r.code, "idempotent: %s", r.stderr)
	require.Contains(t, r.stdout, "Not signed in")

	r = h.run("", "list", "--store", "flashback")
	require.Equal(t, exitSignIn, r.code)
	require.Contains(t, r.stderr, "[flashback.unauthenticated]")
	require.Contains(t, r.stderr, "fbllm login")
	r = h.run("", "list", "--store", "flashback", "--json")
	require.Equal(t, exitSignIn, r.code)
	require.Equal(t, "flashback.unauthenticated", jsonOut[jsonErrBody](t, r).Error.Code)

	// Local configurations are still listed without a sign-in.
	r = h.run("", "list", "--json")
	require.Equal(t, 0, r.code, r.stderr)
}

func TestListMergesBothStoresInTheProductShape(t *testing.T) {
	h := newFBHome(t)
	h.env["K"] = cliSecret
	r := h.run("", "add", "--name", "mine", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "on this machine", "not set up for Flashback: saved locally, and said so")

	h.login()
	require.Equal(t, 0, h.run("", "use", "Production").code)
	r = h.run("", "list", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var items []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &items))
	require.Len(t, items, 6, "5 in Production + 1 local")
	byName := map[string]map[string]any{}
	for _, it := range items {
		for _, k := range []string{"id", "name", "aiType", "endpoint", "keyFingerprint", "secretFingerprint",
			"workspaceId", "workspaceName", "store", "repos", "createdAt", "updatedAt", "lastCheck"} {
			require.Contains(t, it, k, it["name"])
		}
		require.NotContains(t, it, "secret")
		require.NotContains(t, it, "key")
		byName[it["name"].(string)] = it
	}
	gpt := byName["OpenAI GPT-4o"]
	require.Equal(t, "flashback", gpt["store"])
	require.Equal(t, "Production", gpt["workspaceName"])
	require.Nil(t, gpt["secretFingerprint"], "the platform returns nothing of the secret")
	repos := gpt["repos"].([]any)
	require.Len(t, repos, 2)
	require.Contains(t, repos[0], "id")
	require.Contains(t, repos[0], "name")
	require.NotNil(t, byName["Bedrock us-east-1"]["keyFingerprint"], "masked key passed through")
	require.NotContains(t, r.stdout, "AKIADEMO7EXAMPLE2Q4Z", "the key itself never")
	require.Equal(t, "local", byName["mine"]["store"])
	require.NotNil(t, byName["mine"]["secretFingerprint"])

	r = h.run("", "list", "--store", "local", "--json")
	require.Len(t, jsonOut[[]configJSON](t, r), 1)
	r = h.run("", "list", "--store", "flashback", "--all-workspaces", "--json")
	require.Len(t, jsonOut[[]configJSON](t, r), 8)
	r = h.run("", "list", "--workspace", "research", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	require.Len(t, jsonOut[[]configJSON](t, r), 3, "a Flashback workspace was named: only its configurations")

	// A Research config looked up from Production names where it is.
	r = h.run("", "show", "Local vLLM")
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, "[workspace.not_visible]")
	require.Contains(t, r.stderr, "Research")
	r = h.run("", "show", "Local vLLM", "--workspace", "Research", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "Research", jsonOut[configJSON](t, r).WorkspaceName)
}

func TestFlashbackAddEditRemove(t *testing.T) {
	h := newFBHome(t)
	h.login()
	require.Equal(t, 0, h.run("", "use", "Production").code)
	h.env["K"] = fbSecret

	// Setup mode is now Flashback: add goes to the current workspace.
	r := h.run("", "add", "--name", "team gpt", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	added := jsonOut[configJSON](t, r)
	require.Equal(t, "flashback", added.Store)
	require.Equal(t, "Production", added.WorkspaceName)
	stored, ok := h.srv.LLM(added.ID)
	require.True(t, ok)
	require.Equal(t, fbSecret, stored.Secret)

	r = h.run("", "add", "--name", "TEAM GPT", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K")
	require.NotEqual(t, 0, r.code)
	require.Contains(t, r.stderr, "already exists")

	// Rename without a secret: the stored secret is kept.
	r = h.run("", "edit", "team gpt", "--name", "team gpt 2", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "team gpt 2", jsonOut[configJSON](t, r).Name)
	stored, _ = h.srv.LLM(added.ID)
	require.Equal(t, fbSecret, stored.Secret)

	// Rotate from stdin.
	r = h.run(fbRotated+"\n", "edit", added.ID, "--secret-stdin")
	require.Equal(t, 0, r.code, r.stderr)
	stored, _ = h.srv.LLM(added.ID)
	require.Equal(t, fbRotated, stored.Secret)

	r = h.run("", "rm", "team gpt 2", "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Flashback workspace Production")
	_, ok = h.srv.LLM(added.ID)
	require.False(t, ok)

	// Attached to repositories: refused, naming them.
	r = h.run("", "rm", "OpenAI GPT-4o", "--yes")
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, "support-bot")
	require.Contains(t, r.stderr, "[flashback.in_use]")
	r = h.run("", "rm", "OpenAI GPT-4o", "--yes", "--json")
	require.Equal(t, exitFailed, r.code)
	body := jsonOut[jsonErrBody](t, r)
	require.Equal(t, "flashback.in_use", body.Error.Code)
	var names []string
	for _, rp := range body.Error.Repos {
		require.NotEmpty(t, rp.ID)
		names = append(names, rp.Name)
	}
	require.ElementsMatch(t, []string{"support-bot", "docs-search"}, names)

	// --store local still saves on this machine.
	r = h.run("", "add", "--store", "local", "--name", "here", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "local", jsonOut[configJSON](t, r).Store)
}

func TestReadRoleIsForbidden(t *testing.T) {
	h := newFBHome(t)
	h.login()
	require.Equal(t, 0, h.run("", "use", "Research").code)
	h.env["K"] = fbSecret
	r := h.run("", "add", "--name", "nope", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K")
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, "[flashback.forbidden]")
	require.Contains(t, r.stderr, "WRITE or ADMIN")

	r = h.run("", "rm", "Local vLLM", "--yes", "--json")
	require.Equal(t, exitFailed, r.code)
	require.Equal(t, "flashback.forbidden", jsonOut[jsonErrBody](t, r).Error.Code)

	// Writing into another workspace with --workspace works.
	r = h.run("", "add", "--workspace", "Production", "--name", "ok", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "Production", jsonOut[configJSON](t, r).WorkspaceName)
}

func TestStatsJSON(t *testing.T) {
	h := newFBHome(t)
	h.login()
	require.Equal(t, 0, h.run("", "use", "Production").code)

	r := h.run("", "stats", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	rows := jsonOut[[]statsJSON](t, r)
	require.Len(t, rows, 5, "every configuration of the workspace, zero counters included")
	byName := map[string]statsJSON{}
	for _, s := range rows {
		byName[s.Name] = s
	}
	require.Equal(t, uint64(184_220), byName["OpenAI GPT-4o"].Calls)
	require.Equal(t, uint64(4), byName["OpenAI GPT-4o"].Blocks)
	require.Equal(t, uint64(0), byName["Legacy OpenAI key"].Calls)

	r = h.run("", "stats", "gemini flash", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	rows = jsonOut[[]statsJSON](t, r)
	require.Len(t, rows, 1)
	require.Equal(t, uint64(2_310), rows[0].Calls)

	r = h.run("", "stats")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "184220")
}

func TestStatusOfflineStillAnswers(t *testing.T) {
	h := newFBHome(t)
	h.login()
	h.srv.Inject("POST /user/refresh", flashbacktest.Fault{Cut: true})
	r := h.run("", "status", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	s := jsonOut[statusJSON](t, r)
	require.False(t, s.SignedIn)
	require.Equal(t, "flashback.unreachable", s.Flashback.ErrorCode)
	require.Equal(t, flashbacktest.DemoEmail, s.Flashback.Email, "whose sign-in is stored is known offline")

	r = h.run("", "list", "--store", "flashback")
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, "[flashback.unreachable]")
}

// exitSignIn is PRODUCT §3's 4: not signed in, or the token was refused.
const exitSignIn = 4

func TestClassifyFlashbackErrors(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code int
		diag string
	}{
		{fmt.Errorf("list: %w", client.ErrUnauthenticated), exitSignIn, "flashback.unauthenticated"},
		{fmt.Errorf("create: %w", client.ErrForbidden), exitFailed, "flashback.forbidden"},
		{&client.NetworkError{Op: "list", Err: errors.New("connection refused")}, exitFailed, "flashback.unreachable"},
		{&client.InUseError{ID: "x", Repos: []client.Repo{{ID: "r", Name: "support-bot"}}}, exitFailed, "flashback.in_use"},
		{fmt.Errorf("create: %w", client.ErrDuplicateName), exitFailed, "config.duplicate_name"},
		// A refused password matches ErrUnauthenticated too, but it is a
		// failed attempt, not a missing sign-in.
		{&client.LoginError{Email: "a@b", Message: "wrong password"}, exitFailed, "flashback.login_failed"},
		{&session.ChooseWorkspaceError{}, exitUsage, "workspace.choose"},
		{&session.WorkspaceNotFoundError{Ref: "x", Source: "--workspace"}, exitUsage, "workspace.not_found"},
		// NotVisibleError unwraps to store.ErrNotFound: the specific code wins.
		{&session.NotVisibleError{Ref: "x"}, exitFailed, "workspace.not_visible"},
		{fmt.Errorf("get: %w", store.ErrNotFound), exitFailed, "config.not_found"},
		{store.ErrLocked, exitFailed, "keyring.locked"},
	} {
		ce := classify(tc.err, false)
		require.Equal(t, tc.code, ce.code, "%v", tc.err)
		require.Equal(t, tc.diag, ce.diag, "%v", tc.err)
	}
	require.Contains(t, classify(client.ErrUnauthenticated, false).Error(), "fbllm login")
	require.Contains(t, classify(&client.InUseError{ID: "x", Repos: []client.Repo{{Name: "support-bot"}}}, false).Error(), "support-bot")
}

// TestNeverSignedInIsExit4EvenWithALockedKeyring: without a stored sign-in
// the Flashback commands say "not signed in" (exit 4) instead of asking to
// unlock the keyring to find that out, and logout has nothing to do.
func TestNeverSignedInIsExit4EvenWithALockedKeyring(t *testing.T) {
	h := newCLIHome(t)
	delete(h.env, "FBLLM_KEYRING_PASSPHRASE")
	for _, args := range [][]string{{"workspaces"}, {"list", "--store", "flashback"}, {"stats"}} {
		res := h.run("", args...)
		require.Equal(t, 4, res.code, "%v: %s%s", args, res.stdout, res.stderr)
		require.Contains(t, res.stderr, "flashback.unauthenticated", "%v", args)
	}
	res := h.run("", "logout")
	require.Equal(t, 0, res.code, res.stderr)
}

// TestExecRefusesAFlashbackConfiguration: a workspace configuration's
// secret never leaves the platform, so exec says so instead of "not found"
// or running the program without it; a local one runs (as a child here:
// tests must not replace themselves).
func TestExecRefusesAFlashbackConfiguration(t *testing.T) {
	h := newFBHome(t)
	h.login()
	r := h.run("", "use", "Production")
	require.Equal(t, 0, r.code, r.stderr)
	r = h.run("", "exec", "OpenAI GPT-4o", "--", "true")
	require.Equal(t, exitFailed, r.code, r.stderr)
	require.Contains(t, r.stderr, "[exec.secret_write_only]")
	require.Contains(t, r.stderr, "Production")
	r = h.run("", "exec", "OpenAI GPT-4o", "--dry-run", "--json")
	require.Equal(t, "exec.secret_write_only", jsonOut[jsonErrBody](t, r).Error.Code)

	h.env["K"] = cliSecret
	r = h.run("", "add", "--name", "mine", "--store", "local", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K")
	require.Equal(t, 0, r.code, r.stderr)
	r = h.run("", "exec", "mine", "--", "sh", "-c", `test -n "$OPENAI_API_KEY" && exit 5`)
	require.Equal(t, 5, r.code, "the child's exit status: %s", r.stderr)
}

// TestWorkspacesAreRememberedForCompletion: listing workspaces remembers
// their names, so completing --workspace later needs no network.
func TestWorkspacesAreRememberedForCompletion(t *testing.T) {
	h := newFBHome(t)
	h.login()
	r := h.run("", "workspaces")
	require.Equal(t, 0, r.code, r.stderr)
	h.env["FLASHBACK_API_URL"] = "http://127.0.0.1:9" // nothing listens: completion must not try
	require.Equal(t, []string{"Production"}, h.completions("list", "--workspace", "Pro"))
	require.Equal(t, []string{"local", "Production", "Research"}, h.completions("use", ""))
}

// TestListWithTheAPIDownPrintsTheLocalOnesAtOnce: signed in but with the
// platform unreachable, list prints this machine's configurations without
// waiting on retries, warns about the rest on stderr and exits 1.
func TestListWithTheAPIDownPrintsTheLocalOnesAtOnce(t *testing.T) {
	h := newCLIHome(t)
	h.env["K"] = cliSecret
	r := h.run("", "add", "--name", "mine", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K")
	require.Equal(t, 0, r.code, r.stderr)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now: connections are refused
	h.env["FLASHBACK_API_URL"], h.env["FLASHBACK_TOKEN"] = "http://"+addr, "a-token"

	start := time.Now()
	r = h.run("", "list", "--json")
	elapsed := time.Since(start)
	require.Equal(t, exitFailed, r.code, r.stderr)
	require.Contains(t, r.stdout, `"name": "mine"`, "the local ones are listed")
	require.Contains(t, r.stderr, "warning: Flashback configurations are not listed")
	require.Contains(t, r.stderr, "[flashback.unreachable]")
	require.Less(t, elapsed, 3*time.Second, "a refused connection is not retried")
}
