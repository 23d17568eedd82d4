package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/internal/providertest"
	"github.com/fbllm/fbllm/internal/secrettest"
	"github.com/fbllm/fbllm/keyscan"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// Fake keys in the providers' shapes, low-entropy so they read as fakes.
var (
	foundOpenAI    = "sk-proj-" + strings.Repeat("Fo1", 14) + "T3BlbkFJ" + strings.Repeat("Fo1", 7)
	foundAnthropic = "sk-ant-api03-" + strings.Repeat("An2", 20)
	foundGemini    = "AIza" + strings.Repeat("Gm3", 12)[:35]
	foundOAuth     = "sk-ant-oat01-" + strings.Repeat("Oa4", 14)
	foundAKID      = "AKIA" + strings.Repeat("R3", 8)
	foundAWSSecret = strings.Repeat("Yz8+", 10)
	foundSecrets   = []string{foundOpenAI, foundAnthropic, foundGemini, foundOAuth, foundAKID, foundAWSSecret}
)

// plantFound lays out a home with keys in clear: OpenAI in the environment
// and in ~/project/.env, Anthropic in the environment, an OAuth token
// (not importable) in ~/project/.env, an AWS key pair with its region in
// ~/.aws/credentials, and a Gemini key in the environment. It returns the
// scan options, the current directory being ~/project.
func plantFound(t *testing.T, extraEnv ...string) keyscan.Options {
	t.Helper()
	home := t.TempDir()
	cwd := filepath.Join(home, "project")
	write := func(rel, content string) {
		p := filepath.Join(home, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	}
	write("project/.env", "OPENAI_API_KEY="+foundOpenAI+"\nANTHROPIC_API_KEY="+foundOAuth+"\n")
	write(".aws/credentials", "[work]\naws_access_key_id = "+foundAKID+"\naws_secret_access_key = "+foundAWSSecret+"\nregion = eu-west-1\n")
	env := append([]string{"HOME=" + home, "OPENAI_API_KEY=" + foundOpenAI, "ANTHROPIC_API_KEY=" + foundAnthropic, "GEMINI_API_KEY=" + foundGemini}, extraEnv...)
	return keyscan.Options{Environ: env, Home: home, Cwd: cwd}
}

// holdGemini stores the Gemini key, so the scan finds it "held".
func holdGemini(t *testing.T, st *store.Store) {
	t.Helper()
	_, err := st.Add(t.Context(), store.Config{Name: "Gemini", AIType: "GOOGLE", Endpoint: "https://generativelanguage.googleapis.com/v1beta",
		SecretFingerprint: input.Fingerprint(foundGemini)}, store.Credentials{Secret: foundGemini})
	require.NoError(t, err)
}

// rowOf is the checklist row whose fingerprint is that of secret.
func rowOf(t *testing.T, d *driver, secret string) int {
	t.Helper()
	for i, l := range d.app.importer.lines {
		if l.fingerprint == input.Fingerprint(secret) {
			return i
		}
	}
	t.Fatalf("no row for that key")
	return -1
}

// moveTo puts the checklist's cursor on row i.
func moveTo(d *driver, i int) {
	for d.app.importer.cursor > i {
		d.press("up")
	}
	for d.app.importer.cursor < i {
		d.press("down")
	}
}

// TestImportChecklistTestsAndImports: i lists every key found in clear
// (where, type, fingerprint; held and not-importable ones with the
// reason), t tests one before it is stored, space leaves one out, enter
// stores the selected ones, and the summary says where the plaintext
// copies remain with the exec line that replaces each (c copies them).
// The stored secret is exactly the one found, a test run before counts
// as the configuration's last check, and no frame holds a piece of a key.
func TestImportChecklistTestsAndImports(t *testing.T) {
	t.Parallel()
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.Anthropic, ValidSecrets: []string{"sk-ant-api03-" + strings.Repeat("Ok0", 20)}})
	t.Cleanup(prov.Close)
	st := newTestStore(t)
	holdGemini(t, st)
	sess := probingSession(t, st)
	scan := plantFound(t, "ANTHROPIC_BASE_URL="+prov.URL)
	var frames []string
	d := newDriverDeps(t, Deps{Store: st, Session: sess, Scan: &scan}, Options{}, 100, 40, &frames)
	require.Equal(t, screenBrowser, d.app.screen)

	d.press("i")
	require.Equal(t, screenImport, d.app.screen, d.screen())
	scr := words(d.screen())
	for _, want := range []string{
		"OpenAI (OPENAI_API_KEY)", "environment OPENAI_API_KEY", "~/project/.env OPENAI_API_KEY", input.Fingerprint(foundOpenAI),
		"Anthropic (ANTHROPIC_API_KEY)", "AWS Bedrock (profile work)", "~/.aws/credentials profile work",
		"already held by fbllm", "not importable", "3 of 5 selected",
		"Found 3 keys: 2 in your environment, 1 in ~/.aws/credentials.",
	} {
		require.Contains(t, scr, want)
	}

	// The Anthropic key is refused by the provider: t says so, nothing is
	// stored, and space leaves it out.
	anthropic := rowOf(t, d, foundAnthropic)
	moveTo(d, anthropic)
	d.press("t")
	require.Equal(t, probeFailed, d.app.importer.lines[anthropic].probe, d.screen())
	d.requireScreen("✗ rejected")
	cfgs, _ := st.List()
	require.Len(t, cfgs, 1, "a test stores nothing")
	d.press("space")
	d.requireScreen("2 of 5 selected")

	// Held and skipped rows cannot be selected, and say why.
	moveTo(d, rowOf(t, d, foundGemini))
	d.press("space")
	require.Contains(t, words(d.screen()), "fbllm already holds this key")
	moveTo(d, rowOf(t, d, foundOAuth))
	d.press("t")
	require.Contains(t, words(d.screen()), "This key cannot be imported:")

	// The AWS pair is left out too; the OpenAI key is imported.
	moveTo(d, rowOf(t, d, foundAWSSecret))
	d.press("space")
	d.press("enter")
	require.Equal(t, importDone, d.app.importer.phase, d.screen())
	scr = words(d.screen())
	require.Contains(t, scr, "Imported 1 of 1 key")
	require.Contains(t, scr, "The plaintext copies are still where they were")
	require.Contains(t, scr, `environment OPENAI_API_KEY fbllm exec "OpenAI (OPENAI_API_KEY)" -- …`)
	require.Contains(t, scr, `~/project/.env OPENAI_API_KEY fbllm exec "OpenAI (OPENAI_API_KEY)" -- …`)
	require.Empty(t, d.app.found.plan.Rows, "the credentials found are forgotten")
	d.press("c")
	require.Equal(t, `fbllm exec "OpenAI (OPENAI_API_KEY)" -- `, d.clipboard)

	d.press("enter")
	require.Equal(t, screenBrowser, d.app.screen)
	d.requireScreen("OpenAI (OPENAI_API_KEY)")
	cfgs, _ = st.List()
	require.Len(t, cfgs, 2)
	var imported store.Config
	for _, c := range cfgs {
		if c.Name == "OpenAI (OPENAI_API_KEY)" {
			imported = c
		}
	}
	cred, err := st.Credentials(t.Context(), imported.ID)
	require.NoError(t, err)
	require.Equal(t, foundOpenAI, cred.Secret, "the stored secret is the one found")
	require.Equal(t, "https://api.openai.com/v1", imported.Endpoint)
	require.Equal(t, []Change{{Action: "imported", Item: session.LocalItem(imported)}}[0].Action, d.app.result.Changes[0].Action)
	require.Equal(t, imported.ID, d.app.result.Changes[0].Item.ID)

	requireNoSecretPieces(t, frames, foundSecrets...)
}

