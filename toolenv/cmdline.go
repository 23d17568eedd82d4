package toolenv

import "strings"

// CommandLine is the command a person types to run a tool with the named
// configurations: `fbllm exec "OpenAI production" -- `. The browser shows
// and copies it; usage errors quote it.
func CommandLine(refs ...string) string {
	var b strings.Builder
	b.WriteString("fbllm exec")
	for _, r := range refs {
		b.WriteString(" " + ShellQuote(r))
	}
	b.WriteString(" -- ")
	return b.String()
}

// ShellQuote quotes s for a POSIX shell when it needs it: names with
// spaces or shell characters are single-quoted (double quotes where that
// reads better and is safe), plain words are left as they are.
func ShellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, needsQuote) {
		return s
	}
	if !strings.ContainsAny(s, "\"$`\\!") {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func needsQuote(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("-_./:@%+,=", r)
}
