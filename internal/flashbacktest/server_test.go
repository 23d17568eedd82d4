package flashbacktest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/internal/flashbacktest"
	"github.com/fbllm/fbllm/internal/flashbacktest/contract"
)

// rig is a simulator behind an httptest server, reached through the
// contract checker (checked) or directly (raw, for requests that break the
// contract on purpose).
type rig struct {
	t       *testing.T
	sim     *flashbacktest.Server
	url     string
	checked *http.Client
	raw     *http.Client
	check   *contract.Checker
	seed    flashbacktest.Seed

	mu     sync.Mutex
	bodies []string // every answer body, for the secret scan
}

func newRig(t *testing.T, opts flashbacktest.Options) *rig {
	t.Helper()
	sim := flashbacktest.New(opts)
	seed := flashbacktest.Demo(time.Now())
	require.NoError(t, sim.Load(seed))
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	chk, err := contract.New()
	require.NoError(t, err)
	r := &rig{t: t, sim: sim, url: ts.URL, check: chk, seed: seed,
		checked: &http.Client{Transport: chk.Transport(nil), Timeout: 10 * time.Second},
		raw:     &http.Client{Timeout: 10 * time.Second}}
	t.Cleanup(func() {
		require.Empty(t, chk.Problems(), "contract violations")
		for _, b := range r.bodies {
			for _, l := range seed.LLMs {
				require.NotContains(t, b, l.Secret, "a secret came back from the API")
			}
		}
	})
	return r
}

