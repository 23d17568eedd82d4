package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/fbllm/fbllm/assets"
)

// ProbeBogusSecret is the credential of the negative control: an endpoint
// that answers it like a real key does not check keys.
const ProbeBogusSecret = "fbllm-probe-invalid-0000"

// ProbeUserAgent identifies probe requests in provider and proxy logs.
const ProbeUserAgent = "fbllm-probe/1"

// ErrProbeRegion means an AWS probe has no region to sign for: the host
// carries none and no explicit region was given.
var ErrProbeRegion = errors.New("no AWS region: the endpoint carries none; give one explicitly (--region)")

// ProbeRequest is what a probe needs: one configuration's type, endpoint
// and credentials.
type ProbeRequest struct {
	Type assets.AIType
	// Endpoint is the normalised base URL (forms.NormalizeEndpoint); the
	// probe appends its path to it and never sends a credential in it.
	Endpoint string
	Key      string // AWS access key ID; unused by the other types
	Secret   string
	// SessionToken goes with temporary AWS credentials (ASIA…).
	SessionToken string
	// Region is the AWS region to sign for: the endpoint's, or an explicit
	// one for a host that carries none.
	Region string
	// BearerAuth sends an AWS secret as a Bedrock API key (Authorization:
	// Bearer) instead of signing with SigV4; set it when
	// forms.RequiresKey reports false.
	BearerAuth bool
	// Now is the signing clock (tests); nil means time.Now.
	Now func() time.Time
	// NegativeControl sends the same request again with ProbeBogusSecret
	// after a 2xx: any endpoint that is not the provider's own API host
	// (a gateway, a local server) may answer every key alike.
	NegativeControl bool
}

// ProbePhase is the step a request had reached, used to say where it
// stalled or failed.
type ProbePhase int

// Phases in the order a request goes through them. PhaseProxy is the
// CONNECT exchange with an HTTPS proxy.
const (
	PhaseNone ProbePhase = iota
	PhaseDNS
	PhaseConnect
	PhaseProxy
	PhaseTLS
	PhaseRequest
	PhaseFirstByte
	PhaseBody
)

var phaseNames = [...]string{"none", "dns", "connect", "proxy", "tls", "request", "first byte", "body"}

// String returns the phase as PRODUCT §6 names it ("dns", "connect",
// "tls", "first byte", …).
func (p ProbePhase) String() string {
	if p < 0 || int(p) >= len(phaseNames) {
		return fmt.Sprintf("ProbePhase(%d)", int(p))
	}
	return phaseNames[p]
}

// ProbeTimings are the real durations of each phase the request entered,
// finished or not: a connect that timed out after 5 s is 5 s. With a
// proxy, DNS and Connect are about the proxy and Proxy is the CONNECT
// exchange.
type ProbeTimings struct {
	DNS, Connect, Proxy, TLS time.Duration
	FirstByte                time.Duration // request written → first response byte
	HTTP                     time.Duration // request written → last byte read (or the failure)
	Total                    time.Duration
}

// ProbeTLS describes the server certificate seen during the handshake,
// whether or not it verified.
type ProbeTLS struct {
	Version     string
	Issuer      string // e.g. "CN=Zscaler Intermediate Root CA,O=Zscaler Inc."
	Subject     string
	DNSNames    []string
	NotAfter    time.Time
	InspectedBy string // InspectionProduct(Issuer)
	Verified    bool
}

// ProbeResult is everything one probe observed, unclassified: the diagnose
// package decides what it means.
type ProbeResult struct {
	Method string
	URL    string // as sent; never holds a credential
	Auth   string // how the credential was sent: bearer, x-api-key, x-goog-api-key, api-key, sigv4, none

	Proxy *ProxyInfo // nil when the request went direct

	StatusCode int         // 0 when no response arrived
	Header     http.Header // ProbeKeptHeaders of the response
	Body       []byte      // at most MaxProbeBody
	Truncated  bool        // the body was longer than MaxProbeBody
	BodyErr    error       // reading the body failed after the headers arrived

	Timings    ProbeTimings
	DNSAddrs   int    // addresses the (proxy) host resolved to
	RemoteAddr string // address connected to
	Reused     bool   // a kept-alive connection was reused (no dns/tcp/tls phases)
	TLS        *ProbeTLS

	Phase ProbePhase // where the request was when Err happened, or PhaseBody
	Err   error      // transport error: no usable response

	// Negative is the negative control (ProbeRequest.NegativeControl):
	// the same request with ProbeBogusSecret, sent only after a 2xx.
	Negative *ProbeResult
}

// ProbeStallError is a probe abandoned because nothing happened for the
// transport's stall budget: no DNS answer, no connection, no CONNECT
// answer, no handshake, no response byte. Phase names the layer that hung.
type ProbeStallError struct {
	Phase ProbePhase
	After time.Duration
}

