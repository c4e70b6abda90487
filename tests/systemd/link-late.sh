#!/bin/bash
# link-late.sh - a namespace whose NIC appears only after boot comes up when it appears, and
# stopping it returns the NIC. A veth made in the container stands in for the NIC.
#
# systemd 252 in systemd-nspawn has no device units: nspawn mounts /sys read-only and
# there is no udev, so systemd marks the device unit type unsupported; a start job for
# sys-subsystem-net-devices-X.device then fails at once ("unsupported"), and Wants=+After=
# on it make nothing wait. Part 1 tests what a container without udev shows: the generated
# dependencies and their bound as systemd loaded them, the boot-time start failing cleanly
# without the NIC (naming the [Link]), a start once it exists, the NIC back on stop.
#
# Part 2 gives the container device units: the /sys tmpfs made writable (sysfs below it
# stays read-only), udevd from Debian's udev package (unpacked into the container's overlay
# only; never installed on the machine) with every rule masked but 99-systemd.rules, which
# tags net devices for systemd, then systemd re-executed (it decides once per execution
# whether device units are supported, and whether udev runs to listen to). A start of netns@late queued while the NIC is missing
# is then exactly the boot-time start: it waits; the NIC appears; it completes. And the
# wait is bounded. Without the udev package part 2 is skipped, with the reason.
. "$(dirname -- "$0")/lib.sh" || exit 1
command -v jq >/dev/null || skip "jq missing"

ct_setup
ct_write /etc/netns/late.conf <<'CONF'
[Link]
Type=physical
Parent=nic0
Name=eth0
MTU=1400
Address=10.9.0.2/24
Gateway=10.9.0.1
CONF
ct_boot

dev=sys-subsystem-net-devices-nic0.device

# "NAME MTU UP|DOWN" of a link in the container (or: in_netns NS)
nic_state() { # IFNAME [in_netns NS]
        local ifname=$1
        shift
        if [ $# -gt 0 ]; then "$@" ip -j link show dev "$ifname"; else in_ct ip -j link show dev "$ifname"; fi 2>/dev/null |
                jq -r '.[0] | "\(.ifname) \(.mtu) \(if (.flags | index("UP")) then "UP" else "DOWN" end)"'
}

make_nic() {
        in_ct ip link add nic0 mtu 1450 type veth peer name wire0 &&
                in_ct ip addr add 10.9.0.1/24 dev wire0 &&
                in_ct ip link set wire0 up &&
                in_ct ip link set nic0 up
}

# --- part 1: no device units in the container
log "part 1: systemd without device units (nspawn: read-only /sys, no udev)"
out=$(in_ct systemctl start "$dev" 2>&1)
case "$out" in
*"not supported"*) ok "device units unsupported: $out" ;;
*) fail "device units seem to work in this container ($out); part 1 expects none" ;;
esac
case " $(in_ct systemctl show -P Wants netns@late.service) " in
*" $dev "*) ok "netns@late Wants= $dev" ;;
*) fail "netns@late does not want $dev" ;;
esac
case " $(in_ct systemctl show -P After netns@late.service) " in
*" $dev "*) ok "netns@late After= $dev" ;;
*) fail "netns@late not ordered after $dev" ;;
esac
case " $(in_ct systemctl show -P BindsTo netns@late.service) $(in_ct systemctl show -P Requires netns@late.service) " in
*" $dev "*) fail "netns@late binds to or requires $dev" ;;
*) ok "no BindsTo=/Requires= on $dev" ;;
esac
assert_eq "JobRunningTimeoutUSec of $dev" 30s "$(in_ct systemctl show -P JobRunningTimeoutUSec "$dev")"

# started at boot, no NIC, nothing to wait with: failed, naming the [Link], nothing left
assert_state netns@late.service failed
if journal_has "/etc/netns/late.conf:1: [Link] Parent=nic0: no such link on the host" -u netns@late.service; then
        ok "boot-time start failed naming late.conf:1 and nic0"
else
        fail "no error naming late.conf:1 and nic0 in the journal"
