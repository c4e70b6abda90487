#!/bin/bash
# verify.sh - systemd-analyze verify, by the container's own systemd (252 on Debian 12, 257 on
# Debian 13), finds nothing to say about our units and what the generator makes of every kind
# of configuration: netns@ instances with their drop-ins (Boot=, [Veth], [NAT], [Link]), the
# NAT watcher, run-netns.mount, and units with the Units= drop-in (a service, a socket, with
# and without DNS=). The generator runs inside verify (--generators=yes), so its output is
# checked as that systemd loads it; and the manager that booted has loaded each drop-in.
. "$(dirname -- "$0")/lib.sh" || exit 1

ct_setup
ct_write /etc/netns/plain.conf <<'CONF'
[Namespace]
CONF
ct_write /etc/netns/nat.conf <<'CONF'
[Namespace]
Boot=no

[Veth]

[NAT]
Masquerade=ipv4
Port=tcp:8080:80
CONF
ct_write /etc/netns/lan.conf <<'CONF'
[Namespace]
Boot=no

[Link]
Type=physical
Parent=nic0
Address=10.9.0.2/24
CONF
ct_write /etc/netns/svc.conf <<'CONF'
[Namespace]
Boot=no
Units=probe.service probe.socket
CONF
ct_write /etc/netns/dns.conf <<'CONF'
[Namespace]
Boot=no
DNS=192.0.2.53
Units=dnsprobe.service
CONF
# a tunnel over the host's network (after network-online.target) and a namespace linked to
# it (after it only): no ordering cycle with the ones before network-pre.target
ct_write /etc/netns/wg.conf <<'CONF'
[Namespace]
Boot=no

[WireGuard]
PrivateKey=aGVsbG8taGVsbG8taGVsbG8taGVsbG8taGVsbG8tMDA=
Address=10.64.0.2/32

[WireGuardPeer]
PublicKey=d29ybGQtd29ybGQtd29ybGQtd29ybGQtd29ybGQtMDA=
Endpoint=vpn.example.net:51820
AllowedIPs=0.0.0.0/0
CONF
ct_write /etc/netns/overlay.conf <<'CONF'
[Namespace]
Boot=no

[Link]
Type=vxlan
VNI=42
Remote=192.0.2.2
Address=10.42.0.1/24
CONF
ct_write /etc/netns/edge.conf <<'CONF'
[Namespace]
Boot=no

[Link]
Type=veth
PeerNamespace=overlay
Address=10.99.0.1/31
CONF
for u in probe dnsprobe; do
        ct_write /etc/systemd/system/$u.service <<'UNIT'
[Unit]
Description=netnsctl test probe

[Service]
ExecStart=/bin/sleep infinity
UNIT
done
ct_write /etc/systemd/system/probe.socket <<'UNIT'
[Unit]
Description=netnsctl test probe socket

[Socket]
ListenStream=127.0.0.1:7777
Accept=no
UNIT
ct_boot

# the drop-ins the generator wrote at boot are the ones the manager loaded
for u in netns@nat.service netns@lan.service probe.service probe.socket dnsprobe.service; do
        d=$(in_ct systemctl show -P DropInPaths "$u")
        case "$d" in
        */run/systemd/generator*) ok "$u: the manager loaded the generator's drop-in" ;;
        *) fail "$u: no generator drop-in loaded (DropInPaths: '$d')" ;;
        esac
done

# the place in the boot: before the host's network, or after it for a tunnel over it
for u in plain nat lan; do
        case " $(in_ct systemctl show -P Before netns@$u.service) " in
        *" network-pre.target "*) ok "netns@$u: before network-pre.target" ;;
        *) fail "netns@$u: not before network-pre.target" ;;
        esac
done
for u in wg overlay; do
        case " $(in_ct systemctl show -P After netns@$u.service) " in
        *" network-online.target "*) ok "netns@$u: after network-online.target" ;;
        *) fail "netns@$u: not after network-online.target" ;;
        esac
        case " $(in_ct systemctl show -P Before netns@$u.service) " in
        *" network-pre.target "*) fail "netns@$u: before network-pre.target as well (a cycle)" ;;
        esac
done
# edge comes after overlay, which comes after network-online.target: before network-pre.target
# too would be a cycle (which verify does not report), so it is ordered after its peer only
case " $(in_ct systemctl show -P After netns@edge.service) " in
*" netns@overlay.service "*) ok "netns@edge: after netns@overlay" ;;
*) fail "netns@edge: not after netns@overlay" ;;
esac
case " $(in_ct systemctl show -P Before netns@edge.service) " in
*" network-pre.target "*) fail "netns@edge: before network-pre.target, after a namespace after network-online.target: a cycle" ;;
*) ok "netns@edge: not before network-pre.target" ;;
esac

units=(netns@plain.service netns@nat.service netns@lan.service netnsctl-nat-watch.service
        run-netns.mount probe.service probe.socket dnsprobe.service
        netns@wg.service netns@overlay.service netns@edge.service)
# (the man pages Documentation= names are installed: verify checks them with man(1) when it is there)
out=$(in_ct systemd-analyze verify --generators=yes --recursive-errors=no "${units[@]}" 2>&1)
rc=$?
assert_eq "systemd-analyze verify exit status" 0 "$rc"
assert_eq "systemd-analyze verify output" "" "$out"

# the same with the unit files alone, as a packager's check would run it
unitdir=$(dirname "$(ct_unit_path netns@.service)")
unitdir=${unitdir#"$CT_ROOT"}
out=$(in_ct systemd-analyze verify --recursive-errors=no "$unitdir/netns@.service" \
        "$unitdir/netnsctl-nat-watch.service" "$unitdir/run-netns.mount" 2>&1)
rc=$?
assert_eq "systemd-analyze verify of the unit files: exit status" 0 "$rc"
assert_eq "systemd-analyze verify of the unit files: output" "" "$out"

ct_finish
