package demo_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/internal/demo"
	"github.com/fbllm/fbllm/session"
)

// TestDemoWorldIsRealistic: the demo is signed in, offers two workspaces,
// and its checks go through real probes against the simulated providers:
// working configurations verify, the revoked ones are rejected.
func TestDemoWorldIsRealistic(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, err := demo.Start(ctx, time.Now())
	require.NoError(t, err)
	defer w.Close()
	require.True(t, w.Session.Simulated())

	wss, err := w.Session.Workspaces(ctx)
	require.NoError(t, err)
	require.Len(t, wss, 2)
	_, err = w.Session.Use(ctx, "Production")
	require.NoError(t, err)

	l, err := w.Session.List(ctx, session.Scope{})
	require.NoError(t, err)
	byName := map[string]session.Item{}
	for _, it := range l.Items {
		byName[it.Name] = it
	}
	require.Contains(t, byName, "OpenAI GPT-4o")
	require.Contains(t, byName, "Ollama on this laptop")
	require.Contains(t, byName, "Old Anthropic key")

	status := func(r diagnose.Report, err error) diagnose.Status {
		t.Helper()
		require.NoError(t, err)
		return r.Status
	}
	require.Equal(t, diagnose.StatusVerified, status(w.Session.Validate(ctx, byName["OpenAI GPT-4o"])))
	require.Equal(t, diagnose.StatusVerified, status(w.Session.Validate(ctx, byName["Bedrock us-east-1"])))
	require.Equal(t, diagnose.StatusVerified, status(w.Session.Validate(ctx, byName["Gemini Flash"])))
	legacy, err := w.Session.Validate(ctx, byName["Legacy OpenAI key"])
	require.Equal(t, diagnose.StatusRejected, status(legacy, err))
	for _, d := range legacy.Diagnoses {
		require.NotContains(t, d.Evidence, "Error: Error:", "the platform's wording, once")
	}
	require.Equal(t, diagnose.StatusVerified, status(w.Session.Test(ctx, byName["Ollama on this laptop"], nil)))
	require.Equal(t, diagnose.StatusRejected, status(w.Session.Test(ctx, byName["Old Anthropic key"], nil)))
}

// TestDemoNeverLeavesTheMachine: a host the demo does not simulate is not
// even looked up; a real provider's host reaches the simulated provider,
// which does not know a secret typed by the user.
func TestDemoNeverLeavesTheMachine(t *testing.T) {
	ctx := context.Background()
	w, err := demo.Start(ctx, time.Now())
	require.NoError(t, err)
	defer w.Close()
	secret := "sk-proj-DemoTypedByAUserAAAAAAAAAAAAAAAAAA"
	it := session.Item{Name: "typed", AIType: "OPENAI", Endpoint: "https://llm.example.com/v1", Store: session.StoreLocal}
	r, err := diagnose.Run(ctx, diagnose.Target{Config: it.Ref(), Secret: secret}, w.Session.ProbeOptions())
	require.NoError(t, err)
	require.Equal(t, diagnose.StatusUnreachable, r.Status)
	p, ok := r.Primary()
	require.True(t, ok)
	require.Equal(t, "endpoint.dns", p.Code)
	require.Contains(t, r.Checks[1].Detail+p.Evidence+p.Explanation, "simulated providers")

	it.Endpoint = "https://api.openai.com/v1"
	r, err = diagnose.Run(ctx, diagnose.Target{Config: it.Ref(), Secret: secret}, w.Session.ProbeOptions())
	require.NoError(t, err)
	require.Equal(t, diagnose.StatusRejected, r.Status, "the simulated OpenAI answered")
}

// TestDemoShowsRealEndpoints: the demo's configurations carry the
// providers' real endpoints (no 127.0.0.1:PORT and no "looks like a local
// server" warning); the simulation is reached through the demo's own
// dialer and CA, which nothing outside the demo trusts.
func TestDemoShowsRealEndpoints(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, err := demo.Start(ctx, time.Now())
	require.NoError(t, err)
	defer w.Close()
	l, err := w.Session.List(ctx, session.Scope{AllWorkspaces: true})
	require.NoError(t, err)
	require.NotEmpty(t, l.Items)
	endpoints := map[string]string{}
	for _, it := range l.Items {
		endpoints[it.Name] = it.Endpoint
		require.NotContains(t, it.Endpoint, "127.0.0.1", it.Name)
	}
	require.Equal(t, "https://api.openai.com/v1", endpoints["OpenAI GPT-4o"])
	require.Equal(t, "https://api.anthropic.com", endpoints["Old Anthropic key"])
	require.Equal(t, "http://localhost:11434/v1", endpoints["Ollama on this laptop"])

	byName := map[string]session.Item{}
	for _, it := range l.Items {
		byName[it.Name] = it
	}
	r, err := w.Session.Test(ctx, byName["Ollama on this laptop"], nil)
	require.NoError(t, err)
	require.Equal(t, diagnose.StatusVerified, r.Status)
	tlsCheck, ok := r.Check(diagnose.CheckTLS)
	require.True(t, ok)
	require.Equal(t, diagnose.CheckSkip, tlsCheck.Status, "plain http on localhost")
	r, err = w.Session.Test(ctx, byName["Old Anthropic key"], nil)
	require.NoError(t, err)
	require.Equal(t, diagnose.StatusRejected, r.Status)
	tlsCheck, _ = r.Check(diagnose.CheckTLS)
	require.Equal(t, diagnose.CheckPass, tlsCheck.Status)
	require.Contains(t, tlsCheck.Detail, "fbllm demo", "the issuer says it is the demo's")
	for _, d := range r.Diagnoses {
		require.NotContains(t, d.Code, "input.", "no warning about the endpoint")
	}

	// The demo's CA is trusted by the demo's transport only.
	_, err = http.Get("https://" + w.ProviderAddr("api.openai.com:443"))
	require.Error(t, err, "an ordinary client does not trust the demo's certificates")
}
