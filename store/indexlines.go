package store

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// configs.json as encodeIndex writes it is one configuration per line, each
// line exactly what encoding/json makes of a Config. Reading that form does
// not need encoding/json's reflection: decodeCanonical reads each line with
// a decoder that accepts only that exact byte form (fields in struct order,
// optional fields only when non-empty, strings without escapes, times as
// MarshalJSON writes them) and hands any other line to encoding/json. A
// line it accepts decodes to what encoding/json would make of it and
// encodes back to itself, byte for byte (FuzzDecodeLine checks both), so
// that line can be written again unchanged when its configuration is.
// Anything but this layout (another version, indentation, a hand edit)
// goes to parseIndex's general path, which is unchanged.

// canonicalHead and canonicalTail frame encodeIndex's output.
var (
	canonicalHead = []byte(`{"version":` + strconv.Itoa(indexVersion) + `,"configs":[`)
	canonicalTail = []byte("\n]}\n")
)

// decodeCanonical decodes data written in encodeIndex's layout. lines[i] is
// configs[i]'s line when it is in the exact form encodeIndex writes (nil
// otherwise); lines share data's memory, and the decoded strings share one
// copy of it. ok is false when data is not in that layout, or a line is not
// a configuration encoding/json reads: the caller then parses data the
// general way, which decides (and words) every error.
func decodeCanonical(data []byte) (configs []Config, lines [][]byte, ok bool) {
	if len(data) < len(canonicalHead)+len(canonicalTail) ||
		!bytes.HasPrefix(data, canonicalHead) || !bytes.HasSuffix(data, canonicalTail) {
		return nil, nil, false
	}
	body := data[len(canonicalHead) : len(data)-len(canonicalTail)]
	n := bytes.Count(body, []byte{'\n'})
	configs, lines = make([]Config, 0, n), make([][]byte, 0, n)
	text := string(body) // one copy: every decoded string is a piece of it
	for at := 0; at < len(body); {
		// Each entry is "\n" + line, followed by "," unless it is the last.
		if body[at] != '\n' {
			return nil, nil, false
		}
		start := at + 1
		end := bytes.IndexByte(body[start:], '\n')
		last := end < 0
		if last {
			end = len(body)
		} else {
			end += start
		}
		stop := end
		if !last {
			if stop == start || body[stop-1] != ',' {
				return nil, nil, false
			}
			stop--
		}
		c, canonical := decodeLine(text[start:stop])
		if !canonical {
			// Still one JSON value on its own line: encoding/json reads it
			// as it would inside the array.
			c = Config{}
			if err := json.Unmarshal(body[start:stop], &c); err != nil {
				return nil, nil, false
			}
		}
		configs = append(configs, c)
		if canonical {
			lines = append(lines, body[start:stop:stop])
		} else {
			lines = append(lines, nil)
		}
		at = end
	}
	return configs, lines, true
}

// decodeLine decodes one line in the exact form encoding/json writes for a
// Config (SetEscapeHTML(false)); ok is false for anything else.
func decodeLine(s string) (c Config, ok bool) {
	d := lineDecoder{s: s}
	ok = d.lit(`{"id":`) && d.str(&c.ID) &&
		d.lit(`,"name":`) && d.str(&c.Name) &&
		d.lit(`,"aiType":`) && d.str(&c.AIType) &&
		d.lit(`,"endpoint":`) && d.str(&c.Endpoint) &&
		d.optStr(`,"region":`, &c.Region) &&
		d.optStr(`,"keyFingerprint":`, &c.KeyFingerprint) &&
		d.optStr(`,"secretFingerprint":`, &c.SecretFingerprint) &&
		d.lit(`,"workspace":`) && d.str(&c.Workspace) &&
		d.lit(`,"secretBackend":`) && d.str(&c.SecretBackend) &&
		d.optInt(`,"generation":`, &c.Generation) &&
		d.lit(`,"createdAt":`) && d.time(&c.CreatedAt) &&
		d.lit(`,"updatedAt":`) && d.time(&c.UpdatedAt)
	if ok && d.lit(`,"lastCheck":{"status":`) {
		chk := new(Check)
		ok = d.str(&chk.Status) &&
			d.lit(`,"at":`) && d.time(&chk.At) &&
			d.optInt(`,"models":`, &chk.Models) &&
			d.optStrings(`,"modelIds":[`, &chk.ModelIDs) &&
			d.lit("}")
		c.LastCheck = chk
	}
	if !ok || !d.lit("}") || d.i != len(s) {
		return Config{}, false
	}
	return c, true
}

// lineDecoder reads s from i; every method reports whether what follows is
// in canonical form, and consumes it if so.
type lineDecoder struct {
	s string
	i int
}

func (d *lineDecoder) lit(p string) bool {
	if !strings.HasPrefix(d.s[d.i:], p) {
		return false
	}
	d.i += len(p)
	return true
}

