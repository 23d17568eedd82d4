package diagnose

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/internal/providertest"
)

// fixtureWant is the oracle for every captured provider response: the
// report status and the code that decided it. Ambiguous cases and why
// they land where they do are in the comments.
var fixtureWant = map[string]struct {
	status Status
	code   string
}{
	"anthropic_400_credit_balance_too_low.json": {StatusQuota, CodeQuotaExhausted},
	// fbllm always sends anthropic-version; a server that did not see it
	// had it stripped on the way.
	"anthropic_400_missing_anthropic_version.json":          {StatusBlocked, CodePolicyIntermediary},
	"anthropic_400_organization_disabled.json":              {StatusRejected, CodeAuthInvalidSecret},
	"anthropic_401_invalid_x_api_key.json":                  {StatusRejected, CodeAuthInvalidSecret},
	"anthropic_401_missing_x_api_key.json":                  {StatusRejected, CodeAuthMissingSecret},
	"anthropic_401_oauth_not_supported.json":                {StatusRejected, CodeAuthInvalidSecret},
	"anthropic_404_not_found_error.json":                    {StatusMisconfigured, CodeEndpointNotFound},
	"anthropic_429_rate_limit_error.json":                   {StatusRateLimited, CodeQuotaRateLimited},
	"azure_401_apim_missing_subscription_key.json":          {StatusBlocked, CodePolicyIntermediary},
	"azure_401_bearer_token_audience.json":                  {StatusRejected, CodeAuthInvalidSecret},
	"azure_401_invalid_key_or_wrong_endpoint.json":          {StatusRejected, CodeAuthInvalidSecret},
	"azure_404_deployment_not_found.json":                   {StatusMisconfigured, CodeModelNotFound},
	"azure_404_resource_not_found.json":                     {StatusMisconfigured, CodeEndpointNotFound},
	"bedrock_400_operation_not_recognized_wrong_host.json":  {StatusMisconfigured, CodeEndpointNotFound},
	"bedrock_403_access_denied_list_foundation_models.json": {StatusVerifiedLimited, CodeAuthInsufficientScope},
	// The captured canonical string shows signed x-forwarded-* headers: a
	// proxy changed them (provider-probes §5.4).
	"bedrock_403_invalid_signature.json":                     {StatusBlocked, CodePolicyIntermediary},
	"bedrock_403_unrecognized_client.json":                   {StatusRejected, CodeAuthInvalidSecret},
	"bedrock_404_unknown_operation.xml":                      {StatusMisconfigured, CodeEndpointNotFound},
	"gemini_400_api_key_expired.json":                        {StatusRejected, CodeAuthExpired},
	"gemini_400_api_key_invalid.json":                        {StatusRejected, CodeAuthInvalidSecret},
	"gemini_401_unauthenticated_expected_oauth.json":         {StatusRejected, CodeAuthInvalidSecret},
	"gemini_403_api_key_leaked.json":                         {StatusRejected, CodeAuthInvalidSecret},
	"gemini_403_api_key_service_blocked.json":                {StatusVerifiedLimited, CodeAuthInsufficientScope},
	"gemini_403_unregistered_caller_missing_key.json":        {StatusRejected, CodeAuthMissingSecret},
	"gemini_429_resource_exhausted.json":                     {StatusQuota, CodeQuotaExhausted},
	"litellm_401_auth_error_legacy.json":                     {StatusRejected, CodeAuthInvalidSecret},
	"litellm_401_token_not_found_in_db.json":                 {StatusRejected, CodeAuthInvalidSecret},
	"litellm_429_budget_exceeded.json":                       {StatusBlocked, CodePolicyIntermediary},
	"ollama_404_page_not_found.txt":                          {StatusMisconfigured, CodeEndpointNotFound},
	"openai_401_insufficient_permissions_missing_scope.json": {StatusVerifiedLimited, CodeAuthInsufficientScope},
	"openai_401_invalid_api_key.json":                        {StatusRejected, CodeAuthInvalidSecret},
	"openai_401_mismatched_organization.json":                {StatusRejected, CodeAuthWrongOrg},
	"openai_401_missing_api_key.json":                        {StatusRejected, CodeAuthMissingSecret},
	"openai_401_no_organization.json":                        {StatusRejected, CodeAuthWrongOrg},
	// "can only be accessed over HTTPS": plain http to a TLS-only API.
	"openai_403_https_required.json":          {StatusMisconfigured, CodeEndpointTLSMismatch},
	"openai_404_invalid_url_legacy.json":      {StatusMisconfigured, CodeEndpointNotFound},
	"openai_404_model_not_found.json":         {StatusMisconfigured, CodeModelNotFound},
	"openai_404_unknown_url.json":             {StatusMisconfigured, CodeEndpointNotFound},
	"openai_429_insufficient_quota.json":      {StatusQuota, CodeQuotaExhausted},
	"openai_429_rate_limit_exceeded_tpm.json": {StatusRateLimited, CodeQuotaRateLimited},
	"openrouter_401_no_auth_credentials.json": {StatusRejected, CodeAuthMissingSecret},
}

// targetFor returns a target of type t for a loopback server at base,
// with the credentials and endpoint shape of that type.
func targetFor(t assets.AIType, base string) Target {
	tg := Target{Config: ConfigRef{Name: "fixture", AIType: t, Store: "local"}}
	switch t {
	case assets.OpenAI:
		tg.Config.Endpoint, tg.Secret = base+"/v1", openAIKey
	case assets.Anthropic:
		tg.Config.Endpoint, tg.Secret = base, anthropicKey
	case assets.Google:
		tg.Config.Endpoint, tg.Secret = base+"/v1beta", geminiKey
	case assets.AWS:
		tg.Config.Endpoint, tg.Key, tg.Secret, tg.Region = base, awsKeyID, awsSecret, "us-east-1"
	default:
		tg.Config.Endpoint, tg.Secret = base+"/v1", otherKey
	}
	return tg
}

// TestEveryFixture serves every captured response from a loopback server
// with its status and headers, under the type whose probe would meet it,
// and checks the status, the deciding code and that no piece of the
// secret (which the replayer echoes like the real providers do) leaks.
func TestEveryFixture(t *testing.T) {
	t.Parallel()
	fixtures, err := providertest.Fixtures()
	require.NoError(t, err)
	require.Len(t, fixtures, len(fixtureWant), "every fixture needs an expected outcome")
	tr := testTransport(t, nil, clientOpts())
	for _, fx := range fixtures {
		want, ok := fixtureWant[fx.Name]
		require.True(t, ok, "no expectation for %s", fx.Name)
		t.Run(fx.Name, func(t *testing.T) {
			t.Parallel()
			srv := providertest.NewFixtureServer(fx)
			defer srv.Close()
			target := targetFor(fx.Type, srv.URL)
			rep := runOne(t, target, tr)
			require.Equal(t, want.status, rep.Status, "codes %v", codes(rep))
			require.Equal(t, want.code, primary(rep), "codes %v", codes(rep))
			p, ok := rep.Primary()
			require.True(t, ok)
			require.Contains(t, p.Evidence, "HTTP ")
			if rid := fx.Header.Get("x-request-id") + fx.Header.Get("request-id") + fx.Header.Get("apim-request-id"); rid != "" {
				require.Equal(t, rid, rep.RequestID)
				require.Contains(t, p.Evidence, rid)
			}
			// The rule of provider-probes §8.4: a refusal that is not the
			// provider's is never reported as a key problem.
			if want.code == CodePolicyIntermediary {
				require.NotContains(t, codes(rep), CodeAuthInvalidSecret)
			}
		})
	}
}
