# shellcheck shell=bash
# tests/kernel/vm-systemd-lib.sh - a test under a real systemd booted as PID 1 in the QEMU VM on
# Debian's kernel (vm-lib.sh), for what needs both a booted systemd and a kernel the machine's
# is not (WireGuard). The VM's root is the host's over virtio-9p, read-only, under an overlay
# with a tmpfs upper layer (vm-systemd-init.sh): nothing of the host's changes. The build is
# installed into it (meson install --destdir, as tests/systemd does for its containers), with
# the files the test writes, and a oneshot unit that runs the test script inside after
# multi-user.target and powers the VM off; the script's output and exit status come back
# through the 9p share "job" (/run/vm/job inside). One boot per test.
#
# Host side (root; BUILD_DIR set, as meson test does):
#   vm_systemd_need            skip (77) with the reason unless QEMU and the prepared kernel are
#                              there; sets VM_KDIR
#   vm_systemd_setup           the job directory VM_JOB, the build installed in VM_JOB/dest
#   vm_write PATH [MODE]       stdin becomes PATH in the VM's root (owned by root)
#   vm_enable UNIT [TARGET]    UNIT (installed with vm_write) wanted by TARGET (multi-user.target)
#   vm_systemd_run SCRIPT      boot; SCRIPT runs inside as netnsctl-vm-test.service with
#                              NETNSCTL_IN_VM=1, NETNSCTL (the installed netnsctl) and
#                              VM_JOB=/run/vm/job (writable, read by the host afterwards) in its
#                              environment; prints its output and exits with its status. On
#                              failure also the journal of the boot and the console's tail.
# Inside (NETNSCTL_IN_VM=1): ok, fail (ends the test), assert_eq ACTUAL EXPECTED WHAT.
#
# Environment: NETNSCTL_VM_TIMEOUT (seconds for the whole VM, default 540), KEEP=1 (keep the
# job directory and print its path), NETNSCTL_VM_APPEND (systemd's words on the kernel command
# line instead of systemd.show_status=error; e.g. "systemd.log_level=debug
# systemd.log_target=kmsg printk.devkmsg=on" puts PID 1's debug log, timed, in the journal).

set -euo pipefail

ok() {
        echo "ok: $*"
}

fail() {
        echo "FAIL: $*" >&2
        exit 1
}

assert_eq() { # ACTUAL EXPECTED WHAT
        [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

if [ -n "${NETNSCTL_IN_VM:-}" ]; then
        return 0
fi

# shellcheck source=vm-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/vm-lib.sh"

VM_HERE=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
VM_JOB=
VM_KDIR=

vm_systemd_need() {
        [ "$(id -u)" = 0 ] || { echo "skipped: needs root (the build is installed into the VM's root as root's)"; exit 77; }
        VM_KDIR=$(vm_kernel)
        if [ -z "$VM_KDIR" ]; then
                echo "skipped: no VM to boot systemd on Debian's kernel in (tests/deps.sh installs qemu-system-x86 and runs tests/kernel/vm-prepare.sh)"
                exit 77
        fi
        if [ -z "${BUILD_DIR:-}" ] || [ ! -f "$BUILD_DIR/build.ninja" ]; then
                echo "skipped: BUILD_DIR is not a configured meson build directory (run through meson test)"
                exit 77
        fi
}

vm_cleanup() {
        local rc=$?
        if [ -n "$VM_JOB" ]; then
                if [ "${KEEP:-0}" = 1 ]; then
                        echo "# KEEP=1: the job directory is $VM_JOB"
                else
                        rm -rf "$VM_JOB"
                fi
        fi
        exit "$rc"
}

vm_systemd_setup() {
        VM_JOB=$(mktemp -d "${TMPDIR:-/tmp}/netnsctl-vm.XXXXXX")
        trap vm_cleanup EXIT
        chmod 0755 "$VM_JOB"
        mkdir "$VM_JOB/dest"
        DESTDIR=$VM_JOB/dest meson install -C "$BUILD_DIR" --no-rebuild --quiet >"$VM_JOB/install.log" 2>&1 || {
                cat "$VM_JOB/install.log"
                fail "meson install into the VM's root failed"
        }
        cp "$VM_HERE/../systemd/root-prep.sh" "$VM_JOB/root-prep.sh"
}

vm_write() { # PATH [MODE]
        mkdir -p "$(dirname "$VM_JOB/dest$1")"
        cat >"$VM_JOB/dest$1"
        chmod "${2:-0644}" "$VM_JOB/dest$1"
}

vm_enable() { # UNIT [TARGET]
        local d=$VM_JOB/dest/etc/systemd/system/${2:-multi-user.target}.wants
        mkdir -p "$d"
        ln -sfn "/etc/systemd/system/$1" "$d/$1"
}

# the installed netnsctl (the path netns@.service runs)
vm_netnsctl() {
        local f
        for f in "$VM_JOB"/dest/{lib,usr/lib,usr/local/lib,etc}/systemd/system/netns@.service; do
                [ -f "$f" ] && sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$f" && return 0
        done
        fail "no netns@.service installed into the VM's root"
}

vm_systemd_run() { # SCRIPT
        local script=$1 rc nnc
        cp "$script" "$VM_JOB/test.sh"
        cp "$VM_HERE/vm-systemd-lib.sh" "$VM_JOB/vm-systemd-lib.sh"
        nnc=$(vm_netnsctl)
        vm_write /etc/systemd/system/netnsctl-vm-test.service <<EOF
[Unit]
Description=netnsctl test in the VM: $(basename "$script")
After=multi-user.target
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
Type=oneshot
Environment=NETNSCTL_IN_VM=1 NETNSCTL=$nnc VM_JOB=/run/vm/job
WorkingDirectory=/run/vm/job
ExecStart=/bin/bash /run/vm/job/test.sh
StandardOutput=file:/run/vm/job/log
StandardError=inherit
TimeoutStartSec=infinity
# the journal of the boot, for the host to show on a failure (KEEP=1: to read)
ExecStopPost=/bin/sh -c 'journalctl -b --no-pager -o short-monotonic >/run/vm/job/journal 2>&1; echo "\$EXIT_STATUS" >/run/vm/job/rc'
EOF
        vm_enable netnsctl-vm-test.service
        echo "# booting systemd in a VM on Debian's kernel $(basename "$VM_KDIR")"
        local start=$SECONDS
        vm_qemu "$VM_KDIR" "$VM_JOB/vm" "$VM_HERE/vm-systemd-init.sh" "${NETNSCTL_VM_APPEND:-systemd.show_status=error}" "job=$VM_JOB" "lower:ro=/"
        echo "# the VM ran $((SECONDS - start)) s"
        cat "$VM_JOB/log" 2>/dev/null || true
        rc=$(cat "$VM_JOB/rc" 2>/dev/null || true)
        if [ -z "$rc" ]; then
                tail -n 20 "$VM_JOB/init.log" "$VM_JOB/vm.qemu" "$VM_JOB/vm.console" >&2 2>/dev/null || true
                fail "the test did not finish in the VM (the first init's, QEMU's messages and the console above)"
        fi
        if [ "$rc" != 0 ]; then
                echo "# in the VM the test exited $rc; the journal's last lines:" >&2
                tail -n 60 "$VM_JOB/journal" >&2 2>/dev/null || true
                exit 1
        fi
        exit 0
}
