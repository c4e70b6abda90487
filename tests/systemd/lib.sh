# shellcheck shell=bash
# lib.sh - helpers for the systemd tier: boot systemd 252 in a throw-away
# systemd-nspawn container (overlay over / on tmpfs, private network) with the
# current build installed, run commands inside, tear everything down on exit.
# With NETNS_CT_RELEASE=trixie (meson test --setup trixie), the overlay is over the
# Debian 13 root release-prepare.sh made (systemd 257) instead of the machine's /, and
# what is installed is the build release-build.sh makes inside that root.
#
# Source it from a test script, then:
#   ct_setup                  # temp dir, overlay root, build installed, masks
#   ct_write /etc/netns/a.conf <<EOF ... EOF   # files in the root, before boot
#   ct_boot                   # boot, wait for running/degraded
#   in_ct CMD...              # run CMD in all of the container's namespaces
#   ct_daemon_reload; ct_reboot
# Assertions: ok/fail/assert_eq/assert_ne/assert_active/... (print "ok"/"FAIL").
# Environment: BUILD_DIR (set by tests/meson.build), NETNS_CT_RELEASE (see above),
# KEEP=1 (leave the container
# running at the end, print how to enter it, wait for Enter/Ctrl-C),
# CT_TIMEOUT (seconds for every wait, default 30), V=1 (trace).
#
# Exit codes: 0 pass, 77 skip (reason on the last line of stdout), else fail.
#
# Cleanup: the test re-execs itself in a private mount namespace (unshare), so its
# mounts never show on the machine; an EXIT trap stops nspawn and unmounts; a
# detached guard (ct_guard) kills the container if the test is SIGKILLed.

set -u
set -o pipefail
[ "${V:-0}" = 1 ] && set -x

CT_TIMEOUT=${CT_TIMEOUT:-30}
CT_NAME=
CT_DIR=
CT_ROOT=
CT_NSPAWN_PID=
CT_PID1=
CT_FAILED=0
CT_NSPAWN_DIR_MADE=
# more systemd-nspawn options for ct_boot (a test sets them before it), e.g. --bind=/dev/net/tun
CT_NSPAWN_ARGS=()

skip() {
        echo "SKIP: $*"
        exit 77
}

log() {
        echo "# $*"
}

# --- guards, and a private mount namespace --------------------------------------

[ "$(id -u)" = 0 ] || skip "systemd tests need root (systemd-nspawn, overlayfs)"
command -v systemd-nspawn >/dev/null || skip "systemd-nspawn missing (apt-get install systemd-container)"
command -v nsenter >/dev/null || skip "nsenter missing (util-linux)"
[ -n "${BUILD_DIR:-}" ] || skip "BUILD_DIR not set; run through 'meson test' (see tests/systemd/README)"
[ -f "$BUILD_DIR/build.ninja" ] || skip "BUILD_DIR=$BUILD_DIR is not a configured meson build dir"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
grep -qw overlay /proc/filesystems || skip "kernel has no overlayfs"

# shellcheck source=release-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/release-lib.sh"
# shellcheck source=root-prep.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/root-prep.sh"
# CT_LOWER: the root the containers' overlay is over. CT_RELEASE_OUT: for another release,
# where release-build.sh built and installed the tree inside that release's root.
CT_LOWER=/
CT_RELEASE_OUT=
if [ -n "${NETNS_CT_RELEASE:-}" ]; then
        CT_LOWER=$(release_root "$NETNS_CT_RELEASE")
        CT_RELEASE_OUT=$BUILD_DIR/release-$NETNS_CT_RELEASE
        # systemd >= 256 does not boot on the legacy/hybrid cgroup hierarchy this machine may mount;
        # nspawn gives the container cgroup v2 with this
        export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1
fi

# Run the whole test in a private mount namespace: the overlay root, its tmpfs and
# the tmpfs nspawn wants on /run/systemd/nspawn never appear on (or leak into) the
# machine's mount table, even if this shell is SIGKILLed. The trap below still
# unmounts them, for the interrupted-but-alive case.
if [ -z "${NETNS_CT_UNSHARED:-}" ]; then
        export NETNS_CT_UNSHARED=1
        exec unshare --mount --propagation private -- "$BASH" "$0" "$@"
fi

# Another release: the tree built inside its root (incremental: only what changed since the
# last test recompiles). Missing root: skip with the reason. A failed build fails the test.
if [ -n "$CT_RELEASE_OUT" ]; then
        _rb_out=$(bash "$(dirname -- "${BASH_SOURCE[0]}")/release-build.sh" "$NETNS_CT_RELEASE" "$BUILD_DIR" 2>&1)
        case $? in
        0) ;;
        77) skip "${_rb_out##*SKIP: }" ;;
        *) echo "$_rb_out"; echo "FAIL - building in the $NETNS_CT_RELEASE root"; exit 1 ;;
        esac
