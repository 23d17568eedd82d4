package diagnose

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/internal/redact"
)

// Target is one configuration to test from this machine, with its
// credentials as the user gave them (they are sanitised here, and every
// change is reported).
type Target struct {
	Config       ConfigRef // Endpoint as stored or typed; it is normalised before use
	Key          string    // AWS access key ID; optional elsewhere
	Secret       string
	SessionToken string // temporary AWS credentials only
	Region       string // explicit AWS region (--region) for hosts that carry none
}

// Options configure Run. The zero value uses the production transport.
type Options struct {
	// Transport is shared by the probes of a run (and of RunAll); nil
	// means client.NewTransport(TransportOptions).
	Transport        *client.Transport
	TransportOptions client.TransportOptions
	// Now is the clock used to sign AWS requests; nil means time.Now.
	Now func() time.Time
}

// Run tests one configuration from this machine and returns its report:
// pre-flight checks, one probe (two off the type's own provider host and
// for OTHER: the negative control with a wrong key; and a /v1 retry after
// a 404 on an unversioned OTHER base), and the layered classification. The error is non-nil only when no report could be made
// (FBLLM_CA_FILE unreadable) or ctx ended; the report is then partial.
func Run(ctx context.Context, target Target, opts Options) (Report, error) {
	r := newRun(target)
	req, ok := r.preflight()
	if !ok {
		return r.finish(), nil
	}
	req.Now = opts.Now
	tr := opts.Transport
	if tr == nil {
		var err error
		if tr, err = client.NewTransport(opts.TransportOptions); err != nil {
			return r.finish(), fmt.Errorf("diagnose: %w", err)
		}
		defer tr.CloseIdleConnections()
	}
	// A proxy may echo its own password (or the Basic credential built
	// from it) back: the report must not show it in any form.
	r.red = r.red.With(tr.ProxySecrets()...)
	if pu, err := url.Parse(req.Endpoint); err == nil {
		var pce *client.ProxyConfigError
		if _, err := tr.ProxyFor(pu); errors.As(err, &pce) {
			// Refused as curl does: nothing is sent, neither direct nor
			// to a host guessed from the malformed value.
			f := Classify(r.typ, &client.ProbeResult{Err: pce})
			r.check(CheckProxy, CheckFail, 0, pce.Error())
			r.add(f.Code, f.Variant, "", f.Vars, f.Evidence, "")
			return r.finish(), nil
		}
	}
	res := client.Probe(ctx, tr, req)
	if err := ctx.Err(); err != nil {
		return r.finish(), err
	}
	r.rep.Proxy = res.Proxy
	f := Classify(r.typ, res)
	var retry *client.ProbeResult
	if r.typ == assets.Other && f.Code == CodeEndpointNotFound && res.StatusCode == 404 && !versionSegmentRe.MatchString(r.path) {
		// OpenAI-compatible servers disagree about /v1, so it is only
		// suggested after a 404, and only when trying it found the API.
		rq := req
		rq.Endpoint = r.endpoint + "/v1"
		retry = client.Probe(ctx, tr, rq)
		if retry.Err == nil && retry.StatusCode != 404 && retry.StatusCode < 500 {
			rf := Classify(r.typ, retry)
			if rf.Layer != LayerIntermediary || rf.Code == "" {
				f.set("suggested", rq.Endpoint)
			}
		}
	}
	r.probeChecks(res, f, retry)
	r.conclude(res, f)
	return r.finish(), nil
}

// versionSegmentRe finds an API version segment (/v1, /v1beta, /api/v4)
// anywhere in a path.
var versionSegmentRe = regexp.MustCompile(`(?i)(^|/)v\d+[a-z0-9]*(/|$)`)

type run struct {
	t        Target
	typ      assets.AIType
	red      *redact.Redactor
	rep      Report
	vars     map[string]string
	endpoint string // normalised
	path     string
	decided  Status
	// negative is set when the probe runs the negative control: the host
	// is not the type's own provider API host.
	negative bool
}

