package diagnose

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/internal/redact"
)

func TestValidationCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		msg  string
		code string
	}{
		{"Validation failed: Invalid API key or endpoint unreachable. Error: 401 Unauthorized", CodeAuthInvalidSecret},
		{"Validation failed: Error: 404 Not Found", CodeEndpointNotFound},
		{"Validation failed: Request failed with status code 429", CodeQuotaRateLimited},
		{"Validation failed: 402 Payment Required", CodeQuotaExhausted},
		{"Validation failed: Error: 503 Service Unavailable", CodeProviderServerError},
		{"Validation failed: You exceeded your current quota, please check your plan", CodeQuotaExhausted},
		{"Validation failed: getaddrinfo ENOTFOUND api.example.invalid", CodeEndpointDNS},
		{"Validation failed: connect ECONNREFUSED 10.0.0.5:8000", CodeEndpointRefused},
		{"Validation failed: timeout of 10000ms exceeded", CodeEndpointTimeout},
		{"Validation failed: self signed certificate in certificate chain", CodeEndpointTLSUntrusted},
		{"Validation failed: something odd happened", CodeFlashbackValidation},
		{"", CodeFlashbackValidation},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.code, ValidationCode(tt.msg))
		})
	}
}

func TestValidationPartMerge(t *testing.T) {
	t.Parallel()
	cfg := ConfigRef{ID: "c1", Name: "prod", AIType: assets.OpenAI, Endpoint: "https://api.openai.com/v1", Store: "flashback"}
	red := redact.New(openAIKey)

	// doctor on a Flashback config without a local secret: Flashback's
	// validation is the credential check.
	ok := Merge(SkippedProbe(cfg, "no secret here: Flashback never returns it"), red,
		ValidationPart(Validation{Success: true, Message: "AI LLM configuration validated successfully. Connection established and credentials verified."}))
	requireWellFormed(t, ok, openAIKey)
	require.Equal(t, StatusVerified, ok.Status)
	fb, _ := ok.Check(CheckFlashback)
	require.Equal(t, CheckPass, fb.Status)
	http, _ := ok.Check(CheckHTTP)
	require.Equal(t, CheckSkip, http.Status)

	bad := Merge(SkippedProbe(cfg, "no secret"), red,
		ValidationPart(Validation{Message: "Validation failed: Invalid API key or endpoint unreachable. Error: 401 Unauthorized (key " + openAIKey + ")"}))
	requireWellFormed(t, bad, openAIKey)
	require.Equal(t, StatusRejected, bad.Status)
	require.Equal(t, CodeAuthInvalidSecret, primary(bad))
	require.Equal(t, ExitNotWorking, bad.ExitCode())
	// PRODUCT §6: flashback.validation_failed is always there (an error),
	// with the classified provider code, whose status is the report's.
	require.Equal(t, []string{CodeAuthInvalidSecret, CodeFlashbackValidation}, codes(bad))
	for _, d := range bad.Diagnoses {
		require.Equal(t, SeverityError, d.Severity, d.Code)
	}
	limited := Merge(SkippedProbe(cfg, "no secret"), red, ValidationPart(Validation{Message: "Validation failed: Request failed with status code 429"}))
	require.Equal(t, StatusRateLimited, limited.Status)
	require.Equal(t, []string{CodeQuotaRateLimited, CodeFlashbackValidation}, codes(limited))

	unknown := Merge(SkippedProbe(cfg, "no secret"), red, ValidationPart(Validation{Message: "Validation failed: the moon is in the wrong phase"}))
	require.Equal(t, StatusRejected, unknown.Status)
	require.Equal(t, CodeFlashbackValidation, primary(unknown))
	d, _ := unknown.Primary()
	require.Contains(t, d.Explanation, "the moon is in the wrong phase")

	// The direct probe's failure wins over Flashback's view.
	direct := Report{Config: cfg, Status: StatusUnreachable, Diagnoses: []Diagnosis{{Code: CodeEndpointTLSUntrusted, Severity: SeverityError, Title: "t", Explanation: "e", Steps: []string{"s"}}}}
	merged := Merge(direct, red, ValidationPart(Validation{Success: true, Message: "ok"}))
	require.Equal(t, StatusUnreachable, merged.Status)
}

func TestPolicyPart(t *testing.T) {
	t.Parallel()
	clean := PolicyPart(Usage{Calls: 120, Violations: 0}, nil)
	require.Equal(t, CheckPass, clean.Checks[0].Status)
	require.Empty(t, clean.Diagnoses)

	p := PolicyPart(Usage{Calls: 1500, Violations: 7, Alerts: 3, Blocks: 4}, []PolicyBlock{{
		PolicyName: "No customer PII", Scope: "workspace", ScopeName: "Payments", Risk: "high", Blocks: 4,
		LatestExplanation: "The prompt contained a credit card number", LatestAt: time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC),
	}})
	require.Equal(t, CheckPolicy, p.Checks[0].ID)
	require.Equal(t, CheckWarn, p.Checks[0].Status)
	require.Contains(t, p.Checks[0].Detail, "4 blocked")
	require.Len(t, p.Diagnoses, 1)
	d := p.Diagnoses[0]
	require.Equal(t, CodePolicyFlashbackBlock, d.Code)
	require.Equal(t, SeverityWarning, d.Severity)
	require.Contains(t, d.Explanation, `workspace policy "No customer PII" (risk HIGH) blocked 4 call(s)`)
	require.Contains(t, d.Explanation, "Latest violation (2026-11-20 09:30 UTC): The prompt contained a credit card number.")
	require.Contains(t, d.Steps[0], "workspace Payments")

	// Blocks do not fail a working connection (PRODUCT §6: a warning).
	cfg := ConfigRef{Name: "x", AIType: assets.OpenAI}
	rep := Merge(Report{Config: cfg, Status: StatusVerified}, nil, p)
	require.Equal(t, StatusVerified, rep.Status)
	require.Equal(t, ExitWorks, rep.ExitCode())
	requireWellFormed(t, rep)
}

