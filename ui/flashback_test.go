package ui

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/flashbacktest"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// flashbackWorld is a simulated platform with the demo organisation and a
// fresh local store, not signed in.
type flashbackWorld struct {
	srv  *flashbacktest.Server
	st   *store.Store
	sess *session.Session
}

func newFlashbackWorld(t *testing.T) *flashbackWorld {
	t.Helper()
	srv := flashbacktest.New(flashbacktest.Options{Validator: flashbacktest.DemoValidator()})
	require.NoError(t, srv.Load(flashbacktest.Demo(time.Now())))
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	dir := t.TempDir()
	st, err := store.Open(store.Options{
		ConfigDir: dir + "/config", DataDir: dir + "/data",
		Keyring: keyring.NewArrayKeyring(nil), Env: func(string) string { return "" },
	})
	require.NoError(t, err)
	sess, err := session.New(session.Options{Store: st, Getenv: func(k string) string {
		if k == client.EnvAPIURL {
			return hs.URL
		}
		return ""
	}})
	require.NoError(t, err)
	return &flashbackWorld{srv: srv, st: st, sess: sess}
}

func (w *flashbackWorld) llmByName(t *testing.T, name string) flashbacktest.LLM {
	t.Helper()
	for _, l := range w.srv.LLMs() {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no config %q on the platform", name)
	return flashbacktest.LLM{}
}

// TestFlashbackWorkspaceFlow is a user's first session in workspace mode:
// sign in from the setup, pick a workspace, add a configuration, see it,
// rotate its secret, validate it, and try to delete one that repositories
// still use.
func TestFlashbackWorkspaceFlow(t *testing.T) {
	t.Parallel()
	w := newFlashbackWorld(t)
	var frames []string
	d := newDriverDeps(t, Deps{Store: w.st, Session: w.sess}, Options{}, 100, 30, &frames)

	// Setup offers Flashback and says where things go before any secret.
	d.requireScreen("Sign in to Flashback")
	d.requireScreen("the secret is sent to Flashback once")
	d.press("down", "enter")
	d.requireScreen("Sign in to Flashback")
	d.requireScreen("Password")

	// A wrong password is refused with the platform's reason; the email stays.
	d.typeText(flashbacktest.DemoEmail)
	d.press("tab")
	d.typeText("not-the-password")
	d.press("enter")
	require.Equal(t, screenSignIn, d.app.screen)
	d.requireScreen("✗")
	require.Equal(t, flashbacktest.DemoEmail, d.app.signin.email.Value())

	d.typeText(flashbacktest.DemoPassword)
	d.press("enter")

	// Two workspaces and none chosen: the picker, with roles.
	require.Equal(t, screenPicker, d.app.screen, d.screen())
	d.requireScreen("Production  ADMIN")
	d.requireScreen("Research  READ · read-only")
	d.press("enter") // Production is preselected

	// Setup continues into the form, destined for the workspace.
	require.Equal(t, screenForm, d.app.screen, d.screen())
	const secret = "sk-proj-TuiFlowSecretAAAA1111BBBB2222CCCC3333"
	fillForm(d, 0, "Team GPT", "", "", secret)
	require.Equal(t, screenBrowser, d.app.screen, d.screen())
	d.requireScreen("Saved “Team GPT” · in Flashback workspace Production")
	d.requireScreen("Team GPT")
	d.requireScreen("Production (ADMIN)")
	created := w.llmByName(t, "Team GPT")
	require.Equal(t, secret, created.Secret)

	// Rotate: e, keep everything, paste a new secret.
	selectRow(t, d, "Team GPT")
	d.press("e")
	d.requireScreen("Edit “Team GPT”")
	d.press("enter", "enter", "enter")
	const rotated = "sk-proj-TuiFlowRotatedDDDD4444EEEE5555FFFF66"
	d.paste(rotated)
	d.press("enter", "enter")
	d.requireScreen("Updated (secret rotated) “Team GPT”")
	require.Equal(t, rotated, w.llmByName(t, "Team GPT").Secret)

	// Validate: Flashback says it works.
	selectRow(t, d, "Team GPT")
	d.press("v")
	d.requireScreen("✓ Team GPT: verified")
	d.requireScreen("✓ verified")

	// A failing validation opens the troubleshooting panel with the layer.
	selectRow(t, d, "Legacy OpenAI key")
	d.press("v")
	require.Equal(t, screenReport, d.app.screen, d.screen())
	d.requireScreen("Flashback validation · Legacy OpenAI key")
	d.requireScreen("auth.invalid_secret")
	d.requireScreen("e fix secret")
	d.press("esc")

	// Delete while attached: refused, with the repository names.
	selectRow(t, d, "OpenAI GPT-4o")
	d.press("enter")
	d.requireScreen("support-bot")
	d.press("esc", "d")
	d.requireScreen("still use")
	d.press("y")
	d.requireScreen("support-bot")
	d.requireScreen("Detach it")
	w.llmByName(t, "OpenAI GPT-4o") // still there

	// Deleting our own goes through.
	selectRow(t, d, "Team GPT")
	d.press("d", "y")
	d.requireScreen("Deleted “Team GPT” from Production")
	for _, l := range w.srv.LLMs() {
		require.NotEqual(t, "Team GPT", l.Name)
	}

	// The workspace switch: w lists both, Research is read-only.
	d.press("w")
	require.Equal(t, screenPicker, d.app.screen)
	d.press("down", "enter")
	d.requireScreen("Research (READ)")
	d.requireScreen("Local vLLM")

	// No frame ever showed the secrets or the password.
	requireNoSecretPieces(t, frames, secret, rotated, flashbacktest.DemoPassword, "not-the-password")
}

// TestReadRoleKeepsNewConfigsLocal: in a READ workspace, a new
// configuration cannot go to Flashback; the form says it stays here.
func TestReadRoleKeepsNewConfigsLocal(t *testing.T) {
	t.Parallel()
	w := newFlashbackWorld(t)
	_, err := w.sess.SignIn(t.Context(), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	require.NoError(t, err)
	_, err = w.sess.Use(t.Context(), "Research")
	require.NoError(t, err)
	d := newDriverDeps(t, Deps{Store: w.st, Session: w.sess}, Options{}, 100, 30, nil)
	require.Equal(t, screenBrowser, d.app.screen, d.screen())
	d.requireScreen("Research (READ)")
	d.press("a")
	d.requireScreen("AI LLM type")
	require.Equal(t, session.StoreLocal, d.app.form.dest.Store)
}

// TestSignedOutBrowserOffersSignIn: a lapsed sign-in shows the local
// configurations and says how to sign in, instead of failing.
func TestSignedOutBrowserOffersSignIn(t *testing.T) {
	t.Parallel()
	w := newFlashbackWorld(t)
	require.NoError(t, w.st.UpdateSettings(func(s *store.Settings) { s.Mode = session.ModeFlashback }))
	d := newDriverDeps(t, Deps{Store: w.st, Session: w.sess}, Options{}, 100, 30, nil)
	require.Equal(t, screenBrowser, d.app.screen, d.screen())
	d.requireScreen("Press w to sign in")
	d.press("w")
	require.Equal(t, screenSignIn, d.app.screen, d.screen())
}

// selectRow moves the browser cursor to the row named name.
func selectRow(t *testing.T, d *driver, name string) {
	t.Helper()
	d.press("g")
	for i := 0; i < 100; i++ {
		if c, ok := d.app.browser.selected(); ok && c.Name == name {
			return
		}
		d.press("down")
	}
	t.Fatalf("no row %q:\n%s", name, strings.Join(lines(d.screen()), "\n"))
}

// TestEditFlashbackConfigFromTheCommandLine: `fbllm edit NAME` on a
// workspace configuration opens the form on it and saves through the API.
func TestEditFlashbackConfigFromTheCommandLine(t *testing.T) {
	t.Parallel()
	w := newFlashbackWorld(t)
	_, err := w.sess.SignIn(t.Context(), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	require.NoError(t, err)
	_, err = w.sess.Use(t.Context(), "Production")
	require.NoError(t, err)
	d := newDriverDeps(t, Deps{Store: w.st, Session: w.sess}, Options{Start: StartEdit, EditRef: "claude support"}, 100, 30, nil)
	d.requireScreen("Edit “Claude support”")
	require.Equal(t, session.StoreFlashback, d.app.form.dest.Store)
	d.press("enter", "enter", "enter")
	const rotated = "sk-ant-api03-RotatedFromEditXXXXXXXXXXXXXXXXXXXX"
	d.paste(rotated)
	d.press("enter", "enter")
	require.True(t, d.quit, d.screen())
	require.Equal(t, rotated, w.llmByName(t, "Claude support").Secret)
	require.NotNil(t, d.app.result.Saved)
	require.True(t, d.app.result.Saved.IsRemote())
}

// TestEscCancelsARunningOperation: while a Flashback call runs, keys wait
// and esc cancels its context.
func TestEscCancelsARunningOperation(t *testing.T) {
	t.Parallel()
	d := newDriver(t, newTestStore(t), Options{}, 80, 24)
	cancelled := false
	d.app.op.label = "Deleting “x”…"
	d.app.op.cancel = func() { cancelled = true }
	d.press("q") // ignored while busy
	require.False(t, d.quit)
	d.requireScreen("Deleting “x”… (esc cancels)")
	d.press("esc")
	require.True(t, cancelled)
}

// TestReadRoleExplainsRefusedKeys: e and d on a configuration of a READ
// workspace say which role is needed.
func TestReadRoleExplainsRefusedKeys(t *testing.T) {
	t.Parallel()
	w := newFlashbackWorld(t)
	_, err := w.sess.SignIn(t.Context(), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	require.NoError(t, err)
	_, err = w.sess.Use(t.Context(), "Research")
	require.NoError(t, err)
	d := newDriverDeps(t, Deps{Store: w.st, Session: w.sess}, Options{}, 120, 30, nil)
	for i := 0; i < 20; i++ {
		if c, ok := d.app.browser.selected(); ok && c.IsRemote() {
			break
		}
		d.press("down")
	}
	d.press("e")
	d.requireScreen("Your role in Research is READ")
	require.Equal(t, screenBrowser, d.app.screen)

	// t and v would only meet Flashback's refusal: the footer does not
	// offer them, and pressed anyway they say why instead of failing with
	// a raw error.
	footer := lines(d.screen())[29]
	require.NotContains(t, footer, "t test")
	require.Contains(t, footer, "x troubleshoot")
	for _, k := range []string{"t", "v"} {
		d.press(k)
		require.Equal(t, screenBrowser, d.app.screen, k)
		d.requireScreen("Your role in Research is READ")
		d.requireNoScreen("flashback.forbidden")
	}
}

// TestRefusalsAreWordedForTheApp: troubleshooting a configuration of a
// READ workspace shows Flashback's refusal in the app's words: what the
// role does not allow and the key that helps here, not the raw operation
// and CLI commands.
func TestRefusalsAreWordedForTheApp(t *testing.T) {
	t.Parallel()
	w := newFlashbackWorld(t)
	_, err := w.sess.SignIn(t.Context(), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	require.NoError(t, err)
	_, err = w.sess.Use(t.Context(), "Research")
	require.NoError(t, err)
	d := newDriverDeps(t, Deps{Store: w.st, Session: w.sess}, Options{}, 100, 40, nil)
	selectRow(t, d, "Claude research")
	d.press("x")
	require.Equal(t, screenReport, d.app.screen)
	scr := words(d.screen())
	require.Contains(t, scr, "✗ flashback fail Your role does not allow this here", scr)
	require.NotContains(t, scr, "fail flashback.forbidden: validate ai llm", scr)
	require.Contains(t, scr, "press w to switch to a workspace where you have it", scr)
	require.NotContains(t, scr, "fbllm use WORKSPACE", scr)
}

// TestNarrowFormSaysWhichWorkspace: at 40 columns the form's title still
// names the workspace the configuration goes to.
func TestNarrowFormSaysWhichWorkspace(t *testing.T) {
	t.Parallel()
	w := newFlashbackWorld(t)
	_, err := w.sess.SignIn(t.Context(), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	require.NoError(t, err)
	_, err = w.sess.Use(t.Context(), "Production")
	require.NoError(t, err)
	d := newDriverDeps(t, Deps{Store: w.st, Session: w.sess}, Options{}, 40, 12, nil)
	d.press("a")
	require.Equal(t, screenForm, d.app.screen)
	require.Contains(t, lines(d.screen())[0], "Flashback · Production")
}
