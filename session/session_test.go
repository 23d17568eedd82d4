package session_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/internal/flashbacktest"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

type fixture struct {
	srv  *flashbacktest.Server
	st   *store.Store
	sess *session.Session
	env  map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	now := time.Now()
	srv := flashbacktest.New(flashbacktest.Options{Validator: flashbacktest.DemoValidator()})
	require.NoError(t, srv.Load(flashbacktest.Demo(now)))
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	dir := t.TempDir()
	st, err := store.Open(store.Options{
		ConfigDir: dir + "/config", DataDir: dir + "/data",
		Keyring: keyring.NewArrayKeyring(nil), Env: func(string) string { return "" },
	})
	require.NoError(t, err)
	f := &fixture{srv: srv, st: st, env: map[string]string{client.EnvAPIURL: hs.URL}}
	f.sess, err = session.New(session.Options{Store: st, Getenv: func(k string) string { return f.env[k] }})
	require.NoError(t, err)
	return f
}

func (f *fixture) signIn(t *testing.T) {
	t.Helper()
	_, err := f.sess.SignIn(context.Background(), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	require.NoError(t, err)
}

func TestWorkspaceIsChosenLikeTheWebApp(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, err := f.sess.CurrentWorkspace(ctx)
	require.ErrorIs(t, err, client.ErrUnauthenticated)

	f.signIn(t)
	settings, err := f.st.Settings()
	require.NoError(t, err)
	require.Equal(t, session.ModeFlashback, settings.Mode)

	// Two workspaces, none saved: the caller must offer a picker.
	_, err = f.sess.CurrentWorkspace(ctx)
	var choose *session.ChooseWorkspaceError
	require.ErrorAs(t, err, &choose)
	require.Len(t, choose.Workspaces, 2)

	w, err := f.sess.Use(ctx, "research") // by name, any case
	require.NoError(t, err)
	require.Equal(t, "Research", w.Name)
	cur, err := f.sess.CurrentWorkspace(ctx)
	require.NoError(t, err)
	require.Equal(t, w.ID, cur.ID)
	require.Equal(t, "READ", cur.Role.String())
	ok, why := session.CanWrite(cur)
	require.False(t, ok)
	require.Contains(t, why, "WRITE or ADMIN")

	// FBLLM_WORKSPACE wins over the saved choice, and a wrong one is an error.
	f.env[session.EnvWorkspace] = "Production"
	cur, err = f.sess.CurrentWorkspace(ctx)
	require.NoError(t, err)
	require.Equal(t, "Production", cur.Name)
	f.env[session.EnvWorkspace] = "Nope"
	_, err = f.sess.CurrentWorkspace(ctx)
	var nf *session.WorkspaceNotFoundError
	require.ErrorAs(t, err, &nf)
}

func TestListMergesLocalAndWorkspaceAndResolvesAcrossWorkspaces(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	secret := "sk-local-0123456789abcdefghijkl"
	_, err := f.sess.Create(ctx, session.Destination{Store: session.StoreLocal},
		session.Change{Name: "mine", AIType: assets.AIType("OPENAI"), Endpoint: "https://api.openai.com/v1", Secret: &secret})
	require.NoError(t, err)

	// Not signed in: the automatic listing is local only, no error.
	l, err := f.sess.List(ctx, session.Scope{})
	require.NoError(t, err)
	require.Len(t, l.Items, 1)

	f.signIn(t)
	_, err = f.sess.Use(ctx, "Production")
	require.NoError(t, err)
	l, err = f.sess.List(ctx, session.Scope{})
	require.NoError(t, err)
	require.NoError(t, l.Problem)
	require.Equal(t, "Production", l.Workspace.Name)
	var local, remote int
	for _, it := range l.Items {
		if it.IsRemote() {
			remote++
			require.Equal(t, "Production", it.WorkspaceName)
			require.Empty(t, it.SecretFingerprint)
		} else {
			local++
		}
	}
	require.Equal(t, 1, local)
	require.Equal(t, 5, remote)
	require.True(t, l.Items[0].IsRemote(), "Flashback configurations come first")

	all, err := f.sess.List(ctx, session.Scope{Store: session.StoreFlashback, AllWorkspaces: true})
	require.NoError(t, err)
	require.Len(t, all.Items, 8)

	// A Research config looked up from Production: not visible here, found there.
	_, err = f.sess.Resolve(ctx, "local vllm", session.Scope{})
	var nv *session.NotVisibleError
	require.ErrorAs(t, err, &nv)
	require.NotNil(t, nv.Found)
	require.Equal(t, "Research", nv.Found.WorkspaceName)
	require.ErrorIs(t, err, store.ErrNotFound)

	_, err = f.sess.Resolve(ctx, "no such thing", session.Scope{})
	require.ErrorAs(t, err, &nv)
	require.Nil(t, nv.Found)
}

func TestRemoteCreateRotateDelete(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.signIn(t)
	w, err := f.sess.Use(ctx, "Production")
	require.NoError(t, err)

	secret := "sk-proj-NEWsecretAAAAAAAAAAAAAAAAAAAA"
	it, err := f.sess.Create(ctx, session.Destination{Store: session.StoreFlashback, Workspace: w},
		session.Change{Name: "team gpt", AIType: "OPENAI", Endpoint: "https://api.openai.com/v1", Secret: &secret})
	require.NoError(t, err)
	require.True(t, it.IsRemote())
	stored, ok := f.srv.LLM(it.ID)
	require.True(t, ok)
	require.Equal(t, secret, stored.Secret)

	names, err := f.sess.Names(ctx, session.Destination{Store: session.StoreFlashback, Workspace: w})
	require.NoError(t, err)
	require.Contains(t, names, "team gpt")

	// Rotate: only the secret changes.
	rotated := "sk-proj-ROTATEDbbbbbbbbbbbbbbbbbbbbb"
	it2, err := f.sess.Update(ctx, it, session.Change{Name: it.Name, AIType: it.AIType, Endpoint: it.Endpoint, Secret: &rotated})
	require.NoError(t, err)
	require.Equal(t, "team gpt", it2.Name)
	stored, _ = f.srv.LLM(it.ID)
	require.Equal(t, rotated, stored.Secret)

	require.NoError(t, f.sess.RecordCheck(it2, "verified"))
	l, err := f.sess.List(ctx, session.Scope{})
	require.NoError(t, err)
	for _, x := range l.Items {
		if x.ID == it.ID {
			require.NotNil(t, x.LastCheck)
			require.Equal(t, "verified", x.LastCheck.Status)
		}
	}

	require.NoError(t, f.sess.Delete(ctx, it2))
	_, ok = f.srv.LLM(it.ID)
	require.False(t, ok)

	// Attached to repositories: refused, with their names.
	gpt, err := f.sess.Resolve(ctx, "OpenAI GPT-4o", session.Scope{})
	require.NoError(t, err)
	err = f.sess.Delete(ctx, gpt)
	var inUse *client.InUseError
	require.ErrorAs(t, err, &inUse)
	require.NotEmpty(t, inUse.Repos)
	require.Equal(t, "support-bot", inUse.Repos[0].Name)
}

func TestSignOutForgetsTheSignIn(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.signIn(t)
	_, err := f.sess.Identity(ctx)
	require.NoError(t, err)
	require.NoError(t, f.sess.SignOut(ctx))

	// A new process (new Session) is not signed in either.
	again, err := session.New(session.Options{Store: f.st, Getenv: func(k string) string { return f.env[k] }})
	require.NoError(t, err)
	_, err = again.Identity(ctx)
	require.True(t, errors.Is(err, client.ErrUnauthenticated), "got %v", err)
}

// TestUnchangedEditSendsNothing: the form normalises the stored endpoint;
// saving it unchanged must not rewrite the platform's record.
func TestUnchangedEditSendsNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.signIn(t)
	_, err := f.sess.Use(ctx, "Production")
	require.NoError(t, err)
	it, err := f.sess.Resolve(ctx, "Claude support", session.Scope{})
	require.NoError(t, err)
	before, _ := f.srv.LLM(it.ID)
	ep, err := input.NormalizeEndpoint(it.AIType, it.Endpoint)
	require.NoError(t, err)
	_, err = f.sess.Update(ctx, it, session.Change{Name: it.Name, AIType: it.AIType, Endpoint: ep.URL})
	require.NoError(t, err)
	after, _ := f.srv.LLM(it.ID)
	require.Equal(t, before.Endpoint, after.Endpoint)
}

