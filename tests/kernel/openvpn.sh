#!/bin/bash
# openvpn.sh - netns.conf(5)'s OpenVPN recipe, as pasted from the man page: Debian's openvpn as
# the server (a PKI made here) in a namespace between the host and a "world", forwarding
# the tunnel's traffic there masqueraded; the client namespace by "netnsctl up" from the
# recipe's file, the client openvpn inside it with the recipe's provider.conf. A TCP
# connection from inside reaches the world as the server's address; the host reaches the
# world too (as itself), so a packet the namespace put on its veth would get there. After
# SIGKILL of the client: its tun device and routes gone, the unreachable default left,
# connection attempts from inside fail at once and put no packet on the veth (counted on
# its host end) nor into the world; down leaves the host as it was. The recipe's Port=
# (a web interface inside) answers at the host's own address and to a "LAN" namespace the
# host routes, with the tunnel up and after the client died (a strict rp_filter inside),
# also a Port= added by reload; a socket bound to the veth's address inside never gets out
# through the veth; status shows the replies' way.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/world-lib.sh"
command -v openvpn >/dev/null || { echo "skipped: no openvpn (Debian's openvpn: both ends of the tunnel)"; exit 77; }
command -v openssl >/dev/null || { echo "skipped: no openssl (the tunnel's certificates)"; exit 77; }
[ -c /dev/net/tun ] || { echo "skipped: no /dev/net/tun"; exit 77; }

# (background processes are started so that $! is theirs: nsenter execs them)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

# the recipe's files go where it says; /etc/openvpn is the sandbox's own
mkdir -p /etc/openvpn
mount -t tmpfs -o mode=0755 tmpfs /etc/openvpn
python3 "$(dirname "$0")/../man-example.py" "Confining a service to an OpenVPN tunnel" >"$T/files" ||
        fail "the man page example could not be extracted"
assert_eq "$(sort "$T/files" | tr '\n' ' ')" "/etc/netns/ovpn.conf /etc/openvpn/client/provider.conf " "the recipe's files"

# --- what the provider has and hands out: certificates, the server's configuration
bash "$(dirname "$0")/../openvpn-pki.sh" /etc/openvpn/server /etc/openvpn/client || fail "making the certificates failed"

# --- the host, the VPN server (198.51.100.7, the recipe's) and the world behind it.
# The host's default route goes through the server's machine too: it forwards plain traffic
# to the world unchanged, and masquerades only the tunnel's.
ip netns add vpnsrv
ip link add up0 type veth peer name eth0 netns vpnsrv
ip addr add 198.51.100.1/24 dev up0
ip link set up0 addrgenmode none up
ip route add default via 198.51.100.7
in_ns vpnsrv ip link set lo up
in_ns vpnsrv ip addr add 198.51.100.7/24 dev eth0
in_ns vpnsrv ip link set eth0 up
world_make vpnsrv 203.0.113.7/24 203.0.113.1/24
in_ns world ip route add 198.51.100.0/24 via 203.0.113.7
in_ns vpnsrv sysctl -qw net.ipv4.ip_forward=1
in_ns vpnsrv nft -f - <<'X'
table inet srv {
        chain post {
                type nat hook postrouting priority srcnat;
                iifname "tun*" oifname "wan" masquerade
        }
}
X
nsenter --net=/run/netns/vpnsrv -- openvpn --cd /etc/openvpn/server --config server.conf >"$T/server.log" 2>&1 &
PIDS+=($!)
for ((i = 0; i < 100; i++)); do in_ns vpnsrv ip link show tun0 >/dev/null 2>&1 && break; sleep 0.1; done
in_ns vpnsrv ip link show tun0 >/dev/null 2>&1 || { cat "$T/server.log" >&2; fail "the server made no tun0"; }
world_wait
assert_eq "$(seen_as "" 203.0.113.1)" 198.51.100.1 "the world sees the host (a leak's way out works)"
# a LAN behind the host, which routes it
ip netns add lan
ip link add lan0 type veth peer name eth0 netns lan
ip addr add 192.0.2.1/24 dev lan0
ip link set lan0 addrgenmode none up
in_ns lan ip addr add 192.0.2.2/24 dev eth0
in_ns lan ip link set eth0 up
in_ns lan ip route add default via 192.0.2.1
sysctl -qw net.ipv4.ip_forward=1
snapshot "$T/before"

