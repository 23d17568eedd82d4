package diagnose

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/fbllm/fbllm/client"
)

// classifyEnvelope maps a non-2xx answer in a provider's envelope to a
// code, per the failure catalogs of provider-probes §2.3, §3.3, §4.3, §5.4
// and §6. It branches on the dialect of the body rather than on the
// configured type: a gateway under OTHER may relay any provider's errors.
func classifyEnvelope(st int, res *client.ProbeResult, f *Finding) {
	env := f.Envelope
	msg := strings.ToLower(env.Message)
	switch env.Dialect {
	case DialectAnthropic:
		classifyAnthropic(st, env, msg, res.Header, f)
	case DialectGoogle:
		classifyGoogle(st, env, msg, f)
	case DialectAWS:
		classifyAWS(st, env, msg, f)
	case DialectAPIM:
		switch {
		case strings.Contains(msg, "audience is incorrect") || strings.Contains(msg, "access token is missing"):
			f.Code, f.Variant = CodeAuthInvalidSecret, "azure_bearer"
		case strings.Contains(msg, "subscription key"):
			f.Code = CodePolicyIntermediary
			f.set("intermediary", "an Azure API Management gateway that wants its own Ocp-Apim-Subscription-Key header")
		default:
			f.Code = byStatus(st)
		}
	default:
		classifyOpenAICompatible(st, env, msg, f)
	}
	if f.Code == "" {
		f.Code = byStatus(st)
	}
}

// byStatus is the fallback when an envelope says nothing more specific.
// Unknown 4xx answers to a read-only GET mean the request went to the
// wrong place, so they are endpoint.not_found rather than a key problem.
func byStatus(st int) string {
	switch {
	case st == http.StatusUnauthorized, st == http.StatusForbidden:
		return CodeAuthInvalidSecret
	case st == http.StatusPaymentRequired:
		return CodeQuotaExhausted
	case st == http.StatusRequestTimeout:
		return CodeEndpointTimeout
	case st == http.StatusTooManyRequests:
		return CodeQuotaRateLimited
	case st == 529:
		return CodeProviderOverloaded
	case st >= 500:
		return CodeProviderServerError
	default:
		return CodeEndpointNotFound
	}
}

