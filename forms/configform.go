package forms

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/input"
)

// ConfigForm is the guided configuration form: type → name → endpoint → key →
// secret → review and confirm, one question per page so that stepping back
// (esc or shift+tab) goes back exactly one question. It is theme-free; the UI
// applies its theme and key map to Form, and steps back itself (PrevStep):
// huh v2.0.3 ignores a step back while the page shows a validation error,
// after blurring the field, which leaves a form that takes no key.
type ConfigForm struct {
	Form  *huh.Form
	Draft *input.Draft

	typeField     *huh.Select[assets.AIType]
	serverField   *huh.Select[string]
	nameField     *huh.Input
	confirmField  *huh.Select[string]
	endpointField *huh.Input
	secretField   *huh.Input
	lastType      assets.AIType
	lastServer    string
	width         int
}

// NewConfigForm builds the form over d. Values already in d (when editing,
// or when a failed save rebuilds the form) are kept.
func NewConfigForm(d *input.Draft) *ConfigForm {
	d.Confirm = true // "Save" is the default answer on the review step
	d.Action = input.ActionSave
	f := &ConfigForm{Draft: d, lastType: d.Type, lastServer: d.Server}
	f.typeField = huh.NewSelect[assets.AIType]().Key(input.FieldType).
		Title("AI LLM type").
		Description("Which provider does it talk to?").
		Options(typeOptions(80)...).
		Value(&d.Type)
	f.serverField = huh.NewSelect[string]().Key(input.FieldServer).
		Title("Which server?").
		Description("Pick a known one to fill in its endpoint, or type your own next.").
		Options(serverOptions(80)...).
		Value(&d.Server)
	f.nameField = huh.NewInput().Key(input.FieldName).
		Title("Configuration name").
		Description("A name you will recognise; unique in this workspace.").
		Placeholder("e.g. OpenAI production").
		CharLimit(64).
		Value(&d.Name).
		Validate(d.CheckName)
	f.endpointField = huh.NewInput().Key(input.FieldEndpoint).
		Title("API endpoint").
		DescriptionFunc(d.EndpointHint, &d.Server).
		PlaceholderFunc(d.EndpointPlaceholder, &d.Type).
		Value(&d.Endpoint).
		Validate(d.CheckEndpoint)
	f.confirmField = huh.NewSelect[string]().Key(input.FieldConfirm).
		TitleFunc(func() string {
			if d.Editing {
				return "Save changes?"
			}
			return "Save this configuration?"
		}, &d.Editing).
		Options(confirmOptions(80)...).
		Value(&d.Action)
	f.secretField = huh.NewInput().Key(input.FieldSecret).
		TitleFunc(d.SecretTitle, &d.Type).
		DescriptionFunc(d.SecretDescription, &d.Type).
		EchoMode(huh.EchoModePassword).
		Value(&d.Secret).
		Validate(func(s string) error {
			err := d.CheckSecret(s)
			if isMissingKey(err) {
				return fmt.Errorf("%w: press esc to go back and enter it", err)
			}
			return err
		})

	f.Form = huh.NewForm(
		huh.NewGroup(f.typeField),
		huh.NewGroup(f.serverField).WithHideFunc(func() bool { return d.Type != assets.Other }),
		huh.NewGroup(f.nameField),
		huh.NewGroup(f.endpointField),
		huh.NewGroup(
			huh.NewInput().Key(input.FieldKey).
				TitleFunc(d.KeyTitle, &d.Type).
				DescriptionFunc(d.KeyDescription, &d.Type).
				PlaceholderFunc(func() string { return d.Preset().Key.Placeholder }, &d.Type).
				Value(&d.Key).
				Validate(d.CheckKey),
		).WithHideFunc(func() bool { return !d.AsksKey() }),
		huh.NewGroup(f.secretField),
		// The review itself is drawn by the UI above this step (it has to fit
		// the terminal), and printed before it in accessible mode.
		huh.NewGroup(f.confirmField),
	).WithShowHelp(false)
	return f
}

// typeOptions lists the types with their one-line descriptions, aligned in
// two columns, cut to fit width cells so that every type stays on one line
// (huh wraps long options, which would push types off a small screen).
func typeOptions(width int) []huh.Option[assets.AIType] {
	presets := assets.Presets()
	labelW := 0
	for _, p := range presets {
		labelW = max(labelW, ansi.StringWidth(p.Label))
	}
	descW := width - labelW - 8 // border, selector and gap
	opts := make([]huh.Option[assets.AIType], 0, len(presets))
	for _, p := range presets {
		text := p.Label
		if descW >= 16 {
			text = p.Label + strings.Repeat(" ", labelW-ansi.StringWidth(p.Label)+2) + ansi.Truncate(p.Description, descW, "…")
		}
		opts = append(opts, huh.NewOption(text, p.Type))
	}
	return opts
}

