//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// countProcesses counts running processes whose command name is one of names.
func countProcesses(t *testing.T, names ...string) int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	n := 0
	for _, e := range entries {
		comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		if err != nil {
			continue
		}
		for _, name := range names {
			if strings.TrimSpace(string(comm)) == name {
				n++
			}
		}
	}
	return n
}

// TestStartupWithoutDBus is the SSH/headless case of keyring.md §1.2: no
// session bus, but dbus-launch installed, where 99designs/keyring's init()
// would spawn (and leak) a dbus-daemon per process. The dbusguard package
// must prevent that, and start-up must stay well under a second.
func TestStartupWithoutDBus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	if _, err := exec.LookPath("dbus-launch"); err != nil {
		needSystem(t, "dbus-launch is not installed, so the leak this test guards against cannot happen here; .ci/run installs dbus-x11 to run it")
	}
	bin := fbllmBinary(t)
	dir := t.TempDir()
	env := e2eEnv(dir) // no DBUS_SESSION_BUS_ADDRESS, empty XDG_RUNTIME_DIR

	before := countProcesses(t, "dbus-daemon", "gpg-agent", "pinentry")
	for i := 0; i < 5; i++ {
		cmd := exec.Command(bin, "status", "--json")
		cmd.Env = env
		start := time.Now()
		out, err := cmd.CombinedOutput()
		elapsed := time.Since(start)
		require.NoError(t, err, string(out))
		require.Contains(t, string(out), `"backend": "file"`, "no bus: the encrypted-file keyring is chosen")
		require.Less(t, elapsed, time.Second, "start-up took %s", elapsed)
	}
	time.Sleep(200 * time.Millisecond) // a leaked daemon forks in the background
	require.Equal(t, before, countProcesses(t, "dbus-daemon", "gpg-agent", "pinentry"), "fbllm left a dbus-daemon, gpg-agent or pinentry behind")
}
