package diagnose

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/internal/providertest"
)

const bedrockAPIKey = "ABSKQmVkcm9ja0FQSUtleUZvckZibGxtVGVzdHNPbmx5MTIzNDU2Nzg5MA=="

// providerOptions returns a simulated provider of type t that accepts the
// test credentials.
func providerOptions(t assets.AIType, sc providertest.Scenario) providertest.ProviderOptions {
	valid := map[assets.AIType][]string{
		assets.OpenAI: {openAIKey}, assets.Anthropic: {anthropicKey}, assets.Google: {geminiKey},
		assets.AWS: {bedrockAPIKey}, assets.Other: {otherKey},
	}
	return providertest.ProviderOptions{
		Type: t, Scenario: sc,
		ValidSecrets:   valid[t],
		AWSCredentials: map[string]string{awsKeyID: awsSecret},
	}
}

// TestSimulatedProviders checks each type against a provider that checks
// credentials like the real one, in every scenario it can play.
func TestSimulatedProviders(t *testing.T) {
	t.Parallel()
	type tc struct {
		name   string
		typ    assets.AIType
		sc     providertest.Scenario
		flavor string
		tweak  func(*Target)
		status Status
		code   string
	}
	wrong := func(tg *Target) {
		if tg.Config.AIType == assets.AWS {
			tg.Secret = awsSecret[:20] + wrongSuffix
			return
		}
		tg.Secret = tg.Secret[:len(tg.Secret)-len(wrongSuffix)] + wrongSuffix
	}
	var tests []tc
	for _, typ := range []assets.AIType{assets.OpenAI, assets.Anthropic, assets.Google, assets.AWS} {
		tests = append(tests,
			tc{"valid", typ, "", "", nil, StatusVerified, ""},
			tc{"wrong secret", typ, "", "", wrong, StatusRejected, CodeAuthInvalidSecret},
			tc{"quota", typ, providertest.ScenarioQuota, "", nil, StatusQuota, CodeQuotaExhausted},
			tc{"rate limit", typ, providertest.ScenarioRateLimit, "", nil, StatusRateLimited, CodeQuotaRateLimited},
			tc{"limited", typ, providertest.ScenarioLimited, "", nil, StatusVerifiedLimited, CodeAuthInsufficientScope},
			tc{"region block", typ, providertest.ScenarioRegionBlock, "", nil, StatusBlocked, CodePolicyRegionBlocked},
			tc{"overloaded", typ, providertest.ScenarioOverloaded, "", nil, StatusProviderError, CodeProviderOverloaded},
			tc{"server error", typ, providertest.ScenarioServerError, "", nil, StatusProviderError, CodeProviderServerError},
		)
	}
	tests = append(tests,
		tc{"missing key header", assets.Google, "", "", func(tg *Target) { tg.Secret = "\"\"" }, StatusRejected, CodeAuthMissingSecret},
		tc{"claude subscription token", assets.Anthropic, "", "", func(tg *Target) {
			tg.Secret = "sk-ant-oat01-" + strings.Repeat("Q", 40)
		}, StatusRejected, CodeAuthInvalidSecret},
		tc{"aws unknown access key", assets.AWS, "", "", func(tg *Target) { tg.Key = "AKIAZ7TESTFBLLM99999" }, StatusRejected, CodeAuthInvalidSecret},
		tc{"aws wrong region", assets.AWS, "", "", func(tg *Target) { tg.Region = "eu-west-3" }, StatusRejected, CodeAuthInvalidSecret},
		tc{"aws bedrock api key", assets.AWS, "", "", func(tg *Target) { tg.Key, tg.Secret = "", bedrockAPIKey }, StatusVerified, ""},
		tc{"aws wrong bedrock api key", assets.AWS, "", "", func(tg *Target) { tg.Key, tg.Secret = "", bedrockAPIKey[:30]+"QQQQQQQQQQQQ==" }, StatusRejected, CodeAuthInvalidSecret},
		tc{"pasted with Bearer and quotes", assets.OpenAI, "", "", func(tg *Target) { tg.Secret = "\"Bearer " + openAIKey + "\"\n" }, StatusVerified, ""},
		tc{"other valid key enforced", assets.Other, "", "", nil, StatusVerified, ""},
		tc{"other wrong key", assets.Other, "", "", wrong, StatusRejected, CodeAuthInvalidSecret},
		tc{"other public models", assets.Other, providertest.ScenarioPublicModels, "", wrong, StatusUnverified, CodeAuthUnverifiable},
		tc{"other no auth", assets.Other, providertest.ScenarioNoAuth, "", nil, StatusUnverified, CodeAuthUnverifiable},
		tc{"ollama", assets.Other, "", providertest.FlavorOllama, nil, StatusUnverified, CodeAuthUnverifiable},
		tc{"other budget", assets.Other, providertest.ScenarioQuota, providertest.FlavorLiteLLM, nil, StatusBlocked, CodePolicyIntermediary},
		tc{"litellm wrong key", assets.Other, "", providertest.FlavorLiteLLM, wrong, StatusRejected, CodeAuthInvalidSecret},
		tc{"vllm wrong key", assets.Other, "", providertest.FlavorVLLM, wrong, StatusRejected, CodeAuthInvalidSecret},
		tc{"other rate limit", assets.Other, providertest.ScenarioRateLimit, "", nil, StatusRateLimited, CodeQuotaRateLimited},
	)
	for _, tt := range tests {
		t.Run(string(tt.typ)+"/"+tt.name, func(t *testing.T) {
			t.Parallel()
			opts := providerOptions(tt.typ, tt.sc)
			opts.Flavor = tt.flavor
			srv := providertest.NewProviderServer(opts)
			defer srv.Close()
			target := targetFor(tt.typ, srv.URL)
			if tt.tweak != nil {
				tt.tweak(&target)
			}
			tr := testTransport(t, nil, clientOpts())
			rep := runOne(t, target, tr)
			require.Equal(t, tt.status, rep.Status, "codes %v checks %+v", codes(rep), rep.Checks)
			require.Equal(t, tt.code, primary(rep), "codes %v", codes(rep))
			switch tt.status {
			case StatusVerified:
				auth, _ := rep.Check(CheckAuth)
				require.Equal(t, CheckPass, auth.Status)
				models, _ := rep.Check(CheckModels)
				require.Equal(t, CheckPass, models.Status)
			case StatusRejected:
				if auth, ok := rep.Check(CheckAuth); ok {
					require.Equal(t, CheckFail, auth.Status)
				}
			}
			if tt.typ == assets.Other && tt.status != StatusRejected && tt.code != CodePolicyIntermediary &&
				tt.sc != providertest.ScenarioQuota && tt.sc != providertest.ScenarioRateLimit {
				enf, ok := rep.Check(CheckEnforcement)
				require.True(t, ok, "OTHER success runs the negative control")
				if tt.status == StatusVerified {
					require.Equal(t, CheckPass, enf.Status)
				} else {
					require.Equal(t, CheckWarn, enf.Status)
				}
			}
		})
	}
}

