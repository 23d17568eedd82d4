package input

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
)

// The fuzz targets check properties rather than outputs: no panic, results
// that are stable under a second pass, and texts that never carry a
// credential. Seeds live in testdata/fuzz/<Target>/; run one with e.g.
//
//	go test -run='^$' -fuzz=FuzzNormalizeEndpoint -fuzztime=60s ./forms/

// keyValueRe finds key= parameters in an input URL.
var keyValueRe = regexp.MustCompile(`(?i)[?&]key=[^&#]*`)

func FuzzNormalizeEndpoint(f *testing.F) {
	f.Add(uint8(0), "api.openai.com")
	f.Fuzz(func(t *testing.T, typ uint8, raw string) {
		types := assets.AITypes()
		at := types[int(typ)%len(types)]
		ep, err := NormalizeEndpoint(at, raw)
		if err != nil {
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			require.Contains(t, []string{CodeInvalidURL, CodeInsecureScheme}, ie.Code)
			require.Equal(t, "endpoint", ie.Field)
			require.Equal(t, Endpoint{}, ep)
			if info := userinfo(raw); strings.Contains(info, ":") && !strings.HasSuffix(info, ":") {
				require.NotContains(t, err.Error(), info, "error echoes user:password")
			}
			return
		}

		u, perr := url.Parse(ep.URL)
		require.NoError(t, perr, "normalised URL %q does not parse", ep.URL)
		require.Contains(t, []string{"http", "https"}, u.Scheme)
		require.NotEmpty(t, u.Hostname())
		require.Nil(t, u.User)
		require.Empty(t, u.Fragment)
		require.Equal(t, -1, strings.IndexFunc(ep.URL, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsControl(r) || r >= utf8.RuneSelf
		}), "URL %q has whitespace, control or non-ASCII characters", ep.URL)
		if u.Scheme == "http" {
			_, local := localReason(strings.ToLower(u.Hostname()))
			require.True(t, local, "http:// kept for public host in %q", ep.URL)
		}

		again, err := NormalizeEndpoint(at, ep.URL)
		require.NoError(t, err, "normalised URL %q is refused", ep.URL)
		require.Equal(t, ep.URL, again.URL, "not idempotent")
		require.Empty(t, again.Rewrites, "second pass rewrote %q", ep.URL)
		require.Equal(t, ep.Region, again.Region)
		require.Empty(t, again.ExtractedKey)

		texts := append([]string{}, ep.Warnings...)
		for _, r := range ep.Rewrites {
			texts = append(texts, r.From, r.To, r.Reason)
			for _, u := range []string{r.From, r.To} {
				_, query, _ := strings.Cut(u, "?")
				query, _, _ = strings.Cut(query, "#")
				for _, pair := range strings.Split(query, "&") {
					name, value, _ := strings.Cut(pair, "=")
					if name != "api-version" {
						require.Contains(t, []string{"", "…"}, value, "rewrite URL %q shows a query value", u)
					}
				}
			}
		}
		// The extracted key may legitimately occur elsewhere in the input
		// (a host named like it); only check when it does not.
		rest := keyValueRe.ReplaceAllString(raw, "")
		if len(ep.ExtractedKey) >= 6 && !strings.Contains(rest, ep.ExtractedKey) {
			for _, text := range texts {
				require.NotContains(t, text, ep.ExtractedKey)
			}
		}
	})
}

// userinfo returns what stands between "//" (or the start) and "@" in the
// authority of raw, or "".
func userinfo(raw string) string {
	s := raw
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	authority, _, _ := strings.Cut(s, "/")
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return ""
	}
	return authority[:at]
}

// sanitizeErrRe is the only shape a sanitiser error may have: fixed words,
// positions and a description of the offending character, never input.
var sanitizeErrRe = regexp.MustCompile(`^the (secret|key) is longer than 16 KiB; paste only the (secret|key) itself$|^the (secret|key) has bytes that are not valid text \(UTF-8\); copy it again from the source$|^the (secret|key) has (a line break|a tab|a space|a carriage return|a non-breaking space|an? [a-z -]+ \(U\+[0-9A-F]{4,6}\)) at character \d+ of \d+; (paste it on one line|paste only the (secret|key) itself|copy it again from the source)$`)

func fuzzSanitize(t *testing.T, raw string, sanitize func(string) (Sanitized, error), required bool) {
	got, err := sanitize(raw)
	if err != nil {
		require.Empty(t, got.Value)
		require.Empty(t, got.Warnings)
		if errors.Is(err, ErrEmpty) {
			require.True(t, required, "an optional field must accept empty")
			return
		}
		var ie *InputError
		require.ErrorAs(t, err, &ie)
		require.Regexp(t, sanitizeErrRe, ie.Msg)
		return
	}
	v := got.Value
	if v == "" {
		require.False(t, required)
		return
	}
	require.Equal(t, -1, strings.IndexFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || isInvisible(r)
	}), "value %q has whitespace, control or invisible characters", v)
	visible := strings.Map(func(r rune) rune {
		if isInvisible(r) {
			return -1
		}
		return r
	}, raw)
	require.Contains(t, visible, v, "the value must come from the input")

	again, err := sanitize(v)
	require.NoError(t, err)
	require.Equal(t, v, again.Value, "not idempotent")
	require.Empty(t, again.Removed, "second pass removed something from %q", v)
	require.Equal(t, got.Warnings, again.Warnings)

	// A long value that occurs once in the input can only reach a text by
	// being copied there.
	if utf8.RuneCountInString(v) >= 16 && strings.Count(visible, v) == 1 {
		for _, text := range append(append([]string{}, got.Removed...), got.Warnings...) {
			require.NotContains(t, text, v)
		}
	}
}

func FuzzSanitizeSecret(f *testing.F) {
	f.Add("Bearer sk-proj-Ab3Ab3Ab3Ab3")
	f.Fuzz(func(t *testing.T, raw string) {
		fuzzSanitize(t, raw, SanitizeSecret, true)
	})
}

func FuzzSanitizeKey(f *testing.F) {
	f.Add("export AWS_ACCESS_KEY_ID=AKIAQ7Q7Q7Q7Q7Q7Q7Q7")
	f.Fuzz(func(t *testing.T, raw string) {
		fuzzSanitize(t, raw, SanitizeKey, false)
	})
}

func FuzzFingerprint(f *testing.F) {
	f.Add("sk-ant-api03-Ab3Ab3Ab3Ab3Ab3Ab3Ab3Ab3")
	f.Fuzz(func(t *testing.T, secret string) {
		fp := Fingerprint(secret)
		require.Equal(t, fp, Fingerprint(secret))
		switch n := utf8.RuneCountInString(secret); {
		case n == 0:
			require.Empty(t, fp)
		case n < 20:
			require.Equal(t, "••••", fp)
		}
		requireFingerprintSafe(t, secret, fp)
	})
}
