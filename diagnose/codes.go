package diagnose

// Diagnosis codes of PRODUCT §6. Scripts match on them; the texts live in
// assets/diagnoses.json.
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
)

// codeStatus is the status column of PRODUCT §6: the report status when
// the code is the error that decided it. Codes without a status (warnings,
// Flashback and keyring codes, which end the command with their own exit
// code) are absent.
var codeStatus = map[string]Status{
	CodeEndpointInvalidURL:     StatusMisconfigured,
	CodeEndpointInsecureScheme: StatusMisconfigured,
	CodeEndpointDNS:            StatusUnreachable,
	CodeEndpointRefused:        StatusUnreachable,
	CodeEndpointTimeout:        StatusUnreachable,
	CodeEndpointReset:          StatusUnreachable,
	CodeEndpointTLSUntrusted:   StatusUnreachable,
	CodeEndpointTLSHostname:    StatusUnreachable,
	CodeEndpointTLSExpired:     StatusUnreachable,
	CodeEndpointTLSMismatch:    StatusMisconfigured,
	CodeEndpointRedirect:       StatusMisconfigured,
	CodeEndpointNotFound:       StatusMisconfigured,
	CodeEndpointWrongType:      StatusMisconfigured,
	CodeEndpointNotAPI:         StatusMisconfigured,
	CodeEndpointProxy:          StatusUnreachable,
	CodeAuthMissingSecret:      StatusRejected,
	CodeAuthInvalidSecret:      StatusRejected,
	CodeAuthMissingKey:         StatusMisconfigured,
	CodeAuthExpired:            StatusRejected,
	CodeAuthSessionToken:       StatusMisconfigured,
	CodeAuthWrongOrg:           StatusRejected,
	CodeAuthInsufficientScope:  StatusVerifiedLimited,
	CodeAuthClockSkew:          StatusMisconfigured,
	CodeModelNotFound:          StatusMisconfigured,
	CodeModelAccessDenied:      StatusVerifiedLimited,
	CodeQuotaExhausted:         StatusQuota,
	CodeQuotaRateLimited:       StatusRateLimited,
	CodeProviderOverloaded:     StatusProviderError,
	CodeProviderServerError:    StatusProviderError,
	CodePolicyRegionBlocked:    StatusBlocked,
	CodePolicyIntermediary:     StatusBlocked,
	CodeAuthUnverifiable:       StatusUnverified,
	CodeFlashbackValidation:    StatusRejected,
}

// StatusOf returns the status a code decides (PRODUCT §6), and false for
// codes that decide none.
func StatusOf(code string) (Status, bool) {
	s, ok := codeStatus[code]
	return s, ok
}
