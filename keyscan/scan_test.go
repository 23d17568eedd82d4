package keyscan

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/input"
	"github.com/stretchr/testify/require"
)

// machine plants every fixture where its tool keeps it, under a fresh home
// with the project directory inside it.
func machine(t *testing.T) (home, cwd string) {
	t.Helper()
	home = t.TempDir()
	cwd = filepath.Join(home, "src", "project")
	plant(t, cwd, ".env", "env.dotenv")
	plant(t, home, ".gemini/.env", "gemini.env")
	plant(t, home, ".bashrc", "bashrc")
	plant(t, home, ".aws/credentials", "aws_credentials")
	plant(t, home, ".aws/config", "aws_config")
	plant(t, home, ".config/io.datasette.llm/keys.json", "llm_keys.json")
	plant(t, home, ".local/share/opencode/auth.json", "opencode_auth.json")
	plant(t, home, ".local/share/crush/crush.json", "crush.json")
	plant(t, home, ".aider.conf.yml", "aider.conf.yml")
	plant(t, home, ".codex/auth.json", "codex_auth.json")
	plant(t, home, ".config/mods/mods.yml", "mods.yml")
	return home, cwd
}

func TestScanFindsEverySource(t *testing.T) {
	t.Parallel()
	home, cwd := machine(t)
	r := Scan(Options{
		Environ: []string{"HOME=" + home, "OPENAI_API_KEY=" + keyOpenAI, "AWS_BEARER_TOKEN_BEDROCK=" + keyBedrock, "AWS_REGION=eu-central-1", "PATH=/usr/bin"},
		Home:    home, Cwd: cwd, GOOS: "linux",
	})
	require.Empty(t, r.Problems)
	got := bySecret(r.Candidates)

	type want struct {
		typ      assets.AIType
		typeFrom string
		endpoint string
		region   string
		sources  []string
	}
	tests := map[string]want{
		keyOpenAI: {assets.OpenAI, "key shape", "https://api.openai.com/v1", "", []string{
			"environment OPENAI_API_KEY", "~/src/project/.env OPENAI_API_KEY",
			"~/.config/io.datasette.llm/keys.json openai", "~/.config/mods/mods.yml openai"}},
		keyBedrock: {assets.AWS, "key shape", "", "eu-central-1", []string{"environment AWS_BEARER_TOKEN_BEDROCK", "~/.aider.conf.yml AWS_BEARER_TOKEN_BEDROCK"}},
		keyAnthropic: {assets.Anthropic, "key shape", "", "", []string{
			"~/src/project/.env ANTHROPIC_API_KEY", "~/.local/share/opencode/auth.json anthropic", "~/.aider.conf.yml anthropic-api-key"}},
		keyGemini:      {assets.Google, "key shape", "", "", []string{"~/src/project/.env GOOGLE_API_KEY", "~/.config/io.datasette.llm/keys.json gemini"}},
		keyGemini2:     {assets.Google, "key shape", "", "", []string{"~/.aider.conf.yml api-key gemini", "~/.gemini/.env GEMINI_API_KEY"}},
		keyAnthropic2:  {assets.Anthropic, "key shape", "", "", []string{"~/.bashrc ANTHROPIC_API_KEY"}},
		keyOpenRouter:  {assets.Other, "key shape", "https://openrouter.ai/api/v1", "", []string{"~/.config/io.datasette.llm/keys.json openrouter", "~/.aider.conf.yml api-key openrouter"}},
		keyOpenRouter2: {assets.Other, "key shape", "https://openrouter.ai/api/v1", "", []string{"~/.local/share/opencode/auth.json openrouter"}},
		keyGroq:        {assets.Other, "key shape", "https://api.groq.com/openai/v1", "", []string{"~/.local/share/crush/crush.json groq", "~/.config/mods/mods.yml groq"}},
		keyLocal:       {assets.Other, "unknown", "http://localhost:11434/v1", "", []string{"~/.local/share/crush/crush.json local-llama"}},
		keyOAuth:       {assets.Anthropic, "key shape", "", "", []string{"~/.local/share/crush/crush.json anthropic"}},
		keyOpenAI2:     {assets.OpenAI, "key shape", "https://api.openai.com/v1", "", []string{"~/.aider.conf.yml openai-api-key", "~/.codex/auth.json OPENAI_API_KEY"}},
		keyAWSSecret:   {assets.AWS, "provider", "", "us-east-1", []string{"~/.aws/credentials profile default"}},
		keyAWSSecret2:  {assets.AWS, "provider", "", "eu-west-1", []string{"~/.aws/credentials profile work"}},
		keyAWSSecret3:  {assets.AWS, "provider", "", "", []string{"~/.aws/credentials profile temp"}},
	}
	for secret, w := range tests {
		c, ok := got[secret]
		require.True(t, ok, "not found: %s", w.sources)
		require.Equal(t, w.typ, c.Type, w.sources)
		require.Equal(t, w.typeFrom, c.TypeFrom, w.sources)
		require.Equal(t, w.endpoint, c.Endpoint, w.sources)
		require.Equal(t, w.region, c.Region, w.sources)
		require.ElementsMatch(t, w.sources, sources(c))
		require.Equal(t, input.Fingerprint(secret), c.Fingerprint)
	}
	require.Len(t, r.Candidates, len(tests), "placeholders, references and OAuth entries are not candidates")

	// The order is the scan order: the environment first.
	require.Equal(t, "environment OPENAI_API_KEY", r.Candidates[0].Source())
	// AWS keys come with their access key ID; temporary ones say so.
	require.Equal(t, keyAKID2, got[keyAWSSecret2].Credentials().Key)
	require.Equal(t, input.Fingerprint(keyAKID2), got[keyAWSSecret2].KeyFingerprint)
	require.True(t, got[keyAWSSecret3].SessionToken)
	require.False(t, got[keyAWSSecret].SessionToken)
	// An OAuth token found where an API key belongs is flagged.
	require.True(t, got[keyOAuth].Unsupported)
	require.Equal(t, "anthropic-oauth", got[keyOAuth].ShapeID)
	require.NotEmpty(t, got[keyOAuth].Note)
}

