package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/99designs/keyring"
)

// A re-key (passphrase change, migration to Argon2id) builds a complete new
// keyring directory next to the old one and then switches directories in
// one step, under the exclusive lock:
//
//	<DataDir>/keyring.new-<random>/   kdf.json, verifier, every item
//	                                  re-encrypted, then .rekey-complete
//	exchange keyring <-> keyring.new-<random>   (Linux: one renameat2)
//	remove keyring.new-<random>/      (now the old keyring)
//
// Where directories cannot be exchanged atomically the switch is two
// renames (keyring → keyring.old-<random>, keyring.new-<random> →
// keyring); a crash between them leaves no keyring directory, and the next
// start renames the complete new one into place (recoverRekey). The marker
// is written last, after every item is fsynced, so an incomplete new
// keyring is never taken for a complete one.
const (
	rekeyNewPrefix = keyringDirName + ".new-"
	rekeyOldPrefix = keyringDirName + ".old-"
	rekeyMarker    = ".rekey-complete"
)

// rekeyLocked re-encrypts the keyring from oldKey to newKey (whose
// parameters are nf) and switches to it. The caller holds the exclusive
// lock and has verified oldKey. On success the store is unlocked with
// newKey.
func (s *Store) rekeyLocked(ctx context.Context, sel *selection, oldKey string, nf kdfFile, newKey string) (err error) {
	configs, err := s.loadLocked()
	if err != nil {
		return err
	}
	referenced := referencedItems(configs, sel.info.Name)
	old := s.fileItemsWith(oldKey)
	keys, err := old.Keys()
	if err != nil {
		return err
	}
	stage, err := os.MkdirTemp(s.dataDir, rekeyNewPrefix)
	if err != nil {
		return err
	}
	switched := false
	defer func() {
		// A failed re-key removes its new keyring — unless the old one is
		// no longer in place (the switch failed halfway and could not be
		// undone): then the complete new one is the keyring, and the next
		// start puts it in place (recoverRekey).
		if _, err := os.Lstat(s.keyringDir); !switched && err == nil {
			_ = os.RemoveAll(stage)
		}
	}()
	if err := writeKDFFile(stage, nf, s.uid); err != nil {
		return err
	}
	if err := s.writeVerifier(ctx, stage, newKey); err != nil {
		return err
	}
	// The stage directory is fresh and ours alone, so the library may
	// write into it directly; each file is fsynced before the switch.
	// Items are independent and each costs two key derivations, so they
	// are copied by one worker per CPU, each with its own handles.
	var copyKeys []string
	for _, k := range keys {
		if !strings.HasPrefix(k, itemPrefix) || k == verifierKey {
			continue
		}
		if id, gen, ok := parseGenItemKey(k); ok && !referenced[genItemKey(id, gen)] {
			continue // an orphan: collected by not copying it
		}
		copyKeys = append(copyKeys, k)
	}
	if err := s.copyItems(ctx, oldKey, newKey, stage, copyKeys); err != nil {
		return err
	}
	if err := s.failAtStep("rekey-before-marker"); err != nil {
		return err
	}
	if err := writeMarker(stage); err != nil {
		return err
	}
	if err := syncDir(stage); err != nil {
		return err
	}
	if err := s.failAtStep("rekey-before-switch"); err != nil {
		return err
	}
	retired, err := s.switchKeyringDir(stage)
	if err != nil {
		return err
	}
	switched = true
	s.accept(newKey, nf.Epoch)
	// The new keyring is in place: what follows is cleanup, which the
	// orphan collection redoes if it is interrupted.
	_ = os.Remove(filepath.Join(s.keyringDir, rekeyMarker))
	_ = os.RemoveAll(retired)
	_ = syncDir(s.dataDir)
	return nil
}

// copyItems copies keys with copyItem on runtime.NumCPU workers and
// returns the first error (the others stop at their next item).
func (s *Store) copyItems(ctx context.Context, oldKey, newKey, stage string, keys []string) error {
	work := make(chan string)
	errs := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), max(len(keys), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			old := s.fileItemsWith(oldKey)
			next, err := s.fileItemsAt(stage, newKey).inner(stage)
			for k := range work {
				if err == nil {
					err = s.failAtStep("rekey-item")
				}
				if err == nil {
					err = copyItem(old, next, stage, k)
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					cancel()
				}
			}
		}()
	}
