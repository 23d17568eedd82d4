package cli

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/internal/flashbacktest"
	"github.com/fbllm/fbllm/internal/providertest"
)

const cliWrongSecret = "sk-proj-Zq9YxW8vU7tS6rQ5pO4nT3BlbkFJWRONGWRONGWRONGWRONGWRONG"

// checkSecrets are every secret these tests hand to fbllm: none of them,
// nor any 12-character piece, may appear in any output.
var checkSecrets = []string{cliSecret, cliWrongSecret, flashbacktest.DemoRevokedSecret}

func (h *cliHome) requireNoSecrets(r cliResult) {
	h.t.Helper()
	for _, s := range checkSecrets {
		h.requireNoSecretAnywhere(r, s)
	}
}

// withFlashback points the home at a simulated platform with the demo
// seed, signed in as the demo user through FLASHBACK_TOKEN, with
// Production as the current workspace.
func (h *cliHome) withFlashback() *flashbacktest.Server {
	h.t.Helper()
	srv := flashbacktest.New(flashbacktest.Options{Validator: flashbacktest.DemoValidator()})
	require.NoError(h.t, srv.Load(flashbacktest.Demo(time.Now())))
	hs := httptest.NewServer(srv)
	h.t.Cleanup(hs.Close)
	tok, err := srv.IssueAccessToken(flashbacktest.DemoEmail, time.Hour)
	require.NoError(h.t, err)
	h.env[client.EnvAPIURL] = hs.URL
	h.env["FLASHBACK_TOKEN"] = tok
	h.env["FBLLM_WORKSPACE"] = "Production"
	return srv
}

func newOpenAIProvider(t *testing.T) string {
	t.Helper()
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{cliSecret}})
	t.Cleanup(prov.Close)
	return prov.URL + "/v1"
}

type reportJSON struct {
	Config    map[string]any   `json:"config"`
	Status    string           `json:"status"`
	Checks    []map[string]any `json:"checks"`
	Diagnoses []map[string]any `json:"diagnoses"`
}

// decodeReport checks the PRODUCT §5 shape (every key present, ms an
// integer) and decodes the report.
func decodeReport(t *testing.T, out string) reportJSON {
	t.Helper()
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &raw), out)
	for _, k := range []string{"config", "status", "checks", "diagnoses", "proxy", "requestId"} {
		require.Contains(t, raw, k)
	}
	var rep reportJSON
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	for _, k := range []string{"id", "name", "aiType", "endpoint", "store"} {
		require.Contains(t, rep.Config, k)
	}
	var checks []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw["checks"], &checks))
	require.NotEmpty(t, checks)
	for _, c := range checks {
		var ms int64
		require.NoError(t, json.Unmarshal(c["ms"], &ms), "ms is an integer: %s", c["ms"])
	}
	return rep
}

func checkOf(rep reportJSON, id string) map[string]any {
	for _, c := range rep.Checks {
		if c["id"] == id {
			return c
		}
	}
	return nil
}

func TestTestAdhoc(t *testing.T) {
	h := newCLIHome(t)
	ep := newOpenAIProvider(t)
	h.env["GOOD"], h.env["BAD"] = cliSecret, cliWrongSecret

	r := h.run("", "test", "--type", "OPENAI", "--endpoint", ep, "--secret-env", "GOOD")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "ad-hoc (OPENAI")
	require.Contains(t, r.stdout, ": verified")
	require.Contains(t, r.stdout, "✓ pass auth")
	h.requireNoSecrets(r)

	r = h.run(cliWrongSecret+"\n", "test", "--name", "scratch", "--type", "openai", "--endpoint", ep, "--secret-stdin")
	require.Equal(t, 3, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "scratch (OPENAI")
	require.Contains(t, r.stdout, ": rejected")
	require.Contains(t, r.stdout, "ERROR [auth.invalid_secret]")
	require.Contains(t, r.stdout, "  1. ", "numbered steps")
	require.Contains(t, r.stdout, "Evidence: HTTP 401")
	h.requireNoSecrets(r)

	r = h.run("", "test", "--type", "OPENAI", "--endpoint", ep, "--secret-env", "BAD", "--json")
	require.Equal(t, 3, r.code, r.stderr)
	rep := decodeReport(t, r.stdout)
	require.Equal(t, "rejected", rep.Status)
	require.Equal(t, "auth.invalid_secret", rep.Diagnoses[0]["code"])
	require.Equal(t, "fail", checkOf(rep, "auth")["status"])
	h.requireNoSecrets(r)

	// Nothing was saved.
	r = h.run("", "list", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	require.JSONEq(t, "[]", r.stdout)

	// Missing pieces are usage errors.
	r = h.run("", "test", "--type", "OPENAI")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "--endpoint")
}

