package diagnose

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/providertest"
)

// The answers below are as Debian's squid 5.7, nginx 1.22.1, mitmproxy
// and an OpenAPI mock server (Prism) write them: headers and bodies.

// squidHeaders are the headers of squid's own error pages.
func squidHeaders(token string) map[string]string {
	return map[string]string{
		"Server": "squid/5.7", "Mime-Version": "1.0", "Content-Type": "text/html;charset=utf-8",
		"X-Squid-Error": token, "Vary": "Accept-Language", "Content-Language": "en",
		"X-Cache": "MISS from proxy", "X-Cache-Lookup": "MISS from proxy:3128", "Via": "1.1 proxy (squid/5.7)",
	}
}

const squidErrorPage = `<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">
<html><head>
<meta type="copyright" content="Copyright (C) 1996-2021 The Squid Software Foundation and contributors">
<meta http-equiv="Content-Type" CONTENT="text/html; charset=utf-8">
<title>ERROR: The requested URL could not be retrieved</title>
<style type="text/css"><!-- 
 /* Stylesheet for Squid Error pages */
html body { margin: 0; padding: 0; background: #efefef; font-size: 12px; color: #1e1e1e; }
 --></style>
</head><body id=ERR_CONNECT_FAIL>
<div id="titles"><h1>ERROR</h1><h2>The requested URL could not be retrieved</h2></div>
<hr>
<div id="content">
<p>The following error was encountered while trying to retrieve the URL: <a href="http://llm.corp.internal:8000/v1/models">http://llm.corp.internal:8000/v1/models</a></p>
<blockquote id="error"><p><b>Connection to 10.20.30.40 failed.</b></p></blockquote>
<p id="sysmsg">The system returned: <i>(111) Connection refused</i></p>
</div><hr><div id="footer"><p>Generated Thu, 03 Dec 2026 10:16:30 GMT by proxy (squid/5.7)</p></div>
</body></html>`

func nginxPage(status int, server string) string {
	title := fmt.Sprintf("%d %s", status, http.StatusText(status))
	switch status {
	case 401:
		title = "401 Authorization Required"
	case 413:
		title = "413 Request Entity Too Large"
	}
	return fmt.Sprintf("<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>%s</center>\r\n</body>\r\n</html>\r\n", title, title, server)
}

const prismUnauthorized = `{"type":"https://stoplight.io/prism/errors#UNAUTHORIZED","title":"Invalid security scheme used","status":401,"detail":"Your request does not fullfil the security requirements and no HTTP unauthorized response was found in the spec, so Prism is generating this error for you."}`

