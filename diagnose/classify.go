package diagnose

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"syscall"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
)

// Layers of the classification (provider-probes §1.5), recorded in a
// Finding so the checklist can fail the right row.
const (
	LayerTransport    = "transport"
	LayerRedirect     = "redirect"
	LayerIntermediary = "intermediary" // "is this even the provider?"
	LayerEnvelope     = "envelope"
	LayerSchema       = "schema"
)

// Finding is what Classify concluded from one probe: the deciding code
// ("" for a success), the text variant and the values of its placeholders.
type Finding struct {
	Code     string
	Variant  string
	Layer    string
	Vars     map[string]string
	Envelope Envelope
	// Models is the number of entries of a recognised model list, and
	// ModelIDs the first few of their ids.
	Models   int
	ModelIDs []string
	// StatusOverride replaces the code's usual status (a proxy's own 403
	// is endpoint.proxy but blocked, PRODUCT §6).
	StatusOverride Status
	// Evidence replaces the evidence the run would write from the
	// response, when the finding has better words (a proxy's own error
	// token rather than an excerpt of its HTML page).
	Evidence string
}

func (f *Finding) set(k, v string) {
	if f.Vars == nil {
		f.Vars = map[string]string{}
	}
	f.Vars[k] = v
}

// Classify turns one probe result into a Finding, in the order of
// provider-probes §1.5: transport error, redirect, "is this even the
// provider?", the provider's error envelope, the success schema. It is
// pure (no I/O) and fuzzed; every code it returns is a PRODUCT §6 code.
func Classify(t assets.AIType, res *client.ProbeResult) Finding {
	if res == nil {
		return Finding{Code: CodeEndpointReset, Layer: LayerTransport}
	}
	if res.Err != nil {
		return classifyTransport(res)
	}
	if res.BodyErr != nil && isTimeout(res.BodyErr) {
		// The headers came, then the body stalled: a hang, not a
		// malformed answer.
		f := Finding{Code: CodeEndpointTimeout, Layer: LayerTransport}
		f.set("phase", client.PhaseBody.String())
		f.Evidence = fmt.Sprintf("HTTP %d arrived, then the body stalled after %d bytes: %v", res.StatusCode, len(res.Body), res.BodyErr)
		return f
	}
	return classifyResponse(t, res)
}

