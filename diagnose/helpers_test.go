package diagnose

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
)

// Credentials used across the tests. They are shaped like real keys so the
// shape hints stay quiet, and long enough that every 12-character piece
// can be searched for in the output.
const (
	openAIKey    = "sk-proj-Qm9vZ2xlTW9ja0tleUZvckZibGxtVGVzdHMxMjM0NTY3ODkwYWJjZGVm"
	anthropicKey = "sk-ant-api03-TW9ja0FudGhyb3BpY0tleUZvckZibGxtVGVzdHMxMjM0NTY3ODkwQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo"
	geminiKey    = "AIzaSyD-FbLlMtEsTkEy0123456789abcdefghi"
	awsKeyID     = "AKIAZ7TESTFBLLM23456"
	awsSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYfbllmTEST1"
	otherKey     = "gw-key-5f3c9b2e8a714d6c9e0f1a2b3c4d5e6f"
	wrongSuffix  = "WRONGWRONGWRONGWRONG"
)

// testTransport returns a transport with short timeouts and an injected
// environment (no proxy unless env says so).
func testTransport(t testing.TB, env map[string]string, o client.TransportOptions) *client.Transport {
	t.Helper()
	o.Getenv = func(k string) string { return env[k] }
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	tr, err := client.NewTransport(o)
	require.NoError(t, err)
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// runOne runs a diagnosis and checks the invariants every report must
// satisfy, whatever its content.
func runOne(t testing.TB, target Target, tr *client.Transport) Report {
	t.Helper()
	rep, err := Run(context.Background(), target, Options{Transport: tr})
	require.NoError(t, err)
	requireWellFormed(t, rep, target.Secret, target.Key)
	return rep
}

var validStatuses = []Status{StatusVerified, StatusVerifiedLimited, StatusUnverified, StatusRejected, StatusMisconfigured,
	StatusBlocked, StatusQuota, StatusRateLimited, StatusProviderError, StatusUnreachable}

var validCheckIDs = map[CheckID]bool{CheckInput: true, CheckDNS: true, CheckTCP: true, CheckTLS: true, CheckProxy: true,
	CheckHTTP: true, CheckAuth: true, CheckModels: true, CheckEnforcement: true, CheckFlashback: true, CheckPolicy: true,
	CheckVisibility: true, CheckKeyring: true, CheckPlaintext: true}

// requireWellFormed checks the PRODUCT §5 shape, that secrets and every
// 12-character piece of them are absent from the JSON, and that no
// placeholder was left unfilled.
func requireWellFormed(t testing.TB, rep Report, secrets ...string) {
	t.Helper()
	require.Contains(t, validStatuses, rep.Status)
	data, err := json.Marshal(rep)
	require.NoError(t, err)
	out := string(data)
	for _, s := range secrets {
		for i := 0; i+12 <= len(s); i++ {
			require.NotContains(t, out, s[i:i+12], "a 12-character piece of a secret leaked: %s", out)
		}
	}
	require.NotRegexp(t, `\{[a-zA-Z]+\}`, out, "unfilled placeholder")
	var shape map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(data, &shape))
	for _, k := range []string{"config", "status", "checks", "diagnoses", "proxy", "requestId"} {
		require.Contains(t, shape, k)
	}
	require.Len(t, shape, 6)
	for _, c := range rep.Checks {
		require.True(t, validCheckIDs[c.ID], c.ID)
		require.Contains(t, []CheckStatus{CheckPass, CheckWarn, CheckFail, CheckSkip}, c.Status)
		require.GreaterOrEqual(t, c.MS, int64(0))
	}
	for _, d := range rep.Diagnoses {
		require.Contains(t, assets.DiagnosisCodes, d.Code)
		require.Contains(t, []Severity{SeverityError, SeverityWarning, SeverityInfo}, d.Severity)
		require.NotEmpty(t, d.Title)
		require.NotEmpty(t, d.Explanation)
		require.NotEmpty(t, d.Steps)
	}
	if rep.Status.Works() {
		for _, d := range rep.Diagnoses {
			require.NotEqual(t, SeverityError, d.Severity, "a report that exits 0 carries only warnings and info: %s", d.Code)
		}
	}
	require.NotContains(t, out, "\x1b")
}

// primary returns the deciding code of a report ("" for a clean success).
func primary(rep Report) string {
	for _, d := range rep.Diagnoses {
		if d.Severity == SeverityError {
			return d.Code
		}
	}
	for _, d := range rep.Diagnoses {
		if d.Severity == SeverityWarning && !strings.HasPrefix(d.Code, "input.") {
			return d.Code
		}
	}
	return ""
}

func codes(rep Report) []string {
	var out []string
	for _, d := range rep.Diagnoses {
		out = append(out, d.Code)
	}
	return out
}

// clientOpts are short timeouts for tests that do not measure them.
func clientOpts() client.TransportOptions {
	return client.TransportOptions{DialTimeout: 2 * time.Second, TLSHandshakeTimeout: 2 * time.Second, ResponseHeaderTimeout: 3 * time.Second, Timeout: 5 * time.Second}
}

func mustJSON(t testing.TB, rep Report) string {
	t.Helper()
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	return string(b)
}

// emptyPool trusts nothing, so the machine's own roots never matter.
func emptyPool() *x509.CertPool { return x509.NewCertPool() }