func TestTestSavedLocalConfigAndAll(t *testing.T) {
	h := newCLIHome(t)
	ep := newOpenAIProvider(t)
	r := h.run(cliSecret+"\n", "add", "--name", "good", "--type", "OPENAI", "--endpoint", ep, "--secret-stdin")
	require.Equal(t, 0, r.code, r.stderr)
	r = h.run(cliWrongSecret+"\n", "add", "--name", "bad", "--type", "OPENAI", "--endpoint", ep, "--secret-stdin")
	require.Equal(t, 0, r.code, r.stderr)

	r = h.run("", "test", "good", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	rep := decodeReport(t, r.stdout)
	require.Equal(t, "verified", rep.Status)
	require.Equal(t, "good", rep.Config["name"])
	require.Equal(t, "local", rep.Config["store"])
	h.requireNoSecrets(r)

	r = h.run("", "test", "BAD")
	require.Equal(t, 3, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "auth.invalid_secret")
	h.requireNoSecrets(r)

	// --secret-env overrides the stored secret.
	h.env["GOOD"] = cliSecret
	r = h.run("", "test", "bad", "--secret-env", "GOOD")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)

	// The result is remembered for list.
	r = h.run("", "list", "--json")
	require.Contains(t, r.stdout, `"status": "verified"`)

	// Locked keyring without input: exit 2 (PRODUCT §3).
	delete(h.env, "FBLLM_KEYRING_PASSPHRASE")
	r = h.run("", "--no-input", "test", "good")
	require.Equal(t, 2, r.code, r.stdout+r.stderr)
	h.env["FBLLM_KEYRING_PASSPHRASE"] = cliPassphrase

	// --all: one line per configuration, exit 3 because one fails.
	for i := range 6 {
		r = h.run(cliSecret+"\n", "add", "--name", fmt.Sprintf("extra-%d", i), "--type", "OPENAI", "--endpoint", ep, "--secret-stdin")
		require.Equal(t, 0, r.code, r.stderr)
	}
	start := time.Now()
	r = h.run("", "test", "--all")
	elapsed := time.Since(start)
	require.Equal(t, 3, r.code, r.stdout+r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 8, r.stdout)
	var bad string
	for _, l := range lines {
		if strings.Contains(l, "bad") {
			bad = l
		}
	}
	require.True(t, strings.HasPrefix(bad, "rejected"), bad)
	require.Contains(t, bad, "auth.invalid_secret")
	t.Logf("test --all on %d local configs: %v", len(lines), elapsed)
	h.requireNoSecrets(r)

	r = h.run("", "test", "--all", "--json")
	require.Equal(t, 3, r.code, r.stderr)
	var reps []reportJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &reps))
	require.Len(t, reps, 8)
	h.requireNoSecrets(r)
}

