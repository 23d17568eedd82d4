package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/store"
)

// words joins a screen's words with single spaces, so text wrapped over
// several lines can be searched as one sentence.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

// requireFits fails when a line of the screen is wider than the terminal
// (the terminal would wrap it and push the whole screen up).
func requireFits(t *testing.T, d *driver, w, h int) {
	t.Helper()
	ls := lines(d.screen())
	require.Len(t, ls, h, d.screen())
	for i, l := range ls {
		require.LessOrEqual(t, ansi.StringWidth(l), w, "line %d is too wide:\n%s", i+1, d.screen())
	}
}

// TestFooterKeepsTheKeysThatMatter: at 80 columns the browser's footer
// shows x, ? and q (it used to end in "…" after / filter).
func TestFooterKeepsTheKeysThatMatter(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	seed(t, st, 3)
	for _, size := range [][2]int{{80, 24}, {40, 12}} {
		d := newDriver(t, st, Options{}, size[0], size[1])
		footer := lines(d.screen())[size[1]-1]
		require.Contains(t, footer, "? more keys", footer)
		require.Contains(t, footer, "q quit", footer)
		require.NotContains(t, footer, "…", footer)
		if size[0] == 80 {
			require.Contains(t, footer, "x troubleshoot", footer)
		}
	}
}

// TestLongStatusIsReadInFull: a status message longer than the line wraps
// onto more lines instead of being cut mid-sentence.
func TestLongStatusIsReadInFull(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	seed(t, st, 1)
	for _, size := range [][2]int{{80, 24}, {40, 12}} {
		d := newDriver(t, st, Options{}, size[0], size[1])
		d.press("v")
		require.Contains(t, words(d.screen()), "v asks Flashback to validate a workspace configuration; this one is on this machine: press t to test it from here.")
		requireFits(t, d, size[0], size[1])
		require.Contains(t, d.screen(), "config-0001", "the list is still there")
		d.send(clearStatusMsg{id: d.app.status.id})
		requireFits(t, d, size[0], size[1])
	}
}

// TestFullHelpShowsEveryKey: ? lists every key that applies, flowing onto
// more lines when its columns do not fit the width.
func TestFullHelpShowsEveryKey(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	seed(t, st, 3)
	for _, size := range [][2]int{{80, 24}, {40, 12}} {
		d := newDriver(t, st, Options{}, size[0], size[1])
		d.press("?")
		scr := d.screen()
		for _, k := range []string{"t test", "v validate", "x troubleshoot", "w workspace", "r refresh", "d delete", "c copy id", "q quit", "a add"} {
			if k == "v validate" {
				continue // local configurations only: it does not apply
			}
			require.Contains(t, scr, k, "%dx%d:\n%s", size[0], size[1], scr)
		}
		requireFits(t, d, size[0], size[1])
	}
}

// TestPassphraseFitsSmallTerminals: at 40x12 the passphrase prompt shows
// both inputs, the "Remember" checkbox and any error, the error right by
// the passphrase it is about.
func TestPassphraseFitsSmallTerminals(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {40, 12}} {
		loaded := storeLoadedMsg{backend: goldenBackend, locked: true, cache: store.CacheStatus{Available: true}}
		d := goldenDriver(t, size[0], size[1], loaded, Options{})
		d.press("enter") // keep it on this machine: choose a passphrase
		require.Equal(t, screenPassphrase, d.app.screen)
		d.typeText("short")
		d.press("enter")
		scr := d.screen()
		require.Contains(t, words(scr), "Choose a longer passphrase", scr)
		require.Contains(t, scr, "Repeat it")
		require.Contains(t, scr, "Remember")
		errLine, repeatLine := -1, -1
		for i, l := range lines(scr) {
			if strings.Contains(l, "✗ Choose a longer") {
				errLine = i
			}
			if strings.Contains(l, "Repeat it") {
				repeatLine = i
			}
		}
		require.Less(t, errLine, repeatLine, "the error sits by the passphrase, above the repeat:\n%s", scr)
		d.press("tab", "tab")
		require.Contains(t, d.screen(), "› [ ] Remember", "the focused checkbox is visible")
		d.press("space")
		require.Contains(t, d.screen(), "[x] Remember")
		requireFits(t, d, size[0], size[1])
	}
}

