package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// Browser intents, routed by App.
type (
	// openFormMsg asks App to open the configuration form, to add a new
	// configuration (edit == nil) or to edit/rotate one.
	openFormMsg struct{ edit *session.Item }
	// deleteConfigMsg asks App to delete a configuration the user confirmed.
	deleteConfigMsg struct{ item session.Item }
	// quitMsg asks App to end the program normally.
	quitMsg struct{}
	// toggleHelpMsg asks App to switch the footer between short and full help.
	toggleHelpMsg struct{}
	// copyMsg asks App to put non-secret text on the clipboard.
	copyMsg struct{ text, what string }
	// checkMsg asks App to test (direct probe), validate (Flashback) or
	// troubleshoot (everything) a configuration.
	checkMsg struct {
		item session.Item
		kind checkKind
	}
	// statusMsg asks App to show a status line.
	statusMsg struct {
		text  string
		isErr bool
	}
	// pickWorkspaceMsg asks App for the workspace picker (or the sign-in
	// when not signed in); refreshMsg to list again.
	pickWorkspaceMsg struct{}
	refreshMsg       struct{}
	// detailShownMsg tells App the detail pane opened on a configuration
	// (it fetches Flashback usage counters).
	detailShownMsg struct{ item session.Item }
)

// checkKind is what a check runs.
type checkKind int

const (
	checkTest checkKind = iota
	checkValidate
	checkDoctor
)

// detailSplitWidth is the terminal width from which the detail pane sits
// beside the list instead of replacing it.
const detailSplitWidth = 100

// browser lists configurations with a filter, a detail pane and a delete
// confirmation. It keeps the configurations sorted as the store returns them
// and a slice of indices for the filtered view, so a cursor move is O(1)
// and a filter keystroke is one pass over the names.
//
// A cursor move changes exactly two rows' marker and name style and nothing
// else on screen (the detail pane follows the cursor only while it is open),
// which keeps the bytes sent per keystroke small over slow SSH links.
type browser struct {
	all    []session.Item
	view   []int // indices into all, after the filter
	cursor int   // index into view
	offset int   // first visible row of view

	filter     textinput.Model
	filtering  bool
	detailOpen bool
	detailTop  int           // first line of the detail pane shown (pgdn)
	confirming *session.Item // delete confirmation shown for this config

	// scopeLabel names what is listed ("Production · ADMIN", "all
	// workspaces"); remote says Flashback configurations are in the view.
	scopeLabel string
	remote     bool
	// stats are usage counters fetched for the detail pane, by config id.
	stats      map[string]client.LLMStats
	statsAsked map[string]bool
	// readOnly names the Flashback workspaces (by id) where the user's role
	// cannot change configurations, with that role.
	readOnly map[string]string
	// loading is shown in the header while Flashback is being listed.
	loading bool
	// canImport: App can look for keys in clear (i opens the checklist).
	canImport bool
	// rulerInStatus: App shows the position in the status bar (see
	// position), so the header does not.
	rulerInStatus bool

	width, height int
	keys          browserKeyMap
	confirmKeys   confirmKeyMap
	styles        *Styles
	backendLabel  string
}

func newBrowser(st *Styles) browser {
	ti := textinput.New()
	ti.Prompt = "/ "
	ti.Placeholder = "filter by name, type or endpoint"
	ti.SetStyles(textinput.DefaultStyles(st.IsDark))
	b := browser{filter: ti, keys: defaultBrowserKeyMap(), confirmKeys: defaultConfirmKeyMap(), styles: st}
	b.updateKeys()
	return b
}

func (b *browser) setStyles(st *Styles) {
	b.styles = st
	b.filter.SetStyles(textinput.DefaultStyles(st.IsDark))
}

// keyMap is the footer's: the dialog's keys while it asks.
func (b *browser) keyMap() help.KeyMap {
	if b.confirming != nil {
		return b.confirmKeys
	}
	return b.keys
}

func (b *browser) setSize(w, h int) {
	b.width, b.height = w, h
	b.filter.SetWidth(max(w-4, 10))
	b.clampOffset()
}

