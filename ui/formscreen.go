package ui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fbllm/fbllm/forms"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
)

// Form intents, routed by App.
type (
	// submitConfigMsg carries a validated form to save.
	submitConfigMsg struct{ req saveRequest }
	// testDraftMsg asks App to test the form's values before saving.
	testDraftMsg struct{ req saveRequest }
	// cancelFormMsg means the user left the form without saving.
	cancelFormMsg struct{}
)

// formScreen embeds the huh configuration form. It adds what huh does not
// know about: a live hint under the focused field (normalised endpoint,
// received secret length, what will be stripped from a paste), an error
// banner when a save fails, and rebuilding the form with every typed value
// kept, so an error never costs the user their input.
type formScreen struct {
	cf      *forms.ConfigForm
	editing *session.Item
	dest    session.Destination
	banner  string
	saving  bool
	working string // what runs while saving is true
	spinner spinner.Model
	// noTimers: see App.noTimers.
	noTimers bool
	keys     formKeyMap
	styles   *Styles
	width    int
	height   int
	// reviewTop is the first line of the review shown when it does not
	// fit (pgdn/pgup scroll it).
	reviewTop int
	// initial is the draft as the form opened, so leaving can tell typed
	// input from none; leaving is true while "discard?" is asked.
	initial   input.Draft
	leaving   bool
	leaveKeys leaveKeyMap
}

func newFormScreen(st *Styles, d *input.Draft, editing *session.Item, dest session.Destination) (formScreen, tea.Cmd) {
	f := formScreen{editing: editing, dest: dest, keys: defaultFormKeyMap(), styles: st,
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)), initial: *d, leaveKeys: defaultLeaveKeyMap()}
	cmd := f.build(d)
	return f, cmd
}

// build (re)creates the huh form over the draft.
func (f *formScreen) build(d *input.Draft) tea.Cmd {
	f.cf = forms.NewConfigForm(d)
	f.cf.Form.WithTheme(f.styles.HuhTheme()).WithKeyMap(formHuhKeyMap())
	cmd := f.cf.Form.Init()
	f.resize()
	return tea.Batch(cmd, func() tea.Msg { return tea.BackgroundColorMsg{Color: darkOrLight(f.styles.IsDark)} })
}

func (f *formScreen) setSize(w, h int) {
	f.width, f.height = w, h
	f.resize()
}

// resize tells the form how much room it has: the screen minus the title
// line and two lines for the live hint. huh pads every page to the tallest
// one; View trims that padding so the hint sits right under the field.
func (f *formScreen) resize() {
	if f.cf == nil || f.width == 0 {
		return
	}
	f.cf.SetWidth(f.width)
	m, _ := f.cf.Form.Update(tea.WindowSizeMsg{Width: f.width, Height: max(f.height-3, 4)})
	if hf, ok := m.(*huh.Form); ok {
		f.cf.Form = hf
	}
}

func (f *formScreen) keyMap() help.KeyMap {
	if f.leaving {
		return f.leaveKeys
	}
	return f.keys
}

// dirty reports whether the user typed or chose anything since the form
// opened.
func (f *formScreen) dirty() bool {
	d, i := f.cf.Draft, f.initial
	return d.Type != i.Type || d.Name != i.Name || d.Endpoint != i.Endpoint || d.Key != i.Key || d.Secret != i.Secret
}

func (f *formScreen) setStyles(st *Styles) {
	f.styles = st
	if f.cf != nil {
		f.cf.Form.WithTheme(st.HuhTheme())
	}
}

// jumpTo rebuilds the form and moves forward to the page of field, so the
// user lands on what needs fixing (or, stepping back, on the question
// before) with every value kept and no error left over.
func (f *formScreen) jumpTo(field string) tea.Cmd {
	cmd := f.build(f.cf.Draft)
	for _, k := range f.cf.Steps() {
		if f.cf.Focused() == field || k == field {
			break
		}
		if next := f.cf.Form.NextGroup(); next != nil {
			_, c := f.cf.Form.Update(next())
			cmd = tea.Batch(cmd, c)
		}
	}
	// huh works out a field's title and description (TitleFunc) only when
	// its page gets a message; one now labels the page at once.
	_, c := f.cf.Form.Update(formJumpedMsg{})
	return tea.Batch(cmd, c)
}

// formJumpedMsg is handed to the form after a jump so its page works out
// its dynamic titles.
type formJumpedMsg struct{}

func (f formScreen) tick() tea.Cmd {
	if f.noTimers {
		return nil
	}
	return f.spinner.Tick
}

// resume returns to the review step after a test or a cancelled save,
// with a banner saying what happened.
func (f *formScreen) resume(banner string) tea.Cmd {
	f.saving = false
	f.banner = banner
	f.cf.Draft.Action = input.ActionSave
	return f.jumpTo(input.FieldConfirm)
}

