package store

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"

	"golang.org/x/crypto/argon2"
)

// The file backend's own key derivation is PBKDF2-SHA256 with 8,192
// iterations per item: about 600 offline guesses per second per core. So
// the passphrase is first stretched with Argon2id (memory-hard: an attacker
// pays the memory for every guess in parallel too) and the library only
// ever sees the derived key. The parameters and a random salt are stored
// beside the verifier in kdf.json, versioned, so they can be raised later
// without breaking existing keyrings: a keyring is always opened with the
// parameters recorded with it, and new or re-keyed keyrings get the
// current defaults.

// KDFParams are Argon2id cost parameters.
type KDFParams struct {
	// Time is the number of passes over the memory.
	Time uint32 `json:"time"`
	// MemoryKiB is the memory in KiB.
	MemoryKiB uint32 `json:"memoryKiB"`
	// Threads is the parallelism (lanes).
	Threads uint8 `json:"threads"`
}

// DefaultKDF is more than password managers use (RFC 9106's second
// recommendation is 64 MiB and 3 passes): 64 MiB and 6 passes on one lane
// cost about 0.25 s per guess on a 2-core machine, and an attacker running
// a guess on each core still pays more than 0.1 s per guess (see
// BenchmarkPassphraseGuess, whose parallel case measures exactly that).
var DefaultKDF = KDFParams{Time: 6, MemoryKiB: 64 << 10, Threads: 1}

// validate bounds parameters read from disk or given in Options: a
// tampered kdf.json must not make fbllm allocate without limit.
func (p KDFParams) validate() error {
	switch {
	case p.Time < 1 || p.Time > 64:
		return fmt.Errorf("argon2id passes %d out of range 1..64", p.Time)
	case p.Threads < 1 || p.Threads > 64:
		return fmt.Errorf("argon2id threads %d out of range 1..64", p.Threads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > 4<<20:
		return fmt.Errorf("argon2id memory %d KiB out of range %d..%d", p.MemoryKiB, 8*uint32(p.Threads), 4<<20)
	}
	return nil
}

// kdfFileName is the parameters file in the keyring directory. It is not
// an item (no "fbllm/" prefix), so item listings skip it.
const kdfFileName = "kdf.json"

// kdfVersion is the kdf.json format this code reads and writes.
const kdfVersion = 1

// kdfFile is kdf.json. Epoch is a random id of this keyring's key: a
// re-key (passphrase change, migration) writes a new keyring with a new
// epoch, which tells other fbllm processes that their key is stale.
type kdfFile struct {
	V         int    `json:"v"`
	Algorithm string `json:"kdf"`
	KDFParams
	Salt  []byte `json:"salt"`
	Epoch string `json:"epoch"`
}

const (
	kdfAlgorithm = "argon2id"
	kdfSaltLen   = 16
	kdfKeyLen    = 32
)

// newKDFFile draws a salt and an epoch for a new keyring key.
func newKDFFile(p KDFParams) (kdfFile, error) {
	f := kdfFile{V: kdfVersion, Algorithm: kdfAlgorithm, KDFParams: p, Salt: make([]byte, kdfSaltLen)}
	if _, err := rand.Read(f.Salt); err != nil {
		return kdfFile{}, err
	}
	epoch, err := newID()
	if err != nil {
		return kdfFile{}, err
	}
	f.Epoch = epoch
	return f, nil
}

// deriveKey stretches pass into the password the file backend gets. The
// prefix keeps it from ever equalling a passphrase typed by a person.
func deriveKey(pass string, f kdfFile) string {
	k := argon2.IDKey([]byte(pass), f.Salt, f.Time, f.MemoryKiB, f.Threads, kdfKeyLen)
	return "argon2id:" + base64.RawStdEncoding.EncodeToString(k)
}

// readKDFFile reads dir/kdf.json; nil when there is none (a keyring from
// before Argon2id, or no keyring yet).
func readKDFFile(dir string, uid int) (*kdfFile, error) {
	path := filepath.Join(dir, kdfFileName)
	data, err := readPrivateFile(path, uid, 64<<10)
	if err != nil || data == nil {
		return nil, err
	}
	var f kdfFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, &DamagedError{Path: path, Reason: "not valid JSON"}
	}
	if f.V > kdfVersion {
		return nil, &NewerVersionError{Path: path, Version: f.V, Supported: kdfVersion}
	}
	if f.V != kdfVersion || f.Algorithm != kdfAlgorithm || len(f.Salt) < kdfSaltLen || f.Epoch == "" {
		return nil, &DamagedError{Path: path, Reason: "not a key derivation record fbllm wrote"}
	}
	if err := f.validate(); err != nil {
		return nil, &DamagedError{Path: path, Reason: err.Error()}
	}
	return &f, nil
}

// writeKDFFile writes dir/kdf.json atomically.
func writeKDFFile(dir string, f kdfFile, uid int) error {
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, kdfFileName), append(data, '\n'), uid)
}
