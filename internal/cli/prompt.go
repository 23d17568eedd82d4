package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/fbllm/fbllm/store"
)

// errNoTTY means a prompt was needed but there is no terminal to ask on.
var errNoTTY = errors.New("no terminal to prompt on")

// readHidden reads one line from the terminal without echo. It honours ctx
// (ctrl+c), restoring the terminal's echo state either way: a blocked
// ReadPassword would otherwise leave echo off after we exit.
func readHidden(ctx context.Context, tty *os.File, prompt string) (string, error) {
	if !term.IsTerminal(tty.Fd()) {
		// Not a terminal (a test's pipe): there is no echo to turn off.
		return readLine(ctx, tty, prompt)
	}
	fmt.Fprint(tty, prompt)
	state, err := term.GetState(tty.Fd())
	if err != nil {
		return "", fmt.Errorf("read terminal state: %w", err)
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(tty.Fd())
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		fmt.Fprintln(tty)
		return strings.TrimRight(string(r.b), "\r\n"), r.err
	case <-ctx.Done():
		_ = term.Restore(tty.Fd(), state)
		fmt.Fprintln(tty)
		return "", ctx.Err()
	}
}

// readLine reads one visible line from the terminal, honouring ctx.
func readLine(ctx context.Context, tty *os.File, prompt string) (string, error) {
	fmt.Fprint(tty, prompt)
	done := make(chan string, 1)
	go func() { done <- readRawLine(tty) }()
	select {
	case s := <-done:
		return strings.TrimSpace(s), nil
	case <-ctx.Done():
		fmt.Fprintln(tty)
		return "", ctx.Err()
	}
}

// readRawLine reads up to a newline one byte at a time. A buffered reader
// would swallow the lines after the first when the input is not a
// line-disciplined terminal, and every prompt makes a new reader.
func readRawLine(r io.Reader) string {
	var b strings.Builder
	buf := make([]byte, 1)
	for b.Len() < 4096 {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			break
		}
	}
	return b.String()
}

// unlock makes sure the keyring can take or give a secret. For the
// encrypted-file backend that needs the passphrase: from
// FBLLM_KEYRING_PASSPHRASE (the store reads it), else typed on the terminal.
// A wrong passphrase is refused before anything is written.
func (c *cli) unlock(ctx context.Context, st *store.Store) error {
	info, err := st.Backend(ctx)
	if err != nil {
		return err
	}
	if !info.NeedsPassphrase || !st.Locked() {
		return nil
	}
	if c.env.getenv("FBLLM_KEYRING_PASSPHRASE") != "" {
		// The store tried it and it did not unlock the keyring: say why
		// (wrong, too short, a missing verifier…).
		return st.LockReason(ctx)
	}
	if c.noInput {
		return store.ErrLocked
	}
	tty, err := c.env.openTTY()
	if err != nil {
		return store.ErrLocked
	}
	defer tty.Close()

	set, err := st.PassphraseSet(ctx)
	if err != nil {
		return err
	}
	if !set {
		fmt.Fprintf(tty, "Secrets are stored in an encrypted file at %s.\nChoose a passphrase (at least 8 characters). It cannot be recovered.\n", info.Location)
		for {
			p1, err := readNewPassphrase(ctx, tty, "New keyring passphrase: ")
			if err != nil {
				return err
			}
			if err := st.InitPassphrase(ctx, p1); errors.Is(err, store.ErrWeakPassphrase) {
				fmt.Fprintln(tty, "Too short: use at least 8 characters.")
				continue
			} else {
				return err
			}
		}
	}
	for attempt := 1; ; attempt++ {
		p, err := readHidden(ctx, tty, fmt.Sprintf("Passphrase for the keyring in %s: ", info.Location))
		if err != nil {
			return err
		}
		err = st.Unlock(ctx, p)
		switch {
		case attempt == 3:
			return err
		case errors.Is(err, store.ErrWrongPassphrase):
			fmt.Fprintln(tty, "Wrong passphrase; nothing was changed. Try again.")
		case errors.Is(err, store.ErrWeakPassphrase):
			fmt.Fprintf(tty, "Too short to be the passphrase (it has at least %d characters). Try again.\n", store.MinPassphraseLen)
		default:
			return err
		}
	}
}

// confirm asks a yes/no question on the terminal; only y/yes confirms.
func (c *cli) confirm(ctx context.Context, question string) (bool, error) {
	if c.noInput {
		return false, errNoTTY
	}
	tty, err := c.env.openTTY()
	if err != nil {
		return false, errNoTTY
	}
	defer tty.Close()
	answer, err := readLine(ctx, tty, question+" [y/N] ")
	if err != nil {
		return false, err
	}
	a := strings.ToLower(answer)
	return a == "y" || a == "yes", nil
}

// readSecretLine reads one line from r (the --secret-stdin source), capped
// so a mistaken pipe of a large file cannot exhaust memory.
func readSecretLine(r io.Reader) (string, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, 64<<10), 4096)
	line, err := br.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read secret from stdin: %w", err)
	}
	return line, nil
}

// readNewPassphrase asks for a new passphrase twice, until both agree.
func readNewPassphrase(ctx context.Context, tty *os.File, prompt string) (string, error) {
	for {
		p1, err := readHidden(ctx, tty, prompt)
		if err != nil {
			return "", err
		}
		p2, err := readHidden(ctx, tty, "Repeat it: ")
		if err != nil {
			return "", err
		}
		if p1 == p2 {
			return p1, nil
		}
		fmt.Fprintln(tty, "The passphrases differ; try again.")
	}
}
