package input

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fbllm/fbllm/assets"
)

// MaxNameLen is the longest configuration name, in characters (PRODUCT §1).
const MaxNameLen = 64

// ValidateName checks a configuration name against PRODUCT §1 and returns it
// trimmed: 1–64 characters, printable, and unique among existing compared
// case-insensitively, because the CLI resolves names case-insensitively and
// two names differing only in case would be ambiguous. self is the current
// name when editing ("" when adding); keeping it, or changing only its case,
// is allowed.
func ValidateName(name string, existing []string, self string) (string, error) {
	if !utf8.ValidString(name) {
		return "", nameError("name has bytes that are not valid text (UTF-8)")
	}
	trimmed := trimEdges(name)
	if trimmed == "" {
		return "", nameError("name is required")
	}
	if n := utf8.RuneCountInString(trimmed); n > MaxNameLen {
		return "", nameError(fmt.Sprintf("name is %d characters long; at most %d", n, MaxNameLen))
	}
	for i, r := range []rune(trimmed) {
		if !unicode.IsPrint(r) {
			return "", nameError(fmt.Sprintf("name has %s at character %d; use letters, digits, spaces and punctuation", describeRune(r), i+1))
		}
	}
	selfTrimmed := trimEdges(self)
	if self != "" && strings.EqualFold(trimmed, selfTrimmed) {
		return trimmed, nil
	}
	for _, e := range existing {
		e = trimEdges(e)
		if strings.EqualFold(trimmed, e) {
			return "", &InputError{Code: CodeDuplicateName, Field: FieldName,
				Msg: fmt.Sprintf("%q already exists in this workspace (names ignore case)", e)}
		}
	}
	return trimmed, nil
}

func nameError(msg string) error {
	return &InputError{Code: CodeInvalidName, Field: "name", Msg: msg}
}

// ParseType reads an AI LLM type as typed (any case); an unknown one is an
// *InputError with code input.invalid_type that lists the types.
func ParseType(s string) (assets.AIType, error) {
	t, err := assets.ParseAIType(s)
	if err != nil {
		return "", &InputError{Code: "input.invalid_type", Field: FieldType, Msg: err.Error()}
	}
	return t, nil
}
