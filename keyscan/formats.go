package keyscan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fbllm/fbllm/assets"
)

// found is one secret as a parser saw it, before it is classified.
type found struct {
	entry    string // what names it in its source: variable, alias, provider id, profile
	provider string // provider id hint (assets.KeyProvider), "" when unknown
	secret   string
	key      string // AWS access key ID
	endpoint string
	region   string
	// sessionToken: temporary AWS credentials, which need a session token
	// that the store cannot keep yet.
	sessionToken bool
}

// errMalformed is reported for a file that is not what its format says.
// The parser's own message is never shown: YAML and JSON errors can quote
// the offending value, which may be a key.
func errMalformed(format string) error {
	return fmt.Errorf("is not valid %s; skipped", format)
}

// parseFormat dispatches on an assets.KeyFileFormats value. AWS files are
// handled by the scan itself, which merges the two.
func parseFormat(format string, data []byte) ([]found, error) {
	switch format {
	case "dotenv":
		return fromVariables(parseDotenv(string(data))), nil
	case "llm-keys-json":
		return parseLLMKeys(data)
	case "opencode-auth-json":
		return parseOpenCodeAuth(data)
	case "crush-json":
		return parseCrush(data)
	case "aider-conf-yml":
		return parseAider(data)
	case "codex-auth-json":
		return parseCodexAuth(data)
	case "mods-yml":
		return parseMods(data)
	}
	return nil, fmt.Errorf("format %s has no reader", format)
}

// fromVariables turns assignments (the environment, a .env file, aider's
// set-env) into secrets, using the variable list of assets: the secret's
// variable with its key, endpoint and region companions. The last
// assignment of a name wins, as when a shell reads the file.
func fromVariables(as []assignment) []found {
	vars := map[string]string{}
	for _, a := range as {
		vars[a.Name] = a.Value
	}
	var out []found
	for _, e := range assets.KeySourceData().Environment {
		secret := vars[e.Name]
		if secret == "" {
			continue
		}
		f := found{entry: e.Name, provider: e.Provider, secret: secret}
		if e.KeyVar != "" {
			f.key = vars[e.KeyVar]
		}
		for _, n := range e.EndpointVars {
			if f.endpoint = vars[n]; f.endpoint != "" {
				break
			}
		}
		for _, n := range e.RegionVars {
			if f.region = vars[n]; f.region != "" {
				break
			}
		}
		if p, _ := assets.KeyProviderByID(e.Provider); p.Type == assets.AWS && e.KeyVar != "" {
			f.sessionToken = vars["AWS_SESSION_TOKEN"] != "" || vars["AWS_SECURITY_TOKEN"] != ""
		}
		out = append(out, f)
	}
	return out
}

// decodeJSONObject decodes data into a map of raw members.
func decodeJSONObject(data []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, errMalformed("JSON (an object was expected)")
	}
	return m, nil
}

// sortedKeys makes the order of findings stable.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// parseLLMKeys reads simonw/llm's keys.json: a flat {alias: key} object
// with a "// Note" entry.
func parseLLMKeys(data []byte) ([]found, error) {
	m, err := decodeJSONObject(data)
	if err != nil {
		return nil, err
	}
	var out []found
	for _, alias := range sortedKeys(m) {
		if strings.HasPrefix(alias, "//") {
			continue
		}
		var v string
		if json.Unmarshal(m[alias], &v) != nil {
			continue
		}
		out = append(out, found{entry: alias, provider: alias, secret: v})
	}
	return out, nil
}

// parseOpenCodeAuth reads OpenCode's auth.json: {providerID: {"type":
// "api", "key": …}}; OAuth and well-known entries are not API keys.
func parseOpenCodeAuth(data []byte) ([]found, error) {
	m, err := decodeJSONObject(data)
	if err != nil {
		return nil, err
	}
	var out []found
	for _, id := range sortedKeys(m) {
		var e struct {
			Type    string `json:"type"`
			Key     string `json:"key"`
			BaseURL string `json:"baseURL"`
		}
		if json.Unmarshal(m[id], &e) != nil || e.Type != "api" {
			continue
		}
		out = append(out, found{entry: id, provider: strings.TrimSuffix(id, "/"), secret: e.Key, endpoint: e.BaseURL})
	}
	return out, nil
}