fi

# --- teardown ---------------------------------------------------------------------

ct_debug_dump() {
        [ -n "$CT_PID1" ] && [ -e "/proc/$CT_PID1" ] || return 0
        echo "----- systemctl --failed (container) -----"
        in_ct systemctl --failed --no-pager 2>&1 || true
        echo "----- systemctl list-jobs (container) -----"
        in_ct systemctl list-jobs --no-pager 2>&1 || true
        echo "----- journalctl -b | tail -50 (container) -----"
        in_ct journalctl -b --no-pager 2>&1 | tail -50 || true
}

ct_stop() {
        local pid=$CT_NSPAWN_PID i
        [ -n "$pid" ] || return 0
        if kill -0 "$pid" 2>/dev/null; then
                # SIGTERM: nspawn asks the container's systemd to power off cleanly
                kill -TERM "$pid" 2>/dev/null || true
                for ((i = 0; i < CT_TIMEOUT * 10; i++)); do
                        kill -0 "$pid" 2>/dev/null || break
                        sleep 0.1
                done
                if kill -0 "$pid" 2>/dev/null; then
                        log "nspawn $pid did not exit in ${CT_TIMEOUT}s, killing it"
                        kill -KILL "$pid" 2>/dev/null || true
                fi
        fi
        wait "$pid" 2>/dev/null || true
        CT_NSPAWN_PID=
        CT_PID1=
}

ct_cleanup() {
        local rc=$?
        trap - EXIT INT TERM HUP
        [ "$CT_FAILED" != 0 ] && [ "$rc" = 0 ] && rc=1
        if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
                ct_debug_dump
        fi
        if [ "${KEEP:-0}" = 1 ] && [ -n "$CT_PID1" ] && [ -e "/proc/$CT_PID1" ]; then
                echo "KEEP=1: container '$CT_NAME' left running. Enter it with:"
                echo "    nsenter -t $CT_PID1 -a -- bash"
                echo "Root: $CT_ROOT.  Press Enter (or Ctrl-C) to tear it down."
                # a trapped signal interrupts read/sleep, and teardown goes on
                trap ':' INT TERM HUP
                { read -r _ </dev/tty || sleep infinity; } 2>/dev/null &
                wait $! 2>/dev/null
                kill $! 2>/dev/null
                trap - INT TERM HUP
        fi
        ct_stop
        if [ -n "$CT_DIR" ] && [ -d "$CT_DIR" ]; then
                # deepest first; lazy as a last resort so rm never walks into a mount
                local m
                findmnt -rn -o TARGET | grep -F "$CT_DIR" | sort -r | while read -r m; do
                        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
                done
                if findmnt -rn -o TARGET | grep -qF "$CT_DIR"; then
                        log "mounts left under $CT_DIR, not removing it"
                else
                        rm -rf "$CT_DIR"
                fi
        fi
        if [ -n "$CT_NSPAWN_DIR_MADE" ]; then
                umount /run/systemd/nspawn 2>/dev/null
                # EBUSY while another test's namespace has it mounted: theirs to remove
                rmdir /run/systemd/nspawn 2>/dev/null
        fi
        exit "$rc"
}
trap ct_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ct_guard TEST_PID DIR: runs detached (own session), so that a SIGKILL of the
# test's process group (meson's timeout does SIGTERM, waits 0.5 s, then SIGKILLs the
# group) cannot leave a booted container behind: when TEST_PID is gone, kill the
# container's PID 1 and nspawn named in DIR/pids (only if their start times still
# match), then unmount and remove DIR. After a normal teardown there is nothing left
# and it just exits.
ct_guard() {
        local test_pid=$1 dir=$2 pid start i m
        while kill -0 "$test_pid" 2>/dev/null; do sleep 0.5; done
        [ -d "$dir" ] || return 0
        if [ -f "$dir/pids" ]; then
                while read -r pid start; do
                        [ "$(ct_starttime "$pid")" = "$start" ] && kill -KILL "$pid" 2>/dev/null
                done <"$dir/pids"
                while read -r pid start; do
                        for ((i = 0; i < 100; i++)); do
                                [ "$(ct_starttime "$pid")" = "$start" ] || break
                                sleep 0.1
                        done
                done <"$dir/pids"
        fi
        findmnt -rn -o TARGET | grep -F "$dir" | sort -r | while read -r m; do
                umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
        done
        findmnt -rn -o TARGET | grep -qF "$dir" && return 0
        if [ -e "$dir/made-nspawn-dir" ]; then
                umount /run/systemd/nspawn 2>/dev/null
                rmdir /run/systemd/nspawn 2>/dev/null
        fi
        rm -rf "$dir"
}

