package store

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Operations wrap them with %w and the operation name, so
// callers match with errors.Is and show the message as is.
var (
	// ErrNotFound means no configuration or keyring item has that id or name.
	// Backend "not found" errors (keyring.ErrKeyNotFound, fs.ErrNotExist) map
	// to it.
	ErrNotFound = errors.New("not found")

	// ErrLocked means the encrypted-file keyring needs its passphrase: call
	// Unlock (or InitPassphrase when PassphraseSet reports false) and retry.
	ErrLocked = errors.New("keyring is locked: passphrase needed")

	// ErrWrongPassphrase means a passphrase did not open the verifier item.
	// Nothing was cached or changed on disk.
	ErrWrongPassphrase = errors.New("wrong keyring passphrase")

	// ErrBackendUnavailable means no usable keyring backend, or the selected
	// one failed. *BackendError values match it with errors.Is.
	ErrBackendUnavailable = errors.New("keyring backend unavailable")

	// ErrKeyringUnavailable is the name STYLE.md rule 18 uses for
	// ErrBackendUnavailable; both are the same value.
	ErrKeyringUnavailable = ErrBackendUnavailable

	// ErrTimeout means a keyring call or a lock wait did not finish in time.
	// Keyring timeouts arrive inside a *BackendError, so they also match
	// ErrBackendUnavailable.
	ErrTimeout = errors.New("timed out")

	// ErrDuplicateName means another configuration in the same workspace has
	// the same name (compared case-insensitively).
	ErrDuplicateName = errors.New("a configuration with this name already exists in the workspace")

	// ErrWeakPassphrase means a new passphrase is empty or shorter than
	// MinPassphraseLen characters.
	ErrWeakPassphrase = errors.New("passphrase too short")

	// ErrSecretTooLarge means the credentials do not fit the backend (Windows
	// Credential Manager holds at most 2560 bytes per item).
	ErrSecretTooLarge = errors.New("credentials too large for the keyring backend")

	// ErrCorrupt means a file or keyring item could not be decoded: an
	// unparsable index or settings file (see *CorruptIndexError) or a keyring
	// item that fails to decrypt although the passphrase was verified.
	ErrCorrupt = errors.New("corrupt data")

	// ErrPassphraseExists means InitPassphrase found a verifier already; use
	// Unlock instead.
	ErrPassphraseExists = errors.New("keyring passphrase already set")

	// ErrInvalidConfig means a required field is missing (name, AI type,
	// secret).
	ErrInvalidConfig = errors.New("invalid configuration")

	// ErrBackendMismatch means the configuration's credentials live in a
	// different backend than the one this session selected (for example
	// saved on the desktop in the GNOME keyring, read now over SSH where the
	// file backend is used). It arrives inside a *BackendError naming the
	// backend that holds them.
	ErrBackendMismatch = errors.New("credentials are stored in another keyring backend")

	// ErrAmbiguous is matched by *AmbiguousError.
	ErrAmbiguous = errors.New("ambiguous reference")

	// ErrUnsafePath is matched by *UnsafePathError: a directory or file
	// fbllm would use is a symlink, not owned by the user, writable by
	// others, or a shared or system directory. Nothing was written.
	ErrUnsafePath = errors.New("unsafe path")

	// ErrDamaged is matched by *DamagedError: a keyring item or the
	// passphrase verifier exists but cannot be decrypted or parsed with the
	// verified passphrase. It also matches ErrCorrupt.
	ErrDamaged = errors.New("keyring item damaged")

	// ErrItemMismatch is matched by *ItemMismatchError: a keyring item
	// decrypts, but was written for another configuration or generation.
	ErrItemMismatch = errors.New("keyring item belongs to another configuration")

	// ErrVerifierMissing is matched by *VerifierMissingError: the
	// encrypted-file keyring holds items but its passphrase verifier is
	// gone, so no passphrase can be checked (or set) until RecreateVerifier
	// restores it.
	ErrVerifierMissing = errors.New("keyring passphrase verifier missing")

	// ErrNewerVersion is matched by *NewerVersionError: a file was written
	// by a newer fbllm. It is left untouched.
	ErrNewerVersion = errors.New("written by a newer fbllm")

	// ErrTooLarge is matched by *TooLargeError: a file is larger than fbllm
	// reads (MaxFileSize). It is left untouched.
	ErrTooLarge = errors.New("file too large")
)

