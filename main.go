// Command fbllm is a terminal companion for the Flashback platform's AI LLM
// configurations: a guided form, an encrypted local keyring and a keyboard
// browser, plus a scriptable CLI. See README.md.
package main

import (
	"os"

	_ "github.com/fbllm/fbllm/internal/dbusguard" // must initialise before the keyring library dials D-Bus
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() { os.Exit(run(os.Args[1:], newSystemEnv())) }
