package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fbllm/fbllm/internal/secrettest"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
	"github.com/fbllm/fbllm/ui"
	"github.com/stretchr/testify/require"
)

const (
	cliSecret     = "sk-proj-Zq9YxW8vU7tS6rQ5pO4nT3BlbkFJmL3kJ2iH1gF0eD9cB8aA"
	cliPassphrase = "correct horse battery"
)

// testKDF keeps the keyring's Argon2id stretch cheap in tests that are not
// about it (the default costs about 0.25 s and 64 MiB per invocation).
var testKDF = &store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

// cliHome is an isolated fbllm installation: its own config and data dirs
// and the encrypted-file keyring.
type cliHome struct {
	t   *testing.T
	dir string
	env map[string]string
}

func newCLIHome(t *testing.T) *cliHome {
	t.Helper()
	dir := t.TempDir()
	return &cliHome{t: t, dir: dir, env: map[string]string{
		"FBLLM_CONFIG_DIR":         filepath.Join(dir, "config"),
		"FBLLM_DATA_DIR":           filepath.Join(dir, "data"),
		"FBLLM_KEYRING_BACKEND":    "file",
		"FBLLM_KEYRING_PASSPHRASE": cliPassphrase,
		"HOME":                     dir,
	}}
}

type cliResult struct {
	code           int
	stdout, stderr string
}

// run runs fbllm in-process with no terminal attached.
func (h *cliHome) run(stdin string, args ...string) cliResult {
	h.t.Helper()
	var out, errb bytes.Buffer
	env := &Env{
		stdin:  strings.NewReader(stdin),
		stdout: &out, stderr: &errb,
		getenv:  func(k string) string { return h.env[k] },
		openTTY: func() (*os.File, error) { return nil, errors.New("no tty in tests") },
		kdf:     testKDF,
	}
	code := Run(args, env, "")
	return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
}

func (h *cliHome) requireNoSecretAnywhere(r cliResult, secret string) {
	h.t.Helper()
	for _, piece := range secrettest.Pieces(secret) {
		require.NotContains(h.t, r.stdout, piece)
		require.NotContains(h.t, r.stderr, piece)
	}
}

// treeHash hashes every file (path, mode and content) under dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	var paths []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		info, _ := os.Stat(p)
		h.Write([]byte(p + info.Mode().String()))
		h.Write(b)
	}
	return string(h.Sum(nil))
}

func TestAddFromStdinThenListJSON(t *testing.T) {
	h := newCLIHome(t)
	r := h.run("Bearer "+cliSecret+"\n", "add", "--name", "prod", "--type", "openai",
		"--endpoint", "https://api.openai.com", "--secret-stdin", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "Bearer", "the user is told what was removed")
	require.Contains(t, r.stderr, "https://api.openai.com/v1", "the endpoint rewrite is shown")
	h.requireNoSecretAnywhere(r, cliSecret)

	var added map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &added))
	require.Equal(t, "prod", added["name"])

	r = h.run("", "list", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list))
	require.Len(t, list, 1)
	got := list[0]
	for _, k := range []string{"id", "name", "aiType", "endpoint", "keyFingerprint", "secretFingerprint",
		"workspaceId", "workspaceName", "store", "repos", "createdAt", "updatedAt", "lastCheck"} {
		require.Contains(t, got, k)
	}
	require.NotContains(t, got, "secret")
	require.NotContains(t, got, "key")
	require.Equal(t, "OPENAI", got["aiType"])
	require.Equal(t, "https://api.openai.com/v1", got["endpoint"])
	require.Equal(t, "local", got["store"])
	require.Nil(t, got["keyFingerprint"])
	require.Equal(t, []any{}, got["repos"])
	h.requireNoSecretAnywhere(r, cliSecret)

	// No file fbllm wrote holds the secret in clear.
	_ = filepath.WalkDir(h.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, piece := range secrettest.Pieces(cliSecret) {
			require.NotContains(t, string(b), piece, p)
		}
		info, _ := d.Info()
		require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), p)
		return nil
	})
}

func TestInsecureEndpointIsRefused(t *testing.T) {
	h := newCLIHome(t)
	h.env["K"] = cliSecret
	r := h.run("", "add", "--name", "x", "--type", "OPENAI", "--endpoint", "http://api.openai.com", "--secret-env", "K")
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, "[endpoint.insecure_scheme]")

	r = h.run("", "add", "--name", "x", "--type", "OPENAI", "--endpoint", "http://api.openai.com", "--secret-env", "K", "--json")
	require.Equal(t, exitUsage, r.code)
	var body struct {
		Error struct{ Code, Message string }
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &body))
	require.Equal(t, "endpoint.insecure_scheme", body.Error.Code)
	h.requireNoSecretAnywhere(r, cliSecret)
}

