package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (c *cli) lockCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "lock",
		Short: "Forget a remembered keyring passphrase",
		Long: `Forget the encrypted-file keyring's passphrase if you chose to remember it
(the opt-in "remember for 1 hour" of the passphrase prompt keeps it in the
Linux kernel keyring). The next command that needs a secret asks again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := c.store()
			if err != nil {
				return err
			}
			was := st.PassphraseCache().Active
			if err := st.ForgetPassphrase(); err != nil {
				return err
			}
			if was {
				fmt.Fprintln(c.env.stdout, "✓ Forgot the remembered keyring passphrase")
			} else {
				fmt.Fprintln(c.env.stdout, "No keyring passphrase was remembered")
			}
			return nil
		},
	}
}