func (e *ProbeStallError) Error() string {
	return fmt.Sprintf("no progress during %s for %s", e.Phase, e.After.Round(time.Millisecond))
}

// Timeout makes a stall a net.Error timeout, like the transport's own.
func (e *ProbeStallError) Timeout() bool { return true }

// Temporary implements net.Error.
func (e *ProbeStallError) Temporary() bool { return true }

// Probe sends the one cheap, read-only, authenticated request of
// req.Type (provider-probes §0) through t and records what happened. It
// never retries and never classifies. With req.NegativeControl, a 2xx
// read in full is followed by the negative control (see
// ProbeResult.Negative).
func Probe(ctx context.Context, t *Transport, req ProbeRequest) *ProbeResult {
	res := probeOnce(ctx, t, req)
	if req.NegativeControl && res.Err == nil && res.BodyErr == nil && res.StatusCode >= 200 && res.StatusCode < 300 {
		bogus := req
		bogus.Secret = ProbeBogusSecret
		res.Negative = probeOnce(ctx, t, bogus)
	}
	return res
}

func probeOnce(ctx context.Context, t *Transport, req ProbeRequest) *ProbeResult {
	httpReq, auth, err := BuildProbeRequest(ctx, req)
	if err != nil {
		return &ProbeResult{Err: err, Auth: auth}
	}
	res := &ProbeResult{Method: httpReq.Method, URL: httpReq.URL.String(), Auth: auth}
	res.Proxy, _ = t.ProxyFor(httpReq.URL)

	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	tr := &probeTrace{start: time.Now(), proxied: res.Proxy != nil, https: httpReq.URL.Scheme == "https"}
	// The watchdog ends the request when no layer makes progress for the
	// stall budget, whichever layer hangs (the CONNECT exchange and the
	// body have no timeout of their own in net/http).
	tr.stall = t.stall
	tr.watchdog = time.AfterFunc(t.stall, func() {
		stop(&ProbeStallError{Phase: tr.phase(), After: t.stall})
	})
	defer tr.watchdog.Stop()
	httpReq = httpReq.WithContext(httptrace.WithClientTrace(ctx, tr.clientTrace()))

	resp, err := t.RoundTrip(httpReq)
	if err != nil {
		tr.finish(res)
		res.Err = stallOr(ctx, err)
		res.Phase = tr.phase()
		if se := (*ProbeStallError)(nil); errors.As(res.Err, &se) {
			res.Phase = se.Phase
		}
		probeTLSFromError(res, err)
		return res
	}
	defer resp.Body.Close()
	res.StatusCode = resp.StatusCode
	res.Header = ProbeKeptHeaders(resp.Header)
	body, err := io.ReadAll(io.LimitReader(progressReader{resp.Body, tr.progress}, MaxProbeBody+1))
	if len(body) > MaxProbeBody {
		body, res.Truncated = body[:MaxProbeBody], true
	}
	res.Body = body
	if err != nil {
		res.BodyErr = stallOr(ctx, err)
	}
	res.Phase = PhaseBody
	if resp.TLS != nil && res.TLS == nil {
		res.TLS = probeTLSInfo(*resp.TLS, true)
	}
	tr.finish(res)
	return res
}

// stallOr returns the watchdog's stall error when it is what ended err's
// request, else err.
func stallOr(ctx context.Context, err error) error {
	var se *ProbeStallError
	if errors.As(context.Cause(ctx), &se) {
		return se
	}
	return err
}

// progressReader reports every read that returned data as progress.
type progressReader struct {
	r        io.Reader
	progress func()
}

func (p progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.progress()
	}
	return n, err
}

