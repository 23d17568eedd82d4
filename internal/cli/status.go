package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

type statusJSON struct {
	Mode      string        `json:"mode"`
	SignedIn  bool          `json:"signedIn"`
	APIURL    string        `json:"apiUrl"`
	Workspace workspaceJSON `json:"workspace"`
	// Flashback is the sign-in; the fields above stay for scripts that
	// read them.
	Flashback  flashbackJSON `json:"flashback"`
	Keyring    keyringJSON   `json:"keyring"`
	ConfigDir  string        `json:"configDir"`
	DataDir    string        `json:"dataDir"`
	Configs    int           `json:"configs"`
	IndexError string        `json:"indexError,omitempty"`
}

type workspaceJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Store is "local" (this machine's single workspace) or "flashback".
	Store string `json:"store"`
	// Role is the user's role in a Flashback workspace.
	Role string `json:"role,omitempty"`
	// Problem says why there is no current Flashback workspace.
	Problem     string `json:"problem,omitempty"`
	ProblemCode string `json:"problemCode,omitempty"`
}

// flashbackJSON is the Flashback sign-in as status sees it.
type flashbackJSON struct {
	SignedIn bool   `json:"signedIn"`
	Email    string `json:"email,omitempty"`
	Name     string `json:"name,omitempty"`
	// TokenSource is "env" (FLASHBACK_TOKEN), "keyring" (stored sign-in)
	// or "" when not signed in.
	TokenSource string     `json:"tokenSource"`
	ExpiresAt   *time.Time `json:"expiresAt,omitempty"`
	// Error and ErrorCode say why the sign-in could not be checked or
	// used (not signed in, offline, keyring locked).
	Error     string `json:"error,omitempty"`
	ErrorCode string `json:"errorCode,omitempty"`
}

type keyringJSON struct {
	Backend         string   `json:"backend"`
	Description     string   `json:"description"`
	Location        string   `json:"location"`
	Reason          string   `json:"reason"`
	NeedsPassphrase bool     `json:"needsPassphrase"`
	Locked          bool     `json:"locked"`
	Tried           []string `json:"tried,omitempty"`
	Error           string   `json:"error,omitempty"`
	// PassphraseCache reports the opt-in kernel-keyring cache of the
	// file keyring's passphrase.
	PassphraseCache *cacheJSON `json:"passphraseCache,omitempty"`
}

type cacheJSON struct {
	Available bool       `json:"available"`
	Active    bool       `json:"active"`
	Expires   *time.Time `json:"expires"`
}

func (c *cli) statusCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the sign-in state, API URL, workspace and keyring backend",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := c.store()
			if err != nil {
				return c.maybeJSONError(asJSON, err)
			}
			cfgDir, dataDir, _ := store.DefaultDirs(c.env.getenv)
			sess, err := c.session()
			if err != nil {
				return c.maybeJSONError(asJSON, err)
			}
			s := statusJSON{
				Mode:      "local",
				APIURL:    sess.APIURL(),
				Workspace: workspaceJSON{ID: store.DefaultWorkspace, Name: store.DefaultWorkspace, Store: session.StoreLocal},
				ConfigDir: cfgDir, DataDir: dataDir,
			}
			if set, err := st.Settings(); err == nil {
				switch set.Mode {
				case "":
					s.Mode = "not set up"
				default:
					s.Mode = set.Mode
				}
			}
			c.statusFlashback(cmd.Context(), sess, &s)
			cfgs, err := st.List()
			if err != nil {
				s.IndexError = err.Error()
			}
			s.Configs = len(cfgs)
			info, err := st.Backend(cmd.Context())
			s.Keyring = keyringJSON{Backend: info.Name, Description: info.Description, Location: info.Location,
				Reason: info.Reason, NeedsPassphrase: info.NeedsPassphrase, Locked: st.Locked(), Tried: info.Tried}
			if err != nil {
				s.Keyring.Error = err.Error()
			}
			if info.NeedsPassphrase {
				cs := st.PassphraseCache()
				s.Keyring.PassphraseCache = &cacheJSON{Available: cs.Available, Active: cs.Active}
				if cs.Active {
					s.Keyring.PassphraseCache.Expires = &cs.Expires
				}
			}
			if asJSON {
				return c.printJSON(s)
			}
			c.printStatus(s)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// statusTimeout bounds the platform calls of status, which must answer
// even when the platform does not.
const statusTimeout = 10 * time.Second

