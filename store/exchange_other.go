//go:build !linux

package store

// exchangeDirs: no portable atomic exchange of two directories here; the
// caller uses two renames and recoverRekey.
func exchangeDirs(a, b string) error { return errExchangeUnsupported }