// serverOptions lists the well-known OpenAI-compatible servers, then
// "something else", aligned like the types.
func serverOptions(width int) []huh.Option[string] {
	list := assets.Servers()
	labelW := len("Something else")
	for _, s := range list {
		labelW = max(labelW, ansi.StringWidth(s.Label))
	}
	descW := width - labelW - 8
	line := func(label, desc string) string {
		if descW < 16 {
			return label
		}
		return label + strings.Repeat(" ", labelW-ansi.StringWidth(label)+2) + ansi.Truncate(desc, descW, "…")
	}
	opts := make([]huh.Option[string], 0, len(list)+1)
	for _, s := range list {
		opts = append(opts, huh.NewOption(line(s.Label, s.Description), s.ID))
	}
	return append(opts, huh.NewOption(line("Something else", "I will type the endpoint"), ""))
}

// confirmOptions are the answers of the review step, in words that fit
// one line each at width (a wrapped answer costs the review a line).
func confirmOptions(width int) []huh.Option[string] {
	test := "Test the connection now (nothing is saved yet)"
	if width < 56 {
		test = "Test the connection first"
	}
	return []huh.Option[string]{
		huh.NewOption("Save", input.ActionSave),
		huh.NewOption(test, input.ActionTest),
		huh.NewOption("Back to the first question", input.ActionBack),
	}
}

// SetWidth adapts the form to the terminal width.
func (f *ConfigForm) SetWidth(width int) {
	if width != f.width {
		f.width = width
		f.typeField.Options(typeOptions(width)...)
		f.serverField.Options(serverOptions(width)...)
		f.confirmField.Options(confirmOptions(width)...)
	}
}

// Sync reacts to what the last update changed: when the type changed, the
// endpoint is prefilled with the new type's default unless the user typed
// one of their own; once the user has left the endpoint, an API key typed
// into it as ?key= moves to the secret. Call it after every Form.Update and
// run the Cmd it returns.
func (f *ConfigForm) Sync() tea.Cmd {
	var cmd tea.Cmd
	if f.Focused() != input.FieldEndpoint {
		cmd = f.TakeKeyFromEndpoint()
	}
	if f.Draft.Server != f.lastServer {
		f.lastServer = f.Draft.Server
		if f.Draft.ApplyServer() {
			setValue(f.endpointField, &f.Draft.Endpoint)
			setValue(f.nameField, &f.Draft.Name)
		}
	}
	if f.Draft.Type == f.lastType {
		return cmd
	}
	f.lastType = f.Draft.Type
	if f.Draft.ApplyTypeDefaults() {
		setValue(f.endpointField, &f.Draft.Endpoint)
	}
	return cmd
}

// TakeKeyFromEndpoint moves an API key out of the endpoint into the secret
// (see input.Draft.MoveKeyFromEndpoint). The UI calls it right after a
// paste into the endpoint, so a pasted key is never drawn; a typed one
// moves when the user leaves the field, not under their cursor.
func (f *ConfigForm) TakeKeyFromEndpoint() tea.Cmd {
	if !f.Draft.MoveKeyFromEndpoint() {
		return nil
	}
	setValue(f.endpointField, &f.Draft.Endpoint)
	setValue(f.secretField, &f.Draft.Secret)
	// huh draws a page when it updates it: update it, or it keeps
	// showing the key.
	_, cmd := f.Form.Update(valuesChangedMsg{})
	return cmd
}

// valuesChangedMsg makes the form draw its page again after the form
// changed a field's value itself.
type valuesChangedMsg struct{}

// setValue points a field at v with the cursor at the end: huh's text input
// keeps its cursor where it was unless the value was empty, so a replaced
// URL would otherwise be edited from the middle (at the old length).
func setValue(in *huh.Input, v *string) {
	var empty string
	in.Value(&empty)
	in.Value(v)
}

// Focused returns the key of the focused field (input.FieldType, input.FieldName, …).
func (f *ConfigForm) Focused() string {
	if fl := f.Form.GetFocusedField(); fl != nil {
		return fl.GetKey()
	}
	return ""
}

// Steps lists the questions in the order they are asked, by field key.
// The key is asked only of types that use one.
func (f *ConfigForm) Steps() []string {
	steps := []string{input.FieldType}
	if f.Draft.Type == assets.Other {
		steps = append(steps, input.FieldServer)
	}
	steps = append(steps, input.FieldName, input.FieldEndpoint)
	if f.Draft.AsksKey() {
		steps = append(steps, input.FieldKey)
	}
	return append(steps, input.FieldSecret, input.FieldConfirm)
}

// PrevStep is the question before the focused one, or "" on the first
// question, where stepping back means leaving the form.
func (f *ConfigForm) PrevStep() string {
	steps := f.Steps()
	if i := slices.Index(steps, f.Focused()); i > 0 {
		return steps[i-1]
	}
	return ""
}

// isMissingKey reports whether err is CheckSecret's "needs the key" error,
// whose remedy depends on how the form lets the user go back.
func isMissingKey(err error) bool {
	var ie *input.InputError
	return errors.As(err, &ie) && ie.Code == "auth.missing_key"
}
