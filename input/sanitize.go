package input

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sanitized is a pasted key or secret after clean-up, with what was removed
// so the UI can say so: a silent fix would hide why the copy in a .env file
// or a colleague's message does not work.
type Sanitized struct {
	Value    string
	Removed  []string // human phrases, e.g. "a leading 'Bearer '", "surrounding quotes"
	Warnings []string // full sentences: placeholders, masked copies, non-ASCII characters
}

// SanitizeSecret cleans a pasted secret per provider-probes §1.2: it removes
// surrounding whitespace and invisible characters, wrapping quotes, angle
// brackets and ${…}, and a pasted "Bearer ", header name or NAME= prefix.
// Wrappers are peeled until none is left (`export K="Bearer x"` takes three
// steps), so sanitising a sanitised value changes nothing. A value that is
// empty afterwards returns ErrEmpty; one that still contains whitespace or
// control characters is refused with an *InputError, because net/http would
// refuse the header and the provider would never see the real key.
func SanitizeSecret(raw string) (Sanitized, error) {
	return sanitize(raw, "secret", CodeInvalidSecret, true)
}

// SanitizeKey applies SanitizeSecret's rules to the optional key field. An
// empty key is not an error: only AWS needs one (see RequiresKey).
func SanitizeKey(raw string) (Sanitized, error) {
	return sanitize(raw, "key", CodeInvalidKey, false)
}

// maxCredentialLen bounds the work done inside the TUI's Update. The longest
// real credentials (short-term Bedrock keys, JWTs) stay well below it.
const maxCredentialLen = 16 << 10

func sanitize(raw, field, code string, required bool) (Sanitized, error) {
	var out Sanitized
	note := func(phrase string) {
		if !slices.Contains(out.Removed, phrase) {
			out.Removed = append(out.Removed, phrase)
		}
	}
	// A refused value still reports what was removed, so the UI can explain
	// the whole paste.
	refuse := func(format string, args ...any) (Sanitized, error) {
		return Sanitized{Removed: out.Removed}, &InputError{Code: code, Field: field, Msg: fmt.Sprintf(format, args...)}
	}

	if len(raw) > maxCredentialLen {
		return refuse("the %s is longer than %d KiB; paste only the %s itself", field, maxCredentialLen/1024, field)
	}
	// Invalid UTF-8 cannot be a key someone copied, and JSON and the
	// keyring would silently turn it into U+FFFD, so what was tested would
	// not be what was stored.
	if !utf8.ValidString(raw) {
		return refuse("the %s has bytes that are not valid text (UTF-8); copy it again from the source", field)
	}
	// Invisible format characters (zero-width space, BOM, soft hyphen) are
	// never part of a key and hide inside prefixes such as "Bearer", so they
	// go first, wherever they are.
	s := stripInvisible(raw, note)
	for {
		prev := s
		s = trimSpaceReport(s, note)
		s = unwrapOnce(s, note)
		s = stripPrefixOnce(s, note)
		if s == prev {
			break
		}
	}

	if s == "" {
		if required {
			return out, ErrEmpty
		}
		return out, nil
	}
	n := utf8.RuneCountInString(s)
	for i, r := range []rune(s) {
		switch {
		case r == '\n' || r == '\r':
			return refuse("the %s has a line break at character %d of %d; paste it on one line", field, i+1, n)
		case unicode.IsSpace(r):
			return refuse("the %s has %s at character %d of %d; paste only the %s itself", field, describeRune(r), i+1, n, field)
		case unicode.IsControl(r):
			return refuse("the %s has %s at character %d of %d; copy it again from the source", field, describeRune(r), i+1, n)
		}
	}
	out.Value = s
	out.Warnings = valueWarnings(s, field)
	return out, nil
}

// invisibleNames names the format characters people actually paste.
var invisibleNames = map[rune]string{
	'\u200b': "invisible characters (zero-width space)",
	'\u200c': "invisible characters (zero-width non-joiner)",
	'\u200d': "invisible characters (zero-width joiner)",
	'\u2060': "invisible characters (word joiner)",
	'\ufeff': "a byte-order mark (BOM)",
	'\u00ad': "invisible characters (soft hyphen)",
	'\u200e': "invisible characters (left-to-right mark)",
	'\u200f': "invisible characters (right-to-left mark)",
}

func isInvisible(r rune) bool { return unicode.Is(unicode.Cf, r) }

