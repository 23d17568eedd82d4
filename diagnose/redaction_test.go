package diagnose

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
)

// TestEchoedSecretsAreRedacted: servers echo credentials back in many
// ways (OpenAI prints a malformed key whole, gateways quote it in HTML,
// redirects carry it in the query). None of it may reach the report.
func TestEchoedSecretsAreRedacted(t *testing.T) {
	t.Parallel()
	// A secret with no recognisable shape: only the known-secret pass
	// can catch it, not the token-shape patterns.
	const secret = "Zq8vN3xKp2LmW7rT5yHbQ4sD9fGj6cVa"
	echo := func(w http.ResponseWriter, r *http.Request, how string) {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		switch how {
		case "json":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			_, _ = io.WriteString(w, `{"error":{"message":"Incorrect API key provided: `+got+`.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`)
		case "html":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(403)
			_, _ = io.WriteString(w, "<html><body>Request with token "+got+" denied by policy</body></html>")
		case "redirect":
			w.Header().Set("Location", "https://sso.example.com/login?token="+got+"&next=/v1")
			w.WriteHeader(302)
		case "pieces":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"error":{"message":"bad value near '`+got[4:20]+`' and '`+got[18:]+`'"}}`)
		case "escapes":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			_, _ = io.WriteString(w, `{"error":{"message":"\u001b]52;c;`+got+`\u0007 \u001b[2Jinvalid"}}`)
		}
	}
	tr := testTransport(t, nil, clientOpts())
	for _, how := range []string{"json", "html", "redirect", "pieces", "escapes"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { echo(w, r, how) }))
			defer srv.Close()
			target := targetFor(assets.Other, srv.URL)
			target.Secret = secret
			rep := runOne(t, target, tr) // checks every 12-character piece
			require.NotEqual(t, StatusVerified, rep.Status)
			out := mustJSON(t, rep)
			require.NotContains(t, out, secret[4:20])
			require.NotContains(t, out, "\\u001b")
		})
	}
}
