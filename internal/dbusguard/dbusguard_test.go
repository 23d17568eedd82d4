package dbusguard

import (
	"bufio"
	"go/parser"
	"go/token"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	const runUser = "/run/user/1000"
	tests := []struct {
		name        string
		in          Input
		sockets     []string // paths that exist
		answering   map[string]bool
		wantAfter   string
		wantChanged bool
		wantProbed  []string
	}{
		{
			name:        "unset and no socket disables",
			in:          Input{UID: 1000},
			wantAfter:   Disabled,
			wantChanged: true,
		},
		{
			name:        "autolaunch is treated as unset",
			in:          Input{Address: "autolaunch:", UID: 1000},
			wantAfter:   Disabled,
			wantChanged: true,
		},
		{
			name:        "unset with a live socket under XDG_RUNTIME_DIR pins it",
			in:          Input{RuntimeDir: "/tmp/rt", UID: 1000},
			sockets:     []string{"/tmp/rt/bus"},
			answering:   map[string]bool{"unix:path=/tmp/rt/bus": true},
			wantAfter:   "unix:path=/tmp/rt/bus",
			wantChanged: true,
			wantProbed:  []string{"unix:path=/tmp/rt/bus"},
		},
		{
			name:        "unset falls back to /run/user/uid",
			in:          Input{RuntimeDir: "/tmp/rt", UID: 1000},
			sockets:     []string{runUser + "/bus"},
			answering:   map[string]bool{"unix:path=" + runUser + "/bus": true},
			wantAfter:   "unix:path=" + runUser + "/bus",
			wantChanged: true,
			wantProbed:  []string{"unix:path=" + runUser + "/bus"},
		},
		{
			name:        "unset with a dead socket disables",
			in:          Input{UID: 1000},
			sockets:     []string{runUser + "/bus"},
			wantAfter:   Disabled,
			wantChanged: true,
			wantProbed:  []string{"unix:path=" + runUser + "/bus"},
		},
		{
			name:       "set and answering is kept",
			in:         Input{Address: "unix:path=/run/user/1000/bus", UID: 1000},
			answering:  map[string]bool{"unix:path=/run/user/1000/bus": true},
			wantAfter:  "unix:path=/run/user/1000/bus",
			wantProbed: []string{"unix:path=/run/user/1000/bus"},
		},
		{
			name:        "set but silent is disabled",
			in:          Input{Address: "unix:abstract=/tmp/dbus-x,guid=1", UID: 1000},
			wantAfter:   Disabled,
			wantChanged: true,
			wantProbed:  []string{"unix:abstract=/tmp/dbus-x,guid=1"},
		},
		{
			name:      "already disabled is left alone",
			in:        Input{Address: Disabled, UID: 1000},
			wantAfter: Disabled,
		},
		{
			name:      "tcp address is not probed",
			in:        Input{Address: "tcp:host=localhost,port=1234", UID: 1000},
			wantAfter: "tcp:host=localhost,port=1234",
		},
		{
			name:      "address list is not probed",
			in:        Input{Address: "unix:path=/a;unix:path=/b", UID: 1000},
			wantAfter: "unix:path=/a;unix:path=/b",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var probed []string
			exists := func(p string) bool {
				for _, s := range tt.sockets {
					if s == p {
						return true
					}
				}
				return false
			}
			answers := func(a string) bool { probed = append(probed, a); return tt.answering[a] }
			got := Decide(tt.in, exists, answers)
			require.Equal(t, tt.wantAfter, got.After)
			require.Equal(t, tt.wantChanged, got.Changed)
			require.Equal(t, tt.in.Address, got.Before)
			require.Equal(t, tt.wantProbed, probed)
			require.NotEmpty(t, got.Reason)
		})
	}
}

func TestUnixSocketName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		want string
		ok   bool
	}{
		{"unix:path=/run/user/1000/bus", "/run/user/1000/bus", true},
		{"unix:path=/tmp/a%20b,guid=abc", "/tmp/a b", true},
		{"unix:abstract=/tmp/dbus-XYZ,guid=0123", "@/tmp/dbus-XYZ", true},
		{"unix:path=/a,abstract=/b", "", false},
		{"unix:tmpdir=/tmp", "", false},
		{"unix:path=/a;unix:path=/b", "", false},
		{"tcp:host=localhost,port=1", "", false},
		{"disabled:", "", false},
		{"unix:", "", false},
	}
	for _, tt := range tests {
		got, ok := UnixSocketName(tt.addr)
		require.Equal(t, tt.ok, ok, tt.addr)
		require.Equal(t, tt.want, got, tt.addr)
	}
}

