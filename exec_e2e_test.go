//go:build linux || darwin

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/internal/secrettest"
)

// execHome is a machine with two local configurations, driven through the
// built binary without a terminal.
type execHome struct {
	t   *testing.T
	bin string
	env []string
}

const (
	execOpenAISecret    = "sk-proj-ExecEndToEndSecret0123456789T3BlbkFJabcdefghij"
	execAnthropicSecret = "sk-ant-api03-ExecEndToEndAnthropic0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345-abcdefAA"
	execPassphrase      = "exec end-to-end passphrase"
)

func newExecHome(t *testing.T) *execHome {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	dir := t.TempDir()
	h := &execHome{t: t, bin: fbllmBinary(t), env: append(e2eEnv(dir),
		"FBLLM_KEYRING_BACKEND=file", "FBLLM_KEYRING_PASSPHRASE="+execPassphrase)}
	h.mustRun("add", "--name", "OpenAI production", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "NEW_SECRET")
	return h
}

// run runs fbllm with args; NEW_SECRET carries the secret that add reads.
func (h *execHome) run(args ...string) (stdout, stderr string, err error) {
	h.t.Helper()
	cmd := exec.Command(h.bin, args...)
	cmd.Env = append(append([]string{}, h.env...), "NEW_SECRET="+execOpenAISecret, "NEW_ANTHROPIC="+execAnthropicSecret)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	secrettest.RequireAbsent(h.t, out.String()+errb.String(), execOpenAISecret, execAnthropicSecret, execPassphrase)
	return out.String(), errb.String(), err
}

func (h *execHome) mustRun(args ...string) string {
	h.t.Helper()
	out, errOut, err := h.run(args...)
	require.NoError(h.t, err, "%v: %s", args, errOut)
	return out
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestE2EExecHandsTheStoredKeyToTheProgram: the program finds exactly the
// stored secret under the provider's variable names (it prints only a
// hash), fbllm prints nothing of it, and the keyring passphrase does not
// reach the program.
func TestE2EExecHandsTheStoredKeyToTheProgram(t *testing.T) {
	h := newExecHome(t)
	h.mustRun("add", "--name", "claude", "--type", "ANTHROPIC", "--endpoint", "https://api.anthropic.com", "--secret-env", "NEW_ANTHROPIC")
	out := h.mustRun("exec", "OpenAI production", "claude", "--", "sh", "-c",
		`printf '%s' "$OPENAI_API_KEY" | sha256sum; printf '%s' "$ANTHROPIC_API_KEY" | sha256sum; `+
			`echo "base=$OPENAI_BASE_URL"; echo "anthropic=$ANTHROPIC_BASE_URL"; echo "pass=${FBLLM_KEYRING_PASSPHRASE:-unset}"; echo "new=${NEW_SECRET:+inherited}"`)
	require.Contains(t, out, sha256Hex(execOpenAISecret), "the child got the stored OpenAI secret")
	require.Contains(t, out, sha256Hex(execAnthropicSecret), "and the Anthropic one")
	require.Contains(t, out, "base=https://api.openai.com/v1")
	require.Contains(t, out, "anthropic=https://api.anthropic.com")
	require.Contains(t, out, "pass=unset", "the keyring passphrase never reaches the program")

	// The dry run names variables with fingerprints.
	out = h.mustRun("exec", "OpenAI production", "--dry-run")
	require.Contains(t, out, "OPENAI_API_KEY")
	require.Contains(t, out, "sk-proj-…")

	// Two configurations that set the same variable are a usage error.
	h.mustRun("add", "--name", "second", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "NEW_ANTHROPIC")
	_, errOut, err := h.run("exec", "OpenAI production", "second", "--", "true")
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 2, ee.ExitCode(), errOut)
	require.Contains(t, errOut, "OPENAI_API_KEY")
}

// TestE2EExecPassesTheExitStatusAndSignals: fbllm becomes the program, so
// its exit status and the signal that ends it are the program's own.
func TestE2EExecPassesTheExitStatusAndSignals(t *testing.T) {
	h := newExecHome(t)
	_, _, err := h.run("exec", "OpenAI production", "--", "sh", "-c", "exit 7")
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 7, ee.ExitCode())

	_, _, err = h.run("exec", "OpenAI production", "--", "sh", "-c", "kill -TERM $$")
	require.ErrorAs(t, err, &ee)
	ws, ok := ee.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, ws.Signaled(), "the process itself ended by the signal: no fbllm parent turned it into an exit code")
	require.Equal(t, syscall.SIGTERM, ws.Signal())

	// The same through --mask, where fbllm is the parent: the shell's
	// convention, 128+N.
	_, _, err = h.run("exec", "OpenAI production", "--mask", "--", "sh", "-c", "kill -TERM $$")
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 128+int(syscall.SIGTERM), ee.ExitCode())
	_, _, err = h.run("exec", "OpenAI production", "--mask", "--", "sh", "-c", "exit 7")
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 7, ee.ExitCode())
}

// TestE2EExecMaskHidesTheSecretInTheOutput: with --mask the program may
// print the key raw or encoded; none of it reaches fbllm's output.
func TestE2EExecMaskHidesTheSecretInTheOutput(t *testing.T) {
	h := newExecHome(t)
	// run() fails the test if any 12-character piece gets through.
	out, errOut, err := h.run("exec", "OpenAI production", "--mask", "--", "sh", "-c",
		`echo "key: $OPENAI_API_KEY"; printf '%s' "$OPENAI_API_KEY" | base64; echo "stderr: $OPENAI_API_KEY" >&2; `+
			`printf 'Authorization: Bearer %s\n' "$OPENAI_API_KEY"; echo done`)
	require.NoError(t, err, errOut)
	require.Contains(t, out, "key: [redacted]")
	require.Contains(t, out, "done", "the rest of the output is passed through")
	require.Contains(t, errOut, "stderr: [redacted]")
}

// TestE2EExecArgvHoldsNoSecret: nothing of the secret is ever on a command
// line: the program's own argv (what ps shows) is what the user typed.
func TestE2EExecArgvHoldsNoSecret(t *testing.T) {
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("no /proc on this system")
	}
	h := newExecHome(t)
	out := h.mustRun("exec", "OpenAI production", "--", "sh", "-c", `tr '\0' ' ' < /proc/$$/cmdline`)
	require.True(t, strings.HasPrefix(out, "sh -c "), out)
}
