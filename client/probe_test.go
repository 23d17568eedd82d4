package client

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
)

func testTransport(t *testing.T, env map[string]string) *Transport {
	t.Helper()
	tr, err := NewTransport(TransportOptions{Getenv: func(k string) string { return env[k] }, Timeout: 3 * time.Second, RootCAs: x509.NewCertPool()})
	require.NoError(t, err)
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

func TestBuildProbeRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		req     ProbeRequest
		url     string
		auth    string
		headers map[string]string
		absent  []string
	}{
		{"openai", ProbeRequest{Type: assets.OpenAI, Endpoint: "https://api.openai.com/v1", Secret: "sk-x"},
			"https://api.openai.com/v1/models", "bearer", map[string]string{"Authorization": "Bearer sk-x", "Accept": "application/json"}, []string{"Origin", "x-api-key"}},
		{"anthropic", ProbeRequest{Type: assets.Anthropic, Endpoint: "https://api.anthropic.com", Secret: "sk-ant-x"},
			"https://api.anthropic.com/v1/models?limit=1", "x-api-key", map[string]string{"x-api-key": "sk-ant-x", "anthropic-version": "2023-06-01"}, []string{"Authorization", "Origin"}},
		{"google never puts the key in the URL", ProbeRequest{Type: assets.Google, Endpoint: "https://generativelanguage.googleapis.com/v1beta", Secret: "AIzaX"},
			"https://generativelanguage.googleapis.com/v1beta/models?pageSize=1", "x-goog-api-key", map[string]string{"x-goog-api-key": "AIzaX"}, []string{"Authorization"}},
		{"other", ProbeRequest{Type: assets.Other, Endpoint: "http://localhost:11434/v1/", Secret: "k"},
			"http://localhost:11434/v1/models", "bearer", map[string]string{"Authorization": "Bearer k"}, nil},
		{"other without secret", ProbeRequest{Type: assets.Other, Endpoint: "http://localhost:11434/v1"},
			"http://localhost:11434/v1/models", "none", nil, []string{"Authorization"}},
		{"openrouter uses /key", ProbeRequest{Type: assets.Other, Endpoint: "https://openrouter.ai/api/v1", Secret: "sk-or-v1-x"},
			"https://openrouter.ai/api/v1/key", "bearer", nil, nil},
		{"azure v1", ProbeRequest{Type: assets.Other, Endpoint: "https://res.openai.azure.com/openai/v1", Secret: "az"},
			"https://res.openai.azure.com/openai/v1/models", "api-key", map[string]string{"api-key": "az"}, []string{"Authorization"}},
		{"azure bare resource", ProbeRequest{Type: assets.Other, Endpoint: "https://res.cognitiveservices.azure.com", Secret: "az"},
			"https://res.cognitiveservices.azure.com/openai/v1/models", "api-key", nil, nil},
		{"azure classic with api-version", ProbeRequest{Type: assets.Other, Endpoint: "https://res.openai.azure.com/openai?api-version=2024-10-21", Secret: "az"},
			"https://res.openai.azure.com/openai/models?api-version=2024-10-21", "api-key", nil, nil},
		{"bedrock runtime host probes the control plane", ProbeRequest{Type: assets.AWS, Endpoint: "https://bedrock-runtime.eu-central-1.amazonaws.com", Key: "AKIAZ7TESTFBLLM23456", Secret: strings.Repeat("s", 40), Region: "eu-central-1"},
			"https://bedrock.eu-central-1.amazonaws.com/foundation-models", "sigv4", map[string]string{"X-Amz-Content-Sha256": ProbeEmptyPayloadHash}, nil},
		{"bedrock fips and china", ProbeRequest{Type: assets.AWS, Endpoint: "https://bedrock-runtime-fips.cn-north-1.amazonaws.com.cn", Key: "AKIAZ7TESTFBLLM23456", Secret: "x", Region: "cn-north-1"},
			"https://bedrock-fips.cn-north-1.amazonaws.com.cn/foundation-models", "sigv4", nil, nil},
		{"bedrock api key is a bearer", ProbeRequest{Type: assets.AWS, Endpoint: "https://bedrock-runtime.us-east-1.amazonaws.com", Secret: "ABSKxyz", Region: "us-east-1", BearerAuth: true},
			"https://bedrock.us-east-1.amazonaws.com/foundation-models", "bearer", map[string]string{"Authorization": "Bearer ABSKxyz"}, nil},
		{"gateway under AWS keeps its path", ProbeRequest{Type: assets.AWS, Endpoint: "http://127.0.0.1:9999/bedrock", Key: "AKIAZ7TESTFBLLM23456", Secret: "x", Region: "us-west-2"},
			"http://127.0.0.1:9999/bedrock/foundation-models", "sigv4", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, auth, err := BuildProbeRequest(context.Background(), tt.req)
			require.NoError(t, err)
			require.Equal(t, http.MethodGet, r.Method)
			require.Equal(t, tt.url, r.URL.String())
			require.Equal(t, tt.auth, auth)
			require.NotContains(t, r.URL.RawQuery, "key=")
			for k, v := range tt.headers {
				require.Equal(t, v, r.Header.Get(k), k)
			}
			for _, k := range tt.absent {
				require.Empty(t, r.Header.Get(k), k)
			}
		})
	}
}