func stripInvisible(s string, note func(string)) string {
	if strings.IndexFunc(s, isInvisible) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !isInvisible(r) {
			b.WriteRune(r)
			continue
		}
		if name, ok := invisibleNames[r]; ok {
			note(name)
		} else {
			note("invisible formatting characters")
		}
	}
	return b.String()
}

// trimSpaceReport trims Unicode whitespace at both ends and reports it in
// the words a user recognises: most pastes from files end in a newline.
func trimSpaceReport(s string, note func(string)) string {
	rest := strings.TrimLeftFunc(s, unicode.IsSpace)
	t := strings.TrimRightFunc(rest, unicode.IsSpace)
	describe := func(part, newline string) {
		switch {
		case part == "":
		case strings.ContainsAny(part, "\r\n"):
			note(newline)
		case strings.ContainsAny(part, "\u00a0\u202f\u2007"):
			note("a non-breaking space")
		default:
			note("surrounding spaces")
		}
	}
	describe(s[:len(s)-len(rest)], "a leading newline")
	describe(rest[len(t):], "a trailing newline")
	return t
}

// wrappers are the pairs peeled off a pasted value (provider-probes §1.2).
var wrappers = []struct{ open, close, phrase string }{
	{"${", "}", "a ${…} wrapper"},
	{`"`, `"`, "surrounding quotes"},
	{"'", "'", "surrounding quotes"},
	{"`", "`", "surrounding quotes"},
	{"“", "”", "surrounding quotes"},
	{"‘", "’", "surrounding quotes"},
	{"<", ">", "surrounding angle brackets"},
}

// unwrapOnce removes one pair of wrapping characters. A trailing comma or
// semicolon after a closing quote goes too: it comes with a line copied
// from JSON or source code ("sk-…",).
func unwrapOnce(s string, note func(string)) string {
	for _, w := range wrappers {
		body := s
		trailing := ""
		if w.close != "}" && w.close != ">" && len(body) > 1 {
			if last := body[len(body)-1]; last == ',' || last == ';' {
				trailing, body = body[len(body)-1:], body[:len(body)-1]
			}
		}
		if len(body) < len(w.open)+len(w.close) || !strings.HasPrefix(body, w.open) || !strings.HasSuffix(body, w.close) {
			continue
		}
		note(w.phrase)
		switch trailing {
		case ",":
			note("a trailing comma")
		case ";":
			note("a trailing semicolon")
		}
		return body[len(w.open) : len(body)-len(w.close)]
	}
	return s
}

var (
	headerPrefixRe = regexp.MustCompile(`(?i)^(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key)\s*:\s*`)
	bearerPrefixRe = regexp.MustCompile(`(?i)^bearer\s+`)
	// assignRe matches shell, PowerShell, .env and YAML assignments. The
	// YAML form needs whitespace after the colon so that a user:password
	// pair is left alone.
	assignRe = regexp.MustCompile(`^(?:(?i:(export|set)\s+)|(\$(?i:env):))?([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*|\s*:\s+)`)
)

// canonicalHeaders spells the header names as documentation does.
var canonicalHeaders = map[string]string{
	"authorization":       "Authorization",
	"proxy-authorization": "Proxy-Authorization",
	"x-api-key":           "x-api-key",
	"api-key":             "api-key",
	"x-goog-api-key":      "x-goog-api-key",
}

// stripPrefixOnce removes one pasted header name, "Bearer " or variable
// assignment from the start of s.
func stripPrefixOnce(s string, note func(string)) string {
	if m := headerPrefixRe.FindStringSubmatch(s); m != nil && len(m[0]) < len(s) {
		note(fmt.Sprintf("a leading '%s:' header name", canonicalHeaders[strings.ToLower(m[1])]))
		return s[len(m[0]):]
	}
	if m := bearerPrefixRe.FindString(s); m != "" && len(m) < len(s) {
		note("a leading 'Bearer '")
		return s[len(m):]
	}
	m := assignRe.FindStringSubmatch(s)
	if m == nil || len(m[0]) == len(s) {
		return s
	}
	keyword, psEnv, name, sep := m[1], m[2], m[3], strings.TrimSpace(m[4])
	// Without "export", "set" or "$env:" only a variable-looking name
	// counts: a base64 secret may contain "=" and must stay whole.
	if keyword == "" && psEnv == "" && !looksLikeVariable(name) {
		return s
	}
	switch {
	case len(name) > maxEchoedName:
		// Quoting an unusually long "name" could quote part of a secret.
		note("a variable-assignment prefix")
	case keyword != "":
		note(fmt.Sprintf("%s '%s %s%s' prefix", article(keyword), strings.ToLower(keyword), name, sep))
	case psEnv != "":
		note(fmt.Sprintf("a '$env:%s%s' prefix", name, sep))
	default:
		note(fmt.Sprintf("a '%s%s' prefix", name, sep))
	}
	return s[len(m[0]):]
}

