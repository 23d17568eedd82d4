package providertest

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Fault is a running loopback fault. URL is the endpoint to test against
// it; Close stops it.
type Fault struct {
	URL   string
	close func()
}

// Close stops the fault's listeners.
func (f *Fault) Close() {
	if f.close != nil {
		f.close()
	}
}

// DNSFailureURL is an endpoint whose host cannot resolve: .invalid is
// reserved never to exist (RFC 2606), so the system resolver answers
// NXDOMAIN without a fake resolver.
const DNSFailureURL = "https://api.fbllm-test.invalid/v1"

// ClosedPort returns the URL of a loopback port nothing listens on: the
// port was bound and released, so the kernel refuses the connection.
func ClosedPort() (*Fault, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return nil, fmt.Errorf("close: %w", err)
	}
	return &Fault{URL: "http://" + addr + "/v1"}, nil
}

// Blackhole accepts connections and never answers, like a server that
// hangs or a middlebox that swallows traffic. scheme "https" stalls the
// TLS handshake, "http" stalls waiting for the first response byte.
func Blackhole(scheme string) (*Fault, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(done)
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			// Drain what the client sends so its writes never block,
			// and never write anything back.
			go func() { _, _ = io.Copy(io.Discard, c) }()
		}
	}()
	return &Fault{URL: scheme + "://" + ln.Addr().String() + "/v1", close: func() {
		_ = ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	}}, nil
}

// ResetOnAccept accepts connections and closes them at once: the client
// sees EOF or a reset before any answer.
func ResetOnAccept() (*Fault, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // RST rather than FIN
			}
			_ = c.Close()
		}
	}()
	return &Fault{URL: "https://" + ln.Addr().String() + "/v1", close: func() { _ = ln.Close() }}, nil
}

// tlsServer starts a TLS server with cert answering a models list.
func tlsServer(cert *tls.Certificate, h http.Handler) *httptest.Server {
	if h == nil {
		h = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 200, openAIModels())
		})
	}
	s := httptest.NewUnstartedServer(h)
	// Failed handshakes are the point of these servers; don't log them.
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}}
	s.StartTLS()
	return s
}

// UntrustedTLS serves https with a certificate from ca, which the caller
// does not trust (a self-signed server, or TLS inspection whose root is
// missing). The URL uses 127.0.0.1, for which the certificate is valid.
func UntrustedTLS(ca *CA) (*Fault, error) {
	cert, err := ca.Issue("127.0.0.1", "localhost")
	if err != nil {
		return nil, err
	}
	s := tlsServer(cert, nil)
	return &Fault{URL: s.URL + "/v1", close: s.Close}, nil
}

// WrongHostTLS serves https with a certificate for another name.
func WrongHostTLS(ca *CA) (*Fault, error) {
	cert, err := ca.Issue("other.example.net")
	if err != nil {
		return nil, err
	}
	s := tlsServer(cert, nil)
	return &Fault{URL: s.URL + "/v1", close: s.Close}, nil
}

// ExpiredTLS serves https with a certificate that expired yesterday.
func ExpiredTLS(ca *CA) (*Fault, error) {
	cert, err := ca.IssueValid(time.Now().Add(-72*time.Hour), time.Now().Add(-24*time.Hour), "127.0.0.1")
	if err != nil {
		return nil, err
	}
	s := tlsServer(cert, nil)
	return &Fault{URL: s.URL + "/v1", close: s.Close}, nil
}

// HTTPSToPlain is an https:// URL pointing at a plain-http server.
func HTTPSToPlain() *Fault {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, openAIModels()) }))
	return &Fault{URL: "https://" + s.Listener.Addr().String() + "/v1", close: s.Close}
}

// PlainToHTTPS is an http:// URL pointing at a TLS server; Go's server
// answers such a request with 400 "Client sent an HTTP request to an HTTPS
// server.", as many servers do.
func PlainToHTTPS(ca *CA) (*Fault, error) {
	cert, err := ca.Issue("127.0.0.1")
	if err != nil {
		return nil, err
	}
	s := tlsServer(cert, nil)
	return &Fault{URL: "http://" + s.Listener.Addr().String() + "/v1", close: s.Close}, nil
}

// HTMLPage answers every request with a 200 HTML page: a web UI where the
// API should be.
func HTMLPage() *Fault {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!doctype html><html><head><title>Open WebUI</title></head><body><div id=\"app\"></div></body></html>")
	}))
	return &Fault{URL: s.URL + "/v1", close: s.Close}
}

// Redirect answers every request with 302 to location.
func Redirect(location string) *Fault {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, location, http.StatusFound)
	}))
	return &Fault{URL: s.URL + "/v1", close: s.Close}
}

// Proxy407 is a forward proxy that demands credentials for everything:
// CONNECT and plain requests alike get 407 with Proxy-Authenticate. Its
// URL is the proxy's, for HTTPS_PROXY.
func Proxy407() *Fault {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Proxy-Authenticate", `Basic realm="corp-proxy"`)
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Via", "1.1 corp-proxy (squid/6.6)")
		w.WriteHeader(http.StatusProxyAuthRequired)
		_, _ = io.WriteString(w, "<html><body>Proxy authentication required</body></html>")
	}))
	return &Fault{URL: s.URL, close: s.Close}
}