func newRun(t Target) *run {
	r := &run{
		t:   t,
		typ: t.Config.AIType,
		// The raw values too: a refused paste still contains the key.
		red:  redact.New(t.Secret, t.Key, t.SessionToken, strings.TrimSpace(t.Secret), strings.TrimSpace(t.Key)),
		vars: map[string]string{"type": string(t.Config.AIType)},
	}
	r.rep.Config = t.Config
	if p, ok := assets.PresetFor(r.typ); ok && p.KeyPage.URL != "" {
		r.vars["keyPage"] = p.KeyPage.URL
	}
	r.vars["billingPage"] = billingPages[r.typ]
	return r
}

var billingPages = map[assets.AIType]string{
	assets.OpenAI:    "https://platform.openai.com/settings/organization/billing/overview",
	assets.Anthropic: "https://console.anthropic.com/settings/billing",
	assets.Google:    "https://console.cloud.google.com/billing",
	assets.AWS:       "https://console.aws.amazon.com/billing/home",
}

func (r *run) check(id CheckID, st CheckStatus, d time.Duration, detail string) {
	r.rep.Checks = append(r.rep.Checks, Check{ID: id, Status: st, MS: d.Milliseconds(), Detail: detail})
}

// add appends a diagnosis; the first error decides the status.
func (r *run) add(code, variant string, sev Severity, vars map[string]string, evidence string, override Status) {
	all := map[string]string{}
	for k, v := range r.vars {
		all[k] = v
	}
	for k, v := range vars {
		all[k] = v
	}
	d := render(code, variant, sev, all, evidence, r.red)
	r.rep.Diagnoses = append(r.rep.Diagnoses, d)
	if d.Severity == SeverityError && r.decided == "" {
		if override != "" {
			r.decided = override
		} else if s, ok := StatusOf(code); ok {
			r.decided = s
		} else {
			r.decided = StatusMisconfigured
		}
	}
}

