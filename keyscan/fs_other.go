//go:build !unix

package keyscan

import "os"

// openFlags on systems without O_NOFOLLOW: readFile's Lstat check and the
// regular-file check after opening still apply.
const openFlags = os.O_RDONLY
