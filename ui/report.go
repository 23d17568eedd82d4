package ui

import (
	"fmt"
	"regexp"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/session"
)

// Troubleshooting panel intents, routed by App.
type (
	// fixFieldMsg asks App to open the form on the field that needs fixing.
	fixFieldMsg struct {
		item  session.Item
		field string
	}
	// rerunMsg asks App to run the same check again.
	rerunMsg struct{}
	// closeReportMsg leaves the panel; saveAnywayMsg (opened from the
	// form's "test connection now") saves the draft despite the result.
	closeReportMsg struct{}
	saveAnywayMsg  struct{}
)

// reportPanel is the troubleshooting panel: the layered checks as a
// checklist with timings, then each diagnosis as a card with numbered
// steps and evidence. Every string in a report is already redacted by
// package diagnose; the panel adds nothing from outside it.
type reportPanel struct {
	report   diagnose.Report
	item     session.Item
	kind     checkKind
	fromForm bool // opened by the form's "test connection now"
	keys     reportKeyMap
	scrollBody
}

func newReportPanel(st *Styles, r diagnose.Report, it session.Item, kind checkKind, fromForm bool, w, h int) reportPanel {
	p := reportPanel{report: r, item: it, kind: kind, fromForm: fromForm, scrollBody: scrollBody{styles: st},
		keys: defaultReportKeyMap(fixLabel(fieldToFix(r)))}
	p.keys.Fix.SetEnabled(fieldToFix(r) != "" && (fromForm || p.canEdit()))
	p.keys.Direct.SetEnabled(!fromForm && it.IsRemote() && skippedForNoSecret(r))
	p.keys.Save.SetEnabled(fromForm)
	p.vp = viewport.New()
	p.setSize(w, h)
	return p
}

// skippedForNoSecret reports whether the direct checks were skipped
// because this machine has no secret to probe with.
func skippedForNoSecret(r diagnose.Report) bool {
	c, ok := r.Check(diagnose.CheckAuth)
	return ok && c.Status == diagnose.CheckSkip
}

// canEdit: every configuration in the browser can be opened in the form
// (the API refuses a READ role with a clear message).
func (p reportPanel) canEdit() bool { return p.item.ID != "" }

func (p *reportPanel) setSize(w, h int) { p.resize(w, h, 2, p.body) }

func (p *reportPanel) setStyles(st *Styles) { p.restyle(st, p.body) }

func (p *reportPanel) keyMap() help.KeyMap { return p.keys }

func (p *reportPanel) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(kp, p.keys.Close):
		return func() tea.Msg { return closeReportMsg{} }
	case key.Matches(kp, p.keys.Fix):
		it, field := p.item, fieldToFix(p.report)
		return func() tea.Msg { return fixFieldMsg{item: it, field: field} }
	case key.Matches(kp, p.keys.Direct):
		it := p.item
		return func() tea.Msg { return askDirectTestMsg{item: it} }
	case key.Matches(kp, p.keys.Rerun):
		return func() tea.Msg { return rerunMsg{} }
	case key.Matches(kp, p.keys.Copy):
		text := reportText(p.report)
		return func() tea.Msg { return copyMsg{text: text, what: "the redacted report"} }
	case key.Matches(kp, p.keys.Save):
		return func() tea.Msg { return saveAnywayMsg{} }
	case key.Matches(kp, p.keys.QuitHint):
		return func() tea.Msg { return statusMsg{text: notHere} }
	}
	var cmd tea.Cmd
	p.vp, cmd = p.vp.Update(msg)
	return cmd
}

func (p *reportPanel) View() string {
	st := p.styles
	r := p.report
	name := r.Config.Name
	if name == "" {
		name = "this configuration"
	}
	title := checkTitle(p.kind) + " · " + name
	if p.width < 60 {
		title = name // the verdict matters more than the kind of check
	}
	head := statusBadge(st, r) + " " + st.App.Title.Render(title)
	if !p.vp.AtBottom() {
		head = st.App.Muted.Render("↓ ") + head
	}
	return truncateLine(head, p.width) + "\n" + p.vp.View()
}

