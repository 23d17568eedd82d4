package assets

import "regexp"

// TokenShape describes the recognisable format of one kind of credential. The
// shapes drive non-blocking hints ("this looks like an Anthropic key") and
// the provider prefix shown in fingerprints; they never reject input, because
// providers change key formats (Gemini moved from AIza… to AQ.… in 2026).
type TokenShape struct {
	ID      string `json:"id"`      // e.g. "openai-project", "anthropic-api", "aws-access-key-id"
	Vendor  string `json:"vendor"`  // human vendor name: "OpenAI", "Anthropic", "OpenRouter", …
	Name    string `json:"name"`    // human name of the credential kind, e.g. "Anthropic Admin API key"
	Type    AIType `json:"type"`    // the AIType this credential belongs to (OpenRouter/Groq/xAI → OTHER)
	Field   string `json:"field"`   // "key" or "secret": which field it belongs in for that type
	Pattern string `json:"pattern"` // Go regexp, anchored with ^…$
	// Note is shown whenever a value of this shape is entered under its own
	// type, e.g. "it needs a session token, which fbllm can't store yet".
	// Shapes that are fine as they are leave it "".
	Note   string `json:"note"`
	Prefix string `json:"prefix"` // literal start of every match, <= 8 chars, used in fingerprints
	// Unsupported marks credentials that cannot call models even under the
	// right type (admin keys, OAuth tokens); Note says what to use instead.
	Unsupported bool `json:"unsupported"`
	// Generic marks shapes that are not tied to one vendor (a JWT). They
	// never suggest a type; they are only reported under Type.
	Generic bool `json:"generic"`
}

// TokenShapes returns every token shape, most specific first: a value is
// classified by the first shape whose pattern matches, so sk-ant- comes
// before sk-, and sk-proj- before sk-. The result is a copy.
func TokenShapes() []TokenShape {
	return append([]TokenShape(nil), mustCatalog().TokenShapes...)
}

// MatchTokenShape returns the first token shape whose pattern matches v in
// full, and false when none does.
func MatchTokenShape(v string) (TokenShape, bool) {
	c := mustCatalog()
	for i, re := range c.shapeRes {
		if re.MatchString(v) {
			return c.TokenShapes[i], true
		}
	}
	return TokenShape{}, false
}

// ShapePrefix returns the Prefix of the first token shape whose prefix v
// starts with, and "" when none does. Unlike MatchTokenShape it ignores the
// rest of the pattern, so a truncated or unusual key from a known vendor
// still gets the vendor prefix in its fingerprint.
func ShapePrefix(v string) string {
	for _, s := range mustCatalog().TokenShapes {
		if len(v) >= len(s.Prefix) && v[:len(s.Prefix)] == s.Prefix {
			return s.Prefix
		}
	}
	return ""
}

// compileShapes compiles every pattern; Validate has already checked them.
func compileShapes(shapes []TokenShape) ([]*regexp.Regexp, error) {
	res := make([]*regexp.Regexp, len(shapes))
	for i, s := range shapes {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return nil, err
		}
		res[i] = re
	}
	return res, nil
}