// answer is a handler that writes status, headers and body.
func answer(status int, header map[string]string, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// httpProxy starts a forward proxy for plain-http URLs that answers every
// request with h (a proxy's own answer), and returns its URL for
// HTTP_PROXY. CONNECT requests get h's answer too.
func httpProxy(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func diagnosis(rep Report, code string) (Diagnosis, bool) {
	for _, d := range rep.Diagnoses {
		if d.Code == code {
			return d, true
		}
	}
	return Diagnosis{}, false
}

// TestProxyOwnAnswersAreAboutTheProxy (issue 11.1): an answer the proxy
// wrote itself — squid's error page over HTTP_PROXY, its 503 to CONNECT,
// a TLS-inspecting proxy's own 502 — is endpoint.proxy with the proxy's
// own error token as evidence: never the provider's internal error, never
// a policy block when the proxy just could not connect.
func TestProxyOwnAnswersAreAboutTheProxy(t *testing.T) {
	t.Parallel()
	const squidConnectFail = "squid could not connect: ERR_CONNECT_FAIL 111"
	t.Run("squid 503 over HTTP_PROXY", func(t *testing.T) {
		t.Parallel()
		proxy := httpProxy(t, answer(503, squidHeaders("ERR_CONNECT_FAIL 111"), squidErrorPage))
		tr := testTransport(t, map[string]string{"HTTP_PROXY": proxy}, clientOpts())
		target := targetFor(assets.Other, "")
		target.Config.Endpoint = "http://llm.corp.internal:8000/v1"
		rep := runOne(t, target, tr)
		require.Equal(t, StatusUnreachable, rep.Status, "%v", codes(rep))
		require.Equal(t, CodeEndpointProxy, primary(rep))
		d, _ := rep.Primary()
		require.Contains(t, d.Evidence, squidConnectFail)
		require.NotContains(t, d.Evidence, "Stylesheet", "the token, not the page's markup")
		require.Contains(t, d.Title, "could not get an answer")
		require.NotContains(t, d.Explanation+strings.Join(d.Steps, " "), "Ask your IT or gateway administrator to allow")
		row, _ := rep.Check(CheckProxy)
		require.Equal(t, CheckFail, row.Status)
	})
	t.Run("squid 503 to CONNECT says the same", func(t *testing.T) {
		t.Parallel()
		proxy := httpProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			require.Equal(t, http.MethodConnect, r.Method)
			for k, v := range squidHeaders("ERR_CONNECT_FAIL 111") {
				w.Header().Set(k, v)
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(squidErrorPage)))
			w.WriteHeader(503)
			_, _ = io.WriteString(w, squidErrorPage)
		}))
		tr := testTransport(t, map[string]string{"HTTPS_PROXY": proxy}, clientOpts())
		target := targetFor(assets.Other, "")
		target.Config.Endpoint = "https://llm.corp.example/v1"
		rep := runOne(t, target, tr)
		require.Equal(t, StatusUnreachable, rep.Status, "%v", codes(rep))
		require.Equal(t, CodeEndpointProxy, primary(rep))
		d, _ := rep.Primary()
		require.Contains(t, d.Evidence, "CONNECT → 503 Service Unavailable: "+squidConnectFail)
	})
	t.Run("squid 403 over HTTP_PROXY is the proxy's policy, as over CONNECT", func(t *testing.T) {
		t.Parallel()
		proxy := httpProxy(t, answer(403, squidHeaders("ERR_ACCESS_DENIED 0"), squidErrorPage))
		tr := testTransport(t, map[string]string{"HTTP_PROXY": proxy}, clientOpts())
		target := targetFor(assets.Other, "")
		target.Config.Endpoint = "http://llm.corp.internal:8000/v1"
		rep := runOne(t, target, tr)
		require.Equal(t, StatusBlocked, rep.Status, "%v", codes(rep))
		require.Equal(t, CodeEndpointProxy, primary(rep))
		d, _ := rep.Primary()
		require.Contains(t, d.Evidence, "squid denies this destination by its policy: ERR_ACCESS_DENIED 0")
		require.Contains(t, d.Explanation, "Do not rotate the key")
	})
	inspected := func(t *testing.T, caName string, h http.Handler) Report {
		t.Helper()
		ca := newCA(t, caName, "Inspection Inc")
		caFile, err := ca.WritePEM(t.TempDir())
		require.NoError(t, err)
		proxy := startInspectingProxy(t, ca, func(o *providertest.ConnectProxyOptions) {
			o.Hosts = map[string]http.Handler{"api.openai.com": h}
		})
		opts := clientOpts()
		opts.RootCAs = emptyPool()
		tr := testTransport(t, map[string]string{"HTTPS_PROXY": proxy.URL, "FBLLM_CA_FILE": caFile}, opts)
		return runOne(t, defaultTarget(t, assets.OpenAI), tr)
	}
	t.Run("TLS-inspecting proxy's own 502 (Server names it)", func(t *testing.T) {
		t.Parallel()
		rep := inspected(t, "mitmproxy", answer(502, map[string]string{"Server": "mitmproxy 10.1.6", "Content-Type": "text/html", "Connection": "close"},
			"<html>\n<head>\n    <title>502 Bad Gateway</title>\n</head>\n<body>\n    <h1>502 Bad Gateway</h1>\n    <p>Connection refused</p>\n</body>\n</html>"))
		require.Equal(t, StatusUnreachable, rep.Status, "%v", codes(rep))
		require.Equal(t, CodeEndpointProxy, primary(rep))
		require.NotContains(t, codes(rep), CodeProviderServerError)
		d, _ := rep.Primary()
		require.Contains(t, d.Evidence, "mitmproxy answered itself: Connection refused")
		require.NotContains(t, d.Title+d.Explanation, "provider had an internal error")
	})
	t.Run("TLS-inspecting proxy's own 502 (only the issuer names it)", func(t *testing.T) {
		t.Parallel()
		rep := inspected(t, "Zscaler Intermediate Root CA", answer(502, map[string]string{"Content-Type": "text/html"},
			"<html><head><title>502 Bad Gateway</title></head><body><p>The upstream server did not answer</p></body></html>"))
		require.Equal(t, StatusUnreachable, rep.Status, "%v", codes(rep))
		require.Equal(t, CodeEndpointProxy, primary(rep))
		d, _ := rep.Primary()
		require.Contains(t, d.Evidence, "Zscaler")
		require.Contains(t, d.Evidence, "The upstream server did not answer")
	})
	t.Run("a provider's answer relayed through squid is still the provider's", func(t *testing.T) {
		t.Parallel()
		h := squidHeaders("")
		delete(h, "X-Squid-Error")
		h["Server"], h["Content-Type"] = "cloudflare", "application/json"
		proxy := httpProxy(t, answer(401, h, `{"error":{"message":"Incorrect API key provided: gw-k***cdef.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`))
		tr := testTransport(t, map[string]string{"HTTP_PROXY": proxy}, clientOpts())
		target := targetFor(assets.Other, "")
		target.Config.Endpoint = "http://llm.corp.internal:8000/v1"
		rep := runOne(t, target, tr)
		require.Equal(t, CodeAuthInvalidSecret, primary(rep), "Via and X-Cache alone prove nothing")
	})
}

