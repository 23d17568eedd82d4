package input

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// key is a fake credential body; sanitising must keep it intact.
const key = "sk-proj-Ab3Ab3Ab3Ab3Ab3Ab3Ab3Ab3Ab3"

func TestSanitizeSecret(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		want     string
		removed  []string
		warnings []string
	}{
		{name: "clean", in: key, want: key},
		{name: "trailing newline", in: key + "\n", want: key, removed: []string{"a trailing newline"}},
		{name: "CRLF", in: key + "\r\n", want: key, removed: []string{"a trailing newline"}},
		{name: "leading newline", in: "\n" + key, want: key, removed: []string{"a leading newline"}},
		{name: "spaces and tabs", in: " \t" + key + "  ", want: key, removed: []string{"surrounding spaces"}},
		{name: "NBSP", in: "\u00a0" + key + "\u00a0", want: key, removed: []string{"a non-breaking space"}},
		{name: "BOM", in: "\ufeff" + key, want: key, removed: []string{"a byte-order mark (BOM)"}},
		{name: "zero-width space inside", in: "sk-proj-Ab3\u200bAb3Ab3Ab3Ab3Ab3Ab3Ab3Ab3", want: key, removed: []string{"invisible characters (zero-width space)"}},
		{name: "other format character", in: key + "\u2062", want: key, removed: []string{"invisible formatting characters"}},
		{name: "double quotes", in: `"` + key + `"`, want: key, removed: []string{"surrounding quotes"}},
		{name: "single quotes", in: "'" + key + "'", want: key, removed: []string{"surrounding quotes"}},
		{name: "backticks", in: "`" + key + "`", want: key, removed: []string{"surrounding quotes"}},
		{name: "curly quotes", in: "“" + key + "”", want: key, removed: []string{"surrounding quotes"}},
		{name: "curly single quotes", in: "‘" + key + "’", want: key, removed: []string{"surrounding quotes"}},
		{name: "nested quotes", in: `'"` + key + `"'`, want: key, removed: []string{"surrounding quotes"}},
		{name: "angle brackets", in: "<" + key + ">", want: key, removed: []string{"surrounding angle brackets"}},
		{name: "dollar braces", in: "${" + key + "}", want: key, removed: []string{"a ${…} wrapper"}},
		{name: "JSON line", in: `"` + key + `",`, want: key, removed: []string{"surrounding quotes", "a trailing comma"}},
		{name: "JS line", in: `'` + key + `';`, want: key, removed: []string{"surrounding quotes", "a trailing semicolon"}},
		{name: "Bearer", in: "Bearer " + key, want: key, removed: []string{"a leading 'Bearer '"}},
		{name: "bearer lower case, several spaces", in: "bearer   " + key, want: key, removed: []string{"a leading 'Bearer '"}},
		{name: "Authorization header", in: "Authorization: Bearer " + key, want: key, removed: []string{"a leading 'Authorization:' header name", "a leading 'Bearer '"}},
		{name: "x-api-key header", in: "X-Api-Key:" + key, want: key, removed: []string{"a leading 'x-api-key:' header name"}},
		{name: "x-goog-api-key header", in: "x-goog-api-key: " + key, want: key, removed: []string{"a leading 'x-goog-api-key:' header name"}},
		{name: "api-key header", in: "api-key: " + key, want: key, removed: []string{"a leading 'api-key:' header name"}},
		{name: "export", in: `export OPENAI_API_KEY="` + key + `"`, want: key, removed: []string{"an 'export OPENAI_API_KEY=' prefix", "surrounding quotes"}},
		{name: "export any name", in: "export k=" + key, want: key, removed: []string{"an 'export k=' prefix"}},
		{name: "dotenv", in: "OPENAI_API_KEY=" + key + "\n", want: key, removed: []string{"a trailing newline", "a 'OPENAI_API_KEY=' prefix"}},
		{name: "dotenv with spaces", in: "OPENAI_API_KEY = '" + key + "'", want: key, removed: []string{"a 'OPENAI_API_KEY=' prefix", "surrounding quotes"}},
		{name: "windows set", in: "set OPENAI_API_KEY=" + key, want: key, removed: []string{"a 'set OPENAI_API_KEY=' prefix"}},
		{name: "powershell", in: `$env:OPENAI_API_KEY = "` + key + `"`, want: key, removed: []string{"a '$env:OPENAI_API_KEY=' prefix", "surrounding quotes"}},
		{name: "yaml", in: "api_key: " + key, want: key, removed: []string{"a 'api_key:' prefix"}},
		{name: "token=", in: "token=" + key, want: key, removed: []string{"a 'token=' prefix"}},
		{name: "everything at once", in: "\ufeff  export OPENAI_API_KEY='Bearer " + key + "'\r\n", want: key,
			removed: []string{"a byte-order mark (BOM)", "surrounding spaces", "a trailing newline", "an 'export OPENAI_API_KEY=' prefix", "surrounding quotes", "a leading 'Bearer '"}},
		{name: "long variable name is not quoted", in: "export " + strings.Repeat("A_", 25) + "=" + key, want: key, removed: []string{"a variable-assignment prefix"}},
		{name: "base64 padding is not an assignment", in: "ABSKQmVkcm9ja0FQSUtleQ==", want: "ABSKQmVkcm9ja0FQSUtleQ=="},
		{name: "upper-case word before = is not a variable", in: "ABCDEF=" + key, want: "ABCDEF=" + key},
		{name: "user:password is not YAML", in: "user_name:" + key, want: "user_name:" + key},
		{name: "lone quote", in: `"`, want: `"`},
		{name: "unbalanced quote kept", in: `"` + key, want: `"` + key},
		{name: "placeholder", in: "YOUR_API_KEY", want: "YOUR_API_KEY", warnings: []string{"This looks like a placeholder, not a real secret."}},
		{name: "placeholder in angle brackets", in: "<your-api-key>", want: "your-api-key", removed: []string{"surrounding angle brackets"}, warnings: []string{"This looks like a placeholder, not a real secret."}},
		{name: "undefined", in: "undefined", want: "undefined", warnings: []string{"This looks like a placeholder, not a real secret."}},
		{name: "xxx", in: "xxxxxxxx", want: "xxxxxxxx", warnings: []string{"This looks like a placeholder, not a real secret."}},
		{name: "changeme", in: "ChangeMe", want: "ChangeMe", warnings: []string{"This looks like a placeholder, not a real secret."}},
		{name: "AWS documentation example", in: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", want: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", warnings: []string{"This is the example value from AWS's documentation, not a real secret."}},
		{name: "masked with dots", in: "sk-proj-...Ab3x", want: "sk-proj-...Ab3x", warnings: []string{"This looks like a masked copy (it contains '...'); copy the full secret from the provider's console."}},
		{name: "masked with ellipsis", in: "sk-proj-…Ab3x", want: "sk-proj-…Ab3x", warnings: []string{"This looks like a masked copy (it contains '…'); copy the full secret from the provider's console."}},
		{name: "masked with stars", in: "sk-proj-****Ab3x", want: "sk-proj-****Ab3x", warnings: []string{"This looks like a masked copy (it contains '***'); copy the full secret from the provider's console."}},
		{name: "masked and non-ASCII", in: "sk-…Ab3é", want: "sk-…Ab3é", warnings: []string{
			"This looks like a masked copy (it contains '…'); copy the full secret from the provider's console.",
			"The secret has a non-ASCII character (U+00E9) at character 8; keys are plain ASCII, so check the paste.",
		}},
		{name: "smart quote inside", in: "sk-proj-Ab3“Ab3", want: "sk-proj-Ab3“Ab3", warnings: []string{"The secret has a curly quote (U+201C) at character 12; keys are plain ASCII, so check the paste."}},
		{name: "en dash", in: "sk–proj", want: "sk–proj", warnings: []string{"The secret has an en dash (U+2013) at character 3; keys are plain ASCII, so check the paste."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := SanitizeSecret(tt.in)
			require.NoError(t, err)
			require.Equal(t, Sanitized{Value: tt.want, Removed: tt.removed, Warnings: tt.warnings}, got)

			again, err := SanitizeSecret(got.Value)
			require.NoError(t, err)
			require.Equal(t, got.Value, again.Value, "sanitising is idempotent")
			require.Empty(t, again.Removed)
		})
	}
}

func TestSanitizeSecretRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantErr string
		removed []string
	}{
		{name: "space inside", in: "sk-proj Ab3Ab3", wantErr: "the secret has a space at character 8 of 14; paste only the secret itself"},
		{name: "two keys on two lines", in: key + "\n" + key, wantErr: "the secret has a line break at character 36 of 71; paste it on one line"},
		{name: "tab inside", in: "ab\tcd", wantErr: "the secret has a tab at character 3 of 5; paste only the secret itself"},
		{name: "NBSP inside", in: "ab\u00a0cd", wantErr: "the secret has a non-breaking space at character 3 of 5; paste only the secret itself"},
		{name: "ideographic space inside", in: "ab\u3000cd", wantErr: "the secret has a space character (U+3000) at character 3 of 5; paste only the secret itself"},
		{name: "control character", in: "ab\x07cd", wantErr: "the secret has a control character (U+0007) at character 3 of 5; copy it again from the source"},
		{name: "DEL", in: "ab\x7fcd", wantErr: "the secret has a control character (U+007F) at character 3 of 5; copy it again from the source"},
		{name: "Bearer with a spaced value", in: "Bearer ab cd", wantErr: "the secret has a space at character 3 of 5; paste only the secret itself", removed: []string{"a leading 'Bearer '"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := SanitizeSecret(tt.in)
			require.EqualError(t, err, tt.wantErr)
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			require.Equal(t, CodeInvalidSecret, ie.Code)
			require.Equal(t, "secret", ie.Field)
			require.Equal(t, Sanitized{Removed: tt.removed}, got)
		})
	}
}

