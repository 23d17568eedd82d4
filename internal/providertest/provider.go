package providertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/fbllm/fbllm/assets"
)

// Scenario switches a simulated provider from "checks the key and lists
// models" to one of the situations a diagnosis must recognise.
type Scenario string

// Scenarios. The zero value is ScenarioOK.
const (
	ScenarioOK           Scenario = ""              // valid key → models; wrong key → the real rejection
	ScenarioQuota        Scenario = "quota"         // valid key → billing/credit exhausted
	ScenarioRateLimit    Scenario = "rate-limit"    // valid key → 429 with Retry-After
	ScenarioRegionBlock  Scenario = "region-block"  // any key → the provider's geography refusal
	ScenarioLimited      Scenario = "limited"       // valid key → lacks the list permission
	ScenarioOverloaded   Scenario = "overloaded"    // any key → 529/503
	ScenarioServerError  Scenario = "server-error"  // any key → 500
	ScenarioPublicModels Scenario = "public-models" // any key, even none → 200 (a public /models)
	ScenarioNoAuth       Scenario = "no-auth"       // like public-models: a local server without auth
)

// Flavors of OTHER servers.
const (
	FlavorOpenAICompatible = ""           // a generic OpenAI-compatible server: {base}/models
	FlavorOpenRouter       = "openrouter" // /key needs the key, /models is public
	FlavorAzure            = "azure"      // api-key header, /openai/v1/models
	FlavorVLLM             = "vllm"       // 401 {"error":"Unauthorized"}
	FlavorLiteLLM          = "litellm"    // string codes, echoes the key's last 4
	FlavorOllama           = "ollama"     // no auth; 404 page not found in text
)

// ProviderOptions configures a simulated provider.
type ProviderOptions struct {
	Type   assets.AIType
	Flavor string // OTHER only; see the Flavor constants

	// ValidSecrets are the accepted API keys (or Bedrock API keys).
	ValidSecrets []string
	// AWSCredentials maps access key IDs to secret access keys.
	AWSCredentials map[string]string
	// AWSSessionTokens maps temporary access key IDs (ASIA…) to their
	// session token; such a key without its token is unrecognised.
	AWSSessionTokens map[string]string
	// Region is the AWS region the fake serves (default us-east-1).
	Region string
	// BasePath is where an OTHER server's API lives (default "/v1"); a
	// request outside it gets a 404, which the diagnosis's /v1 retry uses.
	BasePath string

	Scenario Scenario
	// Delay is waited before every answer (latency benchmarks).
	Delay time.Duration
	// Now is the fake's clock, for SigV4 clock-skew checks; nil: time.Now.
	Now func() time.Time
}

// Provider is a simulated provider. It is an http.Handler; serve it with
// NewProviderServer, or behind ConnectProxy under the provider's real host.
type Provider struct {
	opts     ProviderOptions
	requests atomic.Int64
}

// NewProvider returns a simulated provider.
func NewProvider(opts ProviderOptions) *Provider {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.BasePath == "" {
		opts.BasePath = "/v1"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Provider{opts: opts}
}

// NewProviderServer starts a loopback server for a simulated provider.
func NewProviderServer(opts ProviderOptions) *httptest.Server {
	return httptest.NewServer(NewProvider(opts))
}

// Requests is the number of requests served so far.
func (p *Provider) Requests() int64 { return p.requests.Load() }

func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.requests.Add(1)
	if p.opts.Delay > 0 {
		select {
		case <-time.After(p.opts.Delay):
		case <-r.Context().Done():
			return
		}
	}
	switch p.opts.Type {
	case assets.OpenAI:
		p.serveOpenAI(w, r)
	case assets.Anthropic:
		p.serveAnthropic(w, r)
	case assets.Google:
		p.serveGemini(w, r)
	case assets.AWS:
		p.serveBedrock(w, r)
	default:
		p.serveOther(w, r)
	}
}

func (p *Provider) valid(secret string) bool {
	return secret != "" && slices.Contains(p.opts.ValidSecrets, secret)
}

func (p *Provider) public() bool {
	return p.opts.Scenario == ScenarioPublicModels || p.opts.Scenario == ScenarioNoAuth
}