// TestNegativeControlOffTheProviderHost (issue 11.2): every type pointed
// at a host that is not the provider's own API host runs the wrong-key
// control; a server that accepts anything is unverified, never verified.
func TestNegativeControlOffTheProviderHost(t *testing.T) {
	t.Parallel()
	lists := map[assets.AIType]string{
		assets.OpenAI:    `{"object":"list","data":[{"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"system"}]}`,
		assets.Anthropic: `{"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"}],"has_more":false,"first_id":"claude-sonnet-4-5","last_id":"claude-sonnet-4-5"}`,
		assets.Google:    `{"models":[{"name":"models/gemini-2.5-flash","displayName":"Gemini 2.5 Flash"}],"nextPageToken":"x"}`,
		assets.AWS:       `{"modelSummaries":[{"modelId":"anthropic.claude-3-haiku-20240307-v1:0","modelName":"Claude 3 Haiku","providerName":"Anthropic"}]}`,
	}
	tr := testTransport(t, nil, clientOpts())
	for typ, list := range lists {
		t.Run(string(typ), func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				hits.Add(1)
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, list)
			}))
			t.Cleanup(srv.Close)
			rep := runOne(t, targetFor(typ, srv.URL), tr)
			require.Equal(t, StatusUnverified, rep.Status, "%v %+v", codes(rep), rep.Checks)
			require.Contains(t, codes(rep), CodeAuthUnverifiable)
			require.Equal(t, ExitWorks, rep.ExitCode())
			require.Equal(t, int32(2), hits.Load(), "the real key and the wrong one")
			enf, ok := rep.Check(CheckEnforcement)
			require.True(t, ok)
			require.Equal(t, CheckWarn, enf.Status)
		})
	}
	t.Run("the provider's own host needs no control", func(t *testing.T) {
		t.Parallel()
		tr, _, _ := trustedProxy(t, nil)
		rep := runOne(t, defaultTarget(t, assets.OpenAI), tr)
		require.Equal(t, StatusVerified, rep.Status, "%v", codes(rep))
		_, ok := rep.Check(CheckEnforcement)
		require.False(t, ok)
	})
}

