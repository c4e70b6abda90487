#!/bin/bash
# wg-basic.sh - [WireGuard]: a tunnel to a real peer (configured with Debian's wg, not our
# code) that masquerades to a "world"; the device is born on the host and moved in; a TCP
# connection from inside reaches the world as the server's address (IPv4 and IPv6); the same
# from a provider's wg-quick file (two peers, DNS= into resolv.conf); kill switch: with the
# server's peer gone, connection attempts from inside put no packet on the veth or into the
# world, and an IPv4-only tunnel leaves IPv6 unreachable; no secret in the record, status
# or any command line; Inbound=drop: from the server's side only the listed port answers, the
# host reaches a UI through Port=; a world-readable key file refused; SIGKILL between creation and move,
# and after the step, then down: nothing left; down leaves the host as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/link-lib.sh"
. "$(dirname "$0")/world-lib.sh"
. "$(dirname "$0")/wg-lib.sh"
command -v wg >/dev/null || { echo "skipped: no wg (Debian's wireguard-tools: the peer's side)"; exit 77; }
link_need wireguard

wg_start server client other
SPUB=$(cat "$K/server.pub")
CPUB=$(cat "$K/client.pub")
CPRIV=$(cat "$K/client")
OPUB=$(cat "$K/other.pub")

# --- the world, and the VPN server between it and the host (its UDP port on 192.0.2.2)
wg_server vpnsrv up0 192.0.2.1 192.0.2.2 server "10.2.0.1/24 fd00::1/64" client:10.2.0.2/32,fd00::2/128
world_make vpnsrv "198.51.100.2/24 2001:db8:1::2/64" "198.51.100.1/24 2001:db8:1::1/64"
in_ns vpnsrv sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
in_ns vpnsrv nft -f - <<'X'
table inet srv {
        chain post {
                type nat hook postrouting priority srcnat;
                oifname "wan" masquerade
        }
}
X
for ((i = 0; i < 50; i++)); do [ -n "$(seen_as world 198.51.100.1)" ] && break; sleep 0.1; done
snapshot "$T/before"

# --- 1. [WireGuard] with a key file, [WireGuardPeer], a veth beside it, Inbound=drop
conf vpn <<X
[Veth]
[NAT]
Port=tcp:8091:9000
[Firewall]
Inbound=drop
AllowInbound=tcp:9001
[WireGuard]
PrivateKeyFile=$K/client
Address=10.2.0.2/32 fd00::2/128
[WireGuardPeer]
PublicKey=$SPUB
Endpoint=192.0.2.2:51820
AllowedIPs=0.0.0.0/0, ::/0
X
nnc up vpn
assert_eq "$(link_state wg0 in_ns vpn | cut -d' ' -f1-2,4)" "wg0 wireguard UP" "the tunnel inside"
assert_eq "$(wg_on_host)" "" "WireGuard devices left on the host"
in_ns vpn ip -4 route show default | grep -q "dev wg0" || fail "no IPv4 default through wg0: $(in_ns vpn ip -4 route)"
in_ns vpn ip -6 route show default | grep -q "dev wg0" || fail "no IPv6 default through wg0: $(in_ns vpn ip -6 route)"
in_ns vpn ip route show default | grep -q "host0" && fail "the veth got a default route beside the tunnel"
assert_eq "$(seen_as vpn 198.51.100.1)" 198.51.100.2 "the world sees (IPv4)"
assert_eq "$(seen_as vpn 2001:db8:1::1)" 2001:db8:1::2 "the world sees (IPv6)"
# the peer is ours: the server's wg reports our handshake
in_ns vpnsrv wg show wg0 latest-handshakes | grep -q "^$CPUB[[:space:]]*[1-9]" || fail "no handshake on the server"
pass "a TCP connection from inside reaches the world through the tunnel, as the server"

# --- status shows the tunnel: public key, port, the peer with endpoint, allowed IPs, handshake, bytes
"$NETNSCTL" status vpn --json >"$T/st.json" || fail "status --json failed"
python3 "$(dirname "$0")/list-schema.py" status <"$T/st.json" || fail "status --json does not match the schema"
python3 - "$T/st.json" "$CPUB" "$SPUB" <<'PY' || fail "status --json does not show the tunnel as it is"
import json, sys
doc = json.load(open(sys.argv[1]))
wg = doc["wireguard"]
assert len(wg) == 1 and wg[0]["ifname"] == "wg0", wg
assert wg[0]["public_key"] == sys.argv[2], wg
assert wg[0]["listen_port"] > 0, wg
p = wg[0]["peers"]
assert len(p) == 1 and p[0]["public_key"] == sys.argv[3], p
assert p[0]["endpoint"] == "192.0.2.2:51820", p
assert sorted(p[0]["allowed_ips"]) == ["0.0.0.0/0", "::/0"], p
assert p[0]["latest_handshake"] and p[0]["rx_bytes"] > 0 and p[0]["tx_bytes"] > 0, p
PY
"$NETNSCTL" status vpn | grep -qF "peer $SPUB endpoint 192.0.2.2:51820" || fail "status does not show the peer"
pass "status and --json show the tunnel (keys, port, endpoint, allowed IPs, handshake, bytes)"

