package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fbllm/fbllm/internal/redact"
)

// Size caps of answers. A success body is decoded in full: a list of 1,000
// configurations is about 0.4 MiB, so 8 MiB leaves room for very large
// organisations while bounding what a broken or hostile server can make
// us hold. Of an error body only the message matters.
const (
	maxBody      = 8 << 20
	maxErrorBody = 64 << 10
	// maxMessage caps a server message (in characters) before display.
	maxMessage = 500
)

// call describes one API request.
type call struct {
	op     string     // operation for errors, e.g. "list ai llms"
	method string     // HTTP method
	path   string     // path below the base URL, e.g. "/ai/llm"
	query  url.Values // query parameters, if any
	body   any        // JSON request body, if non-nil

	auth    bool          // send the session's access token; refresh on 401
	bearer  string        // send this token instead (MFA step); no refresh
	timeout time.Duration // per attempt; 0 = Client timeout
	retry   bool          // idempotent: retry on network errors, 429, 5xx
	secrets []string      // values to redact from anything this call reports

	// successFalseOK makes a 200 with success:false a normal answer
	// (validate) instead of an error.
	successFalseOK bool
}

// response is an answer read in full.
type response struct {
	status int
	header http.Header
	body   []byte
}

// envelope is the part every answer shares.
type envelope struct {
	Success      *bool  `json:"success"`
	Message      string `json:"message"`
	ErrorCode    string `json:"error_code"`
	ErrorMessage string `json:"error_message"`
}

func (e *envelope) env() *envelope { return e }

// enveloped is implemented by every answer type through envelope.
type enveloped interface{ env() *envelope }

// do sends a call, with authentication, retries and the 401 refresh, and
// decodes a 2xx answer into out (which may be nil). Non-2xx answers become
// *APIError; answers without a response become *NetworkError.
func (c *Client) do(ctx context.Context, cl *call, out enveloped) (*response, error) {
	var payload []byte
	if cl.body != nil {
		var err error
		if payload, err = json.Marshal(cl.body); err != nil {
			return nil, fmt.Errorf("%s: encode request: %w", cl.op, err)
		}
	}
	refreshed := false
	for attempt := 1; ; attempt++ {
		token, gen := cl.bearer, uint64(0)
		if cl.auth {
			var err error
			if token, gen, err = c.accessToken(ctx); err != nil {
				return nil, fmt.Errorf("%s: %w", cl.op, err)
			}
		}
		resp, err := c.send(ctx, cl, payload, token)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s: %w", cl.op, ctx.Err())
			}
			if cl.retry && attempt < c.maxAttempts && !noConnection(err) {
				if werr := sleep(ctx, c.backoff(attempt)); werr != nil {
					return nil, fmt.Errorf("%s: %w", cl.op, werr)
				}
				continue
			}
			return nil, err
		}
		switch {
		case resp.status == http.StatusUnauthorized && cl.auth && c.static == "" && !refreshed:
			// The access token was refused (expired early, revoked, or
			// the clock is off). A request refused with 401 was not
			// carried out, so repeating it — POSTs included — is safe.
			refreshed = true
			if err := c.refreshAfter(ctx, gen); err != nil {
				return nil, fmt.Errorf("%s: %w", cl.op, err)
			}
			attempt--
			continue
		case resp.status == http.StatusTooManyRequests || resp.status >= 500:
			if !cl.retry || attempt >= c.maxAttempts {
				return nil, c.apiError(cl, resp)
			}
			wait := c.backoff(attempt)
			if ra, ok := parseRetryAfter(resp.header.Get("Retry-After"), c.now()); ok {
				if ra > c.maxRetryWait {
					return nil, c.apiError(cl, resp)
				}
				wait = ra
			}
			if werr := sleep(ctx, wait); werr != nil {
				return nil, fmt.Errorf("%s: %w", cl.op, werr)
			}
			continue
		case resp.status < 200 || resp.status > 299:
			return nil, c.apiError(cl, resp)
		}
		if err := c.decode(cl, resp, out); err != nil {
			return resp, err
		}
		return resp, nil
	}
}

