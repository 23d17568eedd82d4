package assets

// FieldSpec describes how the form presents one credential field for a type:
// "key" means an access key ID for AWS and nothing at all for OpenAI, so the
// label and help text must come from the type, not from the field name.
type FieldSpec struct {
	Label       string `json:"label"`       // e.g. "Access key ID" (AWS key), "API key" (OpenAI secret)
	Description string `json:"description"` // one short sentence shown under the field
	Placeholder string `json:"placeholder"` // e.g. "sk-proj-…" (never a real-looking key)
	Required    bool   `json:"required"`
	// Unused marks a field the type has no use for (the key of OpenAI,
	// Gemini and Anthropic, which take one API key: the secret); the form
	// does not ask for it.
	Unused bool `json:"unused,omitempty"`
}

// Link is a titled https URL shown to the user (credential consoles, docs).
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Preset is everything the form and the probes need to know about one AIType
// before the user has typed anything.
type Preset struct {
	Type        AIType `json:"type"`
	Label       string `json:"label"`       // "OpenAI", "Google Gemini", …
	Description string `json:"description"` // one line (<= 60 chars) shown next to the type choice
	// DefaultEndpoint is the canonical base URL the form prefills. It is ""
	// for OTHER: there is no endpoint an OpenAI-compatible server "usually"
	// has, and a wrong prefill (say, Ollama's) would be accepted by users in
	// a hurry and then fail far from the cause.
	DefaultEndpoint string    `json:"defaultEndpoint"`
	EndpointHint    string    `json:"endpointHint"` // one line, e.g. "Base URL ending in /v1"
	Key             FieldSpec `json:"key"`          // what "key" means for this type
	Secret          FieldSpec `json:"secret"`       // what "secret" means for this type
	KeyPage         Link      `json:"keyPage"`      // where to create credentials; zero for OTHER
	Docs            []Link    `json:"docs"`
}

// Presets returns one preset per AIType in display order (OPENAI, GOOGLE,
// ANTHROPIC, AWS, OTHER). The result is a copy: callers may modify it.
func Presets() []Preset {
	src := mustCatalog().Presets
	out := make([]Preset, len(src))
	for i, p := range src {
		p.Docs = append([]Link(nil), p.Docs...)
		out[i] = p
	}
	return out
}

// PresetFor returns the preset of t, and false when t is not a valid type.
func PresetFor(t AIType) (Preset, bool) {
	for _, p := range mustCatalog().Presets {
		if p.Type == t {
			p.Docs = append([]Link(nil), p.Docs...)
			return p, true
		}
	}
	return Preset{}, false
}
