package keyscan

import (
	"fmt"
	"strings"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/store"
)

// Location is one place a key was found.
type Location struct {
	// Source says where, for people: "environment OPENAI_API_KEY",
	// "~/.config/io.datasette.llm/keys.json openai", "~/.aws/credentials
	// profile work".
	Source string `json:"source"`
	// Path is the file, "~/"-abbreviated under the home directory; "" for
	// the environment.
	Path string `json:"path,omitempty"`
	// Entry names the key inside its source: variable, alias, provider id
	// or profile.
	Entry string `json:"entry"`
	Kind  string `json:"kind"` // "env" or an assets.KeyFileKinds value
	Tool  string `json:"tool"` // assets KeyFile.Tool, or "the environment"

	abs string // the unabbreviated path, for Audit's HOME check
}

// Candidate is one secret found on this machine, possibly in several
// places. Every string field is safe to print; the secret is not a field.
type Candidate struct {
	Locations []Location `json:"locations"` // in scan order; never empty

	Type assets.AIType `json:"type"`
	// TypeFrom says how Type was chosen: "key shape", "variable name",
	// "provider" or "endpoint" (an OpenAI-style variable pointing at
	// another server), or "unknown" (OTHER by default).
	TypeFrom string `json:"typeFrom"`
	// ShapeID is the assets token shape the secret matches, if any.
	ShapeID string `json:"shapeId,omitempty"`
	// Unsupported: the shape cannot call models (an admin key, an OAuth
	// token); Note says what to use instead.
	Unsupported bool   `json:"unsupported,omitempty"`
	Note        string `json:"note,omitempty"`

	Endpoint string `json:"endpoint,omitempty"` // "" means the type's default
	Region   string `json:"region,omitempty"`

	Fingerprint    string `json:"fingerprint"`
	KeyFingerprint string `json:"keyFingerprint,omitempty"`
	// SessionToken: temporary AWS credentials were found with a session
	// token, which the store cannot keep; importing them will not work.
	SessionToken bool `json:"sessionToken,omitempty"`
	// Held: fbllm already stores a secret with this fingerprint (MarkHeld).
	Held bool `json:"held"`

	// cred sits behind a pointer: fmt prints a nested pointer as an
	// address, so no verb of %v, %+v, %#v, %x or %d shows the secret.
	cred *credential
}

type credential struct{ key, secret string }

// Unstorable says why fbllm would not store this credential, "" when it
// would: a shape that cannot call models, or temporary AWS credentials,
// which expire and need the session token fbllm does not keep.
func (c Candidate) Unstorable() string {
	switch {
	case c.Unsupported:
		return c.Note
	case c.SessionToken:
		return "temporary AWS credentials: they expire and need their session token, which fbllm does not keep"
	}
	return ""
}

// Source is where the candidate was found first.
func (c Candidate) Source() string {
	if len(c.Locations) == 0 {
		return ""
	}
	return c.Locations[0].Source
}

// Credentials returns the key and secret to store. store.Credentials
// redacts itself when printed with %v or %s.
func (c Candidate) Credentials() store.Credentials {
	if c.cred == nil {
		return store.Credentials{}
	}
	return store.Credentials{Key: c.cred.key, Secret: c.cred.secret}
}

// String describes the candidate without its value:
// `OPENAI key sk-proj-…Ab3A #3f9a1c (key shape) in environment OPENAI_API_KEY, ~/.env OPENAI_API_KEY`.
func (c Candidate) String() string {
	sources := make([]string, len(c.Locations))
	for i, l := range c.Locations {
		sources[i] = l.Source
	}
	held := ""
	if c.Held {
		held = ", already held"
	}
	return fmt.Sprintf("%s key %s (%s%s) in %s", c.Type, c.Fingerprint, c.TypeFrom, held, strings.Join(sources, ", "))
}

// GoString is String, for %#v.
func (c Candidate) GoString() string { return "keyscan.Candidate{" + c.String() + "}" }
