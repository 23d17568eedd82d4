package assets

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

//go:embed exec_env.json
var execEnvJSON []byte

// The configuration fields an exec variable can carry (PRODUCT §2 `fbllm
// exec --env NAME=field`). The key is the AWS access key ID for AWS.
const (
	FieldSecret   = "secret"
	FieldKey      = "key"
	FieldEndpoint = "endpoint"
	FieldRegion   = "region"
)

// ExecFields lists the fields in the order the help text names them.
var ExecFields = []string{FieldSecret, FieldKey, FieldEndpoint, FieldRegion}

// The kinds of AWS credential an exec rule may be limited to: a SigV4
// access key pair, or a Bedrock API key sent as a bearer token on its own.
// "" means any credential.
const (
	CredentialAccessKey     = "access-key"
	CredentialBedrockAPIKey = "bedrock-api-key"
)

// ExecVar is one environment variable `fbllm exec` sets for a type: the
// name an SDK reads and the configuration field whose value it gets.
type ExecVar struct {
	Name  string `json:"name"`
	Field string `json:"field"` // one of ExecFields
	// Credential limits the variable to one kind of credential (AWS only):
	// a Bedrock API key is AWS_BEARER_TOKEN_BEDROCK, not a key pair.
	Credential string `json:"credential"`
	// Source is the SDK source or documentation that reads the variable.
	Source string `json:"source"`
}

// ExecUnset is an inherited variable `fbllm exec` removes because it would
// be used together with, or instead of, the credentials it hands over.
type ExecUnset struct {
	Name       string `json:"name"`
	Credential string `json:"credential"`
	Reason     string `json:"reason"` // one line, shown by --dry-run
	Source     string `json:"source"`
}

// ExecEnv is the environment contract of one AI type.
type ExecEnv struct {
	Type  AIType      `json:"type"`
	Set   []ExecVar   `json:"set"`
	Unset []ExecUnset `json:"unset"`
}

// ExecEnvFor returns the variables of type t, and false for an invalid
// type. The result is a copy.
func ExecEnvFor(t AIType) (ExecEnv, bool) {
	for _, e := range mustExecEnvs() {
		if e.Type == t {
			e.Set = slices.Clone(e.Set)
			e.Unset = slices.Clone(e.Unset)
			return e, true
		}
	}
	return ExecEnv{}, false
}

// ParseExecEnvs decodes an exec_env.json strictly; see ValidateExecEnvs.
func ParseExecEnvs(data []byte) ([]ExecEnv, error) {
	var envs []ExecEnv
	if err := decodeStrict(data, &envs); err != nil {
		return nil, fmt.Errorf("parse exec env: %w", err)
	}
	return envs, nil
}

// envNameRe is what a POSIX shell accepts as a variable name; other names
// cannot be set from a shell and some tools refuse them.
var envNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ValidEnvName reports whether name is a portable environment variable
// name (letters, digits and underscores, not starting with a digit).
func ValidEnvName(name string) bool { return envNameRe.MatchString(name) }

// ValidateExecEnvs checks the rules `fbllm exec` relies on: one entry per
// type, a variable for the secret in every case, no name set twice for the
// same credential, and a cited https source for every variable.
func ValidateExecEnvs(envs []ExecEnv) error {
	var errs []error
	seen := map[AIType]bool{}
	for i, e := range envs {
		where := fmt.Sprintf("exec env %d (%s)", i, e.Type)
		if !e.Type.Valid() {
			errs = append(errs, fmt.Errorf("%s: invalid type %q", where, e.Type))
		} else if seen[e.Type] {
			errs = append(errs, fmt.Errorf("%s: duplicate type", where))
		}
		seen[e.Type] = true
		errs = append(errs, validateExecVars(where, e)...)
	}
	for _, t := range allTypes {
		if !seen[t] {
			errs = append(errs, fmt.Errorf("no exec env for type %s", t))
		}
	}
	return errors.Join(errs...)
}

func validateExecVars(where string, e ExecEnv) []error {
	var errs []error
	credentials := []string{""}
	if e.Type == AWS {
		credentials = []string{CredentialAccessKey, CredentialBedrockAPIKey}
	}
	checkCredential := func(w, c string) {
		if c != "" && (e.Type != AWS || (c != CredentialAccessKey && c != CredentialBedrockAPIKey)) {
			errs = append(errs, fmt.Errorf("%s: credential %q is not one of the AWS kinds", w, c))
		}
	}
	for j, v := range e.Set {
		w := fmt.Sprintf("%s: set[%d] %s", where, j, v.Name)
		if !ValidEnvName(v.Name) {
			errs = append(errs, fmt.Errorf("%s: invalid variable name", w))
		}
		if !slices.Contains(ExecFields, v.Field) {
			errs = append(errs, fmt.Errorf("%s: field %q is not one of %s", w, v.Field, strings.Join(ExecFields, ", ")))
		}
		checkCredential(w, v.Credential)
		if err := checkHTTPS(v.Source); err != nil {
			errs = append(errs, fmt.Errorf("%s: source: %w", w, err))
		}
	}
	// Per kind of credential: the secret reaches the tool, and no variable
	// gets two values.
	for _, c := range credentials {
		names := map[string]bool{}
		secret := false
		for _, v := range e.Set {
			if v.Credential != "" && v.Credential != c {
				continue
			}
			if names[v.Name] {
				errs = append(errs, fmt.Errorf("%s: %s is set twice", where, v.Name))
			}
			names[v.Name] = true
			secret = secret || v.Field == FieldSecret
		}
		if !secret {
			errs = append(errs, fmt.Errorf("%s: no variable carries the secret (credential %q)", where, c))
		}
		for _, u := range e.Unset {
			if (u.Credential == "" || u.Credential == c) && names[u.Name] {
				errs = append(errs, fmt.Errorf("%s: %s is both set and unset", where, u.Name))
			}
		}
	}
	for j, u := range e.Unset {
		w := fmt.Sprintf("%s: unset[%d] %s", where, j, u.Name)
		if !ValidEnvName(u.Name) {
			errs = append(errs, fmt.Errorf("%s: invalid variable name", w))
		}
		checkCredential(w, u.Credential)
		errs = append(errs, requireLine(w+": reason", u.Reason, 0)...)
		if err := checkHTTPS(u.Source); err != nil {
			errs = append(errs, fmt.Errorf("%s: source: %w", w, err))
		}
	}
	return errs
}

var loadExecEnvs = sync.OnceValues(func() ([]ExecEnv, error) {
	envs, err := ParseExecEnvs(execEnvJSON)
	if err != nil {
		return nil, err
	}
	return envs, ValidateExecEnvs(envs)
})

// mustExecEnvs returns the embedded exec mapping; like mustCatalog, invalid
// embedded data is a build defect the tests catch.
func mustExecEnvs() []ExecEnv {
	envs, err := loadExecEnvs()
	if err != nil {
		panic("assets: embedded exec env is invalid: " + err.Error())
	}
	return envs
}
