package ui

import (
	"context"
	"errors"
	"io"

	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/keyscan"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// ErrCancelled is returned when the user cancels (ctrl+c, or esc out of a
// single-purpose form). It is a context.Canceled, so it explains as the
// catalog's "cancelled" (exit code 130) like every other cancellation.
var ErrCancelled error = cancelledError{}

type cancelledError struct{}

func (cancelledError) Error() string        { return "cancelled" }
func (cancelledError) Is(target error) bool { return target == context.Canceled }

// Deps are the UI's dependencies, passed explicitly.
type Deps struct {
	Store *store.Store
	// Session joins the store with Flashback; nil means local only (a
	// session over Store without any environment).
	Session *session.Session
	// Scan says where this machine may keep provider keys in clear, for
	// the import checklist and the first-run offer; nil turns both off
	// (the demo must not read the user's files, nor tests the machine's).
	Scan *keyscan.Options
}

// Start selects the first screen of a session.
type Start int

const (
	// StartAuto opens the first-run setup when nothing is configured yet,
	// otherwise the browser.
	StartAuto Start = iota
	// StartSetup always opens the setup.
	StartSetup
	// StartAdd opens the form for one new configuration and ends after it.
	StartAdd
	// StartEdit opens the form prefilled with EditRef and ends after it.
	StartEdit
)

// Options configure a TUI session.
type Options struct {
	Start   Start
	EditRef string
	// Input and Output are the terminal. Output may differ from stdout: the
	// CLI draws on stderr when stdout is piped.
	Input  io.Reader
	Output io.Writer
	// Env is the environment Bubble Tea reads (TERM, NO_COLOR, …).
	Env []string
	// ProgramOptions are appended last (tests use them for a fixed size).
	ProgramOptions []tea.ProgramOption
}

// Run runs the TUI until the user quits. It returns ErrCancelled when the
// user interrupted the session.
func Run(ctx context.Context, deps Deps, opts Options) (Result, error) {
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	if opts.Env != nil {
		popts = append(popts, tea.WithEnvironment(opts.Env))
	}
	popts = append(popts, opts.ProgramOptions...)

	p := tea.NewProgram(newApp(deps, opts), popts...)
	final, err := p.Run()
	if err != nil {
		if errors.Is(err, tea.ErrInterrupted) || errors.Is(err, context.Canceled) {
			return Result{}, ErrCancelled
		}
		return Result{}, err
	}
	a, ok := final.(App)
	if !ok {
		return Result{}, errors.New("unexpected final model")
	}
	if a.interrupted {
		return a.result, ErrCancelled
	}
	if a.result.Cancelled {
		return a.result, ErrCancelled
	}
	return a.result, nil
}
