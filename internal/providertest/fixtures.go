package providertest

import (
	"embed"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path"
	"sort"
	"strings"

	"github.com/fbllm/fbllm/assets"
)

//go:embed testdata/fixtures
var fixtureFS embed.FS

// Fixture is one captured provider response (testdata/fixtures) with the
// status and headers its README lists.
type Fixture struct {
	Name   string        // file name, e.g. "openai_401_invalid_api_key.json"
	Type   assets.AIType // the type whose probe would meet it
	Status int
	Header http.Header
	Body   []byte
}

// fixtureMeta is the fixtures README as data: status and notable headers
// ("seen" and "expected" alike, since a probe may meet either).
var fixtureMeta = map[string]struct {
	status int
	header map[string]string
}{
	"openai_401_invalid_api_key.json":                        {401, map[string]string{"x-request-id": "req_0a1b2c3d4e5f"}},
	"openai_401_missing_api_key.json":                        {401, nil},
	"openai_401_mismatched_organization.json":                {401, nil},
	"openai_401_no_organization.json":                        {401, nil},
	"openai_401_insufficient_permissions_missing_scope.json": {401, nil},
	"openai_403_https_required.json":                         {403, nil},
	"openai_404_invalid_url_legacy.json":                     {404, nil},
	"openai_404_unknown_url.json":                            {404, nil},
	"openai_404_model_not_found.json":                        {404, nil},
	"openai_429_insufficient_quota.json":                     {429, nil},
	"openai_429_rate_limit_exceeded_tpm.json": {429, map[string]string{
		"x-ratelimit-limit-tokens": "30000", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "1.2s"}},
	"anthropic_401_invalid_x_api_key.json":            {401, map[string]string{"request-id": "req_011CXw8h8A796q3f74Ezmhav"}},
	"anthropic_401_missing_x_api_key.json":            {401, nil},
	"anthropic_401_oauth_not_supported.json":          {401, nil},
	"anthropic_400_missing_anthropic_version.json":    {400, nil},
	"anthropic_400_credit_balance_too_low.json":       {400, nil},
	"anthropic_400_organization_disabled.json":        {400, nil},
	"anthropic_404_not_found_error.json":              {404, nil},
	"anthropic_429_rate_limit_error.json":             {429, map[string]string{"retry-after": "17", "anthropic-ratelimit-input-tokens-remaining": "0"}},
	"gemini_400_api_key_invalid.json":                 {400, nil},
	"gemini_400_api_key_expired.json":                 {400, nil},
	"gemini_401_unauthenticated_expected_oauth.json":  {401, nil},
	"gemini_403_unregistered_caller_missing_key.json": {403, nil},
	"gemini_403_api_key_service_blocked.json":         {403, nil},
	"gemini_403_api_key_leaked.json":                  {403, nil},
	"gemini_429_resource_exhausted.json":              {429, nil},
	"bedrock_403_unrecognized_client.json": {403, map[string]string{
		"x-amzn-ErrorType": "UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/"}},
	"bedrock_403_invalid_signature.json": {403, map[string]string{
		"x-amzn-ErrorType": "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/"}},
	"bedrock_403_access_denied_list_foundation_models.json": {403, map[string]string{
		"x-amzn-ErrorType": "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/"}},
	"bedrock_400_operation_not_recognized_wrong_host.json": {400, map[string]string{
		"x-amzn-ErrorType": "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock.build/"}},
	"bedrock_404_unknown_operation.xml":            {404, nil},
	"ollama_404_page_not_found.txt":                {404, nil},
	"litellm_401_token_not_found_in_db.json":       {401, nil},
	"litellm_401_auth_error_legacy.json":           {401, nil},
	"litellm_429_budget_exceeded.json":             {429, nil},
	"azure_401_invalid_key_or_wrong_endpoint.json": {401, map[string]string{"apim-request-id": "6f1d2c3b-0000-4000-8000-000000000001"}},
	"azure_401_bearer_token_audience.json":         {401, nil},
	"azure_401_apim_missing_subscription_key.json": {401, nil},
	"azure_404_deployment_not_found.json":          {404, nil},
	"azure_404_resource_not_found.json":            {404, nil},
	"openrouter_401_no_auth_credentials.json":      {401, nil},
}

// fixtureType maps a fixture's file-name prefix to the type whose probe
// meets it; gateways and Azure are OTHER.
func fixtureType(name string) assets.AIType {
	prefix, _, _ := strings.Cut(name, "_")
	switch prefix {
	case "openai":
		return assets.OpenAI
	case "anthropic":
		return assets.Anthropic
	case "gemini":
		return assets.Google
	case "bedrock":
		return assets.AWS
	default:
		return assets.Other
	}
}

// Fixtures returns every captured response, sorted by name. It fails when
// a fixture file has no README entry or an entry has no file, so a new
// capture cannot be forgotten by the replay tests.
func Fixtures() ([]Fixture, error) {
	entries, err := fixtureFS.ReadDir("testdata/fixtures")
	if err != nil {
		return nil, fmt.Errorf("read fixtures: %w", err)
	}
	var out []Fixture
	seen := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if name == "README.md" {
			continue
		}
		meta, ok := fixtureMeta[name]
		if !ok {
			return nil, fmt.Errorf("fixture %s has no status in fixtureMeta", name)
		}
		seen[name] = true
		body, err := fixtureFS.ReadFile(path.Join("testdata/fixtures", name))
		if err != nil {
			return nil, fmt.Errorf("read fixture %s: %w", name, err)
		}
		h := http.Header{}
		switch path.Ext(name) {
		case ".json":
			h.Set("Content-Type", "application/json")
		case ".txt":
			h.Set("Content-Type", "text/plain")
		case ".xml":
			h.Set("Content-Type", "application/xml")
		}
		for k, v := range meta.header {
			h.Set(k, v)
		}
		out = append(out, Fixture{Name: name, Type: fixtureType(name), Status: meta.status, Header: h, Body: body})
	}
	for name := range fixtureMeta {
		if !seen[name] {
			return nil, fmt.Errorf("fixtureMeta lists %s but there is no such file", name)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// FixtureHandler answers every request with f. Like the real providers, it
// echoes the credential it received where the capture shows an echo
// (OpenAI's "sk-abcde***…wxyz", LiteLLM's "sk-...m31Q"), so tests see the
// caller's own key fragments come back and can check they are redacted.
func FixtureHandler(f Fixture) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := string(f.Body)
		if cred := requestCredential(r); len(cred) >= 12 {
			body = strings.ReplaceAll(body, "sk-abcde***************************************wxyz",
				cred[:8]+strings.Repeat("*", 39)+cred[len(cred)-4:])
			body = strings.ReplaceAll(body, "sk-...m31Q", "sk-..."+cred[len(cred)-4:])
		}
		for k, vs := range f.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(body))
	})
}

// NewFixtureServer starts a loopback server replaying f on every path.
func NewFixtureServer(f Fixture) *httptest.Server {
	return httptest.NewServer(FixtureHandler(f))
}

// requestCredential returns the credential a request carries in any of the
// headers the probes use.
func requestCredential(r *http.Request) string {
	if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return v
	}
	for _, h := range []string{"x-api-key", "x-goog-api-key", "api-key"} {
		if v := r.Header.Get(h); v != "" {
			return v
		}
	}
	return ""
}
