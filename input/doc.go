// Package input validates and normalises what a person types into the
// configuration form: the name, the endpoint, the key and the secret.
//
// Every function here is pure: no network, disk, clock or randomness. huh
// runs field validators synchronously inside Update, so anything slower or
// less predictable would freeze the TUI; it also makes every rule a plain
// table test. DNS, TLS and provider answers belong to the client package.
//
// The functions fix what they safely can (a pasted "Bearer ", a trailing
// newline, a missing /v1) and report each change, because a silent rewrite
// is the kind of surprise that makes a later failure impossible to explain.
// Key-shape findings are hints, never errors: providers change key formats.
//
// No text produced here (errors, warnings, rewrite reasons, hints) contains a
// secret or key beyond a recognised provider prefix such as "sk-ant-", and
// endpoint texts never contain user:pass@ or the value of a key= parameter.
package input
