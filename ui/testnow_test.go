package ui

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/internal/providertest"
	"github.com/fbllm/fbllm/session"
)

// TestFormTestsTheConnectionBeforeSaving: "Test the connection now" on the
// review step probes the provider with what was typed; a failure opens the
// troubleshooting panel, e goes back to the field to fix, and nothing is
// saved until the user chooses Save.
func TestFormTestsTheConnectionBeforeSaving(t *testing.T) {
	t.Parallel()
	const good = "sk-proj-GoodKeyForTestNow0123456789abcdefXYZ"
	const bad = "sk-proj-BadKeyForTestNow00000000000000000XYZ"
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{good}})
	t.Cleanup(prov.Close)
	st := newTestStore(t)
	sess, err := session.New(session.Options{Store: st, Probe: diagnose.Options{
		TransportOptions: client.TransportOptions{Getenv: func(string) string { return "" }},
	}})
	require.NoError(t, err)
	var frames []string
	d := newDriverDeps(t, Deps{Store: st, Session: sess}, Options{Start: StartAdd}, 100, 30, &frames)

	d.press("enter") // OPENAI
	d.typeText("probe me")
	d.press("enter")
	d.clearField(80)
	d.typeText(prov.URL + "/v1")
	d.press("enter")
	d.paste(bad)
	d.press("enter")
	d.requireScreen("Test the connection now")
	d.press("down", "enter")

	require.Equal(t, screenReport, d.app.screen, d.screen())
	d.requireScreen("✗ rejected")
	d.requireScreen("auth.invalid_secret")
	d.requireScreen("s save anyway")
	cfgs, _ := st.List()
	require.Empty(t, cfgs, "testing saves nothing")

	d.press("e")
	require.Equal(t, screenForm, d.app.screen)
	require.Equal(t, input.FieldSecret, d.app.form.cf.Focused(), "e lands on the field to fix")
	d.clearField(80)
	d.paste(good)
	d.press("enter")
	d.press("down", "enter") // test again
	require.Equal(t, screenForm, d.app.screen, d.screen())
	d.requireScreen("✓ Connection verified. Choose Save to keep it.")
	d.press("enter") // Save
	require.True(t, d.quit)
	cfgs, _ = st.List()
	require.Len(t, cfgs, 1)
	cred, err := st.Credentials(t.Context(), cfgs[0].ID)
	require.NoError(t, err)
	require.Equal(t, good, cred.Secret)
	require.NotNil(t, cfgs[0].LastCheck, "the test before saving counts as the last check")
	require.Equal(t, "verified", cfgs[0].LastCheck.Status)

	requireNoSecretPieces(t, frames, good, bad)
}

// TestATestOfOtherValuesIsNotRecorded: "test the connection now", then a
// different secret, then Save: the saved configuration is untested, since
// the test was of values that are not the ones stored.
func TestATestOfOtherValuesIsNotRecorded(t *testing.T) {
	t.Parallel()
	const good = "sk-proj-GoodKeyForTestNow0123456789abcdefXYZ"
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{good}})
	t.Cleanup(prov.Close)
	st := newTestStore(t)
	sess, err := session.New(session.Options{Store: st, Probe: diagnose.Options{
		TransportOptions: client.TransportOptions{Getenv: func(string) string { return "" }},
	}})
	require.NoError(t, err)
	d := newDriverDeps(t, Deps{Store: st, Session: sess}, Options{Start: StartAdd}, 100, 30, nil)
	d.press("enter")
	d.typeText("probe me")
	d.press("enter")
	d.clearField(80)
	d.typeText(prov.URL + "/v1")
	d.press("enter")
	d.paste(good)
	d.press("enter", "down", "enter") // test now
	d.requireScreen("✓ Connection verified")
	d.press("esc") // back to the secret
	require.Equal(t, input.FieldSecret, d.app.form.cf.Focused())
	d.clearField(80)
	d.paste("sk-proj-AnotherKeyNotTested0000000000000XYZ")
	d.press("enter", "enter") // Save
	require.True(t, d.quit)
	cfgs, _ := st.List()
	require.Len(t, cfgs, 1)
	require.Nil(t, cfgs[0].LastCheck, "the test was of another secret")
}

// TestDetailsNameTheModelsFound: after a test that listed the models, the
// detail pane says how many the key reaches and names the first ones, and
// so does the report of a troubleshooting run.
func TestDetailsNameTheModelsFound(t *testing.T) {
	t.Parallel()
	const good = "sk-proj-GoodKeyForModelsList0123456789abcdXYZ"
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{good}})
	t.Cleanup(prov.Close)
	st := newTestStore(t)
	sess, err := session.New(session.Options{Store: st, Probe: diagnose.Options{
		TransportOptions: client.TransportOptions{Getenv: func(string) string { return "" }},
	}})
	require.NoError(t, err)
	secret := good
	_, err = sess.Create(t.Context(), session.Destination{Store: session.StoreLocal},
		session.Change{Name: "models", AIType: assets.OpenAI, Endpoint: prov.URL + "/v1", Secret: &secret})
	require.NoError(t, err)
	d := newDriverDeps(t, Deps{Store: st, Session: sess}, Options{}, 100, 30, nil)
	d.press("t")
	d.requireScreen("✓ models: verified")
	d.press("enter")
	d.requireScreen("Models")
	d.requireScreen("2 (gpt-4o-mini, gpt-4.1)")
	d.press("esc", "x")
	require.Equal(t, screenReport, d.app.screen)
	d.requireScreen("2 models listed: gpt-4o-mini, gpt-4.1")
}
