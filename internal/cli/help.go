package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// fbllm renders its own help instead of fang's, for two reasons fang has no
// option for: fang title-cases the first word of every description, so
// "AWS region" prints as "Aws region" and "API" as "Api"
// (charmbracelet/fang#102); and it names a flag without the value it
// takes. The layout follows fang's and gh's: description, usage, commands,
// flags with their values, examples, where to learn more.

// helpWidth caps the width help is wrapped to, for readable lines on wide
// terminals.
const helpWidth = 100

// helpCommand replaces cobra's help command, which answers an unknown topic
// with the root's help and exit 0: fbllm says it does not know the topic
// (a usage error).
func (c *cli) helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := cmd.Root().Find(args)
			if err != nil || len(rest) > 0 || target == nil {
				return usageErrorf("no help for %q: fbllm has no such command (fbllm help lists them)", strings.Join(args, " "))
			}
			c.writeHelp(target, c.env.stdout)
			return nil
		},
	}
}

// installHelp makes every command of the tree render writeHelp. The root's
// own help is served by Run (fang replaces the root's help function).
func (c *cli) installHelp(cmd *cobra.Command) {
	cmd.SetHelpFunc(func(cmd *cobra.Command, _ []string) { c.writeHelp(cmd, cmd.OutOrStdout()) })
	for _, sub := range cmd.Commands() {
		c.installHelp(sub)
	}
}

// wantsRootHelp reports whether args ask for the root command's help:
// `fbllm --help`, `fbllm -h` or `fbllm help`.
func wantsRootHelp(root *cobra.Command, args []string) bool {
	if len(args) == 1 && args[0] == "help" {
		return true
	}
	if len(args) > 1 && args[0] == "help" {
		return false // help for a command: cobra finds it, or says it does not know it
	}
	if !slices.Contains(args, "--help") && !slices.Contains(args, "-h") {
		return false
	}
	cmd, _, err := root.Find(args)
	return err == nil && cmd == root
}

// writeHelp prints cmd's help to w.
func (c *cli) writeHelp(cmd *cobra.Command, w io.Writer) {
	width := min(cmp0(c.width(), helpWidth), helpWidth)
	heading := func(s string) string { return s }
	if c.colorEnabled() {
		bold := lipgloss.NewStyle().Bold(true)
		heading = func(s string) string { return bold.Render(s) }
	}
	section := func(title string) { fmt.Fprintf(w, "\n%s\n", heading(title)) }

	fmt.Fprintln(w, strings.TrimSpace(firstNonEmpty(cmd.Long, cmd.Short)))

	section("USAGE")
	fmt.Fprintf(w, "  %s\n", useLine(cmd))

	if subs := visibleCommands(cmd); len(subs) > 0 {
		section("COMMANDS")
		nameW := 0
		for _, s := range subs {
			nameW = max(nameW, ansi.StringWidth(s.Name()))
		}
		for _, s := range subs {
			fmt.Fprint(w, wrapItem(s.Name(), nameW, s.Short, width))
		}
	}
	if local := flagItems(cmd.LocalNonPersistentFlags()); len(local) > 0 {
		section("FLAGS")
		writeFlagItems(w, local, width)
	}
	if inherited := flagItems(cmd.InheritedFlags()); len(inherited) > 0 || cmd.HasPersistentFlags() && !cmd.HasParent() {
		if !cmd.HasParent() {
			inherited = flagItems(cmd.PersistentFlags())
		}
		section("GLOBAL FLAGS")
		writeFlagItems(w, inherited, width)
	}
	if ex := strings.TrimRight(cmd.Example, "\n"); ex != "" {
		section("EXAMPLES")
		fmt.Fprintln(w, ex)
	}
	section("LEARN MORE")
	if cmd.HasAvailableSubCommands() {
		fmt.Fprintf(w, "  Use `%s <command> --help` for more about a command.\n", cmd.CommandPath())
	}
	fmt.Fprintln(w, "  `fbllm man | man -l -`: the manual, with the environment, files, exit status,")
	fmt.Fprintln(w, "  every error code and examples.")
}

func cmp0(v, fallback int) int {
	if v <= 0 {
		return fallback
	}
	return v
}

func firstNonEmpty(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

// useLine is the command's usage, with [flags] where it has flags.
func useLine(cmd *cobra.Command) string {
	line := cmd.UseLine()
	if cmd.HasAvailableSubCommands() && !cmd.Runnable() {
		line = cmd.CommandPath() + " <command>"
	}
	return line
}

func visibleCommands(cmd *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, s := range cmd.Commands() {
		if s.IsAvailableCommand() || s.Name() == "help" {
			out = append(out, s)
		}
	}
	return out
}

// flagItem is one flag as help shows it: "-h, --help" or
// "--store local|flashback|all", and its usage as written.
type flagItem struct{ name, usage string }

// flagItems lists the visible flags of fs, each with the value it takes:
// the back-quoted word of its usage, as pflag's UnquoteUsage reads it.
func flagItems(fs *pflag.FlagSet) []flagItem {
	var out []flagItem
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		value, usage := pflag.UnquoteUsage(f)
		name := "--" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", " + name
		} else {
			name = "    " + name
		}
		if value != "" {
			name += " " + value
		}
		out = append(out, flagItem{name: name, usage: usage})
	})
	return out
}

func writeFlagItems(w io.Writer, items []flagItem, width int) {
	nameW := 0
	for _, it := range items {
		nameW = max(nameW, ansi.StringWidth(it.name))
	}
	nameW = min(nameW, 36)
	for _, it := range items {
		fmt.Fprint(w, wrapItem(it.name, nameW, it.usage, width))
	}
}

// wrapItem prints "  name  description", the description wrapped to width
// and its continuation lines indented under it; a name wider than nameW
// gets the description on the next line.
func wrapItem(name string, nameW int, desc string, width int) string {
	indent := 2 + nameW + 2
	descW := max(width-indent, 24)
	lines := strings.Split(ansi.Wordwrap(desc, descW, " "), "\n")
	var b strings.Builder
	if ansi.StringWidth(name) > nameW {
		fmt.Fprintf(&b, "  %s\n", name)
		for _, l := range lines {
			fmt.Fprintf(&b, "%s%s\n", strings.Repeat(" ", indent), l)
		}
		return b.String()
	}
	for i, l := range lines {
		if i == 0 {
			fmt.Fprintf(&b, "  %s%s  %s\n", name, strings.Repeat(" ", nameW-ansi.StringWidth(name)), l)
			continue
		}
		fmt.Fprintf(&b, "%s%s\n", strings.Repeat(" ", indent), l)
	}
	return b.String()
}
