package assets

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed diagnoses.json
var diagnosesJSON []byte

// Severity of a diagnosis (PRODUCT §5): a report that exits 0 carries only
// warning and info diagnoses.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// maxDiagnosisTitleLen keeps a title on one line of the troubleshooting
// panel's card at 80 columns, border and marker included.
const maxDiagnosisTitleLen = 80

// DiagnosisCodes are the stable codes of PRODUCT §6, in its order. Scripts
// match on them, so the list is the contract the data file is checked
// against: every code has exactly one entry and no entry has another code.
var DiagnosisCodes = []string{
	"input.sanitized", "input.key_shape", "input.endpoint_rewritten",
	"endpoint.invalid_url", "endpoint.insecure_scheme", "endpoint.dns",
	"endpoint.refused", "endpoint.timeout", "endpoint.reset",
	"endpoint.tls_untrusted", "endpoint.tls_hostname", "endpoint.tls_expired",
	"endpoint.tls_mismatch", "endpoint.redirect", "endpoint.not_found",
	"endpoint.wrong_type", "endpoint.not_api", "endpoint.proxy",
	"auth.missing_secret", "auth.invalid_secret", "auth.missing_key",
	"auth.expired", "auth.session_token", "auth.wrong_org",
	"auth.insufficient_scope", "auth.clock_skew", "model.not_found",
	"model.access_denied", "quota.exhausted", "quota.rate_limited",
	"provider.overloaded", "provider.server_error", "policy.region_blocked",
	"policy.intermediary", "policy.flashback_block", "auth.unverifiable",
	"flashback.unauthenticated", "flashback.forbidden", "flashback.unreachable",
	"flashback.in_use", "flashback.validation_failed", "workspace.not_visible",
	"keyring.unavailable", "keyring.locked", "keyring.wrong_passphrase",
	"keyring.verifier_missing", "keyring.damaged", "keyring.item_mismatch",
	"store.unsafe_path", "exec.secret_write_only", "hygiene.plaintext_key",
}

// DiagnosisPlaceholders are the {names} a diagnosis text may contain. The
// diagnose package fills each one from the evidence, with a neutral phrase
// when it has no value; a name outside this list is a typo and fails
// validation instead of reaching a user as "{hots}".
var DiagnosisPlaceholders = []string{
	"activationUrl", "apiURL", "billingPage", "blocks", "certNames",
	"contentType", "dialect", "dnsDetail", "endpoint", "fingerprint", "held", "hint", "host", "httpsURL", "inspection",
	"intermediary", "issuer", "keyPage", "likelyType", "location", "message",
	"operation", "path", "permission", "phase", "policy", "port", "proxy",
	"proxyDetail", "proxySource", "reason", "redirectHint", "region",
	"removed", "repos", "requestId", "retryAfter", "retryHint", "rewrites",
	"risk", "role", "schemeDetail", "scope", "scopeName", "status",
	"suggested", "suggestedScheme", "type", "violation", "visibility",
	"workspace",
}

// DiagnosisText is the human text of one diagnosis code: what happened, why
// it probably happened and what to do, written for a person in a hurry.
// Texts may contain {placeholders} (DiagnosisPlaceholders).
type DiagnosisText struct {
	Code        string   `json:"code"`
	Severity    string   `json:"severity"` // default severity; the engine may lower it (see PRODUCT §6)
	Title       string   `json:"title"`    // one line, <= 80 characters
	Explanation string   `json:"explanation"`
	Steps       []string `json:"steps"` // numbered by the UI, in order
	// Variants refine the text for a recognised special case of the same
	// code (an Anthropic OAuth token is still auth.invalid_secret, but the
	// fix is different). Empty variant fields keep the base text.
	Variants map[string]DiagnosisVariant `json:"variants,omitempty"`
}

// DiagnosisVariant overrides parts of a DiagnosisText.
type DiagnosisVariant struct {
	Title       string   `json:"title,omitempty"`
	Explanation string   `json:"explanation,omitempty"`
	Steps       []string `json:"steps,omitempty"`
}

// WithVariant returns d with the named variant applied; an unknown name
// returns d unchanged, so a missing variant degrades to the generic text.
func (d DiagnosisText) WithVariant(name string) DiagnosisText {
	v, ok := d.Variants[name]
	if !ok {
		return d.clone()
	}
	out := d.clone()
	if v.Title != "" {
		out.Title = v.Title
	}
	if v.Explanation != "" {
		out.Explanation = v.Explanation
	}
	if len(v.Steps) > 0 {
		out.Steps = append([]string(nil), v.Steps...)
	}
	return out
}

func (d DiagnosisText) clone() DiagnosisText {
	d.Steps = append([]string(nil), d.Steps...)
	d.Variants = nil
	return d
}

// ParseDiagnoses decodes a diagnoses file strictly (unknown fields are an
// error). The result is not validated; see ValidateDiagnoses.
func ParseDiagnoses(data []byte) ([]DiagnosisText, error) {
	var ds []DiagnosisText
	if err := decodeStrict(data, &ds); err != nil {
		return nil, fmt.Errorf("parse diagnoses: %w", err)
	}
	return ds, nil
}

var placeholderRe = regexp.MustCompile(`\{[^{}]*\}`)

// ValidateDiagnoses checks every rule the troubleshooting panel relies on
// and returns all violations joined.
func ValidateDiagnoses(ds []DiagnosisText) error {
	var errs []error
	seen := map[string]int{}
	for i, d := range ds {
		where := fmt.Sprintf("diagnosis %d (%s)", i, d.Code)
		seen[d.Code]++
		if !slices.Contains(DiagnosisCodes, d.Code) {
			errs = append(errs, fmt.Errorf("%s: code is not in PRODUCT §6", where))
		}
		switch d.Severity {
		case SeverityError, SeverityWarning, SeverityInfo:
		default:
			errs = append(errs, fmt.Errorf("%s: invalid severity %q", where, d.Severity))
		}
		errs = append(errs, validateDiagnosisText(where, d.Title, d.Explanation, d.Steps, true)...)
		for name, v := range d.Variants {
			vw := fmt.Sprintf("%s variant %q", where, name)
			if v.Title == "" && v.Explanation == "" && len(v.Steps) == 0 {
				errs = append(errs, fmt.Errorf("%s: changes nothing", vw))
			}
			errs = append(errs, validateDiagnosisText(vw, v.Title, v.Explanation, v.Steps, false)...)
		}
	}
	for _, c := range DiagnosisCodes {
		switch seen[c] {
		case 0:
			errs = append(errs, fmt.Errorf("no diagnosis text for %s", c))
		case 1:
		default:
			errs = append(errs, fmt.Errorf("%s has %d entries", c, seen[c]))
		}
	}
	return errors.Join(errs...)
}

// validateDiagnosisText checks one title/explanation/steps triple; with
// required false, empty parts are allowed (a variant keeps the base text).
func validateDiagnosisText(where, title, explanation string, steps []string, required bool) []error {
	var errs []error
	if required || title != "" {
		errs = append(errs, requireLine(where+": title", title, maxDiagnosisTitleLen)...)
	}
	if required || explanation != "" {
		errs = append(errs, requireLine(where+": explanation", explanation, 0)...)
	}
	if required && len(steps) == 0 {
		errs = append(errs, fmt.Errorf("%s: no steps", where))
	}
	for j, s := range steps {
		errs = append(errs, requireLine(fmt.Sprintf("%s: step %d", where, j+1), s, 0)...)
	}
	for _, s := range append([]string{title, explanation}, steps...) {
		for _, p := range placeholderRe.FindAllString(s, -1) {
			if !slices.Contains(DiagnosisPlaceholders, p[1:len(p)-1]) {
				errs = append(errs, fmt.Errorf("%s: unknown placeholder %s", where, p))
			}
		}
		if strings.Count(s, "{") != strings.Count(s, "}") {
			errs = append(errs, fmt.Errorf("%s: unbalanced braces in %q", where, s))
		}
	}
	if !utf8.ValidString(title + explanation) {
		errs = append(errs, fmt.Errorf("%s: not valid UTF-8", where))
	}
	return errs
}

var loadDiagnoses = sync.OnceValues(func() (map[string]DiagnosisText, error) {
	ds, err := ParseDiagnoses(diagnosesJSON)
	if err != nil {
		return nil, err
	}
	if err := ValidateDiagnoses(ds); err != nil {
		return nil, err
	}
	m := make(map[string]DiagnosisText, len(ds))
	for _, d := range ds {
		m[d.Code] = d
	}
	return m, nil
})

// DiagnosisFor returns the text of a PRODUCT §6 code, and false for an
// unknown code. It panics if the embedded file is invalid, which the
// package tests rule out (see mustCatalog for why panicking is right).
func DiagnosisFor(code string) (DiagnosisText, bool) {
	m, err := loadDiagnoses()
	if err != nil {
		panic("assets: embedded diagnoses are invalid: " + err.Error())
	}
	d, ok := m[code]
	if !ok {
		return DiagnosisText{}, false
	}
	out := d.clone()
	out.Variants = d.Variants
	return out, true
}
