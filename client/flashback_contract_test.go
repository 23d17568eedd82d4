package client_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/flashbacktest"
)

func TestLoginProfileWorkspaces(t *testing.T) {
	t.Parallel()
	e := newEnv(t, flashbacktest.Options{})
	c := e.client(client.Options{})
	require.Equal(t, client.Identity{}, c.SignedInAs())

	id, err := c.Login(ctx(t), " "+flashbacktest.DemoEmail+" ", flashbacktest.DemoPassword)
	require.NoError(t, err)
	require.Equal(t, flashbacktest.DemoEmail, id.Email)
	require.NotEmpty(t, id.UserID)
	require.Equal(t, e.seed.Orgs[0].ID, id.OrgID)
	require.Equal(t, client.SourceLogin, id.Source)
	require.WithinDuration(t, time.Now().Add(time.Hour), id.ExpiresAt, time.Minute)
	require.NotEmpty(t, e.tokens.current(), "refresh token saved")

	p, err := c.Profile(ctx(t))
	require.NoError(t, err)
	require.Equal(t, id.UserID, p.ID)
	require.Equal(t, "Reyes", p.LastName)
	require.True(t, p.Validated)

	wss, err := c.Workspaces(ctx(t))
	require.NoError(t, err)
	roles := map[string]client.Role{}
	for _, w := range wss {
		roles[w.Name] = w.Role
		require.NotEmpty(t, w.Members)
	}
	require.Equal(t, map[string]client.Role{"Production": client.RoleAdmin, "Research": client.RoleRead}, roles)
	require.True(t, client.RoleAdmin.CanWrite())
	require.False(t, client.RoleRead.CanWrite())
	require.Equal(t, "READ", client.RoleRead.String())

	w, err := c.Workspace(ctx(t), e.ws("Research"))
	require.NoError(t, err)
	require.Equal(t, client.RoleRead, w.Role)

	_, err = c.Workspace(ctx(t), "no-such-workspace")
	requireCode(t, err, client.ErrNotFound, "workspace.not_visible")

	sess, err := c.Session(ctx(t))
	require.NoError(t, err)
	require.Equal(t, id.UserID, sess.UserID)
}

func TestLoginErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, flashbacktest.Options{})
	require.NoError(t, e.sim.Load(flashbacktest.Seed{Users: []flashbacktest.User{
		{Email: "off@northwind.example", Password: "off-password-1", Inactive: true},
		{Email: "oauth@northwind.example", NoPassword: true},
	}}))
	secret("wrong-password-123", "off-password-1")
	tests := []struct {
		name, email, password string
		sentinel              error
	}{
		{"wrong password", flashbacktest.DemoEmail, "wrong-password-123", client.ErrInvalidPassword},
		{"unknown user", "nobody@northwind.example", "wrong-password-123", client.ErrUserNotFound},
		{"inactive", "off@northwind.example", "off-password-1", client.ErrUserInactive},
		{"no password", "oauth@northwind.example", "wrong-password-123", client.ErrNoPasswordSet},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client(client.Options{})
			_, err := c.Login(ctx(t), tc.email, tc.password)
			requireCode(t, err, tc.sentinel, "flashback.unauthenticated")
			require.ErrorIs(t, err, client.ErrUnauthenticated)
			var le *client.LoginError
			require.ErrorAs(t, err, &le)
			require.Equal(t, 401, le.Status)
			require.NotContains(t, err.Error(), tc.password)
		})
	}
	c := e.client(client.Options{Token: "abc"})
	_, err := c.Login(ctx(t), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	requireCode(t, err, client.ErrBadRequest, "flashback.invalid_request")
	require.Contains(t, err.Error(), "FLASHBACK_TOKEN")
}

func TestMFASignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, flashbacktest.Options{})
	const totp = "JBSWY3DPEHPK3PXPJBSWY3DP"
	require.NoError(t, e.sim.Load(flashbacktest.Seed{Users: []flashbacktest.User{{
		Email: "mfa@northwind.example", Password: "mfa-password-1", MFASecret: totp, OrgID: e.seed.Orgs[0].ID,
	}}}))
	secret("mfa-password-1")
	c := e.client(client.Options{})
	_, err := c.Login(ctx(t), "mfa@northwind.example", "mfa-password-1")
	requireCode(t, err, client.ErrMFARequired, "flashback.unauthenticated")
	var mfa *client.MFARequiredError
	require.ErrorAs(t, err, &mfa)
	require.Equal(t, client.MFAAuthenticator, mfa.Challenge.Method)
	require.True(t, mfa.Challenge.Terminal())
	require.Empty(t, e.tokens.current(), "nothing saved before the second factor")

	_, err = c.VerifyMFA(ctx(t), mfa.Challenge, "000000")
	requireCode(t, err, client.ErrInvalidMFACode, "flashback.unauthenticated")
	require.ErrorIs(t, err, client.ErrInvalidMFACode)

	id, err := c.VerifyMFA(ctx(t), mfa.Challenge, flashbacktest.TOTP(totp, time.Now()))
	require.NoError(t, err)
	require.Equal(t, "mfa@northwind.example", id.Email)
	require.NotEmpty(t, e.tokens.current())
	_, err = c.Workspaces(ctx(t))
	require.NoError(t, err)
}

func TestLLMLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, flashbacktest.Options{})
	c := e.signedIn()
	prod := e.ws("Production")
	const sec = "mistral-secret-0123456789abcdef"
	const rotated = "mistral-rotated-0123456789abcdef"
	const key = "mistral-key-12345678"
	secret(sec, rotated, key)

	l, err := c.CreateLLM(ctx(t), client.NewLLM{WorkspaceID: prod, Name: "Mistral", AIType: assets.Other,
		Endpoint: "https://api.mistral.ai/v1", Key: key, Secret: sec})
	require.NoError(t, err)
	require.NotEmpty(t, l.ID)
	stored, ok := e.sim.LLM(l.ID)
	require.True(t, ok)
	require.Equal(t, sec, stored.Secret)

	list, err := c.ListLLMs(ctx(t), prod)
	require.NoError(t, err)
	require.Len(t, list, 6)
	i := slices.IndexFunc(list, func(x client.LLM) bool { return x.ID == l.ID })
	require.GreaterOrEqual(t, i, 0)
	require.Equal(t, "mist****5678", list[i].MaskedKey)
	require.Equal(t, assets.Other, list[i].AIType)
	require.False(t, list[i].CreatedAt.IsZero())
	gpt := list[slices.IndexFunc(list, func(x client.LLM) bool { return x.Name == "OpenAI GPT-4o" })]
	require.ElementsMatch(t, []string{"support-bot", "docs-search"}, []string{gpt.Repos[0].Name, gpt.Repos[1].Name})

	all, err := c.ListLLMs(ctx(t), "")
	require.NoError(t, err)
	require.Len(t, all, 9)

	// Only the name changes; the secret is rotated without being read.
	name := "Mistral Large"
	require.NoError(t, c.UpdateLLM(ctx(t), l.ID, client.LLMPatch{Name: &name}))
	stored, _ = e.sim.LLM(l.ID)
	require.Equal(t, "Mistral Large", stored.Name)
	require.Equal(t, sec, stored.Secret)
	require.Equal(t, key, stored.Key)
	rot := rotated
	require.NoError(t, c.UpdateLLM(ctx(t), l.ID, client.LLMPatch{Secret: &rot}))
	stored, _ = e.sim.LLM(l.ID)
	require.Equal(t, rotated, stored.Secret)
	require.Equal(t, "Mistral Large", stored.Name)

	got, err := c.GetLLM(ctx(t), l.ID)
	require.NoError(t, err)
	require.Equal(t, "Mistral Large", got.Name)
	_, err = c.GetLLM(ctx(t), "nope")
	requireCode(t, err, client.ErrNotFound, "workspace.not_visible")

	res, err := c.ValidateLLM(ctx(t), l.ID)
	require.NoError(t, err)
	require.True(t, res.Success)
	require.NoError(t, res.Err())
	avail, err := c.AvailableLLMs(ctx(t))
	require.NoError(t, err)
	require.Equal(t, l.ID, avail[0].ID, "newest first")

	res, err = c.ValidateLLM(ctx(t), e.llm("Legacy OpenAI key"))
	require.NoError(t, err, "a failed validation is a result, not an error")
	require.False(t, res.Success)
	require.Equal(t, 401, res.ProviderStatus)
	require.Contains(t, res.Message, "Validation failed")
	requireCode(t, res.Err(), client.ErrValidationFailed, "flashback.validation_failed")
	noteText(res.Message)

	stats, err := c.LLMStats(ctx(t), e.llm("OpenAI GPT-4o"))
	require.NoError(t, err)
	require.Len(t, stats, 1)
	require.Equal(t, client.Counter(184220), stats[0].APICalls)
	require.Equal(t, client.Counter(4), stats[0].Blocks)
	allStats, err := c.LLMStats(ctx(t), "")
	require.NoError(t, err)
	require.Len(t, allStats, 9)

	require.NoError(t, c.DeleteLLM(ctx(t), l.ID))
	require.Equal(t, 0, e.countLLMs("Mistral Large"))
	err = c.DeleteLLM(ctx(t), l.ID)
	requireCode(t, err, client.ErrNotFound, "workspace.not_visible")
}