fi
assert_no_pin late

# the NIC appears; a start brings the namespace up with it
make_nic || die "could not make the stand-in NIC"
ct_systemctl reset-failed netns@late.service
ct_systemctl start netns@late.service || fail "systemctl start netns@late exited non-zero"
assert_state netns@late.service active
assert_eq "the NIC inside" "eth0 1400 UP" "$(nic_state eth0 in_netns late)"
if in_netns late ping -c1 -W2 10.9.0.1 >/dev/null; then ok "ping over the moved NIC"; else fail "no ping over the moved NIC"; fi
assert_eq "nic0 on the host while up" "" "$(nic_state nic0)"
ct_systemctl stop netns@late.service || fail "systemctl stop netns@late exited non-zero"
assert_eq "nic0 back after stop" "nic0 1450 UP" "$(nic_state nic0)"
assert_no_pin late

# --- part 2: device units
udev_deb() {
        local v d lower=${CT_LOWER%/}
        # the version of the root the container runs (the machine's, or the release's)
        v=$(dpkg-query --admindir="$lower/var/lib/dpkg" -W -f='${Version}' libudev1 2>/dev/null) || return 1
        for d in ${NETNSCTL_UDEV_DEB:-} "$lower"/var/cache/apt/archives/udev_"${v//:/%3a}"_*.deb; do
                [ -f "$d" ] && { echo "$d"; return 0; }
        done
        # (release-prepare.sh leaves it in the release root's archives)
        [ "$CT_LOWER" = / ] || return 1
        (cd "$CT_DIR" && apt-get download -q "udev=$v" >/dev/null 2>&1) || return 1
        ls "$CT_DIR"/udev_*.deb 2>/dev/null | head -1
}

deb=$(udev_deb) || deb=
if [ -z "$deb" ]; then
        log "SKIP part 2: no udev package matching libudev1 (set NETNSCTL_UDEV_DEB, or let apt-get download udev work)"
        ct_finish
