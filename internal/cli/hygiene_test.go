package cli

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSecretVariablesAreTakenFromTheEnvironment: once read, the
// passphrase variable and a --secret-env/--key-env variable are gone from
// the process environment, so no child process inherits them; this
// process still sees their values.
func TestSecretVariablesAreTakenFromTheEnvironment(t *testing.T) {
	t.Setenv("FBLLM_KEYRING_PASSPHRASE", "correct horse battery")
	t.Setenv("FBLLM_TEST_SECRET_VAR", "sk-hygiene-0123456789")
	e := SystemEnv()
	require.Empty(t, os.Getenv("FBLLM_KEYRING_PASSPHRASE"))
	require.Equal(t, "correct horse battery", e.getenv("FBLLM_KEYRING_PASSPHRASE"))

	require.Equal(t, "sk-hygiene-0123456789", e.takeEnv("FBLLM_TEST_SECRET_VAR"))
	require.Equal(t, "sk-hygiene-0123456789", e.takeEnv("FBLLM_TEST_SECRET_VAR"), "a second read still works")
	require.Equal(t, "sk-hygiene-0123456789", e.getenv("FBLLM_TEST_SECRET_VAR"))
	_, still := os.LookupEnv("FBLLM_TEST_SECRET_VAR")
	require.False(t, still)

	out, err := exec.Command("env").Output()
	require.NoError(t, err)
	require.NotContains(t, string(out), "correct horse battery")
	require.NotContains(t, string(out), "sk-hygiene")
}