func classifyTransport(res *client.ProbeResult) Finding {
	err := res.Err
	f := Finding{Layer: LayerTransport}
	f.set("phase", res.Phase.String())
	var ppe *client.ProbeProxyError
	var op *net.OpError
	var dnsErr *net.DNSError
	var rhe tls.RecordHeaderError
	var he x509.HostnameError
	var cie x509.CertificateInvalidError
	var uae x509.UnknownAuthorityError
	var cve *tls.CertificateVerificationError
	var pce *client.ProxyConfigError
	switch {
	case errors.Is(err, client.ErrProbeRegion):
		f.Code = CodeEndpointInvalidURL
		f.set("reason", "the endpoint's host carries no AWS region; give one with --region.")
	case errors.As(err, &pce):
		f.Code, f.Variant = CodeEndpointProxy, "malformed"
		f.set("proxySource", pce.Var)
		f.set("proxy", pce.Value)
		f.set("proxyDetail", pce.Reason+".")
		f.Evidence = pce.Error()
	case errors.As(err, &ppe):
		f.Code = CodeEndpointProxy
		own, isOwn := client.ProxyOwnAnswer(ppe.Header, ppe.Body)
		words := ""
		if isOwn {
			words = " (" + own.Summary() + ")"
		}
		switch {
		case ppe.StatusCode == http.StatusProxyAuthRequired:
			f.set("proxyDetail", proxyAuthDetail(res.Proxy))
			if res.Proxy != nil && res.Proxy.Credentials {
				f.Variant = "credentials"
			}
		case ppe.StatusCode == http.StatusForbidden:
			f.Variant = "policy"
			f.set("proxyDetail", "it answered 403 Forbidden"+words+": its policy does not allow this destination. Your key was never sent.")
			f.StatusOverride = StatusBlocked
		case ppe.StatusCode >= 500:
			f.Variant = "upstream"
			f.set("proxyDetail", fmt.Sprintf("it could not open the tunnel and answered %s itself%s.", ppe.Status, words))
		default:
			f.set("proxyDetail", fmt.Sprintf("it refused the tunnel with %s%s.", ppe.Status, words))
		}
		f.Evidence = "CONNECT → " + ppe.Status
		if isOwn {
			f.Evidence += ": " + own.Summary()
		} else if len(ppe.Body) > 0 {
			f.Evidence += ": " + excerpt(string(ppe.Body))
		}
		if v := ppe.Header.Get("Via"); v != "" {
			f.Evidence += " [Via: " + v + "]"
		}
	case errors.As(err, &op) && op.Op == "proxyconnect":
		f.Code = CodeEndpointProxy
		f.set("proxyDetail", "the proxy itself could not be reached: "+transportCause(op.Err)+".")
	case res.Phase == client.PhaseProxy && isTimeout(err):
		f.Code = CodeEndpointProxy
		f.set("proxyDetail", "it did not answer the CONNECT request in time.")
	case errors.Is(err, http.ErrSchemeMismatch) || errors.As(err, &rhe):
		f.Code = CodeEndpointTLSMismatch
		f.set("schemeDetail", "The endpoint says https://, but the server answered in plain HTTP (or another protocol): it has no TLS on this port.")
		f.set("suggestedScheme", "http")
	case errors.As(err, &he):
		f.Code = CodeEndpointTLSHostname
		if he.Certificate != nil {
			f.set("certNames", certNames(he.Certificate))
		}
	case errors.As(err, &cie) && cie.Reason == x509.Expired:
		f.Code = CodeEndpointTLSExpired
	case errors.As(err, &uae) || errors.As(err, &cve) || errors.As(err, &cie):
		f.Code = CodeEndpointTLSUntrusted
	case errors.As(err, &dnsErr):
		f.Code = CodeEndpointDNS
		switch {
		case dnsErr.IsNotFound:
			f.set("dnsDetail", "no such host")
		case dnsErr.IsTimeout:
			f.set("dnsDetail", "the DNS server did not answer in time")
		default:
			f.set("dnsDetail", "the resolver failed: "+dnsErr.Err)
		}
	case errors.Is(err, syscall.ECONNREFUSED):
		f.Code = CodeEndpointRefused
	case isTimeout(err):
		f.Code = CodeEndpointTimeout
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		f.Code = CodeEndpointReset
	case strings.Contains(err.Error(), "invalid header field value"):
		// A control character in a credential; the pre-flight strips
		// them, so this is only reachable through the client directly.
		f.Code = CodeAuthInvalidSecret
		f.Layer = LayerTransport
	default:
		f.Code = CodeEndpointReset
	}
	if res.TLS != nil && res.TLS.Issuer != "" {
		f.set("issuer", res.TLS.Issuer)
		if res.TLS.InspectedBy != "" {
			f.set("inspection", "This is TLS inspection by "+res.TLS.InspectedBy+": a company proxy decrypts HTTPS and re-signs it with its own certificate. ")
		}
	}
	return f
}

// transportCause describes a dial error in a few words.
func transportCause(err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return "its host name does not resolve"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case isTimeout(err):
		return "no answer in time"
	case err == nil:
		return "unknown error"
	default:
		return err.Error()
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

func certNames(c *x509.Certificate) string {
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		names = []string{c.Subject.CommonName}
	}
	return strings.Join(names, ", ")
}

var htmlStartRe = regexp.MustCompile(`(?is)^\s*(<!doctype html|<html|<head|<body|<\?xml)`)

