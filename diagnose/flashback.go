package diagnose

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fbllm/fbllm/internal/redact"
)

// Part is a piece of a report built from what the Flashback platform said
// (validation, policies, visibility, API errors), to be merged into the
// direct probe's report with Merge.
type Part struct {
	Checks    []Check
	Diagnoses []Diagnosis
	// Status is the status the part decides ("" for none).
	Status Status
	// Verified is set by a successful Flashback validation: the platform
	// proved the credential even when this machine could not probe.
	Verified bool
}

// part renders diagnoses without redaction; Merge and NewReport redact the
// whole report once the secrets are known.
func part(code, variant string, sev Severity, vars map[string]string, evidence string) Diagnosis {
	return render(code, variant, sev, vars, evidence, nil)
}

// Validation is Flashback's answer to POST /ai/llm/{id}/validate: HTTP 200
// with success false still means the configuration failed.
type Validation struct {
	Success bool
	Message string
}

var (
	statusInMessageRe = regexp.MustCompile(`(?i)(?:error:?|status(?: code)?:?|http)\s*(\d{3})\b`)
	bareStatusRe      = regexp.MustCompile(`\b([1-5]\d\d) (?:unauthori[sz]ed|forbidden|not found|too many requests|payment required|bad request|internal server error|bad gateway|service unavailable|gateway time-?out)`)
)

// statusFromMessage finds a provider HTTP status in a validation message
// such as "Validation failed: Invalid API key or endpoint unreachable.
// Error: 401 Unauthorized".
func statusFromMessage(msg string) int {
	for _, re := range []*regexp.Regexp{statusInMessageRe, bareStatusRe} {
		if m := re.FindStringSubmatch(strings.ToLower(msg)); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n >= 100 && n < 600 {
				return n
			}
		}
	}
	return 0
}

// ValidationCode classifies a failed validation message: the code of the
// provider status or network error it carries, else
// flashback.validation_failed.
func ValidationCode(msg string) string {
	lower := strings.ToLower(msg)
	switch {
	case has(lower, "insufficient_quota", "exceeded your current quota", "credit balance"):
		return CodeQuotaExhausted
	case has(lower, "enotfound", "getaddrinfo", "no such host"):
		return CodeEndpointDNS
	case has(lower, "econnrefused", "connection refused"):
		return CodeEndpointRefused
	case has(lower, "etimedout", "timed out", "timeout"):
		return CodeEndpointTimeout
	case has(lower, "certificate", "self signed", "self-signed"):
		return CodeEndpointTLSUntrusted
	}
	switch st := statusFromMessage(msg); st {
	case 401:
		return CodeAuthInvalidSecret
	case 0:
		return CodeFlashbackValidation
	default:
		if c := byStatus(st); st >= 400 {
			return c
		}
		return CodeFlashbackValidation
	}
}

// ValidationPart turns a validation answer into the flashback check and,
// on failure, the diagnoses of PRODUCT §6: always
// flashback.validation_failed (an error: Flashback's own check failed),
// and with it the provider code the message carries, which decides the
// status (else flashback.validation_failed's own, rejected).
func ValidationPart(v Validation) Part {
	if v.Success {
		return Part{Verified: true, Checks: []Check{{ID: CheckFlashback, Status: CheckPass, Detail: "Flashback validated the connection: " + excerpt(v.Message)}}}
	}
	code := ValidationCode(v.Message)
	evidence := "Flashback validation: " + excerpt(v.Message)
	vars := map[string]string{"message": excerpt(v.Message), "host": "the provider (as seen from Flashback)"}
	st, _ := StatusOf(code)
	p := Part{
		Status:    st,
		Checks:    []Check{{ID: CheckFlashback, Status: CheckFail, Detail: "Flashback's validation failed: " + excerpt(v.Message)}},
		Diagnoses: []Diagnosis{part(CodeFlashbackValidation, "", SeverityError, vars, evidence)},
	}
	if code != CodeFlashbackValidation {
		// The classified code first: it is the one that decided the
		// status, and Report.Primary returns the first error.
		p.Diagnoses = append([]Diagnosis{part(code, "", "", vars, evidence)}, p.Diagnoses...)
	}
	return p
}

// PolicyBlock is one Flashback AI policy that blocked calls of this
// configuration, from GET /policy/violations and the policy itself.
type PolicyBlock struct {
	PolicyName string
	Scope      string // "organization", "workspace" or "repository"
	ScopeName  string // the workspace or repository name; "" for the organization
	Risk       string // LOW, MEDIUM or HIGH
	Blocks     int64  // blocked calls attributed to this policy
	// LatestExplanation and LatestAt describe the most recent violation.
	LatestExplanation string
	LatestAt          time.Time
}

