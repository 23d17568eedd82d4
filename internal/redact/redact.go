// Package redact makes text safe to show: it removes credentials (known
// secrets, any 12-character piece of them, and secret-shaped tokens that
// providers echo back) and terminal escape sequences from strings that come
// from servers, errors or users, before they reach a screen, stdout, stderr
// or a log (reference/provider-probes.md §1.6).
//
// Every string fbllm displays that it did not write itself goes through
// Redactor.String (credentials) and, when it came from outside the process,
// Terminal (escape sequences). The two are combined in Redactor.Display.
package redact

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// Mark replaces redacted text.
const Mark = "[redacted]"

// minPiece is the length of the shortest piece of a known secret that is
// redacted wherever it appears: providers echo prefixes and suffixes, and
// tests assert that no 12-character piece of a secret is ever shown.
const minPiece = 12

// Redactor scrubs known secrets and secret-shaped tokens from text. The zero
// value knows no secrets and still removes token shapes. It is safe for
// concurrent use once built.
type Redactor struct {
	pieces map[string]struct{} // every minPiece-long piece of every secret
	whole  []string            // secrets shorter than minPiece, matched whole
}

// New returns a Redactor for the given secrets (API keys, secrets,
// passwords, tokens). Empty strings are ignored; values shorter than four
// characters are too common to redact and are ignored too.
func New(secrets ...string) *Redactor {
	r := &Redactor{pieces: map[string]struct{}{}}
	for _, s := range secrets {
		r.add(s)
	}
	return r
}

// With returns a copy of r that also redacts secrets.
func (r *Redactor) With(secrets ...string) *Redactor {
	out := New()
	if r != nil {
		for p := range r.pieces {
			out.pieces[p] = struct{}{}
		}
		out.whole = append(out.whole, r.whole...)
	}
	for _, s := range secrets {
		out.add(s)
	}
	return out
}

func (r *Redactor) add(s string) {
	s = strings.TrimSpace(s)
	switch {
	case len(s) < 4:
		return
	case len(s) < minPiece:
		r.whole = append(r.whole, s)
		return
	}
	for i := 0; i+minPiece <= len(s); i++ {
		r.pieces[s[i:i+minPiece]] = struct{}{}
	}
}

// String returns s with every known secret, every 12-character piece of
// one, and every secret-shaped token replaced.
func (r *Redactor) String(s string) string {
	if r != nil {
		s = r.knownPieces(s)
		for _, w := range r.whole {
			s = strings.ReplaceAll(s, w, Mark)
		}
	}
	return Shapes(s)
}

// Display is String followed by Terminal: the form for text that came from
// a server or another process and is about to be shown.
func (r *Redactor) Display(s string) string { return r.String(Terminal(s)) }

// knownPieces replaces every run of text covered by 12-character pieces of
// known secrets.
func (r *Redactor) knownPieces(s string) string {
	if len(r.pieces) == 0 || len(s) < minPiece {
		return s
	}
	covered := make([]bool, len(s))
	hit := false
	for i := 0; i+minPiece <= len(s); i++ {
		if _, ok := r.pieces[s[i:i+minPiece]]; ok {
			for j := i; j < i+minPiece; j++ {
				covered[j] = true
			}
			hit = true
		}
	}
	if !hit {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if !covered[i] {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteString(Mark)
		for i < len(s) && covered[i] {
			i++
		}
	}
	return b.String()
}

// shape is a secret-shaped token, found anywhere in a string. keep is how
// many leading characters stay visible, so a person can still tell which
// kind of key was meant ("sk-p…[redacted]").
type shape struct {
	re   *regexp.Regexp
	keep int
}

// shapes are the token formats of reference/provider-probes.md §7, unanchored,
// plus the echo patterns of §1.6 (OpenAI's "sk-abcde***…wxyz", LiteLLM's
// "Received API Key = …", query parameters, URL credentials, bearer tokens).
var shapes = []shape{
	{regexp.MustCompile(`sk-ant-[A-Za-z0-9_-]{8,}`), 7},
	{regexp.MustCompile(`sk-or-v1-[0-9a-fA-F]{16,}`), 9},
	{regexp.MustCompile(`sk-[A-Za-z0-9_-]{12,}`), 4},
	{regexp.MustCompile(`[A-Za-z0-9_-]{2,16}\*{3,}[A-Za-z0-9_*-]*`), 4}, // OpenAI's masked echo
	{regexp.MustCompile(`sk-\.\.\.[A-Za-z0-9]{2,}`), 3},                 // LiteLLM's "sk-...XXXX"
	{regexp.MustCompile(`AIza[0-9A-Za-z_-]{20,}`), 4},
	{regexp.MustCompile(`\bAQ\.[A-Za-z0-9_-]{16,}`), 3},
	{regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`), 4},
	{regexp.MustCompile(`\bABSK[A-Za-z0-9+/=_-]{16,}`), 4},
	{regexp.MustCompile(`bedrock-api-key-[A-Za-z0-9+/=._-]{12,}`), 16},
	{regexp.MustCompile(`\bgsk_[A-Za-z0-9]{16,}`), 4},
	{regexp.MustCompile(`\bxai-[A-Za-z0-9]{16,}`), 4},
	{regexp.MustCompile(`\bvck_[A-Za-z0-9]{16,}`), 4},
	{regexp.MustCompile(`\bya29\.[A-Za-z0-9_-]{16,}`), 5},
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`), 3}, // JWT
}

// contextual patterns redact a value identified by what precedes it; the
// first group is kept.
var contextual = []*regexp.Regexp{
	regexp.MustCompile(`(?i)((?:[?&;]|\b)(?:key|api[-_]?key|apikey|token|access_token|password|secret|x-api-key|x-goog-api-key)=)[^&\s"'<>]+`),
	regexp.MustCompile(`(?i)(\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}`),
	regexp.MustCompile(`(?i)(\b(?:received api key|key hash \(token\)|api[-_ ]?key|x-api-key|x-goog-api-key|api-key|authorization)\s*[:=]\s*["']?)[^\s,"'}]{8,}`),
	regexp.MustCompile(`(://)[^/@\s:]+:[^/@\s]+@`), // URL user:password@
}

// Shapes redacts secret-shaped tokens and credential-bearing patterns
// without knowing any secret. It is what String applies last.
func Shapes(s string) string {
	for _, re := range contextual {
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			sub := re.FindStringSubmatch(m)
			if sub[1] == "://" {
				return "://" + Mark + "@"
			}
			return sub[1] + Mark
		})
	}
	for _, sh := range shapes {
		s = sh.re.ReplaceAllStringFunc(s, func(m string) string {
			if strings.Contains(m, Mark) {
				return m
			}
			keep := min(sh.keep, len(m)/3)
			return m[:keep] + "…" + Mark
		})
	}
	return s
}

// Terminal removes terminal escape sequences (CSI, OSC, DCS, …) and other
// control characters from text that came from outside the process, so a
// server cannot move the cursor, retitle the window, write to the clipboard
// or hide text on the user's screen. Newlines and tabs are kept; invalid
// UTF-8 becomes U+FFFD.
func Terminal(s string) string {
	s = ansi.Strip(s)
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == '\r':
			// A bare carriage return could overwrite the start of a line.
		case unicode.IsControl(r):
		case unicode.Is(unicode.Cf, r) && r != '\u200d':
			// Bidi overrides and other format characters can reorder or
			// hide text.
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain reports whether s is valid UTF-8 with no control or format
// characters other than newline and tab.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return false // check non-ASCII the slow way
		}
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