// TestChallengeForAnotherScheme (issue 11.3): a 401 whose
// WWW-Authenticate names a scheme the probe did not send means the
// credential arrived where the server does not look — a type mismatch or
// a credential fbllm does not send — not an invalid key.
func TestChallengeForAnotherScheme(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		typ    assets.AIType
		header map[string]string
		body   string
		code   string
		says   string
	}{
		{"OpenAPI mock wants Bearer, GOOGLE sent x-goog-api-key", assets.Google,
			map[string]string{"Content-Type": "application/problem+json", "WWW-Authenticate": "Bearer", "Access-Control-Allow-Origin": "*"},
			prismUnauthorized, CodeEndpointWrongType, "x-goog-api-key"},
		{"OpenAPI mock wants Bearer, ANTHROPIC sent x-api-key", assets.Anthropic,
			map[string]string{"Content-Type": "application/problem+json", "WWW-Authenticate": "Bearer"},
			prismUnauthorized, CodeEndpointWrongType, "x-api-key"},
		{"nginx Basic auth in front of an OpenAI-compatible server", assets.Other,
			map[string]string{"Content-Type": "text/html", "Server": "nginx/1.22.1", "WWW-Authenticate": `Basic realm="LLM gateway"`},
			nginxPage(401, "nginx/1.22.1"), CodeAuthMissingSecret, `Basic realm="LLM gateway"`},
		{"a Bearer challenge to a Bearer request is a wrong key", assets.Other,
			map[string]string{"Content-Type": "application/problem+json", "WWW-Authenticate": `Bearer error="invalid_token"`},
			prismUnauthorized, CodeAuthInvalidSecret, ""},
	}
	tr := testTransport(t, nil, clientOpts())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(answer(401, tt.header, tt.body))
			t.Cleanup(srv.Close)
			rep := runOne(t, targetFor(tt.typ, srv.URL), tr)
			require.Equal(t, tt.code, primary(rep), "%v", codes(rep))
			if tt.code != CodeAuthInvalidSecret {
				require.NotContains(t, codes(rep), CodeAuthInvalidSecret)
				d, _ := rep.Primary()
				require.Contains(t, d.Explanation, tt.says)
				require.Contains(t, d.Explanation, "WWW-Authenticate")
			}
		})
	}
}

// TestEmptyModelList (issue 11.4): {"object":"list","data":null} — a Go
// server's empty list, what a fresh local model server answers — is the
// API with no models yet, not a web page.
func TestEmptyModelList(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+otherKey {
			w.WriteHeader(401)
			_, _ = io.WriteString(w, `{"error":{"message":"invalid api key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`)
			return
		}
		_, _ = io.WriteString(w, `{"object":"list","data":null}`)
	}))
	t.Cleanup(srv.Close)
	rep := runOne(t, targetFor(assets.Other, srv.URL), testTransport(t, nil, clientOpts()))
	require.Equal(t, StatusVerified, rep.Status, "%v %+v", codes(rep), rep.Checks)
	require.NotContains(t, codes(rep), CodeEndpointNotAPI)
	models, _ := rep.Check(CheckModels)
	require.Equal(t, CheckWarn, models.Status)
	require.Contains(t, models.Detail, "no models available yet")
}