// preflight runs the checks that need no network (provider-probes §1.5
// step 1) and builds the probe request. false means nothing may be sent.
func (r *run) preflight() (client.ProbeRequest, bool) {
	var notes []string
	fail := func(detail string) (client.ProbeRequest, bool) {
		r.check(CheckInput, CheckFail, 0, detail)
		return client.ProbeRequest{}, false
	}
	if !r.typ.Valid() {
		r.add(CodeEndpointInvalidURL, "", "", map[string]string{"reason": fmt.Sprintf("the AI type %q is not one of OPENAI, GOOGLE, ANTHROPIC, AWS, OTHER.", r.typ)}, "", "")
		return fail("unknown AI type")
	}
	sec, err := input.SanitizeSecret(r.t.Secret)
	if errors.Is(err, input.ErrEmpty) {
		r.add(CodeAuthMissingSecret, "empty", "", nil, "the secret is empty; nothing was sent", "")
		return fail("the secret is empty")
	}
	if ie := (*input.InputError)(nil); errors.As(err, &ie) {
		r.add(CodeAuthInvalidSecret, "unsendable", "", map[string]string{"reason": ie.Msg + "."}, "", "")
		return fail(ie.Msg)
	}
	// From here on the clean values are the secrets to redact: pieces of
	// the raw paste would also cover "export NAME=" and hide what the
	// input.sanitized diagnosis must show.
	r.red = redact.New(sec.Value, strings.TrimSpace(r.t.Key), r.t.SessionToken)
	removed := sec.Removed
	notes = append(notes, sec.Warnings...)
	key, err := input.SanitizeKey(r.t.Key)
	if ie := (*input.InputError)(nil); errors.As(err, &ie) {
		r.add(CodeAuthInvalidSecret, "unsendable", "", map[string]string{"reason": ie.Msg + "."}, "", "")
		return fail(ie.Msg)
	}
	removed = append(removed, key.Removed...)
	notes = append(notes, key.Warnings...)
	token, err := input.SanitizeSecret(r.t.SessionToken)
	if err != nil && !errors.Is(err, input.ErrEmpty) {
		r.add(CodeAuthInvalidSecret, "unsendable", "", map[string]string{"reason": "the session token: " + err.Error() + "."}, "", "")
		return fail("the session token cannot be sent")
	}
	r.red = r.red.With(key.Value, token.Value)
	if len(removed) > 0 {
		r.add(CodeInputSanitized, "", "", map[string]string{"removed": strings.Join(slices.Compact(removed), ", ")}, "removed: "+strings.Join(removed, ", "), "")
	}

	ep, err := input.NormalizeEndpoint(r.typ, r.t.Config.Endpoint)
	if ie := (*input.InputError)(nil); errors.As(err, &ie) {
		code := ie.Code
		if code != CodeEndpointInsecureScheme {
			code = CodeEndpointInvalidURL
		}
		vars := map[string]string{"reason": ie.Msg + "."}
		if u, perr := url.Parse(strings.TrimSpace(r.t.Config.Endpoint)); perr == nil {
			vars["host"] = u.Host
			// The https form keeps the path: an OTHER server's /v1 must
			// survive the advice.
			vars["httpsURL"] = "https://" + u.Host + strings.TrimRight(u.EscapedPath(), "/")
		}
		r.add(code, "", "", vars, ie.Msg, "")
		return fail(ie.Msg)
	} else if err != nil {
		r.add(CodeEndpointInvalidURL, "", "", map[string]string{"reason": err.Error() + "."}, "", "")
		return fail(err.Error())
	}
	r.endpoint = ep.URL
	r.rep.Config.Endpoint = ep.URL
	u, _ := url.Parse(ep.URL)
	r.path = u.Path
	r.vars["endpoint"] = ep.URL
	r.vars["host"] = u.Hostname()
	r.vars["port"] = portOf(u)
	if len(ep.Rewrites) > 0 {
		var parts []string
		for _, rw := range ep.Rewrites {
			parts = append(parts, fmt.Sprintf("%s (%s → %s)", rw.Reason, rw.From, rw.To))
		}
		evidence := fmt.Sprintf("entered %s; tested %s", strings.TrimSpace(r.t.Config.Endpoint), ep.URL)
		r.add(CodeInputEndpointRewritten, "", SeverityInfo, map[string]string{"rewrites": strings.Join(parts, "; ")}, evidence, "")
	}
	notes = append(notes, ep.Warnings...)
	if ep.ExtractedKey != "" {
		r.red = r.red.With(ep.ExtractedKey)
	}

	region := strings.TrimSpace(r.t.Region)
	if region == "" {
		region = ep.Region
	}
	r.vars["region"] = region
	bearer := false
	if r.typ == assets.AWS {
		bearer = !input.RequiresKey(assets.AWS, sec.Value)
		switch {
		case !bearer && key.Value == "":
			r.add(CodeAuthMissingKey, "", "", nil, "the key field (access key ID) is empty; nothing was sent", "")
			return fail("the access key ID is empty")
		case !bearer && strings.HasPrefix(key.Value, "ASIA") && token.Value == "":
			r.add(CodeAuthSessionToken, "", "", nil, "access key ID ASIA… without a session token; nothing was sent", "")
			return fail("temporary credentials without a session token")
		case region == "":
			r.add(CodeEndpointInvalidURL, "", "", map[string]string{"reason": u.Hostname() + " carries no AWS region; give one with --region (for example --region us-east-1)."}, "", "")
			return fail("no AWS region")
		}
	}
	for _, h := range input.KeyShapeHints(r.typ, ep.URL, key.Value, sec.Value) {
		likely := string(h.LikelyType)
		// The hint names the credential by its recognised prefix only.
		evidence := fmt.Sprintf("%s field: %s (type %s, host %s)", h.Field, h.Message, r.typ, u.Hostname())
		r.add(CodeInputKeyShape, "", "", map[string]string{"hint": h.Message, "likelyType": likely}, evidence, "")
	}

	detail := fmt.Sprintf("%s %s; secret %d characters", r.typ, ep.URL, len([]rune(sec.Value)))
	if key.Value != "" {
		detail += fmt.Sprintf(", key %d characters", len([]rune(key.Value)))
	}
	st := CheckPass
	if len(notes) > 0 || len(removed) > 0 {
		st = CheckWarn
		detail += " — " + strings.Join(notes, " ")
	}
	r.check(CheckInput, st, 0, strings.TrimSuffix(detail, " — "))
	r.negative = r.typ == assets.Other || !input.FirstPartyHost(r.typ, u.Hostname())
	return client.ProbeRequest{
		Type: r.typ, Endpoint: ep.URL, Key: key.Value, Secret: sec.Value,
		SessionToken: token.Value, Region: region, BearerAuth: bearer,
		NegativeControl: r.negative,
	}, true
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "http" {
		return "80"
	}
	return "443"
}

