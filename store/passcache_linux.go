//go:build linux

package store

import (
	"errors"
	"time"

	"golang.org/x/sys/unix"
)

// keyPerm gives the possessor and every process of the same user full
// access: the passphrase must be readable from the next SSH session, whose
// session keyring does not possess this one. Other users get nothing.
const keyPerm = 0x3f3f0000

func kernelCacheAvailable() bool {
	_, err := unix.KeyctlGetKeyringID(unix.KEY_SPEC_USER_KEYRING, false)
	return err == nil
}

func kernelCacheFind(desc string) (int, error) {
	id, err := unix.KeyctlSearch(unix.KEY_SPEC_USER_KEYRING, "user", desc, 0)
	if errors.Is(err, unix.ENOKEY) || errors.Is(err, unix.EKEYEXPIRED) || errors.Is(err, unix.EKEYREVOKED) {
		return 0, errNoCachedPassphrase
	}
	return id, err
}

func kernelCacheLoad(desc string) ([]byte, error) {
	id, err := kernelCacheFind(desc)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 4096)
	n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, id, buf, 0)
	if errors.Is(err, unix.EKEYEXPIRED) || errors.Is(err, unix.EKEYREVOKED) {
		return nil, errNoCachedPassphrase
	}
	if err != nil {
		return nil, err
	}
	return buf[:min(n, len(buf))], nil
}

func kernelCacheSave(desc string, payload []byte, ttl time.Duration) error {
	id, err := unix.AddKey("user", desc, payload, unix.KEY_SPEC_USER_KEYRING)
	if err != nil {
		return err
	}
	if err := unix.KeyctlSetperm(id, keyPerm); err != nil {
		_, _ = unix.KeyctlInt(unix.KEYCTL_INVALIDATE, id, 0, 0, 0)
		return err
	}
	if _, err := unix.KeyctlInt(unix.KEYCTL_SET_TIMEOUT, id, int(ttl.Seconds()), 0, 0); err != nil {
		_, _ = unix.KeyctlInt(unix.KEYCTL_INVALIDATE, id, 0, 0, 0)
		return err
	}
	return nil
}

func kernelCacheClear(desc string) error {
	id, err := kernelCacheFind(desc)
	if err != nil {
		return err
	}
	_, err = unix.KeyctlInt(unix.KEYCTL_INVALIDATE, id, 0, 0, 0)
	return err
}
