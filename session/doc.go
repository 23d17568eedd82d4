// Package session is what the CLI and the TUI both drive: one view of the
// user's AI LLM configurations across this machine's keyring (package
// store) and the Flashback workspaces they can reach (package client),
// with the sign-in, the current workspace, and the connection checks
// (package diagnose) that go with them.
//
// A Session is built once per process (or per TUI run). It owns nothing
// that prompts: a locked keyring comes back as store.ErrLocked and a
// missing sign-in as client.ErrUnauthenticated, and the caller decides how
// to ask. Every method takes a context; none writes to the terminal.
//
// Items are the configurations in the PRODUCT §5 shape. A Flashback item
// never carries a secret (the platform cannot return one); a local item's
// credentials are read from the keyring only when a check needs them.
package session
