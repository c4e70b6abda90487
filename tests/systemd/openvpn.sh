#!/bin/bash
# openvpn.sh - netns.conf(5)'s OpenVPN recipe, its files pasted from the man page, at boot: Debian's
# openvpn-client@provider.service and the confined daemon (transmission-daemon.service, a
# stand-in here that connects to the world twice a second and writes down who the world says
# it is) enabled, both in namespace ovpn by Units=. The VPN server (Debian's openvpn) and the
# world are namespaces the test makes in the container; the host's default route leads to the
# world too, so what the namespace put on its veth would get there. Checked: the client runs in
# the namespace and routes through tun0; the daemon reaches the world only as the server's
# address; the web UI's Port= forward answers on the host's loopback; after SIGKILL of the client, the
# daemon's attempts fail and no packet from inside crosses the veth (but to the server);
# stopping netns@ovpn takes the namespace, the veth and the units down. One boot.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/openvpn-lib.sh"
command -v openvpn >/dev/null || skip "no openvpn (Debian's openvpn: both ends of the tunnel)"

ct_setup
ovpn_prepare
# what "systemctl enable" of the recipe does
mkdir -p "$CT_ROOT/etc/systemd/system/multi-user.target.wants"
ln -s /lib/systemd/system/openvpn-client@.service "$CT_ROOT/etc/systemd/system/multi-user.target.wants/openvpn-client@provider.service"
ln -s /etc/systemd/system/transmission-daemon.service "$CT_ROOT/etc/systemd/system/multi-user.target.wants/transmission-daemon.service"
ct_boot

# --- the VPN server at 198.51.100.7 (the container's default route), the world behind it
ovpn_lab

# --- the client at boot, in the namespace
assert_state netns@ovpn.service active
ovpn_ino=$(pin_inode ovpn)
cpid=$(in_ct systemctl show -P MainPID openvpn-client@provider.service)
assert_eq "the client's network namespace" "$ovpn_ino" "$(pid_netns_inode "$cpid")"
tun_routes() { in_netns ovpn ip -4 route show 128.0.0.0/1 | grep -q "dev tun0"; }
wait_for "the client's routes through tun0" tun_routes
assert_state openvpn-client@provider.service active
assert_eq "the routes on the veth inside" "10.250.99.0/31
198.51.100.7 via 10.250.99.0" "$(in_netns ovpn ip -4 route show dev host0 | sed 's/ proto.*//' | sort)"
dpid=$(in_ct systemctl show -P MainPID transmission-daemon.service)
assert_eq "the daemon's network namespace" "$ovpn_ino" "$(pid_netns_inode "$dpid")"
seen_tunnel() { in_ct grep -q '^203\.0\.113\.7$' /run/seen; }
wait_for "the daemon reaching the world through the tunnel" seen_tunnel
assert_eq "who the world saw the daemon as" "203.0.113.7" "$(in_ct sort -u /run/seen | grep -v '^fail$')"
assert_eq "the web UI from the host (Port=tcp:9091)" "web-ui" "$(in_ct socat -T 2 - TCP:127.0.0.1:9091,connect-timeout=3 </dev/null 2>&1)"

# --- the client dies: nothing leaves but to the server
in_ct nft "add table inet ovpntest; add chain inet ovpntest pre { type filter hook prerouting priority -300; }; add rule inet ovpntest pre iifname \"nn-ovpn\" ip daddr != 198.51.100.7 counter" ||
        die "the test's counter"
in_ct systemctl kill -s KILL openvpn-client@provider.service
gone() { ! in_netns ovpn ip link show tun0; }
wait_for "tun0 gone with the client" gone
in_ct truncate -s 0 /run/seen
fails() { [ "$(in_ct grep -c '^fail$' /run/seen)" -ge 6 ]; }
wait_for "six attempts of the daemon after the client died" fails
assert_eq "what the daemon got after the client died" "fail" "$(in_ct sort -u /run/seen)"
assert_eq "packets from inside on the veth (but to the server)" 0 \
        "$(in_ct nft -j list chain inet ovpntest pre | python3 -c 'import json,sys; print(sum(e["counter"]["packets"] for o in json.load(sys.stdin)["nftables"] for e in o.get("rule", {}).get("expr", []) if "counter" in e))')"
assert_eq "IPv4 default inside" "unreachable default" "$(in_netns ovpn ip -4 route show default | cut -d' ' -f1-2)"

# --- stop: the namespace, its veth and the daemon go
ct_systemctl stop netns@ovpn.service || fail "systemctl stop netns@ovpn failed"
assert_state transmission-daemon.service inactive
assert_no_pin ovpn
assert_eq "the host end after stop" "" "$(in_ct ip -br link show nn-ovpn 2>/dev/null)"
ct_finish