// TestCompleteCredentialsKeepsWhatWasNotGiven: the one merge of given and
// stored credentials. A local edit or test that gives only a secret keeps
// the stored key (an AWS access key ID), and the other way round; nothing
// is kept for a new or a Flashback configuration.
func TestCompleteCredentialsKeepsWhatWasNotGiven(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	key, secret := "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	it, err := f.sess.Create(ctx, session.Destination{Store: session.StoreLocal},
		session.Change{Name: "aws", AIType: assets.AWS, Endpoint: "https://bedrock-runtime.us-east-1.amazonaws.com", Key: &key, Secret: &secret})
	require.NoError(t, err)

	newSecret, newKey := "rotatedSecretRotatedSecretRotatedSecret1", "AKIAI44QH8DHBEXAMPLE"
	got, err := f.sess.CompleteCredentials(ctx, &it, nil, &newSecret)
	require.NoError(t, err)
	require.Equal(t, store.Credentials{Key: key, Secret: newSecret}, got)
	got, err = f.sess.CompleteCredentials(ctx, &it, &newKey, nil)
	require.NoError(t, err)
	require.Equal(t, store.Credentials{Key: newKey, Secret: secret}, got)

	got, err = f.sess.CompleteCredentials(ctx, nil, nil, &newSecret)
	require.NoError(t, err)
	require.Equal(t, store.Credentials{Secret: newSecret}, got, "a new configuration has nothing stored")
	remote := it
	remote.Store = session.StoreFlashback
	got, err = f.sess.CompleteCredentials(ctx, &remote, nil, &newSecret)
	require.NoError(t, err)
	require.Equal(t, store.Credentials{Secret: newSecret}, got, "Flashback never returns a secret or key")

	// The rotation keeps the key in the same item.
	it, err = f.sess.Update(ctx, it, session.Change{Name: it.Name, AIType: it.AIType, Endpoint: it.Endpoint, Secret: &newSecret})
	require.NoError(t, err)
	stored, err := f.st.Credentials(ctx, it.ID)
	require.NoError(t, err)
	require.Equal(t, store.Credentials{Key: key, Secret: newSecret}, stored)
}

