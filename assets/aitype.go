package assets

import (
	"fmt"
	"strings"
)

// AIType is the provider family of an AI LLM configuration, as the Flashback
// API spells it in the aiType field.
type AIType string

// The AI LLM types of PRODUCT §1. The string values are the wire values.
const (
	OpenAI    AIType = "OPENAI"
	Google    AIType = "GOOGLE"
	Anthropic AIType = "ANTHROPIC"
	AWS       AIType = "AWS"
	Other     AIType = "OTHER"
)

// allTypes is the display order used everywhere a list of types is shown.
var allTypes = []AIType{OpenAI, Google, Anthropic, AWS, Other}

// typeAliases maps names people commonly type for a provider to its AIType.
// They are only used to suggest the right value in ParseAIType's error: the
// wire values stay the five above, so scripts keep one spelling.
var typeAliases = map[string]AIType{
	"GEMINI":     Google,
	"VERTEX":     Google,
	"CLAUDE":     Anthropic,
	"BEDROCK":    AWS,
	"AZURE":      Other,
	"OPENROUTER": Other,
	"OLLAMA":     Other,
	"VLLM":       Other,
	"LITELLM":    Other,
}

// AITypes returns every valid AIType in display order.
func AITypes() []AIType {
	return append([]AIType(nil), allTypes...)
}

// Valid reports whether t is one of the five AI LLM types.
func (t AIType) Valid() bool {
	for _, v := range allTypes {
		if t == v {
			return true
		}
	}
	return false
}

// ParseAIType turns user input such as " openai " into an AIType. Matching is
// case-insensitive and ignores surrounding whitespace because the value comes
// from flags and prompts; the error lists the valid values so the user can fix
// the input without opening the help.
func ParseAIType(s string) (AIType, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	if t := AIType(v); t.Valid() {
		return t, nil
	}
	valid := make([]string, len(allTypes))
	for i, t := range allTypes {
		valid[i] = string(t)
	}
	list := strings.Join(valid, ", ")
	if v == "" {
		return "", fmt.Errorf("AI type is empty (valid: %s)", list)
	}
	if t, ok := typeAliases[v]; ok {
		return "", fmt.Errorf("unknown AI type %q: did you mean %s? (valid: %s)", strings.TrimSpace(s), t, list)
	}
	return "", fmt.Errorf("unknown AI type %q (valid: %s)", strings.TrimSpace(s), list)
}
