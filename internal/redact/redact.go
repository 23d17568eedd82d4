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
	"encoding/base64"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Mark replaces redacted text.
const Mark = "[redacted]"

// minPiece is the length of the shortest piece of a known secret that is
// redacted wherever it appears: providers echo prefixes and suffixes, and
// tests assert that no 12-character piece of a secret is ever shown.
const minPiece = 12

// minBase64Core is the shortest base64 run of a short secret that is
// redacted inside longer base64 text: shorter runs would hit by chance.
const minBase64Core = 6

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
		// A short secret's encodings are matched whole too: its base64
		// is what an echoed Basic credential or header value shows.
		for _, enc := range base64Encodings {
			r.whole = append(r.whole, enc.EncodeToString([]byte(s)))
		}
		for _, enc := range base64Encodings[:2] {
			for align := 0; align < 3; align++ {
				if core := base64Core(enc, s, align); len(core) >= minBase64Core {
					r.whole = append(r.whole, core)
				}
			}
		}
		return
	}
	r.addPieces(s)
	// Base64 of a longer text that contains the secret depends on where
	// the secret starts modulo 3; the characters that encode only the
	// secret's bytes are the same whatever surrounds it, so their pieces
	// are redacted like the secret's own.
	for _, enc := range base64Encodings[:2] {
		for align := 0; align < 3; align++ {
			r.addPieces(base64Core(enc, s, align))
		}
	}
}

// addPieces records every minPiece-long piece of s.
func (r *Redactor) addPieces(s string) {
	for i := 0; i+minPiece <= len(s); i++ {
		r.pieces[s[i:i+minPiece]] = struct{}{}
	}
}

// base64Encodings are the forms a server may echo a value in: both
// alphabets, padded or not.
var base64Encodings = []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding}

// base64Core returns the base64 characters that depend only on s when s
// starts align bytes into a 3-byte group: the characters it shares with
// the bytes before it and with what follows it are cut. Padding is never
// part of the core, so the padded and raw forms share it.
func base64Core(enc *base64.Encoding, s string, align int) string {
	full := enc.EncodeToString(append(make([]byte, align), s...))
	head := [3]int{0, 2, 3}[align]
	end := (align + len(s)) / 3 * 4
	if end <= head {
		return ""
	}
	return full[head:end]
}

// String returns s with every known secret, every 12-character piece of
// one, and every secret-shaped token replaced.
func (r *Redactor) String(s string) string {
	if r != nil {
		s = r.known(s)
	}
	return Shapes(s)
}

// Display is String followed by Terminal: the form for text that came from
// a server or another process and is about to be shown.
func (r *Redactor) Display(s string) string { return r.String(Terminal(s)) }

// known replaces every run of text covered by a known secret: its
// 12-character pieces, a short secret whole, and the same in the text's
// decoded view, so a secret echoed percent-encoded (partly or every
// byte), as HTML character references or as JSON \u escapes is found
// like the raw one.
func (r *Redactor) known(s string) string {
	if len(r.pieces) == 0 && len(r.whole) == 0 {
		return s
	}
	covered := make([]bool, len(s))
	hit := r.cover(s, covered, nil)
	if strings.ContainsAny(s, "%&\\") {
		if dec, spans := decodedView(s); dec != s {
			hit = r.cover(dec, covered, spans) || hit
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

// cover marks in covered the bytes of the original text that a known
// secret occupies in text; spans maps a byte of text to its span in the
// original (nil: text is the original).
func (r *Redactor) cover(text string, covered []bool, spans []span) bool {
	hit := false
	mark := func(from, to int) {
		hit = true
		if spans != nil {
			from, to = spans[from].start, spans[to-1].end
		}
		for j := from; j < to; j++ {
			covered[j] = true
		}
	}
	if len(r.pieces) > 0 {
		for i := 0; i+minPiece <= len(text); i++ {
			if _, ok := r.pieces[text[i:i+minPiece]]; ok {
				mark(i, i+minPiece)
			}
		}
	}
	for _, w := range r.whole {
		for off := 0; ; {
			i := strings.Index(text[off:], w)
			if i < 0 {
				break
			}
			mark(off+i, off+i+len(w))
			off += i + len(w)
		}
	}
	return hit
}

// span is where one byte of a decoded view came from in the original.
type span struct{ start, end int }

// decodedView decodes percent-escapes, HTML character references and
// JSON \u escapes of s, and says for each decoded byte which original
// bytes it came from. Anything that is not a valid escape is kept as is.
func decodedView(s string) (string, []span) {
	var b strings.Builder
	spans := make([]span, 0, len(s))
	emit := func(decoded string, start, end int) {
		b.WriteString(decoded)
		for range len(decoded) {
			spans = append(spans, span{start, end})
		}
	}
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			emit(string([]byte{byte(v)}), i, i+3)
			i += 3
			continue
		case c == '&':
			if j := strings.IndexByte(s[i:min(len(s), i+12)], ';'); j > 1 {
				if dec := html.UnescapeString(s[i : i+j+1]); dec != s[i:i+j+1] {
					emit(dec, i, i+j+1)
					i += j + 1
					continue
				}
			}
		case c == '\\' && i+5 < len(s) && s[i+1] == 'u' && isHex(s[i+2]) && isHex(s[i+3]) && isHex(s[i+4]) && isHex(s[i+5]):
			v, _ := strconv.ParseUint(s[i+2:i+6], 16, 32)
			if r := rune(v); utf8.ValidRune(r) {
				emit(string(r), i, i+6)
				i += 6
				continue
			}
		}
		emit(s[i:i+1], i, i+1)
		i++
	}
	return b.String(), spans
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
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
	// The value must start like one: "(no ?key=)." in a help text is
	// not a credential.
	regexp.MustCompile(`(?i)((?:[?&;]|\b)(?:key|api[-_]?key|apikey|token|access_token|password|secret|x-api-key|x-goog-api-key)=)[A-Za-z0-9_~+/%.-][^&\s"'<>]*`),
	regexp.MustCompile(`(?i)(\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}`),
	regexp.MustCompile(`(?i)(\b(?:received api key|key hash \(token\)|api[-_ ]?key|x-api-key|x-goog-api-key|api-key|authorization)\s*[:=]\s*["']?)[^\s,"'}]{8,}`),
	regexp.MustCompile(`(://)[^/@\s:]+:[^/@\s]+@`), // URL user:password@
}

// plainWordRe is a word of prose (optionally capitalised, with trailing
// punctuation): what follows "Bearer", "Basic" or "API key:" in a
// sentence. Tokens mix cases, digits or symbols.
var plainWordRe = regexp.MustCompile(`^[A-Za-z][a-z]*[.,;:!?)]*$`)

// Shapes redacts secret-shaped tokens and credential-bearing patterns
// without knowing any secret. It is what String applies last.
func Shapes(s string) string {
	for i, re := range contextual {
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			sub := re.FindStringSubmatch(m)
			if sub[1] == "://" {
				return "://" + Mark + "@"
			}
			if i > 0 && plainWordRe.MatchString(m[len(sub[1]):]) {
				// "Basic authentication", "API key: required": prose
				// after a credential word, not a credential.
				return m
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
