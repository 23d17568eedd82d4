// Package keyscan finds provider keys kept in clear on this machine: in
// the environment, in .env files, in ~/.aws/credentials and ~/.aws/config,
// in shell start-up files and in the plaintext files of other AI tools
// (simonw/llm, OpenCode, Crush, aider, Codex CLI, Gemini CLI, mods). Where
// to look and how each file is laid out is data in assets/key_sources.json.
//
// It backs `fbllm import` (Scan) and the plaintext check of `fbllm doctor`
// (Audit). It only reads: files are opened read-only, without following a
// final symbolic link, size-capped, and a file that cannot be parsed is
// reported as a Problem, never a crash. A found secret is kept out of every
// String, %v and JSON form of a Candidate; what can be shown is its
// fingerprint, and every string that came from a file or the environment
// (paths, profile names, aliases) is escape-sanitised.
package keyscan
