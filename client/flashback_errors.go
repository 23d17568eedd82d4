package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fbllm/fbllm/internal/redact"
)

// Sentinel errors. The client's error values match them with errors.Is;
// Code turns them into PRODUCT §6 diagnosis codes.
var (
	// ErrUnauthenticated means there is no usable sign-in: nothing stored,
	// the refresh token was refused, FLASHBACK_TOKEN was refused, or a
	// sign-in attempt failed (CLI exit 4, flashback.unauthenticated).
	ErrUnauthenticated = errors.New("not signed in to flashback")
	// ErrUnauthorized is the name STYLE.md rule 18 uses for
	// ErrUnauthenticated; both are the same value.
	ErrUnauthorized = ErrUnauthenticated
	// ErrForbidden means the token is fine but the role in the workspace
	// does not allow the operation (flashback.forbidden).
	ErrForbidden = errors.New("permission denied")
	// ErrNotFound means the resource does not exist or is not visible to
	// the user: Flashback answers 404 for both (workspace.not_visible).
	ErrNotFound = errors.New("not found")
	// ErrInUse means a delete was refused because repositories still use
	// the configuration; the error is an *InUseError (flashback.in_use).
	ErrInUse = errors.New("configuration is in use by repositories")
	// ErrUnreachable means the API could not be reached, or did not answer
	// in time (flashback.unreachable). Errors are *NetworkError values.
	ErrUnreachable = errors.New("flashback api unreachable")
	// ErrRateLimited means the API answered 429 and retrying did not help
	// (or the wait it asked for is too long); see RetryAfter.
	ErrRateLimited = errors.New("rate limited by flashback")
	// ErrServer means the API answered 5xx.
	ErrServer = errors.New("flashback server error")
	// ErrBadResponse means a success answer that could not be understood:
	// not JSON, truncated, too large or success:false.
	ErrBadResponse = errors.New("unexpected answer from flashback")
	// ErrIntermediary means an error answer came from something in front
	// of the API — a forward proxy, a gateway, a captive portal — not from
	// the API itself (flashback.unreachable: the API was not reached).
	ErrIntermediary = errors.New("an intermediary answered instead of the flashback api")
	// ErrBadRequest means the API refused the request as invalid (400), or
	// the client refused to send it.
	ErrBadRequest = errors.New("invalid request")
	// ErrDuplicateName means the workspace already has a configuration
	// with this name (compared case-insensitively).
	ErrDuplicateName = errors.New("a configuration with this name already exists in the workspace")
	// ErrValidationFailed is what ValidationResult.Err returns when
	// Flashback's validation ran and reported success:false
	// (flashback.validation_failed).
	ErrValidationFailed = errors.New("flashback validation failed")
	// ErrMFARequired means the password was right but the account needs a
	// second factor; the error is an *MFARequiredError.
	ErrMFARequired = errors.New("second sign-in factor required")

	// ErrInvalidPassword is login error_code INVALID_PASSWORD.
	ErrInvalidPassword = errors.New("wrong password")
	// ErrUserNotFound is login error_code USER_NOT_FOUND.
	ErrUserNotFound = errors.New("no flashback account with this email")
	// ErrUserInactive is login error_code USER_INACTIVE.
	ErrUserInactive = errors.New("flashback account not active")
	// ErrNoPasswordSet is login error_code NO_PASSWORD_SET.
	ErrNoPasswordSet = errors.New("flashback account has no password")
)