// parseCrush reads a crush.json: providers.<id>.api_key and base_url;
// the provider's "type" stands in for an unknown id.
func parseCrush(data []byte) ([]found, error) {
	var c struct {
		Providers map[string]json.RawMessage `json:"providers"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, errMalformed("JSON")
	}
	var out []found
	for _, id := range sortedKeys(c.Providers) {
		var p struct {
			APIKey  string `json:"api_key"`
			BaseURL string `json:"base_url"`
			Type    string `json:"type"`
		}
		if json.Unmarshal(c.Providers[id], &p) != nil {
			continue
		}
		provider := id
		if _, known := assets.KeyProviderByID(id); !known {
			provider = p.Type
		}
		out = append(out, found{entry: id, provider: provider, secret: p.APIKey, endpoint: p.BaseURL})
	}
	return out, nil
}

// parseCodexAuth reads Codex CLI's auth.json: "OPENAI_API_KEY" (null when
// the user signed in with ChatGPT instead).
func parseCodexAuth(data []byte) ([]found, error) {
	var a struct {
		Key *string `json:"OPENAI_API_KEY"`
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, errMalformed("JSON")
	}
	if a.Key == nil {
		return nil, nil
	}
	return []found{{entry: "OPENAI_API_KEY", provider: "openai", secret: *a.Key}}, nil
}

// decodeYAML decodes a YAML document into a map; an empty file is an
// empty map.
func decodeYAML(data []byte, v any) error {
	if err := yaml.Unmarshal(data, v); err != nil {
		return errMalformed("YAML")
	}
	return nil
}

// parseAider reads .aider.conf.yml: openai-api-key, anthropic-api-key and
// openai-api-base, "api-key: [provider=key, …]" (aider sets
// PROVIDER_API_KEY from each) and "set-env: [NAME=value, …]".
func parseAider(data []byte) ([]found, error) {
	var c map[string]any
	if err := decodeYAML(data, &c); err != nil {
		return nil, err
	}
	str := func(k string) string { s, _ := c[k].(string); return s }
	var out []found
	if k := str("openai-api-key"); k != "" {
		out = append(out, found{entry: "openai-api-key", provider: "openai", secret: k, endpoint: str("openai-api-base")})
	}
	if k := str("anthropic-api-key"); k != "" {
		out = append(out, found{entry: "anthropic-api-key", provider: "anthropic", secret: k})
	}
	for _, item := range stringList(c["api-key"]) {
		provider, key, ok := strings.Cut(item, "=")
		if !ok {
			continue
		}
		provider = strings.ToLower(strings.TrimSpace(provider))
		out = append(out, found{entry: "api-key " + provider, provider: provider, secret: strings.TrimSpace(key)})
	}
	var env []assignment
	for _, item := range stringList(c["set-env"]) {
		if name, value, ok := strings.Cut(item, "="); ok {
			env = append(env, assignment{strings.TrimSpace(name), strings.TrimSpace(value)})
		}
	}
	return append(out, fromVariables(env)...), nil
}

// stringList accepts a YAML list of strings or one string ("a=b" or
// "a=b,c=d", as configargparse splits it).
func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return strings.Split(v, ",")
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// parseMods reads mods.yml: apis.<name>.api-key (a literal; api-key-env
// and api-key-cmd point elsewhere) with base-url.
func parseMods(data []byte) ([]found, error) {
	var c struct {
		APIs map[string]yaml.Node `yaml:"apis"`
	}
	if err := decodeYAML(data, &c); err != nil {
		return nil, err
	}
	var out []found
	for _, name := range sortedKeys(c.APIs) {
		var api struct {
			BaseURL string `yaml:"base-url"`
			APIKey  string `yaml:"api-key"`
		}
		node := c.APIs[name]
		if node.Decode(&api) != nil {
			continue
		}
		out = append(out, found{entry: name, provider: name, secret: api.APIKey, endpoint: api.BaseURL})
	}
	return out, nil
}
