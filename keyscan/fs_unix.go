//go:build unix

package keyscan

import "syscall"

// openFlags refuses a final symbolic link (swapped in after the check)
// and keeps a FIFO from blocking the open.
const openFlags = syscall.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_NONBLOCK
