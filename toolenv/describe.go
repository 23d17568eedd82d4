package toolenv

import (
	"fmt"
	"strings"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/internal/redact"
	"github.com/fbllm/fbllm/store"
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

// Preview is the dry-run view of one configuration from its index entry
// alone: the fingerprints the index keeps stand in for the secret and the
// key, so it needs no keyring and never holds a secret (the TUI shows it
// while the keyring may be locked). An AWS configuration with an access
// key ID is taken for a key pair, one without for a Bedrock API key; Build
// decides from the secret itself, which a saved configuration agrees with.
func Preview(c store.Config) (Description, error) {
	t, err := assets.ParseAIType(c.AIType)
	if err != nil {
		return Description{}, fmt.Errorf("configuration %q: %w", display(c.Name), err)
	}
	if strings.TrimSpace(c.SecretFingerprint) == "" {
		return Description{}, fmt.Errorf("configuration %q has no secret", display(c.Name))
	}
	endpoint := strings.TrimSpace(c.Endpoint)
	shown := map[string]string{
		assets.FieldSecret:   c.SecretFingerprint,
		assets.FieldKey:      c.KeyFingerprint,
		assets.FieldEndpoint: endpoint,
		assets.FieldRegion:   regionOf(t, endpoint, strings.TrimSpace(c.Region)),
	}
	kind := ""
	if t == assets.AWS {
		kind = assets.CredentialBedrockAPIKey
		if c.KeyFingerprint != "" {
			kind = assets.CredentialAccessKey
		}
	}
	set, unset, ok := envFor(t, kind)
	if !ok {
		return Description{}, fmt.Errorf("configuration %q: no variables for type %s", display(c.Name), t)
	}
	d := Description{Set: []DescribedVar{}, Unset: []DescribedUnset{}}
	for _, v := range set {
		if shown[v.Field] == "" {
			continue // as Build: the SDK default applies
		}
		d.Set = append(d.Set, DescribedVar{Name: v.Name, Field: v.Field, Config: display(c.Name), Shown: display(shown[v.Field])})
	}
	for _, u := range unset {
		d.Unset = append(d.Unset, DescribedUnset{Name: u.Name, Reason: u.Reason})
	}
	return d, nil
}
