package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/99designs/keyring"
)

// mapKeyringErr turns a keyring library error into the store's error
// classes. The library's errors are mostly untyped strings (jose2go, D-Bus,
// pass exit statuses), so some matching is by substring; see
// reference/keyring.md §1.5 for the observed texts. verifier is true when
// the item is the passphrase verifier, the only place where a failed key
// unwrap means "wrong passphrase" rather than "damaged item".
func mapKeyringErr(backend string, err error, verifier bool) error {
	if err == nil {
		return nil
	}
	var be *BackendError
	var fe *itemFileError
	switch {
	case errors.Is(err, ErrLocked), errors.Is(err, ErrWrongPassphrase), errors.Is(err, ErrWeakPassphrase),
		errors.Is(err, ErrTimeout), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, ErrUnsafePath), errors.Is(err, ErrDamaged), errors.As(err, &be):
		return err
	case errors.Is(err, keyring.ErrKeyNotFound), errors.Is(err, fs.ErrNotExist):
		return ErrNotFound
	case errors.Is(err, keyring.ErrNoAvailImpl):
		return &BackendError{Backend: backend, Reason: "not available", Err: err}
	case errors.As(err, &fe) && !isIOError(err):
		// The file backend read the item: what failed is its content.
		if strings.Contains(err.Error(), "integrity check failed") {
			if verifier {
				return ErrWrongPassphrase
			}
			return &DamagedError{Path: fe.path, Reason: "it cannot be decrypted with the verified passphrase (written under another passphrase, or altered)"}
		}
		return &DamagedError{Path: fe.path, Reason: "it is not a readable encrypted item (truncated or altered)"}
	}
	msg := err.Error()
	if strings.Contains(msg, "integrity check failed") {
		if verifier {
			return ErrWrongPassphrase
		}
		return fmt.Errorf("item cannot be decrypted with the verified passphrase (written with another passphrase, or damaged): %w", ErrCorrupt)
	}
	if isCorruptItem(err) {
		return &DamagedError{Reason: err.Error()} // the caller names the item
	}
	return &BackendError{Backend: backend, Reason: "keyring call failed", Err: err}
}

// isCorruptItem recognises decoding failures of a stored item: a truncated
// or edited JWE file, or item JSON that does not parse.
func isCorruptItem(err error) bool {
	var b64 base64.CorruptInputError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &b64) || errors.As(err, &syn) || errors.As(err, &typ) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"cipher: message authentication failed",
		"jwt.DecodeBytes()",
		"Pbse2HmacAesKW",
		"illegal base64",
		"unexpected end of JSON input",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
