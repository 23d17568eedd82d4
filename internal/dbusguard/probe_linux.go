package dbusguard

import (
	"errors"
	"syscall"
	"time"
)

// active is true where keyring links godbus and calls it from init().
const active = true

// Answers reports whether the D-Bus server at a single unix: address replies
// to the SASL AUTH command within d. It uses raw syscalls because "net" would
// break the init-order argument (see the package doc). Addresses it cannot
// check are reported as answering, so the guard leaves them alone.
func Answers(address string, d time.Duration) bool {
	name, ok := UnixSocketName(address)
	if !ok {
		return true
	}
	deadline := time.Now().Add(d)
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return true // cannot tell; do not second-guess the environment
	}
	defer syscall.Close(fd)

	// SO_SNDTIMEO also bounds a blocking connect() on a full backlog.
	if setTimeout(fd, syscall.SO_SNDTIMEO, d) != nil {
		return true
	}
	if err := retry(func() error { return syscall.Connect(fd, &syscall.SockaddrUnix{Name: name}) }); err != nil {
		return false
	}
	msg := []byte("\x00AUTH\r\n")
	for len(msg) > 0 {
		var n int
		err := retry(func() (err error) { n, err = syscall.Write(fd, msg); return err })
		if err != nil {
			return false
		}
		msg = msg[n:]
	}
	left := time.Until(deadline)
	if left < time.Millisecond {
		left = time.Millisecond
	}
	if setTimeout(fd, syscall.SO_RCVTIMEO, left) != nil {
		return true
	}
	var buf [64]byte
	var n int
	err = retry(func() (err error) { n, err = syscall.Read(fd, buf[:]); return err })
	return err == nil && n > 0
}

func setTimeout(fd, opt int, d time.Duration) error {
	tv := syscall.NsecToTimeval(d.Nanoseconds())
	return syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, opt, &tv)
}

// retry repeats a system call interrupted by a signal.
func retry(call func() error) error {
	for {
		err := call()
		if !errors.Is(err, syscall.EINTR) {
			if errors.Is(err, syscall.EISCONN) {
				return nil
			}
			return err
		}
	}
}
