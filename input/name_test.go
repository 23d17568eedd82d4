package input

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidateName(t *testing.T) {
	t.Parallel()
	existing := []string{"Production", "  staging ", "Ollama (local)"}
	tests := []struct {
		name     string
		in       string
		existing []string
		self     string
		want     string
		wantErr  string
	}{
		{name: "plain", in: "OpenAI prod", existing: existing, want: "OpenAI prod"},
		{name: "trimmed", in: "  OpenAI prod\n", existing: existing, want: "OpenAI prod"},
		{name: "trims invisible edges", in: "\ufeffOpenAI\u200b", want: "OpenAI"},
		{name: "unicode letters", in: "Clé de test – été", want: "Clé de test – été"},
		{name: "exactly 64 characters", in: strings.Repeat("é", 64), want: strings.Repeat("é", 64)},
		{name: "empty", in: "", wantErr: "name is required"},
		{name: "only spaces", in: " \t\n", wantErr: "name is required"},
		{name: "65 characters", in: strings.Repeat("a", 65), wantErr: "name is 65 characters long; at most 64"},
		{name: "65 characters after trimming only counts runes", in: " " + strings.Repeat("é", 65) + " ", wantErr: "name is 65 characters long; at most 64"},
		{name: "tab inside", in: "a\tb", wantErr: "name has a tab at character 2; use letters, digits, spaces and punctuation"},
		{name: "newline inside", in: "a\nb", wantErr: "name has a line break at character 2; use letters, digits, spaces and punctuation"},
		{name: "zero-width inside", in: "ab\u200bc", wantErr: "name has an invisible character (U+200B) at character 3; use letters, digits, spaces and punctuation"},
		{name: "invalid UTF-8", in: "prod\xff", wantErr: "name has bytes that are not valid text (UTF-8)"},
		{name: "escape sequence", in: "red\x1b[31m", wantErr: "name has a control character (U+001B) at character 4; use letters, digits, spaces and punctuation"},
		{name: "duplicate", in: "Production", existing: existing, wantErr: `"Production" already exists in this workspace (names ignore case)`},
		{name: "duplicate ignoring case", in: "PRODUCTION", existing: existing, wantErr: `"Production" already exists in this workspace (names ignore case)`},
		{name: "duplicate of an untrimmed existing name", in: "Staging", existing: existing, wantErr: `"staging" already exists in this workspace (names ignore case)`},
		{name: "editing keeps its own name", in: "Production", existing: existing, self: "Production", want: "Production"},
		{name: "editing changes only the case", in: "production", existing: existing, self: "Production", want: "production"},
		{name: "editing into another existing name", in: "staging", existing: existing, self: "Production", wantErr: `"staging" already exists in this workspace (names ignore case)`},
		{name: "adding with self empty does not exempt an empty existing name", in: "x", existing: []string{""}, want: "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ValidateName(tt.in, tt.existing, tt.self)
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				var ie *InputError
				require.ErrorAs(t, err, &ie)
				wantCode := CodeInvalidName
				if strings.Contains(tt.wantErr, "already exists") {
					wantCode = CodeDuplicateName
				}
				require.Equal(t, wantCode, ie.Code)
				require.Equal(t, "name", ie.Field)
				require.Empty(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}
