package diagnose

import (
	"crypto/x509"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/providertest"
)

func newCA(t testing.TB, cn, org string) *providertest.CA {
	t.Helper()
	ca, err := providertest.NewCA(cn, org)
	require.NoError(t, err)
	return ca
}

// closeFault returns a function that checks a fault started and closes it
// at the end of the test: closeFault(t)(providertest.ClosedPort()).
func closeFault(t testing.TB) func(*providertest.Fault, error) *providertest.Fault {
	return func(f *providertest.Fault, err error) *providertest.Fault {
		t.Helper()
		require.NoError(t, err)
		t.Cleanup(f.Close)
		return f
	}
}

// TestLoopbackFaults runs the probe against real faults on loopback (no
// mocks: real DNS, real refused ports, real TLS handshakes) and checks
// the status, the code and the failing row of the checklist.
func TestLoopbackFaults(t *testing.T) {
	t.Parallel()
	trustedCA := newCA(t, "FBLLM Test Root", "fbllm tests")
	strangerCA := newCA(t, "Untrusted Test Root", "Nobody Inc")
	tests := []struct {
		name     string
		setup    func(t *testing.T) (endpoint string, env map[string]string, roots *x509.CertPool)
		typ      assets.AIType
		status   Status
		code     string
		failRow  CheckID
		contains string // in the primary diagnosis's explanation or evidence
	}{
		{"dns nxdomain", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			return providertest.DNSFailureURL, nil, nil
		}, assets.Other, StatusUnreachable, CodeEndpointDNS, CheckDNS, "api.fbllm-test.invalid"},
		{"connection refused", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			f := closeFault(t)(providertest.ClosedPort())
			return f.URL, nil, nil
		}, assets.Other, StatusUnreachable, CodeEndpointRefused, CheckTCP, "refused the connection on port"},
		{"reset on accept", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			f := closeFault(t)(providertest.ResetOnAccept())
			return f.URL, nil, nil
			// The RST can arrive during connect or during the handshake.
		}, assets.Other, StatusUnreachable, CodeEndpointReset, "", "closed or reset"},
		{"untrusted certificate names its issuer", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			f := closeFault(t)(providertest.UntrustedTLS(strangerCA))
			return f.URL, nil, trustedCA.Pool()
		}, assets.Other, StatusUnreachable, CodeEndpointTLSUntrusted, CheckTLS, "Untrusted Test Root"},
		{"certificate for another host", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			f := closeFault(t)(providertest.WrongHostTLS(trustedCA))
			return f.URL, nil, trustedCA.Pool()
		}, assets.Other, StatusUnreachable, CodeEndpointTLSHostname, CheckTLS, "other.example.net"},
		{"expired certificate", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			f := closeFault(t)(providertest.ExpiredTLS(trustedCA))
			return f.URL, nil, trustedCA.Pool()
		}, assets.Other, StatusUnreachable, CodeEndpointTLSExpired, CheckTLS, "clock"},
		{"https to a plain http server", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			f := providertest.HTTPSToPlain()
			t.Cleanup(f.Close)
			return f.URL, nil, nil
		}, assets.Other, StatusMisconfigured, CodeEndpointTLSMismatch, CheckTLS, "http://"},
		{"http to a TLS server", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			f := closeFault(t)(providertest.PlainToHTTPS(trustedCA))
			return f.URL, nil, nil
		}, assets.Other, StatusMisconfigured, CodeEndpointTLSMismatch, CheckHTTP, "https://"},
		{"proxy demands credentials (CONNECT 407)", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			p := providertest.Proxy407()
			t.Cleanup(p.Close)
			return "https://api.openai.com/v1", map[string]string{"HTTPS_PROXY": p.URL}, nil
		}, assets.OpenAI, StatusUnreachable, CodeEndpointProxy, CheckProxy, "407"},
		{"proxy demands credentials (plain http 407)", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			p := providertest.Proxy407()
			t.Cleanup(p.Close)
			return "http://llm.corp.internal:8000/v1", map[string]string{"HTTP_PROXY": p.URL}, nil
		}, assets.Other, StatusUnreachable, CodeEndpointProxy, CheckProxy, "407"},
		{"proxy unreachable", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			f := closeFault(t)(providertest.ClosedPort())
			return "https://api.anthropic.com", map[string]string{"https_proxy": strings.TrimSuffix(f.URL, "/v1")}, nil
		}, assets.Anthropic, StatusUnreachable, CodeEndpointProxy, CheckProxy, "could not be reached"},
		{"HTML where the API should be", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			f := providertest.HTMLPage()
			t.Cleanup(f.Close)
			return f.URL, nil, nil
		}, assets.Other, StatusMisconfigured, CodeEndpointNotAPI, CheckHTTP, "HTML page"},
		{"redirect is reported, not followed", func(t *testing.T) (string, map[string]string, *x509.CertPool) {
			f := providertest.Redirect("https://login.hotel-wifi.example/portal?next=x")
			t.Cleanup(f.Close)
			return f.URL, nil, nil
		}, assets.Other, StatusMisconfigured, CodeEndpointRedirect, CheckHTTP, "login.hotel-wifi.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			endpoint, env, roots := tt.setup(t)
			opts := clientOpts()
			opts.RootCAs = roots
			if roots == nil {
				opts.RootCAs = x509.NewCertPool()
			}
			tr := testTransport(t, env, opts)
			target := targetFor(tt.typ, "")
			target.Config.Endpoint = endpoint
			rep := runOne(t, target, tr)
			require.Equal(t, tt.status, rep.Status, "codes %v checks %+v", codes(rep), rep.Checks)
			require.Equal(t, tt.code, primary(rep))
			if tt.failRow != "" {
				row, ok := rep.Check(tt.failRow)
				require.True(t, ok, "no %s check: %+v", tt.failRow, rep.Checks)
				require.Equal(t, CheckFail, row.Status, "%+v", rep.Checks)
			} else {
				tcp, _ := rep.Check(CheckTCP)
				tls, _ := rep.Check(CheckTLS)
				require.Contains(t, []CheckStatus{tcp.Status, tls.Status}, CheckFail, "%+v", rep.Checks)
			}
			p, _ := rep.Primary()
			require.Contains(t, p.Explanation+" "+p.Evidence+" "+strings.Join(p.Steps, " ")+" "+p.Title, tt.contains)
			if env != nil {
				require.NotNil(t, rep.Proxy)
				dns, _ := rep.Check(CheckDNS)
				require.NotContains(t, dns.Detail, "api.", "with a proxy the target is never resolved locally")
			}
		})
	}
}

