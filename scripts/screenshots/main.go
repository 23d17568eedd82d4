// Command screenshots takes the README's pictures from real runs of fbllm:
// it builds the binary, runs `fbllm` (first run) and `fbllm demo` in a
// pseudo-terminal, reads the screen through a terminal emulator, drives
// the keys a user would press, and writes each screen with its colours as
// an SVG under docs/screenshots. Nothing is downloaded and no account is
// needed: the demo is simulated and stays on this machine.
//
//	go run ./scripts/screenshots            # writes docs/screenshots/*.svg
//	go run ./scripts/screenshots -out DIR   # somewhere else
//
// main_test.go runs it in `go test ./...`, so the pictures cannot silently
// stop being reproducible.
package main

import (
	"context"
	"flag"
	"fmt"
	"image/color"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

func main() {
	out := flag.String("out", filepath.Join("docs", "screenshots"), "directory for the SVG files")
	bin := flag.String("bin", "", "fbllm binary to run (default: build it from this repository)")
	flag.Parse()
	if err := run(context.Background(), *bin, *out, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

// Size of the captured terminal.
const (
	cols = 110
	rows = 30
)

// run takes every picture into dir.
func run(ctx context.Context, bin, dir string, log io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	home, err := os.MkdirTemp("", "fbllm-screenshots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	if bin == "" {
		bin = filepath.Join(home, "fbllm")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/fbllm/fbllm")
		build.Stderr = log
		if err := build.Run(); err != nil {
			return fmt.Errorf("build fbllm: %w", err)
		}
	}
	env := []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "COLORTERM=truecolor",
		"FBLLM_CONFIG_DIR=" + filepath.Join(home, "config"), "FBLLM_DATA_DIR=" + filepath.Join(home, "data"),
		"FBLLM_KEYRING_BACKEND=file",
	}

	// The first run: where secrets go, before any is typed.
	setup, err := start(ctx, bin, env)
	if err != nil {
		return err
	}
	if err := setup.waitFor("Where should configurations live?"); err != nil {
		return err
	}
	if err := setup.save(dir, "setup", log); err != nil {
		return err
	}
	setup.close()

	demo, err := start(ctx, bin, env, "demo")
	if err != nil {
		return err
	}
	defer demo.close()
	steps := []struct {
		keys, wait, shot string
	}{
		{"", "Choose a workspace", ""},
		{"\r", "Legacy OpenAI key", ""},
		{"gjjjj", "› OpenAI GPT-4o", ""},
		{"\r", "support-bot", ""},
		{"", "calls", "browser"},
		{"\x1b", "ENDPOINT", ""}, // esc alone: esc and a key together read as alt+key
		{"k", "› Legacy OpenAI key", ""},
		{"x", "auth.invalid_secret", "troubleshoot"},
		{"\x1b", "ENDPOINT", ""},
		{"a", "AI LLM type", ""},
		{"\r", "Configuration name", ""},
		{"My OpenAI key", "My OpenAI key", ""},
		{"\r", "API endpoint", ""},
		{"\r", "OpenAI API key", ""},
		{"\x1b[200~Bearer sk-proj-ScreenshotOnlyNotARealKey0123456789abcd\n\x1b[201~", "received", ""},
		{"\r", "Review", "form"},
	}
	for _, s := range steps {
		if s.keys != "" {
			if err := demo.send(s.keys); err != nil {
				return err
			}
		}
		if err := demo.waitFor(s.wait); err != nil {
			return err
		}
		if s.shot != "" {
			if err := demo.save(dir, s.shot, log); err != nil {
				return err
			}
		}
	}
	return nil
}

// term is fbllm in a pseudo-terminal, drawn by a vt emulator.
type term struct {
	mu   sync.Mutex
	emu  *vt.Emulator
	ptmx *os.File
	cmd  *exec.Cmd
}

func start(ctx context.Context, bin string, env []string, args ...string) (*term, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: cols, Rows: rows})
	if err != nil {
		return nil, fmt.Errorf("start %s in a pseudo-terminal: %w", strings.Join(append([]string{"fbllm"}, args...), " "), err)
	}
	t := &term{emu: vt.NewEmulator(cols, rows), ptmx: ptmx, cmd: cmd}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := ptmx.Read(buf)
			if n > 0 {
				t.mu.Lock()
				_, _ = t.emu.Write(buf[:n])
				t.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	// The emulator answers the program's queries (background colour,
	// modes) as a real terminal would.
	go func() { _, _ = io.Copy(ptmx, t.emu) }()
	return t, nil
}

func (t *term) send(keys string) error {
	_, err := t.ptmx.Write([]byte(keys))
	return err
}

// waitFor polls the screen for text; the program draws asynchronously.
func (t *term) waitFor(text string) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		t.mu.Lock()
		s := t.emu.String()
		t.mu.Unlock()
		if strings.Contains(s, text) {
			// Let the frame that brought the text finish drawing.
			time.Sleep(150 * time.Millisecond)
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return fmt.Errorf("the screen never showed %q:\n%s", text, t.emu.String())
}

func (t *term) close() {
	_ = t.cmd.Process.Kill()
	_ = t.cmd.Wait()
	_ = t.ptmx.Close()
	_ = t.emu.InputPipe().(io.Closer).Close()
}

func (t *term) save(dir, name string, log io.Writer) error {
	t.mu.Lock()
	svg := renderSVG(t.emu)
	t.mu.Unlock()
	p := filepath.Join(dir, name+".svg")
	if err := os.WriteFile(p, []byte(svg), 0o644); err != nil {
		return err
	}
	fmt.Fprintln(log, "wrote", p)
	return nil
}

// Look of the pictures: a dark window with the terminal's cells.
const (
	cellW    = 8.6
	cellH    = 18.0
	fontSize = 14.0
	pad      = 16.0
	barH     = 28.0
)

var (
	defaultFg = color.RGBA{0xe6, 0xe6, 0xef, 0xff}
	defaultBg = color.RGBA{0x1d, 0x1d, 0x27, 0xff}
)

// renderSVG draws the emulator's screen: one <text> per run of cells with
// the same style, a <rect> behind runs with a background colour.
func renderSVG(emu *vt.Emulator) string {
	w := pad*2 + cellW*float64(emu.Width())
	h := barH + pad*2 + cellH*float64(emu.Height())
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" rx="10" fill="%s"/>`+"\n", hex(defaultBg))
	for i, c := range []string{"#ff5f57", "#febc2e", "#28c840"} {
		fmt.Fprintf(&b, `<circle cx="%.0f" cy="%.0f" r="6" fill="%s"/>`+"\n", pad+float64(i)*20+6, barH/2+4, c)
	}
	fmt.Fprintf(&b, `<g font-family="ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace" font-size="%.0f" xml:space="preserve">`+"\n", fontSize)
	for y := 0; y < emu.Height(); y++ {
		top := barH + pad + cellH*float64(y)
		for x := 0; x < emu.Width(); {
			c := emu.CellAt(x, y)
			if c == nil || c.Width == 0 {
				x++
				continue
			}
			run, n := collect(emu, x, y)
			fg, bg, st := colors(c)
			left := pad + cellW*float64(x)
			if bg != nil {
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", left, top, cellW*float64(n), cellH, hex(bg))
			}
			if text := strings.TrimRight(run, " "); text != "" {
				// textLength pins the run to its cells whatever monospace
				// font the viewer has, so columns stay aligned.
				width := cellW * float64(n-(len(run)-len(text)))
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s" textLength="%.1f" lengthAdjust="spacingAndGlyphs"%s>%s</text>`+"\n",
					left, top+cellH-5, hex(fg), width, st, escape(text))
			}
			x += n
		}
	}
	b.WriteString("</g>\n</svg>\n")
	return b.String()
}