# --- Inbound=drop through the tunnel: daemons inside bound to 0.0.0.0; from the VPN server's
# side the unlisted port is closed, the listed one open; the host reaches the unlisted one
# as a UI through Port=
hello() { # NS|host ADDR PORT: what a daemon answers, "" when nothing does within 2 s
        local cmd=()
        [ "$1" = host ] || cmd=(nsenter --net="/run/netns/$1")
        "${cmd[@]}" python3 -c '
import socket, sys
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
    print(s.recv(100).decode().strip())
except OSError:
    pass' "$2" "$3"
}
DAEMONS=()
for port in 9000 9001; do
        # nsenter execs python: $! is the daemon itself
        nsenter --net=/run/netns/vpn python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(8)
while True:
    c, a = s.accept()
    c.sendall(b"hi\n")
    c.close()' "$port" &
        DAEMONS+=($!)
        PIDS+=($!)
done
for ((i = 0; i < 50; i++)); do
        [ "$(in_ns vpn ss -Hn -4lt '( sport = :9000 or sport = :9001 )' | wc -l)" = 2 ] && break
        sleep 0.1
done
in_ns vpn nft -j list chain inet netnsctl input | python3 -c '
import json, sys
c = [o["chain"] for o in json.load(sys.stdin)["nftables"] if "chain" in o][0]
assert (c["hook"], c["policy"]) == ("input", "drop"), c' || fail "no firewall inside with policy drop"
assert_eq "$(hello vpnsrv 10.2.0.2 9001)" hi "the VPN server's side -> listed port 9001 over the tunnel"
assert_eq "$(hello vpnsrv 10.2.0.2 9000)" "" "the VPN server's side -> unlisted port 9000 over the tunnel"
assert_eq "$(hello host 127.0.0.1 8091)" hi "the host -> the daemon on 9000 through Port=8091"
kill "${DAEMONS[@]}" 2>/dev/null || true
wait "${DAEMONS[@]}" 2>/dev/null || true
pass "Inbound=drop: over the tunnel only the listed port; the host reaches a UI through Port="

# --- secrets: not in the record, status, or any command line
# every file netnsctl keeps (not the namespace's sysfs mounted there)
find /run/netnsctl -path '*/sys' -prune -o -type f -print0 | xargs -0 grep -qF "$CPRIV" &&
        fail "the private key is in /run/netnsctl"
"$NETNSCTL" status vpn --json >"$T/status.json" 2>&1 || true
"$NETNSCTL" status vpn >>"$T/status.json" 2>&1 || true
grep -qF "$CPRIV" "$T/status.json" && fail "the private key is in status"
# (the key is read from its file: a grep with it as argument would find itself)
python3 - "$K/client" <<'PY' || fail "the private key is on a command line"
import glob, sys
key = open(sys.argv[1]).read().strip().encode()
for f in glob.glob("/proc/[0-9]*/cmdline"):
    try:
        if key in open(f, "rb").read():
            sys.exit(f + " has it")
    except OSError:
        pass
PY
grep -qx "wg wg0" /run/netnsctl/vpn/state || fail "no 'wg wg0' line in the record"
pass "no secret in the record, status, or /proc/*/cmdline"

# --- kill switch: the server forgets us; nothing leaves but through the tunnel
HOSTIF=$(sed -n 's/^veth //p' /run/netnsctl/vpn/state)
[ -n "$HOSTIF" ] || fail "no veth line in the record"
nft -f - <<X
table inet wgtest {
        chain pre {
                type filter hook prerouting priority 0;
                iifname "$HOSTIF" meta l4proto tcp counter
                iifname "$HOSTIF" ip daddr 198.51.100.0/24 counter
                iifname "$HOSTIF" ip6 daddr 2001:db8:1::/64 counter
        }
}
X
in_ns vpnsrv wg set wg0 peer "$CPUB" remove
w_before=$(world_count)
# 10 attempts per family from one process (a python per attempt is slow in the VM)
in_ns vpn python3 - <<'PY' || fail "a connection got through without the peer"
import socket, sys
for i in range(10):
    for dest in ("198.51.100.1", "2001:db8:1::1"):
        try:
            socket.create_connection((dest, 8000), timeout=1).close()
            sys.exit(f"attempt {i} to {dest} connected")
        except OSError:
            pass
