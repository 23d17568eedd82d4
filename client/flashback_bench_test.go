package client_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/flashbacktest"
)

// bigWorkspace starts a simulator whose Production workspace holds n more
// configurations (n+5 in all) and returns a signed-in client on plain
// loopback HTTP, without the contract checker in the way.
func bigWorkspace(tb testing.TB, n int) (*client.Client, string, int) {
	tb.Helper()
	sim := flashbacktest.New(flashbacktest.Options{})
	seed := flashbacktest.Demo(time.Now())
	prod := seed.Workspaces[0].ID
	for i := range n {
		seed.LLMs = append(seed.LLMs, flashbacktest.LLM{
			Name: fmt.Sprintf("team-%04d OpenAI", i), WorkspaceID: prod, AIType: "OPENAI",
			Endpoint: "https://api.openai.com/v1", Key: fmt.Sprintf("org-%020d", i),
			Secret: fmt.Sprintf("sk-proj-bench%032d", i), CreatedAt: time.Now().Add(-time.Duration(i) * time.Minute),
		})
	}
	require.NoError(tb, sim.Load(seed))
	ts := httptest.NewServer(sim)
	tb.Cleanup(ts.Close)
	c, err := client.New(ts.URL, &http.Client{}, client.Options{})
	require.NoError(tb, err)
	_, err = c.Login(ctxBG(), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	require.NoError(tb, err)
	return c, prod, n + 5
}

// BenchmarkListLLMs1000 lists 1,000 remote configurations over loopback:
// request, server encoding, transfer, decoding, sanitising.
func BenchmarkListLLMs1000(b *testing.B) {
	c, ws, want := bigWorkspace(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		list, err := c.ListLLMs(ctxBG(), ws)
		if err != nil || len(list) != want {
			b.Fatalf("list: %d, %v", len(list), err)
		}
	}
}

// BenchmarkListLLMs1000ClientOnly isolates the client's share: the same
// answer, recorded once from the simulator, is served from memory, so the
// simulator's own encoding is not measured.
func BenchmarkListLLMs1000ClientOnly(b *testing.B) {
	body := recordedList(b, 1000)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	b.Cleanup(ts.Close)
	c, err := client.New(ts.URL, &http.Client{}, client.Options{Token: "bench-token"})
	require.NoError(b, err)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		list, err := c.ListLLMs(ctxBG(), "ws")
		if err != nil || len(list) != 1005 {
			b.Fatalf("list: %d, %v", len(list), err)
		}
	}
}

// recordedList returns the simulator's GET /ai/llm answer for n+5
// configurations.
func recordedList(tb testing.TB, n int) []byte {
	tb.Helper()
	sim := flashbacktest.New(flashbacktest.Options{})
	seed := flashbacktest.Demo(time.Now())
	for i := range n {
		seed.LLMs = append(seed.LLMs, flashbacktest.LLM{Name: fmt.Sprintf("team-%04d OpenAI", i), WorkspaceID: seed.Workspaces[0].ID,
			AIType: "OPENAI", Endpoint: "https://api.openai.com/v1", Key: fmt.Sprintf("org-%020d", i), Secret: "sk-x"})
	}
	require.NoError(tb, sim.Load(seed))
	tok, err := sim.IssueAccessToken(flashbacktest.DemoEmail, 0)
	require.NoError(tb, err)
	req := httptest.NewRequest(http.MethodGet, "/ai/llm?workspaceId="+seed.Workspaces[0].ID, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, req)
	require.Equal(tb, http.StatusOK, rec.Code)
	return rec.Body.Bytes()
}

// TestListLLMs1000Budget measures the first and the typical list of 1,000
// configurations and the process memory, for the "keypress to first
// rendered list ≤ 150 ms" budget the UI has to meet: the client's share
// must be a small fraction of it. It does not run in parallel: timings
// want a quiet process.
func TestListLLMs1000Budget(t *testing.T) {
	c, ws, want := bigWorkspace(t, 1000)
	start := time.Now()
	list, err := c.ListLLMs(ctxBG(), ws)
	first := time.Since(start)
	require.NoError(t, err)
	require.Len(t, list, want)
	var best time.Duration
	for i := range 10 {
		start = time.Now()
		_, err = c.ListLLMs(ctxBG(), ws)
		require.NoError(t, err)
		if d := time.Since(start); i == 0 || d < best {
			best = d
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("list of %d: first %s, best of 10 %s; heap %d MiB, Sys %d MiB, %s",
		want, first.Round(time.Microsecond), best.Round(time.Microsecond), ms.HeapAlloc>>20, ms.Sys>>20, vmRSS())
	// A generous bound that still catches a regression by an order of
	// magnitude, also under -race on a loaded machine.
	require.Less(t, best, time.Second)
}

// vmRSS reads the resident set size on Linux.
func vmRSS() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "VmRSS n/a"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			return "VmRSS " + strings.Join(strings.Fields(strings.TrimPrefix(line, "VmRSS:")), " ")
		}
	}
	return "VmRSS n/a"
}