// Code returns the PRODUCT §6 diagnosis code for an error returned by this
// package: flashback.unauthenticated, flashback.forbidden,
// flashback.in_use, flashback.unreachable (network errors, timeouts, 429
// and 5xx that outlived the retries, answers that cannot be understood),
// flashback.validation_failed and workspace.not_visible (404: Flashback
// does not distinguish "missing" from "not visible to you"). Two classes
// §6 has no code for get the CLI's own: config.duplicate_name and
// flashback.invalid_request. It returns "" for nil and for errors that did
// not come from the API — context cancellation, or a TokenStore failure,
// which the caller classifies as the keyring error it is.
func Code(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrInUse):
		return "flashback.in_use"
	case errors.Is(err, ErrUnauthenticated), errors.Is(err, ErrMFARequired):
		return "flashback.unauthenticated"
	case errors.Is(err, ErrForbidden):
		return "flashback.forbidden"
	case errors.Is(err, ErrNotFound):
		return "workspace.not_visible"
	case errors.Is(err, ErrDuplicateName):
		return "config.duplicate_name"
	case errors.Is(err, ErrValidationFailed):
		return "flashback.validation_failed"
	case errors.Is(err, ErrUnreachable), errors.Is(err, ErrRateLimited),
		errors.Is(err, ErrServer), errors.Is(err, ErrBadResponse), errors.Is(err, ErrIntermediary):
		return "flashback.unreachable"
	case errors.Is(err, ErrBadRequest):
		return "flashback.invalid_request"
	}
	return ""
}

// RetryAfter returns how long the server asked to wait before the next
// attempt (a 429 or 503 with Retry-After), and whether it said so.
func RetryAfter(err error) (time.Duration, bool) {
	var ae *APIError
	if errors.As(err, &ae) && ae.RetryAfter > 0 {
		return ae.RetryAfter, true
	}
	return 0, false
}

// HTTPError is the name STYLE.md rule 18 uses for APIError.
type HTTPError = APIError

// APIError is an error answer from the API.
type APIError struct {
	// Op is the operation, e.g. "delete ai llm 3f2a…".
	Op string
	// Status is the HTTP status; 200 for a success:false answer.
	Status int
	// Code is the error_code field, if any (e.g. INVALID_PASSWORD).
	Code string
	// Message is the server's message, sanitised and redacted, or a short
	// description of the answer when it carried none.
	Message string
	// RequestID is the X-Request-Id (or similar) of the answer, if any.
	RequestID string
	// RetryAfter is the wait the server asked for (429, 503).
	RetryAfter time.Duration

	kind error // the sentinel this error matches
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op + ": ")
	}
	fmt.Fprintf(&b, "flashback answered %d", e.Status)
	if t := http.StatusText(e.Status); t != "" && e.Status != http.StatusOK {
		b.WriteString(" " + strings.ToLower(t))
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Code != "" && !strings.Contains(e.Message, e.Code) {
		b.WriteString(" [" + e.Code + "]")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter.Round(time.Second))
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	return b.String()
}

// Is matches the sentinel of the error's class.
func (e *APIError) Is(target error) bool { return target != nil && target == e.kind }

// kindFor classifies an HTTP status.
func kindFor(status int) error {
	switch {
	case status == http.StatusUnauthorized:
		return ErrUnauthenticated
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status >= 500:
		return ErrServer
	case status >= 400:
		return ErrBadRequest
	}
	return ErrBadResponse
}

// InUseError reports a delete refused because repositories still use the
// configuration (Flashback answers 403 for it).
type InUseError struct {
	// ID is the configuration's id.
	ID string
	// Repos are the repositories that use it, as far as they could be
	// found (names and ids, sanitised). It may be empty when the lookup
	// failed; Err's message then usually names them.
	Repos []Repo
	// Err is the API's answer.
	Err *APIError
}

// Error implements error.
func (e *InUseError) Error() string {
	names := make([]string, len(e.Repos))
	for i, r := range e.Repos {
		names[i] = r.Name
	}
	msg := fmt.Sprintf("delete ai llm %s: still used by ", e.ID)
	switch {
	case len(names) > 0:
		msg += "repositories " + strings.Join(names, ", ")
	case e.Err != nil && e.Err.Message != "":
		msg += "repositories (" + e.Err.Message + ")"
	default:
		msg += "repositories"
	}
	return msg + "; detach it from them first"
}

