package session_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/internal/flashbacktest"
	"github.com/fbllm/fbllm/internal/providertest"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

const (
	goodSecret  = "sk-proj-Qm9vZ2xlTW9ja0tleUZvckZibGxtU2Vzc2lvbjEyMzQ1Njc4OTBhYmNk"
	wrongSecret = "sk-proj-Qm9vZ2xlTW9ja0tleUZvckZibGxtU2Vzc2lvbldST05HV1JPTkdXUk9ORw"
)

// requireClean fails when any report string holds a secret or a
// 12-character piece of one (PRODUCT §6 redaction).
func requireClean(t *testing.T, rep diagnose.Report, secrets ...string) {
	t.Helper()
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	for _, s := range secrets {
		for i := 0; i+12 <= len(s); i++ {
			require.NotContains(t, string(b), s[i:i+12], "a piece of a secret leaked into the report")
		}
	}
}

func checkStatus(t *testing.T, rep diagnose.Report, id diagnose.CheckID) diagnose.CheckStatus {
	t.Helper()
	c, ok := rep.Check(id)
	require.True(t, ok, "report has no %s check: %+v", id, rep.Checks)
	return c.Status
}

func codesOf(rep diagnose.Report) []string {
	var out []string
	for _, d := range rep.Diagnoses {
		out = append(out, d.Code)
	}
	return out
}

func findDiagnosis(rep diagnose.Report, code string) (diagnose.Diagnosis, bool) {
	for _, d := range rep.Diagnoses {
		if d.Code == code {
			return d, true
		}
	}
	return diagnose.Diagnosis{}, false
}

func (f *fixture) addLocal(t *testing.T, name, endpoint, secret string) session.Item {
	t.Helper()
	it, err := f.sess.Create(context.Background(), session.Destination{Store: session.StoreLocal},
		session.Change{Name: name, AIType: assets.OpenAI, Endpoint: endpoint, Secret: &secret})
	require.NoError(t, err)
	return it
}

func (f *fixture) remote(t *testing.T, ref string) session.Item {
	t.Helper()
	it, err := f.sess.Resolve(context.Background(), ref, session.Scope{Store: session.StoreFlashback})
	require.NoError(t, err)
	return it
}

func TestTestLocalConfigAgainstSimulatedProvider(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{goodSecret}})
	t.Cleanup(prov.Close)

	good := f.addLocal(t, "good", prov.URL+"/v1", goodSecret)
	rep, err := f.sess.Test(ctx, good, nil)
	require.NoError(t, err)
	require.Equal(t, diagnose.StatusVerified, rep.Status, "codes %v checks %+v", codesOf(rep), rep.Checks)
	require.Equal(t, 0, rep.ExitCode())
	require.Equal(t, diagnose.CheckPass, checkStatus(t, rep, diagnose.CheckAuth))
	requireClean(t, rep, goodSecret)
	cfg, err := f.st.Resolve(good.ID)
	require.NoError(t, err)
	require.NotNil(t, cfg.LastCheck, "the status is recorded for the browser")
	require.Equal(t, "verified", cfg.LastCheck.Status)

	// The simulated provider answers a wrong key with OpenAI's captured
	// invalid_api_key body, which echoes part of the key.
	bad := f.addLocal(t, "bad", prov.URL+"/v1", wrongSecret)
	rep, err = f.sess.Test(ctx, bad, nil)
	require.NoError(t, err)
	require.Equal(t, diagnose.StatusRejected, rep.Status)
	require.Equal(t, 3, rep.ExitCode())
	p, ok := rep.Primary()
	require.True(t, ok)
	require.Equal(t, diagnose.CodeAuthInvalidSecret, p.Code)
	requireClean(t, rep, wrongSecret, goodSecret)

	// An explicit credential overrides the stored one.
	rep, err = f.sess.Test(ctx, bad, &store.Credentials{Secret: goodSecret})
	require.NoError(t, err)
	require.Equal(t, diagnose.StatusVerified, rep.Status)
}

func TestTestRemoteWithoutSecretSkipsDirectChecks(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.signIn(t)
	_, err := f.sess.Use(ctx, "Production")
	require.NoError(t, err)
	it := f.remote(t, "OpenAI GPT-4o")

	rep, err := f.sess.Test(ctx, it, nil)
	require.NoError(t, err)
	for _, id := range []diagnose.CheckID{diagnose.CheckHTTP, diagnose.CheckAuth, diagnose.CheckModels} {
		require.Equal(t, diagnose.CheckSkip, checkStatus(t, rep, id))
	}
	auth, _ := rep.Check(diagnose.CheckAuth)
	require.Contains(t, auth.Detail, "validate", "the user is pointed at the credential check")
	require.Equal(t, diagnose.StatusUnverified, rep.Status)
	require.Equal(t, "flashback", rep.Config.Store)
}

func TestValidateClassifiesFlashbackAnswer(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.signIn(t)
	_, err := f.sess.Use(ctx, "Production")
	require.NoError(t, err)

	legacy := f.remote(t, "Legacy OpenAI key")
	rep, err := f.sess.Validate(ctx, legacy)
	require.NoError(t, err)
	require.Equal(t, diagnose.StatusRejected, rep.Status, "codes %v", codesOf(rep))
	require.Equal(t, 3, rep.ExitCode())
	require.Equal(t, diagnose.CheckFail, checkStatus(t, rep, diagnose.CheckFlashback))
	p, ok := rep.Primary()
	require.True(t, ok)
	require.Equal(t, diagnose.CodeAuthInvalidSecret, p.Code, "the 401 in Flashback's message is classified")
	requireClean(t, rep, flashbacktest.DemoRevokedSecret)
	settings, err := f.st.Settings()
	require.NoError(t, err)
	require.Equal(t, "rejected", settings.RemoteChecks[legacy.ID].Status)

	claude := f.remote(t, "Claude support")
	rep, err = f.sess.Validate(ctx, claude)
	require.NoError(t, err)
	require.Equal(t, diagnose.StatusVerified, rep.Status, "codes %v", codesOf(rep))
	require.Equal(t, diagnose.CheckPass, checkStatus(t, rep, diagnose.CheckFlashback))
	_, hasVis := rep.Check(diagnose.CheckVisibility)
	require.False(t, hasVis, "validate reports visibility only when the config is elsewhere")

	// A local configuration is not the platform's to validate.
	_, err = f.sess.Validate(ctx, session.Item{ID: "x", Store: session.StoreLocal})
	require.ErrorIs(t, err, session.ErrNotFlashback)
}

func TestValidateWarnsAboutBlockingPolicies(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.signIn(t)
	_, err := f.sess.Use(ctx, "Production")
	require.NoError(t, err)

	// OpenAI GPT-4o is used by support-bot, where the organisation's PII
	// policy blocked calls.
	rep, err := f.sess.Validate(ctx, f.remote(t, "OpenAI GPT-4o"))
	require.NoError(t, err)
	require.Equal(t, diagnose.StatusVerified, rep.Status, "policy blocks never fail the report")
	require.Equal(t, diagnose.CheckWarn, checkStatus(t, rep, diagnose.CheckPolicy))
	d, ok := findDiagnosis(rep, diagnose.CodePolicyFlashbackBlock)
	require.True(t, ok, "codes %v", codesOf(rep))
	require.Equal(t, diagnose.SeverityWarning, d.Severity)
	text := d.Title + " " + d.Explanation + " " + d.Evidence
	require.Contains(t, text, "No customer PII to external models")
	require.Contains(t, text, "organization")
	require.Contains(t, text, "HIGH")
	require.Contains(t, text, "card number", "the latest violation's explanation")
	require.Contains(t, d.Evidence, "4 blocked calls")
	require.Len(t, rep.Diagnoses, 1, "non-blocking policies (alert, log) raise no warning")

	// Claude support shares support-bot with GPT-4o, but the blocked calls
	// went to OpenAI: none of them is Claude's, as its counters say.
	rep, err = f.sess.Validate(ctx, f.remote(t, "Claude support"))
	require.NoError(t, err)
	require.Equal(t, diagnose.CheckPass, checkStatus(t, rep, diagnose.CheckPolicy), "codes %v", codesOf(rep))
	_, ok = findDiagnosis(rep, diagnose.CodePolicyFlashbackBlock)
	require.False(t, ok, "another configuration's blocks are not blamed on this one")

	// Gemini Flash is attached to no repository: nothing was blocked.
	rep, err = f.sess.Validate(ctx, f.remote(t, "Gemini Flash"))
	require.NoError(t, err)
	require.Equal(t, diagnose.CheckPass, checkStatus(t, rep, diagnose.CheckPolicy))
	_, ok = findDiagnosis(rep, diagnose.CodePolicyFlashbackBlock)
	require.False(t, ok)
}