// TestDetailsNeverHoldACredential: show, the detail pane and accessible
// mode print these facts; only fingerprints of credentials appear, and a
// Flashback configuration says its secret is write-only.
func TestDetailsNeverHoldACredential(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	key, secret := "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	it, err := f.sess.Create(ctx, session.Destination{Store: session.StoreLocal},
		session.Change{Name: "aws", AIType: assets.AWS, Endpoint: "https://bedrock-runtime.us-east-1.amazonaws.com", Region: "us-east-1", Key: &key, Secret: &secret})
	require.NoError(t, err)
	facts := session.Details(it, "encrypted file keyring")
	byID := map[session.FactID]string{}
	for _, fact := range facts {
		byID[fact.ID] = fact.Value
		require.NotContains(t, fact.Value, key[4:])
		require.NotContains(t, fact.Value, secret[4:])
	}
	require.Equal(t, "AWS Bedrock", byID[session.FactType])
	require.Equal(t, input.Fingerprint(secret), byID[session.FactSecret])
	require.Equal(t, "us-east-1", byID[session.FactRegion])
	require.Contains(t, byID[session.FactStoredIn], "this machine")
	require.True(t, session.NeverTested(session.Fact{ID: session.FactLastCheck, Value: byID[session.FactLastCheck]}))

	remote := it
	remote.Store, remote.Local, remote.WorkspaceName = session.StoreFlashback, nil, "Production"
	byID = map[session.FactID]string{}
	for _, fact := range session.Details(remote, "") {
		byID[fact.ID] = fact.Value
	}
	require.Contains(t, byID[session.FactSecret], "write-only")
	require.Equal(t, "none", byID[session.FactRepos])
	require.NotContains(t, byID, session.FactStoredIn)
}

