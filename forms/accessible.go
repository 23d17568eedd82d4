package forms

import (
	"fmt"
	"io"
	"strings"

	"charm.land/huh/v2"

	"github.com/fbllm/fbllm/assets"
)

// RunAccessible asks the configuration questions one line at a time, for
// screen readers and dumb terminals. huh's accessible mode prints a field's
// static title only, so each question is built just before it is asked,
// with titles that reflect the answers so far. The secret is read without
// echo, which needs r to be a terminal. It reports whether the user
// confirmed the save.
func RunAccessible(d *Draft, w io.Writer, r io.Reader) (bool, error) {
	theme := huh.ThemeFunc(huh.ThemeBase)
	ask := func(f huh.Field) error {
		f.WithTheme(theme)
		f.Init()
		f.Focus()
		err := f.RunAccessible(w, r)
		fmt.Fprintln(w)
		return err
	}

	opts := make([]huh.Option[assets.AIType], 0, 5)
	for _, p := range assets.Presets() {
		opts = append(opts, huh.NewOption(p.Label+" — "+p.Description, p.Type))
	}
	if err := ask(huh.NewSelect[assets.AIType]().Title("AI LLM type").Options(opts...).Value(&d.Type)); err != nil {
		return false, err
	}
	d.ApplyTypeDefaults()
	p := d.preset()

	if err := ask(huh.NewInput().Title("Configuration name (unique in this workspace):").Value(&d.Name).
		Validate(func(s string) error { _, err := ValidateName(s, d.ExistingNames, d.OriginalName); return err })); err != nil {
		return false, err
	}
	if err := ask(huh.NewInput().Title(fmt.Sprintf("API endpoint (%s; Enter keeps %s):", p.EndpointHint, d.Endpoint)).Value(&d.Endpoint).
		Validate(func(s string) error { _, err := NormalizeEndpoint(d.Type, s); return err })); err != nil {
		return false, err
	}
	if hint := d.LiveHint(FieldEndpoint); hint != "" {
		fmt.Fprintln(w, hint)
	}
	if err := ask(huh.NewInput().Title(accessibleTitle(d.keyTitle(), d.keyDescription())).Value(&d.Key).
		Validate(func(s string) error { _, err := SanitizeKey(s); return err })); err != nil {
		return false, err
	}
	secretTitle := accessibleTitle(placeholderOr(p.Secret.Label, "API secret")+" (typing is hidden)", d.secretDescription())
	if err := ask(huh.NewInput().Title(secretTitle).EchoMode(huh.EchoModePassword).Value(&d.Secret).
		Validate(func(s string) error {
			if d.Editing && strings.TrimSpace(s) == "" {
				return nil
			}
			clean, err := SanitizeSecret(s)
			if err == nil && d.Key == "" && !(d.Editing && d.StoredKeyFingerprint != "") && RequiresKey(d.Type, clean.Value) {
				return fmt.Errorf("%s also needs the %s; start again and enter it", d.Type, strings.ToLower(p.Key.Label))
			}
			return err
		})); err != nil {
		return false, err
	}
	if hint := d.LiveHint(FieldSecret); hint != "" {
		fmt.Fprintln(w, hint)
	}

	fmt.Fprintln(w, "Review:")
	fmt.Fprint(w, d.Review())
	if _, err := d.Result(); err != nil {
		return false, err
	}
	d.Confirm = true
	title := "Save this configuration?"
	if d.Editing {
		title = "Save changes?"
	}
	if err := ask(huh.NewConfirm().Title(title).Value(&d.Confirm)); err != nil {
		return false, err
	}
	return d.Confirm, nil
}

func accessibleTitle(title, description string) string {
	if description == "" {
		return title + ":"
	}
	return title + " — " + description + ":"
}
