#!/bin/bash
# route-basic.sh - [Route]: IPv4 and IPv6 routes via a [Link] gateway and via the veth, in the
# main table and another one, with metric, MTU and preferred source, as "ip -j route" reports
# them; real packets through them; blackhole, unreachable and prohibit answer as the kernel
# says; gone on down; "check" refuses a gateway on no link and a second default route
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"
. "$(dirname "$0")/link-lib.sh"

# a router beyond the stand-in NIC: 192.0.2.1/24, 2001:db8:1::1/64 on the wire, and the
# networks behind it on its loopback
ip netns add rtr
standin nic0 wire0 rtr
ip -n rtr link set lo up
ip -n rtr addr add 192.0.2.1/24 dev wire0
ip -n rtr addr add 2001:db8:1::1/64 dev wire0 nodad
ip -n rtr addr add 198.51.100.1/32 dev lo
ip -n rtr addr add 2001:db8:100::1/128 dev lo
# the host's own address behind the veth
ip addr add 10.98.0.1/32 dev lo
for ((i = 0; i < 50; i++)); do # carrier, and the link-local address that comes with it
        [ -n "$(ip -6 addr show dev nic0 scope link)" ] && break
        sleep 0.1
done
link_snapshot "$T/before"

# the veth's automatic host end, to route through: it is the same on every "up" of "a"
conf a <<'X'
[Veth]
X
nnc up a
vgw4=$(default_route -4 a | cut -d' ' -f1)
[ -n "$vgw4" ] || fail "no IPv4 default route via the veth"
vsrc4=$(addr_of inet host0 in_ns a)
nnc down a

# routes as "ip -j route" shows them: "DST TYPE GATEWAY DEV METRIC MTU PREFSRC" per line, sorted
routes() { # -4|-6 TABLE NS
        in_ns "$3" ip "$1" -j -d route show table "$2" | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r.get("protocol") != "static":
        continue
    mtu = [m["mtu"] for m in r.get("metrics", []) if "mtu" in m]
    print(r["dst"], r.get("type", "unicast"), r.get("gateway", "-"), r.get("dev", "-"), r.get("metric", 0),
          mtu[0] if mtu else "-", r.get("prefsrc", "-"))' | sort
}

conf a <<X
[Veth]
DefaultRoute=no

[Link]
Type=physical
Parent=nic0
Name=eth0
Address=192.0.2.2/24 2001:db8:1::2/64

[Route]
Destination=198.51.100.0/24
Gateway=192.0.2.1
MTU=1400

[Route]
Destination=2001:db8:100::/48
Gateway=2001:db8:1::1
Metric=50

[Route]
# a default route of IPv6 in the main table, to the router
Gateway=2001:db8:1::1

[Route]
Destination=10.98.0.0/16
Gateway=$vgw4
PreferredSource=$vsrc4

[Route]
Destination=10.97.0.0/16
Gateway=$vgw4
Table=100

[Route]
Destination=0.0.0.0/0
Gateway=192.0.2.1
Table=1000
Metric=7

[Route]
Destination=203.0.113.0/24
Type=blackhole

[Route]
Destination=10.99.0.0/16
Type=unreachable

[Route]
Destination=2001:db8:dead::/48
Type=prohibit
X
nnc check a
nnc up a

expect4_main="10.98.0.0/16 unicast $vgw4 host0 0 - $vsrc4
10.99.0.0/16 unreachable - - 0 - -
198.51.100.0/24 unicast 192.0.2.1 eth0 0 1400 -
203.0.113.0/24 blackhole - - 0 - -"
assert_eq "$(routes -4 main a)" "$expect4_main" "IPv4 routes in the main table"
assert_eq "$(routes -4 100 a)" "10.97.0.0/16 unicast $vgw4 host0 0 - -" "IPv4 route in table 100"
assert_eq "$(routes -4 1000 a)" "default unicast 192.0.2.1 eth0 7 - -" "IPv4 default route in table 1000"
assert_eq "$(routes -6 main a | grep -v '^fe80')" "2001:db8:100::/48 unicast 2001:db8:1::1 eth0 50 - -
2001:db8:dead::/48 prohibit - lo 1024 - -
default unicast 2001:db8:1::1 eth0 1024 - -" "IPv6 routes in the main table"
assert_eq "$(default_route -4 a)" "" "no IPv4 default route in the main table (DefaultRoute=no)"
pass "routes as configured: gateways on the [Link] and on the veth, tables, metric, MTU, source, types"

