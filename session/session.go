package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/store"
)

// Environment variables read by a Session (PRODUCT §4).
const (
	EnvToken     = "FLASHBACK_TOKEN"
	EnvWorkspace = "FBLLM_WORKSPACE"
)

// Options configure New.
type Options struct {
	// Store is the local store: local configurations, settings
	// (config.json) and the keyring that keeps the Flashback refresh token.
	Store *store.Store
	// Getenv reads FLASHBACK_API_URL, FLASHBACK_TOKEN, FBLLM_WORKSPACE and
	// the proxy/CA variables; nil means no environment.
	Getenv func(string) string
	// APIHTTPClient carries Flashback API calls; nil builds one over
	// client.NewTransport (proxies, FBLLM_CA_FILE, no redirects). fbllm
	// demo passes one wired to the simulated platform.
	APIHTTPClient *http.Client
	// APIURL overrides FLASHBACK_API_URL and the saved URL (demo).
	APIURL string
	// Probe configures the direct provider probes of Test.
	Probe diagnose.Options
	// TokenOrigin names where FLASHBACK_TOKEN's value really came from when
	// it is not the environment (login --token-stdin passes the token it
	// checks that way), for the words of its refusal; see
	// client.Options.TokenOrigin.
	TokenOrigin string
	// Simulated marks a session against the built-in simulated platform
	// (fbllm demo); the UI shows it.
	Simulated bool
	// Now is the clock of check records; nil means time.Now.
	Now func() time.Time
}

// Session joins the local store and the Flashback API. It is safe for
// concurrent use.
type Session struct {
	opts Options

	apiOnce sync.Once
	api     *client.Client
	apiErr  error

	mu         sync.Mutex
	workspaces []client.Workspace // cached for the session; Refresh drops it

	// While a batch of checks runs (BatchChecks), their outcomes wait
	// here and are written once.
	batchMu     sync.Mutex
	batching    int
	batchLocal  map[string]store.Check
	batchRemote map[string]store.Check
}

// New returns a Session. It does no I/O: the API client is built on first
// use and nothing is fetched until asked.
func New(opts Options) (*Session, error) {
	if opts.Store == nil {
		return nil, errors.New("session: no store")
	}
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Session{opts: opts}, nil
}

// Store is the local store.
func (s *Session) Store() *store.Store { return s.opts.Store }

// Simulated reports whether this session talks to the built-in simulated
// platform (fbllm demo).
func (s *Session) Simulated() bool { return s.opts.Simulated }

// ProbeOptions are the options of direct provider probes.
func (s *Session) ProbeOptions() diagnose.Options { return s.opts.Probe }

// APIURL is the Flashback API base URL in use: Options.APIURL, else
// FLASHBACK_API_URL, else the URL saved in config.json, else the default.
func (s *Session) APIURL() string {
	if s.opts.APIURL != "" {
		return s.opts.APIURL
	}
	if v := strings.TrimSpace(s.opts.Getenv(client.EnvAPIURL)); v != "" {
		return v
	}
	if st, err := s.opts.Store.Settings(); err == nil && st.APIURL != "" {
		return st.APIURL
	}
	return client.DefaultBaseURL
}

// TokenFromEnv reports whether FLASHBACK_TOKEN replaces the stored sign-in.
func (s *Session) TokenFromEnv() bool {
	return strings.TrimSpace(s.opts.Getenv(EnvToken)) != ""
}

// API returns the Flashback client, building it on first use.
func (s *Session) API() (*client.Client, error) {
	s.apiOnce.Do(func() {
		// The token goes out with every request: no http:// to a public
		// host (the endpoint rule of PRODUCT §1), refused before any.
		if err := input.CheckAPIURL(s.APIURL()); err != nil {
			s.apiErr = err
			return
		}
		hc := s.opts.APIHTTPClient
		if hc == nil {
			// The API's own timeouts are per request (client.Options);
			// the transport only must not cut a long validation short.
			t, err := client.NewTransport(client.TransportOptions{
				Getenv:                s.opts.Getenv,
				ResponseHeaderTimeout: client.DefaultValidateTimeout + 5*time.Second,
				Timeout:               client.DefaultValidateTimeout + 10*time.Second,
			})
			if err != nil {
				s.apiErr = err
				return
			}
			hc = &http.Client{
				Transport:     t,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			}
		}
		s.api, s.apiErr = client.New(s.APIURL(), hc, client.Options{
			Token:       strings.TrimSpace(s.opts.Getenv(EnvToken)),
			TokenOrigin: s.opts.TokenOrigin,
			Tokens:      gatedTokens{s},
		})
	})
	return s.api, s.apiErr
}

// Identity returns who is signed in, restoring the saved sign-in from the
// keyring when needed. Not signed in is client.ErrUnauthenticated; a
// locked keyring is store.ErrLocked.
func (s *Session) Identity(ctx context.Context) (client.Identity, error) {
	api, err := s.API()
	if err != nil {
		return client.Identity{}, err
	}
	return api.Session(ctx)
}

// VerifiedIdentity is Identity checked with the platform: a token from
// FLASHBACK_TOKEN is only decoded by Identity, so the platform is asked who
// it belongs to — a refused token is flashback.unauthenticated, and the
// profile fills in the name and email a token without claims lacks.
func (s *Session) VerifiedIdentity(ctx context.Context) (client.Identity, error) {
	id, err := s.Identity(ctx)
	if err != nil || id.Source != client.SourceEnv {
		return id, err
	}
	api, err := s.API()
	if err != nil {
		return id, err
	}
	p, err := api.Profile(ctx)
	if err != nil {
		return id, err
	}
	id.Email = cmp.Or(id.Email, p.Email)
	id.Name = cmp.Or(id.Name, strings.TrimSpace(p.Name+" "+p.LastName))
	return id, nil
}