fi
log "part 2: device units, with udevd from $(basename "$deb") in the container only"
# into the overlay, keeping /lib, /bin, /sbin the symlinks into /usr they are (merged /usr)
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$CT_ROOT" --keep-directory-symlink || die "unpacking $deb"
mkdir -p "$CT_ROOT/etc/udev/rules.d"
for r in "$CT_ROOT"/lib/udev/rules.d/*.rules "$CT_ROOT"/usr/lib/udev/rules.d/*.rules; do
        [ -e "$r" ] || continue
        [ "$(basename "$r")" = 99-systemd.rules ] || ln -sfn /dev/null "$CT_ROOT/etc/udev/rules.d/$(basename "$r")"
done
for u in systemd-udev-trigger.service systemd-udev-settle.service; do
        ln -sfn /dev/null "$CT_ROOT/etc/systemd/system/$u"
done
in_ct mount -o remount,rw /sys || die "remount of the container's /sys tmpfs"
# udevd first: the manager subscribes to udev's events only if /run/udev/control exists
ct_systemctl start systemd-udevd.service || die "systemd-udevd did not start in the container"
ct_systemctl daemon-reexec || die "daemon-reexec"
ct_wait_system "daemon-reexec" || fail "the manager did not settle after daemon-reexec"
out=$(in_ct systemctl start "$dev" --no-block 2>&1) || fail "device units still unsupported after the re-exec: $out"
ct_systemctl stop "$dev" 2>/dev/null

# no NIC (udevd never saw the old one: it has to appear while udevd runs); a start queued
# now is the boot-time start: it waits for the device
in_ct ip link del nic0
ct_systemctl start --no-block netns@late.service
sleep 2
assert_state netns@late.service inactive
jobs=$(in_ct systemctl list-jobs --no-legend --no-pager)
case "$jobs" in
*"netns@late.service"*start*waiting*) ok "netns@late start job waiting" ;;
*) fail "no waiting start job of netns@late: $jobs" ;;
esac
case "$jobs" in
*"$dev"*start*running*) ok "$dev start job running (waiting for the device)" ;;
*) fail "no running start job of $dev: $jobs" ;;
esac
assert_no_pin late
t0=$(date +%s)
# udevd holds its events while the stand-in is made: the device unit must not become
# active (and netns@late take nic0 away) between "ip link add" and "ip link set nic0 up"
in_ct udevadm control --stop-exec-queue || die "udevadm control --stop-exec-queue"
make_nic || die "could not make the stand-in NIC"
in_ct udevadm control --start-exec-queue || die "udevadm control --start-exec-queue"
wait_for "netns@late to become active" sh -c "[ \"\$(nsenter -t $CT_PID1 -a -- systemctl show -P ActiveState netns@late.service)\" = active ]"
t=$(($(date +%s) - t0))
# well within the 30 s bound: the device's arrival ended the wait, not its timeout
if [ "$t" -le 10 ]; then ok "active ${t}s after the NIC appeared"; else fail "active only ${t}s after the NIC appeared"; fi
assert_state netns@late.service active
assert_eq "the NIC inside" "eth0 1400 UP" "$(nic_state eth0 in_netns late)"
if in_netns late ping -c1 -W2 10.9.0.1 >/dev/null; then ok "ping over the late NIC"; else fail "no ping over the late NIC"; fi
# the device unit went away with the move; the namespace stays (no BindsTo=)
wait_for "$dev to go with the move" sh -c "[ \"\$(nsenter -t $CT_PID1 -a -- systemctl show -P ActiveState $dev)\" = inactive ]"
sleep 1
assert_state netns@late.service active

ct_systemctl stop netns@late.service || fail "systemctl stop netns@late exited non-zero"
assert_eq "nic0 back after stop" "nic0 1450 UP" "$(nic_state nic0)"
wait_for "$dev back" sh -c "[ \"\$(nsenter -t $CT_PID1 -a -- systemctl show -P ActiveState $dev)\" = active ]"
assert_state netns@late.service inactive
assert_no_pin late

# the wait is bounded: a NIC that never comes (bound shortened to 3 s by a later drop-in)
ct_write /etc/netns/never.conf <<'CONF'
[Namespace]
Boot=no

[Link]
Type=macvlan
Parent=nic9
CONF
ct_write /etc/systemd/system/sys-subsystem-net-devices-nic9.device.d/60-timeout.conf <<'CONF'
[Unit]
JobRunningTimeoutSec=3s
CONF
ct_daemon_reload
t0=$(date +%s)
if ct_systemctl start netns@never.service 2>/dev/null; then
        fail "netns@never started without its parent"
else
        ok "netns@never failed without its parent"
fi
t=$(($(date +%s) - t0))
if [ "$t" -ge 2 ] && [ "$t" -le 15 ]; then ok "gave up after ${t}s (bound 3s)"; else fail "gave up after ${t}s, bound 3s"; fi
if journal_has "/etc/netns/never.conf:4: [Link] Parent=nic9: no such link on the host" -u netns@never.service; then
        ok "the failure names never.conf:4 and nic9"
else
        fail "no error naming never.conf:4 and nic9"
fi
assert_no_pin never
# found by the unit's name also when journald cannot tell the unit of the process (it has
# exited when the line arrives): netnsctl names the unit in the entry. Shown with a run in
# another unit, whose lines journald files under that one.
in_ct sh -c 'systemd-run --wait --quiet --collect "$(command -v netnsctl)" up never' >/dev/null 2>&1 &&
        fail "netnsctl up never succeeded without its parent"
n=0
for ((i = 0; i < 100 && n < 2; i++)); do
        n=$(in_ct journalctl -b --no-pager -o cat -u netns@never.service 2>/dev/null |
                grep -cF "/etc/netns/never.conf:4: [Link] Parent=nic9: no such link on the host")
        [ "$n" -ge 2 ] || sleep 0.1
done
assert_eq "the failure of 'netnsctl up never' in another unit, in journalctl -u netns@never.service" 2 "$n"

ct_finish
