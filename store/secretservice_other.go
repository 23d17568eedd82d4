//go:build !linux

package store

import "errors"

// probeSecretService: keyring only supports the Secret Service on Linux.
func probeSecretService() (ssStatus, error) {
	return ssStatus{}, errors.New("secret service is only supported on linux")
}
