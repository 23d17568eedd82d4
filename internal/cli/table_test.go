package cli

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/require"
)

func TestTableFitsTheTerminal(t *testing.T) {
	t.Parallel()
	tb := newTable("NAME", "TYPE", "ENDPOINT", "WHERE")
	tb.add("OpenAI production", "OPENAI", "https://gateway.internal.example.com/very/long/path/to/the/openai/compatible/api/v1", "local · encrypted file")
	tb.add("claude", "ANTHROPIC", "https://api.anthropic.com", "flashback · Production")
	for _, width := range []int{40, 80, 120} {
		var b strings.Builder
		tb.render(&b, width)
		for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			require.LessOrEqual(t, ansi.StringWidth(line), max(width, 4*minColumn+3*gap), "width %d: %q", width, line)
		}
		if width >= 80 {
			require.Contains(t, b.String(), "OpenAI production", "narrow columns stay whole")
		}
	}
	var b strings.Builder
	tb.render(&b, 80)
	require.Contains(t, b.String(), "…", "the widest column is cut")
	require.Contains(t, b.String(), "https://api.anthropic.com")

	b.Reset()
	tb.render(&b, 0)
	require.Equal(t, "OpenAI production\tOPENAI\thttps://gateway.internal.example.com/very/long/path/to/the/openai/compatible/api/v1\tlocal · encrypted file\n"+
		"claude\tANTHROPIC\thttps://api.anthropic.com\tflashback · Production\n", b.String(), "piped: whole values, tab-separated, no header")
}

// TestTableLeavesOutWhatMattersLeast: on a narrow terminal the optional
// columns go first, so the name stays readable; nothing is wider than the
// terminal once the table can fit at all.
func TestTableLeavesOutWhatMattersLeast(t *testing.T) {
	t.Parallel()
	tb := newTable("NAME", "TYPE", "ENDPOINT", "WHERE", "CREDENTIAL", "UPDATED")
	tb.min[0], tb.min[2] = 20, 20
	tb.drop = []int{5, 4, 3, 1}
	tb.add("AWS Bedrock (profile work)", "AWS", "https://bedrock-runtime.eu-west-1.amazonaws.com", "local", "…Yz8+ #2081ad", "2026-12-03")
	tb.add("OpenAI (OPENAI_API_KEY)", "OPENAI", "https://api.openai.com/v1", "Production", "sk-proj-…b3Ab #cb98b9", "2026-12-03")
	for _, tc := range []struct {
		width      int
		shown, not []string
	}{
		{120, []string{"UPDATED", "CREDENTIAL", "AWS Bedrock (profile work)"}, nil},
		{80, []string{"WHERE", "AWS Bedrock (profile work)", "OpenAI (OPENAI_API_KEY)"}, []string{"UPDATED"}},
		{40, []string{"NAME", "ENDPOINT"}, []string{"UPDATED", "CREDENTIAL", "WHERE", "TYPE"}},
	} {
		var b strings.Builder
		tb.render(&b, tc.width)
		for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			require.LessOrEqual(t, ansi.StringWidth(line), tc.width, "width %d: %q", tc.width, line)
		}
		for _, s := range tc.shown {
			require.Contains(t, b.String(), s, "width %d", tc.width)
		}
		for _, s := range tc.not {
			require.NotContains(t, b.String(), s, "width %d", tc.width)
		}
	}
}
