package input

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/fbllm/fbllm/assets"
)

// minFingerprintLen is the shortest secret that gets a fingerprint (PRODUCT
// §1): below it, prefix and last 4 would reveal too large a share.
const minFingerprintLen = 20

// masked is the display form of a secret too short to fingerprint.
const masked = "••••"

// Fingerprint returns the display form of a stored secret (PRODUCT §1):
// the provider prefix (assets.ShapePrefix, else nothing),
// "…", the last 4 characters, " #" and 6 hex digits of SHA-256(secret), e.g.
// "sk-ant-…Zx9A #3f9a1c". It lets a user tell two keys apart without seeing
// either. Secrets shorter than 20 characters give "••••", "" gives "".
//
// The output never contains a 5-character run of the secret outside the
// prefix and the last 4. Should the 6 hex digits happen to form one, the
// next 6 digits of the hash are used instead (about once in 10,000 hex
// secrets); this stays stable for a given secret.
func Fingerprint(secret string) string {
	if secret == "" {
		return ""
	}
	r := []rune(secret)
	if len(r) < minFingerprintLen {
		return masked
	}
	// Only a known provider prefix is shown: it tells the type apart and
	// is the same for every key of that provider. An unknown secret shows
	// nothing of its start.
	prefix := assets.ShapePrefix(secret)
	visible := prefix + "…" + string(r[len(r)-4:])
	sum := sha256.Sum256([]byte(secret))
	digest := hex.EncodeToString(sum[:])
	for off := 0; off+6 <= len(digest); off++ {
		out := visible + " #" + digest[off:off+6]
		if !leaksSecret(out, secret, prefix) {
			return out
		}
	}
	return masked
}

// leaksSecret reports whether out holds a 5-character run of secret that
// is not inside the allowed prefix.
func leaksSecret(out, secret, prefix string) bool {
	o := []rune(out)
	for i := 0; i+5 <= len(o); i++ {
		w := string(o[i : i+5])
		if strings.Contains(secret, w) && !strings.Contains(prefix, w) {
			return true
		}
	}
	return false
}
