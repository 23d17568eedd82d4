//go:build linux

package client_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/providertest"
)

// BenchmarkFlashbackAPIDown (issue 14.6) is the Flashback part of a
// signed-in `fbllm list` with the API down, with the production transport
// and retry policy: the first call (the workspaces) against an unroutable
// address (connects hang until the 5 s dial timeout) and a refused port.
// A connect that failed is not retried: one dial timeout, not three.
func BenchmarkFlashbackAPIDown(b *testing.B) {
	for _, c := range []struct {
		name  string
		fault func() (*providertest.Fault, error)
	}{
		{"unroutable", providertest.ConnectBlackhole},
		{"refused", providertest.ClosedPort},
	} {
		b.Run(c.name, func(b *testing.B) {
			f, err := c.fault()
			require.NoError(b, err)
			b.Cleanup(f.Close)
			tr, err := client.NewTransport(client.TransportOptions{Getenv: func(string) string { return "" }})
			require.NoError(b, err)
			b.Cleanup(tr.CloseIdleConnections)
			api, err := client.New(f.URL, &http.Client{Transport: tr}, client.Options{Token: "tok-benchmark-0123456789"})
			require.NoError(b, err)
			var elapsed time.Duration
			for b.Loop() {
				start := time.Now()
				_, err := api.Workspaces(context.Background())
				elapsed = time.Since(start)
				require.ErrorIs(b, err, client.ErrUnreachable)
			}
			b.ReportMetric(float64(elapsed.Milliseconds()), "ms/call")
			if elapsed > 6*time.Second {
				b.Errorf("the API being down cost %v (budget: one 5 s connect timeout)", elapsed)
			}
		})
	}
}
