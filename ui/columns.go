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
	// width is the column's width in cells. The name column has none: it
	// takes what the others leave. A column with rest set takes everything
	// left after a name of a quarter of the width (16 to 28 cells).
	width int
	rest  bool
	// minInner is the list width (without the cursor gutter) below which
	// the column is dropped, so narrow terminals keep what matters most.
	minInner int
	// onlyRemote columns are shown only when Flashback configurations are
	// listed.
	onlyRemote bool
	value      func(c session.Item) string
}

// browserColumns are the list's columns, left to right; the first is the
// name.
var browserColumns = []column{
	{title: "NAME", value: func(c session.Item) string { return c.Name }},
	{title: "TYPE", width: 9, value: func(c session.Item) string { return string(c.AIType) }},
	{title: "LAST CHECK", width: 12, value: func(c session.Item) string { return checkWord(c.LastCheck) }},
	{title: "WHERE", width: 12, minInner: 56, onlyRemote: true, value: whereWord},
	{title: "ENDPOINT", rest: true, minInner: 72, value: func(c session.Item) string { return c.Endpoint }},
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
	fixed, rest := 0, -1
	for _, c := range browserColumns {
		if inner < c.minInner || c.onlyRemote && !b.remote {
			continue
		}
		if c.rest {
			rest = len(l.cols)
		}
		l.cols = append(l.cols, c)
		l.widths = append(l.widths, c.width)
		fixed += c.width
	}
	gaps := len(l.cols) - 1
	if rest < 0 {
		l.widths[0] = max(inner-fixed-gaps, 8)
		return l
	}
	l.widths[0] = min(max(inner/4, 16), 28)
	l.widths[rest] = inner - l.widths[0] - fixed - gaps
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
