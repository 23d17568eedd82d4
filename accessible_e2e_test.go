//go:build linux || darwin

package main

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/flashbacktest"
	"github.com/fbllm/fbllm/internal/providertest"
	"github.com/fbllm/fbllm/internal/secrettest"
)

// waitForOutput polls everything the program wrote (accessible mode
// scrolls; the screen holds only its last lines).
func (term *terminal) waitForOutput(text string) string {
	term.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		term.mu.Lock()
		raw := term.raw.String()
		term.mu.Unlock()
		if strings.Contains(raw, text) {
			return raw
		}
		time.Sleep(20 * time.Millisecond)
	}
	term.mu.Lock()
	defer term.mu.Unlock()
	term.t.Fatalf("the output never showed %q; output:\n%s", text, term.raw.String())
	return ""
}

// TestE2EAccessibleFlashbackSignInTestAndSave: accessible mode offers the
// same product as the TUI: Flashback sign-in (masked password), the
// workspace with the user's role, a test of the connection before saving
// read out as text, and the save into the workspace.
func TestE2EAccessibleFlashbackSignInTestAndSave(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	srv := flashbacktest.New(flashbacktest.Options{Validator: flashbacktest.DemoValidator()})
	require.NoError(t, srv.Load(flashbacktest.Demo(time.Now())))
	api := httptest.NewServer(srv)
	t.Cleanup(api.Close)
	const secret = "sk-proj-ReadAloudPromptsQQQQ7777RRRR8888SS"
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{secret}})
	t.Cleanup(prov.Close)

	dir := t.TempDir()
	env := append(e2eEnv(dir), "FBLLM_ACCESSIBLE=1", "FBLLM_KEYRING_BACKEND=file",
		"FBLLM_KEYRING_PASSPHRASE=accessible passphrase", client.EnvAPIURL+"="+api.URL)
	term := startTerminal(t, env, 100, 40)
	term.waitForOutput("Where should configurations live?")
	term.waitForOutput("In a Flashback workspace")
	term.send("2\r")
	term.waitForOutput("Email of your Flashback account")
	term.send(flashbacktest.DemoEmail + "\r")
	term.waitForOutput("Password (typing is hidden)")
	term.send(flashbacktest.DemoPassword + "\r")
	term.waitForOutput("Signed in as " + flashbacktest.DemoEmail)
	term.waitForOutput("Research (READ, read-only)")
	term.send("1\r") // Production
	term.waitForOutput("Current workspace: Production")
	term.waitForOutput("will be saved to Flashback workspace Production")
	term.send("1\r") // OpenAI
	term.waitForOutput("Configuration name")
	term.send("team gpt\r")
	term.waitForOutput("API endpoint")
	term.send(prov.URL + "/v1\r")
	term.waitForOutput("OpenAI API key (typing is hidden)")
	term.send(secret + "\r")
	term.waitForOutput("Test the connection first")
	term.send("2\r")
	term.waitForOutput("Result: verified.")
	term.waitForOutput("Save this configuration?")
	term.send("1\r")
	term.waitForOutput(`Saved "team gpt" in the Flashback workspace Production.`)
	term.waitForOutput("What next?")
	term.send("\x03")
	_ = term.wait()

	term.mu.Lock()
	require.Contains(t, term.raw.String(), "team gpt — OPENAI — Production — "+prov.URL+"/v1 — last check: verified",
		"the test before saving is the saved configuration's last check")
	term.mu.Unlock()
	var found bool
	for _, l := range srv.LLMs() {
		if l.Name == "team gpt" {
			found = true
			require.Equal(t, secret, l.Secret)
		}
	}
	require.True(t, found, "saved in the workspace")
	term.mu.Lock()
	raw := term.raw.String()
	term.mu.Unlock()
	for _, s := range []string{secret, flashbacktest.DemoPassword} {
		for _, piece := range secrettest.Pieces(s) {
			require.NotContains(t, raw, piece, "accessible mode echoed a secret or the password")
		}
	}
}

// TestE2EAccessibleDemoTroubleshoots: `fbllm demo` honours accessible
// mode, and the troubleshooting report is read out as text.
func TestE2EAccessibleDemoTroubleshoots(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	env := append(e2eEnv(t.TempDir()), "FBLLM_ACCESSIBLE=1")
	term := startTerminal(t, env, 120, 60, "demo")
	term.waitForOutput("SIMULATED")
	term.waitForOutput("Which workspace?")
	term.send("1\r") // Production
	raw := term.waitForOutput("What next?")
	m := regexp.MustCompile(`(\d+)\. Legacy OpenAI key —`).FindStringSubmatch(raw)
	require.NotNil(t, m, raw)
	term.send("4\r") // troubleshoot
	term.waitForOutput("Which configuration?")
	term.send(m[1] + "\r")
	term.waitForOutput("one-off direct test")
	term.send("n\r")
	term.waitForOutput("Failed: rejected.")
	term.waitForOutput("auth.invalid_secret")
	term.waitForOutput("What next?")
	term.send("\x03")
	_ = term.wait()
	term.mu.Lock()
	raw = term.raw.String()
	term.mu.Unlock()
	for _, piece := range secrettest.Pieces(flashbacktest.DemoRevokedSecret) {
		require.NotContains(t, raw, piece)
	}
}
