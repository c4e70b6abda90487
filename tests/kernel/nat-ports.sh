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

snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down: the host as before"
