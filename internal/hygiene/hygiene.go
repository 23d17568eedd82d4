// Package hygiene keeps what fbllm holds in memory out of places other
// processes can read: core dumps, ptrace-style inspection by other
// processes of the same user through /proc, and the environment that child
// processes inherit (the pass backend runs gpg; tests run providers'
// tools).
//
// It cannot protect against the user's own processes reading the secret
// while fbllm holds it unlocked by other means (a debugger run as root,
// the user's shell history): see the README's storage section.
package hygiene

import "os"

// Harden makes the process undumpable and disables core files, where the
// operating system allows it (Linux: PR_SET_DUMPABLE 0 and RLIMIT_CORE 0;
// a no-op elsewhere). Call it first thing in main, before any secret is
// read. An error means the process is no more exposed than before; main
// may ignore it.
func Harden() error { return harden() }

// TakeEnv returns the value of the environment variable name and removes
// it from the process environment, so no child process started afterwards
// inherits it. ok is false when it was not set.
func TakeEnv(name string) (value string, ok bool) {
	value, ok = os.LookupEnv(name)
	if ok {
		_ = os.Unsetenv(name)
	}
	return value, ok
}