// Is makes errors.Is(err, ErrInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// Unwrap returns the API's answer.
func (e *InUseError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// LoginError is a refused sign-in with the documented error_code values
// mapped to a sentence a person can act on. It matches ErrUnauthenticated
// and the code's own sentinel (ErrInvalidPassword, …).
type LoginError struct {
	// Email is the address used.
	Email string
	// Code is error_code as sent (may be empty or unknown).
	Code string
	// Status is the HTTP status.
	Status int
	// Message is the explanation: ours for known codes, else the server's
	// (sanitised and redacted).
	Message string

	kind error
}

// Error implements error.
func (e *LoginError) Error() string {
	return fmt.Sprintf("sign in as %s: %s", e.Email, e.Message)
}

// Is matches ErrUnauthenticated and the code's sentinel.
func (e *LoginError) Is(target error) bool {
	return target == ErrUnauthenticated || (e.kind != nil && target == e.kind)
}

// loginErrorFor maps a login error_code to its error.
func loginErrorFor(email, code string, status int, serverMsg string) *LoginError {
	e := &LoginError{Email: email, Code: code, Status: status}
	switch strings.ToUpper(code) {
	case "INVALID_PASSWORD":
		e.kind, e.Message = ErrInvalidPassword, "wrong password"
	case "USER_NOT_FOUND":
		e.kind, e.Message = ErrUserNotFound, "no flashback account uses this email address"
	case "USER_INACTIVE":
		e.kind, e.Message = ErrUserInactive, "the account is not active yet: confirm the email address from the sign-up mail, or ask an organisation admin to activate it"
	case "NO_PASSWORD_SET":
		e.kind, e.Message = ErrNoPasswordSet, "the account has no password because it signs in with Google, GitHub or Microsoft: set a password in the Flashback web app, or use fbllm login --token-stdin"
	default:
		e.Message = serverMsg
		if e.Message == "" {
			e.Message = "refused"
		}
		if code != "" && !strings.Contains(e.Message, code) {
			e.Message += " [" + code + "]"
		}
	}
	return e
}

// MFARequiredError means the password was accepted and the account needs
// a second factor: pass Challenge to VerifyMFA with the code.
type MFARequiredError struct {
	// Challenge carries what VerifyMFA needs.
	Challenge *MFAChallenge
}

// Error implements error.
func (e *MFARequiredError) Error() string {
	return fmt.Sprintf("sign in as %s: a second factor (%s) is required", e.Challenge.Email, e.Challenge.Method)
}

// Is makes errors.Is(err, ErrMFARequired) true.
func (e *MFARequiredError) Is(target error) bool { return target == ErrMFARequired }

// NetworkError is a request that got no answer: the connection failed, was
// cut, or the attempt timed out. It matches ErrUnreachable.
type NetworkError struct {
	// Op is the operation.
	Op string
	// Timeout is true when the attempt ran out of time.
	Timeout bool
	// Err is the transport's error.
	Err error
}

// Error implements error.
func (e *NetworkError) Error() string {
	if e.Timeout {
		return fmt.Sprintf("%s: %s: no answer in time: %v", e.Op, ErrUnreachable, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", e.Op, ErrUnreachable, e.Err)
}

// Is makes errors.Is(err, ErrUnreachable) true.
func (e *NetworkError) Is(target error) bool { return target == ErrUnreachable }

// Unwrap returns the transport's error.
func (e *NetworkError) Unwrap() error { return e.Err }

// redactedError carries an error whose text was redacted at the package
// boundary; the chain stays intact for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// seal redacts err's text with every secret the client knows plus extra,
// and strips terminal escapes. Exported methods return through it.
func (c *Client) seal(err error, extra ...string) error {
	if err == nil {
		return nil
	}
	msg := c.scrub(extra...).String(redact.Terminal(err.Error()))
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}
