package ui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
)

// screen is what App asks of every screen: take a message, draw itself into
// the size it was given, name its keys for the footer and follow the
// terminal's background. Screens change in place (pointer receivers) and
// never switch screens themselves: they return intent messages for App.
//
// A new screen is a type with these methods, a screenID, a field of App and
// one case in App.screenOf; App sizes, styles, draws and routes to it from
// there.
type screen interface {
	Update(tea.Msg) tea.Cmd
	View() string
	keyMap() help.KeyMap
	setSize(w, h int)
	setStyles(*Styles)
}

// screenID names the active screen of the App.
type screenID int

const (
	screenLoading screenID = iota
	screenSetup
	screenPassphrase
	screenForm
	screenBrowser
	screenSignIn
	screenPicker
	screenReport
	screenDirectTest
	screenExec
	screenImport
	numScreens
)

func (s screenID) String() string {
	return [...]string{"loading", "setup", "passphrase", "form", "browser", "signin", "picker", "report", "directtest", "exec", "import"}[s]
}

// loading is shown until the store has been read.
type loading struct {
	styles *Styles
	keys   statusKeyMap
}

func (l *loading) Update(tea.Msg) tea.Cmd { return nil }
func (l *loading) View() string           { return l.styles.App.Muted.Render("Loading configurations…") }
func (l *loading) keyMap() help.KeyMap    { return l.keys }
func (l *loading) setSize(int, int)       {}
func (l *loading) setStyles(st *Styles)   { l.styles = st }
