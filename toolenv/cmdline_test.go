package toolenv

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCommandLineQuotesWhatAShellWouldSplit(t *testing.T) {
	t.Parallel()
	require.Equal(t, `fbllm exec prod -- `, CommandLine("prod"))
	require.Equal(t, `fbllm exec "OpenAI production" other -- `, CommandLine("OpenAI production", "other"))
	for _, name := range []string{"plain", "OpenAI production", `it's "quoted" $HOME`, "back`tick", "a!b", "", "ünïcode name"} {
		q := ShellQuote(name)
		out, err := exec.Command("sh", "-c", `printf %s `+q).Output()
		require.NoError(t, err, q)
		require.Equal(t, name, string(out), "the shell reads %s back as the name", q)
	}
}