// Usage are the counters of GET /ai/llm/stats for one configuration.
type Usage struct {
	Calls, Violations, Alerts, Blocks int64
}

// PolicyPart builds the policy check and one policy.flashback_block
// warning per blocking policy. Blocks never fail the report: the
// connection works, some calls are refused by design.
func PolicyPart(u Usage, blocks []PolicyBlock) Part {
	detail := fmt.Sprintf("%d calls, %d policy violations, %d alerts, %d blocked", u.Calls, u.Violations, u.Alerts, u.Blocks)
	if u.Blocks == 0 && len(blocks) == 0 {
		return Part{Checks: []Check{{ID: CheckPolicy, Status: CheckPass, Detail: detail}}}
	}
	p := Part{Checks: []Check{{ID: CheckPolicy, Status: CheckWarn, Detail: detail}}}
	for _, b := range blocks {
		violation := ""
		if b.LatestExplanation != "" {
			violation = "Latest violation"
			if !b.LatestAt.IsZero() {
				violation += " (" + b.LatestAt.UTC().Format("2006-01-02 15:04 UTC") + ")"
			}
			violation += ": " + excerpt(b.LatestExplanation)
			if !strings.HasSuffix(violation, ".") {
				violation += "."
			}
		}
		scope := strings.ToLower(firstNonEmpty(b.Scope, "workspace"))
		vars := map[string]string{
			"policy": b.PolicyName, "scope": scope, "scopeName": b.ScopeName,
			"risk": strings.ToUpper(firstNonEmpty(b.Risk, "unknown")), "blocks": strconv.FormatInt(b.Blocks, 10),
			"violation": violation,
		}
		where := strings.TrimSpace(scope + " " + b.ScopeName) // an organisation policy may carry no name
		evidence := fmt.Sprintf("policy %q (%s, risk %s): %d blocked calls", b.PolicyName, where, vars["risk"], b.Blocks)
		p.Diagnoses = append(p.Diagnoses, part(CodePolicyFlashbackBlock, "", SeverityWarning, vars, strings.ReplaceAll(evidence, "  ", " ")))
	}
	return p
}

// Visibility says where a configuration was found among the workspaces
// the user can reach.
type Visibility struct {
	Current    string // the current workspace's name
	FoundIn    string // the workspace that has it; "" when none does
	RoleNeeded string // the role that would let the user see it (e.g. "viewer")
}

// VisibilityPart builds the visibility check and, when the configuration
// is not in the current workspace, workspace.not_visible: a warning when
// it was found (and checked) elsewhere, an error (exit 1, no status) when
// no reachable workspace has it.
func VisibilityPart(v Visibility) Part {
	switch {
	case v.FoundIn == "" && v.Current == "":
		return Part{}
	case v.FoundIn == v.Current:
		return Part{Checks: []Check{{ID: CheckVisibility, Status: CheckPass, Detail: "in the current workspace " + v.Current}}}
	case v.FoundIn != "":
		text := fmt.Sprintf("The configuration is not in the current workspace %s but in %s; fbllm checked it there.", v.Current, v.FoundIn)
		return Part{
			Checks:    []Check{{ID: CheckVisibility, Status: CheckWarn, Detail: "found in workspace " + v.FoundIn + ", not in " + v.Current}},
			Diagnoses: []Diagnosis{part(CodeWorkspaceNotVisible, "", SeverityWarning, map[string]string{"visibility": text, "workspace": v.FoundIn, "role": firstNonEmpty(v.RoleNeeded, "viewer")}, "found in workspace "+v.FoundIn)},
		}
	default:
		role := firstNonEmpty(v.RoleNeeded, "viewer")
		text := fmt.Sprintf("No workspace you can reach has this configuration. It may have been deleted, or it lives in a workspace where you have no role; the %s role there would let you see it.", role)
		return Part{
			Checks:    []Check{{ID: CheckVisibility, Status: CheckFail, Detail: "not found in any reachable workspace"}},
			Diagnoses: []Diagnosis{part(CodeWorkspaceNotVisible, "", SeverityError, map[string]string{"visibility": text, "workspace": "WORKSPACE", "role": role}, "not found in any reachable workspace")},
		}
	}
}

