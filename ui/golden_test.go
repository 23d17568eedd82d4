package ui

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

func TestMain(m *testing.M) {
	// Views print local times; golden files are in UTC.
	time.Local = time.UTC
	os.Exit(m.Run())
}

// goldenBackend is a fixed backend so golden files do not depend on the
// machine's keyring or temporary paths.
var goldenBackend = store.BackendInfo{
	Name: "file", Description: "encrypted file", Location: "~/.local/share/fbllm/keyring",
	Reason: "no D-Bus session (SSH or headless)", NeedsPassphrase: true,
}

func goldenConfigs(n int) []session.Item {
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	types := []string{"OPENAI", "ANTHROPIC", "GOOGLE", "AWS", "OTHER"}
	names := []string{"OpenAI production", "Claude for support", "Gemini experiments", "Bedrock us-east-1", "Local vLLM"}
	endpoints := []string{"https://api.openai.com/v1", "https://api.anthropic.com", "https://generativelanguage.googleapis.com/v1beta",
		"https://bedrock-runtime.us-east-1.amazonaws.com", "http://10.0.0.12:8000/v1"}
	out := make([]store.Config, n)
	for i := range out {
		out[i] = store.Config{
			ID: fmt.Sprintf("01jdemo%019d", i), Name: names[i%5], AIType: types[i%5], Endpoint: endpoints[i%5],
			SecretFingerprint: "sk-proj-…wxyz #3fa9c1", SecretBackend: "file", Workspace: "local",
			CreatedAt: at, UpdatedAt: at.Add(time.Duration(i) * time.Hour),
		}
		if i >= 5 {
			out[i].Name = fmt.Sprintf("%s %d", names[i%5], i/5+1)
		}
		if types[i%5] == "AWS" {
			out[i].Region = "us-east-1"
			out[i].KeyFingerprint = "AKIA…MPLE #77e0d2"
		}
	}
	items := make([]session.Item, n)
	for i, c := range out {
		items[i] = session.LocalItem(c)
	}
	return items
}

var goldenWorkspaces = []client.Workspace{
	{ID: "ws-1", Name: "Production", Role: client.ParseRole("ADMIN")},
	{ID: "ws-2", Name: "Research", Role: client.ParseRole("READ")},
}

func goldenListing() session.Listing {
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	w := goldenWorkspaces[0]
	items := []session.Item{
		{ID: "llm-1", Name: "Claude support", AIType: "ANTHROPIC", Endpoint: "https://api.anthropic.com/v1", Store: session.StoreFlashback,
			WorkspaceID: w.ID, WorkspaceName: w.Name, CreatedAt: at, LastCheck: &store.Check{Status: "verified", At: at}},
		{ID: "llm-2", Name: "OpenAI GPT-4o", AIType: "OPENAI", Endpoint: "https://api.openai.com/v1", Store: session.StoreFlashback,
			WorkspaceID: w.ID, WorkspaceName: w.Name, CreatedAt: at, Repos: []client.RepoRef{{ID: "r1", Name: "support-bot"}, {ID: "r2", Name: "docs-search"}}},
	}
	items = append(items, goldenConfigs(2)...)
	return session.Listing{Items: items, Workspace: &w, Workspaces: goldenWorkspaces}
}

func goldenReport() diagnose.Report {
	return diagnose.Report{
		Config: diagnose.ConfigRef{ID: "llm-9", Name: "OpenAI production", AIType: "OPENAI", Endpoint: "https://api.openai.com/v1", Store: "local"},
		Status: diagnose.StatusRejected,
		Checks: []diagnose.Check{
			{ID: "input", Status: diagnose.CheckPass, Detail: "OPENAI https://api.openai.com/v1; secret 52 characters"},
			{ID: "dns", Status: diagnose.CheckPass, MS: 12, Detail: "api.openai.com → 2 addresses"},
			{ID: "tcp", Status: diagnose.CheckPass, MS: 30},
			{ID: "tls", Status: diagnose.CheckPass, MS: 41, Detail: "issuer Google Trust Services"},
			{ID: "http", Status: diagnose.CheckPass, MS: 80, Detail: "GET /v1/models → 401"},
			{ID: "auth", Status: diagnose.CheckFail, Detail: "refused (HTTP 401)"},
		},
		Diagnoses: []diagnose.Diagnosis{{
			Code: "auth.invalid_secret", Severity: diagnose.SeverityError, Title: "The provider rejected the credential",
			Explanation: "api.openai.com recognised the request but refused the credential: it is wrong, revoked, from another account or another provider.",
			Steps:       []string{"Open https://platform.openai.com/api-keys and create a new key.", "Paste it with fbllm edit NAME."},
			Evidence:    "HTTP 401 invalid_api_key: Incorrect API key provided: sk-p…[redacted] (request req_123)",
		}},
	}
}

// goldenDriver starts an App in a given state without touching a real
// keyring: the load message is injected.
func goldenDriver(t *testing.T, w, h int, loaded storeLoadedMsg, opts Options) *driver {
	t.Helper()
	d := newDriver(t, newTestStore(t), opts, w, h)
	d.send(loaded)
	return d
}

