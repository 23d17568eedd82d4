package session

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/internal/redact"
	"github.com/fbllm/fbllm/store"
)

// TestLocalListingNeedsNoSort: List leaves local configurations in the
// store's order without sorting them again, so that order must be the
// listing's order, whatever the names' case and workspaces.
func TestLocalListingNeedsNoSort(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(store.Options{ConfigDir: dir + "/config", DataDir: dir + "/data",
		Keyring: keyring.NewArrayKeyring(nil), Env: func(string) string { return "" }})
	require.NoError(t, err)
	for _, c := range []struct{ name, ws string }{
		{"beta", "local"}, {"Alpha", "local"}, {"alpha", "team"}, {"ALPHA 2", "local"},
		{"Émile", "local"}, {"emile", "team"}, {"zeta", "team"}, {"Zeta", "local"}, {"_x", "local"},
		// Names a hand edit left that are shown cleaned up, and sort by
		// what is shown.
		{" \x1b[31mmid", "local"}, {"  aa  b", "local"},
	} {
		_, err := st.Add(ctx, store.Config{Name: c.name, AIType: "OPENAI", Workspace: c.ws}, store.Credentials{Secret: "s"})
		require.NoError(t, err)
	}
	sess, err := New(Options{Store: st})
	require.NoError(t, err)
	l, err := sess.List(ctx, Scope{Store: StoreLocal})
	require.NoError(t, err)
	require.Len(t, l.Items, 11)
	sorted := slices.Clone(l.Items)
	sortItems(sorted)
	require.Equal(t, sorted, l.Items)
	for i, it := range l.Items {
		require.Equal(t, it.ID, it.Local.ID)
		for _, other := range l.Items[:i] {
			require.NotSame(t, other.Local, it.Local)
		}
	}
}

// FuzzOneLineSafe: the shortcut for plain names returns what the full
// cleaning would.
func FuzzOneLineSafe(f *testing.F) {
	for _, s := range []string{"", "prod", "a b", " a", "a ", "a  b", "a\tb", "é", "\x1b[31mred", "x\u202ey", "~", "\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		require.Equal(t, strings.Join(strings.Fields(redact.Terminal(s)), " "), oneLineSafe(s))
	})
}
