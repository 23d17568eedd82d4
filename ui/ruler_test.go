package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/store"
)

// statusBarLine is the status bar of a w×h screen with a one-line footer.
func statusBarLine(d *driver, h int) string { return lines(d.screen())[h-2] }

// TestCursorMoveLeavesTheHeaderAlone: a cursor move, in the page or one
// that scrolls, changes nothing at the top of the screen (over SSH that is
// a jump there and back on every keystroke); the position is shown at the
// right of the status bar, next to where a scrolling move ends.
func TestCursorMoveLeavesTheHeaderAlone(t *testing.T) {
	t.Parallel()
	const w, h = 80, 24
	loaded := storeLoadedMsg{backend: goldenBackend, locked: true, settings: store.Settings{Mode: "local"}, configs: goldenConfigs(100)}
	d := goldenDriver(t, w, h, loaded, Options{})
	header := lines(d.screen())[0]
	require.Equal(t, "Configurations 100", strings.TrimSpace(header))
	for i, k := range []string{"down", "down", "pgdown", "down", "up", "G", "up", "g"} {
		d.press(k)
		scr := d.screen()
		require.Equal(t, header, lines(scr)[0], "move %d (%s) changed the header", i, k)
		sel, _ := d.app.browser.selected()
		pos := fmt.Sprintf("%d/100", d.app.browser.cursor+1)
		status := statusBarLine(d, h)
		require.Len(t, []rune(status), w, "the ruler sits at the right edge: %q", status)
		require.True(t, strings.HasSuffix(status, " "+pos), "move %d (%s): status bar %q lacks %s", i, k, status, pos)
		require.Contains(t, scr, "› "+sel.Name[:12])
	}
}

// TestPositionFallsBackToTheHeader: when the status bar has no room for
// the position beside what it says, the header shows it, as before.
func TestPositionFallsBackToTheHeader(t *testing.T) {
	t.Parallel()
	const w, h = 40, 12
	// "Secrets: encrypted file (unlocked, remembered)" fills 40 columns.
	loaded := storeLoadedMsg{backend: goldenBackend, settings: store.Settings{Mode: "local"}, configs: goldenConfigs(12),
		cache: store.CacheStatus{Active: true}}
	d := goldenDriver(t, w, h, loaded, Options{})
	d.press("down", "down")
	require.Contains(t, lines(d.screen())[0], "12 · 3/12")
	require.NotContains(t, statusBarLine(d, h), "3/12")

	// Room again (a locked keyring says less): the status bar has it.
	loaded.cache, loaded.locked = store.CacheStatus{}, true
	d = goldenDriver(t, w, h, loaded, Options{})
	d.press("down", "down")
	require.NotContains(t, lines(d.screen())[0], "3/12")
	require.True(t, strings.HasSuffix(statusBarLine(d, h), " 3/12"), statusBarLine(d, h))

	// A message that needs the whole bar: the header has the position
	// while it shows, the status bar again once it is gone.
	d.send(statusMsg{text: "Copied the id of “OpenAI production” (via terminal)."})
	require.Contains(t, lines(d.screen())[0], "12 · 3/12")
	require.NotContains(t, strings.Join(lines(d.screen())[1:], "\n"), "3/12")
	d.send(clearStatusMsg{id: d.app.status.id})
	require.NotContains(t, lines(d.screen())[0], "3/12")
	require.True(t, strings.HasSuffix(statusBarLine(d, h), " 3/12"), statusBarLine(d, h))
}