// TestPublicModelsNeverVerified: a /models that accepts any key is
// reachable but proves nothing, so the status is unverified, never
// verified (the most common false positive of similar tools).
func TestPublicModelsNeverVerified(t *testing.T) {
	t.Parallel()
	srv := providertest.NewProviderServer(providerOptions(assets.Other, providertest.ScenarioPublicModels))
	defer srv.Close()
	tr := testTransport(t, nil, clientOpts())
	for _, secret := range []string{otherKey, "completely-made-up-key-123456", "x"} {
		target := targetFor(assets.Other, srv.URL)
		target.Secret = secret
		rep := runOne(t, target, tr)
		require.Equal(t, StatusUnverified, rep.Status)
		require.NotEqual(t, StatusVerified, rep.Status)
		require.Contains(t, codes(rep), CodeAuthUnverifiable)
		require.Equal(t, ExitWorks, rep.ExitCode(), "unverified is reported, not failed")
		enf, _ := rep.Check(CheckEnforcement)
		require.Equal(t, CheckWarn, enf.Status)
	}
}

// TestOtherSuggestsV1AfterA404: an OTHER base without a version segment
// that 404s is retried once at /v1, and the corrected base is suggested.
func TestOtherSuggestsV1AfterA404(t *testing.T) {
	t.Parallel()
	opts := providerOptions(assets.Other, "")
	p := providertest.NewProvider(opts)
	srv := providertest.NewProviderServer(opts)
	defer srv.Close()
	_ = p
	tr := testTransport(t, nil, clientOpts())
	target := targetFor(assets.Other, srv.URL)
	target.Config.Endpoint = srv.URL // no /v1
	rep := runOne(t, target, tr)
	require.Equal(t, StatusMisconfigured, rep.Status)
	require.Equal(t, CodeEndpointNotFound, primary(rep))
	d, _ := rep.Primary()
	require.Contains(t, d.Steps[0], "Set the endpoint to "+srv.URL+"/v1.")
	http, _ := rep.Check(CheckHTTP)
	require.Contains(t, http.Detail, "GET /models → 404; retried /v1/models → 200")

	// With a version segment there is no retry and no invented suggestion.
	target.Config.Endpoint = srv.URL + "/v2"
	rep = runOne(t, target, tr)
	require.Equal(t, CodeEndpointNotFound, primary(rep))
	http, _ = rep.Check(CheckHTTP)
	require.NotContains(t, http.Detail, "retried")
}

