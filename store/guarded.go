package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/keyring"
)

// guardedKeyring wraps one keyring handle so that no call can block the
// caller for longer than timeout, and calls never run concurrently on the
// handle (the file backend's first unlock is a data race otherwise).
//
// A call runs in its own goroutine, which holds mu for exactly as long as
// the library call runs; the caller waits for the result, the timeout or
// its context. When the caller gives up, the goroutine is abandoned: it is
// left to finish (or to block forever on a D-Bus prompt nobody answers).
// That leak is deliberate — there is no way to cancel a library call — and
// bounded: while an abandoned call still holds the handle, further calls
// fail at once with ErrTimeout instead of queueing behind it, and a call
// that was abandoned before it started never runs late.
type guardedKeyring struct {
	backend string
	kr      keyring.Keyring
	timeout time.Duration

	mu    sync.Mutex   // held by the goroutine running a library call
	stuck atomic.Int32 // abandoned calls still running
}

func newGuarded(backend string, kr keyring.Keyring, timeout time.Duration) *guardedKeyring {
	return &guardedKeyring{backend: backend, kr: kr, timeout: timeout}
}

// callState coordinates one call's goroutine with its caller.
type callState struct {
	mu        sync.Mutex
	running   bool
	finished  bool
	abandoned bool
}

// do runs fn on the handle with the timeout. op names the call for errors
// ("get", "set", ...). Library errors are returned unchanged; only timeouts,
// cancellation and panics are turned into errors here.
func (g *guardedKeyring) do(ctx context.Context, op string, fn func(keyring.Keyring) error) error {
	if g.stuck.Load() > 0 {
		return &BackendError{
			Backend: g.backend,
			Reason:  "an earlier keyring call has still not returned",
			Err:     ErrTimeout,
		}
	}
	st := &callState{}
	done := make(chan error, 1)
	go func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		st.mu.Lock()
		if st.abandoned {
			st.mu.Unlock()
			return
		}
		st.running = true
		st.mu.Unlock()

		err := safeCall(func() error { return fn(g.kr) })

		st.mu.Lock()
		st.finished = true
		if st.abandoned {
			g.stuck.Add(-1)
		}
		st.mu.Unlock()
		done <- err
	}()

	timer := time.NewTimer(g.timeout)
	defer timer.Stop()
	var cause error
	select {
	case err := <-done:
		return err
	case <-timer.C:
		cause = &BackendError{
			Backend: g.backend,
			Reason:  fmt.Sprintf("%s did not answer within %s", op, g.timeout),
			Err:     ErrTimeout,
		}
	case <-ctx.Done():
		cause = ctx.Err()
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.finished {
		// It completed while we were deciding to give up: use the result.
		return <-done
	}
	st.abandoned = true
	if st.running {
		g.stuck.Add(1)
	}
	return cause
}

// safeCall turns a panic inside the library (for example a nil prompt
// function) into an error instead of crashing the TUI.
func safeCall(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("keyring panic: %v", r)
		}
	}()
	return fn()
}

// withTimeout runs fn in a goroutine and waits at most d (or until ctx
// ends). It is used for one-off calls outside a handle: opening a backend
// and the Secret Service probe. The goroutine is abandoned on timeout.
func withTimeout[T any](ctx context.Context, d time.Duration, what string, fn func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		r.err = safeCall(func() (err error) { r.v, err = fn(); return err })
		done <- r
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	var zero T
	select {
	case r := <-done:
		return r.v, r.err
	case <-timer.C:
		return zero, fmt.Errorf("%s did not answer within %s: %w", what, d, ErrTimeout)
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}