// setConfigs replaces the list, keeping the filter and, when possible, the
// selected configuration (or selecting selectID).
func (b *browser) setConfigs(cfgs []session.Item, selectID string) {
	if selectID == "" {
		if c, ok := b.selected(); ok {
			selectID = c.ID
		}
	}
	b.all = cfgs
	b.applyFilter()
	if selectID != "" {
		for i, idx := range b.view {
			if b.all[idx].ID == selectID {
				b.cursor = i
				break
			}
		}
	}
	b.clampOffset()
	b.updateKeys()
}

// resetPosition forgets the selection, so the next setConfigs starts at
// the top.
func (b *browser) resetPosition() {
	b.all, b.view, b.cursor, b.offset = nil, b.view[:0], 0, 0
}

// setLastCheck updates one configuration's last check after a check (the
// check itself recorded it on disk).
func (b *browser) setLastCheck(id string, chk store.Check) {
	if chk.Status == "" {
		return
	}
	for i := range b.all {
		if b.all[i].ID == id {
			c := chk
			b.all[i].LastCheck = &c
		}
	}
}

func (b *browser) selected() (session.Item, bool) {
	if b.cursor < 0 || b.cursor >= len(b.view) {
		return session.Item{}, false
	}
	return b.all[b.view[b.cursor]], true
}

// applyFilter recomputes the filtered view: a case-insensitive substring
// match on name, type and endpoint.
func (b *browser) applyFilter() {
	q := strings.ToLower(strings.TrimSpace(b.filter.Value()))
	b.view = b.view[:0]
	for i := range b.all {
		c := &b.all[i]
		if q == "" || containsFold(c.Name, q) || containsFold(string(c.AIType), q) || containsFold(c.Endpoint, q) || containsFold(c.WorkspaceName, q) {
			b.view = append(b.view, i)
		}
	}
	if b.cursor >= len(b.view) {
		b.cursor = max(len(b.view)-1, 0)
	}
}

