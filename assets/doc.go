// Package assets holds the data fbllm ships inside its binary: one preset per
// AI LLM type (default endpoint, what "key" and "secret" mean for the type,
// where to get credentials, documentation links), the token shapes used to
// recognise a pasted credential, the environment variables `fbllm exec`
// hands to a tool (exec_env.json) and the places other tools keep keys in
// clear (key_sources.json), each entry citing the SDK or tool source.
//
// The data lives in JSON files embedded with go:embed rather than in Go
// literals, so that adding a provider or a key format is a data change that
// Validate checks, not a code change. Validate runs in the package's tests
// over every embedded entry; a broken file therefore fails CI instead of
// reaching a user. At run time the embedded data is parsed once, on first use.
//
// The package imports nothing but the standard library, so every other
// package (forms, client, ui) may depend on it.
package assets
