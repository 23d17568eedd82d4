package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/store"
)

const testSecret = "sk-proj-AbCdEfGhIjKlMnOpQrStT3BlbkFJuvwxyz0123456789"

// fillForm walks the form from the type step: type (as arrow presses from
// OPENAI), name, endpoint (replacing the prefill when endpoint != ""), key,
// secret (pasted), then saves on the review step.
func fillForm(d *driver, downs int, name, endpoint, key, secret string) {
	for i := 0; i < downs; i++ {
		d.press("down")
	}
	d.press("enter")
	d.requireScreen("Configuration name")
	d.typeText(name)
	d.press("enter")
	d.requireScreen("API endpoint")
	if endpoint != "" {
		d.clearField(80)
		d.typeText(endpoint)
	}
	d.press("enter")
	if d.app.form.cf.Focused() == input.FieldKey {
		d.typeText(key)
		d.press("enter")
	}
	d.paste(secret)
	d.press("enter")
	d.requireScreen("Review")
	d.press("enter") // Save is the default answer
}

func TestFirstRunSetupToBrowser(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	d := newDriver(t, st, Options{}, 80, 24)

	// Setup says where secrets go before anything is typed.
	d.requireScreen("Where should configurations live?")
	d.requireScreen("Keep it on this machine")
	d.requireScreen("Secrets go to:")
	d.requireScreen("Sign in to Flashback")

	d.press("enter")
	d.requireScreen("AI LLM type")
	fillForm(d, 0, "OpenAI prod", "", "", "Bearer "+testSecret+"\n")

	require.Equal(t, screenBrowser, d.app.screen, d.screen())
	d.requireScreen("OpenAI prod")
	d.requireScreen("Saved “OpenAI prod”")

	cfgs, err := st.List()
	require.NoError(t, err)
	require.Len(t, cfgs, 1)
	require.Equal(t, "https://api.openai.com/v1", cfgs[0].Endpoint)
	cred, err := st.Credentials(t.Context(), cfgs[0].ID)
	require.NoError(t, err)
	require.Equal(t, testSecret, cred.Secret, "the pasted Bearer prefix and newline are removed")

	settings, err := st.Settings()
	require.NoError(t, err)
	require.Equal(t, "local", settings.Mode)
}

func TestFormShowsLiveHintsAndNeverTheSecret(t *testing.T) {
	t.Parallel()
	d := newDriver(t, newTestStore(t), Options{Start: StartAdd}, 80, 24)
	d.press("enter")
	d.typeText("demo")
	d.press("enter")
	d.clearField(80)
	d.typeText("https://api.openai.com/")
	d.requireScreen("using https://api.openai.com/v1")
	d.press("enter")
	d.paste("Bearer " + testSecret + "\n")
	d.requireScreen("received")
	d.requireScreen("Bearer")
	for _, s := range []string{testSecret, testSecret[8:20], testSecret[20:32]} {
		d.requireNoScreen(s)
	}
	d.press("enter")
	d.requireScreen("Review")
	d.requireNoScreen(testSecret[8:20])
}

func TestInsecureEndpointIsRefusedInTheForm(t *testing.T) {
	t.Parallel()
	d := newDriver(t, newTestStore(t), Options{Start: StartAdd}, 80, 24)
	d.press("enter")
	d.typeText("plain")
	d.press("enter")
	d.clearField(80)
	d.typeText("http://api.openai.com/v1")
	d.press("enter")
	// Still on the endpoint step, with the reason shown.
	d.requireScreen("API endpoint")
	require.Contains(t, strings.ToLower(d.screen()), "https")
}

func TestEscStepsBackAndLeavesFromTheFirstStep(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	seed(t, st, 1)
	d := newDriver(t, st, Options{}, 80, 24)
	require.Equal(t, screenBrowser, d.app.screen)
	d.press("a")
	d.requireScreen("AI LLM type")
	d.press("enter")
	d.requireScreen("Configuration name")
	d.typeText("kept")
	d.press("esc")
	d.requireScreen("AI LLM type")
	d.press("enter")
	d.requireScreen("kept") // the typed name survived the step back
	d.press("esc", "esc")
	d.requireScreen("Discard this configuration?") // typed input is not lost on one key
	d.press("y")
	require.Equal(t, screenBrowser, d.app.screen)
}

