package flashbacktest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for Options.
const (
	// DefaultAccessTTL is the documented access-token lifetime.
	DefaultAccessTTL = time.Hour
	// DefaultRefreshTTL is the refresh-token lifetime (undocumented; "they
	// live longer").
	DefaultRefreshTTL = 30 * 24 * time.Hour
)

// Options configures a Server. The zero value simulates production
// behaviour with the real clock.
type Options struct {
	// AccessTTL is how long an access token is valid; default 1 h.
	AccessTTL time.Duration
	// RefreshTTL is how long a refresh token is valid; default 30 days.
	RefreshTTL time.Duration
	// Now is the clock; nil means time.Now. Advance shifts it.
	Now func() time.Time
	// Validator checks a configuration for POST /ai/llm/{id}/validate; nil
	// means DefaultValidator(nil).
	Validator Validator
	// RefreshField, when set to "refreshToken" or "refresh_token", makes
	// POST /user/refresh read only that key, to simulate either reading of
	// the undocumented body; "" accepts both.
	RefreshField string
}

// Server is the simulated platform. It is safe for concurrent use.
type Server struct {
	accessTTL, refreshTTL time.Duration
	clock                 func() time.Time
	offset                atomic.Int64 // Advance, in nanoseconds
	validator             Validator
	refreshField          string
	key                   []byte // signs tokens
	mux                   *http.ServeMux
	routes                map[string]bool
	reqSeq                atomic.Int64

	mu         sync.Mutex // guards everything below
	orgs       map[string]*Org
	users      map[string]*User
	workspaces []*Workspace
	llms       []*LLM
	repos      []*Repo
	policies   []*Policy
	violations []*Violation
	stats      map[string]*Stats
	refresh    map[string]*refreshState // by token id (jti)
	faults     map[string][]*Fault
	counts     map[string]int
}

// New returns an empty Server; Load a Seed (for example Demo) into it.
func New(opts Options) *Server {
	s := &Server{
		accessTTL:    opts.AccessTTL,
		refreshTTL:   opts.RefreshTTL,
		clock:        opts.Now,
		validator:    opts.Validator,
		refreshField: opts.RefreshField,
		key:          make([]byte, 32),
		mux:          http.NewServeMux(),
		routes:       map[string]bool{},
		orgs:         map[string]*Org{},
		users:        map[string]*User{},
		stats:        map[string]*Stats{},
		refresh:      map[string]*refreshState{},
		faults:       map[string][]*Fault{},
		counts:       map[string]int{},
	}
	if s.accessTTL <= 0 {
		s.accessTTL = DefaultAccessTTL
	}
	if s.refreshTTL <= 0 {
		s.refreshTTL = DefaultRefreshTTL
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.validator == nil {
		s.validator = DefaultValidator(nil)
	}
	if _, err := rand.Read(s.key); err != nil {
		panic("flashbacktest: no randomness: " + err.Error())
	}
	s.register()
	return s
}

// register wires every simulated route. The patterns double as route names
// for Inject and Count.
func (s *Server) register() {
	s.route("POST /user/login", s.login)
	s.route("POST /user/refresh", s.refreshToken)
	s.route("POST /user/logout", s.authed(s.logout))
	s.route("GET /user/profile", s.authed(s.profile))
	s.route("POST /mfa/verify-login", s.verifyMFA)

	s.route("GET /workspace", s.authed(s.listWorkspaces))
	s.route("GET /workspace/{id}", s.authed(s.getWorkspace))

	s.route("POST /ai/llm", s.authed(s.createLLM))
	s.route("GET /ai/llm", s.authed(s.listLLMs))
	s.route("GET /ai/llm/available", s.authed(s.availableLLMs))
	s.route("GET /ai/llm/stats", s.authed(s.llmStats))
	s.route("PUT /ai/llm/{id}", s.authed(s.updateLLM))
	s.route("DELETE /ai/llm/{id}", s.authed(s.deleteLLM))
	s.route("POST /ai/llm/{id}/validate", s.authed(s.validateLLM))

	s.route("GET /repo", s.authed(s.listRepos))
	s.route("GET /policy", s.authed(s.listPolicies))
	s.route("GET /policy/violations", s.authed(s.listViolations))

	// Express answers unknown routes with 404; so do we, in the API's
	// error shape.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.stamp(w)
		writeError(w, http.StatusNotFound, fmt.Sprintf("Cannot %s %s", r.Method, r.URL.Path))
	})
}

// Routes returns the simulated routes ("METHOD /path/{param}").
func (s *Server) Routes() []string {
	out := make([]string, 0, len(s.routes))
	for r := range s.routes {
		out = append(out, r)
	}
	return out
}

func (s *Server) route(pattern string, h http.HandlerFunc) {
	s.routes[pattern] = true
	s.mux.Handle(pattern, s.instrument(pattern, h))
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// now is the simulated clock.
func (s *Server) now() time.Time {
	return s.clock().Add(time.Duration(s.offset.Load()))
}

// Advance moves the server's clock forward (tests: expire tokens).
func (s *Server) Advance(d time.Duration) { s.offset.Add(int64(d)) }

// Count returns how many requests reached a route ("POST /user/refresh"),
// faults included.
func (s *Server) Count(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[route]
}

// stamp sets the headers every answer carries.
func (s *Server) stamp(w http.ResponseWriter) {
	w.Header().Set("X-Request-Id", fmt.Sprintf("req_sim_%06d", s.reqSeq.Add(1)))
}

// writeJSON sends v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError sends the generic error body {success:false, message}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"success": false, "message": msg})
}

// writeAuthError sends the auth error body {success:false, error_code,
// message}.
func writeAuthError(w http.ResponseWriter, status int, code, msg string) {
	if code == "" {
		writeError(w, status, msg)
		return
	}
	writeJSON(w, status, map[string]any{"success": false, "error_code": code, "message": msg})
}

// maxRequestBody caps request bodies, like the platform's body parser.
const maxRequestBody = 1 << 20

// decodeStrict reads a JSON object into v, refusing unknown fields the way
// the API's validation does (the OpenAPI request schemas are closed).
func decodeStrict(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := err.Error()
		if strings.HasPrefix(msg, "json: unknown field ") {
			return fmt.Errorf("unexpected field %s", strings.TrimPrefix(msg, "json: unknown field "))
		}
		return fmt.Errorf("request body is not valid JSON")
	}
	return nil
}

// newID returns a random UUID (version 4), the platform's id format.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("flashbacktest: no randomness: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// iso renders a time like the platform (JavaScript's toISOString).
func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
