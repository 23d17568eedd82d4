package client_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/flashbacktest"
)

// method is one client method and the route it uses.
type method struct {
	name  string
	route string
	kind  string // "read" (GET: retried), "write" (PUT/DELETE: retried), "create", "post" (never retried), "auth"
	call  func(c *client.Client, e *env) error
}

func methods() []method {
	return []method{
		{"ListLLMs", "GET /ai/llm", "read", func(c *client.Client, e *env) error {
			_, err := c.ListLLMs(ctxBG(), e.ws("Production"))
			return err
		}},
		{"AvailableLLMs", "GET /ai/llm/available", "read", func(c *client.Client, _ *env) error {
			_, err := c.AvailableLLMs(ctxBG())
			return err
		}},
		{"LLMStats", "GET /ai/llm/stats", "read", func(c *client.Client, _ *env) error {
			_, err := c.LLMStats(ctxBG(), "")
			return err
		}},
		{"Workspaces", "GET /workspace", "read", func(c *client.Client, _ *env) error {
			_, err := c.Workspaces(ctxBG())
			return err
		}},
		{"Workspace", "GET /workspace/{id}", "read", func(c *client.Client, e *env) error {
			_, err := c.Workspace(ctxBG(), e.ws("Research"))
			return err
		}},
		{"Profile", "GET /user/profile", "read", func(c *client.Client, _ *env) error {
			_, err := c.Profile(ctxBG())
			return err
		}},
		{"Repos", "GET /repo", "read", func(c *client.Client, e *env) error {
			_, err := c.Repos(ctxBG(), e.ws("Production"))
			return err
		}},
		{"Policies", "GET /policy", "read", func(c *client.Client, e *env) error {
			_, err := c.Policies(ctxBG(), client.PolicyQuery{WorkspaceID: e.ws("Production")})
			return err
		}},
		{"Violations", "GET /policy/violations", "read", func(c *client.Client, _ *env) error {
			_, _, err := c.Violations(ctxBG(), client.ViolationQuery{})
			return err
		}},
		{"CreateLLM", "POST /ai/llm", "create", func(c *client.Client, e *env) error {
			_, err := c.CreateLLM(ctxBG(), client.NewLLM{WorkspaceID: e.ws("Production"), Name: "matrix", AIType: assets.Google,
				Endpoint: "https://generativelanguage.googleapis.com/v1beta", Secret: "AIzaMatrixTestSecretQm3xT9vLp2"})
			return err
		}},
		{"UpdateLLM", "PUT /ai/llm/{id}", "write", func(c *client.Client, e *env) error {
			ep := "https://generativelanguage.googleapis.com/v1"
			return c.UpdateLLM(ctxBG(), e.llm("Gemini Flash"), client.LLMPatch{Endpoint: &ep})
		}},
		{"DeleteLLM", "DELETE /ai/llm/{id}", "write", func(c *client.Client, e *env) error {
			return c.DeleteLLM(ctxBG(), e.llm("Gemini Flash"))
		}},
		{"ValidateLLM", "POST /ai/llm/{id}/validate", "post", func(c *client.Client, e *env) error {
			_, err := c.ValidateLLM(ctxBG(), e.llm("Gemini Flash"))
			return err
		}},
		{"Logout", "POST /user/logout", "post", func(c *client.Client, _ *env) error {
			return c.Logout(ctxBG())
		}},
		{"refresh on 401", "POST /user/refresh", "auth", func(c *client.Client, e *env) error {
			e.sim.Advance(2 * time.Hour) // the server refuses the token; the client learns it from the 401
			_, err := c.Workspaces(ctxBG())
			return err
		}},
	}
}

// TestMethodErrorMatrix runs every client method against the same four
// failures — 401 once, 500 once, a malformed answer, no answer in time —
// and checks the retry policy: reads and idempotent writes retry, a create
// looks before it resends, other POSTs never repeat.
func TestMethodErrorMatrix(t *testing.T) {
	t.Parallel()
	for _, m := range methods() {
		t.Run(m.name+"/401 once", func(t *testing.T) {
			t.Parallel()
			if m.kind == "auth" {
				t.Skip("a 401 from the refresh itself is covered by TestErrorPaths")
			}
			e := newEnv(t, flashbacktest.Options{})
			c := e.signedIn()
			e.sim.Inject(m.route, flashbacktest.Fault{Status: 401, Message: "Unauthorized: invalid or expired token", Times: 1})
			require.NoError(t, m.call(c, e))
			require.Equal(t, 1, e.sim.Count("POST /user/refresh"), "refreshed once")
			require.Equal(t, 2, e.sim.Count(m.route), "and sent once more")
		})
		t.Run(m.name+"/500 once", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, flashbacktest.Options{})
			c := e.signedIn()
			e.sim.Inject(m.route, flashbacktest.Fault{Status: 500, Message: "Internal error", Times: 1})
			err := m.call(c, e)
			switch m.kind {
			case "read", "write", "create":
				require.NoError(t, err)
				require.Equal(t, 2, e.sim.Count(m.route))
			default:
				requireCode(t, err, client.ErrServer, "flashback.unreachable")
				require.Equal(t, 1, e.sim.Count(m.route), "not repeated")
			}
			if m.kind == "create" {
				require.Equal(t, 1, e.countLLMs("matrix"))
			}
		})
		t.Run(m.name+"/malformed", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, flashbacktest.Options{})
			c := e.signedIn()
			e.sim.Inject(m.route, flashbacktest.Fault{Body: `{"success":true,"x":[`, Times: 1})
			err := m.call(c, e)
			if m.kind == "create" {
				// The answer was unreadable but the fault kept the request
				// from the handler: nothing stored, so it is sent again.
				require.NoError(t, err)
				require.Equal(t, 2, e.sim.Count(m.route))
				require.Equal(t, 1, e.countLLMs("matrix"))
				return
			}
			requireCode(t, err, client.ErrBadResponse, "flashback.unreachable")
			require.Equal(t, 1, e.sim.Count(m.route), "a readable-but-wrong answer is not retried")
		})
		t.Run(m.name+"/slow", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, flashbacktest.Options{})
			c := e.client(client.Options{Timeout: 100 * time.Millisecond, ValidateTimeout: 100 * time.Millisecond,
				MaxAttempts: 2, MaxRetryWait: 10 * time.Millisecond})
			_, err := c.Login(ctxBG(), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
			require.NoError(t, err)
			e.sim.Inject(m.route, flashbacktest.Fault{Latency: 400 * time.Millisecond})
			err = m.call(c, e)
			requireCode(t, err, client.ErrUnreachable, "flashback.unreachable")
			want := map[string]int{"read": 2, "write": 2, "create": 2, "post": 1, "auth": 1}[m.kind]
			require.Equal(t, want, e.sim.Count(m.route))
			if m.kind == "create" {
				require.Equal(t, 0, e.countLLMs("matrix"))
			}
		})
	}
}
