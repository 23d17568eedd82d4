// Package demo builds the world of `fbllm demo`: a simulated Flashback
// platform (package flashbacktest) seeded with a realistic organisation,
// simulated providers (package providertest) that the seeded
// configurations point at, a throw-away store with an in-memory keyring,
// and a signed-in session over all of it. Everything listens on 127.0.0.1
// and lives in this process: nothing leaves the machine, and nothing is
// kept after Close.
package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/99designs/keyring"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/internal/flashbacktest"
	"github.com/fbllm/fbllm/internal/providertest"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// World is a running demo.
type World struct {
	Store    *store.Store
	Session  *session.Session
	Platform *flashbacktest.Server
	// APIURL is the simulated platform's address (loopback).
	APIURL string

	dir     string
	servers []*httptest.Server
}

// Local demo configurations: one that works and one whose key was revoked.
const (
	localGoodSecret = "ollama-DEMO-localtoken-7fKq2N9xWm4Lp"
	localBadSecret  = "sk-ant-api03-DEMOrevokedlocalXXXXXXXXXXXXXXXX"
)

// Start builds and signs in to a demo world. now anchors the seed's
// relative dates.
func Start(ctx context.Context, now time.Time) (w *World, err error) {
	w = &World{}
	defer func() {
		if err != nil {
			w.Close()
		}
	}()
	w.dir, err = os.MkdirTemp("", "fbllm-demo-")
	if err != nil {
		return nil, err
	}
	w.Store, err = store.Open(store.Options{
		ConfigDir: filepath.Join(w.dir, "config"), DataDir: filepath.Join(w.dir, "data"),
		Keyring: keyring.NewArrayKeyring(nil), Backend: "in-memory keyring (demo)",
		Env: func(string) string { return "" },
	})
	if err != nil {
		return nil, err
	}

	seed := flashbacktest.Demo(now)
	// One simulated provider per seeded configuration, accepting its
	// secret unless it is the revoked one.
	providers := map[string]string{} // llm id → base URL
	for _, l := range seed.LLMs {
		base, err := w.provider(assets.AIType(l.AIType), l.Key, l.Secret, l.Secret != flashbacktest.DemoRevokedSecret)
		if err != nil {
			return nil, err
		}
		providers[l.ID] = base + endpointPath(l.Endpoint)
	}
	seed.SetEndpoints(func(l flashbacktest.LLM) string { return providers[l.ID] })

	probe := diagnose.Options{TransportOptions: client.TransportOptions{Getenv: noProxy, DialContext: loopbackOnly}}
	w.Platform = flashbacktest.New(flashbacktest.Options{Validator: probingValidator(probe)})
	if err := w.Platform.Load(seed); err != nil {
		return nil, err
	}
	api := httptest.NewServer(w.Platform)
	w.servers = append(w.servers, api)
	w.APIURL = api.URL

	w.Session, err = session.New(session.Options{
		Store: w.Store, APIURL: api.URL, APIHTTPClient: &http.Client{},
		Probe: probe, Simulated: true,
	})
	if err != nil {
		return nil, err
	}
	if _, err := w.Session.SignIn(ctx, flashbacktest.DemoEmail, flashbacktest.DemoPassword); err != nil {
		return nil, fmt.Errorf("demo sign-in: %w", err)
	}

	// Two configurations kept "on this machine" (the in-memory keyring).
	good, err := w.provider(assets.Other, "", localGoodSecret, true)
	if err != nil {
		return nil, err
	}
	bad, err := w.provider(assets.Anthropic, "", "sk-ant-api03-DEMOcurrentkeyYYYYYYYYYYYYYYYYYYY", true)
	if err != nil {
		return nil, err
	}
	for _, c := range []struct {
		name     string
		typ      assets.AIType
		endpoint string
		secret   string
	}{
		{"Ollama on this laptop", assets.Other, good + "/v1", localGoodSecret},
		{"Old Anthropic key", assets.Anthropic, bad, localBadSecret},
	} {
		secret := c.secret
		if _, err := w.Session.Create(ctx, session.Destination{Store: session.StoreLocal},
			session.Change{Name: c.name, AIType: c.typ, Endpoint: c.endpoint, Secret: &secret}); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// provider starts a simulated provider of type t that accepts secret when
// valid is true, and returns its base URL.
func (w *World) provider(t assets.AIType, key, secret string, valid bool) (string, error) {
	opts := providertest.ProviderOptions{Type: t}
	if valid {
		if t == assets.AWS && key != "" {
			opts.AWSCredentials = map[string]string{key: secret}
		} else {
			opts.ValidSecrets = []string{secret}
		}
	}
	srv := providertest.NewProviderServer(opts)
	w.servers = append(w.servers, srv)
	return srv.URL, nil
}

// endpointPath keeps the version path of a real endpoint ("/v1",
// "/v1beta", "/api/v1") for its simulated stand-in.
func endpointPath(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}

// probingValidator makes the simulated platform's validate endpoint do what
// Flashback's does: call the provider from the server side with the stored
// credentials, and answer with the provider's status line on failure.
func probingValidator(opts diagnose.Options) flashbacktest.Validator {
	return func(ctx context.Context, l flashbacktest.LLM) error {
		r, err := diagnose.Run(ctx, diagnose.Target{
			Config: diagnose.ConfigRef{ID: l.ID, Name: l.Name, AIType: assets.AIType(l.AIType), Endpoint: l.Endpoint},
			Key:    l.Key, Secret: l.Secret, Region: "us-east-1",
		}, opts)
		if err != nil {
			return errors.New("validation could not run")
		}
		switch r.Status {
		case diagnose.StatusVerified, diagnose.StatusVerifiedLimited, diagnose.StatusUnverified:
			return nil
		case diagnose.StatusRejected:
			return errors.New("Error: 401 Unauthorized") //nolint:staticcheck // Flashback's own wording, which the classifier reads
		case diagnose.StatusQuota, diagnose.StatusRateLimited:
			return errors.New("Error: 429 Too Many Requests") //nolint:staticcheck // Flashback's own wording, which the classifier reads
		case diagnose.StatusUnreachable:
			return errors.New("endpoint unreachable")
		}
		return fmt.Errorf("Error: provider answered %s", r.Status) //nolint:staticcheck // Flashback's own wording
	}
}

// loopbackOnly is the demo's dialer: it connects to 127.0.0.1 and ::1
// only, and answers every other host as unresolvable without asking a DNS
// server, so a configuration typed in the demo (api.openai.com…) never
// leaves the machine, not even as a DNS query.
func loopbackOnly(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{
			Err: "not looked up: fbllm demo reaches only its simulated providers on this machine", Name: host, IsNotFound: true}}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// noProxy keeps demo traffic on loopback even when the user's environment
// sets a proxy.
func noProxy(string) string { return "" }

// Close stops every server and removes the demo's files.
func (w *World) Close() {
	for _, s := range w.servers {
		s.Close()
	}
	if w.dir != "" {
		_ = os.RemoveAll(w.dir)
	}
}