// TestRecordSetupNeverOverwritesAChoice: the first save decides where
// configurations live only when the user has not chosen yet.
func TestRecordSetupNeverOverwritesAChoice(t *testing.T) {
	f := newFixture(t)
	st, err := f.st.Settings()
	require.NoError(t, err)
	require.True(t, session.FirstRun(st, 0))
	require.False(t, session.FirstRun(st, 1), "something configured is set up")

	require.NoError(t, f.sess.RecordSetup(session.Destination{Store: session.StoreLocal}))
	st, _ = f.st.Settings()
	require.Equal(t, session.ModeLocal, st.Mode)
	require.False(t, session.FirstRun(st, 0))

	require.NoError(t, f.sess.RecordSetup(session.Destination{Store: session.StoreFlashback}))
	st, _ = f.st.Settings()
	require.Equal(t, session.ModeLocal, st.Mode, "the first choice stays")
}

// TestRefusedTokenIsNotNotFound (issue 11.6): with FLASHBACK_TOKEN refused,
// a REF that is not local is not "not found" (config.not_found, exit 1):
// the listing's error comes back, flashback.unauthenticated (exit 4).
// A local configuration is still found.
func TestRefusedTokenIsNotNotFound(t *testing.T) {
	f := newFixture(t)
	f.env[session.EnvToken] = "refused-token-0123456789"
	secret := "local-secret-0123456789"
	local, err := f.sess.Create(context.Background(), session.Destination{Store: session.StoreLocal},
		session.Change{Name: "here", AIType: assets.Other, Endpoint: "http://127.0.0.1:11434/v1", Secret: &secret})
	require.NoError(t, err)

	_, err = f.sess.Resolve(context.Background(), "Production OpenAI", session.Scope{})
	require.ErrorIs(t, err, client.ErrUnauthenticated)
	require.NotErrorIs(t, err, store.ErrNotFound)
	require.Equal(t, "flashback.unauthenticated", client.Code(err))

	it, err := f.sess.Resolve(context.Background(), "here", session.Scope{})
	require.NoError(t, err)
	require.Equal(t, local.ID, it.ID)
}

// TestInsecureAPIURLIsRefused (issue 11.7): FLASHBACK_API_URL with http://
// to a public host is refused before any request; loopback is allowed.
func TestInsecureAPIURLIsRefused(t *testing.T) {
	f := newFixture(t)
	f.env[client.EnvAPIURL] = "http://backend.flashback.example"
	f.env[session.EnvToken] = "tok-0123456789abcdef"
	_, err := f.sess.Identity(context.Background())
	var ie *input.InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, input.CodeInsecureScheme, ie.Code)
	require.NotContains(t, err.Error(), "tok-0123456789abcdef")
	_, err = f.sess.DoctorEnvironment(context.Background())
	require.Error(t, err)

	ok := newFixture(t) // its API URL is http://127.0.0.1:port
	ok.signIn(t)
	_, err = ok.sess.Identity(context.Background())
	require.NoError(t, err)
}

// TestBatchChecksWritesOnce: during a batch, outcomes wait in memory and
// reach the index in one write at flush.
func TestBatchChecksWritesOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var items []session.Item
	for _, name := range []string{"a", "b", "c"} {
		secret := "sk-proj-" + name + "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		it, err := f.sess.Create(ctx, session.Destination{Store: session.StoreLocal},
			session.Change{Name: name, AIType: "OPENAI", Endpoint: "https://api.openai.com/v1", Secret: &secret})
		require.NoError(t, err)
		items = append(items, it)
	}
	before, err := os.Stat(f.st.IndexPath())
	require.NoError(t, err)

	flush := f.sess.BatchChecks()
	for _, it := range items {
		require.NoError(t, f.sess.RecordCheck(it, "verified"))
	}
	during, err := os.Stat(f.st.IndexPath())
	require.NoError(t, err)
	require.True(t, os.SameFile(before, during), "nothing written during the batch")

	require.NoError(t, flush())
	list, err := f.st.List()
	require.NoError(t, err)
	for _, c := range list {
		require.NotNil(t, c.LastCheck, c.Name)
		require.Equal(t, "verified", c.LastCheck.Status)
	}
	// Outside a batch, a check is written at once.
	require.NoError(t, f.sess.RecordCheck(items[0], "rejected"))
	c, err := f.st.Resolve(items[0].ID)
	require.NoError(t, err)
	require.Equal(t, "rejected", c.LastCheck.Status)
}