// TestPreciseWords (issue 11.5): the wording of four answers that were
// described imprecisely.
func TestPreciseWords(t *testing.T) {
	t.Parallel()
	tr := testTransport(t, nil, clientOpts())
	t.Run("a gateway's own 502 page on OTHER", func(t *testing.T) {
		t.Parallel()
		for _, st := range []int{502, 504} {
			srv := httptest.NewServer(answer(st, map[string]string{"Server": "nginx/1.22.1", "Content-Type": "text/html"}, nginxPage(st, "nginx/1.22.1")))
			rep := runOne(t, targetFor(assets.Other, srv.URL), tr)
			srv.Close()
			require.Equal(t, StatusProviderError, rep.Status)
			d, _ := rep.Primary()
			require.NotContains(t, d.Title, "The provider had an internal error")
			require.Contains(t, d.Title, "gateway")
			require.Contains(t, d.Explanation, "nginx/1.22.1")
			require.Contains(t, d.Explanation, "server behind it")
			require.Contains(t, d.Evidence, fmt.Sprintf("%d %s", st, http.StatusText(st)))
			auth, _ := rep.Check(CheckAuth)
			require.Contains(t, auth.Detail, "did not come from the provider")
		}
	})
	t.Run("http→https 301 on the same host", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Server", "nginx/1.22.1")
			w.Header().Set("Location", "https://127.0.0.1:8443"+r.URL.RequestURI())
			w.WriteHeader(http.StatusMovedPermanently)
			_, _ = io.WriteString(w, nginxPage(301, "nginx/1.22.1"))
		}))
		t.Cleanup(srv.Close)
		rep := runOne(t, targetFor(assets.Other, srv.URL), tr)
		require.Equal(t, CodeEndpointRedirect, primary(rep))
		d, _ := rep.Primary()
		require.NotContains(t, d.Explanation, "It leads to another host")
		require.Contains(t, d.Explanation, "https://")
		steps := strings.Join(d.Steps, " ")
		require.Contains(t, steps, "https://127.0.0.1:8443/v1.")
		require.NotContains(t, steps, "/models")
	})
	t.Run("407 with credentials in the proxy URL", func(t *testing.T) {
		t.Parallel()
		p := providertest.Proxy407()
		t.Cleanup(p.Close)
		withCreds := strings.Replace(p.URL, "http://", "http://alice:Wr0ngPassw0rd@", 1)
		for _, env := range []map[string]string{{"HTTPS_PROXY": withCreds}, {"HTTP_PROXY": withCreds}} {
			target := targetFor(assets.Other, "")
			target.Config.Endpoint = "https://llm.corp.example/v1"
			if env["HTTP_PROXY"] != "" {
				target.Config.Endpoint = "http://llm.corp.internal:8000/v1"
			}
			rep := runOne(t, target, testTransport(t, env, clientOpts()))
			require.Equal(t, CodeEndpointProxy, primary(rep))
			d, _ := rep.Primary()
			require.Contains(t, d.Explanation, "refused the user name and password")
			require.NotContains(t, d.Explanation, "it wants a user name and password")
			require.NotContains(t, mustJSON(t, rep), "Wr0ngPassw0rd")
		}
	})
	t.Run("nginx 413 page", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(answer(413, map[string]string{"Server": "nginx/1.22.1", "Content-Type": "text/html"}, nginxPage(413, "nginx/1.22.1")))
		t.Cleanup(srv.Close)
		rep := runOne(t, targetFor(assets.Other, srv.URL), tr)
		require.Equal(t, CodeEndpointNotAPI, primary(rep))
		d, _ := rep.Primary()
		require.NotContains(t, d.Explanation, "web interface")
		require.Contains(t, d.Title, "413")
		require.Contains(t, d.Explanation, "nginx/1.22.1")
		require.Contains(t, d.Evidence, "413 Request Entity Too Large")
	})
}

// holdsReversibly reports whether out holds secret in a form a reader
// can undo: raw, percent-encoded, HTML or JSON escaped, or in a base64 run.
func holdsReversibly(out, secret string) bool {
	holds := func(text string) bool {
		for i := 0; i+12 <= len(secret); i++ {
			if strings.Contains(text, secret[i:i+12]) {
				return true
			}
		}
		return false
	}
	unescaped := html.UnescapeString(out)
	if u, err := url.PathUnescape(unescaped); err == nil {
		unescaped = u
	}
	if u, err := strconv.Unquote(`"` + strings.ReplaceAll(out, `"`, `\"`) + `"`); err == nil && holds(u) {
		return true
	}
	if holds(out) || holds(unescaped) {
		return true
	}
	for _, run := range regexp.MustCompile(`[A-Za-z0-9+/_-]{16,}`).FindAllString(out, -1) {
		for off := 0; off < 4; off++ {
			part := run[off:]
			part = part[:len(part)/4*4]
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				if b, err := enc.DecodeString(part); err == nil && holds(string(b)) {
					return true
				}
			}
		}
	}
	return false
}

