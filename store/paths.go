package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// MaxFileSize caps what fbllm reads of configs.json and config.json. An
// index of 10,000 configurations is about 4 MiB; a bigger file is a
// mistake or an attack, and reading it whole would cost twice its size in
// memory.
const MaxFileSize = 64 << 20

// maxItemFileSize caps a keyring item file: the credential blob is at most
// MaxBlob before encryption and base64.
const maxItemFileSize = 1 << 20

// The rules below follow OpenSSH's StrictModes: check, never repair. fbllm
// creates its directories 0700 and files 0600, and never changes the mode
// or owner of a path that already exists — a chmod on a path someone else
// chose (a symlink's target, "/", a shared /tmp) would be the attack
// itself. What it cannot trust it refuses with an *UnsafePathError before
// writing anything.

// checkDirInfo refuses a directory fbllm must not keep secrets in. fi comes
// from Lstat, so a symlink is seen as one.
func checkDirInfo(path string, fi fs.FileInfo, uid int) error {
	switch {
	case filepath.Dir(path) == path:
		return &UnsafePathError{Path: path, Reason: "is the root directory"}
	case fi.Mode()&fs.ModeSymlink != 0:
		return &UnsafePathError{Path: path, Reason: "is a symbolic link"}
	case !fi.IsDir():
		return &UnsafePathError{Path: path, Reason: "is not a directory"}
	}
	if !checkOwnership {
		return nil
	}
	perm := fi.Mode().Perm()
	switch {
	case fi.Mode()&fs.ModeSticky != 0 && perm&0o002 != 0:
		return &UnsafePathError{Path: path, Reason: "is a shared directory (world-writable with the sticky bit, like /tmp)"}
	case perm&0o022 != 0:
		return &UnsafePathError{Path: path, Reason: fmt.Sprintf("is writable by group or others (mode %04o)", perm)}
	}
	if owner, ok := ownerOf(fi); ok && owner != uid {
		return &UnsafePathError{Path: path, Reason: fmt.Sprintf("is owned by user id %d, not by you (%d)", owner, uid)}
	}
	return nil
}

// checkFileInfo refuses a file fbllm must not read or replace. fi comes
// from Lstat or from Stat of a descriptor opened without following links.
func checkFileInfo(path string, fi fs.FileInfo, uid int) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return &UnsafePathError{Path: path, Reason: "is a symbolic link"}
	case !fi.Mode().IsRegular():
		return &UnsafePathError{Path: path, Reason: "is not a regular file"}
	}
	if !checkOwnership {
		return nil
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return &UnsafePathError{Path: path, Reason: fmt.Sprintf("is writable by group or others (mode %04o)", perm)}
	}
	if owner, ok := ownerOf(fi); ok && owner != uid {
		return &UnsafePathError{Path: path, Reason: fmt.Sprintf("is owned by user id %d, not by you (%d)", owner, uid)}
	}
	return nil
}

// prepareDir checks dir, creating it (and missing parents) with 0700 when
// it does not exist. An existing directory is only checked: a read-only but
// private one is fine for reading.
func prepareDir(dir string, uid int) error {
	if filepath.Dir(dir) == dir {
		return &UnsafePathError{Path: dir, Reason: "is the root directory"}
	}
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		// Check what is there now: MkdirAll accepts a symlink to a
		// directory that appeared in between.
		fi, err = os.Lstat(dir)
	}
	if err != nil {
		return err
	}
	return checkDirInfo(dir, fi, uid)
}

// checkExisting checks path if it exists; a missing path is fine. isDir
// selects the directory rules.
func checkExisting(path string, isDir bool, uid int) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if isDir {
		return checkDirInfo(path, fi, uid)
	}
	return checkFileInfo(path, fi, uid)
}

// ensureOwnDir creates dir (one level, 0700) if missing, else checks it.
func ensureOwnDir(dir string, uid int) error {
	err := os.Mkdir(dir, 0o700)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return checkExisting(dir, true, uid)
}

// openPrivate opens path for reading without following a symlink and
// without blocking on a FIFO planted there, and checks the opened file
// (not the path, which could change in between). A missing file returns
// nil, nil, nil.
func openPrivate(path string, uid int) (*os.File, fs.FileInfo, error) {
	if oNoFollow == 0 {
		// No O_NOFOLLOW here: look first.
		if err := checkExisting(path, false, uid); err != nil {
			return nil, nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|oNoFollow|oNonblock, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		if isLoop(err) {
			return nil, nil, &UnsafePathError{Path: path, Reason: "is a symbolic link"}
		}
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err == nil {
		err = checkFileInfo(path, fi, uid)
	}
	if err != nil {
		_ = f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// readDirUnsorted lists dir like os.ReadDir, without sorting the entries:
// at 10,000 keyring items the sort is a quarter of the listing's cost, and
// no caller needs the order.
func readDirUnsorted(dir string) ([]fs.DirEntry, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

// readAllLimited reads f up to limit bytes; more is a *TooLargeError.
// size is what Stat said, so a whole file is read into one buffer instead
// of one that grows (and is copied) a dozen times.
func readAllLimited(f *os.File, path string, limit, size int64) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, min(max(size, 0), limit)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	return data, nil
}

// readPrivateFile reads a whole small file with openPrivate's checks. A
// missing file returns nil data and nil error.
func readPrivateFile(path string, uid int, limit int64) ([]byte, error) {
	f, fi, err := openPrivate(path, uid)
	if err != nil || f == nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	return readAllLimited(f, path, limit, fi.Size())
}

// isLoop reports the error of opening a symlink with O_NOFOLLOW (ELOOP on
// Linux and macOS, EMLINK on FreeBSD).
func isLoop(err error) bool {
	return errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK)
}

// fileID identifies one version of a file: writers replace files by
// rename, so a new version is a new inode (and usually a new size and
// modification time). ok is false where the platform gives no inode.
type fileID struct {
	dev, ino uint64
	size     int64
	mtime    int64
}
