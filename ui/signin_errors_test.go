package ui

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// signInAgainst starts the app's sign-in against an API at apiURL and
// submits a password; it returns the sign-in screen.
func signInAgainst(t *testing.T, apiURL string) *driver {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(store.Options{ConfigDir: dir + "/config", DataDir: dir + "/data",
		Keyring: keyring.NewArrayKeyring(nil), Env: func(string) string { return "" }})
	require.NoError(t, err)
	sess, err := session.New(session.Options{Store: st, APIURL: apiURL, APIHTTPClient: &http.Client{},
		Getenv: func(string) string { return "" }})
	require.NoError(t, err)
	d := newDriverDeps(t, Deps{Store: st, Session: sess}, Options{}, 100, 30, nil)
	d.press("down", "enter")
	require.Equal(t, screenSignIn, d.app.screen, d.screen())
	d.typeText("dana@northwind.example")
	d.press("tab")
	d.typeText("hunter22")
	d.press("enter")
	require.Equal(t, screenSignIn, d.app.screen, d.screen())
	return d
}

// TestSignInErrorsSayWhichLayerFailed: a sign-in that fails before
// Flashback answers says what failed in the words of the diagnosis (the
// API could not be reached, or the address answers but is not the API),
// never another operation's advice or a raw Go error chain.
func TestSignInErrorsSayWhichLayerFailed(t *testing.T) {
	t.Parallel()
	t.Run("404: not the API", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		t.Cleanup(srv.Close)
		d := signInAgainst(t, srv.URL)
		scr := words(d.screen())
		require.NotContains(t, scr, "press r", scr)
		require.NotContains(t, scr, "not in this workspace", scr)
		require.Contains(t, scr, "FLASHBACK_API_URL", "the address to check: %s", scr)
	})
	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close()) // nothing listens there any more
		d := signInAgainst(t, "http://"+addr)
		scr := words(d.screen())
		require.Contains(t, scr, "could not be reached", scr)
		require.Contains(t, scr, "nothing is listening on that port", "which layer: %s", scr)
		require.NotContains(t, scr, "dial tcp", "no raw Go error chain: %s", scr)
	})
}
