#!/bin/bash
# wg-reply.sh - a [WireGuard] tunnel owning the default route (a real peer, configured with
# Debian's wg): a Port= forward answers at the host's own address and to another machine
# through the host (the VPN server's namespace stands for it), over IPv4 and IPv6, because the
# replies to what came in through the veth go back through it; a socket inside bound to the
# veth's address does not get out through the veth (counted on its host end).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/link-lib.sh"
. "$(dirname "$0")/wg-lib.sh"
command -v wg >/dev/null || { echo "skipped: no wg (Debian's wireguard-tools: the peer's side)"; exit 77; }
link_need wireguard

wg_start server client
ip netns add vpnsrv
ip link add up0 type veth peer name eth0 netns vpnsrv
ip addr add 192.0.2.1/24 dev up0
ip addr add 2001:db8:2::1/64 dev up0 nodad
ip link set up0 addrgenmode none up
in_ns vpnsrv ip link set lo up
in_ns vpnsrv ip addr add 192.0.2.2/24 dev eth0
in_ns vpnsrv ip addr add 2001:db8:2::2/64 dev eth0 nodad
in_ns vpnsrv ip link set eth0 up
in_ns vpnsrv ip link add wg0 type wireguard
in_ns vpnsrv wg set wg0 private-key "$K/server" listen-port 51820 peer "$(cat "$K/client.pub")" allowed-ips 10.2.0.2/32,fd00::2/128
in_ns vpnsrv ip addr add 10.2.0.1/24 dev wg0
in_ns vpnsrv ip addr add fd00::1/64 dev wg0 nodad
in_ns vpnsrv ip link set wg0 up

conf vpn <<X
[Veth]
[NAT]
Port=tcp:8091:9000
[WireGuard]
PrivateKeyFile=$K/client
Address=10.2.0.2/32 fd00::2/128
[WireGuardPeer]
PublicKey=$(cat "$K/server.pub")
Endpoint=192.0.2.2:51820
AllowedIPs=0.0.0.0/0, ::/0
X
nnc up vpn
in_ns vpn ip route show default | grep -q host0 && fail "the veth got a default route beside the tunnel"
for f in -4 -6; do
        assert_eq "$(in_ns vpn ip $f rule show fwmark 0x6e6e0001 | tr -s '\t ' ' ')" "28270: from all fwmark 0x6e6e0001 lookup 28270" "the reply rule ($f)"
        in_ns vpn ip $f route show table 28270 | grep -q "^default via .* dev host0" || fail "no reply route ($f): $(in_ns vpn ip $f route show table 28270)"
done
nsenter --net=/run/netns/vpn python3 -c '
import socket
s = socket.create_server(("::", 9000), family=socket.AF_INET6, dualstack_ipv6=True)
while True:
    c, a = s.accept()
    c.sendall(f"hi {a[0]}\n".encode())
    c.close()' &
PIDS+=($!)
hello() { # NS|host ADDR: what the daemon answers at port 8091 of ADDR, "" when nothing within 2 s
        local cmd=()
        [ "$1" = host ] || cmd=(nsenter --net="/run/netns/$1")
        "${cmd[@]}" python3 -c '
import socket, sys
try:
    print(socket.create_connection((sys.argv[1], 8091), timeout=2).recv(100).decode().strip())
except OSError:
    pass' "$2"
}
for ((i = 0; i < 50; i++)); do [ -n "$(hello host 127.0.0.1)" ] && break; sleep 0.1; done
assert_eq "$(hello host 127.0.0.1)" "hi ::ffff:$(in_ns vpn ip -4 route show table 28270 | cut -d' ' -f3)" "Port= from the host's 127.0.0.1"
assert_eq "$(hello host 192.0.2.1)" "hi ::ffff:192.0.2.1" "Port= from the host's own address"
assert_eq "$(hello vpnsrv 192.0.2.1)" "hi ::ffff:192.0.2.2" "Port= from another machine, IPv4"
assert_eq "$(hello vpnsrv 2001:db8:2::1)" "hi 2001:db8:2::2" "Port= from another machine, IPv6"
pass "Port= answers the host's own address and another machine (IPv4, IPv6) while the tunnel owns the way out"

# a socket bound to the veth's address inside is no reply: not one packet on the veth
nft -f - <<'X'
table inet replytest {
        chain pre {
                type filter hook prerouting priority -300;
                iifname "nn-vpn" tcp dport 9999 counter
        }
}
X
V4=$(in_ns vpn ip -4 -j addr show dev host0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["addr_info"][0]["local"])')
in_ns vpn python3 - "$V4" <<'PY'
import socket, sys
for dest in ("192.0.2.2", "192.0.2.1"):
    s = socket.socket()
    s.bind((sys.argv[1], 0))
    s.settimeout(1)
    try:
        s.connect((dest, 9999))
        sys.exit(f"connected to {dest}")
    except ConnectionRefusedError:
        sys.exit(f"{dest} refused: the SYN got there")
    except OSError:
        pass
PY
assert_eq "$(nft -j list chain inet replytest pre | python3 -c '
import json, sys
print(sum(e["counter"]["packets"] for o in json.load(sys.stdin)["nftables"] for e in o.get("rule", {}).get("expr", []) if "counter" in e))')" 0 "packets on the veth from a socket bound to its address inside"
nft delete table inet replytest
pass "a socket bound to the veth's address inside puts no packet on the veth"

kill "${PIDS[@]}" 2>/dev/null || true
wait 2>/dev/null || true
nnc down vpn
