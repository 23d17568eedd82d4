package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPassphraseCommandChangesThePassphrase(t *testing.T) {
	h := newCLIHome(t)
	h.env["K"] = cliSecret
	require.Equal(t, 0, h.run("", "add", "--name", "kept", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K").code)
	before := treeHash(t, h.dir)

	const newPass = "a much better passphrase"
	h.env["NEW_PASS"] = newPass
	h.env["FBLLM_KEYRING_PASSPHRASE"] = "not the passphrase"
	r := h.run("", "passphrase", "--new-passphrase-env", "NEW_PASS")
	require.Equal(t, exitFailed, r.code, r.stderr)
	require.Contains(t, r.stderr, "[keyring.wrong_passphrase]")
	require.Equal(t, before, treeHash(t, h.dir))

	h.env["FBLLM_KEYRING_PASSPHRASE"] = cliPassphrase
	r = h.run("", "passphrase", "--new-passphrase-env", "NEW_PASS")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "✓ Changed the passphrase")
	require.NotContains(t, r.stdout+r.stderr, newPass)

	r = h.run("", "edit", "kept", "--name", "renamed")
	require.Equal(t, exitFailed, r.code, "the old passphrase no longer opens it")
	require.Contains(t, r.stderr, "[keyring.wrong_passphrase]")
	h.env["FBLLM_KEYRING_PASSPHRASE"] = newPass
	r = h.run("", "edit", "kept", "--name", "renamed")
	require.Equal(t, 0, r.code, r.stderr)

	r = h.run("", "--no-input", "passphrase")
	require.Equal(t, exitUsage, r.code, "the new one must be typed or given by variable")
}

func TestDoctorReportsAndFixesLeftovers(t *testing.T) {
	h := newCLIHome(t)
	h.env["K"] = cliSecret
	require.Equal(t, 0, h.run("", "add", "--name", "kept", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K").code)
	stale := filepath.Join(h.dir, "config", ".configs.json-123.tmp")
	require.NoError(t, os.WriteFile(stale, []byte("partial"), 0o600))

	r := h.run("", "doctor", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var rep struct {
		Checks []struct{ ID, Status, Detail string }
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	var warned bool
	for _, c := range rep.Checks {
		if c.ID == "keyring" && c.Status == "warn" {
			warned = true
			require.Contains(t, c.Detail, "0 orphaned keyring item(s) and 1 stale temporary file(s)")
		}
	}
	require.True(t, warned, r.stdout)
	require.FileExists(t, stale, "doctor alone changes nothing")

	delete(h.env, "FBLLM_KEYRING_PASSPHRASE")
	r = h.run("", "doctor", "--fix")
	require.Equal(t, exitFailed, r.code, "a fix is a change: locked without the passphrase")
	require.FileExists(t, stale)

	h.env["FBLLM_KEYRING_PASSPHRASE"] = cliPassphrase
	r = h.run("", "doctor", "--fix")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "Removed stale temporary file "+stale)
	require.NoFileExists(t, stale)
	h.requireNoSecretAnywhere(r, cliSecret)
}

func TestDoctorFixRecreatesAMissingVerifier(t *testing.T) {
	h := newCLIHome(t)
	h.env["K"] = cliSecret
	require.Equal(t, 0, h.run("", "add", "--name", "kept", "--type", "OPENAI", "--endpoint", "https://api.openai.com/v1", "--secret-env", "K").code)
	verifier := filepath.Join(h.dir, "data", "keyring", "fbllm%2F__verifier")
	require.NoError(t, os.Remove(verifier))

	r := h.run("", "edit", "kept", "--name", "renamed")
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, "[keyring.verifier_missing]")
	r = h.run("", "doctor")
	require.Contains(t, r.stdout, "keyring.verifier_missing")
	require.Contains(t, r.stdout, "("+verifier+")", "the diagnosis names the file")

	r = h.run("", "doctor", "--fix")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "Re-created the keyring's passphrase check")
	require.FileExists(t, verifier)
	r = h.run("", "edit", "kept", "--name", "renamed")
	require.Equal(t, 0, r.code, r.stderr)
}
