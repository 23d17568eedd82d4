package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// table prints rows for people or for scripts, the way gh's table printer
// does. On a terminal the columns are aligned and the table fits the
// width: the widest column is cut with an ellipsis until it does (full
// values are in --json, or when piped). Piped, each row is one line of
// tab-separated fields, nothing cut, no header, so cut and awk work.
type table struct {
	header []string
	rows   [][]string
	// right are the columns aligned right (numbers).
	right map[int]bool
}

func newTable(header ...string) *table { return &table{header: header, right: map[int]bool{}} }

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// minColumn is the narrowest a cut column gets: enough to recognise it.
const minColumn = 8

// gap is the space between columns.
const gap = 2

// render writes the table; width is the terminal's, or 0 when piped.
func (t *table) render(w io.Writer, width int) {
	if width <= 0 {
		for _, r := range t.rows {
			fmt.Fprintln(w, strings.Join(r, "\t"))
		}
		return
	}
	widths := t.widths(width)
	line := func(cells []string) {
		var b strings.Builder
		for i, cell := range cells {
			cell = ansi.Truncate(cell, widths[i], "…")
			pad := strings.Repeat(" ", widths[i]-ansi.StringWidth(cell))
			if i > 0 {
				b.WriteString(strings.Repeat(" ", gap))
			}
			if t.right[i] {
				b.WriteString(pad + cell)
			} else if i < len(cells)-1 {
				b.WriteString(cell + pad)
			} else {
				b.WriteString(cell)
			}
		}
		fmt.Fprintln(w, b.String())
	}
	line(t.header)
	for _, r := range t.rows {
		line(r)
	}
}

// widths are the columns' widths: what the cells need, then the widest
// column cut, one cell at a time, until the table fits width.
func (t *table) widths(width int) []int {
	widths := make([]int, len(t.header))
	for _, r := range append([][]string{t.header}, t.rows...) {
		for i, cell := range r {
			widths[i] = max(widths[i], ansi.StringWidth(cell))
		}
	}
	total := func() int {
		n := gap * (len(widths) - 1)
		for _, w := range widths {
			n += w
		}
		return n
	}
	for total() > width {
		widest := 0
		for i, w := range widths {
			if w > widths[widest] {
				widest = i
			}
		}
		if widths[widest] <= minColumn {
			break // as narrow as it gets: the terminal wraps the rest
		}
		widths[widest] = max(minColumn, widths[widest]-(total()-width))
	}
	return widths
}
