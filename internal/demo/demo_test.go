package demo_test

import (
	"context"
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
	require.Equal(t, diagnose.StatusRejected, status(w.Session.Validate(ctx, byName["Legacy OpenAI key"])))
	require.Equal(t, diagnose.StatusVerified, status(w.Session.Test(ctx, byName["Ollama on this laptop"], nil)))
	require.Equal(t, diagnose.StatusRejected, status(w.Session.Test(ctx, byName["Old Anthropic key"], nil)))
}

// TestDemoNeverLeavesTheMachine: a real provider host typed in the demo is
// not even looked up.
func TestDemoNeverLeavesTheMachine(t *testing.T) {
	ctx := context.Background()
	w, err := demo.Start(ctx, time.Now())
	require.NoError(t, err)
	defer w.Close()
	secret := "sk-proj-DemoTypedByAUserAAAAAAAAAAAAAAAAAA"
	it := session.Item{Name: "typed", AIType: "OPENAI", Endpoint: "https://api.openai.com/v1", Store: session.StoreLocal}
	r, err := diagnose.Run(ctx, diagnose.Target{Config: it.Ref(), Secret: secret}, w.Session.ProbeOptions())
	require.NoError(t, err)
	require.Equal(t, diagnose.StatusUnreachable, r.Status)
	p, ok := r.Primary()
	require.True(t, ok)
	require.Equal(t, "endpoint.dns", p.Code)
	require.Contains(t, r.Checks[1].Detail+p.Evidence+p.Explanation, "simulated providers")
}
