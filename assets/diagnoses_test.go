package assets

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDiagnosesEmbedded loads and validates every embedded diagnosis text.
func TestDiagnosesEmbedded(t *testing.T) {
	t.Parallel()
	ds, err := ParseDiagnoses(diagnosesJSON)
	require.NoError(t, err)
	require.NoError(t, ValidateDiagnoses(ds))
	cli := slices.DeleteFunc(slices.Clone(ds), func(d DiagnosisText) bool { return d.Kind != "cli" })
	require.Len(t, ds, len(DiagnosisCodes)+len(cli), "one record per PRODUCT §6 code, plus the CLI's own")
	for _, code := range DiagnosisCodes {
		d, ok := DiagnosisFor(code)
		require.True(t, ok, code)
		require.Equal(t, code, d.Code)
		require.NotEmpty(t, d.Steps, code)
	}
	_, ok := DiagnosisFor("auth.nope")
	require.False(t, ok)
}

// TestDiagnosisCodesMatchProduct cross-checks DiagnosisCodes with the §6
// table of PRODUCT.md when the shared folder is beside the repository (as
// on developer machines and in CI); the hard-coded list is the contract
// otherwise.
func TestDiagnosisCodesMatchProduct(t *testing.T) {
	t.Parallel()
	var data []byte
	for _, p := range []string{"../../shared/PRODUCT.md", "../shared/PRODUCT.md", "/work/shared/PRODUCT.md"} {
		if b, err := os.ReadFile(p); err == nil {
			data = b
			break
		}
	}
	if data == nil {
		t.Skip("PRODUCT.md not found beside the repository")
	}
	_, section, ok := strings.Cut(string(data), "## 6. Diagnosis codes")
	require.True(t, ok)
	section, _, _ = strings.Cut(section, "\n## ")
	var codes []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+\\.[a-z_]+)` \\|").FindAllStringSubmatch(section, -1) {
		codes = append(codes, m[1])
	}
	require.Equal(t, DiagnosisCodes, codes)
}

func TestValidateDiagnosesRejects(t *testing.T) {
	t.Parallel()
	idx := func(ds []DiagnosisText, code string) int {
		i := slices.IndexFunc(ds, func(d DiagnosisText) bool { return d.Code == code })
		require.GreaterOrEqual(t, i, 0, code)
		return i
	}
	tests := []struct {
		name    string
		breakIt func(ds []DiagnosisText) []DiagnosisText
		wantErr string
	}{
		{"missing code", func(ds []DiagnosisText) []DiagnosisText {
			i := idx(ds, "endpoint.dns")
			return append(ds[:i], ds[i+1:]...)
		}, "no diagnosis text for endpoint.dns"},
		{"duplicate code", func(ds []DiagnosisText) []DiagnosisText {
			return append(ds, ds[idx(ds, "endpoint.dns")])
		}, "endpoint.dns has 2 entries"},
		{"unknown code", func(ds []DiagnosisText) []DiagnosisText {
			ds[0].Code = "input.typo"
			return ds
		}, "code is not in PRODUCT §6"},
		{"bad severity", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "endpoint.dns")].Severity = "fatal"
			return ds
		}, `invalid severity "fatal"`},
		{"empty title", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "endpoint.dns")].Title = " "
			return ds
		}, "title is empty"},
		{"long title", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "endpoint.dns")].Title = strings.Repeat("x", 81)
			return ds
		}, "title is 81 characters (at most 80)"},
		{"empty explanation", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "endpoint.dns")].Explanation = ""
			return ds
		}, "explanation is empty"},
		{"no steps", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "endpoint.dns")].Steps = nil
			return ds
		}, "no steps"},
		{"empty step", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "endpoint.dns")].Steps[1] = ""
			return ds
		}, "step 2 is empty"},
		{"unknown placeholder", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "endpoint.dns")].Steps[0] = "Check {hots}."
			return ds
		}, "unknown placeholder {hots}"},
		{"unbalanced braces", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "endpoint.dns")].Explanation = "Check {host."
			return ds
		}, "unbalanced braces"},
		{"unknown kind", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "endpoint.dns")].Kind = "tui"
			return ds
		}, `kind must be "" or "cli"`},
		{"a PRODUCT code as the CLI's", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "endpoint.dns")].Kind = "cli"
			return ds
		}, "a PRODUCT §6 code is not the CLI's own"},
		{"duplicate CLI code", func(ds []DiagnosisText) []DiagnosisText {
			return append(ds, ds[idx(ds, "config.not_found")])
		}, "config.not_found has 2 entries"},
		{"unknown status", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "endpoint.dns")].Status = "broken"
			return ds
		}, `unknown status "broken"`},
		{"exit code outside the contract", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "config.not_found")].Exit = 5
			return ds
		}, "exit code 5 is not in PRODUCT §3"},
		{"an error that decides nothing", func(ds []DiagnosisText) []DiagnosisText {
			d := &ds[idx(ds, "config.not_found")]
			d.Exit, d.Status = 0, ""
			return ds
		}, "an error decides a status or ends a command"},
		{"exit without message", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "config.not_found")].Message = ""
			return ds
		}, "needs a message"},
		{"unknown field", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "config.duplicate_name")].Field = "label"
			return ds
		}, `unknown field "label"`},
		{"message with a period", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "config.duplicate_name")].Message = "taken."
			return ds
		}, "message ends with a period"},
		{"remedy with an unknown placeholder", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "config.duplicate_name")].CLI = "see {nom}"
			return ds
		}, "cli: unknown placeholder {nom}"},
		{"empty variant", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "auth.invalid_secret")].Variants["x"] = DiagnosisVariant{}
			return ds
		}, `variant "x": changes nothing`},
		{"variant with a long title", func(ds []DiagnosisText) []DiagnosisText {
			ds[idx(ds, "auth.invalid_secret")].Variants["leaked"] = DiagnosisVariant{Title: strings.Repeat("y", 90)}
			return ds
		}, "title is 90 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ds, err := ParseDiagnoses(diagnosesJSON)
			require.NoError(t, err)
			require.ErrorContains(t, ValidateDiagnoses(tt.breakIt(ds)), tt.wantErr)
		})
	}
}

func TestParseDiagnosesStrict(t *testing.T) {
	t.Parallel()
	_, err := ParseDiagnoses([]byte(`[{"code":"endpoint.dns","titel":"x"}]`))
	require.ErrorContains(t, err, "unknown field")
}

func TestWithVariant(t *testing.T) {
	t.Parallel()
	d, ok := DiagnosisFor("auth.invalid_secret")
	require.True(t, ok)
	v := d.WithVariant("oauth_token")
	require.Equal(t, "This is a Claude subscription token, not an API key", v.Title)
	require.NotEqual(t, d.Steps, v.Steps)
	require.Nil(t, v.Variants)
	same := d.WithVariant("no-such-variant")
	require.Equal(t, d.Title, same.Title)
	same.Steps[0] = "changed"
	again, _ := DiagnosisFor("auth.invalid_secret")
	require.NotEqual(t, "changed", again.Steps[0], "DiagnosisFor returns copies")
}
