package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// TokenStore persists the refresh token between processes. The store
// package implements it in the keyring (store.FlashbackTokens). Its
// methods take only standard types so that an implementation needs no
// import of this package.
//
// Implementations must not prompt: a locked keyring is an error, which the
// client passes through unchanged (Code returns "" for it) so the caller
// can ask for the passphrase.
type TokenStore interface {
	// Get returns the refresh token saved for apiURL, or "" (and no
	// error) when none is saved for that URL.
	Get(ctx context.Context, apiURL string) (refreshToken string, err error)
	// Set saves the refresh token of a sign-in at apiURL, replacing any
	// other. email may be "" when unknown (the previous one is then kept
	// if it belongs to the same URL).
	Set(ctx context.Context, apiURL, email, refreshToken string) error
	// Delete forgets the saved sign-in; nothing saved is not an error.
	Delete(ctx context.Context) error
}

// TokenSource says where the session's access token came from.
type TokenSource int

// Token sources.
const (
	// SourceNone: not signed in.
	SourceNone TokenSource = iota
	// SourceEnv: FLASHBACK_TOKEN (Options.Token).
	SourceEnv
	// SourceLogin: Login or VerifyMFA in this process.
	SourceLogin
	// SourceRefresh: refreshed from a refresh token (stored or in memory).
	SourceRefresh
)

// String returns the source's name.
func (s TokenSource) String() string {
	switch s {
	case SourceEnv:
		return EnvToken
	case SourceLogin:
		return "login"
	case SourceRefresh:
		return "refresh"
	}
	return "none"
}

// Identity is who the client is signed in as.
type Identity struct {
	// UserID, Email, Name and OrgID describe the account, as far as the
	// token and the sign-in answer tell (see Profile for the rest).
	UserID, Email, Name, OrgID string
	// ExpiresAt is when the access token expires; zero if unknown.
	ExpiresAt time.Time
	// Source is where the access token came from.
	Source TokenSource
}

// session is the in-memory sign-in state.
type session struct {
	access    string
	accessExp time.Time
	refresh   string
	id        Identity
	source    TokenSource
}

// sessionFromToken builds a session around an access token, reading its
// claims when it is a JWT.
func sessionFromToken(token string, now time.Time) session {
	s := session{access: token}
	if cl, err := ParseClaims(token); err == nil {
		s.accessExp = cl.ExpiresAt
		s.id = Identity{UserID: cl.UserID, Email: cl.Email, OrgID: cl.OrgID}
	}
	return s
}

// refreshMargin is how long before expiry the access token is renewed
// without waiting for a 401.
const refreshMargin = 30 * time.Second

// usableLocked reports whether the access token can be sent; c.mu held.
func (c *Client) usableLocked() bool {
	s := c.sess
	return s.access != "" && (s.accessExp.IsZero() || c.now().Add(refreshMargin).Before(s.accessExp))
}

