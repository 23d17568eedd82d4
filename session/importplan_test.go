package session_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/keyscan"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// Fake keys: low-entropy patterns that match the providers' shapes.
var (
	importOpenAI    = "sk-proj-" + strings.Repeat("Ab3", 14) + "T3BlbkFJ" + strings.Repeat("Ab3", 7)
	importAnthropic = "sk-ant-api03-" + strings.Repeat("Ef5", 20)
	importHeld      = "sk-proj-" + strings.Repeat("Cd4", 15)
	importOAuth     = "sk-ant-oat01-" + strings.Repeat("Xy4", 14)
)

func newImportSession(t *testing.T) (*session.Session, *store.Store) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(store.Options{
		ConfigDir: dir + "/config", DataDir: dir + "/data",
		Keyring: keyring.NewArrayKeyring(nil), Env: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) },
	})
	require.NoError(t, err)
	sess, err := session.New(session.Options{Store: st})
	require.NoError(t, err)
	return sess, st
}

// TestPlanImportDecidesAndNamesEveryKey: a key fbllm holds is "held", an
// OAuth token is skipped with the reason, and new keys get names after
// their provider and variable that are unique among the configurations on
// this machine (compared case-insensitively), so Create accepts them.
func TestPlanImportDecidesAndNamesEveryKey(t *testing.T) {
	t.Parallel()
	sess, st := newImportSession(t)
	_, err := st.Add(t.Context(), store.Config{Name: "openai (OPENAI_API_KEY)", AIType: "OPENAI", Endpoint: "https://api.openai.com/v1",
		SecretFingerprint: input.Fingerprint(importHeld)}, store.Credentials{Secret: importHeld})
	require.NoError(t, err)

	cwd := t.TempDir()
	writeFile(t, cwd+"/.env", "ANTHROPIC_API_KEY="+importOAuth+"\n")
	plan, err := sess.PlanImport(t.Context(), keyscan.Options{Kinds: []string{keyscan.KindEnv, "dotenv"}, Cwd: cwd, Home: t.TempDir(), Environ: []string{
		"OPENAI_API_KEY=" + importOpenAI,
		"ANTHROPIC_API_KEY=" + importAnthropic,
		"OPENROUTER_API_KEY=" + importHeld,
	}})
	require.NoError(t, err)
	byFingerprint := map[string]session.ImportRow{}
	for _, r := range plan.Rows {
		byFingerprint[r.Candidate.Fingerprint] = r
	}
	openai := byFingerprint[input.Fingerprint(importOpenAI)]
	require.Equal(t, session.ImportNew, openai.Action)
	require.Equal(t, "OpenAI (OPENAI_API_KEY) 2", openai.Name, "the first name is taken (case-insensitively)")
	require.Equal(t, openai.Name, openai.Change.Name)
	require.Equal(t, importOpenAI, *openai.Change.Secret)
	require.Equal(t, "https://api.openai.com/v1", openai.Change.Endpoint)

	anthropic := byFingerprint[input.Fingerprint(importAnthropic)]
	require.Equal(t, session.ImportNew, anthropic.Action)
	require.Equal(t, "Anthropic (ANTHROPIC_API_KEY)", anthropic.Name)

	held := byFingerprint[input.Fingerprint(importHeld)]
	require.Equal(t, session.ImportHeld, held.Action)
	require.Empty(t, held.Name)
	oauth := byFingerprint[input.Fingerprint(importOAuth)]
	require.Equal(t, session.ImportSkip, oauth.Action)
	require.NotEmpty(t, oauth.Reason)
	require.Len(t, plan.Rows, 4)
	require.Equal(t, 2, plan.Count(session.ImportNew))

	for _, r := range plan.Rows {
		if r.Action == session.ImportNew {
			_, err := sess.Create(t.Context(), session.Destination{Store: session.StoreLocal}, r.Change)
			require.NoError(t, err, r.Name)
		}
	}
	again, err := sess.PlanImport(t.Context(), keyscan.Options{Kinds: []string{keyscan.KindEnv}, Environ: []string{"OPENAI_API_KEY=" + importOpenAI}})
	require.NoError(t, err)
	require.Len(t, again.Rows, 1)
	require.Equal(t, session.ImportHeld, again.Rows[0].Action, "an imported key is held the next time")
}

// TestPlanImportNamesFitAndArePrintable: a name from another tool's file
// loses its control characters, and a long one is cut so that the number
// that makes it unique still fits the 64 characters a name may have.
func TestPlanImportNamesFitAndArePrintable(t *testing.T) {
	t.Parallel()
	sess, _ := newImportSession(t)
	home := t.TempDir()
	long := strings.Repeat("x", 70)
	crush := `{"providers": {"line\nbreak\ttab": {"type": "openai", "base_url": "https://gw.example.com/v1", "api_key": "sk-` + strings.Repeat("Zx9", 14) + `"},` +
		`"` + long + `": {"type": "openai", "base_url": "https://gw2.example.com/v1", "api_key": "sk-` + strings.Repeat("Qw8", 14) + `"},` +
		`"` + long + `y": {"type": "openai", "base_url": "https://gw3.example.com/v1", "api_key": "sk-` + strings.Repeat("Er7", 14) + `"}}}`
	writeFile(t, home+"/crush.json", crush)
	plan, err := sess.PlanImport(t.Context(), keyscan.Options{Kinds: []string{"tools"}, Home: home, Cwd: home})
	require.NoError(t, err)
	var names []string
	for _, r := range plan.Rows {
		require.Equal(t, session.ImportNew, r.Action, r.Reason)
		_, err := input.ValidateName(r.Name, names, "")
		require.NoError(t, err, "%q", r.Name)
		names = append(names, r.Name)
	}
	require.Contains(t, names, "line break tab (Crush)")
	require.Len(t, names, 3)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
}