func TestWrongPassphraseChangesNothing(t *testing.T) {
	h := newCLIHome(t)
	h.env["K"] = cliSecret
	r := h.run("", "add", "--name", "first", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K")
	require.Equal(t, 0, r.code, r.stderr)
	before := treeHash(t, h.dir)

	h.env["FBLLM_KEYRING_PASSPHRASE"] = "not the passphrase"
	r = h.run("", "add", "--name", "second", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K")
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, "[keyring.wrong_passphrase]")
	r = h.run("", "edit", "first", "--secret-env", "K")
	require.Equal(t, exitFailed, r.code)
	// A rename touches no secret, but it is a change all the same.
	r = h.run("", "edit", "first", "--name", "renamed")
	require.Equal(t, exitFailed, r.code, r.stderr)
	require.Contains(t, r.stderr, "[keyring.wrong_passphrase]")
	r = h.run("", "rm", "first", "--yes")
	require.Equal(t, exitFailed, r.code, r.stderr)
	require.Contains(t, r.stderr, "[keyring.wrong_passphrase]")
	require.Equal(t, before, treeHash(t, h.dir), "a wrong passphrase must not change any file")

	delete(h.env, "FBLLM_KEYRING_PASSPHRASE")
	r = h.run("", "edit", "first", "--name", "renamed")
	require.Equal(t, exitFailed, r.code, "no passphrase and no terminal: locked")
	require.Contains(t, r.stderr, "[keyring.locked]")
	r = h.run("", "rm", "first", "--yes")
	require.Equal(t, exitFailed, r.code, "no passphrase and no terminal: locked")
	require.Contains(t, r.stderr, "[keyring.locked]")
	r = h.run("", "--no-input", "rm", "first", "--yes")
	require.Equal(t, exitUsage, r.code, r.stderr)
	require.Contains(t, r.stderr, "[keyring.locked]")
	require.Equal(t, before, treeHash(t, h.dir))
}

func TestLockedWithoutInput(t *testing.T) {
	h := newCLIHome(t)
	h.env["K"] = cliSecret
	delete(h.env, "FBLLM_KEYRING_PASSPHRASE")
	r := h.run("", "--no-input", "add", "--name", "x", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K")
	require.Equal(t, exitUsage, r.code, r.stderr)
	require.Contains(t, r.stderr, "[keyring.locked]")

	r = h.run("", "add", "--name", "x", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K")
	require.Equal(t, exitFailed, r.code, "no terminal to ask on: locked, exit 1")
	require.Contains(t, r.stderr, "FBLLM_KEYRING_PASSPHRASE")
}

func TestEditKeepsOrRotatesSecret(t *testing.T) {
	h := newCLIHome(t)
	h.env["K"] = cliSecret
	r := h.run("", "add", "--name", "svc", "--type", "ANTHROPIC", "--endpoint", "https://api.anthropic.com/v1", "--secret-env", "K", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var c1 map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &c1))
	require.Equal(t, "https://api.anthropic.com", c1["endpoint"])

	r = h.run("", "edit", "svc", "--name", "svc-renamed", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var c2 map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &c2))
	require.Equal(t, c1["secretFingerprint"], c2["secretFingerprint"], "no secret given: kept")

	h.env["NEW"] = "sk-ant-api03-" + strings.Repeat("Q", 93) + "AA"
	r = h.run("", "edit", "svc-renamed", "--secret-env", "NEW", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var c3 map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &c3))
	require.NotEqual(t, c1["secretFingerprint"], c3["secretFingerprint"], "rotated")
	h.requireNoSecretAnywhere(r, h.env["NEW"])
}

func TestRemoveNeedsConfirmationOrYes(t *testing.T) {
	h := newCLIHome(t)
	h.env["K"] = cliSecret
	require.Equal(t, 0, h.run("", "add", "--name", "gone", "--type", "OTHER", "--endpoint", "http://localhost:11434/v1", "--secret-env", "K").code)

	r := h.run("", "rm", "gone")
	require.Equal(t, exitUsage, r.code, "no terminal to confirm on")
	require.Contains(t, r.stderr, "--yes")

	r = h.run("", "rm", "GONE", "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	r = h.run("", "show", "gone")
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, "[config.not_found]")
}

func TestUsageErrors(t *testing.T) {
	h := newCLIHome(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, "no terminal"},
		{[]string{"add", "--name", "x"}, "missing"},
		{[]string{"add", "--name", "x", "--type", "MISTRAL", "--endpoint", "https://x.example/v1", "--secret-env", "K"}, "OPENAI"},
		{[]string{"list", "--bogus"}, "unknown flag"},
		{[]string{"show"}, "accepts 1 arg"},
		{[]string{"add", "--name", "x", "--type", "AWS", "--endpoint", "https://bedrock-runtime.us-east-1.amazonaws.com", "--region", "eu-west-1", "--secret-env", "K"}, "contradicts the endpoint's region us-east-1"},
		{[]string{"help", "nosuch"}, "no help for"},
	} {
		r := h.run("", tc.args...)
		require.Equal(t, exitUsage, r.code, "%v: %s", tc.args, r.stderr)
		require.Contains(t, r.stderr+r.stdout, tc.want, "%v", tc.args)
	}
}

