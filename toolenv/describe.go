package toolenv

import (
	"fmt"
	"strings"

	"github.com/fbllm/fbllm/internal/redact"
)

// DescribedVar is one line of `fbllm exec --dry-run`: a variable with the
// display form of its value, never the value of a secret or key.
type DescribedVar struct {
	Name   string `json:"name"`
	Field  string `json:"field"`
	Config string `json:"config"`
	Shown  string `json:"shown"` // fingerprint (secret, key) or the value (endpoint, region)
}

// DescribedUnset is an inherited variable the program will not see.
type DescribedUnset struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Description is the dry-run view of a Plan, ready for text or JSON.
type Description struct {
	Set   []DescribedVar   `json:"set"`
	Unset []DescribedUnset `json:"unset"`
}

// Describe returns the dry-run view. Endpoints and regions are shown as
// they are after redaction of the plan's secrets (an endpoint never
// carries one, but a hand-edited index could).
func (p *Plan) Describe() Description {
	d := Description{Set: []DescribedVar{}, Unset: []DescribedUnset{}}
	// Built here, not kept in the Plan: a Redactor holds pieces of the
	// secrets and has no String method.
	red := redact.New(p.Secrets()...)
	for _, v := range p.Vars {
		d.Set = append(d.Set, DescribedVar{Name: v.Name, Field: v.Field, Config: v.Config, Shown: red.Display(v.Shown())})
	}
	for _, u := range p.Unset {
		d.Unset = append(d.Unset, DescribedUnset(u))
	}
	return d
}

// String renders the description as aligned lines:
//
//	OPENAI_API_KEY   sk-proj-…Ab3A #3f9a1c      secret of "OpenAI production"
//	AWS_SESSION_TOKEN  removed: an inherited session token would …
func (d Description) String() string {
	width := 0
	for _, v := range d.Set {
		width = max(width, len(v.Name))
	}
	for _, u := range d.Unset {
		width = max(width, len(u.Name))
	}
	var b strings.Builder
	for _, v := range d.Set {
		fmt.Fprintf(&b, "%-*s  %s  (%s of %q)\n", width, v.Name, v.Shown, v.Field, v.Config)
	}
	for _, u := range d.Unset {
		fmt.Fprintf(&b, "%-*s  removed if set: %s\n", width, u.Name, u.Reason)
	}
	return b.String()
}

// String is the description's text, so a Plan printed by mistake shows
// fingerprints, not values.
func (p *Plan) String() string { return p.Describe().String() }

// GoString is String, for %#v.
func (p *Plan) GoString() string { return p.String() }