func TestGolden(t *testing.T) {
	firstRun := func() storeLoadedMsg { return storeLoadedMsg{backend: goldenBackend, locked: true} }
	// Each case gets its own configurations: the browser records a check
	// result in the items it shows.
	withConfigs := func() storeLoadedMsg {
		return storeLoadedMsg{backend: goldenBackend, locked: true, settings: store.Settings{Mode: "local"}, configs: goldenConfigs(12)}
	}
	empty := func() storeLoadedMsg {
		return storeLoadedMsg{backend: goldenBackend, settings: store.Settings{Mode: "local"}}
	}
	loaded := func(m storeLoadedMsg) func() storeLoadedMsg { return func() storeLoadedMsg { return m } }

	cases := []struct {
		name   string
		loaded func() storeLoadedMsg
		opts   Options
		steps  func(d *driver)
	}{
		{"setup", firstRun, Options{}, nil},
		{"passphrase_create", firstRun, Options{}, func(d *driver) { d.press("enter") }},
		{"passphrase_unlock", loaded(storeLoadedMsg{backend: goldenBackend, locked: true, passphraseSet: true}), Options{}, func(d *driver) {
			d.press("enter")
			d.typeText("wrong")
			d.send(passphraseCheckedMsg{err: store.ErrWrongPassphrase})
		}},
		{"passphrase_remember", loaded(storeLoadedMsg{backend: goldenBackend, locked: true, passphraseSet: true, cache: store.CacheStatus{Available: true}}),
			Options{}, func(d *driver) { d.press("enter", "tab", "space") }},
		{"form_type", empty, Options{}, func(d *driver) { d.press("a") }},
		{"form_endpoint", empty, Options{}, func(d *driver) {
			d.press("a", "enter")
			d.typeText("Prod")
			d.press("enter")
			d.clearField(80)
			d.typeText("https://api.openai.com/chat/completions")
		}},
		{"form_secret", empty, Options{}, func(d *driver) {
			d.press("a", "enter")
			d.typeText("Prod")
			d.press("enter", "enter")
			d.paste("Bearer " + testSecret + "\n")
		}},
		{"form_review", empty, Options{}, func(d *driver) {
			d.press("a", "enter")
			d.typeText("Prod")
			d.press("enter", "enter")
			d.paste("Bearer " + testSecret + "\n")
			d.press("enter")
		}},
		{"browser_empty", empty, Options{}, nil},
		{"browser_list", withConfigs, Options{}, func(d *driver) { d.press("down", "down") }},
		{"browser_detail", withConfigs, Options{}, func(d *driver) { d.press("down", "down", "down", "enter") }},
		{"browser_filter", withConfigs, Options{}, func(d *driver) { d.press("/"); d.typeText("claude") }},
		{"browser_delete", withConfigs, Options{}, func(d *driver) { d.press("d") }},
		{"browser_help", withConfigs, Options{}, func(d *driver) { d.press("?") }},
		// The keyring is locked: the exec panel reads the index only.
		{"exec", withConfigs, Options{}, func(d *driver) { d.press("!") }},
		{"exec_bedrock", withConfigs, Options{}, func(d *driver) { d.press("down", "down", "down", "!") }},
		{"signin", loaded(storeLoadedMsg{backend: goldenBackend, apiURL: client.DefaultBaseURL}), Options{}, func(d *driver) {
			d.press("down", "enter")
			d.typeText("dana@northwind.example")
			d.press("tab")
			d.typeText("hunter22")
			d.send(signedInMsg{err: &client.LoginError{Message: "Wrong password for dana@northwind.example."}})
		}},
		{"signin_mfa", loaded(storeLoadedMsg{backend: goldenBackend, apiURL: client.DefaultBaseURL}), Options{}, func(d *driver) {
			d.press("down", "enter")
			d.send(signedInMsg{mfa: &client.MFAChallenge{}})
		}},
		{"picker", empty, Options{}, func(d *driver) { d.send(workspacesMsg{workspaces: goldenWorkspaces, current: goldenWorkspaces[0].ID}) }},
		{"browser_remote", empty, Options{}, func(d *driver) {
			d.send(configsLoadedMsg{listing: goldenListing()})
			d.press("down", "enter")
			d.send(statsMsg{id: "llm-2", stats: client.LLMStats{APICalls: 1204, TokensIn: 88000, TokensOut: 41000, PolicyViolations: 3, Blocks: 1}})
		}},
		{"report", withConfigs, Options{}, func(d *driver) {
			it := goldenConfigs(1)[0]
			d.send(checkDoneMsg{req: checkRequest{item: it, kind: checkDoctor}, report: goldenReport()})
		}},
	}
	for _, size := range [][2]int{{80, 24}, {40, 12}} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s_%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				d := goldenDriver(t, size[0], size[1], tc.loaded(), tc.opts)
				if tc.steps != nil {
					tc.steps(d)
				}
				golden.RequireEqual(t, d.screen())
				requireFits(t, d, size[0], size[1])
			})
		}
	}
	t.Run("too_small_39x11", func(t *testing.T) {
		d := goldenDriver(t, 39, 11, empty(), Options{})
		golden.RequireEqual(t, d.screen())
	})
}
