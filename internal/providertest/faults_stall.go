package providertest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
)

// ConnectHangProxy is a forward proxy that accepts CONNECT requests and
// never answers them (a proxy stuck on its upstream). Its URL is the
// proxy's, for HTTPS_PROXY.
func ConnectHangProxy() (*Fault, error) {
	return hangAfter(func(c net.Conn) {
		_, _ = http.ReadRequest(bufio.NewReader(c))
	}, "http://%s")
}

// BodyHang answers 200 with a JSON content type and the first bytes of a
// model list, then never sends the rest: the headers arrived, the body
// stalls.
func BodyHang() (*Fault, error) {
	return hangAfter(func(c net.Conn) {
		if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"object\":\"list\",\"data\":[")
	}, "http://%s/v1")
}

// hangAfter accepts connections, runs before on each and then holds the
// connection open without a word, until Close.
func hangAfter(before func(net.Conn), urlFormat string) (*Fault, error) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() {
				before(c)
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	return &Fault{URL: fmt.Sprintf(urlFormat, ln.Addr().String()), close: func() {
		_ = ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	}}, nil
}