func TestReposPoliciesViolations(t *testing.T) {
	t.Parallel()
	e := newEnv(t, flashbacktest.Options{})
	prod := e.ws("Production")
	// 250 more violations, so listing takes three pages of 100.
	var more []flashbacktest.Violation
	for i := range 250 {
		more = append(more, flashbacktest.Violation{PolicyID: e.seed.Policies[0].ID, WorkspaceID: prod,
			At: time.Now().Add(-time.Duration(i+100) * time.Hour), Severity: "HIGH", Block: i%2 == 0,
			Explanation: fmt.Sprintf("old violation %d", i)})
	}
	require.NoError(t, e.sim.Load(flashbacktest.Seed{Violations: more}))
	c := e.signedIn()

	repos, err := c.Repos(ctx(t), prod)
	require.NoError(t, err)
	require.Len(t, repos, 2)
	support := repos[slices.IndexFunc(repos, func(r client.Repo) bool { return r.Name == "support-bot" })]
	require.ElementsMatch(t, []string{e.llm("OpenAI GPT-4o"), e.llm("Claude support")}, support.LLMIDs)
	_, err = c.Repos(ctx(t), "")
	require.NoError(t, err)

	org, err := c.Policies(ctx(t), client.PolicyQuery{})
	require.NoError(t, err)
	require.Len(t, org, 1)
	require.Equal(t, client.ScopeOrganization, org[0].Scope)
	require.Equal(t, client.ActionBlock, org[0].Action)
	require.Equal(t, "block", org[0].Action.String())
	ps, err := c.ApplicablePolicies(ctx(t), prod, []string{support.ID})
	require.NoError(t, err)
	require.Len(t, ps, 3)
	require.Equal(t, []client.Scope{client.ScopeOrganization, client.ScopeWorkspace, client.ScopeRepository},
		[]client.Scope{ps[0].Scope, ps[1].Scope, ps[2].Scope})
	require.Equal(t, "support-bot", ps[2].RepoName)
	require.Equal(t, "repository", ps[2].Scope.String())
	_, err = c.Policies(ctx(t), client.PolicyQuery{OrgID: "another-org"})
	requireCode(t, err, client.ErrForbidden, "flashback.forbidden")

	before := e.sim.Count("GET /policy/violations")
	vs, total, err := c.Violations(ctx(t), client.ViolationQuery{})
	require.NoError(t, err)
	require.Equal(t, 257, total)
	require.Len(t, vs, 257)
	require.Equal(t, 3, e.sim.Count("GET /policy/violations")-before, "pages of 100")
	require.True(t, vs[0].At.After(vs[1].At), "newest first")
	require.True(t, vs[0].Blocked)
	require.Equal(t, "support-bot", vs[0].RepoName)
	ids := map[string]bool{}
	for _, v := range vs {
		ids[v.ID] = true
	}
	require.Len(t, ids, 257, "no page twice")

	yes := true
	blocked, total, err := c.Violations(ctx(t), client.ViolationQuery{WorkspaceID: prod, Blocked: &yes, Limit: 30})
	require.NoError(t, err)
	require.Len(t, blocked, 30)
	require.Equal(t, 129, total)
	recent, _, err := c.Violations(ctx(t), client.ViolationQuery{From: time.Now().Add(-48 * time.Hour)})
	require.NoError(t, err)
	require.Len(t, recent, 7)
}

func TestErrorPaths(t *testing.T) {
	t.Parallel()
	type tc struct {
		name string
		run  func(t *testing.T, e *env)
	}
	tests := []tc{
		{"400 duplicate name", func(t *testing.T, e *env) {
			c := e.signedIn()
			_, err := c.CreateLLM(ctx(t), client.NewLLM{WorkspaceID: e.ws("Production"), Name: "openai gpt-4O",
				AIType: assets.OpenAI, Endpoint: "https://api.openai.com/v1", Secret: "sk-dup-0000000000000000"})
			requireCode(t, err, client.ErrDuplicateName, "config.duplicate_name")
			var ae *client.APIError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, 400, ae.Status)
			require.NotEmpty(t, ae.RequestID)
		}},
		{"400 on update", func(t *testing.T, e *env) {
			c := e.signedIn()
			name := "Gemini Flash"
			err := c.UpdateLLM(ctx(t), e.llm("Claude support"), client.LLMPatch{Name: &name})
			requireCode(t, err, client.ErrDuplicateName, "config.duplicate_name")
		}},
		{"client-side refusal sends nothing", func(t *testing.T, e *env) {
			c := e.signedIn()
			_, err := c.CreateLLM(ctx(t), client.NewLLM{WorkspaceID: e.ws("Production"), Name: "x", AIType: "GPT", Endpoint: "https://x", Secret: "s"})
			requireCode(t, err, client.ErrBadRequest, "flashback.invalid_request")
			err = c.UpdateLLM(ctx(t), "id", client.LLMPatch{})
			requireCode(t, err, client.ErrBadRequest, "flashback.invalid_request")
			require.Equal(t, 0, e.sim.Count("POST /ai/llm")+e.sim.Count("PUT /ai/llm/{id}"))
		}},
		{"403 role on create", func(t *testing.T, e *env) {
			c := e.signedIn()
			_, err := c.CreateLLM(ctx(t), client.NewLLM{WorkspaceID: e.ws("Research"), Name: "mine", AIType: assets.OpenAI,
				Endpoint: "https://api.openai.com/v1", Secret: "sk-mine-000000000000000"})
			requireCode(t, err, client.ErrForbidden, "flashback.forbidden")
			require.Equal(t, 1, e.sim.Count("POST /ai/llm"), "a refusal is not retried")
		}},
		{"403 role on delete is not in use", func(t *testing.T, e *env) {
			c := e.signedIn()
			err := c.DeleteLLM(ctx(t), e.llm("Local vLLM"))
			requireCode(t, err, client.ErrForbidden, "flashback.forbidden")
			require.NotErrorIs(t, err, client.ErrInUse)
		}},
		{"403 role on validate", func(t *testing.T, e *env) {
			c := e.signedIn()
			_, err := c.ValidateLLM(ctx(t), e.llm("Local vLLM"))
			requireCode(t, err, client.ErrForbidden, "flashback.forbidden")
		}},
		{"403 in use names repositories", func(t *testing.T, e *env) {
			c := e.signedIn()
			err := c.DeleteLLM(ctx(t), e.llm("OpenAI GPT-4o"))
			requireCode(t, err, client.ErrInUse, "flashback.in_use")
			var iu *client.InUseError
			require.ErrorAs(t, err, &iu)
			names := []string{}
			for _, r := range iu.Repos {
				names = append(names, r.Name)
				require.NotEmpty(t, r.ID)
			}
			require.ElementsMatch(t, []string{"support-bot", "docs-search"}, names)
			require.Contains(t, err.Error(), "support-bot")
			require.Equal(t, 1, e.countLLMs("OpenAI GPT-4o"))
		}},
		{"403 in use found through the repositories", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Inject("GET /ai/llm", flashbacktest.Fault{Status: 500, Times: 3})
			err := c.DeleteLLM(ctx(t), e.llm("Claude support"))
			requireCode(t, err, client.ErrInUse, "flashback.in_use")
			require.Contains(t, err.Error(), "in use by repositories: support-bot")
		}},
		{"404 not visible", func(t *testing.T, e *env) {
			c := e.signedIn()
			res, err := c.ValidateLLM(ctx(t), "00000000-0000-4000-8000-000000000000")
			requireCode(t, err, client.ErrNotFound, "workspace.not_visible")
			require.Equal(t, client.ValidationResult{}, res)
			err = c.UpdateLLM(ctx(t), "nope", client.LLMPatch{Endpoint: new("https://x/v1")})
			requireCode(t, err, client.ErrNotFound, "workspace.not_visible")
		}},
		{"403 listing an inaccessible workspace", func(t *testing.T, e *env) {
			c := e.signedIn()
			_, err := c.ListLLMs(ctx(t), "someone-elses")
			requireCode(t, err, client.ErrForbidden, "flashback.forbidden")
		}},
		{"429 with Retry-After is waited for on GET", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Inject("GET /workspace", flashbacktest.Fault{Status: 429, RetryAfter: "1", Times: 1})
			start := time.Now()
			_, err := c.Workspaces(ctx(t))
			require.NoError(t, err)
			require.GreaterOrEqual(t, time.Since(start), time.Second)
			require.Equal(t, 2, e.sim.Count("GET /workspace"))
		}},
		{"429 asking too long a wait is returned", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Inject("GET /ai/llm", flashbacktest.Fault{Status: 429, RetryAfter: "120"})
			_, err := c.ListLLMs(ctx(t), "")
			requireCode(t, err, client.ErrRateLimited, "flashback.unreachable")
			d, ok := client.RetryAfter(err)
			require.True(t, ok)
			require.Equal(t, 2*time.Minute, d)
			require.Equal(t, 1, e.sim.Count("GET /ai/llm"))
		}},
		{"429 on create is not retried", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Inject("POST /ai/llm", flashbacktest.Fault{Status: 429, RetryAfter: "1"})
			_, err := c.CreateLLM(ctx(t), client.NewLLM{WorkspaceID: e.ws("Production"), Name: "rl", AIType: assets.OpenAI,
				Endpoint: "https://api.openai.com/v1", Secret: "sk-rl-0000000000000000"})
			requireCode(t, err, client.ErrRateLimited, "flashback.unreachable")
			require.Equal(t, 1, e.sim.Count("POST /ai/llm"))
			require.Equal(t, 0, e.countLLMs("rl"))
		}},
		{"500 once is retried on GET", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Inject("GET /ai/llm/stats", flashbacktest.Fault{Status: 500, Message: "Failed to fetch stats", Times: 1})
			_, err := c.LLMStats(ctx(t), "")
			require.NoError(t, err)
			require.Equal(t, 2, e.sim.Count("GET /ai/llm/stats"))
		}},
		{"500 throughout gives up after the attempts", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Inject("GET /repo", flashbacktest.Fault{Status: 500, Message: "Failed to fetch repos"})
			_, err := c.Repos(ctx(t), "")
			requireCode(t, err, client.ErrServer, "flashback.unreachable")
			require.Contains(t, err.Error(), "Failed to fetch repos")
			require.Equal(t, client.DefaultMaxAttempts, e.sim.Count("GET /repo"))
		}},
		{"500 on put is retried", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Inject("PUT /ai/llm/{id}", flashbacktest.Fault{Status: 500, Times: 1})
			ep := "https://eu.api.openai.com/v1"
			require.NoError(t, c.UpdateLLM(ctx(t), e.llm("Legacy OpenAI key"), client.LLMPatch{Endpoint: &ep}))
			require.Equal(t, 2, e.sim.Count("PUT /ai/llm/{id}"))
		}},
		{"502 HTML from a proxy", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Inject("GET /workspace/{id}", flashbacktest.Fault{Status: 502, ContentType: "text/html",
				Body: "<!DOCTYPE html><html><title>502 Bad Gateway</title></html>"})
			_, err := c.Workspace(ctx(t), e.ws("Production"))
			requireCode(t, err, client.ErrServer, "flashback.unreachable")
			require.Contains(t, err.Error(), "HTML page")
		}},
		{"malformed JSON", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Inject("GET /ai/llm", flashbacktest.Fault{Body: `{"success":true,"aiLlms":[{"id":`})
			_, err := c.ListLLMs(ctx(t), "")
			requireCode(t, err, client.ErrBadResponse, "flashback.unreachable")
			require.Contains(t, err.Error(), "not valid JSON")
		}},
		{"wrong JSON type", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Inject("GET /workspace", flashbacktest.Fault{Body: `{"success":true,"workspaces":{"id":1}}`})
			_, err := c.Workspaces(ctx(t))
			requireCode(t, err, client.ErrBadResponse, "flashback.unreachable")
		}},
		{"success false on 200", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Inject("GET /user/profile", flashbacktest.Fault{Body: `{"success":false,"message":"User not found"}`})
			_, err := c.Profile(ctx(t))
			requireCode(t, err, client.ErrBadRequest, "flashback.invalid_request")
			require.Contains(t, err.Error(), "User not found")
		}},
		{"slow server beyond the timeout", func(t *testing.T, e *env) {
			c := e.signedIn()
			slow := e.client(client.Options{Timeout: 150 * time.Millisecond, MaxAttempts: 2})
			_, err := slow.Session(ctx(t))
			require.NoError(t, err)
			_ = c
			e.sim.Inject("GET /ai/llm/available", flashbacktest.Fault{Latency: 2 * time.Second})
			start := time.Now()
			_, err = slow.AvailableLLMs(ctx(t))
			requireCode(t, err, client.ErrUnreachable, "flashback.unreachable")
			var ne *client.NetworkError
			require.ErrorAs(t, err, &ne)
			require.True(t, ne.Timeout)
			require.Less(t, time.Since(start), 1500*time.Millisecond)
			require.Equal(t, 2, e.sim.Count("GET /ai/llm/available"))
		}},
		{"slow validate is not retried", func(t *testing.T, e *env) {
			c := e.client(client.Options{ValidateTimeout: 150 * time.Millisecond})
			_, err := c.Login(ctx(t), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
			require.NoError(t, err)
			e.sim.Inject("POST /ai/llm/{id}/validate", flashbacktest.Fault{Latency: time.Second})
			_, err = c.ValidateLLM(ctx(t), e.llm("Gemini Flash"))
			requireCode(t, err, client.ErrUnreachable, "flashback.unreachable")
			require.Equal(t, 1, e.sim.Count("POST /ai/llm/{id}/validate"))
		}},
		{"unreachable host", func(t *testing.T, e *env) {
			c, err := client.New("http://127.0.0.1:1", e.hc, client.Options{Token: "tok-unreachable", MaxAttempts: 2, MaxRetryWait: 10 * time.Millisecond})
			require.NoError(t, err)
			_, err = c.ListLLMs(ctx(t), "")
			requireCode(t, err, client.ErrUnreachable, "flashback.unreachable")
		}},
		{"caller cancellation is not unreachable", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Inject("GET /workspace", flashbacktest.Fault{Latency: 5 * time.Second})
			cctx, cancel := context.WithTimeout(ctx(t), 100*time.Millisecond)
			defer cancel()
			_, err := c.Workspaces(cctx)
			note(err)
			require.Error(t, err)
			require.NotErrorIs(t, err, client.ErrUnreachable)
			require.Equal(t, "", client.Code(err))
		}},
		{"not signed in", func(t *testing.T, e *env) {
			c := e.client(client.Options{})
			_, err := c.ListLLMs(ctx(t), "")
			requireCode(t, err, client.ErrUnauthenticated, "flashback.unauthenticated")
			require.NotContains(t, err.Error(), "fbllm login", "what to do is the catalog's, not the client's")
			require.Equal(t, 0, e.sim.Count("GET /ai/llm"), "nothing sent without a token")
		}},
		{"token store failure is passed through", func(t *testing.T, e *env) {
			locked := errors.New("keyring is locked: passphrase needed")
			c := e.client(client.Options{Tokens: &memTokens{getErr: locked}})
			_, err := c.Workspaces(ctx(t))
			note(err)
			require.ErrorIs(t, err, locked)
			require.Equal(t, "", client.Code(err), "the caller classifies keyring errors")
		}},
		{"FLASHBACK_TOKEN refused is final", func(t *testing.T, e *env) {
			tok, err := e.sim.IssueAccessToken(flashbacktest.DemoEmail, time.Minute)
			require.NoError(t, err)
			secret(tok)
			c := e.client(client.Options{Token: tok})
			wss, err := c.Workspaces(ctx(t))
			require.NoError(t, err)
			require.Len(t, wss, 2)
			require.Equal(t, client.SourceEnv, c.SignedInAs().Source)
			e.sim.Advance(2 * time.Minute)
			_, err = c.Workspaces(ctx(t))
			requireCode(t, err, client.ErrUnauthenticated, "flashback.unauthenticated")
			require.Contains(t, err.Error(), "FLASHBACK_TOKEN")
			require.Equal(t, 0, e.sim.Count("POST /user/refresh"))
			require.Empty(t, e.tokens.current())
		}},
		{"refresh token refused", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Advance(2 * time.Hour)
			e.sim.Inject("POST /user/refresh", flashbacktest.Fault{Status: 401, ErrorCode: "INVALID_REFRESH_TOKEN", Message: "Refresh token is invalid or expired"})
			_, err := c.Workspaces(ctx(t))
			requireCode(t, err, client.ErrUnauthenticated, "flashback.unauthenticated")
			require.Equal(t, client.Identity{}, c.SignedInAs(), "the dead session is dropped")
		}},
		{"refresh unreachable is not signed out", func(t *testing.T, e *env) {
			c := e.signedIn()
			e.sim.Advance(2 * time.Hour)
			e.sim.Inject("POST /user/refresh", flashbacktest.Fault{Status: 503, Times: 1})
			_, err := c.Workspaces(ctx(t))
			requireCode(t, err, client.ErrServer, "flashback.unreachable")
			_, err = c.Workspaces(ctx(t))
			require.NoError(t, err, "the next call refreshes with the same token")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newEnv(t, flashbacktest.Options{}))
		})
	}
}

func TestCreateNoDuplicateAfterLostResponse(t *testing.T) {
	t.Parallel()
	in := func(e *env, name, endpoint string) client.NewLLM {
		return client.NewLLM{WorkspaceID: e.ws("Production"), Name: name, AIType: assets.Anthropic,
			Endpoint: endpoint, Secret: "sk-ant-api03-lost-answer-Qm3xT9vLp2Rk"}
	}
	secret("sk-ant-api03-lost-answer-Qm3xT9vLp2Rk")
	t.Run("stored then cut", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, flashbacktest.Options{})
		c := e.signedIn()
		e.sim.Inject("POST /ai/llm", flashbacktest.Fault{CutAfterHandle: true, Times: 1})
		l, err := c.CreateLLM(ctx(t), in(e, "Claude batch", "https://api.anthropic.com/v1"))
		require.NoError(t, err)
		require.Equal(t, 1, e.countLLMs("Claude batch"), "no duplicate")
		stored := e.sim.LLMs()
		require.Equal(t, stored[len(stored)-1].ID, l.ID, "the stored configuration is returned")
		require.Equal(t, 1, e.sim.Count("POST /ai/llm"), "found by name, not sent again")
	})
	t.Run("cut before storing", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, flashbacktest.Options{})
		c := e.signedIn()
		e.sim.Inject("POST /ai/llm", flashbacktest.Fault{Cut: true, Times: 1})
		_, err := c.CreateLLM(ctx(t), in(e, "Claude batch", "https://api.anthropic.com/v1"))
		require.NoError(t, err)
		require.Equal(t, 1, e.countLLMs("Claude batch"))
		require.Equal(t, 2, e.sim.Count("POST /ai/llm"), "sent once more")
	})
	t.Run("timeout after storing", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, flashbacktest.Options{})
		c := e.client(client.Options{Timeout: 200 * time.Millisecond})
		_, err := c.Login(ctx(t), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
		require.NoError(t, err)
		// The answer is delayed past the timeout; the handler runs after
		// the delay only if the client still waits, so store first.
		e.sim.Inject("POST /ai/llm", flashbacktest.Fault{CutAfterHandle: true, Latency: 10 * time.Millisecond, Times: 1})
		_, err = c.CreateLLM(ctx(t), in(e, "Claude slow", "https://api.anthropic.com/v1"))
		require.NoError(t, err)
		require.Equal(t, 1, e.countLLMs("Claude slow"))
	})
	t.Run("500 twice gives up after one resend", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, flashbacktest.Options{})
		c := e.signedIn()
		e.sim.Inject("POST /ai/llm", flashbacktest.Fault{Status: 500})
		_, err := c.CreateLLM(ctx(t), in(e, "Claude broken", "https://api.anthropic.com/v1"))
		requireCode(t, err, client.ErrServer, "flashback.unreachable")
		require.Equal(t, 2, e.sim.Count("POST /ai/llm"))
		require.Equal(t, 0, e.countLLMs("Claude broken"))
	})
	t.Run("same name, other endpoint", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, flashbacktest.Options{})
		c := e.signedIn()
		e.sim.Inject("POST /ai/llm", flashbacktest.Fault{Cut: true, Times: 1})
		_, err := c.CreateLLM(ctx(t), in(e, "claude SUPPORT", "https://proxy.example/v1"))
		requireCode(t, err, client.ErrDuplicateName, "config.duplicate_name")
		require.Equal(t, 1, e.sim.Count("POST /ai/llm"))
	})
}

func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	t.Run("expired access token is refreshed unnoticed", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, flashbacktest.Options{AccessTTL: 30 * time.Minute})
		c := e.signedIn()
		first := e.tokens.current()
		e.sim.Advance(time.Hour) // expired for the server, not yet for the client's clock
		list, err := c.ListLLMs(ctx(t), "")
		require.NoError(t, err)
		require.Len(t, list, 8)
		require.Equal(t, 1, e.sim.Count("POST /user/refresh"))
		require.Equal(t, 2, e.sim.Count("GET /ai/llm"), "the refused request was sent again once")
		require.NotEqual(t, first, e.tokens.current(), "the rotated token is saved")
		require.Equal(t, client.SourceRefresh, c.SignedInAs().Source)

		// The spent token is worthless now: a process holding it fails.
		stale := &memTokens{}
		require.NoError(t, stale.Set(ctx(t), e.url, "", first))
		_, err = e.client(client.Options{Tokens: stale}).ListLLMs(ctx(t), "")
		requireCode(t, err, client.ErrUnauthenticated, "flashback.unauthenticated")
	})
	t.Run("a new process refreshes from the store", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, flashbacktest.Options{})
		e.signedIn()
		c := e.client(client.Options{})
		require.Equal(t, client.Identity{}, c.SignedInAs())
		id, err := c.Session(ctx(t))
		require.NoError(t, err)
		require.Equal(t, flashbacktest.DemoEmail, id.Email)
		require.Equal(t, 1, e.sim.Count("POST /user/refresh"))
		require.Len(t, e.tokens.history, 2)
	})
	for _, field := range []string{"refreshToken", "refresh_token"} {
		t.Run("server reads only "+field, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, flashbacktest.Options{RefreshField: field})
			e.signedIn()
			_, err := e.client(client.Options{}).Workspaces(ctx(t))
			require.NoError(t, err)
		})
	}
	t.Run("concurrent 401s cause one refresh", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, flashbacktest.Options{})
		c := e.signedIn()
		e.sim.Advance(2 * time.Hour)
		var wg sync.WaitGroup
		errs := make([]error, 24)
		for i := range errs {
			wg.Go(func() { _, errs[i] = c.ListLLMs(ctx(t), e.ws("Production")) })
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		require.Equal(t, 1, e.sim.Count("POST /user/refresh"))
	})
	t.Run("concurrent callers past expiry cause one refresh", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, flashbacktest.Options{})
		var skew atomicDuration
		c := e.client(client.Options{Now: func() time.Time { return time.Now().Add(skew.get()) }})
		_, err := c.Login(ctx(t), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
		require.NoError(t, err)
		skew.set(2 * time.Hour)
		e.sim.Advance(2 * time.Hour)
		var wg sync.WaitGroup
		errs := make([]error, 24)
		for i := range errs {
			wg.Go(func() { _, errs[i] = c.Workspaces(ctx(t)) })
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		require.Equal(t, 1, e.sim.Count("POST /user/refresh"))
		require.Equal(t, 24, e.sim.Count("GET /workspace"), "refreshed before sending: no 401 round trips")
	})
	t.Run("another process rotated first", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, flashbacktest.Options{})
		e.signedIn()
		a, b := e.client(client.Options{}), e.client(client.Options{})
		_, err := a.Session(ctx(t)) // a rotates the stored token
		require.NoError(t, err)
		_, err = b.Session(ctx(t)) // b read it after a: fine
		require.NoError(t, err)
		e.sim.Advance(2 * time.Hour)
		// Both hold a refresh token now; b's is the newest. a refreshes with
		// its own, is refused, finds b's in the store and carries on.
		_, err = a.Workspaces(ctx(t))
		require.NoError(t, err)
		_, err = b.Workspaces(ctx(t))
		require.NoError(t, err)
	})
}

func TestLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, flashbacktest.Options{})
	c := e.signedIn()
	_, err := c.Session(ctx(t))
	require.NoError(t, err)
	rt := e.tokens.current()
	require.NoError(t, c.Logout(ctx(t)))
	require.Empty(t, e.tokens.current())
	require.Equal(t, client.Identity{}, c.SignedInAs())
	_, err = c.Workspaces(ctx(t))
	requireCode(t, err, client.ErrUnauthenticated, "flashback.unauthenticated")

	revoked := &memTokens{}
	require.NoError(t, revoked.Set(ctx(t), e.url, "", rt))
	_, err = e.client(client.Options{Tokens: revoked}).Workspaces(ctx(t))
	requireCode(t, err, client.ErrUnauthenticated, "flashback.unauthenticated")

	// Logging out when not signed in, or when the server fails, still
	// forgets locally.
	require.NoError(t, e.client(client.Options{}).Logout(ctx(t)))
	c = e.signedIn()
	e.sim.Inject("POST /user/logout", flashbacktest.Fault{Status: 500})
	err = c.Logout(ctx(t))
	requireCode(t, err, client.ErrServer, "flashback.unreachable")
	require.Contains(t, err.Error(), "forgot the sign-in on this machine")
	require.Empty(t, e.tokens.current())
}

// TestErrorsNeverContainSecrets provokes errors and messages while the
// server echoes secrets, passwords and tokens back, and scans them all.
func TestErrorsNeverContainSecrets(t *testing.T) {
	t.Parallel()
	const (
		password = "correct-horse-battery-staple"
		plain    = "plainsecretwithoutanyshape1234"
		shaped   = "sk-proj-EchoedBackBySomeProvider000000"
	)
	secret(password, plain, shaped)
	type tc struct {
		name string
		run  func(t *testing.T, e *env) ([]error, []string)
	}
	tests := []tc{
		{"password echoed by login", func(t *testing.T, e *env) ([]error, []string) {
			e.sim.Inject("POST /user/login", flashbacktest.Fault{Status: 401, ErrorCode: "WEIRD", Message: "bad password " + password})
			_, err := e.client(client.Options{}).Login(ctx(t), flashbacktest.DemoEmail, password)
			return []error{err}, nil
		}},
		{"password echoed by a 500", func(t *testing.T, e *env) ([]error, []string) {
			e.sim.Inject("POST /user/login", flashbacktest.Fault{Status: 500, Message: "crash while checking " + password})
			_, err := e.client(client.Options{}).Login(ctx(t), flashbacktest.DemoEmail, password)
			return []error{err}, nil
		}},
		{"secret echoed by create", func(t *testing.T, e *env) ([]error, []string) {
			c := e.signedIn()
			e.sim.Inject("POST /ai/llm", flashbacktest.Fault{Status: 400, Message: "secret " + plain + " rejected"})
			_, err := c.CreateLLM(ctx(t), client.NewLLM{WorkspaceID: e.ws("Production"), Name: "x", AIType: assets.Other,
				Endpoint: "https://x.example/v1", Secret: plain})
			return []error{err}, nil
		}},
		{"secret echoed by update", func(t *testing.T, e *env) ([]error, []string) {
			c := e.signedIn()
			e.sim.Inject("PUT /ai/llm/{id}", flashbacktest.Fault{Status: 500, Message: "could not encrypt " + plain})
			p := plain
			err := c.UpdateLLM(ctx(t), e.llm("Gemini Flash"), client.LLMPatch{Secret: &p})
			return []error{err}, nil
		}},
		{"provider echo in a validation sent earlier", func(t *testing.T, e *env) ([]error, []string) {
			e2 := newEnv(t, flashbacktest.Options{Validator: func(_ context.Context, l flashbacktest.LLM) error {
				return errors.New("401 Unauthorized: Incorrect API key provided: " + l.Secret)
			}})
			c := e2.signedIn()
			l, err := c.CreateLLM(ctx(t), client.NewLLM{WorkspaceID: e2.ws("Production"), Name: "echo", AIType: assets.Other,
				Endpoint: "https://x.example/v1", Secret: plain})
			require.NoError(t, err)
			r1, err1 := c.ValidateLLM(ctx(t), l.ID)
			r2, err2 := c.ValidateLLM(ctx(t), e2.llm("OpenAI GPT-4o")) // a seeded secret the client never saw
			require.False(t, r1.Success)
			require.Contains(t, r1.Message, "[redacted]")
			return []error{err1, err2, r1.Err(), r2.Err()}, []string{r1.Message, r2.Message}
		}},
		{"tokens echoed in a 403", func(t *testing.T, e *env) ([]error, []string) {
			c := e.signedIn()
			_, err := c.Session(ctx(t))
			require.NoError(t, err)
			e.sim.Inject("GET /ai/llm", flashbacktest.Fault{Status: 403, Message: "token " + e.tokens.current() + " lacks scope"})
			_, err = c.ListLLMs(ctx(t), "")
			return []error{err}, nil
		}},
		{"mfa code and password", func(t *testing.T, e *env) ([]error, []string) {
			require.NoError(t, e.sim.Load(flashbacktest.Seed{Users: []flashbacktest.User{{Email: "m@northwind.example", Password: password, MFASecret: "JBSWY3DPEHPK3PXP"}}}))
			c := e.client(client.Options{})
			_, err := c.Login(ctx(t), "m@northwind.example", password)
			var mfa *client.MFARequiredError
			require.ErrorAs(t, err, &mfa)
			e.sim.Inject("POST /mfa/verify-login", flashbacktest.Fault{Status: 401, ErrorCode: "INVALID_MFA_CODE", Message: "code 654321 for " + password})
			_, err2 := c.VerifyMFA(ctx(t), mfa.Challenge, "654321")
			return []error{err, err2}, []string{mfa.Challenge.Message}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			errs, texts := tc.run(t, newEnv(t, flashbacktest.Options{}))
			note(errs...)
			noteText(texts...)
			require.NotEmpty(t, slices.DeleteFunc(slices.Clone(errs), func(err error) bool { return err == nil }), "the case must produce an error")
			leaks := scanSecrets(errs, texts, []string{password, plain, shaped, "654321"})
			require.Empty(t, leaks)
			for _, err := range errs {
				if err != nil {
					require.NotContains(t, err.Error(), "\x1b")
				}
			}
		})
	}
	// The scanner itself finds what it looks for.
	require.NotEmpty(t, scanSecrets([]error{fmt.Errorf("wrapped: %w", errors.New("x "+plain))}, nil, []string{plain}))
	require.NotEmpty(t, scanSecrets(nil, []string{"…" + plain[4:20] + "…"}, []string{plain}))
	require.True(t, strings.Contains(plain[:12], "plainsecret"))
}
