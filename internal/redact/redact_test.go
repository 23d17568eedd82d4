package redact

import (
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
