//go:build linux || darwin

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/internal/secrettest"
)

// builtBinary is the fbllm binary built once for the end-to-end tests.
var (
	buildOnce sync.Once
	builtPath string
	buildErr  error
)

func fbllmBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "fbllm-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		builtPath = filepath.Join(dir, "fbllm")
		out, err := exec.Command("go", "build", "-o", builtPath, ".").CombinedOutput()
		if err != nil {
			buildErr = &buildFailure{out: string(out), err: err}
		}
	})
	if buildErr != nil {
		t.Fatalf("build fbllm: %v", buildErr)
	}
	return builtPath
}

type buildFailure struct {
	out string
	err error
}

func (b *buildFailure) Error() string { return b.err.Error() + "\n" + b.out }

// terminal is a PTY running fbllm, read through a vt emulator. Every state
// of the screen the test observes is kept, so it can check that a secret
// never appeared in any of them.
type terminal struct {
	t      *testing.T
	mu     sync.Mutex
	emu    *vt.Emulator
	ptmx   *os.File
	cmd    *exec.Cmd
	frames []string
	raw    strings.Builder
}

func startTerminal(t *testing.T, env []string, w, h int, args ...string) *terminal {
	t.Helper()
	cmd := exec.Command(fbllmBinary(t), args...)
	cmd.Env = env
	return startCommandTerminal(t, cmd, w, h)
}

// startCommandTerminal runs cmd as the controlling process of a new
// pseudo-terminal (so a resize reaches it as SIGWINCH).
func startCommandTerminal(t *testing.T, cmd *exec.Cmd, w, h int) *terminal {
	t.Helper()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		needSystem(t, "no pseudo-terminal available: "+err.Error())
	}
	term := &terminal{t: t, emu: vt.NewEmulator(w, h), ptmx: ptmx, cmd: cmd}
	go func() { // program output → emulator
		buf := make([]byte, 32*1024)
		for {
			n, err := ptmx.Read(buf)
			if n > 0 {
				term.mu.Lock()
				term.raw.Write(buf[:n])
				_, _ = term.emu.Write(buf[:n])
				term.frames = append(term.frames, term.emu.String())
				term.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { _, _ = io.Copy(ptmx, term.emu) }() // emulator replies → program
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = ptmx.Close()
		_ = term.emu.InputPipe().(io.Closer).Close()
	})
	return term
}

func (term *terminal) screen() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.emu.String()
}

// waitFor polls the screen for text instead of sleeping a fixed time.
func (term *terminal) waitFor(text string) {
	term.t.Helper()
	term.waitForFunc(fmt.Sprintf("%q", text), func(s string) bool { return strings.Contains(s, text) })
}

// waitForFunc polls the screen until ok accepts it.
func (term *terminal) waitForFunc(what string, ok func(screen string) bool) {
	term.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if ok(term.screen()) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	term.t.Fatalf("screen never showed %s; screen:\n%s", what, term.screen())
}

// resize changes the terminal size as a window manager would: the pty (the
// program gets SIGWINCH) and the emulator that draws it.
func (term *terminal) resize(w, h int) {
	term.t.Helper()
	term.mu.Lock()
	term.emu.Resize(w, h)
	term.mu.Unlock()
	require.NoError(term.t, pty.Setsize(term.ptmx, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)}))
}

func (term *terminal) send(s string) {
	term.t.Helper()
	_, err := term.ptmx.Write([]byte(s))
	require.NoError(term.t, err)
}

// typeSlowly types like a person, one key per write, so the program sees
// keys and not a paste.
func (term *terminal) typeSlowly(s string) {
	for _, r := range s {
		term.send(string(r))
		time.Sleep(5 * time.Millisecond)
	}
}

func (term *terminal) wait() error {
	done := make(chan error, 1)
	go func() { done <- term.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		_ = term.cmd.Process.Kill()
		return os.ErrDeadlineExceeded
	}
}

// e2eEnv is a clean environment: its own HOME, config and data dirs, no
// D-Bus session and no keyring passphrase, like a first run over SSH.
func e2eEnv(dir string) []string {
	return []string{
		"HOME=" + dir,
		"PATH=" + os.Getenv("PATH"),
		"TERM=xterm-256color",
		"XDG_RUNTIME_DIR=" + filepath.Join(dir, "run"),
		"FBLLM_CONFIG_DIR=" + filepath.Join(dir, "config"),
		"FBLLM_DATA_DIR=" + filepath.Join(dir, "data"),
	}
}

func TestE2EFirstRunInAPseudoTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	dir := t.TempDir()
	env := e2eEnv(dir)
	const secret = "sk-proj-E2eSecretValue0123T3BlbkFJabcdefghijKLMNOP"
	const pass = "e2e passphrase 42"

	term := startTerminal(t, env, 80, 24)
	term.waitFor("Where should configurations live?")
	term.waitFor("encrypted file")
	term.send("\r")
	term.waitFor("Choose a keyring passphrase")
	term.typeSlowly(pass)
	term.send("\r")
	term.typeSlowly(pass)
	term.send("\r")
	term.waitFor("AI LLM type")
	term.send("\r") // OPENAI
	term.waitFor("Configuration name")
	term.typeSlowly("e2e openai")
	term.send("\r")
	term.waitFor("API endpoint")
	term.send("\r") // keep the prefilled default; OpenAI asks no key
	openai, _ := assets.PresetFor(assets.OpenAI)
	term.waitFor(openai.Secret.Label)
	term.send("\x1b[200~Bearer " + secret + "\n\x1b[201~")
	term.waitFor("Bearer")
	term.send("\r")
	term.waitFor("Review")
	term.send("\r")
	term.waitFor("Saved “e2e openai”")
	term.waitFor("(unlocked)")
	term.send("q")
	require.NoError(t, term.wait(), term.screen())

	term.mu.Lock()
	frames := append([]string(nil), term.frames...)
	raw := term.raw.String()
	term.mu.Unlock()
	for _, piece := range secrettest.Pieces(secret) {
		require.NotContains(t, raw, piece, "the raw terminal output contains the secret")
		for i, f := range frames {
			require.NotContains(t, f, piece, "frame %d shows the secret", i)
		}
		require.NotContains(t, raw, pass, "the passphrase was echoed")
	}

	// The config is listed by the CLI, and no file holds the secret in clear.
	cmd := exec.Command(fbllmBinary(t), "list", "--json")
	cmd.Env = env
	out, err := cmd.Output()
	require.NoError(t, err)
	var list []map[string]any
	require.NoError(t, json.Unmarshal(out, &list))
	require.Len(t, list, 1)
	require.Equal(t, "e2e openai", list[0]["name"])
	require.Equal(t, "https://api.openai.com/v1", list[0]["endpoint"])
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, piece := range secrettest.Pieces(secret) {
			require.NotContains(t, string(b), piece, "%s holds the secret in clear", p)
		}
		return nil
	})
}

func TestE2EAccessibleModeMasksSecretsAndCancels(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	dir := t.TempDir()
	term := startTerminal(t, append(e2eEnv(dir), "FBLLM_ACCESSIBLE=1"), 100, 40)
	driveAccessibleFirstRun(t, term)
}

// driveAccessibleFirstRun answers the accessible first-run prompts, cancels
// at the menu with ctrl+c, and checks that neither the secret nor the
// passphrase was echoed and that the exit code is 130.
func driveAccessibleFirstRun(t *testing.T, term *terminal) {
	t.Helper()
	const secret = "sk-proj-AccessibleSecret0123T3BlbkFJabcdefghijKLMN"
	const pass = "accessible passphrase"
	term.waitFor("Where should configurations live?")
	term.waitFor("On this machine: secrets go to")
	term.send("1\r")
	term.waitFor("Choose a keyring passphrase")
	term.send(pass + "\r")
	term.waitFor("Repeat the passphrase")
	term.send(pass + "\r")
	term.waitFor("Enter a number between 1 and 5")
	term.send("1\r")
	term.waitFor("Configuration name")
	term.send("accessible\r")
	term.waitFor("Enter keeps https://api.openai.com/v1")
	term.send("\r") // keep the default; OpenAI asks no key
	openai, _ := assets.PresetFor(assets.OpenAI)
	term.waitFor(openai.Secret.Label + " (typing is hidden)")
	term.send("Bearer " + secret + "\r")
	term.waitFor("Review:")
	term.waitFor("Endpoint  https://api.openai.com/v1")
	term.waitFor("Test the connection first")
	term.send("1\r") // Save
	term.waitFor("What next?")
	term.send("\x03") // ctrl+c at a prompt
	term.waitFor("Cancelled.")
	err := term.wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 130, ee.ExitCode(), "cancelled")

	term.mu.Lock()
	raw := term.raw.String()
	term.mu.Unlock()
	for _, piece := range secrettest.Pieces(secret) {
		require.NotContains(t, raw, piece, "accessible mode echoed the secret")
	}
	require.NotContains(t, raw, pass, "accessible mode echoed the passphrase")
}

func TestE2ENoColorKeepsEverythingButColour(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	term := startTerminal(t, append(e2eEnv(t.TempDir()), "NO_COLOR=1"), 80, 24)
	term.waitFor("Where should configurations live?")
	term.waitFor("› Keep it on this machine") // the selection is a marker, not a colour
	term.waitFor("(locked)")
	term.send("q")
	require.NoError(t, term.wait())
	term.mu.Lock()
	raw := term.raw.String()
	term.mu.Unlock()
	for _, m := range sgrRe.FindAllStringSubmatch(raw, -1) {
		for _, p := range strings.Split(m[1], ";") {
			if n, err := strconv.Atoi(p); err == nil && (n >= 30 && n <= 48 || n >= 90 && n <= 107) {
				t.Fatalf("NO_COLOR output contains the colour sequence %q", m[0])
			}
		}
	}
}

// sgrRe matches Select Graphic Rendition sequences (ESC [ params m).
var sgrRe = regexp.MustCompile(`\x1b\[([0-9;]*)m`)

func TestE2ECtrlCInTheFormExits130(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	dir := t.TempDir()
	env := append(e2eEnv(dir), "FBLLM_KEYRING_PASSPHRASE=ctrl-c passphrase")
	term := startTerminal(t, env, 80, 24, "add")
	term.waitFor("AI LLM type")
	term.send("\r")
	term.waitFor("Configuration name")
	term.typeSlowly("half")
	term.send("\x03")
	err := term.wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "screen:\n%s", term.screen())
	require.Equal(t, 130, ee.ExitCode(), "cancelled")
	_, statErr := os.Stat(filepath.Join(dir, "config", "configs.json"))
	require.True(t, os.IsNotExist(statErr) || !strings.Contains(readFile(t, filepath.Join(dir, "config", "configs.json")), "half"), "nothing was saved")
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return string(b)
}
