package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/template"

	"github.com/itchyny/gojq"
	"github.com/spf13/cobra"
)

// jsonOutput is how a command's JSON is shaped, as gh does it: --json
// alone prints everything; --json FIELDS keeps those fields of each
// object; --jq EXPR filters with a jq expression (gojq); --template TPL
// formats with a Go template. --jq and --template imply --json. Error
// objects ({"error": …}) are never shaped: scripts match on them.
type jsonOutput struct {
	fields   []string
	jq       string
	template string
}

// fieldListRe is what a --json field list looks like: names separated by
// commas.
var fieldListRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(,[A-Za-z][A-Za-z0-9]*)*$`)

// knownJSONFields are the top-level fields of fbllm's JSON objects; a word
// after --json is read as fields only when it is one of them or a list, so
// `show --json prod` still means REF prod. --json=FIELDS is never
// ambiguous.
var knownJSONFields = []string{
	"id", "name", "aiType", "endpoint", "keyFingerprint", "secretFingerprint", "workspaceId",
	"workspaceName", "store", "repos", "createdAt", "updatedAt", "lastCheck", "config", "status",
	"checks", "diagnoses", "proxy", "requestId", "version", "role", "current", "calls",
}

// takeJSONOptions reads --json FIELDS, --json=FIELDS, --jq and --template
// out of args (up to a "--", after which the arguments are another
// program's) and returns the arguments cobra parses: --json as the plain
// switch every command has, and --jq/--template as they were, with --json
// added when they are given alone.
func takeJSONOptions(args []string) ([]string, jsonOutput, error) {
	var (
		o      jsonOutput
		out    = make([]string, 0, len(args)+1)
		asJSON bool
		shaped bool
		end    = slices.Index(args, "--")
	)
	if end < 0 {
		end = len(args)
	}
	for i := 0; i < end; i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "--json="):
			o.fields = splitFields(strings.TrimPrefix(a, "--json="))
			out, asJSON = append(out, "--json"), true
		case a == "--json":
			out, asJSON = append(out, a), true
			if i+1 < end && fieldListRe.MatchString(args[i+1]) &&
				(strings.Contains(args[i+1], ",") || slices.Contains(knownJSONFields, args[i+1])) {
				o.fields = splitFields(args[i+1])
				i++
			}
		case a == "--jq" || a == "--template":
			if i+1 >= end {
				return nil, o, usageErrorf("%s needs a value", a)
			}
			out, shaped = append(out, a, args[i+1]), true
			i++
		case strings.HasPrefix(a, "--jq="), strings.HasPrefix(a, "--template="):
			out, shaped = append(out, a), true
		default:
			out = append(out, a)
		}
	}
	if shaped && !asJSON {
		out = append(out, "--json")
	}
	return append(out, args[end:]...), o, nil
}

func splitFields(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// installJSONOptions adds --jq and --template to every command with --json.
func (c *cli) installJSONOptions(cmd *cobra.Command) {
	if cmd.LocalFlags().Lookup("json") != nil {
		cmd.Flags().StringVar(&c.jsonOut.jq, "jq", "", "filter the JSON with a jq `EXPRESSION` (implies --json)")
		cmd.Flags().StringVar(&c.jsonOut.template, "template", "", "format the JSON with a Go `TEMPLATE` (implies --json)")
	}
	for _, sub := range cmd.Commands() {
		c.installJSONOptions(sub)
	}
}

// printJSON writes v as the command's JSON output, shaped by --json
// FIELDS, --jq and --template.
func (c *cli) printJSON(v any) error {
	o := c.jsonOut
	if len(o.fields) == 0 && o.jq == "" && o.template == "" {
		return writeJSON(c.env.stdout, v)
	}
	data, err := toGeneric(v)
	if err != nil {
		return err
	}
	if len(o.fields) > 0 {
		if data, err = selectFields(data, o.fields); err != nil {
			return err
		}
	}
	switch {
	case o.jq != "":
		return runJQ(c.env.stdout, o.jq, data)
	case o.template != "":
		tpl, err := template.New("output").Funcs(templateFuncs).Parse(o.template)
		if err != nil {
			return usageErrorf("--template: %v", err)
		}
		return tpl.Execute(c.env.stdout, data)
	}
	return writeJSON(c.env.stdout, data)
}

// toGeneric turns v into what encoding/json decodes to (maps, slices,
// float64 numbers as json.Number), so fields, jq and templates see the
// JSON shape, with its field names.
func toGeneric(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return normaliseNumbers(out), nil
}

// normaliseNumbers converts json.Number to int or float64, which gojq
// takes.
func normaliseNumbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return int(i)
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		for k, e := range t {
			t[k] = normaliseNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = normaliseNumbers(e)
		}
	}
	return v
}

// selectFields keeps the named fields of an object, or of each object of
// an array; an unknown field is a usage error that lists the known ones.
func selectFields(v any, fields []string) (any, error) {
	pick := func(obj map[string]any) (map[string]any, error) {
		out := make(map[string]any, len(fields))
		for _, f := range fields {
			val, ok := obj[f]
			if !ok {
				known := make([]string, 0, len(obj))
				for k := range obj {
					known = append(known, k)
				}
				sort.Strings(known)
				return nil, usageErrorf("unknown JSON field %q; available: %s", f, strings.Join(known, ", "))
			}
			out[f] = val
		}
		return out, nil
	}
	switch t := v.(type) {
	case map[string]any:
		return pick(t)
	case []any:
		out := make([]any, 0, len(t))
		for _, e := range t {
			obj, ok := e.(map[string]any)
			if !ok {
				return nil, usageErrorf("--json FIELDS needs objects")
			}
			picked, err := pick(obj)
			if err != nil {
				return nil, err
			}
			out = append(out, picked)
		}
		return out, nil
	}
	return nil, usageErrorf("--json FIELDS needs objects")
}

// runJQ prints each result of expr on data: strings as they are (as
// `jq -r`), everything else as indented JSON.
func runJQ(w interface{ Write([]byte) (int, error) }, expr string, data any) error {
	q, err := gojq.Parse(expr)
	if err != nil {
		return usageErrorf("--jq: %v", err)
	}
	iter := q.Run(data)
	for {
		v, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, ok := v.(error); ok {
			var halt *gojq.HaltError
			if asHalt(err, &halt) && halt.Value() == nil {
				return nil
			}
			return usageErrorf("--jq: %v", err)
		}
		if s, ok := v.(string); ok {
			fmt.Fprintln(w, s)
			continue
		}
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(w, string(b))
	}
}

func asHalt(err error, target **gojq.HaltError) bool {
	h, ok := err.(*gojq.HaltError) //nolint:errorlint // gojq returns it unwrapped
	if ok {
		*target = h
	}
	return ok
}

// templateFuncs are the helpers --template offers beside text/template's.
var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"join": func(sep string, v []any) string {
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, sep)
	},
}
