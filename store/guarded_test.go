package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"
)

func TestKeyringCallTimesOut(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	kr := newCountingKeyring()
	release := make(chan struct{})
	var hang atomic.Bool
	kr.getHook = func() error {
		if hang.Load() {
			<-release // sleeps "forever": until the test ends
		}
		return nil
	}
	t.Cleanup(func() { close(release) })
	dir := t.TempDir()
	s, err := Open(Options{ConfigDir: dir + "/c", DataDir: dir + "/d", Keyring: kr, Timeout: 100 * time.Millisecond, Env: envMap{}.get})
	require.NoError(t, err)
	c, err := s.Add(ctx, cfg("x"), Credentials{Secret: "s"})
	require.NoError(t, err)

	hang.Store(true)
	start := time.Now()
	_, err = s.Credentials(ctx, c.ID)
	elapsed := time.Since(start)
	require.ErrorIs(t, err, ErrTimeout)
	require.ErrorIs(t, err, ErrBackendUnavailable)
	require.GreaterOrEqual(t, elapsed, 100*time.Millisecond)
	require.Less(t, elapsed, time.Second)
	require.Contains(t, err.Error(), "100ms")

	// While the abandoned call still holds the handle, calls fail fast.
	start = time.Now()
	_, err = s.Add(ctx, cfg("y"), Credentials{Secret: "s"})
	require.ErrorIs(t, err, ErrTimeout)
	require.Less(t, time.Since(start), 90*time.Millisecond)
	list, err := s.List()
	require.NoError(t, err)
	require.Len(t, list, 1, "a failed Set leaves the index alone")
}

func TestGuardedRecoversAfterSlowCall(t *testing.T) {
	t.Parallel()
	kr := newCountingKeyring()
	release := make(chan struct{})
	kr.getHook = func() error { <-release; return nil }
	g := newGuarded("test", kr, 50*time.Millisecond)

	err := g.do(context.Background(), "get", func(k keyring.Keyring) error { _, err := k.Get("a"); return err })
	require.ErrorIs(t, err, ErrTimeout)
	require.EqualValues(t, 1, g.stuck.Load())
	close(release)
	require.Eventually(t, func() bool { return g.stuck.Load() == 0 }, time.Second, 5*time.Millisecond)
	kr.getHook = nil
	err = g.do(context.Background(), "set", func(k keyring.Keyring) error { return k.Set(keyring.Item{Key: "a"}) })
	require.NoError(t, err)
}

func TestGuardedAbandonedCallNeverRunsLate(t *testing.T) {
	t.Parallel()
	kr := newCountingKeyring()
	started := make(chan struct{})
	release := make(chan struct{})
	g := newGuarded("test", kr, 5*time.Second)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a slow but successful call holds the handle
		defer wg.Done()
		err := g.do(context.Background(), "slow", func(keyring.Keyring) error { close(started); <-release; return nil })
		require.NoError(t, err)
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := g.do(ctx, "set", func(k keyring.Keyring) error { return k.Set(keyring.Item{Key: "late"}) })
	require.ErrorIs(t, err, context.DeadlineExceeded)
	close(release)
	wg.Wait()
	// Give the abandoned goroutine the chance to (wrongly) run.
	err = g.do(context.Background(), "get", func(k keyring.Keyring) error { _, err := k.Get("x"); return err })
	require.ErrorIs(t, err, keyring.ErrKeyNotFound)
	require.Zero(t, kr.sets.Load(), "the abandoned Set must not run after its caller gave up")
}

func TestGuardedRecoversPanic(t *testing.T) {
	t.Parallel()
	g := newGuarded("test", newCountingKeyring(), time.Second)
	err := g.do(context.Background(), "get", func(keyring.Keyring) error { panic("nil prompt func") })
	require.ErrorContains(t, err, "nil prompt func")
}
