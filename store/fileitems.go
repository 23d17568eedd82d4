package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/99designs/keyring"
	"github.com/mtibben/percent"
)

// fileItems is the encrypted-file backend. 99designs/keyring's file
// backend does the cryptography (one JWE per item: PBES2-HS256+A128KW key
// wrap, A256GCM content), so items stay readable by it; this wrapper owns
// the file system side, which the library does naively (os.ReadFile and
// os.WriteFile on the item path: symlinks followed, writes in place).
//
//   - Reads look at the item with Lstat first and refuse anything but a
//     private regular file of ours (UnsafePathError). The keyring
//     directory has been checked to be ours and not writable by others, so
//     no other user can swap the entry between that look and the library's
//     read.
//   - Writes never touch the item path until the item is complete: the
//     library writes into a fresh private staging directory
//     (".tmp-<random>", created exclusively by us, so nothing can be
//     planted in it), the file is fsynced, renamed over the item path —
//     rename replaces a symlink there instead of following it, and a
//     symlink found there beforehand is refused anyway — and the directory
//     is fsynced. A crash leaves the old item or the new one, plus at worst
//     a staging directory that FindOrphans reports.
//   - The password handed to the library is the key derived from the
//     passphrase (kdf.go), never the passphrase itself.
type fileItems struct {
	dir string
	uid int
	// password returns the library password (the derived key), or
	// ErrLocked.
	password func() (string, error)
}

// stagePrefix names the staging directories of fileItems.Set.
const stagePrefix = ".tmp-"

// escapeItemName is the library's file name for an item key.
func escapeItemName(key string) string { return percent.Encode(key, "/") }

func (f *fileItems) path(key string) string { return filepath.Join(f.dir, escapeItemName(key)) }

// inner opens a library handle on dir that uses the current password.
// Opening the file backend does no I/O; a fresh handle per call means a
// changed key (after a re-key) is never shadowed by one the library
// cached.
func (f *fileItems) inner(dir string) (keyring.Keyring, error) {
	return keyring.Open(keyring.Config{
		ServiceName:     serviceName,
		AllowedBackends: []keyring.BackendType{keyring.FileBackend},
		FileDir:         dir,
		FilePasswordFunc: func(string) (string, error) {
			return f.password()
		},
	})
}

// itemFileError carries the item file's path with a library error, so
// mapKeyringErr can name the file in a *DamagedError.
type itemFileError struct {
	path string
	err  error
}

func (e *itemFileError) Error() string { return e.path + ": " + e.err.Error() }
func (e *itemFileError) Unwrap() error { return e.err }

// lstatItem looks at an item's file without following it. A missing file
// (or keyring directory) is keyring.ErrKeyNotFound.
func (f *fileItems) lstatItem(key string) (string, fs.FileInfo, error) {
	p := f.path(key)
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil, keyring.ErrKeyNotFound
	}
	if err != nil {
		return p, nil, err
	}
	if err := checkFileInfo(p, fi, f.uid); err != nil {
		return p, nil, err
	}
	if fi.Size() > maxItemFileSize {
		return p, nil, &DamagedError{Path: p, Reason: fmt.Sprintf("%d bytes, larger than any item fbllm writes", fi.Size())}
	}
	return p, fi, nil
}

// Get implements keyring.Keyring.
func (f *fileItems) Get(key string) (keyring.Item, error) {
	p, _, err := f.lstatItem(key)
	if err != nil {
		return keyring.Item{}, err
	}
	kr, err := f.inner(f.dir)
	if err != nil {
		return keyring.Item{}, err
	}
	item, err := kr.Get(key)
	if err != nil && !errors.Is(err, keyring.ErrKeyNotFound) {
		return keyring.Item{}, &itemFileError{path: p, err: err}
	}
	return item, err
}

// GetMetadata implements keyring.Keyring; it is an Lstat, like the
// library's (which follows symlinks).
func (f *fileItems) GetMetadata(key string) (keyring.Metadata, error) {
	_, fi, err := f.lstatItem(key)
	if err != nil {
		return keyring.Metadata{}, err
	}
	return keyring.Metadata{ModificationTime: fi.ModTime()}, nil
}

// Set implements keyring.Keyring: staged, fsynced, renamed into place.
func (f *fileItems) Set(item keyring.Item) (err error) {
	if err := ensureOwnDir(f.dir, f.uid); err != nil {
		return err
	}
	target := f.path(item.Key)
	if err := checkExisting(target, false, f.uid); err != nil {
		return err
	}
	stage, err := os.MkdirTemp(f.dir, stagePrefix)
	if err != nil {
		return err
	}
	defer func() {
		if rerr := os.RemoveAll(stage); err == nil && rerr != nil {
			err = rerr
		}
	}()
	kr, err := f.inner(stage)
	if err != nil {
		return err
	}
	if err := kr.Set(item); err != nil {
		return err
	}
	staged := filepath.Join(stage, escapeItemName(item.Key))
	if err := syncFile(staged); err != nil {
		return err
	}
	if err := renameReplace(staged, target); err != nil {
		return err
	}
	return syncDir(f.dir)
}

// Remove implements keyring.Keyring. os.Remove deletes a symlink itself,
// never its target.
func (f *fileItems) Remove(key string) error {
	p := f.path(key)
	if err := os.Remove(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return keyring.ErrKeyNotFound
		}
		return err
	}
	return syncDir(f.dir)
}

// Keys implements keyring.Keyring: the item names in the directory (a
// listing, no stat per file). Staging directories and other dot files are
// not items.
func (f *fileItems) Keys() ([]string, error) {
	entries, err := readDirUnsorted(f.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(entries))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || e.IsDir() {
			continue
		}
		keys = append(keys, percent.Decode(e.Name()))
	}
	return keys, nil
}

// syncFile fsyncs a file we just wrote, opened without following links.
func syncFile(path string) error {
	fh, err := os.OpenFile(path, os.O_RDWR|oNoFollow, 0) // Windows cannot flush a read-only handle
	if err != nil {
		return err
	}
	serr := fh.Sync()
	cerr := fh.Close()
	if serr != nil {
		return serr
	}
	return cerr
}
