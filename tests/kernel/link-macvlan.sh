#!/bin/bash
# link-macvlan.sh - [Link] Type=macvlan: devices born inside the namespace on a host parent;
# bridge mode passes traffic between two namespaces on one parent, private mode does not;
# derived names; MTU; a macvlan on a link the namespace moves in; name clashes and a missing
# parent fail cleanly; kill -9 then down leaves nothing
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"
. "$(dirname "$0")/link-lib.sh"
link_need macvlan

# the parent: veth p0 (its wire end on the host, so p0 has carrier)
standin p0 p0wire
link_snapshot "$T/before"

# --- bridge mode (the default): two namespaces on p0 reach each other
conf a <<'X'
[Link]
Type=macvlan
Parent=p0
Address=10.8.0.1/24
X
conf b <<'X'
[Link]
Type=macvlan
Parent=p0
Mode=bridge
MTU=1400
Address=10.8.0.2/24
X
nnc up a
nnc up b
assert_eq "$(link_names in_ns a)" "lo mv-p0" "links inside a (derived name mv-p0)"
assert_eq "$(link_state mv-p0 in_ns a | cut -d' ' -f1-4)" "mv-p0 macvlan 1500 UP" "macvlan in a"
assert_eq "$(link_state mv-p0 in_ns b | cut -d' ' -f1-4)" "mv-p0 macvlan 1400 UP" "macvlan in b with MTU"
assert_eq "$(link_data mv-p0 mode in_ns a)" bridge "mode of a's macvlan"
assert_eq "$(link_data mv-p0 mode in_ns b)" bridge "mode of b's macvlan"
link_exists mv-p0 && fail "mv-p0 exists on the host"
grep -qx "link-new mv-p0 macvlan" /run/netnsctl/a/state || fail "no link-new line in a's record"
ping_ok -4 10.8.0.2 in_ns a
ping_ok -4 10.8.0.1 in_ns b
pass "bridge mode: a and b on one parent reach each other"
nnc down b
ping_fails -4 10.8.0.2 in_ns a
nnc down a
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down removes the macvlans"

# --- private mode: the two do not reach each other (Mode= is applied)
sed -i 's/^Mode=bridge/Mode=private/' /etc/netns/b.conf
sed -i 's/^\[Link\]/[Link]\nMode=private/' /etc/netns/a.conf
nnc up a
nnc up b
assert_eq "$(link_data mv-p0 mode in_ns a)" private "mode of a's macvlan"
ping_fails -4 10.8.0.2 in_ns a
nnc down a
nnc down b
pass "private mode: no traffic between the two"

# --- long parent names are cut with a hash; two macvlans need distinct names
ip link add averyveryverylo type veth peer name lowire
conf c <<'X'
[Link]
Type=macvlan
Parent=averyveryverylo
[Link]
Type=macvlan
Parent=p0
Name=second
Mode=vepa
X
nnc up c
names=$(link_names in_ns c)
[[ "$names" =~ ^lo\ mv-averyve\+[0-9a-f]{4}\ second$ ]] || fail "derived long name: '$names'"
assert_eq "$(link_data second mode in_ns c)" vepa "Mode=vepa"
nnc down c
ip link del averyveryverylo
pass "long parent name cut to 15 with a hash: ${names#lo }"

# --- a derived name clashing with another [Link]'s: refused before anything is made
conf d <<'X'
[Veth]
[Link]
Type=macvlan
Parent=p0
[Link]
Type=macvlan
Parent=p0
Address=10.8.0.9/24
X
nnc_fails up d
grep -q "/etc/netns/d.conf:5: .*'mv-p0'.*/etc/netns/d.conf:2" "$T/err" || fail "clash error does not name both [Link]s"
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "derived names clashing: refused, nothing left"

# --- a missing parent: one line naming file:line and the device, nothing left
conf e <<'X'
[Veth]

[Link]
Type=macvlan
Parent=nosuch0
Address=10.8.0.3/24
X
nnc_fails up e
grep -q "/etc/netns/e.conf:3: .*Parent=nosuch0" "$T/err" || fail "error does not name e.conf:3 and nosuch0"
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "missing parent: clean failure"

# --- an MTU above the parent's: the kernel says only EINVAL; up names the cause, nothing left
conf m <<'X'
[Link]
Type=macvlan
Parent=p0
MTU=9000
X
nnc_fails up m
grep -q "/etc/netns/m.conf:1: \[Link\] MTU=9000 is above the MTU of its parent p0 (1500)" "$T/err" ||
        fail "error does not name m.conf:1, the MTU and the parent's: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" -le 2 ] || fail "more than the error and the step line: $(cat "$T/err")"
[ -e /run/netns/m ] && fail "namespace m is pinned after a refused up"
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "MTU above the parent's: refused before anything is made"

# --- a macvlan on a link the namespace moves in: made inside, on the moved link
standin nic0 nicwire
ip addr add 10.7.0.1/24 dev nicwire
nic_before=$(link_state nic0)
conf f <<'X'
[Link]
Type=physical
Parent=nic0
Name=eth0
[Link]
Type=macvlan
Parent=nic0
Address=10.7.0.2/24
X
nnc up f
assert_eq "$(link_names in_ns f)" "eth0 lo mv-nic0" "links inside f"
parent=$(in_ns f ip -j -d link show dev mv-nic0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0].get("link"))')
assert_eq "$parent" eth0 "the macvlan's parent inside"
ping_ok -4 10.7.0.1 in_ns f
nnc down f
assert_eq "$(link_state nic0)" "$nic_before" "nic0 back"
pass "macvlan on a moved link"

# --- kill -9 after the links step: down removes the macvlan and gives the NIC back
rc=0
NETNSCTL_TEST_KILL_AFTER=links "$NETNSCTL" up f || rc=$?
assert_eq "$rc" 137 "exit status of up killed after 'links'"
nnc down f
assert_eq "$(link_state nic0)" "$nic_before" "nic0 back after kill -9 and down"
ip link del nic0
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "kill -9 after the links step, then down: nothing left"

echo "all ok"
