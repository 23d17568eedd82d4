//go:build !linux

package cli

import "os/exec"

// dieWithParent has no portable equivalent outside Linux: the child of exec
// --mask outlives a killed fbllm there.
func dieWithParent(*exec.Cmd) {}