// probeChecks fills the dns, tcp, tls, proxy and http rows from what the
// probe observed. With a proxy, dns and tcp are about the proxy: the
// target is never resolved locally (PRODUCT §4).
func (r *run) probeChecks(res *client.ProbeResult, f Finding, retry *client.ProbeResult) {
	reached := func(p client.ProbePhase) bool { return res.Err == nil || res.Phase > p }
	failedAt := func(p client.ProbePhase) bool { return res.Err != nil && res.Phase == p }
	target, _ := url.Parse(res.URL)
	dnsHost := ""
	if target != nil {
		dnsHost = target.Hostname()
	}
	if res.Proxy != nil {
		r.vars["proxy"] = res.Proxy.URL
		r.vars["proxySource"] = res.Proxy.Source
		dnsHost, _, _ = net.SplitHostPort(res.Proxy.HostPort)
		st, detail := CheckPass, fmt.Sprintf("via %s (%s)", res.Proxy.URL, res.Proxy.Source)
		if f.Code == CodeEndpointProxy {
			st = CheckFail
			if d := f.Vars["proxyDetail"]; d != "" {
				detail += ": " + d
			}
		}
		r.check(CheckProxy, st, res.Timings.Proxy, detail)
	}
	about := ""
	if res.Proxy != nil {
		about = "proxy "
	}
	isIP := net.ParseIP(strings.Trim(dnsHost, "[]")) != nil
	switch {
	case f.Code == CodeEndpointDNS || failedAt(client.PhaseDNS):
		r.check(CheckDNS, CheckFail, res.Timings.DNS, about+dnsHost+": does not resolve")
	case res.Reused:
		r.check(CheckDNS, CheckPass, 0, "reused an open connection")
	case isIP && reached(client.PhaseNone):
		r.check(CheckDNS, CheckPass, 0, about+dnsHost+" is an IP address (no lookup)")
	case res.DNSAddrs > 0:
		r.check(CheckDNS, CheckPass, res.Timings.DNS, fmt.Sprintf("%s%s → %d address%s", about, dnsHost, res.DNSAddrs, plural(res.DNSAddrs, "es")))
	default:
		r.check(CheckDNS, CheckSkip, 0, "not reached")
	}
	switch {
	case f.Code == CodeEndpointDNS:
		r.check(CheckTCP, CheckSkip, 0, "not reached")
	case f.Code == CodeEndpointRefused || failedAt(client.PhaseConnect) || (f.Code == CodeEndpointProxy && res.RemoteAddr == "" && res.Err != nil):
		r.check(CheckTCP, CheckFail, res.Timings.Connect, about+"connection to "+dnsHost+" failed")
	case res.Reused:
		r.check(CheckTCP, CheckPass, 0, "reused an open connection")
	case res.RemoteAddr != "":
		r.check(CheckTCP, CheckPass, res.Timings.Connect, about+"connected to "+res.RemoteAddr)
	default:
		r.check(CheckTCP, CheckSkip, 0, "not reached")
	}
	tlsCodes := []string{CodeEndpointTLSUntrusted, CodeEndpointTLSHostname, CodeEndpointTLSExpired}
	switch {
	case target != nil && target.Scheme == "http" && f.Code != CodeEndpointTLSMismatch:
		r.check(CheckTLS, CheckSkip, 0, "plain http")
	case slices.Contains(tlsCodes, f.Code) || (f.Code == CodeEndpointTLSMismatch && f.Layer == LayerTransport) || failedAt(client.PhaseTLS):
		detail := "handshake failed"
		if res.TLS != nil && res.TLS.Issuer != "" {
			detail = "issuer " + res.TLS.Issuer
		}
		r.check(CheckTLS, CheckFail, res.Timings.TLS, detail)
	case f.Code == CodeEndpointTLSMismatch:
		r.check(CheckTLS, CheckFail, 0, "the server expects https://")
	case res.TLS != nil && res.TLS.InspectedBy != "":
		r.check(CheckTLS, CheckWarn, res.Timings.TLS, fmt.Sprintf("TLS-inspected by %s (issuer %s)", res.TLS.InspectedBy, res.TLS.Issuer))
	case res.TLS != nil:
		r.check(CheckTLS, CheckPass, res.Timings.TLS, fmt.Sprintf("issuer %s, %s", res.TLS.Issuer, res.TLS.Version))
	case res.Reused && res.Err == nil:
		r.check(CheckTLS, CheckPass, 0, "reused an open connection")
	default:
		r.check(CheckTLS, CheckSkip, 0, "not reached")
	}
	path := ""
	if target != nil {
		path = target.RequestURI()
	}
	r.vars["path"] = path
	switch {
	case res.StatusCode != 0:
		st := CheckPass
		if f.Layer == LayerRedirect || f.Layer == LayerIntermediary || f.Code == CodeEndpointTimeout {
			st = CheckFail
		}
		detail := fmt.Sprintf("%s %s → %d", res.Method, path, res.StatusCode)
		if f.Code == CodeEndpointTimeout {
			detail += ", then the body stalled"
		}
		if retry != nil && retry.Err == nil {
			ru, _ := url.Parse(retry.URL)
			detail += fmt.Sprintf("; retried %s → %d", ru.RequestURI(), retry.StatusCode)
		}
		r.check(CheckHTTP, st, res.Timings.HTTP, detail)
	case res.Err != nil && res.Phase >= client.PhaseRequest:
		r.check(CheckHTTP, CheckFail, res.Timings.HTTP, fmt.Sprintf("%s %s: no answer (%s)", res.Method, path, res.Phase))
	default:
		r.check(CheckHTTP, CheckSkip, 0, "not reached")
	}
}

