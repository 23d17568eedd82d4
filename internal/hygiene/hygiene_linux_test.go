//go:build linux

package hygiene

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestHarden runs Harden in a child process (it must not change the test
// binary itself) and has the child report what the kernel then says.
func TestHarden(t *testing.T) {
	if os.Getenv("HYGIENE_CHILD") == "harden" {
		require.NoError(t, Harden())
		dumpable, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
		require.NoError(t, err)
		var lim unix.Rlimit
		require.NoError(t, unix.Getrlimit(unix.RLIMIT_CORE, &lim))
		fmt.Printf("dumpable=%d core=%d/%d\n", dumpable, lim.Cur, lim.Max)
		return
	}
	before, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
	require.NoError(t, err)
	require.Equal(t, 1, before, "a normal process is dumpable: the check below can fail")

	cmd := exec.Command(os.Args[0], "-test.run=^TestHarden$", "-test.v")
	cmd.Env = append(os.Environ(), "HYGIENE_CHILD=harden")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	require.True(t, strings.Contains(string(out), "dumpable=0 core=0/0"), string(out))
}
