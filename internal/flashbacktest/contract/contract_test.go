package contract

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSpecIsCurrent keeps the embedded copy equal to the shared reference
// when that is on disk (it is outside the repository).
func TestSpecIsCurrent(t *testing.T) {
	t.Parallel()
	orig, err := os.ReadFile("/work/shared/reference/flashback-openapi.yaml")
	if err != nil {
		t.Skip("shared reference not available:", err)
	}
	require.Equal(t, string(orig), string(Spec()), "copy /work/shared/reference/flashback-openapi.yaml here")
}

// TestCheckerCatches proves the checker fails on the mistakes it exists to
// catch, and passes conforming traffic.
func TestCheckerCatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		method  string
		path    string
		auth    bool
		body    string
		status  int
		answer  string
		header  map[string]string
		problem string // "" = none expected
	}{
		{name: "conforming list", method: "GET", path: "/ai/llm", auth: true, status: 200,
			answer: `{"success":true,"aiLlms":[{"id":"a","workspaceId":"w","name":"n","aiType":"OPENAI","key":null,"createdAt":"2026-01-02T03:04:05.000Z"}]}`},
		{name: "leaked secret", method: "GET", path: "/ai/llm", auth: true, status: 200,
			answer:  `{"success":true,"aiLlms":[{"id":"a","workspaceId":"w","name":"n","aiType":"OPENAI","secret":"sk-x"}]}`,
			problem: "response GET /ai/llm 200"},
		{name: "bad timestamp", method: "GET", path: "/ai/llm", auth: true, status: 200,
			answer:  `{"success":true,"aiLlms":[{"id":"a","workspaceId":"w","name":"n","aiType":"OPENAI","createdAt":"yesterday"}]}`,
			problem: "date-time"},
		{name: "misspelled field", method: "POST", path: "/ai/llm", auth: true, status: 200,
			body:    `{"name":"n","aiType":"OPENAI","endpoint":"https://x","secret":"s","workspace_id":"w"}`,
			answer:  `{"success":true,"aiLlmId":"a"}`,
			problem: "request POST /ai/llm"},
		{name: "missing bearer", method: "GET", path: "/workspace", status: 200,
			answer: `{"success":true,"workspaces":[]}`, problem: "security requirements failed"},
		{name: "take above 100", method: "GET", path: "/policy/violations?take=101", auth: true, status: 200,
			answer: `{"success":true,"violations":[],"total":0,"skip":0,"take":100}`, problem: "request GET /policy/violations"},
		{name: "undeclared status", method: "GET", path: "/ai/llm/available", auth: true, status: 403,
			answer: `{"success":false,"message":"no"}`, problem: "status not declared"},
		{name: "429 with error body", method: "GET", path: "/ai/llm", auth: true, status: 429,
			answer: `{"success":false,"message":"slow down"}`},
		{name: "429 with odd body", method: "GET", path: "/ai/llm", auth: true, status: 429,
			answer: `{"success":true}`, problem: "ErrorResponse"},
		{name: "deliberately malformed", method: "GET", path: "/ai/llm", auth: true, status: 200,
			answer: `{"success":tr`, header: map[string]string{faultHeader: "body"}},
		{name: "unknown operation", method: "GET", path: "/nope", auth: true, status: 404,
			answer: `{}`, problem: "no such operation"},
		{name: "mfa verify", method: "POST", path: "/mfa/verify-login", auth: true, status: 200,
			body:   `{"mfaType":"GOOGLE_AUTH","code":"123456"}`,
			answer: `{"success":true,"message":"ok","fullAccessToken":"a.b.c","refreshToken":"r"}`},
		{name: "mfa verify stray field", method: "POST", path: "/mfa/verify-login", auth: true, status: 200,
			body:   `{"mfaType":"GOOGLE_AUTH","code":"123456","otp":"1"}`,
			answer: `{"success":true,"message":"ok","fullAccessToken":"a.b.c","refreshToken":"r"}`, problem: `unexpected field "otp"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.answer))
			}))
			t.Cleanup(srv.Close)
			chk, err := New()
			require.NoError(t, err)
			hc := &http.Client{Transport: chk.Transport(nil)}
			var body *bytes.Reader
			if tc.body != "" {
				body = bytes.NewReader([]byte(tc.body))
			}
			var req *http.Request
			if body != nil {
				req, err = http.NewRequest(tc.method, srv.URL+tc.path, body)
				req.Header.Set("Content-Type", "application/json")
			} else {
				req, err = http.NewRequest(tc.method, srv.URL+tc.path, nil)
			}
			require.NoError(t, err)
			if tc.auth {
				req.Header.Set("Authorization", "Bearer tok")
			}
			resp, err := hc.Do(req)
			require.NoError(t, err)
			_ = resp.Body.Close()
			probs := strings.Join(chk.Problems(), "\n")
			if tc.problem == "" {
				require.Empty(t, probs)
			} else {
				require.Contains(t, probs, tc.problem)
			}
			require.NotEmpty(t, chk.Table())
		})
	}
}