PY
counts=$(nft -j list chain inet wgtest pre | python3 -c '
import json, sys
print(" ".join(str(e["counter"]["packets"]) for o in json.load(sys.stdin)["nftables"] for e in o.get("rule", {}).get("expr", []) if "counter" in e))')
assert_eq "$counts" "0 0 0" "packets from inside on the veth's host end (tcp, to the world v4, v6)"
assert_eq "$(world_count)" "$w_before" "connections arriving in the world"
nft delete table inet wgtest
in_ns vpnsrv wg set wg0 peer "$CPUB" allowed-ips 10.2.0.2/32,fd00::2/128
pass "with the peer gone, 20 connection attempts put no packet on the veth or into the world"

nnc down vpn
assert_eq "$(wg_on_host)" "" "WireGuard devices on the host after down"
[ -e /run/netns/vpn ] && fail "vpn still pinned"

# --- 2. a provider's wg-quick file: spacing, DNS, two peers
umask 077
cat >"$K/provider.conf" <<X
# as a VPN provider hands it out
[Interface]
PrivateKey = $CPRIV
Address = 10.2.0.2/32, fd00::2/128
DNS = 10.2.0.1, vpn.example

[Peer]
PublicKey = $SPUB
AllowedIPs = 0.0.0.0/0, ::/0
Endpoint = 192.0.2.2:51820
PersistentKeepalive = 25

[Peer]
PublicKey = $OPUB
AllowedIPs = 10.99.0.0/24
Endpoint = 192.0.2.9:51820
X
umask 022
conf prov <<X
[WireGuard]
Name=tun0
ConfigFile=$K/provider.conf
X
nnc up prov
assert_eq "$(seen_as prov 198.51.100.1)" 198.51.100.2 "the world sees (provider file)"
in_ns prov ip route show 10.99.0.0/24 | grep -q "dev tun0" || fail "no route for the second peer's AllowedIPs"
grep -qx "nameserver 10.2.0.1" /run/netnsctl/prov/resolv.conf || fail "the file's DNS= is not the namespace's name server"
grep -qx "search vpn.example" /run/netnsctl/prov/resolv.conf || fail "the file's search domain is missing"
nnc down prov
pass "a provider's wg-quick file: connection, second peer's route, resolv.conf"

# --- 3. IPv4-only tunnel: IPv6 is unreachable inside, not sent through the veth
conf v4 <<X
[Veth]
[WireGuard]
PrivateKeyFile=$K/client
Address=10.2.0.2/32
[WireGuardPeer]
PublicKey=$SPUB
Endpoint=192.0.2.2:51820
AllowedIPs=0.0.0.0/0
X
nnc up v4
in_ns v4 ip -6 route show default | grep -q "^unreachable default" || fail "no unreachable IPv6 default: $(in_ns v4 ip -6 route)"
assert_eq "$(seen_as v4 198.51.100.1)" 198.51.100.2 "the world sees (IPv4-only tunnel)"
assert_eq "$(seen_as v4 2001:db8:1::1)" "" "IPv6 from an IPv4-only tunnel"
nnc down v4
pass "an IPv4-only tunnel leaves IPv6 unreachable"

# --- 4. a key file others can read: refused, naming it; nothing made
chmod 0644 "$K/client"
nnc_fails up vpn
grep -qF "$K/client" "$T/err" || fail "the refusal does not name the key file"
grep -qF "$CPRIV" "$T/err" && fail "the refusal shows the key"
assert_eq "$(wg_on_host)" "" "WireGuard devices after the refusal"
[ -e /run/netns/vpn ] && fail "vpn pinned after a refused up"
chmod 0600 "$K/client"
pass "a world-readable key file is refused"

# --- 5. SIGKILL between the creation on the host and the move, and after the step
NETNSCTL_TEST_KILL_AFTER=wireguard-created "$NETNSCTL" up vpn 2>/dev/null && fail "up was not killed"
[ -n "$(wg_on_host)" ] || fail "the kill left no device on the host (the test hook did not fire)"
nnc down vpn
assert_eq "$(wg_on_host)" "" "WireGuard devices after a crash and down"
NETNSCTL_TEST_KILL_AFTER=wireguard "$NETNSCTL" up vpn 2>/dev/null && fail "up was not killed"
nnc up vpn
assert_eq "$(seen_as vpn 198.51.100.1)" 198.51.100.2 "the world sees (after a crashed up)"
nnc down vpn
pass "SIGKILL during up, then down or up: cleaned up"

snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down leaves the host as it was (no WireGuard device, nothing in nftables)"