func has(msg string, parts ...string) bool {
	for _, p := range parts {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func classifyAnthropic(st int, env Envelope, msg string, h http.Header, f *Finding) {
	switch env.Type {
	case "authentication_error":
		switch {
		case has(msg, "header is required"):
			f.Code = CodeAuthMissingSecret
		case has(msg, "oauth"):
			f.Code, f.Variant = CodeAuthInvalidSecret, "oauth_token"
		default:
			f.Code = CodeAuthInvalidSecret
		}
	case "permission_error":
		f.Code = CodeAuthInsufficientScope
		f.set("permission", "access to this workspace or resource")
	case "not_found_error":
		f.Code = CodeEndpointNotFound
	case "rate_limit_error":
		// Tier spend caps are 429s too, but not transient.
		if has(msg, "spend", "credit", "usage limit", "billing") {
			f.Code = CodeQuotaExhausted
		} else {
			f.Code = CodeQuotaRateLimited
		}
	case "billing_error":
		f.Code = CodeQuotaExhausted
	case "overloaded_error":
		f.Code = CodeProviderOverloaded
	case "api_error", "timeout_error":
		f.Code = CodeProviderServerError
	case "invalid_request_error":
		switch {
		case has(msg, "credit balance"):
			f.Code = CodeQuotaExhausted
		case has(msg, "organization has been disabled", "account has been disabled"):
			f.Code, f.Variant = CodeAuthInvalidSecret, "account_disabled"
		case has(msg, "anthropic-version"):
			// fbllm always sends anthropic-version: a server that did not
			// see it had it removed on the way, or is not Anthropic's API.
			f.Code = CodePolicyIntermediary
			f.set("intermediary", "something between this machine and the server that removed the anthropic-version header fbllm sent (a proxy or gateway)")
		}
	}
}

func classifyGoogle(st int, env Envelope, msg string, f *Finding) {
	r := env.Reason
	switch {
	case r == "API_KEY_INVALID" && has(msg, "expired"):
		f.Code = CodeAuthExpired
	case r == "API_KEY_INVALID":
		f.Code = CodeAuthInvalidSecret
	case r == "API_KEY_SERVICE_BLOCKED":
		f.Code = CodeAuthInsufficientScope
		f.set("permission", "the Generative Language API in the key's API restrictions")
	case r == "SERVICE_DISABLED":
		f.Code, f.Variant = CodeAuthInvalidSecret, "service_disabled"
		if env.ActivationURL != "" {
			f.set("activationUrl", env.ActivationURL)
		}
	case strings.HasPrefix(r, "API_KEY_") && strings.HasSuffix(r, "_BLOCKED"):
		f.Code, f.Variant = CodeAuthInvalidSecret, "key_restricted"
	case r == "CREDENTIALS_MISSING" || has(msg, "api keys are not supported by this api"):
		f.Code = CodeEndpointWrongType
		f.set("dialect", "Vertex AI, which takes no API keys")
		f.set("likelyType", "GOOGLE with https://generativelanguage.googleapis.com/v1beta")
	case has(msg, "reported as leaked"):
		f.Code, f.Variant = CodeAuthInvalidSecret, "leaked"
	case has(msg, "unregistered callers"):
		f.Code = CodeAuthMissingSecret
	case env.Status == "FAILED_PRECONDITION" && has(msg, "location", "region", "country"):
		f.Code = CodePolicyRegionBlocked
	case st == http.StatusTooManyRequests || env.Status == "RESOURCE_EXHAUSTED":
		perMinute := env.RetryDelay != ""
		for _, q := range env.QuotaIDs {
			if strings.Contains(q, "PerMinute") {
				perMinute = true
			}
		}
		if perMinute {
			f.Code = CodeQuotaRateLimited
			if env.RetryDelay != "" {
				f.set("retryAfter", env.RetryDelay)
			}
		} else {
			f.Code = CodeQuotaExhausted
		}
	case st == http.StatusServiceUnavailable && has(msg, "overloaded"):
		f.Code = CodeProviderOverloaded
	}
}

func classifyAWS(st int, env Envelope, msg string, f *Finding) {
	switch env.Code {
	case "UnrecognizedClientException", "InvalidClientTokenId":
		f.Code, f.Variant = CodeAuthInvalidSecret, "aws_key"
	case "InvalidSignatureException", "SignatureDoesNotMatch":
		switch {
		case has(msg, "signature expired", "not yet current"):
			f.Code = CodeAuthClockSkew
		case has(msg, "x-forwarded-"):
			f.Code = CodePolicyIntermediary
			f.set("intermediary", "a proxy that added or changed signed x-forwarded-* headers after signing, so AWS computed another signature")
		default:
			f.Code, f.Variant = CodeAuthInvalidSecret, "aws_secret"
		}
	case "IncompleteSignatureException", "IncompleteSignature", "MissingAuthenticationTokenException", "MissingAuthenticationToken":
		f.Code = CodeAuthMissingSecret
	case "ExpiredTokenException", "ExpiredToken":
		f.Code = CodeAuthExpired
	case "AccessDeniedException":
		switch {
		case has(msg, "invalid api key format", "authentication failed", "api key"):
			f.Code, f.Variant = CodeAuthInvalidSecret, "bedrock_api_key"
		case has(msg, "in this region"):
			f.Code = CodePolicyRegionBlocked
		default:
			// The signature was accepted: the credentials are valid and
			// IAM (or an SCP) denies listing models.
			f.Code = CodeAuthInsufficientScope
			f.set("permission", "bedrock:ListFoundationModels")
		}
	case "ValidationException", "UnknownOperationException":
		f.Code = CodeEndpointNotFound
	case "ThrottlingException", "TooManyRequestsException":
		f.Code = CodeQuotaRateLimited
	case "ServiceQuotaExceededException":
		f.Code = CodeQuotaExhausted
	case "ResourceNotFoundException":
		f.Code = CodeModelNotFound
	case "ServiceUnavailableException", "ServiceUnavailable":
		f.Code = CodeProviderOverloaded
	case "InternalServerException", "InternalFailure":
		f.Code = CodeProviderServerError
	}
}

var missingScopesRe = regexp.MustCompile(`(?i)missing scopes?: ([a-z0-9._, -]+)`)

func classifyOpenAICompatible(st int, env Envelope, msg string, f *Finding) {
	code, typ := env.Code, env.Type
	switch {
	case typ == "insufficient_quota" || code == "insufficient_quota" || code == "billing_hard_limit_reached" || code == "credit_balance_exhausted":
		f.Code = CodeQuotaExhausted
	case code == "rate_limit_exceeded" || (st == http.StatusTooManyRequests && (typ == "requests" || typ == "tokens")):
		f.Code = CodeQuotaRateLimited
	case typ == "budget_exceeded" || has(msg, "budget has been exceeded", "not allowed to access model"):
		f.Code = CodePolicyIntermediary
		f.set("intermediary", "the gateway's own budget or model policy (LiteLLM or similar), not the provider")
	case typ == "token_not_found_in_db" || typ == "auth_error" || has(msg, "invalid proxy server token"):
		f.Code, f.Variant = CodeAuthInvalidSecret, "gateway_key"
	case code == "invalid_api_key":
		f.Code = CodeAuthInvalidSecret
	case code == "mismatched_organization" || code == "no_organization" || has(msg, "no such organization", "openai-organization header"):
		f.Code = CodeAuthWrongOrg
		f.set("message", env.Message)
	case has(msg, "missing scopes", "insufficient permissions"):
		f.Code = CodeAuthInsufficientScope
		if m := missingScopesRe.FindStringSubmatch(env.Message); m != nil {
			f.set("permission", "scope "+strings.TrimRight(strings.TrimSpace(m[1]), "."))
		}
	case has(msg, "didn't provide an api key", "no auth credentials found", "missing api key", "no api key provided"):
		f.Code = CodeAuthMissingSecret
	case code == "unsupported_country_region_territory" || has(msg, "country, region, or territory"):
		f.Code = CodePolicyRegionBlocked
	case code == "account_deactivated" || has(msg, "deactivated account", "account has been deactivated"):
		f.Code, f.Variant = CodeAuthInvalidSecret, "account_disabled"
	case has(msg, "ip not authorized", "not in the allowlist", "ip address is not allowed"):
		f.Code = CodePolicyRegionBlocked
	case code == "model_not_found" || code == "DeploymentNotFound":
		f.Code = CodeModelNotFound
	case code == "unknown_url" || has(msg, "unknown request url", "invalid url ("):
		f.Code = CodeEndpointNotFound
	case env.Dialect == DialectVLLM && st == http.StatusUnauthorized:
		f.Code, f.Variant = CodeAuthInvalidSecret, "gateway_key"
	case env.Dialect == DialectAzure && (st == http.StatusUnauthorized || has(msg, "invalid subscription key")):
		f.Code = CodeAuthInvalidSecret
	case st == http.StatusServiceUnavailable && has(msg, "overloaded"):
		f.Code = CodeProviderOverloaded
	}
}
