//go:build linux

package client

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/internal/providertest"
)

// TestProbeStallNamesTheLayer: whichever layer hangs — the connect, the
// proxy's CONNECT answer, the TLS handshake, the first response byte, the
// body — the probe ends after the stall budget with a ProbeStallError
// naming that layer, long before the overall timeout. The per-phase
// timeouts of net/http are set far out so only the stall budget can end
// the probe in time.
func TestProbeStallNamesTheLayer(t *testing.T) {
	t.Parallel()
	const stall = 400 * time.Millisecond
	start := func(f *providertest.Fault, err error) *providertest.Fault {
		t.Helper()
		require.NoError(t, err)
		t.Cleanup(f.Close)
		return f
	}
	tests := []struct {
		name     string
		endpoint func() (string, map[string]string)
		phase    ProbePhase
	}{
		{"connect", func() (string, map[string]string) {
			return start(providertest.ConnectBlackhole()).URL, nil
		}, PhaseConnect},
		{"proxy CONNECT", func() (string, map[string]string) {
			return "https://api.openai.com/v1", map[string]string{"HTTPS_PROXY": start(providertest.ConnectHangProxy()).URL}
		}, PhaseProxy},
		{"tls handshake", func() (string, map[string]string) {
			return start(providertest.Blackhole("https")).URL, nil
		}, PhaseTLS},
		{"first byte after plain http", func() (string, map[string]string) {
			return start(providertest.Blackhole("http")).URL, nil
		}, PhaseFirstByte},
		{"body", func() (string, map[string]string) {
			return start(providertest.BodyHang()).URL, nil
		}, PhaseBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			endpoint, env := tt.endpoint()
			tr, err := NewTransport(TransportOptions{
				Getenv:      func(k string) string { return env[k] },
				DialTimeout: 10 * time.Second, TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: 10 * time.Second,
				Timeout: 10 * time.Second, StallTimeout: stall,
			})
			require.NoError(t, err)
			t.Cleanup(tr.CloseIdleConnections)
			began := time.Now()
			res := Probe(context.Background(), tr, ProbeRequest{Type: assets.OpenAI, Endpoint: endpoint, Secret: "sk-test"})
			elapsed := time.Since(began)
			require.Less(t, elapsed, stall+time.Second, "the stall budget must end the probe")
			var se *ProbeStallError
			if tt.phase == PhaseBody {
				require.NoError(t, res.Err)
				require.Equal(t, 200, res.StatusCode)
				require.ErrorAs(t, res.BodyErr, &se)
			} else {
				require.ErrorAs(t, res.Err, &se, "%v", res.Err)
				require.Equal(t, tt.phase, res.Phase)
			}
			require.Equal(t, tt.phase, se.Phase)
			var ne net.Error
			require.True(t, errors.As(se, &ne) && ne.Timeout(), "a stall is a timeout")
			require.True(t, strings.Contains(se.Error(), tt.phase.String()), se.Error())
		})
	}
}

// TestTimingsOfAHungConnect: a connect abandoned at its timeout reports
// the time it really took, not 0 (issue: the JSON showed "ms": 0 for a
// 5 s connect timeout).
func TestTimingsOfAHungConnect(t *testing.T) {
	t.Parallel()
	f, err := providertest.ConnectBlackhole()
	require.NoError(t, err)
	t.Cleanup(f.Close)
	const dial = 300 * time.Millisecond
	tr, err := NewTransport(TransportOptions{Getenv: func(string) string { return "" }, DialTimeout: dial, Timeout: 5 * time.Second})
	require.NoError(t, err)
	res := Probe(context.Background(), tr, ProbeRequest{Type: assets.Other, Endpoint: f.URL, Secret: "x-test-secret"})
	require.Error(t, res.Err)
	require.Equal(t, PhaseConnect, res.Phase)
	require.GreaterOrEqual(t, res.Timings.Connect, dial-20*time.Millisecond, "%+v", res.Timings)
	require.Less(t, res.Timings.Connect, dial+500*time.Millisecond)
}

// TestTimingsOfAHungFirstByte: the request layer's time of a probe
// abandoned waiting for the answer is the wait.
func TestTimingsOfAHungFirstByte(t *testing.T) {
	t.Parallel()
	f, err := providertest.Blackhole("http")
	require.NoError(t, err)
	t.Cleanup(f.Close)
	tr, err := NewTransport(TransportOptions{Getenv: func(string) string { return "" }, ResponseHeaderTimeout: 300 * time.Millisecond, Timeout: 5 * time.Second})
	require.NoError(t, err)
	res := Probe(context.Background(), tr, ProbeRequest{Type: assets.Other, Endpoint: f.URL, Secret: "x-test-secret"})
	require.Error(t, res.Err)
	require.Equal(t, PhaseFirstByte, res.Phase)
	require.GreaterOrEqual(t, res.Timings.HTTP, 280*time.Millisecond, "%+v", res.Timings)
	require.GreaterOrEqual(t, res.Timings.FirstByte, 280*time.Millisecond, "%+v", res.Timings)
}

// TestNoNegativeControlAfterAStalledBody: a 2xx whose body stalled is no
// success to check; the negative control would only stall again.
func TestNoNegativeControlAfterAStalledBody(t *testing.T) {
	t.Parallel()
	f, err := providertest.BodyHang()
	require.NoError(t, err)
	t.Cleanup(f.Close)
	tr, err := NewTransport(TransportOptions{Getenv: func(string) string { return "" }, StallTimeout: 200 * time.Millisecond})
	require.NoError(t, err)
	res := Probe(context.Background(), tr, ProbeRequest{Type: assets.Other, Endpoint: f.URL, Secret: "x-test-secret", NegativeControl: true})
	require.Error(t, res.BodyErr)
	require.Nil(t, res.Negative)
}