// TestImportRecordsTheTestRunBefore: a key tested before import keeps that
// test as its last check, so the list does not call it "untested".
func TestImportRecordsTheTestRunBefore(t *testing.T) {
	t.Parallel()
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.Anthropic, ValidSecrets: []string{foundAnthropic}})
	t.Cleanup(prov.Close)
	st := newTestStore(t)
	sess := probingSession(t, st)
	scan := keyscan.Options{Environ: []string{"ANTHROPIC_API_KEY=" + foundAnthropic, "ANTHROPIC_BASE_URL=" + prov.URL}, Home: t.TempDir(), Cwd: t.TempDir()}
	seed(t, st, 1)
	var frames []string
	d := newDriverDeps(t, Deps{Store: st, Session: sess, Scan: &scan}, Options{}, 80, 24, &frames)
	d.press("i", "t")
	require.Equal(t, probeOK, d.app.importer.lines[0].probe, d.screen())
	d.requireScreen("✓ verified")
	d.press("enter", "enter")
	require.Equal(t, screenBrowser, d.app.screen)
	cfgs, _ := st.List()
	var got *store.Check
	for _, c := range cfgs {
		if c.Name == "Anthropic (ANTHROPIC_API_KEY)" {
			got = c.LastCheck
		}
	}
	require.NotNil(t, got)
	require.Equal(t, "verified", got.Status)
	requireNoSecretPieces(t, frames, foundAnthropic)
}

