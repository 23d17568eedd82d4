package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fbllm/fbllm/assets"
)

func (c *cli) manCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "man",
		Short: "Print the manual page (roff, for man -l - or packaging)",
		Long: `Print fbllm's manual page in roff: every command with its flags, the
environment variables, the files fbllm keeps, the exit status and examples.
Read it with: fbllm man | man -l -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(c.env.stdout, manPage(cmd.Root(), c.version, time.Now()))
			return err
		},
	}
}

// environmentVars are the variables fbllm reads, for the manual's
// ENVIRONMENT section (the README's list says the same in prose).
var environmentVars = [][2]string{
	{"FLASHBACK_API_URL", "The Flashback platform API (default https://backend.flashback.tech). http:// is refused for a public host."},
	{"FLASHBACK_TOKEN", "An access token to use instead of the stored sign-in (scripts, CI)."},
	{"FBLLM_WORKSPACE", "The current workspace, by id or name, overriding fbllm use."},
	{"FBLLM_CONFIG_DIR", "The configuration directory (default $XDG_CONFIG_HOME/fbllm). It must be a directory you own that others cannot write."},
	{"FBLLM_DATA_DIR", "The data directory (default $XDG_DATA_HOME/fbllm); the encrypted-file keyring lives under it."},
	{"FBLLM_KEYRING_BACKEND", "Use exactly this keyring backend: keychain, wincred, secret-service, kwallet, pass or file."},
	{"FBLLM_KEYRING_PASSPHRASE", "The passphrase of the encrypted-file keyring. fbllm removes it from its environment once read, so no program it starts inherits it."},
	{"FBLLM_NO_INPUT", "When 1, never prompt (as --no-input)."},
	{"FBLLM_ACCESSIBLE", "When 1, plain line-by-line prompts for screen readers (also TERM=dumb)."},
	{"FBLLM_CA_FILE", "Extra PEM root certificates for probes and API calls (a corporate TLS-inspection CA)."},
	{"HTTPS_PROXY, HTTP_PROXY, NO_PROXY", "Honoured; every report names the proxy it used. A malformed proxy URL is refused, not bypassed."},
	{"NO_COLOR, CLICOLOR, CLICOLOR_FORCE", "NO_COLOR turns colour off; CLICOLOR=0 turns it off on a terminal; CLICOLOR_FORCE=1 turns it on when piped."},
}

// files are what fbllm keeps on disk, for the manual's FILES section.
var files = [][2]string{
	{"$FBLLM_CONFIG_DIR/configs.json", "The local configurations' non-secret index: names, types, endpoints, fingerprints. 0600."},
	{"$FBLLM_CONFIG_DIR/config.json", "Settings: the setup choice, the current workspace, the API URL of the stored sign-in. 0600."},
	{"$FBLLM_DATA_DIR/keyring/", "The encrypted-file keyring (when no OS keyring is used): one encrypted item per configuration. 0700."},
}

// exitCodes are PRODUCT §3's exit codes, for the manual.
var exitCodes = [][2]string{
	{"0", "Success; for test, validate and doctor: the connection works (verified, verified_limited or unverified)."},
	{"1", "The operation failed: I/O, an API error or refusal, a keyring error."},
	{"2", "Usage error, or input needed under --no-input or without a terminal."},
	{"3", "test, validate or doctor ran and found that the connection does not work."},
	{"4", "Not signed in to Flashback, or the token was refused."},
	{"130", "Cancelled (Ctrl+C, or Esc out of a form)."},
}

// manExamples close the manual.
const manExamples = `fbllm                                  # the app: setup on first run, then the browser
fbllm list --json
printf %s "$KEY" | fbllm add --name prod --type OPENAI --endpoint https://api.openai.com/v1 --secret-stdin
fbllm test prod
fbllm import --dry-run
fbllm exec prod -- python agent.py
fbllm doctor`

// manPage renders the manual. Each paragraph of a description is one roff
// paragraph: the line breaks of the source text are not paragraph breaks.
func manPage(root *cobra.Command, version string, now time.Time) string {
	var m roffDoc
	m.line(fmt.Sprintf(`.TH FBLLM 1 "%s" "fbllm %s" "fbllm manual"`, now.Format("2006-01-02"), roffEscape(version)))
	m.line(".nh") // no hyphenation: flags and URLs must stay whole
	m.section("NAME")
	m.line(`fbllm \- ` + roffEscape(root.Short))
	m.section("SYNOPSIS")
	m.line(`.B fbllm`)
	m.line(`[\fIcommand\fR] [\fIflags\fR]`)
	m.section("DESCRIPTION")
	m.paragraphs(root.Long)

	m.section("COMMANDS")
	for _, cmd := range root.Commands() {
		if !cmd.IsAvailableCommand() {
			continue
		}
		m.line(".TP")
		m.line(`.B "` + roffEscape(cmd.UseLine()) + `"`)
		m.paragraphsSep(firstNonEmpty(cmd.Long, cmd.Short), ".IP")
		if flags := manFlags(cmd.LocalNonPersistentFlags()); flags != "" {
			m.line(".RS")
			m.raw(flags)
			m.line(".RE")
		}
	}
	m.section("GLOBAL OPTIONS")
	m.raw(manFlags(root.PersistentFlags()))

	m.definitions("ENVIRONMENT", environmentVars)
	m.definitions("FILES", files)
	m.definitions("EXIT STATUS", exitCodes)
	m.line(".PP")
	m.line("Every error prints a stable code in brackets; CODES lists them, each with the exit code it ends a command with. A report (test, validate, doctor) exits by its status instead.")
	m.section("CODES")
	for _, code := range append(append([]string{}, assets.DiagnosisCodes...), assets.CLICodes()...) {
		d, _ := assets.DiagnosisFor(code)
		exit := ""
		if d.Exit != 0 {
			exit = fmt.Sprintf(" (exit %d)", d.Exit)
		}
		m.line(".TP")
		m.line(`.B "` + roffEscape(code) + `"`)
		m.line(roffEscape(placeholderFree(d.Title) + exit))
	}
	m.section("EXAMPLES")
	m.line(".nf")
	m.line(".RS")
	for _, l := range strings.Split(manExamples, "\n") {
		m.line(roffEscape(l))
	}
	m.line(".RE")
	m.line(".fi")
	m.section("SEE ALSO")
	m.line(`\fBfbllm help\fR \fIcommand\fR; README.md and docs/ in the source.`)
	return m.String()
}

// manFlags lists flags as tagged paragraphs, each with the value it takes.
func manFlags(fs *pflag.FlagSet) string {
	var m roffDoc
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" {
			return
		}
		value, usage := pflag.UnquoteUsage(f)
		tag := `\fB\-\-` + roffEscape(f.Name) + `\fR`
		if f.Shorthand != "" {
			tag = `\fB\-` + roffEscape(f.Shorthand) + `\fR, ` + tag
		}
		if value != "" {
			tag += ` \fI` + roffEscape(value) + `\fR`
		}
		m.line(".TP")
		m.line(tag)
		m.line(roffEscape(usage))
	})
	return m.String()
}

// roffDoc builds a roff document line by line.
type roffDoc struct{ strings.Builder }

func (m *roffDoc) line(s string) { m.WriteString(s + "\n") }

func (m *roffDoc) raw(s string) { m.WriteString(s) }

func (m *roffDoc) section(name string) { m.line(".SH " + strings.ToUpper(name)) }

// paragraphs writes text's paragraphs (separated by blank lines), each
// joined into one line so that roff fills it.
func (m *roffDoc) paragraphs(text string) { m.paragraphsSep(text, ".PP") }

// paragraphsSep is paragraphs with another paragraph request: .IP keeps
// the indentation of a .TP item's body.
func (m *roffDoc) paragraphsSep(text, sep string) {
	for i, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if i > 0 {
			m.line(sep)
		}
		m.line(roffEscape(strings.Join(strings.Fields(p), " ")))
	}
}

func (m *roffDoc) definitions(section string, items [][2]string) {
	m.section(section)
	for _, it := range items {
		m.line(".TP")
		m.line(`.B "` + roffEscape(it[0]) + `"`)
		m.line(roffEscape(it[1]))
	}
}

// roffEscape keeps text literal: backslashes, hyphens (roff would break
// lines at them and print a typographic hyphen), a leading period or
// apostrophe that roff would read as a request, and every non-ASCII
// character as a \[uXXXX] escape, which renders in any locale.
func roffEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r > 127:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	if strings.HasPrefix(out, ".") || strings.HasPrefix(out, "'") {
		out = `\&` + out
	}
	return out
}

// placeholderFree replaces the {placeholders} of a catalog title with an
// ellipsis: the manual has no facts to fill them with.
func placeholderFree(s string) string {
	for {
		i := strings.Index(s, "{")
		j := strings.Index(s, "}")
		if i < 0 || j < i {
			return s
		}
		s = s[:i] + "…" + s[j+1:]
	}
}
