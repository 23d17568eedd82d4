package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/keyscan"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/toolenv"
)

// Import checklist intents, routed by App.
type (
	// openImportMsg asks App for the checklist of keys found in clear (the
	// browser's i, the first-run setup's offer).
	openImportMsg struct{}
	// testCandidateMsg asks App to test the key of a row before import.
	testCandidateMsg struct{ row int }
	// importKeysMsg asks App to store the keys of the selected rows.
	importKeysMsg struct{ rows []int }
	// closeImportMsg leaves the checklist.
	closeImportMsg struct{}
)

// importPhase is where the checklist is: looking, listing, or showing
// what was imported.
type importPhase int

const (
	importScanning importPhase = iota
	importListing
	importDone
)

func (p importPhase) String() string {
	return [...]string{"scanning", "listing", "done"}[p]
}

// probeState is a row's test: idle → probing → ok | failed.
type probeState int

const (
	probeIdle probeState = iota
	probeRunning
	probeOK
	probeFailed
)

func (s probeState) String() string {
	return [...]string{"idle", "probing", "ok", "failed"}[s]
}

// importLine is what the checklist shows of one key found: where, its
// type and fingerprint, and what import does with it. Never its value:
// the credentials stay in App's import state, which no view reads.
type importLine struct {
	name        string // the configuration it becomes (ImportNew)
	action      session.ImportAction
	reason      string // why it is skipped
	aiType      string
	fingerprint string
	// endpoint and region are where the key was found to point, "" for
	// the type's default.
	endpoint, region string
	sources          []string
	selected         bool
	probe            probeState
	verdict          string // the test's outcome, in words
}

func newImportLine(r session.ImportRow) importLine {
	l := importLine{name: r.Name, action: r.Action, reason: r.Reason, aiType: string(r.Candidate.Type),
		fingerprint: r.Candidate.Fingerprint, endpoint: r.Candidate.Endpoint, region: r.Candidate.Region,
		selected: r.Action == session.ImportNew}
	for _, loc := range r.Candidate.Locations {
		l.sources = append(l.sources, loc.Source)
	}
	return l
}

// importScreen is the checklist of provider keys this machine keeps in
// clear: space selects, t tests one before it is stored, enter stores the
// selected ones; then it says where the plaintext copies remain and the
// fbllm exec line that replaces each.
type importScreen struct {
	phase    importPhase
	found    string // "Found 3 keys: 2 in your environment, …"
	lines    []importLine
	problems []string
	failed   string // the scan itself failed
	cursor   int
	offset   int // first row shown

	// The done phase: what became of each selected row, in a viewport.
	outcomes  []importOutcome
	where     string // the keyring the keys went to
	summary   viewport.Model
	doneTitle string // "Imported 2 of 3 keys"
	commands  string // the exec lines c copies

	keys   importKeyMap
	styles *Styles
	width  int
	height int
}

func newImportScreen(st *Styles, w, h int) importScreen {
	s := importScreen{styles: st, keys: defaultImportKeyMap(), summary: viewport.New()}
	s.setSize(w, h)
	s.updateKeys()
	return s
}

// setPlan lists a scan's result.
func (s *importScreen) setPlan(p session.ImportPlan) {
	s.phase, s.cursor, s.offset = importListing, 0, 0
	s.found = foundSentence(p.Rows)
	s.lines = make([]importLine, len(p.Rows))
	for i, r := range p.Rows {
		s.lines[i] = newImportLine(r)
	}
	s.problems = nil
	for _, pr := range p.Problems {
		s.problems = append(s.problems, pr.String())
	}
	s.updateKeys()
}

// scanFailed shows why nothing could be listed.
func (s *importScreen) scanFailed(text string) {
	s.phase, s.failed = importListing, text
	s.updateKeys()
}

// setProbe records a row's test.
func (s *importScreen) setProbe(row int, st probeState, verdict string) {
	if row >= 0 && row < len(s.lines) {
		s.lines[row].probe, s.lines[row].verdict = st, verdict
	}
	s.clampOffset()
}

// importOutcome is what became of one selected row.
type importOutcome struct {
	row  int
	item session.Item
	err  string // the error in words, "" when stored
}

