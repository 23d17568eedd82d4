package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/99designs/keyring"
)

// Orphans are the leftovers of interrupted writes: keyring items that no
// configuration refers to (an item written before a crash that kept the
// index from recording it, an old generation whose removal was cut short)
// and temporary files and directories of writes that never finished. They
// hold no configuration anyone can use, but an orphaned item may hold a
// secret, so they are worth removing. Only names are reported, never
// values.
type Orphans struct {
	// Backend is the backend whose items were checked.
	Backend string
	// Items are orphaned keyring item names ("fbllm/<id>.g<n>").
	Items []string
	// Temps are paths of stale temporary files and directories.
	Temps []string
	// ItemsUnchecked says why items were not listed ("" when they were):
	// a backend that may raise an unlock prompt is never listed.
	ItemsUnchecked string
}

// Count is the number of leftovers found.
func (o Orphans) Count() int { return len(o.Items) + len(o.Temps) }

// FindOrphans reports orphaned keyring items and stale temporary files
// (for `fbllm doctor`), under the shared lock so that no write is half
// done while it looks. It lists item names (a directory listing for the
// file backend) and decrypts nothing, so it needs no passphrase.
func (s *Store) FindOrphans(ctx context.Context) (Orphans, error) {
	sel, err := s.selection(ctx)
	if err != nil {
		return Orphans{}, fmt.Errorf("find orphans: %w", err)
	}
	unlock, err := s.lock(ctx, false)
	if err != nil {
		return Orphans{}, fmt.Errorf("find orphans: %w", err)
	}
	defer unlock()
	configs, err := s.loadIndex(false)
	if err != nil {
		return Orphans{}, fmt.Errorf("find orphans: %w", err)
	}
	o, err := s.findOrphansLocked(ctx, sel, configs)
	if err != nil {
		return Orphans{}, fmt.Errorf("find orphans: %w", err)
	}
	return o, nil
}

// RemoveOrphans removes what FindOrphans reports (for `fbllm doctor
// --fix`) and returns what it removed. Like every mutation it needs the
// keyring unlocked first. Writes of this Store also collect orphans, once
// per Store, on the file backend.
func (s *Store) RemoveOrphans(ctx context.Context) (Orphans, error) {
	sel, err := s.selection(ctx)
	if err != nil {
		return Orphans{}, fmt.Errorf("remove orphans: %w", err)
	}
	if err := s.needPassphrase(sel); err != nil {
		return Orphans{}, fmt.Errorf("remove orphans: %w", err)
	}
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return Orphans{}, fmt.Errorf("remove orphans: %w", err)
	}
	defer unlock()
	if err := s.ready(sel); err != nil {
		return Orphans{}, fmt.Errorf("remove orphans: %w", err)
	}
	configs, err := s.loadLocked()
	if err != nil {
		return Orphans{}, fmt.Errorf("remove orphans: %w", err)
	}
	removed, err := s.removeOrphansLocked(ctx, sel, configs)
	if err != nil {
		return removed, fmt.Errorf("remove orphans: %w", err)
	}
	return removed, nil
}

// collectOnce removes orphans after the first successful write of this
// Store on the file backend, where listing is one directory read. The
// caller holds the exclusive lock and has just written configs. A failure
// is not the write's failure: the leftovers stay for the next time and
// for doctor.
func (s *Store) collectOnce(ctx context.Context, sel *selection, configs []Config) {
	if sel.info.Name != BackendFile {
		return
	}
	s.mu.Lock()
	done := s.collected
	s.collected = true
	s.mu.Unlock()
	if !done {
		_, _ = s.removeOrphansLocked(ctx, sel, configs)
	}
}

func (s *Store) removeOrphansLocked(ctx context.Context, sel *selection, configs []Config) (Orphans, error) {
	found, err := s.findOrphansLocked(ctx, sel, configs)
	if err != nil {
		return Orphans{}, err
	}
	removed := Orphans{Backend: found.Backend, ItemsUnchecked: found.ItemsUnchecked}
	var errs []error
	for _, key := range found.Items {
		if err := s.removeItem(ctx, sel, key); err != nil {
			errs = append(errs, err)
			continue
		}
		removed.Items = append(removed.Items, key)
	}
	for _, p := range found.Temps {
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, err)
			continue
		}
		removed.Temps = append(removed.Temps, p)
	}
	return removed, errors.Join(errs...)
}

// findOrphansLocked does the looking; the caller holds the lock (shared or
// exclusive), so every temporary file found is stale: writers hold the
// exclusive lock from their first temporary file to their last rename.
func (s *Store) findOrphansLocked(ctx context.Context, sel *selection, configs []Config) (Orphans, error) {
	o := Orphans{Backend: sel.info.Name}
	if sel.info.MayPrompt {
		o.ItemsUnchecked = "listing " + sel.info.Description + " items may raise an unlock prompt"
	} else {
		var keys []string
		err := sel.kr.do(ctx, "list", func(kr keyring.Keyring) (err error) {
			keys, err = kr.Keys()
			return err
		})
		if err != nil {
			return Orphans{}, mapKeyringErr(sel.info.Name, err, false)
		}
		refs := referencedItems(configs, sel.info.Name)
		for _, k := range keys {
			if _, _, ok := parseGenItemKey(k); ok && !refs[k] {
				o.Items = append(o.Items, k)
			}
		}
		slices.Sort(o.Items)
	}
	temps, err := s.staleTemps()
	if err != nil {
		return Orphans{}, err
	}
	o.Temps = temps
	return o, nil
}

// staleTemps lists the temporary files and directories fbllm's writes
// leave behind when interrupted.
func (s *Store) staleTemps() ([]string, error) {
	var out []string
	scan := func(dir string, match func(name string, isDir bool) bool) error {
		entries, err := readDirUnsorted(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, e := range entries {
			if match(e.Name(), e.IsDir()) {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
		return nil
	}
	atomicTemp := func(names ...string) func(string, bool) bool {
		return func(name string, isDir bool) bool {
			for _, n := range names {
				if !isDir && strings.HasPrefix(name, tempPrefix(n)) && strings.HasSuffix(name, tempSuffix) {
					return true
				}
			}
			return false
		}
	}
	if err := scan(s.configDir, atomicTemp(indexFileName, settingsFileName)); err != nil {
		return nil, err
	}
	inKeyring := atomicTemp(kdfFileName)
	if err := scan(s.keyringDir, func(name string, isDir bool) bool {
		return (isDir && strings.HasPrefix(name, stagePrefix)) || name == rekeyMarker || inKeyring(name, isDir)
	}); err != nil {
		return nil, err
	}
	if err := scan(s.dataDir, func(name string, isDir bool) bool {
		return isDir && (strings.HasPrefix(name, rekeyNewPrefix) || strings.HasPrefix(name, rekeyOldPrefix))
	}); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}