func plural(n int, suffix string) string {
	if n == 1 {
		return ""
	}
	return suffix
}

// authOutcome is what each deciding code says about the credential.
var authOutcome = map[string]CheckStatus{
	"":                        CheckPass,
	CodeAuthMissingSecret:     CheckFail,
	CodeAuthInvalidSecret:     CheckFail,
	CodeAuthExpired:           CheckFail,
	CodeAuthWrongOrg:          CheckFail,
	CodeAuthClockSkew:         CheckFail,
	CodeAuthInsufficientScope: CheckWarn,
	CodeQuotaExhausted:        CheckPass, // billing is checked after the key
	CodeModelAccessDenied:     CheckPass,
	CodeModelNotFound:         CheckPass,
}

// conclude turns the finding into diagnoses and the auth, models and
// enforcement rows.
func (r *run) conclude(res *client.ProbeResult, f Finding) {
	vars := map[string]string{}
	for k, v := range f.Vars {
		vars[k] = v
	}
	reqID := requestID(res, f.Envelope)
	r.rep.RequestID = reqID
	if reqID != "" {
		vars["requestId"] = reqID
	}
	if ra := res.Header.Get("Retry-After"); ra != "" {
		if n, err := strconv.Atoi(ra); err == nil {
			vars["retryAfter"] = fmt.Sprintf("%d seconds", n)
			vars["retryHint"] = fmt.Sprintf("; the provider asks to wait %d seconds", n)
		}
	}
	if f.Code == CodeEndpointNotFound && vars["suggested"] == "" {
		if s := suggestBase(r.typ, r.endpoint, r.vars["region"]); s != "" && s != r.endpoint {
			vars["suggested"] = s
		}
	}
	if f.Code == CodeEndpointRedirect {
		if s := redirectBase(res.URL, r.endpoint, res.Header.Get("Location")); s != "" {
			vars["suggested"] = s
		}
	}
	evidence := ""
	switch {
	case f.Evidence != "":
		evidence = f.Evidence
		if f.Layer == LayerIntermediary {
			for _, h := range []string{"Server", "Via"} {
				if v := res.Header.Get(h); v != "" {
					evidence += fmt.Sprintf(" [%s: %s]", h, v)
				}
			}
		}
	case res.Err != nil:
		evidence = res.Err.Error()
		if f.Code == CodeEndpointTimeout {
			evidence = fmt.Sprintf("no answer during %s after %d ms: %s", res.Phase, res.Timings.Total.Milliseconds(), evidence)
		}
	case f.Code != "":
		evidence = responseEvidence(res.StatusCode, f.Envelope, res.Body, reqID)
		if f.Layer == LayerIntermediary || f.Layer == LayerRedirect {
			for _, h := range []string{"Server", "Via", "Location"} {
				if v := res.Header.Get(h); v != "" {
					evidence += fmt.Sprintf(" [%s: %s]", h, v)
				}
			}
		}
		if c := f.Vars["challenge"]; c != "" {
			evidence += " [WWW-Authenticate: " + c + "]"
		}
	}
	if f.Code != "" {
		r.add(f.Code, f.Variant, "", vars, evidence, f.StatusOverride)
	}

	authSt, known := authOutcome[f.Code]
	switch {
	case res.StatusCode == 0 || !known:
		r.check(CheckAuth, CheckSkip, 0, "not checked: "+skipReason(f))
	default:
		r.check(CheckAuth, authSt, 0, authDetail(f, res))
	}
	switch {
	case f.Code == "" && f.Models == 0:
		// Reachable and answering, with nothing to use yet: a fresh
		// local server before any model was pulled or loaded.
		r.check(CheckModels, CheckWarn, 0, "no models available yet: the server lists none; pull or load a model before using this configuration")
	case f.Code == "":
		r.check(CheckModels, CheckPass, 0, modelsDetail(f))
		if len(f.ModelIDs) > 0 {
			r.rep.Models = &Models{Count: f.Models, First: f.ModelIDs}
		}
	case f.Code == CodeAuthInsufficientScope:
		r.check(CheckModels, CheckWarn, 0, "not allowed to list models")
	default:
		r.check(CheckModels, CheckSkip, 0, "not reached")
	}
	if f.Code == "" && r.negative {
		r.enforcement(res.Negative)
	}
}

