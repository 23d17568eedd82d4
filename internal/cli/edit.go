package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/ui"
)

func (c *cli) editCmd() *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "edit REF",
		Short: "Edit or rotate a configuration (form prefilled; empty secret keeps it)",
		Long: `Edit a configuration. REF is an id or a name.

In a terminal without flags it opens the form prefilled; leaving the key or
secret empty keeps the stored one, typing a new secret rotates it. With flags
only the given fields change: --secret-env/--secret-stdin rotate the secret,
--key-env replaces the key.`,
		Example: `  fbllm edit prod
  NEW_KEY=… fbllm edit prod --secret-env NEW_KEY     # rotate
  fbllm edit prod --endpoint https://eu.api.example/v1 --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scripted := f.fieldsGiven() || f.given()
			if !scripted {
				if !c.interactive() {
					return c.maybeJSONError(f.asJSON, usageErrorf("no terminal for the form: give the fields to change as flags"))
				}
				if _, _, err := c.resolveItem(cmd.Context(), args[0], &f.scopeFlags); err != nil {
					return err
				}
				return c.runTUI(cmd, ui.Options{Start: ui.StartEdit, EditRef: args[0]})
			}
			cfg, err := c.editScripted(cmd.Context(), args[0], &f)
			if err != nil {
				return c.maybeJSONError(f.asJSON, err)
			}
			return c.printSaved(cfg, f.asJSON)
		},
	}
	f.register(cmd)
	return cmd
}

// editScripted changes only the fields given as flags, in whichever store
// the configuration lives; session.Update decides what is sent or written
// (on Flashback only what differs, the secret only when a new one is
// given; locally a kept credential is merged into the rotated item).
func (c *cli) editScripted(ctx context.Context, ref string, f *configFlags) (session.Item, error) {
	sess, it, err := c.resolveItem(ctx, ref, &f.scopeFlags)
	if err != nil {
		return session.Item{}, err
	}
	if it.IsRemote() {
		if err := c.requireWrite(ctx, sess, it.WorkspaceID); err != nil {
			return session.Item{}, err
		}
		if f.region != "" {
			c.notef("note: Flashback keeps no region: --region is ignored; put the region in the endpoint host")
		}
	} else if err := c.unlock(ctx, sess.Store()); err != nil {
		// Every change to the local store is made unlocked, so a wrong
		// passphrase changes nothing, a rename included.
		return session.Item{}, err
	}
	ch := session.ChangeOf(it)
	if f.typ != "" {
		if ch.AIType, err = input.ParseType(f.typ); err != nil {
			return session.Item{}, err
		}
	}
	if f.name != "" {
		names, err := sess.Names(ctx, it.Destination())
		if err != nil {
			return session.Item{}, err
		}
		if ch.Name, err = input.ValidateName(f.name, names, it.Name); err != nil {
			return session.Item{}, err
		}
	}
	switch {
	case f.endpoint != "" || f.typ != "":
		if f.endpoint == "" {
			f.endpoint = it.Endpoint
		}
		ep, err := c.endpoint(ch.AIType, f)
		if err != nil {
			return session.Item{}, err
		}
		ch.Endpoint, ch.Region = ep.URL, ep.Region
	case f.region != "":
		ch.Region = f.region
	}
	if it.IsRemote() {
		ch.Region = ""
	}
	key, secret, err := c.credentials(&f.credFlags)
	if err != nil {
		return session.Item{}, err
	}
	if key != nil {
		ch.Key = &key.Value
	}
	if secret != nil {
		ch.Secret = &secret.Value
	}
	if key != nil || secret != nil {
		keyVal, secretVal := "", ""
		if key != nil {
			keyVal = key.Value
		}
		if secret != nil {
			secretVal = secret.Value
		}
		c.reportHints(input.KeyShapeHints(ch.AIType, ch.Endpoint, keyVal, secretVal))
	}
	return sess.Update(ctx, it, ch)
}
