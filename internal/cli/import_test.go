package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/internal/providertest"
	"github.com/fbllm/fbllm/keyscan"
)

// plantKeyFixtures puts keyscan's fixture of every format where its tool
// keeps it, under home (and cwd's .env).
func plantKeyFixtures(t *testing.T, home, cwd string) {
	t.Helper()
	for rel, fixture := range map[string]string{
		filepath.Join(cwd, ".env"):                                "env.dotenv",
		filepath.Join(home, ".gemini/.env"):                       "gemini.env",
		filepath.Join(home, ".bashrc"):                            "bashrc",
		filepath.Join(home, ".aws/credentials"):                   "aws_credentials",
		filepath.Join(home, ".aws/config"):                        "aws_config",
		filepath.Join(home, ".config/io.datasette.llm/keys.json"): "llm_keys.json",
		filepath.Join(home, ".local/share/opencode/auth.json"):    "opencode_auth.json",
		filepath.Join(home, ".local/share/crush/crush.json"):      "crush.json",
		filepath.Join(home, ".aider.conf.yml"):                    "aider.conf.yml",
		filepath.Join(home, ".codex/auth.json"):                   "codex_auth.json",
		filepath.Join(home, ".config/mods/mods.yml"):              "mods.yml",
	} {
		data, err := os.ReadFile(filepath.Join("..", "..", "keyscan", "testdata", fixture))
		require.NoError(t, err, fixture)
		require.NoError(t, os.MkdirAll(filepath.Dir(rel), 0o700))
		require.NoError(t, os.WriteFile(rel, data, 0o600))
	}
}

// TestImportStoresEveryFormatsKeysEncrypted: import finds the keys of the
// environment, a .env file, ~/.aws and every tool format, stores the new
// ones encrypted, never twice, and each stored secret is exactly the one
// found (a child started by exec hashes what it gets). The environment's
// key, pointed at a local provider, passes a real test.
func TestImportStoresEveryFormatsKeysEncrypted(t *testing.T) {
	h := newCLIHome(t)
	home, cwd := h.dir, filepath.Join(h.dir, "project")
	plantKeyFixtures(t, home, cwd)
	const envSecret = "sk-proj-ImportedFromTheEnvironment0123456789abcd"
	prov := providertest.NewProviderServer(providertest.ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{envSecret}})
	t.Cleanup(prov.Close)
	h.env["OPENAI_API_KEY"], h.env["OPENAI_BASE_URL"] = envSecret, prov.URL+"/v1"
	run := func(args ...string) cliResult {
		t.Helper()
		r := h.runIn(cwd, args...)
		h.requireNoSecretAnywhere(r, envSecret)
		return r
	}

	// What a scan of the same machine finds, to compare against.
	environ := []string{"OPENAI_API_KEY=" + envSecret, "OPENAI_BASE_URL=" + prov.URL + "/v1", "HOME=" + home}
	found := keyscan.Scan(keyscan.Options{Environ: environ, Home: home, Cwd: cwd})
	require.NotEmpty(t, found.Candidates)

	// doctor finds the plaintext copies (one warning per file), none of
	// them held yet.
	audit := func() (text string, files int) {
		t.Helper()
		r := run("doctor", "--json")
		require.Equal(t, 0, r.code, r.stdout+r.stderr)
		rep := decodeReport(t, r.stdout)
		for _, d := range rep.Diagnoses {
			if d["code"] == "hygiene.plaintext_key" {
				files++
				require.NotContains(t, d["evidence"], "[redacted]", "a fingerprint is not a secret")
				b, _ := json.Marshal(d)
				text += string(b) + "\n"
			}
		}
		return text, files
	}
	before, files := audit()
	require.Equal(t, 10, files, "one warning per file")
	require.NotContains(t, before, "fbllm holds it as")
	require.Contains(t, before, "fbllm import")

	r := run("import", "--dry-run", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var planned []importJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &planned))
	require.Len(t, planned, len(found.Candidates))
	r = run("list", "--json")
	require.Equal(t, "[]\n", r.stdout, "a dry run stores nothing")

	r = run("import", "--yes", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var done []importJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &done))
	imported := 0
	tools := map[string]bool{}
	for _, row := range done {
		if row.Action != "import" {
			continue
		}
		imported++
		require.NotNil(t, row.Config, "%s was stored", row.Name)
		require.Equal(t, row.Fingerprint, *row.Config.SecretFingerprint)
		for _, l := range row.Locations {
			tools[l.Tool] = true // one secret found in several places is one configuration
		}
		// The stored secret is the one found, byte for byte.
		want := ""
		for _, c := range found.Candidates {
			if c.Fingerprint == row.Fingerprint {
				want = c.Credentials().Secret
			}
		}
		require.NotEmpty(t, want)
		sum := sha256.Sum256([]byte(want))
		er := run("exec", row.Name, "--env", "GOT=secret", "--", "sh", "-c", `printf %s "$GOT" | sha256sum`)
		require.Equal(t, 0, er.code, er.stderr)
		require.Contains(t, er.stdout, hex.EncodeToString(sum[:]), row.Name)
	}
	require.GreaterOrEqual(t, imported, 10)
	for _, tool := range []string{"the environment", "a .env file", "the AWS shared credentials file", "simonw/llm", "OpenCode", "Crush", "aider", "OpenAI Codex CLI", "Gemini CLI", "mods"} {
		require.True(t, tools[tool], "nothing imported from %s (got %v)", tool, tools)
	}

	// Now doctor names the configuration holding each key and says to
	// remove the lines, with the exec line; the two it would not import
	// (Crush's OAuth token, temporary AWS credentials) are said to be
	// unkeepable, not "import it first".
	after, files := audit()
	require.Equal(t, 10, files)
	require.NotContains(t, after, "not held by fbllm yet")
	require.Contains(t, after, `fbllm holds it as \"OpenAI (.env)\"`)
	require.Equal(t, 2, strings.Count(after, "fbllm cannot keep it"), after)
	require.Contains(t, after, "Remove the lines from ~/.codex/auth.json: fbllm already holds these keys")
	require.Contains(t, after, "fbllm exec ")

	// The environment's key works against its server.
	r = run("test", "OpenAI (OPENAI_API_KEY)", "--json")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, `"status": "verified"`)

	// Nothing is imported twice, and the sources are untouched.
	r = run("import", "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "Nothing new to import")
	data, err := os.ReadFile(filepath.Join(cwd, ".env"))
	require.NoError(t, err)
	orig, _ := os.ReadFile(filepath.Join("..", "..", "keyscan", "testdata", "env.dotenv"))
	require.Equal(t, string(orig), string(data), "import never edits what it reads")
}

