package client

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/fbllm/fbllm/internal/redact"
)

// Environment variables the caller resolves with BaseURL and passes on
// (PRODUCT §4).
const (
	// EnvAPIURL overrides the platform API base URL.
	EnvAPIURL = "FLASHBACK_API_URL"
	// EnvToken is an access token that replaces the stored sign-in.
	EnvToken = "FLASHBACK_TOKEN"
)

// DefaultBaseURL is the platform API used when FLASHBACK_API_URL is unset:
// the host of every documented example (reference/flashback-api.md §0.1).
const DefaultBaseURL = "https://backend.flashback.tech"

// Defaults for Options.
const (
	// DefaultTimeout bounds one attempt of an ordinary request, from
	// sending it to the last byte of the answer.
	DefaultTimeout = 15 * time.Second
	// DefaultValidateTimeout bounds POST /ai/llm/{id}/validate, which makes
	// a real call to the provider from the server side.
	DefaultValidateTimeout = 60 * time.Second
	// DefaultMaxAttempts is how often an idempotent request is tried.
	DefaultMaxAttempts = 3
	// DefaultMaxRetryWait caps one wait between attempts. A Retry-After
	// longer than this is not waited for: the error is returned at once
	// with its RetryAfter, so a person can decide.
	DefaultMaxRetryWait = 8 * time.Second
)

// BaseURL returns the API base URL from FLASHBACK_API_URL (read through
// getenv; nil means no environment), or DefaultBaseURL.
func BaseURL(getenv func(string) string) string {
	if getenv != nil {
		if v := strings.TrimSpace(getenv(EnvAPIURL)); v != "" {
			return v
		}
	}
	return DefaultBaseURL
}

// Options tunes a Client. The zero value is ready for production use with
// no stored session.
type Options struct {
	// Token is an access token that replaces every other sign-in
	// (FLASHBACK_TOKEN). With it the client never refreshes, never touches
	// Tokens, and reports a 401 as ErrUnauthenticated.
	Token string
	// TokenOrigin says where Token came from, for the message of its
	// refusal ("the access token in FLASHBACK_TOKEN was refused"): a
	// phrase after "the access token"; default "in FLASHBACK_TOKEN".
	TokenOrigin string
	// Tokens persists the refresh token between processes; nil keeps the
	// session in memory only.
	Tokens TokenStore
	// Timeout bounds each attempt of a request; default DefaultTimeout.
	Timeout time.Duration
	// ValidateTimeout bounds a validate call; default
	// DefaultValidateTimeout.
	ValidateTimeout time.Duration
	// MaxAttempts is how often GET, PUT and DELETE are tried on network
	// errors, 429 and 5xx; default DefaultMaxAttempts. 1 disables retries.
	MaxAttempts int
	// MaxRetryWait caps a single wait between attempts; default
	// DefaultMaxRetryWait.
	MaxRetryWait time.Duration
	// Now returns the current time (token expiry); nil means time.Now.
	Now func() time.Time
	// UserAgent is sent with every request; default "fbllm".
	UserAgent string
}

// Client is a Flashback API client. It is safe for concurrent use: the
// session is shared, and concurrent requests that find the access token
// expired cause a single refresh.
type Client struct {
	base    *url.URL
	baseStr string // base without a trailing slash, the TokenStore key
	hc      *http.Client
	static  string // Options.Token
	origin  string // Options.TokenOrigin
	tokens  TokenStore

	timeout, validateTimeout time.Duration
	maxAttempts              int
	maxRetryWait             time.Duration
	now                      func() time.Time
	userAgent                string

	mu       sync.Mutex // guards the fields below
	sess     session
	gen      uint64  // bumped whenever the access token changes
	flight   *flight // the refresh in progress, if any
	loaded   bool    // the TokenStore was read
	redactor *redact.Redactor
}

// New returns a Client for the API at baseURL (see BaseURL) that sends its
// requests through hc. hc carries the transport policy (proxy, extra CA
// roots); its own Timeout, if any, still applies on top of Options.Timeout.
func New(baseURL string, hc *http.Client, opts Options) (*Client, error) {
	if hc == nil {
		return nil, errors.New("new flashback client: an http client is required")
	}
	u, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, fmt.Errorf("new flashback client: %w", err)
	}
	c := &Client{
		base:            u,
		baseStr:         strings.TrimRight(u.String(), "/"),
		hc:              hc,
		static:          strings.TrimSpace(opts.Token),
		origin:          opts.TokenOrigin,
		tokens:          opts.Tokens,
		timeout:         opts.Timeout,
		validateTimeout: opts.ValidateTimeout,
		maxAttempts:     opts.MaxAttempts,
		maxRetryWait:    opts.MaxRetryWait,
		now:             opts.Now,
		userAgent:       opts.UserAgent,
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.validateTimeout <= 0 {
		c.validateTimeout = DefaultValidateTimeout
	}
	if c.maxAttempts <= 0 {
		c.maxAttempts = DefaultMaxAttempts
	}
	if c.maxRetryWait <= 0 {
		c.maxRetryWait = DefaultMaxRetryWait
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.origin == "" {
		c.origin = "in " + EnvToken
	}
	if c.userAgent == "" {
		c.userAgent = "fbllm"
	}
	if c.static != "" {
		c.sess = sessionFromToken(c.static, c.now())
		c.sess.source = SourceEnv
	}
	c.redactor = redact.New(c.static)
	return c, nil
}

// parseBaseURL accepts an absolute http(s) URL without credentials, query
// or fragment. A path is kept as a prefix (a gateway may mount the API
// below one).
func parseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("api url is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("api url %q: %w", redact.Shapes(raw), err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("api url %q: must start with https:// (or http:// for a local server)", redact.Shapes(raw))
	case u.Host == "":
		return nil, fmt.Errorf("api url %q: no host", redact.Shapes(raw))
	case u.User != nil:
		return nil, fmt.Errorf("api url %q: must not carry user:password@", redact.Shapes(raw))
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("api url %q: must not carry a query or fragment", redact.Shapes(raw))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// APIURL returns the base URL the client talks to, without a trailing
// slash. It is also the key under which the refresh token is stored.
func (c *Client) APIURL() string { return c.baseStr }

// remember adds a secret sent in this process to the redactor, so that a
// server or provider echoing it back can never put it on screen.
func (c *Client) remember(secrets ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var add []string
	for _, s := range secrets {
		if strings.TrimSpace(s) != "" {
			add = append(add, s)
		}
	}
	if len(add) > 0 {
		c.redactor = c.redactor.With(add...)
	}
}

// scrub returns the redactor for errors: every secret and token known to
// this client plus extra (a password being sent right now, say).
func (c *Client) scrub(extra ...string) *redact.Redactor {
	c.mu.Lock()
	r := c.redactor.With(c.sess.access, c.sess.refresh)
	c.mu.Unlock()
	if len(extra) > 0 {
		r = r.With(extra...)
	}
	return r
}
