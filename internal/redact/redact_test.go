package redact

import (
	"encoding/base64"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const secret = "sk-proj-9fQmZ2xLpV7tRw3KcY1nT3BlbkFJhD8sGj4bUe6aNo0iXq5W"

func TestKnownSecretAndItsPieces(t *testing.T) {
	t.Parallel()
	r := New(secret, "", "ab")
	for _, in := range []string{
		"key " + secret + " end",
		"prefix " + secret[:20] + " suffix",
		"the tail " + secret[len(secret)-14:],
		"middle " + secret[17:33],
	} {
		out := r.String(in)
		require.Contains(t, out, Mark, in)
		for i := 0; i+minPiece <= len(secret); i++ {
			require.NotContains(t, out, secret[i:i+minPiece], in)
		}
	}
	require.Equal(t, "about ab", r.String("about ab"), "values shorter than 4 characters are not secrets")
	short := New("hunter2!")
	require.Equal(t, "password "+Mark, short.String("password hunter2!"))
}

func TestProviderEchoes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, mustNot, must string }{
		{"openai masked echo", "Incorrect API key provided: sk-abcde***************************************wxyz. You can find",
			"wxyz", "sk-a…" + Mark},
		{"litellm echo", "Received API Key = sk-...m31Q, Key Hash (Token) =0123456789abcdef0123.", "m31Q", Mark},
		{"gemini key in a url error", `Get "https://generativelanguage.googleapis.com/v1beta/models?key=AIzaSyA1234567890abcdefghijklmnopqrstu": dial tcp`,
			"AIzaSyA1234567890", "?key=" + Mark},
		{"bearer header", "Authorization: Bearer abcdefghijklmnop.qrstuvwx", "abcdefghijklmnop", Mark},
		{"x-api-key header", "x-api-key: sk-ant-api03-abcdefghijklmnopqrstuvwx", "abcdefghijklmnop", Mark},
		{"url credentials", "proxyconnect tcp: http://alice:s3cretpass@proxy.example:3128", "s3cretpass", "://" + Mark + "@"},
		{"aws access key id", "The security token AKIAIOSFODNN7EXAMPLE is invalid", "IOSFODNN7EXAMPLE", "AKIA…" + Mark},
		{"anthropic key", "got sk-ant-api03-" + strings.Repeat("Z", 93) + "AA", "ZZZZZZZZZZZZ", "sk-ant-…" + Mark},
		{"bedrock api key", "bad ABSKQmVkcm9ja0FQSUtleS1hYmNkZWZnaGlqa2xtbm9wcXJzdA== here", "QmVkcm9ja0FQ", "ABSK…" + Mark},
		{"jwt", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "dozjgNryP4J3", Mark},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := New().String(tc.in)
			require.NotContains(t, out, tc.mustNot)
			require.Contains(t, out, tc.must)
		})
	}
}

func TestOrdinaryTextIsKept(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"GET /v1/models → 401",
		"dial tcp 10.0.0.5:443: connect: connection refused",
		"The model `gpt-4o` does not exist or you do not have access to it.",
		"https://api.openai.com/v1",
		"x509: certificate signed by unknown authority (possibly because of \"crypto/rsa: verification error\")",
		"Rate limit reached for gpt-4 in organization org-abc on tokens per min (TPM): Limit 10000",
		"HTTP 401 invalid_api_key: Incorrect API key provided",
	} {
		require.Equal(t, s, New(secret).String(s))
	}
}

func TestTerminalRemovesEscapesAndControls(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"plain\ttext\nline", "plain\ttext\nline"},
		{"\x1b[31mred\x1b[0m", "red"},
		{"title\x1b]0;pwned\x07 after", "title after"},
		{"copy\x1b]52;c;ZXZpbA==\x07 me", "copy me"},
		{"over\rwrite", "overwrite"},
		{"bell\a null\x00 del\x7f", "bell null del"},
		{"bidi \u202egnp.exe", "bidi gnp.exe"},
		{"bad \xff utf8", "bad  utf8"},
		{"c1 \u009b31m csi", "c1 31m csi"},
	} {
		require.Equal(t, tc.want, Terminal(tc.in), "%q", tc.in)
	}
}

func TestDisplayCombinesBoth(t *testing.T) {
	t.Parallel()
	out := New(secret).Display("\x1b[1m" + secret + "\x1b[0m")
	require.Equal(t, Mark, out)
}

func FuzzRedactor(f *testing.F) {
	for _, s := range []string{"", "plain", secret, "x" + secret[:15] + "y", "\x1b]52;c;" + secret + "\x07", "key=" + secret} {
		f.Add(s)
	}
	r := New(secret)
	f.Fuzz(func(t *testing.T, s string) {
		out := r.Display(s)
		for i := 0; i+minPiece <= len(secret); i++ {
			if strings.Contains(out, secret[i:i+minPiece]) {
				t.Fatalf("piece %q of the secret survived in %q", secret[i:i+minPiece], out)
			}
		}
		if strings.ContainsRune(out, '\x1b') {
			t.Fatalf("escape survived: %q", out)
		}
		if r.Display(out) != out {
			t.Fatalf("not idempotent: %q -> %q", out, r.Display(out))
		}
	})
}

