package diagnose

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/providertest"
)

// defaultEndpoint is each type's preset endpoint: the real provider host.
func defaultEndpoint(t *testing.T, typ assets.AIType) string {
	t.Helper()
	p, ok := assets.PresetFor(typ)
	require.True(t, ok)
	require.NotEmpty(t, p.DefaultEndpoint)
	return p.DefaultEndpoint
}

// defaultTarget is a target of type typ at its preset endpoint, with the
// region taken from the host as a user would leave it.
func defaultTarget(t *testing.T, typ assets.AIType) Target {
	t.Helper()
	target := targetFor(typ, "")
	target.Config.Endpoint = defaultEndpoint(t, typ)
	target.Region = ""
	return target
}

// trustedProxy starts an inspecting proxy whose CA the probe trusts
// through FBLLM_CA_FILE, and a transport that uses it as HTTPS_PROXY.
func trustedProxy(t *testing.T, mod func(*providertest.ConnectProxyOptions)) (*client.Transport, *providertest.ConnectProxy, string) {
	t.Helper()
	ca := newCA(t, "FBLLM Proxy Test CA", "fbllm tests")
	caFile, err := ca.WritePEM(t.TempDir())
	require.NoError(t, err)
	proxy := startInspectingProxy(t, ca, mod)
	opts := clientOpts()
	opts.RootCAs = emptyPool()
	return testTransport(t, map[string]string{"HTTPS_PROXY": proxy.URL, "FBLLM_CA_FILE": caFile}, opts), proxy, caFile
}

