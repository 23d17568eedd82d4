package cli

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestJSONFieldsJQAndTemplate: --json alone prints everything, --json
// FIELDS keeps those fields, --jq filters and --template formats (both
// imply --json), as gh does; errors keep their shape.
func TestJSONFieldsJQAndTemplate(t *testing.T) {
	h := newCLIHome(t)
	h.env["K"] = cliSecret
	for _, name := range []string{"alpha", "beta"} {
		r := h.run("", "add", "--name", name, "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K")
		require.Equal(t, 0, r.code, r.stderr)
	}

	r := h.run("", "list", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var full []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &full))
	require.Greater(t, len(full[0]), 10, "--json alone: every field")

	for _, args := range [][]string{{"list", "--json", "name,aiType"}, {"list", "--json=name,aiType"}} {
		r = h.run("", args...)
		require.Equal(t, 0, r.code, r.stderr)
		var picked []map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &picked), r.stdout)
		require.Equal(t, []map[string]any{{"name": "alpha", "aiType": "OPENAI"}, {"name": "beta", "aiType": "OPENAI"}}, picked)
	}

	r = h.run("", "show", "beta", "--json", "endpoint")
	require.Equal(t, 0, r.code, r.stderr)
	require.JSONEq(t, `{"endpoint": "https://api.openai.com/v1"}`, r.stdout)

	r = h.run("", "list", "--jq", ".[] | .name")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "alpha\nbeta\n", r.stdout, "strings print raw, as jq -r")

	r = h.run("", "list", "--jq", "map(select(.name == \"beta\")) | .[0] | {name, store}")
	require.Equal(t, 0, r.code, r.stderr)
	require.JSONEq(t, `{"name": "beta", "store": "local"}`, r.stdout)

	r = h.run("", "list", "--template", `{{range .}}{{.name}}={{.aiType}};{{end}}`)
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "alpha=OPENAI;beta=OPENAI;", r.stdout)

	r = h.run("", "list", "--json=colour")
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, `unknown JSON field "colour"; available:`)
	require.Contains(t, r.stderr, "aiType")
	r = h.run("", "list", "--jq", ".[")
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, "--jq")

	r = h.run("", "show", "nope", "--jq", ".name")
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stdout, `"code": "config.not_found"`, "an error keeps its shape")
}