func TestValidateExitCodes(t *testing.T) {
	h := newCLIHome(t)

	// Not signed in: exit 4.
	r := h.run("", "validate", "Claude support")
	require.Equal(t, 4, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stderr, "flashback.unauthenticated")
	r = h.run("", "validate", "Claude support", "--json")
	require.Equal(t, 4, r.code)
	require.Contains(t, r.stdout, `"code": "flashback.unauthenticated"`)

	// A configuration of this machine, not signed in: "use test" (exit
	// 2), not "sign in" (exit 4).
	h.env["LOCAL_SECRET"] = cliSecret
	r = h.run("", "add", "--name", "mine here", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "LOCAL_SECRET")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	r = h.run("", "validate", "mine here")
	require.Equal(t, 2, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stderr, "use test")

	h.withFlashback()
	r = h.run("", "validate", "claude support")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "Claude support (ANTHROPIC, flashback")
	require.Contains(t, r.stdout, ": verified")

	r = h.run("", "validate", "Legacy OpenAI key", "--json")
	require.Equal(t, 3, r.code, r.stdout+r.stderr)
	rep := decodeReport(t, r.stdout)
	require.Equal(t, "rejected", rep.Status)
	require.Equal(t, "fail", checkOf(rep, "flashback")["status"])
	require.Equal(t, "auth.invalid_secret", rep.Diagnoses[0]["code"])
	h.requireNoSecrets(r)

	// Blocking policies are warnings; the connection works.
	r = h.run("", "validate", "OpenAI GPT-4o")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "WARNING [policy.flashback_block]")
	require.Contains(t, r.stdout, "No customer PII to external models")

	// In another workspace: checked there, with a warning.
	h.env["FBLLM_WORKSPACE"] = "Research"
	r = h.run("", "validate", "Legacy OpenAI key")
	require.Equal(t, 3, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "[workspace.not_visible]")
	require.Contains(t, r.stderr, "checking it in Production")

	// In no reachable workspace: exit 1 with the visibility report.
	r = h.run("", "validate", "nonexistent", "--json")
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	rep = decodeReport(t, r.stdout)
	require.Equal(t, "fail", checkOf(rep, "visibility")["status"])

	// READ in Research: validation is forbidden, exit 1.
	r = h.run("", "validate", "Local vLLM")
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "[flashback.forbidden]")

	// A local configuration: use test.
	h.env["K"] = cliSecret
	r = h.run("", "add", "--name", "only-here", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K")
	require.Equal(t, 0, r.code, r.stderr)
	r = h.run("", "validate", "only-here")
	require.Equal(t, 2, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stderr, "use test")
}

func TestDoctor(t *testing.T) {
	h := newCLIHome(t)
	h.withFlashback()

	r := h.run("", "doctor", "--json")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	rep := decodeReportLoose(t, r.stdout)
	require.Equal(t, "pass", checkOf(rep, "keyring")["status"])
	require.Equal(t, "pass", checkOf(rep, "flashback")["status"])
	require.Equal(t, "pass", checkOf(rep, "visibility")["status"])

	r = h.run("", "doctor")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "environment: verified")
	require.Contains(t, r.stdout, "signed in to Flashback as "+flashbacktest.DemoEmail)

	// A Flashback config: the direct checks are skipped, validate decides.
	r = h.run("", "doctor", "Legacy OpenAI key", "--json")
	require.Equal(t, 3, r.code, r.stdout+r.stderr)
	rep = decodeReport(t, r.stdout)
	for _, id := range []string{"http", "auth", "models"} {
		require.Equal(t, "skip", checkOf(rep, id)["status"], id)
	}
	require.Equal(t, "fail", checkOf(rep, "flashback")["status"])
	require.NotNil(t, checkOf(rep, "policy"))
	require.NotNil(t, checkOf(rep, "visibility"))
	h.requireNoSecrets(r)

	// With a secret, the direct test runs too (against a simulated
	// provider instead of the seed's real endpoint).
	ep := newOpenAIProvider(t)
	h.env["GOOD"] = cliSecret
	r = h.run("", "test", "--type", "OPENAI", "--endpoint", ep, "--secret-env", "GOOD", "--json")
	require.Equal(t, 0, r.code)
	r = h.run("", "doctor", "Claude support", "--json")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	require.Equal(t, "verified", decodeReport(t, r.stdout).Status)

	// Not signed in while setup chose Flashback is exit 4; with no token
	// and local-only use, doctor passes with the sign-in skipped.
	h2 := newCLIHome(t)
	r = h2.run("", "doctor", "--json")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	rep = decodeReportLoose(t, r.stdout)
	require.Equal(t, "pass", checkOf(rep, "keyring")["status"])
	h2.withFlashback()
	h2.env["FLASHBACK_TOKEN"] = "expired-token"
	r = h2.run("", "doctor")
	require.Equal(t, 4, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "[flashback.unauthenticated]")
}

