package store

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/godbus/dbus"
)

const (
	ssDest           = "org.freedesktop.secrets"
	ssPath           = "/org/freedesktop/secrets"
	ssCollectionPath = ssPath + "/collection/"
)

// probeSecretService asks the Secret Service which collection the "default"
// alias points to and whether it is locked. Neither call can raise a
// prompt. It may D-Bus-activate the provider (gnome-keyring), as keyring's
// own opener would. Callers bound it with ssProbeTimeout.
func probeSecretService() (ssStatus, error) {
	conn, err := dbus.SessionBus()
	if err != nil {
		return ssStatus{}, fmt.Errorf("session bus: %w", err)
	}
	var path dbus.ObjectPath
	err = conn.Object(ssDest, ssPath).Call("org.freedesktop.Secret.Service.ReadAlias", 0, "default").Store(&path)
	if err != nil {
		return ssStatus{}, err
	}
	if path == "/" || path == "" {
		return ssStatus{}, nil
	}
	if !strings.HasPrefix(string(path), ssCollectionPath) {
		return ssStatus{}, fmt.Errorf("default collection at unexpected path %s", path)
	}
	v, err := conn.Object(ssDest, path).GetProperty("org.freedesktop.Secret.Collection.Locked")
	if err != nil {
		return ssStatus{}, err
	}
	locked, ok := v.Value().(bool)
	if !ok {
		return ssStatus{}, fmt.Errorf("collection %s: Locked is %s, not a boolean", path, v.Signature())
	}
	// keyring matches the *decoded* object path against
	// ".../collection/<LibSecretCollectionName>", so hand it the decoded name.
	name := decodeObjectPathName(strings.TrimPrefix(string(path), ssCollectionPath))
	return ssStatus{Exists: true, Collection: name, Locked: locked}, nil
}

// decodeObjectPathName undoes the _XX hex escaping of D-Bus object path
// elements, exactly like keyring's decodeKeyringString.
func decodeObjectPathName(src string) string {
	var dst strings.Builder
	for i := 0; i < len(src); i++ {
		if src[i] != '_' {
			dst.WriteByte(src[i])
			continue
		}
		if i+3 > len(src) {
			return src
		}
		b, err := hex.DecodeString(src[i+1 : i+3])
		if err != nil {
			return src
		}
		dst.Write(b)
		i += 2
	}
	return dst.String()
}
