package client

import (
	"html"
	"net/http"
	"regexp"
	"strings"
)

// ProxyAnswer describes an error answer that a forward proxy, a
// TLS-inspecting gateway or a web server in front of an API wrote itself,
// rather than relayed from the server asked: who wrote it, and its own
// error token.
type ProxyAnswer struct {
	// Product is the proxy's name as it gives it ("squid/5.7",
	// "mitmproxy 10.1.6", "tinyproxy/1.11.1").
	Product string
	// Token is the proxy's own error: squid's X-Squid-Error
	// ("ERR_CONNECT_FAIL 111"), else the message of its error page
	// ("Connection refused"). It may be "".
	Token string
	// Meaning says in a few words what Token means ("could not connect"),
	// when fbllm knows the token.
	Meaning string
}

// Name is the product without its version ("squid").
func (a ProxyAnswer) Name() string {
	name := strings.Fields(a.Product)
	if len(name) == 0 {
		return "the proxy"
	}
	n, _, _ := strings.Cut(name[0], "/")
	return n
}

// Summary is the proxy's own words in one line: "squid could not
// connect: ERR_CONNECT_FAIL 111".
func (a ProxyAnswer) Summary() string {
	s := a.Name()
	if a.Meaning != "" {
		s += " " + a.Meaning
	} else {
		s += " answered itself"
	}
	if a.Token != "" {
		s += ": " + a.Token
	}
	return s
}

// proxyProducts are forward proxies and secure web gateways that name
// themselves in the Server header of the answers they write; a relayed
// answer keeps the origin's Server header.
var proxyProducts = regexp.MustCompile(`(?i)\b(squid|mitmproxy|tinyproxy|privoxy|polipo|cntlm|3proxy|ziproxy|ccproxy|wingate|kerio|zscaler|bluecoat|proxysg|netskope|forcepoint|websense|mcafee web gateway|skyhigh|fortigate|cisco umbrella|trafficserver|apache traffic server)\b`)

// squidErrors are the X-Squid-Error tokens a user meets when a proxy
// cannot serve an API request, in a few words.
var squidErrors = map[string]string{
	"ERR_CONNECT_FAIL":        "could not connect",
	"ERR_DNS_FAIL":            "could not resolve the host name",
	"ERR_READ_TIMEOUT":        "got no answer in time",
	"ERR_LIFETIME_EXP":        "gave up waiting for the server",
	"ERR_READ_ERROR":          "lost the connection to the server",
	"ERR_WRITE_ERROR":         "could not send the request on",
	"ERR_ZERO_SIZE_OBJECT":    "got an empty answer from the server",
	"ERR_ACCESS_DENIED":       "denies this destination by its policy",
	"ERR_CACHE_ACCESS_DENIED": "wants you to sign in to the proxy",
	"ERR_SECURE_CONNECT_FAIL": "could not set up TLS to the server",
	"ERR_GATEWAY_FAILURE":     "could not reach its upstream",
	"ERR_CANNOT_FORWARD":      "cannot forward the request",
	"ERR_INVALID_URL":         "refused the request as invalid",
	"ERR_INVALID_REQ":         "refused the request as invalid",
	"ERR_TOO_BIG":             "refused the request as too large",
	"ERR_SHUTTING_DOWN":       "is shutting down",
}

var (
	htmlTitleRe = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlParaRe  = regexp.MustCompile(`(?is)<p[^>]*>(.*?)</p>`)
	htmlTagRe   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// ProxyOwnAnswer recognises an answer a proxy wrote itself: squid's
// X-Squid-Error header, or a Server header naming a proxy product (an
// origin's answer relayed through a proxy keeps the origin's Server; Via
// and X-Cache are added to relayed answers too, so they prove nothing on
// their own). h is the answer's header and body its (capped) body.
func ProxyOwnAnswer(h http.Header, body []byte) (ProxyAnswer, bool) {
	server := strings.TrimSpace(h.Get("Server"))
	if tok := strings.TrimSpace(h.Get("X-Squid-Error")); tok != "" {
		a := ProxyAnswer{Product: server, Token: tok}
		if !strings.Contains(strings.ToLower(server), "squid") {
			a.Product = "squid"
		}
		code, _, _ := strings.Cut(tok, " ")
		a.Meaning = squidErrors[code]
		return a, true
	}
	if server == "" || !proxyProducts.MatchString(server) {
		return ProxyAnswer{}, false
	}
	return ProxyAnswer{Product: server, Token: PageMessage(body)}, true
}

// PageMessage is the message of an HTML error page, as one short line:
// its first paragraph with text, else its title, else "".
func PageMessage(body []byte) string {
	text := func(s string) string {
		s = html.UnescapeString(htmlTagRe.ReplaceAllString(s, " "))
		s = strings.Join(strings.Fields(s), " ")
		if r := []rune(s); len(r) > 160 {
			s = string(r[:160]) + "…"
		}
		return s
	}
	for _, m := range htmlParaRe.FindAllSubmatch(body, 4) {
		if t := text(string(m[1])); t != "" {
			return t
		}
	}
	if m := htmlTitleRe.FindSubmatch(body); m != nil {
		return text(string(m[1]))
	}
	return ""
}
