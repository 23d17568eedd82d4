package keyscan

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// FS is the read-only file access a scan needs, so tests can inject
// failures. Paths are absolute OS paths.
type FS interface {
	Lstat(path string) (fs.FileInfo, error)
	EvalSymlinks(path string) (string, error)
	// Open opens a file for reading without following a symbolic link in
	// its last element and without blocking on a FIFO.
	Open(path string) (File, error)
}

// File is an open file.
type File interface {
	io.Reader
	Stat() (fs.FileInfo, error)
	Close() error
}

// OSFS reads the real file system.
type OSFS struct{}

// Lstat is os.Lstat.
func (OSFS) Lstat(path string) (fs.FileInfo, error) { return os.Lstat(path) }

// EvalSymlinks is filepath.EvalSymlinks.
func (OSFS) EvalSymlinks(path string) (string, error) { return filepath.EvalSymlinks(path) }

// Open opens path read-only with openFlags (O_NOFOLLOW|O_NONBLOCK on Unix).
func (OSFS) Open(path string) (File, error) { return os.OpenFile(path, openFlags, 0) }

// maxFileSize caps what is read from one file: key files are a few
// kilobytes, and a huge or endless "file" (a FIFO, /dev/zero behind a
// link) must not stall or exhaust the scan.
const maxFileSize = 1 << 20

// Reasons a file is skipped; Problem.Msg carries them.
var (
	errNotRegular   = errors.New("not a regular file; skipped")
	errTooLarge     = fmt.Errorf("larger than %d KiB; skipped", maxFileSize>>10)
	errOutsideRoots = errors.New("a symbolic link to a file outside your home directory; skipped")
)

// readFile reads path for a scan. It returns (nil, nil) when the file
// does not exist. A symbolic link is followed only to a target inside one
// of roots (nil roots: anywhere), so a planted link cannot make fbllm read
// and report on an unrelated file.
func readFile(fsys FS, path string, roots []string) ([]byte, error) {
	info, err := fsys.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, errors.New("cannot be read; skipped")
	}
	target := path
	if info.Mode()&fs.ModeSymlink != 0 {
		if target, err = fsys.EvalSymlinks(path); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil // a dangling link: nothing there
			}
			return nil, errors.New("a symbolic link that cannot be resolved; skipped")
		}
		if roots != nil && !insideAny(target, roots) {
			return nil, errOutsideRoots
		}
	} else if !info.Mode().IsRegular() {
		return nil, errNotRegular
	}
	f, err := fsys.Open(target)
	if err != nil {
		return nil, errors.New("cannot be opened; skipped")
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose on close
	// Check what was opened, not what Lstat saw: the file may have been
	// swapped in between.
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, errNotRegular
	}
	if st.Size() > maxFileSize {
		return nil, errTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, errors.New("cannot be read; skipped")
	}
	if len(data) > maxFileSize {
		return nil, errTooLarge
	}
	return data, nil
}

// inside reports whether path is root or below it (lexically, both
// cleaned and absolute).
func inside(path, root string) bool {
	if root == "" {
		return false
	}
	rel, err := filepath.Rel(filepath.Clean(root), filepath.Clean(path))
	return err == nil && rel != ".." && !filepath.IsAbs(rel) && !startsWithDotDot(rel)
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:2] == ".." && os.IsPathSeparator(rel[2])
}

func insideAny(path string, roots []string) bool {
	for _, r := range roots {
		if inside(path, r) {
			return true
		}
	}
	return false
}
