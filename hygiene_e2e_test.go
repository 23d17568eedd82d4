package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestE2EKeyringBackendChildLacksSecretVariables runs the built binary with
// the pass backend, whose `pass` (normally gpg behind it) is a script that
// records the environment it was started with.
func TestE2EKeyringBackendChildLacksSecretVariables(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	store := filepath.Join(dir, "password-store")
	log := filepath.Join(dir, "pass-env.log")
	require.NoError(t, os.MkdirAll(bin, 0o700))
	require.NoError(t, os.MkdirAll(store, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(store, ".gpg-id"), []byte("test@example.invalid\n"), 0o600))
	fakePass := `#!/bin/sh
env >> "` + log + `"
echo "--- pass $*" >> "` + log + `"
if [ "$1" = insert ]; then
	eval "last=\${$#}"
	mkdir -p "$PASSWORD_STORE_DIR/$(dirname "$last")"
	cat > "$PASSWORD_STORE_DIR/$last.gpg"
fi
exit 0
`
	require.NoError(t, os.WriteFile(filepath.Join(bin, "pass"), []byte(fakePass), 0o700))

	cmd := exec.Command(fbllmBinary(t), "add", "--name", "hygiene", "--type", "OPENAI",
		"--endpoint", "https://api.openai.com/v1", "--secret-env", "MY_PROVIDER_SECRET", "--no-input")
	cmd.Env = append(e2eEnv(dir),
		"PATH="+bin+":"+os.Getenv("PATH"),
		"FBLLM_KEYRING_BACKEND=pass",
		"PASSWORD_STORE_DIR="+store,
		"FBLLM_KEYRING_PASSPHRASE=correct horse battery",
		"MY_PROVIDER_SECRET=sk-proj-hygiene-0123456789abcdef",
	)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))

	data, err := os.ReadFile(log)
	require.NoError(t, err, "the backend's helper ran")
	env := string(data)
	require.Contains(t, env, "--- pass insert")
	require.Contains(t, env, "PASSWORD_STORE_DIR=", "the log holds the child's environment")
	for _, leak := range []string{"MY_PROVIDER_SECRET", "sk-proj-hygiene", "FBLLM_KEYRING_PASSPHRASE", "correct horse battery"} {
		require.False(t, strings.Contains(env, leak), "the keyring backend's child inherited %s", leak)
	}
}
