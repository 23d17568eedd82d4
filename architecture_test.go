package main

import (
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// allowedImports is the dependency direction of the project (STYLE.md
// rule 2, extended by the packages the design added): each package may
// import only the project packages listed for it. flashbacktest and
// providertest are the simulated platform and providers: only tests and
// the demo may use them, never the product's own packages.
var allowedImports = map[string][]string{
	".":                               {"internal/cli", "internal/dbusguard", "internal/hygiene"},
	"internal/cli":                    {"assets", "client", "diagnose", "input", "internal/demo", "internal/hygiene", "internal/redact", "session", "store", "toolenv", "keyscan", "ui"},
	"ui":                              {"assets", "client", "diagnose", "forms", "input", "keyscan", "session", "store", "toolenv"},
	"session":                         {"assets", "client", "diagnose", "input", "internal/redact", "keyscan", "store"},
	"diagnose":                        {"assets", "client", "input", "internal/redact"},
	"client":                          {"assets", "internal/redact"},
	"forms":                           {"assets", "input"},
	"input":                           {"assets"},
	"store":                           {"internal/dbusguard"},
	"internal/secrettest":             {},
	"internal/redact":                 {},
	"toolenv":                         {"assets", "input", "internal/redact", "store"},
	"keyscan":                         {"assets", "input", "internal/redact", "store"},
	"assets":                          {},
	"internal/dbusguard":              {},
	"internal/hygiene":                {},
	"internal/demo":                   {"assets", "client", "diagnose", "internal/flashbacktest", "internal/providertest", "session", "store"},
	"internal/flashbacktest":          {},
	"internal/providertest":           {"assets"},
	"internal/flashbacktest/contract": {},
	"internal/realsys":                {},
	// The README's pictures: it runs the built binary, it imports nothing
	// of ours.
	"scripts/screenshots": {},
}

// TestArchitecture fails when a package imports a project package it is
// not allowed to (a ui import from below, the simulation in the product…).
func TestArchitecture(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...").Output()
	require.NoError(t, err)
	const mod = "github.com/fbllm/fbllm"
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], mod), "/")
		if pkg == "" {
			pkg = "."
		}
		allowed, known := allowedImports[pkg]
		require.True(t, known, "package %s is not in the architecture table: add it with its allowed imports", pkg)
		var bad []string
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, mod+"/") {
				continue
			}
			dep := strings.TrimPrefix(imp, mod+"/")
			if !slices.Contains(allowed, dep) {
				bad = append(bad, dep)
			}
		}
		sort.Strings(bad)
		require.Empty(t, bad, "%s imports %v, which the architecture does not allow", pkg, bad)
	}
}

// uiFree are the packages below the UI: they must not depend on any
// charm.land package, not even through another package, so that the
// rules they hold can be used (and tested) without a terminal toolkit.
var uiFree = []string{"input", "diagnose", "session", "client", "store", "assets", "toolenv", "keyscan"}

// TestNoTerminalToolkitBelowUI fails when a package below the UI imports
// Bubble Tea, Bubbles, Lip Gloss, huh or fang, directly or transitively.
func TestNoTerminalToolkitBelowUI(t *testing.T) {
	for _, pkg := range uiFree {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "./"+pkg).Output()
		require.NoError(t, err, pkg)
		var bad []string
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "charm.land/") {
				bad = append(bad, dep)
			}
		}
		require.Empty(t, bad, "%s depends on %v: keep terminal toolkits in ui and forms", pkg, bad)
	}
}
