//go:build linux

package store

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchangeDirs swaps two directory entries in one atomic step
// (renameat2 RENAME_EXCHANGE, Linux 3.15+). File systems without it return
// errExchangeUnsupported, and the caller falls back to two renames.
func exchangeDirs(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTSUP) {
		return errExchangeUnsupported
	}
	return err
}
