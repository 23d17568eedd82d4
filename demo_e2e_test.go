package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/internal/flashbacktest"
	"github.com/fbllm/fbllm/internal/secrettest"
)

// TestE2EDemoInAPseudoTerminal runs the built binary's `fbllm demo` in a
// real terminal: the simulated platform is signed in, the workspace picker
// comes first, a failing Flashback validation opens the troubleshooting
// panel with the layer that failed, deleting a configuration that
// repositories use is refused with their names, and nothing secret of the
// demo ever reaches the screen.
func TestE2EDemoInAPseudoTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	term := startTerminal(t, e2eEnv(t.TempDir()), 100, 30, "demo")
	term.waitFor("Choose a workspace")
	term.waitFor("SIMULATED")
	term.send("\r") // Production
	term.waitFor("Production (ADMIN)")
	term.waitFor("Legacy OpenAI key")

	// Go to "Legacy OpenAI key" (4th row) and validate.
	term.send("g")
	term.send("jjj")
	term.waitFor("› Legacy OpenAI key")
	term.send("v")
	term.waitFor("Flashback validation · Legacy OpenAI key")
	term.waitFor("auth.invalid_secret")
	term.waitFor("e fix secret")
	term.send("\x1b")
	term.waitFor("LAST CHECK") // back in the browser
	term.waitFor("✗ rejected")

	// "OpenAI GPT-4o" is attached to repositories: delete is refused.
	term.send("j")
	term.waitFor("› OpenAI GPT-4o")
	term.send("d")
	term.waitFor("still use")
	term.send("y")
	term.waitFor("support-bot")

	term.send("q")
	require.NoError(t, term.wait())
	term.mu.Lock()
	raw := term.raw.String()
	term.mu.Unlock()
	for _, s := range []string{flashbacktest.DemoRevokedSecret, flashbacktest.DemoPassword} {
		for _, piece := range secrettest.Pieces(s) {
			require.NotContains(t, raw, piece, "a piece of a demo secret reached the terminal")
		}
	}
}