// TestBlackholeEndsWithinBudget checks that a server that accepts and
// never answers is diagnosed as a timeout in the right phase, and within
// the configured budget rather than hanging.
func TestBlackholeEndsWithinBudget(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		scheme string
		phase  string
	}{{"https", "tls"}, {"http", "first byte"}} {
		t.Run(tc.scheme, func(t *testing.T) {
			t.Parallel()
			f := closeFault(t)(providertest.Blackhole(tc.scheme))
			tr := testTransport(t, nil, client.TransportOptions{
				DialTimeout: time.Second, TLSHandshakeTimeout: 300 * time.Millisecond,
				ResponseHeaderTimeout: 300 * time.Millisecond, Timeout: 2 * time.Second,
			})
			target := targetFor(assets.Other, "")
			target.Config.Endpoint = f.URL
			start := time.Now()
			rep := runOne(t, target, tr)
			elapsed := time.Since(start)
			require.Less(t, elapsed, time.Second, "the phase timeout must end the probe")
			require.Equal(t, StatusUnreachable, rep.Status)
			require.Equal(t, CodeEndpointTimeout, primary(rep))
			p, _ := rep.Primary()
			require.Contains(t, p.Title, "during "+tc.phase)
		})
	}
}

// TestPreflightSendsNothing checks the pre-flight layer: a refused input
// never reaches the network (no dns/tcp rows) and names the problem.
func TestPreflightSendsNothing(t *testing.T) {
	t.Parallel()
	hits := 0
	srv := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI})
	t.Cleanup(srv.Close)
	_ = hits
	tests := []struct {
		name   string
		target Target
		status Status
		code   string
	}{
		{"http to a public provider host", Target{Config: ConfigRef{AIType: assets.OpenAI, Endpoint: "http://api.openai.com/v1"}, Secret: openAIKey},
			StatusMisconfigured, CodeEndpointInsecureScheme},
		{"credentials in the URL", Target{Config: ConfigRef{AIType: assets.Other, Endpoint: "https://alice:hunter2pass@llm.example.com/v1"}, Secret: otherKey},
			StatusMisconfigured, CodeEndpointInvalidURL},
		{"not a URL", Target{Config: ConfigRef{AIType: assets.Other, Endpoint: "ftp://files.example.com"}, Secret: otherKey},
			StatusMisconfigured, CodeEndpointInvalidURL},
		{"empty secret", Target{Config: ConfigRef{AIType: assets.OpenAI, Endpoint: "https://api.openai.com/v1"}, Secret: "  \"\" "},
			StatusRejected, CodeAuthMissingSecret},
		{"secret with a line break inside", Target{Config: ConfigRef{AIType: assets.OpenAI, Endpoint: "https://api.openai.com/v1"}, Secret: "sk-proj-abcdefghij\nklmnopqrstuvwxyz0123"},
			StatusRejected, CodeAuthInvalidSecret},
		{"AWS without access key ID", Target{Config: ConfigRef{AIType: assets.AWS, Endpoint: "https://bedrock-runtime.us-east-1.amazonaws.com"}, Secret: awsSecret},
			StatusMisconfigured, CodeAuthMissingKey},
		{"AWS temporary key without session token", Target{Config: ConfigRef{AIType: assets.AWS, Endpoint: "https://bedrock-runtime.us-east-1.amazonaws.com"}, Key: "ASIAZ7TESTFBLLM23456", Secret: awsSecret},
			StatusMisconfigured, CodeAuthSessionToken},
		{"AWS gateway without region", Target{Config: ConfigRef{AIType: assets.AWS, Endpoint: srv.URL}, Key: awsKeyID, Secret: awsSecret},
			StatusMisconfigured, CodeEndpointInvalidURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := testTransport(t, nil, clientOpts())
			rep := runOne(t, tt.target, tr)
			require.Equal(t, tt.status, rep.Status, "%v", codes(rep))
			require.Equal(t, tt.code, primary(rep))
			_, probed := rep.Check(CheckTCP)
			require.False(t, probed, "nothing may be sent: %+v", rep.Checks)
			in, _ := rep.Check(CheckInput)
			require.Equal(t, CheckFail, in.Status)
			require.NotContains(t, mustJSON(t, rep), "hunter2pass")
		})
	}
	require.Zero(t, srv.Config.Handler.(*providertest.Provider).Requests())
}

