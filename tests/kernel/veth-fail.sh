#!/bin/bash
# veth-fail.sh - [Veth] failures: name taken, address in use, injected failure, crash; auto
# subnet probing; undo touches only the veth it made
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"

conf a <<'X'
[Namespace]
Sysctl=net.ipv4.ip_forward=1

[Veth]
HostAddress=auto
Address=auto
X
nnc up a
auto_host=$(addrs nn-a)
auto_host4=$(addr_of inet nn-a)
nnc down a

# --- a link with the host-side name already exists: error names it and a.conf:4, nothing left
ip link add nn-a type bridge
snapshot "$T/before"
nnc_fails up a
grep -q "nn-a" "$T/err" || fail "message does not name the link"
grep -q "a.conf:4" "$T/err" || fail "message does not name a.conf:4 ([Veth])"
grep -q "at step 'veth'" "$T/err" || fail "message does not name the step"
assert_eq "$(link_info nn-a)" "bridge - 1500" "the existing link after the failed up"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
nnc down a
assert_eq "$(link_info nn-a)" "bridge - 1500" "the existing link after down"
ip link del nn-a
pass "host name taken"

# --- a static address that overlaps an address on the host: error with file:line, nothing left
ip link add d0 type bridge
ip addr add 192.168.77.1/24 dev d0
ip addr add fd77::1/64 dev d0 nodad
ip link set d0 up
# wait for IPv6 duplicate address detection on d0 to end, so snapshots hold still
for i in $(seq 30); do [ -z "$(ip -6 addr show dev d0 tentative)" ] && break; sleep 0.1; done
ip route add blackhole 172.31.0.0/16
snapshot "$T/before"
conf b <<'X'
[Veth]
HostAddress=192.168.77.5/24
Address=192.168.77.6/24
X
nnc_fails up b
grep -q "b.conf:2" "$T/err" || fail "overlap: message does not name b.conf:2"
grep -q "address 192.168.77.1/24 on d0" "$T/err" || fail "overlap: message does not name what it overlaps"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
conf b <<'X'
[Veth]
HostAddress=10.1.0.1/30
Address=10.1.0.2/30
Address=fd77::2/64
X
nnc_fails up b
grep -q "b.conf:4" "$T/err" || fail "IPv6 overlap: message does not name b.conf:4"
conf b <<'X'
[Veth]
HostAddress=172.31.5.1/30
X
nnc_fails up b
grep -q "b.conf:2" "$T/err" || fail "route overlap: message does not name b.conf:2"
grep -q "route 172.31.0.0/16" "$T/err" || fail "route overlap: message does not name the route"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "static address overlapping a host address or route"

# --- the auto /31 taken on the host: the next slot, said so at notice level; same again next time
ip addr add "$auto_host4/32" dev d0
nnc up a 2>"$T/log"
cat "$T/log" >&2
grep -q "overlaps the address $auto_host4 on d0;" "$T/log" || fail "no notice about the taken auto subnet"
h4=$(addr_of inet nn-a)
[ "$h4" != "$auto_host4" ] || fail "auto subnet not moved off the taken one"
python3 -c "import ipaddress,sys; assert int(ipaddress.ip_address('$h4')) == int(ipaddress.ip_address('$auto_host4')) + 2" ||
        fail "auto subnet $h4 is not the next slot after $auto_host4"
ping_ok -4 "$h4" in_ns a
nnc down a
"$NETNSCTL" up a 2>"$T/log" || { cat "$T/log" >&2; fail "up a with the auto subnet taken, again"; }
assert_eq "$(addr_of inet nn-a)" "$h4" "auto subnet with the same host state"
nnc down a
ip addr del "$auto_host4/32" dev d0
# a unicast route over the home subnet and its neighbours: the next /31 after the route
home24=$(python3 -c "import ipaddress; print(ipaddress.ip_network('$auto_host4/24', strict=False))")
ip route add "$home24" dev d0
nnc up a 2>"$T/log"
cat "$T/log" >&2
grep -q "overlaps the route $home24 dev d0;" "$T/log" || fail "no notice about the route over the auto subnet"
h4=$(addr_of inet nn-a)
python3 -c "import ipaddress; assert ipaddress.ip_address('$h4') not in ipaddress.ip_network('$home24')" ||
        fail "auto subnet $h4 inside the route $home24"
