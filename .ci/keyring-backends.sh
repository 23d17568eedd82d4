#!/usr/bin/env bash
# Runs store's TestBackendRoundTrip against real keyring backends on Debian
# (reference/keyring.md §4.8): the encrypted file, pass with a throwaway GPG
# key, and the Secret Service (gnome-keyring) inside a private D-Bus session.
# keyctl is not a secret store for fbllm and is not run.
#
# Needs these Debian packages (install as root beforehand; ~10 MB download):
#   apt-get install -y --no-install-recommends \
#     keyutils pass gnupg gnome-keyring dbus libsecret-tools
# (dbus gives dbus-daemon/dbus-run-session/dbus-send; libsecret-tools gives
# secret-tool, for debugging only.)
#
# Everything it creates lives in a scratch HOME and GNUPGHOME that are
# removed on exit; Go's module and build caches are kept where they are.
set -euo pipefail

cd "$(dirname "$0")/.."

for bin in go pass gpg gpgconf gnome-keyring-daemon dbus-run-session dbus-send timeout; do
	command -v "$bin" >/dev/null || { echo "missing $bin: see the apt-get line at the top of $0" >&2; exit 1; }
done

export GOMODCACHE="$(go env GOMODCACHE)" GOCACHE="$(go env GOCACHE)" GOPATH="$(go env GOPATH)"
scratch="$(mktemp -d -t fbllm-keyring-ci.XXXXXX)"
# gpg-agent's socket path must stay short, so GNUPGHOME gets its own dir.
export GNUPGHOME="$(mktemp -d -t gnupg.XXXXXX)"
cleanup() {
	gpgconf --kill gpg-agent >/dev/null 2>&1 || true
	rm -rf "$scratch" "$GNUPGHOME"
}
trap cleanup EXIT

export HOME="$scratch/home"
mkdir -p "$HOME"
chmod 700 "$HOME" "$GNUPGHOME"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_RUNTIME_DIR PASSWORD_STORE_DIR \
	FBLLM_KEYRING_BACKEND FBLLM_KEYRING_PASSPHRASE FBLLM_CONFIG_DIR FBLLM_DATA_DIR
# Keep godbus from autolaunching stray dbus-daemons in every test process.
export DBUS_SESSION_BUS_ADDRESS=disabled:

# run_roundtrip BACKEND: run the test and fail unless it really ran and
# passed (a skipped test would otherwise look green).
run_roundtrip() {
	local backend=$1 out rc=0 start end
	start=$(date +%s%N)
	out=$(FBLLM_TEST_BACKEND="$backend" go test -count=1 -v -run '^TestBackendRoundTrip$' ./store/ 2>&1) || rc=$?
	end=$(date +%s%N)
	printf '%s\n' "$out" | sed "s/^/[$backend] /"
	if [ "$rc" -ne 0 ] || ! grep -q -- '--- PASS: TestBackendRoundTrip' <<<"$out"; then
		echo "FAIL $backend (rc=$rc)" >&2
		return 1
	fi
	echo "ok   $backend in $(( (end - start) / 1000000 )) ms"
}

results=()

# 1) Encrypted file: needs nothing.
run_roundtrip file
results+=("file: ok")

# 2) pass, with a passphrase-less GPG key made for this run.
start=$(date +%s%N)
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
	--quick-gen-key 'fbllm CI <ci@fbllm.invalid>' default default never
pass init ci@fbllm.invalid >/dev/null
echo "pass setup in $(( ($(date +%s%N) - start) / 1000000 )) ms"
run_roundtrip pass
gpgconf --kill gpg-agent
results+=("pass: ok")

# 3) Secret Service: gnome-keyring in a private session bus. --unlock reads
# the password from stdin and creates and unlocks the "login" collection.
# The daemon is D-Bus-activated/forked and can outlive dbus-run-session (it
# once held an inherited pipe open for minutes), so kill it by PID.
unset DBUS_SESSION_BUS_ADDRESS
export -f run_roundtrip
timeout 120 dbus-run-session -- bash -c '
	set -euo pipefail
	printf %s "ci-keyring-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
	gkr=""
	for _ in $(seq 50); do
		gkr=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
			org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
			awk "/uint32/{print \$2}") || true
		[ -n "$gkr" ] && break
		sleep 0.1
	done
	[ -n "$gkr" ] || { echo "gnome-keyring-daemon did not register org.freedesktop.secrets" >&2; exit 1; }
	rc=0
	run_roundtrip secret-service || rc=$?
	kill "$gkr" 2>/dev/null || true
	exit "$rc"
'
results+=("secret-service: ok")

printf '%s\n' "${results[@]}"
