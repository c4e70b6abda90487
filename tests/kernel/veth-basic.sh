#!/bin/bash
# veth-basic.sh - [Veth]: the pair, auto and static addresses, default routes, MTU, real packets, down
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"

snapshot "$T/before"

# --- auto addresses on both ends
conf a <<'X'
[Veth]
HostAddress=auto
Address=auto
X
nnc up a
assert_eq "$(link_info nn-a)" "veth LOWER_UP,UP 1500" "host end nn-a"
assert_eq "$(link_info host0 in_ns a)" "veth LOWER_UP,UP 1500" "peer host0 inside"
ip -j link show host0 2>/dev/null | grep -q host0 && fail "host0 exists on the host"

host4=$(addr_of inet nn-a) host6=$(addr_of inet6 nn-a)
peer4=$(addr_of inet host0 in_ns a) peer6=$(addr_of inet6 host0 in_ns a)
auto_a=$(addrs nn-a)/$(addrs host0 in_ns a)
echo "# auto: host $host4 $host6, peer $peer4 $peer6"
# IPv4: a /31 of the pool, host even, peer odd; IPv6: one fdXX /64, host ::1, peer ::2
python3 - "$host4" "$peer4" "$host6" "$peer6" <<'PY' || fail "auto addresses not as documented"
import ipaddress, sys
h4, p4, h6, p6 = (ipaddress.ip_address(a) for a in sys.argv[1:])
assert h4 in ipaddress.ip_network("10.250.0.0/16"), h4
assert int(h4) % 2 == 0 and int(p4) == int(h4) + 1, (h4, p4)
assert str(h6).startswith("fd") and int(h6) & ((1 << 64) - 1) == 1, h6
assert int(p6) == int(h6) + 1, (h6, p6)
PY
assert_eq "$(addrs nn-a)" "$host4/31 $host6/64" "host addresses"
assert_eq "$(addrs host0 in_ns a)" "$peer4/31 $peer6/64" "peer addresses"
assert_eq "$(default_route -4 a)" "$host4 host0" "IPv4 default route inside"
assert_eq "$(default_route -6 a)" "$host6 host0" "IPv6 default route inside"
ping_ok -4 "$host4" in_ns a
ping_ok -6 "$host6" in_ns a
ping_ok -4 "$peer4"
ping_ok -6 "$peer6"
# the recorded line names the host link
grep -qx "veth nn-a" /run/netnsctl/a/state || fail "no 'veth nn-a' line in the record"
pass "auto addresses, routes, packets both ways"

