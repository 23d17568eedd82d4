package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/fbllm/fbllm/session"
)

// column is one column of the browser's list: its title, how wide it is,
// when it is shown and what it shows. browserColumns is the one place a
// column is defined; the layout, the header and every row follow it.
type column struct {
	title string
	// width is the column's width in cells at a list width (without the
	// cursor gutter). The name column has none: it takes what the others
	// leave. A column with rest set takes everything left after a name of
	// a quarter of the width (16 to 28 cells).
	width func(inner int) int
	rest  bool
	// shown says whether the column is drawn at a list width, and whether
	// Flashback configurations are listed; nil means always.
	shown func(inner int, remote bool) bool
	value func(c session.Item) string
}

func fixed(n int) func(int) int { return func(int) int { return n } }

// browserColumns are the list's columns, left to right; the first is the
// name. Narrow terminals drop the endpoint first; with Flashback
// configurations listed, TYPE then gives way to a narrower WHERE, which
// tells this machine's configurations from the workspace's.
var browserColumns = []column{
	{title: "NAME", value: func(c session.Item) string { return c.Name }},
	{title: "TYPE", width: fixed(9), value: func(c session.Item) string { return string(c.AIType) },
		shown: func(inner int, remote bool) bool { return inner >= 56 || !remote }},
	{title: "LAST CHECK", width: fixed(12), value: func(c session.Item) string { return checkWord(c.LastCheck) }},
	{title: "WHERE", value: whereWord,
		width: func(inner int) int {
			if inner >= 56 {
				return 12
			}
			return 10
		},
		shown: func(_ int, remote bool) bool { return remote }},
	{title: "ENDPOINT", rest: true, value: func(c session.Item) string { return c.Endpoint },
		shown: func(inner int, _ bool) bool { return inner >= 72 }},
}

// columnLayout is the columns shown at one width, with the width of each.
type columnLayout struct {
	cols   []column
	widths []int
}

// columns lays the list out for a width: columns that do not fit are
// dropped, the name takes the room left.
func (b *browser) columns(w int) columnLayout {
	inner := w - 2 // cursor gutter
	var l columnLayout
	used, rest := 0, -1
	for _, c := range browserColumns {
		if c.shown != nil && !c.shown(inner, b.remote) {
			continue
		}
		w := 0
		if c.width != nil {
			w = c.width(inner)
		}
		if c.rest {
			rest = len(l.cols)
		}
		l.cols = append(l.cols, c)
		l.widths = append(l.widths, w)
		used += w
	}
	gaps := len(l.cols) - 1
	if rest < 0 {
		l.widths[0] = max(inner-used-gaps, 8)
		return l
	}
	l.widths[0] = min(max(inner/4, 16), 28)
	l.widths[rest] = inner - l.widths[0] - used - gaps
	return l
}

func (l columnLayout) header() string {
	var b strings.Builder
	b.WriteString("  ")
	for i, c := range l.cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		if c.rest {
			b.WriteString(c.title)
			continue
		}
		b.WriteString(pad(c.title, l.widths[i]))
	}
	return b.String()
}

// row renders one configuration. Selection is shown by the gutter marker
// alone: restyling the selected name would make every cursor move rewrite
// two whole names, doubling the bytes sent per keystroke over SSH.
func (b *browser) row(l columnLayout, c session.Item, selected bool) string {
	st := b.styles
	marker := "  "
	if selected {
		marker = st.Browser.Cursor.Render("›") + " "
	}
	var rest strings.Builder
	for i, col := range l.cols[1:] {
		w := l.widths[i+1]
		rest.WriteByte(' ')
		v := ansi.Truncate(col.value(c), w, "…")
		if col.rest {
			rest.WriteString(v)
			continue
		}
		rest.WriteString(pad(v, w))
	}
	// Every column after the name shares one style so a row carries a
	// single colour switch after the name.
	name := pad(ansi.Truncate(l.cols[0].value(c), l.widths[0], "…"), l.widths[0])
	return marker + st.Browser.Name.Render(name) + " " + st.Browser.Type.Render(rest.String()[1:])
}