// saveFailed shows why a save failed and puts the user back where they can
// fix it, with everything they typed still there.
func (f *formScreen) saveFailed(err error) tea.Cmd {
	f.saving = false
	f.banner = errorText("Could not save: ", err)
	field := input.FieldConfirm
	if e := session.Explain(err); e.Code == "config.duplicate_name" {
		field = e.Field
	}
	return f.jumpTo(field)
}

// Update handles a message while the form is the active screen.
func (f *formScreen) Update(msg tea.Msg) tea.Cmd {
	if f.saving {
		if _, ok := msg.(spinner.TickMsg); ok && f.saving {
			var cmd tea.Cmd
			f.spinner, cmd = f.spinner.Update(msg)
			return cmd
		}
		return nil // keys are ignored while the save runs
	}
	if _, ok := msg.(tea.WindowSizeMsg); ok {
		return nil // App calls setSize; the form gets its share in resize
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok && f.leaving {
		switch {
		case key.Matches(kp, f.leaveKeys.Yes):
			f.leaving = false
			return func() tea.Msg { return cancelFormMsg{} }
		case key.Matches(kp, f.leaveKeys.No):
			f.leaving = false
		}
		return nil
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		f.banner = ""
		if f.cf.Focused() == input.FieldConfirm {
			switch {
			case key.Matches(kp, f.keys.ReviewDown):
				f.reviewTop += f.reviewPage()
				f.updateKeys()
				return nil
			case key.Matches(kp, f.keys.ReviewUp):
				f.reviewTop = max(f.reviewTop-f.reviewPage(), 0)
				f.updateKeys()
				return nil
			}
		}
		if key.Matches(kp, f.keys.Back) {
			// Back is ours, not huh's: a page with a validation error
			// must not keep the user (see forms.ConfigForm).
			prev := f.cf.PrevStep()
			if prev == "" && f.dirty() {
				f.leaving = true // typed input is not thrown away on one key
				return nil
			}
			if prev == "" {
				return func() tea.Msg { return cancelFormMsg{} }
			}
			return f.jumpTo(prev)
		}
	}
	m, cmd := f.cf.Form.Update(msg)
	if hf, ok := m.(*huh.Form); ok {
		f.cf.Form = hf
	}
	if _, ok := msg.(tea.PasteMsg); ok && f.cf.Focused() == input.FieldEndpoint {
		cmd = tea.Batch(cmd, f.cf.TakeKeyFromEndpoint())
	}
	cmd = tea.Batch(cmd, f.cf.Sync())

	f.updateKeys()

	switch f.cf.Form.State {
	case huh.StateCompleted:
		d := f.cf.Draft
		if d.Action == input.ActionBack { // start over, values kept
			return tea.Batch(cmd, f.build(d))
		}
		res, err := d.Result()
		if err != nil {
			f.banner = err.Error()
			field := input.FieldConfirm
			var ie *input.InputError
			if errors.As(err, &ie) && ie.Field != "" {
				field = ie.Field
			}
			return tea.Batch(cmd, f.jumpTo(field))
		}
		req := newSaveRequest(res, f.editing, f.dest)
		if d.Action == input.ActionTest {
			// The form stays as it is; App shows the result and brings the
			// user back to the review step (or to the field to fix).
			f.saving = true
			f.working = "Testing the connection…"
			return tea.Batch(cmd, f.tick(), func() tea.Msg { return testDraftMsg{req: req} })
		}
		f.saving = true
		f.working = "Saving…"
		return tea.Batch(cmd, f.tick(), func() tea.Msg { return submitConfigMsg{req: req} })
	case huh.StateAborted:
		return func() tea.Msg { return cancelFormMsg{} }
	}
	return cmd
}

// View renders the form with its title, live hint and banner. On the last
// step it draws the review above the confirmation, cut to fit the screen.
func (f *formScreen) View() string {
	st := f.styles
	if f.leaving {
		return f.leaveView()
	}
	parts := f.heading()
	form := trimBlankTail(f.cf.Form.View())
	if f.cf.Focused() == input.FieldConfirm {
		review, top, more := f.reviewWindow(f.reviewUsed(parts, form))
		head := st.Dialog.Title.Render("Review") + st.App.Muted.Render(" · nothing is saved until you choose Save")
		if more > 0 || top > 0 {
			head = st.Dialog.Title.Render("Review") + st.App.Muted.Render(fmt.Sprintf(" · lines %d–%d of %d · pgdn/pgup", top+1, top+len(review), top+len(review)+more))
		}
		parts = append(parts, ansi.Truncate(head, f.width, "…"), st.Form.Review.Render(strings.Join(review, "\n")))
	}
	parts = append(parts, form)
	if f.saving {
		parts = append(parts, f.spinner.View()+" "+st.App.Muted.Render(f.working+" (esc cancels)"))
	} else if hint := f.cf.Draft.LiveHint(f.cf.Focused()); hint != "" {
		style := st.Form.Hint
		if strings.Contains(hint, "✗") {
			style = st.Form.HintError
		}
		parts = append(parts, style.Render(wrapText(hint, f.width)))
	}
	return strings.Join(parts, "\n")
}

// leaveView asks before discarding typed input; the safe answer is the
// default.
func (f *formScreen) leaveView() string {
	st := f.styles
	w := min(f.width, 60)
	inner := max(w-4, 10)
	what := "What you typed is not saved anywhere and will be lost."
	if f.editing != nil {
		what = "Your changes to " + quote(f.editing.Name) + " are not saved and will be lost; the stored configuration stays as it is."
	}
	title := "Discard this configuration?"
	if f.editing != nil {
		title = "Discard your changes?"
	}
	body := st.Dialog.Danger.Render(wrapText(title, inner)) + "\n\n" +
		st.Dialog.Body.Render(wrapText(what, inner)) + "\n\n" +
		st.App.Key.Render("y") + st.Dialog.Body.Render(" discard   ") + st.App.Key.Render("n/esc") + st.Dialog.Body.Render(" keep editing")
	box := st.Dialog.Box.Width(w).Render(body)
	return lipgloss.Place(f.width, f.height, lipgloss.Center, lipgloss.Center, box)
}

// heading is the title, which says where the configuration goes before
// any secret is typed (setup said it too, but `a` from the browser skips
// setup), and the banner when there is one.
func (f *formScreen) heading() []string {
	st := f.styles
	where := "this machine"
	if f.dest.Store == session.StoreFlashback {
		where = "Flashback · " + f.dest.Workspace.Name
	}
	title := "New AI LLM configuration → " + where
	if f.editing != nil {
		title = "Edit “" + f.editing.Name + "” → " + where
	}
	if ansi.StringWidth(title) > f.width && f.editing == nil {
		title = "New → " + where // where it goes matters more than the words
	}
	parts := []string{st.App.Title.Render(ansi.Truncate(title, f.width, "…"))}
	if f.banner != "" {
		if strings.HasPrefix(f.banner, "✓") {
			parts = append(parts, st.App.Success.Render(wrapText(f.banner, f.width)))
		} else {
			parts = append(parts, st.Form.Banner.Render(wrapText("✗ "+f.banner, f.width)))
		}
	}
	return parts
}

// reviewUsed is the lines the review step takes besides the review: the
// heading, the review's own title, the form and, while saving, the
// spinner.
func (f *formScreen) reviewUsed(heading []string, form string) int {
	n := countLines(heading) + 1 + strings.Count(form, "\n") + 1
	if f.saving {
		n++
	}
	return n
}

// reviewPage is how far pgdn/pgup move the review: a page, less a line
// kept for context.
func (f *formScreen) reviewPage() int {
	return max(f.reviewRoom(f.reviewUsed(f.heading(), trimBlankTail(f.cf.Form.View())))-1, 1)
}

// reviewLines is the review wrapped to the screen.
func (f *formScreen) reviewLines() []string {
	return strings.Split(strings.TrimRight(wrapText(f.cf.Draft.Review(), f.width), "\n"), "\n")
}

// reviewRoom is how many review lines fit beside used other lines.
func (f *formScreen) reviewRoom(used int) int { return max(f.height-used, 1) }

// reviewWindow is the part of the review that fits, from reviewTop, with
// how many lines are left below it.
func (f *formScreen) reviewWindow(used int) (lines []string, top, more int) {
	all := f.reviewLines()
	room := f.reviewRoom(used)
	top = min(f.reviewTop, max(len(all)-room, 0))
	end := min(top+room, len(all))
	return all[top:end], top, len(all) - end
}

// updateKeys offers the review's scroll keys only when it does not fit.
func (f *formScreen) updateKeys() {
	onReview := f.cf != nil && f.cf.Focused() == input.FieldConfirm
	if !onReview {
		f.reviewTop = 0
		f.keys.ReviewDown.SetEnabled(false)
		f.keys.ReviewUp.SetEnabled(false)
		return
	}
	_, top, more := f.reviewWindow(f.reviewUsed(f.heading(), trimBlankTail(f.cf.Form.View())))
	f.reviewTop = top
	f.keys.ReviewDown.SetEnabled(more > 0)
	f.keys.ReviewUp.SetEnabled(top > 0)
}

// trimBlankTail removes the blank lines huh pads a page with.
func trimBlankTail(s string) string {
	lines := strings.Split(s, "\n")
	for len(lines) > 1 && strings.TrimSpace(ansi.Strip(lines[len(lines)-1])) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

func countLines(parts []string) int {
	n := 0
	for _, p := range parts {
		n += strings.Count(p, "\n") + 1
	}
	return n
}
