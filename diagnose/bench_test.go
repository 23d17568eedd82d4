package diagnose

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/providertest"
)

// slowFleet starts n simulated OpenAI-type providers that each answer
// after delay, and returns one target per server.
func slowFleet(tb testing.TB, n int, delay time.Duration) []Target {
	tb.Helper()
	targets := make([]Target, n)
	for i := range targets {
		o := providerOptions(assets.OpenAI, "")
		o.Delay = delay
		srv := httptest.NewServer(providertest.NewProvider(o))
		tb.Cleanup(srv.Close)
		targets[i] = targetFor(assets.OpenAI, srv.URL)
	}
	return targets
}

// BenchmarkRunAll50Slow is `fbllm test --all` over 50 configurations whose
// servers each answer after 200 ms. Within DefaultLimits they all run at
// once: one wave of two requests, about 0.45 s; the budget is 1 s.
func BenchmarkRunAll50Slow(b *testing.B) {
	targets := slowFleet(b, 50, 200*time.Millisecond)
	tr := testTransport(b, nil, clientOpts())
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		res, err := RunAll(context.Background(), targets, Options{Transport: tr}, Limits{})
		elapsed := time.Since(start)
		require.NoError(b, err)
		for _, r := range res {
			require.NoError(b, r.Err)
			require.Equal(b, StatusVerified, r.Report.Status)
		}
		if elapsed > time.Second {
			b.Fatalf("test --all over 50 slow configurations took %v (budget 1s)", elapsed)
		}
	}
}

// BenchmarkBlackholeDiagnosis measures how long a diagnosis takes against
// a server that accepts and never answers, with the production timeouts:
// over https the TLS handshake limit (5 s) ends it; the budget is 6 s.
func BenchmarkBlackholeDiagnosis(b *testing.B) {
	f, err := providertest.Blackhole("https")
	require.NoError(b, err)
	b.Cleanup(f.Close)
	tr := testTransport(b, nil, client.TransportOptions{})
	target := targetFor(assets.Other, "")
	target.Config.Endpoint = f.URL
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		rep, err := Run(context.Background(), target, Options{Transport: tr})
		elapsed := time.Since(start)
		require.NoError(b, err)
		require.Equal(b, CodeEndpointTimeout, primary(rep))
		if elapsed > 6*time.Second {
			b.Fatalf("blackhole diagnosis took %v (budget 6s)", elapsed)
		}
	}
}

// BenchmarkClassify is the cost of classifying one captured failure.
func BenchmarkClassify(b *testing.B) {
	fixtures, err := providertest.Fixtures()
	require.NoError(b, err)
	results := make([]*client.ProbeResult, len(fixtures))
	for i, fx := range fixtures {
		results[i] = &client.ProbeResult{URL: "https://api.example.com/v1/models", StatusCode: fx.Status, Header: fx.Header, Body: fx.Body, Phase: client.PhaseBody}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		fx := fixtures[i%len(fixtures)]
		_ = Classify(fx.Type, results[i%len(results)])
	}
}

// TestRunAllWithinBudget is the benchmark's assertion as a test, so CI
// checks it: 50 configurations at 200 ms each within 1 s, results in
// input order.
func TestRunAllWithinBudget(t *testing.T) {
	t.Parallel()
	targets := slowFleet(t, 50, 200*time.Millisecond)
	for i := range targets {
		targets[i].Config.Name = string(rune('A'+i%26)) + string(rune('a'+i/26))
	}
	tr := testTransport(t, nil, clientOpts())
	start := time.Now()
	res, err := RunAll(context.Background(), targets, Options{Transport: tr}, Limits{})
	elapsed := time.Since(start)
	require.NoError(t, err)
	require.Len(t, res, 50)
	for i, r := range res {
		require.NoError(t, r.Err)
		require.Equal(t, targets[i].Config.Name, r.Report.Config.Name, "results are in input order")
		require.Equal(t, StatusVerified, r.Report.Status)
	}
	// One after the other: 50 × 200 ms = 10 s; in parallel about 0.8 s.
	// The bound only has to tell those apart, with room for a loaded
	// machine (the speed itself is BenchmarkRunAll50Slow's job).
	require.Less(t, elapsed, 5*time.Second, "RunAll must run probes in parallel (took %v)", elapsed)
}

// TestRunAllCancel: cancelling the context ends the run promptly; targets
// not started carry the context's error.
func TestRunAllCancel(t *testing.T) {
	t.Parallel()
	targets := slowFleet(t, 20, 2*time.Second)
	tr := testTransport(t, nil, clientOpts())
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := RunAll(ctx, targets, Options{Transport: tr}, Limits{Total: 4})
	require.NoError(t, err)
	require.Less(t, time.Since(start), 1500*time.Millisecond)
	require.Len(t, res, 20)
	for _, r := range res {
		require.ErrorIs(t, r.Err, context.DeadlineExceeded)
	}
}

// TestBlackholeProductionBudget runs the blackhole with the production
// timeouts: the diagnosis must come within 6 s.
func TestBlackholeProductionBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 5 s")
	}
	t.Parallel()
	f, err := providertest.Blackhole("https")
	require.NoError(t, err)
	t.Cleanup(f.Close)
	tr := testTransport(t, nil, client.TransportOptions{})
	target := targetFor(assets.Other, "")
	target.Config.Endpoint = f.URL
	start := time.Now()
	rep := runOne(t, target, tr)
	elapsed := time.Since(start)
	require.Equal(t, CodeEndpointTimeout, primary(rep))
	require.Less(t, elapsed, 6*time.Second)
	require.Greater(t, elapsed, 4*time.Second, "the production TLS handshake limit is 5 s")
}
