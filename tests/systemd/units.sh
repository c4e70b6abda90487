#!/bin/bash
# units.sh - a unit named in Units= runs inside the namespace: starting it pulls
# netns@svc in (generator drop-in: BindsTo=, After=, NetworkNamespacePath=), its
# main process is in the pinned namespace, sees the namespace's /sys/class/net and
# /etc/netns/svc/* over /etc, and stopping netns@svc stops it too.
. "$(dirname -- "$0")/lib.sh" || exit 1

ct_setup
# Boot=no, so that only probe.service can have started it
ct_write /etc/netns/svc.conf <<'CONF'
[Namespace]
Boot=no
Units=probe.service
CONF
ct_write /etc/netns/svc/hosts <<'CONF'
192.0.2.7 only-in-netns-svc
CONF
# not enabled: started by hand below
ct_write /etc/systemd/system/probe.service <<'UNIT'
[Unit]
Description=netnsctl test probe

[Service]
ExecStart=/bin/sleep infinity
UNIT
ct_boot

assert_state netns@svc.service inactive
assert_state probe.service inactive
assert_no_pin svc

ct_daemon_reload
assert_eq "NetworkNamespacePath of probe.service" /run/netns/svc \
        "$(in_ct systemctl show -P NetworkNamespacePath probe.service)"
case " $(in_ct systemctl show -P BindsTo probe.service) " in
*" netns@svc.service "*) ok "probe.service BindsTo=netns@svc.service" ;;
*) fail "probe.service has no BindsTo=netns@svc.service" ;;
esac
case " $(in_ct systemctl show -P After probe.service) " in
*" netns@svc.service "*) ok "probe.service After=netns@svc.service" ;;
*) fail "probe.service is not ordered After=netns@svc.service" ;;
esac

if ct_systemctl start probe.service; then
        ok "systemctl start probe.service"
else
        fail "systemctl start probe.service exited non-zero"
        in_ct journalctl -b -u probe.service -u netns@svc.service --no-pager -o cat | tail -20 | sed 's/^/#   /'
fi
assert_state probe.service active
assert_state netns@svc.service active
assert_pin svc

pid=$(in_ct systemctl show -P MainPID probe.service)
if [ -z "$pid" ] || [ "$pid" = 0 ]; then die "probe.service has no MainPID"; fi
assert_eq "probe's main process" sleep "$(in_ct cat "/proc/$pid/comm")"
pin=$(pin_inode svc)
probe_ns=$(pid_netns_inode "$pid")
assert_eq "netns inode of probe (MainPID $pid) vs /run/netns/svc" "${pin:-none}" "$probe_ns"
assert_ne "netns inode of probe vs the container's PID 1" "$(pid_netns_inode 1)" "$probe_ns"

# its /sys/class/net is the namespace's: a link made in svc after the start shows
# up there (live sysfs of that namespace) and is not in the container's own
in_ct ip -n svc link add nt-probe0 type veth peer name nt-probe1 || fail "could not add a veth pair in svc"
if in_ct nsenter -t "$pid" -m -- test -e /sys/class/net/nt-probe0; then
        ok "probe sees svc's link in /sys/class/net"
else
        fail "probe's /sys/class/net does not show svc's links: $(in_ct nsenter -t "$pid" -m -- ls /sys/class/net | tr '\n' ' ')"
fi
if in_ct test -e /sys/class/net/nt-probe0; then
        fail "svc's link shows in the container's own /sys/class/net"
fi
# /etc/netns/svc/hosts over /etc/hosts, for the probe only
if in_ct nsenter -t "$pid" -m -- grep -q only-in-netns-svc /etc/hosts; then
        ok "probe sees /etc/netns/svc/hosts as /etc/hosts"
else
        fail "probe's /etc/hosts is not /etc/netns/svc/hosts"
fi
if in_ct grep -q only-in-netns-svc /etc/hosts; then
        fail "/etc/netns/svc/hosts leaked onto the container's /etc/hosts"
fi

# stopping the namespace stops what runs in it (BindsTo=)
if ct_systemctl stop netns@svc.service; then
        ok "systemctl stop netns@svc"
else
        fail "systemctl stop netns@svc exited non-zero"
fi
assert_state netns@svc.service inactive
assert_state probe.service inactive
assert_no_pin svc
if in_ct test -e "/proc/$pid"; then fail "probe's process $pid still alive"; else ok "probe's process is gone"; fi

ct_finish