func classifyResponse(t assets.AIType, res *client.ProbeResult) Finding {
	st := res.StatusCode
	body := res.Body
	ct := strings.ToLower(res.Header.Get("Content-Type"))
	lowerBody := strings.ToLower(string(body))
	env := DecodeEnvelope(res.Header, body)
	f := Finding{Envelope: env, Layer: LayerIntermediary}
	f.set("status", fmt.Sprintf("HTTP %d", st))

	// Layer 3: redirects and proxies answering in place of the server.
	switch {
	case st == http.StatusProxyAuthRequired:
		f.Code = CodeEndpointProxy
		f.set("proxyDetail", proxyAuthDetail(res.Proxy))
		if res.Proxy != nil && res.Proxy.Credentials {
			f.Variant = "credentials"
		}
		if own, ok := client.ProxyOwnAnswer(res.Header, res.Body); ok {
			f.Evidence = fmt.Sprintf("HTTP 407 from %s: %s", own.Product, own.Summary())
		}
		return f
	case st >= 300 && st < 400 && st != http.StatusNotModified:
		f.Layer = LayerRedirect
		f.Code = CodeEndpointRedirect
		loc := res.Header.Get("Location")
		f.set("location", loc)
		f.set("redirectHint", redirectHint(res.URL, loc))
		return f
	}

	// Layer 4: is this even the provider?
	if strings.Contains(lowerBody, "client sent an http request to an https server") ||
		strings.Contains(lowerBody, "plain http request was sent to https port") ||
		strings.Contains(lowerBody, "can only be accessed over https") {
		f.Code = CodeEndpointTLSMismatch
		f.set("schemeDetail", "The endpoint says http://, but the server only speaks HTTPS on this port.")
		f.set("suggestedScheme", "https")
		return f
	}
	if st >= 400 {
		if own, ok := proxyOwnAnswer(res); ok {
			proxyAnswered(&f, res, own)
			return f
		}
	}
	if name := intermediaryFingerprint(res.Header, lowerBody); name != "" && st >= 400 {
		f.Code = CodePolicyIntermediary
		f.set("intermediary", name)
		return f
	}
	if st == http.StatusUnauthorized && challengeMismatch(t, res, env, &f) {
		return f
	}
	isHTML := strings.Contains(ct, "html") || htmlStartRe.Match(body)
	if !isJSON(body) {
		if env.Dialect == DialectAWS {
			// Bedrock's XML UnknownOperationException: wrong path or host.
			f.Layer = LayerEnvelope
			f.Code = CodeEndpointNotFound
			return f
		}
		kind := "a non-JSON body"
		if isHTML {
			kind = "an HTML page"
		} else if ct != "" {
			kind = "a " + strings.TrimSpace(strings.Split(ct, ";")[0]) + " body"
		}
		f.set("contentType", kind)
		switch {
		case st == http.StatusNotFound || st == http.StatusMethodNotAllowed:
			f.Code = CodeEndpointNotFound
		case st == http.StatusUnauthorized || st == http.StatusForbidden || st == 451:
			f.Code = CodePolicyIntermediary
			f.set("intermediary", serverName(res.Header, "a proxy, firewall or gateway that answers in "+kind+" instead of the provider's JSON"))
		case st == http.StatusTooManyRequests:
			f.Code = CodeQuotaRateLimited
		case st >= 500:
			// A web server's own error page, not the API's JSON: the
			// gateway in front of the API could not get an answer from
			// the server behind it.
			f.Code, f.Variant = CodeProviderServerError, "gateway"
			f.set("intermediary", softwareName(res.Header, "a gateway or reverse proxy"))
		case st >= 400:
			f.Code, f.Variant = CodeEndpointNotAPI, "error_page"
			f.set("intermediary", softwareName(res.Header, "a web server or gateway"))
		default:
			f.Code = CodeEndpointNotAPI
		}
		return f
	}

	// Provider-specific envelopes that are not the usual dialect.
	if t == assets.Anthropic && env.Type == "forbidden" && strings.Contains(strings.ToLower(env.Message), "request not allowed") {
		f.Layer = LayerEnvelope
		f.Code = CodePolicyRegionBlocked
		return f
	}
	if other := wrongDialect(t, res, env); other != "" {
		f.Layer = LayerEnvelope
		f.Code = CodeEndpointWrongType
		f.set("dialect", dialectName(other))
		f.set("likelyType", string(dialectType(other)))
		return f
	}
	if st < 200 || st >= 300 {
		f.Layer = LayerEnvelope
		if t != assets.Other && env.Dialect == "" && (st == 401 || st == 403) {
			// A JSON refusal in no provider's format: something in between
			// answered (provider-probes §8.4 rule of thumb).
			f.Layer = LayerIntermediary
			f.Code = CodePolicyIntermediary
			f.set("intermediary", serverName(res.Header, "a gateway that is not the provider (its JSON is in no provider's format)"))
			return f
		}
		classifyEnvelope(st, res, &f)
		return f
	}

	// Layer 6: the success schema.
	f.Layer = LayerSchema
	dialect, n := successSchema(body)
	f.Models = n
	f.ModelIDs = modelIDs(body)
	switch {
	case dialect == "":
		f.Code = CodeEndpointNotAPI
		f.set("contentType", "JSON that is not a model list")
	case schemaFits(t, dialect):
	default:
		f.Code = CodeEndpointWrongType
		f.set("dialect", dialectName(dialect))
		f.set("likelyType", string(dialectType(dialect)))
	}
	return f
}

