package keyscan

import (
	"strings"
)

// assignment is one NAME=value found in a .env or shell start-up file.
type assignment struct {
	Name, Value string
}

// parseDotenv reads the assignments of a .env file the way the common
// loaders do (motdotla/dotenv, python-dotenv): "NAME=value" lines, an
// optional "export " in front, values in double quotes (with \n, \" and \\
// escapes, possibly over several lines), single quotes or backquotes
// (literal), or unquoted up to a " #" comment. Lines that are not
// assignments are skipped, which also makes shell start-up files readable:
// only their plain `export NAME=value` lines count. It never fails.
func parseDotenv(data string) []assignment {
	var out []assignment
	s := strings.ReplaceAll(data, "\r\n", "\n")
	for s != "" {
		line, rest, _ := strings.Cut(s, "\n")
		s = rest
		line = strings.TrimLeft(line, " \t")
		if line == "" || line[0] == '#' {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			line = strings.TrimLeft(rest, " \t")
		}
		n := nameLen(line)
		if n == 0 {
			continue
		}
		name := line[:n]
		after := strings.TrimLeft(line[n:], " \t")
		if !strings.HasPrefix(after, "=") {
			continue
		}
		value := strings.TrimLeft(after[1:], " \t")
		switch {
		case value == "":
			out = append(out, assignment{name, ""})
		case value[0] == '"':
			v, remaining, ok := doubleQuoted(value[1:] + "\n" + s)
			if !ok {
				continue // unterminated: python-dotenv skips the line too
			}
			// A closing quote on a later line consumed those lines.
			s = remaining
			out = append(out, assignment{name, v})
		case value[0] == '\'' || value[0] == '`':
			end := strings.IndexByte(value[1:], value[0])
			if end < 0 {
				continue
			}
			out = append(out, assignment{name, value[1 : 1+end]})
		default:
			if i := strings.Index(value, " #"); i >= 0 {
				value = value[:i]
			}
			if i := strings.Index(value, "\t#"); i >= 0 {
				value = value[:i]
			}
			out = append(out, assignment{name, strings.TrimRight(value, " \t")})
		}
	}
	return out
}

// nameLen returns the length of the variable name at the start of s
// (letters, digits, _, and the . and - some loaders accept), or 0.
func nameLen(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
		case i > 0 && (c >= '0' && c <= '9' || c == '.' || c == '-'):
		default:
			return i
		}
	}
	return len(s)
}

// doubleQuoted reads a double-quoted value up to the closing quote and
// returns it unescaped, with the text after the closing quote's line.
func doubleQuoted(s string) (value, rest string, ok bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(s[i])
			}
		case c == '"':
			_, rest, _ = strings.Cut(s[i+1:], "\n")
			return b.String(), rest, true
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}