// TestSigV4SignsOnlySafeHeaders: headers a proxy may rewrite are not
// signed, and the signature is scoped to service bedrock and the region.
func TestSigV4SignsOnlySafeHeaders(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	r, _, err := BuildProbeRequest(context.Background(), ProbeRequest{Type: assets.AWS, Endpoint: "https://bedrock-runtime.us-west-2.amazonaws.com",
		Key: "AKIAZ7TESTFBLLM23456", Secret: strings.Repeat("s", 40), SessionToken: "tok", Region: "us-west-2", Now: func() time.Time { return at }})
	require.NoError(t, err)
	authz := r.Header.Get("Authorization")
	require.Contains(t, authz, "Credential=AKIAZ7TESTFBLLM23456/20261127/us-west-2/bedrock/aws4_request")
	require.Contains(t, authz, "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,")
	require.Equal(t, "tok", r.Header.Get("X-Amz-Security-Token"))
	require.Equal(t, ProbeUserAgent, r.Header.Get("User-Agent"))

	_, _, err = BuildProbeRequest(context.Background(), ProbeRequest{Type: assets.AWS, Endpoint: "https://bedrock-runtime.amazonaws.com", Key: "k", Secret: "s"})
	require.ErrorIs(t, err, ErrProbeRegion)
}

// TestProbeNoRedirectBodyCapHeaders: a redirect is returned, not
// followed; bodies are capped; only the diagnostic headers are kept.
func TestProbeNoRedirectBodyCapHeaders(t *testing.T) {
	t.Parallel()
	var followed atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect/models":
			w.Header().Set("Location", "/elsewhere")
			w.WriteHeader(http.StatusTemporaryRedirect)
		case "/elsewhere":
			followed.Store(true)
		default:
			w.Header().Set("X-Request-Id", "req_1")
			w.Header().Set("X-Ratelimit-Remaining-Requests", "9")
			w.Header().Set("Set-Cookie", "session=secret")
			_, _ = io.WriteString(w, strings.Repeat("a", MaxProbeBody+100))
		}
	}))
	defer srv.Close()
	tr := testTransport(t, nil)
	res := Probe(context.Background(), tr, ProbeRequest{Type: assets.OpenAI, Endpoint: srv.URL + "/redirect", Secret: "k"})
	require.NoError(t, res.Err)
	require.Equal(t, http.StatusTemporaryRedirect, res.StatusCode)
	require.Equal(t, "/elsewhere", res.Header.Get("Location"))
	require.False(t, followed.Load())

	res = Probe(context.Background(), tr, ProbeRequest{Type: assets.OpenAI, Endpoint: srv.URL + "/big", Secret: "k"})
	require.NoError(t, res.Err)
	require.Len(t, res.Body, MaxProbeBody)
	require.True(t, res.Truncated)
	require.Equal(t, "req_1", res.Header.Get("X-Request-Id"))
	require.Equal(t, "9", res.Header.Get("X-Ratelimit-Remaining-Requests"))
	require.Empty(t, res.Header.Get("Set-Cookie"))
	require.Equal(t, PhaseBody, res.Phase)
	require.Nil(t, res.Negative, "only OTHER runs the negative control")
}

