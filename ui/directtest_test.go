package ui

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/internal/flashbacktest"
	"github.com/fbllm/fbllm/internal/providertest"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// TestDirectTestOfAFlashbackConfiguration: the troubleshooting panel of a
// Flashback configuration does not send TUI users to CLI flags; t asks for
// the secret (masked) for one direct test, which runs, is shown, and is
// neither stored nor recorded as the configuration's last check.
func TestDirectTestOfAFlashbackConfiguration(t *testing.T) {
	t.Parallel()
	const stored = "sk-proj-StoredOnFlashbackAAAA1111BBBB2222CC"
	const typed = "sk-proj-TypedForOneTestZZZZ9999YYYY8888XX"
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{stored}})
	t.Cleanup(prov.Close)
	seed := flashbacktest.Demo(time.Now())
	seed.SetEndpoints(func(flashbacktest.LLM) string { return prov.URL + "/v1" })
	srv := flashbacktest.New(flashbacktest.Options{Validator: flashbacktest.DemoValidator()})
	require.NoError(t, srv.Load(seed))
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	dir := t.TempDir()
	st, err := store.Open(store.Options{ConfigDir: dir + "/config", DataDir: dir + "/data",
		Keyring: keyring.NewArrayKeyring(nil), Env: func(string) string { return "" }})
	require.NoError(t, err)
	sess, err := session.New(session.Options{Store: st, APIURL: hs.URL,
		Probe: diagnose.Options{TransportOptions: client.TransportOptions{Getenv: func(string) string { return "" }}}})
	require.NoError(t, err)
	_, err = sess.SignIn(t.Context(), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	require.NoError(t, err)
	_, err = sess.Use(t.Context(), "Production")
	require.NoError(t, err)

	var frames []string
	d := newDriverDeps(t, Deps{Store: st, Session: sess}, Options{}, 100, 30, &frames)
	selectRow(t, d, "OpenAI GPT-4o")
	d.press("x")
	require.Equal(t, screenReport, d.app.screen, d.screen())
	d.requireNoScreen("--secret-env")
	require.Contains(t, words(d.screen()), "press t to type it for a one-off direct test")
	d.requireScreen("t test with a secret")

	d.press("t")
	require.Equal(t, screenDirectTest, d.app.screen)
	d.requireScreen("never stored")
	d.requireScreen("› OpenAI API key") // the focused field is marked
	d.paste(typed)
	d.press("enter")
	require.Equal(t, screenReport, d.app.screen, d.screen())
	d.requireScreen("✗ rejected")
	d.requireScreen("auth.invalid_secret")
	d.press("r") // re-run keeps the typed secret for this panel
	d.requireScreen("✗ rejected")
	d.press("esc")
	require.Equal(t, screenBrowser, d.app.screen)
	require.Nil(t, d.app.checks.last.cred, "the typed secret is forgotten with the panel")

	it, _ := d.app.browser.selected()
	require.False(t, it.LastCheck != nil && it.LastCheck.Status == "rejected", "a typed secret's test is not the stored configuration's")
	settings, err := st.Settings()
	require.NoError(t, err)
	require.NotEqual(t, "rejected", settings.RemoteChecks[it.ID].Status)
	requireNoSecretPieces(t, frames, typed)
}
