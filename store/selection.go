package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/99designs/keyring"

	"github.com/fbllm/fbllm/internal/dbusguard"
)

// Backend names, as used by keyring, FBLLM_KEYRING_BACKEND and
// Config.SecretBackend.
const (
	// BackendKeychain is the macOS login keychain (cgo builds only).
	BackendKeychain = "keychain"
	// BackendWinCred is the Windows Credential Manager.
	BackendWinCred = "wincred"
	// BackendSecretService is the freedesktop Secret Service (GNOME
	// Keyring, KeePassXC, KDE 6) over D-Bus, Linux only.
	BackendSecretService = "secret-service"
	// BackendKWallet is KDE 5's kwalletd5; only when forced.
	BackendKWallet = "kwallet"
	// BackendPass is the pass password store (GPG); only when forced.
	BackendPass = "pass"
	// BackendFile is the encrypted-file keyring under DataDir/keyring.
	BackendFile = "file"
)

// environment is everything automatic backend selection depends on. It is
// gathered from Options.Env (and GOOS) by detectEnvironment, so selection is
// a pure function of it and can be tested for every OS on any OS.
type environment struct {
	GOOS     string
	Forced   string // backend name forced by option or FBLLM_KEYRING_BACKEND
	ForcedBy string // "forced by FBLLM_KEYRING_BACKEND", ...
	SSH      bool   // SSH_CONNECTION, SSH_CLIENT or SSH_TTY set
	HasBus   bool   // a D-Bus session bus is configured or its socket exists
	Display  bool   // DISPLAY or WAYLAND_DISPLAY set: a prompt can be shown
	NoBus    string // why there is no bus, for BackendInfo.Reason
}

// detectEnvironment reads the selection inputs. exists reports whether a
// path exists (the bus socket check).
func detectEnvironment(goos, forced, forcedBy string, env func(string) string, uid int, exists func(string) bool) environment {
	e := environment{
		GOOS:     goos,
		Forced:   forced,
		ForcedBy: forcedBy,
		SSH:      env("SSH_CONNECTION") != "" || env("SSH_CLIENT") != "" || env("SSH_TTY") != "",
		Display:  env("DISPLAY") != "" || env("WAYLAND_DISPLAY") != "",
	}
	switch addr := env(dbusguard.EnvVar); {
	case addr == dbusguard.Disabled:
		e.NoBus = "no D-Bus session (SSH or headless)"
		if r := dbusguard.Result(); r.Changed && r.After == dbusguard.Disabled && strings.Contains(r.Reason, "did not answer") {
			e.NoBus = "D-Bus " + r.Reason
		}
	case addr != "" && addr != "autolaunch:":
		e.HasBus = true
	default:
		rt := env("XDG_RUNTIME_DIR")
		e.HasBus = (rt != "" && exists(rt+"/bus")) || exists("/run/user/"+strconv.Itoa(uid)+"/bus")
		if !e.HasBus {
			e.NoBus = "no D-Bus session (SSH or headless)"
		}
	}
	return e
}

// candidate is one backend to try, in order.
type candidate struct {
	Name string
	// AllowLocked lets secret-service use a locked default collection: its
	// unlock prompt can be answered (local graphical session), so calls get
	// PromptTimeout instead of failing over to the file backend.
	AllowLocked bool
	// WriteProbe checks the backend with Set+Remove instead of Get (Windows
	// over SSH, where reads may work but writes fail with 1312).
	WriteProbe bool
	// Reason says why this backend is chosen if it works.
	Reason string
}

// knownBackends are the names FBLLM_KEYRING_BACKEND accepts, with the
// operating systems keyring supports them on ("" = all).
var knownBackends = map[string]string{
	BackendKeychain:      "darwin",
	BackendWinCred:       "windows",
	BackendSecretService: "linux",
	BackendKWallet:       "linux",
	BackendPass:          "!windows",
	BackendFile:          "",
}

