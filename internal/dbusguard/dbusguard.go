package dbusguard

import (
	"os"
	"strconv"
	"time"
)

// EnvVar is the environment variable the guard inspects and may rewrite.
const EnvVar = "DBUS_SESSION_BUS_ADDRESS"

// Disabled is the bus address the guard sets when no usable session bus
// exists. godbus (and libdbus) treat it as "no session bus" without dialling.
const Disabled = "disabled:"

// Timeout bounds the liveness probe of an existing bus socket.
const Timeout = time.Second

// Outcome records what the guard found and did at start-up, so a doctor
// screen can explain why the Secret Service was not considered.
type Outcome struct {
	// Before is the value of DBUS_SESSION_BUS_ADDRESS at start-up.
	Before string
	// After is the value the guard left in place.
	After string
	// Changed reports whether the guard rewrote the variable.
	Changed bool
	// Reason explains the decision in lower-case words.
	Reason string
	// Elapsed is how long the guard took at start-up (a probe of a silent
	// bus costs up to Timeout).
	Elapsed time.Duration
}

// Input is the part of the process state that Decide looks at.
type Input struct {
	// Address is the current DBUS_SESSION_BUS_ADDRESS.
	Address string
	// RuntimeDir is $XDG_RUNTIME_DIR ("" when unset).
	RuntimeDir string
	// UID is the real user id, used for the /run/user/<uid>/bus fallback.
	UID int
}

// result is set once by init and read by Result.
var result Outcome

// Result returns what the guard decided when the process started. On
// platforms where the guard is inactive it returns a zero Outcome.
func Result() Outcome { return result }

func init() {
	if !active {
		return
	}
	start := time.Now()
	in := Input{Address: os.Getenv(EnvVar), RuntimeDir: os.Getenv("XDG_RUNTIME_DIR"), UID: os.Getuid()}
	result = Decide(in, exists, func(addr string) bool { return Answers(addr, Timeout) })
	result.Elapsed = time.Since(start)
	if result.Changed {
		_ = os.Setenv(EnvVar, result.After)
	}
}

// Decide is the guard's pure decision: given the environment, a file-exists
// check and a liveness probe, it returns the address the process should use.
// It never dials anything itself; exists and answers are injected for tests.
func Decide(in Input, exists func(path string) bool, answers func(address string) bool) Outcome {
	out := Outcome{Before: in.Address, After: in.Address}
	switch in.Address {
	case Disabled:
		out.Reason = "session bus already disabled"
		return out
	case "", "autolaunch:":
		for _, dir := range runtimeDirs(in) {
			sock := dir + "/bus"
			if !exists(sock) {
				continue
			}
			addr := "unix:path=" + sock
			out.Changed = true
			if answers(addr) {
				out.After = addr
				out.Reason = "session bus found at " + sock
				return out
			}
			out.After = Disabled
			out.Reason = "session bus at " + sock + " did not answer within " + Timeout.String()
			return out
		}
		out.After = Disabled
		out.Changed = true
		out.Reason = "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset, no bus socket)"
		return out
	}
	if _, ok := UnixSocketName(in.Address); !ok {
		out.Reason = "session bus address not checked (not a single unix: address)"
		return out
	}
	if answers(in.Address) {
		out.Reason = "session bus answered"
		return out
	}
	out.After = Disabled
	out.Changed = true
	out.Reason = "session bus " + in.Address + " did not answer within " + Timeout.String()
	return out
}

// runtimeDirs lists where a session bus socket may live, without duplicates.
func runtimeDirs(in Input) []string {
	fallback := "/run/user/" + strconv.Itoa(in.UID)
	if in.RuntimeDir == "" || in.RuntimeDir == fallback {
		return []string{fallback}
	}
	return []string{in.RuntimeDir, fallback}
}

// UnixSocketName extracts the socket name from a single "unix:" D-Bus
// address: "unix:path=/run/user/1000/bus" gives "/run/user/1000/bus" and
// "unix:abstract=/tmp/dbus-x" gives "@/tmp/dbus-x" (Linux abstract
// namespace). ok is false for any other address, including lists of
// several addresses separated by ';'.
func UnixSocketName(address string) (name string, ok bool) {
	const prefix = "unix:"
	if len(address) <= len(prefix) || address[:len(prefix)] != prefix {
		return "", false
	}
	var path, abstract string
	rest := address[len(prefix):]
	for len(rest) > 0 {
		var kv string
		kv, rest = cut(rest, ',')
		key, value := cut(kv, '=')
		if containsByte(value, ';') || containsByte(key, ';') {
			return "", false
		}
		switch key {
		case "path":
			path = unescape(value)
		case "abstract":
			abstract = unescape(value)
		}
	}
	switch {
	case path != "" && abstract == "":
		return path, true
	case abstract != "" && path == "":
		return "@" + abstract, true
	}
	return "", false
}

// cut splits s at the first sep; the strings package is avoided on purpose
// (see the package doc on init order).
func cut(s string, sep byte) (before, after string) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

// unescape decodes the %XX escapes the D-Bus address syntax allows.
func unescape(s string) string {
	if !containsByte(s, '%') {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return string(out)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
