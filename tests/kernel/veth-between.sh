#!/bin/bash
# veth-between.sh - two namespaces with only [Veth] reach each other exactly while the host
# forwards: netnsctl turns forwarding on for [NAT] namespaces only (netns.conf(5), "BETWEEN
# NAMESPACES"), so a [NAT] namespace coming and going decides it, and the admin's own
# net.ipv4.ip_forward=1 is left as it is.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"

ping_fails() { # -4|-6 DEST in_ns NAME
        local fam=$1 dest=$2
        shift 2
        ! "$@" ping "$fam" -c 1 -W 1 "$dest" >/dev/null 2>&1
}

sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
for n in a b; do
        conf $n <<'X'
[Veth]
X
        nnc up $n
done
b4=$(addr_of inet host0 in_ns b)
b6=$(addr_of inet6 host0 in_ns b)
[ -n "$b4" ] && [ -n "$b6" ] || fail "b has no addresses inside"
ping_fails -4 "$b4" in_ns a || fail "a reaches b with host forwarding off"
ping_fails -6 "$b6" in_ns a || fail "a reaches b over IPv6 with host forwarding off"
pass "[Veth] only: no way between namespaces"

# a namespace with [NAT] turns forwarding on while it runs: then a reaches b
conf n <<'X'
[Veth]
[NAT]
Masquerade=both
X
nnc up n
assert_eq "$(sysctl -n net.ipv4.ip_forward)" 1 "forwarding on with a [NAT] namespace up"
ping_ok -4 "$b4" in_ns a
nnc down n
assert_eq "$(sysctl -n net.ipv4.ip_forward)" 0 "forwarding back off after the [NAT] namespace"
ping_fails -4 "$b4" in_ns a || fail "a still reaches b after the [NAT] namespace went down"
pass "forwarding comes and goes with [NAT] namespaces"

# the admin's own forwarding: namespaces reach each other, and down leaves it on
sysctl -qw net.ipv4.ip_forward=1
ping_ok -4 "$b4" in_ns a
nnc up n
nnc down n
assert_eq "$(sysctl -n net.ipv4.ip_forward)" 1 "the admin's forwarding left on"
ping_ok -4 "$b4" in_ns a
pass "host forwarding set by the admin"
nnc down a
nnc down b
echo "all ok"