// UnsafePathError names a path fbllm refuses to use, and why. It matches
// ErrUnsafePath (code store.unsafe_path).
type UnsafePathError struct {
	// Path is the directory or file.
	Path string
	// Reason completes "<Path> …": "is a symbolic link", "is writable by
	// group or others (mode 0777)", ...
	Reason string
}

// Error implements error.
func (e *UnsafePathError) Error() string { return "refusing unsafe path: " + e.Path + " " + e.Reason }

// Is makes errors.Is(err, ErrUnsafePath) true.
func (e *UnsafePathError) Is(target error) bool { return target == ErrUnsafePath }

// DamagedError reports a keyring item (or the verifier) that exists but
// cannot be decrypted or decoded. It matches ErrDamaged and ErrCorrupt
// (code keyring.damaged).
type DamagedError struct {
	// Path is the item's file (file backend) or its keyring name.
	Path string
	// Reason says what failed, without any secret.
	Reason string
}

// Error implements error.
func (e *DamagedError) Error() string {
	if e.Path == "" {
		return "keyring item is damaged: " + e.Reason
	}
	return fmt.Sprintf("keyring item %s is damaged: %s", e.Path, e.Reason)
}

// Is makes errors.Is(err, ErrDamaged) and errors.Is(err, ErrCorrupt) true.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged || target == ErrCorrupt }

// ItemMismatchError reports an item whose encrypted payload names another
// configuration or generation than the index expects: a file was copied,
// moved or swapped (code keyring.item_mismatch). The item is not used.
type ItemMismatchError struct {
	// Item is the keyring item name ("fbllm/<id>.g<n>").
	Item string
	// WantID and WantGen are what the index expects.
	WantID  string
	WantGen int
	// GotID and GotGen are what the payload says.
	GotID  string
	GotGen int
}

// Error implements error.
func (e *ItemMismatchError) Error() string {
	return fmt.Sprintf("keyring item %s was written for configuration %s generation %d, not %s generation %d",
		e.Item, e.GotID, e.GotGen, e.WantID, e.WantGen)
}

// Is makes errors.Is(err, ErrItemMismatch) true.
func (e *ItemMismatchError) Is(target error) bool { return target == ErrItemMismatch }

// VerifierMissingError reports an encrypted-file keyring that holds items
// but no passphrase verifier (code keyring.verifier_missing). fbllm will
// not set a new passphrase over the existing items; RecreateVerifier
// restores the verifier from the old passphrase.
type VerifierMissingError struct {
	// Path is where the verifier should be.
	Path string
	// Items is how many items the keyring holds.
	Items int
}

// Error implements error.
func (e *VerifierMissingError) Error() string {
	return fmt.Sprintf("the keyring holds %d item(s) but its passphrase verifier %s is missing", e.Items, e.Path)
}

// Is makes errors.Is(err, ErrVerifierMissing) true.
func (e *VerifierMissingError) Is(target error) bool { return target == ErrVerifierMissing }

// NewerVersionError reports a configs.json or config.json written by a
// newer fbllm. It is refused and left untouched.
type NewerVersionError struct {
	// Path is the file.
	Path string
	// Version is the file's format version; Supported the newest this
	// fbllm reads.
	Version, Supported int
}

// Error implements error.
func (e *NewerVersionError) Error() string {
	return fmt.Sprintf("%s was written by a newer fbllm (format version %d; this fbllm reads up to %d): update fbllm", e.Path, e.Version, e.Supported)
}

