//go:build !unix

package store

import "io/fs"

// Windows has no O_NOFOLLOW and its ACLs do not map to Unix modes: the
// symlink check is an Lstat before opening (openPrivate), and ownership is
// left to the ACLs of the profile directories fbllm uses by default.
const (
	oNoFollow      = 0
	oNonblock      = 0
	checkOwnership = false
)

func ownerOf(fs.FileInfo) (int, bool) { return 0, false }

// identityOf has no inode to go by here: callers fall back to comparing
// content.
func identityOf(fs.FileInfo) (fileID, bool) { return fileID{}, false }
