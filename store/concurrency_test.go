package store

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/internal/dbusguard"
)

// helperEnv selects what TestHelperProcess does in a re-executed test binary.
const helperEnv = "FBLLM_STORE_HELPER"

// TestHelperProcess is not a real test. Other tests re-execute the test
// binary with -test.run=^TestHelperProcess$ and FBLLM_STORE_HELPER set, to
// get a separate process (its own init, its own file descriptors).
func TestHelperProcess(t *testing.T) {
	switch os.Getenv(helperEnv) {
	case "":
		t.Skip("helper process (set " + helperEnv + ")")
	case "add":
		helperAdd()
	case "dbus":
		fmt.Printf("%s\n%v\n", os.Getenv(dbusguard.EnvVar), keyring.AvailableBackends())
	default:
		fmt.Fprintln(os.Stderr, "unknown helper mode")
		os.Exit(2)
	}
	os.Exit(0)
}

// helperAdd adds HELPER_N configurations named "<HELPER_PREFIX>-<i>" to the
// file-backed store in HELPER_DIR, all at once with its sibling process.
func helperAdd() {
	dir, prefix := os.Getenv("HELPER_DIR"), os.Getenv("HELPER_PREFIX")
	n := 0
	if _, err := fmt.Sscan(os.Getenv("HELPER_N"), &n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s, err := Open(Options{
		ConfigDir:   filepath.Join(dir, "config"),
		DataDir:     filepath.Join(dir, "data"),
		Backend:     BackendFile,
		KDF:         testKDF,
		Env:         envMap{EnvPassphrase: testPass}.get,
		Timeout:     testTimeout,
		LockTimeout: testTimeout,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for i := range n {
		name := fmt.Sprintf("%s-%d", prefix, i)
		if _, err := s.Add(ctx, cfg(name), Credentials{Secret: "sk-" + name}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

func TestConcurrentAddsFromTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	t.Parallel()
	dir := t.TempDir()
	const n = 50
	var wg sync.WaitGroup
	errs := make([]error, 2)
	outs := make([][]byte, 2)
	for p := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), helperEnv+"=add", "HELPER_DIR="+dir,
				fmt.Sprintf("HELPER_PREFIX=proc%d", p), fmt.Sprintf("HELPER_N=%d", n))
			outs[p], errs[p] = cmd.CombinedOutput()
		}()
	}
	wg.Wait()
	for p := range 2 {
		require.NoError(t, errs[p], "process %d: %s", p, outs[p])
	}
	checkAll(t, dir, map[string]int{"proc0": n, "proc1": n})
}

func TestConcurrentAddsFromTwoGoroutines(t *testing.T) {
	t.Parallel()
	// Generous: 150 Adds are 3 s under -race, and far more on a loaded
	// 2-core machine.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	// Two Stores on the same directories (as two processes would have)
	// adding 50 each, and a third Store shared by two goroutines adding 25
	// each (calls on one file handle must be serialised: the library's
	// first unlock is a data race otherwise).
	a := fileStore(t, dir, envMap{EnvPassphrase: testPass})
	b := fileStore(t, dir, envMap{EnvPassphrase: testPass})
	shared := fileStore(t, dir, envMap{EnvPassphrase: testPass})
	workers := []struct {
		s      *Store
		prefix string
		n      int
	}{{a, "a", 50}, {b, "b", 50}, {shared, "s0", 25}, {shared, "s1", 25}}
	var wg sync.WaitGroup
	errs := make(chan error, 150)
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range w.n {
				name := fmt.Sprintf("%s-%d", w.prefix, j)
				if _, err := w.s.Add(ctx, cfg(name), Credentials{Secret: "sk-" + name}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	checkAll(t, dir, map[string]int{"a": 50, "b": 50, "s0": 25, "s1": 25})
}

// checkAll asserts the index parses and holds every expected configuration
// (n per name prefix) with readable credentials.
func checkAll(t *testing.T, dir string, want map[string]int) {
	t.Helper()
	total := 0
	for _, n := range want {
		total += n
	}
	raw, err := os.ReadFile(filepath.Join(dir, "config", "configs.json"))
	require.NoError(t, err)
	var f indexFile
	require.NoError(t, json.Unmarshal(raw, &f))
	require.Equal(t, indexVersion, f.Version)
	require.Len(t, f.Configs, total)

	s := fileStore(t, dir, envMap{EnvPassphrase: testPass})
	list, err := s.List()
	require.NoError(t, err)
	seen := map[string]bool{}
	ids := map[string]bool{}
	for _, c := range list {
		seen[c.Name] = true
		ids[c.ID] = true
	}
	require.Len(t, ids, total, "ids are unique")
	for p, n := range want {
		for i := range n {
			require.True(t, seen[fmt.Sprintf("%s-%d", p, i)], "%s-%d missing", p, i)
		}
	}
	// Items decrypt with the one passphrase (no split store). A sample is
	// enough and keeps the test affordable under -race.
	ctx := ctxT(t)
	for i := 0; i < len(list); i += 7 {
		cred, err := s.Credentials(ctx, list[i].ID)
		require.NoError(t, err)
		require.Equal(t, "sk-"+list[i].Name, cred.Secret)
	}
}

// TestDBusGuardRunsBeforeKeyring runs the test binary (which links keyring
// through this package) on a host without a session bus, with a fake
// dbus-launch first on PATH. Without the guard, keyring's init would run
// dbus-launch (leaking a daemon on real systems); with it, nothing runs.
func TestDBusGuardRunsBeforeKeyring(t *testing.T) {
	if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
		t.Skip("this host has a session bus at /run/user/<uid>/bus")
	}
	if runtime.GOOS != "linux" {
		t.Skip("keyring only talks to D-Bus on linux")
	}
	t.Parallel()
	dir := t.TempDir()
	marker := filepath.Join(dir, "dbus-launch-ran")
	script := "#!/bin/sh\n: > " + marker + "\nexit 1\n" // PATH holds only dir: use a builtin
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dbus-launch"), []byte(script), 0o755))

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = []string{helperEnv + "=dbus", "PATH=" + dir, "HOME=" + dir, "XDG_RUNTIME_DIR=" + filepath.Join(dir, "rt")}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.NoFileExists(t, marker, "keyring's init ran dbus-launch: the guard did not run first")
	require.Equal(t, dbusguard.Disabled, lines[0])
	require.NotContains(t, lines[1], "secret-service")
}
