package toolenv

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/fbllm/fbllm/internal/redact"
)

// minMasked is the shortest value Mask hides. Shorter values are too
// common in ordinary output (op run's masking of short values is known to
// cut words apart), and no real credential is that short.
const minMasked = 8

// pieceLen is redact's rule, applied to a stream: any 12-character piece
// of a secret is hidden, so a tool that prints "sk-proj-abcd…wxyz" or a
// truncated key shows nothing of it either.
const pieceLen = 12

// Mask is an io.Writer that copies a stream to W with every secret, every
// 12-character piece of one, and its common encodings (base64 standard and
// URL alphabets at any byte alignment, percent-encoding, HTML and JSON
// escaping, hex) replaced by redact.Mark.
//
// A secret split across writes is still hidden: Mask holds back the end of
// each write that could be the start of a secret, at most one secret's
// length, and releases it with the next write or on Close. The output does
// not depend on how the input was split. Mask is safe for concurrent use.
type Mask struct {
	mu      sync.Mutex
	w       io.Writer
	pieces  map[string]struct{} // every pieceLen-byte piece of a long secret
	raw     []string            // long secrets, to test held-back prefixes
	whole   [][]byte            // encodings and short secrets, matched whole
	pending []byte
	closed  bool
}

// NewMask returns a Mask writing to w. Values shorter than 8 bytes are
// ignored (see minMasked).
func NewMask(w io.Writer, secrets ...string) *Mask {
	m := &Mask{w: w, pieces: map[string]struct{}{}}
	seen := map[string]bool{}
	addWhole := func(s string) {
		if len(s) >= minMasked && !seen[s] {
			seen[s] = true
			m.whole = append(m.whole, []byte(s))
		}
	}
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		if len(s) < minMasked {
			continue
		}
		if len(s) >= pieceLen {
			m.raw = append(m.raw, s)
			for i := 0; i+pieceLen <= len(s); i++ {
				m.pieces[s[i:i+pieceLen]] = struct{}{}
			}
		} else {
			addWhole(s)
		}
		for _, e := range encodings(s) {
			if e != s {
				addWhole(e)
			}
		}
	}
	return m
}

// encodings returns the forms a secret takes when a program encodes it
// before printing: in a Basic auth header, a URL, an HTML page, a JSON
// string or a hex dump.
func encodings(s string) []string {
	out := []string{
		url.QueryEscape(s), url.PathEscape(s), html.EscapeString(s),
		hex.EncodeToString([]byte(s)), strings.ToUpper(hex.EncodeToString([]byte(s))),
	}
	if j, err := json.Marshal(s); err == nil {
		out = append(out, string(j[1:len(j)-1]))
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for shift := range 3 {
			out = append(out, base64Core(enc, s, shift))
		}
	}
	return out
}

// base64Core returns the base64 characters determined by s alone when s
// starts shift bytes into the encoded data ("user:secret" puts the secret
// at shift 2). The characters that also depend on neighbouring bytes are
// left out, so the core matches wherever s sits in a longer value; with
// the padding dropped it also covers unpadded encodings.
func base64Core(enc *base64.Encoding, s string, shift int) string {
	buf := make([]byte, shift+len(s))
	copy(buf[shift:], s)
	e := enc.EncodeToString(buf)
	// Character i covers bits [6i, 6i+6); s covers bits [8*shift, 8*(shift+len)).
	first := (8*shift + 5) / 6
	last := (8 * (shift + len(s))) / 6 // exclusive
	if first >= last {
		return ""
	}
	return e[first:last]
}

// errClosed is returned by Write after Close.
var errClosed = errors.New("mask: write after close")

// Write copies p to the underlying writer, holding back any end of the
// stream that could be the start of a secret. It reports len(p) when the
// underlying write succeeded, whatever was held back.
func (m *Mask) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, errClosed
	}
	m.pending = append(m.pending, p...)
	spans := m.spans(m.pending)
	cut := m.safeCut(m.pending, spans)
	if cut == 0 {
		return len(p), nil
	}
	out := redactSpans(m.pending, cut, spans)
	m.pending = append(m.pending[:0], m.pending[cut:]...)
	if _, err := m.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close releases what is held back, redacted. It does not close the
// underlying writer, which belongs to the caller.
func (m *Mask) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	if len(m.pending) == 0 {
		return nil
	}
	out := redactSpans(m.pending, len(m.pending), m.spans(m.pending))
	m.pending = nil
	_, err := m.w.Write(out)
	return err
}

// span is a run of buf covered by matches; spans are merged only when
// they overlap, so the result does not depend on where writes were split.
type span struct{ start, end int }

// spans returns the merged, overlapping matches in buf, in order.
func (m *Mask) spans(buf []byte) []span {
	var raw []span
	for i := 0; i+pieceLen <= len(buf); i++ {
		if _, ok := m.pieces[string(buf[i:i+pieceLen])]; ok {
			raw = append(raw, span{i, i + pieceLen})
		}
	}
	for _, w := range m.whole {
		for off := 0; off < len(buf); {
			j := bytes.Index(buf[off:], w)
			if j < 0 {
				break
			}
			raw = append(raw, span{off + j, off + j + len(w)})
			off += j + 1
		}
	}
	slices.SortFunc(raw, func(a, b span) int { return a.start - b.start })
	var merged []span
	for _, s := range raw {
		if n := len(merged); n > 0 && s.start < merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// safeCut returns how much of buf can be released now: everything except
// the longest end that could still grow into a match, moved back to the
// start of a match that the cut would split.
func (m *Mask) safeCut(buf []byte, spans []span) int {
	cut := len(buf) - m.holdBack(buf)
	for _, s := range spans {
		if s.start < cut && cut < s.end {
			cut = s.start
		}
		// A span reaching the end may grow with the next write.
		if s.end == len(buf) && s.start < cut {
			cut = s.start
		}
	}
	return cut
}

// holdBack returns the length of the longest suffix of buf that is a
// proper prefix of something Mask hides.
func (m *Mask) holdBack(buf []byte) int {
	best := 0
	for _, w := range m.whole {
		for k := min(len(w)-1, len(buf)); k > best; k-- {
			if bytes.HasSuffix(buf, w[:k]) {
				best = k
				break
			}
		}
	}
	// A suffix of length k < pieceLen starts a piece when it occurs in the
	// secret early enough for a full piece to follow.
	for _, s := range m.raw {
		for k := min(pieceLen-1, len(buf)); k > best; k-- {
			if strings.Contains(s[:len(s)-pieceLen+k], string(buf[len(buf)-k:])) {
				best = k
				break
			}
		}
	}
	return best
}

// redactSpans returns buf[:cut] with every span replaced by redact.Mark.
// The cut never splits a span (safeCut); spans are found in the whole
// buffer so that one ending exactly at the cut is seen.
func redactSpans(buf []byte, cut int, spans []span) []byte {
	out := make([]byte, 0, cut)
	prev := 0
	for _, s := range spans {
		if s.start >= cut {
			break
		}
		out = append(out, buf[prev:s.start]...)
		out = append(out, redact.Mark...)
		prev = s.end
	}
	return append(out, buf[prev:cut]...)
}
