package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// writeFileAtomic replaces path with data so that a concurrent reader sees
// either the old or the new content, never a torn file, and a crash leaves
// one of the two: temp file in the same directory, 0600, fsync, rename over
// the target, fsync the directory. An existing target that fbllm must not
// replace (a symlink, another user's file) is refused before anything is
// written; rename would replace a symlink rather than follow it, but its
// presence means someone tampered with the directory.
func writeFileAtomic(path string, data []byte, uid int) (err error) {
	if err := checkExisting(path, false, uid); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPrefix(filepath.Base(path))+"*"+tempSuffix)
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = renameReplace(tmpName, path); err != nil {
		return err
	}
	return syncDir(dir)
}

// renameReplace renames over an existing file. On Windows os.Rename uses
// MoveFileEx(REPLACE_EXISTING), which fails with a sharing violation while
// another process has the target open (a lock-free reader); retry briefly.
func renameReplace(from, to string) error {
	err := os.Rename(from, to)
	if err == nil || runtime.GOOS != "windows" {
		return err
	}
	for i := 0; i < 20 && err != nil; i++ {
		time.Sleep(10 * time.Millisecond)
		err = os.Rename(from, to)
	}
	return err
}

// syncDir makes a rename durable. Directories cannot be opened for sync on
// Windows, where the rename is durable on its own.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, fs.ErrInvalid) {
		return err
	}
	return nil
}

// moveAside renames a file that could not be parsed to
// "<path>.corrupt-<UTC timestamp>", adding a counter if that name is taken.
// Callers hold the exclusive lock, so no other fbllm process races it.
func moveAside(path string, now time.Time) (string, error) {
	base := path + ".corrupt-" + now.UTC().Format("20060102T150405Z")
	target := base
	for i := 1; ; i++ {
		if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
			break
		}
		if i > 1000 {
			return "", fmt.Errorf("move aside %s: too many corrupt copies", path)
		}
		target = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Rename(path, target); err != nil {
		return "", err
	}
	return target, syncDir(filepath.Dir(path))
}

// Temporary files of writeFileAtomic are ".<name>-<random>.tmp" in the
// target's directory. Under the exclusive lock nobody is writing one, so
// any that exists is left over from a crash (see FindOrphans).
const tempSuffix = ".tmp"

func tempPrefix(name string) string { return "." + name + "-" }
