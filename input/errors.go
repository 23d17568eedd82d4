package input

import "errors"

// ErrEmpty is returned when a required value is empty after sanitising.
var ErrEmpty = errors.New("value is empty")

// Codes of InputError. The endpoint codes are PRODUCT §6 diagnosis codes so
// that the CLI can print them as they are; the input.* codes name the field.
const (
	CodeInvalidURL     = "endpoint.invalid_url"
	CodeInsecureScheme = "endpoint.insecure_scheme"
	CodeInvalidSecret  = "input.invalid_secret"
	CodeInvalidKey     = "input.invalid_key"
	CodeInvalidName    = "input.invalid_name"
	// CodeDuplicateName is the CLI's config.duplicate_name: the name is
	// taken in the workspace.
	CodeDuplicateName = "config.duplicate_name"
)

// InputError is a value the user must change before anything is saved or
// sent. Msg is safe to show as is: it never contains a secret, and for
// endpoints never user:pass@ or a key= value.
type InputError struct {
	Code  string // PRODUCT §6 code, or input.invalid_secret / input.invalid_key / input.invalid_name
	Field string // "name", "endpoint", "key" or "secret"
	Msg   string // lower-case, no final period
}

// Error returns Msg, so huh can show it under the field without decoration.
func (e *InputError) Error() string { return e.Msg }
