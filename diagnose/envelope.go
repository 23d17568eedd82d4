package diagnose

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode"
)

// Dialects: whose error or success format a body is in.
const (
	DialectOpenAI     = "openai"     // {"error":{"message","type","param","code"}}
	DialectAnthropic  = "anthropic"  // {"type":"error","error":{"type","message"},"request_id"}
	DialectGoogle     = "google"     // google.rpc.Status: {"error":{"code":int,"message","status","details"}}
	DialectAWS        = "aws"        // x-amzn-ErrorType / __type + message|Message
	DialectVLLM       = "vllm"       // {"error":"Unauthorized"}
	DialectLiteLLM    = "litellm"    // OpenAI-like with string codes ("401") and gateway types
	DialectOpenRouter = "openrouter" // {"error":{"code":int,"message","metadata"}}
	DialectAzure      = "azure"      // {"error":{"code":"401"|"DeploymentNotFound","message"}}
	DialectAPIM       = "apim"       // {"statusCode":401,"message"}: Azure API Management and Azure's edge
	DialectFastAPI    = "fastapi"    // {"detail":"Not Found"}
)

// Envelope is a provider error body decoded into the fields the diagnosis
// branches on. Fields a dialect lacks are "".
type Envelope struct {
	Dialect string
	Type    string // OpenAI error.type, Anthropic error.type, LiteLLM type
	Code    string // OpenAI/LiteLLM/Azure error.code, OpenRouter's number, AWS error code
	Status  string // Google error.status
	Reason  string // Google details[].reason of the ErrorInfo
	Message string
	// HasParam is OpenAI's "param" key: present in OpenAI's own errors,
	// which makes the dialect certain enough to call a mismatch.
	HasParam      bool
	RequestID     string // body request_id
	ActivationURL string // Google SERVICE_DISABLED metadata
	RetryDelay    string // Google RetryInfo, e.g. "23s"
	QuotaIDs      []string
}