// TestEncodedEchoesNeverReachTheReport (issue 11.8): a server that echoes
// the secret — or a proxy that echoes its password — in every encoding
// into X-Request-Id and the body gets none of it into the report.
func TestEncodedEchoesNeverReachTheReport(t *testing.T) {
	t.Parallel()
	const secret = "Zq8vN3xKp2LmW7rT5yHbQ4sD9fGj6cVa"
	encodings := map[string]func(string) string{
		"raw":         func(s string) string { return s },
		"base64":      func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
		"base64url":   func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte("k:" + s)) },
		"percent-all": func(s string) string { return strings.ToUpper(fmt.Sprintf("%%%x", []byte(s))[1:]) },
		"html":        func(s string) string { return strings.Join(strings.Split(html.EscapeString(s), ""), "") },
		"entities": func(s string) string {
			var b strings.Builder
			for _, c := range []byte(s) {
				fmt.Fprintf(&b, "&#%d;", c)
			}
			return b.String()
		},
	}
	encodings["percent-all"] = func(s string) string {
		var b strings.Builder
		for _, c := range []byte(s) {
			fmt.Fprintf(&b, "%%%02X", c)
		}
		return b.String()
	}
	tr := testTransport(t, nil, clientOpts())
	for name, enc := range encodings {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
				w.Header().Set("X-Request-Id", "req_"+enc(got))
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(401)
				_, _ = fmt.Fprintf(w, `{"error":{"message":"key %s is not valid","type":"invalid_request_error"}}`, enc(got))
			}))
			t.Cleanup(srv.Close)
			target := targetFor(assets.Other, srv.URL)
			target.Secret = secret
			rep := runOne(t, target, tr)
			out := mustJSON(t, rep)
			require.False(t, holdsReversibly(out, secret), out)
			require.False(t, holdsReversibly(rep.RequestID, secret), rep.RequestID)
		})
	}
	t.Run("a proxy echoing its own password", func(t *testing.T) {
		t.Parallel()
		const pass = "Pr0xy-Passw0rd-9f3k"
		proxy := httpProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Proxy-Authorization")
			w.Header().Set("X-Request-Id", auth)
			w.Header().Set("Server", "squid/5.7")
			w.Header().Set("X-Squid-Error", "ERR_ACCESS_DENIED 0")
			w.WriteHeader(403)
			_, _ = fmt.Fprintf(w, "<html><p>denied for %s (%s)</p></html>", auth, pass)
		}))
		proxyURL := strings.Replace(proxy, "http://", "http://bob:"+pass+"@", 1)
		target := targetFor(assets.Other, "")
		target.Config.Endpoint = "http://llm.corp.internal:8000/v1"
		rep := runOne(t, target, testTransport(t, map[string]string{"HTTP_PROXY": proxyURL}, clientOpts()))
		out := mustJSON(t, rep)
		require.False(t, holdsReversibly(out, pass), out)
		require.False(t, holdsReversibly(out, "bob:"+pass), out)
	})
}

// TestHelpTextIsNotRedacted (issue 11.8): over-redaction is a bug too.
func TestHelpTextIsNotRedacted(t *testing.T) {
	t.Parallel()
	rep := runOne(t, Target{Config: ConfigRef{AIType: assets.Other, Endpoint: "https://alice:hunter2pass@llm.example.com/v1"}, Secret: otherKey}, testTransport(t, nil, clientOpts()))
	d, _ := rep.Primary()
	require.Contains(t, strings.Join(d.Steps, " "), "(no user:password@, no ?key=).")
}

// TestInputDiagnosesCarryEvidence (issue 11.9): the rewrite and the key
// shape say what they saw.
func TestInputDiagnosesCarryEvidence(t *testing.T) {
	t.Parallel()
	srv := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{anthropicKey}})
	t.Cleanup(srv.Close)
	target := Target{Config: ConfigRef{AIType: assets.OpenAI, Endpoint: srv.URL + "/v1/chat/completions"}, Secret: anthropicKey}
	rep := runOne(t, target, testTransport(t, nil, clientOpts()))
	for _, code := range []string{CodeInputEndpointRewritten, CodeInputKeyShape} {
		d, ok := diagnosis(rep, code)
		require.True(t, ok, "%v", codes(rep))
		require.NotEmpty(t, d.Evidence, code)
	}
	d, _ := diagnosis(rep, CodeInputEndpointRewritten)
	require.Contains(t, d.Evidence, "/v1/chat/completions")
	d, _ = diagnosis(rep, CodeInputKeyShape)
	require.Contains(t, d.Evidence, "sk-ant-")
}

