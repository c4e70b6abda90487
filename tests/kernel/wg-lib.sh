# tests/kernel/wg-lib.sh - the WireGuard tests' common ground (source after lib.sh and
# link-lib.sh): keys, the peers' side configured with Debian's wg (not our code), and what the
# host holds of WireGuard devices.

# wg_start NAME... (after link_need wireguard): PIDS, the processes started in the background,
# killed at exit; and for each NAME a key pair made by Debian's wg: $K/NAME (private, mode 0600
# as netnsctl wants a key file) and $K/NAME.pub.
wg_start() {
        local k
        PIDS=()
        trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
        K=$T/keys
        mkdir -p -m 0700 "$K"
        for k in "$@"; do
                (umask 077 && wg genkey >"$K/$k")
                wg pubkey <"$K/$k" >"$K/$k.pub"
        done
}

# wg_server NS HOSTIF HOSTADDR SRVADDR KEY "TUNADDR/LEN..." PEER:ALLOWED...: a VPN server,
# namespace NS behind a veth of the (sandbox) host: HOSTIF with HOSTADDR/24 here, eth0 with
# SRVADDR/24 there; in NS wg0 with the addresses TUNADDR..., set up with Debian's wg: private
# key $K/KEY, UDP port 51820, for each PEER one with the public key $K/PEER.pub and allowed-ips
# ALLOWED (a comma-separated list)
wg_server() {
        local ns=$1 hostif=$2 hostaddr=$3 srvaddr=$4 key=$5 tunaddrs=$6 p a peers=()
        shift 6
        for p in "$@"; do peers+=(peer "$(cat "$K/${p%%:*}.pub")" allowed-ips "${p#*:}"); done
        ip netns add "$ns"
        ip link add "$hostif" type veth peer name eth0 netns "$ns"
        ip addr add "$hostaddr/24" dev "$hostif"
        ip link set "$hostif" up
        in_ns "$ns" ip link set lo up
        in_ns "$ns" ip addr add "$srvaddr/24" dev eth0
        in_ns "$ns" ip link set eth0 up
        in_ns "$ns" ip link add wg0 type wireguard
        in_ns "$ns" wg set wg0 private-key "$K/$key" listen-port 51820 "${peers[@]}"
        for a in $tunaddrs; do in_ns "$ns" ip addr add "$a" dev wg0 $([[ $a == *:* ]] && echo nodad); done
        in_ns "$ns" ip link set wg0 up
}

# wg_on_host: the WireGuard devices on the host, their names on one line (without python: each
# run takes seconds in the emulated VM)
wg_on_host() {
        ip -o link show type wireguard | cut -d: -f2 | tr -d ' ' | tr '\n' ' ' | sed 's/ $//'
}
