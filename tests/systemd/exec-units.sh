#!/bin/bash
# exec-units.sh - what services see on systemd 252 (issue 4): a unit in Units= sees the
# namespace's /sys/class/net, keeps /sys/fs/cgroup (the container's own cgroup mounts, bound over
# the namespace's bare sysfs by the generator's drop-in) and sees /etc/netns/NAME/ over /etc;
# with ProtectControlGroups=yes or ProtectKernelTunables=yes it gets the same read-only mounts
# as a unit outside the namespace; a unit with ExecStart=netnsctl exec NAME -- daemon has the
# daemon as its MainPID, inside; a socket-activated service (.socket and .service in Units=)
# listens inside the namespace and runs there with the namespace's view.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exec-lib.sh"

ct_setup
ct_write /etc/netns/svc.conf <<'CONF'
[Namespace]
Boot=no
Units=probe.service echo.socket echo.service probe-pcg.service probe-pkt.service
CONF
ct_write /etc/netns/svc/hosts <<'CONF'
192.0.2.7 only-in-netns-svc
CONF
ct_write /etc/systemd/system/probe.service <<'UNIT'
[Service]
ExecStart=/bin/sleep infinity
UNIT
# with systemd's protections, inside the namespace (probe-*) and outside (ctl-*) to compare with
for u in probe ctl; do
        ct_write /etc/systemd/system/$u-pcg.service <<'UNIT'
[Service]
ProtectControlGroups=yes
ExecStart=/bin/sleep infinity
UNIT
        ct_write /etc/systemd/system/$u-pkt.service <<'UNIT'
[Service]
ProtectKernelTunables=yes
ExecStart=/bin/sleep infinity
UNIT
done
nnc=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$(ct_unit_path netns@.service)")
ct_write /etc/systemd/system/execd.service <<UNIT
[Unit]
BindsTo=netns@svc.service
After=netns@svc.service

[Service]
ExecStart=$nnc exec svc -- /bin/sleep infinity
UNIT
ct_write /etc/systemd/system/echo.socket <<'UNIT'
[Socket]
ListenStream=127.0.0.1:7777
UNIT
# a socket-activated daemon: answers each connection with what it sees
ct_write /usr/local/bin/netns-echo 0755 <<'PY'
#!/usr/bin/python3
import os, socket
s = socket.socket(fileno=3)
while True:
    c, _ = s.accept()
    c.sendall((" ".join(sorted(os.listdir("/sys/class/net"))) + "\n" + open("/etc/hosts").read()).encode())
    c.close()
PY
ct_write /etc/systemd/system/echo.service <<'UNIT'
[Service]
ExecStart=/usr/local/bin/netns-echo
UNIT
ct_boot
# nspawn mounts the container's /sys read-only, which would make every read-only check below
# pass anyway: make it writable (a bind remount of the container's own tmpfs on /sys; so the
# namespace's sysfs is mounted writable too), and give it a writable submount where systemd's
# ProtectKernelTunables= has a rule of its own (a tmpfs standing in for debugfs)
in_ct mount -o remount,bind,rw /sys || die "could not make the container's /sys writable"
in_ct mount -t tmpfs -o size=4k debugfs-stand-in /sys/kernel/debug || die "could not mount a tmpfs on /sys/kernel/debug"

netns_view_dropin svc probe.service
netns_view_dropin svc echo.socket
netns_view_dropin svc echo.service

# --- a unit in Units=
# sleep_pid UNIT: the MainPID of UNIT once it runs sleep (before the exec, systemd's child may
# still be setting up the mounts)
sleep_pid() {
        wait_for "$1 to run sleep" \
                sh -c "nsenter -t $CT_PID1 -a -- sh -c 'cat /proc/\$(systemctl show -P MainPID $1)/comm' | grep -qx sleep" >/dev/null ||
                return 1
        in_ct systemctl show -P MainPID "$1"
}
ct_systemctl start probe.service || fail "systemctl start probe.service"
pid=$(sleep_pid probe.service) || die "probe.service does not run sleep"
assert_eq "netns of probe" "$(pin_inode svc)" "$(pid_netns_inode "$pid")"
# a link made after the start shows in the probe's /sys/class/net (live sysfs of svc), not in
# the container's
in_ct ip -n svc link add nt-probe0 type veth peer name nt-probe1 || die "could not add a veth in svc"
if in_ct nsenter -t "$pid" -m -- test -e /sys/class/net/nt-probe0; then
        ok "probe sees svc's link in /sys/class/net"