// TestImportWithoutATerminalNeedsYes: nothing is stored without a yes.
func TestImportWithoutATerminalNeedsYes(t *testing.T) {
	h := newCLIHome(t)
	h.env["OPENAI_API_KEY"] = "sk-proj-ImportWithoutTerminal0123456789abcdefgh"
	r := h.runIn(h.dir, "import")
	require.Equal(t, exitUsage, r.code, r.stderr)
	require.Contains(t, r.stderr, "--yes")
	r = h.runIn(h.dir, "import", "--from", "bogus")
	require.Equal(t, exitUsage, r.code)
	r = h.runIn(h.dir, "list", "--json")
	require.Equal(t, "[]\n", r.stdout)
}

// runIn runs fbllm with cwd as the current directory and the test's
// variables as the whole environment.
func (h *cliHome) runIn(cwd string, args ...string) cliResult {
	h.t.Helper()
	var out, errb bytes.Buffer
	environ := make([]string, 0, len(h.env))
	for k, v := range h.env {
		environ = append(environ, k+"="+v)
	}
	environ = append(environ, "PATH="+os.Getenv("PATH"))
	env := &Env{
		stdin:  strings.NewReader(""),
		stdout: &out, stderr: &errb,
		getenv:  func(k string) string { return h.env[k] },
		environ: environ,
		openTTY: func() (*os.File, error) { return nil, errors.New("no tty in tests") },
		getwd:   func() (string, error) { return cwd, nil },
		kdf:     testKDF,
	}
	return cliResult{code: Run(args, env, ""), stdout: out.String(), stderr: errb.String()}
}

// TestImportRefusesWhatItCannotRead: a PATH that is missing or not a file
// is a usage error, not a silent success.
func TestImportRefusesWhatItCannotRead(t *testing.T) {
	h := newCLIHome(t)
	for _, p := range []string{filepath.Join(h.dir, "nope.env"), h.dir} {
		r := h.runIn(h.dir, "import", "--dry-run", p)
		require.Equal(t, exitUsage, r.code, "%s: %s", p, r.stderr)
		require.Contains(t, r.stderr, "not a file fbllm can read")
	}
}

// TestImportNamesAreOnePrintableLine: a name taken from another tool's file
// (Crush's provider ids) cannot smuggle a line break or a tab into the
// index, and an AWS profile's region decides its endpoint.
func TestImportNamesAreOnePrintableLine(t *testing.T) {
	h := newCLIHome(t)
	cwd := filepath.Join(h.dir, "repo")
	require.NoError(t, os.MkdirAll(cwd, 0o700))
	crush := `{"providers": {"line\nbreak\ttab": {"type": "openai", "base_url": "https://gw.example.com/v1", "api_key": "sk-` + strings.Repeat("Zx9", 14) + `"}}}`
	require.NoError(t, os.WriteFile(filepath.Join(cwd, "crush.json"), []byte(crush), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(h.dir, ".aws"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(h.dir, ".aws", "credentials"),
		[]byte("[work]\naws_access_key_id = AKIA"+strings.Repeat("Q2", 8)+"\naws_secret_access_key = "+strings.Repeat("Yz8+", 10)+"\nregion = eu-west-1\n"), 0o600))
	r := h.runIn(cwd, "import", "--yes", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	r = h.runIn(cwd, "list", "--json=name,endpoint")
	require.Equal(t, 0, r.code, r.stderr)
	var got []struct{ Name, Endpoint string }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
	names := map[string]string{}
	for _, g := range got {
		require.NotContains(t, g.Name, "\n")
		require.NotContains(t, g.Name, "\t")
		names[g.Name] = g.Endpoint
	}
	require.Contains(t, names, "line break tab (Crush)")
	require.Equal(t, "https://bedrock-runtime.eu-west-1.amazonaws.com", names["AWS Bedrock (profile work)"])
}
