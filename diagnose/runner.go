package diagnose

import (
	"container/heap"
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/fbllm/fbllm/client"
)

// Limits bound how many probes run at once. Probes wait on the network,
// not the CPU, so the total is generous; the per-host cap keeps one
// gateway that serves many configurations (a LiteLLM, a company proxy)
// from seeing a burst that looks like an attack or trips its rate limit.
type Limits struct {
	// Total is the most probes in flight.
	Total int
	// PerHost is the most probes in flight to one endpoint host and port.
	PerHost int
}

// DefaultLimits are what test --all uses. A probe is two requests (the
// key, then a wrong key as the negative control) that wait on the network,
// so 256 at once — well under the usual 1,024 open files — keep 500
// configurations behind 200 ms providers to two waves (1.5 s measured
// with the encrypted-file keyring, against 13 s with 16 at once), while a
// single host sees at most 8 probes at a time.
var DefaultLimits = Limits{Total: 256, PerHost: 8}

// HostKey is the per-host key of an endpoint: its host and port, lower
// case; the endpoint itself when it does not parse (each such one is its
// own host).
func HostKey(endpoint string) string {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || u.Host == "" {
		return endpoint
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return strings.ToLower(u.Hostname()) + ":" + port
}

// ForEach calls fn(i) for every i in [0, n), with at most lim.Total calls
// running at once and at most lim.PerHost for the same host(i). Calls
// start in index order as far as the limits allow: a host at its cap does
// not hold back the others. When ctx ends, calls not started yet are
// skipped (skipped(i) is called for each instead) and ForEach returns once
// the running ones have. Scheduling costs O(log hosts) per call, so 10,000
// configurations on one gateway cost no more than on 10,000 hosts.
func ForEach(ctx context.Context, n int, host func(i int) string, lim Limits, fn func(i int), skipped func(i int)) {
	if lim.Total <= 0 {
		lim.Total = DefaultLimits.Total
	}
	if lim.PerHost <= 0 {
		lim.PerHost = lim.Total
	}
	// Each host's pending indices, in order; ready holds the hosts that
	// have pending work and room, ordered by their first pending index.
	queues := map[string][]int{}
	for i := range n {
		h := host(i)
		queues[h] = append(queues[h], i)
	}
	running := map[string]int{}
	ready := &hostHeap{queues: queues}
	for h := range queues {
		heap.Push(ready, h)
	}
	var (
		mu      sync.Mutex
		cond    = sync.NewCond(&mu)
		total   int
		started = make([]bool, n)
		wg      sync.WaitGroup
	)
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		cond.Broadcast()
		mu.Unlock()
	})
	defer stop()
	mu.Lock()
	for left := n; left > 0 && ctx.Err() == nil; {
		if total >= lim.Total || ready.Len() == 0 {
			cond.Wait()
			continue
		}
		h := heap.Pop(ready).(string)
		i := queues[h][0]
		queues[h] = queues[h][1:]
		running[h]++
		if len(queues[h]) > 0 && running[h] < lim.PerHost {
			heap.Push(ready, h)
		}
		started[i], left, total = true, left-1, total+1
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i)
			mu.Lock()
			total--
			running[h]--
			// The host has room again: back in line, unless it already is.
			if len(queues[h]) > 0 && running[h] == lim.PerHost-1 {
				heap.Push(ready, h)
			}
			cond.Broadcast()
			mu.Unlock()
		}()
	}
	mu.Unlock()
	wg.Wait()
	if skipped != nil {
		for i, s := range started {
			if !s {
				skipped(i)
			}
		}
	}
}

// hostHeap orders hosts by the first index each still has to start.
type hostHeap struct {
	hosts  []string
	queues map[string][]int
}

func (h *hostHeap) Len() int           { return len(h.hosts) }
func (h *hostHeap) Less(a, b int) bool { return h.queues[h.hosts[a]][0] < h.queues[h.hosts[b]][0] }
func (h *hostHeap) Swap(a, b int)      { h.hosts[a], h.hosts[b] = h.hosts[b], h.hosts[a] }
func (h *hostHeap) Push(x any)         { h.hosts = append(h.hosts, x.(string)) }
func (h *hostHeap) Pop() any {
	last := h.hosts[len(h.hosts)-1]
	h.hosts = h.hosts[:len(h.hosts)-1]
	return last
}

// Result is one RunAll outcome: the report, or the error Run returned.
type Result struct {
	Report Report
	Err    error
}

// RunAll tests targets within lim (zero fields mean DefaultLimits') and
// returns the results in input order. All probes share one transport, so
// connections to a common host are reused. When ctx ends, targets not
// started yet get ctx's error and running ones stop at their next network
// step.
func RunAll(ctx context.Context, targets []Target, opts Options, lim Limits) ([]Result, error) {
	if opts.Transport == nil {
		tr, err := client.NewTransport(opts.TransportOptions)
		if err != nil {
			return nil, fmt.Errorf("diagnose: %w", err)
		}
		defer tr.CloseIdleConnections()
		opts.Transport = tr
	}
	if lim.PerHost == 0 {
		lim.PerHost = DefaultLimits.PerHost
	}
	results := make([]Result, len(targets))
	ForEach(ctx, len(targets), func(i int) string { return HostKey(targets[i].Config.Endpoint) }, lim,
		func(i int) {
			rep, err := Run(ctx, targets[i], opts)
			results[i] = Result{Report: rep, Err: err}
		},
		func(i int) { results[i].Err = ctx.Err() })
	return results, nil
}
