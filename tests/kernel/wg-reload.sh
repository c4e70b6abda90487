#!/bin/bash
# wg-reload.sh - reload of a [WireGuard] tunnel in place, against real peers (two servers
# configured with Debian's wg, not our code): a peer added by reload handshakes and its
# AllowedIPs= route works while a ping through the first peer loses no packet, the device
# keeps its ifindex and the first peer its session; the plan (--dry-run) names the peer and
# shows no secret; a reload with a bad new peer (an Endpoint= that does not resolve) or a
# failure injected after the device changed leaves device, addresses and routes exactly as
# they were; what cannot change in place is refused naming the key; a peer removed by reload
# is gone from the device with its route; AllowedIPs= gaining a default route brings the
# kill switch's unreachable default for the other family, and losing it takes it away; down
# leaves the host as it was. One VM boot for all of it (link-lib.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/link-lib.sh"
. "$(dirname "$0")/wg-lib.sh"
command -v wg >/dev/null || { echo "skipped: no wg (Debian's wireguard-tools: the peers' side)"; exit 77; }
command -v ping >/dev/null || { echo "skipped: no ping (iputils-ping)"; exit 77; }
link_need wireguard

wg_start srv1 srv2 client
(umask 077 && wg genpsk >"$K/psk")
S1=$(cat "$K/srv1.pub")
S2=$(cat "$K/srv2.pub")
CPUB=$(cat "$K/client.pub")
CPRIV=$(cat "$K/client")
PSK=$(cat "$K/psk")

# --- two servers, each behind a veth of the (sandbox) host: UDP 51820 on 192.0.2.2 and 192.0.3.2
wg_server srv1 up1 192.0.2.1 192.0.2.2 srv1 10.2.0.1/24 client:10.2.0.2/32
wg_server srv2 up2 192.0.3.1 192.0.3.2 srv2 10.3.0.1/24 client:10.2.0.2/32
# (the client's tunnel address is outside server 2's subnet)
in_ns srv1 ip route add 10.2.0.2/32 dev wg0 2>/dev/null || true
in_ns srv2 ip route add 10.2.0.2/32 dev wg0 2>/dev/null || true
snapshot "$T/before"

handshake() { # SERVER-NS: the latest handshake of the client's peer there (0 = never)
        in_ns "$1" wg show wg0 latest-handshakes | awk -v k="$CPUB" '$1 == k { print $2 }'
}
ifindex() {
        ip -n vpn -j link show wg0 | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["ifindex"])'
}
# the device as the kernel has it: keys, port, mark, peers (without the counters and times,
# which traffic moves), its addresses and the routes inside
device_dump() {
        in_ns vpn wg show wg0 dump | awk -F'\t' 'NR == 1 { print; next } { print $1, $2, $3, $4, $8 }' | sort
        ip -n vpn -o addr show dev wg0 | awk '{ print $3, $4 }'
        ip -n vpn route show table all | grep -v "^local\|^multicast\|^broadcast\|fe80::" | sort
}
peers() {
        in_ns vpn wg show wg0 peers | sort | tr '\n' ' '
}
base_conf() { # extra lines for [WireGuard], then whole sections
        cat <<X
[WireGuard]
PrivateKeyFile=$K/client
Address=10.2.0.2/32
$1
[WireGuardPeer]
PublicKey=$S1
Endpoint=192.0.2.2:51820
AllowedIPs=${P1_ALLOWED:-10.2.0.0/24}
PersistentKeepalive=5
$2
X
}
PEER2="[WireGuardPeer]
PublicKey=$S2
PresharedKeyFile=$K/psk
Endpoint=192.0.3.2:51820
AllowedIPs=10.3.0.0/24"
# wg sets the same preshared key on server 2
in_ns srv2 wg set wg0 peer "$CPUB" preshared-key "$K/psk"

# --- 1. up with peer 1; traffic through it
base_conf "" "" | conf vpn
nnc up vpn
in_ns vpn ping -c 1 -W 5 10.2.0.1 >/dev/null || fail "no ping through peer 1"
IFX=$(ifindex)
HS1=$(handshake srv1)
[ "${HS1:-0}" != 0 ] || fail "server 1 saw no handshake"
pass "up: a tunnel with one peer, traffic through it"

# --- 2. the plan of adding peer 2: named, no secret
base_conf "" "$PEER2" | conf vpn
"$NETNSCTL" reload --dry-run vpn >"$T/plan" 2>&1 || { cat "$T/plan"; fail "reload --dry-run failed"; }
cat "$T/plan"
grep -qF "+ wireguard wg0 peer $S2 allowed-ips 10.3.0.0/24 endpoint 192.0.3.2:51820 preshared-key" "$T/plan" ||
        grep -qF "+ wireguard wg0 peer $S2 allowed-ips 10.3.0.0/24 endpoint 192.0.3.2:51820" "$T/plan" ||
        fail "the plan does not name the new peer"
grep -q "+ route unicast 10.3.0.0/24 dev wg0" "$T/plan" || fail "the plan does not show the new route"
grep -qF "$PSK" "$T/plan" && fail "the plan shows the preshared key"
grep -qF "$CPRIV" "$T/plan" && fail "the plan shows the private key"
assert_eq "$(peers)" "$S1 " "peers after a dry run"
pass "reload --dry-run names the new peer and its route, and shows no key"

