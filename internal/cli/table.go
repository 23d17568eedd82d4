package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// table prints rows for people or for scripts, the way gh's table printer
// does. On a terminal the columns are aligned and the table fits the
// width: first the columns that matter least are left out (drop, in
// order), then the widest columns are cut with an ellipsis, each no
// narrower than its minimum while another can give. Full values are in
// --json, or when piped: each row is then one line of tab-separated
// fields, nothing cut or left out, no header, so cut and awk work.
type table struct {
	header []string
	rows   [][]string
	// right are the columns aligned right (numbers).
	right map[int]bool
	// min are columns' minimum widths (default minColumn): what must stay
	// readable, such as a name.
	min map[int]int
	// drop are the columns left out, in this order, when the rest would
	// not fit at their minimum widths.
	drop []int
}

func newTable(header ...string) *table {
	return &table{header: header, right: map[int]bool{}, min: map[int]int{}}
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// minColumn is the narrowest a cut column gets by default: enough to
// recognise it.
const minColumn = 8

// comfortable is the width a column that matters keeps before optional
// columns are left out.
const comfortable = 32

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
	cols, widths := t.layout(width)
	line := func(cells []string) {
		var b strings.Builder
		for k, i := range cols {
			cell := ansi.Truncate(cells[i], widths[k], "…")
			pad := strings.Repeat(" ", widths[k]-ansi.StringWidth(cell))
			if k > 0 {
				b.WriteString(strings.Repeat(" ", gap))
			}
			switch {
			case t.right[i]:
				b.WriteString(pad + cell)
			case k < len(cols)-1:
				b.WriteString(cell + pad)
			default:
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

// layout chooses the columns shown and their widths for a terminal width.
func (t *table) layout(width int) (cols, widths []int) {
	natural := make([]int, len(t.header))
	for _, r := range append([][]string{t.header}, t.rows...) {
		for i, cell := range r {
			natural[i] = max(natural[i], ansi.StringWidth(cell))
		}
	}
	minOf := func(i int) int { return min(natural[i], max(t.min[i], minColumn)) }
	sum := func(cols []int, w func(int) int) int {
		n := gap * (len(cols) - 1)
		for _, i := range cols {
			n += w(i)
		}
		return n
	}
	for i := range t.header {
		cols = append(cols, i)
	}
	// A column with a minimum is one that matters: the optional columns
	// are left out before it has to be cut below a comfortable width.
	want := func(i int) int {
		if t.min[i] > 0 {
			return min(natural[i], max(t.min[i], comfortable))
		}
		return minOf(i)
	}
	for _, d := range t.drop {
		if sum(cols, want) <= width {
			break
		}
		cols = slices.DeleteFunc(cols, func(i int) bool { return i == d })
	}
	widths = make([]int, len(cols))
	for k, i := range cols {
		widths[k] = natural[i]
	}
	total := func() int { return gap*(len(widths)-1) + sumInts(widths) }
	// Cut the widest column that is above its minimum, then, when none is,
	// the widest above minColumn, until the table fits.
	for _, floor := range []func(int) int{minOf, func(int) int { return minColumn }} {
		for total() > width {
			widest := -1
			for k, i := range cols {
				if widths[k] > floor(i) && (widest < 0 || widths[k] > widths[widest]) {
					widest = k
				}
			}
			if widest < 0 {
				break
			}
			widths[widest] = max(floor(cols[widest]), widths[widest]-(total()-width))
		}
	}
	return cols, widths
}

func sumInts(v []int) int {
	n := 0
	for _, x := range v {
		n += x
	}
	return n
}