// fakeBus listens on a unix socket. If reply is non-empty it answers the
// first line it reads with it, like dbus-daemon answering AUTH; otherwise it
// accepts and stays silent, like a stopped daemon.
func fakeBus(t *testing.T, reply string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "bus") // short path: sun_path is 108 bytes
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "bus")
	ln, err := net.Listen("unix", sock)
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if reply == "" {
					_, _ = c.Read(make([]byte, 64))
					time.Sleep(5 * time.Second)
					return
				}
				r := bufio.NewReader(c)
				if _, err := r.ReadString('\n'); err == nil {
					_, _ = c.Write([]byte(reply))
				}
			}()
		}
	}()
	return sock
}

func TestAnswers(t *testing.T) {
	t.Parallel()
	live := fakeBus(t, "REJECTED EXTERNAL\r\n")
	silent := fakeBus(t, "")

	require.True(t, Answers("unix:path="+live, time.Second))

	start := time.Now()
	require.False(t, Answers("unix:path="+silent, 200*time.Millisecond))
	require.Less(t, time.Since(start), 2*time.Second)

	require.False(t, Answers("unix:path=/nonexistent/fbllm/bus", time.Second))
	require.True(t, Answers("tcp:host=localhost,port=1", time.Second), "unchecked transports are left alone")
}

// TestHelperProcess is not a real test: the tests below re-execute the test
// binary with it selected, so that the package's init() runs under an
// environment they control.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("FBLLM_DBUSGUARD_HELPER") != "1" {
		t.Skip("helper process for TestInit* (set FBLLM_DBUSGUARD_HELPER=1)")
	}
	r := Result()
	os.Stdout.WriteString(os.Getenv(EnvVar) + "\n" + strconv.FormatBool(r.Changed) + "\n" + r.Reason + "\n" + r.Elapsed.String() + "\n")
	os.Exit(0)
}

func runHelper(t *testing.T, env ...string) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append([]string{"FBLLM_DBUSGUARD_HELPER=1", "PATH=" + os.Getenv("PATH")}, env...)
	out, err := cmd.Output()
	require.NoError(t, err, "helper: %s", out)
	return strings.Split(strings.TrimRight(string(out), "\n"), "\n")
}

func TestInitDisablesWhenNoBus(t *testing.T) {
	if !active {
		t.Skip("guard inactive on this OS")
	}
	if _, err := os.Stat("/run/user/" + strconv.Itoa(os.Getuid()) + "/bus"); err == nil {
		t.Skip("this machine has a session bus at /run/user/<uid>/bus")
	}
	t.Parallel()
	lines := runHelper(t, "XDG_RUNTIME_DIR="+t.TempDir())
	require.Equal(t, Disabled, lines[0])
	require.Equal(t, "true", lines[1])
}

func TestInitDisablesSilentBus(t *testing.T) {
	if !active {
		t.Skip("guard inactive on this OS")
	}
	t.Parallel()
	sock := fakeBus(t, "")
	lines := runHelper(t, EnvVar+"=unix:path="+sock)
	require.Equal(t, Disabled, lines[0])
	require.Contains(t, lines[2], "did not answer")
	// Measured inside the helper: process start-up under -race on a busy
	// machine can take seconds by itself.
	elapsed, err := time.ParseDuration(lines[3])
	require.NoError(t, err)
	require.GreaterOrEqual(t, elapsed, Timeout)
	require.Less(t, elapsed, Timeout+time.Second)
}

func TestInitKeepsLiveBus(t *testing.T) {
	if !active {
		t.Skip("guard inactive on this OS")
	}
	t.Parallel()
	sock := fakeBus(t, "REJECTED EXTERNAL\r\n")
	lines := runHelper(t, EnvVar+"=unix:path="+sock)
	require.Equal(t, "unix:path="+sock, lines[0])
	require.Equal(t, "false", lines[1])
}

// TestInitOrderPreconditions checks the two facts the init-order argument in
// doc.go rests on: this package's import path sorts before "log", and it
// imports nothing that "log" does not already depend on.
func TestInitOrderPreconditions(t *testing.T) {
	t.Parallel()
	const self = "github.com/fbllm/fbllm/internal/dbusguard"
	require.Less(t, self, "log")

	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	imports := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range parsed.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			imports[p] = true
		}
	}
	require.NotEmpty(t, imports)

	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH; cannot list the dependencies of log")
	}
	out, err := exec.Command(goBin, "list", "-deps", "log").Output()
	require.NoError(t, err)
	logDeps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		logDeps[p] = true
	}
	for p := range imports {
		require.True(t, logDeps[p], "dbusguard imports %q, which log does not depend on: the guard might run after keyring's init", p)
	}
}
