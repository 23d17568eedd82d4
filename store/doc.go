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
//	  configs.json               0600  index: {"version":1,"configs":[Config...]}
//	  configs.lock               0600  flock target, never renamed or deleted
//	  config.json                0600  Settings
//	  configs.json.corrupt-<ts>  0600  an unparsable index, moved aside
//	<DataDir>/                   0700 (default ~/.local/share/fbllm)
//	  keyring/                   0700  file backend only (99designs/keyring)
//	    fbllm%2F<id>             0600  one JWE (PBES2 + AES-GCM) per configuration
//	    fbllm%2F__verifier       0600  canary that proves the passphrase
//
// Keyring items are keyed "fbllm/<id>" with opaque random ids, because item
// names are visible (file names, Credential Manager targets, Seahorse
// labels) and must not leak configuration names. An item's Data is a small
// JSON blob {"v":1,"key":…,"secret":…}, so a use costs one read (one key
// derivation on the file backend). Each Config records the backend that
// holds its credentials (SecretBackend): a session on another backend (the
// desktop keyring vs. the encrypted file over SSH) then says where they are
// instead of "not found".
//
// # Writes, locks and order
//
// Every file we write is replaced atomically: temporary file in the same
// directory, chmod 0600, write, fsync, rename over the target, fsync the
// directory. Readers therefore read configs.json without a lock; a rename
// never exposes a torn file.
//
// Every read-modify-write of the index takes an exclusive flock on
// configs.lock, and holds it across the keyring write that belongs to it, so
// two fbllm processes (or goroutines: each acquisition opens its own
// descriptor, and flock conflicts between descriptors) cannot lose each
// other's updates or interleave a duplicate name. The file backend writes
// items in place (os.WriteFile, not atomic), so its reads take the lock
// shared and its writes exclusive; that removes torn reads between fbllm
// processes. Lock waits honour the context and are capped by LockTimeout;
// waiters queue in order inside a process and block in the kernel (not
// poll) across processes, so a busy writer cannot starve the others.
//
// Order: Add and Update write the credentials first and the index second;
// Delete writes the index first and removes the credentials second. A crash
// in between thus leaves at worst an orphaned keyring item, never an index
// entry that points at missing credentials.
//
// An index (or settings file) that cannot be parsed, or carries a version
// this code does not know, is never overwritten: the next access moves it to
// "<name>.corrupt-<UTC timestamp>" under the lock and returns a
// *CorruptIndexError with both paths. The operation that found it fails;
// the next one starts from an empty file. The caller must show the error.
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
