#!/bin/bash
# updown.sh - netnsctl up/down without wiring: pin, loopback, sysctls, stale pins, failures
. "$(dirname "$0")/lib.sh"

snapshot "$T/before"

# --- up: pinned like ip netns add, lo up, sysctls set inside
conf a <<'X'
[Namespace]
Sysctl=net.ipv4.ip_forward=1
Sysctl=net/ipv4/conf/all/rp_filter=2
Sysctl=net.ipv6.conf.all.disable_ipv6=1
X
nnc up a
ip netns list | grep -qx 'a' || fail "ip netns list does not show a"
assert_eq "$(stat -f -c %T /run/netns/a)" nsfs "file system type of the pin"
grep -q ' /run/netns/a ' /proc/self/mountinfo || fail "pin is not a mount"
assert_eq "$(in_ns a ip -j link show lo | python3 -c 'import json,sys; print("UP" in json.load(sys.stdin)[0]["flags"])')" True "lo UP inside"
assert_eq "$(in_ns a cat /proc/sys/net/ipv4/ip_forward)" 1 "ip_forward inside"
assert_eq "$(in_ns a cat /proc/sys/net/ipv4/conf/all/rp_filter)" 2 "rp_filter inside"
assert_eq "$(in_ns a cat /proc/sys/net/ipv6/conf/all/disable_ipv6)" 1 "disable_ipv6 inside"
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 0 "ip_forward on the host untouched"
# /run/netns is a shared mount, as iproute2 makes it
grep -E ' /run/netns .* shared:' /proc/self/mountinfo >/dev/null || fail "/run/netns is not a shared mount"
pass "up"

# --- up again while up: refused, namespace intact
ino=$(stat -L -c %i /run/netns/a)
nnc_fails up a
grep -q "already up" "$T/err" || fail "second up: unexpected message"
assert_eq "$(stat -L -c %i /run/netns/a)" "$ino" "namespace replaced by a second up"
pass "second up refused"

# --- down: nothing left; down again: still fine
nnc down a
[ ! -e /run/netns/a ] || fail "pin left after down"
[ ! -e /run/netnsctl/a ] || fail "state left after down"
nnc down a
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down, twice"

# --- a namespace made by ip netns add is not taken over, and down leaves it alone
ip netns add a
nnc_fails up a
grep -q "not made by netnsctl" "$T/err" || fail "foreign namespace: unexpected message"
nnc down a
[ "$(stat -f -c %T /run/netns/a)" = nsfs ] || fail "down removed a foreign namespace"
ip netns delete a
pass "foreign namespace left alone"

# --- a stale placeholder (a killed ip netns add leaves a mode-0 file) is replaced
install -m 0 /dev/null /run/netns/a
nnc up a
assert_eq "$(stat -f -c %T /run/netns/a)" nsfs "pin after stale placeholder"
nnc down a
pass "stale placeholder"

# --- failure in a late step: nothing left behind
for step in namespace loopback sysctl; do
        NETNSCTL_TEST_FAIL_STEP=$step nnc_fails up a
        grep -q "at step '$step'" "$T/err" || fail "message does not name step $step"
        snapshot "$T/after"
        assert_same_snapshot "$T/before" "$T/after"
done
pass "failure injection"

# --- a sysctl that does not exist: error names file:line, nothing left
conf a <<'X'
[Namespace]
Sysctl=net.ipv4.ip_forward=1
Sysctl=net.ipv4.no_such_thing=1
X
nnc_fails up a
grep -q "a.conf:3" "$T/err" || fail "unknown sysctl: message does not name a.conf:3"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "unknown sysctl"

# --- crash (SIGKILL) after each step: the next up cleans up and succeeds, down leaves nothing
conf a <<'X'
[Namespace]
Sysctl=net.ipv4.ip_forward=1
X
for step in namespace loopback sysctl; do
        NETNSCTL_TEST_KILL_AFTER=$step "$NETNSCTL" up a && fail "up was not killed"
        nnc up a
        assert_eq "$(in_ns a cat /proc/sys/net/ipv4/ip_forward)" 1 "ip_forward after recovery"
        nnc down a
        NETNSCTL_TEST_KILL_AFTER=$step "$NETNSCTL" up a && fail "up was not killed"
        nnc down a
        snapshot "$T/after"
        assert_same_snapshot "$T/before" "$T/after"
done
pass "crash recovery"

# --- bad names and missing config
nnc_fails up ../etc
grep -q "Invalid namespace name" "$T/err" || fail "bad name message"
nnc_fails up nosuch
grep -q "nosuch.conf does not exist" "$T/err" || fail "missing config message"
pass "bad name, missing config"
echo "all ok"