# ct_starttime PID: the process's start time (field 22 of /proc/PID/stat), or nothing
ct_starttime() {
        local st
        st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
        local -a f
        read -r -a f <<<"${st##*) }"
        echo "${f[19]}"
}

# --- assertions -------------------------------------------------------------------

ok() {
        echo "ok - $*"
}

fail() {
        echo "FAIL - $*"
        CT_FAILED=1
}

# die MSG: fatal failure, stop the test here
die() {
        echo "FAIL - $*"
        exit 1
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
        if [ "$2" = "$3" ]; then ok "$1 = '$3'"; else fail "$1: expected '$2', got '$3'"; fi
}

# assert_ne WHAT UNEXPECTED ACTUAL
assert_ne() {
        if [ "$2" != "$3" ]; then ok "$1 = '$3' (not '$2')"; else fail "$1: must not be '$2'"; fi
}

# assert_state UNIT STATE: ActiveState of UNIT as systemd inside reports it
assert_state() {
        assert_eq "ActiveState of $1" "$2" "$(in_ct systemctl show -P ActiveState "$1")"
}

# assert_pin NAME: /run/netns/NAME is an nsfs mount point inside the container
assert_pin() {
        local t
        t=$(in_ct stat -f -c %T "/run/netns/$1" 2>&1)
        assert_eq "fs type of /run/netns/$1" nsfs "$t"
        if in_ct findmnt -J "/run/netns/$1" >/dev/null 2>&1; then
                ok "/run/netns/$1 is a mount point"
        else
                fail "/run/netns/$1 is not a mount point"
        fi
}

# assert_no_pin NAME: /run/netns/NAME neither mounted nor present
assert_no_pin() {
        if in_ct findmnt "/run/netns/$1" >/dev/null 2>&1; then
                fail "/run/netns/$1 still mounted"
        elif in_ct test -e "/run/netns/$1"; then
                fail "/run/netns/$1 still exists"
        else
                ok "/run/netns/$1 absent"
        fi
}

# netns_list: names `ip netns list` shows inside, one per line, sorted
netns_list() {
        in_ct ip netns list | awk '{print $1}' | sort
}

# --- the container ----------------------------------------------------------------

# ct_setup: temp dir with an overlay root over / (or the release's root), the build installed in
# it, slow/irrelevant services masked, machine-id removed. Nothing is booted yet.
ct_setup() {
        local base
        base=$(basename "$0" .sh)
        CT_NAME=nt-$base-$$
        CT_NAME=${CT_NAME:0:60}
        CT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/netns-ct.XXXXXX")
        CT_ROOT=$CT_DIR/root
        mkdir -p "$CT_DIR/upper" "$CT_ROOT"
        setsid -f "$BASH" -c "$(declare -f ct_guard ct_starttime); ct_guard $$ '$CT_DIR'" \
                </dev/null >/dev/null 2>&1
        mount -t tmpfs -o mode=0755 tmpfs "$CT_DIR/upper" || die "mount tmpfs on $CT_DIR/upper"
        mkdir -p "$CT_DIR/upper/u" "$CT_DIR/upper/w"
        mount -t overlay overlay \
                -o "lowerdir=$CT_LOWER,upperdir=$CT_DIR/upper/u,workdir=$CT_DIR/upper/w" "$CT_ROOT" ||
                die "mount overlay on $CT_ROOT"

        # nspawn needs /run/systemd/nspawn on a tmpfs to clean up after itself;
        # we are in a private mount namespace, so this is ours alone
        if [ ! -d /run/systemd/nspawn ]; then
                mkdir -p /run/systemd/nspawn
                CT_NSPAWN_DIR_MADE=1
                : >"$CT_DIR/made-nspawn-dir"
        fi
        mountpoint -q /run/systemd/nspawn || mount -t tmpfs -o mode=0755 tmpfs /run/systemd/nspawn ||
                die "mount tmpfs on /run/systemd/nspawn"

        rm -f "$CT_ROOT/etc/machine-id"
        # the host's own namespaces and config must not leak into the container
        rm -rf "$CT_ROOT/etc/netns" "$CT_ROOT/run/netns" "$CT_ROOT/run/netnsctl"
        mkdir -p "$CT_ROOT/etc/netns"

        ct_disable_enabled
        ct_mask_slow
        ct_install
}

