//go:build !linux

package store

import (
	"errors"
	"time"
)

// The passphrase cache needs the Linux kernel keyring; elsewhere the OS
// keyring (Keychain, Credential Manager) makes it unnecessary.

func kernelCacheAvailable() bool { return false }

func kernelCacheLoad(string) ([]byte, error) { return nil, errNoCachedPassphrase }

func kernelCacheSave(string, []byte, time.Duration) error {
	return errors.New("no kernel keyring on this system")
}

func kernelCacheClear(string) error { return errNoCachedPassphrase }
