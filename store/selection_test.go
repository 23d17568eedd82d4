package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/99designs/keyring"
	"github.com/stretchr/testify/require"
)

func TestDetectEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     envMap
		sockets []string
		want    environment
	}{
		{"headless, guard disabled the bus", envMap{"DBUS_SESSION_BUS_ADDRESS": "disabled:"}, nil,
			environment{GOOS: "linux", NoBus: "no D-Bus session (SSH or headless)"}},
		{"desktop", envMap{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus", "WAYLAND_DISPLAY": "wayland-0"}, nil,
			environment{GOOS: "linux", HasBus: true, Display: true}},
		{"ssh into desktop", envMap{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus", "SSH_CONNECTION": "1 2 3 4"}, nil,
			environment{GOOS: "linux", HasBus: true, SSH: true}},
		{"unset but socket exists", envMap{"XDG_RUNTIME_DIR": "/rt", "SSH_TTY": "/dev/pts/1"}, []string{"/rt/bus"},
			environment{GOOS: "linux", HasBus: true, SSH: true}},
		{"unset, socket at /run/user", envMap{"DISPLAY": ":0"}, []string{"/run/user/1000/bus"},
			environment{GOOS: "linux", HasBus: true, Display: true}},
		{"autolaunch is no bus", envMap{"DBUS_SESSION_BUS_ADDRESS": "autolaunch:", "SSH_CLIENT": "x"}, nil,
			environment{GOOS: "linux", SSH: true, NoBus: "no D-Bus session (SSH or headless)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			exists := func(p string) bool {
				for _, s := range tt.sockets {
					if s == p {
						return true
					}
				}
				return false
			}
			got := detectEnvironment("linux", "", "", tt.env.get, 1000, exists)
			require.Equal(t, tt.want, got)
		})
	}
}

// fakeProber scripts the I/O of backend selection.
type fakeProber struct {
	ss       ssStatus
	ssErr    error
	openErr  map[string]error
	checkErr map[string]error
	calls    []string
}

func (p *fakeProber) secretService(context.Context) (ssStatus, error) {
	p.calls = append(p.calls, "probe secret-service")
	return p.ss, p.ssErr
}

func (p *fakeProber) open(_ context.Context, spec openSpec) (keyring.Keyring, error) {
	p.calls = append(p.calls, "open "+spec.Name+" "+spec.Collection)
	if err := p.openErr[spec.Name]; err != nil {
		return nil, err
	}
	return keyring.NewArrayKeyring(nil), nil
}

func (p *fakeProber) check(_ context.Context, spec openSpec, _ keyring.Keyring, write bool) error {
	mode := "read"
	if write {
		mode = "write"
	}
	p.calls = append(p.calls, "check "+spec.Name+" "+mode)
	return p.checkErr[spec.Name]
}

func TestBackendSelection(t *testing.T) {
	t.Parallel()
	linuxNoBus := environment{GOOS: "linux", NoBus: "no D-Bus session (SSH or headless)"}
	desktop := environment{GOOS: "linux", HasBus: true, Display: true}
	sshBus := environment{GOOS: "linux", HasBus: true, SSH: true}
	unlocked := ssStatus{Exists: true, Collection: "login"}
	locked := ssStatus{Exists: true, Collection: "login", Locked: true}

	tests := []struct {
		name        string
		env         environment
		prober      fakeProber
		want        string // chosen backend; "" = error
		wantColl    string
		wantPrompt  bool
		wantCalls   []string
		wantReason  string // substring of BackendInfo.Reason or of the error
		wantTried   int
		wantErrName string // BackendError.Backend on failure
	}{
		{
			name: "linux without a bus uses the file, no D-Bus at all", env: linuxNoBus,
			want: "file", wantCalls: []string{"open file ", "check file read"}, wantReason: "no D-Bus session",
		},
		{
			name: "linux desktop, unlocked collection", env: desktop, prober: fakeProber{ss: unlocked},
			want: "secret-service", wantColl: "login",
			wantCalls:  []string{"probe secret-service", "open secret-service login", "check secret-service read"},
			wantReason: "desktop session",
		},
		{
			name: "linux desktop, locked collection may prompt", env: desktop, prober: fakeProber{ss: locked},
			want: "secret-service", wantColl: "login", wantPrompt: true,
		},
		{
			name: "linux desktop, no provider falls back to file", env: desktop,
			prober: fakeProber{ssErr: errors.New("The name org.freedesktop.secrets was not provided by any .service files")},
			want:   "file", wantReason: "not provided", wantTried: 1,
		},
		{
			name: "linux desktop, open fails falls back to file", env: desktop,
			prober: fakeProber{ss: unlocked, openErr: map[string]error{"secret-service": errors.New("boom")}},
			want:   "file", wantReason: "boom", wantTried: 1,
		},
		{
			name: "ssh with bus, unlocked collection", env: sshBus, prober: fakeProber{ss: unlocked},
			want: "secret-service", wantColl: "login", wantReason: "SSH",
		},
		{
			name: "ssh with bus, locked collection never prompts", env: sshBus, prober: fakeProber{ss: locked},
			want: "file", wantReason: "locked", wantTried: 1,
			wantCalls: []string{"probe secret-service", "open file ", "check file read"},
		},
		{
			name: "ssh with bus, no default collection", env: sshBus, prober: fakeProber{ss: ssStatus{}},
			want: "file", wantReason: "no default collection", wantTried: 1,
		},
		{
			name: "desktop without display treats locked like ssh", env: environment{GOOS: "linux", HasBus: true}, prober: fakeProber{ss: locked},
			want: "file", wantReason: "locked",
		},
		{
			name: "darwin keychain", env: environment{GOOS: "darwin"},
			want: "keychain", wantCalls: []string{"open keychain ", "check keychain read"},
		},
		{
			name: "darwin locked keychain over ssh falls back", env: environment{GOOS: "darwin", SSH: true},
			prober: fakeProber{checkErr: map[string]error{"keychain": errors.New("keychain is locked (run: security unlock-keychain): -25308")}},
			want:   "file", wantReason: "security unlock-keychain",
		},
		{
			name: "windows wincred", env: environment{GOOS: "windows"},
			want: "wincred", wantCalls: []string{"open wincred ", "check wincred read"},
		},
		{
			name: "windows over ssh probes a write", env: environment{GOOS: "windows", SSH: true},
			prober: fakeProber{checkErr: map[string]error{"wincred": errors.New("A specified logon session does not exist (1312)")}},
			want:   "file", wantReason: "logon session",
			wantCalls: []string{"open wincred ", "check wincred write", "open file ", "check file read"},
		},
		{
			name: "freebsd has only the file", env: environment{GOOS: "freebsd"},
			want: "file", wantReason: "no supported OS keyring",
		},
		{
			name: "forced file skips everything else", env: environment{GOOS: "linux", HasBus: true, Display: true, Forced: "file", ForcedBy: "forced by FBLLM_KEYRING_BACKEND"},
			want: "file", wantCalls: []string{"open file ", "check file read"}, wantReason: "FBLLM_KEYRING_BACKEND",
		},
		{
			name: "forced pass fails loudly without fallback", env: environment{GOOS: "linux", Forced: "pass", ForcedBy: "forced by FBLLM_KEYRING_BACKEND"},
			prober:    fakeProber{checkErr: map[string]error{"pass": errors.New("password store is not initialised")}},
			wantCalls: []string{"open pass ", "check pass read"}, wantReason: "not initialised", wantErrName: "pass",
		},
		{
			name: "forced pass may prompt (pinentry)", env: environment{GOOS: "linux", Forced: "pass", ForcedBy: "x"},
			want: "pass", wantPrompt: true, wantCalls: []string{"open pass ", "check pass read"},
		},
		{
			name: "forced secret-service over ssh refuses a locked collection", env: environment{GOOS: "linux", HasBus: true, SSH: true, Forced: "secret-service", ForcedBy: "x"},
			prober: fakeProber{ss: locked}, wantReason: "locked", wantErrName: "secret-service",
			wantCalls: []string{"probe secret-service"},
		},
		{
			name: "forced keychain on linux", env: environment{GOOS: "linux", Forced: "keychain", ForcedBy: "x"},
			wantReason: "not available on linux", wantErrName: "keychain",
		},
		{
			name: "forced keyctl is refused", env: environment{GOOS: "linux", Forced: "keyctl", ForcedBy: "x"},
			wantReason: "not supported", wantErrName: "keyctl",
		},
		{
			name: "forced unknown name", env: environment{GOOS: "linux", Forced: "plaintext", ForcedBy: "x"},
			wantReason: "unknown backend", wantErrName: "plaintext",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.prober
			cands, err := planBackends(tt.env)
			var ch chosen
			if err == nil {
				ch, err = chooseBackend(context.Background(), cands, &p)
			}
			if tt.want == "" {
				var be *BackendError
				require.ErrorAs(t, err, &be)
				require.ErrorIs(t, err, ErrBackendUnavailable)
				require.Equal(t, tt.wantErrName, be.Backend)
				require.Contains(t, err.Error(), tt.wantReason)
			} else {
				require.NoError(t, err)
				require.Equal(t, tt.want, ch.spec.Name)
				require.Equal(t, tt.wantColl, ch.spec.Collection)
				require.Equal(t, tt.wantPrompt, ch.mayPrompt)
				require.Contains(t, ch.reason, tt.wantReason)
				if tt.wantTried > 0 {
					require.Len(t, ch.tried, tt.wantTried)
				}
			}
			if tt.wantCalls != nil {
				require.Equal(t, tt.wantCalls, p.calls)
			}
		})
	}
}

func TestBackendUsesEnvOverride(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(Options{ConfigDir: dir + "/c", DataDir: dir + "/d", Env: envMap{EnvBackend: "keychain"}.get})
	require.NoError(t, err)
	s.goos = "linux"
	_, err = s.Backend(ctxT(t))
	require.ErrorIs(t, err, ErrBackendUnavailable)
	require.Contains(t, err.Error(), EnvBackend)
	_, ok := s.SelectedBackend()
	require.False(t, ok, "failures are not cached")

	// Automatic selection on a headless Linux host lands on the file.
	s, err = Open(Options{ConfigDir: dir + "/c", DataDir: dir + "/d", Env: envMap{"DBUS_SESSION_BUS_ADDRESS": "disabled:"}.get})
	require.NoError(t, err)
	s.goos = "linux"
	info, err := s.Backend(ctxT(t))
	require.NoError(t, err)
	require.Equal(t, BackendFile, info.Name)
	require.True(t, strings.HasPrefix(info.Reason, "no D-Bus session"), info.Reason)
}