// isJSON reports whether b is a JSON object or array.
func isJSON(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && (b[0] == '{' || b[0] == '[') && json.Valid(b)
}

// schemaFits says whether a model list in dialect is what type t's probe
// expects. OTHER accepts every OpenAI-style list and OpenRouter's /key.
func schemaFits(t assets.AIType, dialect string) bool {
	switch t {
	case assets.OpenAI:
		return dialect == DialectOpenAI
	case assets.Anthropic:
		return dialect == DialectAnthropic
	case assets.Google:
		return dialect == DialectGoogle
	case assets.AWS:
		return dialect == DialectAWS
	default:
		return dialect == DialectOpenAI || dialect == DialectOpenAI+"-like" || dialect == DialectOpenRouter
	}
}

// wrongDialect returns the dialect of an answer that certainly comes from
// another kind of API than type t, or "".
func wrongDialect(t assets.AIType, res *client.ProbeResult, env Envelope) string {
	d := env.Dialect
	certainOpenAI := d == DialectOpenAI && env.HasParam
	switch t {
	case assets.OpenAI, assets.Other:
		if d == DialectAnthropic || d == DialectGoogle || (d == DialectAWS && res.Header.Get("X-Amzn-Errortype") != "") {
			return d
		}
	case assets.Anthropic:
		if d == DialectGoogle || d == DialectAWS || certainOpenAI {
			return d
		}
	case assets.Google:
		if d == DialectAnthropic || d == DialectAWS || certainOpenAI {
			return d
		}
	case assets.AWS:
		if d == DialectAnthropic || d == DialectGoogle || certainOpenAI {
			return d
		}
	}
	return ""
}

func dialectName(d string) string {
	switch d {
	case DialectAnthropic:
		return "Anthropic"
	case DialectGoogle:
		return "Google Gemini"
	case DialectAWS:
		return "AWS"
	case DialectOpenRouter:
		return "OpenRouter"
	default:
		return "an OpenAI-compatible API"
	}
}

func dialectType(d string) assets.AIType {
	switch d {
	case DialectAnthropic:
		return assets.Anthropic
	case DialectGoogle:
		return assets.Google
	case DialectAWS:
		return assets.AWS
	case DialectOpenAI:
		return assets.OpenAI
	default:
		return assets.Other
	}
}

