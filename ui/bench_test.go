package ui

import (
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/store"
)

// browserApp returns an App showing the browser with n configurations at
// w×h, without I/O.
func browserApp(b *testing.B, n, w, h int) App {
	b.Helper()
	d := newDriver(b, newTestStore(b), Options{}, w, h)
	d.send(storeLoadedMsg{backend: goldenBackend, settings: store.Settings{Mode: "local"}, configs: goldenConfigs(n)})
	if d.app.screen != screenBrowser {
		b.Fatalf("not on the browser: %s", d.app.screen)
	}
	return d.app
}

// BenchmarkBrowserCursorMove measures one cursor move (Update) plus the
// frame it produces (View) with 10,000 configurations. Target: ≤ 2 ms.
func BenchmarkBrowserCursorMove(b *testing.B) {
	a := browserApp(b, 10_000, 100, 40)
	down, up := keypress("down"), keypress("up")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := down
		if i%200 >= 100 {
			k = up
		}
		m, _ := a.Update(k)
		a = m.(App)
		_ = a.View()
	}
}

// BenchmarkBrowserFilterKeystroke measures one keystroke in the filter
// (type or delete a character: a full pass over 10,000 names) plus View.
// Target: ≤ 16 ms.
func BenchmarkBrowserFilterKeystroke(b *testing.B) {
	a := browserApp(b, 10_000, 100, 40)
	m, _ := a.Update(keypress("/"))
	a = m.(App)
	keys := []tea.KeyPressMsg{keypress("c"), keypress("l"), keypress("backspace"), keypress("backspace")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m, _ := a.Update(keys[i%len(keys)])
		a = m.(App)
		_ = a.View()
	}
}

// frameWriter counts the bytes the renderer writes and signals each write.
type frameWriter struct {
	mu    sync.Mutex
	n     int
	wrote chan struct{}
}

func (w *frameWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.n += len(p)
	w.mu.Unlock()
	select {
	case w.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (w *frameWriter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// settle waits for a write and then for the output to go quiet, so one
// key's whole frame is counted.
func (w *frameWriter) settle(first time.Duration) {
	select {
	case <-w.wrote:
	case <-time.After(first):
		return
	}
	for {
		select {
		case <-w.wrote:
		case <-time.After(40 * time.Millisecond):
			return
		}
	}
}

// staticApp wraps App without its start-up load, so the benchmark measures
// only the keystrokes.
type staticApp struct{ App }

func (s staticApp) Init() tea.Cmd { return nil }
func (s staticApp) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := s.App.Update(msg)
	return staticApp{m.(App)}, cmd
}

// BenchmarkBrowserBytesPerCursorMove runs the real Bubble Tea renderer over
// a counting writer (1,000 configurations, 100×40, 256 colours) and reports
// the bytes written per cursor move. Target: ≤ 120 B. "in-page" moves stay
// inside the visible rows; "scrolling" moves each shift the list by a row.
func BenchmarkBrowserBytesPerCursorMove(b *testing.B) {
	for _, mode := range []string{"in-page", "scrolling"} {
		b.Run(mode, func(b *testing.B) {
			a := browserApp(b, 1000, 100, 40)
			if mode == "scrolling" {
				for range a.browser.listHeight() + 1 {
					m, _ := a.Update(keypress("down"))
					a = m.(App)
				}
			}
			w := &frameWriter{wrote: make(chan struct{}, 1)}
			p := tea.NewProgram(staticApp{a},
				tea.WithInput(nil), tea.WithOutput(w), tea.WithWindowSize(100, 40),
				tea.WithColorProfile(colorprofile.ANSI256), tea.WithoutSignals())
			done := make(chan error, 1)
			go func() { _, err := p.Run(); done <- err }()
			w.settle(2 * time.Second) // first full frame

			moves, total := 0, 0
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				k := "down"
				if mode == "in-page" && i%20 >= 10 {
					k = "up"
				}
				before := w.count()
				p.Send(keypress(k))
				w.settle(time.Second)
				total += w.count() - before
				moves++
			}
			b.StopTimer()
			b.ReportMetric(float64(total)/float64(moves), "B/move")
			p.Quit()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		})
	}
}

// formProgram runs the form screen (on the name field) through the real
// renderer at 100×40 and returns the program, its writer and the size of
// the first full frame.
func formProgram(t testing.TB) (*tea.Program, *frameWriter, int, func()) {
	d := newDriver(t, newTestStore(t), Options{}, 100, 40)
	d.send(storeLoadedMsg{backend: goldenBackend, settings: store.Settings{Mode: "local"}})
	d.press("a", "enter")
	if d.app.screen != screenForm {
		t.Fatalf("not on the form: %s", d.app.screen)
	}
	w := &frameWriter{wrote: make(chan struct{}, 1)}
	p := tea.NewProgram(staticApp{d.app},
		tea.WithInput(nil), tea.WithOutput(w), tea.WithWindowSize(100, 40),
		tea.WithColorProfile(colorprofile.ANSI256), tea.WithoutSignals())
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	w.settle(2 * time.Second)
	return p, w, w.count(), func() {
		p.Quit()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkFormBytesPerKeystroke reports the bytes written per character
// typed into the form's name field (real renderer, 100×40, 256 colours).
func BenchmarkFormBytesPerKeystroke(b *testing.B) {
	p, w, _, stop := formProgram(b)
	defer stop()
	keys, total, n := "configuration", 0, 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := keypress(string(keys[i%len(keys)]))
		if i%len(keys) == len(keys)-1 {
			k = keypress("backspace") // keep the field from growing forever
		}
		before := w.count()
		p.Send(k)
		w.settle(time.Second)
		total += w.count() - before
		n++
	}
	b.StopTimer()
	b.ReportMetric(float64(total)/float64(n), "B/key")
}

// TestFormKeystrokeIsNotARepaint checks over the real renderer that typing
// in the form sends a small diff, not the screen again: over SSH a full
// repaint per key is what makes a TUI feel slow.
func TestFormKeystrokeIsNotARepaint(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the renderer frame by frame; skipped with -short")
	}
	p, w, full, stop := formProgram(t)
	defer stop()
	worst := 0
	for _, r := range "prod-eu" {
		before := w.count()
		p.Send(keypress(string(r)))
		w.settle(time.Second)
		worst = max(worst, w.count()-before)
	}
	t.Logf("first frame %d B, worst keystroke %d B", full, worst)
	require.Less(t, worst, full/5, "a keystroke rewrote most of the screen")
}

// BenchmarkFormKeystroke measures one character typed into the form's name
// field: Update plus the frame it produces (View).
func BenchmarkFormKeystroke(b *testing.B) {
	d := newDriver(b, newTestStore(b), Options{}, 100, 40)
	d.send(storeLoadedMsg{backend: goldenBackend, settings: store.Settings{Mode: "local"}})
	d.press("a", "enter")
	a := d.app
	keys := []tea.KeyPressMsg{keypress("x"), keypress("backspace")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m, _ := a.Update(keys[i%len(keys)])
		a = m.(App)
		_ = a.View()
	}
}
