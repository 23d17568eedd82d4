package diagnose

import "github.com/fbllm/fbllm/assets"

// Diagnosis codes of PRODUCT §6. Scripts match on them; their texts and
// decisions (status, exit code, field) live in assets/diagnoses.json.
const (
	CodeInputSanitized           = "input.sanitized"
	CodeInputKeyShape            = "input.key_shape"
	CodeInputEndpointRewritten   = "input.endpoint_rewritten"
	CodeEndpointInvalidURL       = "endpoint.invalid_url"
	CodeEndpointInsecureScheme   = "endpoint.insecure_scheme"
	CodeEndpointDNS              = "endpoint.dns"
	CodeEndpointRefused          = "endpoint.refused"
	CodeEndpointTimeout          = "endpoint.timeout"
	CodeEndpointReset            = "endpoint.reset"
	CodeEndpointTLSUntrusted     = "endpoint.tls_untrusted"
	CodeEndpointTLSHostname      = "endpoint.tls_hostname"
	CodeEndpointTLSExpired       = "endpoint.tls_expired"
	CodeEndpointTLSMismatch      = "endpoint.tls_mismatch"
	CodeEndpointRedirect         = "endpoint.redirect"
	CodeEndpointNotFound         = "endpoint.not_found"
	CodeEndpointWrongType        = "endpoint.wrong_type"
	CodeEndpointNotAPI           = "endpoint.not_api"
	CodeEndpointProxy            = "endpoint.proxy"
	CodeAuthMissingSecret        = "auth.missing_secret"
	CodeAuthInvalidSecret        = "auth.invalid_secret"
	CodeAuthMissingKey           = "auth.missing_key"
	CodeAuthExpired              = "auth.expired"
	CodeAuthSessionToken         = "auth.session_token"
	CodeAuthWrongOrg             = "auth.wrong_org"
	CodeAuthInsufficientScope    = "auth.insufficient_scope"
	CodeAuthClockSkew            = "auth.clock_skew"
	CodeModelNotFound            = "model.not_found"
	CodeModelAccessDenied        = "model.access_denied"
	CodeQuotaExhausted           = "quota.exhausted"
	CodeQuotaRateLimited         = "quota.rate_limited"
	CodeProviderOverloaded       = "provider.overloaded"
	CodeProviderServerError      = "provider.server_error"
	CodePolicyRegionBlocked      = "policy.region_blocked"
	CodePolicyIntermediary       = "policy.intermediary"
	CodePolicyFlashbackBlock     = "policy.flashback_block"
	CodeAuthUnverifiable         = "auth.unverifiable"
	CodeFlashbackUnauthenticated = "flashback.unauthenticated"
	CodeFlashbackForbidden       = "flashback.forbidden"
	CodeFlashbackUnreachable     = "flashback.unreachable"
	CodeFlashbackInUse           = "flashback.in_use"
	CodeFlashbackValidation      = "flashback.validation_failed"
	CodeWorkspaceNotVisible      = "workspace.not_visible"
	CodeKeyringUnavailable       = "keyring.unavailable"
	CodeKeyringLocked            = "keyring.locked"
	CodeKeyringWrongPassphrase   = "keyring.wrong_passphrase"
	CodeKeyringVerifierMissing   = "keyring.verifier_missing"
	CodeKeyringDamaged           = "keyring.damaged"
	CodeKeyringItemMismatch      = "keyring.item_mismatch"
	CodeStoreUnsafePath          = "store.unsafe_path"
)

// StatusOf returns the status a code decides (PRODUCT §6's status column,
// kept in the catalog in assets), and false for codes that decide none:
// warnings, and the Flashback and keyring codes, which end a command with
// their own exit code.
func StatusOf(code string) (Status, bool) {
	d, ok := assets.DecisionFor(code)
	if !ok || d.Status == "" {
		return "", false
	}
	return Status(d.Status), true
}