// reversible reports whether out still holds secret in a form a reader
// can undo: raw, percent-encoded, as HTML or JSON escapes, or inside a
// base64 run at any alignment (a 12-character piece for long secrets,
// the whole value for short ones).
func reversible(out, secret string) bool {
	holds := func(text string) bool {
		if len(secret) < minPiece {
			return strings.Contains(text, secret)
		}
		for i := 0; i+minPiece <= len(secret); i++ {
			if strings.Contains(text, secret[i:i+minPiece]) {
				return true
			}
		}
		return false
	}
	dec, _ := decodedView(out)
	if holds(out) || holds(dec) {
		return true
	}
	for _, run := range regexp.MustCompile(`[A-Za-z0-9+/_-]{6,}={0,2}`).FindAllString(out, -1) {
		for off := 0; off < 4 && off < len(run); off++ {
			part := strings.TrimRight(run[off:], "=")
			for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
				for cut := len(part); cut > len(part)-4 && cut > 0; cut-- {
					if b, err := enc.DecodeString(part[:cut]); err == nil && holds(string(b)) {
						return true
					}
				}
			}
		}
	}
	return false
}

// TestEncodedEchoes: a server that echoes a credential base64-encoded
// (either alphabet, padded or not, alone or inside a longer value such as
// user:password), percent-encoded (every byte or only some), as HTML
// character references or as JSON \u escapes gets it redacted like the
// raw value.
func TestEncodedEchoes(t *testing.T) {
	t.Parallel()
	const (
		long      = "Zq8vN3xKp2LmW7rT5yHbQ4sD9fGj6cVa?+/&="
		short     = "hunter2!"
		proxyUser = "corpuser"
	)
	r := New(long, short, proxyUser+":"+short)
	percentAll := func(s string, hex string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteString("%" + strings.ToUpper(string(hex[s[i]>>4])) + string(hex[s[i]&15]))
		}
		return b.String()
	}
	everyOther := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if i%2 == 0 {
				fmt.Fprintf(&b, "%%%02x", s[i])
			} else {
				b.WriteByte(s[i])
			}
		}
		return b.String()
	}
	entities := func(s string, hex bool) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if hex {
				fmt.Fprintf(&b, "&#x%x;", s[i])
			} else {
				fmt.Fprintf(&b, "&#%d;", s[i])
			}
		}
		return b.String()
	}
	forms := func(s string) map[string]string {
		out := map[string]string{
			"raw":            s,
			"percent upper":  percentAll(s, "0123456789ABCDEF"),
			"percent lower":  strings.ToLower(percentAll(s, "0123456789abcdef")),
			"percent query":  url.QueryEscape(s),
			"percent partly": everyOther(s),
			"html decimal":   entities(s, false),
			"html hex":       entities(s, true),
			"html named":     html.EscapeString(s),
			"json escapes":   strings.Trim(strconv.QuoteToASCII(s), `"`),
		}
		for name, enc := range map[string]*base64.Encoding{"std": base64.StdEncoding, "url": base64.URLEncoding, "raw std": base64.RawStdEncoding, "raw url": base64.RawURLEncoding} {
			out["base64 "+name] = enc.EncodeToString([]byte(s))
			for _, prefix := range []string{"a", "ab", "abc"} {
				out["base64 "+name+" after "+prefix] = enc.EncodeToString([]byte(prefix + s + "tail"))
			}
		}
		return out
	}
	for _, secret := range []string{long, short} {
		for name, echoed := range forms(secret) {
			in := "X-Request-Id: req-" + echoed + "; body <p>" + echoed + "</p>"
			out := r.Display(in)
			require.False(t, reversible(out, secret), "%s of %q survived: %s", name, secret, out)
			require.Equal(t, out, r.Display(out), "idempotent")
		}
	}
	basic := "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(proxyUser+":"+short))
	require.False(t, reversible(r.String(basic), short), r.String(basic))
}

// TestNoOverRedaction: prose that only looks like a credential context
// is printed as written.
func TestNoOverRedaction(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"Put credentials in the key and secret fields, never in the URL (no user:password@, no ?key=).",
		"The server wants HTTP Basic authentication.",
		"WWW-Authenticate: Bearer realm=\"api\"",
		"The API key: required.",
		"Percent signs 100% and ampersands & stay & so do \\n escapes.",
	} {
		require.Equal(t, s, New(secret).Display(s))
	}
	require.Equal(t, "https://x.example/v1?key="+Mark, New().String("https://x.example/v1?key=plainword"))
}