func TestEditKeepsSecretAndRotateReplacesIt(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	d := newDriver(t, st, Options{Start: StartAdd}, 80, 24)
	fillForm(d, 0, "rotating", "", "", testSecret)
	require.True(t, d.quit)
	cfgs, _ := st.List()
	require.Len(t, cfgs, 1)
	id := cfgs[0].ID
	oldFP := cfgs[0].SecretFingerprint

	// Edit: rename, leave the secret empty → kept.
	d = newDriver(t, st, Options{Start: StartEdit, EditRef: id}, 80, 24)
	d.requireScreen("Edit “rotating”")
	d.press("enter")
	d.clearField(20)
	d.typeText("renamed")
	d.press("enter", "enter") // OpenAI asks no key: endpoint, then the secret
	d.requireScreen("Leave empty to keep")
	d.press("enter")
	d.requireScreen("(unchanged)")
	d.press("enter")
	require.True(t, d.quit)
	c, err := st.Resolve(id)
	require.NoError(t, err)
	require.Equal(t, "renamed", c.Name)
	require.Equal(t, oldFP, c.SecretFingerprint)
	cred, _ := st.Credentials(t.Context(), id)
	require.Equal(t, testSecret, cred.Secret)

	// Rotate: type a new secret.
	const rotated = "sk-proj-ZyXwVuTsRqPoNmLkJiHgT3BlbkFJ9876543210fedcba"
	d = newDriver(t, st, Options{Start: StartEdit, EditRef: id}, 80, 24)
	d.press("enter", "enter", "enter")
	d.paste(rotated)
	d.press("enter", "enter")
	cred, _ = st.Credentials(t.Context(), id)
	require.Equal(t, rotated, cred.Secret)
	c, _ = st.Resolve(id)
	require.NotEqual(t, oldFP, c.SecretFingerprint)
}

func TestDeleteAsksFirst(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	seed(t, st, 2)
	d := newDriver(t, st, Options{}, 80, 24)
	d.press("d")
	d.requireScreen("Delete \"config-0001\"?")
	d.press("n")
	cfgs, _ := st.List()
	require.Len(t, cfgs, 2, "n keeps it")

	d.press("d", "y")
	cfgs, _ = st.List()
	require.Len(t, cfgs, 1)
	require.Equal(t, "config-0002", cfgs[0].Name)
	d.requireScreen("Deleted “config-0001”")
	d.requireNoScreen("config-0001 ")
}

func TestBrowserFilterAndDetails(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	seed(t, st, 12)
	d := newDriver(t, st, Options{}, 80, 24)
	d.press("/")
	d.typeText("0011")
	d.press("enter")
	d.requireScreen("1 of 12")
	d.requireScreen("config-0011")
	d.requireNoScreen("config-0003")
	d.press("enter")
	d.requireScreen("Secret")
	d.requireScreen("sk-proj-…abcd")
	d.press("esc") // close details
	d.press("esc") // clear the filter
	d.requireScreen("config-0003")
}

func TestHelpFooterShowsOnlyLiveKeys(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	// An empty store after setup: the browser, with nothing to act on.
	require.NoError(t, st.SaveSettings(store.Settings{Version: 1, Mode: "local"}))
	d := newDriver(t, st, Options{}, 80, 24)
	require.Equal(t, screenBrowser, d.app.screen)
	footer := lines(d.screen())[23]
	require.Contains(t, footer, "add")
	require.NotContains(t, footer, "delete", "nothing to delete in an empty list")
	require.NotContains(t, footer, "filter")
}

func TestTooSmallTerminal(t *testing.T) {
	t.Parallel()
	d := newDriver(t, newTestStore(t), Options{}, 39, 11)
	d.requireScreen("Terminal too small (needs 40×12")
}

func TestCtrlCQuitsAsInterrupted(t *testing.T) {
	t.Parallel()
	d := newDriver(t, newTestStore(t), Options{Start: StartAdd}, 80, 24)
	d.press("enter")
	d.typeText("half")
	d.press("ctrl+c")
	require.True(t, d.quit)
	require.True(t, d.app.interrupted)
}

func TestCopyIDUsesTheTerminalClipboard(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	seed(t, st, 1)
	d := newDriver(t, st, Options{}, 80, 24)
	cmd := d.app.browser.Update(keypress("c"))
	require.NotNil(t, cmd)
	msg, ok := cmd().(copyMsg)
	require.True(t, ok)
	cfgs, _ := st.List()
	require.Equal(t, cfgs[0].ID, msg.text, "the id, never a credential")
	d.press("c")
	d.requireScreen("Copied the id of “config-0001” (via terminal).")
}

// TestDeleteUnlocksFirst: deleting a local configuration from a locked
// encrypted-file keyring asks for the passphrase before anything is
// deleted.
func TestDeleteUnlocksFirst(t *testing.T) {
	t.Parallel()
	loaded := storeLoadedMsg{backend: goldenBackend, locked: true, passphraseSet: true,
		settings: store.Settings{Mode: "local"}, configs: goldenConfigs(2)}
	d := goldenDriver(t, 80, 24, loaded, Options{})
	d.press("d")
	d.requireScreen("Delete")
	d.press("y")
	d.requireScreen("Unlock the keyring")
	d.requireScreen("delete “OpenAI production”")
	d.requireNoScreen("Deleting")
}

