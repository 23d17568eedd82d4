package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/store"
)

func (c *cli) passphraseCmd() *cobra.Command {
	var newEnv string
	cmd := &cobra.Command{
		Use:   "passphrase",
		Short: "Change the encrypted-file keyring's passphrase",
		Long: `Change the passphrase of the encrypted-file keyring. The old passphrase is
required. Every item is re-encrypted under the new one into a new keyring
directory that replaces the old one in one step: if the command is
interrupted, the old passphrase still opens the keyring, or the new one does.
A remembered passphrase is forgotten.

The old passphrase comes from FBLLM_KEYRING_PASSPHRASE or is asked for; the
new one is asked for twice, or read from the variable --new-passphrase-env
names (for scripts).`,
		Example: `  fbllm passphrase
  FBLLM_KEYRING_PASSPHRASE=… NEW_PASS=… fbllm passphrase --new-passphrase-env NEW_PASS`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.changePassphrase(cmd.Context(), newEnv)
		},
	}
	cmd.Flags().StringVar(&newEnv, "new-passphrase-env", "", "read the new passphrase from the environment variable `VAR`")
	return cmd
}

func (c *cli) changePassphrase(ctx context.Context, newEnv string) error {
	st, err := c.store()
	if err != nil {
		return err
	}
	info, err := st.Backend(ctx)
	if err != nil {
		return err
	}
	if !info.NeedsPassphrase {
		return fmt.Errorf("the %s keeps its own secrets: fbllm has no passphrase for it", info.Description)
	}
	set, err := st.PassphraseSet(ctx)
	if err != nil {
		return err
	}
	if !set {
		return errors.New("the keyring has no passphrase yet: it is chosen the first time a secret is saved")
	}
	var newPass string
	if newEnv != "" {
		if newPass = c.env.takeEnv(newEnv); newPass == "" {
			return usageErrorf("environment variable %s (from --new-passphrase-env) is empty or not set", newEnv)
		}
	}
	oldPass := c.env.getenv("FBLLM_KEYRING_PASSPHRASE")
	if oldPass == "" || newPass == "" {
		if c.noInput && oldPass != "" {
			return usageErrorf("the new passphrase is needed and --no-input forbids asking: pass --new-passphrase-env VAR")
		}
		if c.noInput {
			return store.ErrLocked
		}
		tty, err := c.env.openTTY()
		if err != nil {
			return store.ErrLocked
		}
		defer tty.Close()
		if oldPass == "" {
			if oldPass, err = readHidden(ctx, tty, "Current keyring passphrase: "); err != nil {
				return err
			}
		}
		if newPass == "" {
			if newPass, err = readNewPassphrase(ctx, tty, fmt.Sprintf("New keyring passphrase (at least %d characters): ", store.MinPassphraseLen)); err != nil {
				return err
			}
		}
	}
	if err := st.ChangePassphrase(ctx, oldPass, newPass); err != nil {
		return err
	}
	fmt.Fprintf(c.env.stdout, "✓ Changed the passphrase of the keyring at %s; every item was re-encrypted\n", info.Location)
	return nil
}

// fixKeyring is doctor --fix: re-create a missing passphrase verifier from
// the old passphrase, then remove orphaned keyring items and stale
// temporary files. It says what it did on stderr (names, never values).
func (c *cli) fixKeyring(ctx context.Context, st *store.Store) error {
	if _, err := st.PassphraseSet(ctx); errors.Is(err, store.ErrVerifierMissing) {
		pass := c.env.getenv("FBLLM_KEYRING_PASSPHRASE")
		if pass == "" {
			if c.noInput {
				return err
			}
			tty, terr := c.env.openTTY()
			if terr != nil {
				return err
			}
			c.notef("The keyring's passphrase check is missing. Type the passphrase its secrets were saved with: it is tried on a stored secret, and a new check is written only if it opens.")
			pass, terr = readHidden(ctx, tty, "Keyring passphrase: ")
			_ = tty.Close()
			if terr != nil {
				return terr
			}
		}
		if err := st.RecreateVerifier(ctx, pass); err != nil {
			return err
		}
		c.notef("✓ Re-created the keyring's passphrase check")
	} else if err != nil {
		return err
	}
	if err := c.unlock(ctx, st); err != nil {
		return err
	}
	removed, err := st.RemoveOrphans(ctx)
	for _, item := range removed.Items {
		c.notef("✓ Removed orphaned keyring item %s", item)
	}
	for _, p := range removed.Temps {
		c.notef("✓ Removed stale temporary file %s", p)
	}
	if err != nil {
		return err
	}
	if removed.Count() == 0 {
		c.notef("Nothing to remove: no orphaned keyring items or stale temporary files")
	}
	return nil
}