// Is makes errors.Is(err, ErrNewerVersion) true.
func (e *NewerVersionError) Is(target error) bool { return target == ErrNewerVersion }

// TooLargeError reports a file larger than fbllm reads. It is left
// untouched.
type TooLargeError struct {
	// Path is the file.
	Path string
	// Limit is the largest size read, in bytes.
	Limit int64
}

// Error implements error.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %d MiB, more than fbllm reads; move it aside", e.Path, e.Limit>>20)
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// BackendError reports a keyring backend that cannot be used, or a call to
// it that failed. errors.Is(err, ErrBackendUnavailable) is true; Err carries
// the cause (ErrTimeout, ErrBackendMismatch, or the backend's own error).
type BackendError struct {
	// Backend is the backend name ("file", "secret-service", ...), or "" when
	// no backend could be chosen at all.
	Backend string
	// Reason is a short lower-case explanation for people.
	Reason string
	// Err is the underlying error, if any.
	Err error
	// Tried lists, when selection failed, each backend tried and why it
	// was skipped (for the keyring.unavailable message).
	Tried []string
}

// Error implements error.
func (e *BackendError) Error() string {
	var b strings.Builder
	b.WriteString("keyring backend")
	if e.Backend != "" {
		b.WriteString(" " + e.Backend)
	}
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	if e.Err != nil && (e.Reason == "" || !strings.Contains(e.Reason, e.Err.Error())) {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrBackendUnavailable) true.
func (e *BackendError) Is(target error) bool { return target == ErrBackendUnavailable }

// Unwrap returns the cause.
func (e *BackendError) Unwrap() error { return e.Err }

// AmbiguousError reports a reference (name) that matches several
// configurations, typically in different workspaces.
type AmbiguousError struct {
	// Ref is the reference as given.
	Ref string
	// Candidates are the matching configurations, sorted like List.
	Candidates []Config
}

// Error implements error.
func (e *AmbiguousError) Error() string {
	ids := make([]string, len(e.Candidates))
	for i, c := range e.Candidates {
		ids[i] = c.ID + " (" + c.workspace() + ")"
	}
	return fmt.Sprintf("ambiguous reference %q: %d configurations match: %s", e.Ref, len(e.Candidates), strings.Join(ids, ", "))
}

// Is makes errors.Is(err, ErrAmbiguous) true.
func (e *AmbiguousError) Is(target error) bool { return target == ErrAmbiguous }

// CorruptIndexError reports a configs.json or config.json that could not be
// parsed (or carries an unknown version). The file was moved aside to
// MovedTo, never overwritten; the next write starts from an empty file.
type CorruptIndexError struct {
	// Path is where the file was.
	Path string
	// MovedTo is where it is now ("" if moving it failed, see Err).
	MovedTo string
	// Err is the parse error.
	Err error
}

// Error implements error.
func (e *CorruptIndexError) Error() string {
	if e.MovedTo == "" {
		return fmt.Sprintf("corrupt file %s (could not move it aside): %v", e.Path, e.Err)
	}
	return fmt.Sprintf("corrupt file %s, moved to %s: %v", e.Path, e.MovedTo, e.Err)
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptIndexError) Is(target error) bool { return target == ErrCorrupt }

// Unwrap returns the parse error.
func (e *CorruptIndexError) Unwrap() error { return e.Err }

// PathOf returns the file or directory an error is about — an
// *UnsafePathError, *VerifierMissingError, *DamagedError or
// *CorruptIndexError anywhere in its chain — or "".
func PathOf(err error) string {
	var (
		ue *UnsafePathError
		ve *VerifierMissingError
		de *DamagedError
		ce *CorruptIndexError
	)
	switch {
	case errors.As(err, &ue):
		return ue.Path
	case errors.As(err, &ve):
		return ve.Path
	case errors.As(err, &de):
		return de.Path
	case errors.As(err, &ce):
		return ce.Path
	}
	return ""
}

// errorf formats a message and wraps sentinel under it.
func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), sentinel)
}