// decodeReportLoose decodes the environment report of doctor, whose
// config is empty.
func decodeReportLoose(t *testing.T, out string) reportJSON {
	t.Helper()
	var rep reportJSON
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.NotEmpty(t, rep.Checks)
	return rep
}

// TestTestNamesTheProxy: the probe reads HTTPS_PROXY from the invocation's
// environment, and the readable report says which proxy it went through.
func TestTestNamesTheProxy(t *testing.T) {
	h := newCLIHome(t)
	proxy := providertest.Proxy407()
	t.Cleanup(proxy.Close)
	h.env["HTTPS_PROXY"] = proxy.URL
	h.env["GOOD"] = cliSecret
	r := h.run("", "test", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "GOOD")
	require.Equal(t, 3, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "proxy: "+proxy.URL+" (from HTTPS_PROXY)")
	require.Contains(t, r.stdout, "[endpoint.proxy]")
	h.requireNoSecrets(r)

	r = h.run("", "test", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "GOOD", "--json")
	require.Equal(t, 3, r.code)
	var rep struct {
		Proxy struct{ URL, Source string } `json:"proxy"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	require.Equal(t, "HTTPS_PROXY", rep.Proxy.Source)
}

// TestTestAllIncludesFlashbackConfigs: without a secret on this machine a
// Flashback configuration is reported unverified (direct checks skipped),
// which is not a failure; the local one decides the exit code.
func TestTestAllIncludesFlashbackConfigs(t *testing.T) {
	h := newCLIHome(t)
	h.withFlashback()
	ep := newOpenAIProvider(t)
	r := h.run(cliSecret+"\n", "add", "--name", "only-here", "--type", "OPENAI", "--endpoint", ep, "--secret-stdin")
	require.Equal(t, 0, r.code, r.stderr)

	r = h.run("", "test", "--all", "--store", "all", "--json")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	var reps []reportJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &reps))
	require.Len(t, reps, 6, "five in Production, one local")
	for _, rep := range reps {
		if rep.Config["store"] == "flashback" {
			require.Equal(t, "unverified", rep.Status)
			require.Equal(t, "skip", checkOf(rep, "auth")["status"])
		} else {
			require.Equal(t, "verified", rep.Status)
		}
	}

	// Signed in, a name no reachable workspace has is workspace.not_visible
	// (exit 1, with its report); local only, it is simply not found.
	r = h.run("", "test", "nope", "--json")
	require.Equal(t, 1, r.code)
	require.Equal(t, "fail", checkOf(decodeReportLoose(t, r.stdout), "visibility")["status"])
	r = newCLIHome(t).run("", "test", "nope", "--json")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stdout, `"code": "config.not_found"`)
}

// TestTestAllRunsConcurrently: 20 configurations behind a provider that
// takes 200 ms each would take 4 s one after the other; bounded
// parallelism (16) takes two waves.
func TestTestAllRunsConcurrently(t *testing.T) {
	if testing.Short() {
		t.Skip("adds 20 configurations")
	}
	h := newCLIHome(t)
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI,
		ValidSecrets: []string{cliSecret}, Delay: 500 * time.Millisecond})
	t.Cleanup(prov.Close)
	const n = 20
	for i := range n {
		r := h.run(cliSecret+"\n", "add", "--name", fmt.Sprintf("c%02d", i), "--type", "OPENAI", "--endpoint", prov.URL+"/v1", "--secret-stdin")
		require.Equal(t, 0, r.code, r.stderr)
	}
	start := time.Now()
	r := h.run("", "test", "--all")
	elapsed := time.Since(start)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	require.Len(t, strings.Split(strings.TrimSpace(r.stdout), "\n"), n)
	t.Logf("test --all on %d configs with 500 ms provider latency: %v", n, elapsed)
	// One after the other takes 10 s or more; in parallel about 1 s. The
	// wide margin keeps a loaded CI machine from failing a correct run.
	require.Less(t, elapsed, 5*time.Second, "probes run concurrently")
}

// TestColourFollowsTheConventions: colour repeats the words on a terminal
// and follows NO_COLOR, CLICOLOR=0 and CLICOLOR_FORCE=1 (NO_COLOR wins).
func TestColourFollowsTheConventions(t *testing.T) {
	rep := diagnose.Report{Config: diagnose.ConfigRef{Name: "x"}, Status: diagnose.StatusRejected,
		Checks:    []diagnose.Check{{ID: diagnose.CheckAuth, Status: diagnose.CheckFail, Detail: "refused"}},
		Diagnoses: []diagnose.Diagnosis{{Code: "auth.invalid_secret", Severity: diagnose.SeverityError, Title: "T"}}}
	for _, tc := range []struct {
		tty   bool
		env   map[string]string
		color bool
	}{
		{true, nil, true},
		{false, nil, false},
		{true, map[string]string{"NO_COLOR": "1"}, false},
		{true, map[string]string{"CLICOLOR": "0"}, false},
		{false, map[string]string{"CLICOLOR_FORCE": "1"}, true},
		{true, map[string]string{"CLICOLOR_FORCE": "0"}, true},
		{false, map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, false},
		{true, map[string]string{"FBLLM_ACCESSIBLE": "1"}, false},
	} {
		c := &cli{env: &Env{stdoutTTY: tc.tty, getenv: func(k string) string { return tc.env[k] }}}
		require.Equal(t, tc.color, c.colorEnabled(), "tty %v %v", tc.tty, tc.env)
		var b strings.Builder
		writeReport(&b, rep, c.reportStyles())
		require.Equal(t, tc.color, strings.Contains(b.String(), "\x1b["), "tty %v %v", tc.tty, tc.env)
		plain := ansi.Strip(b.String())
		require.Contains(t, plain, "✗ fail auth", "the words are there either way")
		require.Contains(t, plain, "x: rejected")
		require.Contains(t, plain, "ERROR [auth.invalid_secret] T")
	}
}

// TestShowJSONCarriesTheModelsOfTheLastCheck: after a test that listed the
// models, show --json names how many the key reaches and the first ids
// with the last check.
func TestShowJSONCarriesTheModelsOfTheLastCheck(t *testing.T) {
	h := newCLIHome(t)
	ep := newOpenAIProvider(t)
	r := h.run(cliSecret+"\n", "add", "--name", "good", "--type", "OPENAI", "--endpoint", ep, "--secret-stdin")
	require.Equal(t, 0, r.code, r.stderr)
	r = h.run("", "show", "good", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, `"lastCheck": null`)
	r = h.run("", "test", "good")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "2 models listed: gpt-4o-mini, gpt-4.1")
	r = h.run("", "show", "good", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var shown struct {
		LastCheck struct {
			Status string
			Models struct {
				Count int
				First []string
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &shown), r.stdout)
	require.Equal(t, "verified", shown.LastCheck.Status)
	require.Equal(t, 2, shown.LastCheck.Models.Count)
	require.Equal(t, []string{"gpt-4o-mini", "gpt-4.1"}, shown.LastCheck.Models.First)
	r = h.run("", "show", "good")
	require.Contains(t, r.stdout, "2 (gpt-4o-mini, gpt-4.1)", "the detail facts name them too")
}

// TestReportWrapsToTheTerminal: on a terminal the diagnoses' text wraps to
// its width with a hanging indent; piped, every line stays whole.
func TestReportWrapsToTheTerminal(t *testing.T) {
	long := strings.Repeat("the provider refused the credential ", 6)
	rep := diagnose.Report{Config: diagnose.ConfigRef{Name: "x"}, Status: diagnose.StatusRejected,
		Diagnoses: []diagnose.Diagnosis{{Code: "auth.invalid_secret", Severity: diagnose.SeverityError, Title: "T",
			Explanation: long, Steps: []string{long}, Evidence: long}}}
	var b strings.Builder
	writeReport(&b, rep, reportStyles{width: 60})
	for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		require.LessOrEqual(t, ansi.StringWidth(l), 60, l)
	}
	require.Contains(t, b.String(), "\n     ", "a step's continuation is indented under its text")
	b.Reset()
	writeReport(&b, rep, reportStyles{})
	require.Contains(t, b.String(), "  1. "+long+"\n", "piped: whole lines")
}