func TestScanTypeGuesses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		environ  []string
		typ      assets.AIType
		typeFrom string
		endpoint string
	}{
		{"gateway key under OPENAI_API_KEY", []string{"OPENAI_API_KEY=" + keyLocal}, assets.OpenAI, "variable name", ""},
		{"OpenAI variable pointing at Ollama", []string{"OPENAI_API_KEY=" + keyLocal, "OPENAI_BASE_URL=http://localhost:11434/v1"}, assets.Other, "endpoint", "http://localhost:11434/v1"},
		{"old base variable", []string{"OPENAI_API_KEY=" + keyLocal, "OPENAI_API_BASE=https://gw.example.com/v1"}, assets.Other, "endpoint", "https://gw.example.com/v1"},
		{"OpenRouter key under OPENAI_API_KEY", []string{"OPENAI_API_KEY=" + keyOpenRouter}, assets.Other, "key shape", "https://openrouter.ai/api/v1"},
		{"OpenAI key with a corporate gateway", []string{"OPENAI_API_KEY=" + keyOpenAI, "OPENAI_BASE_URL=https://llm.corp.example/v1"}, assets.OpenAI, "key shape", "https://llm.corp.example/v1"},
		{"OpenRouter variable", []string{"OPENROUTER_API_KEY=" + keyLocal, "OPENROUTER_BASE_URL=https://openrouter.ai/api/v1"}, assets.Other, "variable name", "https://openrouter.ai/api/v1"},
		{"endpoint reference dropped", []string{"ANTHROPIC_API_KEY=" + keyAnthropic, "ANTHROPIC_BASE_URL=${PROXY}"}, assets.Anthropic, "key shape", ""},
		{"endpoint not a URL dropped", []string{"ANTHROPIC_API_KEY=" + keyAnthropic, "ANTHROPIC_BASE_URL=localhost:8080"}, assets.Anthropic, "key shape", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := Scan(Options{Environ: tt.environ, Kinds: []string{KindEnv}})
			require.Len(t, r.Candidates, 1)
			c := r.Candidates[0]
			require.Equal(t, tt.typ, c.Type)
			require.Equal(t, tt.typeFrom, c.TypeFrom)
			require.Equal(t, tt.endpoint, c.Endpoint)
		})
	}
}

