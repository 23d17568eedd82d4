package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/flashbacktest"
	"github.com/fbllm/fbllm/internal/flashbacktest/contract"
)

// suite gathers, across every test of the package, the contract coverage
// and every error and server-derived message the client produced, so
// TestMain can print the coverage table and scan them all for secrets.
var suite = struct {
	mu      sync.Mutex
	check   *contract.Checker
	errs    []error
	texts   []string
	secrets map[string]bool
}{secrets: map[string]bool{}}

func TestMain(m *testing.M) {
	chk, err := contract.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	suite.check = chk
	code := m.Run()
	if code == 0 {
		if leaks := scanSecrets(suite.errs, suite.texts, secretList()); len(leaks) > 0 {
			fmt.Fprintf(os.Stderr, "client output leaked secrets:\n%s\n", strings.Join(leaks, "\n"))
			code = 1
		}
	}
	if os.Getenv("FBLLM_CONTRACT_TABLE") != "" {
		fmt.Printf("\ncontract coverage (%d errors scanned, %d messages, %d secrets):\n%s",
			len(suite.errs), len(suite.texts), len(suite.secrets), suite.check.Table())
	}
	os.Exit(code)
}

// note records errors (and their whole chain) for the final secret scan.
func note(errs ...error) {
	suite.mu.Lock()
	defer suite.mu.Unlock()
	for _, err := range errs {
		if err != nil {
			suite.errs = append(suite.errs, err)
		}
	}
}

// noteText records a server-derived string the client returned.
func noteText(texts ...string) {
	suite.mu.Lock()
	defer suite.mu.Unlock()
	suite.texts = append(suite.texts, texts...)
}

// secret registers values that must never appear in client output.
func secret(vals ...string) {
	suite.mu.Lock()
	defer suite.mu.Unlock()
	for _, v := range vals {
		if len(v) >= 8 {
			suite.secrets[v] = true
		}
	}
}

func secretList() []string {
	suite.mu.Lock()
	defer suite.mu.Unlock()
	out := make([]string, 0, len(suite.secrets))
	for s := range suite.secrets {
		out = append(out, s)
	}
	return out
}

// scanSecrets returns a line per secret found in an error's text (every
// error in its chain) or in a text. It also looks for every 12-character
// piece of a longer secret: the redactor promises that none is shown.
func scanSecrets(errs []error, texts []string, secrets []string) []string {
	var hay []string
	for _, err := range errs {
		for e := err; e != nil; e = errors.Unwrap(e) {
			hay = append(hay, e.Error())
		}
		var in interface{ Unwrap() []error }
		if errors.As(err, &in) {
			for _, e := range in.Unwrap() {
				hay = append(hay, e.Error())
			}
		}
	}
	hay = append(hay, texts...)
	var leaks []string
	for _, h := range hay {
		for _, s := range secrets {
			needles := []string{s}
			for i := 0; len(s) > 12 && i+12 <= len(s); i++ {
				// Runs like "000000000000" also occur in ids; a
				// piece must look like part of a credential.
				if w := s[i : i+12]; distinct(w) >= 5 {
					needles = append(needles, w)
				}
			}
			for _, n := range needles {
				if strings.Contains(h, n) {
					leaks = append(leaks, fmt.Sprintf("%q in %q", n, h))
				}
			}
		}
	}
	return leaks
}

func distinct(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

// memTokens is a TokenStore in memory that keeps the history of writes.
type memTokens struct {
	mu      sync.Mutex
	url     string
	email   string
	token   string
	history []string
	getErr  error
}

func (m *memTokens) Get(_ context.Context, apiURL string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.getErr != nil {
		return "", m.getErr
	}
	if m.url != apiURL {
		return "", nil
	}
	return m.token, nil
}

func (m *memTokens) Set(_ context.Context, apiURL, email, tok string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if email == "" && m.url == apiURL {
		email = m.email
	}
	m.url, m.email, m.token = apiURL, email, tok
	m.history = append(m.history, tok)
	secret(tok)
	return nil
}

func (m *memTokens) Delete(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.url, m.email, m.token = "", "", ""
	return nil
}

func (m *memTokens) current() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.token
}

