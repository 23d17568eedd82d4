package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fbllm/fbllm/client"
)

// chooseWorkspaceMsg is the picker's intent: make w current, or (all) show
// every reachable workspace.
type chooseWorkspaceMsg struct {
	workspace client.Workspace
	all       bool
}

// cancelPickerMsg leaves the picker unchanged.
type cancelPickerMsg struct{}

// workspacePicker lists the reachable workspaces with the user's role in
// each; the first entry shows all of them at once.
type workspacePicker struct {
	workspaces []client.Workspace
	current    string
	cursor     int // 0 = all workspaces, i+1 = workspaces[i]
	keys       pickerKeyMap
	styles     *Styles
	width      int
	height     int
}

func newWorkspacePicker(st *Styles, wss []client.Workspace, current string) workspacePicker {
	p := workspacePicker{workspaces: wss, current: current, styles: st, keys: defaultPickerKeyMap()}
	p.cursor = 1
	for i, w := range wss {
		if w.ID == current {
			p.cursor = i + 1
		}
	}
	if len(wss) == 0 {
		p.cursor = 0
	}
	return p
}

func (p *workspacePicker) setSize(w, h int)     { p.width, p.height = w, h }
func (p *workspacePicker) setStyles(st *Styles) { p.styles = st }
func (p *workspacePicker) keyMap() help.KeyMap  { return p.keys }

func (p *workspacePicker) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(kp, p.keys.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(kp, p.keys.Down):
		p.cursor = min(p.cursor+1, len(p.workspaces))
	case key.Matches(kp, p.keys.Choose):
		if p.cursor == 0 {
			return func() tea.Msg { return chooseWorkspaceMsg{all: true} }
		}
		w := p.workspaces[p.cursor-1]
		return func() tea.Msg { return chooseWorkspaceMsg{workspace: w} }
	case key.Matches(kp, p.keys.Cancel):
		return func() tea.Msg { return cancelPickerMsg{} }
	case key.Matches(kp, p.keys.QuitHint):
		return func() tea.Msg { return statusMsg{text: notHere} }
	}
	return nil
}

func (p *workspacePicker) View() string {
	st := p.styles
	w := max(p.width, 20)
	var b strings.Builder
	b.WriteString(st.App.Title.Render("Choose a workspace") + "\n")
	if p.height >= 16 {
		b.WriteString(st.App.Muted.Render(wrapText("New configurations go to the current workspace. Your role decides what you can change.", w)) + "\n")
	}
	b.WriteString("\n")
	line := func(i int, title, note string) {
		marker := "  "
		style := st.Setup.Option
		if i == p.cursor {
			marker, style = st.Browser.Cursor.Render("›")+" ", st.Setup.Selected
		}
		// A line never wraps: the note gives way first.
		b.WriteString(ansi.Truncate(marker+style.Render(title)+st.App.Muted.Render(note), w, "…") + "\n")
	}
	all := "  (browse everything you can reach)"
	if w < 52 {
		all = "  (browse everything)"
	}
	line(0, "All workspaces", all)
	for i, ws := range p.workspaces {
		note := fmt.Sprintf("  %s", strings.ToUpper(ws.Role.String()))
		if !ws.Role.CanWrite() {
			note += " · read-only"
		}
		if ws.ID == p.current {
			note += " · current"
		}
		line(i+1, ws.Name, note)
	}
	return b.String()
}
