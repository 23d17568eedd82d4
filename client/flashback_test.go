package client

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
)

// jwt builds an unsigned token with the given payload.
func jwt(payload string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"HS256"}`)) + "." + enc.EncodeToString([]byte(payload)) + ".c2ln"
}

func TestCounterUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Counter
		wantErr bool
	}{
		{`"1500"`, 1500, false},
		{`1500`, 1500, false},
		{`null`, 0, false},
		{`""`, 0, false},
		{`"0"`, 0, false},
		{`"18446744073709551615"`, math.MaxUint64, false},
		{`"99999999999999999999999"`, math.MaxUint64, false},
		{`1.5e3`, 1500, false},
		{`12.9`, 12, false},
		{`-3`, 0, false},
		{`"lots"`, 0, true},
		{`true`, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			var c Counter
			err := json.Unmarshal([]byte(tc.in), &c)
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, c)
		})
	}
}

func TestParseClaims(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		token   string
		want    Claims
		wantErr bool
	}{
		{"sdk payload", jwt(`{"userId":"u-1","email":"a@b.c","orgId":"o-1","type":"access","iat":1700000000,"exp":1700003600}`),
			Claims{UserID: "u-1", Email: "a@b.c", OrgID: "o-1", Type: "access", IssuedAt: time.Unix(1700000000, 0), ExpiresAt: time.Unix(1700003600, 0)}, false},
		{"numeric user id and sub", jwt(`{"userId":42,"exp":1700003600}`), Claims{UserID: "42", ExpiresAt: time.Unix(1700003600, 0)}, false},
		{"sub only", jwt(`{"sub":"u-9"}`), Claims{UserID: "u-9"}, false},
		{"exp in milliseconds", jwt(`{"exp":1700003600000}`), Claims{ExpiresAt: time.UnixMilli(1700003600000)}, false},
		{"escape in claim", jwt(`{"email":"a\u001b[31m@b.c"}`), Claims{Email: "a@b.c"}, false},
		{"opaque", "fb_pat_0123456789", Claims{}, true},
		{"not base64", "a.!!!.c", Claims{}, true},
		{"not json", "a." + base64.RawURLEncoding.EncodeToString([]byte("nope")) + ".c", Claims{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseClaims(tc.token)
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			got.raw = nil
			require.Equal(t, tc.want, got)
		})
	}
}

func TestExpiryFromField(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   int64
		want time.Time
	}{
		{0, time.Time{}},
		{1767229200, time.Unix(1767229200, 0)},
		{1767229200000, time.UnixMilli(1767229200000)},
		{3600, now.Add(time.Hour)},
	}
	for _, tc := range tests {
		require.True(t, tc.want.Equal(expiryFromField(tc.in, now)), "%d", tc.in)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{"0", 0, true},
		{"-1", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"soon", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseRetryAfter(tc.in, now)
		require.Equal(t, tc.ok, ok, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestCode(t *testing.T) {
	t.Parallel()
	inUse := &InUseError{ID: "x", Err: &APIError{Status: 403, kind: ErrInUse}}
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{errors.New("other"), ""},
		{fmt.Errorf("op: %w", ErrUnauthenticated), "flashback.unauthenticated"},
		{&APIError{Status: 401, kind: ErrUnauthenticated}, "flashback.unauthenticated"},
		{loginErrorFor("a@b.c", "INVALID_PASSWORD", 401, ""), "flashback.unauthenticated"},
		{&MFARequiredError{Challenge: &MFAChallenge{}}, "flashback.unauthenticated"},
		{&APIError{Status: 403, kind: ErrForbidden}, "flashback.forbidden"},
		{inUse, "flashback.in_use"},
		{&redactedError{msg: "x", err: inUse}, "flashback.in_use"},
		{&APIError{Status: 404, kind: ErrNotFound}, "workspace.not_visible"},
		{&NetworkError{Op: "x", Err: errors.New("refused")}, "flashback.unreachable"},
		{&APIError{Status: 429, kind: ErrRateLimited}, "flashback.unreachable"},
		{&APIError{Status: 503, kind: ErrServer}, "flashback.unreachable"},
		{&APIError{Status: 200, kind: ErrBadResponse}, "flashback.unreachable"},
		{&APIError{Status: 400, kind: ErrDuplicateName}, "config.duplicate_name"},
		{&APIError{Status: 400, kind: ErrBadRequest}, "flashback.invalid_request"},
		{ValidationResult{Message: "no"}.Err(), "flashback.validation_failed"},
	}
	for i, tc := range tests {
		require.Equal(t, tc.want, Code(tc.err), "case %d: %v", i, tc.err)
	}
	require.True(t, errors.Is(inUse, ErrInUse))
	require.False(t, errors.Is(inUse, ErrForbidden), "in use is not a role problem")
	require.NoError(t, ValidationResult{Success: true}.Err())
}

func TestLoginErrorMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code     string
		sentinel error
		says     string
	}{
		{"INVALID_PASSWORD", ErrInvalidPassword, "wrong password"},
		{"USER_NOT_FOUND", ErrUserNotFound, "no flashback account"},
		{"USER_INACTIVE", ErrUserInactive, "not active"},
		{"NO_PASSWORD_SET", ErrNoPasswordSet, "--token-stdin"},
	}
	for _, tc := range tests {
		err := loginErrorFor("ada@example.com", tc.code, 401, "server text")
		require.ErrorIs(t, err, tc.sentinel)
		require.ErrorIs(t, err, ErrUnauthenticated)
		require.Contains(t, err.Error(), tc.says)
		require.Contains(t, err.Error(), "ada@example.com")
		require.Equal(t, strings.ToLower(err.Error()[:1]), err.Error()[:1], "lower-case")
	}
	err := loginErrorFor("a@b.c", "ACCOUNT_LOCKED", 401, "Too many attempts")
	require.ErrorIs(t, err, ErrUnauthenticated)
	require.Contains(t, err.Error(), "Too many attempts [ACCOUNT_LOCKED]")
}

func TestDetectMFA(t *testing.T) {
	t.Parallel()
	full := jwt(`{"userId":"u","type":"access","exp":9999999999}`)
	tests := []struct {
		name   string
		body   string
		access string
		method string // "" = not detected
		token  string
	}{
		{"plain login", `{"success":true,"accessToken":"x","refreshToken":"y"}`, full, "", ""},
		{"flag", `{"success":true,"mfaRequired":true,"accessToken":"p"}`, "p", "GOOGLE_AUTH", "p"},
		{"snake flag", `{"success":true,"requires_mfa":true,"mfa_token":"m","mfaMethods":["magic_link"]}`, "", "MAGIC_LINK", "m"},
		{"user flag", `{"success":true,"user":{"mfaRequired":true},"accessToken":"p"}`, "p", "GOOGLE_AUTH", "p"},
		{"error code", `{"success":false,"error_code":"MFA_REQUIRED","challengeToken":"c","mfaType":"passkey"}`, "", "PASSKEY", "c"},
		{"token type", `{"success":true}`, jwt(`{"type":"mfa_pending"}`), "GOOGLE_AUTH", ""},
		{"verified claim false", `{"success":true}`, jwt(`{"type":"access","sessionVerified":false}`), "GOOGLE_AUTH", ""},
		{"user flag false", `{"success":true,"user":{"mfaRequired":false}}`, full, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var raw map[string]any
			require.NoError(t, json.Unmarshal([]byte(tc.body), &raw))
			ch := detectMFA(raw, tc.access)
			if tc.method == "" {
				require.Nil(t, ch)
				return
			}
			require.NotNil(t, ch)
			require.Equal(t, tc.method, ch.Method)
			require.Equal(t, tc.token, ch.token)
		})
	}
}

func TestPatchBody(t *testing.T) {
	t.Parallel()
	s := func(v string) *string { return &v }
	typ := assets.Anthropic
	bad := assets.AIType("NOPE")
	tests := []struct {
		name    string
		p       LLMPatch
		want    string
		wantErr bool
	}{
		{"nothing", LLMPatch{}, "", true},
		{"name only", LLMPatch{Name: s("New")}, `{"name":"New"}`, false},
		{"rotate secret only", LLMPatch{Secret: s("sk-new")}, `{"secret":"sk-new"}`, false},
		{"remove key", LLMPatch{Key: s("")}, `{"key":null}`, false},
		{"all", LLMPatch{Name: s("n"), AIType: &typ, Endpoint: s("https://e/v1"), Key: s("k"), Secret: s("s")},
			`{"aiType":"ANTHROPIC","endpoint":"https://e/v1","key":"k","name":"n","secret":"s"}`, false},
		{"empty secret", LLMPatch{Secret: s("")}, "", true},
		{"empty name", LLMPatch{Name: s(" ")}, "", true},
		{"bad type", LLMPatch{AIType: &bad}, "", true},
		{"bad endpoint", LLMPatch{Endpoint: s("ftp://x")}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := tc.p.body()
			if tc.wantErr {
				require.ErrorIs(t, err, ErrBadRequest)
				return
			}
			require.NoError(t, err)
			got, err := json.Marshal(b)
			require.NoError(t, err)
			require.JSONEq(t, tc.want, string(got))
		})
	}
	require.True(t, LLMPatch{}.IsZero())
	require.False(t, LLMPatch{Key: s("")}.IsZero())
}

func TestCheckNew(t *testing.T) {
	t.Parallel()
	ok := NewLLM{WorkspaceID: "w", Name: "n", AIType: assets.OpenAI, Endpoint: "https://api.openai.com/v1", Secret: "s"}
	require.NoError(t, checkNew(ok))
	for _, mut := range []func(*NewLLM){
		func(n *NewLLM) { n.WorkspaceID = "" },
		func(n *NewLLM) { n.Name = "  " },
		func(n *NewLLM) { n.AIType = "openai" },
		func(n *NewLLM) { n.Endpoint = "api.openai.com" },
		func(n *NewLLM) { n.Secret = "" },
	} {
		in := ok
		mut(&in)
		require.ErrorIs(t, checkNew(in), ErrBadRequest)
	}
}

func TestBaseURL(t *testing.T) {
	t.Parallel()
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvAPIURL {
				return v
			}
			return ""
		}
	}
	require.Equal(t, DefaultBaseURL, BaseURL(nil))
	require.Equal(t, DefaultBaseURL, BaseURL(env("  ")))
	require.Equal(t, "http://127.0.0.1:3000", BaseURL(env(" http://127.0.0.1:3000 ")))

	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"https://backend.flashback.tech/", "https://backend.flashback.tech", false},
		{"http://localhost:3000/api/", "http://localhost:3000/api", false},
		{"", "", true},
		{"backend.flashback.tech", "", true},
		{"ftp://x", "", true},
		{"https://user:pw@host", "", true},
		{"https://host/?q=1", "", true},
	}
	for _, tc := range tests {
		c, err := New(tc.in, http.DefaultClient, Options{})
		if tc.wantErr {
			require.Error(t, err, tc.in)
			require.NotContains(t, err.Error(), "pw@", "credentials in the URL are not echoed")
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, c.APIURL())
		require.Equal(t, tc.want+"/ai/llm?workspaceId=a+b", c.endpoint("/ai/llm", map[string][]string{"workspaceId": {"a b"}}))
	}
	_, err := New(DefaultBaseURL, nil, Options{})
	require.Error(t, err)
}

func TestAPIErrorText(t *testing.T) {
	t.Parallel()
	c, err := New(DefaultBaseURL, http.DefaultClient, Options{})
	require.NoError(t, err)
	c.remember("hunter2-very-secret-value")
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string
		want   string
	}{
		{"generic", 403, "application/json", `{"success":false,"message":"Insufficient permissions"}`,
			"delete ai llm x: flashback answered 403 forbidden: Insufficient permissions (request id r1)"},
		{"auth shape", 401, "application/json", `{"success":false,"error_code":"TOKEN_EXPIRED"}`,
			"delete ai llm x: flashback answered 401 unauthorized [TOKEN_EXPIRED] (request id r1)"},
		{"repo shape", 400, "application/json", `{"success":false,"error_code":"NOT_FOUND","error_message":"no repo"}`,
			"delete ai llm x: flashback answered 400 bad request: no repo [NOT_FOUND] (request id r1)"},
		{"500 with error", 500, "application/json", `{"success":false,"error":"db down"}`,
			"delete ai llm x: flashback answered 500 internal server error: db down (request id r1)"},
		{"html", 502, "text/html", `<html><body>Bad gateway</body></html>`,
			"delete ai llm x: flashback answered 502 bad gateway: not the Flashback API: a web server, proxy or captive portal answered 502 with an HTML page (is FLASHBACK_API_URL right, or is a proxy in the way?) (request id r1)"},
		{"escapes and secret", 400, "application/json", `{"success":false,"message":"bad \u001b]52;c;Zm9v\u0007key hunter2-very-secret-value"}`,
			"delete ai llm x: flashback answered 400 bad request: bad key [redacted] (request id r1)"},
		{"empty", 503, "", ``, "delete ai llm x: flashback answered 503 service unavailable (request id r1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{"X-Request-Id": {"r1"}}
			if tc.ctype != "" {
				h.Set("Content-Type", tc.ctype)
			}
			ae := c.apiError(&call{op: "delete ai llm x"}, &response{status: tc.status, header: h, body: []byte(tc.body)})
			require.Equal(t, tc.want, ae.Error())
		})
	}
}

func TestInUseErrorText(t *testing.T) {
	t.Parallel()
	e := &InUseError{ID: "c1", Repos: []Repo{{ID: "r1", Name: "support-bot"}, {ID: "r2", Name: "docs"}}}
	require.Equal(t, "delete ai llm c1: still used by repositories support-bot, docs; detach it from them first", e.Error())
	e = &InUseError{ID: "c1", Err: &APIError{Message: "in use by repositories: a"}}
	require.Contains(t, e.Error(), "in use by repositories: a")
}

func TestClean(t *testing.T) {
	t.Parallel()
	require.Equal(t, "plain", clean("plain"))
	require.Equal(t, "red", clean("\x1b[31mred\x1b[0m"))
	require.Equal(t, "ab", clean("a\rb"))
	require.Equal(t, "héllo", clean("héllo"))
	require.Equal(t, "abc…", clip("abcdef", 3))
}
