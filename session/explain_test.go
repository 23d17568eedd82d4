package session_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// TestExplainClassifiesEveryErrorClass: each class of error the CLI and the
// app can meet gets its catalog code and the catalog's exit code; where one
// error matches several classes, the specific one wins.
func TestExplainClassifiesEveryErrorClass(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err   error
		code  string
		exit  int
		field string
	}{
		{fmt.Errorf("list: %w", client.ErrUnauthenticated), "flashback.unauthenticated", 4, ""},
		{fmt.Errorf("create: %w", client.ErrForbidden), "flashback.forbidden", 1, ""},
		{&session.RoleError{Workspace: client.Workspace{Name: "Research", Role: client.RoleRead}}, "flashback.forbidden", 1, ""},
		{&client.NetworkError{Op: "list", Err: errors.New("connection refused")}, "flashback.unreachable", 1, ""},
		{&client.InUseError{ID: "x", Repos: []client.Repo{{ID: "r", Name: "support-bot"}}}, "flashback.in_use", 1, ""},
		{fmt.Errorf("create: %w", client.ErrDuplicateName), "config.duplicate_name", 1, "name"},
		{fmt.Errorf("add: %w", store.ErrDuplicateName), "config.duplicate_name", 1, "name"},
		// A refused password matches ErrUnauthenticated too, but it is a
		// failed attempt, not a missing sign-in.
		{&client.LoginError{Email: "a@b", Message: "wrong password"}, "flashback.login_failed", 1, ""},
		{&session.ChooseWorkspaceError{}, "workspace.choose", 2, ""},
		{&session.WorkspaceNotFoundError{Ref: "x", Source: "--workspace"}, "workspace.not_found", 2, ""},
		{session.ErrNoWorkspace, "workspace.none", 1, ""},
		// NotVisibleError unwraps to store.ErrNotFound: the specific code wins.
		{&session.NotVisibleError{Ref: "x"}, "workspace.not_visible", 1, ""},
		{&session.AmbiguousError{Ref: "x"}, "config.ambiguous", 1, ""},
		{&store.AmbiguousError{Ref: "x"}, "config.ambiguous", 1, ""},
		{fmt.Errorf("get: %w", store.ErrNotFound), "config.not_found", 1, ""},
		{store.ErrLocked, "keyring.locked", 1, ""},
		{store.ErrWrongPassphrase, "keyring.wrong_passphrase", 1, ""},
		{store.ErrTimeout, "keyring.unavailable", 1, ""},
		// A refused keyring directory arrives inside a backend error: the
		// path is what the user must fix.
		{&store.BackendError{Backend: "file", Err: &store.UnsafePathError{Path: "/tmp", Reason: "is a shared directory"}}, "store.unsafe_path", 1, ""},
		{fmt.Errorf("open store: %w", &store.UnsafePathError{Path: "/", Reason: "is the root directory"}), "store.unsafe_path", 1, ""},
		{&store.VerifierMissingError{Path: "/k/fbllm%2F__verifier", Items: 3}, "keyring.verifier_missing", 1, ""},
		// A damaged item is also store.ErrCorrupt: the keyring code wins.
		{fmt.Errorf("credentials x: %w", &store.DamagedError{Path: "/k/fbllm%2Fx.g1", Reason: "truncated"}), "keyring.damaged", 1, ""},
		{&store.ItemMismatchError{Item: "fbllm/a.g2", WantID: "a", WantGen: 2, GotID: "b", GotGen: 1}, "keyring.item_mismatch", 1, ""},
		{&session.PlatformError{Code: "flashback.unauthenticated"}, "flashback.unauthenticated", 4, ""},
		{session.ErrNotFlashback, "usage", 2, ""},
		{&input.InputError{Code: "endpoint.insecure_scheme", Field: "endpoint", Msg: "use https"}, "endpoint.insecure_scheme", 2, "endpoint"},
		{&input.InputError{Code: "input.invalid_secret", Field: "secret", Msg: "value is empty"}, "input.invalid_secret", 2, "secret"},
		{fmt.Errorf("save: %w", context.Canceled), "cancelled", 130, ""},
		{fmt.Errorf("unlock: %w", store.ErrWeakPassphrase), "keyring.weak_passphrase", 2, ""},
		{fmt.Errorf("read: %w", store.ErrNewerVersion), "store.newer_version", 1, ""},
		{fmt.Errorf("read: %w", store.ErrTooLarge), "store.too_large", 1, ""},
		{&store.UnsafePathError{Path: "/", Reason: "is the root directory"}, "store.unsafe_path", 1, ""},
		{errors.New("write configs.json: no space left on device"), "operation.failed", 1, ""},
	} {
		e := session.Explain(tc.err)
		require.Equal(t, tc.code, e.Code, "%v", tc.err)
		require.Equal(t, tc.exit, e.ExitCode(false), "%v", tc.err)
		require.Equal(t, tc.field, e.Field, "%v", tc.err)
		require.NotEmpty(t, e.Message, "%v", tc.err)
		_, inCatalog := assets.DiagnosisFor(e.Code)
		require.True(t, inCatalog, e.Code)
	}
	require.Equal(t, 2, session.Explain(store.ErrLocked).ExitCode(true), "keyring.locked under --no-input: input was needed")
	require.Equal(t, session.Explanation{}, session.Explain(nil))
}