// call sends a request and decodes the JSON answer into a map.
func (r *rig) call(hc *http.Client, method, path, token string, body any) (int, map[string]any, http.Header) {
	r.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(r.t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, r.url+path, rd)
	require.NoError(r.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	require.NoError(r.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(r.t, err)
	r.mu.Lock()
	r.bodies = append(r.bodies, string(data))
	r.mu.Unlock()
	var m map[string]any
	require.NoError(r.t, json.Unmarshal(data, &m), "body %s", data)
	require.NotEmpty(r.t, resp.Header.Get("X-Request-Id"))
	return resp.StatusCode, m, resp.Header
}

func (r *rig) do(method, path, token string, body any) (int, map[string]any) {
	r.t.Helper()
	st, m, _ := r.call(r.checked, method, path, token, body)
	return st, m
}

// login signs in and returns the access and refresh tokens.
func (r *rig) login(email, password string) (string, string) {
	r.t.Helper()
	st, m := r.do("POST", "/user/login", "", map[string]string{"email": email, "password": password})
	require.Equal(r.t, 200, st, "%v", m)
	return m["accessToken"].(string), m["refreshToken"].(string)
}

func (r *rig) llmID(name string) string {
	for _, l := range r.seed.LLMs {
		if l.Name == name {
			return l.ID
		}
	}
	r.t.Fatalf("no demo llm %q", name)
	return ""
}

func (r *rig) wsID(name string) string {
	for _, w := range r.seed.Workspaces {
		if w.Name == name {
			return w.ID
		}
	}
	r.t.Fatalf("no demo workspace %q", name)
	return ""
}

func TestLoginErrors(t *testing.T) {
	t.Parallel()
	r := newRig(t, flashbacktest.Options{})
	require.NoError(t, r.sim.Load(flashbacktest.Seed{Users: []flashbacktest.User{
		{Email: "off@northwind.example", Password: "x-password", Inactive: true},
		{Email: "oauth@northwind.example", NoPassword: true},
	}}))
	tests := []struct {
		email, password, code string
	}{
		{"nobody@northwind.example", "x", "USER_NOT_FOUND"},
		{flashbacktest.DemoEmail, "wrong", "INVALID_PASSWORD"},
		{"off@northwind.example", "x-password", "USER_INACTIVE"},
		{"oauth@northwind.example", "anything", "NO_PASSWORD_SET"},
	}
	for _, tc := range tests {
		st, m := r.do("POST", "/user/login", "", map[string]string{"email": tc.email, "password": tc.password})
		require.Equal(t, 401, st)
		require.Equal(t, false, m["success"])
		require.Equal(t, tc.code, m["error_code"])
	}
	// Email is case-insensitive; the answer is the documented shape.
	st, m := r.do("POST", "/user/login", "", map[string]string{"email": strings.ToUpper(flashbacktest.DemoEmail), "password": flashbacktest.DemoPassword})
	require.Equal(t, 200, st)
	require.NotEmpty(t, m["refreshToken"])
	require.Greater(t, m["expiresAt"].(float64), float64(time.Now().Unix()))
}

func TestRefreshRotatesAndLogoutRevokes(t *testing.T) {
	t.Parallel()
	for _, field := range []string{"", "refreshToken", "refresh_token"} {
		r := newRig(t, flashbacktest.Options{RefreshField: field})
		access, refresh := r.login(flashbacktest.DemoEmail, flashbacktest.DemoPassword)

		body := map[string]string{"refreshToken": refresh, "refresh_token": refresh}
		st, m := r.do("POST", "/user/refresh", "", body)
		require.Equal(t, 200, st, "field %q: %v", field, m)
		next := m["refreshToken"].(string)
		require.NotEqual(t, refresh, next)
		require.NotEqual(t, access, m["accessToken"])

		st, m = r.do("POST", "/user/refresh", "", body)
		require.Equal(t, 401, st, "a spent refresh token is refused")
		require.Equal(t, "INVALID_REFRESH_TOKEN", m["error_code"])

		if field != "" {
			// Only the configured key is read.
			other := map[string]string{"refreshToken": "refresh_token", "refresh_token": "refreshToken"}[field]
			st, _ = r.do("POST", "/user/refresh", "", map[string]string{other: next})
			require.NotEqual(t, 200, st)
		}

		st, _ = r.do("POST", "/user/logout", access, map[string]string{"refresh_token": next})
		require.Equal(t, 200, st)
		st, _ = r.do("POST", "/user/refresh", "", map[string]string{"refresh_token": next, "refreshToken": next})
		require.Equal(t, 401, st, "logout revoked it")
	}
}

func TestAccessTokenExpires(t *testing.T) {
	t.Parallel()
	r := newRig(t, flashbacktest.Options{AccessTTL: time.Minute})
	access, _ := r.login(flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	st, _ := r.do("GET", "/workspace", access, nil)
	require.Equal(t, 200, st)
	r.sim.Advance(2 * time.Minute)
	st, m := r.do("GET", "/workspace", access, nil)
	require.Equal(t, 401, st)
	require.Equal(t, false, m["success"])
	require.NotEmpty(t, m["message"])
	st, _, _ = r.call(r.raw, "GET", "/workspace", "", nil)
	require.Equal(t, 401, st)
}

func TestMFA(t *testing.T) {
	t.Parallel()
	r := newRig(t, flashbacktest.Options{})
	const secret = "JBSWY3DPEHPK3PXP"
	require.NoError(t, r.sim.Load(flashbacktest.Seed{Users: []flashbacktest.User{
		{Email: "mfa@northwind.example", Password: "mfa-password", MFASecret: secret},
	}}))
	st, m := r.do("POST", "/user/login", "", map[string]string{"email": "mfa@northwind.example", "password": "mfa-password"})
	require.Equal(t, 200, st)
	require.Equal(t, true, m["mfaRequired"])
	require.Nil(t, m["refreshToken"], "no session before the second factor")
	partial := m["accessToken"].(string)

	st, _ = r.do("GET", "/workspace", partial, nil)
	require.Equal(t, 401, st, "the limited token opens nothing else")

	st, m = r.do("POST", "/mfa/verify-login", partial, map[string]string{"mfaType": "GOOGLE_AUTH", "code": "000000"})
	require.Equal(t, 401, st)
	require.Equal(t, "INVALID_MFA_CODE", m["error_code"])

	code := flashbacktest.TOTP(secret, time.Now())
	st, m = r.do("POST", "/mfa/verify-login", partial, map[string]string{"mfaType": "GOOGLE_AUTH", "code": code})
	require.Equal(t, 200, st, "%v", m)
	st, _ = r.do("GET", "/workspace", m["fullAccessToken"].(string), nil)
	require.Equal(t, 200, st)
}

func TestTOTPVectors(t *testing.T) {
	t.Parallel()
	// RFC 6238 appendix B (SHA-1), last six digits.
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"
	tests := []struct {
		unix int64
		code string
	}{
		{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.code, flashbacktest.TOTP(secret, time.Unix(tc.unix, 0)))
	}
	require.True(t, flashbacktest.ValidTOTP(secret, "287082", time.Unix(59+30, 0)), "one step of drift")
	require.False(t, flashbacktest.ValidTOTP(secret, "287082", time.Unix(59+90, 0)))
	require.Empty(t, flashbacktest.TOTP("not base32!", time.Now()))
}

func TestRolesAndVisibility(t *testing.T) {
	t.Parallel()
	r := newRig(t, flashbacktest.Options{})
	dana, _ := r.login(flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	prod, research := r.wsID("Production"), r.wsID("Research")
	require.NoError(t, r.sim.Load(flashbacktest.Seed{
		Orgs:       []flashbacktest.Org{{ID: "org-other", Name: "Other"}},
		Users:      []flashbacktest.User{{ID: "u-out", Email: "out@other.example", Password: "out-password", OrgID: "org-other"}},
		Workspaces: []flashbacktest.Workspace{{ID: "ws-other", Name: "Elsewhere", OrgID: "org-other", Members: []flashbacktest.Member{{UserID: "u-out", Role: "ADMIN"}}}},
	}))
	outsider, _ := r.login("out@other.example", "out-password")

	// Workspaces carry the members and their roles.
	st, m := r.do("GET", "/workspace", dana, nil)
	require.Equal(t, 200, st)
	require.Len(t, m["workspaces"], 2)
	st, _ = r.do("GET", "/workspace/"+prod, outsider, nil)
	require.Equal(t, 404, st, "inaccessible is 404, not 403")

	// READ in Research: list yes, create/update/delete/validate no.
	st, m = r.do("GET", "/ai/llm?workspaceId="+research, dana, nil)
	require.Equal(t, 200, st)
	require.Len(t, m["aiLlms"], 3)
	create := map[string]any{"name": "mine", "aiType": "OPENAI", "endpoint": "https://api.openai.com/v1", "secret": "sk-new-secret-000000000000", "workspaceId": research}
	st, _ = r.do("POST", "/ai/llm", dana, create)
	require.Equal(t, 403, st)
	vllm := r.llmID("Local vLLM")
	st, _ = r.do("PUT", "/ai/llm/"+vllm, dana, map[string]any{"name": "renamed"})
	require.Equal(t, 403, st)
	st, _ = r.do("DELETE", "/ai/llm/"+vllm, dana, nil)
	require.Equal(t, 403, st)
	st, _ = r.do("POST", "/ai/llm/"+vllm+"/validate", dana, nil)
	require.Equal(t, 403, st)

	// An outsider does not see the configuration at all.
	st, _ = r.do("DELETE", "/ai/llm/"+vllm, outsider, nil)
	require.Equal(t, 404, st)
	st, _ = r.do("GET", "/ai/llm?workspaceId="+research, outsider, nil)
	require.Equal(t, 403, st)
	st, m = r.do("GET", "/ai/llm", outsider, nil)
	require.Equal(t, 200, st)
	require.Empty(t, m["aiLlms"])
	st, m = r.do("GET", "/ai/llm/stats?aiLlmId="+vllm, outsider, nil)
	require.Equal(t, 200, st)
	require.Empty(t, m["stats"])
}

func TestLLMLifecycle(t *testing.T) {
	t.Parallel()
	r := newRig(t, flashbacktest.Options{Validator: flashbacktest.DemoValidator()})
	tok, _ := r.login(flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	prod := r.wsID("Production")

	create := map[string]any{"name": "Mistral", "aiType": "OTHER", "endpoint": "https://api.mistral.ai/v1",
		"key": "mistral-key-123456", "secret": "mistral-secret-abcdef0123456789", "workspaceId": prod}
	st, m := r.do("POST", "/ai/llm", tok, create)
	require.Equal(t, 200, st, "%v", m)
	id := m["aiLlmId"].(string)

	create["name"] = "  mistral "
	st, m = r.do("POST", "/ai/llm", tok, create)
	require.Equal(t, 400, st, "names are unique case-insensitively")
	require.Contains(t, m["message"], "already exists")

	st, m = r.do("GET", "/ai/llm?workspaceId="+prod, tok, nil)
	require.Equal(t, 200, st)
	var got map[string]any
	for _, l := range m["aiLlms"].([]any) {
		if l.(map[string]any)["id"] == id {
			got = l.(map[string]any)
		}
	}
	require.NotNil(t, got)
	require.Equal(t, "mist****3456", got["key"], "key masked")
	require.NotContains(t, got, "secret")
	stored, ok := r.sim.LLM(id)
	require.True(t, ok)
	require.Equal(t, "mistral-secret-abcdef0123456789", stored.Secret)

	// Partial update: only what is sent changes; null removes the key.
	st, _ = r.do("PUT", "/ai/llm/"+id, tok, map[string]any{"key": nil, "secret": "mistral-secret-rotated-000000"})
	require.Equal(t, 200, st)
	stored, _ = r.sim.LLM(id)
	require.Equal(t, "Mistral", stored.Name)
	require.Empty(t, stored.Key)
	require.Equal(t, "mistral-secret-rotated-000000", stored.Secret)
	st, _, _ = r.call(r.raw, "PUT", "/ai/llm/"+id, tok, map[string]any{})
	require.Equal(t, 400, st)
	st, _, _ = r.call(r.raw, "PUT", "/ai/llm/"+id, tok, map[string]any{"workspace_id": prod})
	require.Equal(t, 400, st, "unknown fields are refused")

	// Validation: 200 both ways; available lists only validated ones.
	st, m = r.do("POST", "/ai/llm/"+id+"/validate", tok, nil)
	require.Equal(t, 200, st)
	require.Equal(t, true, m["success"])
	st, m = r.do("POST", "/ai/llm/"+r.llmID("Legacy OpenAI key")+"/validate", tok, nil)
	require.Equal(t, 200, st)
	require.Equal(t, false, m["success"])
	require.Equal(t, "Validation failed: Invalid API key or endpoint unreachable. Error: 401 Unauthorized", m["message"])
	st, m = r.do("GET", "/ai/llm/available", tok, nil)
	require.Equal(t, 200, st)
	names := []string{}
	for _, l := range m["aiLlms"].([]any) {
		names = append(names, l.(map[string]any)["name"].(string))
	}
	require.Equal(t, "Mistral", names[0], "newest first")
	require.NotContains(t, names, "Legacy OpenAI key")

	// Stats come as strings.
	st, m = r.do("GET", "/ai/llm/stats?aiLlmId="+r.llmID("OpenAI GPT-4o"), tok, nil)
	require.Equal(t, 200, st)
	require.Equal(t, "184220", m["stats"].([]any)[0].(map[string]any)["totalApiCalls"])

	// Delete: refused while attached, naming the repositories.
	gpt := r.llmID("OpenAI GPT-4o")
	st, m = r.do("DELETE", "/ai/llm/"+gpt, tok, nil)
	require.Equal(t, 403, st)
	require.Contains(t, m["message"], "support-bot, docs-search")
	st, _ = r.do("DELETE", "/ai/llm/"+id, tok, nil)
	require.Equal(t, 200, st)
	st, _ = r.do("DELETE", "/ai/llm/"+id, tok, nil)
	require.Equal(t, 404, st)
	_, ok = r.sim.LLM(id)
	require.False(t, ok)
}

func TestReposPoliciesViolations(t *testing.T) {
	t.Parallel()
	r := newRig(t, flashbacktest.Options{})
	tok, _ := r.login(flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	prod := r.wsID("Production")
	org := r.seed.Orgs[0].ID

	st, m := r.do("GET", "/repo?workspaceId="+prod, tok, nil)
	require.Equal(t, 200, st)
	require.Len(t, m["repos"], 2)

	support := r.seed.Repos[0].ID
	for _, tc := range []struct {
		query string
		want  string
	}{
		{"?orgId=" + org, "No customer PII to external models"},
		{"?orgId=" + org + "&workspaceId=" + prod, "Flag source code leaving the company"},
		{"?orgId=" + org + "&workspaceId=" + prod + "&repoId=" + support, "Log medical questions"},
	} {
		st, m = r.do("GET", "/policy"+tc.query, tok, nil)
		require.Equal(t, 200, st)
		require.Len(t, m["policies"], 1, tc.query)
		require.Equal(t, tc.want, m["policies"].([]any)[0].(map[string]any)["name"])
	}
	st, _ = r.do("GET", "/policy?orgId=someone-else", tok, nil)
	require.Equal(t, 403, st)
	st, _, _ = r.call(r.raw, "GET", "/policy", tok, nil)
	require.Equal(t, 400, st)

	st, m = r.do("GET", "/policy/violations?take=3&skip=0", tok, nil)
	require.Equal(t, 200, st)
	require.EqualValues(t, 7, m["total"])
	require.Len(t, m["violations"], 3)
	st, m = r.do("GET", "/policy/violations?take=3&skip=6&block=true", tok, nil)
	require.Equal(t, 200, st)
	require.EqualValues(t, 4, m["total"])
	require.Empty(t, m["violations"])
	st, _, _ = r.call(r.raw, "GET", "/policy/violations?take=101", tok, nil)
	require.Equal(t, 400, st, "take is capped at 100")
}

func TestFaults(t *testing.T) {
	t.Parallel()
	r := newRig(t, flashbacktest.Options{})
	tok, _ := r.login(flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	prod := r.wsID("Production")

	r.sim.Inject("GET /workspace", flashbacktest.Fault{Status: 429, RetryAfter: "2", Times: 1})
	st, m, h := r.call(r.checked, "GET", "/workspace", tok, nil)
	require.Equal(t, 429, st)
	require.Equal(t, "2", h.Get("Retry-After"))
	require.Equal(t, false, m["success"])
	st, _ = r.do("GET", "/workspace", tok, nil)
	require.Equal(t, 200, st, "Times: 1 is used up")

	r.sim.Inject("GET /workspace", flashbacktest.Fault{Status: 500, Message: "Failed to fetch workspaces", Times: 1})
	st, m = r.do("GET", "/workspace", tok, nil)
	require.Equal(t, 500, st)
	require.Equal(t, "Failed to fetch workspaces", m["message"])

	r.sim.Inject("GET /ai/llm", flashbacktest.Fault{Body: `{"success":true,"aiLlms":[`, Times: 1})
	req, _ := http.NewRequest("GET", r.url+"/ai/llm", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := r.checked.Do(req)
	require.NoError(t, err)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, `{"success":true,"aiLlms":[`, string(data))

	r.sim.Inject("GET /ai/llm", flashbacktest.Fault{Latency: time.Second, Times: 1})
	slow := &http.Client{Transport: r.check.Transport(nil), Timeout: 100 * time.Millisecond}
	_, err = slow.Do(req)
	require.Error(t, err)

	// Cut before the handler: nothing stored. Cut after: stored, no answer.
	body := map[string]any{"name": "cut", "aiType": "OPENAI", "endpoint": "https://api.openai.com/v1", "secret": "sk-cut-000000000000000", "workspaceId": prod}
	for _, f := range []flashbacktest.Fault{{Cut: true, Times: 1}, {CutAfterHandle: true, Times: 1}} {
		r.sim.Inject("POST /ai/llm", f)
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", r.url+"/ai/llm", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		_, err := r.checked.Do(req)
		require.Error(t, err)
		n := 0
		for _, l := range r.sim.LLMs() {
			if l.Name == "cut" {
				n++
			}
		}
		require.Equal(t, map[bool]int{true: 0, false: 1}[f.Cut], n)
	}
	require.Equal(t, 2, r.sim.Count("POST /ai/llm"))
	require.Panics(t, func() { r.sim.Inject("GET /nope", flashbacktest.Fault{}) })
}

func TestDefaultValidator(t *testing.T) {
	t.Parallel()
	var gotPath, gotAuth string
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotAuth = r.URL.Path, r.Header.Get("Authorization")
		if gotAuth != "Bearer good-secret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"data":[]}`))
	}))
	t.Cleanup(provider.Close)
	v := flashbacktest.DefaultValidator(provider.Client())
	ctx := context.Background()
	require.NoError(t, v(ctx, flashbacktest.LLM{Endpoint: provider.URL + "/v1/", Secret: "good-secret"}))
	require.Equal(t, "/v1/models", gotPath)
	require.EqualError(t, v(ctx, flashbacktest.LLM{Endpoint: provider.URL + "/v1", Secret: "bad"}), "401 Unauthorized")
	provider.Close()
	err := v(ctx, flashbacktest.LLM{Endpoint: provider.URL + "/v1", Secret: "good-secret"})
	require.Error(t, err)
	require.False(t, errors.Is(err, context.Canceled))
}

func TestDemoSeed(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	a, b := flashbacktest.Demo(now), flashbacktest.Demo(now)
	require.Equal(t, a, b, "deterministic")
	types := map[string]bool{}
	for _, l := range a.LLMs {
		types[l.AIType] = true
	}
	require.Len(t, types, 5, "every AI type")
	a.SetEndpoints(func(l flashbacktest.LLM) string { return "http://127.0.0.1:1/" + l.AIType })
	for _, l := range a.LLMs {
		require.Equal(t, "http://127.0.0.1:1/"+l.AIType, l.Endpoint)
	}
	sim := flashbacktest.New(flashbacktest.Options{})
	require.NoError(t, sim.Load(a))
	require.Error(t, sim.Load(flashbacktest.Seed{LLMs: []flashbacktest.LLM{{Name: "x", AIType: "OPENAI", WorkspaceID: "nope"}}}))
	require.Error(t, sim.Load(flashbacktest.Seed{LLMs: []flashbacktest.LLM{{Name: "openai gpt-4O", AIType: "OPENAI", WorkspaceID: a.Workspaces[0].ID}}}), "duplicate name")
	require.Error(t, sim.Load(flashbacktest.Seed{Users: []flashbacktest.User{{Email: flashbacktest.DemoEmail}}}), "duplicate email")
	require.Equal(t, flashbacktest.FaultHeader, "X-Flashbacktest-Fault")
}