// TestReviewScrollsOnSmallTerminals: at 40x12 the review (the moment of
// consent) is cut, says so, and pgdn/pgup scroll it: the endpoint, the
// secret's fingerprint, the destination and the warnings can all be read
// before saving.
func TestReviewScrollsOnSmallTerminals(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	d := newDriver(t, st, Options{Start: StartAdd}, 40, 12)
	d.press("enter")
	d.typeText("Prod")
	d.press("enter")
	d.clearField(80)
	d.typeText("https://api.openai.com/")
	d.press("enter")
	d.paste("Bearer " + testSecret + "\n")
	d.press("enter")
	require.Equal(t, input.FieldConfirm, d.app.form.cf.Focused())
	require.Contains(t, d.screen(), "pgdn")
	seen := d.screen()
	for range 10 {
		d.press("pgdown")
		requireFits(t, d, 40, 12)
		seen += d.screen()
	}
	for _, want := range []string{"Endpoint  https://api.openai.com/v1", "Secret    sk-proj-…", "Saved to", "! Endpoint: using", "! Secret: removed"} {
		require.Contains(t, seen, want)
	}
	d.press("pgup", "pgup", "pgup", "pgup", "pgup", "pgup", "pgup", "pgup", "pgup", "pgup")
	require.Contains(t, d.screen(), "Name      Prod")
	d.press("enter") // Save is still the answer
	require.True(t, d.quit)
	cfgs, _ := st.List()
	require.Len(t, cfgs, 1)
}

// TestBrowserKeepsWhereWhenNarrow: with Flashback configurations listed,
// 40 columns keep the WHERE column (TYPE gives way), so local and
// workspace configurations can be told apart.
func TestBrowserKeepsWhereWhenNarrow(t *testing.T) {
	t.Parallel()
	d := goldenDriver(t, 40, 12, storeLoadedMsg{backend: goldenBackend, settings: store.Settings{Mode: "local"}}, Options{})
	d.send(configsLoadedMsg{listing: goldenListing()})
	scr := d.screen()
	require.Contains(t, scr, "WHERE", scr)
	require.Contains(t, lines(scr)[0], "Production (ADMIN) · 4", "the count is not cut")
	require.True(t, strings.HasSuffix(lines(scr)[10], " 1/4"), "the position is in the status bar: %q", lines(scr)[10])
	require.Contains(t, scr, "Production")
	require.Contains(t, scr, "local")
	requireFits(t, d, 40, 12)
}

// TestDetailScrollsWhenCut: at 40x12 the detail pane is longer than the
// screen; pgdn brings the rest (the id, the dates) into view instead of
// "enlarge the window".
func TestDetailScrollsWhenCut(t *testing.T) {
	t.Parallel()
	loaded := storeLoadedMsg{backend: goldenBackend, settings: store.Settings{Mode: "local"}, configs: goldenConfigs(5)}
	d := goldenDriver(t, 40, 12, loaded, Options{})
	d.press("down", "down", "down", "enter") // Bedrock: the longest
	require.Contains(t, d.screen(), "pgdn")
	require.NotContains(t, d.screen(), "01jdemo")
	d.press("pgdown")
	require.Contains(t, d.screen(), "01jdemo", "the id is reachable")
	sel, _ := d.app.browser.selected()
	require.Equal(t, "Bedrock us-east-1", sel.Name, "pgdn scrolled the pane, not the list")
	requireFits(t, d, 40, 12)
	d.press("pgup")
	require.Contains(t, d.screen(), "Bedrock us-east-1")
	require.Contains(t, d.screen(), "Type")
	d.press("down") // the next configuration starts at its top
	require.Contains(t, d.screen(), "Local vLLM")
	require.Contains(t, d.screen(), "Type")
}

// TestFooterWidthIsTheDrawnWidth: the footer decides which keys fit by
// measuring their text; that must be the width the help draws, for every
// screen's keys.
func TestFooterWidthIsTheDrawnWidth(t *testing.T) {
	t.Parallel()
	d := goldenDriver(t, 80, 24, storeLoadedMsg{backend: goldenBackend, settings: store.Settings{Mode: "local"}, configs: goldenConfigs(3)}, Options{})
	h := d.app.help
	h.SetWidth(0)
	for id := range numScreens {
		keys := enabledKeys(d.app.screenOf(id).keyMap().ShortHelp())
		for n := 1; n <= len(keys); n++ {
			require.Equal(t, ansi.StringWidth(h.ShortHelpView(keys[:n])), d.app.shortHelpWidth(keys[:n]), "%s, %d keys", id, n)
		}
	}
}
