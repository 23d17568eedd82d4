package toolenv

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"html"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/fbllm/fbllm/internal/redact"
	"github.com/stretchr/testify/require"
)

// maskAll writes chunks through a Mask and returns the output after Close.
func maskAll(t testing.TB, secrets []string, chunks ...[]byte) string {
	t.Helper()
	var out bytes.Buffer
	m := NewMask(&out, secrets...)
	for _, c := range chunks {
		n, err := m.Write(c)
		require.NoError(t, err)
		require.Equal(t, len(c), n)
	}
	require.NoError(t, m.Close())
	return out.String()
}

func TestMaskEncodings(t *testing.T) {
	t.Parallel()
	secret := "sk-" + fill(30) + "+/=&<x"
	b64 := func(enc *base64.Encoding, s string) string { return enc.EncodeToString([]byte(s)) }
	tests := []struct {
		name string
		in   string
	}{
		{"raw", "key: " + secret + "\n"},
		{"base64", "b64 " + b64(base64.StdEncoding, secret)},
		{"base64 url", "b64 " + b64(base64.URLEncoding, secret)},
		{"base64 raw", "b64 " + b64(base64.RawStdEncoding, secret)},
		{"basic auth", "Authorization: Basic " + b64(base64.StdEncoding, "user:"+secret)},
		{"basic auth shift 1", "Authorization: Basic " + b64(base64.StdEncoding, "u:"+secret)},
		{"basic auth shift 0", "Authorization: Basic " + b64(base64.RawURLEncoding, "abc"+secret+"tail")},
		{"query", "GET /v1?key=" + url.QueryEscape(secret)},
		{"path", "GET /v1/" + url.PathEscape(secret)},
		{"html", "<td>" + html.EscapeString(secret) + "</td>"},
		{"json", `{"key":"sk-` + fill(30) + `+/=\u0026\u003cx"}`},
		{"hex", "dump " + hex.EncodeToString([]byte(secret))},
		{"HEX", "dump " + strings.ToUpper(hex.EncodeToString([]byte(secret)))},
		{"prefix only", "using " + secret[:20] + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := maskAll(t, []string{secret}, []byte(tt.in))
			require.Contains(t, out, redact.Mark)
			requireNoPiece(t, out, secret)
			for _, e := range encodings(secret) {
				require.NotContains(t, out, e)
			}
		})
	}
}

func TestMaskLeavesOtherTextAlone(t *testing.T) {
	t.Parallel()
	in := "hello\nAb3 is not a secret, nor is \"short\" or a 7-char x\n"
	require.Equal(t, in, maskAll(t, []string{"sk-" + fill(30), "short", ""}, []byte(in)))
}

func TestMaskAcrossWrites(t *testing.T) {
	t.Parallel()
	secret := "sk-" + fill(40)
	in := "before " + secret + " middle " + base64.StdEncoding.EncodeToString([]byte("user:"+secret)) + " after\n"
	want := maskAll(t, []string{secret}, []byte(in))
	require.NotContains(t, want, secret[:12])
	// Every split point, and every byte on its own.
	for i := 0; i <= len(in); i++ {
		require.Equal(t, want, maskAll(t, []string{secret}, []byte(in[:i]), []byte(in[i:])), "split at %d", i)
	}
	var bytesOneByOne [][]byte
	for i := range len(in) {
		bytesOneByOne = append(bytesOneByOne, []byte{in[i]})
	}
	require.Equal(t, want, maskAll(t, []string{secret}, bytesOneByOne...))
}

func TestMaskReleasesWhatCannotBeASecret(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	m := NewMask(&out, "sk-"+fill(40))
	_, err := m.Write([]byte("Password: "))
	require.NoError(t, err)
	require.Equal(t, "Password: ", out.String(), "a prompt must not wait for the next write")
	_, err = m.Write([]byte("x sk-Ab3"))
	require.NoError(t, err)
	require.Equal(t, "Password: x ", out.String(), "the start of the secret waits")
	require.NoError(t, m.Close())
	require.Equal(t, "Password: x sk-Ab3", out.String(), "Close releases it: it never became a secret")
	_, err = m.Write([]byte("late"))
	require.ErrorIs(t, err, errClosed)
	require.NoError(t, m.Close())
}

type failingWriter struct{}

var errDisk = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errDisk }

func TestMaskReportsWriteErrors(t *testing.T) {
	t.Parallel()
	m := NewMask(failingWriter{}, "sk-"+fill(40))
	_, err := m.Write([]byte("hello\n"))
	require.ErrorIs(t, err, errDisk)
	m = NewMask(failingWriter{}, "sk-"+fill(40))
	_, err = m.Write([]byte("sk-"))
	require.NoError(t, err) // held back, nothing written yet
	require.ErrorIs(t, m.Close(), errDisk)
}

func TestMaskConcurrentWriters(t *testing.T) {
	t.Parallel()
	secret := "sk-" + fill(40)
	var out bytes.Buffer
	m := NewMask(&out, secret)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				_, _ = m.Write([]byte("line " + secret + "\n"))
			}
		})
	}
	wg.Wait()
	require.NoError(t, m.Close())
	requireNoPiece(t, out.String(), secret)
	require.Equal(t, 400, strings.Count(out.String(), "line "+redact.Mark+"\n"))
}

// FuzzMaskSplit checks the two promises of Mask for any input and any
// split: the output does not depend on the split, and no 12-character
// piece of the secret survives.
func FuzzMaskSplit(f *testing.F) {
	secret := "sk-" + fill(24)
	f.Add([]byte("x "+secret+" y"), uint16(5), uint16(9), "")
	f.Add([]byte(secret+secret[:20]+secret), uint16(30), uint16(2), "Zq9"+fill(10))
	f.Add([]byte(base64.StdEncoding.EncodeToString([]byte("me:"+secret))), uint16(7), uint16(1), "")
	f.Fuzz(func(t *testing.T, in []byte, a, b uint16, extra string) {
		secrets := []string{secret}
		// Only alphanumeric secrets: a piece made of the Mark's own
		// characters could reappear next to a Mark.
		if len(extra) >= minMasked && isAlnum(extra) {
			secrets = append(secrets, extra)
		}
		want := maskAll(t, secrets, in)
		i, j := int(a)%(len(in)+1), int(b)%(len(in)+1)
		if i > j {
			i, j = j, i
		}
		got := maskAll(t, secrets, in[:i], in[i:j], in[j:])
		if got != want {
			t.Fatalf("split %d/%d changed the output:\nwant %q\ngot  %q", i, j, want, got)
		}
		for _, s := range secrets {
			if len(s) >= pieceLen {
				requireNoPiece(t, got, s)
			} else if strings.Contains(got, s) {
				t.Fatalf("short secret survived: %q", got)
			}
		}
	})
}

func isAlnum(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func BenchmarkMask(b *testing.B) {
	secret := "sk-proj-" + fill(80)
	line := []byte(strings.Repeat("ordinary build output without secrets, ", 100) + "\n")
	m := NewMask(discard{}, secret, "AKIA"+strings.Repeat("Q2", 8))
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		_, _ = m.Write(line)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
