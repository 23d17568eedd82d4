package assets

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseAIType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    AIType
		wantErr string
	}{
		{in: "OPENAI", want: OpenAI},
		{in: " openai\n", want: OpenAI},
		{in: "Google", want: Google},
		{in: "anthropic", want: Anthropic},
		{in: "aws", want: AWS},
		{in: "\tOther ", want: Other},
		{in: "", wantErr: "AI type is empty (valid: OPENAI, GOOGLE, ANTHROPIC, AWS, OTHER)"},
		{in: "   ", wantErr: "AI type is empty (valid: OPENAI, GOOGLE, ANTHROPIC, AWS, OTHER)"},
		{in: "gemini", wantErr: `unknown AI type "gemini": did you mean GOOGLE? (valid: OPENAI, GOOGLE, ANTHROPIC, AWS, OTHER)`},
		{in: " Bedrock ", wantErr: `unknown AI type "Bedrock": did you mean AWS? (valid: OPENAI, GOOGLE, ANTHROPIC, AWS, OTHER)`},
		{in: "mistral", wantErr: `unknown AI type "mistral" (valid: OPENAI, GOOGLE, ANTHROPIC, AWS, OTHER)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseAIType(tt.in)
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				require.Empty(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestAITypeValid(t *testing.T) {
	t.Parallel()
	for _, typ := range AITypes() {
		require.True(t, typ.Valid(), typ)
	}
	for _, typ := range []AIType{"", "openai", "AZURE", "OPENAI "} {
		require.False(t, typ.Valid(), typ)
	}
	require.Equal(t, []AIType{OpenAI, Google, Anthropic, AWS, Other}, AITypes())
}

func TestAITypesReturnsCopy(t *testing.T) {
	t.Parallel()
	got := AITypes()
	got[0] = "BROKEN"
	require.Equal(t, OpenAI, AITypes()[0])
}
