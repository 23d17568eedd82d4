//go:build unix

package keyscan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Symbolic links and FIFOs: Unix only (Windows needs privileges for links
// and has no FIFOs).
func TestScanFilesSafely(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	outside := t.TempDir()
	secretFile := write(t, outside, "stolen.json", `{"openai":"`+keyOpenAI2+`"}`)
	llmDir := filepath.Join(home, ".config", "io.datasette.llm")
	require.NoError(t, os.MkdirAll(llmDir, 0o700))
	// A link out of HOME is not followed; one inside is.
	require.NoError(t, os.Symlink(secretFile, filepath.Join(llmDir, "keys.json")))
	inHome := plant(t, home, "dotfiles/opencode.json", "opencode_auth.json")
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".local/share/opencode"), 0o700))
	require.NoError(t, os.Symlink(inHome, filepath.Join(home, ".local/share/opencode/auth.json")))
	// A dangling link is nothing.
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".codex"), 0o700))
	require.NoError(t, os.Symlink(filepath.Join(home, "gone"), filepath.Join(home, ".codex/auth.json")))
	// A FIFO would block a naive reader forever.
	require.NoError(t, syscall.Mkfifo(filepath.Join(home, ".aider.conf.yml"), 0o600))
	// A directory, a huge file, and malformed files.
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".bashrc"), 0o700))
	write(t, home, ".zshrc", strings.Repeat("# padding\n", maxFileSize/10+1))
	write(t, home, ".local/share/crush/crush.json", `{"providers": {"openai": {"api_key": "`+keyOpenAI+`"`)
	write(t, home, ".config/mods/mods.yml", "apis:\n  openai: [\n    api-key: "+keyOpenAI+"\n")

	done := make(chan Result)
	go func() { done <- Scan(Options{Home: home, Cwd: home, GOOS: "linux", Kinds: []string{"tools", "shell"}}) }()
	var r Result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the scan blocked")
	}
	problems := map[string]string{}
	for _, p := range r.Problems {
		problems[p.Path] = p.Msg
	}
	require.Equal(t, map[string]string{
		"~/.config/io.datasette.llm/keys.json": "a symbolic link to a file outside your home directory; skipped",
		"~/.aider.conf.yml":                    "not a regular file; skipped",
		"~/.bashrc":                            "not a regular file; skipped",
		"~/.zshrc":                             "larger than 1024 KiB; skipped",
		"~/.local/share/crush/crush.json":      "is not valid JSON; skipped",
		"~/.config/mods/mods.yml":              "is not valid YAML; skipped",
	}, problems)
	got := bySecret(r.Candidates)
	require.NotContains(t, got, keyOpenAI2, "the link out of HOME was followed")
	require.Contains(t, got, keyAnthropic, "the link inside HOME was not followed")
	out, err := json.Marshal(r)
	require.NoError(t, err)
	requireNoPiece(t, string(out), allSecrets...)
}