// accessToken returns the token to send and its generation, refreshing
// (once, shared by concurrent callers) when there is none or it is about
// to expire.
func (c *Client) accessToken(ctx context.Context) (string, uint64, error) {
	c.mu.Lock()
	if c.static != "" {
		defer c.mu.Unlock()
		return c.static, c.gen, nil
	}
	if c.usableLocked() {
		defer c.mu.Unlock()
		return c.sess.access, c.gen, nil
	}
	gen := c.gen
	c.mu.Unlock()
	if err := c.refreshAfter(ctx, gen); err != nil {
		return "", 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess.access == "" {
		return "", 0, ErrUnauthenticated
	}
	return c.sess.access, c.gen, nil
}

// flight is a refresh in progress that other callers wait for.
type flight struct {
	done chan struct{}
	err  error
}

// refreshAfter renews the access token unless another caller has already
// done so since generation seen was current. Concurrent callers share one
// refresh request: the refresh token rotates, so two refreshes with the
// same token would invalidate each other.
func (c *Client) refreshAfter(ctx context.Context, seen uint64) error {
	c.mu.Lock()
	if c.gen != seen && c.usableLocked() {
		c.mu.Unlock()
		return nil
	}
	f := c.flight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		c.flight = f
		// The refresh runs detached from the caller's context: once
		// the server has rotated the token, the answer must be read
		// and stored even if the caller gave up, or the sign-in is
		// lost.
		go func() {
			f.err = c.runRefresh()
			c.mu.Lock()
			c.flight = nil
			c.mu.Unlock()
			close(f.done)
		}()
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// refreshAnswer is POST /user/refresh's answer (docs + SDK; the token may
// be in accessToken or token).
type refreshAnswer struct {
	envelope
	AccessToken  string  `json:"accessToken"`
	Token        string  `json:"token"`
	RefreshToken string  `json:"refreshToken"`
	ExpiresAt    flexInt `json:"expiresAt"`
}

// runRefresh exchanges the refresh token for a new access token and
// persists the rotated refresh token.
func (c *Client) runRefresh() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*c.timeout)
	defer cancel()
	c.mu.Lock()
	rt, loaded := c.sess.refresh, c.loaded
	c.mu.Unlock()
	if rt == "" && !loaded && c.tokens != nil {
		stored, err := c.tokens.Get(ctx, c.baseStr)
		if err != nil {
			return fmt.Errorf("load flashback sign-in: %w", err)
		}
		c.mu.Lock()
		c.loaded = true
		if c.sess.refresh == "" {
			c.sess.refresh = stored
		}
		rt = c.sess.refresh
		c.mu.Unlock()
	}
	if rt == "" {
		return fmt.Errorf("%w at %s", ErrUnauthenticated, c.baseStr)
	}
	ans, err := c.postRefresh(ctx, rt)
	if errors.Is(err, ErrUnauthenticated) && c.tokens != nil {
		// Another fbllm process may have refreshed first: the server
		// then rotated our token away, and the store holds the new one.
		if stored, gerr := c.tokens.Get(ctx, c.baseStr); gerr == nil && stored != "" && stored != rt {
			rt = stored
			ans, err = c.postRefresh(ctx, rt)
		}
	}
	if err != nil {
		if errors.Is(err, ErrUnauthenticated) {
			c.mu.Lock()
			c.sess = session{}
			c.gen++
			c.mu.Unlock()
		}
		return err
	}
	access := firstNonEmpty(ans.AccessToken, ans.Token)
	next := sessionFromToken(access, c.now())
	if next.accessExp.IsZero() {
		next.accessExp = expiryFromField(int64(ans.ExpiresAt), c.now())
	}
	next.refresh = firstNonEmpty(ans.RefreshToken, rt)
	next.source = SourceRefresh
	c.mu.Lock()
	prev := c.sess.id
	next.id = mergeIdentity(next.id, prev)
	c.sess = next
	c.gen++
	c.mu.Unlock()
	if c.tokens != nil && next.refresh != rt {
		if err := c.tokens.Set(ctx, c.baseStr, next.id.Email, next.refresh); err != nil {
			// The new session works in this process; a later process
			// would find the old, now rotated, token and need a new
			// sign-in. Say so now rather than then.
			return fmt.Errorf("save the refreshed flashback sign-in: %w", err)
		}
	}
	return nil
}

// postRefresh sends POST /user/refresh. Both body keys carry the token:
// the docs name it refreshToken, the SDK sends refresh_token ([U]).
func (c *Client) postRefresh(ctx context.Context, rt string) (*refreshAnswer, error) {
	var ans refreshAnswer
	cl := &call{
		op: "refresh flashback sign-in", method: http.MethodPost, path: "/user/refresh",
		body:    map[string]string{"refreshToken": rt, "refresh_token": rt},
		secrets: []string{rt},
	}
	_, err := c.do(ctx, cl, &ans)
	var ae *APIError
	if errors.As(err, &ae) && (ae.Status == http.StatusBadRequest || ae.Status == http.StatusForbidden ||
		(ae.Status == http.StatusOK && errors.Is(ae.kind, ErrBadRequest))) {
		// A refused refresh token is reported as 400, 401 or 403
		// depending on the server; all mean "sign in again".
		ae.kind = ErrUnauthenticated
	}
	if err != nil {
		return nil, c.seal(err, rt)
	}
	if firstNonEmpty(ans.AccessToken, ans.Token) == "" {
		return nil, &APIError{Op: cl.op, Status: http.StatusOK, kind: ErrBadResponse, Message: "the answer carries no access token"}
	}
	return &ans, nil
}

// mergeIdentity fills empty fields of a from b.
func mergeIdentity(a, b Identity) Identity {
	a.UserID = firstNonEmpty(a.UserID, b.UserID)
	a.Email = firstNonEmpty(a.Email, b.Email)
	a.Name = firstNonEmpty(a.Name, b.Name)
	a.OrgID = firstNonEmpty(a.OrgID, b.OrgID)
	return a
}

// loginAnswer is POST /user/login's answer (RegisterResponse in the SDK).
type loginAnswer struct {
	envelope
	AccessToken  string  `json:"accessToken"`
	RefreshToken string  `json:"refreshToken"`
	TokenID      string  `json:"tokenId"`
	ExpiresAt    flexInt `json:"expiresAt"`
	User         struct {
		ID      any    `json:"id"`
		Email   string `json:"email"`
		Name    string `json:"name"`
		OrgID   string `json:"orgId"`
		OrgRole *int   `json:"orgRole"`
	} `json:"user"`
}