// BuildProbeRequest builds the probe request of req.Type, signed or with
// its credential header, and says how the credential is sent. It is
// exported so tests (and a future "show request" view) can inspect it.
func BuildProbeRequest(ctx context.Context, req ProbeRequest) (*http.Request, string, error) {
	base, err := url.Parse(req.Endpoint)
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, "", fmt.Errorf("probe: endpoint is not an absolute http(s) URL")
	}
	base.Path = strings.TrimRight(base.Path, "/")
	base.RawPath = ""
	u := *base
	q := url.Values{}
	header := http.Header{}
	auth := "none"
	bearer := func() {
		if req.Secret != "" {
			header.Set("Authorization", "Bearer "+req.Secret)
			auth = "bearer"
		}
	}
	host := strings.ToLower(base.Hostname())
	switch req.Type {
	case assets.OpenAI:
		u.Path += "/models"
		bearer()
	case assets.Anthropic:
		u.Path += "/v1/models"
		q.Set("limit", "1")
		header.Set("x-api-key", req.Secret)
		header.Set("anthropic-version", "2023-06-01")
		auth = "x-api-key"
	case assets.Google:
		u.Path += "/models"
		q.Set("pageSize", "1")
		header.Set("x-goog-api-key", req.Secret)
		auth = "x-goog-api-key"
	case assets.AWS:
		return buildAWSProbe(ctx, req, base)
	case assets.Other:
		switch {
		case probeIsAzureHost(host):
			probeAzurePath(&u, q)
			header.Set("api-key", req.Secret)
			auth = "api-key"
		case host == "openrouter.ai":
			// OpenRouter's /models is public; /key needs the key.
			u.Path += "/key"
			bearer()
		default:
			u.Path += "/models"
			bearer()
		}
	default:
		return nil, "", fmt.Errorf("probe: unknown AI type %q", req.Type)
	}
	u.RawQuery = q.Encode()
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, auth, fmt.Errorf("probe: build request: %w", err)
	}
	for k, vs := range header {
		httpReq.Header[k] = vs
	}
	probeCommonHeaders(httpReq)
	return httpReq, auth, nil
}

// probeCommonHeaders sets what every probe sends. No Origin header: some
// Anthropic organisations refuse CORS-looking requests.
func probeCommonHeaders(r *http.Request) {
	r.Header.Set("Accept", "application/json")
	r.Header.Set("User-Agent", ProbeUserAgent)
}

func probeIsAzureHost(host string) bool {
	for _, s := range []string{".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"} {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

// probeAzurePath picks the v1 API (/openai/v1/models) unless the endpoint
// keeps a classic api-version, which the classic /openai/models needs.
func probeAzurePath(u *url.URL, q url.Values) {
	apiVersion := u.Query().Get("api-version")
	p := strings.TrimRight(u.Path, "/")
	switch {
	case strings.HasSuffix(p, "/openai/v1"):
		u.Path = p + "/models"
	case strings.HasSuffix(p, "/openai") && apiVersion != "":
		u.Path = p + "/models"
		q.Set("api-version", apiVersion)
	case strings.HasSuffix(p, "/openai"):
		u.Path = p + "/v1/models"
	case p == "":
		u.Path = "/openai/v1/models"
	default:
		u.Path = p + "/models"
	}
}

// probeTrace records httptrace events. Callbacks run on the dialer's
// goroutines as well as the caller's, hence the mutex.
type probeTrace struct {
	mu              sync.Mutex
	watchdog        *time.Timer
	stall           time.Duration
	start           time.Time
	proxied, https  bool
	dnsStart        time.Time
	dnsDone         bool
	dnsAddrs        int
	connStart       time.Time
	connStarted     int
	connDone        int
	connectedAt     time.Time
	tlsStart        time.Time
	tlsDone         bool
	tlsState        *tls.ConnectionState
	tlsErr          error
	gotConn         bool
	reused          bool
	remote          string
	wrote           time.Time
	firstByte       time.Time
	dnsDur, connDur time.Duration
	tlsDur          time.Duration
}

// progress pushes the stall watchdog back: something happened.
func (p *probeTrace) progress() {
	if p.watchdog != nil {
		p.watchdog.Reset(p.stall)
	}
}

func (p *probeTrace) clientTrace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) {
			p.progress()
			p.mu.Lock()
			defer p.mu.Unlock()
			p.dnsStart = time.Now()
		},
		DNSDone: func(i httptrace.DNSDoneInfo) {
			p.progress()
			p.mu.Lock()
			defer p.mu.Unlock()
			p.dnsDone = true
			p.dnsAddrs = len(i.Addrs)
			p.dnsDur = time.Since(p.dnsStart)
		},
		ConnectStart: func(string, string) {
			p.progress()
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.connStarted == 0 {
				p.connStart = time.Now()
			}
			p.connStarted++
		},
		ConnectDone: func(_, addr string, err error) {
			p.progress()
			p.mu.Lock()
			defer p.mu.Unlock()
			p.connDur = time.Since(p.connStart)
			if err == nil {
				p.connDone++
				p.remote = addr
				p.connectedAt = time.Now()
			}
		},
		TLSHandshakeStart: func() {
			p.progress()
			p.mu.Lock()
			defer p.mu.Unlock()
			p.tlsStart = time.Now()
		},
		TLSHandshakeDone: func(st tls.ConnectionState, err error) {
			p.progress()
			p.mu.Lock()
			defer p.mu.Unlock()
			p.tlsDone = true
			p.tlsDur = time.Since(p.tlsStart)
			p.tlsState = &st
			p.tlsErr = err
		},
		GotConn: func(i httptrace.GotConnInfo) {
			p.progress()
			p.mu.Lock()
			defer p.mu.Unlock()
			p.gotConn = true
			p.reused = i.Reused
			if i.Conn != nil && p.remote == "" {
				p.remote = i.Conn.RemoteAddr().String()
			}
		},
		WroteRequest: func(httptrace.WroteRequestInfo) {
			p.progress()
			p.mu.Lock()
			defer p.mu.Unlock()
			p.wrote = time.Now()
		},
		GotFirstResponseByte: func() {
			p.progress()
			p.mu.Lock()
			defer p.mu.Unlock()
			p.firstByte = time.Now()
		},
	}
}

