# tests/kernel/nat-lib.sh - the outside world and traffic helpers for the nat-*.sh tests (source after lib.sh)
#
# "world" is a namespace made by the test (not by netnsctl) that plays other hosts: it is wired
# to the sandbox host by veth wan0/eth0 with documentation addresses, and has NO route to the
# namespaces' subnets, so whatever reaches it from inside a namespace must have been
# masqueraded to the host's address.

HOST4=198.51.100.1
WORLD4=198.51.100.2
HOST6=2001:db8:1::1
WORLD6=2001:db8:1::2
SERVER_PIDS=()

stop_servers() {
        local p
        for p in "${SERVER_PIDS[@]}"; do
                kill "$p" 2>/dev/null || true
        done
        SERVER_PIDS=()
}
trap stop_servers EXIT

make_world() {
        ip netns add world
        ip link add wan0 type veth peer name eth0 netns world
        # no duplicate address detection: the link-local addresses would otherwise appear
        # (with their routes) a moment later, between two snapshots
        sysctl -qw net.ipv6.conf.wan0.accept_dad=0
        in_ns world sysctl -qw net.ipv6.conf.eth0.accept_dad=0
        ip addr add "$HOST4/24" dev wan0
        ip addr add "$HOST6/64" dev wan0 nodad
        ip link set wan0 up
        in_ns world ip link set lo up
        in_ns world ip addr add "$WORLD4/24" dev eth0
        in_ns world ip addr add "$WORLD6/64" dev eth0 nodad
        in_ns world ip link set eth0 up
}

# the host end of namespace NAME's veth, from its record
host_if() { # NAME
        sed -n 's/^veth //p' "/run/netnsctl/$1/state"
}

# first global address of FAMILY (inet|inet6) on IFNAME [in_ns NAME]
addr_of() {
        local family=$1 ifname=$2
        shift 2
        "$@" ip -j addr show dev "$ifname" | python3 -c '
import json, sys
a = [x["local"] for l in json.load(sys.stdin) for x in l.get("addr_info", []) if x.get("scope") == "global" and x["family"] == sys.argv[1]]
print(a[0] if a else "")' "$family"
}

# A server that answers every connection/datagram with the client's address as it sees it.
# (It reads what the client sends after answering: exiting first would make socat drop the
# answer on EPIPE.)
# serve WHERE PROTO PORT: WHERE is a namespace name or "host"; PROTO tcp4|tcp6|udp4|udp6.
# Returns once it listens.
serve() {
        local where=$1 proto=$2 port=$3 addr ssopt i cmd=()
        case $proto in
        tcp4) addr="TCP4-LISTEN:$port,reuseaddr,fork" ssopt=-4lt ;;
        tcp6) addr="TCP6-LISTEN:$port,reuseaddr,fork,ipv6only=1" ssopt=-6lt ;;
        udp4) addr="UDP4-RECVFROM:$port,reuseaddr,fork" ssopt=-4lu ;;
        udp6) addr="UDP6-RECVFROM:$port,reuseaddr,fork,ipv6only=1" ssopt=-6lu ;;
        *) fail "serve: unknown protocol $proto" ;;
        esac
        [ "$where" = host ] || cmd=(nsenter --net="/run/netns/$where")
        timeout 120 "${cmd[@]}" socat -T 3 "$addr" SYSTEM:'echo "$SOCAT_PEERADDR"; timeout 2 cat >/dev/null' 2>/dev/null &
        SERVER_PIDS+=($!)
        for i in $(seq 50); do
                [ -n "$("${cmd[@]}" ss -Hn "$ssopt" "sport = :$port")" ] && return 0
                sleep 0.1
        done
        fail "server $proto:$port in $where does not listen"
}

# Ask the server at ADDR:PORT (PROTO tcp|udp) who we are; prints the address the server saw,
# normalised ("" when nothing came back). Run from namespace FROM (host or a name).
peer_seen() { # FROM PROTO ADDR PORT
        local from=$1 proto=$2 addr=$3 port=$4 target cmd=()
        [ "$from" = host ] || cmd=(nsenter --net="/run/netns/$from")
        case $addr in
        *:*) target="[$addr]:$port" ;;
        *) target="$addr:$port" ;;
        esac
        if [ "$proto" = tcp ]; then
                target="TCP:$target"
        else
                target="UDP:$target"
        fi
        { echo ping | timeout 6 "${cmd[@]}" socat -t 4 -T 4 - "$target" 2>/dev/null || true; } | head -n1 | python3 -c '
import ipaddress, sys
s = sys.stdin.read().strip().strip("[]")
try:
    a = ipaddress.ip_address(s)
    if a.version == 6 and a.ipv4_mapped:
        a = a.ipv4_mapped
    print(a)
except ValueError:
    print("")'
}

# expect_peer FROM PROTO ADDR PORT EXPECTED WHAT
expect_peer() {
        local got
        got=$(peer_seen "$1" "$2" "$3" "$4")
        [ "$got" = "$5" ] || fail "$6: $1 -> $2 $3:$4: server saw '${got}', expected '$5'"
}

# expect_no_answer FROM PROTO ADDR PORT WHAT
expect_no_answer() {
        local got
        got=$(peer_seen "$1" "$2" "$3" "$4")
        [ -z "$got" ] || fail "$5: $1 -> $2 $3:$4 was answered (server saw '$got'), expected nothing"
}