func writeJSON(w http.ResponseWriter, status int, v any, header ...string) {
	w.Header().Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		w.Header().Set(header[i], header[i+1])
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeFixture answers with a captured body and its listed headers.
func writeFixture(w http.ResponseWriter, r *http.Request, name string) {
	fs, err := Fixtures()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	for _, f := range fs {
		if f.Name == name {
			FixtureHandler(f).ServeHTTP(w, r)
			return
		}
	}
	http.Error(w, "no fixture "+name, http.StatusInternalServerError)
}

func openAIError(w http.ResponseWriter, status int, typ, code, msg string, header ...string) {
	var c any
	if code != "" {
		c = code
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": c}}, header...)
}

func openAIModels() map[string]any {
	return map[string]any{"object": "list", "data": []map[string]any{
		{"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"},
		{"id": "gpt-4.1", "object": "model", "created": 1744316542, "owned_by": "system"},
	}}
}

func (p *Provider) serveOpenAI(w http.ResponseWriter, r *http.Request) {
	reqID := "x-request-id"
	if r.URL.Path != "/v1/models" {
		openAIError(w, 404, "invalid_request_error", "unknown_url",
			fmt.Sprintf("Unknown request URL: %s %s. Please check the URL for typos, or see the docs at https://platform.openai.com/docs/api-reference/.", r.Method, r.URL.Path))
		return
	}
	switch p.opts.Scenario {
	case ScenarioRegionBlock:
		openAIError(w, 403, "request_forbidden", "unsupported_country_region_territory", "Country, region, or territory not supported")
		return
	case ScenarioServerError:
		openAIError(w, 500, "server_error", "", "The server had an error while processing your request. Sorry about that!")
		return
	case ScenarioOverloaded:
		openAIError(w, 503, "service_unavailable_error", "", "The engine is currently overloaded, please try again later.")
		return
	}
	auth := r.Header.Get("Authorization")
	secret, hasBearer := strings.CutPrefix(auth, "Bearer ")
	switch {
	case !hasBearer || secret == "":
		writeFixture(w, r, "openai_401_missing_api_key.json")
		return
	case !p.valid(secret):
		shown := secret
		if len(secret) > 12 {
			shown = secret[:8] + strings.Repeat("*", 30) + secret[len(secret)-4:]
		}
		// OpenAI echoes a masked key, or a short value whole.
		openAIError(w, 401, "invalid_request_error", "invalid_api_key",
			"Incorrect API key provided: "+shown+". You can find your API key at https://platform.openai.com/account/api-keys.",
			reqID, "req_sim_invalid")
		return
	}
	switch p.opts.Scenario {
	case ScenarioQuota:
		writeFixture(w, r, "openai_429_insufficient_quota.json")
	case ScenarioRateLimit:
		openAIError(w, 429, "requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again in 20s.", "Retry-After", "20")
	case ScenarioLimited:
		openAIError(w, 401, "invalid_request_error", "", "You have insufficient permissions for this operation. Missing scopes: model.read. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes.")
	default:
		writeJSON(w, 200, openAIModels(), reqID, "req_sim_ok", "openai-organization", "org-sim")
	}
}

func anthropicError(w http.ResponseWriter, status int, typ, msg string, header ...string) {
	writeJSON(w, status, map[string]any{"type": "error", "error": map[string]any{"type": typ, "message": msg}, "request_id": "req_011CSim"}, append([]string{"request-id", "req_011CSim"}, header...)...)
}

func (p *Provider) serveAnthropic(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/models" {
		anthropicError(w, 404, "not_found_error", "Not Found")
		return
	}
	switch p.opts.Scenario {
	case ScenarioRegionBlock:
		writeJSON(w, 403, map[string]any{"error": map[string]any{"type": "forbidden", "message": "Request not allowed"}})
		return
	case ScenarioServerError:
		anthropicError(w, 500, "api_error", "Internal server error")
		return
	case ScenarioOverloaded:
		anthropicError(w, 529, "overloaded_error", "Overloaded")
		return
	}
	key := r.Header.Get("x-api-key")
	switch {
	case key == "" && strings.HasPrefix(r.Header.Get("Authorization"), "Bearer "):
		writeFixture(w, r, "anthropic_401_oauth_not_supported.json")
		return
	case key == "":
		writeFixture(w, r, "anthropic_401_missing_x_api_key.json")
		return
	case r.Header.Get("anthropic-version") == "":
		writeFixture(w, r, "anthropic_400_missing_anthropic_version.json")
		return
	case strings.HasPrefix(key, "sk-ant-oat"):
		writeFixture(w, r, "anthropic_401_oauth_not_supported.json")
		return
	case !p.valid(key):
		writeFixture(w, r, "anthropic_401_invalid_x_api_key.json")
		return
	}
	switch p.opts.Scenario {
	case ScenarioQuota:
		writeFixture(w, r, "anthropic_400_credit_balance_too_low.json")
	case ScenarioRateLimit:
		anthropicError(w, 429, "rate_limit_error", "This request would exceed your account's rate limit. Please try again later.", "retry-after", "30")
	case ScenarioLimited:
		anthropicError(w, 403, "permission_error", "Your API key does not have permission to use the specified resource.")
	default:
		writeJSON(w, 200, map[string]any{
			"data":     []map[string]any{{"type": "model", "id": "claude-sonnet-4-5", "display_name": "Claude Sonnet 4.5", "created_at": "2025-09-29T00:00:00Z"}},
			"has_more": true, "first_id": "claude-sonnet-4-5", "last_id": "claude-sonnet-4-5",
		}, "request-id", "req_011CSimOK")
	}
}

func googleError(w http.ResponseWriter, status int, st, msg string, details ...map[string]any) {
	e := map[string]any{"code": status, "message": msg, "status": st}
	if len(details) > 0 {
		e["details"] = details
	}
	writeJSON(w, status, map[string]any{"error": e})
}

func (p *Provider) serveGemini(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1beta/models" && r.URL.Path != "/v1/models" {
		googleError(w, 404, "NOT_FOUND", "")
		return
	}
	switch p.opts.Scenario {
	case ScenarioServerError:
		googleError(w, 500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting")
		return
	case ScenarioOverloaded:
		googleError(w, 503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
		return
	}
	if r.Header.Get("Authorization") != "" {
		writeFixture(w, r, "gemini_401_unauthenticated_expected_oauth.json")
		return
	}
	key := r.Header.Get("x-goog-api-key")
	switch {
	case key == "":
		writeFixture(w, r, "gemini_403_unregistered_caller_missing_key.json")
		return
	case !p.valid(key):
		writeFixture(w, r, "gemini_400_api_key_invalid.json")
		return
	}
	switch p.opts.Scenario {
	case ScenarioRegionBlock:
		googleError(w, 400, "FAILED_PRECONDITION", "User location is not supported for the API use.")
	case ScenarioQuota:
		writeFixture(w, r, "gemini_429_resource_exhausted.json")
	case ScenarioRateLimit:
		googleError(w, 429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
			map[string]any{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": []map[string]any{{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests", "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}}},
			map[string]any{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "23s"})
	case ScenarioLimited:
		writeFixture(w, r, "gemini_403_api_key_service_blocked.json")
	default:
		writeJSON(w, 200, map[string]any{"models": []map[string]any{{
			"name": "models/gemini-2.5-flash", "displayName": "Gemini 2.5 Flash", "supportedGenerationMethods": []string{"generateContent", "countTokens"},
		}}, "nextPageToken": "Ch5tb2RlbHMvZ2VtaW5pLTIuNS1mbGFzaA=="})
	}
}

func (p *Provider) serveOther(w http.ResponseWriter, r *http.Request) {
	o := p.opts
	base := strings.TrimRight(o.BasePath, "/")
	var secret string
	var probePath string
	switch o.Flavor {
	case FlavorAzure:
		probePath = "/openai/v1/models"
		secret = r.Header.Get("api-key")
		if secret == "" && strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			writeFixture(w, r, "azure_401_bearer_token_audience.json")
			return
		}
	case FlavorOpenRouter:
		probePath = base + "/key"
		if r.URL.Path == base+"/models" {
			writeJSON(w, 200, openAIModels())
			return
		}
		secret = requestCredential(r)
	default:
		probePath = base + "/models"
		secret = requestCredential(r)
	}
	if r.URL.Path != probePath {
		switch o.Flavor {
		case FlavorAzure:
			writeFixture(w, r, "azure_404_resource_not_found.json")
		case FlavorVLLM:
			writeJSON(w, 404, map[string]any{"detail": "Not Found"})
		case FlavorOpenRouter, FlavorLiteLLM:
			openAIError(w, 404, "invalid_request_error", "", "Not Found")
		default:
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(404)
			_, _ = w.Write([]byte("404 page not found"))
		}
		return
	}
	switch o.Scenario {
	case ScenarioServerError:
		openAIError(w, 500, "server_error", "", "internal error")
		return
	case ScenarioOverloaded:
		openAIError(w, 503, "service_unavailable_error", "", "server overloaded")
		return
	}
	if o.Flavor != FlavorOllama && !p.public() && !p.valid(secret) {
		switch o.Flavor {
		case FlavorAzure:
			writeFixture(w, r, "azure_401_invalid_key_or_wrong_endpoint.json")
		case FlavorOpenRouter:
			if secret == "" {
				writeFixture(w, r, "openrouter_401_no_auth_credentials.json")
				return
			}
			writeJSON(w, 401, map[string]any{"error": map[string]any{"code": 401, "message": "User not found."}})
		case FlavorVLLM:
			writeJSON(w, 401, map[string]any{"error": "Unauthorized"})
		case FlavorLiteLLM:
			writeFixture(w, r, "litellm_401_token_not_found_in_db.json")
		default:
			openAIError(w, 401, "invalid_request_error", "invalid_api_key", "Invalid API key.")
		}
		return
	}
	switch o.Scenario {
	case ScenarioQuota:
		if o.Flavor == FlavorOpenRouter {
			writeJSON(w, 402, map[string]any{"error": map[string]any{"code": 402, "message": "Insufficient credits. Add more using https://openrouter.ai/credits"}})
			return
		}
		writeFixture(w, r, "litellm_429_budget_exceeded.json")
		return
	case ScenarioRateLimit:
		openAIError(w, 429, "rate_limit_error", "429", "Rate limit exceeded", "Retry-After", "5")
		return
	}
	if o.Flavor == FlavorOpenRouter {
		writeJSON(w, 200, map[string]any{"data": map[string]any{"label": "sk-or-v1-abc...", "limit": nil, "usage": 0.25, "is_free_tier": false}})
		return
	}
	writeJSON(w, 200, openAIModels())
}
