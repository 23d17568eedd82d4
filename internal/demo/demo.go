// Package demo builds the world of `fbllm demo`: a simulated Flashback
// platform (package flashbacktest) seeded with a realistic organisation,
// simulated providers (package providertest) behind the providers' real
// host names, a throw-away store with an in-memory keyring, and a
// signed-in session over all of it. Everything listens on 127.0.0.1 and
// lives in this process: the demo's own dialer sends api.openai.com and
// the other hosts of its configurations to their simulated stand-ins,
// whose certificates come from a CA that only the demo's transport
// trusts. Nothing leaves the machine, and nothing is kept after Close.
package demo

import (
	"context"
	"crypto/tls"
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
	// routes sends a provider's host:port to its simulated stand-in's
	// loopback address.
	routes map[string]string
}

// Local demo configurations: one that works and one whose key was revoked.
const (
	localGoodSecret = "ollama-DEMO-localtoken-7fKq2N9xWm4Lp"
	localBadSecret  = "sk-ant-api03-DEMOrevokedlocalXXXXXXXXXXXXXXXX"
	localOllama     = "http://localhost:11434/v1"
)

// standIn describes the simulated provider behind one host: its type and,
// for OTHER servers, how it speaks.
type standIn struct {
	typ      assets.AIType
	flavor   string
	basePath string
}

// Start builds and signs in to a demo world. now anchors the seed's
// relative dates.
func Start(ctx context.Context, now time.Time) (w *World, err error) {
	w = &World{routes: map[string]string{}}
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
	ca, err := providertest.NewCA("fbllm demo CA", "fbllm demo (simulated providers)")
	if err != nil {
		return nil, err
	}

	// One simulated provider per host, accepting the secrets of every
	// configuration there except the revoked ones.
	seed := flashbacktest.Demo(now)
	hosts := map[string]*providertest.ProviderOptions{}
	var order []string
	accept := func(endpoint string, typ assets.AIType, key, secret string, valid bool) error {
		u, err := url.Parse(endpoint)
		if err != nil {
			return fmt.Errorf("demo endpoint %q: %w", endpoint, err)
		}
		hp := hostPort(u)
		o, ok := hosts[hp]
		if !ok {
			si := standInFor(u, typ)
			o = &providertest.ProviderOptions{Type: si.typ, Flavor: si.flavor, BasePath: si.basePath}
			hosts[hp] = o
			order = append(order, hp)
		}
		switch {
		case !valid:
		case typ == assets.AWS && key != "":
			if o.AWSCredentials == nil {
				o.AWSCredentials = map[string]string{}
			}
			o.AWSCredentials[key] = secret
		default:
			o.ValidSecrets = append(o.ValidSecrets, secret)
		}
		return nil
	}
	for _, l := range seed.LLMs {
		if err := accept(l.Endpoint, assets.AIType(l.AIType), l.Key, l.Secret, l.Secret != flashbacktest.DemoRevokedSecret); err != nil {
			return nil, err
		}
	}
	locals := []struct {
		name     string
		typ      assets.AIType
		endpoint string
		secret   string
		valid    bool
	}{
		{"Ollama on this laptop", assets.Other, localOllama, localGoodSecret, true},
		{"Old Anthropic key", assets.Anthropic, "https://api.anthropic.com", localBadSecret, false},
	}
	for _, c := range locals {
		if err := accept(c.endpoint, c.typ, "", c.secret, c.valid); err != nil {
			return nil, err
		}
	}
	for _, hp := range order {
		if err := w.serve(hp, *hosts[hp], ca); err != nil {
			return nil, err
		}
	}

	probe := diagnose.Options{TransportOptions: client.TransportOptions{
		Getenv: noProxy, DialContext: w.dial, RootCAs: ca.Pool(),
	}}
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
	for _, c := range locals {
		secret := c.secret
		if _, err := w.Session.Create(ctx, session.Destination{Store: session.StoreLocal},
			session.Change{Name: c.name, AIType: c.typ, Endpoint: c.endpoint, Secret: &secret}); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// serve starts the simulated provider for host:port hp, over TLS with a
// certificate for the host when the real one speaks https.
func (w *World) serve(hp string, opts providertest.ProviderOptions, ca *providertest.CA) error {
	srv := httptest.NewUnstartedServer(providertest.NewProvider(opts))
	host, port, _ := net.SplitHostPort(hp)
	names := []string{host}
	if rest, ok := strings.CutPrefix(host, "bedrock-runtime."); ok {
		// Bedrock is probed on its control plane (client/probe_aws.go).
		names = append(names, "bedrock."+rest)
	}
	if port == "443" {
		cert, err := ca.Issue(names...)
		if err != nil {
			return err
		}
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
		srv.StartTLS()
	} else {
		srv.Start()
	}
	w.servers = append(w.servers, srv)
	for _, n := range names {
		w.routes[net.JoinHostPort(n, port)] = srv.Listener.Addr().String()
	}
	if host == "localhost" {
		w.routes[net.JoinHostPort("127.0.0.1", port)] = w.routes[hp]
		w.routes[net.JoinHostPort("::1", port)] = w.routes[hp]
	}
	return nil
}

// ProviderAddr is the loopback address of the stand-in for host:port hp
// ("" when the demo does not simulate it).
func (w *World) ProviderAddr(hp string) string { return w.routes[hp] }

// standInFor picks the simulated provider for a configuration's endpoint:
// its type, and for OTHER servers the dialect of the well-known ones.
func standInFor(u *url.URL, typ assets.AIType) standIn {
	si := standIn{typ: typ, basePath: strings.TrimRight(u.Path, "/")}
	if typ != assets.Other {
		return si
	}
	switch {
	case u.Hostname() == "openrouter.ai":
		si.flavor = providertest.FlavorOpenRouter
	case u.Port() == "8000":
		si.flavor = providertest.FlavorVLLM
	}
	return si
}

// hostPort is the address a URL dials, with the scheme's default port.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// dial is the demo's dialer: a host:port the demo simulates goes to its
// stand-in on loopback; every other one is answered as unresolvable
// without asking a DNS server, so a configuration typed in the demo never
// leaves the machine, not even as a DNS query.
func (w *World) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	to, ok := w.routes[addr]
	if !ok {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{
			Err: "not looked up: fbllm demo reaches only its simulated providers on this machine", Name: host, IsNotFound: true}}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, to)
}

// probingValidator makes the simulated platform's validate endpoint do what
// Flashback's does: call the provider from the server side with the stored
// credentials, and answer with the provider's status line on failure (the
// platform puts "Validation failed: … Error: " before it).
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
			return errors.New("401 Unauthorized")
		case diagnose.StatusQuota, diagnose.StatusRateLimited:
			return errors.New("429 Too Many Requests")
		case diagnose.StatusUnreachable:
			return errors.New("endpoint unreachable")
		}
		return fmt.Errorf("provider answered %s", r.Status)
	}
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