// statusFlashback fills in the sign-in and the current workspace. It never
// prompts and never fails: what goes wrong is reported in the fields.
func (c *cli) statusFlashback(ctx context.Context, sess *session.Session, s *statusJSON) {
	if !sess.TokenFromEnv() {
		if acct, ok, err := sess.Store().FlashbackTokens().Account(ctx); err == nil && ok {
			// Known without unlocking anything, so an offline or locked
			// status still says whose sign-in is stored.
			s.Flashback.Email = acct.Email
		}
	}
	ctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	id, err := sess.VerifiedIdentity(ctx)
	if sess.TokenFromEnv() {
		s.Flashback.TokenSource = "env"
	}
	if err != nil {
		ce := classify(err, true)
		s.Flashback.Error, s.Flashback.ErrorCode = ce.Error(), ce.diag
		return
	}
	s.SignedIn = true
	s.Flashback.SignedIn = true
	s.Flashback.Email, s.Flashback.Name = id.Email, id.Name
	s.Flashback.TokenSource = "keyring"
	if id.Source == client.SourceEnv {
		s.Flashback.TokenSource = "env"
	}
	if !id.ExpiresAt.IsZero() {
		s.Flashback.ExpiresAt = &id.ExpiresAt
	}
	w, err := sess.CurrentWorkspace(ctx)
	if err != nil {
		ce := classify(err, true)
		s.Workspace.Problem, s.Workspace.ProblemCode = ce.Error(), ce.diag
		return
	}
	s.Workspace = workspaceJSON{ID: w.ID, Name: w.Name, Store: session.StoreFlashback, Role: roleName(w.Role)}
}

func (c *cli) printStatus(s statusJSON) {
	tw := tabwriter.NewWriter(c.env.stdout, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	switch s.Mode {
	case session.ModeFlashback:
		row("Mode:", "flashback (configurations in Flashback workspaces, and on this machine)")
	case session.ModeLocal:
		row("Mode:", "local (configurations on this machine)")
	default:
		row("Mode:", s.Mode)
	}
	f := s.Flashback
	switch {
	case f.SignedIn:
		who := f.Email
		if f.Name != "" {
			who = fmt.Sprintf("%s <%s>", f.Name, f.Email)
		}
		src := "stored sign-in in the keyring"
		if f.TokenSource == "env" {
			src = "FLASHBACK_TOKEN"
		}
		row("Flashback:", fmt.Sprintf("signed in as %s (%s)", who, src))
	case f.Email != "":
		row("Flashback:", fmt.Sprintf("sign-in of %s stored, but not usable: %s", f.Email, f.Error))
	default:
		row("Flashback:", "not signed in (`fbllm login`)")
	}
	row("API URL:", s.APIURL)
	switch {
	case s.Workspace.Store == session.StoreFlashback:
		row("Workspace:", fmt.Sprintf("%s (%s) · role %s", s.Workspace.Name, s.Workspace.ID, s.Workspace.Role))
	case s.Workspace.Problem != "":
		row("Workspace:", "this machine only · "+s.Workspace.Problem)
	default:
		row("Workspace:", "this machine ("+s.Workspace.Name+")")
	}
	switch {
	case s.Keyring.Error != "":
		row("Keyring:", "unusable: "+s.Keyring.Error)
	default:
		k := s.Keyring.Description
		if s.Keyring.Location != "" {
			k += " at " + s.Keyring.Location
		}
		if s.Keyring.NeedsPassphrase {
			switch pc := s.Keyring.PassphraseCache; {
			case s.Keyring.Locked:
				k += " (locked: passphrase needed to read or write secrets)"
			case pc != nil && pc.Active:
				k += " (unlocked by the remembered passphrase)"
			default:
				k += " (unlocked by FBLLM_KEYRING_PASSPHRASE)"
			}
		}
		row("Keyring:", k)
		if s.Keyring.Reason != "" {
			row("", "chosen because "+s.Keyring.Reason)
		}
	}
	if pc := s.Keyring.PassphraseCache; pc != nil {
		switch {
		case pc.Active:
			row("Passphrase:", fmt.Sprintf("remembered until %s (kernel keyring; `fbllm lock` forgets it)", pc.Expires.Local().Format(time.TimeOnly)))
		case pc.Available:
			row("Passphrase:", "not remembered (opt in at the passphrase prompt)")
		}
	}
	row("Config dir:", s.ConfigDir)
	row("Data dir:", s.DataDir)
	configs := fmt.Sprint(s.Configs)
	if s.IndexError != "" {
		configs += " (" + s.IndexError + ")"
	}
	row("Configs:", configs)
	_ = tw.Flush()
}