# --- 3. reload adds peer 2 while a ping runs through peer 1
in_ns vpn ping -n -i 0.05 -c 160 -W 2 10.2.0.1 >"$T/ping" 2>&1 &
PING=$!
PIDS+=($PING)
sleep 2
nnc reload vpn
wait "$PING" || true
cat "$T/ping" | tail -n 2
grep -q "160 packets transmitted, 160 received" "$T/ping" || fail "the ping through peer 1 lost packets during the reload: $(tail -n 2 "$T/ping")"
assert_eq "$(ifindex)" "$IFX" "the device's ifindex after reload"
assert_eq "$(handshake srv1)" "$HS1" "peer 1's latest handshake on server 1 (a new one means its session was lost)"
assert_eq "$(peers)" "$(printf '%s\n' "$S1" "$S2" | sort | tr '\n' ' ')" "peers after reload"
ip -n vpn route show 10.3.0.0/24 | grep -q "dev wg0" || fail "no route for peer 2's AllowedIPs: $(ip -n vpn route)"
in_ns vpn ping -c 1 -W 5 10.3.0.1 >/dev/null || in_ns vpn ping -c 1 -W 5 10.3.0.1 >/dev/null || fail "no ping through peer 2"
[ "$(handshake srv2)" != 0 ] || fail "server 2 saw no handshake from the peer reload added"
pass "reload adds peer 2: it handshakes (with the preshared key) and its route works; 160/160 pings through peer 1, same ifindex, same session"

# --- 4. a bad new peer: nothing changes, the key named
device_dump >"$T/dev-before"
{ base_conf "" "$PEER2"; cat <<X
[WireGuardPeer]
PublicKey=$(wg genkey | wg pubkey)
Endpoint=no-such-host.invalid:51820
AllowedIPs=10.4.0.0/24
X
} | conf vpn
line=$(grep -n "Endpoint=no-such-host" /etc/netns/vpn.conf | cut -d: -f1)
nnc_fails reload vpn
grep -qF "vpn.conf:$line: Endpoint=no-such-host.invalid" "$T/err" || fail "the refusal does not name the Endpoint= line (vpn.conf:$line)"
device_dump >"$T/dev-after"
diff "$T/dev-before" "$T/dev-after" || fail "a refused reload changed the device"
# a name that cannot change in place: refused naming it, and a restart
base_conf "Name=wg9" "$PEER2" | conf vpn
nnc_fails reload vpn
grep -q "Name=.*restart" "$T/err" || fail "a changed Name= is not refused as needing a restart"
# a failure after the device changed (a new port, peer 2 removed, a peer added): all put back
{ base_conf "ListenPort=51999" ""; cat <<X
[WireGuardPeer]
PublicKey=$(wg genkey | wg pubkey)
AllowedIPs=10.5.0.0/24
X
} | conf vpn
NETNSCTL_TEST_FAIL_STEP=reload-routes "$NETNSCTL" reload vpn 2>"$T/err" && fail "the injected failure did not fail reload"
grep -q "putting back" "$T/err" || { cat "$T/err"; fail "reload did not say it puts back what was in force"; }
device_dump >"$T/dev-after"
diff "$T/dev-before" "$T/dev-after" || fail "a failed reload did not put the device back"
assert_eq "$(ifindex)" "$IFX" "the device's ifindex after a failed reload"
pass "a bad Endpoint= is refused naming FILE:LINE, Name= needs a restart, a failure puts back keys, port, peers, routes"

# --- 5. reload removes peer 2: gone from the device, and its route
base_conf "" "" | conf vpn
nnc reload vpn
assert_eq "$(peers)" "$S1 " "peers after removing peer 2"
[ -z "$(ip -n vpn route show 10.3.0.0/24)" ] || fail "peer 2's route is left: $(ip -n vpn route show 10.3.0.0/24)"
in_ns vpn ping -c 1 -W 5 10.2.0.1 >/dev/null || fail "no ping through peer 1 after removing peer 2"
assert_eq "$(ifindex)" "$IFX" "the device's ifindex"
pass "reload removes peer 2: gone from the device, its route gone, peer 1 still passes traffic"

# --- 6. the kill switch follows AllowedIPs=
P1_ALLOWED="0.0.0.0/0" base_conf "" "" | conf vpn
nnc reload vpn
ip -n vpn -4 route show default | grep -q "dev wg0" || fail "no IPv4 default through wg0: $(ip -n vpn -4 route)"
ip -n vpn -6 route show default | grep -q "^unreachable default" || fail "no unreachable IPv6 default: $(ip -n vpn -6 route)"
[ -z "$(ip -n vpn route show 10.2.0.0/24)" ] || fail "the old AllowedIPs= route is left"
base_conf "" "" | conf vpn
nnc reload vpn
[ -z "$(ip -n vpn -4 route show default)" ] || fail "the IPv4 default is left: $(ip -n vpn -4 route show default)"
[ -z "$(ip -n vpn -6 route show default)" ] || fail "the unreachable IPv6 default is left: $(ip -n vpn -6 route show default)"
in_ns vpn ping -c 1 -W 5 10.2.0.1 >/dev/null || fail "no ping through peer 1 after the kill switch went"
# a reload with nothing changed: silent, nothing changes
device_dump >"$T/dev-before"
out=$("$NETNSCTL" reload vpn 2>&1) || fail "an empty reload failed: $out"
assert_eq "$out" "" "what an empty reload says"
device_dump >"$T/dev-after"
diff "$T/dev-before" "$T/dev-after" || fail "an empty reload changed the device"
pass "AllowedIPs= 0.0.0.0/0 brings the tunnel's default and an unreachable IPv6 default, and takes them away again; an empty reload is silent"

nnc down vpn
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down leaves the host as it was"
ip netns del srv1
ip netns del srv2
ip link del up1 2>/dev/null || true
ip link del up2 2>/dev/null || true