// SignedInHint reports, without any network or keyring call, whether a
// Flashback sign-in is likely: FLASHBACK_TOKEN is set or setup chose
// Flashback. Listings use it to decide whether Flashback is part of the
// default view.
func (s *Session) SignedInHint() bool {
	if s.TokenFromEnv() || s.opts.Simulated {
		return true
	}
	st, err := s.opts.Store.Settings()
	return err == nil && st.Mode == ModeFlashback
}

// Setup modes saved in config.json.
const (
	ModeLocal     = "local"
	ModeFlashback = "flashback"
)

// SignIn signs in with email and password. An account with a second factor
// returns *client.MFARequiredError; pass its Challenge to VerifyMFA. On
// success the refresh token is in the keyring and setup is marked done in
// Flashback mode.
func (s *Session) SignIn(ctx context.Context, email, password string) (client.Identity, error) {
	api, err := s.API()
	if err != nil {
		return client.Identity{}, err
	}
	id, err := api.Login(ctx, email, password)
	if err != nil {
		return id, s.signInError(err)
	}
	return id, s.afterSignIn()
}

// signInError names a sign-in that did not reach Flashback for what it is:
// a 404 from the sign-in itself means the address answers but is not the
// Flashback API (a wrong FLASHBACK_API_URL), not a configuration missing
// from a workspace.
func (s *Session) signInError(err error) error {
	if errors.Is(err, client.ErrNotFound) {
		return &NotTheAPIError{URL: s.APIURL(), Err: err}
	}
	return err
}

// NotTheAPIError is a sign-in answered "not found": the address is not
// the Flashback API (flashback.unreachable).
type NotTheAPIError struct {
	URL string
	Err error
}

func (e *NotTheAPIError) Error() string {
	return fmt.Sprintf("%s answered 404 to the sign-in: it is not the Flashback API", e.URL)
}

func (e *NotTheAPIError) Unwrap() error { return e.Err }

// VerifyMFA completes a sign-in that asked for a second factor.
func (s *Session) VerifyMFA(ctx context.Context, ch *client.MFAChallenge, code string) (client.Identity, error) {
	api, err := s.API()
	if err != nil {
		return client.Identity{}, err
	}
	id, err := api.VerifyMFA(ctx, ch, code)
	err = s.signInError(err)
	if err != nil {
		return id, err
	}
	return id, s.afterSignIn()
}

func (s *Session) afterSignIn() error {
	s.dropWorkspaces()
	return s.opts.Store.UpdateSettings(func(st *Settings) {
		st.Mode = ModeFlashback
		if s.opts.APIURL == "" && st.APIURL == "" && s.APIURL() != client.DefaultBaseURL {
			st.APIURL = s.APIURL()
		}
	})
}

// Settings is store.Settings, named here so callers of UpdateSettings read
// naturally.
type Settings = store.Settings

// SignOut ends the Flashback session on the platform (best effort: a
// platform that cannot be reached does not keep the user signed in here),
// forgets the refresh token in the keyring, and forgets a remembered
// keyring passphrase. It returns the platform error, if any, after doing
// the local part.
func (s *Session) SignOut(ctx context.Context) error {
	var errs []error
	if !s.StoredSignIn() && !s.TokenFromEnv() {
		// Nothing to end or forget: do not unlock the keyring to find that
		// out.
		if err := s.opts.Store.ForgetPassphrase(); err != nil {
			return err
		}
		return nil
	}
	if api, err := s.API(); err == nil {
		if err := api.Logout(ctx); err != nil && !errors.Is(err, client.ErrUnauthenticated) {
			errs = append(errs, fmt.Errorf("sign out on the platform: %w", err))
		}
	}
	if err := (gatedTokens{s}).Delete(ctx); err != nil && !errors.Is(err, store.ErrNotFound) {
		errs = append(errs, err)
	}
	if err := s.opts.Store.ForgetPassphrase(); err != nil {
		errs = append(errs, err)
	}
	s.dropWorkspaces()
	return errors.Join(errs...)
}

// Refresh drops what the session cached (the workspaces list), so the next
// call fetches it again.
func (s *Session) Refresh() { s.dropWorkspaces() }

func (s *Session) dropWorkspaces() {
	s.mu.Lock()
	s.workspaces = nil
	s.mu.Unlock()
}

// StoredSignIn reports whether a refresh token was saved (config.json says
// so; the keyring itself is not touched).
func (s *Session) StoredSignIn() bool {
	st, err := s.opts.Store.Settings()
	return err == nil && st.SignedIn != ""
}

// gatedTokens is the keyring's token store behind a flag in config.json:
// when no sign-in was ever saved, Get answers "none" without opening (and
// so without unlocking) the keyring, so "not signed in" is reported as
// such (exit 4) instead of as a locked keyring.
type gatedTokens struct{ s *Session }

func (g gatedTokens) Get(ctx context.Context, apiURL string) (string, error) {
	if !g.s.StoredSignIn() {
		return "", nil
	}
	return g.s.opts.Store.FlashbackTokens().Get(ctx, apiURL)
}

func (g gatedTokens) Set(ctx context.Context, apiURL, email, refreshToken string) error {
	if err := g.s.opts.Store.FlashbackTokens().Set(ctx, apiURL, email, refreshToken); err != nil {
		return err
	}
	return g.s.opts.Store.UpdateSettings(func(st *Settings) { st.SignedIn = apiURL })
}

func (g gatedTokens) Delete(ctx context.Context) error {
	if err := g.s.opts.Store.FlashbackTokens().Delete(ctx); err != nil {
		return err
	}
	return g.s.opts.Store.UpdateSettings(func(st *Settings) { st.SignedIn = "" })
}