// TestFirstRunOffersTheImport: the first-run setup is drawn before any
// file is read; the scan runs as a Cmd after it, and when it finds keys
// the setup offers them ("Found 3 keys: 2 in your environment, …"), which
// opens the checklist.
func TestFirstRunOffersTheImport(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	scan := plantFound(t)
	a := newApp(Deps{Store: st, Scan: &scan}, Options{})
	a.noTimers = true
	m, _ := a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	a = m.(App)
	m, cmd := a.Update(storeLoadedMsg{backend: store.BackendInfo{Name: "secret-service"}})
	a = m.(App)
	require.Equal(t, screenSetup, a.screen)
	require.NotContains(t, a.render(), "Import the keys", "the offer waits for the scan")
	msg := cmd()
	scanned, ok := msg.(keysScannedMsg)
	require.True(t, ok, "the Cmd scans: %T", msg)
	m, _ = a.Update(scanned)
	a = m.(App)
	require.Empty(t, a.found.plan.Rows, "only the offer is kept, not the credentials")

	d := &driver{t: t, app: a}
	scr := words(d.screen())
	require.Contains(t, scr, "Import the keys found on this machine")
	d.press("down", "down")
	scr = words(d.screen())
	require.Contains(t, scr, "Found 4 keys: 3 in your environment, 1 in ~/.aws/credentials.")
	d.press("enter")
	require.Equal(t, screenImport, d.app.screen)
	d.requireScreen("4 of 5 selected")
	d.press("esc")
	require.Equal(t, screenSetup, d.app.screen, "esc returns to the setup")
}

// TestImportAsksForThePassphraseFirst: with a locked encrypted-file
// keyring, enter asks for the passphrase before anything is stored.
func TestImportAsksForThePassphraseFirst(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	seed(t, st, 1)
	scan := plantFound(t)
	d := newDriverDeps(t, Deps{Store: st, Scan: &scan}, Options{}, 80, 24, nil)
	d.send(storeLoadedMsg{backend: goldenBackend, locked: true, passphraseSet: true, settings: store.Settings{Mode: "local"}, configs: goldenConfigs(2)})
	d.press("i", "enter")
	require.Equal(t, screenPassphrase, d.app.screen)
	require.Contains(t, words(d.screen()), "to store the 4 keys")
	cfgs, _ := st.List()
	require.Len(t, cfgs, 1)
	d.press("esc")
	require.Equal(t, screenImport, d.app.screen, "esc returns to the checklist")
}

func TestGoldenImport(t *testing.T) {
	keychain := store.BackendInfo{Name: "secret-service", Description: "GNOME Keyring / Secret Service (login)"}
	withConfigs := storeLoadedMsg{backend: keychain, settings: store.Settings{Mode: "local"}, configs: goldenConfigs(3)}
	rejected := diagnose.Report{Status: diagnose.StatusRejected, Diagnoses: []diagnose.Diagnosis{{
		Code: "auth.invalid_secret", Severity: diagnose.SeverityError, Title: "The provider rejected the credential"}}}
	cases := []struct {
		name   string
		loaded storeLoadedMsg
		steps  func(d *driver)
	}{
		{"setup_import", storeLoadedMsg{backend: keychain}, func(d *driver) { d.press("down", "down") }},
		{"import_list", withConfigs, func(d *driver) { d.press("i") }},
		{"import_tested", withConfigs, func(d *driver) {
			d.press("i", "down")
			d.send(candidateTestedMsg{row: 1, report: rejected})
			d.press("space")
		}},
		{"import_skip", withConfigs, func(d *driver) { d.press("i", "down", "down", "down") }},
		{"import_done", withConfigs, func(d *driver) { d.press("i", "enter") }},
	}
	for _, size := range [][2]int{{80, 24}, {40, 12}} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s_%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				st := newTestStore(t)
				holdGemini(t, st)
				scan := plantFound(t)
				var frames []string
				d := newDriverDeps(t, Deps{Store: st, Scan: &scan}, Options{}, size[0], size[1], &frames)
				d.send(tc.loaded)
				tc.steps(d)
				golden.RequireEqual(t, d.screen())
				requireFits(t, d, size[0], size[1])
				for _, f := range frames {
					secrettest.RequireAbsent(t, f, foundSecrets...)
				}
			})
		}
	}
}

// TestImportSummaryFollowsTheWidth: the summary is wrapped again when the
// terminal is resized, instead of keeping the lines of the old width.
func TestImportSummaryFollowsTheWidth(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	seed(t, st, 1)
	scan := plantFound(t)
	d := newDriverDeps(t, Deps{Store: st, Scan: &scan}, Options{}, 40, 12, nil)
	d.press("i", "enter")
	require.Equal(t, importDone, d.app.importer.phase)
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	requireFits(t, d, 80, 24)
	require.Contains(t, d.screen(), "✓ “OpenAI (OPENAI_API_KEY)” (OPENAI, "+input.Fingerprint(foundOpenAI)+")")
}
