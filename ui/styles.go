package ui

import (
	"image/color"

	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
)

// palette is the handful of colour tokens every style is built from. Each
// token has a light- and a dark-background variant, chosen by LightDark.
type palette struct {
	primary, accent, fgBase, fgMuted, fgSubtle, border, errorC, warning, success color.Color
}

func newPalette(isDark bool) palette {
	ld := lipgloss.LightDark(isDark)
	return palette{
		primary:  ld(lipgloss.Color("#5A4FCF"), lipgloss.Color("#8B83FF")),
		accent:   ld(lipgloss.Color("#B5179E"), lipgloss.Color("#F780E2")),
		fgBase:   ld(lipgloss.Color("#1F1F28"), lipgloss.Color("#E6E6EF")),
		fgMuted:  ld(lipgloss.Color("#5C5C6E"), lipgloss.Color("#A3A3B5")),
		fgSubtle: ld(lipgloss.Color("#8A8A9C"), lipgloss.Color("#6E6E80")),
		border:   ld(lipgloss.Color("#C9C9D6"), lipgloss.Color("#3F3F50")),
		errorC:   ld(lipgloss.Color("#C4213B"), lipgloss.Color("#FF5F7A")),
		warning:  ld(lipgloss.Color("#A35C00"), lipgloss.Color("#F5B041")),
		success:  ld(lipgloss.Color("#137F4A"), lipgloss.Color("#3DDC97")),
	}
}

// Styles holds every style the UI uses, grouped by screen. It is rebuilt
// whenever the terminal reports its background colour, so the UI reads well
// on light and dark terminals. Views never create styles of their own.
//
// Colour is never the only carrier of meaning: markers (›, ✗, !, ✓) and
// words go with it, so NO_COLOR (which Bubble Tea honours by downsampling
// to the ASCII profile) loses nothing.
type Styles struct {
	IsDark bool

	App struct {
		Title, Subtitle, Muted, Subtle, Error, Warning, Success, Key, Simulated lipgloss.Style
	}
	Status struct {
		Bar, Backend, Locked, Unlocked, Message, Error, Ruler lipgloss.Style
	}
	Browser struct {
		Header, Cursor, Name, Type, Endpoint, Empty, Filter, Count lipgloss.Style
		Detail, DetailTitle, DetailKey, DetailValue                lipgloss.Style
	}
	Dialog struct {
		Box, Title, Body, Danger lipgloss.Style
	}
	Form struct {
		Hint, HintError, Banner, Review lipgloss.Style
	}
	Setup struct {
		Option, Selected, Disabled, Note lipgloss.Style
	}
	Help struct {
		Key, Desc, Sep lipgloss.Style
	}

	pal palette
	huh *huh.Styles // built on first use by HuhTheme
}

// NewStyles builds the styles for a light or dark background. Screens share
// one *Styles: the struct holds dozens of styles, and copying it into every
// screen on every update would dominate the cost of a keystroke.
func NewStyles(isDark bool) *Styles {
	p := newPalette(isDark)
	base := lipgloss.NewStyle().Foreground(p.fgBase)
	var s Styles
	s.IsDark, s.pal = isDark, p

	s.App.Title = base.Foreground(p.primary).Bold(true)
	s.App.Subtitle = base.Foreground(p.fgMuted)
	s.App.Muted = base.Foreground(p.fgMuted)
	s.App.Subtle = base.Foreground(p.fgSubtle)
	s.App.Error = base.Foreground(p.errorC).Bold(true)
	s.App.Warning = base.Foreground(p.warning)
	s.App.Success = base.Foreground(p.success)
	s.App.Key = base.Foreground(p.accent).Bold(true)
	s.App.Simulated = base.Foreground(p.warning).Bold(true).Reverse(true)

	s.Status.Bar = base.Foreground(p.fgMuted)
	s.Status.Backend = base.Foreground(p.fgBase)
	s.Status.Locked = base.Foreground(p.warning)
	s.Status.Unlocked = base.Foreground(p.success)
	s.Status.Message = base.Foreground(p.success)
	s.Status.Error = base.Foreground(p.errorC)
	// The browser's position changes on every cursor move: in the
	// terminal's own colour it costs no colour switch.
	s.Status.Ruler = lipgloss.NewStyle()

	s.Browser.Header = base.Foreground(p.fgSubtle)
	s.Browser.Cursor = base.Foreground(p.accent).Bold(true)
	// List rows use the terminal's own foreground for names and one muted
	// style for the rest: every colour switch is bytes resent whenever a row
	// scrolls into view.
	s.Browser.Name = lipgloss.NewStyle()
	s.Browser.Type = base.Foreground(p.fgMuted)
	s.Browser.Endpoint = s.Browser.Type
	s.Browser.Empty = base.Foreground(p.fgMuted)
	s.Browser.Filter = base.Foreground(p.accent)
	s.Browser.Count = base.Foreground(p.fgSubtle)
	s.Browser.Detail = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(p.border).Padding(0, 1)
	s.Browser.DetailTitle = base.Foreground(p.primary).Bold(true)
	s.Browser.DetailKey = base.Foreground(p.fgMuted)
	s.Browser.DetailValue = base

	s.Dialog.Box = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(p.accent).Padding(0, 1)
	s.Dialog.Title = base.Bold(true)
	s.Dialog.Body = base
	s.Dialog.Danger = base.Foreground(p.errorC).Bold(true)

	s.Form.Hint = base.Foreground(p.fgMuted)
	s.Form.HintError = base.Foreground(p.errorC)
	s.Form.Banner = base.Foreground(p.errorC).Bold(true)
	s.Form.Review = base

	s.Setup.Option = base
	s.Setup.Selected = base.Foreground(p.primary).Bold(true)
	s.Setup.Disabled = base.Foreground(p.fgSubtle)
	s.Setup.Note = base.Foreground(p.fgMuted)

	s.Help.Key = base.Foreground(p.accent)
	s.Help.Desc = base.Foreground(p.fgMuted)
	s.Help.Sep = base.Foreground(p.fgSubtle)
	return &s
}

