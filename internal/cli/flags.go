package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// The flags that several commands share live here, each validated in one
// place: a rule checked by one command and skipped by another is how
// `test --store local --workspace Prod` once answered "not found" where
// `list` said it was a usage error.

// scopeFlags are --store and --workspace, and --all-workspaces where a
// command lists. stores are the --store values the command accepts.
type scopeFlags struct {
	storeName, workspace string
	allWorkspaces        bool
	stores               []string
}

// lookupStores are the --store values of commands that find configurations;
// saveStores those of commands that write one.
var (
	lookupStores = []string{session.StoreLocal, session.StoreFlashback, session.StoreAll}
	saveStores   = []string{session.StoreLocal, session.StoreFlashback}
)

// registerLookup adds --store and --workspace to a command that finds
// configurations (list, show, rm, test, validate, doctor). verb completes
// --store's help: "list from", "look in".
func (f *scopeFlags) registerLookup(cmd *cobra.Command, verb string) {
	f.stores = lookupStores
	cmd.Flags().StringVar(&f.storeName, "store", "", "where to "+verb+": `local|flashback|all` (default: local, plus the current Flashback workspace when signed in)")
	f.registerWorkspace(cmd)
}

// registerSave adds --store and --workspace to add and edit.
func (f *scopeFlags) registerSave(cmd *cobra.Command) {
	f.stores = saveStores
	cmd.Flags().StringVar(&f.storeName, "store", "", "where to save: `local|flashback` (default: flashback when setup chose it or --workspace names a Flashback workspace, else local)")
	f.registerWorkspace(cmd)
}

func (f *scopeFlags) registerWorkspace(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.workspace, "workspace", "", "Flashback workspace `ID|NAME` instead of the current one; \"local\" is this machine")
}

// registerAllWorkspaces adds --all-workspaces (list).
func (f *scopeFlags) registerAllWorkspaces(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.allWorkspaces, "all-workspaces", false, "every Flashback workspace you can reach")
}

// scope validates the flags and turns them into a session.Scope. It is the
// only place where --store, --workspace and --all-workspaces are checked.
func (f *scopeFlags) scope() (session.Scope, error) {
	if f.storeName != "" && !slices.Contains(f.stores, f.storeName) {
		return session.Scope{}, usageErrorf("--store must be %s, not %q", orList(f.stores), f.storeName)
	}
	if f.storeName == session.StoreLocal && f.namesFlashbackWorkspace() {
		return session.Scope{}, usageErrorf("--store local has one workspace, %q; --workspace %q names a Flashback one", store.DefaultWorkspace, f.workspace)
	}
	if f.storeName == session.StoreFlashback && f.workspace != "" && !f.namesFlashbackWorkspace() {
		return session.Scope{}, usageErrorf("--workspace local is this machine; it cannot be used with --store flashback")
	}
	if f.allWorkspaces && f.workspace != "" {
		return session.Scope{}, usageErrorf("--all-workspaces and --workspace exclude each other")
	}
	return session.Scope{Store: f.storeName, Workspace: f.workspace, AllWorkspaces: f.allWorkspaces}, nil
}

// namesFlashbackWorkspace reports whether --workspace names a Flashback
// workspace ("local" is this machine's only one).
func (f *scopeFlags) namesFlashbackWorkspace() bool {
	return f.workspace != "" && !strings.EqualFold(f.workspace, store.DefaultWorkspace)
}

// remoteAsked reports whether the scope names Flashback explicitly, so that
// a locked keyring is worth a passphrase prompt (an automatic listing
// shows the local configurations without asking).
func (f *scopeFlags) remoteAsked() bool {
	return f.storeName == session.StoreFlashback || f.storeName == session.StoreAll || f.allWorkspaces ||
		f.namesFlashbackWorkspace()
}

// orList joins values as "a, b or c".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// credFlags are the only way a credential reaches the CLI: environment
// variables and stdin. No flag takes a secret value, so secrets never land
// in shell history or `ps` output.
type credFlags struct {
	keyEnv, secretEnv string
	secretStdin       bool
}

// register adds --key-env, --secret-env and --secret-stdin. what says what
// the secret is for: "" for add/edit, or a note such as "(overrides the
// stored one)" for checks.
func (f *credFlags) register(cmd *cobra.Command, what string) {
	fl := cmd.Flags()
	fl.StringVar(&f.keyEnv, "key-env", "", "read the API key from the environment variable `VAR`")
	fl.StringVar(&f.secretEnv, "secret-env", "", strings.TrimSpace("read the API secret from the environment variable `VAR` "+what))
	fl.BoolVar(&f.secretStdin, "secret-stdin", false, strings.TrimSpace("read the API secret from the first line of stdin "+what))
	cmd.MarkFlagsMutuallyExclusive("secret-env", "secret-stdin")
}

// hasSecretSource reports whether a secret was supplied on the command line.
func (f *credFlags) hasSecretSource() bool { return f.secretEnv != "" || f.secretStdin }

// given reports whether any credential flag was used.
func (f *credFlags) given() bool { return f.hasSecretSource() || f.keyEnv != "" }

