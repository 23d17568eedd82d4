package store

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DefaultWorkspace is the local workspace label used when Config.Workspace
// is empty.
const DefaultWorkspace = "local"

// Config is one AI LLM configuration as recorded in the local, non-secret
// index (configs.json). The credentials themselves live in the keyring item
// "fbllm/<ID>.g<Generation>" ("fbllm/<ID>" for generation 0) of the backend
// named by SecretBackend.
type Config struct {
	// ID is opaque and random (26 lower-case base32 characters), assigned by
	// Add; never derived from the name.
	ID string `json:"id"`
	// Name is unique per workspace, compared case-insensitively.
	Name string `json:"name"`
	// AIType is OPENAI, GOOGLE, ANTHROPIC, AWS or OTHER; the store only
	// requires it to be non-empty.
	AIType string `json:"aiType"`
	// Endpoint is the API base URL.
	Endpoint string `json:"endpoint"`
	// Region is the AWS region, when the endpoint does not carry one.
	Region string `json:"region,omitempty"`
	// KeyFingerprint and SecretFingerprint are computed by the caller; the
	// store never sees how.
	KeyFingerprint    string `json:"keyFingerprint,omitempty"`
	SecretFingerprint string `json:"secretFingerprint,omitempty"`
	// Workspace is the local workspace label; "" means DefaultWorkspace
	// (Add and Update store it explicitly).
	Workspace string `json:"workspace"`
	// SecretBackend names the backend holding the credentials; set by the
	// store.
	SecretBackend string `json:"secretBackend"`
	// Generation numbers the keyring item that holds the credentials; set
	// by the store. Each new secret goes into a new item (generation + 1)
	// and the index write that records it is the commit point, so a crash
	// leaves either the old or the new secret in use, never half of one.
	// 0 is the item name used before generations existed.
	Generation int `json:"generation,omitempty"`
	// CreatedAt and UpdatedAt are set by the store (UTC).
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// LastCheck is the last connection test, if any (SetLastCheck).
	LastCheck *Check `json:"lastCheck,omitempty"`
}

// Check is the outcome of the last connection test of a configuration.
type Check struct {
	// Status is a report status such as "verified" or "rejected".
	Status string `json:"status"`
	// At is when the check ran.
	At time.Time `json:"at"`
	// Models is how many models the check's list held, and ModelIDs the
	// first few ids, when it listed them.
	Models   int      `json:"models,omitempty"`
	ModelIDs []string `json:"modelIds,omitempty"`
}

// workspace returns the effective workspace label.
func (c Config) workspace() string {
	if c.Workspace == "" {
		return DefaultWorkspace
	}
	return c.Workspace
}

// clone returns a deep copy, so callers never share the LastCheck pointer
// with the store's cache.
func (c Config) clone() Config {
	if c.LastCheck != nil {
		chk := *c.LastCheck
		chk.ModelIDs = slices.Clone(chk.ModelIDs)
		c.LastCheck = &chk
	}
	return c
}

// validate checks the fields the store relies on. Everything else (AI type
// values, URL shape, name length) is the form's job.
func (c Config) validate() error {
	switch {
	case strings.TrimSpace(c.Name) == "":
		return errorf(ErrInvalidConfig, "name is required")
	case strings.TrimSpace(c.AIType) == "":
		return errorf(ErrInvalidConfig, "ai type is required")
	}
	return nil
}

// lessByName orders configurations by name, case-insensitively, then by
// workspace and id so the order is total and stable.
func lessByName(a, b Config) int {
	if c := compareFold(a.Name, b.Name); c != 0 {
		return c
	}
	if c := strings.Compare(a.workspace(), b.workspace()); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// compareFold compares like strings.Compare(strings.ToLower(a),
// strings.ToLower(b)) without allocating; sorting 1,000 names calls it
// about 10,000 times.
func compareFold(a, b string) int {
	for a != "" && b != "" {
		ra, na := rune(a[0]), 1
		if ra >= utf8.RuneSelf {
			ra, na = utf8.DecodeRuneInString(a)
		}
		rb, nb := rune(b[0]), 1
		if rb >= utf8.RuneSelf {
			rb, nb = utf8.DecodeRuneInString(b)
		}
		if ra != rb {
			ra, rb = unicode.ToLower(ra), unicode.ToLower(rb)
			if ra != rb {
				if ra < rb {
					return -1
				}
				return 1
			}
		}
		a, b = a[na:], b[nb:]
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}