// TestAWSClockSkew signs with a clock 10 minutes off; the fake rejects it
// like AWS does and the diagnosis names the clock, not the key.
func TestAWSClockSkew(t *testing.T) {
	t.Parallel()
	srv := providertest.NewProviderServer(providerOptions(assets.AWS, ""))
	defer srv.Close()
	tr := testTransport(t, nil, clientOpts())
	rep, err := Run(context.Background(), targetFor(assets.AWS, srv.URL), Options{Transport: tr, Now: func() time.Time { return time.Now().Add(-10 * time.Minute) }})
	require.NoError(t, err)
	require.Equal(t, StatusMisconfigured, rep.Status)
	require.Equal(t, CodeAuthClockSkew, primary(rep))
}

// TestAWSSessionToken: a temporary key works with its session token and
// is unrecognised without the right one.
func TestAWSSessionToken(t *testing.T) {
	t.Parallel()
	const tempKey, token = "ASIAZ7TESTFBLLM77777", "IQoJb3JpZ2luX2VjEFbllmTestSessionToken0123456789"
	opts := providerOptions(assets.AWS, "")
	opts.AWSCredentials = map[string]string{tempKey: awsSecret}
	opts.AWSSessionTokens = map[string]string{tempKey: token}
	srv := providertest.NewProviderServer(opts)
	defer srv.Close()
	tr := testTransport(t, nil, clientOpts())
	target := targetFor(assets.AWS, srv.URL)
	target.Key, target.SessionToken = tempKey, token
	rep := runOne(t, target, tr)
	require.Equal(t, StatusVerified, rep.Status, "%v", codes(rep))
	requireWellFormed(t, rep, token)

	target.SessionToken = token[:len(token)-4] + "XXXX"
	rep = runOne(t, target, tr)
	require.Equal(t, StatusRejected, rep.Status)
	require.Equal(t, CodeAuthInvalidSecret, primary(rep))
	d, _ := rep.Primary()
	require.Contains(t, d.Title, "access key ID")
}

// TestSanitizedPasteIsReported: a cleaned-up paste still works, and the
// report says what was removed.
func TestSanitizedPasteIsReported(t *testing.T) {
	t.Parallel()
	srv := providertest.NewProviderServer(providerOptions(assets.Anthropic, ""))
	defer srv.Close()
	tr := testTransport(t, nil, clientOpts())
	target := targetFor(assets.Anthropic, srv.URL+"/v1/")
	target.Secret = "export ANTHROPIC_API_KEY=\"" + anthropicKey + "\"\n"
	rep, err := Run(context.Background(), target, Options{Transport: tr})
	require.NoError(t, err)
	requireWellFormed(t, rep, anthropicKey)
	require.Equal(t, StatusVerified, rep.Status, "%v", codes(rep))
	require.Contains(t, codes(rep), CodeInputSanitized)
	require.Contains(t, codes(rep), CodeInputEndpointRewritten)
	for _, d := range rep.Diagnoses {
		if d.Code == CodeInputSanitized {
			require.Equal(t, SeverityWarning, d.Severity)
			require.Contains(t, d.Explanation, "export ANTHROPIC_API_KEY=")
		}
		if d.Code == CodeInputEndpointRewritten {
			require.Equal(t, SeverityInfo, d.Severity)
		}
	}
}

// TestKeyShapeHint: an Anthropic key under OPENAI is sent (hints never
// block), rejected by the provider, and the hint names the likely type.
func TestKeyShapeHint(t *testing.T) {
	t.Parallel()
	srv := providertest.NewProviderServer(providerOptions(assets.OpenAI, ""))
	defer srv.Close()
	tr := testTransport(t, nil, clientOpts())
	target := targetFor(assets.OpenAI, srv.URL)
	target.Secret = anthropicKey
	rep := runOne(t, target, tr)
	require.Equal(t, StatusRejected, rep.Status)
	require.Equal(t, CodeAuthInvalidSecret, primary(rep))
	require.Contains(t, codes(rep), CodeInputKeyShape)
	for _, d := range rep.Diagnoses {
		if d.Code == CodeInputKeyShape {
			require.Contains(t, strings.Join(d.Steps, " "), "ANTHROPIC")
		}
	}
}

// TestWrongDialect: a Gemini endpoint configured as OPENAI answers in
// Google's format, which names the right type.
func TestWrongDialect(t *testing.T) {
	t.Parallel()
	srv := providertest.NewProviderServer(providerOptions(assets.Google, ""))
	defer srv.Close()
	tr := testTransport(t, nil, clientOpts())
	target := targetFor(assets.OpenAI, srv.URL)
	target.Config.Endpoint = srv.URL + "/v1"
	rep := runOne(t, target, tr)
	require.Equal(t, StatusMisconfigured, rep.Status, "%v", codes(rep))
	require.Equal(t, CodeEndpointWrongType, primary(rep))
	d, _ := rep.Primary()
	require.Contains(t, d.Explanation, "Google Gemini")
	require.Contains(t, d.Steps[0], "GOOGLE")
}