// send performs one attempt and reads the answer (capped).
func (c *Client) send(ctx context.Context, cl *call, payload []byte, token string) (*response, error) {
	timeout := cl.timeout
	if timeout <= 0 {
		timeout = c.timeout
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, cl.method, c.endpoint(cl.path, cl.query), body)
	if err != nil {
		return nil, fmt.Errorf("%s: build request: %w", cl.op, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.netError(ctx, actx, cl.op, err)
	}
	defer resp.Body.Close()
	limit := int64(maxBody)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		limit = maxErrorBody
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		// The connection broke (or timed out) half-way through the
		// answer: to the caller that is the same as no answer.
		return nil, c.netError(ctx, actx, cl.op, err)
	}
	if int64(len(data)) > limit {
		if limit == maxBody {
			return nil, &APIError{Op: cl.op, Status: resp.StatusCode, kind: ErrBadResponse,
				Message: fmt.Sprintf("answer larger than %d MiB", maxBody>>20), RequestID: requestID(resp.Header)}
		}
		data = data[:limit]
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// endpoint joins the base URL, a path and a query.
func (c *Client) endpoint(path string, query url.Values) string {
	u := *c.base
	u.Path = c.base.Path + path
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	return u.String()
}

// netError wraps a transport error. A timeout of our own per-attempt
// context is "no answer in time"; the caller's own cancellation is passed
// through unchanged by do.
func (c *Client) netError(ctx, actx context.Context, op string, err error) error {
	var ne net.Error
	timeout := (actx.Err() != nil && ctx.Err() == nil) || (errors.As(err, &ne) && ne.Timeout())
	return &NetworkError{Op: op, Timeout: timeout, Err: err}
}

// noConnection reports whether err means no connection was ever made:
// the host does not resolve, the connect was refused or timed out (an
// unroutable address), the proxy could not be reached or its setting is
// malformed. Retrying cannot help within a command's patience, and with
// the API down three 5-second connect timeouts made a plain `list` wait
// 15 s; errors after a connection (reset, cut answer) are still retried.
func noConnection(err error) bool {
	var op *net.OpError
	var dnsErr *net.DNSError
	var pce *ProxyConfigError
	return errors.As(err, &dnsErr) || errors.As(err, &pce) ||
		(errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect"))
}

// backoff is the wait before attempt+1: 250 ms doubling, with ±20 %
// jitter so that many clients do not retry in lockstep, capped.
func (c *Client) backoff(attempt int) time.Duration {
	d := 250 * time.Millisecond << min(attempt-1, 10)
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	return min(d, c.maxRetryWait)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// parseRetryAfter reads Retry-After as delta-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(min(n, 1<<20)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// requestID returns the answer's request id, from whichever header the
// platform or a gateway in front of it uses.
func requestID(h http.Header) string {
	for _, k := range []string{"X-Request-Id", "X-Correlation-Id", "X-Amzn-Requestid", "Cf-Ray"} {
		if v := h.Get(k); v != "" {
			return clip(clean(v), 100)
		}
	}
	return ""
}

// decode parses a 2xx answer into out and checks success.
func (c *Client) decode(cl *call, resp *response, out enveloped) error {
	if out == nil {
		out = &envelope{}
	}
	if !looksJSON(resp) {
		return &APIError{Op: cl.op, Status: resp.status, kind: ErrBadResponse,
			Message: describeNonJSON(resp), RequestID: requestID(resp.header)}
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return &APIError{Op: cl.op, Status: resp.status, kind: ErrBadResponse,
			Message: "the answer is not valid JSON: " + jsonProblem(err), RequestID: requestID(resp.header)}
	}
	env := out.env()
	if env.Success != nil && !*env.Success && !cl.successFalseOK {
		ae := c.apiError(cl, resp)
		ae.kind = ErrBadRequest
		return ae
	}
	return nil
}

// jsonProblem describes a decode error without quoting the document.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %s is a JSON %s, not the expected type", typ.Field, typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated"
	}
	return "cannot be decoded"
}

// looksJSON reports whether an answer claims to be JSON, or (without a
// Content-Type) starts like JSON.
func looksJSON(resp *response) bool {
	ct := resp.header.Get("Content-Type")
	if ct == "" {
		b := bytes.TrimSpace(resp.body)
		return len(b) > 0 && (b[0] == '{' || b[0] == '[')
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// describeNonJSON says what came back instead of JSON.
func describeNonJSON(resp *response) string {
	ct := resp.header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	b := bytes.TrimSpace(resp.body)
	switch {
	case len(b) == 0:
		return "empty answer"
	case mt == "text/html" || bytes.HasPrefix(bytes.ToLower(b), []byte("<!doctype html")) || bytes.HasPrefix(bytes.ToLower(b), []byte("<html")):
		return "an HTML page instead of the API's JSON (a proxy, a captive portal, or the wrong API URL?)"
	}
	excerpt := strings.Join(strings.Fields(clean(string(b))), " ")
	if mt == "" {
		mt = "an answer without a content type"
	}
	return fmt.Sprintf("%s instead of JSON: %s", mt, clip(excerpt, 200))
}

// errorBody is every error shape the API is known to use.
type errorBody struct {
	envelope
	Error json.RawMessage `json:"error"` // a string on some 500s
}

// apiError turns a non-success answer into an *APIError with a sanitised,
// redacted message.
func (c *Client) apiError(cl *call, resp *response) *APIError {
	ae := &APIError{
		Op:        cl.op,
		Status:    resp.status,
		RequestID: c.serverText(requestID(resp.header), cl.secrets...),
		kind:      kindFor(resp.status),
	}
	if ra, ok := parseRetryAfter(resp.header.Get("Retry-After"), c.now()); ok {
		ae.RetryAfter = ra
	}
	if who, ok := intermediaryAnswer(resp); ok {
		// A proxy's or gateway's own page says nothing about the token
		// or the role: a 403 from squid is not flashback.forbidden, a 401
		// from a sign-in portal is not flashback.unauthenticated.
		if resp.status < 500 {
			ae.kind = ErrIntermediary // a 5xx stays ErrServer: retried, unreachable
		}
		ae.Message = c.serverText("not the Flashback API: "+who, cl.secrets...)
		return ae
	}
	var msg string
	var eb errorBody
	if looksJSON(resp) && json.Unmarshal(resp.body, &eb) == nil {
		ae.Code = clip(clean(eb.ErrorCode), 100)
		msg = firstNonEmpty(eb.Message, eb.ErrorMessage)
		if msg == "" && len(eb.Error) > 0 {
			var s string
			if json.Unmarshal(eb.Error, &s) == nil {
				msg = s
			}
		}
	} else if len(bytes.TrimSpace(resp.body)) > 0 {
		msg = describeNonJSON(resp)
	}
	ae.Message = c.serverText(msg, cl.secrets...)
	if ae.Status == http.StatusUnauthorized && cl.auth && c.static != "" {
		ae.Message = strings.TrimLeft(ae.Message+"; the access token "+c.origin+" was refused (expired or revoked?)", "; ")
	}
	return ae
}

// intermediaryAnswer recognises an error answer that something in front
// of the API wrote: a proxy that names itself (ProxyOwnAnswer), or an HTML
// page (the API answers JSON, or nothing). It says who answered and what.
func intermediaryAnswer(resp *response) (string, bool) {
	if a, ok := ProxyOwnAnswer(resp.header, resp.body); ok {
		return fmt.Sprintf("the proxy %s answered %d itself (%s)", a.Product, resp.status, a.Summary()), true
	}
	if len(bytes.TrimSpace(resp.body)) == 0 || looksJSON(resp) {
		return "", false
	}
	mt, _, _ := mime.ParseMediaType(resp.header.Get("Content-Type"))
	b := bytes.ToLower(bytes.TrimSpace(resp.body))
	if mt != "text/html" && !bytes.HasPrefix(b, []byte("<!doctype html")) && !bytes.HasPrefix(b, []byte("<html")) {
		return "", false
	}
	who := "a web server, proxy or captive portal"
	if srv := clean(strings.TrimSpace(resp.header.Get("Server"))); srv != "" {
		who = clip(srv, 60)
	} else if via := clean(strings.TrimSpace(resp.header.Get("Via"))); via != "" {
		who = "a proxy (Via: " + clip(via, 60) + ")"
	}
	page := "an HTML page"
	if t := PageMessage(resp.body); t != "" {
		page += fmt.Sprintf(" (%q)", clip(t, 120))
	}
	return fmt.Sprintf("%s answered %d with %s (is FLASHBACK_API_URL right, or is a proxy in the way?)", who, resp.status, page), true
}

// serverText makes a server string displayable: control characters and
// escape sequences removed, length capped, credentials redacted.
func (c *Client) serverText(s string, extra ...string) string {
	s = strings.TrimSpace(clip(clean(s), maxMessage))
	if s == "" {
		return ""
	}
	return c.scrub(extra...).String(s)
}

// clean removes terminal escape sequences and control characters from a
// server string. Plain printable ASCII, by far the common case, is
// returned as is without allocating: a list of 1,000 configurations has
// some 10,000 strings.
func clean(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return redact.Terminal(s)
		}
	}
	return s
}

// clip shortens s to at most n characters, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// duplicateMessage recognises the undocumented duplicate-name refusal
// ([U]: reference/flashback-api.md §9.3) by its wording.
var duplicateMessage = regexp.MustCompile(`(?i)already exists|duplicate|must be unique|not unique|already (?:in use|taken|used)`)