# real packets: through the [Link]'s router and through the veth (no default route of IPv4)
ping_ok -4 198.51.100.1 in_ns a
ping_ok -4 10.98.0.1 in_ns a
for ((i = 0; i < 30; i++)); do # DAD of 2001:db8:1::2 on the shared wire
        in_ns a ping -6 -c1 -W1 2001:db8:100::1 >/dev/null 2>&1 && break
        sleep 0.2
done
ping_ok -6 2001:db8:100::1 in_ns a
ping_ok -6 2001:db8:1::1 in_ns a
pass "packets through the [Link] gateway (IPv4, IPv6) and the veth gateway"

# routes to nowhere: what a socket is told, as the kernel says it for each type
errno_of() { # DEST [in_ns NAME]
        local d=$1
        shift
        "$@" python3 -c '
import errno, socket, sys
d = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in d else socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.connect((d, 9))
    s.send(b"x")
    print("sent")
except OSError as e:
    print(errno.errorcode[e.errno])' "$d"
}
assert_eq "$(errno_of 203.0.113.5 in_ns a)" EINVAL "blackhole: the kernel drops, the sender is told EINVAL"
assert_eq "$(errno_of 10.99.1.1 in_ns a)" EHOSTUNREACH "unreachable: EHOSTUNREACH"
assert_eq "$(errno_of 2001:db8:dead::1 in_ns a)" EACCES "prohibit: EACCES"
assert_eq "$(errno_of 10.96.0.1 in_ns a)" ENETUNREACH "no route at all (control)"
# and for a packet routed through the namespace: the unreachable route answers with ICMP
in_ns a sysctl -qw net.ipv4.ip_forward=1
ip -n rtr route add 10.99.0.0/16 via 192.0.2.2
out=$(ip netns exec rtr ping -4 -c1 -W1 10.99.1.1 2>&1 || true)
case "$out" in
*"Destination Host Unreachable"*) ;;
*) fail "no ICMP host unreachable from the namespace's unreachable route: $out" ;;
esac
pass "blackhole, unreachable and prohibit answer as the kernel says"

nnc down a
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down: routes gone with the namespace, the NIC back, the host as before"

# --- check: a gateway on no link; a second default route of a family; a family mix
conf b <<'X'
[Link]
Type=physical
Parent=nic0
Address=192.0.2.2/24

[Route]
Destination=10.1.0.0/16
Gateway=10.2.0.1
X
nnc_fails check b
grep -q "/etc/netns/b.conf:6: \[Route\] Gateway=10.2.0.1 is on no link" "$T/err" || fail "no FILE:LINE for the gateway on no link"
nnc_fails up b
link_exists nic0 || fail "nic0 left the host on a refused up"
[ -e /run/netns/b ] && fail "namespace b made on a refused up"

conf b <<'X'
[Veth]

[Route]
Gateway=10.250.0.0
X
nnc_fails check b
grep -q "/etc/netns/b.conf:3: \[Route\]: an IPv4 default route is already set by the veth" "$T/err" || fail "no FILE:LINE for the second default"

conf b <<'X'
[Link]
Type=physical
Parent=nic0
Address=192.0.2.2/24

[Route]
Destination=10.1.0.0/16
Gateway=2001:db8::1
X
nnc_fails check b
grep -q "b.conf:6: \[Route\] mixes IPv4 and IPv6" "$T/err" || fail "no FILE:LINE for a family mix"

# GatewayOnLink=yes: a gateway outside the link's subnet, on the only link
conf b <<'X'
[Link]
Type=physical
Parent=nic0
Address=192.0.2.2/32

[Route]
Gateway=192.0.2.1
GatewayOnLink=yes
X
nnc up b
assert_eq "$(in_ns b ip -4 -j route show default | python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["gateway"], r["dev"], ",".join(r.get("flags", [])))')" \
        "192.0.2.1 nic0 onlink" "on-link default route"
ping_ok -4 198.51.100.1 in_ns b
nnc down b
pass "check refuses a gateway on no link, a second default, a family mix (FILE:LINE); GatewayOnLink= works"
