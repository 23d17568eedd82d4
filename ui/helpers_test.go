package ui

import (
	"fmt"
	"image/color"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/99designs/keyring"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// newTestStore opens a store in temporary directories with an in-memory
// keyring (no passphrase, like a desktop keyring).
func newTestStore(t testing.TB) *store.Store {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(store.Options{
		ConfigDir: dir + "/config",
		DataDir:   dir + "/data",
		Keyring:   keyring.NewArrayKeyring(nil),
		Env:       func(string) string { return "" },
		Now:       func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) },
	})
	require.NoError(t, err)
	return st
}

// probingSession is a session over st whose probes ignore the machine's
// proxy settings, for tests against a local fake provider.
func probingSession(t testing.TB, st *store.Store) *session.Session {
	t.Helper()
	sess, err := session.New(session.Options{Store: st, Probe: diagnose.Options{
		TransportOptions: client.TransportOptions{Getenv: func(string) string { return "" }},
	}})
	require.NoError(t, err)
	return sess
}

// seed adds n configurations named "config-0001"….
func seed(t testing.TB, st *store.Store, n int) {
	t.Helper()
	types := []string{"OPENAI", "ANTHROPIC", "GOOGLE", "AWS", "OTHER"}
	for i := 0; i < n; i++ {
		_, err := st.Add(t.Context(), store.Config{
			Name:              fmt.Sprintf("config-%04d", i+1),
			AIType:            types[i%len(types)],
			Endpoint:          fmt.Sprintf("https://llm-%d.example.com/v1", i),
			SecretFingerprint: "sk-proj-…abcd #1a2b3c",
		}, store.Credentials{Secret: fmt.Sprintf("sk-proj-seeded-secret-%06d-xyz", i)})
		require.NoError(t, err)
	}
}

// keypress builds a key press the way Bubble Tea v2 reports it.
func keypress(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	r := []rune(s)
	if len(r) != 1 {
		panic("keypress: unknown key " + s)
	}
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

// driver runs an App synchronously: every message goes through Update and
// every returned Cmd is executed and its messages fed back. The App's
// cosmetic timers are off (noTimers), so every Cmd is real work and the
// driver waits for it.
type driver struct {
	t    testing.TB
	app  App
	quit bool
	// frames, when non-nil, collects every rendered frame (with escape
	// sequences) for secret scans.
	frames *[]string
	// clipboard is the text the App last asked the terminal to copy
	// (tea.SetClipboard, OSC 52).
	clipboard string
}

func newDriver(t testing.TB, st *store.Store, opts Options, w, h int) *driver {
	t.Helper()
	return newDriverDeps(t, Deps{Store: st}, opts, w, h, nil)
}

// newDriverDeps starts an App over deps, recording frames when frames is
// non-nil.
func newDriverDeps(t testing.TB, deps Deps, opts Options, w, h int, frames *[]string) *driver {
	t.Helper()
	d := &driver{t: t, app: newApp(deps, opts), frames: frames}
	d.app.noTimers = true
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.send(tea.BackgroundColorMsg{Color: color.Black})
	d.run(d.app.Init())
	return d
}

func (d *driver) send(msg tea.Msg) {
	m, cmd := d.app.Update(msg)
	d.app = m.(App)
	if d.frames != nil {
		*d.frames = append(*d.frames, d.app.render())
	}
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil || isTimer(cmd) {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(20 * time.Second):
		d.t.Fatalf("a Cmd did not finish in 20 s")
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case tea.QuitMsg:
		d.quit = true
	default:
		if t := reflect.TypeOf(msg); t.Name() == "setClipboardMsg" && t.Kind() == reflect.String {
			d.clipboard = reflect.ValueOf(msg).String()
		}
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
			// tea.Sequence yields an unexported []Cmd type.
			for _, c := range v.Convert(reflect.TypeOf([]tea.Cmd(nil))).Interface().([]tea.Cmd) {
				d.run(c)
			}
			return
		}
		d.send(msg)
	}
}

func (d *driver) press(keys ...string) {
	for _, k := range keys {
		d.send(keypress(k))
	}
}

// typeText types s one key at a time.
func (d *driver) typeText(s string) {
	for _, r := range s {
		if r == ' ' {
			d.send(keypress("space"))
			continue
		}
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// paste delivers s as a bracketed paste, as a terminal does.
func (d *driver) paste(s string) { d.send(tea.PasteMsg{Content: s}) }

// screen is the rendered view without escape sequences.
func (d *driver) screen() string { return ansi.Strip(d.app.render()) }

func (d *driver) requireScreen(want string) {
	d.t.Helper()
	require.Contains(d.t, d.screen(), want, "screen:\n%s", d.screen())
}

func (d *driver) requireNoScreen(unwanted string) {
	d.t.Helper()
	require.NotContains(d.t, d.screen(), unwanted, "screen:\n%s", d.screen())
}

// clearField deletes what an input holds.
func (d *driver) clearField(n int) {
	for i := 0; i < n; i++ {
		d.press("backspace")
	}
}

func lines(s string) []string { return strings.Split(s, "\n") }

// isTimer reports whether cmd is a cursor blink or a tea.Tick/Every: Cmds
// that sleep and then reschedule themselves forever. The synchronous driver
// skips them; everything else (store and keyring I/O) is awaited.
func isTimer(cmd tea.Cmd) bool {
	name := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
	return strings.HasPrefix(name, "charm.land/bubbles/v2/cursor.") ||
		strings.HasPrefix(name, "charm.land/bubbletea/v2.Tick.") ||
		strings.HasPrefix(name, "charm.land/bubbletea/v2.Every.")
}

// requireNoSecretPieces fails when any frame holds one of the secrets or
// any 12-character piece of one.
func requireNoSecretPieces(t *testing.T, frames []string, secrets ...string) {
	t.Helper()
	for _, f := range frames {
		plain := ansi.Strip(f)
		for _, s := range secrets {
			for i := 0; i+12 <= len(s); i++ {
				require.NotContains(t, plain, s[i:i+12], "a piece of a secret or password reached the screen")
			}
		}
	}
}
