package ui

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/internal/providertest"
	"github.com/fbllm/fbllm/internal/secrettest"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// lineReader hands out one line per Read, as a terminal does: huh's
// accessible prompts each read through a new bufio.Scanner, which would
// swallow the answers to later questions if a Read returned them all.
type lineReader struct {
	mu    sync.Mutex
	lines []string
}

func answers(lines ...string) *lineReader { return &lineReader{lines: lines} }

func (r *lineReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.lines) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.lines[0]+"\n")
	r.lines = r.lines[1:]
	return n, nil
}

// runAccessible runs accessible mode over answers and returns what it said.
func runAccessible(t *testing.T, deps Deps, opts Options, in *lineReader) (string, Result) {
	t.Helper()
	var out bytes.Buffer
	opts.Input, opts.Output = in, &out
	res, err := RunAccessible(t.Context(), deps, opts)
	require.NoError(t, err, out.String())
	return out.String(), res
}

// menuNumber is the number accessible mode gives an answer of a question,
// read from what it printed last.
func menuNumber(t *testing.T, out, answer string) string {
	t.Helper()
	i := strings.LastIndex(out, answer)
	require.GreaterOrEqual(t, i, 0, "no answer %q in:\n%s", answer, out)
	line := out[strings.LastIndex(out[:i], "\n")+1 : i]
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line), "."))
}

// TestAccessibleExecLine: accessible mode says how to use a local
// configuration in another program: the command line and the variables
// with fingerprints, never a value.
func TestAccessibleExecLine(t *testing.T) {
	t.Parallel()
	const secret = "sk-proj-AccessibleExecSecret0123456789abcdefWXYZ"
	st := newTestStore(t)
	_, err := st.Add(t.Context(), store.Config{Name: "OpenAI production", AIType: "OPENAI", Endpoint: "https://api.openai.com/v1",
		SecretFingerprint: input.Fingerprint(secret)}, store.Credentials{Secret: secret})
	require.NoError(t, err)
	// 7: use in another program, 1: the configuration, 9: quit.
	out, _ := runAccessible(t, Deps{Store: st}, Options{}, answers("7", "1", "9"))
	require.Equal(t, "7", menuNumber(t, out, "Use a configuration in another program"))
	require.Equal(t, "9", menuNumber(t, out, "Quit"))
	require.Contains(t, out, `Command line: fbllm exec "OpenAI production" -- …`)
	require.Contains(t, out, "OPENAI_API_KEY: "+input.Fingerprint(secret))
	require.Contains(t, out, "OPENAI_BASE_URL: https://api.openai.com/v1")
	secrettest.RequireAbsent(t, out, secret)
}

// TestAccessibleExecRefusesFlashback: a Flashback configuration gets the
// catalog's words for exec.secret_write_only instead of a command line.
func TestAccessibleExecRefusesFlashback(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	s := &accessibleSession{w: &out}
	s.execLine(session.Item{Name: "Claude support", Store: session.StoreFlashback, WorkspaceName: "Production"})
	require.Contains(t, out.String(), "whose secrets never leave the platform")
	require.NotContains(t, out.String(), "fbllm exec")
}

// TestAccessibleImport: accessible mode lists the keys found in clear
// (where, type, fingerprint, held or why not importable), asks about each
// new one, tests one first when asked, stores the chosen ones and says
// where the plaintext copies remain with the exec line for each.
func TestAccessibleImport(t *testing.T) {
	t.Parallel()
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.Anthropic, ValidSecrets: []string{foundAnthropic}})
	t.Cleanup(prov.Close)
	st := newTestStore(t)
	seed(t, st, 1)
	sess := probingSession(t, st)
	scan := plantFound(t, "ANTHROPIC_BASE_URL="+prov.URL)
	// 8: import. OpenAI: 1 import. Anthropic: 2 test first, then 1
	// import. Gemini and AWS: 3 skip. Then 10: quit.
	out, res := runAccessible(t, Deps{Store: st, Session: sess, Scan: &scan}, Options{}, answers("8", "1", "2", "1", "3", "3", "10"))
	require.Equal(t, "8", menuNumber(t, out, "Import the keys this machine keeps in clear"))
	for _, want := range []string{
		"Found 4 keys: 3 in your environment, 1 in ~/.aws/credentials. fbllm never changes those files.",
		`new: “OpenAI (OPENAI_API_KEY)” — OPENAI ` + input.Fingerprint(foundOpenAI) + ` — found in environment OPENAI_API_KEY, ~/project/.env OPENAI_API_KEY`,
		"not importable: it is not an API key",
		"Result: verified.",
		`Stored "OpenAI (OPENAI_API_KEY)" (OPENAI, ` + input.Fingerprint(foundOpenAI) + `)`,
		`Stored "Anthropic (ANTHROPIC_API_KEY)"`,
		`~/project/.env OPENAI_API_KEY: fbllm exec "OpenAI (OPENAI_API_KEY)" -- …`,
		`environment ANTHROPIC_API_KEY: fbllm exec "Anthropic (ANTHROPIC_API_KEY)" -- …`,
	} {
		require.Contains(t, out, want)
	}
	require.NotContains(t, out, "AWS Bedrock (profile work): fbllm exec", "a skipped key is not stored")
	cfgs, _ := st.List()
	require.Len(t, cfgs, 3)
	for _, c := range cfgs {
		if c.Name == "Anthropic (ANTHROPIC_API_KEY)" {
			cred, err := st.Credentials(t.Context(), c.ID)
			require.NoError(t, err)
			require.Equal(t, foundAnthropic, cred.Secret)
			require.NotNil(t, c.LastCheck, "the test run first is its last check")
		}
	}
	require.Len(t, res.Changes, 2)
	require.Equal(t, "imported", res.Changes[0].Action)
	secrettest.RequireAbsent(t, out, foundSecrets...)
}

// TestAccessibleFirstRunOffersImport: the first-run question offers the
// keys found in clear, with how many and where.
func TestAccessibleFirstRunOffersImport(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	scan := plantFound(t)
	// 3: import; skip the four keys; 4: quit (add, import, sign in, quit).
	out, _ := runAccessible(t, Deps{Store: st, Scan: &scan}, Options{}, answers("3", "3", "3", "3", "3", "4"))
	require.Equal(t, "3", menuNumber(t, out, "Import the keys found on this machine"))
	require.Contains(t, out, "Import the keys found on this machine: Found 4 keys: 3 in your environment, 1 in ~/.aws/credentials.")
	require.Contains(t, out, "Nothing imported.")
	cfgs, _ := st.List()
	require.Empty(t, cfgs)
	secrettest.RequireAbsent(t, out, foundSecrets...)
}