# --- the host end's link-local address: the kernel's EUI-64 one, added by netnsctl without
# duplicate address detection (nothing tentative), the kernel's own turned off
ll_of() { # IFNAME [in_ns NAME]: "ADDRESS/LEN FLAGS" of its link-local addresses
        local ifname=$1
        shift
        "$@" ip -j addr show dev "$ifname" | python3 -c '
import json, sys
for l in json.load(sys.stdin):
    for x in l.get("addr_info", []):
        if x.get("scope") == "link":
            print("%s/%s" % (x["local"], x["prefixlen"]), "nodad" if x.get("nodad") else "dad", "tentative" if x.get("tentative") else "")'
}
mac=$(ip -j link show nn-a | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
want_ll=$(python3 -c '
import ipaddress, sys
m = bytes.fromhex(sys.argv[1].replace(":", ""))
eui = bytes([m[0] ^ 2]) + m[1:3] + b"\xff\xfe" + m[3:6]
print(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + eui))' "$mac")
assert_eq "$(ll_of nn-a)" "$want_ll/64 nodad " "link-local address of nn-a (MAC $mac)"
assert_eq "$(ip -d -j link show nn-a | python3 -c 'import json,sys; print(json.load(sys.stdin)[0].get("inet6_addr_gen_mode"))')" none \
        "kernel link-local address generation on nn-a"
ping_ok -6 "$want_ll%host0" in_ns a
pass "host end link-local $want_ll: EUI-64, no DAD, reachable from inside"

# --- down: exactly as before; same name: same addresses again; down then up at once
nnc down a
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
for i in 1 2 3; do
        nnc up a
        assert_eq "$(addrs nn-a)/$(addrs host0 in_ns a)" "$auto_a" "auto addresses after up/down cycle $i"
        nnc down a
done
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down restores the host; auto addresses stable across cycles; down then up at once"

# --- default config: a bare [Veth] means auto on both ends
conf a <<'X'
[Veth]
X
nnc up a
assert_eq "$(addrs nn-a)/$(addrs host0 in_ns a)" "$auto_a" "bare [Veth] = auto addresses"
nnc down a
pass "bare [Veth]"

# --- static IPv4 + IPv6, custom names, MTU on both ends
conf b <<'X'
[Veth]
HostName=vb0host
Name=uplink
HostAddress=192.168.50.1/24
HostAddress=fd00:50::1/64
Address=192.168.50.2/24 fd00:50::2/64
MTU=1400
X
nnc up b
assert_eq "$(link_info vb0host)" "veth LOWER_UP,UP 1400" "host end with MTU"
assert_eq "$(link_info uplink in_ns b)" "veth LOWER_UP,UP 1400" "peer with MTU"
assert_eq "$(addrs vb0host)" "192.168.50.1/24 fd00:50::1/64" "static host addresses"
assert_eq "$(addrs uplink in_ns b)" "192.168.50.2/24 fd00:50::2/64" "static peer addresses"
assert_eq "$(default_route -4 b)" "192.168.50.1 uplink" "IPv4 default route (static)"
assert_eq "$(default_route -6 b)" "fd00:50::1 uplink" "IPv6 default route (static)"
ping_ok -4 192.168.50.1 in_ns b
ping_ok -6 fd00:50::1 in_ns b
ping_ok -4 192.168.50.2
ping_ok -6 fd00:50::2
# a host beyond the gateway is reached through the default route: give the host one more address
ip addr add 198.51.100.1/32 dev lo
ping_ok -4 198.51.100.1 in_ns b
ip addr del 198.51.100.1/32 dev lo
nnc down b
pass "static IPv4+IPv6, HostName=, Name=, MTU="

# --- IPv4 only, no default route; and a /32 pair that needs an onlink gateway
conf c <<'X'
[Veth]
HostAddress=10.99.0.1/32
Address=10.99.0.2/32
X
nnc up c
assert_eq "$(default_route -4 c)" "10.99.0.1 host0" "onlink IPv4 default route"
assert_eq "$(default_route -6 c)" "" "no IPv6 default route without IPv6 addresses"
ip route add 10.99.0.2/32 dev nn-c
ping_ok -4 10.99.0.2
nnc down c
conf c <<'X'
[Veth]
HostAddress=10.98.0.1/30
Address=10.98.0.2/30
DefaultRoute=no
X
nnc up c
assert_eq "$(default_route -4 c)" "" "DefaultRoute=no"
ping_ok -4 10.98.0.2
nnc down c
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "onlink gateway, DefaultRoute=no"

# --- IPv6 off inside, or an MTU below IPv6's minimum: automatic addresses are IPv4 only
conf d <<'X'
[Namespace]
Sysctl=net.ipv6.conf.default.disable_ipv6=1

[Veth]
X
nnc up d
assert_eq "$(addrs nn-d | wc -w)/$(addrs host0 in_ns d | wc -w)" "1/1" "only IPv4 auto addresses with IPv6 off inside"
[ -n "$(addr_of inet host0 in_ns d)" ] || fail "no IPv4 auto address with IPv6 off inside"
assert_eq "$(default_route -6 d)" "" "no IPv6 default route with IPv6 off inside"
ping_ok -4 "$(addr_of inet nn-d)" in_ns d
nnc down d
conf d <<'X'
[Veth]
MTU=1200
X
nnc up d
assert_eq "$(link_info nn-d)" "veth LOWER_UP,UP 1200" "MTU below 1280"
assert_eq "$(addrs nn-d | wc -w)/$(addrs host0 in_ns d | wc -w)" "1/1" "only IPv4 auto addresses with MTU 1200"
nnc down d
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "automatic IPv6 left out where IPv6 cannot work"

# --- a host whose links get stable-privacy link-local addresses: the kernel makes the host
# end's, as usual (netnsctl only stands in for EUI-64)
# (the sandbox's own sysctl: setting a secret makes new links' mode stable_secret)
sysctl -qw net.ipv6.conf.default.stable_secret=2001:db8:5ec:4e7::1
conf e <<'X'
[Veth]
HostAddress=auto
Address=auto
X
nnc up e
assert_eq "$(ip -d -j link show nn-e | python3 -c 'import json,sys; print(json.load(sys.stdin)[0].get("inet6_addr_gen_mode"))')" stable_secret \
        "kernel link-local address generation on nn-e"
ll_e=
for _ in $(seq 1 50); do
        ll_e=$(ll_of nn-e)
        [ -n "$ll_e" ] && break
        sleep 0.1
done
case "$ll_e" in
fe80:*" dad "*) pass "stable-privacy host: the kernel's link-local address on nn-e ($ll_e)" ;;
*) fail "no kernel-made link-local address on nn-e: '$ll_e'" ;;
esac
nnc down e
echo "all ok"