// env is one simulated platform reached through the contract checker.
type env struct {
	t      *testing.T
	sim    *flashbacktest.Server
	url    string
	hc     *http.Client
	check  *contract.Checker
	seed   flashbacktest.Seed
	tokens *memTokens
}

// newEnv starts a simulator loaded with the demo (validated without
// network) behind a checking transport.
func newEnv(t *testing.T, opts flashbacktest.Options) *env {
	t.Helper()
	if opts.Validator == nil {
		opts.Validator = flashbacktest.DemoValidator()
	}
	sim := flashbacktest.New(opts)
	seed := flashbacktest.Demo(time.Now())
	require.NoError(t, sim.Load(seed))
	for _, l := range seed.LLMs {
		secret(l.Secret, l.Key)
	}
	for _, u := range seed.Users {
		secret(u.Password)
	}
	ts := httptest.NewServer(sim)
	chk, err := contract.New()
	require.NoError(t, err)
	e := &env{t: t, sim: sim, url: ts.URL, check: chk, seed: seed, tokens: &memTokens{},
		hc: &http.Client{Transport: chk.Transport(http.DefaultTransport)}}
	t.Cleanup(func() {
		ts.Close()
		suite.check.Merge(chk)
		require.Empty(t, chk.Problems(), "contract violations")
	})
	return e
}

// client returns a client on the simulator; opts.Tokens defaults to the
// env's store, timeouts to short test values.
func (e *env) client(opts client.Options) *client.Client {
	e.t.Helper()
	if opts.Tokens == nil {
		opts.Tokens = e.tokens
	}
	if opts.MaxRetryWait == 0 {
		opts.MaxRetryWait = 2 * time.Second
	}
	c, err := client.New(e.url, e.hc, opts)
	require.NoError(e.t, err)
	return c
}

// signedIn returns a client signed in as the demo user.
func (e *env) signedIn() *client.Client {
	e.t.Helper()
	c := e.client(client.Options{})
	_, err := c.Login(ctx(e.t), flashbacktest.DemoEmail, flashbacktest.DemoPassword)
	require.NoError(e.t, err)
	return c
}

func (e *env) ws(name string) string {
	for _, w := range e.seed.Workspaces {
		if w.Name == name {
			return w.ID
		}
	}
	e.t.Fatalf("no workspace %q", name)
	return ""
}

func (e *env) llm(name string) string {
	for _, l := range e.seed.LLMs {
		if l.Name == name {
			return l.ID
		}
	}
	e.t.Fatalf("no llm %q", name)
	return ""
}

// countLLMs counts stored configurations named name.
func (e *env) countLLMs(name string) int {
	n := 0
	for _, l := range e.sim.LLMs() {
		if strings.EqualFold(l.Name, name) {
			n++
		}
	}
	return n
}

// atomicDuration is a clock skew changed while goroutines read it.
type atomicDuration struct{ v atomic.Int64 }

func (a *atomicDuration) get() time.Duration  { return time.Duration(a.v.Load()) }
func (a *atomicDuration) set(d time.Duration) { a.v.Store(int64(d)) }

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// requireCode asserts an error's class and PRODUCT §6 code, and records it
// for the secret scan.
func requireCode(t *testing.T, err error, target error, code string) {
	t.Helper()
	note(err)
	require.Error(t, err)
	require.ErrorIs(t, err, target, "%v", err)
	require.Equal(t, code, client.Code(err), "%v", err)
	msg := err.Error()
	require.Equal(t, strings.ToLower(msg[:1]), msg[:1], "error strings start lower-case: %q", msg)
	require.False(t, strings.HasSuffix(msg, "."), "no final period: %q", msg)
}

// ctxBG bounds calls made from table closures that have no *testing.T.
func ctxBG() context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	_ = cancel // released by the timeout; tests end long before
	return c
}