ping_ok -4 "$h4" in_ns a
nnc down a
ip route del "$home24" dev d0
# a route covering the whole pool: clear error, nothing left (unicast: found by lookup)
ip route add 10.250.0.0/16 dev d0
snapshot "$T/before"
nnc_fails up a
grep -q "No free /31 in the pool 10.250.0.0/16 .*route 10.250.0.0/16 dev d0" "$T/err" || fail "full pool (unicast route): unexpected message"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
ip route del 10.250.0.0/16 dev d0
# the same with a blackhole route (lookups cannot tell what it is: the dump does)
ip route add blackhole 10.250.0.0/16
snapshot "$T/before"
nnc_fails up a
grep -q "No free /31 in the pool 10.250.0.0/16" "$T/err" || fail "full pool: unexpected message"
grep -q "route 10.250.0.0/16" "$T/err" || fail "full pool: message does not name the route"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
ip route del blackhole 10.250.0.0/16
ip link del d0
ip route del blackhole 172.31.0.0/16
pass "auto subnet probing"

snapshot "$T/before"

# --- injected failure right after the veth step: nothing left
NETNSCTL_TEST_FAIL_STEP=veth nnc_fails up a
grep -q "at step 'veth'" "$T/err" || fail "message does not name step veth"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "failure injection"

# --- the kernel refuses a request: a static IPv6 address where IPv6 is off; the message names
# the address, its file:line, the link and the kernel's reason, and the veth made before is gone
conf e <<'X'
[Namespace]
Sysctl=net.ipv6.conf.default.disable_ipv6=1

[Veth]
HostAddress=auto
Address=auto
Address=fd99::2/64
X
nnc_fails up e
grep -q "Failed to add address fd99::2/64 to host0 (e): .*(kernel: .*e.conf:7" "$T/err" ||
        fail "kernel error: message does not name address, link, reason and file:line"
grep -q "at step 'veth'" "$T/err" || fail "kernel error: message does not name the step"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "kernel error while configuring"

# --- SIGKILL right after the veth step: down removes everything; up after a crash works
NETNSCTL_TEST_KILL_AFTER=veth "$NETNSCTL" up a && fail "up was not killed"
ip link show nn-a >/dev/null 2>&1 || fail "veth missing after the kill (test is wrong)"
nnc down a
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
NETNSCTL_TEST_KILL_AFTER=veth "$NETNSCTL" up a && fail "up was not killed"
nnc up a
assert_eq "$(addrs nn-a)" "$auto_host" "addresses after recovery"
nnc down a
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "crash after the veth step"

# --- undo deletes only the veth it made: after a crash, our veth replaced by someone else's
NETNSCTL_TEST_KILL_AFTER=veth "$NETNSCTL" up a && fail "up was not killed"
ip link del nn-a
ip link add nn-a type veth peer name other0
nnc down a
assert_eq "$(link_info nn-a)" "veth - 1500" "someone else's veth named nn-a after down"
ip link del nn-a
NETNSCTL_TEST_KILL_AFTER=veth "$NETNSCTL" up a && fail "up was not killed"
ip link del nn-a
ip netns add other
ip link add nn-a type veth peer name x0 netns other
nnc down a
assert_eq "$(link_info nn-a)" "veth - 1500" "a veth into another namespace after down"
ip netns delete other
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "undo leaves veths it did not make alone"

# --- the pin removed behind our back while a process keeps the namespace alive: down still
# finds the namespace (by its inode) and removes the veth
nnc up a
nsenter --net=/run/netns/a sleep 60 &
holder=$!
sleep 0.2
umount /run/netns/a
rm -f /run/netns/a
nnc down a
ip link show nn-a >/dev/null 2>&1 && fail "veth left behind when the pin was gone"
kill "$holder"
wait "$holder" 2>/dev/null || true
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "namespace kept alive without its pin"
echo "all ok"
