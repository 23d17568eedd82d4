package ui

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/store"
)

// TestExecLineShownAndCopied: ! on a local configuration shows the exact
// command line, the variables the program gets with the index's
// fingerprints (no keyring read: it works while the keyring is locked),
// and copies the command line through the terminal (OSC 52). esc goes
// back; no frame holds a piece of the secret.
func TestExecLineShownAndCopied(t *testing.T) {
	t.Parallel()
	const secret = "sk-proj-ExecPanelSecretValue0123456789abcdefQRST"
	for _, size := range [][2]int{{80, 24}, {40, 12}} {
		st := newTestStore(t)
		_, err := st.Add(t.Context(), store.Config{Name: "OpenAI production", AIType: "OPENAI", Endpoint: "https://api.openai.com/v1",
			SecretFingerprint: input.Fingerprint(secret)}, store.Credentials{Secret: secret})
		require.NoError(t, err)
		var frames []string
		d := newDriverDeps(t, Deps{Store: st}, Options{}, size[0], size[1], &frames)
		if size[0] == 80 {
			require.Contains(t, lines(d.screen())[size[1]-1], "! exec line", "the footer offers it for a local configuration")
		}
		d.press("!")
		require.Equal(t, screenExec, d.app.screen, d.screen())
		require.Equal(t, `fbllm exec "OpenAI production" -- `, d.clipboard)
		scr := words(d.screen())
		require.Contains(t, scr, `fbllm exec "OpenAI production" -- …`)
		require.Contains(t, scr, "Copied the command line")
		require.Contains(t, scr, "OPENAI_API_KEY")
		require.Contains(t, scr, input.Fingerprint(secret))
		requireFits(t, d, size[0], size[1])
		seen := d.screen()
		for range 6 {
			d.press("down")
			seen += d.screen()
			requireFits(t, d, size[0], size[1])
		}
		require.Contains(t, seen, "OPENAI_BASE_URL", "the panel scrolls to every variable")
		d.clipboard = ""
		d.press("c")
		require.Equal(t, `fbllm exec "OpenAI production" -- `, d.clipboard, "c copies it again")
		d.press("esc")
		require.Equal(t, screenBrowser, d.app.screen)
		requireNoSecretPieces(t, frames, secret)
	}
}

// TestExecRefusedForFlashbackConfigurations: a Flashback configuration's
// secret never leaves the platform. The footer does not offer ! on it, and
// ! pressed anyway says why (exec.secret_write_only's words) instead of
// showing a command that would fail.
func TestExecRefusedForFlashbackConfigurations(t *testing.T) {
	t.Parallel()
	d := goldenDriver(t, 80, 24, storeLoadedMsg{backend: goldenBackend, settings: store.Settings{Mode: "local"}}, Options{})
	d.send(configsLoadedMsg{listing: goldenListing()})
	sel, _ := d.app.browser.selected()
	require.True(t, sel.IsRemote())
	require.NotContains(t, lines(d.screen())[23], "! exec line")
	d.press("!")
	require.Equal(t, screenBrowser, d.app.screen)
	require.Empty(t, d.clipboard)
	scr := words(d.screen())
	require.Contains(t, scr, "whose secrets never leave the platform")
	require.Contains(t, scr, "Add the same key on this machine and use that configuration.")
	d.press("G") // a local one
	require.Contains(t, lines(d.screen())[23], "! exec line")
}