// phase says which step was in progress when the request failed.
func (p *probeTrace) phase() ProbePhase {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !p.dnsStart.IsZero() && !p.dnsDone:
		return PhaseDNS
	case p.connDone == 0 && !p.gotConn:
		return PhaseConnect
	case !p.tlsStart.IsZero() && !p.tlsDone:
		return PhaseTLS
	case p.proxied && p.https && p.tlsStart.IsZero() && !p.gotConn:
		return PhaseProxy
	case p.tlsDone && p.tlsErr != nil:
		return PhaseTLS
	case p.wrote.IsZero():
		return PhaseRequest
	case p.firstByte.IsZero():
		return PhaseFirstByte
	default:
		return PhaseBody
	}
}

// finish records what the trace saw. A phase still in progress (the one
// that failed or hung) counts until now, so a connect abandoned after 5 s
// reports 5 s rather than nothing.
func (p *probeTrace) finish(res *ProbeResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	res.Timings = ProbeTimings{DNS: p.dnsDur, Connect: p.connDur, TLS: p.tlsDur, Total: now.Sub(p.start)}
	if !p.dnsStart.IsZero() && !p.dnsDone {
		res.Timings.DNS = now.Sub(p.dnsStart)
	}
	if p.connStarted > 0 && p.connDone == 0 && p.connDur == 0 {
		res.Timings.Connect = now.Sub(p.connStart)
	}
	if !p.tlsStart.IsZero() && !p.tlsDone {
		res.Timings.TLS = now.Sub(p.tlsStart)
	}
	if p.proxied && p.https && !p.connectedAt.IsZero() {
		// The CONNECT exchange runs from the proxy connection to the
		// tunnel's TLS handshake (or to the failure).
		end := p.tlsStart
		if end.IsZero() {
			end = now
		}
		res.Timings.Proxy = end.Sub(p.connectedAt)
	}
	if !p.wrote.IsZero() {
		res.Timings.HTTP = now.Sub(p.wrote)
		if !p.firstByte.IsZero() {
			res.Timings.FirstByte = p.firstByte.Sub(p.wrote)
		} else {
			res.Timings.FirstByte = res.Timings.HTTP
		}
	}
	res.DNSAddrs = p.dnsAddrs
	res.RemoteAddr = p.remote
	res.Reused = p.reused
	if p.tlsState != nil && len(p.tlsState.PeerCertificates) > 0 {
		res.TLS = probeTLSInfo(*p.tlsState, p.tlsErr == nil)
	}
}

func probeTLSInfo(st tls.ConnectionState, verified bool) *ProbeTLS {
	info := &ProbeTLS{Version: tls.VersionName(st.Version), Verified: verified}
	if len(st.PeerCertificates) > 0 {
		probeFillCert(info, st.PeerCertificates[0])
	}
	return info
}

func probeFillCert(info *ProbeTLS, c *x509.Certificate) {
	info.Issuer = c.Issuer.String()
	info.Subject = c.Subject.String()
	info.DNSNames = append([]string(nil), c.DNSNames...)
	info.NotAfter = c.NotAfter
	info.InspectedBy = InspectionProduct(info.Issuer)
}

// probeTLSFromError records the certificate a failed verification was
// about: the handshake never completes, so ConnectionState has none, but
// the issuer is what tells corporate TLS inspection from a broken server.
func probeTLSFromError(res *ProbeResult, err error) {
	var cert *x509.Certificate
	var cve *tls.CertificateVerificationError
	var uae x509.UnknownAuthorityError
	var he x509.HostnameError
	var cie x509.CertificateInvalidError
	switch {
	case errors.As(err, &cve) && len(cve.UnverifiedCertificates) > 0:
		cert = cve.UnverifiedCertificates[0]
	case errors.As(err, &uae):
		cert = uae.Cert
	case errors.As(err, &he):
		cert = he.Certificate
	case errors.As(err, &cie):
		cert = cie.Cert
	}
	if cert == nil {
		return
	}
	if res.TLS == nil {
		res.TLS = &ProbeTLS{}
	}
	res.TLS.Verified = false
	probeFillCert(res.TLS, cert)
}