// containsFold reports whether s contains the lower-case query q, ignoring
// case, without allocating for ASCII input.
func containsFold(s, q string) bool {
	n := len(q)
	if n == 0 {
		return true
	}
	for i := 0; i+n <= len(s); i++ {
		match := true
		for j := 0; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != q[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	if !isASCII(s) {
		return strings.Contains(strings.ToLower(s), q)
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// updateKeys enables only the bindings that apply now, so the footer never
// advertises a key that does nothing.
func (b *browser) updateKeys() {
	k := &b.keys
	has := len(b.view) > 0
	modal := b.filtering || b.confirming != nil
	for _, bind := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
		bind.SetEnabled(has && b.confirming == nil)
	}
	k.Details.SetEnabled(has && !modal && !b.detailOpen)
	k.Back.SetEnabled(b.detailOpen && !modal)
	sel, _ := b.selected()
	_, ro := b.readOnly[sel.WorkspaceID]
	writable := !sel.IsRemote() || !ro
	k.Edit.SetEnabled(has && !modal && writable)
	k.Delete.SetEnabled(has && !modal && writable)
	k.Copy.SetEnabled(has && !modal)
	// A READ role cannot have Flashback validate either (test of a
	// Flashback configuration is its validation).
	k.Test.SetEnabled(has && !modal && writable)
	k.Validate.SetEnabled(has && !modal && sel.IsRemote() && writable)
	k.Troubleshoot.SetEnabled(has && !modal)
	// A Flashback secret never leaves the platform: nothing to hand over.
	k.Exec.SetEnabled(has && !modal && !sel.IsRemote())
	k.Import.SetEnabled(!modal && b.canImport)
	k.Workspace.SetEnabled(!modal)
	k.Refresh.SetEnabled(!modal)
	k.Add.SetEnabled(!modal)
	k.Filter.SetEnabled(!modal && len(b.all) > 0)
	k.Accept.SetEnabled(b.filtering)
	k.ClearFilter.SetEnabled(b.confirming == nil && (b.filtering || b.filter.Value() != "") && !b.detailOpen)
	k.Help.SetEnabled(!modal)
	k.Quit.SetEnabled(!modal && !b.detailOpen)
	k.QuitHint.SetEnabled(!modal && b.detailOpen)
}

// listHeight is the number of list rows that fit.
func (b *browser) listHeight() int {
	return max(b.height-2, 1) // header line and column line
}

func (b *browser) clampOffset() {
	h := b.listHeight()
	if b.cursor < b.offset {
		b.offset = b.cursor
	}
	if b.cursor >= b.offset+h {
		b.offset = b.cursor - h + 1
	}
	if maxOff := max(len(b.view)-h, 0); b.offset > maxOff {
		b.offset = maxOff
	}
	if b.offset < 0 {
		b.offset = 0
	}
}

func (b *browser) move(delta int) {
	if len(b.view) == 0 {
		return
	}
	b.cursor = min(max(b.cursor+delta, 0), len(b.view)-1)
	b.detailTop = 0 // another configuration's details start at the top
	b.clampOffset()
}

// Update handles a message while the browser is the active screen.
func (b *browser) Update(msg tea.Msg) tea.Cmd {
	cmd := b.update(msg)
	b.updateKeys()
	// The detail pane follows the cursor: fetch the usage counters of a
	// Flashback configuration the first time it is shown.
	if c, ok := b.selected(); ok && b.detailOpen && c.IsRemote() {
		if _, have := b.stats[c.ID]; !have && !b.statsAsked[c.ID] {
			if b.statsAsked == nil {
				b.statsAsked = map[string]bool{}
			}
			b.statsAsked[c.ID] = true
			cmd = tea.Batch(cmd, func() tea.Msg { return detailShownMsg{item: c} })
		}
	}
	return cmd
}

func (b *browser) update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if b.filtering {
			var cmd tea.Cmd
			b.filter, cmd = b.filter.Update(msg)
			b.applyFilter()
			b.clampOffset()
			return cmd
		}
		return nil
	}

	if b.confirming != nil {
		switch {
		case key.Matches(kp, b.confirmKeys.Yes):
			c := *b.confirming
			b.confirming = nil
			return func() tea.Msg { return deleteConfigMsg{item: c} }
		case key.Matches(kp, b.confirmKeys.No):
			b.confirming = nil
		}
		return nil
	}

	// Keys that do not apply to the selected configuration are disabled
	// (the footer hides them); pressed anyway, they say why.
	if !b.filtering && pressedDisabled(kp, b.keys.Validate) {
		if c, ok := b.selected(); ok && !c.IsRemote() {
			return func() tea.Msg { return checkMsg{item: c, kind: checkValidate} } // App explains
		}
	}
	if !b.filtering && pressedDisabled(kp, b.keys.Exec) {
		if c, ok := b.selected(); ok && c.IsRemote() {
			return func() tea.Msg { return showExecMsg{item: c} } // App explains
		}
	}
	if !b.filtering && (pressedDisabled(kp, b.keys.Edit) || pressedDisabled(kp, b.keys.Delete) ||
		pressedDisabled(kp, b.keys.Test) || pressedDisabled(kp, b.keys.Validate)) {
		if c, ok := b.selected(); ok && c.IsRemote() {
			if role, ro := b.readOnly[c.WorkspaceID]; ro {
				text := fmt.Sprintf("Your role in %s is %s: testing, changing or deleting its configurations needs WRITE or ADMIN (x still troubleshoots).", c.WorkspaceName, role)
				return func() tea.Msg { return statusMsg{text: text, isErr: true} }
			}
		}
	}

	if b.filtering {
		switch {
		case key.Matches(kp, b.keys.Accept):
			b.filtering = false
			b.filter.Blur()
			return nil
		case key.Matches(kp, b.keys.ClearFilter):
			b.filtering = false
			b.filter.Blur()
			b.filter.SetValue("")
			b.applyFilter()
			b.clampOffset()
			return nil
		case key.Matches(kp, b.keys.Up):
			b.move(-1)
			return nil
		case key.Matches(kp, b.keys.Down):
			b.move(1)
			return nil
		}
		var cmd tea.Cmd
		b.filter, cmd = b.filter.Update(msg)
		b.applyFilter()
		b.clampOffset()
		return cmd
	}

	switch {
	case key.Matches(kp, b.keys.Up):
		b.move(-1)
	case key.Matches(kp, b.keys.Down):
		b.move(1)
	case key.Matches(kp, b.keys.PageUp):
		if page, _, cut := b.detailPage(); cut {
			b.detailTop = max(b.detailTop-page, 0)
			break
		}
		b.move(-b.listHeight())
	case key.Matches(kp, b.keys.PageDown):
		if page, lines, cut := b.detailPage(); cut {
			b.detailTop = min(b.detailTop+page, lines)
			break
		}
		b.move(b.listHeight())
	case key.Matches(kp, b.keys.Top):
		b.move(-len(b.view))
	case key.Matches(kp, b.keys.Bottom):
		b.move(len(b.view))
	case key.Matches(kp, b.keys.Details):
		b.detailOpen, b.detailTop = true, 0
	case key.Matches(kp, b.keys.Back):
		b.detailOpen, b.detailTop = false, 0
	case key.Matches(kp, b.keys.ClearFilter):
		b.filter.SetValue("")
		b.applyFilter()
		b.clampOffset()
	case key.Matches(kp, b.keys.Filter):
		b.filtering = true
		return b.filter.Focus()
	case key.Matches(kp, b.keys.Add):
		return func() tea.Msg { return openFormMsg{} }
	case key.Matches(kp, b.keys.Edit):
		if c, ok := b.selected(); ok {
			return func() tea.Msg { return openFormMsg{edit: &c} }
		}
	case key.Matches(kp, b.keys.Delete):
		if c, ok := b.selected(); ok {
			b.confirming = &c
		}
	case key.Matches(kp, b.keys.Copy):
		if c, ok := b.selected(); ok {
			return func() tea.Msg { return copyMsg{text: c.ID, what: "the id of " + quote(c.Name)} }
		}
	case key.Matches(kp, b.keys.Test), key.Matches(kp, b.keys.Validate), key.Matches(kp, b.keys.Troubleshoot):
		c, ok := b.selected()
		if !ok {
			break
		}
		kind := checkTest
		switch {
		case key.Matches(kp, b.keys.Validate):
			kind = checkValidate
		case key.Matches(kp, b.keys.Troubleshoot):
			kind = checkDoctor
		}
		return func() tea.Msg { return checkMsg{item: c, kind: kind} }
	case key.Matches(kp, b.keys.Exec):
		if c, ok := b.selected(); ok {
			return func() tea.Msg { return showExecMsg{item: c} }
		}
	case key.Matches(kp, b.keys.Import):
		return func() tea.Msg { return openImportMsg{} }
	case key.Matches(kp, b.keys.Workspace):
		return func() tea.Msg { return pickWorkspaceMsg{} }
	case key.Matches(kp, b.keys.Refresh):
		return func() tea.Msg { return refreshMsg{} }
	case key.Matches(kp, b.keys.Help):
		return func() tea.Msg { return toggleHelpMsg{} }
	case key.Matches(kp, b.keys.Quit):
		return func() tea.Msg { return quitMsg{} }
	case key.Matches(kp, b.keys.QuitHint):
		return func() tea.Msg { return statusMsg{text: notHere} }
	}
	return nil
}

// View renders the browser into width×height cells.
func (b *browser) View() string {
	st := b.styles
	if b.confirming != nil {
		return b.confirmView()
	}
	if b.detailOpen && b.width < detailSplitWidth {
		if c, ok := b.selected(); ok {
			return b.detailView(c, b.width, b.height)
		}
	}
	listW := b.width
	var detail string
	if b.detailOpen && b.width >= detailSplitWidth {
		if c, ok := b.selected(); ok {
			dw := min(48, b.width/2)
			listW = b.width - dw - 1
			detail = b.detailView(c, dw, b.height)
		}
	}

	var out strings.Builder
	out.WriteString(b.headerLine(listW))
	out.WriteByte('\n')
	cols := b.columns(listW)
	out.WriteString(st.Browser.Header.Render(ansi.Truncate(cols.header(), listW, "…")))
	h := b.listHeight()
	switch {
	case len(b.all) == 0:
		empty := "No configurations yet. Press a to add one."
		if b.keys.Import.Enabled() {
			empty = "No configurations yet. Press a to add one, or i to import the keys this machine keeps in clear."
		}
		out.WriteString("\n" + st.Browser.Empty.Render(wrapText(empty, listW)))
		h--
	case len(b.view) == 0:
		out.WriteString("\n" + st.Browser.Empty.Render(wrapText(fmt.Sprintf("No configuration matches %q. Press esc to clear the filter.", b.filter.Value()), listW)))
		h--
	}
	for i := b.offset; i < min(b.offset+h, len(b.view)); i++ {
		out.WriteByte('\n')
		out.WriteString(b.row(cols, b.all[b.view[i]], i == b.cursor))
	}
	list := out.String()
	if detail == "" {
		return list
	}
	left := lipgloss.NewStyle().Width(listW).Height(b.height).Render(list)
	return lipgloss.JoinHorizontal(lipgloss.Top, left, " ", detail)
}

func (b browser) headerLine(w int) string {
	st := b.styles
	if b.filtering {
		return b.filter.View()
	}
	title := st.App.Title.Render("Configurations")
	if b.scopeLabel != "" {
		title += st.Browser.Count.Render(" · " + b.scopeLabel)
	}
	count := fmt.Sprintf("%d", len(b.all))
	if len(b.view) != len(b.all) {
		count = fmt.Sprintf("%d of %d · filter %q", len(b.view), len(b.all), b.filter.Value())
	}
	if pos := b.position(); pos != "" && !b.rulerInStatus {
		count += " · " + pos
	}
	sep := " "
	if b.scopeLabel != "" {
		sep = " · " // "Production (ADMIN) · 8", not "(ADMIN) 8"
	}
	line := title + sep + st.Browser.Count.Render(count)
	if ansi.StringWidth(line) > w && b.scopeLabel != "" {
		// Narrow: the workspace and the count matter more than the word.
		line = st.App.Title.Render(b.scopeLabel) + sep + st.Browser.Count.Render(count)
	}
	return ansi.Truncate(line, w, "…")
}

// position is where the cursor is in the (filtered) list, "39/1000"; ""
// when nothing is listed. App shows it at the right of the status bar when
// there is room (rulerInStatus), else the header does: a cursor move that
// scrolls ends next to the status bar, so there it costs a few bytes where
// the header costs a jump to the top of the screen and a colour switch,
// about 22 bytes on every move over SSH.
func (b *browser) position() string {
	if len(b.view) == 0 || b.confirming != nil {
		return ""
	}
	return fmt.Sprintf("%d/%d", b.cursor+1, len(b.view))
}

// checkWord is the last check as a word (never colour alone).
func checkWord(chk *store.Check) string {
	if chk == nil {
		return "untested"
	}
	switch chk.Status {
	case "verified":
		return "✓ verified"
	case "verified_limited":
		return "✓ limited"
	case "unverified":
		return "? unverified"
	case "rate_limited":
		return "✗ rate-limit"
	case "provider_error":
		return "✗ provider"
	case "misconfigured":
		return "✗ misconfig"
	case "unreachable":
		return "✗ unreached" // "✗ unreachable" is one cell wider than the column
	}
	return "✗ " + chk.Status
}

// whereWord is where a configuration lives, for the list.
func whereWord(c session.Item) string {
	if c.IsRemote() {
		return c.WorkspaceName
	}
	return "local"
}

// pad right-pads s with spaces to width cells.
func pad(s string, width int) string {
	if w := ansi.StringWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// detailView shows every field of a configuration; credentials appear only
// as fingerprints. Flashback configurations add their repositories and
// usage counters.
func (b browser) detailView(c session.Item, w, h int) string {
	st := b.styles
	var rows [][2]string
	for _, f := range session.Details(c, b.backendLabel) {
		switch f.ID {
		case session.FactName:
			continue // the pane's title
		case session.FactWorkspace:
			f.Value += b.roleNote(c.WorkspaceID)
		case session.FactLastCheck:
			if session.NeverTested(f) {
				f.Value += " (t tests, x troubleshoots)"
			}
		}
		rows = append(rows, [2]string{f.Label, f.Value})
		if f.ID == session.FactRepos {
			rows = append(rows, [2]string{"Usage", b.usageLine(c.ID)})
		}
	}
	// A border costs four columns and two rows; small terminals go without.
	boxed := w >= 60 && h >= 16
	inner := w
	if boxed {
		inner = w - 4
	}
	const keyW = 12
	var out []string
	out = append(out, st.Browser.DetailTitle.Render(ansi.Truncate(c.Name, inner, "…")))
	for _, r := range rows {
		wrapped := strings.Split(ansi.Wrap(r[1], max(inner-keyW, 8), "/.-, "), "\n")
		for i, line := range wrapped {
			k := ""
			if i == 0 {
				k = r[0]
			}
			out = append(out, st.Browser.DetailKey.Render(pad(k, keyW))+st.Browser.DetailValue.Render(line))
		}
	}
	out = append(out, "", st.App.Subtle.Render(wrapText("Secrets are write-only: shown as fingerprints. e edits or rotates, d deletes, esc closes.", inner)))
	room := h
	if boxed {
		room = h - 2
	}
	body := strings.Join(b.detailWindow(out, room), "\n")
	if !boxed {
		return body
	}
	return st.Browser.Detail.Width(w).Render(body)
}

// detailWindow is the part of the detail pane's lines that fits room
// lines, from detailTop; a last line says when pgdn shows more.
func (b browser) detailWindow(out []string, room int) []string {
	room = max(room, 1)
	if len(out) <= room {
		return out
	}
	top := min(b.detailTop, len(out)-room+1)
	end := top + room - 1
	if end >= len(out) {
		return out[top:]
	}
	left := len(out) - end
	return append(out[top:end:end], b.styles.App.Muted.Render(fmt.Sprintf("↓ %d more line%s: pgdn", left, plural(left, "", "s"))))
}

// detailPage is how far pgdn/pgup move the detail pane, and whether it is
// cut at all (otherwise they page the list).
func (b *browser) detailPage() (page, lines int, cut bool) {
	c, ok := b.selected()
	if !b.detailOpen || !ok {
		return 0, 0, false
	}
	w, h := b.width, b.height
	if w >= detailSplitWidth {
		w = min(48, b.width/2)
	}
	saved := b.detailTop
	b.detailTop = 0
	full := b.detailView(c, w, 1<<16)
	b.detailTop = saved
	lines = strings.Count(full, "\n") + 1
	room := h
	if w >= 60 && h >= 16 {
		room, lines = h-2, lines-2
	}
	return max(room-2, 1), lines, lines > room
}

// roleNote says when the user can only read a workspace's configurations.
func (b browser) roleNote(wsID string) string {
	if role, ro := b.readOnly[wsID]; ro {
		return " · your role: " + role + ", read-only"
	}
	return ""
}

// usageLine summarises a Flashback configuration's counters.
func (b browser) usageLine(id string) string {
	s, ok := b.stats[id]
	if !ok {
		return "loading…"
	}
	return fmt.Sprintf("%d calls · %d tokens in · %d out · %d violations · %d alerts · %d blocks",
		s.APICalls, s.TokensIn, s.TokensOut, s.PolicyViolations, s.Alerts, s.Blocks)
}

func (b browser) backendLabelFor(c session.Item) string {
	if c.Local != nil && c.Local.SecretBackend != "" {
		return store.BackendLabel(c.Local.SecretBackend)
	}
	return b.backendLabel
}

// confirmView asks before deleting: the safe answer is the default.
func (b browser) confirmView() string {
	st := b.styles
	c := *b.confirming
	w := min(b.width, 60)
	inner := max(w-4, 10)
	what := fmt.Sprintf("Its secret is removed from the %s. This cannot be undone.", b.backendLabelFor(c))
	if c.IsRemote() {
		what = fmt.Sprintf("It is deleted from the Flashback workspace %s for everyone. This cannot be undone.", c.WorkspaceName)
		if len(c.Repos) > 0 {
			what += fmt.Sprintf(" %d repositor%s still use%s it: Flashback will refuse until it is detached.", len(c.Repos), plural(len(c.Repos), "y", "ies"), plural(len(c.Repos), "s", ""))
		}
	}
	body := st.Dialog.Danger.Render(wrapText(fmt.Sprintf("Delete %q?", c.Name), inner)) + "\n\n" +
		st.Dialog.Body.Render(wrapText(what, inner)) + "\n\n" +
		st.App.Key.Render("y") + st.Dialog.Body.Render(" delete   ") + st.App.Key.Render("n/esc") + st.Dialog.Body.Render(" keep it")
	box := st.Dialog.Box.Width(w).Render(body)
	return lipgloss.Place(b.width, b.height, lipgloss.Center, lipgloss.Center, box)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// wrapText wraps plain text to width cells.
func wrapText(s string, width int) string {
	return ansi.Wrap(s, max(width, 1), "")
}