else
        fail "probe's /sys/class/net: $(in_ct nsenter -t "$pid" -m -- ls /sys/class/net | tr '\n' ' ')"
fi
in_ct test -e /sys/class/net/nt-probe0 && fail "svc's link shows in the container's /sys/class/net"
in_ct nsenter -t "$pid" -m -- test -e /sys/class/net/host0 2>/dev/null && fail "probe sees a link of the container"
# /sys/fs/cgroup kept: the same as the container's, with the probe's own cgroup in it
assert_eq "/sys/fs/cgroup of probe" "$(in_ct ls /sys/fs/cgroup | tr '\n' ' ')" \
        "$(in_ct nsenter -t "$pid" -m -- ls /sys/fs/cgroup | tr '\n' ' ')"
cg=$(in_ct sed -n 's/^0:://p' "/proc/$pid/cgroup")
base=/sys/fs/cgroup
in_ct test -e /sys/fs/cgroup/unified/cgroup.procs && base=/sys/fs/cgroup/unified
if in_ct nsenter -t "$pid" -m -- grep -qx "$pid" "$base$cg/cgroup.procs"; then
        ok "probe finds itself in $base$cg/cgroup.procs"
else
        fail "probe does not see its cgroup $base$cg"
fi
# ... and is the container's own cgroup mount (with its submounts): the same devices, writable
# where the container's are
# view PID PATH...: "PATH DEV ro|rw" of the mount each PATH is on, as process PID (0: the
# container's PID 1) sees it
view() {
        local pid=$1
        shift
        [ "$pid" = 0 ] && pid=1
        in_ct nsenter -t "$pid" -m -- python3 -c '
import os, sys
for p in sys.argv[1:]:
    try:
        st, v = os.stat(p), os.statvfs(p)
        print(p, "%d:%d" % (os.major(st.st_dev), os.minor(st.st_dev)), "ro" if v.f_flag & os.ST_RDONLY else "rw")
    except OSError as e:
        print(p, "error", e.errno)
' "$@"
}
cg_paths=$(in_ct findmnt -rn -o TARGET | grep -E '^/sys/fs/cgroup(/|$)' | sort -u)
[ -n "$cg_paths" ] || die "the container has no mounts on /sys/fs/cgroup to compare with"
# shellcheck disable=SC2086
assert_eq "/sys/fs/cgroup mounts of probe (device, ro/rw)" "$(view 0 $cg_paths /sys/kernel/debug)" \
        "$(view "$pid" $cg_paths /sys/kernel/debug)"
assert_ne "device of probe's /sys" "$(view 0 /sys)" "$(view "$pid" /sys)"
# the test can fail: something the protections below make read-only is writable here
view "$pid" $cg_paths | grep -q ' rw$' || fail "no writable mount below /sys/fs/cgroup in probe (test setup)"
assert_eq "probe's /sys (writable, as the container's)" rw "$(view "$pid" /sys | awk '{print $3}')"
# /etc/netns/svc/hosts over /etc/hosts, for the probe only
assert_eq "/etc/hosts of probe" "192.0.2.7 only-in-netns-svc" "$(in_ct nsenter -t "$pid" -m -- cat /etc/hosts)"
in_ct grep -q only-in-netns-svc /etc/hosts && fail "/etc/netns/svc/hosts leaked onto the container's /etc/hosts"

# --- with ProtectControlGroups=yes / ProtectKernelTunables=yes: the same read-only mounts below
# /sys as the same unit outside the namespace (systemd merges its read-only entry for a path
# with the drop-in's bind of that path), /sys itself read-only with ProtectKernelTunables=yes,
# and still the namespace's /sys/class/net and the container's cgroup mounts
for prot in pcg pkt; do
        netns_view_dropin svc probe-$prot.service
        ct_systemctl start probe-$prot.service ctl-$prot.service || fail "systemctl start probe-$prot ctl-$prot"
        ppid=$(sleep_pid probe-$prot.service) || die "probe-$prot.service does not run sleep"
        cpid=$(sleep_pid ctl-$prot.service) || die "ctl-$prot.service does not run sleep"
        # shellcheck disable=SC2086
        assert_eq "mounts below /sys of probe-$prot and ctl-$prot (device, ro/rw)" "$(view "$cpid" $cg_paths /sys/kernel/debug)" \
                "$(view "$ppid" $cg_paths /sys/kernel/debug)"
        in_ct nsenter -t "$ppid" -m -- test -e /sys/class/net/nt-probe0 || fail "probe-$prot's /sys/class/net is not svc's"
