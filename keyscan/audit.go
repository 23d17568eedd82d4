package keyscan

import (
	"cmp"
	"path/filepath"
	"slices"

	"github.com/fbllm/fbllm/assets"
)

// CodePlaintextKey is the PRODUCT §6 code of an audit finding.
const CodePlaintextKey = "hygiene.plaintext_key"

// Finding is one provider key stored in clear in a file, for `fbllm
// doctor`'s plaintext check. Every field is safe to print.
type Finding struct {
	Code        string        `json:"code"` // CodePlaintextKey
	Path        string        `json:"path"` // "~/"-abbreviated
	Entry       string        `json:"entry"`
	Tool        string        `json:"tool"`
	Type        assets.AIType `json:"type"`
	Fingerprint string        `json:"fingerprint"`
	Held        bool          `json:"held"` // fbllm stores the same secret
	// Unstorable says why fbllm cannot hold this credential (an OAuth
	// token, temporary AWS credentials), "" when it can.
	Unstorable string `json:"unstorable,omitempty"`
}

// Audit is the plaintext check of `fbllm doctor`: the files of Scan
// (not the environment, not Extra) that lie under the home directory,
// plus the current directory's .env, one Finding per key and file, sorted
// by path. held are the fingerprints fbllm stores. Problems are those of
// the same files.
func Audit(opts Options, held []string) ([]Finding, []Problem) {
	opts.Kinds = slices.Clone(assets.KeyFileKinds)
	opts.Extra = nil
	r := Scan(opts)
	r.MarkHeld(held)
	cwdEnv := filepath.Join(opts.Cwd, ".env")
	audited := func(abs string) bool {
		return abs != "" && (inside(abs, opts.Home) || (opts.Cwd != "" && abs == cwdEnv))
	}
	findings := []Finding{}
	for _, c := range r.Candidates {
		for _, l := range c.Locations {
			if !audited(l.abs) {
				continue
			}
			findings = append(findings, Finding{
				Code: CodePlaintextKey, Path: l.Path, Entry: l.Entry, Tool: l.Tool,
				Type: c.Type, Fingerprint: c.Fingerprint, Held: c.Held, Unstorable: c.Unstorable(),
			})
		}
	}
	slices.SortStableFunc(findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Entry, b.Entry))
	})
	problems := []Problem{}
	for _, p := range r.Problems {
		if audited(p.abs) {
			problems = append(problems, p)
		}
	}
	return findings, problems
}
