// Package contract checks HTTP traffic against the Flashback OpenAPI
// description (reference/flashback-openapi.yaml, embedded here as a copy):
// every request a client sends and every answer a server gives, through an
// http.RoundTripper placed between them. Tests of the client and of the
// simulator use it, so a field the client misspells or a shape the
// simulator gets wrong fails a test instead of reaching the real platform.
//
// It is a test helper: nothing in fbllm's binary imports it.
package contract

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// spec is a verbatim copy of /work/shared/reference/flashback-openapi.yaml;
// TestSpecIsCurrent compares them when the original is on disk.
//
//go:embed flashback-openapi.yaml
var spec []byte

// Spec returns the embedded OpenAPI document.
func Spec() []byte { return bytes.Clone(spec) }

// faultHeader is flashbacktest.FaultHeader (not imported: the simulator's
// own tests use this package).
const faultHeader = "X-Flashbacktest-Fault"

// unspecified are operations the client uses that the spec does not
// describe. Their traffic is checked by hand (checkUnspecified) and
// recorded under a marked name.
var unspecified = map[string]bool{
	"POST /mfa/verify-login": true,
}

// Checker validates traffic and records which operations answered with
// which statuses. It is safe for concurrent use.
type Checker struct {
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options

	mu       sync.Mutex
	problems []string
	coverage map[string]map[string]int
}

// New loads the embedded spec.
func New() (*Checker, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("load openapi: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi router: %w", err)
	}
	return &Checker{
		doc:    doc,
		router: router,
		opts: &openapi3filter.Options{
			// Statuses the spec does not declare are violations too,
			// except 429 (no endpoint documents it; see checkUndeclared).
			IncludeResponseStatus:   true,
			MultiError:              true,
			AuthenticationFunc:      bearerOnly,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.EnableFormatValidation()},
		},
		coverage: map[string]map[string]int{},
	}, nil
}

// bearerOnly accepts the BearerAuth scheme when a non-empty Bearer token
// is present.
func bearerOnly(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != "BearerAuth" {
		return fmt.Errorf("unknown security scheme %q", in.SecuritySchemeName)
	}
	tok, ok := strings.CutPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		return errors.New("no bearer token")
	}
	return nil
}

// Transport returns a RoundTripper that validates each request, sends it
// through next (nil: http.DefaultTransport), and validates the answer.
func (c *Checker) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) { return c.roundTrip(next, req) })
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func (c *Checker) roundTrip(next http.RoundTripper, req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	op := req.Method + " " + req.URL.Path
	route, params, ferr := c.router.FindRoute(req)
	switch {
	case ferr == nil:
		op = route.Method + " " + route.Path
		in := &openapi3filter.RequestValidationInput{Request: cloneWith(req, body), PathParams: params, Route: route, Options: c.opts}
		if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
			c.problem("request %s: %v", op, err)
		}
	case unspecified[op]:
		c.checkUnspecifiedRequest(op, req, body)
		op += " (not in spec)"
	default:
		c.problem("request %s: no such operation in the spec: %v", op, ferr)
	}

	resp, err := next.RoundTrip(req)
	if err != nil {
		outcome := "no answer"
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "timeout") {
			outcome = "timeout"
		}
		c.record(op, outcome)
		return nil, err
	}
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		// The connection broke mid-answer; the client sees the same.
		c.record(op, "cut")
		return resp, nil
	}
	outcome := strconv.Itoa(resp.StatusCode)
	fault := resp.Header.Get(faultHeader)
	switch {
	case fault == "body":
		// A deliberately malformed answer: not a simulator bug.
		outcome += " malformed"
	case ferr != nil:
		if unspecified[strings.TrimSuffix(op, " (not in spec)")] {
			c.checkUnspecifiedResponse(op, resp, data)
		}
	case route.Operation.Responses.Status(resp.StatusCode) == nil && route.Operation.Responses.Default() == nil:
		outcome += " undeclared"
		c.checkUndeclared(op, resp, data)
	default:
		rin := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: c.opts},
			Status:                 resp.StatusCode,
			Header:                 resp.Header,
			Options:                c.opts,
		}
		rin.SetBodyBytes(data)
		if err := openapi3filter.ValidateResponse(req.Context(), rin); err != nil {
			c.problem("response %s %d: %v", op, resp.StatusCode, err)
		}
	}
	c.record(op, outcome)
	return resp, nil
}

// cloneWith copies a request with its body buffer, for the validator to
// consume.
func cloneWith(req *http.Request, body []byte) *http.Request {
	r := req.Clone(req.Context())
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return r
}

// checkUndeclared validates an answer whose status the operation does not
// declare. Only 429 is tolerated — the API reference says quotas exist but
// documents no status or body ([U]) — and its body must still be the
// generic ErrorResponse.
func (c *Checker) checkUndeclared(op string, resp *http.Response, data []byte) {
	if resp.StatusCode != http.StatusTooManyRequests {
		c.problem("response %s %d: status not declared in the spec", op, resp.StatusCode)
		return
	}
	c.checkSchema(op, resp, data, "ErrorResponse")
}