// DecodeEnvelope recognises the error envelope of a response. It never
// fails: an unknown body yields an Envelope with Dialect "" (and Message
// from a top-level "message" when there is one). It is fuzzed.
func DecodeEnvelope(h http.Header, body []byte) Envelope {
	var env Envelope
	if et := h.Get("X-Amzn-Errortype"); et != "" {
		env.Dialect = DialectAWS
		env.Code = sanitizeAWSCode(et)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimSpace(body), &m); err != nil || m == nil {
		if env.Dialect == "" && bytes.Contains(body, []byte("<UnknownOperationException")) {
			env.Dialect, env.Code = DialectAWS, "UnknownOperationException"
		}
		return env
	}
	str := func(raw json.RawMessage) string {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	if env.Dialect == DialectAWS || m["__type"] != nil || (m["Message"] != nil && m["error"] == nil) {
		env.Dialect = DialectAWS
		if env.Code == "" {
			env.Code = sanitizeAWSCode(str(m["__type"]))
		}
		if env.Code == "" {
			env.Code = sanitizeAWSCode(str(m["code"]))
		}
		for k, v := range m {
			if strings.EqualFold(k, "message") {
				env.Message = str(v)
			}
		}
		return env
	}
	env.RequestID = str(m["request_id"])
	errRaw, hasErr := m["error"]
	switch {
	case hasErr && str(errRaw) != "":
		env.Dialect = DialectVLLM
		env.Message = str(errRaw)
		return env
	case hasErr:
		decodeErrorObject(&env, errRaw, str(m["type"]) == "error")
		return env
	case m["statusCode"] != nil:
		env.Dialect = DialectAPIM
		env.Code = jsonScalar(m["statusCode"])
		env.Message = str(m["message"])
	case m["detail"] != nil:
		env.Dialect = DialectFastAPI
		env.Message = str(m["detail"])
		if env.Message == "" {
			env.Message = string(m["detail"])
		}
	default:
		env.Message = str(m["message"])
	}
	return env
}

// decodeErrorObject decodes {"error":{…}} in its several dialects.
func decodeErrorObject(env *Envelope, raw json.RawMessage, anthropic bool) {
	var e map[string]json.RawMessage
	if json.Unmarshal(raw, &e) != nil || e == nil {
		return
	}
	str := func(k string) string {
		var s string
		_ = json.Unmarshal(e[k], &s)
		return s
	}
	env.Type = str("type")
	env.Message = str("message")
	env.Status = str("status")
	_, env.HasParam = e["param"]
	code, codeIsNumber := e["code"], false
	if len(code) > 0 && code[0] != '"' && string(code) != "null" {
		codeIsNumber = true
	}
	env.Code = jsonScalar(code)
	switch {
	case anthropic:
		env.Dialect = DialectAnthropic
	case env.Status != "" && codeIsNumber:
		env.Dialect = DialectGoogle
		decodeGoogleDetails(env, e["details"])
	case codeIsNumber:
		env.Dialect = DialectOpenRouter
	case isLiteLLMType(env.Type) || (env.Type != "" && isNumeric(env.Code)):
		env.Dialect = DialectLiteLLM
	case env.Type == "" && env.Code != "":
		env.Dialect = DialectAzure
	default:
		env.Dialect = DialectOpenAI
	}
}

func decodeGoogleDetails(env *Envelope, raw json.RawMessage) {
	var details []struct {
		Type       string            `json:"@type"`
		Reason     string            `json:"reason"`
		Metadata   map[string]string `json:"metadata"`
		RetryDelay string            `json:"retryDelay"`
		Violations []struct {
			QuotaID string `json:"quotaId"`
		} `json:"violations"`
	}
	if json.Unmarshal(raw, &details) != nil {
		return
	}
	for _, d := range details {
		switch {
		case strings.HasSuffix(d.Type, "google.rpc.ErrorInfo"):
			if env.Reason == "" {
				env.Reason = d.Reason
			}
			if u := d.Metadata["activationUrl"]; u != "" {
				env.ActivationURL = u
			}
		case strings.HasSuffix(d.Type, "google.rpc.RetryInfo"):
			env.RetryDelay = d.RetryDelay
		case strings.HasSuffix(d.Type, "google.rpc.QuotaFailure"):
			for _, v := range d.Violations {
				env.QuotaIDs = append(env.QuotaIDs, v.QuotaID)
			}
		}
	}
}

var liteLLMTypes = map[string]bool{"token_not_found_in_db": true, "auth_error": true, "budget_exceeded": true}

func isLiteLLMType(t string) bool { return liteLLMTypes[t] }

func isNumeric(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// jsonScalar renders a JSON string or number as text ("" for null or
// anything else): OpenAI's code is a string, OpenRouter's a number and
// LiteLLM's a numeric string.
func jsonScalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// sanitizeAWSCode is aws-sdk-go-v2's restjson.SanitizeErrorCode: the part
// before ":" and after "#" ("aws.protocoltests#FooError:http://…").
func sanitizeAWSCode(s string) string {
	s, _, _ = strings.Cut(s, ":")
	if i := strings.LastIndex(s, "#"); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// successSchema recognises a 2xx model list and returns its dialect and
// the number of entries ("" when the body is no known list).
// Model ids a report keeps: the first few, each cut short. They come from
// a server, so they are cleaned like any other text it sends.
const (
	maxModelIDs   = 5
	maxModelIDLen = 48
)

// modelIDs returns the first ids of a model list in any provider's shape:
// data[].id (OpenAI, Anthropic and OpenAI-compatible servers),
// models[].name (Gemini, without its "models/" prefix) and
// modelSummaries[].modelId (Bedrock).
func modelIDs(body []byte) []string {
	var m struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
		Models []struct {
			Name string `json:"name"`
		} `json:"models"`
		Summaries []struct {
			ModelID string `json:"modelId"`
		} `json:"modelSummaries"`
	}
	if json.Unmarshal(bytes.TrimSpace(body), &m) != nil {
		return nil
	}
	var ids []string
	for _, d := range m.Data {
		ids = append(ids, d.ID)
	}
	for _, d := range m.Models {
		ids = append(ids, strings.TrimPrefix(d.Name, "models/"))
	}
	for _, d := range m.Summaries {
		ids = append(ids, d.ModelID)
	}
	var out []string
	for _, id := range ids {
		id = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, strings.TrimSpace(id))
		if id == "" {
			continue
		}
		if len(id) > maxModelIDLen {
			id = strings.ToValidUTF8(id[:maxModelIDLen], "") + "…"
		}
		out = append(out, id)
		if len(out) == maxModelIDs {
			break
		}
	}
	return out
}

func successSchema(body []byte) (dialect string, n int) {
	var m map[string]json.RawMessage
	if json.Unmarshal(bytes.TrimSpace(body), &m) != nil || m == nil {
		return "", 0
	}
	count := func(k string) (int, bool) {
		var arr []json.RawMessage
		if json.Unmarshal(m[k], &arr) != nil || m[k] == nil || string(m[k]) == "null" {
			return 0, false
		}
		return len(arr), true
	}
	var object string
	_ = json.Unmarshal(m["object"], &object)
	if object == "list" && string(m["data"]) == "null" {
		// How a Go server writes an empty slice: a fresh local server
		// with no model pulled yet (Ollama answers exactly this).
		return DialectOpenAI, 0
	}
	if c, ok := count("modelSummaries"); ok {
		return DialectAWS, c
	}
	if c, ok := count("data"); ok {
		if _, more := m["has_more"]; more {
			return DialectAnthropic, c
		}
		if object == "list" {
			return DialectOpenAI, c
		}
		return DialectOpenAI + "-like", c
	}
	if c, ok := count("models"); ok {
		return DialectGoogle, c
	}
	if len(m["data"]) > 0 && m["data"][0] == '{' {
		return DialectOpenRouter, 1 // /key answers one object
	}
	return "", 0
}
