package diagnose

import (
	"context"
	"fmt"
	"sync"

	"github.com/fbllm/fbllm/client"
)

// DefaultParallelism bounds RunAll when the caller gives no limit: enough
// to hide per-provider latency (50 configurations answering in 200 ms
// take four waves, 0.8 s; with 8 they would take seven, 1.4 s), few
// enough not to look like a burst to a proxy or a rate limiter.
const DefaultParallelism = 16

// Result is one RunAll outcome: the report, or the error Run returned.
type Result struct {
	Report Report
	Err    error
}

// RunAll tests targets with at most parallel probes in flight (0 means
// DefaultParallelism) and returns the results in input order. All probes
// share one transport, so connections to a common host are reused. When
// ctx ends, targets not started yet get ctx's error and running ones stop
// at their next network step.
func RunAll(ctx context.Context, targets []Target, opts Options, parallel int) ([]Result, error) {
	if parallel <= 0 {
		parallel = DefaultParallelism
	}
	if opts.Transport == nil {
		tr, err := client.NewTransport(opts.TransportOptions)
		if err != nil {
			return nil, fmt.Errorf("diagnose: %w", err)
		}
		defer tr.CloseIdleConnections()
		opts.Transport = tr
	}
	results := make([]Result, len(targets))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, t := range targets {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			for j := i; j < len(targets); j++ {
				results[j].Err = ctx.Err()
			}
			wg.Wait()
			return results, nil
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			rep, err := Run(ctx, t, opts)
			results[i] = Result{Report: rep, Err: err}
		}()
	}
	wg.Wait()
	return results, nil
}
