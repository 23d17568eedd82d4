package ui

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// TestQQuitsOnlyFromTheTop: q quits from the list and the welcome screen;
// on the detail pane, the troubleshooting panel and the picker it does not
// (esc goes back there), and it says so instead of doing nothing.
func TestQQuitsOnlyFromTheTop(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	seed(t, st, 2)
	d := newDriver(t, st, Options{}, 80, 24)

	d.press("enter", "q")
	require.False(t, d.quit, "q on the detail pane")
	d.requireScreen("q quits from the list")
	d.press("esc")

	it, _ := d.app.browser.selected()
	d.send(checkDoneMsg{req: checkRequest{item: it, kind: checkDoctor}, report: goldenReport()})
	require.Equal(t, screenReport, d.app.screen)
	d.press("q")
	require.False(t, d.quit, "q on the panel")
	require.Equal(t, screenReport, d.app.screen)
	d.press("esc")
	require.Equal(t, screenBrowser, d.app.screen)

	d.send(workspacesMsg{workspaces: goldenWorkspaces})
	require.Equal(t, screenPicker, d.app.screen)
	d.press("q")
	require.False(t, d.quit, "q on the picker")
	d.press("esc")

	d.press("q")
	require.True(t, d.quit, "q on the list quits")
	require.False(t, d.app.interrupted)
}

// TestEscOnTheWelcomeScreenDoesNotLeaveSilently: esc on the first-run
// welcome says how to quit instead of ending the program.
func TestEscOnTheWelcomeScreenDoesNotLeaveSilently(t *testing.T) {
	t.Parallel()
	d := newDriver(t, newTestStore(t), Options{}, 80, 24)
	require.Equal(t, screenSetup, d.app.screen)
	d.press("esc")
	require.False(t, d.quit)
	d.requireScreen("press q to quit")
	d.press("q")
	require.True(t, d.quit)
}

// TestCtrlCWithNothingUnderWayIsAQuit: ctrl+c on the list after a
// session's work is a normal quit (exit 0), not "Cancelled." and 130; in
// a form with input it still cancels.
func TestCtrlCWithNothingUnderWayIsAQuit(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	require.NoError(t, st.SaveSettings(store.Settings{Version: 1, Mode: "local"}))
	d := newDriver(t, st, Options{}, 80, 24)
	d.press("a")
	fillForm(d, 0, "kept", "", "", testSecret)
	require.Equal(t, screenBrowser, d.app.screen)
	d.press("ctrl+c")
	require.True(t, d.quit)
	require.False(t, d.app.interrupted, "nothing was under way")

	d = newDriver(t, st, Options{}, 80, 24)
	d.press("a", "enter")
	d.typeText("half")
	d.press("ctrl+c")
	require.True(t, d.quit)
	require.True(t, d.app.interrupted, "a form with input is cancelled")
}

// TestLeavingAFormWithInputAsksFirst: esc on the first question of a form
// that holds typed input asks before throwing it away.
func TestLeavingAFormWithInputAsksFirst(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	require.NoError(t, st.SaveSettings(store.Settings{Version: 1, Mode: "local"}))
	d := newDriver(t, st, Options{}, 80, 24)
	d.press("a", "esc")
	require.Equal(t, screenBrowser, d.app.screen, "an untouched form closes at once")

	d.press("a", "enter")
	d.typeText("typed")
	d.press("esc", "esc")
	require.Equal(t, screenForm, d.app.screen)
	d.requireScreen("Discard this configuration?")
	d.press("n")
	require.Equal(t, screenForm, d.app.screen)
	require.Equal(t, "typed", d.app.form.cf.Draft.Name)
	d.press("esc", "y")
	require.Equal(t, screenBrowser, d.app.screen)
}

// TestSummaryListsEveryChange: the result of a session names every save,
// update and delete, in order, not only the last save.
func TestSummaryListsEveryChange(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	require.NoError(t, st.SaveSettings(store.Settings{Version: 1, Mode: "local"}))
	d := newDriver(t, st, Options{}, 80, 24)
	d.press("a")
	fillForm(d, 0, "first", "", "", testSecret)
	d.press("a")
	fillForm(d, 2, "second", "", "", "sk-ant-api03-SecondSecondSecondSecondSecond00")
	selectRow(t, d, "first")
	d.press("e", "enter")
	d.clearField(20)
	d.typeText("renamed")
	d.press("enter", "enter", "enter", "enter")
	selectRow(t, d, "second")
	d.press("d", "y")
	var got []string
	for _, c := range d.app.result.Changes {
		got = append(got, c.Action+" "+c.Item.Name)
	}
	require.Equal(t, []string{"saved first", "saved second", "updated renamed", "deleted second"}, got)
	require.Equal(t, session.StoreLocal, d.app.result.Changes[0].Item.Store)
}