// TestKeysThatDoNotApplySayWhy: a key the footer hides because it does not
// apply to the selected configuration explains itself instead of doing
// nothing.
func TestKeysThatDoNotApplySayWhy(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	seed(t, st, 1)
	d := newDriver(t, st, Options{}, 80, 24)
	require.NotContains(t, lines(d.screen())[23], "validate")
	d.press("v")
	d.requireScreen("v asks Flashback to validate")
}

// TestPrefilledEndpointCursorIsAtTheEnd: after choosing a type, the
// prefilled endpoint is edited from its end (Backspace removes the last
// character), whatever the type.
func TestPrefilledEndpointCursorIsAtTheEnd(t *testing.T) {
	t.Parallel()
	for downs, want := range []string{"https://api.openai.com/v", "https://generativelanguage.googleapis.com/v1bet",
		"https://api.anthropic.co", "https://bedrock-runtime.us-east-1.amazonaws.co"} {
		d := newDriver(t, newTestStore(t), Options{Start: StartAdd}, 80, 24)
		for range downs {
			d.press("down")
		}
		d.press("enter")
		d.typeText("n")
		d.press("enter", "backspace")
		require.Equal(t, want, d.app.form.cf.Draft.Endpoint)
	}
}

// TestKeyStepOnlyForTypesThatUseAKey: OpenAI, Gemini and Anthropic go from
// the endpoint straight to the secret, named as the provider names it;
// AWS asks for the access key ID and OTHER for an optional key.
func TestKeyStepOnlyForTypesThatUseAKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		downs  int
		next   string // the page after the endpoint
		secret string
	}{
		{0, input.FieldSecret, "OpenAI API key"},
		{1, input.FieldSecret, "Gemini API key"},
		{2, input.FieldSecret, "Anthropic API key"},
		{3, input.FieldKey, "Secret access key"},
		{4, input.FieldKey, "API key or token"},
	} {
		d := newDriver(t, newTestStore(t), Options{Start: StartAdd}, 80, 24)
		for range tc.downs {
			d.press("down")
		}
		d.press("enter")
		if tc.downs == 4 {
			require.Equal(t, input.FieldServer, d.app.form.cf.Focused())
			d.press("enter") // "Something else" is the answer to start with
		}
		d.typeText("n")
		d.press("enter")
		if tc.downs == 4 {
			d.typeText("http://localhost:11434/v1")
		}
		d.press("enter")
		require.Equal(t, tc.next, d.app.form.cf.Focused(), d.screen())
		d.requireNoScreen("not used")
		if tc.next == input.FieldKey {
			d.press("enter")
		}
		d.requireScreen(tc.secret)
		d.press("esc")
		if tc.next == input.FieldKey {
			d.press("esc")
		}
		require.Equal(t, input.FieldEndpoint, d.app.form.cf.Focused(), "esc steps back over the hidden page")
	}
}

// TestGeminiKeyInTheEndpointBecomesTheSecret: a Gemini URL pasted with its
// ?key= leaves the endpoint at once (never drawn), becomes the secret, and
// the secret page says where it came from.
func TestGeminiKeyInTheEndpointBecomesTheSecret(t *testing.T) {
	t.Parallel()
	const key = "AIzaSyDemoDemoDemoDemoDemoDemoDemo12345"
	st := newTestStore(t)
	var frames []string
	d := newDriverDeps(t, Deps{Store: st}, Options{Start: StartAdd}, 80, 24, &frames)
	d.press("down", "enter")
	d.typeText("gemini")
	d.press("enter")
	d.clearField(80)
	d.paste("https://generativelanguage.googleapis.com/v1beta/models?key=" + key)
	require.NotContains(t, d.app.form.cf.Draft.Endpoint, key)
	d.press("enter")
	require.Equal(t, input.FieldSecret, d.app.form.cf.Focused())
	d.requireScreen("from the endpoint's ?key=")
	d.requireScreen(fmt.Sprintf("received %d characters", len(key)))
	d.press("enter")
	d.requireScreen("Review")
	d.press("enter")
	require.True(t, d.quit)
	cfgs, err := st.List()
	require.NoError(t, err)
	require.Len(t, cfgs, 1)
	require.Equal(t, "https://generativelanguage.googleapis.com/v1beta", cfgs[0].Endpoint)
	cred, err := st.Credentials(t.Context(), cfgs[0].ID)
	require.NoError(t, err)
	require.Equal(t, key, cred.Secret)
	requireNoSecretPieces(t, frames, key)
}

