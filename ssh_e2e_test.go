//go:build linux

package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/internal/secrettest"
)

// sshServer is a throw-away OpenSSH server on 127.0.0.1: its own host key,
// one authorized client key, no passwords, no PAM.
type sshServer struct {
	port      int
	clientKey string
	dir       string
}

// startSSHD starts sshd for the test, or skips with the reason.
func startSSHD(t *testing.T) *sshServer {
	t.Helper()
	const sshd = "/usr/sbin/sshd"
	if _, err := os.Stat(sshd); err != nil {
		needSystem(t, "openssh-server is not installed; .ci/run installs it to run the SSH end-to-end test")
	}
	if _, err := exec.LookPath("ssh"); err != nil {
		needSystem(t, "the ssh client is not installed; .ci/run installs it to run the SSH end-to-end test")
	}
	if os.Geteuid() != 0 {
		needSystem(t, "sshd needs root to start a login session; .ci/run runs as root")
	}
	dir := t.TempDir()
	for _, k := range []string{"host_key", "client_key"} {
		out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, k)).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	pub, err := os.ReadFile(filepath.Join(dir, "client_key.pub"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "authorized_keys"), pub, 0o600))
	require.NoError(t, os.MkdirAll("/run/sshd", 0o755)) // privilege separation directory

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())

	cfg := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %[2]s/host_key
