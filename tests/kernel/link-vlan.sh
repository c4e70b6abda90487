#!/bin/bash
# link-vlan.sh - [Link] Type=vlan: an 802.1Q device born inside the namespace on a host parent;
# its tagged traffic arrives on the same VLAN id in an outside namespace, not on another id;
# derived name PARENT.ID; a vlan on a link the namespace moves in; down removes it
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"
. "$(dirname "$0")/link-lib.sh"
link_need vlan

# the parent p0; its other end p1 is the switch port of namespace "outside"
ip netns add outside
standin p0 p1 outside
link_snapshot "$T/before"

rx_packets() { # IFNAME: packets received, as namespace "outside" counts them
        ip -n outside -j -s link show dev "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'
}

conf v <<'X'
[Link]
Type=vlan
Parent=p0
VLANId=10
Address=10.10.0.2/24
X
nnc up v
assert_eq "$(link_names in_ns v)" "lo p0.10" "links inside (derived name p0.10)"
assert_eq "$(link_state p0.10 in_ns v | cut -d' ' -f1-4)" "p0.10 vlan 1500 UP" "the vlan inside"
assert_eq "$(link_data p0.10 id in_ns v)" 10 "VLAN id"
grep -qx "link-new p0.10 vlan" /run/netnsctl/v/state || fail "no link-new line in the record"

# --- same id outside: the ping arrives and is answered
ip -n outside link add link p1 name p1.10 type vlan id 10
ip -n outside addr add 10.10.0.1/24 dev p1.10
ip -n outside link set p1.10 up
ping_ok -4 10.10.0.1 in_ns v
pass "VLAN 10 reaches VLAN 10 outside"

# --- another id outside, same address: nothing arrives on it
ip -n outside link del p1.10
ip -n outside link add link p1 name p1.20 type vlan id 20
ip -n outside addr add 10.10.0.1/24 dev p1.20
ip -n outside link set p1.20 up
before=$(rx_packets p1.20)
ping_fails -4 10.10.0.1 in_ns v
assert_eq "$(rx_packets p1.20)" "$before" "packets received on VLAN 20"
[ "$(rx_packets p1)" -gt 0 ] || fail "nothing arrived on p1 at all (the frames should, tagged 10)"
ip -n outside link del p1.20
pass "VLAN 10 does not reach VLAN 20"

nnc down v
link_exists p0.10 in_ns v 2>/dev/null && fail "p0.10 left"
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down removes it"

# --- a vlan on a link the namespace moves in, with Name= and MTU=
standin nic0 nicwire
ip link add link nicwire name nicwire.30 type vlan id 30
ip addr add 10.30.0.1/24 dev nicwire.30
ip link set nicwire.30 up
nic_before=$(link_state nic0)
conf w <<'X'
[Link]
Type=physical
Parent=nic0
[Link]
Type=vlan
Parent=nic0
VLANId=30
Name=office
MTU=1400
Address=10.30.0.2/24
X
nnc up w
assert_eq "$(link_names in_ns w)" "lo nic0 office" "links inside w"
assert_eq "$(link_state office in_ns w | cut -d' ' -f1-4)" "office vlan 1400 UP" "the vlan inside with Name=, MTU="
ping_ok -4 10.30.0.1 in_ns w
nnc down w
assert_eq "$(link_state nic0)" "$nic_before" "nic0 back"
pass "vlan on a moved link"

# --- a missing parent
conf e <<'X'
[Link]
Type=vlan
Parent=nosuch0
VLANId=5
X
nnc_fails up e
grep -q "/etc/netns/e.conf:1: .*Parent=nosuch0" "$T/err" || fail "error does not name e.conf:1 and nosuch0"
pass "missing parent: clean failure"

echo "all ok"