func TestVisibilityOfConfigInAnotherWorkspace(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.signIn(t)
	_, err := f.sess.Use(ctx, "Research")
	require.NoError(t, err)

	_, err = f.sess.Resolve(ctx, "Legacy OpenAI key", session.Scope{})
	var nv *session.NotVisibleError
	require.ErrorAs(t, err, &nv)
	it, rep, err := f.sess.VisibilityOf(err)
	require.NoError(t, err)
	require.Empty(t, rep.Checks)
	require.Equal(t, "Production", it.WorkspaceName)

	rep, err = f.sess.Validate(ctx, it)
	require.NoError(t, err)
	require.Equal(t, diagnose.CheckWarn, checkStatus(t, rep, diagnose.CheckVisibility))
	d, ok := findDiagnosis(rep, diagnose.CodeWorkspaceNotVisible)
	require.True(t, ok, "codes %v", codesOf(rep))
	require.Equal(t, diagnose.SeverityWarning, d.Severity)
	require.Contains(t, d.Explanation+d.Evidence, "Production")
	require.Equal(t, diagnose.StatusRejected, rep.Status, "checked there all the same")

	// In no reachable workspace: an error report and exit 1.
	_, err = f.sess.Resolve(ctx, "no such config", session.Scope{})
	_, rep, err = f.sess.VisibilityOf(err)
	var pe *session.PlatformError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, diagnose.CodeWorkspaceNotVisible, pe.Code)
	require.Equal(t, 1, pe.ExitCode())
	require.Equal(t, diagnose.CheckFail, checkStatus(t, rep, diagnose.CheckVisibility))

	// Other errors pass through.
	boom := errors.New("boom")
	_, _, err = f.sess.VisibilityOf(boom)
	require.Same(t, boom, err)
}

func TestDoctorRemoteConfig(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.signIn(t)
	_, err := f.sess.Use(ctx, "Production")
	require.NoError(t, err)

	rep, err := f.sess.Doctor(ctx, f.remote(t, "Legacy OpenAI key"), nil)
	require.NoError(t, err)
	for _, id := range []diagnose.CheckID{diagnose.CheckHTTP, diagnose.CheckAuth, diagnose.CheckModels} {
		require.Equal(t, diagnose.CheckSkip, checkStatus(t, rep, id))
	}
	require.Equal(t, diagnose.CheckFail, checkStatus(t, rep, diagnose.CheckFlashback))
	require.Equal(t, diagnose.CheckPass, checkStatus(t, rep, diagnose.CheckPolicy))
	require.Equal(t, diagnose.CheckPass, checkStatus(t, rep, diagnose.CheckVisibility))
	require.Equal(t, diagnose.StatusRejected, rep.Status, "validation decides when the direct checks were skipped")

	rep, err = f.sess.Doctor(ctx, f.remote(t, "Claude support"), nil)
	require.NoError(t, err)
	require.Equal(t, diagnose.StatusVerified, rep.Status)

	// With a secret, the direct probe runs too and is never echoed.
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{goodSecret}})
	t.Cleanup(prov.Close)
	seedless := f.remote(t, "OpenAI GPT-4o")
	seedless.Endpoint = prov.URL + "/v1"
	rep, err = f.sess.Doctor(ctx, seedless, &store.Credentials{Secret: wrongSecret})
	require.NoError(t, err)
	require.Equal(t, diagnose.CheckFail, checkStatus(t, rep, diagnose.CheckAuth))
	require.Equal(t, diagnose.StatusRejected, rep.Status, "the direct failure wins over Flashback's success")
	requireClean(t, rep, wrongSecret)
	settings, err := f.st.Settings()
	require.NoError(t, err)
	require.NotEqual(t, "rejected", settings.RemoteChecks[seedless.ID].Status,
		"a test with a secret typed for it is not the stored configuration's last check")
}

