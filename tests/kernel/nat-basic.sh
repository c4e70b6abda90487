#!/bin/bash
# nat-basic.sh - Masquerade= and Port= with real traffic: egress masqueraded to the host's
# address (v4, v6), forwards from another host, from the host's own address, from 127.0.0.1
# and ::1 (TCP, UDP); one table with sets, not a chain per namespace; down leaves the host as it was
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nat-lib.sh"

make_world
snapshot "$T/before"

conf a <<'X'
[Veth]
[NAT]
Masquerade=both
Port=tcp:8080:80
Port=udp:5353:53
X
nnc up a
hif=$(host_if a)
[ -n "$hif" ] || fail "no veth in the record of a"
ns4=$(addr_of inet host0 in_ns a)
ns6=$(addr_of inet6 host0 in_ns a)
gw4=$(addr_of inet "$hif")
gw6=$(addr_of inet6 "$hif")
[ -n "$ns4" ] && [ -n "$ns6" ] && [ -n "$gw4" ] && [ -n "$gw6" ] || fail "namespace a lacks addresses ($ns4 $ns6 $gw4 $gw6)"

# --- what is in nftables: our one table, the namespace as elements
nft list table inet netnsctl >"$T/table" || fail "table inet netnsctl missing"
[ "$(nft -j list ruleset | python3 -c 'import json,sys; print(sum(1 for o in json.load(sys.stdin)["nftables"] if "table" in o))')" = 1 ] ||
        fail "expected exactly one table"
grep -q "\"$hif\"" "$T/table" || fail "host end $hif not in set veths"
grep -q "tcp . 8080 : $ns4 . 80" "$T/table" || fail "tcp 8080 forward (v4) missing: $(cat "$T/table")"
grep -q "udp . 5353 : $ns4 . 53" "$T/table" || fail "udp 5353 forward (v4) missing"
grep -q "tcp . 8080 : $ns6 . 80" "$T/table" || fail "tcp 8080 forward (v6) missing"
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 1 "host ip_forward while a is up"
assert_eq "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" 1 "host IPv6 forwarding while a is up"
assert_eq "$(cat "/proc/sys/net/ipv4/conf/$hif/route_localnet")" 1 "route_localnet on $hif"
ip -6 route show table local | grep "^local ::1 dev $hif " >/dev/null || fail "no route 'local ::1 dev $hif' (for Port= from ::1)"
pass "table, elements, host sysctls"

# --- egress, masqueraded to the host's address on the way out
serve world tcp4 7000
serve world tcp6 7000
serve world udp4 7001
serve world udp6 7001
expect_peer a tcp "$WORLD4" 7000 "$HOST4" "egress TCP v4"
expect_peer a tcp "$WORLD6" 7000 "$HOST6" "egress TCP v6"
expect_peer a udp "$WORLD4" 7001 "$HOST4" "egress UDP v4"
expect_peer a udp "$WORLD6" 7001 "$HOST6" "egress UDP v6"
pass "egress masqueraded (TCP, UDP, v4, v6)"

# --- Port=: a server inside, reached through the host
serve a tcp4 80
serve a tcp6 80
serve a udp4 53
serve a udp6 53
# from another host: the client's own address arrives (no masquerade on the way in)
expect_peer world tcp "$HOST4" 8080 "$WORLD4" "Port= TCP v4 from outside"
expect_peer world tcp "$HOST6" 8080 "$WORLD6" "Port= TCP v6 from outside"
expect_peer world udp "$HOST4" 5353 "$WORLD4" "Port= UDP v4 from outside"
expect_peer world udp "$HOST6" 5353 "$WORLD6" "Port= UDP v6 from outside"
# from the host, to its own address
expect_peer host tcp "$HOST4" 8080 "$HOST4" "Port= TCP v4 from the host's address"
expect_peer host tcp "$HOST6" 8080 "$HOST6" "Port= TCP v6 from the host's address"
expect_peer host udp "$HOST4" 5353 "$HOST4" "Port= UDP v4 from the host's address"
# from the host's loopback: masqueraded to the host end of the veth
expect_peer host tcp 127.0.0.1 8080 "$gw4" "Port= TCP from 127.0.0.1"
expect_peer host udp 127.0.0.1 5353 "$gw4" "Port= UDP from 127.0.0.1"
expect_peer host tcp ::1 8080 "$gw6" "Port= TCP from ::1"
expect_peer host udp ::1 5353 "$gw6" "Port= UDP from ::1"
# a port not forwarded is not
expect_no_answer world tcp "$HOST4" 8081 "unforwarded port"
pass "Port= from outside, from the host's address, from 127.0.0.1 and ::1 (TCP, UDP, v4, v6)"

# --- route_localnet on the host end must not open the host's loopback to the namespace
serve host tcp4 9999
# root inside can do this: send to 127.0.0.99 over the veth (ahead of its own local table),
# and accept loopback addresses on its link
in_ns a ip route add 127.0.0.99/32 via "$gw4" dev host0 table 100
in_ns a ip rule add to 127.0.0.99 lookup 100 priority 10
in_ns a ip rule del priority 0
in_ns a ip rule add priority 100 lookup local
in_ns a sysctl -qw net.ipv4.conf.all.route_localnet=1
expect_no_answer a tcp 127.0.0.99 9999 "namespace reaching the host's 127.0.0.0/8"
pass "host loopback stays closed to the namespace"

# --- a second namespace: more elements, same table, no more chains
conf b <<'X'
[Veth]
[NAT]
Masquerade=ipv4
Port=tcp:8081:80
X
nnc up b
chains_before=$(nft -j list chains | python3 -c 'import json,sys; print(sum(1 for o in json.load(sys.stdin)["nftables"] if "chain" in o))')
serve b tcp4 80
expect_peer world tcp "$HOST4" 8081 "$WORLD4" "Port= of b"
expect_peer b tcp "$WORLD4" 7000 "$HOST4" "egress of b"
# between namespaces: not masqueraded (a's veth address is a host address: reached directly)
expect_peer b tcp "$ns4" 80 "$(addr_of inet host0 in_ns b)" "b -> a without masquerade"
nnc down b
chains_after=$(nft -j list chains | python3 -c 'import json,sys; print(sum(1 for o in json.load(sys.stdin)["nftables"] if "chain" in o))')
assert_eq "$chains_after" "$chains_before" "number of chains with b up vs down"
expect_peer world tcp "$HOST4" 8080 "$WORLD4" "a still forwarded after b went down"
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 1 "ip_forward while a is still up"
pass "second namespace: elements only; a unaffected by b's down"

# --- down: the host as it was (no table, sysctls back)
stop_servers
nnc down a
nft list table inet netnsctl >/dev/null 2>&1 && fail "table left after the last namespace went down"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down: nftables and sysctls as before"

# --- down then up right away, then down again
nnc up a
nnc down a
nnc up a
nnc down a
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "up/down/up/down"
