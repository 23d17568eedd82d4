package toolenv

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fbllm/fbllm/assets"
)

// Spec is one parsed `--env NAME=field`: put the configuration's field
// into one more variable, for tools that read their own names.
type Spec struct {
	Name  string
	Field string // one of assets.ExecFields
	// Config is the 0-based position of the configuration among the REFs,
	// or -1 when the spec did not name one (allowed with a single REF).
	Config int
}

// ParseSpec parses "NAME=field" or "NAME=N:field", where N is the 1-based
// position of the REF the field comes from. The input never holds a value,
// only a field name, so errors may quote it.
func ParseSpec(s string) (Spec, error) {
	name, field, ok := strings.Cut(s, "=")
	if !ok {
		return Spec{}, usagef("--env %q: expected NAME=FIELD, e.g. MY_TOOL_KEY=secret", s)
	}
	if !assets.ValidEnvName(name) {
		return Spec{}, usagef("--env %q: %q is not a variable name (letters, digits and _, not starting with a digit)", s, name)
	}
	spec := Spec{Name: name, Config: -1}
	if pos, f, ok := strings.Cut(field, ":"); ok {
		n, err := strconv.Atoi(pos)
		if err != nil || n < 1 {
			return Spec{}, usagef("--env %q: %q is not a REF position (1 for the first REF)", s, pos)
		}
		spec.Config, field = n-1, f
	}
	field = strings.ToLower(strings.TrimSpace(field))
	if !slices.Contains(assets.ExecFields, field) {
		return Spec{}, usagef("--env %q: unknown field %q (valid: %s)", s, field, strings.Join(assets.ExecFields, ", "))
	}
	spec.Field = field
	return spec, nil
}

// String is the canonical form, "NAME=N:field" or "NAME=field".
func (s Spec) String() string {
	if s.Config < 0 {
		return s.Name + "=" + s.Field
	}
	return fmt.Sprintf("%s=%d:%s", s.Name, s.Config+1, s.Field)
}

// UsageError is a mistake in how exec was called (a malformed --env, two
// configurations setting one variable): exit code 2. Msg never holds a
// secret.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}