// TestNegativeControl: after a 2xx, a probe asked for the negative
// control repeats the request with a bogus key.
func TestNegativeControl(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer good" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, `{"object":"list","data":[]}`)
	}))
	defer srv.Close()
	res := Probe(context.Background(), testTransport(t, nil), ProbeRequest{Type: assets.Other, Endpoint: srv.URL + "/v1", Secret: "good", NegativeControl: true})
	require.Equal(t, 200, res.StatusCode)
	require.NotNil(t, res.Negative)
	require.Equal(t, 401, res.Negative.StatusCode)
	mu.Lock()
	require.Equal(t, []string{"Bearer good", "Bearer " + ProbeBogusSecret}, seen)
	seen = nil
	mu.Unlock()
	res = Probe(context.Background(), testTransport(t, nil), ProbeRequest{Type: assets.Other, Endpoint: srv.URL + "/v1", Secret: "bad", NegativeControl: true})
	require.Equal(t, 401, res.StatusCode)
	require.Nil(t, res.Negative, "no control after a failure")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 1)
}

func TestProxyFor(t *testing.T) {
	t.Parallel()
	tr := testTransport(t, map[string]string{
		"HTTPS_PROXY": "http://alice:s3cret@proxy.corp:3128", "http_proxy": "http://plain.corp", "NO_PROXY": ".internal,10.0.0.0/8",
	})
	p, err := tr.ProxyFor(&url.URL{Scheme: "https", Host: "api.openai.com"})
	require.NoError(t, err)
	require.Equal(t, &ProxyInfo{URL: "http://[redacted]@proxy.corp:3128", Source: "HTTPS_PROXY", HostPort: "proxy.corp:3128", Credentials: true}, p)
	p, err = tr.ProxyFor(&url.URL{Scheme: "http", Host: "llm.example.com"})
	require.NoError(t, err)
	require.Equal(t, "http_proxy", p.Source)
	require.Equal(t, "plain.corp:80", p.HostPort)
	for _, host := range []string{"llm.corp.internal", "10.1.2.3", "127.0.0.1:8080", "localhost"} {
		p, err = tr.ProxyFor(&url.URL{Scheme: "https", Host: host})
		require.NoError(t, err)
		require.Nil(t, p, host)
	}
}

func TestCAFile(t *testing.T) {
	t.Parallel()
	_, err := NewTransport(TransportOptions{Getenv: func(k string) string {
		if k == CAFileEnv {
			return "/nonexistent/ca.pem"
		}
		return ""
	}})
	require.ErrorContains(t, err, "read FBLLM_CA_FILE")
	bad := filepath.Join(t.TempDir(), "bad.pem")
	require.NoError(t, os.WriteFile(bad, []byte("not a certificate"), 0o600))
	_, err = NewTransport(TransportOptions{Getenv: func(k string) string {
		if k == CAFileEnv {
			return bad
		}
		return ""
	}})
	require.ErrorContains(t, err, "holds no PEM certificate")
}

func TestInspectionProduct(t *testing.T) {
	t.Parallel()
	for issuer, want := range map[string]string{
		"CN=Zscaler Intermediate Root CA (zscaler.net),O=Zscaler Inc.": "Zscaler",
		"CN=caadmin.netskope.com,O=Netskope Inc":                       "Netskope",
		"CN=FortiGate CA,O=Fortinet":                                   "Fortinet",
		"CN=Palo Alto Decryption Trusted":                              "Palo Alto Networks",
		"CN=Websense Root":                                             "Forcepoint",
		"CN=Blue Coat SG-S200":                                         "Blue Coat (Symantec)",
		"CN=Cisco Umbrella Secondary SubCA":                            "Cisco Umbrella",
		"CN=R11,O=Let's Encrypt,C=US":                                  "",
	} {
		require.Equal(t, want, InspectionProduct(issuer), issuer)
	}
}