AuthorizedKeysFile %[2]s/authorized_keys
PidFile %[2]s/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PrintMotd no
PrintLastLog no
X11Forwarding no
LogLevel ERROR
`, port, dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sshd_config"), []byte(cfg), 0o600))
	cmd := exec.Command(sshd, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	var log strings.Builder
	cmd.Stderr = &log
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("sshd log:\n%s", log.String())
		}
	})

	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not listen on %d: %v", port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return &sshServer{port: port, clientKey: filepath.Join(dir, "client_key"), dir: dir}
}

// sshArgs builds an ssh command line running remote on the server.
func (s *sshServer) sshArgs(tty bool, remote string) []string {
	args := []string{"-p", fmt.Sprint(s.port), "-i", s.clientKey,
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-o", "LogLevel=ERROR"}
	if tty {
		args = append(args, "-tt")
	} else {
		args = append(args, "-T")
	}
	return append(args, "root@127.0.0.1", remote)
}

// run runs a remote command without a terminal and returns its output.
func (s *sshServer) run(t *testing.T, remote, stdin string) (string, error) {
	t.Helper()
	cmd := exec.Command("ssh", s.sshArgs(false, remote)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// remoteEnv is the environment fbllm gets inside the SSH session: a scratch
// home, no D-Bus session and no keyring passphrase — the bastion case.
func remoteEnv(home string) string {
	return fmt.Sprintf("env -u DBUS_SESSION_BUS_ADDRESS HOME=%[1]s XDG_RUNTIME_DIR=%[1]s/run FBLLM_CONFIG_DIR=%[1]s/config FBLLM_DATA_DIR=%[1]s/data", home)
}

func TestSSHFirstRunResizeCacheAndCopy(t *testing.T) {
	if testing.Short() {
		t.Skip("runs sshd and the built binary; skipped with -short")
	}
	srv := startSSHD(t)
	bin := fbllmBinary(t)
	home := t.TempDir()
	env := remoteEnv(home)
	const secret = "sk-proj-SshSecretValue0123456T3BlbkFJabcdefghijKLMNOP"
	const pass = "bastion passphrase 7"
	before := countProcesses(t, "dbus-daemon", "gpg-agent", "pinentry")

	// Start-up inside the SSH session, timed there (the ssh handshake
	// around it varies more than fbllm itself).
	out, err := srv.run(t, fmt.Sprintf(`a=$(date +%%s%%N); %s %s status --json >/dev/null; b=$(date +%%s%%N); echo $(( (b-a)/1000 ))`, env, bin), "")
	require.NoError(t, err, out)
	var micros int64
	_, err = fmt.Sscan(strings.TrimSpace(out), &micros)
	require.NoError(t, err, out)
	startup := time.Duration(micros) * time.Microsecond
	t.Logf("fbllm status inside SSH: %s from exec to exit", startup)
	require.Less(t, startup, time.Second)
	out, err = srv.run(t, env+" "+bin+" status --json", "")
	require.NoError(t, err, out)
	require.Contains(t, out, `"backend": "file"`, "no D-Bus session over SSH: the encrypted file")

	// Session 1: the first-run flow in a real terminal through ssh -tt.
	cmd := exec.Command("ssh", srv.sshArgs(true, env+" "+bin)...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	term := startCommandTerminal(t, cmd, 80, 24)
	term.waitFor("Where should configurations live?")
	term.waitFor("encrypted file")
	term.send("\r")
	term.waitFor("Choose a keyring passphrase")
	term.typeSlowly(pass)
	term.send("\t")
	term.typeSlowly(pass)
	term.send("\t") // to the "remember" checkbox
	term.send(" ")  // opt in
	term.waitFor("[x] Remember for 1 hour")
	term.send("\r")
	term.waitFor("AI LLM type")
	term.send("\r") // OPENAI
	term.waitFor("Configuration name")
	term.typeSlowly("ssh te")
	term.waitFor("ssh te")

	// Resize mid-form: the pty change reaches ssh as SIGWINCH, travels as
	// an SSH window-change, and fbllm must reflow without losing input.
	term.resize(100, 30)
	term.waitForFunc("the 100×30 layout (the footer on row 30)", func(screen string) bool {
		rows := strings.Split(screen, "\n")
		return len(rows) >= 30 && strings.Contains(rows[29], "esc back")
	})
	term.typeSlowly("st")
	term.waitFor("ssh test")
	term.send("\r")
	term.waitFor("API endpoint")
	term.send("\r") // OpenAI asks no key
	openai, _ := assets.PresetFor(assets.OpenAI)
	term.waitFor(openai.Secret.Description[:30])
	term.send("\x1b[200~Bearer " + secret + "\n\x1b[201~")
	term.waitFor("Bearer")
	term.send("\r")
	term.waitFor("Review")
	term.send("\r")
	term.waitFor("Saved “ssh test”")
	term.waitFor("(unlocked, remembered)")
	term.send("c") // copy the id: OSC 52, to the terminal at the far end of SSH
	term.waitFor("(via terminal)")
	term.send("q")
	require.NoError(t, term.wait(), term.screen())

	term.mu.Lock()
	frames, raw := append([]string(nil), term.frames...), term.raw.String()
	term.mu.Unlock()
	for _, piece := range secrettest.Pieces(secret) {
		require.NotContains(t, raw, piece, "the secret crossed the SSH channel")
		for i, f := range frames {
			require.NotContains(t, f, piece, "frame %d shows the secret", i)
		}
	}
	require.NotContains(t, raw, pass, "the passphrase was echoed")

	// Session 2, another SSH login: the remembered passphrase unlocks the
	// keyring without asking (there is no terminal to ask on here).
	out, err = srv.run(t, env+" "+bin+" list --json", "")
	require.NoError(t, err, out)
	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &list), out)
	require.Len(t, list, 1)
	id := list[0]["id"].(string)
	require.Contains(t, raw, "\x1b]52;c;"+base64.StdEncoding.EncodeToString([]byte(id)), "the id was copied with OSC 52")

	out, err = srv.run(t, env+" "+bin+" status --json", "")
	require.NoError(t, err, out)
	var status struct { // the part of `fbllm status --json` this test reads
		Keyring struct {
			Locked          bool `json:"locked"`
			PassphraseCache *struct {
				Active bool `json:"active"`
			} `json:"passphraseCache"`
		} `json:"keyring"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &status), out)
	require.False(t, status.Keyring.Locked, "unlocked by the remembered passphrase")
	require.NotNil(t, status.Keyring.PassphraseCache)
	require.True(t, status.Keyring.PassphraseCache.Active)

	const rotated = "sk-proj-SshRotatedSecret0123456T3BlbkFJzyxwvutsrqpo"
	out, err = srv.run(t, env+" "+bin+" edit 'ssh test' --secret-stdin", rotated+"\n")
	require.NoError(t, err, "rotating in a second session needs no passphrase: %s", out)

	// After `fbllm lock`, the next session has to ask again, and without a
	// terminal it cannot: the cache, not something else, did the unlocking.
	out, err = srv.run(t, env+" "+bin+" lock", "")
	require.NoError(t, err, out)
	out, err = srv.run(t, env+" "+bin+" edit 'ssh test' --secret-stdin", rotated+"\n")
	require.Error(t, err)
	require.Contains(t, out, "[keyring.locked]")

	time.Sleep(200 * time.Millisecond) // a leaked daemon forks in the background
	require.Equal(t, before, countProcesses(t, "dbus-daemon", "gpg-agent", "pinentry"),
		"the SSH sessions left a dbus-daemon, gpg-agent or pinentry behind")
}

func TestSSHDumbTerminalGetsMaskedAccessiblePrompts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs sshd and the built binary; skipped with -short")
	}
	srv := startSSHD(t)
	bin := fbllmBinary(t)
	cmd := exec.Command("ssh", srv.sshArgs(true, remoteEnv(t.TempDir())+" "+bin)...)
	cmd.Env = append(os.Environ(), "TERM=dumb") // ssh forwards TERM to the remote pty
	driveAccessibleFirstRun(t, startCommandTerminal(t, cmd, 100, 40))
}