# --- the recipe: the namespace, then the client as openvpn-client@provider.service runs it
nnc check ovpn
nnc up ovpn
in_ns ovpn ip -4 route show default | grep -q "^unreachable default" || fail "no unreachable default: $(in_ns ovpn ip -4 route)"
in_ns ovpn ip -6 route show default | grep -q "^unreachable default" || fail "no unreachable IPv6 default: $(in_ns ovpn ip -6 route)"
assert_eq "$(in_ns ovpn ip -4 route show 198.51.100.7 | tr -s ' ')" "198.51.100.7 via 10.250.99.0 dev host0 proto static " "the route to the server"
assert_eq "$(seen_as ovpn 203.0.113.1)" "" "the world from inside before the tunnel"
(cd /etc/openvpn/client && exec "$NETNSCTL" exec ovpn -- openvpn --suppress-timestamps --nobind --config provider.conf) \
        >"$T/client.log" 2>&1 &
CPID=$!
PIDS+=($CPID)
for ((i = 0; i < 300; i++)); do in_ns ovpn ip route show 128.0.0.0/1 | grep -q "dev tun0" && break; sleep 0.1; done
in_ns ovpn ip route show 128.0.0.0/1 | grep -q "dev tun0" || { cat "$T/client.log" >&2; fail "the client routed nothing through tun0: $(in_ns ovpn ip -4 route)"; }
in_ns ovpn ip route show 0.0.0.0/1 | grep -q "dev tun0" || fail "no 0.0.0.0/1 through tun0: $(in_ns ovpn ip -4 route)"
assert_eq "$(seen_as ovpn 203.0.113.1)" 203.0.113.7 "the world sees (through the tunnel)"
pass "the recipe as pasted: openvpn inside reaches its server through the veth; a TCP connection reaches the world as the server"

# --- the web interface (Port=tcp:9091) from the host's own address and from a LAN behind the
# host, while the tunnel owns the way out: replies to what came in through the veth go back
# through it, by the mark of their connection
assert_eq "$(in_ns ovpn ip -4 rule show fwmark 0x6e6e0001 | tr -s '\t ' ' ')" "28270: from all fwmark 0x6e6e0001 lookup 28270" "the reply rule inside"
assert_eq "$(in_ns ovpn ip -4 route show table 28270 | tr -s ' ')" "default via 10.250.99.0 dev host0 proto static " "the reply route inside"
assert_eq "$(in_ns ovpn ip -6 rule show fwmark 0x6e6e0001)" "" "an IPv6 reply rule (the veth has no IPv6)"
in_ns ovpn nft -j list table inet netnsctl-reply >/dev/null || fail "no table inet netnsctl-reply inside"
"$NETNSCTL" status --json ovpn | python3 "$(dirname "$0")/list-schema.py" status || fail "status --json does not match its schema"
assert_eq "$("$NETNSCTL" status --json ovpn | python3 -c 'import json, sys; r = json.load(sys.stdin)["replies"]; print(r["table"], r["ifname"])')" \
        "present host0" "status --json: the replies"
"$NETNSCTL" status ovpn | grep -q "Replies: *through host0: connections that come in on it are marked 0x6e6e0001" ||
        fail "status shows no replies: $("$NETNSCTL" status ovpn)"
nsenter --net=/run/netns/ovpn -- python3 -c '
import socket
s = socket.create_server(("0.0.0.0", 9091))
while True:
    c, a = s.accept()
    c.sendall(f"ui {a[0]}\n".encode())
    c.close()' &
UIPID=$!
PIDS+=($UIPID)
ui() { # FROM ADDR [PORT]: what the web interface answers, empty when nothing
        ${1:+in_ns "$1"} python3 -c '
import socket, sys
try:
    print(socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).recv(100).decode().strip())
except OSError:
    pass' "$2" "${3:-9091}"
}
# the namespace may inherit a strict rp_filter from the host: the mark finds the way back
assert_eq "$(in_ns ovpn sysctl -n net.ipv4.conf.host0.src_valid_mark)" 1 "src_valid_mark on the veth inside"
in_ns ovpn sysctl -qw net.ipv4.conf.all.rp_filter=1
for ((i = 0; i < 50; i++)); do [ -n "$(ui "" 127.0.0.1)" ] && break; sleep 0.1; done
assert_eq "$(ui "" 127.0.0.1)" "ui 10.250.99.0" "the web interface from the host's 127.0.0.1"
assert_eq "$(ui "" 198.51.100.1)" "ui 198.51.100.1" "the web interface from the host's own address"
assert_eq "$(ui lan 192.0.2.1)" "ui 192.0.2.2" "the web interface from the LAN, at the host's address there"
assert_eq "$(ui lan 10.250.99.1)" "ui 192.0.2.2" "the web interface from the LAN, routed by the host to the namespace"
# a connection the namespace opens from the veth's address inside is not a reply: the tunnel
# carries it (the server masquerades it into the world), never the veth
assert_eq "$(in_ns ovpn python3 -c '
import socket
s = socket.socket()
s.bind(("10.250.99.1", 0))
s.settimeout(2)
try:
    s.connect(("192.0.2.2", 22))
    print("connected")