// Login signs in with email and password. When the account needs a second
// factor it returns an *MFARequiredError (errors.Is ErrMFARequired); pass
// its Challenge to VerifyMFA. Refused sign-ins are *LoginError values. On
// success the refresh token is saved through the TokenStore.
func (c *Client) Login(ctx context.Context, email, password string) (Identity, error) {
	id, err := c.login(ctx, strings.TrimSpace(email), password)
	return id, c.seal(err, password)
}

func (c *Client) login(ctx context.Context, email, password string) (Identity, error) {
	const op = "sign in"
	if c.static != "" {
		return Identity{}, fmt.Errorf("%s: %s is set and replaces any sign-in: unset it first: %w", op, EnvToken, ErrBadRequest)
	}
	if email == "" || password == "" {
		return Identity{}, fmt.Errorf("%s: email and password are required: %w", op, ErrBadRequest)
	}
	cl := &call{
		op: op, method: http.MethodPost, path: "/user/login",
		body:    map[string]string{"email": email, "password": password},
		secrets: []string{password},
	}
	var ans loginAnswer
	resp, err := c.do(ctx, cl, &ans)
	var ae *APIError
	if errors.As(err, &ae) {
		switch {
		case mfaCode(ae.Code):
			// Some servers refuse the first step outright with an MFA
			// code; without a partial token there is nothing to verify
			// with, so say what to do instead.
			return Identity{}, fmt.Errorf("%s: the account needs a second factor this server only accepts in the web app; use fbllm login --token-stdin: %w", op, ErrMFARequired)
		case ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden ||
			ae.Status == http.StatusBadRequest || ae.Status == http.StatusOK:
			return Identity{}, loginErrorFor(email, ae.Code, ae.Status, ae.Message)
		}
	}
	if err != nil {
		return Identity{}, err
	}
	var raw map[string]any
	_ = json.Unmarshal(resp.body, &raw)
	if ch := detectMFA(raw, ans.AccessToken); ch != nil {
		ch.Email = email
		ch.id = Identity{UserID: claimString(ans.User.ID), Email: firstNonEmpty(ans.User.Email, email),
			Name: clean(ans.User.Name), OrgID: clean(ans.User.OrgID)}
		ch.Message = c.serverText(ans.Message, password)
		return Identity{}, &MFARequiredError{Challenge: ch}
	}
	if ans.AccessToken == "" {
		return Identity{}, &APIError{Op: op, Status: resp.status, kind: ErrBadResponse, Message: "the answer carries no access token"}
	}
	id := Identity{UserID: claimString(ans.User.ID), Email: firstNonEmpty(clean(ans.User.Email), email),
		Name: clean(ans.User.Name), OrgID: clean(ans.User.OrgID)}
	return c.begin(ctx, op, ans.AccessToken, ans.RefreshToken, int64(ans.ExpiresAt), id)
}

// begin installs a new session after Login or VerifyMFA and persists the
// refresh token.
func (c *Client) begin(ctx context.Context, op, access, refresh string, expiresAt int64, id Identity) (Identity, error) {
	s := sessionFromToken(access, c.now())
	if s.accessExp.IsZero() {
		s.accessExp = expiryFromField(expiresAt, c.now())
	}
	s.refresh = refresh
	s.source = SourceLogin
	s.id = mergeIdentity(s.id, id)
	s.id.ExpiresAt, s.id.Source = s.accessExp, s.source
	c.mu.Lock()
	c.sess = s
	c.loaded = true
	c.gen++
	c.mu.Unlock()
	if c.tokens != nil && refresh != "" {
		if err := c.tokens.Set(context.WithoutCancel(ctx), c.baseStr, s.id.Email, refresh); err != nil {
			return s.id, fmt.Errorf("%s: signed in, but the sign-in could not be saved for later: %w", op, err)
		}
	}
	return s.id, nil
}

// MFAChallenge is a pending sign-in that needs a second factor.
type MFAChallenge struct {
	// Email is the account's address.
	Email string
	// Method is the factor the server asks for: GOOGLE_AUTH (an
	// authenticator app code), MAGIC_LINK (the token from the mailed
	// link) or PASSKEY (not possible in a terminal).
	Method string
	// Methods lists every factor the server offered, if it said.
	Methods []string
	// Message is the server's message, sanitised.
	Message string

	token string // the partial token that authorises the verification
	id    Identity
}

