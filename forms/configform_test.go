package forms

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTypeOptionsFitTheWidth(t *testing.T) {
	t.Parallel()
	for _, w := range []int{40, 80, 120} {
		for _, o := range typeOptions(w) {
			require.LessOrEqual(t, len([]rune(o.Key)), w-6, "width %d: %q", w, o.Key)
		}
	}
	require.Contains(t, typeOptions(80)[0].Key, "api.openai.com", "descriptions shown when they fit")
	require.Equal(t, "OpenAI", typeOptions(40)[0].Key, "labels only on narrow screens")
}
