package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/session"
)

// mfaAttempts is how many second-factor codes login accepts before giving
// up: an authenticator code may expire while it is typed.
const mfaAttempts = 3

func (c *cli) loginCmd() *cobra.Command {
	var (
		email      string
		tokenStdin bool
	)
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to Flashback (email, masked password, second factor when asked)",
		Long: `Sign in to Flashback. The email is asked for (or given with --email), the
password is read from the terminal without echo, then the code of the second
factor when the account has one. The refresh token is kept in the keyring
(the encrypted-file keyring may ask for its passphrase first); the password
is never stored.

--token-stdin reads an access token (from the web app, or a CI secret) from
the first line of stdin and checks it with the platform. fbllm does not store
it: access tokens expire and cannot be refreshed, so a stored one would sign
you out silently. Export it as FLASHBACK_TOKEN for the commands that follow.`,
		Example: `  fbllm login
  fbllm login --email dana@example.com
  printf %s "$TOKEN" | fbllm login --token-stdin && export FLASHBACK_TOKEN="$TOKEN"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if tokenStdin {
				return c.loginToken(cmd.Context())
			}
			return c.loginPassword(cmd.Context(), strings.TrimSpace(email))
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the account's `EMAIL` (the password is always asked for on the terminal)")
	cmd.Flags().BoolVar(&tokenStdin, "token-stdin", false, "check an access token read from stdin instead of signing in (see above)")
	cmd.MarkFlagsMutuallyExclusive("email", "token-stdin")
	return cmd
}

// loginPassword signs in interactively. Every answer is read from the
// terminal, never from argv or stdin, so a password cannot land in shell
// history or a pipe by mistake.
func (c *cli) loginPassword(ctx context.Context, email string) error {
	if c.noInput {
		return usageErrorf("signing in needs a terminal for the password; --no-input was given (scripts: fbllm login --token-stdin, or FLASHBACK_TOKEN)")
	}
	tty, err := c.env.openTTY()
	if err != nil {
		return usageErrorf("signing in needs a terminal for the password (scripts: fbllm login --token-stdin, or FLASHBACK_TOKEN)")
	}
	defer tty.Close()
	sess, err := c.session()
	if err != nil {
		return err
	}
	if sess.TokenFromEnv() {
		c.notef("warning: FLASHBACK_TOKEN is set and replaces the stored sign-in until you unset it")
	}
	// The refresh token goes into the keyring: unlock it before asking for
	// the password, so a wrong passphrase costs no sign-in.
	if err := c.unlock(ctx, sess.Store()); err != nil {
		return err
	}
	fmt.Fprintf(tty, "Signing in to Flashback at %s\n", sess.APIURL())
	if email == "" {
		if email, err = readLine(ctx, tty, "Email: "); err != nil {
			return err
		}
		if email == "" {
			return usageErrorf("no email given")
		}
	}
	password, err := readHidden(ctx, tty, "Password: ")
	if err != nil {
		return err
	}
	if password == "" {
		return usageErrorf("no password given")
	}
	id, err := sess.SignIn(ctx, email, password)
	var mfa *client.MFARequiredError
	if errors.As(err, &mfa) {
		id, err = c.secondFactor(ctx, sess, tty, mfa.Challenge)
	}
	if err != nil {
		return err
	}
	c.reportSignIn(ctx, sess, id)
	return nil
}

// secondFactor asks for the code of the challenge's method, allowing a few
// tries because authenticator codes roll over.
func (c *cli) secondFactor(ctx context.Context, sess *session.Session, tty *os.File, ch *client.MFAChallenge) (client.Identity, error) {
	if !ch.Terminal() {
		return client.Identity{}, &client.LoginError{Email: ch.Email,
			Message: "this account's second factor is a passkey, which a terminal cannot use: sign in in the web app, then use `fbllm login --token-stdin` or FLASHBACK_TOKEN"}
	}
	for attempt := 1; ; attempt++ {
		var code string
		var err error
		if ch.Method == client.MFAMagicLink {
			// The link's token signs in on its own: keep it off the screen.
			code, err = readHidden(ctx, tty, "Token from the sign-in link we emailed you: ")
		} else {
			code, err = readLine(ctx, tty, "Code from your authenticator app: ")
		}
		if err != nil {
			return client.Identity{}, err
		}
		id, err := sess.VerifyMFA(ctx, ch, strings.ReplaceAll(code, " ", ""))
		if !errors.Is(err, client.ErrInvalidMFACode) || attempt == mfaAttempts {
			return id, err
		}
		fmt.Fprintln(tty, "That code was not accepted; try the next one.")
	}
}

// loginToken checks an access token read from stdin. It is not stored (see
// the command's help): a second session reads it as FLASHBACK_TOKEN would.
func (c *cli) loginToken(ctx context.Context) error {
	line, err := readSecretLine(c.env.stdin)
	if err != nil {
		return err
	}
	token := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "Bearer "))
	if token == "" {
		return usageErrorf("--token-stdin read an empty line")
	}
	st, err := c.store()
	if err != nil {
		return err
	}
	sess, err := session.New(session.Options{Store: st, TokenOrigin: "read by --token-stdin", Getenv: func(k string) string {
		if k == session.EnvToken {
			return token
		}
		return c.env.getenv(k)
	}})
	if err != nil {
		return err
	}
	id, err := sess.Identity(ctx)
	if err == nil {
		// A token can decode and still be refused: ask the platform.
		_, err = sess.Workspaces(ctx)
	}
	if err != nil {
		return err
	}
	c.reportSignIn(ctx, sess, id)
	c.notef("The token is not stored: export it as FLASHBACK_TOKEN for the next commands.")
	return nil
}

// reportSignIn says who is signed in and which workspace commands will use.
func (c *cli) reportSignIn(ctx context.Context, sess *session.Session, id client.Identity) {
	who := id.Email
	if id.Name != "" {
		who = fmt.Sprintf("%s <%s>", id.Name, id.Email)
	}
	fmt.Fprintf(c.env.stdout, "✓ Signed in to Flashback as %s\n", who)
	w, err := sess.CurrentWorkspace(ctx)
	var choose *session.ChooseWorkspaceError
	switch {
	case err == nil:
		fmt.Fprintf(c.env.stdout, "  Workspace: %s (%s)\n", w.Name, strings.ToUpper(w.Role.String()))
	case errors.As(err, &choose):
		names := make([]string, len(choose.Workspaces))
		for i, w := range choose.Workspaces {
			names[i] = w.Name
		}
		fmt.Fprintf(c.env.stdout, "  %d workspaces (%s): choose one with `fbllm use WORKSPACE`\n", len(names), strings.Join(names, ", "))
	default:
		fmt.Fprintf(c.env.stdout, "  Workspace: none (%s)\n", classify(err, c.noInput).Error())
	}
}

func (c *cli) logoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Sign out of Flashback and forget the stored tokens",
		Long: `Sign out of Flashback: end the session on the platform (best effort), delete
the refresh token from the keyring and forget a remembered keyring
passphrase. Running it when not signed in does nothing and succeeds.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			sess, err := c.session()
			if err != nil {
				return err
			}
			st := sess.Store()
			if sess.StoredSignIn() {
				// Deleting the sign-in from the keyring is a change like
				// any other: the passphrase first, and nothing is changed
				// (not even the platform session) without it.
				if err := c.unlock(ctx, st); err != nil {
					return err
				}
			}
			acct, had, _ := st.FlashbackTokens().Account(ctx)
			err = sess.SignOut(ctx)
			if err != nil && client.Code(err) == "" {
				return err
			}
			if err != nil {
				c.notef("warning: the platform session could not be ended (%v); it expires on its own", err)
			}
			switch {
			case had && acct.Email != "":
				fmt.Fprintf(c.env.stdout, "✓ Signed out %s\n", acct.Email)
			case had:
				fmt.Fprintln(c.env.stdout, "✓ Signed out")
			default:
				fmt.Fprintln(c.env.stdout, "Not signed in; nothing to forget")
			}
			if sess.TokenFromEnv() {
				c.notef("note: FLASHBACK_TOKEN is still set in the environment; unset it to stop using it")
			}
			return nil
		},
	}
}
