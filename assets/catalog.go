package assets

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed presets.json
var presetsJSON []byte

//go:embed token_shapes.json
var tokenShapesJSON []byte

// Limits checked by Validate. They exist because the values are rendered in
// fixed-width terminal layouts (80×24 down to 40×12) and in fingerprints.
const (
	maxDescriptionLen = 60 // preset description, shown next to the type choice
	maxPrefixLen      = 8  // token-shape prefix, shown in fingerprints (PRODUCT §1)
)

// Catalog is the parsed content of the embedded data files. It is exported so
// that Validate's rules can be exercised on deliberately broken data.
type Catalog struct {
	Presets     []Preset
	TokenShapes []TokenShape

	shapeRes []*regexp.Regexp // compiled TokenShapes patterns, same order
}

// ParseCatalog decodes the two data files. Unknown JSON fields are an error
// so that a typo in a field name fails the test instead of being dropped.
// The result is not validated; call Catalog.Validate.
func ParseCatalog(presets, tokenShapes []byte) (Catalog, error) {
	var c Catalog
	if err := decodeStrict(presets, &c.Presets); err != nil {
		return Catalog{}, fmt.Errorf("parse presets: %w", err)
	}
	if err := decodeStrict(tokenShapes, &c.TokenShapes); err != nil {
		return Catalog{}, fmt.Errorf("parse token shapes: %w", err)
	}
	return c, nil
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// Validate parses and validates the embedded data files (presets, token
// shapes, the exec mapping and the key sources). The package tests
// call it; it is exported so that a doctor-style command can report a
// corrupted build too.
func Validate() error {
	c, err := ParseCatalog(presetsJSON, tokenShapesJSON)
	if err != nil {
		return err
	}
	errs := []error{c.Validate()}
	if envs, err := ParseExecEnvs(execEnvJSON); err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, ValidateExecEnvs(envs))
	}
	if k, err := ParseKeySources(keySourcesJSON); err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, k.Validate())
	}
	return errors.Join(errs...)
}

// Validate checks every rule the rest of fbllm relies on and returns all
// violations joined, so one test run lists every broken entry.
func (c Catalog) Validate() error {
	var errs []error
	errs = append(errs, validatePresets(c.Presets)...)
	errs = append(errs, validateTokenShapes(c.TokenShapes)...)
	errs = append(errs, validatePlaceholders(c.Presets, c.TokenShapes)...)
	return errors.Join(errs...)
}

// validatePlaceholders rejects a placeholder that a token shape recognises:
// a real-looking example key gets copied into configs and secret scanners.
func validatePlaceholders(presets []Preset, shapes []TokenShape) []error {
	var errs []error
	for _, s := range shapes {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			continue // reported by validateTokenShapes
		}
		for _, p := range presets {
			for field, f := range map[string]FieldSpec{"key": p.Key, "secret": p.Secret} {
				if f.Placeholder != "" && re.MatchString(f.Placeholder) {
					errs = append(errs, fmt.Errorf("preset %s: %s placeholder looks like a real %s", p.Type, field, s.Name))
				}
			}
		}
	}
	return errs
}

