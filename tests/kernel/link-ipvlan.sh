#!/bin/bash
# link-ipvlan.sh - [Link] Type=ipvlan: L3 (the default) with one address reaches a peer on the
# parent's network, both ways, with that address only (the recipe of netns.conf(5)); L2 answers
# ARP itself; L3S; down removes it; a missing parent fails cleanly
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"
. "$(dirname "$0")/link-lib.sh"
link_need ipvlan

# The host's network: the parent p0 with the host's address 10.77.0.254/24; its other end p1
# in namespace "lan" is a peer machine, 10.77.0.1/24.
ip netns add lan
standin p0 p1 lan
ip addr add 10.77.0.254/24 dev p0
ip -n lan addr add 10.77.0.1/24 dev p1
link_snapshot "$T/before"

# --- L3, one address of the host's network, default route via the network's router
conf jail <<'X'
[Link]
Type=ipvlan
Parent=p0
Address=10.77.0.5/32
Gateway=10.77.0.1
X
nnc up jail
assert_eq "$(link_names in_ns jail)" "iv-p0 lo" "links inside (derived name iv-p0)"
assert_eq "$(link_state iv-p0 in_ns jail | cut -d' ' -f1-4)" "iv-p0 ipvlan 1500 UP" "the ipvlan inside"
assert_eq "$(link_data iv-p0 mode in_ns jail)" l3 "ipvlan mode"
assert_eq "$(addrs iv-p0 in_ns jail)" "10.77.0.5/32" "the one address inside"
assert_eq "$(default_route -4 jail)" "10.77.0.1 iv-p0" "default route inside"
grep -qx "link-new iv-p0 ipvlan" /run/netnsctl/jail/state || fail "no link-new line in the record"
# L3 mode answers no ARP: the peer reaches the address through the host (the recipe's route)
ip -n lan route add 10.77.0.5/32 via 10.77.0.254
ping_ok -4 10.77.0.1 in_ns jail
ping_ok -4 10.77.0.5 in_ns lan
# the peer sees the namespace's own address, not the host's
ip netns exec lan socat -u TCP-LISTEN:7777,reuseaddr SYSTEM:'echo $SOCAT_PEERADDR' >"$T/peer" &
for i in $(seq 50); do ip netns exec lan ss -Hltn 'sport = 7777' | grep -q . && break; sleep 0.1; done
in_ns jail socat -u /dev/null TCP:10.77.0.1:7777 || fail "TCP connect from jail to the peer failed"
wait
assert_eq "$(cat "$T/peer")" 10.77.0.5 "source address the peer sees"
pass "L3 with one address: reaches the peer and is reached, as 10.77.0.5"
nnc down jail
link_exists iv-p0 in_ns jail 2>/dev/null && fail "iv-p0 left"
ping_fails -4 10.77.0.5 in_ns lan
ip -n lan route del 10.77.0.5/32
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down removes it"

# --- L2: answers ARP itself, the peer needs no route
conf l2 <<'X'
[Link]
Type=ipvlan
Parent=p0
Mode=l2
Name=lan0
MTU=1400
Address=10.77.0.6/24
X
nnc up l2
assert_eq "$(link_data lan0 mode in_ns l2)" l2 "ipvlan mode"
assert_eq "$(link_state lan0 in_ns l2 | cut -d' ' -f1-4)" "lan0 ipvlan 1400 UP" "Name=, MTU="
ping_ok -4 10.77.0.6 in_ns lan
ping_ok -4 10.77.0.1 in_ns l2
nnc down l2
pass "L2: reached by ARP on the parent's network"

# --- L3S
sed -i 's/^Mode=l2/Mode=l3s/' /etc/netns/l2.conf
nnc up l2
assert_eq "$(link_data lan0 mode in_ns l2)" l3s "ipvlan mode"
nnc down l2
pass "L3S"

# --- kill -9 after the links step, then down: nothing left
rc=0
NETNSCTL_TEST_KILL_AFTER=links "$NETNSCTL" up jail || rc=$?
assert_eq "$rc" 137 "exit status of up killed after 'links'"
nnc down jail
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
# the address is free on the parent again: the same config comes up at once
nnc up jail
nnc down jail
pass "kill -9 after links, then down: nothing left, the address free again"

# --- a missing parent
conf e <<'X'
[Link]
Type=ipvlan
Parent=nosuch0
Address=10.77.0.7/32
X
nnc_fails up e
grep -q "/etc/netns/e.conf:1: .*Parent=nosuch0" "$T/err" || fail "error does not name e.conf:1 and nosuch0"
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "missing parent: clean failure"

echo "all ok"