func TestNoFlagTakesASecret(t *testing.T) {
	h := newCLIHome(t)
	c := &cli{env: &Env{getenv: func(k string) string { return h.env[k] }}}
	root := c.rootCmd()
	for _, cmd := range append(root.Commands(), root) {
		for _, name := range []string{"secret", "api-key", "key", "password", "token", "passphrase"} {
			require.Nil(t, cmd.Flags().Lookup(name), "%s --%s would put a secret in argv", cmd.Name(), name)
		}
	}
}

func TestStatusNamesTheBackend(t *testing.T) {
	h := newCLIHome(t)
	r := h.run("", "status", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var s statusJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &s))
	require.Equal(t, "file", s.Keyring.Backend)
	require.False(t, s.Keyring.Locked, "unlocked by FBLLM_KEYRING_PASSPHRASE")
	require.Equal(t, "https://backend.flashback.tech", s.APIURL)
	r = h.run("", "status")
	require.Contains(t, r.stdout, "Keyring:")
}

// TestScopeFlagsAreCheckedAlikeByEveryCommand: --store and --workspace mean
// the same in every command that takes them, and a contradiction is a usage
// error before anything is looked up (test once answered config.not_found
// where list said usage).
func TestScopeFlagsAreCheckedAlikeByEveryCommand(t *testing.T) {
	h := newCLIHome(t)
	h.env["K"] = "sk-proj-ScopeFlagsSecret0123456789T3BlbkFJabcdefgh"
	withREF := [][]string{{"show", "foo"}, {"rm", "foo", "--yes"}, {"edit", "foo", "--name", "bar"},
		{"test", "foo"}, {"validate", "foo"}, {"doctor", "foo"}}
	noREF := [][]string{{"list"}, {"test", "--all"},
		{"add", "--name", "x", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K"}}
	for _, args := range append(withREF, noREF...) {
		for _, bad := range [][]string{
			{"--store", "local", "--workspace", "Prod"},
			{"--store", "bogus"},
			{"--store", "flashback", "--workspace", "local"},
		} {
			argv := append(append([]string{}, args...), bad...)
			r := h.run("", argv...)
			require.Equal(t, exitUsage, r.code, "%v: %s", argv, r.stderr)
			require.Contains(t, r.stderr, "[usage]", "%v", argv)
		}
	}
	// Saving commands accept only where a configuration can be saved.
	r := h.run("", "edit", "foo", "--name", "bar", "--store", "all")
	require.Equal(t, exitUsage, r.code, r.stderr)
	require.Contains(t, r.stderr, "--store must be local or flashback")
	r = h.run("", "list", "--all-workspaces", "--workspace", "Prod")
	require.Equal(t, exitUsage, r.code, r.stderr)
}

// TestJSONUsageErrorsAreJSON: under --json, an error cobra finds before the
// command runs (an unknown flag, a missing argument) is a JSON error object
// on stdout too, with its documented code and exit code.
func TestJSONUsageErrorsAreJSON(t *testing.T) {
	h := newCLIHome(t)
	for _, args := range [][]string{{"list", "--json", "--bogus"}, {"show", "--json"}, {"test", "a", "b", "--json"}} {
		r := h.run("", args...)
		require.Equal(t, exitUsage, r.code, "%v", args)
		var body struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &body), "%v: stdout %q", args, r.stdout)
		require.Equal(t, "usage", body.Error.Code)
		require.NotEmpty(t, body.Error.Message)
	}
	r := h.run("", "list", "--bogus")
	require.Empty(t, r.stdout, "without --json nothing goes to stdout")
}

// TestTUISummaryNamesEveryChange: after a TUI session the CLI prints one
// line per change, not only the last save.
func TestTUISummaryNamesEveryChange(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	c := &cli{env: &Env{stderr: &stderr}}
	local := session.Item{ID: "l1", Name: "first", Store: session.StoreLocal, Local: &store.Config{SecretBackend: "file"}}
	remote := session.Item{ID: "r1", Name: "team", Store: session.StoreFlashback, WorkspaceName: "Production"}
	c.reportSaved(ui.Result{Changes: []ui.Change{
		{Action: "saved", Item: local}, {Action: "rotated", Item: remote}, {Action: "deleted", Item: local},
	}})
	require.Equal(t, `✓ Saved "first" (l1) · secret in the encrypted file
✓ Updated (secret rotated) "team" (r1) · in Flashback workspace Production
✓ Deleted "first" (l1) · and its secret, from this machine
`, stderr.String())
}