func TestScanSkipsWhatIsNotAKey(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"", "ollama", "your-api-key-here", "sk-...abcd1234efgh", "$OPENAI", "${OPENAI}", "$(pass openai)", "xxxxxxxxxxxxxxxx", "sk-proj-Ab3 Ab3Ab3Ab3Ab3", "AKIAIOSFODNN7EXAMPLE"} {
		r := Scan(Options{Environ: []string{"OPENAI_API_KEY=" + v}, Kinds: []string{KindEnv}})
		require.Empty(t, r.Candidates, "%q", v)
	}
	// Surrounding quotes and spaces are cleaned, as when pasting.
	r := Scan(Options{Environ: []string{"OPENAI_API_KEY= '" + keyOpenAI + "' "}, Kinds: []string{KindEnv}})
	require.Len(t, r.Candidates, 1)
	require.Equal(t, keyOpenAI, r.Candidates[0].Credentials().Secret)
}

func TestScanKindsAndExtra(t *testing.T) {
	t.Parallel()
	home, cwd := machine(t)
	extra := write(t, t.TempDir(), "team.env", "GEMINI_API_KEY="+keyGemini2+"\n")
	opts := Options{Environ: []string{"OPENAI_API_KEY=" + keyOpenAI}, Home: home, Cwd: cwd, GOOS: "linux"}

	kinds := func(r Result) map[string]bool {
		out := map[string]bool{}
		for _, c := range r.Candidates {
			for _, l := range c.Locations {
				out[l.Kind] = true
			}
		}
		return out
	}
	opts.Kinds = []string{KindEnv}
	require.Equal(t, map[string]bool{"env": true}, kinds(Scan(opts)))
	opts.Kinds = []string{"aws"}
	require.Equal(t, map[string]bool{"aws": true}, kinds(Scan(opts)))
	opts.Kinds = []string{"shell"}
	require.Equal(t, map[string]bool{"shell": true}, kinds(Scan(opts)))
	opts.Kinds = []string{"dotenv"}
	opts.Extra = []string{extra, "missing.env"}
	r := Scan(opts)
	require.Equal(t, map[string]bool{"dotenv": true}, kinds(r))
	require.Contains(t, sources(bySecret(r.Candidates)[keyGemini2]), extra+" GEMINI_API_KEY")
	require.Empty(t, r.Problems, "a missing file is not a problem")
}

func TestScanPathVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rel     string
		environ func(home string) []string
		goos    string
		found   bool
	}{
		{"llm on macOS", "Library/Application Support/io.datasette.llm/keys.json", nil, "darwin", true},
		{"llm macOS path on Linux", "Library/Application Support/io.datasette.llm/keys.json", nil, "linux", false},
		{"llm XDG on Linux", "xdg/io.datasette.llm/keys.json", func(h string) []string { return []string{"XDG_CONFIG_HOME=" + h + "/xdg"} }, "linux", true},
		{"llm XDG ignored on macOS", "xdg/io.datasette.llm/keys.json", func(h string) []string { return []string{"XDG_CONFIG_HOME=" + h + "/xdg"} }, "darwin", false},
		{"LLM_USER_PATH", "llmdata/keys.json", func(h string) []string { return []string{"LLM_USER_PATH=" + h + "/llmdata"} }, "darwin", true},
		{"relative XDG ignored", "xdg/io.datasette.llm/keys.json", func(h string) []string { return []string{"XDG_CONFIG_HOME=xdg"} }, "linux", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			plant(t, home, tt.rel, "llm_keys.json")
			var env []string
			if tt.environ != nil {
				env = tt.environ(home)
			}
			r := Scan(Options{Environ: env, Home: home, Cwd: home, GOOS: tt.goos, Kinds: []string{"tools"}})
			_, ok := bySecret(r.Candidates)[keyOpenRouter]
			require.Equal(t, tt.found, ok)
		})
	}
}