// startInspectingProxy starts a CONNECT proxy that terminates TLS with
// ca and serves the four default provider hosts (and OpenRouter) from
// simulated providers.
func startInspectingProxy(t *testing.T, ca *providertest.CA, mod func(*providertest.ConnectProxyOptions)) *providertest.ConnectProxy {
	t.Helper()
	or := providerOptions(assets.Other, "")
	or.Flavor, or.BasePath = providertest.FlavorOpenRouter, "/api/v1"
	opts := providertest.ConnectProxyOptions{CA: ca, Hosts: map[string]http.Handler{
		"api.openai.com":                    providertest.NewProvider(providerOptions(assets.OpenAI, "")),
		"api.anthropic.com":                 providertest.NewProvider(providerOptions(assets.Anthropic, "")),
		"generativelanguage.googleapis.com": providertest.NewProvider(providerOptions(assets.Google, "")),
		"bedrock.us-east-1.amazonaws.com":   providertest.NewProvider(providerOptions(assets.AWS, "")),
		"openrouter.ai":                     providertest.NewProvider(or),
	}}
	if mod != nil {
		mod(&opts)
	}
	p, err := providertest.NewConnectProxy(opts)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

// TestDefaultEndpointsThroughProxy exercises the preset endpoints
// (api.openai.com, api.anthropic.com, generativelanguage.googleapis.com,
// bedrock-runtime.us-east-1.amazonaws.com) end to end without leaving the
// machine: HTTPS_PROXY points at a local proxy that terminates TLS with a
// test CA handed to the probe through FBLLM_CA_FILE.
func TestDefaultEndpointsThroughProxy(t *testing.T) {
	t.Parallel()
	tr, _, caFile := trustedProxy(t, nil)
	require.Equal(t, caFile, tr.CAFile())

	for _, typ := range []assets.AIType{assets.OpenAI, assets.Anthropic, assets.Google, assets.AWS} {
		t.Run(string(typ), func(t *testing.T) {
			t.Parallel()
			target := defaultTarget(t, typ)
			rep := runOne(t, target, tr)
			require.Equal(t, StatusVerified, rep.Status, "codes %v checks %+v", codes(rep), rep.Checks)
			require.Empty(t, primary(rep))
			require.NotNil(t, rep.Proxy)
			require.Equal(t, "HTTPS_PROXY", rep.Proxy.Source)
			dns, _ := rep.Check(CheckDNS)
			require.Contains(t, dns.Detail, "proxy 127.0.0.1", "the dns check is about the proxy")
			tcp, _ := rep.Check(CheckTCP)
			require.Contains(t, tcp.Detail, "proxy connected to 127.0.0.1")
			tlsRow, _ := rep.Check(CheckTLS)
			require.Equal(t, CheckPass, tlsRow.Status)
			require.Contains(t, tlsRow.Detail, "FBLLM Proxy Test CA")

			wrong := defaultTarget(t, typ)
			if typ == assets.AWS {
				wrong.Secret = awsSecret[:20] + wrongSuffix
			} else {
				wrong.Secret = wrong.Secret[:len(wrong.Secret)-len(wrongSuffix)] + wrongSuffix
			}
			rep = runOne(t, wrong, tr)
			require.Equal(t, StatusRejected, rep.Status, "codes %v", codes(rep))
			require.Equal(t, CodeAuthInvalidSecret, primary(rep))
		})
	}
	t.Run("OpenRouter uses /key", func(t *testing.T) {
		t.Parallel()
		target := targetFor(assets.Other, "")
		target.Config.Endpoint = "https://openrouter.ai/api/v1"
		rep := runOne(t, target, tr)
		require.Equal(t, StatusVerified, rep.Status, "codes %v checks %+v", codes(rep), rep.Checks)
		http, _ := rep.Check(CheckHTTP)
		require.Contains(t, http.Detail, "GET /api/v1/key → 200")
		enf, _ := rep.Check(CheckEnforcement)
		require.Equal(t, CheckPass, enf.Status)
	})
}

// TestTargetNeverResolvedLocally: with a proxy the probe resolves only
// the proxy; the CONNECT line carries the host name.
func TestTargetNeverResolvedLocally(t *testing.T) {
	t.Parallel()
	tr, proxy, _ := trustedProxy(t, nil)
	rep := runOne(t, defaultTarget(t, assets.Anthropic), tr)
	require.Equal(t, StatusVerified, rep.Status, "%v", codes(rep))
	require.Contains(t, proxy.Connects(), "api.anthropic.com:443")
}

// TestProxyBlockPageIsNotAnAuthProblem: a secure web gateway that answers
// with its own 403 HTML page inside the tunnel (Server: Zscaler/6.2) is
// the proxy refusing by policy — endpoint.proxy, blocked, as its 403 to
// CONNECT is — never an invalid key.
func TestProxyBlockPageIsNotAnAuthProblem(t *testing.T) {
	t.Parallel()
	tr, _, _ := trustedProxy(t, func(o *providertest.ConnectProxyOptions) {
		o.BlockPage = "<html><head><title>Website blocked</title></head><body>Internet Security by Zscaler: access to this site is blocked by your organisation's policy.</body></html>"
	})
	for _, typ := range []assets.AIType{assets.OpenAI, assets.Anthropic, assets.Google, assets.AWS} {
		t.Run(string(typ), func(t *testing.T) {
			t.Parallel()
			target := defaultTarget(t, typ)
			rep := runOne(t, target, tr)
			require.Equal(t, StatusBlocked, rep.Status, "%v", codes(rep))
			require.Equal(t, CodeEndpointProxy, primary(rep))
			for _, c := range codes(rep) {
				require.False(t, strings.HasPrefix(c, "auth."), "never an auth code: %v", codes(rep))
			}
			d, _ := rep.Primary()
			require.Contains(t, d.Explanation, "Zscaler")
			require.Contains(t, d.Explanation, "Do not rotate the key")
			auth, _ := rep.Check(CheckAuth)
			require.Equal(t, CheckSkip, auth.Status)
		})
	}
}

// TestProxyRefusesConnect: the proxy's own 403 to CONNECT is
// endpoint.proxy with status blocked (PRODUCT §6).
func TestProxyRefusesConnect(t *testing.T) {
	t.Parallel()
	ca := newCA(t, "FBLLM Proxy Test CA", "fbllm tests")
	proxy := startInspectingProxy(t, ca, func(o *providertest.ConnectProxyOptions) {
		o.RefuseStatus, o.RefuseBody = http.StatusForbidden, "<html>Destination api.openai.com is not allowed</html>"
	})
	tr := testTransport(t, map[string]string{"HTTPS_PROXY": proxy.URL}, clientOpts())
	target := targetFor(assets.OpenAI, "")
	target.Config.Endpoint = "https://api.openai.com/v1"
	rep := runOne(t, target, tr)
	require.Equal(t, StatusBlocked, rep.Status)
	require.Equal(t, CodeEndpointProxy, primary(rep))
	d, _ := rep.Primary()
	require.Contains(t, d.Evidence, "CONNECT → 403 Forbidden")
	require.Contains(t, d.Evidence, "not allowed")
}

// TestUntrustedInspectionNamesTheProduct: a TLS-inspecting proxy whose CA
// is not trusted is endpoint.tls_untrusted, and the diagnosis names the
// issuer and the product.
func TestUntrustedInspectionNamesTheProduct(t *testing.T) {
	t.Parallel()
	ca := newCA(t, "Zscaler Intermediate Root CA (zscaler.net) (t)", "Zscaler Inc.")
	proxy := startInspectingProxy(t, ca, nil)
	opts := clientOpts()
	opts.RootCAs = emptyPool()
	tr := testTransport(t, map[string]string{"HTTPS_PROXY": proxy.URL}, opts)
	for _, typ := range []assets.AIType{assets.OpenAI, assets.Anthropic, assets.Google, assets.AWS} {
		t.Run(string(typ), func(t *testing.T) {
			t.Parallel()
			target := defaultTarget(t, typ)
			rep := runOne(t, target, tr)
			require.Equal(t, StatusUnreachable, rep.Status, "%v", codes(rep))
			require.Equal(t, CodeEndpointTLSUntrusted, primary(rep))
			d, _ := rep.Primary()
			require.Contains(t, d.Explanation, "Zscaler Intermediate Root CA")
			require.Contains(t, d.Explanation, "TLS inspection by Zscaler")
			require.Contains(t, strings.Join(d.Steps, " "), "FBLLM_CA_FILE=")
			tlsRow, _ := rep.Check(CheckTLS)
			require.Equal(t, CheckFail, tlsRow.Status)
			require.Contains(t, tlsRow.Detail, "Zscaler")
		})
	}
}
