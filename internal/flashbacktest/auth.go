package flashbacktest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Token types in the type claim.
const (
	tokenAccess     = "access"
	tokenRefresh    = "refresh"
	tokenMFAPending = "mfa_pending"
)

// claims is the JWT payload (SDK JwtPayload plus jti).
type claims struct {
	UserID string `json:"userId"`
	Email  string `json:"email"`
	OrgID  string `json:"orgId,omitempty"`
	Type   string `json:"type"`
	IAT    int64  `json:"iat"`
	EXP    int64  `json:"exp"`
	JTI    string `json:"jti"`
}

// refreshState tracks one refresh token: each may be used once.
type refreshState struct {
	userID  string
	used    bool
	revoked bool
}

// sign issues an HS256 JWT.
func (s *Server) sign(c claims) string {
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body, _ := json.Marshal(c)
	msg := head + "." + enc.EncodeToString(body)
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(msg))
	return msg + "." + enc.EncodeToString(mac.Sum(nil))
}

var errBadToken = errors.New("invalid or expired token")

// verify checks a token's signature, type and expiry.
func (s *Server) verify(tok, typ string) (claims, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return claims{}, errBadToken
	}
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return claims{}, errBadToken
	}
	body, err := base64.RawURLEncoding.DecodeString(parts[1])
	var c claims
	if err != nil || json.Unmarshal(body, &c) != nil {
		return claims{}, errBadToken
	}
	if c.Type != typ || s.now().Unix() >= c.EXP {
		return claims{}, errBadToken
	}
	return c, nil
}

// issue creates a token of typ for u that lives ttl.
func (s *Server) issue(u *User, typ string, ttl time.Duration) (string, claims) {
	now := s.now()
	c := claims{UserID: u.ID, Email: u.Email, OrgID: u.OrgID, Type: typ,
		IAT: now.Unix(), EXP: now.Add(ttl).Unix(), JTI: newID()}
	return s.sign(c), c
}

// IssueAccessToken returns a valid access token for a user, as if they
// had signed in, living ttl (0 = AccessTTL) — for FLASHBACK_TOKEN tests.
func (s *Server) IssueAccessToken(email string, ttl time.Duration) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByEmail(email)
	if u == nil {
		return "", errors.New("issue token: no such user")
	}
	if ttl <= 0 {
		ttl = s.accessTTL
	}
	tok, _ := s.issue(u, tokenAccess, ttl)
	return tok, nil
}

// session issues an access and a refresh token; s.mu held.
func (s *Server) session(u *User) (access, refresh string, exp int64) {
	access, ac := s.issue(u, tokenAccess, s.accessTTL)
	refresh, rc := s.issue(u, tokenRefresh, s.refreshTTL)
	s.refresh[rc.JTI] = &refreshState{userID: u.ID}
	return access, refresh, ac.EXP
}

type userKey struct{}

// authed lets a request through with a valid access token, and answers 401
// otherwise. The 401 body is the generic error shape (the real one is
// undocumented).
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, *User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			writeError(w, http.StatusUnauthorized, "Unauthorized: no access token")
			return
		}
		c, err := s.verify(tok, tokenAccess)
		s.mu.Lock()
		u := s.users[c.UserID]
		s.mu.Unlock()
		if err != nil || u == nil || u.Inactive {
			writeError(w, http.StatusUnauthorized, "Unauthorized: invalid or expired token")
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u.ID)), u)
	}
}

// userJSON is the login answer's user object.
func userJSON(u *User) map[string]any {
	return map[string]any{"id": u.ID, "email": u.Email, "name": u.Name, "orgId": u.OrgID, "orgRole": u.OrgRole}
}

// login is POST /user/login.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email      *string        `json:"email"`
		Password   *string        `json:"password"`
		DeviceInfo map[string]any `json:"deviceInfo"`
	}
	if err := decodeStrict(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid request: "+err.Error())
		return
	}
	if req.Email == nil || req.Password == nil || *req.Email == "" || *req.Password == "" {
		writeError(w, http.StatusBadRequest, "Invalid request: email and password are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByEmail(*req.Email)
	switch {
	case u == nil:
		writeAuthError(w, http.StatusUnauthorized, "USER_NOT_FOUND", "User not found")
		return
	case u.NoPassword:
		writeAuthError(w, http.StatusUnauthorized, "NO_PASSWORD_SET", "No password set for this account")
		return
	case u.Inactive:
		writeAuthError(w, http.StatusUnauthorized, "USER_INACTIVE", "User account is not active")
		return
	case !hmac.Equal([]byte(u.Password), []byte(*req.Password)):
		writeAuthError(w, http.StatusUnauthorized, "INVALID_PASSWORD", "Invalid password")
		return
	}
	if u.MFASecret != "" {
		// The limited token only opens POST /mfa/verify-login; this
		// answer shape is the simulator's reading of an undocumented one.
		tok, c := s.issue(u, tokenMFAPending, 10*time.Minute)
		writeJSON(w, http.StatusOK, map[string]any{
			"success": true, "message": "MFA verification required", "mfaRequired": true,
			"mfaType": "GOOGLE_AUTH", "accessToken": tok, "tokenId": c.JTI, "expiresAt": c.EXP,
			"user": userJSON(u),
		})
		return
	}
	access, refresh, exp := s.session(u)
	writeJSON(w, http.StatusOK, map[string]any{
		"success": true, "accessToken": access, "refreshToken": refresh, "tokenId": newID(),
		"expiresAt": exp, "user": userJSON(u),
	})
}

// verifyMFA is POST /mfa/verify-login, authorised by the limited token.
func (s *Server) verifyMFA(w http.ResponseWriter, r *http.Request) {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	c, err := s.verify(tok, tokenMFAPending)
	if err != nil {
		writeAuthError(w, http.StatusUnauthorized, "INVALID_MFA_SESSION", "MFA session invalid or expired; sign in again")
		return
	}
	var req struct {
		MFAType    string         `json:"mfaType"`
		Code       string         `json:"code"`
		Token      string         `json:"token"`
		Credential map[string]any `json:"credential"`
		SessionID  string         `json:"sessionId"`
	}
	if err := decodeStrict(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid request: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[c.UserID]
	if u == nil || u.MFASecret == "" {
		writeAuthError(w, http.StatusUnauthorized, "INVALID_MFA_SESSION", "MFA session invalid")
		return
	}
	if req.MFAType != "GOOGLE_AUTH" || !ValidTOTP(u.MFASecret, req.Code, s.now()) {
		writeAuthError(w, http.StatusUnauthorized, "INVALID_MFA_CODE", "Invalid verification code")
		return
	}
	access, refresh, _ := s.session(u)
	writeJSON(w, http.StatusOK, map[string]any{
		"success": true, "message": "MFA verification successful",
		"fullAccessToken": access, "refreshToken": refresh,
	})
}

// refreshToken is POST /user/refresh. The refresh token rotates: the one
// presented is spent, whatever happens next.
func (s *Server) refreshToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		RefreshToken  string `json:"refreshToken"`
		RefreshToken2 string `json:"refresh_token"`
	}
	if err := decodeStrict(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid request: "+err.Error())
		return
	}
	tok := req.RefreshToken2
	switch s.refreshField {
	case "refreshToken":
		tok = req.RefreshToken
	case "":
		tok = firstNonEmpty(req.RefreshToken2, req.RefreshToken)
	}
	if tok == "" {
		writeAuthError(w, http.StatusBadRequest, "MISSING_REFRESH_TOKEN", "Refresh token is required")
		return
	}
	c, err := s.verify(tok, tokenRefresh)
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.refresh[c.JTI]
	u := s.users[c.UserID]
	if err != nil || st == nil || st.used || st.revoked || u == nil || u.Inactive {
		writeAuthError(w, http.StatusUnauthorized, "INVALID_REFRESH_TOKEN", "Refresh token is invalid or expired")
		return
	}
	st.used = true
	access, refresh, exp := s.session(u)
	writeJSON(w, http.StatusOK, map[string]any{
		"success": true, "accessToken": access, "refreshToken": refresh, "expiresAt": exp,
	})
}

// logout is POST /user/logout: the refresh token is revoked.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, u *User) {
	var req struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := decodeStrict(r, &req); err != nil || req.RefreshToken == "" {
		writeAuthError(w, http.StatusBadRequest, "MISSING_REFRESH_TOKEN", "refresh_token is required")
		return
	}
	c, err := s.verify(req.RefreshToken, tokenRefresh)
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.refresh[c.JTI]; err == nil && st != nil && st.userID == u.ID {
		st.revoked = true
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "Logged out successfully"})
}

// profile is GET /user/profile.
func (s *Server) profile(w http.ResponseWriter, _ *http.Request, u *User) {
	desc := map[int]string{0: "USER", 1: "BILLING", 2: "WORKSPACES", 0xfe: "ADMINISTRATOR", 0xff: "OWNER"}[u.OrgRole]
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": map[string]any{
		"id": u.ID, "name": u.Name, "lastName": u.LastName, "email": u.Email, "orgId": u.OrgID,
		"orgRole": u.OrgRole, "orgRoleDescription": desc, "orgRoles": []int{u.OrgRole},
		"validated": !u.Inactive, "mfaRequired": u.MFASecret != "",
	}})
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
