package client

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Claims are the fields of a Flashback access token that fbllm reads
// (SDK JwtPayload: userId, email, orgId?, type?, iat?, exp?).
type Claims struct {
	// UserID is userId (or sub when userId is absent).
	UserID string
	// Email is the account's email address.
	Email string
	// OrgID is the organisation; GET /policy needs it.
	OrgID string
	// Type is the token type, if the server sets one.
	Type string
	// IssuedAt is iat; zero if absent.
	IssuedAt time.Time
	// ExpiresAt is exp; zero if absent.
	ExpiresAt time.Time

	raw map[string]any
}

// ParseClaims decodes the payload of a JWT without checking its signature:
// the token is the user's own, and the server checks it on every request;
// the client only needs to know when it expires and whom it names.
func ParseClaims(token string) (Claims, error) {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return Claims{}, errors.New("parse token claims: not a JWT")
	}
	seg := strings.TrimRight(parts[1], "=")
	data, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		// Some encoders use the standard alphabet; accept it too.
		if data, err = base64.RawStdEncoding.DecodeString(seg); err != nil {
			return Claims{}, errors.New("parse token claims: payload is not base64url")
		}
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return Claims{}, errors.New("parse token claims: payload is not a JSON object")
	}
	c := Claims{raw: raw}
	c.UserID = firstNonEmpty(claimString(raw["userId"]), claimString(raw["user_id"]), claimString(raw["sub"]))
	c.Email = claimString(raw["email"])
	c.OrgID = firstNonEmpty(claimString(raw["orgId"]), claimString(raw["org_id"]))
	c.Type = claimString(raw["type"])
	c.IssuedAt = claimTime(raw["iat"])
	c.ExpiresAt = claimTime(raw["exp"])
	return c, nil
}

// claimString renders a string or number claim as a string (ids are
// strings in the SDK, but integers in many JWT libraries).
func claimString(v any) string {
	switch v := v.(type) {
	case string:
		return clean(v)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

// claimTime reads a NumericDate (seconds since the epoch). A value too
// large to be seconds is taken as milliseconds, which some servers send.
func claimTime(v any) time.Time {
	f, ok := v.(float64)
	if !ok || f <= 0 {
		return time.Time{}
	}
	if f > 1e12 {
		return time.UnixMilli(int64(f))
	}
	return time.Unix(int64(f), 0)
}

// expiryFromField interprets the login/refresh answer's expiresAt, whose
// unit is undocumented ([U]): above 1e12 it is milliseconds since the
// epoch, above 1e9 seconds since the epoch, otherwise a number of seconds
// from now (an "expires in"). It is used only when the token has no exp.
func expiryFromField(v int64, now time.Time) time.Time {
	switch {
	case v <= 0:
		return time.Time{}
	case v > 1e12:
		return time.UnixMilli(v)
	case v > 1e9:
		return time.Unix(v, 0)
	}
	return now.Add(time.Duration(v) * time.Second)
}

// flexInt decodes a JSON number or numeric string (expiresAt).
type flexInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("not a number: %w", err)
	}
	*f = flexInt(v)
	return nil
}
