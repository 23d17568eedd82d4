package cli

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"
)

// allCommands walks the command tree.
func allCommands(cmd *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{cmd}
	for _, sub := range cmd.Commands() {
		out = append(out, allCommands(sub)...)
	}
	return out
}

// miscased are acronyms as a title-casing help renderer prints them.
var miscased = regexp.MustCompile(`\b(Api|Aws|Json|Llm|Openai|Url|Http|Https|Tls|Dns|Ai|Id|Mfa|Sdk)\b`)

// TestHelpWordsAreAsWritten: every command's help shows its descriptions
// as written (acronyms intact), each flag with the value it takes, and no
// reference to the internal contract.
func TestHelpWordsAreAsWritten(t *testing.T) {
	h := newCLIHome(t)
	root := (&cli{env: &Env{getenv: func(k string) string { return h.env[k] }}}).rootCmd()
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, cmd := range allCommands(root) {
		if cmd.Hidden {
			continue
		}
		path := strings.Fields(cmd.CommandPath())[1:]
		r := h.run("", append(path, "--help")...)
		require.Equal(t, 0, r.code, "%v: %s", path, r.stderr)
		out := r.stdout
		require.NotRegexp(t, miscased, out, "%s --help", cmd.CommandPath())
		require.NotContains(t, out, "PRODUCT", cmd.CommandPath())
		require.NotContains(t, out, "§", cmd.CommandPath())
		require.Contains(t, out, "USAGE")
		cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
			if f.Hidden || f.Name == "help" {
				return
			}
			value, _ := pflag.UnquoteUsage(f)
			if f.Value.Type() != "bool" {
				require.True(t, strings.Contains(f.Usage, "`"), "%s --%s takes a value: name it in `back quotes` in its usage", cmd.CommandPath(), f.Name)
				require.Contains(t, out, "--"+f.Name+" "+value, cmd.CommandPath())
			}
		})
	}
}

// TestHelpGolden keeps the root's and one command's help as people see it.
func TestHelpGolden(t *testing.T) {
	h := newCLIHome(t)
	for _, args := range [][]string{{"--help"}, {"list", "--help"}, {"exec", "--help"}} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			r := h.run("", args...)
			require.Equal(t, 0, r.code, r.stderr)
			golden.RequireEqual(t, r.stdout)
		})
	}
}

// TestManPage: the manual has the sections a packaged man page needs, its
// paragraphs are filled by roff (not one paragraph per source line), every
// flag shows its value, and groff renders it without a warning.
func TestManPage(t *testing.T) {
	h := newCLIHome(t)
	root := (&cli{env: &Env{getenv: func(k string) string { return h.env[k] }}}).rootCmd()
	page := manPage(root, "1.2.3", time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	for _, s := range []string{".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH COMMANDS", ".SH ENVIRONMENT", ".SH FILES", ".SH \"EXIT STATUS\"", ".SH EXAMPLES"} {
		if s == `.SH "EXIT STATUS"` {
			s = ".SH EXIT STATUS"
		}
		require.Contains(t, page, s)
	}
	require.Contains(t, page, "optional key, secret), keeps it in a Flashback workspace", "a paragraph's source lines are one roff line")
	require.NotContains(t, page, "endpoint,\n.PP\noptional")
	require.Contains(t, page, `\fB\-\-store\fR \fIlocal|flashback|all\fR`)
	require.Contains(t, page, "FBLLM_KEYRING_PASSPHRASE")
	require.NotRegexp(t, miscased, page)
	golden.RequireEqual(t, page)

	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff is not installed: the page's rendering is not checked")
	}
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(page)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	require.Empty(t, string(out), "groff warnings")
}
