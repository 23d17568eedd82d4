package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"charm.land/huh/v2"
	"github.com/charmbracelet/x/term"

	"github.com/fbllm/fbllm/forms"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// accessibleSession runs fbllm's flows as plain, sequential prompts: no
// alternate screen, no animation, no colour, one question per line. It is
// what FBLLM_ACCESSIBLE=1 and TERM=dumb get. There is no update loop here,
// so store calls are made directly, each with its own timeout.
type accessibleSession struct {
	ctx  context.Context
	st   *store.Store
	w    io.Writer
	r    io.Reader
	opts Options

	backend store.BackendInfo
	result  Result
}

// RunAccessible runs the same flows as Run as line-by-line prompts that a
// screen reader can follow (FBLLM_ACCESSIBLE=1 or TERM=dumb). Secrets are
// read without echo, which needs a terminal on Input.
//
// The prompts block in line reads that cannot be interrupted, so the session
// runs in its own goroutine: on ctrl+c (ctx cancelled) RunAccessible
// restores the terminal — a hidden-input prompt turns echo off — and returns
// ErrCancelled at once, leaving the blocked read behind as the process exits.
func RunAccessible(ctx context.Context, deps Deps, opts Options) (Result, error) {
	s := &accessibleSession{ctx: ctx, st: deps.Store, w: opts.Output, r: opts.Input, opts: opts}
	if s.w == nil {
		s.w = os.Stderr
	}
	if s.r == nil {
		s.r = os.Stdin
	}
	var restore func()
	if f, ok := s.r.(*os.File); ok && term.IsTerminal(f.Fd()) {
		if state, err := term.GetState(f.Fd()); err == nil {
			restore = func() { _ = term.Restore(f.Fd(), state) }
		}
	}
	done := make(chan error, 1)
	go func() { done <- s.run() }()
	select {
	case err := <-done:
		return s.result, err
	case <-ctx.Done():
		if restore != nil {
			restore()
		}
		fmt.Fprintln(s.w)
		return Result{}, ErrCancelled
	}
}

func (s *accessibleSession) run() error {
	ctx, cancel := context.WithTimeout(s.ctx, keyringBudget)
	info, err := s.st.Backend(ctx)
	cancel()
	if err != nil {
		return fmt.Errorf("no usable keyring: %w", err)
	}
	s.backend = info
	settings, _ := s.st.Settings()
	cfgs, listErr := s.st.List()
	if listErr != nil {
		fmt.Fprintln(s.w, "Warning: "+errorText("Could not read configurations: ", listErr))
	}

	switch {
	case s.opts.Start == StartAdd:
		return s.add(false)
	case s.opts.Start == StartEdit:
		c, err := s.st.Resolve(s.opts.EditRef)
		if err != nil {
			return err
		}
		return s.edit(c)
	case s.opts.Start == StartSetup || session.FirstRun(settings, len(cfgs)):
		fmt.Fprintln(s.w, "Welcome to fbllm. Let's add your first AI LLM configuration.")
		fmt.Fprintln(s.w, "Configurations are kept on this machine. Secrets go to: "+backendSentence(info)+".")
		fmt.Fprintln(s.w, "Signing in to a Flashback workspace is not available in this version.")
		ok := true
		if err := s.ask(huh.NewConfirm().Title("Continue and keep configurations on this machine?").Value(&ok)); err != nil {
			return err
		}
		if !ok {
			return ErrCancelled
		}
		if err := s.add(true); err != nil {
			return err
		}
	}
	return s.menu()
}

// ask runs one huh field in accessible mode.
func (s *accessibleSession) ask(f huh.Field) error {
	f.WithTheme(huh.ThemeFunc(huh.ThemeBase))
	f.Init()
	f.Focus()
	err := f.RunAccessible(s.w, s.r)
	fmt.Fprintln(s.w)
	return err
}

// menu is the accessible counterpart of the browser.
func (s *accessibleSession) menu() error {
	for {
		cfgs, err := s.st.List()
		if err != nil {
			return err
		}
		fmt.Fprintf(s.w, "%d configuration(s) on this machine; secrets in the %s.\n", len(cfgs), store.BackendLabel(s.backend.Name))
		for i, c := range cfgs {
			fmt.Fprintf(s.w, "%d. %s — %s — %s — secret %s\n", i+1, c.Name, c.AIType, c.Endpoint, orNone(c.SecretFingerprint))
		}
		action := "add"
		opts := []huh.Option[string]{huh.NewOption("Add a configuration", "add")}
		if len(cfgs) > 0 {
			opts = append(opts,
				huh.NewOption("Show details", "show"),
				huh.NewOption("Edit or rotate a configuration", "edit"),
				huh.NewOption("Delete a configuration", "delete"))
		}
		opts = append(opts, huh.NewOption("Quit", "quit"))
		if err := s.ask(huh.NewSelect[string]().Title("What next?").Options(opts...).Value(&action)); err != nil {
			return err
		}
		if action == "quit" {
			return nil
		}
		if action == "add" {
			if err := s.add(false); err != nil && !errors.Is(err, ErrCancelled) {
				fmt.Fprintln(s.w, "Not saved: "+err.Error())
			}
			continue
		}
		c, err := s.pick(cfgs)
		if err != nil {
			return err
		}
		switch action {
		case "show":
			for _, f := range session.Details(session.LocalItem(c), store.BackendLabel(s.backend.Name)) {
				fmt.Fprintf(s.w, "%s: %s\n", f.Label, f.Value)
			}
			fmt.Fprintln(s.w)
		case "edit":
			if err := s.edit(c); err != nil && !errors.Is(err, ErrCancelled) {
				fmt.Fprintln(s.w, "Not saved: "+err.Error())
			}
		case "delete":
			ok := false
			if err := s.ask(huh.NewConfirm().Title(fmt.Sprintf("Delete %q and its secret? This cannot be undone.", c.Name)).Value(&ok)); err != nil {
				return err
			}
			if ok {
				// Deleting is a change like any other: the passphrase first.
				err := s.unlock()
				if err == nil {
					ctx, cancel := context.WithTimeout(s.ctx, keyringBudget)
					err = s.st.Delete(ctx, c.ID)
					cancel()
				}
				if err != nil {
					fmt.Fprintln(s.w, "Could not delete: "+err.Error())
				} else {
					s.result.Changes = append(s.result.Changes, Change{Action: "deleted", Item: session.LocalItem(c)})
					fmt.Fprintf(s.w, "Deleted %q.\n\n", c.Name)
				}
			}
		}
	}
}

