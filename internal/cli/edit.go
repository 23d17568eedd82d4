package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
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
// the configuration lives.
func (c *cli) editScripted(ctx context.Context, ref string, f *configFlags) (session.Item, error) {
	sess, it, err := c.resolveItem(ctx, ref, &f.scopeFlags)
	if err != nil {
		return session.Item{}, err
	}
	if it.IsRemote() {
		return c.editRemote(ctx, sess, it, f)
	}
	cfg, err := c.editLocal(ctx, sess.Store(), *it.Local, f)
	if err != nil {
		return session.Item{}, err
	}
	out := it
	out.Local = &cfg
	return out, nil
}

// editRemote sends only what changed. The secret is sent only when one was
// supplied: Flashback keeps the stored one otherwise (it cannot return it,
// so there is nothing to send back).
func (c *cli) editRemote(ctx context.Context, sess *session.Session, it session.Item, f *configFlags) (session.Item, error) {
	if err := c.requireWrite(ctx, sess, it.WorkspaceID); err != nil {
		return session.Item{}, err
	}
	ch := session.Change{Name: it.Name, AIType: it.AIType, Endpoint: it.Endpoint}
	if f.typ != "" {
		typ, err := assets.ParseAIType(f.typ)
		if err != nil {
			return session.Item{}, usageErrorf("%v", err)
		}
		ch.AIType = typ
	}
	if f.name != "" {
		names, err := sess.Names(ctx, session.Destination{Store: session.StoreFlashback, Workspace: client.Workspace{ID: it.WorkspaceID, Name: it.WorkspaceName}})
		if err != nil {
			return session.Item{}, err
		}
		if ch.Name, err = input.ValidateName(f.name, names, it.Name); err != nil {
			return session.Item{}, err
		}
	}
	if f.endpoint != "" || f.typ != "" {
		if f.endpoint == "" {
			f.endpoint = it.Endpoint
		}
		ep, err := c.endpoint(ch.AIType, f)
		if err != nil {
			return session.Item{}, err
		}
		ch.Endpoint = ep.URL
	}
	if f.region != "" {
		c.notef("note: Flashback keeps no region: --region is ignored; put the region in the endpoint host")
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
		keyVal := ""
		if key != nil {
			keyVal = key.Value
		}
		c.reportHints(input.KeyShapeHints(ch.AIType, ch.Endpoint, keyVal, secret.Value))
	}
	return sess.Update(ctx, it, ch)
}

// editLocal changes a local configuration. Credentials are read from the
// keyring only when one of the two is replaced, so that the item keeps
// holding both.
func (c *cli) editLocal(ctx context.Context, st *store.Store, cur store.Config, f *configFlags) (store.Config, error) {
	var err error
	next := cur
	if f.typ != "" {
		typ, err := assets.ParseAIType(f.typ)
		if err != nil {
			return store.Config{}, usageErrorf("%v", err)
		}
		next.AIType = string(typ)
	}
	if f.name != "" {
		if next.Name, err = input.ValidateName(f.name, st.Names(cur.Workspace), cur.Name); err != nil {
			return store.Config{}, err
		}
	}
	if f.endpoint != "" || f.typ != "" {
		if f.endpoint == "" {
			f.endpoint = cur.Endpoint
		}
		ep, err := c.endpoint(assets.AIType(next.AIType), f)
		if err != nil {
			return store.Config{}, err
		}
		next.Endpoint, next.Region = ep.URL, ep.Region
	} else if f.region != "" {
		next.Region = f.region
	}
	key, secret, err := c.credentials(&f.credFlags)
	if err != nil {
		return store.Config{}, err
	}
	var cred *store.Credentials
	if key != nil || secret != nil {
		if err := c.unlock(ctx, st); err != nil {
			return store.Config{}, err
		}
		old, err := st.Credentials(ctx, cur.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return store.Config{}, err
		}
		cred = &old
		if key != nil {
			cred.Key = key.Value
			next.KeyFingerprint = input.Fingerprint(key.Value)
		}
		if secret != nil {
			cred.Secret = secret.Value
			next.SecretFingerprint = input.Fingerprint(secret.Value)
		}
		c.reportHints(input.KeyShapeHints(assets.AIType(next.AIType), next.Endpoint, cred.Key, cred.Secret))
	}
	return st.Update(ctx, cur.ID, func(cfg *store.Config) error {
		cfg.Name, cfg.AIType, cfg.Endpoint, cfg.Region = next.Name, next.AIType, next.Endpoint, next.Region
		cfg.KeyFingerprint, cfg.SecretFingerprint = next.KeyFingerprint, next.SecretFingerprint
		return nil
	}, cred)
}
