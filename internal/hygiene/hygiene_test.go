package hygiene

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMain lets the test binary act as a child process: it prints its
// environment, as a keyring backend's helper (gpg under pass) would see it.
func TestMain(m *testing.M) {
	if os.Getenv("HYGIENE_CHILD") == "env" {
		for _, kv := range os.Environ() {
			os.Stdout.WriteString(kv + "\n")
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestTakeEnvKeepsTheValueFromChildren(t *testing.T) {
	const pass, secret = "FBLLM_KEYRING_PASSPHRASE", "HYGIENE_TEST_SECRET_ENV"
	t.Setenv(pass, "correct horse battery")
	t.Setenv(secret, "sk-never-inherited-0123456789")

	v, ok := TakeEnv(pass)
	require.True(t, ok)
	require.Equal(t, "correct horse battery", v)
	v, ok = TakeEnv(secret)
	require.True(t, ok)
	require.Equal(t, "sk-never-inherited-0123456789", v)
	require.Empty(t, os.Getenv(pass))
	_, still := os.LookupEnv(secret)
	require.False(t, still)
	_, ok = TakeEnv(secret)
	require.False(t, ok, "taken once")

	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "HYGIENE_CHILD=env")
	out, err := cmd.Output()
	require.NoError(t, err)
	require.Contains(t, string(out), "HYGIENE_CHILD=env", "the child printed its environment")
	require.NotContains(t, string(out), "correct horse battery")
	require.NotContains(t, string(out), "sk-never-inherited")
	require.NotContains(t, string(out), pass+"=")
}