// Terminal reports whether the factor can be completed by typing a code.
func (ch *MFAChallenge) Terminal() bool { return ch.Method != "PASSKEY" }

// MFA methods (SDK MFAType).
const (
	MFAAuthenticator = "GOOGLE_AUTH"
	MFAMagicLink     = "MAGIC_LINK"
	MFAPasskey       = "PASSKEY"
)

// detectMFA recognises a login answer that still needs a second factor.
// The shape is undocumented ([U]); the SDK shows that the factor is
// checked by POST /mfa/verify-login, which returns a fullAccessToken, so
// the first step hands out a limited token. Any one of these signals
// counts:
//
//   - a true flag named mfaRequired, mfa_required, requiresMfa,
//     requires_mfa, mfaPending or mfa_pending, at the top level or in user;
//   - an error_code containing "MFA";
//   - a non-empty mfaToken, mfa_token, challengeToken, challenge_token or
//     challengeId;
//   - an access token whose type claim mentions mfa, partial, pending or
//     limited, or whose mfaVerified or sessionVerified claim is false.
//
// The token used for the second step is the first non-empty of mfaToken,
// mfa_token, challengeToken, challenge_token and accessToken; the method is
// mfaType, mfaMethod, primaryMethod or the first of mfaMethods,
// enabledMethods, methods — else GOOGLE_AUTH, the only one a terminal can
// always complete.
func detectMFA(raw map[string]any, access string) *MFAChallenge {
	if raw == nil {
		return nil
	}
	user, _ := raw["user"].(map[string]any)
	pending := false
	for _, k := range []string{"mfaRequired", "mfa_required", "requiresMfa", "requires_mfa", "mfaPending", "mfa_pending"} {
		if b, _ := raw[k].(bool); b {
			pending = true
		}
		if b, _ := user[k].(bool); b {
			pending = true
		}
	}
	if code, _ := raw["error_code"].(string); mfaCode(code) {
		pending = true
	}
	for _, k := range []string{"mfaToken", "mfa_token", "challengeToken", "challenge_token", "challengeId"} {
		if s, _ := raw[k].(string); s != "" {
			pending = true
		}
	}
	if cl, err := ParseClaims(access); err == nil {
		t := strings.ToLower(cl.Type)
		for _, w := range []string{"mfa", "partial", "pending", "limited"} {
			if strings.Contains(t, w) {
				pending = true
			}
		}
		for _, k := range []string{"mfaVerified", "sessionVerified"} {
			if b, ok := cl.raw[k].(bool); ok && !b {
				pending = true
			}
		}
	}
	if !pending {
		return nil
	}
	ch := &MFAChallenge{}
	for _, k := range []string{"mfaToken", "mfa_token", "challengeToken", "challenge_token", "accessToken"} {
		if s, _ := raw[k].(string); s != "" {
			ch.token = s
			break
		}
	}
	for _, k := range []string{"mfaMethods", "enabledMethods", "methods"} {
		if list, ok := raw[k].([]any); ok {
			for _, m := range list {
				if s, _ := m.(string); s != "" {
					ch.Methods = append(ch.Methods, strings.ToUpper(clean(s)))
				}
			}
		}
	}
	for _, k := range []string{"mfaType", "mfaMethod", "primaryMethod"} {
		if s, _ := raw[k].(string); s != "" {
			ch.Method = strings.ToUpper(clean(s))
			break
		}
	}
	if ch.Method == "" && len(ch.Methods) > 0 {
		ch.Method = ch.Methods[0]
	}
	if ch.Method == "" {
		ch.Method = MFAAuthenticator
	}
	return ch
}

func mfaCode(code string) bool { return strings.Contains(strings.ToUpper(code), "MFA") }

// ErrInvalidMFACode means the second-factor code was refused (wrong,
// expired or already used). It also matches ErrUnauthenticated.
var ErrInvalidMFACode = errors.New("wrong or expired second-factor code")

// mfaAnswer is POST /mfa/verify-login's answer (SDK
// MFAVerificationLoginResponse).
type mfaAnswer struct {
	envelope
	FullAccessToken string  `json:"fullAccessToken"`
	AccessToken     string  `json:"accessToken"`
	RefreshToken    string  `json:"refreshToken"`
	ExpiresAt       flexInt `json:"expiresAt"`
}

// VerifyMFA completes a sign-in that Login answered with an
// *MFARequiredError: code is the authenticator app's code (GOOGLE_AUTH)
// or the token from the mailed link (MAGIC_LINK). A refused code returns a
// *LoginError matching ErrInvalidMFACode; the challenge stays usable for
// another try until the server expires it.
func (c *Client) VerifyMFA(ctx context.Context, ch *MFAChallenge, code string) (Identity, error) {
	id, err := c.verifyMFA(ctx, ch, strings.TrimSpace(code))
	return id, c.seal(err, code)
}

