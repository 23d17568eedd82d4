package forms

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"charm.land/huh/v2"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/input"
)

// RunAccessible asks the configuration questions one line at a time, for
// screen readers and dumb terminals. huh's accessible mode prints a field's
// static title only, so each question is built just before it is asked,
// with titles that reflect the answers so far. The secret is read without
// echo, which needs r to be a terminal. It returns the user's answer to
// the review (see AskAccessibleAction).
func RunAccessible(d *input.Draft, w io.Writer, r io.Reader) (string, error) {
	ask := func(f huh.Field) error { return AskAccessible(f, w, r) }

	opts := make([]huh.Option[assets.AIType], 0, 5)
	for _, p := range assets.Presets() {
		opts = append(opts, huh.NewOption(p.Label+" — "+p.Description, p.Type))
	}
	if err := ask(huh.NewSelect[assets.AIType]().Title("AI LLM type").Options(opts...).Value(&d.Type)); err != nil {
		return "", err
	}
	d.ApplyTypeDefaults()
	if d.Type == assets.Other {
		opts := make([]huh.Option[string], 0, len(assets.Servers())+1)
		for _, s := range assets.Servers() {
			opts = append(opts, huh.NewOption(s.Label+" — "+s.Description, s.ID))
		}
		opts = append(opts, huh.NewOption("Something else — I will type the endpoint", ""))
		if err := ask(huh.NewSelect[string]().Title("Which server?").Options(opts...).Value(&d.Server)); err != nil {
			return "", err
		}
		d.ApplyServer()
	}

	// huh validates the raw line before it falls back to the default, so an
	// empty answer is checked as the default it keeps (Azure's endpoint
	// keeps a placeholder that must be replaced).
	keepOr := func(current string, check func(string) error) func(string) error {
		return func(s string) error {
			if strings.TrimSpace(s) == "" && current != "" {
				return check(current)
			}
			return check(s)
		}
	}
	nameTitle := "Configuration name (unique in this workspace):"
	if d.Name != "" {
		nameTitle = fmt.Sprintf("Configuration name (Enter keeps %s):", d.Name)
	}
	if err := ask(huh.NewInput().Title(nameTitle).Value(&d.Name).
		Validate(keepOr(d.Name, d.CheckName))); err != nil {
		return "", err
	}
	endpointTitle := fmt.Sprintf("API endpoint (%s):", strings.TrimSuffix(d.EndpointHint(), "."))
	if d.Endpoint != "" {
		endpointTitle = fmt.Sprintf("API endpoint (%s; Enter keeps %s):", strings.TrimSuffix(d.EndpointHint(), "."), d.Endpoint)
	}
	if err := ask(huh.NewInput().Title(endpointTitle).Value(&d.Endpoint).
		Validate(keepOr(d.Endpoint, d.CheckEndpoint))); err != nil {
		return "", err
	}
	if hint := d.LiveHint(input.FieldEndpoint); hint != "" {
		fmt.Fprintln(w, hint)
	}
	if d.AsksKey() {
		if err := ask(huh.NewInput().Title(accessibleTitle(d.KeyTitle(), d.KeyDescription())).Value(&d.Key).
			Validate(d.CheckKey)); err != nil {
			return "", err
		}
	}
	secretTitle := accessibleTitle(d.SecretTitle()+" (typing is hidden)", d.SecretDescription())
	if err := ask(huh.NewInput().Title(secretTitle).EchoMode(huh.EchoModePassword).Value(&d.Secret).
		Validate(func(s string) error {
			err := d.CheckSecret(s)
			if isMissingKey(err) {
				return fmt.Errorf("%w; start again and enter it", err)
			}
			return err
		})); err != nil {
		return "", err
	}
	if hint := d.LiveHint(input.FieldSecret); hint != "" {
		fmt.Fprintln(w, hint)
	}

	fmt.Fprintln(w, "Review:")
	fmt.Fprint(w, d.Review())
	if _, err := d.Result(); err != nil {
		return "", err
	}
	return AskAccessibleAction(d, w, r)
}

// AskAccessibleAction asks what to do with a reviewed draft: save it, test
// the connection first (nothing is saved), or leave without saving. It
// returns input.ActionSave, input.ActionTest or "".
func AskAccessibleAction(d *input.Draft, w io.Writer, r io.Reader) (string, error) {
	title := "Save this configuration?"
	if d.Editing {
		title = "Save changes?"
	}
	action := input.ActionSave
	f := huh.NewSelect[string]().Title(title).Options(
		huh.NewOption("Save", input.ActionSave),
		huh.NewOption("Test the connection first (nothing is saved yet)", input.ActionTest),
		huh.NewOption("Do not save", ""),
	).Value(&action)
	err := AskAccessible(f, w, r)
	return action, err
}

// ErrNoAnswer means the input ended before a question was answered.
var ErrNoAnswer = errors.New("the input ended before the question was answered")

// AskAccessible asks one huh field line by line. huh v2.0.3 panics (index
// out of range) when a numbered choice gets an invalid number and then the
// input ends; that is the end of the answers, not a crash, so it is
// ErrNoAnswer.
func AskAccessible(f huh.Field, w io.Writer, r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = ErrNoAnswer
		}
	}()
	f.WithTheme(huh.ThemeFunc(huh.ThemeBase))
	f.Init()
	f.Focus()
	err = f.RunAccessible(w, r)
	fmt.Fprintln(w)
	return err
}

func accessibleTitle(title, description string) string {
	if description == "" {
		return title + ":"
	}
	return title + " — " + strings.TrimSuffix(description, ".") + ":"
}
