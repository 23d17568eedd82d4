//go:build windows

package cli

import "os"

// execve is nil: Windows cannot replace a process, so exec runs the
// program as a child and returns its exit code.
var execve func(argv0 string, argv, envv []string) error

// forwardedSignals: Ctrl+C reaches every process of the console, the child
// included; fbllm only has to survive it.
var forwardedSignals = []os.Signal{os.Interrupt}

func forwardSignal(os.Signal, bool) bool { return false }

func exitStatus(ps *os.ProcessState) int { return ps.ExitCode() }