func (c *Client) verifyMFA(ctx context.Context, ch *MFAChallenge, code string) (Identity, error) {
	const op = "verify second factor"
	switch {
	case ch == nil:
		return Identity{}, fmt.Errorf("%s: no pending sign-in: %w", op, ErrBadRequest)
	case !ch.Terminal():
		return Identity{}, fmt.Errorf("%s: the account's second factor is a passkey, which a terminal cannot use; sign in in the web app and use fbllm login --token-stdin: %w", op, ErrMFARequired)
	case code == "":
		return Identity{}, fmt.Errorf("%s: the code is empty: %w", op, ErrBadRequest)
	}
	body := map[string]string{"mfaType": ch.Method}
	if ch.Method == MFAMagicLink {
		body["token"] = code
	} else {
		body["code"] = code
	}
	cl := &call{op: op, method: http.MethodPost, path: "/mfa/verify-login", body: body,
		bearer: ch.token, secrets: []string{code, ch.token}}
	var ans mfaAnswer
	_, err := c.do(ctx, cl, &ans)
	var ae *APIError
	if errors.As(err, &ae) && (ae.Status == http.StatusBadRequest || ae.Status == http.StatusUnauthorized ||
		ae.Status == http.StatusForbidden || ae.Status == http.StatusOK) {
		return Identity{}, &LoginError{Email: ch.Email, Code: ae.Code, Status: ae.Status,
			Message: "the code was not accepted: it may be wrong or expired; try the next one", kind: ErrInvalidMFACode}
	}
	if err != nil {
		return Identity{}, err
	}
	access := firstNonEmpty(ans.FullAccessToken, ans.AccessToken)
	if access == "" {
		return Identity{}, &APIError{Op: op, Status: http.StatusOK, kind: ErrBadResponse, Message: "the answer carries no access token"}
	}
	return c.begin(ctx, op, access, ans.RefreshToken, int64(ans.ExpiresAt), ch.id)
}

// Session makes sure the client holds a usable access token — refreshing
// from the stored refresh token if needed — and returns who it is signed in
// as. It returns an error matching ErrUnauthenticated when there is no
// sign-in.
func (c *Client) Session(ctx context.Context) (Identity, error) {
	if _, _, err := c.accessToken(ctx); err != nil {
		return Identity{}, c.seal(fmt.Errorf("flashback session: %w", err))
	}
	return c.SignedInAs(), nil
}

// SignedInAs returns the identity of the current in-memory session without
// any I/O; the zero Identity (Source SourceNone) when there is none yet.
func (c *Client) SignedInAs() Identity {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess.access == "" {
		return Identity{}
	}
	id := c.sess.id
	id.ExpiresAt, id.Source = c.sess.accessExp, c.sess.source
	if c.static != "" {
		id.Source = SourceEnv
	}
	return id
}

// Logout revokes the refresh token on the server (POST /user/logout) and
// forgets the sign-in locally, in memory and in the TokenStore. The local
// sign-in is forgotten even when the server cannot be told; the error then
// says so.
func (c *Client) Logout(ctx context.Context) error {
	var remote error
	if c.static == "" {
		remote = c.revoke(ctx)
	}
	c.mu.Lock()
	rt := c.sess.refresh
	if c.static == "" {
		c.sess = session{}
	}
	c.loaded = true
	c.gen++
	c.mu.Unlock()
	if c.tokens != nil {
		if err := c.tokens.Delete(context.WithoutCancel(ctx)); err != nil {
			return c.seal(fmt.Errorf("sign out: forget the saved sign-in: %w", err), rt)
		}
	}
	if remote != nil {
		return c.seal(fmt.Errorf("sign out: forgot the sign-in on this machine, but the server did not confirm revoking it: %w", remote), rt)
	}
	return nil
}

// revoke tells the server to revoke the current refresh token. Being not
// signed in at all is not an error: there is nothing to revoke.
func (c *Client) revoke(ctx context.Context) error {
	if _, _, err := c.accessToken(ctx); err != nil {
		if errors.Is(err, ErrUnauthenticated) {
			return nil
		}
		return err
	}
	c.mu.Lock()
	rt := c.sess.refresh
	c.mu.Unlock()
	if rt == "" {
		return nil
	}
	cl := &call{op: "sign out", method: http.MethodPost, path: "/user/logout", auth: true,
		body: map[string]string{"refresh_token": rt}, secrets: []string{rt}}
	_, err := c.do(ctx, cl, nil)
	return err
}