done
# shellcheck disable=SC2086
pcg=$(sleep_pid probe-pcg.service) || die "probe-pcg.service does not run sleep"
pkt=$(sleep_pid probe-pkt.service) || die "probe-pkt.service does not run sleep"
assert_eq "/sys/fs/cgroup of probe-pcg (read-only)" "" "$(view "$pcg" $cg_paths | grep ' rw$')"
assert_eq "/sys of probe-pcg" rw "$(view "$pcg" /sys | awk '{print $3}')"
assert_eq "/sys of probe-pkt" ro "$(view "$pkt" /sys | awk '{print $3}')"
assert_eq "/sys/kernel/debug of probe-pkt" ro "$(view "$pkt" /sys/kernel/debug | awk '{print $3}')"
ct_systemctl stop probe-pcg.service probe-pkt.service ctl-pcg.service ctl-pkt.service

# --- ExecStart=netnsctl exec svc -- daemon: the daemon is the main process, in svc
ct_systemctl start execd.service || fail "systemctl start execd.service"
wait_for "execd's main process to be sleep" \
        sh -c "nsenter -t $CT_PID1 -a -- sh -c 'cat /proc/\$(systemctl show -P MainPID execd.service)/comm' | grep -qx sleep"
epid=$(in_ct systemctl show -P MainPID execd.service)
assert_eq "MainPID of execd is the daemon" sleep "$(in_ct cat "/proc/$epid/comm")"
assert_eq "netns of execd's MainPID" "$(pin_inode svc)" "$(pid_netns_inode "$epid")"
assert_eq "/etc/hosts of execd" "192.0.2.7 only-in-netns-svc" "$(in_ct nsenter -t "$epid" -m -- cat /etc/hosts)"
in_ct nsenter -t "$epid" -m -- test -e /sys/class/net/nt-probe0 || fail "execd's /sys/class/net is not svc's"
[ -n "$(in_ct nsenter -t "$epid" -m -- ls /sys/fs/cgroup)" ] || fail "execd has no /sys/fs/cgroup"
ct_systemctl stop execd.service
in_ct test -e "/proc/$epid" && fail "execd's daemon $epid still running after stop"
ok "ExecStart=netnsctl exec"

# --- socket activation: the listening socket lives in svc; the service it starts runs there
ct_systemctl start echo.socket || fail "systemctl start echo.socket"
assert_state echo.socket active
if in_netns svc ss -ltnH 'sport = :7777' | grep -q 7777; then
        ok "echo.socket listens inside svc"
else
        fail "echo.socket does not listen inside svc"
fi
in_ct ss -ltnH 'sport = :7777' | grep -q 7777 && fail "echo.socket listens in the container's own namespace"
assert_state echo.service inactive
out=$(in_netns svc timeout 10 socat -T5 - TCP:127.0.0.1:7777 </dev/null)
case "$out" in
*nt-probe0*only-in-netns-svc*) ok "the socket-activated service runs with svc's view" ;;
*) fail "socket-activated service's output: '$out'" ;;
esac
assert_state echo.service active
assert_eq "netns of echo.service" "$(pin_inode svc)" "$(pid_netns_inode "$(in_ct systemctl show -P MainPID echo.service)")"
in_ct timeout 5 socat -T2 - TCP:127.0.0.1:7777 </dev/null >/dev/null 2>&1 &&
        fail "port 7777 reachable in the container's own namespace"

# --- stopping the namespace stops what runs in it
ct_systemctl stop netns@svc.service || fail "systemctl stop netns@svc"
assert_state probe.service inactive
assert_state echo.socket inactive
assert_state echo.service inactive
assert_no_pin svc
in_ct test -e /run/netnsctl/svc && fail "/run/netnsctl/svc left after stop"

ct_finish
