//go:build unix

package cli

import (
	"os"
	"syscall"
)

// execve replaces the process with the program: aws-vault's hand-over,
// after which signals, the terminal and the exit status are the
// program's own.
var execve = syscall.Exec

// forwardedSignals are passed on to a child program (exec --mask).
var forwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// forwardSignal reports whether to pass s on. A Ctrl+C typed on the
// terminal already reaches the whole foreground process group, the child
// included; passing it on as well would interrupt the child twice.
func forwardSignal(s os.Signal, fromTerminal bool) bool {
	return !fromTerminal || s != syscall.SIGINT
}

// exitStatus is the child's exit code, or 128+N when signal N ended it,
// as a shell reports it.
func exitStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
