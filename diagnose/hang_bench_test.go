//go:build linux

package diagnose

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/providertest"
)

// BenchmarkHangDiagnosis (issue 14.4, 14.5) measures, with the production
// timeouts, how long a diagnosis takes when one layer hangs — the connect,
// a proxy's CONNECT answer, the answer after a completed TLS handshake or
// after a plain-http request, the body — and reports the ms the checklist
// row of that layer shows ("row_ms"), which must be the real time spent.
// Budget: 6 s each.
func BenchmarkHangDiagnosis(b *testing.B) {
	fault := func(f *providertest.Fault, err error) *providertest.Fault {
		b.Helper()
		require.NoError(b, err)
		b.Cleanup(f.Close)
		return f
	}
	cases := []struct {
		name  string
		setup func() (endpoint string, env map[string]string, roots *x509.CertPool)
		row   CheckID
	}{
		{"connect", func() (string, map[string]string, *x509.CertPool) {
			return fault(providertest.ConnectBlackhole()).URL, nil, nil
		}, CheckTCP},
		{"proxy-connect", func() (string, map[string]string, *x509.CertPool) {
			return "https://api.openai.com/v1", map[string]string{"HTTPS_PROXY": fault(providertest.ConnectHangProxy()).URL}, nil
		}, CheckProxy},
		{"after-tls", func() (string, map[string]string, *x509.CertPool) {
			srv := httptest.NewTLSServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
			b.Cleanup(srv.Close)
			pool := x509.NewCertPool()
			pool.AddCert(srv.Certificate())
			return srv.URL + "/v1", nil, pool
		}, CheckHTTP},
		{"plain-http", func() (string, map[string]string, *x509.CertPool) {
			return fault(providertest.Blackhole("http")).URL, nil, nil
		}, CheckHTTP},
		{"body", func() (string, map[string]string, *x509.CertPool) {
			return fault(providertest.BodyHang()).URL, nil, nil
		}, CheckHTTP},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			endpoint, env, roots := c.setup()
			// The production transport: only the environment and the test
			// server's root are injected.
			tr, err := client.NewTransport(client.TransportOptions{Getenv: func(k string) string { return env[k] }, RootCAs: roots})
			require.NoError(b, err)
			b.Cleanup(tr.CloseIdleConnections)
			target := targetFor(assets.Other, "")
			target.Config.Endpoint = endpoint
			var elapsed time.Duration
			var rowMS int64
			for b.Loop() {
				start := time.Now()
				rep, err := Run(context.Background(), target, Options{Transport: tr})
				elapsed = time.Since(start)
				require.NoError(b, err)
				require.NotEqual(b, StatusVerified, rep.Status)
				row, _ := rep.Check(c.row)
				rowMS = row.MS
			}
			b.ReportMetric(float64(elapsed.Milliseconds()), "ms/diagnosis")
			b.ReportMetric(float64(rowMS), "row_ms")
			if elapsed > 6*time.Second {
				b.Errorf("a hang at %s took %v to diagnose (budget 6 s)", c.name, elapsed)
			}
		})
	}
}