// FlashbackProblem describes a Flashback API failure to explain.
type FlashbackProblem struct {
	// Code is flashback.unauthenticated, flashback.forbidden,
	// flashback.unreachable or flashback.in_use.
	Code      string
	Message   string   // the server's message or the error text
	APIURL    string   // for flashback.unreachable
	Workspace string   // for flashback.forbidden
	Operation string   // for flashback.forbidden, e.g. "deleting configurations"
	Role      string   // for flashback.forbidden: the role that would allow it
	Repos     []string // for flashback.in_use
	RequestID string
}

// FlashbackPart builds the flashback check and the diagnosis of a
// platform failure. These codes decide no status: they end the command
// with their own exit code (the catalog's exit).
func FlashbackPart(p FlashbackProblem) Part {
	vars := map[string]string{
		"reason": strings.TrimSuffix(excerpt(p.Message), ".") + ".", "apiURL": p.APIURL, "workspace": p.Workspace,
		"operation": p.Operation, "role": p.Role, "repos": strings.Join(p.Repos, ", "),
	}
	evidence := excerpt(p.Message)
	if p.RequestID != "" {
		evidence += " (request " + p.RequestID + ")"
	}
	return Part{
		Checks:    []Check{{ID: CheckFlashback, Status: CheckFail, Detail: p.Code + ": " + excerpt(p.Message)}},
		Diagnoses: []Diagnosis{part(p.Code, "", SeverityError, vars, evidence)},
	}
}

// SkippedProbe is the direct part of a report when this machine has no
// secret to probe with (a Flashback configuration without
// --secret-env/--secret-stdin): the http, auth and models checks are skip
// and the status is left to Merge.
func SkippedProbe(cfg ConfigRef, reason string) Report {
	return Report{
		Config: cfg,
		Checks: []Check{
			{ID: CheckInput, Status: CheckPass, Detail: string(cfg.AIType) + " " + cfg.Endpoint},
			{ID: CheckHTTP, Status: CheckSkip, Detail: reason},
			{ID: CheckAuth, Status: CheckSkip, Detail: reason},
			{ID: CheckModels, Status: CheckSkip, Detail: reason},
		},
	}
}

// Merge appends Flashback parts to a direct report. The direct report's
// failing status wins (it is what this machine saw); otherwise the first
// part that decides a failing status does; otherwise a report without a
// status becomes verified when Flashback validated it. The result is
// redacted with red (nil: token shapes only).
func Merge(direct Report, red *redact.Redactor, parts ...Part) Report {
	rep := direct
	rep.Checks = append([]Check(nil), direct.Checks...)
	rep.Diagnoses = append([]Diagnosis(nil), direct.Diagnoses...)
	verified := false
	for _, p := range parts {
		rep.Checks = append(rep.Checks, p.Checks...)
		rep.Diagnoses = append(rep.Diagnoses, p.Diagnoses...)
		verified = verified || p.Verified
	}
	if rep.Status == "" || rep.Status.Works() {
		for _, p := range parts {
			if p.Status != "" && !p.Status.Works() {
				rep.Status = p.Status
				break
			}
		}
	}
	if rep.Status == "" {
		for _, p := range parts {
			if p.Status != "" {
				rep.Status = p.Status
				break
			}
		}
	}
	if rep.Status == "" && verified {
		rep.Status = StatusVerified
	}
	if rep.Status == "" {
		// Nothing proved or disproved the credential.
		rep.Status = StatusUnverified
	}
	rep.redactWith(red)
	return rep
}

// KeyringPart builds the keyring check of doctor: pass with the backend's
// name when reason is "", else the keyring.* diagnosis (code is
// keyring.unavailable, keyring.locked or keyring.wrong_passphrase).
func KeyringPart(backend, code, reason string) Part {
	return KeyringFilePart(backend, code, "", reason)
}

// KeyringFilePart is KeyringPart for a problem with one file or directory
// (keyring.verifier_missing, keyring.damaged, store.unsafe_path), whose
// texts name it.
func KeyringFilePart(backend, code, path, reason string) Part {
	if code == "" {
		return Part{Checks: []Check{{ID: CheckKeyring, Status: CheckPass, Detail: "backend " + backend}}}
	}
	vars := map[string]string{"reason": strings.TrimSuffix(excerpt(reason), ".") + "."}
	if path != "" {
		vars["path"] = path
	}
	return Part{
		Checks:    []Check{{ID: CheckKeyring, Status: CheckFail, Detail: code + ": " + excerpt(reason)}},
		Diagnoses: []Diagnosis{part(code, "", SeverityError, vars, excerpt(reason))},
	}
}
