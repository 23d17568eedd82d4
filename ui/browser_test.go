package ui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/store"
)

// TestCheckWordsFitTheColumn: every status word of the LAST CHECK column
// fits its 12 cells whole, so no verdict is cut to "✗ unreachab…".
func TestCheckWordsFitTheColumn(t *testing.T) {
	t.Parallel()
	words := []string{checkWord(nil)}
	for _, st := range assets.Statuses {
		words = append(words, checkWord(&store.Check{Status: st}))
	}
	for _, w := range words {
		require.LessOrEqual(t, ansi.StringWidth(w), 12, w)
	}
}