// TestProxyReportedAndRedacted checks the proxy object of a report: the
// variable it came from, and credentials in its URL redacted.
func TestProxyReportedAndRedacted(t *testing.T) {
	t.Parallel()
	p := providertest.Proxy407()
	t.Cleanup(p.Close)
	proxyURL := strings.Replace(p.URL, "http://", "http://corpuser:Pr0xyPassw0rd@", 1)
	tr := testTransport(t, map[string]string{"https_proxy": proxyURL, "NO_PROXY": "localhost"}, clientOpts())
	target := targetFor(assets.OpenAI, "")
	target.Config.Endpoint = "https://api.openai.com/v1"
	rep := runOne(t, target, tr)
	require.NotNil(t, rep.Proxy)
	require.Equal(t, "https_proxy", rep.Proxy.Source)
	require.NotContains(t, rep.Proxy.URL, "Pr0xyPassw0rd")
	require.Contains(t, rep.Proxy.URL, "[redacted]@127.0.0.1")
	require.NotContains(t, mustJSON(t, rep), "Pr0xyPassw0rd")
	require.Equal(t, CodeEndpointProxy, primary(rep))

	// NO_PROXY and loopback go direct: proxy is null.
	srv := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.Other, ValidSecrets: []string{otherKey}})
	t.Cleanup(srv.Close)
	target = targetFor(assets.Other, srv.URL)
	rep = runOne(t, target, tr)
	require.Nil(t, rep.Proxy)
	require.Contains(t, mustJSON(t, rep), `"proxy":null`)
	require.Equal(t, StatusVerified, rep.Status, "%v", codes(rep))
	_ = http.StatusOK
}
