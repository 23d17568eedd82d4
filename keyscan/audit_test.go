package keyscan

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/input"
	"github.com/stretchr/testify/require"
)

func TestAudit(t *testing.T) {
	t.Parallel()
	home, cwd := machine(t)
	elsewhere := t.TempDir()
	outsideCreds := plant(t, elsewhere, "aws-credentials", "aws_credentials")
	otherCwd := t.TempDir()
	plant(t, otherCwd, ".env", "gemini.env")
	plant(t, otherCwd, ".aider.conf.yml", "aider.conf.yml")

	environ := []string{
		"OPENAI_API_KEY=" + keyOpenAI, // the environment is not audited
		"AWS_SHARED_CREDENTIALS_FILE=" + outsideCreds,
	}
	findings, problems := Audit(Options{Environ: environ, Home: home, Cwd: cwd, GOOS: "linux", Extra: []string{outsideCreds}}, nil)
	require.Empty(t, problems)
	paths := map[string]bool{}
	for _, f := range findings {
		require.Equal(t, CodePlaintextKey, f.Code)
		require.NotEmpty(t, f.Fingerprint)
		require.True(t, f.Type.Valid())
		require.False(t, f.Held)
		paths[f.Path] = true
	}
	require.Equal(t, map[string]bool{
		"~/src/project/.env": true, "~/.gemini/.env": true, "~/.bashrc": true,
		"~/.config/io.datasette.llm/keys.json": true, "~/.local/share/opencode/auth.json": true,
		"~/.local/share/crush/crush.json": true, "~/.aider.conf.yml": true, "~/.codex/auth.json": true,
		"~/.config/mods/mods.yml": true,
	}, paths, "the AWS file outside HOME and the environment are not audited")
	// One finding per key and file, sorted by path then entry.
	require.Contains(t, findings, Finding{
		Code: CodePlaintextKey, Path: "~/.codex/auth.json", Entry: "OPENAI_API_KEY", Tool: "OpenAI Codex CLI",
		Type: assets.OpenAI, Fingerprint: input.Fingerprint(keyOpenAI2),
	})
	for i := 1; i < len(findings); i++ {
		require.LessOrEqual(t, findings[i-1].Path, findings[i].Path)
	}

	// Once fbllm holds a key, its findings say so.
	held, _ := Audit(Options{Home: home, Cwd: cwd, GOOS: "linux"}, []string{input.Fingerprint(keyOpenAI2)})
	for _, f := range held {
		require.Equal(t, f.Fingerprint == input.Fingerprint(keyOpenAI2), f.Held, f.Path)
	}

	// A project outside HOME: only its .env counts, not its other files.
	findings, _ = Audit(Options{Home: home, Cwd: otherCwd, GOOS: "linux", Kinds: []string{KindEnv}}, nil)
	var outside []string
	for _, f := range findings {
		if f.Path[0] != '~' {
			outside = append(outside, f.Path+" "+f.Entry)
		}
	}
	require.Equal(t, []string{filepath.Join(otherCwd, ".env") + " GEMINI_API_KEY"}, outside)

	out, err := json.Marshal(findings)
	require.NoError(t, err)
	requireNoPiece(t, string(out), allSecrets...)
}

func TestAuditProblemsUnderHomeOnly(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	write(t, home, ".codex/auth.json", "{not json")
	elsewhere := t.TempDir()
	write(t, elsewhere, "crush/crush.json", "{not json")
	_, problems := Audit(Options{Environ: []string{"CRUSH_GLOBAL_DATA=" + filepath.Join(elsewhere, "crush")}, Home: home, Cwd: home, GOOS: "linux"}, nil)
	require.Equal(t, []Problem{{Path: "~/.codex/auth.json", Msg: "is not valid JSON; skipped", abs: filepath.Join(home, ".codex/auth.json")}}, problems)
}
