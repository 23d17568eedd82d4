package providertest

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
)

// ConnectProxyOptions configures a ConnectProxy.
type ConnectProxyOptions struct {
	// CA signs the certificates the proxy presents for each host, as a
	// TLS-inspecting proxy does. Trust it (FBLLM_CA_FILE) to reach the
	// fakes, or leave it untrusted to see what inspection looks like.
	CA *CA
	// Hosts maps "host" (without port) to the handler serving it inside the
	// tunnel. A host without a handler gets 502.
	Hosts map[string]http.Handler
	// RefuseStatus, when non-zero, makes the proxy refuse every CONNECT
	// with this status (403, 407, …) and RefuseBody.
	RefuseStatus int
	RefuseBody   string
	// BlockPage, when non-empty, is an HTML page the proxy serves with 403
	// inside the tunnel for every request, like a secure web gateway's
	// block page; the Server header says "Zscaler/6.2".
	BlockPage string
}

// ConnectProxy is an HTTPS forward proxy on loopback that terminates TLS
// itself, so probes of the default provider hosts (api.openai.com, …)
// reach local fakes end to end: the probe resolves nothing locally, sends
// CONNECT, verifies a certificate for the real host name and speaks HTTP
// to the fake. Use its URL as HTTPS_PROXY.
type ConnectProxy struct {
	URL  string
	opts ConnectProxyOptions
	ln   net.Listener
	srv  *http.Server
	tun  *chanListener
	wg   sync.WaitGroup

	mu       sync.Mutex
	connects []string
}

// NewConnectProxy starts a proxy.
func NewConnectProxy(opts ConnectProxyOptions) (*ConnectProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	p := &ConnectProxy{URL: "http://" + ln.Addr().String(), opts: opts, ln: ln, tun: newChanListener(ln.Addr())}
	inner := http.HandlerFunc(p.serveTunnel)
	// Clients that refuse the proxy's certificate are part of the tests.
	p.srv = &http.Server{Handler: inner, ErrorLog: log.New(io.Discard, "", 0)}
	p.wg.Add(2)
	go func() { defer p.wg.Done(); _ = p.srv.Serve(p.tun) }()
	go func() { defer p.wg.Done(); p.accept() }()
	return p, nil
}

// Connects returns the CONNECT targets seen so far ("host:port").
func (p *ConnectProxy) Connects() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.connects...)
}

// Close stops the proxy and every tunnel.
func (p *ConnectProxy) Close() {
	_ = p.ln.Close()
	_ = p.srv.Close()
	p.tun.Close()
	p.wg.Wait()
}

func (p *ConnectProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

// handle reads one CONNECT and turns the connection into a TLS tunnel
// served by the inner http.Server.
func (p *ConnectProxy) handle(c net.Conn) {
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		_ = c.Close()
		return
	}
	if req.Method != http.MethodConnect {
		// Plain-http proxying is not needed by the tests; say so clearly.
		_, _ = io.WriteString(c, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		_ = c.Close()
		return
	}
	p.mu.Lock()
	p.connects = append(p.connects, req.Host)
	p.mu.Unlock()
	if p.opts.RefuseStatus != 0 {
		body := p.opts.RefuseBody
		extra := ""
		if p.opts.RefuseStatus == http.StatusProxyAuthRequired {
			extra = "Proxy-Authenticate: Basic realm=\"corp\"\r\n"
		}
		fmt.Fprintf(c, "HTTP/1.1 %d %s\r\n%sContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			p.opts.RefuseStatus, http.StatusText(p.opts.RefuseStatus), extra, len(body), body)
		_ = c.Close()
		return
	}
	if _, err := io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		_ = c.Close()
		return
	}
	host, _, _ := net.SplitHostPort(req.Host)
	tc := tls.Server(&bufferedConn{Conn: c, r: br}, &tls.Config{
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return p.opts.CA.certFor(host) },
		NextProtos:     []string{"http/1.1"},
	})
	p.tun.push(tc)
}

func (p *ConnectProxy) serveTunnel(w http.ResponseWriter, r *http.Request) {
	if p.opts.BlockPage != "" {
		w.Header().Set("Server", "Zscaler/6.2")
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, p.opts.BlockPage)
		return
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	h, ok := p.opts.Hosts[strings.ToLower(host)]
	if !ok {
		http.Error(w, "no upstream for "+host, http.StatusBadGateway)
		return
	}
	h.ServeHTTP(w, r)
}

// bufferedConn keeps bytes the CONNECT reader already buffered (a client
// may send its ClientHello right behind the CONNECT).
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (b *bufferedConn) Read(p []byte) (int, error) { return b.r.Read(p) }

// chanListener is a net.Listener fed with already-accepted tunnel
// connections.
type chanListener struct {
	addr net.Addr
	ch   chan net.Conn
	once sync.Once
	done chan struct{}
}

func newChanListener(addr net.Addr) *chanListener {
	return &chanListener{addr: addr, ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *chanListener) push(c net.Conn) {
	select {
	case l.ch <- c:
	case <-l.done:
		_ = c.Close()
	}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }
