#!/bin/bash
# link-physical.sh - [Link] Type=physical: a host link moved in (renamed in the same request),
# configured, real packets over it; given back on down with its name, MTU and up/down state;
# after a failure and after kill -9 right after the move; a missing parent fails cleanly
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"
. "$(dirname "$0")/link-lib.sh"

# the stand-in NIC: nic0 (MTU 1450, up), its wire end wire0 on the host with 10.9.0.1/24
standin nic0 wire0
ip link set nic0 mtu 1450
ip addr add 10.9.0.1/24 dev wire0
mac=$(link_state nic0 | awk '{print $5}')
orig="nic0 veth 1450 UP $mac"
assert_eq "$(link_state nic0)" "$orig" "stand-in NIC before"
link_snapshot "$T/before"

# --- moved in, renamed, MTU, address, gateway; packets both ways
conf a <<'X'
[Link]
Type=physical
Parent=nic0
Name=eth0
MTU=1400
Address=10.9.0.2/24
Address=fd00:9::2/64
Gateway=10.9.0.1
X
nnc up a
link_exists nic0 && fail "nic0 still on the host after up"
assert_eq "$(link_state eth0 in_ns a)" "eth0 veth 1400 UP $mac" "the NIC inside: renamed, MTU, up, same MAC"
assert_eq "$(link_names in_ns a)" "eth0 lo" "links inside"
assert_eq "$(addrs eth0 in_ns a)" "10.9.0.2/24 fd00:9::2/64" "addresses inside"
assert_eq "$(default_route -4 a)" "10.9.0.1 eth0" "IPv4 default route inside"
ping_ok -4 10.9.0.1 in_ns a
ping_ok -4 10.9.0.2
grep -qx "link-moved nic0 eth0 $mac 1450 up" /run/netnsctl/a/state || fail "no link-moved line: $(cat /run/netnsctl/a/state)"
pass "moved in as eth0 with MTU, addresses, default route; packets both ways"

nnc down a
assert_eq "$(link_state nic0)" "$orig" "nic0 back: name, MTU, up, MAC"
link_exists eth0 && fail "eth0 on the host after down"
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down gives it back as it was"

# --- a link that was down comes back down; Name= defaults to its host name
ip link set nic0 down
conf b <<'X'
[Link]
Type=physical
Parent=nic0
X
nnc up b
assert_eq "$(link_state nic0 in_ns b)" "nic0 veth 1450 UP $mac" "moved in under its own name, up"
nnc down b
assert_eq "$(link_state nic0)" "nic0 veth 1450 DOWN $mac" "nic0 back down"
ip link set nic0 up
pass "default name; original down state restored"

# --- a later step fails: the NIC goes back
NETNSCTL_TEST_FAIL_STEP=links nnc_fails up a
grep -q "step 'links'" "$T/err" || fail "no message naming step 'links'"
assert_eq "$(link_state nic0)" "$orig" "nic0 back after a failed up"
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "failed up gives the NIC back"

# --- kill -9 right after the move: down gives it back; so does the next up
rc=0
NETNSCTL_TEST_KILL_AFTER=links "$NETNSCTL" up a || rc=$?
assert_eq "$rc" 137 "exit status of up killed after 'links'"
link_exists nic0 && fail "nic0 on the host after the killed up (it should be inside)"
assert_eq "$(link_state eth0 in_ns a)" "eth0 veth 1400 UP $mac" "the NIC inside after the kill"
nnc down a
assert_eq "$(link_state nic0)" "$orig" "nic0 back after down"
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"

rc=0
NETNSCTL_TEST_KILL_AFTER=links "$NETNSCTL" up a || rc=$?
assert_eq "$rc" 137 "exit status of up killed after 'links'"
nnc up a
assert_eq "$(link_state eth0 in_ns a)" "eth0 veth 1400 UP $mac" "up after a crash: the NIC inside again"
ping_ok -4 10.9.0.1 in_ns a
nnc down a
assert_eq "$(link_state nic0)" "$orig" "nic0 back"
pass "kill -9 after the move: down, and the next up, give the NIC back"

# --- renamed inside by someone: found by its MAC address
nnc up a
in_ns a ip link set eth0 down
in_ns a ip link set eth0 name renamed0
nnc down a
assert_eq "$(link_state nic0)" "$orig" "nic0 back though renamed inside"
pass "found by its MAC address when renamed inside"

# --- its host name taken meanwhile: it comes back as devN, with MTU and state, and a warning
nnc up a
ip link add nic0 type veth peer name nic0x
nnc down a 2>"$T/err"
cat "$T/err" >&2
back=$(ip -j link show | python3 -c '
import json, sys
print(" ".join(l["ifname"] for l in json.load(sys.stdin) if l.get("address") == sys.argv[1] and l["ifname"] != "wire0"))' "$mac")
case "$back" in
dev[0-9]*) ;;
*) fail "NIC with MAC $mac not back as devN: '$back'" ;;
esac
assert_eq "$(link_state "$back")" "$back veth 1450 UP $mac" "back as $back, MTU and state restored"
grep -q "back to the host as $back: a link named nic0 exists" "$T/err" || fail "no warning naming $back and nic0"
ip link del nic0
ip link set "$back" down   # 6.1 refuses to rename a link that is up
ip link set "$back" name nic0
ip link set nic0 up
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "name taken on the host: back as $back, with a warning"

# --- a missing parent: one line naming file:line and the device, nothing left behind
conf c <<'X'
[Veth]

[Link]
Type=physical
Parent=nosuch0
X
nnc_fails up c
grep -q "/etc/netns/c.conf:3: .*Parent=nosuch0" "$T/err" || fail "error does not name c.conf:3 and nosuch0"
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "missing parent: clean failure naming c.conf:3 and the device"

# --- a name inside clashing with the veth's peer: refused, nothing left
conf d <<'X'
[Veth]

[Link]
Type=physical
Parent=nic0
Name=host0
X
nnc_fails up d
grep -q "d.conf" "$T/err" || fail "clash error does not name d.conf"
grep -q "host0" "$T/err" || fail "clash error does not name host0"
link_snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "Name= clashing inside: refused"

echo "all ok"
