package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/fbllm/fbllm/internal/redact"
)

// Production timeouts of provider probes and API calls
// (reference/provider-probes.md §1.4). A probe that stalls in one phase is
// abandoned at that phase's limit, so the report can name the phase; no
// phase waits longer than TransportStallTimeout without progress, so any
// hang is diagnosed in about 5 s.
const (
	TransportDialTimeout           = 5 * time.Second
	TransportTLSHandshakeTimeout   = 5 * time.Second
	TransportResponseHeaderTimeout = 5 * time.Second
	TransportStallTimeout          = 5 * time.Second
	TransportTimeout               = 15 * time.Second
)

// MaxProbeBody is how much of a response body a probe keeps. Error bodies
// and model lists that matter for a diagnosis are far smaller; the cap
// keeps a misdirected download (a web UI, a large model list) cheap.
const MaxProbeBody = 64 << 10

// CAFileEnv names the variable holding extra PEM roots (PRODUCT §4).
const CAFileEnv = "FBLLM_CA_FILE"

// TransportOptions configures NewTransport. The zero value gives the
// production settings: proxies and FBLLM_CA_FILE from the process
// environment and the timeouts above.
type TransportOptions struct {
	DialTimeout           time.Duration // TCP connect (also to a proxy); 0 means TransportDialTimeout
	TLSHandshakeTimeout   time.Duration // 0 means TransportTLSHandshakeTimeout
	ResponseHeaderTimeout time.Duration // from request written to headers; 0 means TransportResponseHeaderTimeout
	Timeout               time.Duration // whole request; 0 means TransportTimeout
	// StallTimeout ends a probe when no layer (DNS, connect, CONNECT,
	// TLS, response, body) made progress for this long; 0 means
	// TransportStallTimeout.
	StallTimeout time.Duration

	// Getenv reads HTTPS_PROXY, HTTP_PROXY, NO_PROXY (and their lower-case
	// forms) and FBLLM_CA_FILE. Nil means os.Getenv. Tests inject a map
	// here because net/http reads the proxy environment only once per
	// process.
	Getenv func(string) string

	// RootCAs replaces the system pool (tests). FBLLM_CA_FILE is still
	// appended to it.
	RootCAs *x509.CertPool

	// DialContext replaces the dialer (tests that simulate a resolver).
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Transport is the HTTP transport of provider probes and Flashback API
// calls: proxies from the environment, extra CA roots, fixed timeouts and
// no redirects. It is safe for concurrent use.
type Transport struct {
	rt      *http.Transport
	getenv  func(string) string
	proxy   func(*url.URL) (*url.URL, error)
	timeout time.Duration
	stall   time.Duration
	caFile  string
}

// NewTransport builds a Transport. It fails only when FBLLM_CA_FILE is set
// but cannot be read or holds no certificate: silently ignoring it would
// turn a typo into a confusing "certificate signed by unknown authority".
func NewTransport(opts TransportOptions) (*Transport, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	t := &Transport{getenv: getenv, timeout: orDefault(opts.Timeout, TransportTimeout), stall: orDefault(opts.StallTimeout, TransportStallTimeout)}
	t.proxy = checkedProxyFunc(getenv)

	roots := opts.RootCAs
	if roots == nil {
		var err error
		if roots, err = x509.SystemCertPool(); err != nil {
			roots = x509.NewCertPool()
		}
	} else {
		roots = roots.Clone()
	}
	if f := strings.TrimSpace(getenv(CAFileEnv)); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", CAFileEnv, err)
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("read %s: %s holds no PEM certificate", CAFileEnv, f)
		}
		t.caFile = f
	}

	dialer := &net.Dialer{Timeout: orDefault(opts.DialTimeout, TransportDialTimeout), KeepAlive: 30 * time.Second}
	dial := opts.DialContext
	if dial == nil {
		dial = dialer.DialContext
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.Proxy = func(r *http.Request) (*url.URL, error) { return t.proxy(r.URL) }
	base.DialContext = dial
	base.TLSHandshakeTimeout = orDefault(opts.TLSHandshakeTimeout, TransportTLSHandshakeTimeout)
	base.ResponseHeaderTimeout = orDefault(opts.ResponseHeaderTimeout, TransportResponseHeaderTimeout)
	base.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	base.OnProxyConnectResponse = transportOnConnect
	t.rt = base
	return t, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// transportProxyConfig mirrors http.ProxyFromEnvironment (the same
// httpproxy package, the same variables and precedence) over an injected
// environment.
func transportProxyConfig(getenv func(string) string) *httpproxy.Config {
	return &httpproxy.Config{
		HTTPProxy:  transportEnvAny(getenv, "HTTP_PROXY", "http_proxy"),
		HTTPSProxy: transportEnvAny(getenv, "HTTPS_PROXY", "https_proxy"),
		NoProxy:    transportEnvAny(getenv, "NO_PROXY", "no_proxy"),
		CGI:        getenv("REQUEST_METHOD") != "",
	}
}

// ProxyConfigError is a proxy variable that is not a usable proxy URL.
// net/http would go direct for some such values (a leading space, a
// trailing newline) and guess at others ("http//proxy:3128" becomes a
// proxy named "http"); like curl, fbllm refuses to send anything instead.
type ProxyConfigError struct {
	Var    string // HTTPS_PROXY, http_proxy, …
	Value  string // as set, credentials redacted
	Reason string
}

func (e *ProxyConfigError) Error() string {
	return fmt.Sprintf("%s=%q is not a valid proxy URL: %s; nothing was sent", e.Var, e.Value, e.Reason)
}

// checkProxyValue validates a proxy variable's value the way curl reads
// one: an optional scheme (http, https, socks5, socks5h; http:// when
// absent), a host, an optional numeric port and nothing else.
func checkProxyValue(v string) string {
	switch {
	case strings.TrimSpace(v) != v:
		return "it starts or ends with white space"
	case strings.ContainsFunc(v, func(r rune) bool { return r < 0x21 || r == 0x7f }):
		return "it contains a space or a control character"
	}
	raw := v
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "it cannot be parsed as a URL"
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return fmt.Sprintf("the scheme %q is not http, https, socks5 or socks5h", u.Scheme)
	}
	if u.Hostname() == "" {
		return "it has no host name"
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "its port must be a number from 1 to 65535"
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return "its port is empty"
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return "it has a path, query or fragment after the host"
	}
	return ""
}

