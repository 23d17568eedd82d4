package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// Shell completion offers what fbllm knows without unlocking the keyring
// or calling the network: the configurations in the index, the workspaces
// seen when last listed, and the fixed values of --type, --store and
// --from. A completion that would need more offers nothing rather than
// making the shell wait.

// refCandidate is how a configuration completes: its name, or — when the
// name holds a character a shell would split or interpret (a space, a
// parenthesis, a quote), which bash's completion inserts unquoted — its id,
// with the name as the description the shell shows beside it.
func refCandidate(name, id string) cobra.Completion {
	if strings.ContainsFunc(name, func(r rune) bool { return !isShellWord(r) }) {
		return cobra.CompletionWithDesc(id, name)
	}
	return name
}

func isShellWord(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("-_.:@%+,=/", r)
}

// completion reads the data once per completion request.
func (c *cli) completion() session.Completion {
	sess, err := c.session()
	if err != nil {
		return session.Completion{}
	}
	return sess.CompletionData()
}

// completeRefs completes up to max REF arguments (0: any number) with
// configuration names.
func (c *cli) completeRefs(max int) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if slices.Contains(c.args, "--") {
			// exec's program and its arguments: the shell's own completion.
			return nil, cobra.ShellCompDirectiveDefault
		}
		if max > 0 && len(args) >= max {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, ref := range c.completion().Configs {
			if strings.HasPrefix(strings.ToLower(ref.Name), strings.ToLower(toComplete)) ||
				strings.HasPrefix(ref.ID, toComplete) && toComplete != "" {
				out = append(out, refCandidate(ref.Name, ref.ID))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeWorkspaces completes a workspace: "local" and the names seen.
func (c *cli) completeWorkspaces(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	names := append([]string{store.DefaultWorkspace}, c.completion().Workspaces...)
	return matching(names, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// fixedValues completes a flag with a fixed set of values.
func fixedValues(values ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return matching(values, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// matching keeps the candidates that start with prefix, case-insensitively
// (names are compared that way).
func matching(candidates []string, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, s := range candidates {
		if strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix)) {
			out = append(out, s)
		}
	}
	return out
}

// installCompletion gives every command of the tree its completions, by
// what its usage line and flags say: REF arguments complete configuration
// names, WORKSPACE and --workspace complete workspaces, and a flag whose
// value is a choice (`local|flashback|all`) completes its choices.
func (c *cli) installCompletion(cmd *cobra.Command) {
	switch use := cmd.Use; {
	case strings.Contains(use, "REF..."), strings.Contains(use, "REF…"):
		cmd.ValidArgsFunction = c.completeRefs(0)
	case strings.Contains(use, "REF"):
		cmd.ValidArgsFunction = c.completeRefs(1)
	case strings.Contains(use, "WORKSPACE"):
		cmd.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return c.completeWorkspaces(cmd, args, toComplete)
		}
	}
	cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
		value, _ := pflag.UnquoteUsage(f)
		switch {
		case f.Name == "workspace":
			_ = cmd.RegisterFlagCompletionFunc(f.Name, c.completeWorkspaces)
		case strings.Contains(value, "|") && f.Name != "env":
			_ = cmd.RegisterFlagCompletionFunc(f.Name, fixedValues(strings.Split(value, "|")...))
		}
	})
	for _, sub := range cmd.Commands() {
		c.installCompletion(sub)
	}
}
