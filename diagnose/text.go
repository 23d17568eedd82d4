package diagnose

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/redact"
)

// placeholderDefaults fill a placeholder the evidence gave no value for,
// so a card never shows "{host}". They are deliberately neutral.
var placeholderDefaults = map[string]string{
	"activationUrl":   "https://console.cloud.google.com/apis/library/generativelanguage.googleapis.com",
	"apiURL":          "the Flashback API",
	"billingPage":     "the provider's billing page",
	"blocks":          "some",
	"certNames":       "another name",
	"challenge":       "another authentication scheme",
	"contentType":     "a body that is not JSON",
	"dialect":         "another provider",
	"dnsDetail":       "no such host",
	"endpoint":        "the endpoint",
	"hint":            "",
	"host":            "the server",
	"inspection":      "",
	"intermediary":    "a proxy, firewall or gateway",
	"issuer":          "an unknown issuer",
	"keyPage":         "the provider's console",
	"likelyType":      "the type that matches the server",
	"location":        "another address",
	"message":         "no details were given.",
	"operation":       "this operation",
	"path":            "the probe path",
	"permission":      "the permission to list models",
	"phase":           "the connection",
	"policy":          "(unnamed)",
	"port":            "that port",
	"proxy":           "the proxy",
	"proxyDetail":     "it refused the request.",
	"proxySource":     "HTTPS_PROXY",
	"reason":          "no details were given.",
	"redirectHint":    "",
	"region":          "the endpoint's region",
	"removed":         "extra characters",
	"repos":           "(not listed)",
	"requestId":       "shown in the evidence",
	"retryAfter":      "a minute",
	"retryHint":       "",
	"rewrites":        "no change",
	"risk":            "unknown",
	"role":            "editor",
	"schemeDetail":    "The endpoint's scheme does not match what the server speaks.",
	"scope":           "workspace",
	"scopeName":       "",
	"sentAs":          "the type's usual header",
	"status":          "an error",
	"suggested":       "the base URL from the server's documentation (often ending in /v1)",
	"suggestedScheme": "https",
	"type":            "this type",
	"violation":       "",
	"visibility":      "The configuration is not in the current workspace.",
	"workspace":       "the current workspace",
}

var (
	placeholderRe     = regexp.MustCompile(`\{([A-Za-z]+)\}`)
	spaceBeforeStopRe = regexp.MustCompile(` \.(\s|$)`)
)

// render builds a Diagnosis for code from the assets text, its variant and
// vars. Every value is redacted before it is inserted, and the result is
// redacted again as a whole (a value may complete a secret with its
// neighbours).
func render(code, variant string, sev Severity, vars map[string]string, evidence string, red *redact.Redactor) Diagnosis {
	text, ok := assets.DiagnosisFor(code)
	if !ok {
		// Unreachable for codes of this package; keep the report usable.
		text = assets.DiagnosisText{Code: code, Severity: string(SeverityError), Title: code, Explanation: code, Steps: []string{"Run the test again."}}
	}
	text = text.WithVariant(variant)
	if sev == "" {
		sev = Severity(text.Severity)
	}
	fill := func(s string) string {
		s = placeholderRe.ReplaceAllStringFunc(s, func(m string) string {
			name := m[1 : len(m)-1]
			if v, ok := vars[name]; ok && v != "" {
				return red.Display(v)
			}
			return placeholderDefaults[name]
		})
		return red.Display(tidy(s))
	}
	d := Diagnosis{Code: code, Severity: sev, Title: fill(text.Title), Explanation: fill(text.Explanation), Evidence: red.Display(evidence)}
	d.Steps = make([]string, 0, len(text.Steps))
	for _, s := range text.Steps {
		d.Steps = append(d.Steps, fill(s))
	}
	return d
}

// tidy removes the double spaces and " ." an empty placeholder leaves.
func tidy(s string) string {
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	s = spaceBeforeStopRe.ReplaceAllString(s, ".$1")
	return strings.TrimSpace(s)
}

// maxExcerpt bounds the excerpt in evidence: enough for a provider's
// message, short enough for a card at 80 columns.
const maxExcerpt = 240

// excerpt collapses whitespace and cuts s to maxExcerpt runes.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxExcerpt {
		return s
	}
	r := []rune(s)
	return string(r[:maxExcerpt]) + "…"
}

// responseEvidence formats "HTTP 401 invalid_api_key: message (request
// req_…)" for a response.
func responseEvidence(status int, env Envelope, body []byte, requestID string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", status)
	code := env.Code
	if code == "" || isNumeric(code) {
		code = firstNonEmpty(env.Reason, env.Type, env.Status)
	}
	if code != "" {
		b.WriteString(" " + code)
	}
	msg := env.Message
	if msg == "" {
		msg = string(body)
		if htmlStartRe.Match(body) {
			// An HTML page's excerpt would be markup and CSS; its own
			// message is what a person reads on it.
			msg = client.PageMessage(body)
		}
	}
	if m := excerpt(msg); m != "" {
		b.WriteString(": " + m)
	}
	if requestID != "" {
		b.WriteString(" (request " + requestID + ")")
	}
	return b.String()
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