// HuhTheme derives the form theme from the same palette, so the embedded
// form matches the rest of the UI. forms stays theme-free. The theme is
// built once per Styles: huh asks for it for every option it draws, and
// building it each time made a keystroke on the type list cost
// milliseconds.
func (s *Styles) HuhTheme() huh.Theme {
	if s.huh == nil {
		s.huh = s.huhStyles()
	}
	return huh.ThemeFunc(func(bool) *huh.Styles { return s.huh })
}

func (s *Styles) huhStyles() *huh.Styles {
	p := s.pal
	t := huh.ThemeBase(s.IsDark)
	t.Focused.Base = t.Focused.Base.BorderForeground(p.border)
	t.Focused.Card = t.Focused.Base
	t.Focused.Title = t.Focused.Title.Foreground(p.primary).Bold(true)
	t.Focused.NoteTitle = t.Focused.NoteTitle.Foreground(p.primary).Bold(true).MarginBottom(1)
	t.Focused.Description = t.Focused.Description.Foreground(p.fgMuted)
	t.Focused.ErrorIndicator = t.Focused.ErrorIndicator.Foreground(p.errorC)
	t.Focused.ErrorMessage = t.Focused.ErrorMessage.Foreground(p.errorC).SetString("✗ ")
	t.Focused.SelectSelector = t.Focused.SelectSelector.Foreground(p.accent).SetString("› ")
	t.Focused.Option = t.Focused.Option.Foreground(p.fgBase)
	t.Focused.SelectedOption = t.Focused.SelectedOption.Foreground(p.primary)
	t.Focused.FocusedButton = t.Focused.FocusedButton.Foreground(lipgloss.Color("#FFFFFF")).Background(p.primary).Bold(true)
	t.Focused.BlurredButton = t.Focused.BlurredButton.Foreground(p.fgBase).Background(p.border)
	t.Focused.Next = t.Focused.FocusedButton
	t.Focused.TextInput.Cursor = t.Focused.TextInput.Cursor.Foreground(p.accent)
	t.Focused.TextInput.Placeholder = t.Focused.TextInput.Placeholder.Foreground(p.fgSubtle)
	t.Focused.TextInput.Prompt = t.Focused.TextInput.Prompt.Foreground(p.accent)
	t.Focused.TextInput.Text = t.Focused.TextInput.Text.Foreground(p.fgBase)

	t.Blurred = t.Focused
	t.Blurred.Base = t.Focused.Base.BorderStyle(lipgloss.HiddenBorder())
	t.Blurred.Card = t.Blurred.Base
	t.Blurred.NextIndicator = lipgloss.NewStyle()
	t.Blurred.PrevIndicator = lipgloss.NewStyle()
	t.Group.Title = t.Focused.Title
	t.Group.Description = t.Focused.Description
	return t
}

// darkOrLight is a background colour of the given kind, used to tell a newly
// built huh form which theme variant to render (huh only learns it from a
// tea.BackgroundColorMsg).
func darkOrLight(isDark bool) color.Color {
	if isDark {
		return color.Black
	}
	return color.White
}
