package providertest

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// ConnectBlackhole returns a loopback port whose connects hang, like a
// firewall that drops SYNs or an unroutable address: it listens with a
// backlog of 0 and never accepts, and one held connection fills the
// queue, so the kernel drops every further SYN.
func ConnectBlackhole() (*Fault, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	fail := func(op string, err error) (*Fault, error) {
		_ = syscall.Close(fd)
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return fail("bind", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		return fail("listen", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return fail("getsockname", err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
	filler, err := (&net.Dialer{}).DialContext(context.Background(), "tcp", addr)
	if err != nil {
		return fail("fill the accept queue", err)
	}
	return &Fault{URL: "http://" + addr + "/v1", close: func() {
		_ = filler.Close()
		_ = syscall.Close(fd)
	}}, nil
}
