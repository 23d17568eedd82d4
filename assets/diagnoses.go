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

// Statuses are the report statuses of PRODUCT §5.
var Statuses = []string{
	"verified", "verified_limited", "unverified", "rejected", "misconfigured",
	"blocked", "quota", "rate_limited", "provider_error", "unreachable",
}

// FieldIDs are the configuration fields a code can point at; they are the
// form's field keys (package input).
var FieldIDs = []string{"type", "name", "endpoint", "key", "secret"}

// exitCodes are the exit codes of PRODUCT §3.
var exitCodes = []int{0, 1, 2, 3, 4, 130}

// DiagnosisPlaceholders are the {names} a diagnosis text may contain. The
// diagnose package fills each one from the evidence, with a neutral phrase
// when it has no value; a name outside this list is a typo and fails
// validation instead of reaching a user as "{hots}".
var DiagnosisPlaceholders = []string{
	"activationUrl", "apiURL", "candidates", "command", "error", "billingPage", "blocks", "certNames",
	"challenge", "contentType", "dialect", "dnsDetail", "endpoint", "fingerprint", "held", "hint", "keys", "host", "httpsURL", "inspection",
	"intermediary", "issuer", "keyPage", "likelyType", "location", "message",
	"operation", "path", "permission", "phase", "policy", "port", "proxy",
	"proxyDetail", "proxySource", "reason", "redirectHint", "ref", "region",
	"removed", "repos", "requestId", "retryAfter", "retryHint", "rewrites",
	"risk", "role", "schemeDetail", "scope", "scopeName", "sentAs", "status",
	"suggested", "suggestedScheme", "type", "violation", "visibility",
	"workspace",
}

// DiagnosisText is everything fbllm says and decides about one code — the
// catalog's record: what happened, why it probably happened and what to do,
// written for a person in a hurry, plus the report status, exit code and
// form field that go with it. Every code has exactly one record, so
// changing a code's wording or exit code is one edit here. Texts may
// contain {placeholders} (DiagnosisPlaceholders).
type DiagnosisText struct {
	Code string `json:"code"`
	// Kind is "" for the diagnosis codes of PRODUCT §6 and "cli" for the
	// command line's own codes (config.not_found, usage, …), which the
	// README documents.
	Kind        string   `json:"kind,omitempty"`
	Severity    string   `json:"severity"` // default severity; the engine may lower it (see PRODUCT §6)
	Title       string   `json:"title"`    // one line, <= 80 characters
	Explanation string   `json:"explanation"`
	Steps       []string `json:"steps"` // numbered by the UI, in order

	// Status is the report status the code decides when it is the error
	// that stopped a check (PRODUCT §6's status column); "" for codes
	// that decide none.
	Status string `json:"status,omitempty"`
	// Exit is the exit code of a command that ends with this code as an
	// error, without a report (PRODUCT §3). 0 means the code never ends a
	// command that way; a report's exit code follows its status instead.
	Exit int `json:"exit,omitempty"`
	// ExitNoInput replaces Exit under --no-input, for a code that means
	// "input was needed" (keyring.locked).
	ExitNoInput int `json:"exitNoInput,omitempty"`
	// Field is the configuration field a person changes to fix it (one of
	// FieldIDs), or "" when the fix is outside the configuration.
	Field string `json:"field,omitempty"`
	// Message is the one-line error text (lower-case, no final period):
	// what happened, with the error's own text as {error}. CLI and TUI are
	// what to do next, worded for the command line and for the app.
	Message string `json:"message,omitempty"`
	CLI     string `json:"cli,omitempty"`
	TUI     string `json:"tui,omitempty"`

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
		switch d.Kind {
		case "":
			if !slices.Contains(DiagnosisCodes, d.Code) {
				errs = append(errs, fmt.Errorf("%s: code is not in PRODUCT §6", where))
			}
		case "cli":
			if slices.Contains(DiagnosisCodes, d.Code) {
				errs = append(errs, fmt.Errorf("%s: a PRODUCT §6 code is not the CLI's own", where))
			}
		default:
			errs = append(errs, fmt.Errorf("%s: kind must be \"\" or \"cli\", not %q", where, d.Kind))
		}
		errs = append(errs, validateDecisions(where, d)...)
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
	for c, n := range seen {
		if n > 1 && !slices.Contains(DiagnosisCodes, c) {
			errs = append(errs, fmt.Errorf("%s has %d entries", c, n))
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

// validateDecisions checks what a record decides: a known status, exit
// code and field, and an error message for every code that can end a
// command.
func validateDecisions(where string, d DiagnosisText) []error {
	var errs []error
	if d.Status != "" && !slices.Contains(Statuses, d.Status) {
		errs = append(errs, fmt.Errorf("%s: unknown status %q", where, d.Status))
	}
	for _, e := range []int{d.Exit, d.ExitNoInput} {
		if !slices.Contains(exitCodes, e) {
			errs = append(errs, fmt.Errorf("%s: exit code %d is not in PRODUCT §3", where, e))
		}
	}
	if d.ExitNoInput != 0 && d.Exit == 0 {
		errs = append(errs, fmt.Errorf("%s: exitNoInput without exit", where))
	}
	if d.Field != "" && !slices.Contains(FieldIDs, d.Field) {
		errs = append(errs, fmt.Errorf("%s: unknown field %q", where, d.Field))
	}
	if d.Severity == SeverityError && d.Status == "" && d.Exit == 0 {
		errs = append(errs, fmt.Errorf("%s: an error decides a status or ends a command with an exit code", where))
	}
	if d.Exit != 0 && d.Message == "" {
		errs = append(errs, fmt.Errorf("%s: a code that ends a command needs a message", where))
	}
	for name, text := range map[string]string{"message": d.Message, "cli": d.CLI, "tui": d.TUI} {
		if strings.ContainsAny(text, "\r\n") {
			errs = append(errs, fmt.Errorf("%s: %s spans several lines", where, name))
		}
		if strings.HasSuffix(text, ".") {
			errs = append(errs, fmt.Errorf("%s: %s ends with a period (the renderer adds one where it fits)", where, name))
		}
		for _, p := range placeholderRe.FindAllString(text, -1) {
			if !slices.Contains(DiagnosisPlaceholders, p[1:len(p)-1]) {
				errs = append(errs, fmt.Errorf("%s: %s: unknown placeholder %s", where, name, p))
			}
		}
	}
	return errs
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

// Decision is what the catalog decides for a code, without its texts: the
// part that the engine, the CLI's exit codes and the form's "fix" jump
// read.
type Decision struct {
	Kind, Severity, Status string
	Exit, ExitNoInput      int
	Field                  string
}

// DecisionFor returns the decisions of a code, and false for an unknown
// code. It allocates nothing, so classifiers may call it freely.
func DecisionFor(code string) (Decision, bool) {
	m, err := loadDiagnoses()
	if err != nil {
		panic("assets: embedded diagnoses are invalid: " + err.Error())
	}
	d, ok := m[code]
	if !ok {
		return Decision{}, false
	}
	return Decision{Kind: d.Kind, Severity: d.Severity, Status: d.Status, Exit: d.Exit, ExitNoInput: d.ExitNoInput, Field: d.Field}, true
}

// CLICodes returns the CLI's own codes (Kind "cli"), in catalog order.
func CLICodes() []string {
	ds, err := ParseDiagnoses(diagnosesJSON)
	if err != nil {
		panic("assets: embedded diagnoses are invalid: " + err.Error())
	}
	var out []string
	for _, d := range ds {
		if d.Kind == "cli" {
			out = append(out, d.Code)
		}
	}
	return out
}