// redirectBase is the endpoint a redirect of the probe suggests: the
// Location without the probe's own path and query (an http→https 301 of
// …/v1/models suggests https://…/v1, not a URL ending in /models), or ""
// when Location is not the probe path under another base.
func redirectBase(probeURL, endpoint, location string) string {
	pu, err1 := url.Parse(probeURL)
	eu, err2 := url.Parse(endpoint)
	lu, err3 := url.Parse(location)
	if err1 != nil || err2 != nil || err3 != nil {
		return ""
	}
	lu = pu.ResolveReference(lu)
	ep := strings.TrimRight(eu.Path, "/")
	if !strings.HasPrefix(pu.Path, ep) {
		return ""
	}
	suffix := pu.Path[len(ep):]
	if suffix == "" || !strings.HasSuffix(lu.Path, suffix) {
		return ""
	}
	base := *lu
	base.Path = strings.TrimSuffix(lu.Path, suffix)
	base.RawPath, base.RawQuery, base.Fragment = "", "", ""
	return strings.TrimRight(base.String(), "/")
}

// enforcement judges the negative control: only an endpoint that refuses
// a wrong key proves that it checked the right one.
func (r *run) enforcement(neg *client.ProbeResult) {
	switch {
	case neg != nil && neg.Err == nil && r.refusesKey(neg):
		r.check(CheckEnforcement, CheckPass, neg.Timings.Total, fmt.Sprintf("a wrong key was refused (%d)", neg.StatusCode))
	case neg != nil && neg.Err == nil:
		r.check(CheckEnforcement, CheckWarn, neg.Timings.Total, fmt.Sprintf("a wrong key was accepted too (%d)", neg.StatusCode))
		r.add(CodeAuthUnverifiable, "", "", nil, fmt.Sprintf("HTTP %d for the real key and HTTP %d for a deliberately wrong one", 200, neg.StatusCode), "")
		r.fixEvidence(neg)
	default:
		detail := "the check with a wrong key got no answer"
		if neg != nil && neg.Err != nil {
			detail += ": " + neg.Err.Error()
		}
		r.check(CheckEnforcement, CheckWarn, 0, detail)
		r.add(CodeAuthUnverifiable, "", "", nil, detail, "")
	}
}

