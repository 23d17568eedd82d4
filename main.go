// Command fbllm is a terminal companion for the Flashback platform's AI LLM
// configurations: a guided form, an encrypted local keyring and a keyboard
// browser, plus a scriptable CLI. See README.md; the commands live in
// internal/cli.
package main

import (
	"os"

	_ "github.com/fbllm/fbllm/internal/dbusguard" // must initialise before the keyring library dials D-Bus

	"github.com/fbllm/fbllm/internal/cli"
	"github.com/fbllm/fbllm/internal/hygiene"
)

// version is stamped at release time: -ldflags "-X main.version=…".
var version string

func main() {
	_ = hygiene.Harden() // no core dumps, no /proc/<pid>/mem for other processes; best effort
	os.Exit(cli.Run(os.Args[1:], cli.SystemEnv(), version))
}
