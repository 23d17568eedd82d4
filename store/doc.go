// Package store keeps fbllm's local AI LLM configurations: a non-secret
// index on disk and one keyring item per configuration holding its
// credentials. It never prompts and never touches the terminal: a locked
// keyring is reported as ErrLocked and the caller supplies the passphrase
// (Unlock, InitPassphrase). Everything that does I/O takes a context and is
// meant to run inside a tea.Cmd; List, Resolve and Names never call the
// keyring, so the browser stays fast and never needs a passphrase.
//
// # On-disk layout
//
//	<ConfigDir>/                 0700 (default ~/.config/fbllm, see DefaultDirs)
//	  configs.json               0600  index: {"version":2,"configs":[Config...]}
//	  configs.lock               0600  flock target, never renamed or deleted
//	  config.json                0600  Settings
//	  configs.json.corrupt-<ts>  0600  an unparsable index, moved aside
//	<DataDir>/                   0700 (default ~/.local/share/fbllm)
//	  keyring/                   0700  file backend only (99designs/keyring format)
//	    kdf.json                 0600  Argon2id parameters, salt and key epoch
//	    fbllm%2F__verifier       0600  canary that proves the passphrase
//	    fbllm%2F<id>.g<n>        0600  one JWE (PBES2 + AES-GCM) per configuration
//	                                   and generation ("fbllm%2F<id>" = generation 0)
//	  keyring.new-<random>/            a re-key in progress or interrupted
//
// Modes are what fbllm gives the paths it creates. It never chmods or
// chowns a path that exists: a directory or file that is a symlink, another
// user's, group- or world-writable, "/" or a shared sticky directory is
// refused with an *UnsafePathError before anything is written. Files are
// opened with O_NOFOLLOW and checked on the descriptor.
//
// Keyring items are keyed "fbllm/<id>.g<n>" with opaque random ids, because
// item names are visible (file names, Credential Manager targets, Seahorse
// labels) and must not leak configuration names. An item's Data is a small
// JSON blob {"v":2,"id":…,"gen":…,"key":…,"secret":…}: one read (one key
// derivation on the file backend) per use, and the id and generation inside
// the encryption bind the item to its configuration (ItemMismatchError).
// Each Config records the backend that holds its credentials
// (SecretBackend): a session on another backend (the desktop keyring vs.
// the encrypted file over SSH) then says where they are instead of "not
// found".
//
// The file backend's passphrase is stretched with Argon2id (kdf.go) before
// the library sees it; the library's PBKDF2 then runs on the derived key.
//
// # Writes, locks and order
//
// Every file we write is replaced atomically: temporary file in the same
// directory, 0600, write, fsync, rename over the target, fsync the
// directory. Keyring items of the file backend too (fileitems.go): the
// library writes into a private staging directory and the finished file is
// renamed into place. Readers therefore read configs.json without a lock; a
// rename never exposes a torn file.
//
// Every read-modify-write of the index takes an exclusive flock on
// configs.lock, and holds it across the keyring writes that belong to it,
// so two fbllm processes (or goroutines: each acquisition opens its own
// descriptor, and flock conflicts between descriptors) cannot lose each
// other's updates or interleave a duplicate name. Secret reads take it
// shared and read the index under it, so they see a rotation wholly or not
// at all. Lock waits honour the context and are capped by LockTimeout;
// waiters queue in order inside a process and block in the kernel (not
// poll) across processes, so a busy writer cannot starve the others.
//
// Every mutation (Add, Update, Delete, token writes, RemoveOrphans,
// ChangePassphrase) needs the keyring unlocked first; locked or with a
// wrong passphrase, nothing changes.
//
// Order, with the index rename as the commit point: Add writes a new item,
// then the index; Update with credentials writes the next generation's item,
// then the index, then removes the old item; Delete writes the index, then
// removes the item. A crash at any instant thus leaves either the old or
// the new configuration with the secret its fingerprint names, plus at
// worst an orphaned item or temporary file, which FindOrphans reports,
// RemoveOrphans removes and the first write of a Store collects.
//
// An index (or settings file) that cannot be parsed is never overwritten:
// the next access moves it to "<name>.corrupt-<UTC timestamp>" under the
// lock and returns a *CorruptIndexError with both paths. The operation that
// found it fails; the next one starts from an empty file. The caller must
// show the error. A file written by a newer fbllm (*NewerVersionError) or
// larger than MaxFileSize (*TooLargeError) is refused and left alone.
//
// # Keyring calls
//
// Every library call runs in a goroutine raced against a timeout (3 s; 60 s
// while a desktop unlock prompt may be on screen) and the context; calls on
// one handle are serialised. A call that times out is abandoned and its
// goroutine leaks until the library returns — there is no way to cancel
// it — and further calls fail fast with ErrTimeout while it is stuck.
// Backend selection is explicit per OS and session (see Backend) and never
// falls back to plaintext; forcing a backend disables fallback.
//
// The package imports internal/dbusguard (blank) so that keyring's init
// cannot spawn a dbus-daemon or hang on a dead session bus.
package store
