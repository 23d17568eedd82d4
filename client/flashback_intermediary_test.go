package client

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// squidPage is the start of the error page Debian's squid 5.7 writes.
const squidPage = `<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">
<html><head><meta type="copyright" content="Copyright (C) 1996-2021 The Squid Software Foundation and contributors">
<title>ERROR: The requested URL could not be retrieved</title></head><body id=ERR_ACCESS_DENIED>
<div id="titles"><h1>ERROR</h1><h2>The requested URL could not be retrieved</h2></div><hr>
<div id="content"><p>The following error was encountered while trying to retrieve the URL: <a href="https://backend.flashback.tech/workspace">https://backend.flashback.tech/workspace</a></p>
<blockquote id="error"><p><b>Access Denied.</b></p></blockquote></div></body></html>`

// TestIntermediaryIsNotTheAPI: an error answer written by a proxy or a
// web server in front of the API is reported as what it is, never as the
// platform refusing the token (exit 4) or the role (flashback.forbidden),
// and never as "not found" (workspace.not_visible).
func TestIntermediaryIsNotTheAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		header   map[string]string
		body     string
		kind     error
		contains string
	}{
		{"squid 403 (policy)", 403, map[string]string{"Server": "squid/5.7", "X-Squid-Error": "ERR_ACCESS_DENIED 0", "Content-Type": "text/html;charset=utf-8"},
			squidPage, ErrIntermediary, "squid denies this destination by its policy: ERR_ACCESS_DENIED 0"},
		{"squid 503 (upstream down)", 503, map[string]string{"Server": "squid/5.7", "X-Squid-Error": "ERR_CONNECT_FAIL 111", "Content-Type": "text/html;charset=utf-8"},
			squidPage, ErrServer, "squid could not connect: ERR_CONNECT_FAIL 111"},
		{"mitmproxy 502", 502, map[string]string{"Server": "mitmproxy 10.1.6", "Content-Type": "text/html"},
			"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>Connection refused</p></body></html>", ErrServer, "mitmproxy answered itself: Connection refused"},
		{"sign-in portal 401", 401, map[string]string{"Content-Type": "text/html", "Server": "nginx/1.22.1"},
			"<html><head><title>Sign in</title></head><body><p>Please sign in to continue</p></body></html>", ErrIntermediary, `nginx/1.22.1 answered 401 with an HTML page ("Please sign in to continue")`},
		{"wrong API URL 404", 404, map[string]string{"Content-Type": "text/html; charset=utf-8"},
			"<!doctype html><html><title>Not Found</title></html>", ErrIntermediary, `answered 404 with an HTML page ("Not Found")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c, err := New(srv.URL, srv.Client(), Options{Token: "tok-1234567890-abcdef", MaxAttempts: 1})
			require.NoError(t, err)
			_, err = c.Workspaces(context.Background())
			require.ErrorIs(t, err, tt.kind)
			require.Equal(t, "flashback.unreachable", Code(err))
			for _, wrong := range []error{ErrUnauthenticated, ErrForbidden, ErrNotFound} {
				require.NotErrorIs(t, err, wrong)
			}
			require.Contains(t, err.Error(), "not the Flashback API")
			require.Contains(t, err.Error(), tt.contains)
		})
	}
}

// TestRequestIDIsRedacted: a server that echoes the token into
// X-Request-Id (raw or encoded) does not get it into the error or its
// RequestID field.
func TestRequestIDIsRedacted(t *testing.T) {
	t.Parallel()
	const token = "fbt_Zq8vN3xKp2LmW7rT5yHbQ4sD9fGj"
	for _, echo := range []string{token, base64.StdEncoding.EncodeToString([]byte(token)), strings.ReplaceAll(token, "_", "%5F")} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Request-Id", "req-"+echo)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"success":false,"message":"no access"}`)
		}))
		c, err := New(srv.URL, srv.Client(), Options{Token: token, MaxAttempts: 1})
		require.NoError(t, err)
		_, err = c.Workspaces(context.Background())
		srv.Close()
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		for _, s := range []string{err.Error(), ae.RequestID} {
			require.NotContains(t, s, token[4:16])
			require.NotContains(t, s, echo[4:16])
		}
	}
}

// TestConnectFailuresAreNotRetried: a refused or hung connect fails at
// once instead of three times (a signed-in `fbllm list` with the API down
// waited 15.8 s for three 5 s connect timeouts).
func TestConnectFailuresAreNotRetried(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	var dials atomic.Int32
	tr, err := NewTransport(TransportOptions{Getenv: func(string) string { return "" }, DialTimeout: 300 * time.Millisecond,
		DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
			dials.Add(1)
			return (&net.Dialer{Timeout: 300 * time.Millisecond}).DialContext(ctx, network, a)
		}})
	require.NoError(t, err)
	c, err := New("http://"+addr, tr.HTTPClient(), Options{Token: "tok-1234567890-abcdef", MaxAttempts: 3, MaxRetryWait: time.Second})
	require.NoError(t, err)
	start := time.Now()
	_, err = c.Workspaces(context.Background())
	require.ErrorIs(t, err, ErrUnreachable)
	require.Equal(t, int32(1), dials.Load(), "a refused connect is not retried")
	require.Less(t, time.Since(start), 200*time.Millisecond, "no backoff either")

	// A connection that breaks after it was made is still retried.
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if hits.Add(1) == 1 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.Close()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"success":true,"workspaces":[]}`)
	}))
	defer srv.Close()
	c, err = New(srv.URL, srv.Client(), Options{Token: "tok-1234567890-abcdef", MaxAttempts: 3, MaxRetryWait: 10 * time.Millisecond})
	require.NoError(t, err)
	_, err = c.Workspaces(context.Background())
	require.NoError(t, err)
	require.GreaterOrEqual(t, hits.Load(), int32(2))
	require.False(t, noConnection(errors.New("x")))
}