// maxEchoedName is the longest variable name quoted back to the user; real
// ones (OPENAI_API_KEY, AWS_SECRET_ACCESS_KEY) are far shorter.
const maxEchoedName = 40

// looksLikeVariable accepts OPENAI_API_KEY, api_key, TOKEN and similar.
func looksLikeVariable(name string) bool {
	switch strings.ToLower(name) {
	case "key", "apikey", "token", "secret", "password":
		return true
	}
	return strings.Contains(name, "_") && strings.Trim(name, "_") != ""
}

func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}

// placeholders are values people paste from examples and templates
// (provider-probes §1.2). OpenAI answers "Incorrect API key provided:
// undefined." to one of them, which looks like a server bug, not a typo.
var placeholders = map[string]bool{
	"changeme": true, "change_me": true, "test": true, "undefined": true, "null": true, "none": true,
	"nil": true, "placeholder": true, "example": true, "dummy": true, "todo": true, "xxx": true,
	"secret": true, "password": true, "token": true, "key": true, "apikey": true, "api_key": true,
	"api-key": true, "sk-": true,
}

var placeholderRe = regexp.MustCompile(`(?i)^(x{3,}|\*+|(your|my|insert|enter|put)[-_ ]?.*(key|secret|token)(_?here)?)$`)

// maskMarkers are what consoles print in place of the hidden part of a key.
var maskMarkers = []string{"...", "…", "***", "•", "●"}

// valueWarnings returns the §1.2 "warn on" findings for a clean value.
func valueWarnings(v, field string) []string {
	var warnings []string
	masked := ""
	for _, m := range maskMarkers {
		if strings.Contains(v, m) {
			masked = m
			break
		}
	}
	lower := strings.ToLower(v)
	switch {
	case strings.HasSuffix(v, "EXAMPLE") || strings.HasSuffix(v, "EXAMPLEKEY"):
		warnings = append(warnings, fmt.Sprintf("This is the example value from AWS's documentation, not a real %s.", field))
	case placeholders[lower] || placeholderRe.MatchString(v):
		warnings = append(warnings, fmt.Sprintf("This looks like a placeholder, not a real %s.", field))
	case masked != "":
		warnings = append(warnings, fmt.Sprintf("This looks like a masked copy (it contains '%s'); copy the full %s from the provider's console.", masked, field))
	}
	for i, r := range []rune(v) {
		if r < utf8.RuneSelf || (masked != "" && strings.ContainsRune(masked, r)) {
			continue
		}
		warnings = append(warnings, fmt.Sprintf("The %s has %s at character %d; keys are plain ASCII, so check the paste.", field, describeRune(r), i+1))
		break
	}
	return warnings
}

// runeNames describes characters that commonly sneak into a paste.
var runeNames = map[rune]string{
	'\t':     "a tab",
	'\n':     "a line break",
	'\r':     "a carriage return",
	' ':      "a space",
	'\u00a0': "a non-breaking space",
	'\u201c': "a curly quote (U+201C)",
	'\u201d': "a curly quote (U+201D)",
	'\u2018': "a curly quote (U+2018)",
	'\u2019': "a curly quote (U+2019)",
	'\u2026': "an ellipsis (U+2026)",
	'\u2013': "an en dash (U+2013)",
	'\u2014': "an em dash (U+2014)",
}

// describeRune names r without printing it, since an unprintable or
// look-alike character shown as itself explains nothing.
func describeRune(r rune) string {
	if name, ok := runeNames[r]; ok {
		return name
	}
	switch {
	case unicode.IsSpace(r):
		return fmt.Sprintf("a space character (U+%04X)", r)
	case unicode.IsControl(r):
		return fmt.Sprintf("a control character (U+%04X)", r)
	case isInvisible(r):
		return fmt.Sprintf("an invisible character (U+%04X)", r)
	default:
		return fmt.Sprintf("a non-ASCII character (U+%04X)", r)
	}
}

// trimEdges removes whitespace and invisible characters at both ends.
func trimEdges(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || isInvisible(r) })
}
