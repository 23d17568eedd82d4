//go:build linux

package cli

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes a child run by exec --mask receive SIGTERM when fbllm
// dies, even by kill -9: a child that outlived its masking parent would
// keep the secret and write unmasked output to the terminal.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