// proxyValueForDisplay hides what may be a password in a proxy value that
// did not parse: everything before the last "@".
func proxyValueForDisplay(v string) string {
	if i := strings.LastIndex(v, "@"); i >= 0 {
		scheme := ""
		if j := strings.Index(v[:i], "://"); j >= 0 {
			scheme = v[:j+3]
		}
		v = scheme + redact.Mark + v[i:]
	}
	return redact.Shapes(redact.Terminal(v))
}

// checkedProxyFunc is the proxy function of the environment with the
// variables validated: a URL that one of them applies to (by scheme, after
// NO_PROXY and loopback) fails with a *ProxyConfigError when its value is
// malformed, instead of going direct or to a guessed host.
func checkedProxyFunc(getenv func(string) string) func(*url.URL) (*url.URL, error) {
	cfg := transportProxyConfig(getenv)
	proxy := cfg.ProxyFunc()
	// applies answers "would a proxy be used for this URL?" with valid
	// placeholder values and the real NO_PROXY.
	placeholder := *cfg
	placeholder.HTTPProxy, placeholder.HTTPSProxy = "http://proxy.invalid:1", "http://proxy.invalid:1"
	applies := placeholder.ProxyFunc()
	bad := map[string]*ProxyConfigError{}
	for _, pair := range [][2]string{{"https", "HTTPS_PROXY"}, {"http", "HTTP_PROXY"}} {
		v, name := transportEnvSource(getenv, pair[1], strings.ToLower(pair[1]))
		if v == "" {
			continue
		}
		if reason := checkProxyValue(v); reason != "" {
			bad[pair[0]] = &ProxyConfigError{Var: name, Value: proxyValueForDisplay(v), Reason: reason}
		}
	}
	return func(u *url.URL) (*url.URL, error) {
		if e := bad[u.Scheme]; e != nil {
			if p, _ := applies(u); p != nil {
				return nil, e
			}
		}
		return proxy(u)
	}
}

