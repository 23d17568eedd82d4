// Package dbusguard keeps github.com/99designs/keyring from spawning or
// hanging on a D-Bus session bus while the program is still initialising.
//
// Why it exists: keyring's secretservice.go and kwallet.go call
// dbus.SessionBus() from init(). With no DBUS_SESSION_BUS_ADDRESS and no
// /run/user/<uid>/bus socket, godbus runs dbus-launch, which leaves one
// orphaned dbus-daemon behind per process start; with an address that
// accepts connections but never answers (a stopped daemon), godbus's
// authentication has no timeout and the process hangs inside init(), before
// main() runs. Both were measured (see reference/keyring.md §1.2).
//
// What it does, once, in its own init() (Linux only; elsewhere godbus is not
// linked in and the package does nothing):
//
//   - DBUS_SESSION_BUS_ADDRESS empty or "autolaunch:": if a socket exists at
//     $XDG_RUNTIME_DIR/bus or /run/user/<uid>/bus and answers, the variable is
//     set to "unix:path=<socket>" (what libdbus and sd-bus would use; godbus
//     itself only looks at /run/user/<uid>). Otherwise it is set to
//     "disabled:", which godbus rejects at once ("unsupported transport").
//   - DBUS_SESSION_BUS_ADDRESS set to a single unix: address: the socket is
//     dialled and sent the SASL "AUTH" command with a one-second deadline
//     (Timeout). A bus that does not reply within it is replaced by
//     "disabled:". Any other address (tcp:, several addresses) is left alone.
//
// Cost: a healthy bus answers the AUTH probe in well under a millisecond and
// a missing socket costs one stat, so start-up stays far below 50 ms; only a
// bus that accepts but never answers costs the full Timeout, once, instead of
// hanging forever. The probe speaks just enough of the protocol to get the
// server's first line ("REJECTED EXTERNAL ..."): a plain dial is not enough,
// because the kernel completes connect() on a listening socket even when the
// daemon is stopped.
//
// Init order (why importing this package is enough): since Go 1.21 packages
// are initialised by repeatedly choosing, among the packages whose imports
// are all initialised, the first one by import path. keyring imports "log",
// so keyring can only be initialised after "log". This package imports only
// os, strconv, syscall and time, all of which are dependencies of "log". So
// whenever "log" is ready to be initialised this package is ready too, and
// because "github.com/..." sorts before "log" it is chosen first. Hence the
// guard always runs before keyring's init(), no matter where in the program
// it is imported (store imports it with _, and so does main). Two conditions
// keep this true and are enforced by TestInitOrderPreconditions: the import
// path must sort before "log", and the package may import nothing outside
// the dependencies of "log" (which is why it avoids net, strings and
// path/filepath).
//
// The guard changes the process environment, so child processes (pass, gpg,
// provider tools) inherit the decision; "disabled:" is understood by libdbus
// and GDBus as "no session bus".
package dbusguard
