//go:build linux

package hygiene

import (
	"errors"

	"golang.org/x/sys/unix"
)

// harden: a core dump of fbllm held the secret four times and the
// passphrase twice. PR_SET_DUMPABLE 0 stops core dumps and makes
// /proc/<pid>/mem, environ and ptrace inaccessible to other unprivileged
// processes of the same user; RLIMIT_CORE 0 also covers dumps taken by a
// core handler that ignores the dumpable flag.
func harden() error {
	errDump := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	errCore := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0})
	return errors.Join(errDump, errCore)
}
