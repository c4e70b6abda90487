#!/bin/bash
# route-host.sh - [Veth] HostRoute=: a "world" namespace beyond the host reaches a namespace's
# routed addresses (on its loopback, as a routing daemon announces them) without NAT: the
# source address is preserved both ways, IPv4 and IPv6. The host gets the routes via the veth
# and forwarding, nothing else; down gives the host back as it was
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"

# the world: a namespace on a wire of the host, 203.0.113.0/24 and 2001:db8:ff::/64
ip netns add world
ip link add wan0 type veth peer name wire0 netns world
ip link set wan0 up
ip addr add 203.0.113.1/24 dev wan0
ip addr add 2001:db8:ff::1/64 dev wan0 nodad
ip -n world link set lo up
ip -n world link set wire0 up
ip -n world addr add 203.0.113.2/24 dev wire0
ip -n world addr add 2001:db8:ff::2/64 dev wire0 nodad
ip -n world route add default via 203.0.113.1
ip -n world -6 route add default via 2001:db8:ff::1
for ((i = 0; i < 50; i++)); do
        [ -n "$(ip -6 addr show dev wan0 scope link)" ] && [ -z "$(ip -6 addr show tentative)" ] && break
        sleep 0.1
done
sysctl -qw net.ipv6.conf.all.forwarding=0 net.ipv4.ip_forward=0
snapshot "$T/before"

conf pub <<'X'
[Veth]
HostRoute=198.51.100.0/24 2001:db8:100::/48
X
nnc up pub
# the routed addresses live on the namespace's loopback, as a routing daemon's would
in_ns pub ip addr add 198.51.100.1/32 dev lo
in_ns pub ip addr add 2001:db8:100::1/128 dev lo

host_if=$(ip -j link show | python3 -c 'import json,sys; print([l["ifname"] for l in json.load(sys.stdin) if l.get("link_netnsid") is not None and l["ifname"] != "wan0"][0])')
via4=$(addr_of inet host0 in_ns pub)
via6=$(addr_of inet6 host0 in_ns pub)
hostroutes() { # -4|-6
        ip "$1" -j route show proto static | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    print(r["dst"], r.get("gateway", "-"), r.get("dev", "-"))' | sort
}
assert_eq "$(hostroutes -4)" "198.51.100.0/24 $via4 $host_if" "IPv4 host route via the veth"
assert_eq "$(hostroutes -6)" "2001:db8:100::/48 $via6 $host_if" "IPv6 host route via the veth"
assert_eq "$(sysctl -n net.ipv4.ip_forward) $(sysctl -n net.ipv6.conf.all.forwarding)" "1 1" "host forwards both families"
nft list ruleset | grep -q -E 'masquerade|snat|dnat' && fail "NAT rules on the host: $(nft list ruleset)"
pass "host routes the prefixes via the veth, forwards, no NAT"

# a UDP exchange from the world: the namespace sees the world's address, the world the routed one
udp_exchange() { # FAMILY-ADDR-OF-SERVER CLIENT-EXPECTED
        local server=$1 fam=AF_INET
        case "$server" in *:*) fam=AF_INET6 ;; esac
        in_ns pub python3 -c '
import socket, sys
s = socket.socket(getattr(socket, sys.argv[2]), socket.SOCK_DGRAM)
s.bind((sys.argv[1], 7777))
s.settimeout(5)
data, peer = s.recvfrom(100)
s.sendto(data, peer)
print(peer[0])' "$server" "$fam" >"$T/server" &
        local spid=$!
        sleep 0.3
        nsenter --net=/run/netns/world python3 -c '
import socket, sys
s = socket.socket(getattr(socket, sys.argv[2]), socket.SOCK_DGRAM)
s.settimeout(3)
for i in range(5):
    s.sendto(b"hello", (sys.argv[1], 7777))
    try:
        data, peer = s.recvfrom(100)
        print(peer[0])
        break
    except socket.timeout:
        pass' "$server" "$fam" >"$T/client" || true
        wait "$spid" || fail "no packet reached $server inside the namespace"
        echo "$(cat "$T/server") $(cat "$T/client")"
}
assert_eq "$(udp_exchange 198.51.100.1)" "203.0.113.2 198.51.100.1" "IPv4: sources preserved both ways"
assert_eq "$(udp_exchange 2001:db8:100::1)" "2001:db8:ff::2 2001:db8:100::1" "IPv6: sources preserved both ways"
pass "the world reaches the routed addresses; the source is preserved both ways (IPv4, IPv6)"

nnc down pub
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down: host routes gone, forwarding back off, the host as before"

# an IPv6 prefix and a veth without IPv6 inside: refused by check, FILE:LINE
conf bad <<'X'
[Veth]
Address=192.0.2.1/31
HostAddress=192.0.2.0/31
HostRoute=2001:db8:100::/48
X
nnc_fails check bad
grep -q "bad.conf:4: HostRoute=2001:db8:100::/48 needs an IPv6 Address= in \[Veth\]" "$T/err" || fail "no FILE:LINE"
# a prefix the host routes elsewhere already: up fails, nothing left
ip route add 198.51.100.0/24 via 203.0.113.2
snapshot "$T/before2"
nnc_fails up pub
grep -q "pub.conf:2: Failed to add host route 198.51.100.0/24" "$T/err" || fail "no FILE:LINE for the clash"
snapshot "$T/after2"
assert_same_snapshot "$T/before2" "$T/after2"
pass "refused with FILE:LINE: a family the veth has no address of inside; a prefix the host routes elsewhere (nothing left)"