# ct_disable_enabled, ct_mask_slow: root-prep.sh's, on the container's root
ct_disable_enabled() {
        root_disable_enabled "$CT_ROOT"
}

ct_mask_slow() {
        root_mask_slow "$CT_ROOT"
}

# ct_install: install the current build into the root. The build's prefix paths
# (bindir/netnsctl in the unit's ExecStart=, the generator and unit dirs from
# pkg-config) are all ones the container's systemd reads, since its root is /.
ct_install() {
        if [ -n "$CT_RELEASE_OUT" ]; then
                # what release-build.sh installed (meson install --destdir inside the release's root)
                tar -C "$CT_RELEASE_OUT/dest" -cf - . | tar -C "$CT_ROOT" -xf - --keep-directory-symlink ||
                        die "copying the $NETNS_CT_RELEASE build into $CT_ROOT failed"
        else
                DESTDIR=$CT_ROOT meson install -C "$BUILD_DIR" --no-rebuild --quiet >"$CT_DIR/install.log" 2>&1 || {
                        cat "$CT_DIR/install.log"
                        die "meson install into $CT_ROOT failed"
                }
        fi
        local exe
        exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$(ct_unit_path netns@.service)" 2>/dev/null)
        [ -n "$exe" ] || die "installed netns@.service not found or has no ExecStart="
        [ -x "$CT_ROOT$exe" ] || die "ExecStart= binary $exe of the installed unit is not in the root"
        # one of the generator dirs systemd 252 runs (/lib is /usr/lib on Debian 12)
        local d found=
        for d in /etc/systemd/system-generators /usr/local/lib/systemd/system-generators \
                /usr/lib/systemd/system-generators /lib/systemd/system-generators; do
                [ -x "$CT_ROOT$d/netns-generator" ] && found=$d
        done
        [ -n "$found" ] || die "netns-generator not installed in a directory systemd runs generators from"
}

# ct_host_run DIR CMD...: CMD with cwd DIR, run with the programs and libraries of the root
# the containers boot: the machine's own, or chrooted into the release's (DIR then mounted
# at /build: CMD must name files in it by relative paths). For building what a test
# installs (the .deb) with the compiler and packages of that release.
ct_host_run() {
        local dir=$1
        shift
        if [ -n "$CT_RELEASE_OUT" ]; then
                release_chroot "$CT_LOWER" "$dir" "$@"
        else
                (cd "$dir" && "$@")
        fi
}

# ct_unit_path UNIT: path of UNIT as installed in the root (host side)
ct_unit_path() {
        local d
        for d in /etc/systemd/system /usr/local/lib/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
                if [ -e "$CT_ROOT$d/$1" ]; then
                        echo "$CT_ROOT$d/$1"
                        return 0
                fi
        done
        return 1
}

# ct_write PATH [MODE]: stdin -> PATH inside the root (works before boot and after:
# the overlay is the container's /)
ct_write() {
        mkdir -p "$(dirname "$CT_ROOT$1")"
        cat >"$CT_ROOT$1"
        [ -n "${2:-}" ] && chmod "$2" "$CT_ROOT$1"
        return 0
}

# ct_boot: boot the root; returns once systemd says running or degraded
ct_boot() {
        [ -z "$CT_NSPAWN_PID" ] || die "ct_boot: container already running"
        : >"$CT_DIR/nspawn.log"
        systemd-nspawn -D "$CT_ROOT" --boot --machine="$CT_NAME" --register=no --keep-unit \
                --link-journal=no --private-network --console=passive "${CT_NSPAWN_ARGS[@]}" \
                >>"$CT_DIR/nspawn.log" 2>&1 </dev/null &
        CT_NSPAWN_PID=$!
        ct_record_pids
        local i
        for ((i = 0; i < CT_TIMEOUT * 10; i++)); do
                kill -0 "$CT_NSPAWN_PID" 2>/dev/null || {
                        cat "$CT_DIR/nspawn.log"
                        CT_NSPAWN_PID=
                        die "systemd-nspawn exited during boot"
                }
                CT_PID1=$(pgrep -P "$CT_NSPAWN_PID" | head -1)
                # PID1 is systemd only once nspawn's child has exec'd it
                if [ -n "$CT_PID1" ] && [ "$(cat "/proc/$CT_PID1/comm" 2>/dev/null)" = systemd ]; then
                        ct_record_pids
                        break
                fi
                CT_PID1=
                sleep 0.1
        done
        [ -n "$CT_PID1" ] || { cat "$CT_DIR/nspawn.log"; die "no systemd in the container after ${CT_TIMEOUT}s"; }
        ct_wait_system "boot" || { cat "$CT_DIR/nspawn.log"; die "container did not finish booting"; }
        log "$(in_ct systemctl --version | head -1), /sys/fs/cgroup: $(in_ct stat -f -c %T /sys/fs/cgroup)"
}

