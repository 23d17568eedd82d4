package diagnose

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
)

// TestIntermediaries: answers from something other than the provider —
// proxies, WAFs, gateways — are named as such and never taken for a key
// problem, whatever their status (provider-probes §8.4).
func TestIntermediaries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		typ    assets.AIType
		status int
		header map[string]string
		body   string
		code   string
		names  string
	}{
		{"squid error page on a 503 is about the proxy", assets.OpenAI, 503, map[string]string{"X-Squid-Error": "ERR_DNS_FAIL 0", "Content-Type": "text/html"},
			"<html><body>The requested URL could not be retrieved</body></html>", CodeEndpointProxy, "squid could not resolve the host name: ERR_DNS_FAIL 0"},
		{"cloudflare 1020", assets.Anthropic, 403, map[string]string{"Server": "cloudflare", "Cf-Ray": "8a1b2c3d4e5f-AMS", "Content-Type": "text/html"},
			"<!DOCTYPE html><title>Attention Required! | Cloudflare</title><p>Error 1020</p><p>Access denied</p>", CodePolicyIntermediary, "Cloudflare"},
		{"netskope block page with 200 is still a web page", assets.OpenAI, 200, map[string]string{"Content-Type": "text/html"},
			"<html>Netskope has blocked this page</html>", CodeEndpointNotAPI, "HTML page"},
		{"fortiguard 403", assets.Google, 403, map[string]string{"Content-Type": "text/html"},
			"<html><title>Web Page Blocked</title>FortiGuard Intrusion Prevention - Access Blocked</html>", CodePolicyIntermediary, "Fortinet"},
		{"unknown gateway JSON 401 under a provider type", assets.OpenAI, 401, map[string]string{"Content-Type": "application/json", "Server": "envoy"},
			`{"ok":false,"reason":"denied"}`, CodePolicyIntermediary, "envoy"},
		{"plain-text 403 from a proxy", assets.AWS, 403, map[string]string{"Content-Type": "text/plain", "Via": "1.1 gw.corp"},
			"Forbidden by policy", CodePolicyIntermediary, "gw.corp"},
	}
	tr := testTransport(t, nil, clientOpts())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			rep := runOne(t, targetFor(tt.typ, srv.URL), tr)
			require.Equal(t, tt.code, primary(rep), "%v", codes(rep))
			for _, c := range codes(rep) {
				require.NotContains(t, []string{CodeAuthInvalidSecret, CodeAuthMissingSecret, CodeAuthExpired}, c)
			}
			d, _ := rep.Primary()
			require.Contains(t, d.Explanation+d.Evidence, tt.names)
		})
	}
}
