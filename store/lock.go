package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/gofrs/flock"
)

// processLocks holds one FIFO queue per lock file for the whole process.
// flock alone is not fair: a goroutine or process that releases and at once
// re-acquires the lock in a loop wins almost every time against waiters
// that poll, and those then starve (measured: a second Store in the same
// process timed out after 10 s while another added 50 configurations).
// Goroutines queue on a channel first — blocked senders are served in
// order — and only the head of the queue contends for the flock.
var processLocks sync.Map // lock path → chan struct{} (capacity 1)

func processQueue(path string) chan struct{} {
	q, _ := processLocks.LoadOrStore(path, make(chan struct{}, 1))
	return q.(chan struct{})
}

// lock takes configs.lock, exclusive or shared, waiting at most until ctx
// ends or LockTimeout passes. Every call opens its own descriptor, so the
// flock also excludes other Stores and processes.
//
// Waiting for another process uses a blocking flock in a goroutine rather
// than polling (flock.TryLockContext): the kernel wakes blocked waiters at
// every release, which gives them a fair chance against a process that
// re-locks in a loop. If ctx ends first, the goroutine is left to finish
// and releases the lock at once when it eventually gets it.
func (s *Store) lock(ctx context.Context, exclusive bool) (unlock func(), err error) {
	lctx, cancel := context.WithTimeout(ctx, s.lockTimeout)
	defer cancel()

	queue := processQueue(s.lockPath)
	select {
	case queue <- struct{}{}:
	case <-lctx.Done():
		return nil, s.lockErr(ctx, lctx.Err())
	}
	leave := func() { <-queue }

	// Never follow a symlink planted at the lock path (flock opens with
	// O_CREATE|O_RDWR, which would create or open its target), and refuse
	// a lock file that is not ours.
	if err := checkExisting(s.lockPath, false, s.uid); err != nil {
		leave()
		return nil, err
	}
	fl := flock.New(s.lockPath, flock.SetFlag(os.O_CREATE|os.O_RDWR|oNoFollow), flock.SetPermissions(0o600))
	var ok bool
	if exclusive {
		ok, err = fl.TryLock()
	} else {
		ok, err = fl.TryRLock()
	}
	if err != nil {
		leave()
		if isLoop(err) {
			return nil, &UnsafePathError{Path: s.lockPath, Reason: "is a symbolic link"}
		}
		return nil, fmt.Errorf("lock %s: %w", s.lockPath, err)
	}
	if !ok {
		done := make(chan error, 1)
		go func() {
			if exclusive {
				done <- fl.Lock()
			} else {
				done <- fl.RLock()
			}
		}()
		select {
		case err := <-done:
			if err != nil {
				leave()
				return nil, fmt.Errorf("lock %s: %w", s.lockPath, err)
			}
		case <-lctx.Done():
			go func() {
				if <-done == nil {
					_ = fl.Unlock()
				}
			}()
			leave()
			return nil, s.lockErr(ctx, lctx.Err())
		}
	}
	return func() {
		_ = fl.Unlock()
		leave()
	}, nil
}

func (s *Store) lockErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("lock %s: %w", s.lockPath, ctx.Err())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("lock %s: held by another fbllm operation for %s: %w", s.lockPath, s.lockTimeout, ErrTimeout)
	}
	return fmt.Errorf("lock %s: %w", s.lockPath, err)
}

// lockNoCtx is lock for the methods of the fixed API that take no context
// (SetLastCheck, Settings, SaveSettings); LockTimeout still bounds the wait.
func (s *Store) lockNoCtx() (func(), error) {
	return s.lock(context.Background(), true)
}
