// Package client is fbllm's network layer. Its Flashback part
// (flashback*.go) talks to the Flashback platform API: it signs in, keeps
// the session alive, and manages a workspace's AI LLM configurations, with
// the context the UI needs around them (workspaces and the user's role in
// each, repositories, policies, violations, usage). It never imports UI
// packages and never prompts: the caller supplies credentials, codes and
// the *http.Client (proxy and CA policy).
//
// The platform is described in reference/flashback-api.md, where every fact
// carries an evidence tag. Where that tag is [U] (inferred, unconfirmed),
// this package decodes defensively and says what it accepts next to the
// code; the decisions are summarised here:
//
//   - Error bodies are decoded from {success:false, message}, {success:false,
//     error_code, message} and {success:false, error_code, error_message};
//     anything else (HTML from a proxy, plain text, nothing) still becomes an
//     *APIError carrying the status and a short sanitised excerpt.
//   - 401 on any authenticated call means "access token refused", whatever
//     the body says. The client refreshes once and retries once.
//   - The refresh request carries both refreshToken (docs) and
//     refresh_token (SDK) with the same value; the response's token may be
//     in accessToken or token, and the refresh token rotates.
//   - Expiry comes from the JWT's exp claim; expiresAt (unit undocumented)
//     is only a fallback, read as milliseconds above 1e12, as seconds since
//     the epoch above 1e9, and otherwise as seconds from now.
//   - A login that still needs a second factor is recognised by any of the
//     signals listed at detectMFA; VerifyMFA then completes it through
//     POST /mfa/verify-login.
//   - Usage counters arrive as strings or numbers (Counter).
//
// # Requests
//
// Every call takes a context and runs with a per-attempt timeout. GET, PUT
// and DELETE are retried with capped exponential backoff on network errors,
// 429 (honouring Retry-After) and 5xx; POSTs are never retried blindly.
// CreateLLM recovers from a lost response by looking the name up before it
// tries again, so a dropped connection cannot create a duplicate.
//
// # Errors
//
// Failures are *APIError values (or *InUseError, *LoginError,
// *MFARequiredError, *NetworkError) that match the package's sentinel
// errors with errors.Is; Code maps any of them to its PRODUCT §6
// diagnosis code. Every error string and every string that came from the
// server has been through redact (credentials removed, terminal escapes
// stripped) before it leaves this package.
//
// # Sessions
//
// The access token lives only in memory. The refresh token is persisted
// through a TokenStore (the store package implements one in the keyring)
// after sign-in and after every refresh, because the server rotates it.
// An access token given explicitly (FLASHBACK_TOKEN) replaces all of that:
// nothing is refreshed or persisted, and a 401 is final.
package client