func (s *accessibleSession) pick(cfgs []store.Config) (store.Config, error) {
	idx := 0
	opts := make([]huh.Option[int], len(cfgs))
	for i, c := range cfgs {
		opts[i] = huh.NewOption(c.Name, i)
	}
	err := s.ask(huh.NewSelect[int]().Title("Which configuration?").Options(opts...).Value(&idx))
	return cfgs[idx], err
}

func (s *accessibleSession) dest() string {
	return "this machine · " + store.BackendLabel(s.backend.Name)
}

func (s *accessibleSession) add(markSetup bool) error {
	if err := s.unlock(); err != nil {
		return err
	}
	d := input.NewDraft(s.st.Names(store.DefaultWorkspace), s.dest())
	return s.fill(d, nil, markSetup)
}

func (s *accessibleSession) edit(c store.Config) error {
	d := input.DraftFromConfig(c.Name, c.AIType, c.Endpoint, c.KeyFingerprint, c.SecretFingerprint, s.st.Names(c.Workspace), s.dest())
	return s.fill(d, &c, false)
}

// fill asks the form questions and saves the answers.
func (s *accessibleSession) fill(d *input.Draft, editing *store.Config, markSetup bool) error {
	ok, err := forms.RunAccessible(d, s.w, s.r)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(s.w, "Not saved.")
		return ErrCancelled
	}
	res, err := d.Result()
	if err != nil {
		return err
	}
	// Accessible mode keeps configurations on this machine; Flashback
	// workspaces are managed with the CLI (fbllm add --store flashback).
	var edit *session.Item
	if editing != nil {
		it := session.LocalItem(*editing)
		edit = &it
	}
	req := newSaveRequest(res, edit, session.Destination{Store: session.StoreLocal})
	if req.needsKeyring() {
		if err := s.unlock(); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(s.ctx, keyringBudget)
	defer cancel()
	sess, err := session.New(session.Options{Store: s.st})
	if err != nil {
		return err
	}
	cfg, err := saveConfig(ctx, sess, req)
	if err != nil {
		return err
	}
	if markSetup {
		_ = sess.RecordSetup(session.Destination{Store: session.StoreLocal})
	}
	s.result.Saved = &cfg
	action := "saved"
	if edit != nil {
		action = "updated"
		if req.rotates() {
			action = "rotated"
		}
	}
	s.result.Changes = append(s.result.Changes, Change{Action: action, Item: cfg})
	backend := s.backend.Name
	if cfg.Local != nil {
		backend = cfg.Local.SecretBackend
	}
	fmt.Fprintf(s.w, "Saved %q; its secret is in the %s.\n\n", cfg.Name, store.BackendLabel(backend))
	return nil
}

// unlock asks for the encrypted-file keyring's passphrase when needed.
func (s *accessibleSession) unlock() error {
	if !s.backend.NeedsPassphrase || !s.st.Locked() {
		return nil
	}
	ctx, cancel := context.WithTimeout(s.ctx, keyringBudget)
	set, err := s.st.PassphraseSet(ctx)
	cancel()
	if err != nil {
		return err
	}
	for attempt := 1; attempt <= 3; attempt++ {
		var p1, p2 string
		title := "Keyring passphrase for " + s.backend.Location + " (typing is hidden):"
		if !set {
			title = "Choose a keyring passphrase, at least 8 characters; it cannot be recovered (typing is hidden):"
		}
		if err := s.ask(huh.NewInput().Title(title).EchoMode(huh.EchoModePassword).Value(&p1)); err != nil {
			return err
		}
		if !set {
			if err := s.ask(huh.NewInput().Title("Repeat the passphrase:").EchoMode(huh.EchoModePassword).Value(&p2)); err != nil {
				return err
			}
			if p1 != p2 {
				fmt.Fprintln(s.w, "The passphrases differ; try again.")
				continue
			}
		}
		ctx, cancel := context.WithTimeout(s.ctx, keyringBudget)
		if set {
			err = s.st.Unlock(ctx, p1)
		} else {
			err = s.st.InitPassphrase(ctx, p1)
		}
		cancel()
		switch {
		case err == nil:
			return nil
		case errors.Is(err, store.ErrWrongPassphrase):
			fmt.Fprintln(s.w, "Wrong passphrase; nothing was changed.")
		case errors.Is(err, store.ErrWeakPassphrase):
			fmt.Fprintln(s.w, "Too short: use at least 8 characters.")
		default:
			return err
		}
	}
	return store.ErrWrongPassphrase
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return s
}