// collect returns the text of the run of cells from x that share the
// style of the cell at x, and how many columns it covers.
func collect(emu *vt.Emulator, x0, y int) (string, int) {
	first := emu.CellAt(x0, y)
	var b strings.Builder
	x := x0
	for x < emu.Width() {
		c := emu.CellAt(x, y)
		if c == nil {
			break
		}
		if c.Width == 0 {
			x++
			continue
		}
		if !c.Style.Equal(&first.Style) {
			break
		}
		content := c.Content
		if content == "" {
			content = " "
		}
		b.WriteString(content)
		x += c.Width
	}
	return b.String(), x - x0
}

// colors resolves a cell's colours and text attributes.
func colors(c *uv.Cell) (fg, bg color.Color, attrs string) {
	fg, bg = c.Style.Fg, c.Style.Bg
	if fg == nil {
		fg = defaultFg
	}
	if c.Style.Attrs&uv.AttrReverse != 0 {
		fg, bg = bg, fg
		if fg == nil {
			fg = defaultBg
		}
	}
	if c.Style.Attrs&uv.AttrBold != 0 {
		attrs += ` font-weight="bold"`
	}
	if c.Style.Attrs&uv.AttrFaint != 0 {
		attrs += ` opacity="0.6"`
	}
	if c.Style.Attrs&uv.AttrItalic != 0 {
		attrs += ` font-style="italic"`
	}
	return fg, bg, attrs
}

func hex(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