// refusesKey says whether the negative control's answer refused the
// bogus key: a 401 or 403, or any answer the provider's envelope calls a
// key problem (Google answers 400 API_KEY_INVALID).
func (r *run) refusesKey(neg *client.ProbeResult) bool {
	if neg.StatusCode == 401 || neg.StatusCode == 403 {
		return true
	}
	switch Classify(r.typ, neg).Code {
	case CodeAuthInvalidSecret, CodeAuthMissingSecret, CodeAuthExpired:
		return true
	}
	return false
}

// fixEvidence states the real status codes in the unverifiable evidence.
func (r *run) fixEvidence(neg *client.ProbeResult) {
	last := &r.rep.Diagnoses[len(r.rep.Diagnoses)-1]
	last.Evidence = fmt.Sprintf("the real key and a deliberately wrong one both got HTTP %d", neg.StatusCode)
}

func skipReason(f Finding) string {
	switch f.Layer {
	case LayerTransport:
		return "no answer from the server"
	case LayerRedirect:
		return "the server redirected"
	case LayerIntermediary:
		return "the answer did not come from the provider"
	}
	return "the answer does not say whether the key is valid"
}

func authDetail(f Finding, res *client.ProbeResult) string {
	switch f.Code {
	case "":
		if res.Negative != nil {
			return "the endpoint answered the key (see enforcement)"
		}
		return "the key was accepted"
	case CodeQuotaExhausted:
		return "the key was accepted; the account has no credit or quota"
	case CodeAuthInsufficientScope:
		return "the key was accepted but lacks " + firstNonEmpty(f.Vars["permission"], "a permission")
	case CodeModelNotFound, CodeModelAccessDenied:
		return "the key was accepted"
	}
	return fmt.Sprintf("refused (HTTP %d)", res.StatusCode)
}

func modelsDetail(f Finding) string {
	s := fmt.Sprintf("%d models listed", f.Models)
	if f.Models == 1 {
		s = "1 model listed"
	}
	if len(f.ModelIDs) > 0 {
		s += ": " + strings.Join(f.ModelIDs, ", ")
		if f.Models > len(f.ModelIDs) {
			s += ", …"
		}
	}
	return s
}

// requestID finds the provider's request id in the headers or the body.
func requestID(res *client.ProbeResult, env Envelope) string {
	for _, h := range []string{"X-Request-Id", "Request-Id", "X-Amzn-Requestid", "X-Amz-Request-Id", "Apim-Request-Id", "Cf-Ray"} {
		if v := res.Header.Get(h); v != "" {
			return v
		}
	}
	return env.RequestID
}

// suggestBase proposes the base URL a type's probe expects after a 404.
func suggestBase(t assets.AIType, endpoint, region string) string {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return ""
	}
	root := u.Scheme + "://" + u.Host
	switch t {
	case assets.OpenAI:
		if !strings.HasSuffix(u.Path, "/v1") {
			return root + strings.TrimRight(u.Path, "/") + "/v1"
		}
	case assets.Anthropic:
		return root
	case assets.Google:
		return root + "/v1beta"
	case assets.AWS:
		if region != "" && strings.HasSuffix(u.Hostname(), ".amazonaws.com") {
			return "https://bedrock-runtime." + region + ".amazonaws.com"
		}
	}
	return ""
}

// finish decides the status from the diagnoses and redacts the report.
func (r *run) finish() Report {
	rep := r.rep
	rep.Status = r.decided
	if rep.Status == "" {
		rep.Status = StatusVerified
		for _, d := range rep.Diagnoses {
			switch d.Code {
			case CodeAuthUnverifiable:
				rep.Status = StatusUnverified
			case CodeAuthInsufficientScope, CodeModelAccessDenied:
				if rep.Status == StatusVerified {
					rep.Status = StatusVerifiedLimited
				}
			}
		}
	}
	if !slices.ContainsFunc(rep.Checks, func(c Check) bool { return c.ID == CheckInput }) {
		rep.Checks = append([]Check{{ID: CheckInput, Status: CheckPass}}, rep.Checks...)
	}
	rep.redactWith(r.red)
	return rep
}