// checkSchema validates a JSON body against a component schema.
func (c *Checker) checkSchema(op string, resp *http.Response, data []byte, name string) {
	if !isJSON(resp.Header.Get("Content-Type")) {
		c.problem("response %s %d: content type %q", op, resp.StatusCode, resp.Header.Get("Content-Type"))
		return
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		c.problem("response %s %d: not JSON: %v", op, resp.StatusCode, err)
		return
	}
	ref := c.doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		c.problem("spec has no schema %s", name)
		return
	}
	if err := ref.Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
		c.problem("response %s %d: %s: %v", op, resp.StatusCode, name, err)
	}
}

// checkUnspecifiedRequest checks POST /mfa/verify-login against the SDK's
// MFAVerificationRequest: mfaType plus code or token, nothing unknown.
func (c *Checker) checkUnspecifiedRequest(op string, req *http.Request, body []byte) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		c.problem("request %s: body is not a JSON object", op)
		return
	}
	allowed := map[string]bool{"mfaType": true, "code": true, "token": true, "credential": true, "sessionId": true}
	for k := range m {
		if !allowed[k] {
			c.problem("request %s: unexpected field %q", op, k)
		}
	}
	switch m["mfaType"] {
	case "GOOGLE_AUTH", "MAGIC_LINK", "PASSKEY":
	default:
		c.problem("request %s: mfaType %v", op, m["mfaType"])
	}
	if m["code"] == nil && m["token"] == nil && m["credential"] == nil {
		c.problem("request %s: no code, token or credential", op)
	}
	if !strings.HasPrefix(req.Header.Get("Authorization"), "Bearer ") {
		c.problem("request %s: no bearer token", op)
	}
}

// checkUnspecifiedResponse checks the SDK's MFAVerificationLoginResponse
// (success, message, fullAccessToken, refreshToken) or an error body.
func (c *Checker) checkUnspecifiedResponse(op string, resp *http.Response, data []byte) {
	if resp.StatusCode != http.StatusOK {
		c.checkSchema(op, resp, data, "AuthErrorResponse")
		return
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		c.problem("response %s: not JSON", op)
		return
	}
	for _, k := range []string{"fullAccessToken", "refreshToken", "message"} {
		if s, _ := m[k].(string); s == "" {
			c.problem("response %s: %s missing", op, k)
		}
	}
	if b, ok := m["success"].(bool); !ok || !b {
		c.problem("response %s: success is not true", op)
	}
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

func (c *Checker) problem(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *Checker) record(op, outcome string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.coverage[op] == nil {
		c.coverage[op] = map[string]int{}
	}
	c.coverage[op][outcome]++
}

// Problems returns every contract violation seen so far.
func (c *Checker) Problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.problems...)
}

// Coverage returns, per operation ("GET /ai/llm/{id}"), how often each
// outcome was seen: a status ("200", "429 undeclared", "200 malformed"),
// "timeout", "no answer" or "cut".
func (c *Checker) Coverage() map[string]map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]map[string]int, len(c.coverage))
	for op, m := range c.coverage {
		out[op] = make(map[string]int, len(m))
		for k, v := range m {
			out[op][k] = v
		}
	}
	return out
}

// Merge adds another checker's coverage and problems to c (a test suite
// aggregating per-test checkers).
func (c *Checker) Merge(o *Checker) {
	cov, probs := o.Coverage(), o.Problems()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, probs...)
	for op, m := range cov {
		if c.coverage[op] == nil {
			c.coverage[op] = map[string]int{}
		}
		for k, v := range m {
			c.coverage[op][k] += v
		}
	}
}

// Table renders Coverage as a Markdown table: operations × outcomes.
func (c *Checker) Table() string {
	cov := c.Coverage()
	ops := make([]string, 0, len(cov))
	cols := map[string]bool{}
	for op, m := range cov {
		ops = append(ops, op)
		for k := range m {
			cols[k] = true
		}
	}
	sort.Strings(ops)
	heads := make([]string, 0, len(cols))
	for k := range cols {
		heads = append(heads, k)
	}
	sort.Slice(heads, func(i, j int) bool { return outcomeLess(heads[i], heads[j]) })
	var b strings.Builder
	b.WriteString("| operation | " + strings.Join(heads, " | ") + " |\n|---|")
	b.WriteString(strings.Repeat("---|", len(heads)) + "\n")
	for _, op := range ops {
		b.WriteString("| " + op + " |")
		for _, h := range heads {
			if n := cov[op][h]; n > 0 {
				fmt.Fprintf(&b, " %d |", n)
			} else {
				b.WriteString("  |")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// outcomeLess orders statuses numerically, then the rest.
func outcomeLess(a, b string) bool {
	na, ea := strconv.Atoi(strings.Fields(a + " x")[0])
	nb, eb := strconv.Atoi(strings.Fields(b + " x")[0])
	switch {
	case ea == nil && eb == nil && na != nb:
		return na < nb
	case ea == nil && eb != nil:
		return true
	case ea != nil && eb == nil:
		return false
	}
	return a < b
}