func TestSanitizeSecretEmpty(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		removed []string
	}{
		{in: ""},
		{in: " \n", removed: []string{"a leading newline"}},
		{in: `""`, removed: []string{"surrounding quotes"}},
		{in: "\u200b", removed: []string{"invisible characters (zero-width space)"}},
		{in: "${}", removed: []string{"a ${…} wrapper"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := SanitizeSecret(tt.in)
			require.True(t, errors.Is(err, ErrEmpty), "got %v", err)
			require.Equal(t, Sanitized{Removed: tt.removed}, got)
		})
	}
	// A prefix with nothing after it is kept, so the user sees what they
	// pasted instead of an empty field.
	got, err := SanitizeSecret("Bearer")
	require.NoError(t, err)
	require.Equal(t, "Bearer", got.Value)
}

func TestSanitizeKey(t *testing.T) {
	t.Parallel()
	got, err := SanitizeKey("")
	require.NoError(t, err)
	require.Equal(t, Sanitized{}, got)

	got, err = SanitizeKey("  \n")
	require.NoError(t, err)
	require.Equal(t, "", got.Value)

	got, err = SanitizeKey("export AWS_ACCESS_KEY_ID=\"AKIAQ2Q2Q2Q2Q2Q2Q2Q2\"\n")
	require.NoError(t, err)
	require.Equal(t, Sanitized{Value: "AKIAQ2Q2Q2Q2Q2Q2Q2Q2", Removed: []string{"a trailing newline", "an 'export AWS_ACCESS_KEY_ID=' prefix", "surrounding quotes"}}, got)

	got, err = SanitizeKey("AKIAIOSFODNN7EXAMPLE")
	require.NoError(t, err)
	require.Equal(t, []string{"This is the example value from AWS's documentation, not a real key."}, got.Warnings)

	_, err = SanitizeKey("AKIA Q2Q2")
	require.EqualError(t, err, "the key has a space at character 5 of 9; paste only the key itself")
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, &InputError{Code: CodeInvalidKey, Field: "key", Msg: ie.Msg}, ie)
}

// TestSanitizeTextsNeverContainTheValue guards the promise that texts shown
// to the user carry no part of the secret.
func TestSanitizeTextsNeverContainTheValue(t *testing.T) {
	t.Parallel()
	secret := "Zq9xQv7KpL2mN8rT4wY6"
	inputs := []string{
		"Bearer " + secret, "export OPENAI_API_KEY='" + secret + "'", "\ufeff" + secret + "…", secret + "“",
		"Bearer " + secret + " tail", secret + "\x07", secret + "\n" + secret,
	}
	for _, in := range inputs {
		got, err := SanitizeSecret(in)
		texts := append(append([]string{}, got.Removed...), got.Warnings...)
		if err != nil {
			texts = append(texts, err.Error())
		}
		for _, text := range texts {
			for i := 0; i+5 <= len(secret); i++ {
				require.NotContains(t, text, secret[i:i+5], "text %q leaks the secret", text)
			}
		}
		require.NotEmpty(t, strings.Join(texts, ""), "input %q should produce some text", in)
	}
}

func TestSanitizeRefusesInvalidUTF8(t *testing.T) {
	t.Parallel()
	got, err := SanitizeSecret("sk-\xff" + key)
	require.Equal(t, Sanitized{}, got)
	require.Equal(t, &InputError{Code: CodeInvalidSecret, Field: "secret",
		Msg: "the secret has bytes that are not valid text (UTF-8); copy it again from the source"}, err)

	_, err = SanitizeKey("AKIA\xfe")
	require.EqualError(t, err, "the key has bytes that are not valid text (UTF-8); copy it again from the source")
}

func TestSanitizeRefusesHugePastes(t *testing.T) {
	t.Parallel()
	_, err := SanitizeSecret(strings.Repeat("'", 16<<10+1))
	require.Equal(t, &InputError{Code: CodeInvalidSecret, Field: "secret",
		Msg: "the secret is longer than 16 KiB; paste only the secret itself"}, err)

	// The limit leaves room for the longest real credentials.
	got, err := SanitizeSecret(strings.Repeat("A", 16<<10))
	require.NoError(t, err)
	require.Len(t, got.Value, 16<<10)
}