// TestTypedKeyInTheEndpointMovesOnLeaving: typed by hand, the ?key= moves
// when the user leaves the endpoint, not under their cursor.
func TestTypedKeyInTheEndpointMovesOnLeaving(t *testing.T) {
	t.Parallel()
	d := newDriver(t, newTestStore(t), Options{Start: StartAdd}, 80, 24)
	d.press("down", "enter")
	d.typeText("gemini")
	d.press("enter")
	d.clearField(80)
	d.typeText("https://generativelanguage.googleapis.com/v1beta?key=AIzaSyTyped")
	require.Contains(t, d.app.form.cf.Draft.Endpoint, "AIzaSyTyped", "not while typing")
	d.press("enter")
	require.Equal(t, "https://generativelanguage.googleapis.com/v1beta", d.app.form.cf.Draft.Endpoint)
	require.Equal(t, "AIzaSyTyped", d.app.form.cf.Draft.Secret)
}

// TestExpiredErrorLeavesNoMarkAndShowsTheKeyring: when an error message
// expires, the status bar goes back to the keyring indicator, not a lone ✗.
func TestExpiredErrorLeavesNoMarkAndShowsTheKeyring(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	seed(t, st, 1)
	d := newDriver(t, st, Options{}, 80, 24)
	d.press("v") // a local configuration: an error on the status line
	require.Contains(t, d.screen(), "✗ v asks Flashback")
	d.send(clearStatusMsg{id: d.app.status.id})
	require.NotContains(t, d.screen(), "✗")
	require.Contains(t, lines(d.screen())[22], "Secrets: memory")
}

// TestOtherOffersWellKnownServers: under OTHER the form offers the common
// OpenAI-compatible servers; picking one fills in its documented endpoint
// and a name, skips the key, and says what to type as the secret.
func TestOtherOffersWellKnownServers(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	d := newDriver(t, st, Options{Start: StartAdd}, 80, 24)
	d.press("down", "down", "down", "down", "enter") // OTHER
	require.Equal(t, input.FieldServer, d.app.form.cf.Focused())
	for _, name := range []string{"Ollama", "LM Studio", "vLLM", "LiteLLM proxy", "OpenRouter", "Azure OpenAI", "Groq", "Mistral AI", "DeepSeek", "Together AI", "Something else"} {
		d.requireScreen(name)
	}
	for d.app.form.cf.Draft.Server != "groq" {
		d.press("up")
	}
	d.press("enter")
	require.Equal(t, input.FieldName, d.app.form.cf.Focused())
	require.Equal(t, "Groq", d.app.form.cf.Draft.Name, "the server's name is offered")
	d.press("enter")
	require.Equal(t, "https://api.groq.com/openai/v1", d.app.form.cf.Draft.Endpoint)
	d.press("enter")
	require.Equal(t, input.FieldSecret, d.app.form.cf.Focused(), "no key step for a known server")
	d.requireScreen("gsk_")
	d.paste("gsk_DemoDemoDemoDemoDemoDemoDemoDemoDemoDemoDemoDemo12")
	d.press("enter")
	d.requireScreen("Other (OpenAI-compatible) · Groq")
	d.press("enter")
	require.True(t, d.quit)
	cfgs, _ := st.List()
	require.Len(t, cfgs, 1)
	require.Equal(t, "https://api.groq.com/openai/v1", cfgs[0].Endpoint)
	require.Equal(t, "OTHER", cfgs[0].AIType)
}

// TestAzureServerNeedsTheResourceName: Azure's endpoint has the resource
// name to fill in; the form refuses the placeholder and says what to do.
func TestAzureServerNeedsTheResourceName(t *testing.T) {
	t.Parallel()
	d := newDriver(t, newTestStore(t), Options{Start: StartAdd}, 80, 24)
	d.press("down", "down", "down", "down", "enter")
	for d.app.form.cf.Draft.Server != "azure-openai" {
		d.press("up")
	}
	d.press("enter", "enter")
	require.Equal(t, input.FieldEndpoint, d.app.form.cf.Focused())
	d.requireScreen("Replace YOUR-RESOURCE")
	d.press("enter")
	require.Equal(t, input.FieldEndpoint, d.app.form.cf.Focused(), "the placeholder is refused")
	d.requireScreen("replace YOUR-RESOURCE")
	d.clearField(80)
	d.typeText("https://contoso.openai.azure.com/openai/v1")
	d.press("enter")
	require.Equal(t, input.FieldSecret, d.app.form.cf.Focused())
}