func TestPhaseString(t *testing.T) {
	t.Parallel()
	require.Equal(t, "first byte", PhaseFirstByte.String())
	require.Equal(t, "tls", PhaseTLS.String())
	require.Equal(t, "ProbePhase(99)", ProbePhase(99).String())
}

// TestMalformedProxyIsRefused: a proxy variable that is not a proxy URL
// stops the request with a *ProxyConfigError before any connection, as
// curl refuses it; net/http alone would go direct (a leading space, a
// trailing newline) or to a guessed host ("http//proxy" → host "http").
func TestMalformedProxyIsRefused(t *testing.T) {
	t.Parallel()
	for _, v := range []string{
		" http://proxy.corp:3128", "http://proxy.corp:3128\n", "http//proxy.corp:3128", "http:/proxy.corp:3128",
		"proxy.corp:31x8", "ftp://proxy.corp:21", "http://proxy.corp:3128/path", "http://:3128", "http://user:pa ss@proxy.corp:3128",
	} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			var dials atomic.Int32
			tr, err := NewTransport(TransportOptions{
				Getenv:  func(k string) string { return map[string]string{"HTTPS_PROXY": v}[k] },
				Timeout: time.Second,
				DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					dials.Add(1)
					return nil, errors.New("dialled " + addr)
				},
			})
			require.NoError(t, err)
			res := Probe(context.Background(), tr, ProbeRequest{Type: assets.OpenAI, Endpoint: "https://api.openai.com/v1", Secret: "sk-test"})
			var pce *ProxyConfigError
			require.ErrorAs(t, res.Err, &pce)
			require.Equal(t, "HTTPS_PROXY", pce.Var)
			require.NotContains(t, pce.Error(), "pa ss")
			require.Zero(t, dials.Load(), "nothing may be sent, directly or to a guessed proxy")
			_, err = tr.ProxyFor(&url.URL{Scheme: "https", Host: "api.openai.com"})
			require.ErrorAs(t, err, &pce)
		})
	}
	// Where the proxy does not apply (NO_PROXY, loopback, another
	// scheme's variable), a malformed value is not in the way.
	tr, err := NewTransport(TransportOptions{Getenv: func(k string) string {
		return map[string]string{"HTTPS_PROXY": " bad", "NO_PROXY": "llm.internal"}[k]
	}})
	require.NoError(t, err)
	for _, u := range []string{"https://llm.internal/v1", "https://127.0.0.1:8443/v1", "http://api.example.com/v1"} {
		pu, _ := url.Parse(u)
		p, err := tr.ProxyFor(pu)
		require.NoError(t, err, u)
		require.Nil(t, p, u)
	}
	// Valid forms, curl's included, still work.
	for _, v := range []string{"proxy.corp:3128", "http://alice:s3cret@proxy.corp:3128/", "socks5h://127.0.0.1:1080", "https://proxy.corp"} {
		tr, err := NewTransport(TransportOptions{Getenv: func(k string) string { return map[string]string{"HTTPS_PROXY": v}[k] }})
		require.NoError(t, err)
		p, err := tr.ProxyFor(&url.URL{Scheme: "https", Host: "api.openai.com"})
		require.NoError(t, err, v)
		require.NotNil(t, p, v)
	}
}

// TestProxySecrets: the proxy passwords are what the redactor needs.
func TestProxySecrets(t *testing.T) {
	t.Parallel()
	tr := testTransport(t, map[string]string{"https_proxy": "http://alice:s3cret-pass@proxy.corp:3128", "HTTP_PROXY": "http://proxy.corp:3128"})
	require.Equal(t, []string{"s3cret-pass", "alice:s3cret-pass"}, tr.ProxySecrets())
}
