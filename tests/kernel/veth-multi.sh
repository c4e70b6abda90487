#!/bin/bash
# veth-multi.sh - several namespaces side by side: distinct auto subnets, each reaches the host;
# two names that hash to the same slot of a small pool both get a subnet
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"

snapshot "$T/before"

# --- two namespaces: different subnets, each reaches the host and is reached from it
for n in a b; do
        conf $n <<'X'
[Veth]
HostAddress=auto
Address=auto
X
        nnc up $n
done
[ "$(addrs nn-a)" != "$(addrs nn-b)" ] || fail "a and b got the same subnets"
for n in a b; do
        ping_ok -4 "$(addr_of inet nn-$n)" in_ns $n
        ping_ok -6 "$(addr_of inet6 nn-$n)" in_ns $n
        ping_ok -4 "$(addr_of inet host0 in_ns $n)"
        ping_ok -6 "$(addr_of inet6 host0 in_ns $n)"
done
# each namespace reaches the host's address on the other veth too (the host's own address)
ping_ok -4 "$(addr_of inet nn-b)" in_ns a
nnc down a
ip link show nn-b >/dev/null || fail "down a removed b's veth"
ping_ok -4 "$(addr_of inet nn-b)" in_ns b
nnc down b
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "two namespaces"

# --- 20 namespaces in a /24 pool (128 slots): n7 and n8 hash to the same slot (117), so n8,
# started after n7, moves to the next free one; all 20 subnets distinct
for i in $(seq 0 19); do
        conf n$i <<'X'
[Veth]
AddressPool=10.251.0.0/24
X
        "$NETNSCTL" up n$i 2>"$T/log" || { cat "$T/log" >&2; fail "up n$i"; }
        if [ $i = 8 ]; then
                cat "$T/log" >&2
                grep -q "10.251.0.234/31 of 'n8' (slot 117) overlaps the address 10.251.0.234 on nn-n7" "$T/log" ||
                        fail "n8: no notice about the slot n7 holds"
        fi
done
assert_eq "$(addr_of inet nn-n7)" 10.251.0.234 "n7 in its home slot"
subnets=$(for i in $(seq 0 19); do addr_of inet nn-n$i; done)
assert_eq "$(sort -u <<<"$subnets" | wc -l)" 20 "distinct IPv4 subnets of 20 namespaces"
python3 -c '
import ipaddress, sys
for a in sys.stdin.read().split():
    assert ipaddress.ip_address(a) in ipaddress.ip_network("10.251.0.0/24"), a
    assert int(ipaddress.ip_address(a)) % 2 == 0, a' <<<"$subnets" || fail "auto subnets outside the pool"
for i in 7 8 19; do
        ping_ok -4 "$(addr_of inet nn-n$i)" in_ns n$i
done
for i in $(seq 0 19); do
        nnc down n$i
done
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "20 namespaces in a small pool"
echo "all ok"
