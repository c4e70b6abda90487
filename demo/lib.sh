# shellcheck shell=bash
# demo/lib.sh - what the demos share; source it first thing (as root, on Debian 12):
# installs the build dependencies and builds (quiet; once, before the demo re-executes itself
# in a private mount namespace), then loads the container machinery of the systemd tier
# (tests/systemd/lib.sh: ct_setup, ct_write, ct_boot, in_ct, ...) and defines say and run.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1

if [ -z "${NETNS_CT_UNSHARED:-}" ]; then
        [ "$(id -u)" = 0 ] || { echo "$0: run as root (it boots a container)"; exit 1; }
        echo "== installing dependencies and building (quiet)"
        bash tests/deps.sh >/tmp/netnsctl-demo-deps.log 2>&1 || { cat /tmp/netnsctl-demo-deps.log; exit 1; }
        [ -f build/build.ninja ] || meson setup build >/tmp/netnsctl-demo-build.log 2>&1 ||
                { cat /tmp/netnsctl-demo-build.log; exit 1; }
        ninja -C build >/tmp/netnsctl-demo-build.log 2>&1 || { cat /tmp/netnsctl-demo-build.log; exit 1; }
fi
export BUILD_DIR=$top/build
# shellcheck source=../tests/systemd/lib.sh
. "$top/tests/systemd/lib.sh" || exit 1

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { # show a command as typed in the container, then run it there
        printf '\033[32m# %s\033[0m\n' "$*"
        in_ct bash -c "$*"
}
