package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/store"
)

// defaultAPIURL is the Flashback platform API used when FLASHBACK_API_URL is
// not set.
const defaultAPIURL = "https://backend.flashback.tech"

type statusJSON struct {
	Mode       string        `json:"mode"`
	SignedIn   bool          `json:"signedIn"`
	APIURL     string        `json:"apiUrl"`
	Workspace  workspaceJSON `json:"workspace"`
	Keyring    keyringJSON   `json:"keyring"`
	ConfigDir  string        `json:"configDir"`
	DataDir    string        `json:"dataDir"`
	Configs    int           `json:"configs"`
	IndexError string        `json:"indexError,omitempty"`
}

type workspaceJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
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
			s := statusJSON{
				Mode:      "local",
				APIURL:    c.env.getenv("FLASHBACK_API_URL"),
				Workspace: workspaceJSON{ID: store.DefaultWorkspace, Name: store.DefaultWorkspace},
				ConfigDir: cfgDir, DataDir: dataDir,
			}
			if s.APIURL == "" {
				s.APIURL = defaultAPIURL
			}
			if set, err := st.Settings(); err == nil && set.Mode == "" {
				s.Mode = "not set up"
			}
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
				return writeJSON(c.env.stdout, s)
			}
			c.printStatus(s)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (c *cli) printStatus(s statusJSON) {
	tw := tabwriter.NewWriter(c.env.stdout, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("Mode:", s.Mode+" (configurations on this machine)")
	row("Flashback:", "not signed in · workspace mode is not available in this version")
	row("API URL:", s.APIURL)
	row("Workspace:", s.Workspace.Name)
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