# ct_wait_system WHAT: wait until the container's manager has nothing left to start: "running",
# or "degraded" (a failed unit is not the tests' business here: what a test expects of ours it
# asserts itself, and a unit of the root's that fails in a container must not fail the test).
# Logs the failed units. 1 after CT_TIMEOUT.
ct_wait_system() {
        local i state=
        for ((i = 0; i < CT_TIMEOUT * 10; i++)); do
                state=$(in_ct systemctl is-system-running 2>/dev/null)
                case "$state" in
                running | degraded) break ;;
                esac
                sleep 0.1
        done
        case "$state" in
        running) log "$1: container $CT_NAME running after $((i / 10)).$((i % 10))s (PID1 $CT_PID1)" ;;
        degraded)
                log "$1: container $CT_NAME degraded after $((i / 10)).$((i % 10))s (PID1 $CT_PID1); failed units:"
                in_ct systemctl --failed --no-pager --plain --no-legend | sed 's/^/#   /'
                ;;
        *)
                echo "# $1: container not running/degraded after ${CT_TIMEOUT}s (state '$state'); jobs:"
                in_ct systemctl list-jobs --no-pager 2>&1 | sed 's/^/#   /'
                return 1
                ;;
        esac
}

# ct_record_pids: tell ct_guard what to kill should this shell be SIGKILLed
ct_record_pids() {
        local p
        for p in $CT_PID1 $CT_NSPAWN_PID; do
                echo "$p $(ct_starttime "$p")"
        done >"$CT_DIR/pids"
}

# ct_reboot: stop the container and boot the same root again (the overlay keeps
# whatever was written; /run is fresh)
ct_reboot() {
        ct_stop
        ct_boot
}

# in_ct CMD...: run CMD inside the container (all its namespaces, root dir, cwd /)
in_ct() {
        [ -n "$CT_PID1" ] || die "in_ct: container not booted"
        nsenter -t "$CT_PID1" -a -- "$@"
}

# ct_daemon_reload: reload the container's manager (re-runs the generators)
ct_daemon_reload() {
        timeout "$CT_TIMEOUT" nsenter -t "$CT_PID1" -a -- systemctl daemon-reload ||
                die "systemctl daemon-reload failed inside the container"
}

# ct_systemctl ARGS...: systemctl inside, time-bound (a hung job must not hang the test)
ct_systemctl() {
        timeout "$CT_TIMEOUT" nsenter -t "$CT_PID1" -a -- systemctl "$@"
}

# wait_for DESC CMD...: retry CMD (on the host side) until it succeeds or CT_TIMEOUT
wait_for() {
        local desc=$1 i
        shift
        for ((i = 0; i < CT_TIMEOUT * 10; i++)); do
                "$@" >/dev/null 2>&1 && return 0
                sleep 0.1
        done
        fail "timed out after ${CT_TIMEOUT}s waiting for $desc"
        return 1
}

# ct_finish: end of a test; exit status from the assertions
ct_finish() {
        if [ "$CT_FAILED" = 0 ]; then
                echo "PASS: $(basename "$0")"
                exit 0
        fi
        echo "FAILED: $(basename "$0")"
        exit 1
}

# --- kernel facts, read inside the container --------------------------------------

# pin_inode NAME: inode of the network namespace pinned at /run/netns/NAME
pin_inode() {
        in_ct stat -L -c %i "/run/netns/$1" 2>/dev/null
}

# pid_netns_inode PID: inode of PID's network namespace (PID as the container sees it)
pid_netns_inode() {
        in_ct stat -L -c %i "/proc/$1/ns/net" 2>/dev/null
}

# in_netns NAME CMD...: CMD inside the container, in the pinned namespace NAME only
# (mounts stay the container's, so /proc/sys/net shows NAME's values)
in_netns() {
        local n=$1
        shift
        in_ct nsenter --net="/run/netns/$n" -- "$@"
}

# journal_has PATTERN [journalctl args...]: the container's journal of this boot
# contains PATTERN (fixed string); waits up to 10 s for journald to catch up
journal_has() {
        local pat=$1 i
        shift
        for ((i = 0; i < 100; i++)); do
                in_ct journalctl -b --no-pager -o cat "$@" 2>/dev/null | grep -qF -- "$pat" && return 0
                sleep 0.1
        done
        return 1
}
