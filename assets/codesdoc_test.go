package assets

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite docs/codes.md from the catalog")

// codesDocPath is the reference page generated from the catalog: the
// catalog is the one home of every code's facts, the page only shows them.
const codesDocPath = "../docs/codes.md"

// TestCodesDocMatchesTheCatalog fails when docs/codes.md no longer says
// what the catalog decides; `go test ./assets -run CodesDoc -update`
// rewrites it.
func TestCodesDocMatchesTheCatalog(t *testing.T) {
	ds, err := ParseDiagnoses(diagnosesJSON)
	require.NoError(t, err)
	want := codesDoc(ds)
	if *update {
		require.NoError(t, os.WriteFile(codesDocPath, []byte(want), 0o644))
	}
	got, err := os.ReadFile(codesDocPath)
	require.NoError(t, err)
	require.Equal(t, want, string(got), "docs/codes.md is out of date: go test ./assets -run CodesDoc -update")
}

func codesDoc(ds []DiagnosisText) string {
	var b strings.Builder
	b.WriteString(`# Codes

Every error and every diagnosis fbllm reports carries one of these stable
codes; scripts match on them. This page is generated from the catalog
(assets/diagnoses.json) by ` + "`go test ./assets -run CodesDoc -update`" + `.

- **Exit** is the exit code of a command that ends with the code as an
  error, without a report. A report (test, validate, doctor) exits by its
  status instead: 0 when the connection works (verified,
  verified_limited, unverified), 3 otherwise.
- **Status** is the report status the code decides when it is the error
  that stopped a check.
- **Fix** is the configuration field to change (the app's ` + "`e`" + ` jumps there).

`)
	section := func(title string, keep func(DiagnosisText) bool) {
		fmt.Fprintf(&b, "## %s\n\n| Code | Severity | Status | Exit | Fix | What it means |\n|---|---|---|---|---|---|\n", title)
		for _, d := range ds {
			if !keep(d) {
				continue
			}
			exit := "—"
			if d.Exit != 0 {
				exit = fmt.Sprint(d.Exit)
				if d.ExitNoInput != 0 {
					exit += fmt.Sprintf(" (%d under --no-input)", d.ExitNoInput)
				}
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", d.Code, d.Severity, dash(d.Status), exit, dash(d.Field),
				strings.ReplaceAll(placeholderRe.ReplaceAllString(d.Title, "…"), "|", "\\|"))
		}
		b.WriteString("\n")
	}
	section("Diagnosis codes (the product contract)", func(d DiagnosisText) bool { return d.Kind == "" })
	section("The command line's own codes", func(d DiagnosisText) bool { return d.Kind == "cli" })
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