// readCredentials reads the key and secret sources as given, without
// cleaning them; "" for a source that was not given.
func (c *cli) readCredentials(f *credFlags) (key, secret string, err error) {
	if f.keyEnv != "" {
		if key = c.env.takeEnv(f.keyEnv); key == "" {
			return "", "", usageErrorf("environment variable %s (from --key-env) is empty or not set", f.keyEnv)
		}
	}
	switch {
	case f.secretEnv != "":
		if secret = c.env.takeEnv(f.secretEnv); secret == "" {
			return "", "", usageErrorf("environment variable %s (from --secret-env) is empty or not set", f.secretEnv)
		}
	case f.secretStdin:
		if secret, err = readSecretLine(c.env.stdin); err != nil {
			return "", "", err
		}
		if strings.TrimSpace(secret) == "" {
			return "", "", usageErrorf("--secret-stdin read an empty line")
		}
		secret = strings.TrimRight(secret, "\r\n")
	}
	return key, secret, nil
}

// credentials reads and sanitises the key and secret sources for add and
// edit, printing what was cleaned up on stderr (never the values). A nil
// result means the source was not given.
func (c *cli) credentials(f *credFlags) (key, secret *input.Sanitized, err error) {
	rawKey, rawSecret, err := c.readCredentials(f)
	if err != nil {
		return nil, nil, err
	}
	if rawKey != "" {
		k, err := input.SanitizeKey(rawKey)
		if err != nil {
			return nil, nil, err
		}
		c.reportCleanup("key", k)
		key = &k
	}
	if rawSecret != "" {
		s, err := input.SanitizeSecret(rawSecret)
		if err != nil {
			return nil, nil, err
		}
		c.reportCleanup("secret", s)
		secret = &s
	}
	return key, secret, nil
}

// rawCredentials reads the sources of a check without cleaning them:
// diagnose sanitises them itself and reports every change (input.sanitized)
// in the report. nil when no secret source was given.
func (c *cli) rawCredentials(f *credFlags) (*store.Credentials, error) {
	key, secret, err := c.readCredentials(f)
	if err != nil {
		return nil, err
	}
	if secret == "" {
		if key != "" {
			return nil, usageErrorf("--key-env needs --secret-env or --secret-stdin")
		}
		return nil, nil
	}
	return &store.Credentials{Key: key, Secret: secret}, nil
}

func (c *cli) reportCleanup(field string, s input.Sanitized) {
	if len(s.Removed) > 0 {
		c.notef("note: removed %s from the %s", strings.Join(s.Removed, " and "), field)
	}
	for _, w := range s.Warnings {
		c.notef("warning (%s): %s", field, w)
	}
}

// configFlags are the fields of a configuration given as flags: add, edit
// and an ad-hoc test.
type configFlags struct {
	name, typ, endpoint, region string
	scopeFlags
	credFlags
	asJSON bool
}

// registerFields adds --name, --type, --endpoint and --region. adhoc words
// them for a test that saves nothing.
func (f *configFlags) registerFields(cmd *cobra.Command, adhoc bool) {
	fl := cmd.Flags()
	if adhoc {
		fl.StringVar(&f.name, "name", "", "the `NAME` shown in the report (ad-hoc test; optional)")
		fl.StringVar(&f.typ, "type", "", "AI LLM type of an ad-hoc test: `OPENAI|GOOGLE|ANTHROPIC|AWS|OTHER`")
		fl.StringVar(&f.endpoint, "endpoint", "", "API endpoint `URL` of an ad-hoc test")
	} else {
		fl.StringVar(&f.name, "name", "", "configuration `NAME` (unique in the workspace, case-insensitive)")
		fl.StringVar(&f.typ, "type", "", "AI LLM type: `OPENAI|GOOGLE|ANTHROPIC|AWS|OTHER`")
		fl.StringVar(&f.endpoint, "endpoint", "", "API endpoint `URL` (normalised; every rewrite is reported)")
	}
	fl.StringVar(&f.region, "region", "", "AWS `REGION`, when the endpoint host does not carry one")
}

// register adds every flag of add and edit.
func (f *configFlags) register(cmd *cobra.Command) {
	f.registerFields(cmd, false)
	f.registerSave(cmd)
	f.credFlags.register(cmd, "")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print the saved configuration as JSON")
}

// fieldsGiven reports whether any configuration field was given as a flag.
func (f *configFlags) fieldsGiven() bool {
	return f.name != "" || f.typ != "" || f.endpoint != "" || f.region != ""
}

// checkFlags are the flags of test, validate and doctor.
type checkFlags struct {
	configFlags
	all bool
}

// register adds the flags a check command takes. adhoc adds the fields of
// an ad-hoc test; secrets adds the credential flags (test and doctor REF).
func (f *checkFlags) register(cmd *cobra.Command, adhoc, secrets bool) {
	if adhoc {
		f.registerFields(cmd, true)
	}
	f.registerLookup(cmd, "look REF up")
	if secrets {
		f.credFlags.register(cmd, "(overrides the stored one)")
	}
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print the report as JSON")
}