// planBackends returns the ordered candidates for an environment
// (reference/keyring.md §4.3). It is pure.
func planBackends(e environment) ([]candidate, error) {
	if e.Forced != "" {
		name := e.Forced
		if name == "keyctl" {
			return nil, &BackendError{Backend: name, Reason: "keyctl is not supported: kernel keys are lost at logout and reboot"}
		}
		osReq, ok := knownBackends[name]
		if !ok {
			return nil, &BackendError{Backend: name, Reason: "unknown backend (" + e.ForcedBy + "); use keychain, wincred, secret-service, kwallet, pass or file"}
		}
		if !supportedOn(osReq, e.GOOS) {
			return nil, &BackendError{Backend: name, Reason: "not available on " + e.GOOS + " (" + e.ForcedBy + ")"}
		}
		return []candidate{{
			Name:        name,
			AllowLocked: !e.SSH && e.Display,
			WriteProbe:  e.SSH,
			Reason:      e.ForcedBy,
		}}, nil
	}
	file := candidate{Name: BackendFile, Reason: "encrypted file fallback"}
	switch e.GOOS {
	case "darwin":
		return []candidate{{Name: BackendKeychain, Reason: "macOS login keychain"}, file}, nil
	case "windows":
		return []candidate{{Name: BackendWinCred, WriteProbe: e.SSH, Reason: "Windows Credential Manager"}, file}, nil
	case "linux":
		if !e.HasBus {
			file.Reason = e.NoBus
			return []candidate{file}, nil
		}
		ss := candidate{Name: BackendSecretService, Reason: "desktop session with a Secret Service keyring"}
		if e.SSH {
			ss.Reason = "SSH session; the desktop keyring is already unlocked"
		} else if e.Display {
			ss.AllowLocked = true
		}
		return []candidate{ss, file}, nil
	}
	file.Reason = "no supported OS keyring on " + e.GOOS
	return []candidate{file}, nil
}

func supportedOn(req, goos string) bool {
	switch {
	case req == "":
		return true
	case strings.HasPrefix(req, "!"):
		return goos != req[1:]
	}
	return goos == req
}

// ssStatus is the outcome of the non-prompting Secret Service probe.
type ssStatus struct {
	// Exists is false when the "default" alias points nowhere ("/"):
	// creating a collection would raise a prompt, so we never do it.
	Exists bool
	// Collection is the decoded name behind the default alias ("login").
	Collection string
	// Locked is the collection's Locked property.
	Locked bool
}

// openSpec describes the handle to open for a candidate.
type openSpec struct {
	Name       string
	Collection string // secret-service only
}

// prober performs the I/O of selection. The real one lives in backend.go;
// tests substitute a fake so that chooseBackend is tested as pure logic.
type prober interface {
	// secretService runs the D-Bus probe (ReadAlias("default") + Locked).
	secretService(ctx context.Context) (ssStatus, error)
	// open opens exactly one backend.
	open(ctx context.Context, spec openSpec) (keyring.Keyring, error)
	// check verifies an opened backend can be used without prompting.
	check(ctx context.Context, spec openSpec, kr keyring.Keyring, write bool) error
}

// chosen is the result of chooseBackend.
type chosen struct {
	spec      openSpec
	kr        keyring.Keyring
	reason    string
	mayPrompt bool
	tried     []string
}

// chooseBackend walks the candidates, probing each, and returns the first
// that works. With a forced backend there is exactly one candidate and its
// failure is returned as is: no fallback.
func chooseBackend(ctx context.Context, cands []candidate, p prober) (chosen, error) {
	var tried []string
	var last error
	for i, c := range cands {
		spec := openSpec{Name: c.Name}
		// gpg (behind pass) may start pinentry for the key's passphrase,
		// and KWallet asks for the wallet password: give them time.
		mayPrompt := c.Name == BackendPass || c.Name == BackendKWallet
		if c.Name == BackendSecretService {
			st, err := p.secretService(ctx)
			switch {
			case err != nil:
				last = err
				tried = append(tried, c.Name+": "+err.Error())
				continue
			case !st.Exists:
				last = errors.New("no default collection (creating one needs a desktop prompt)")
				tried = append(tried, c.Name+": "+last.Error())
				continue
			case st.Locked && !c.AllowLocked:
				last = fmt.Errorf("default collection %q is locked and cannot be unlocked from here (no prompt over SSH or without a display)", st.Collection)
				tried = append(tried, c.Name+": "+last.Error())
				continue
			}
			spec.Collection = st.Collection
			mayPrompt = st.Locked
		}
		kr, err := p.open(ctx, spec)
		if err != nil {
			last = err
			tried = append(tried, c.Name+": "+err.Error())
			continue
		}
		if err := p.check(ctx, spec, kr, c.WriteProbe); err != nil {
			last = err
			tried = append(tried, c.Name+": "+err.Error())
			continue
		}
		reason := c.Reason
		if i > 0 {
			reason = "fallback: " + strings.Join(tried, "; ")
		}
		return chosen{spec: spec, kr: kr, reason: reason, mayPrompt: mayPrompt, tried: tried}, nil
	}
	be := &BackendError{Reason: "no usable keyring backend", Err: last, Tried: tried}
	if len(cands) == 1 {
		be.Backend = cands[0].Name
		be.Reason = "cannot be used"
		if cands[0].Reason != "" {
			be.Reason += " (" + cands[0].Reason + ")"
		}
	}
	if len(tried) > 1 {
		be.Reason += ": tried " + strings.Join(tried, "; ")
		be.Err = nil
	}
	return chosen{tried: tried}, be
}