// TestMalformedProxyRefused (issue 11.9): a malformed HTTPS_PROXY is
// refused as curl does: a clear diagnosis and no connection at all.
func TestMalformedProxyRefused(t *testing.T) {
	t.Parallel()
	var dials atomic.Int32
	opts := clientOpts()
	opts.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return nil, errors.New("no dialling in this test")
	}
	tr := testTransport(t, map[string]string{"HTTPS_PROXY": " http://proxy.corp:3128"}, opts)
	rep := runOne(t, defaultTarget(t, assets.OpenAI), tr)
	require.Zero(t, dials.Load(), "nothing may go out, directly or otherwise")
	require.Equal(t, CodeEndpointProxy, primary(rep))
	d, _ := rep.Primary()
	require.Contains(t, d.Title, "not a valid proxy URL")
	require.Contains(t, d.Explanation, "HTTPS_PROXY")
	require.Contains(t, d.Explanation, "white space")
	row, _ := rep.Check(CheckProxy)
	require.Equal(t, CheckFail, row.Status)
}

// TestHangsNameTheirLayer (issue 14.4, 14.5): a stalled CONNECT or body is
// diagnosed as such within the stall budget, and the rows carry the real
// time spent, a hung connect included.
func TestHangsNameTheirLayer(t *testing.T) {
	t.Parallel()
	fast := client.TransportOptions{DialTimeout: 300 * time.Millisecond, TLSHandshakeTimeout: 5 * time.Second,
		ResponseHeaderTimeout: 5 * time.Second, Timeout: 5 * time.Second, StallTimeout: 300 * time.Millisecond}
	start := func(f *providertest.Fault, err error) *providertest.Fault {
		t.Helper()
		require.NoError(t, err)
		t.Cleanup(f.Close)
		return f
	}
	t.Run("body", func(t *testing.T) {
		t.Parallel()
		target := targetFor(assets.Other, "")
		target.Config.Endpoint = start(providertest.BodyHang()).URL
		began := time.Now()
		rep := runOne(t, target, testTransport(t, nil, fast))
		require.Less(t, time.Since(began), 2*time.Second)
		require.Equal(t, CodeEndpointTimeout, primary(rep), "%v", codes(rep))
		d, _ := rep.Primary()
		require.Contains(t, d.Title, "during body")
		row, _ := rep.Check(CheckHTTP)
		require.Equal(t, CheckFail, row.Status)
	})
	t.Run("proxy CONNECT", func(t *testing.T) {
		t.Parallel()
		rep := runOne(t, defaultTarget(t, assets.Anthropic), testTransport(t, map[string]string{"HTTPS_PROXY": start(providertest.ConnectHangProxy()).URL}, fast))
		require.Equal(t, CodeEndpointProxy, primary(rep), "%v", codes(rep))
		row, _ := rep.Check(CheckProxy)
		require.Equal(t, CheckFail, row.Status)
		require.GreaterOrEqual(t, row.MS, int64(250), "%+v", rep.Checks)
	})
	t.Run("connect", func(t *testing.T) {
		t.Parallel()
		target := targetFor(assets.Other, "")
		target.Config.Endpoint = start(providertest.ConnectBlackhole()).URL
		rep := runOne(t, target, testTransport(t, nil, fast))
		require.Equal(t, CodeEndpointTimeout, primary(rep), "%v", codes(rep))
		row, _ := rep.Check(CheckTCP)
		require.Equal(t, CheckFail, row.Status)
		require.GreaterOrEqual(t, row.MS, int64(280), "a 300 ms connect timeout is not 0 ms: %+v", rep.Checks)
	})
}