send:
	for _, k := range keys {
		select {
		case work <- k:
		case <-ctx.Done():
			break send
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	return ctx.Err()
}

// copyItem re-encrypts one item into the stage directory. Configuration
// items from before generations get their binding (payload version 2) on
// the way. An item that cannot be decrypted is copied byte for byte: it
// was unusable before and stays so, and the user still sees which one.
func copyItem(old *fileItems, next keyring.Keyring, stage, key string) error {
	item, err := old.Get(key)
	if errors.Is(err, keyring.ErrKeyNotFound) {
		return nil
	}
	if err != nil {
		var ue *UnsafePathError
		if errors.As(err, &ue) || isIOError(err) {
			return err
		}
		data, rerr := readPrivateFile(old.path(key), old.uid, maxItemFileSize)
		if rerr != nil {
			return rerr
		}
		dst := filepath.Join(stage, escapeItemName(key))
		if werr := os.WriteFile(dst, data, 0o600); werr != nil {
			return werr
		}
		return syncFile(dst)
	}
	if id, gen, ok := parseGenItemKey(key); ok {
		var b credBlob
		if json.Unmarshal(item.Data, &b) == nil && b.V == 1 && gen == 0 {
			b.V, b.ID, b.Gen = credBlobVersion, id, gen
			if item.Data, err = json.Marshal(b); err != nil {
				return err
			}
		}
	}
	if err := next.Set(item); err != nil {
		return err
	}
	return syncFile(filepath.Join(stage, escapeItemName(key)))
}

func writeMarker(dir string) error {
	p := filepath.Join(dir, rekeyMarker)
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		return err
	}
	return syncFile(p)
}

// switchKeyringDir puts stage in place of the keyring directory and returns
// where the old keyring now is.
func (s *Store) switchKeyringDir(stage string) (string, error) {
	err := s.exchange(stage, s.keyringDir)
	if err == nil {
		return stage, syncDir(s.dataDir)
	}
	if !errors.Is(err, errExchangeUnsupported) {
		return "", err
	}
	retired, err := os.MkdirTemp(s.dataDir, rekeyOldPrefix)
	if err != nil {
		return "", err
	}
	if err := os.Remove(retired); err != nil { // only the unique name is wanted
		return "", err
	}
	if err := os.Rename(s.keyringDir, retired); err != nil {
		return "", err
	}
	if err := s.failAtStep("rekey-between-renames"); err != nil {
		return "", err // as a crash would: nothing below runs
	}
	if err := os.Rename(stage, s.keyringDir); err != nil {
		if rerr := os.Rename(retired, s.keyringDir); rerr != nil {
			return "", errors.Join(err, fmt.Errorf("put the old keyring back: %w", rerr))
		}
		return "", err
	}
	return retired, syncDir(s.dataDir)
}

// recoverRekey completes a re-key interrupted between its two renames: no
// keyring directory, but a complete new one beside it. It takes the
// exclusive lock only in that case, so a normal start pays one Lstat.
func (s *Store) recoverRekey(ctx context.Context) error {
	if _, err := os.Lstat(s.keyringDir); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := os.Lstat(s.keyringDir); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	entries, err := os.ReadDir(s.dataDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), rekeyNewPrefix) {
			continue
		}
		stage := filepath.Join(s.dataDir, e.Name())
		if _, err := os.Lstat(filepath.Join(stage, rekeyMarker)); err != nil {
			continue
		}
		if err := checkExisting(stage, true, s.uid); err != nil {
			return err
		}
		if err := os.Rename(stage, s.keyringDir); err != nil {
			return err
		}
		_ = os.Remove(filepath.Join(s.keyringDir, rekeyMarker))
		return syncDir(s.dataDir)
	}
	return nil
}

// referencedItems is the set of item names the index refers to in backend.
func referencedItems(configs []Config, backend string) map[string]bool {
	refs := make(map[string]bool, len(configs))
	for _, c := range configs {
		if c.SecretBackend == "" || c.SecretBackend == backend {
			refs[genItemKey(c.ID, c.Generation)] = true
		}
	}
	return refs
}

// failAtStep lets tests simulate a crash between two steps of a
// multi-step write; it returns nil in production.
func (s *Store) failAtStep(step string) error {
	if s.failAt == nil {
		return nil
	}
	if err := s.failAt(step); err != nil {
		return fmt.Errorf("%s: %w", step, err)
	}
	return nil
}

// errExchangeUnsupported means directories cannot be exchanged atomically
// on this system or file system.
var errExchangeUnsupported = errors.New("atomic directory exchange not supported")