// intermediaryFingerprints recognise proxies, WAFs and captive portals
// by headers and body (provider-probes §8.4). Cloudflare's own header
// proves nothing (OpenAI and Anthropic sit behind Cloudflare), only its
// block page does; likewise Via and X-Cache are added to answers a proxy
// relays, so only a proxy's own answer (proxyOwnAnswer, checked first)
// is about the proxy.
var intermediaryFingerprints = []struct {
	header   string
	headerRe *regexp.Regexp
	bodyRe   *regexp.Regexp
	name     string
}{
	{header: "Server", headerRe: regexp.MustCompile(`(?i)zscaler`), name: "Zscaler (a corporate secure web gateway)"},
	{bodyRe: regexp.MustCompile(`zscaler|zscloud\.net`), name: "Zscaler (a corporate secure web gateway)"},
	{bodyRe: regexp.MustCompile(`netskope`), name: "Netskope (a corporate secure web gateway)"},
	{bodyRe: regexp.MustCompile(`fortiguard|fortigate|fortinet`), name: "Fortinet FortiGuard (a corporate firewall)"},
	{bodyRe: regexp.MustCompile(`palo alto networks|pan-os`), name: "a Palo Alto Networks firewall"},
	{bodyRe: regexp.MustCompile(`forcepoint|websense`), name: "Forcepoint (a corporate web filter)"},
	{bodyRe: regexp.MustCompile(`blue ?coat|symantec web`), name: "Blue Coat / Symantec (a corporate proxy)"},
	{bodyRe: regexp.MustCompile(`cisco umbrella|opendns`), name: "Cisco Umbrella (a DNS and web filter)"},
	{bodyRe: regexp.MustCompile(`sorry, you have been blocked|attention required! \| cloudflare|error code: 1020|error reference number: 1020`), name: "Cloudflare's firewall in front of the service (IP reputation or VPN)"},
	{bodyRe: regexp.MustCompile(`access denied due to missing subscription key`), name: "an Azure API Management gateway that wants its own Ocp-Apim-Subscription-Key header"},
}

func intermediaryFingerprint(h http.Header, lowerBody string) string {
	for _, fp := range intermediaryFingerprints {
		if fp.header != "" {
			if v := h.Get(fp.header); v != "" && fp.headerRe.MatchString(v) {
				return fp.name
			}
			continue
		}
		if fp.bodyRe.MatchString(lowerBody) {
			return fp.name
		}
	}
	return ""
}

// serverName names an unrecognised intermediary by its Server or Via
// header when it has one.
// softwareName is what the Server (or Via) header says answered, or
// fallback: "nginx/1.22.1" for a web server's own error page.
func softwareName(h http.Header, fallback string) string {
	for _, k := range []string{"Server", "Via"} {
		if v := strings.TrimSpace(h.Get(k)); v != "" && !strings.EqualFold(v, "cloudflare") {
			return v
		}
	}
	return fallback
}

func serverName(h http.Header, fallback string) string {
	for _, k := range []string{"Server", "Via"} {
		if v := strings.TrimSpace(h.Get(k)); v != "" && !strings.EqualFold(v, "cloudflare") {
			return fmt.Sprintf("%s (%s: %s)", fallback, k, v)
		}
	}
	return fallback
}

var loginPathRe = regexp.MustCompile(`(?i)login|signin|sign-in|portal|auth|sso|captive|splash`)

func redirectHint(from, loc string) string {
	fu, err1 := url.Parse(from)
	lu, err2 := url.Parse(loc)
	if err1 != nil || err2 != nil {
		return ""
	}
	lu = fu.ResolveReference(lu)
	switch {
	case lu.Host != fu.Host && loginPathRe.MatchString(lu.Host+lu.Path):
		return "It leads to a sign-in page: a captive portal or a single sign-on gateway is in the way."
	case lu.Hostname() == fu.Hostname() && fu.Scheme == "http" && lu.Scheme == "https":
		return "The server wants https:// (same host): use the https:// address."
	case lu.Host == fu.Host && strings.TrimSuffix(lu.Path, "/") == strings.TrimSuffix(fu.Path, "/"):
		return "It only adds or removes a trailing slash."
	case lu.Hostname() != fu.Hostname():
		return "It leads to another host."
	}
	return ""
}

// proxyAuthDetail is what a 407 means: credentials are missing, or the
// ones in the proxy URL were refused.
func proxyAuthDetail(p *client.ProxyInfo) string {
	if p != nil && p.Credentials {
		return "it answered 407 Proxy Authentication Required: it refused the user name and password given in the proxy URL."
	}
	return "it answered 407 Proxy Authentication Required: it wants a user name and password."
}

