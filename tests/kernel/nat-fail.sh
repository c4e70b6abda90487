#!/bin/bash
# nat-fail.sh - the NAT step's failures leave nothing behind: injected failure, a crash, a host
# port another namespace forwards, a table in the way; host sysctls are shared and restored
# only by the last namespace; IPv6 forwarding is not turned on where it would cost the host
# its RA-learned default route
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

# --- a failure right after the step: all undone
NETNSCTL_TEST_FAIL_STEP=nat nnc_fails up a
grep -q "at step 'nat'" "$T/err" || fail "message does not name step nat"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "failure injection after step nat"

# --- killed right after the step: the next up cleans up and succeeds; down leaves nothing
( export NETNSCTL_TEST_KILL_AFTER=nat; "$NETNSCTL" up a 2>/dev/null ) && fail "up survived SIGKILL"
nft list table inet netnsctl >/dev/null 2>&1 || fail "no table after a crash in the middle (test is broken)"
nnc up a 2>/dev/null
serve a tcp4 80
expect_peer world tcp "$HOST4" 8080 "$WORLD4" "Port= after recovering from a crash"
stop_servers
nnc down a 2>/dev/null
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
( export NETNSCTL_TEST_KILL_AFTER=nat; "$NETNSCTL" up a 2>/dev/null ) && fail "up survived SIGKILL"
nnc down a 2>/dev/null
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "crash after step nat: next up and down clean up"

# --- a host port already forwarded by another namespace: refused, named; the other unharmed
nnc up a 2>/dev/null
conf b <<'X'
[Veth]
[NAT]
Masquerade=ipv4
Port=udp:6000:60
Port=tcp:8080:80
X
nnc_fails up b
grep -q "b.conf:5: Port=: tcp port 8080 .* already forwarded by namespace 'a'" "$T/err" ||
        fail "conflict: message does not name b.conf:5 and namespace a"
[ ! -e /run/netns/b ] || fail "b left behind"
nft list table inet netnsctl | grep 'udp . 6000' >/dev/null && fail "b's other forward left in the table"
serve a tcp4 80
expect_peer world tcp "$HOST4" 8080 "$WORLD4" "a's forward after b was refused"
stop_servers
pass "host port conflict"

# --- host sysctls: shared; the last namespace restores them
conf c <<'X'
[Veth]
[NAT]
Masquerade=ipv4
X
nnc up c 2>/dev/null
nnc down a 2>/dev/null
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 1 "ip_forward while c still needs it"
assert_eq "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" 0 "IPv6 forwarding after the only namespace needing it went"
nnc down c 2>/dev/null
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 0 "ip_forward after the last namespace"
[ ! -e /run/netnsctl/.host-sysctl ] || fail "/run/netnsctl/.host-sysctl left"
# already on before: left on, and nothing noted
sysctl -qw net.ipv4.ip_forward=1
nnc up c 2>/dev/null
[ ! -e /run/netnsctl/.host-sysctl ] || fail "noted a sysctl that was already set"
nnc down c 2>/dev/null
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 1 "ip_forward set by the admin before"
sysctl -qw net.ipv4.ip_forward=0
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "host sysctls refcounted, restored by the last namespace, left alone when already set"

# --- the one-file bookkeeping of an earlier netnsctl (a line per key, its holders on it): taken
# over, so that what its namespaces hold stays held
sysctl -qw net.ipv4.ip_forward=1
printf '# host sysctls netnsctl changed\nnet.ipv4.ip_forward 0 1 old1 old2\n' >/run/netnsctl/.host-sysctl
nnc up c 2>/dev/null
[ -d /run/netnsctl/.host-sysctl ] || fail "the old .host-sysctl file was not converted"
assert_eq "$(ls /run/netnsctl/.host-sysctl/net.ipv4.ip_forward.holders | tr '\n' ' ')" "c old1 old2 " "holders after the conversion"
nnc down c 2>/dev/null
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 1 "ip_forward while the earlier version's namespaces hold it"
rm -r /run/netnsctl/.host-sysctl
sysctl -qw net.ipv4.ip_forward=0
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "an earlier version's .host-sysctl file is converted"

# --- an RA-learned IPv6 default route: IPv6 forwarding stays off (warned), IPv4 works
ip -6 route add default via fe80::1 dev wan0 proto ra
nnc up a 2>"$T/err"
grep -q "Not turning on IPv6 forwarding" "$T/err" || fail "no warning about IPv6 forwarding"
assert_eq "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" 0 "IPv6 forwarding with an RA default route"
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 1 "ip_forward"
nnc down a 2>/dev/null
sysctl -qw net.ipv6.conf.wan0.accept_ra=2
nnc up a 2>/dev/null
assert_eq "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" 1 "IPv6 forwarding with accept_ra=2 on the RA link"
nnc down a 2>/dev/null
ip -6 route del default via fe80::1 dev wan0
sysctl -qw net.ipv6.conf.wan0.accept_ra=1
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "IPv6 forwarding not forced on a host that learns its route from RAs"

# --- a table of that name in another shape: clear error, nothing of ours left, down works
nft add table inet netnsctl
nft add set inet netnsctl veths '{ type ipv4_addr; }'
nft list ruleset >"$T/nft.before"
nnc_fails up a
grep -q "table inet netnsctl" "$T/err" || fail "error does not name the table"
grep -q "nat-sync" "$T/err" || fail "error does not say how to repair"
[ ! -e /run/netns/a ] || fail "a left behind"
nft list ruleset >"$T/nft.after"
diff -u "$T/nft.before" "$T/nft.after" >&2 || fail "the foreign table was changed"
# the name is netnsctl's: nat-sync (like gc) removes it when no namespace needs NAT
nnc nat-sync
nft list table inet netnsctl >/dev/null 2>&1 && fail "nat-sync left an unused table inet netnsctl"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "a foreign table inet netnsctl"