func TestDoctorReadRoleCannotValidate(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.signIn(t)
	_, err := f.sess.Use(ctx, "Research")
	require.NoError(t, err)
	rep, err := f.sess.Doctor(ctx, f.remote(t, "Local vLLM"), nil)
	var pe *session.PlatformError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, diagnose.CodeFlashbackForbidden, pe.Code)
	require.Equal(t, 1, pe.ExitCode())
	d, ok := findDiagnosis(rep, diagnose.CodeFlashbackForbidden)
	require.True(t, ok, "codes %v", codesOf(rep))
	require.Equal(t, diagnose.SeverityError, d.Severity)
}

func TestDoctorEnvironment(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)

	// Local only: not being signed in is not a failure.
	rep, err := f.sess.DoctorEnvironment(ctx)
	require.NoError(t, err)
	require.Equal(t, diagnose.CheckPass, checkStatus(t, rep, diagnose.CheckKeyring))
	require.Equal(t, diagnose.StatusVerified, rep.Status)
	var sawSkip bool
	for _, c := range rep.Checks {
		sawSkip = sawSkip || (c.ID == diagnose.CheckFlashback && c.Status == diagnose.CheckSkip)
	}
	require.True(t, sawSkip, "checks %+v", rep.Checks)

	f.signIn(t)
	_, err = f.sess.Use(ctx, "Production")
	require.NoError(t, err)
	rep, err = f.sess.DoctorEnvironment(ctx)
	require.NoError(t, err)
	require.Equal(t, diagnose.CheckPass, checkStatus(t, rep, diagnose.CheckVisibility))
	vis, _ := rep.Check(diagnose.CheckVisibility)
	require.Contains(t, vis.Detail, "Production")
	require.Contains(t, vis.Detail, "ADMIN")
	var signedIn bool
	for _, c := range rep.Checks {
		signedIn = signedIn || (c.ID == diagnose.CheckAuth && strings.Contains(c.Detail, flashbacktest.DemoEmail))
	}
	require.True(t, signedIn, "checks %+v", rep.Checks)
	ids := map[diagnose.CheckID]int{}
	for _, c := range rep.Checks {
		ids[c.ID]++
	}
	for id, n := range ids {
		require.Equal(t, 1, n, "check %s appears once: one check per question", id)
	}

	// Setup chose Flashback, then the token is gone: exit 4.
	f.env[session.EnvToken] = "not-a-token"
	f2, err := session.New(session.Options{Store: f.st, Getenv: func(k string) string { return f.env[k] }})
	require.NoError(t, err)
	rep, err = f2.DoctorEnvironment(ctx)
	var pe *session.PlatformError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, diagnose.CodeFlashbackUnauthenticated, pe.Code)
	require.Equal(t, 4, pe.ExitCode())
	require.Equal(t, diagnose.StatusRejected, rep.Status, "not \"unverified\" while exiting 4")
	require.ErrorIs(t, err, client.ErrUnauthenticated)
	_, ok := findDiagnosis(rep, diagnose.CodeFlashbackUnauthenticated)
	require.True(t, ok)
}
