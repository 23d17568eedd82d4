// Package flashbacktest is an in-memory simulation of the Flashback
// platform API, faithful to reference/flashback-api.md and
// flashback-openapi.yaml: the client's tests run against it, and so does
// `fbllm demo`.
//
// A Server is an http.Handler; wrap it with httptest.NewServer (tests) or
// serve it on a loopback listener (demo):
//
//	sim := flashbacktest.New(flashbacktest.Options{})
//	if err := sim.Load(flashbacktest.Demo(time.Now())); err != nil { … }
//	ts := httptest.NewServer(sim)
//
// What it simulates:
//
//   - Users with email and password, optionally a TOTP second factor
//     (POST /mfa/verify-login), inactive accounts and accounts without a
//     password, with the documented login error codes.
//   - Access tokens (HS256 JWTs carrying userId, email, orgId, type, iat,
//     exp) that expire after Options.AccessTTL, and refresh tokens that
//     rotate: each can be used once.
//   - Organisations and workspaces with READ, WRITE and ADMIN members. A READ
//     member cannot create, change, validate or delete configurations (403);
//     a non-member gets 404 for the workspace and its configurations, and 403
//     when naming the workspace in a list or create.
//   - AI LLM configurations with names unique per workspace
//     (case-insensitive; duplicates are 400), secrets that are stored but
//     never returned (key comes back masked or null), repositories attached
//     to them (deleting an attached configuration is refused with 403 naming
//     the repositories), validation through an injectable Validator, and
//     usage counters rendered as strings like the SDK types them.
//   - Policies at organisation, workspace and repository scope, and their
//     violations, paged with take ≤ 100.
//
// Error bodies are the documented ones: {success:false, message} and, for
// sign-in, {success:false, error_code, message}. Every answer carries an
// X-Request-Id.
//
// Tests steer it with Inject (force a status, a malformed body, latency,
// 429 with Retry-After, or a connection cut before or after the handler ran),
// Advance (move its clock) and the read-only accessors (LLM, LLMs, Count).
//
// Nothing here reaches the network except the Validator, and only with the
// endpoint and credentials it is given.
package flashbacktest
