package diagnose

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestForEachKeepsBothLimits: never more than Total calls at once, never
// more than PerHost to one host, every call made once, and a host at its
// cap does not hold back the others.
func TestForEachKeepsBothLimits(t *testing.T) {
	t.Parallel()
	const n = 300
	host := func(i int) string {
		if i < 200 {
			return "gateway:443" // 200 configurations behind one gateway
		}
		return fmt.Sprintf("host-%d:443", i)
	}
	var (
		mu                sync.Mutex
		total, maxTotal   int
		perHost           = map[string]int{}
		maxGateway, calls int
		seen              = map[int]bool{}
	)
	ForEach(context.Background(), n, host, Limits{Total: 40, PerHost: 5}, func(i int) {
		mu.Lock()
		total++
		perHost[host(i)]++
		maxTotal = max(maxTotal, total)
		if host(i) == "gateway:443" {
			maxGateway = max(maxGateway, perHost[host(i)])
		}
		require.False(t, seen[i], "called twice")
		seen[i] = true
		calls++
		mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		total--
		perHost[host(i)]--
		mu.Unlock()
	}, nil)
	require.Equal(t, n, calls)
	require.LessOrEqual(t, maxTotal, 40)
	require.Equal(t, 5, maxGateway, "the gateway is kept at its cap, and reaches it")
	require.Greater(t, maxTotal, 5, "the other hosts ran beside the capped gateway")
}

// TestForEachStopsWhenCancelled: calls not started when ctx ends are
// reported as skipped, and ForEach waits for the running ones.
func TestForEachStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	ran, skipped := 0, 0
	ForEach(ctx, 50, func(int) string { return "h:1" }, Limits{Total: 4, PerHost: 4}, func(i int) {
		mu.Lock()
		ran++
		if ran == 4 {
			cancel()
		}
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}, func(int) { skipped++ })
	require.Equal(t, 50, ran+skipped)
	require.Less(t, ran, 50)
}

func TestHostKey(t *testing.T) {
	t.Parallel()
	require.Equal(t, "api.openai.com:443", HostKey("https://API.openai.com/v1"))
	require.Equal(t, "127.0.0.1:8080", HostKey("http://127.0.0.1:8080/v1"))
	require.Equal(t, "localhost:80", HostKey("http://localhost/v1"))
	require.Equal(t, "not a url", HostKey("not a url"))
}

// BenchmarkForEach10000OneHost is the scheduling cost of 10,000
// configurations behind one gateway.
func BenchmarkForEach10000OneHost(b *testing.B) {
	for b.Loop() {
		ForEach(context.Background(), 10000, func(int) string { return "gw:443" }, DefaultLimits, func(int) {}, nil)
	}
}