// transportEnvAny returns the first non-empty variable, like net/http's
// getEnvAny, and "" when none is set.
func transportEnvAny(getenv func(string) string, names ...string) string {
	v, _ := transportEnvSource(getenv, names...)
	return v
}

func transportEnvSource(getenv func(string) string, names ...string) (value, name string) {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v, n
		}
	}
	return "", ""
}

// RoundTrip sends one request without following redirects or retrying.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.rt.RoundTrip(req)
}

// HTTPClient returns an *http.Client over t that never follows redirects
// (a redirect is reported, not followed: custom auth headers such as
// x-api-key survive cross-host redirects in net/http) and applies the
// overall timeout.
func (t *Transport) HTTPClient() *http.Client {
	return &http.Client{
		Transport:     t,
		Timeout:       t.timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Timeout is the overall time limit of one request.
func (t *Transport) Timeout() time.Duration { return t.timeout }

// CAFile is the FBLLM_CA_FILE in use, or "".
func (t *Transport) CAFile() string { return t.caFile }

// CloseIdleConnections closes idle keep-alive connections.
func (t *Transport) CloseIdleConnections() { t.rt.CloseIdleConnections() }

// ProxyInfo is the proxy that applies to one URL, safe to display.
type ProxyInfo struct {
	URL    string `json:"url"`    // credentials replaced by "[redacted]"
	Source string `json:"source"` // the variable it came from: HTTPS_PROXY, http_proxy, …
	// HostPort is the proxy's host:port: what the dns and tcp checks of a
	// proxied request are about (PRODUCT §4).
	HostPort string `json:"-"`
	// Credentials says the proxy URL carries user:password@, so a 407
	// means they were refused rather than missing.
	Credentials bool `json:"-"`
}

// ProxyFor returns the proxy that applies to u, or nil when the request
// goes direct (no variable set, NO_PROXY match, loopback).
func (t *Transport) ProxyFor(u *url.URL) (*ProxyInfo, error) {
	p, err := t.proxy(u)
	if err != nil || p == nil {
		return nil, err
	}
	var source string
	switch u.Scheme {
	case "https":
		_, source = transportEnvSource(t.getenv, "HTTPS_PROXY", "https_proxy")
	default:
		_, source = transportEnvSource(t.getenv, "HTTP_PROXY", "http_proxy")
	}
	hostPort := p.Host
	if p.Port() == "" {
		port := "80"
		if p.Scheme == "https" {
			port = "443"
		}
		hostPort = net.JoinHostPort(p.Hostname(), port)
	}
	return &ProxyInfo{URL: RedactURL(p), Source: source, HostPort: hostPort, Credentials: p.User != nil}, nil
}

// ProxySecrets returns the passwords (and user:password pairs) of the
// proxy variables, for the redactor: a proxy may echo them back, plain or
// base64-encoded in a Proxy-Authorization it quotes.
func (t *Transport) ProxySecrets() []string {
	var out []string
	for _, names := range [][]string{{"HTTPS_PROXY", "https_proxy"}, {"HTTP_PROXY", "http_proxy"}} {
		v, _ := transportEnvSource(t.getenv, names...)
		u, err := url.Parse(strings.TrimSpace(v))
		if err != nil || u.User == nil {
			continue
		}
		if pw, ok := u.User.Password(); ok && pw != "" {
			out = append(out, pw, u.User.Username()+":"+pw)
		}
	}
	return out
}

// RedactURL returns u as a string with any user info replaced, so a proxy
// password never reaches a report.
func RedactURL(u *url.URL) string {
	if u.User == nil {
		return u.String()
	}
	c := *u
	c.User = nil
	s := c.String()
	scheme := c.Scheme + "://"
	return scheme + "[redacted]@" + strings.TrimPrefix(s, scheme)
}

// ProbeProxyError is a proxy's non-200 answer to CONNECT: the proxy, not
// the provider, refused the tunnel (407 needs credentials, 403 forbids the
// destination).
type ProbeProxyError struct {
	StatusCode int
	Status     string      // e.g. "407 Proxy Authentication Required"
	Header     http.Header // the kept headers (Proxy-Authenticate, Via, Server, …)
	Body       []byte      // at most MaxProbeBody, only when the length was announced
}

func (e *ProbeProxyError) Error() string {
	return "proxy refused CONNECT: " + e.Status
}

// transportOnConnect turns a refused CONNECT into a ProbeProxyError so the
// diagnosis can match it with errors.As; net/http would otherwise return a
// bare errors.New(status text).
func transportOnConnect(_ context.Context, _ *url.URL, _ *http.Request, res *http.Response) error {
	if res.StatusCode == http.StatusOK {
		return nil
	}
	e := &ProbeProxyError{StatusCode: res.StatusCode, Status: res.Status, Header: ProbeKeptHeaders(res.Header)}
	// Only read a body of announced length: the proxy may hold the
	// connection open after a body-less error, and this runs before any
	// deadline applies.
	if res.ContentLength > 0 && res.ContentLength <= MaxProbeBody {
		e.Body, _ = io.ReadAll(io.LimitReader(res.Body, res.ContentLength))
	}
	return e
}

// keptHeaders are the response headers a diagnosis may use
// (provider-probes §1.4), plus Location for redirects and proxy markers.
var keptHeaders = []string{
	"Content-Type", "Content-Length", "Server", "Via", "Date", "Retry-After", "Location",
	"X-Request-Id", "Request-Id", "X-Amzn-Requestid", "X-Amz-Request-Id", "Apim-Request-Id", "Cf-Ray",
	"X-Amzn-Errortype", "Www-Authenticate", "Proxy-Authenticate", "X-Squid-Error", "X-Cache", "X-Cache-Lookup",
	"Openai-Organization", "Openai-Processing-Ms",
}

var keptPrefixes = []string{"X-Ratelimit-", "Anthropic-Ratelimit-"}

// ProbeKeptHeaders returns the subset of h a diagnosis may show.
func ProbeKeptHeaders(h http.Header) http.Header {
	out := http.Header{}
	for name, vs := range h {
		keep := false
		for _, k := range keptHeaders {
			if strings.EqualFold(name, k) {
				keep = true
				break
			}
		}
		for _, p := range keptPrefixes {
			if len(name) >= len(p) && strings.EqualFold(name[:len(p)], p) {
				keep = true
			}
		}
		if keep {
			out[http.CanonicalHeaderKey(name)] = append([]string(nil), vs...)
		}
	}
	return out
}

// inspectionProducts recognise TLS-inspection products by the names they
// put in the certificates they mint (provider-probes §1.4).
var inspectionProducts = []struct {
	re   *regexp.Regexp
	name string
}{
	{regexp.MustCompile(`(?i)zscaler`), "Zscaler"},
	{regexp.MustCompile(`(?i)netskope`), "Netskope"},
	{regexp.MustCompile(`(?i)forti(net|gate)`), "Fortinet"},
	{regexp.MustCompile(`(?i)palo ?alto`), "Palo Alto Networks"},
	{regexp.MustCompile(`(?i)forcepoint|websense`), "Forcepoint"},
	{regexp.MustCompile(`(?i)blue ?coat|symantec`), "Blue Coat (Symantec)"},
	{regexp.MustCompile(`(?i)cisco umbrella|opendns|\bumbrella\b`), "Cisco Umbrella"},
	{regexp.MustCompile(`(?i)\bmitmproxy\b`), "mitmproxy"},
	{regexp.MustCompile(`(?i)\bsquid\b`), "Squid"},
}

// InspectionProduct names the TLS-inspection product that issued a
// certificate, from its issuer text, or returns "".
func InspectionProduct(issuer string) string {
	for _, p := range inspectionProducts {
		if p.re.MatchString(issuer) {
			return p.name
		}
	}
	return ""
}