except OSError as e:
    print(type(e).__name__)')" "TimeoutError" "a socket bound to the veth's address inside, to the LAN (refused: it got there)"
pass "Port=tcp:9091 answers the host's own and the LAN's clients through the veth while the tunnel owns the way out"

# a Port= added by reload: answered the same way (the replies do not depend on the forwards)
sed -i 's/^Port=tcp:9091$/&\nPort=tcp:9092:9091/' /etc/netns/ovpn.conf
nnc reload ovpn
assert_eq "$(ui "" 198.51.100.1 9092)" "ui 198.51.100.1" "a Port= added by reload, from the host's own address"
assert_eq "$(ui lan 192.0.2.1 9092)" "ui 192.0.2.2" "a Port= added by reload, from the LAN"
assert_eq "$(in_ns ovpn ip -4 rule show fwmark 0x6e6e0001 | tr -s '\t ' ' ')" "28270: from all fwmark 0x6e6e0001 lookup 28270" "the reply rule after reload"
pass "a Port= added by reload answers the host's own and the LAN's clients too"

# --- kill switch: the client dies; nothing leaves but what goes to the server
nft -f - <<'X'
table inet ovpntest {
        chain pre {
                type filter hook prerouting priority -300;
                iifname "nn-ovpn" meta nfproto ipv4 ip daddr != 198.51.100.7 counter
                iifname "nn-ovpn" meta nfproto ipv6 ip6 daddr != { fe80::/10, ff00::/8 } counter
        }
}
X
w_before=$(world_count)
kill -KILL "$CPID"
wait "$CPID" 2>/dev/null || true
for ((i = 0; i < 50; i++)); do in_ns ovpn ip link show tun0 >/dev/null 2>&1 || break; sleep 0.1; done
in_ns ovpn ip link show tun0 >/dev/null 2>&1 && fail "tun0 is still there after the client died"
assert_eq "$(in_ns ovpn ip -4 route show default | cut -d' ' -f1-2)" "unreachable default" "IPv4 default after the client died"
in_ns ovpn python3 - <<'PY' || fail "a connection attempt did not fail at once as unreachable"
import errno, socket, sys, time
for i in range(20):
    for dest, src in (("203.0.113.1", None), ("2001:db8::1", None), ("203.0.113.1", "10.250.99.1"), ("192.0.2.2", "10.250.99.1")):
        t = time.monotonic()
        try:
            socket.create_connection((dest, 8000), timeout=2, source_address=(src, 0) if src else None).close()
            sys.exit(f"attempt {i} to {dest} connected")
        except OSError as e:
            if e.errno not in (errno.EHOSTUNREACH, errno.ENETUNREACH) or time.monotonic() - t > 0.5:
                sys.exit(f"attempt {i} to {dest}: {e} after {time.monotonic() - t:.2f} s")
PY
counts=$(nft -j list chain inet ovpntest pre | python3 -c '
import json, sys
print(" ".join(str(e["counter"]["packets"]) for o in json.load(sys.stdin)["nftables"] for e in o.get("rule", {}).get("expr", []) if "counter" in e))')
assert_eq "$counts" "0 0" "packets from inside on the veth's host end, but to the server (v4, v6)"
assert_eq "$(world_count)" "$w_before" "connections arriving in the world"
nft delete table inet ovpntest
pass "the client SIGKILLed: 80 connection attempts (20 from the veth's address inside) fail at once (unreachable), no packet on the veth or into the world"

assert_eq "$(ui "" 198.51.100.1)" "ui 198.51.100.1" "the web interface from the host's own address, the tunnel gone"
assert_eq "$(ui lan 192.0.2.1)" "ui 192.0.2.2" "the web interface from the LAN, the tunnel gone"
pass "the web interface still answers through the veth with the tunnel gone (strict rp_filter inside)"

kill "$UIPID"
wait "$UIPID" 2>/dev/null || true
nnc down ovpn
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down leaves the host as it was"