// TestChangingTheConnectionForgetsTheLastCheck: a new secret, key,
// endpoint or type makes the last check describe something no longer
// stored, so it is forgotten ("untested"); a rename keeps it. Local and
// Flashback configurations follow the same rule.
func TestChangingTheConnectionForgetsTheLastCheck(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	str := func(s string) *string { return &s }
	secret := "sk-proj-LastCheckSecretAAAA1111BBBB2222CCCC33"
	it, err := f.sess.Create(ctx, session.Destination{Store: session.StoreLocal},
		session.Change{Name: "local", AIType: assets.OpenAI, Endpoint: "https://api.openai.com/v1", Secret: &secret})
	require.NoError(t, err)
	lastCheck := func(id string) *store.Check {
		t.Helper()
		l, err := f.sess.List(ctx, session.Scope{})
		require.NoError(t, err)
		for _, x := range l.Items {
			if x.ID == id {
				return x.LastCheck
			}
		}
		t.Fatalf("no item %s", id)
		return nil
	}
	for _, tc := range []struct {
		name   string
		change func(session.Item) session.Change
		keeps  bool
	}{
		{"rename", func(x session.Item) session.Change {
			return session.Change{Name: "renamed", AIType: x.AIType, Endpoint: x.Endpoint}
		}, true},
		{"secret", func(x session.Item) session.Change {
			return session.Change{Name: x.Name, AIType: x.AIType, Endpoint: x.Endpoint, Secret: str(secret + "X")}
		}, false},
		{"endpoint", func(x session.Item) session.Change {
			return session.Change{Name: x.Name, AIType: x.AIType, Endpoint: "https://gateway.example.com/v1"}
		}, false},
		{"type", func(x session.Item) session.Change {
			return session.Change{Name: x.Name, AIType: assets.Other, Endpoint: x.Endpoint}
		}, false},
		{"key", func(x session.Item) session.Change {
			return session.Change{Name: x.Name, AIType: x.AIType, Endpoint: x.Endpoint, Key: str("org-key")}
		}, false},
	} {
		require.NoError(t, f.sess.RecordCheck(it, "rejected"))
		require.NotNil(t, lastCheck(it.ID), tc.name)
		it, err = f.sess.Update(ctx, it, tc.change(it))
		require.NoError(t, err, tc.name)
		if tc.keeps {
			require.NotNil(t, lastCheck(it.ID), "%s keeps the last check", tc.name)
		} else {
			require.Nil(t, lastCheck(it.ID), "%s forgets the last check", tc.name)
		}
	}

	// The same on Flashback.
	f.signIn(t)
	_, err = f.sess.Use(ctx, "Production")
	require.NoError(t, err)
	l, err := f.sess.List(ctx, session.Scope{})
	require.NoError(t, err)
	var remote session.Item
	for _, x := range l.Items {
		if x.Name == "Claude support" {
			remote = x
		}
	}
	require.NoError(t, f.sess.RecordCheck(remote, "rejected"))
	remote, err = f.sess.Update(ctx, remote, session.Change{Name: "Claude renamed", AIType: remote.AIType, Endpoint: remote.Endpoint})
	require.NoError(t, err)
	require.NotNil(t, lastCheck(remote.ID), "a rename keeps the last check")
	remote, err = f.sess.Update(ctx, remote, session.Change{Name: remote.Name, AIType: remote.AIType, Endpoint: remote.Endpoint,
		Secret: str("sk-ant-api03-RotatedRotatedRotatedRotated00")})
	require.NoError(t, err)
	require.Nil(t, lastCheck(remote.ID), "a rotated secret forgets the last check")
}