// TestExplainWordsForEachSurface: the same record is worded for the command
// line (message and the command to run) and for the app (a sentence and the
// key to press), with the error's facts filled in and nothing left as a
// {placeholder}.
func TestExplainWordsForEachSurface(t *testing.T) {
	t.Parallel()
	e := session.Explain(fmt.Errorf("list ai llms: %w", client.ErrUnauthenticated))
	require.Equal(t, "not signed in to Flashback, or the sign-in expired: run `fbllm login` (or set FLASHBACK_TOKEN)", e.Line())
	require.Equal(t, "Not signed in to Flashback, or the sign-in expired. Press w to sign in.", e.Sentence())
	require.Equal(t, "list ai llms: not signed in to flashback", e.Detail, "what the platform said stays available")

	inUse := session.Explain(&client.InUseError{ID: "x", Repos: []client.Repo{{ID: "r1", Name: "support-bot"}, {ID: "r2", Name: "web"}}})
	require.Contains(t, inUse.Line(), "still used by repositories support-bot, web")
	require.Len(t, inUse.Repos, 2)

	amb := session.Explain(&store.AmbiguousError{Ref: "prod", Candidates: []store.Config{{ID: "a1", Name: "prod"}, {ID: "b2", Name: "Prod"}}})
	require.Equal(t, `"prod" matches several configurations: prod (a1), Prod (b2): use the id`, amb.Line())

	plain := session.Explain(errors.New("write configs.json:\n no space left on device"))
	require.Equal(t, "write configs.json: no space left on device", plain.Message, "one line, the error's own text")
	require.Empty(t, plain.Detail, "not repeated")
	for _, s := range []string{e.Line(), e.Sentence(), inUse.Line(), amb.Line()} {
		require.NotRegexp(t, `\{[a-zA-Z]+\}`, s)
	}
}

// TestExplainSaysWhichLayerStoppedFlashback: an unreachable API is
// explained with the layer that failed, and a sign-in answered 404 is a
// wrong API address, not a configuration missing from a workspace.
func TestExplainSaysWhichLayerStoppedFlashback(t *testing.T) {
	t.Parallel()
	refused := &client.NetworkError{Op: "sign in", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
	e := session.Explain(refused)
	require.Equal(t, "flashback.unreachable", e.Code)
	require.Contains(t, e.Message, "nothing is listening on that port")
	require.NotContains(t, e.Sentence(), "dial tcp")

	e = session.Explain(&session.NotTheAPIError{URL: "https://example.com", Err: client.ErrNotFound})
	require.Equal(t, "flashback.unreachable", e.Code)
	require.Contains(t, e.Message, "not the Flashback API")
	require.Contains(t, e.Message, "FLASHBACK_API_URL")
}
