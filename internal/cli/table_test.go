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
