// Package secrettest holds the one check every test that shows text makes:
// no secret, password or token — nor any 12-character piece of one — may
// reach a screen, stdout, stderr, a report or a log (PRODUCT §6 redaction).
// A piece is enough to recognise a leaked key, so a truncated or partly
// redacted echo fails the check too.
package secrettest

import (
	"strings"
	"testing"
)

// PieceLen is the length of the pieces looked for.
const PieceLen = 12

// Pieces returns the secret and every PieceLen-character piece of it.
func Pieces(secret string) []string {
	out := []string{secret}
	for i := 0; i+PieceLen <= len(secret); i++ {
		out = append(out, secret[i:i+PieceLen])
	}
	return out
}

// Leak returns the first piece of any secret found in text, or "".
func Leak(text string, secrets ...string) string {
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, p := range Pieces(s) {
			if strings.Contains(text, p) {
				return p
			}
		}
	}
	return ""
}

// RequireAbsent fails the test when text holds any secret or a piece of
// one. The message names what leaked only by its length, so a failing test
// does not print the secret into CI logs either.
func RequireAbsent(t testing.TB, text string, secrets ...string) {
	t.Helper()
	if p := Leak(text, secrets...); p != "" {
		t.Fatalf("a %d-character piece of a secret reached the output (at byte %d)", len(p), strings.Index(text, p))
	}
}