// proxyOwnAnswer recognises an answer a proxy wrote itself (squid's
// X-Squid-Error, a proxy product in Server), or an error page written
// through a TLS-inspecting proxy (the certificate's issuer names the
// product) in place of the API's JSON.
func proxyOwnAnswer(res *client.ProbeResult) (client.ProxyAnswer, bool) {
	if a, ok := client.ProxyOwnAnswer(res.Header, res.Body); ok {
		return a, true
	}
	if res.TLS != nil && res.TLS.InspectedBy != "" && !isJSON(res.Body) {
		return client.ProxyAnswer{Product: res.TLS.InspectedBy, Token: client.PageMessage(res.Body)}, true
	}
	return client.ProxyAnswer{}, false
}

// proxyAnswered fills the finding of an answer a proxy wrote itself: it
// is about the proxy (endpoint.proxy), never about the provider or the
// key, and its own error token is the evidence. Its refusal by policy
// (403, 451) is blocked, as for CONNECT; anything else — the proxy could
// not reach the server — is unreachable.
func proxyAnswered(f *Finding, res *client.ProbeResult, own client.ProxyAnswer) {
	st := res.StatusCode
	f.Code = CodeEndpointProxy
	f.set("intermediary", own.Product)
	if res.Proxy == nil {
		// No proxy is configured: one on the network intercepted the
		// request (a transparent proxy), or one stands in front of the
		// server.
		f.Variant = "intercepted"
	}
	switch {
	case st == http.StatusForbidden || st == 451:
		f.StatusOverride = StatusBlocked
		if f.Variant == "" {
			f.Variant = "policy"
		}
	case f.Variant == "":
		f.Variant = "upstream"
	}
	f.set("proxyDetail", fmt.Sprintf("it answered %d itself: %s.", st, own.Summary()))
	f.Evidence = fmt.Sprintf("HTTP %d from %s: %s", st, own.Product, own.Summary())
}

// challengeMismatch recognises a 401 whose WWW-Authenticate challenge
// names a scheme the probe did not send, in a body that is no provider's
// envelope (an OpenAPI mock's problem+json, a web server's Basic-auth
// page). The credential then arrived where the server does not look: a
// type mismatch (the server wants Bearer or SigV4, which another type
// sends) or a credential fbllm does not send (Basic, Negotiate, …) —
// never an invalid key.
func challengeMismatch(t assets.AIType, res *client.ProbeResult, env Envelope, f *Finding) bool {
	if env.Dialect != "" && env.Dialect != DialectFastAPI {
		return false
	}
	challenges := res.Header.Values("Www-Authenticate")
	schemes := challengeSchemes(challenges)
	if len(schemes) == 0 {
		return false
	}
	sent := map[string]string{"bearer": "bearer", "sigv4": "aws4-hmac-sha256"}[res.Auth]
	if slices.Contains(schemes, sent) {
		return false
	}
	f.Layer = LayerEnvelope
	f.set("challenge", excerpt(strings.Join(challenges, ", ")))
	f.set("sentAs", sentAs(res.Auth))
	switch {
	case slices.Contains(schemes, "bearer") && t != assets.Other && t != assets.OpenAI:
		f.Code, f.Variant = CodeEndpointWrongType, "challenge"
		f.set("likelyType", string(assets.Other)+" (OpenAI-compatible, which sends Authorization: Bearer)")
	case slices.Contains(schemes, "aws4-hmac-sha256") && t != assets.AWS:
		f.Code, f.Variant = CodeEndpointWrongType, "challenge"
		f.set("likelyType", string(assets.AWS))
	default:
		f.Code, f.Variant = CodeAuthMissingSecret, "challenge"
	}
	return true
}

// challengeSchemes returns the lower-case auth schemes of WWW-Authenticate
// values ("Bearer realm=\"x\", Basic" → bearer, basic); parameters are
// skipped.
func challengeSchemes(values []string) []string {
	var out []string
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			word, _, _ := strings.Cut(part, " ")
			if word == "" || strings.Contains(word, "=") {
				continue // a parameter of the previous challenge
			}
			out = append(out, strings.ToLower(word))
		}
	}
	return out
}

// sentAs says how the probe sent the credential.
func sentAs(auth string) string {
	switch auth {
	case "bearer":
		return "Authorization: Bearer"
	case "sigv4":
		return "an AWS SigV4 signature"
	case "none":
		return "nothing (no secret)"
	default:
		return "an " + auth + " header"
	}
}
