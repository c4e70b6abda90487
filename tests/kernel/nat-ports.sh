#!/bin/bash
# nat-ports.sh - Port= forms: on one host address (IPv4, IPv6), port ranges keep their offset,
# loopback only (no forwarding turned on for it); Masquerade= per family
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nat-lib.sh"

make_world
snapshot "$T/before"

conf p <<'X'
[Veth]
[NAT]
Masquerade=ipv6
Port=tcp:198.51.100.1:8082:80
Port=tcp:[2001:db8:1::1]:8083:80
Port=tcp:9000-9002:90
Port=udp:127.0.0.1:8084:53
X
nnc up p 2>/dev/null
serve p tcp4 80
serve p tcp6 80
serve p tcp4 90
serve p tcp4 91
serve p tcp4 92
serve p udp4 53
serve world tcp4 7000
serve world tcp6 7000

expect_peer world tcp "$HOST4" 8082 "$WORLD4" "Port= on 198.51.100.1"
expect_no_answer host tcp 127.0.0.1 8082 "Port= on 198.51.100.1 via 127.0.0.1"
expect_no_answer world tcp "$HOST6" 8082 "Port= on 198.51.100.1 via IPv6"
expect_peer world tcp "$HOST6" 8083 "$WORLD6" "Port= on [2001:db8:1::1]"
expect_no_answer world tcp "$HOST4" 8083 "Port= on [2001:db8:1::1] via IPv4"
pass "Port= on one host address"

# 9000-9002 -> 90-92: each port of the range reaches a server
for i in 0 1 2; do
        got=$(echo ping | timeout 6 nsenter --net=/run/netns/world socat -t 4 -T 4 - "TCP:$HOST4:900$i" 2>/dev/null || true)
        [ -n "$got" ] || fail "range: port 900$i not forwarded"
done
nft list map inet netnsctl fwd4 | grep 'tcp . 9001 : [0-9.]* . 91' >/dev/null || fail "range element 9001 -> 91 missing"
pass "Port= range, keeping the offset (9001 -> 91)"

expect_peer host udp 127.0.0.1 8084 "$(addr_of inet "$(host_if p)")" "Port= on 127.0.0.1 (UDP)"
expect_no_answer world udp "$HOST4" 8084 "Port= on 127.0.0.1 from outside"
pass "Port= on 127.0.0.1 only"

expect_peer p tcp "$WORLD6" 7000 "$HOST6" "Masquerade=ipv6 egress v6"
expect_no_answer p tcp "$WORLD4" 7000 "Masquerade=ipv6: v4 not masqueraded (the world has no route back)"
pass "Masquerade= per family"
stop_servers
nnc down p 2>/dev/null

# a forward from the loopback only needs no forwarding on the host
conf q <<'X'
[Veth]
[NAT]
Port=tcp:127.0.0.1:8085:80
X
nnc up q 2>/dev/null
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 0 "ip_forward for a loopback-only forward"
assert_eq "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" 0 "IPv6 forwarding for a loopback-only forward"
ip -6 route show table local | grep "^local ::1 dev $(host_if q) " >/dev/null && fail "::1 route for an IPv4-only forward"
serve q tcp4 80
expect_peer host tcp 127.0.0.1 8085 "$(addr_of inet "$(host_if q)")" "loopback-only forward"
stop_servers
nnc down q 2>/dev/null

# SCTP: an element of the same maps (the kernel's NAT handles SCTP like TCP and UDP)
conf s <<'X'
[Veth]
[NAT]
Port=sctp:3868
Port=sctp:198.51.100.1:3870:3869
X
nnc up s 2>/dev/null
nft -j list map inet netnsctl fwd4 | python3 -c '
import json, sys
elems = [e for o in json.load(sys.stdin)["nftables"] if "map" in o for e in o["map"].get("elem", [])]
keys = [tuple(e[0]["concat"]) for e in elems]
sys.exit(0 if ["sctp", 3868] in [list(k) for k in keys] else 1)' || fail "sctp:3868 not in map fwd4: $(nft list map inet netnsctl fwd4)"
nft list map inet netnsctl fwd4a | grep 'sctp . 3870' >/dev/null || fail "sctp:198.51.100.1:3870 not in map fwd4a: $(nft list map inet netnsctl fwd4a)"
"$NETNSCTL" status s --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if sorted(f["protocol"] for f in d["nat"]["forwards"]) == ["sctp", "sctp", "sctp"] else 1)' ||
        fail "status s: forwards are not all sctp"
if python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)' 2>/dev/null &&
   socat -h | grep -q SCTP4-LISTEN; then
        timeout 60 nsenter --net=/run/netns/s socat -T 3 SCTP4-LISTEN:3868,reuseaddr,fork SYSTEM:'echo "$SOCAT_PEERADDR"' 2>/dev/null &
        SERVER_PIDS+=($!)
        sleep 0.5
        got=$(echo ping | timeout 6 nsenter --net=/run/netns/world socat -t 4 -T 4 - "SCTP4:$HOST4:3868" 2>/dev/null || true)
        assert_eq "$got" "$WORLD4" "sctp:3868 from another host"
        stop_servers
        pass "Port=sctp: packets"
else
        echo "skipped part: this kernel makes no SCTP sockets (CONFIG_IP_SCTP), the forward is checked in nftables only"
fi
nnc down s 2>/dev/null
pass "Port=sctp"

snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down: the host as before"
