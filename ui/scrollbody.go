package ui

import "charm.land/bubbles/v2/viewport"

// scrollBody is the part of a panel that scrolls: a viewport over a body
// the panel rebuilds for the width and the styles. The troubleshooting
// panel and the exec panel share it.
type scrollBody struct {
	vp     viewport.Model
	styles *Styles
	width  int
	height int
}

// resize fits the viewport to w×h minus the chrome rows the panel draws
// around it, and rebuilds the body. Before the panel is opened (no styles
// yet) it only remembers the size.
func (b *scrollBody) resize(w, h, chrome int, body func(width int) string) {
	b.width, b.height = w, h
	if b.styles == nil {
		return
	}
	b.vp.SetWidth(w)
	b.vp.SetHeight(max(h-chrome, 1))
	b.vp.SetContent(body(w))
}

// restyle rebuilds the body with new styles (a background change); a panel
// not opened yet gets its styles when it is built.
func (b *scrollBody) restyle(st *Styles, body func(width int) string) {
	if b.styles == nil {
		return
	}
	b.styles = st
	b.vp.SetContent(body(b.width))
}