func TestVisibilityPart(t *testing.T) {
	t.Parallel()
	require.Empty(t, VisibilityPart(Visibility{Current: "A", FoundIn: "A"}).Diagnoses)

	elsewhere := VisibilityPart(Visibility{Current: "Team A", FoundIn: "Team B", RoleNeeded: "viewer"})
	require.Equal(t, CheckWarn, elsewhere.Checks[0].Status)
	require.Equal(t, SeverityWarning, elsewhere.Diagnoses[0].Severity)
	require.Contains(t, elsewhere.Diagnoses[0].Explanation, "Team B")
	require.Contains(t, elsewhere.Diagnoses[0].Steps[0], "fbllm use Team B")

	nowhere := VisibilityPart(Visibility{Current: "Team A", RoleNeeded: "admin"})
	require.Equal(t, CheckFail, nowhere.Checks[0].Status)
	require.Equal(t, SeverityError, nowhere.Diagnoses[0].Severity)
	require.Contains(t, nowhere.Diagnoses[0].Explanation, "admin role")
	require.Equal(t, 1, errorExit(t, nowhere.Diagnoses[0].Code))
}

func TestFlashbackPart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p        FlashbackProblem
		exit     int
		contains string
	}{
		{FlashbackProblem{Code: CodeFlashbackUnauthenticated, Message: "token expired and could not be refreshed"}, 4, "token expired"},
		{FlashbackProblem{Code: CodeFlashbackForbidden, Message: "Insufficient permissions", Workspace: "Payments", Operation: "deleting configurations", Role: "admin"}, 1, "deleting configurations"},
		{FlashbackProblem{Code: CodeFlashbackUnreachable, Message: "dial tcp: lookup backend.flashback.tech: no such host", APIURL: "https://backend.flashback.tech"}, 1, "https://backend.flashback.tech"},
		{FlashbackProblem{Code: CodeFlashbackInUse, Message: "config is attached", Repos: []string{"web-app", "billing"}}, 1, "web-app, billing"},
	}
	for _, tt := range tests {
		t.Run(tt.p.Code, func(t *testing.T) {
			t.Parallel()
			part := FlashbackPart(tt.p)
			require.Len(t, part.Diagnoses, 1)
			d := part.Diagnoses[0]
			require.Equal(t, tt.p.Code, d.Code)
			require.Contains(t, d.Explanation, tt.contains)
			require.NotRegexp(t, `\{[a-zA-Z]+\}`, d.Explanation+strings.Join(d.Steps, " "))
			require.Equal(t, tt.exit, errorExit(t, d.Code))
			_, decides := StatusOf(d.Code)
			require.False(t, decides, "Flashback codes end the command with their own exit code")
		})
	}
	d, _ := assets.DecisionFor(CodeAuthInvalidSecret)
	require.Zero(t, d.Exit, "a provider's verdict ends a command through its report's status")
}

// errorExit is the exit code of a command that ends with code as an error.
func errorExit(t *testing.T, code string) int {
	t.Helper()
	d, ok := assets.DecisionFor(code)
	require.True(t, ok, code)
	return d.Exit
}

func TestExitCode(t *testing.T) {
	t.Parallel()
	for _, s := range validStatuses {
		want := 3
		if s == StatusVerified || s == StatusVerifiedLimited || s == StatusUnverified {
			want = 0
		}
		require.Equal(t, want, ExitCode(s), s)
	}
}

// TestOnlyProviderVerdictsDecideAStatus: the codes the engine decides a
// status with are the provider-side ones; warnings and the Flashback,
// workspace and keyring codes end a command with their own exit code.
func TestOnlyProviderVerdictsDecideAStatus(t *testing.T) {
	t.Parallel()
	for _, code := range []string{CodeInputSanitized, CodeInputKeyShape, CodeInputEndpointRewritten, CodePolicyFlashbackBlock,
		CodeFlashbackUnauthenticated, CodeFlashbackForbidden, CodeFlashbackUnreachable, CodeFlashbackInUse,
		CodeWorkspaceNotVisible, CodeKeyringUnavailable, CodeKeyringLocked, CodeKeyringWrongPassphrase} {
		_, decides := StatusOf(code)
		require.False(t, decides, code)
	}
	for _, code := range []string{CodeEndpointDNS, CodeAuthInvalidSecret, CodeQuotaRateLimited, CodeAuthUnverifiable, CodeFlashbackValidation} {
		s, decides := StatusOf(code)
		require.True(t, decides, code)
		require.Contains(t, validStatuses, s)
	}
}

func TestKeyringPart(t *testing.T) {
	t.Parallel()
	ok := KeyringPart("file", "", "")
	require.Equal(t, CheckPass, ok.Checks[0].Status)
	require.Empty(t, ok.Diagnoses)
	bad := KeyringPart("", CodeKeyringUnavailable, "tried secret-service (no D-Bus session) and file (FBLLM_DATA_DIR not writable)")
	require.Equal(t, CheckKeyring, bad.Checks[0].ID)
	require.Equal(t, CheckFail, bad.Checks[0].Status)
	require.Contains(t, bad.Diagnoses[0].Explanation, "no D-Bus session")
	require.Equal(t, 1, errorExit(t, bad.Diagnoses[0].Code))
}
