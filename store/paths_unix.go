//go:build unix

package store

import (
	"io/fs"
	"syscall"
)

const (
	// oNoFollow makes open fail on a symlink instead of following it.
	oNoFollow = syscall.O_NOFOLLOW
	// oNonblock keeps open from hanging on a FIFO planted at the path; it
	// does nothing to regular files.
	oNonblock = syscall.O_NONBLOCK
	// checkOwnership: Unix modes and owners mean what checkDirInfo and
	// checkFileInfo expect.
	checkOwnership = true
)

// ownerOf returns the owning user id of a file.
func ownerOf(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// identityOf returns the identity of one version of a file.
func identityOf(fi fs.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino), size: fi.Size(), mtime: fi.ModTime().UnixNano()}, true
}