func TestScanNeverModifiesFiles(t *testing.T) {
	t.Parallel()
	home, cwd := machine(t)
	snapshot := func() map[string]string {
		out := map[string]string{}
		require.NoError(t, filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
			require.NoError(t, err)
			info, err := d.Info()
			require.NoError(t, err)
			sum := ""
			if d.Type().IsRegular() {
				data, err := os.ReadFile(p)
				require.NoError(t, err)
				sum = fmt.Sprintf("%x", sha256.Sum256(data))
			}
			out[p] = fmt.Sprintf("%v %v %s", info.Mode(), info.ModTime().UnixNano(), sum)
			return nil
		}))
		return out
	}
	before := snapshot()
	Scan(Options{Home: home, Cwd: cwd, GOOS: "linux"})
	require.Equal(t, before, snapshot())
}

func TestScanSanitisesWhatItShows(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	cwd := filepath.Join(home, "evil\x1b]52;c;aGk=\x07dir")
	write(t, cwd, ".env", "OPENAI_API_KEY="+keyOpenAI+"\n")
	write(t, home, ".aws/credentials", "[\x1b[31mred\x1b[0m]\naws_access_key_id="+keyAKID+"\naws_secret_access_key="+keyAWSSecret+"\n")
	write(t, home, ".config/io.datasette.llm/keys.json", `{"`+keyGemini+`": "`+keyGemini+`"}`)
	r := Scan(Options{Home: home, Cwd: cwd, GOOS: "linux"})
	require.Len(t, r.Candidates, 3)
	for _, c := range r.Candidates {
		for _, l := range c.Locations {
			for _, s := range []string{l.Source, l.Path, l.Entry} {
				require.NotContains(t, s, "\x1b")
				require.NotContains(t, s, "\x07")
			}
		}
	}
	got := bySecret(r.Candidates)
	require.Equal(t, []string{"~/.aws/credentials profile red"}, sources(got[keyAWSSecret]))
	// An alias that is the key itself is redacted.
	requireNoPiece(t, got[keyGemini].Source(), keyGemini)
}

func TestCandidateNeverPrintsTheSecret(t *testing.T) {
	t.Parallel()
	home, cwd := machine(t)
	r := Scan(Options{Environ: []string{"OPENAI_API_KEY=" + keyOpenAI}, Home: home, Cwd: cwd, GOOS: "linux"})
	require.NotEmpty(t, r.Candidates)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		for _, v := range []any{r, r.Candidates, r.Candidates[0], &r.Candidates[0], r.Candidates[0].Credentials()} {
			out := fmt.Sprintf(verb, v)
			if verb != "%d" || v != any(r.Candidates[0].Credentials()) { // store.Credentials has no Format: %d shows its fields (reported)
				requireNoPiece(t, out, allSecrets...)
			}
		}
	}
	out, err := json.Marshal(r)
	require.NoError(t, err)
	requireNoPiece(t, string(out), allSecrets...)
	require.Contains(t, r.Candidates[0].String(), "sk-proj-…")
}

func TestMarkHeld(t *testing.T) {
	t.Parallel()
	r := Scan(Options{Environ: []string{"OPENAI_API_KEY=" + keyOpenAI, "ANTHROPIC_API_KEY=" + keyAnthropic, "GEMINI_API_KEY=short123"}, Kinds: []string{KindEnv}})
	require.Len(t, r.Candidates, 3)
	r.MarkHeld([]string{input.Fingerprint(keyOpenAI), "", "••••"})
	held := map[string]bool{}
	for _, c := range r.Candidates {
		held[c.Credentials().Secret] = c.Held
	}
	require.Equal(t, map[string]bool{keyOpenAI: true, keyAnthropic: false, "short123": false}, held)
}