func validatePresets(presets []Preset) []error {
	var errs []error
	seen := map[AIType]bool{}
	for i, p := range presets {
		where := fmt.Sprintf("preset %d (%s)", i, p.Type)
		if !p.Type.Valid() {
			errs = append(errs, fmt.Errorf("%s: invalid type %q", where, p.Type))
		} else if seen[p.Type] {
			errs = append(errs, fmt.Errorf("%s: duplicate type", where))
		}
		seen[p.Type] = true

		errs = append(errs, requireLine(where+": label", p.Label, 0)...)
		errs = append(errs, requireLine(where+": description", p.Description, maxDescriptionLen)...)
		errs = append(errs, requireLine(where+": endpoint hint", p.EndpointHint, 0)...)

		switch {
		case p.DefaultEndpoint == "" && p.Type == Other:
			// OTHER has no default endpoint by design (see Preset).
		case p.DefaultEndpoint == "":
			errs = append(errs, fmt.Errorf("%s: default endpoint is empty", where))
		default:
			if err := checkEndpoint(p.DefaultEndpoint); err != nil {
				errs = append(errs, fmt.Errorf("%s: default endpoint: %w", where, err))
			}
		}

		errs = append(errs, validateField(where+": key", p.Key)...)
		errs = append(errs, validateField(where+": secret", p.Secret)...)
		// The secret is required for every type (PRODUCT §1); the key only
		// for AWS, where it is the access key ID.
		if !p.Secret.Required {
			errs = append(errs, fmt.Errorf("%s: secret must be required", where))
		}
		if p.Key.Required != (p.Type == AWS) {
			errs = append(errs, fmt.Errorf("%s: key must be required exactly for AWS", where))
		}
		// AWS needs its access key ID and OTHER servers may want a second
		// credential; the form hides the key of every other type.
		if p.Key.Unused == (p.Type == AWS || p.Type == Other) {
			errs = append(errs, fmt.Errorf("%s: the key must be unused exactly for types other than AWS and OTHER", where))
		}
		if p.Secret.Unused {
			errs = append(errs, fmt.Errorf("%s: the secret cannot be unused", where))
		}

		if p.KeyPage != (Link{}) || p.Type != Other {
			if err := checkLink(p.KeyPage); err != nil {
				errs = append(errs, fmt.Errorf("%s: key page: %w", where, err))
			}
		}
		if len(p.Docs) == 0 {
			errs = append(errs, fmt.Errorf("%s: no documentation links", where))
		}
		for j, l := range p.Docs {
			if err := checkLink(l); err != nil {
				errs = append(errs, fmt.Errorf("%s: docs[%d]: %w", where, j, err))
			}
		}
	}
	for _, t := range allTypes {
		if !seen[t] {
			errs = append(errs, fmt.Errorf("no preset for type %s", t))
		}
	}
	return errs
}

func validateField(where string, f FieldSpec) []error {
	errs := requireLine(where+" label", f.Label, 0)
	errs = append(errs, requireLine(where+" description", f.Description, 0)...)
	if strings.ContainsAny(f.Placeholder, "\r\n") {
		errs = append(errs, fmt.Errorf("%s placeholder spans several lines", where))
	}
	return errs
}

// requireLine checks a non-empty single-line text of at most max runes
// (max 0: no limit).
func requireLine(where, s string, max int) []error {
	var errs []error
	if strings.TrimSpace(s) == "" {
		errs = append(errs, fmt.Errorf("%s is empty", where))
	}
	if strings.ContainsAny(s, "\r\n") {
		errs = append(errs, fmt.Errorf("%s spans several lines", where))
	}
	if n := utf8.RuneCountInString(s); max > 0 && n > max {
		errs = append(errs, fmt.Errorf("%s is %d characters (at most %d)", where, n, max))
	}
	return errs
}

// checkEndpoint accepts the canonical form only: absolute https, a host, no
// credentials, query, fragment or trailing slash.
func checkEndpoint(s string) error {
	if err := checkHTTPS(s); err != nil {
		return err
	}
	u, _ := url.Parse(s)
	if u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(u.Path, "/") {
		return fmt.Errorf("%q is not canonical (no query, fragment or trailing slash)", s)
	}
	return nil
}

func checkLink(l Link) error {
	if strings.TrimSpace(l.Title) == "" {
		return errors.New("title is empty")
	}
	return checkHTTPS(l.URL)
}

func checkHTTPS(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL", s)
	}
	if u.Scheme != "https" || u.Host == "" || u.User != nil {
		return fmt.Errorf("%q is not an absolute https URL", s)
	}
	return nil
}

var shapeIDRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func validateTokenShapes(shapes []TokenShape) []error {
	var errs []error
	ids := map[string]bool{}
	for i, s := range shapes {
		where := fmt.Sprintf("token shape %d (%s)", i, s.ID)
		if !shapeIDRe.MatchString(s.ID) {
			errs = append(errs, fmt.Errorf("%s: id must be lower-case kebab-case", where))
		}
		if ids[s.ID] {
			errs = append(errs, fmt.Errorf("%s: duplicate id", where))
		}
		ids[s.ID] = true
		errs = append(errs, requireLine(where+": vendor", s.Vendor, 0)...)
		errs = append(errs, requireLine(where+": name", s.Name, 0)...)
		if !s.Type.Valid() {
			errs = append(errs, fmt.Errorf("%s: invalid type %q", where, s.Type))
		}
		if s.Field != "key" && s.Field != "secret" {
			errs = append(errs, fmt.Errorf("%s: field must be \"key\" or \"secret\", not %q", where, s.Field))
		}
		if strings.ContainsAny(s.Note, "\r\n") {
			errs = append(errs, fmt.Errorf("%s: note spans several lines", where))
		}
		if s.Unsupported && s.Note == "" {
			errs = append(errs, fmt.Errorf("%s: an unsupported shape needs a note saying what to use instead", where))
		}
		if s.Prefix == "" {
			errs = append(errs, fmt.Errorf("%s: prefix is empty", where))
		}
		if n := utf8.RuneCountInString(s.Prefix); n > maxPrefixLen {
			errs = append(errs, fmt.Errorf("%s: prefix %q is %d characters (at most %d)", where, s.Prefix, n, maxPrefixLen))
		}
		if err := checkPattern(s.Pattern, s.Prefix); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		}
		// First match wins, so a shape must not be shadowed by an earlier,
		// less specific one: "sk-" before "sk-ant-" would hide Anthropic.
		for _, earlier := range shapes[:i] {
			if earlier.Prefix != s.Prefix && earlier.Prefix != "" && strings.HasPrefix(s.Prefix, earlier.Prefix) {
				errs = append(errs, fmt.Errorf("%s: must come before the less specific %s (prefix %q)", where, earlier.ID, earlier.Prefix))
			}
		}
	}
	return errs
}

// checkPattern requires a pattern that compiles, is anchored at both ends
// (a top-level ^…$ concatenation, so "^a|b$" does not pass) and whose every
// match starts with prefix.
func checkPattern(pattern, prefix string) error {
	if _, err := regexp.Compile(pattern); err != nil {
		return fmt.Errorf("pattern %q does not compile", pattern)
	}
	// regexp.Compile uses the same parser and flags, so this cannot fail.
	tree, _ := syntax.Parse(pattern, syntax.Perl)
	if tree.Op != syntax.OpConcat || len(tree.Sub) < 3 ||
		tree.Sub[0].Op != syntax.OpBeginText || tree.Sub[len(tree.Sub)-1].Op != syntax.OpEndText {
		return fmt.Errorf("pattern %q is not anchored with ^…$", pattern)
	}
	// The parser merges adjacent literal characters, so right after ^ comes
	// one literal node holding the fixed start of every match.
	lit := tree.Sub[1]
	if lit.Op != syntax.OpLiteral || lit.Flags&syntax.FoldCase != 0 || !strings.HasPrefix(string(lit.Rune), prefix) {
		return fmt.Errorf("pattern %q does not start with the literal prefix %q", pattern, prefix)
	}
	return nil
}

// loadCatalog parses, validates and compiles the embedded data once.
var loadCatalog = sync.OnceValues(func() (Catalog, error) {
	c, err := ParseCatalog(presetsJSON, tokenShapesJSON)
	if err != nil {
		return Catalog{}, err
	}
	if err := c.Validate(); err != nil {
		return Catalog{}, err
	}
	order := map[AIType]int{}
	for i, t := range allTypes {
		order[t] = i
	}
	sorted := make([]Preset, len(allTypes))
	for _, p := range c.Presets {
		sorted[order[p.Type]] = p
	}
	c.Presets = sorted
	if c.shapeRes, err = compileShapes(c.TokenShapes); err != nil {
		return Catalog{}, err
	}
	return c, nil
})

// mustCatalog returns the embedded catalog. The data is compiled into the
// binary and validated by this package's tests, so a failure here is a build
// defect, like a bad regexp.MustCompile literal: panicking beats running with
// no presets and confusing the user later.
func mustCatalog() Catalog {
	c, err := loadCatalog()
	if err != nil {
		panic("assets: embedded data is invalid: " + err.Error())
	}
	return c
}
