#!/bin/bash
# wireguard.sh - what a WireGuard tunnel living in a namespace costs, measured side by side:
# TCP throughput (iperf3) through the tunnel with its device inside a namespace brought up by
# "netnsctl up", against the same tunnel (same server, same kind of peer) configured on the
# host; and the time of "netnsctl up" of a namespace with [WireGuard] against a veth-only one
# (the handshake is not counted: up does not wait for it). Not a pass/fail test: it prints the
# figures, the ratios and the goals next to them. See bench/README.md.
#
# Usage (root): bench/wireguard.sh
# Environment:
#   NETNSCTL      default: build/helper/netnsctl of this tree
#   ROUNDS        default 5: throughput runs per way, alternating (the ratio is of the medians)
#   SECS          default 3: seconds per iperf3 run
#   UPS           default 15: timed "up"s per configuration, alternating
#
# It runs in the kernel tests' sandbox (tests/kernel/lib.sh: unshare --net --mount, its own
# /run and /etc/netns); a kernel without WireGuard (this machine's) runs it in the QEMU VM on
# Debian's kernel instead (tests/kernel/link-lib.sh), one emulated CPU: the absolute figures
# there are small, the ratios are what counts. The VM is configured by the kernel command
# line only, so there ROUNDS, SECS, UPS keep their defaults.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/kernel/lib.sh"
. "$here/../tests/kernel/link-lib.sh"
. "$here/../tests/kernel/wg-lib.sh"
for c in wg iperf3; do
        command -v "$c" >/dev/null || { echo "wireguard.sh: $c is missing (Debian: wireguard-tools, iperf3)" >&2; exit 1; }
done
link_need wireguard
: "${ROUNDS:=5}" "${SECS:=3}" "${UPS:=15}"

wg_start srv ns host

# --- the server: its own namespace behind a veth of the (sandbox) host, UDP 51820 on
# 192.0.2.2, two peers: the namespace's tunnel (10.2.0.2) and the host's (10.2.0.3)
ip netns add srv
ip link add up0 type veth peer name eth0 netns srv
ip addr add 192.0.2.1/24 dev up0
ip link set up0 up
in_ns srv ip link set lo up
in_ns srv ip addr add 192.0.2.2/24 dev eth0
in_ns srv ip link set eth0 up
in_ns srv ip link add wg0 type wireguard
in_ns srv wg set wg0 private-key "$K/srv" listen-port 51820 \
        peer "$(cat "$K/ns.pub")" allowed-ips 10.2.0.2/32 \
        peer "$(cat "$K/host.pub")" allowed-ips 10.2.0.3/32
in_ns srv ip addr add 10.2.0.1/24 dev wg0
in_ns srv ip link set wg0 up
# iperf3 keeps a buffer file in $TMPDIR (else /tmp: read-only in the VM)
export TMPDIR=$T
in_ns srv iperf3 -s -B 10.2.0.1 >/dev/null 2>&1 &
PIDS+=($!)

# --- the tunnel inside a namespace
conf vpn <<X
[WireGuard]
PrivateKeyFile=$K/ns
Address=10.2.0.2/32
[WireGuardPeer]
PublicKey=$(cat "$K/srv.pub")
Endpoint=192.0.2.2:51820
AllowedIPs=10.2.0.0/24
X
"$NETNSCTL" up vpn || fail "up vpn failed"
# --- the same tunnel on the host
ip link add wgh type wireguard
wg set wgh private-key "$K/host" peer "$(cat "$K/srv.pub")" endpoint 192.0.2.2:51820 allowed-ips 10.2.0.1/32
ip addr add 10.2.0.3/32 dev wgh
ip link set wgh up
ip route add 10.2.0.1/32 dev wgh
for ((i = 0; i < 50; i++)); do
        in_ns vpn ping -c 1 -W 1 10.2.0.1 >/dev/null 2>&1 && ping -c 1 -W 1 10.2.0.1 >/dev/null 2>&1 && break
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mbits() { # [in_ns NS]: one iperf3 run to the server, Mbit/s received (0 and iperf3's error on stderr)
        "$@" iperf3 -c 10.2.0.1 -t "$SECS" -J 2>&1 | python3 -c '
import json, sys
j = json.load(sys.stdin)
if "error" in j:
    print("iperf3: " + j["error"], file=sys.stderr)
    print(0)
else:
    print("%.1f" % (j["end"]["sum_received"]["bits_per_second"] / 1e6))'
}
: >"$T/tp-ns"
: >"$T/tp-host"
for ((i = 0; i < ROUNDS; i++)); do
        mbits in_ns vpn >>"$T/tp-ns"
        mbits >>"$T/tp-host"
done
tp_ns=$(median <"$T/tp-ns")
tp_host=$(median <"$T/tp-host")
echo "TCP throughput through the tunnel, median of $ROUNDS runs of $SECS s (Mbit/s):"
echo "  device in the namespace: $tp_ns   ($(tr '\n' ' ' <"$T/tp-ns"))"
echo "  device on the host:      $tp_host   ($(tr '\n' ' ' <"$T/tp-host"))"
awk -v a="$tp_ns" -v b="$tp_host" 'BEGIN { printf "  ratio namespace/host: %.1f %%   (goal >= 95 %%)\n", (b > 0 ? 100 * a / b : 0) }'
"$NETNSCTL" down vpn
ip link del wgh

# --- up: [WireGuard] against a veth-only namespace; down between, not timed
conf wgonly </etc/netns/vpn.conf
conf veth <<X
[Veth]
X
{ echo "[Veth]"; cat /etc/netns/wgonly.conf; } >/etc/netns/vethwg.conf
up_ms() { # NAME: one up, in ms
        local a b
        a=$(date +%s%N)
        "$NETNSCTL" up "$1" || fail "up $1 failed"
        b=$(date +%s%N)
        "$NETNSCTL" down "$1" || fail "down $1 failed"
        echo $(((b - a) / 1000))
}
for n in veth wgonly vethwg; do : >"$T/up-$n"; done
for ((i = 0; i < UPS; i++)); do
        for n in veth wgonly vethwg; do
                up_ms "$n" >>"$T/up-$n"
        done
done
u_veth=$(median <"$T/up-veth")
u_wg=$(median <"$T/up-wgonly")
u_vwg=$(median <"$T/up-vethwg")
echo "netnsctl up, median of $UPS (ms):"
awk -v v="$u_veth" -v w="$u_wg" -v vw="$u_vwg" 'BEGIN {
        printf "  [Veth] only:              %.1f\n", v / 1000
        printf "  [WireGuard] only:         %.1f   ratio %.2fx   (goal <= 1.5x)\n", w / 1000, w / v
        printf "  [Veth] and [WireGuard]:   %.1f   ratio %.2fx\n", vw / 1000, vw / v
}'
echo "(kernel $(uname -r)$([ -n "${NETNSCTL_IN_VM:-}" ] && echo ", in the QEMU VM: one emulated CPU"))"