func checkTitle(k checkKind) string {
	switch k {
	case checkValidate:
		return "Flashback validation"
	case checkDoctor:
		return "Troubleshooting"
	}
	return "Connection test"
}

// statusBadge says the outcome in words, coloured as a second cue.
func statusBadge(st *Styles, r diagnose.Report) string {
	word := string(r.Status)
	if word == "" {
		word = "no result"
	}
	if r.ExitCode() != 0 {
		return st.App.Error.Render("✗ " + word)
	}
	for _, c := range r.Checks {
		if c.Status == diagnose.CheckFail {
			// e.g. the probe was skipped but Flashback refused the check:
			// not a pass, whatever the status word says.
			return st.App.Error.Render("✗ " + word + ", " + string(c.ID) + " failed")
		}
	}
	if r.Status == "" || r.Status == diagnose.StatusUnverified {
		return st.App.Warning.Render("! " + word)
	}
	return st.App.Success.Render("✓ " + word)
}

// body is the scrollable part: checklist, then cards.
func (p reportPanel) body(w int) string {
	st := p.styles
	r := p.report
	w = max(w, 20)
	var b strings.Builder
	if r.Proxy != nil {
		b.WriteString(st.App.Muted.Render(wrapText(fmt.Sprintf("Through proxy %s (from %s)", r.Proxy.URL, r.Proxy.Source), w)) + "\n")
	}
	b.WriteString(st.Dialog.Title.Render("Checks") + "\n")
	prev := ""
	for _, c := range r.Checks {
		c.Detail = p.forTUI(p.checkDetail(c))
		if c.Detail == prev {
			c.Detail = "" // the same reason as the check above: said once
		} else {
			prev = c.Detail
		}
		mark, style := "·", st.App.Muted
		switch c.Status {
		case diagnose.CheckPass:
			mark, style = "✓", st.App.Success
		case diagnose.CheckFail:
			mark, style = "✗", st.App.Error
		case diagnose.CheckWarn:
			mark, style = "!", st.App.Warning
		}
		ms := ""
		if c.MS > 0 {
			ms = fmt.Sprintf(" %dms", c.MS)
		}
		line := fmt.Sprintf("%s %-11s %-4s%s", mark, c.ID, c.Status, ms)
		if c.Detail == "" {
			b.WriteString(style.Render(line) + "\n")
			continue
		}
		// The detail wraps under itself, so long evidence stays readable
		// on narrow terminals instead of being cut.
		if w < 60 {
			b.WriteString(style.Render(line+"\n"+indentWrap("    ", c.Detail, w)) + "\n")
			continue
		}
		b.WriteString(style.Render(indentWrap(line+"  ", c.Detail, w)) + "\n")
	}
	for _, d := range r.Diagnoses {
		b.WriteString("\n")
		sev := st.App.Error
		switch d.Severity {
		case diagnose.SeverityWarning:
			sev = st.App.Warning
		case diagnose.SeverityInfo:
			sev = st.App.Muted
		}
		b.WriteString(sev.Render(wrapText(fmt.Sprintf("%s  %s", strings.ToUpper(string(d.Severity)), d.Title), w)) + "\n")
		b.WriteString(st.App.Subtle.Render(d.Code) + "\n")
		if d.Explanation != "" {
			b.WriteString(st.Dialog.Body.Render(wrapText(d.Explanation, w)) + "\n")
		}
		for i, step := range d.Steps {
			b.WriteString(st.Dialog.Body.Render(indentWrap(fmt.Sprintf("%d. ", i+1), p.forTUI(step), w)) + "\n")
		}
		if d.Evidence != "" {
			b.WriteString(st.App.Muted.Render(indentWrap("Evidence: ", d.Evidence, w)) + "\n")
		}
	}
	if len(r.Diagnoses) == 0 && r.ExitCode() == 0 && r.Status != "" && r.Status != diagnose.StatusUnverified {
		b.WriteString("\n" + st.App.Success.Render(wrapText("Nothing to fix: the provider accepted the credentials.", w)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// indentWrap wraps text under a hanging prefix.
func indentWrap(prefix, text string, w int) string {
	pad := strings.Repeat(" ", len([]rune(prefix)))
	lines := strings.Split(wrapText(text, max(w-len(pad), 10)), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = prefix + lines[i]
		} else {
			lines[i] = pad + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// reportText is the report as plain text for the clipboard: already
// redacted, no colour, no secrets.
func reportText(r diagnose.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "fbllm report · %s (%s, %s) · status: %s\n", r.Config.Name, r.Config.AIType, r.Config.Endpoint, r.Status)
	if r.Proxy != nil {
		fmt.Fprintf(&b, "proxy: %s (%s)\n", r.Proxy.URL, r.Proxy.Source)
	}
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "- %s: %s %dms %s\n", c.ID, c.Status, c.MS, c.Detail)
	}
	for _, d := range r.Diagnoses {
		fmt.Fprintf(&b, "\n[%s] %s (%s)\n%s\n", d.Severity, d.Title, d.Code, d.Explanation)
		for i, s := range d.Steps {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, s)
		}
		if d.Evidence != "" {
			fmt.Fprintf(&b, "  evidence: %s\n", d.Evidence)
		}
	}
	if r.RequestID != "" {
		fmt.Fprintf(&b, "request id: %s\n", r.RequestID)
	}
	return b.String()
}

// fieldToFix is the form field a user changes to fix the report's
// deciding diagnosis (the catalog's field for its code); "" when the fix is
// not in the configuration (network, quota, policy…).
func fieldToFix(r diagnose.Report) string {
	for _, d := range r.Diagnoses {
		if d.Severity != diagnose.SeverityError && d.Code != diagnose.CodeAuthUnverifiable {
			continue
		}
		if dec, ok := assets.DecisionFor(d.Code); ok && dec.Field != "" {
			return dec.Field
		}
	}
	return ""
}

func fixLabel(field string) string {
	if field == "" {
		return "field"
	}
	return field
}

func truncateLine(s string, w int) string {
	if w <= 0 {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// checkDetail is a check's detail for the panel. A failing check whose
// detail is a code and the raw error ("flashback.forbidden: validate ai
// llm …") shows the diagnosis's title instead; the card below has the
// rest, and its evidence the raw error.
func (p reportPanel) checkDetail(c diagnose.Check) string {
	if c.Status != diagnose.CheckFail {
		return c.Detail
	}
	for _, d := range p.report.Diagnoses {
		if strings.HasPrefix(c.Detail, d.Code+": ") {
			return d.Title
		}
	}
	return c.Detail
}

// tuiSteps rewrite the command lines of the catalog's steps into the keys
// that do the same in the app (the command stays where it helps).
var tuiSteps = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(?i)switch to a workspace where you have it: fbllm workspaces, then fbllm use WORKSPACE`), "press w to switch to a workspace where you have it"},
	{regexp.MustCompile(`fbllm use ([^.;]+)`), "press w and choose $1"},
	{regexp.MustCompile(`fbllm login( again)?`), "press w to sign in$1"},
	{regexp.MustCompile(`fbllm edit NAME \(or --secret-stdin\)`), "e"},
	{regexp.MustCompile(`fbllm test NAME`), "t"},
	{regexp.MustCompile(`fbllm rm again`), "d again"},
}

// forTUI adapts a step or detail written for the command line to the
// panel: the configuration's real name instead of NAME, and the key that
// does it here instead of a command or a flag.
func (p reportPanel) forTUI(step string) string {
	if p.keys.Direct.Enabled() {
		step = strings.ReplaceAll(step, "pass --secret-env or --secret-stdin for a direct test", "press t to type it for a one-off direct test")
	}
	for _, r := range tuiSteps {
		step = r.re.ReplaceAllString(step, r.with)
	}
	name := p.report.Config.Name
	if name == "" {
		return step
	}
	return strings.ReplaceAll(step, "fbllm edit NAME", fmt.Sprintf("e (or fbllm edit %q)", name))
}