// showSummary switches to what was imported, where the plaintext copies
// remain, and the command line that replaces each; where names the keyring.
func (s *importScreen) showSummary(outcomes []importOutcome, where string) {
	s.phase, s.outcomes, s.where = importDone, outcomes, where
	stored := 0
	var cmds []string
	for _, o := range outcomes {
		if o.err == "" {
			stored++
			cmds = append(cmds, toolenv.CommandLine(o.item.Name))
		}
	}
	s.doneTitle = fmt.Sprintf("Imported %d of %d key%s", stored, len(outcomes), plural(len(outcomes), "", "s"))
	s.commands = strings.Join(cmds, "\n")
	s.summary.SetContent(s.summaryBody(s.width))
	s.summary.GotoTop()
	s.updateKeys()
}

// summaryBody is the done phase's text, wrapped to w.
func (s *importScreen) summaryBody(w int) string {
	st := s.styles
	w = max(w, 20)
	var b strings.Builder
	if s.commands != "" {
		b.WriteString(st.App.Muted.Render(wrapText("Stored in the "+s.where+":", w)) + "\n")
	}
	for _, o := range s.outcomes {
		if o.err != "" {
			b.WriteString(st.App.Error.Render(indentWrap("✗ ", s.lines[o.row].name+": "+o.err, w)) + "\n")
			continue
		}
		b.WriteString(st.App.Success.Render(indentWrap("✓ ", fmt.Sprintf("%s (%s, %s)", quote(o.item.Name), o.item.AIType, o.item.SecretFingerprint), w)) + "\n")
	}
	if s.commands != "" {
		b.WriteString("\n" + st.Dialog.Body.Render(wrapText("The plaintext copies are still where they were: fbllm never edits them. Remove each one, then start the tool with the line below it:", w)) + "\n")
	}
	for _, o := range s.outcomes {
		if o.err != "" {
			continue
		}
		cmd := toolenv.CommandLine(o.item.Name)
		for _, src := range s.lines[o.row].sources {
			b.WriteString("\n" + st.App.Muted.Render(indentWrap("  ", src, w)) + "\n")
			b.WriteString(st.App.Key.Render(indentWrap("    ", cmd+"…", w)) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func (s *importScreen) setSize(w, h int) {
	s.width, s.height = w, h
	s.summary.SetWidth(w)
	s.summary.SetHeight(max(h-1, 1))
	if s.phase == importDone {
		s.summary.SetContent(s.summaryBody(w))
	}
	s.clampOffset()
}

func (s *importScreen) setStyles(st *Styles) {
	s.styles = st
	if s.phase == importDone {
		s.summary.SetContent(s.summaryBody(s.width))
	}
}
func (s *importScreen) keyMap() help.KeyMap { return s.keys }

// current is the highlighted row.
func (s *importScreen) current() (importLine, bool) {
	if s.phase != importListing || s.cursor < 0 || s.cursor >= len(s.lines) {
		return importLine{}, false
	}
	return s.lines[s.cursor], true
}

func (s *importScreen) selectedRows() []int {
	var rows []int
	for i, l := range s.lines {
		if l.selected {
			rows = append(rows, i)
		}
	}
	return rows
}

// updateKeys enables only the keys that apply to the highlighted row.
func (s *importScreen) updateKeys() {
	k := &s.keys
	listing := s.phase == importListing
	cur, ok := s.current()
	importable := ok && cur.action == session.ImportNew
	k.Up.SetEnabled((listing && len(s.lines) > 1) || s.phase == importDone)
	k.Down.SetEnabled(k.Up.Enabled())
	k.Toggle.SetEnabled(importable)
	k.Test.SetEnabled(importable)
	k.Import.SetEnabled(listing && len(s.selectedRows()) > 0)
	k.Close.SetEnabled(s.phase != importDone)
	k.Copy.SetEnabled(s.phase == importDone && s.commands != "")
	k.Done.SetEnabled(s.phase == importDone)
}

// Update handles a message while the checklist is the active screen.
func (s *importScreen) Update(msg tea.Msg) tea.Cmd {
	cmd := s.update(msg)
	s.updateKeys()
	return cmd
}

func (s *importScreen) update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if s.phase == importDone {
		switch {
		case key.Matches(kp, s.keys.Done):
			return func() tea.Msg { return closeImportMsg{} }
		case key.Matches(kp, s.keys.Copy):
			text := s.commands
			return func() tea.Msg { return copyMsg{text: text, what: "the fbllm exec lines"} }
		case key.Matches(kp, s.keys.QuitHint):
			return func() tea.Msg { return statusMsg{text: notHere} }
		}
		var cmd tea.Cmd
		s.summary, cmd = s.summary.Update(msg)
		return cmd
	}
	// Keys that do not apply to the highlighted row say why.
	if cur, ok := s.current(); ok && (pressedDisabled(kp, s.keys.Toggle) || pressedDisabled(kp, s.keys.Test)) {
		text := "fbllm already holds this key: test it from the list."
		if cur.action == session.ImportSkip {
			text = "This key cannot be imported: " + cur.reason + "."
		}
		return func() tea.Msg { return statusMsg{text: text} }
	}
	switch {
	case key.Matches(kp, s.keys.Close):
		return func() tea.Msg { return closeImportMsg{} }
	case key.Matches(kp, s.keys.Up):
		s.cursor = max(s.cursor-1, 0)
		s.clampOffset()
	case key.Matches(kp, s.keys.Down):
		s.cursor = min(s.cursor+1, max(len(s.lines)-1, 0))
		s.clampOffset()
	case key.Matches(kp, s.keys.Toggle):
		s.lines[s.cursor].selected = !s.lines[s.cursor].selected
	case key.Matches(kp, s.keys.Test):
		row := s.cursor
		return func() tea.Msg { return testCandidateMsg{row: row} }
	case key.Matches(kp, s.keys.Import):
		rows := s.selectedRows()
		return func() tea.Msg { return importKeysMsg{rows: rows} }
	case key.Matches(kp, s.keys.QuitHint):
		return func() tea.Msg { return statusMsg{text: notHere} }
	case pressedDisabled(kp, s.keys.Import) && s.phase == importListing && len(s.lines) > 0:
		return func() tea.Msg { return statusMsg{text: "Nothing selected: space selects a key to import."} }
	}
	return nil
}

// compact: on small terminals the checklist drops the found sentence.
func (s *importScreen) compact() bool { return s.height < 16 }

// header is the lines above the rows.
func (s *importScreen) header() []string {
	st := s.styles
	w := max(s.width, 20)
	title := "Import keys found in clear"
	if s.width < 60 {
		title = "Import keys"
	}
	var out []string
	head := st.App.Title.Render(title)
	if s.phase == importListing && len(s.lines) > 0 {
		head += st.Browser.Count.Render(fmt.Sprintf(" · %d of %d selected", len(s.selectedRows()), len(s.lines)))
	}
	out = append(out, truncateLine(head, s.width))
	if s.phase == importListing && len(s.lines) > 0 && !s.compact() {
		text := s.found + " fbllm never changes those files."
		if s.found == "" {
			text = "Nothing new to import: fbllm holds these keys already, or cannot keep them."
		}
		out = append(out, strings.Split(st.App.Subtitle.Render(wrapText(text, w)), "\n")...)
	}
	if len(s.problems) > 0 {
		text := fmt.Sprintf("! %d file%s could not be read: %s", len(s.problems), plural(len(s.problems), "", "s"), s.problems[0])
		out = append(out, truncateLine(st.App.Warning.Render(text), s.width))
	}
	return out
}

// rowLines draws one row: checkbox and name, type and fingerprint, where
// it was found, and the reason or the test's outcome.
func (s *importScreen) rowLines(i int) []string {
	st := s.styles
	l := s.lines[i]
	w := max(s.width, 20)
	marker := "  "
	if i == s.cursor {
		marker = st.Browser.Cursor.Render("›") + " "
	}
	var title string
	switch l.action {
	case session.ImportHeld:
		title = st.Setup.Disabled.Render("[-] already held by fbllm")
	case session.ImportSkip:
		title = st.Setup.Disabled.Render("[-] not importable")
	default:
		box := "[ ] "
		if l.selected {
			box = "[x] "
		}
		name := st.Setup.Option
		if i == s.cursor {
			name = st.Setup.Selected
		}
		title = box + name.Render(l.name)
	}
	out := []string{truncateLine(marker+title, s.width)}
	const indent = "      "
	what := l.aiType + " · " + l.fingerprint
	if l.region != "" {
		what += " · " + l.region
	}
	out = append(out, truncateLine(indent+st.Browser.Type.Render(what), s.width))
	if l.endpoint != "" {
		out = append(out, strings.Split(st.Browser.Endpoint.Render(indentWrap(indent+"at ", l.endpoint, w)), "\n")...)
	}
	for _, src := range l.sources {
		out = append(out, strings.Split(st.App.Muted.Render(indentWrap(indent, src, w)), "\n")...)
	}
	var note string
	switch {
	case l.action == session.ImportSkip:
		note = st.App.Warning.Render(indentWrap(indent+"! ", l.reason, w))
	case l.probe == probeRunning:
		note = st.App.Muted.Render(indent + "… testing")
	case l.probe == probeOK:
		note = st.App.Success.Render(indentWrap(indent+"✓ ", l.verdict, w))
	case l.probe == probeFailed:
		note = st.App.Error.Render(indentWrap(indent+"✗ ", l.verdict, w))
	}
	if note != "" {
		out = append(out, strings.Split(note, "\n")...)
	}
	return out
}

// listRoom is how many lines the rows have.
func (s *importScreen) listRoom() int {
	return max(s.height-len(s.header()), 1)
}

// clampOffset keeps the highlighted row on screen: rows are of different
// heights, so the first row shown moves until the cursor's row fits.
func (s *importScreen) clampOffset() {
	if s.styles == nil || len(s.lines) == 0 || s.phase != importListing {
		return
	}
	s.offset = min(s.offset, s.cursor)
	room := s.listRoom()
	for s.offset < s.cursor {
		used := 0
		for i := s.offset; i <= s.cursor; i++ {
			used += len(s.rowLines(i))
		}
		if s.cursor < len(s.lines)-1 {
			used++ // the "more below" line
		}
		if used <= room {
			break
		}
		s.offset++
	}
}

// View renders the checklist into width×height cells.
func (s *importScreen) View() string {
	st := s.styles
	w := max(s.width, 20)
	if s.phase == importDone {
		head := st.App.Title.Render(s.doneTitle)
		if !s.summary.AtBottom() {
			head = st.App.Muted.Render("↓ ") + head
		}
		return truncateLine(head, s.width) + "\n" + s.summary.View()
	}
	out := s.header()
	switch {
	case s.phase == importScanning:
		out = append(out, st.App.Muted.Render(wrapText("Looking for provider keys in the environment, .env files, ~/.aws and other AI tools' files…", w)))
		return strings.Join(out, "\n")
	case s.failed != "":
		out = append(out, st.App.Error.Render(wrapText("✗ "+s.failed, w)))
		return strings.Join(out, "\n")
	case len(s.lines) == 0:
		out = append(out, st.Browser.Empty.Render(wrapText("No provider keys found in clear on this machine: nothing to import.", w)))
		return strings.Join(out, "\n")
	}
	room := s.listRoom()
	var rows []string
	last := s.offset - 1
	for i := s.offset; i < len(s.lines); i++ {
		rl := s.rowLines(i)
		reserve := 0
		if i < len(s.lines)-1 {
			reserve = 1
		}
		if len(rows)+len(rl)+reserve > room && i > s.offset {
			// What fits of the next row, so a tall one does not leave
			// the rest of the screen blank; it still counts as more.
			rows = append(rows, rl[:max(min(room-len(rows)-1, len(rl)), 0)]...)
			break
		}
		rows = append(rows, rl...)
		last = i
	}
	if left := len(s.lines) - 1 - last; left > 0 {
		rows = append(rows, st.App.Muted.Render(fmt.Sprintf("↓ %d more", left)))
	}
	return strings.Join(append(out, rows...), "\n")
}

// foundSentence says how many keys can be imported and where they were
// found first: "Found 3 keys: 2 in your environment, 1 in
// ~/.config/io.datasette.llm/keys.json." Keys fbllm holds, or cannot
// keep, are not counted; "" when there is nothing to import.
func foundSentence(rows []session.ImportRow) string {
	type place struct {
		where string
		n     int
	}
	var places []place
	total := 0
	for _, r := range rows {
		if r.Action != session.ImportNew || len(r.Candidate.Locations) == 0 {
			continue
		}
		total++
		loc := r.Candidate.Locations[0]
		where := loc.Path
		if loc.Kind == keyscan.KindEnv || where == "" {
			where = "your environment"
		}
		found := false
		for i := range places {
			if places[i].where == where {
				places[i].n++
				found = true
			}
		}
		if !found {
			places = append(places, place{where, 1})
		}
	}
	switch {
	case total == 0:
		return ""
	case len(places) == 1:
		return fmt.Sprintf("Found %d key%s in %s.", total, plural(total, "", "s"), places[0].where)
	}
	const shown = 2 // the sentence stays short enough for 40 columns
	parts := make([]string, 0, shown+1)
	rest := 0
	for i, p := range places {
		if i >= shown {
			rest += p.n
			continue
		}
		parts = append(parts, fmt.Sprintf("%d in %s", p.n, p.where))
	}
	if rest > 0 {
		parts = append(parts, fmt.Sprintf("%d elsewhere", rest))
	}
	return fmt.Sprintf("Found %d keys: %s.", total, strings.Join(parts, ", "))
}