// str reads a string encoding/json would write without an escape: no
// quote, backslash or control character, valid UTF-8, and neither U+2028
// nor U+2029 (which it escapes). Strings that need escapes take the
// general path.
func (d *lineDecoder) str(out *string) bool {
	if d.i >= len(d.s) || d.s[d.i] != '"' {
		return false
	}
	start, high := d.i+1, false
	for j := start; j < len(d.s); j++ {
		switch b := d.s[j]; {
		case b == '"':
			v := d.s[start:j]
			if high && (!utf8.ValidString(v) || strings.Contains(v, "\u2028") || strings.Contains(v, "\u2029")) {
				return false
			}
			*out, d.i = v, j+1
			return true
		case b == '\\' || b < 0x20:
			return false
		case b >= utf8.RuneSelf:
			high = true
		}
	}
	return false
}

// optStr reads an omitempty string field: present only when not empty.
func (d *lineDecoder) optStr(key string, out *string) bool {
	if !d.lit(key) {
		return true
	}
	return d.str(out) && *out != ""
}

// optInt reads an omitempty int field: present only when not zero, and
// written without leading zeros or a plus sign.
func (d *lineDecoder) optInt(key string, out *int) bool {
	if !d.lit(key) {
		return true
	}
	j := d.i
	if j < len(d.s) && d.s[j] == '-' {
		j++
	}
	digits := j
	for j < len(d.s) && '0' <= d.s[j] && d.s[j] <= '9' {
		j++
	}
	if j == digits || j-digits > 18 || d.s[digits] == '0' {
		return false // no digits, too long for every int, or a leading zero (0 itself is omitted)
	}
	n, err := strconv.Atoi(d.s[d.i:j])
	if err != nil {
		return false
	}
	*out, d.i = n, j
	return true
}

// optStrings reads an omitempty []string field: present only when it has
// elements. key ends with the opening bracket.
func (d *lineDecoder) optStrings(key string, out *[]string) bool {
	if !d.lit(key) {
		return true
	}
	var v []string
	for {
		var s string
		if !d.str(&s) {
			return false
		}
		v = append(v, s)
		if d.lit("]") {
			*out = v
			return true
		}
		if !d.lit(",") {
			return false
		}
	}
}

// time reads a time.Time as its MarshalJSON writes it (RFC 3339 with
// nanoseconds, trailing zeros of the fraction dropped). UTC ("Z"), which
// the store writes, is read by hand; a numeric offset goes through
// time.Time's own UnmarshalJSON and must format back to the same text.
func (d *lineDecoder) time(out *time.Time) bool {
	if d.i >= len(d.s) || d.s[d.i] != '"' {
		return false
	}
	end := strings.IndexByte(d.s[d.i+1:], '"')
	if end < 0 {
		return false
	}
	v := d.s[d.i+1 : d.i+1+end]
	t, ok := parseUTC(v)
	if !ok {
		if !strings.HasSuffix(v, "Z") && len(v) > 6 {
			ok = parseOffset(v, &t)
		}
		if !ok {
			return false
		}
	}
	*out, d.i = t, d.i+end+2
	return true
}

// parseUTC reads "YYYY-MM-DDTHH:MM:SS[.fraction]Z" in the exact form
// MarshalJSON writes for a UTC time, and gives what UnmarshalJSON would.
func parseUTC(v string) (time.Time, bool) {
	if len(v) < 20 || v[len(v)-1] != 'Z' || v[4] != '-' || v[7] != '-' || v[10] != 'T' || v[13] != ':' || v[16] != ':' {
		return time.Time{}, false
	}
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return -1
			}
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	year, month, day := num(v[0:4]), num(v[5:7]), num(v[8:10])
	hour, minute, sec := num(v[11:13]), num(v[14:16]), num(v[17:19])
	if year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	nsec := 0
	if frac := v[19 : len(v)-1]; frac != "" {
		digits := frac[1:]
		if frac[0] != '.' || len(digits) < 1 || len(digits) > 9 || digits[len(digits)-1] == '0' {
			return time.Time{}, false
		}
		if nsec = num(digits); nsec < 0 {
			return time.Time{}, false
		}
		for range 9 - len(digits) {
			nsec *= 10
		}
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

// parseOffset reads a time with a numeric offset the way encoding/json
// does, and accepts it only if MarshalJSON writes it back the same.
func parseOffset(v string, out *time.Time) bool {
	var t time.Time
	if err := t.UnmarshalJSON([]byte(`"` + v + `"`)); err != nil {
		return false
	}
	var buf [64]byte
	if string(t.AppendFormat(buf[:0], time.RFC3339Nano)) != v {
		return false
	}
	*out = t
	return true
}

func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31 - int(m-1)%7%2
}

// sameConfig reports whether a and b are the same value field by field
// (times by their representation, not just the instant), so that a's
// encoding is b's.
func sameConfig(a, b *Config) bool {
	x, y := *a, *b
	x.LastCheck, y.LastCheck = nil, nil
	if x != y { // a field added to Config that == cannot compare stops the build here
		return false
	}
	if a.LastCheck == nil || b.LastCheck == nil {
		return a.LastCheck == b.LastCheck
	}
	// Check holds a slice, so its fields are compared one by one;
	// TestSameConfigSeesEveryField fails when a new one is missed here.
	p, q := a.LastCheck, b.LastCheck
	return p.Status == q.Status && p.At == q.At && //nolint:staticcheck // the same representation, not just the same instant (as x != y above)
		p.Models == q.Models && slices.Equal(p.ModelIDs, q.ModelIDs)
}
