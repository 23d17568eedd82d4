package diagnose

import (
	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/redact"
)

// Status is a report's verdict (PRODUCT §5).
type Status string

// The statuses of PRODUCT §5. Only the first three mean "the connection
// works" (exit 0).
const (
	StatusVerified        Status = "verified"
	StatusVerifiedLimited Status = "verified_limited"
	StatusUnverified      Status = "unverified"
	StatusRejected        Status = "rejected"
	StatusMisconfigured   Status = "misconfigured"
	StatusBlocked         Status = "blocked"
	StatusQuota           Status = "quota"
	StatusRateLimited     Status = "rate_limited"
	StatusProviderError   Status = "provider_error"
	StatusUnreachable     Status = "unreachable"
)

// Works reports whether s means the connection works: verified,
// verified_limited or unverified.
func (s Status) Works() bool {
	return s == StatusVerified || s == StatusVerifiedLimited || s == StatusUnverified
}

// Exit codes of test, validate and doctor (PRODUCT §3).
const (
	ExitWorks      = 0
	ExitNotWorking = 3
)

// ExitCode maps a report status to the exit code of test/validate/doctor:
// 0 when the connection works (verified, verified_limited, unverified), 3
// for every other status, transient ones such as rate_limited included.
func ExitCode(s Status) int {
	if s.Works() {
		return ExitWorks
	}
	return ExitNotWorking
}

// CheckID names one row of the checklist (PRODUCT §5).
type CheckID string

// Check ids, in the order the checklist shows them.
const (
	CheckInput       CheckID = "input"
	CheckDNS         CheckID = "dns"
	CheckTCP         CheckID = "tcp"
	CheckTLS         CheckID = "tls"
	CheckProxy       CheckID = "proxy"
	CheckHTTP        CheckID = "http"
	CheckAuth        CheckID = "auth"
	CheckModels      CheckID = "models"
	CheckEnforcement CheckID = "enforcement"
	CheckFlashback   CheckID = "flashback"
	CheckPolicy      CheckID = "policy"
	CheckVisibility  CheckID = "visibility"
	CheckKeyring     CheckID = "keyring"
)

// CheckStatus is one check's outcome.
type CheckStatus string

// Check outcomes.
const (
	CheckPass CheckStatus = "pass"
	CheckWarn CheckStatus = "warn"
	CheckFail CheckStatus = "fail"
	CheckSkip CheckStatus = "skip"
)

// Check is one row of the checklist. MS is the phase's duration in whole
// milliseconds (0 when it was not timed); Detail is one redacted line.
type Check struct {
	ID     CheckID     `json:"id"`
	Status CheckStatus `json:"status"`
	MS     int64       `json:"ms"`
	Detail string      `json:"detail"`
}

// Severity of a diagnosis.
type Severity string

// Severities (PRODUCT §5).
const (
	SeverityError   Severity = assets.SeverityError
	SeverityWarning Severity = assets.SeverityWarning
	SeverityInfo    Severity = assets.SeverityInfo
)

// Diagnosis is one card of the troubleshooting panel: a stable code, the
// text from assets with its placeholders filled, and the evidence.
type Diagnosis struct {
	Code        string   `json:"code"`
	Severity    Severity `json:"severity"`
	Title       string   `json:"title"`
	Explanation string   `json:"explanation"`
	Steps       []string `json:"steps"`
	// Evidence is the status, provider error code, request id and a
	// redacted excerpt, e.g. "HTTP 401 invalid_api_key: Incorrect API key
	// provided: sk-p…[redacted] (request req_123)".
	Evidence string `json:"evidence"`
}

// ConfigRef is the "config" object of a report: the configuration tested,
// without its credentials.
type ConfigRef struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	AIType   assets.AIType `json:"aiType"`
	Endpoint string        `json:"endpoint"`
	Store    string        `json:"store"` // "local" or "flashback"; "" for an ad-hoc test
}

// Report is the JSON of test --json, validate --json and doctor --json
// (PRODUCT §5). Every string in it has been redacted.
type Report struct {
	Config    ConfigRef         `json:"config"`
	Status    Status            `json:"status"`
	Checks    []Check           `json:"checks"`
	Diagnoses []Diagnosis       `json:"diagnoses"`
	Proxy     *client.ProxyInfo `json:"proxy"`
	RequestID string            `json:"requestId"`
	// Models are the models the key can reach, when the probe listed them
	// (the list comes with the check; nothing extra is fetched). The JSON
	// report (PRODUCT §5) keeps its shape and names them in the models
	// check's detail; the last check of a configuration records them.
	Models *Models `json:"-"`
}

// Models is how many models a probe's list held and the first few ids.
type Models struct {
	Count int      `json:"count"`
	First []string `json:"first"`
}

// ExitCode is ExitCode(r.Status).
func (r Report) ExitCode() int { return ExitCode(r.Status) }

// Primary returns the diagnosis that decided the status: the first error,
// else the first warning, else the first diagnosis; false when there is
// none (a clean "verified").
func (r Report) Primary() (Diagnosis, bool) {
	for _, sev := range []Severity{SeverityError, SeverityWarning, SeverityInfo} {
		for _, d := range r.Diagnoses {
			if d.Severity == sev {
				return d, true
			}
		}
	}
	return Diagnosis{}, false
}

// Check returns the check with id, and false when the report has none.
func (r Report) Check(id CheckID) (Check, bool) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// redactWith passes every string of r through red.Display: the last line
// of defence, applied to whole reports so a field added later cannot leak.
func (r *Report) redactWith(red *redact.Redactor) {
	d := red.Display
	r.Config.ID, r.Config.Name, r.Config.Endpoint = d(r.Config.ID), d(r.Config.Name), d(r.Config.Endpoint)
	r.RequestID = d(r.RequestID)
	for i := range r.Checks {
		r.Checks[i].Detail = d(r.Checks[i].Detail)
	}
	for i := range r.Diagnoses {
		x := &r.Diagnoses[i]
		x.Title, x.Explanation, x.Evidence = d(x.Title), d(x.Explanation), d(x.Evidence)
		for j := range x.Steps {
			x.Steps[j] = d(x.Steps[j])
		}
	}
	if r.Proxy != nil {
		p := *r.Proxy
		p.URL, p.Source = d(p.URL), d(p.Source)
		r.Proxy = &p
	}
	if r.Models != nil {
		m := Models{Count: r.Models.Count, First: make([]string, len(r.Models.First))}
		for i, id := range r.Models.First {
			m.First[i] = d(id)
		}
		r.Models = &m
	}
	if r.Checks == nil {
		r.Checks = []Check{}
	}
	if r.Diagnoses == nil {
		r.Diagnoses = []Diagnosis{}
	}
}
