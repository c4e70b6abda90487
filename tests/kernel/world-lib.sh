# tests/kernel/world-lib.sh - a "world" for the tunnel tests (source after lib.sh): a namespace
# "world" behind a VPN server's namespace, whose TCP port 8000 answers each connection with
# the address it came from and counts the connections. The caller keeps a PIDS array and
# kills them on exit.

# world_make SRVNS "SRVADDR/LEN..." "WORLDADDR/LEN...": namespace "world", linked to SRVNS
# (there "wan", in the world "eth0") with those addresses, and its answering server
world_make() {
        local a
        ip netns add world
        ip -n "$1" link add wan type veth peer name eth0 netns world
        for a in $2; do in_ns "$1" ip addr add "$a" dev wan $([[ $a == *:* ]] && echo nodad); done
        in_ns "$1" ip link set wan up
        in_ns world ip link set lo up
        for a in $3; do in_ns world ip addr add "$a" dev eth0 $([[ $a == *:* ]] && echo nodad); done
        in_ns world ip link set eth0 up
        in_ns world nft -f - <<'X'
table inet count {
        chain in {
                type filter hook input priority 0;
                tcp dport 8000 counter
        }
}
X
        nsenter --net=/run/netns/world -- python3 -c '
import socket
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 8000))
s.listen(64)
while True:
    c, a = s.accept()
    c.sendall((a[0].removeprefix("::ffff:") + "\n").encode())
    c.close()
' </dev/null >/dev/null 2>&1 &
        PIDS+=($!)
}

# seen_as NS ADDR: who the world at ADDR says the caller is (empty when the connection
# fails); NS empty: from the host
seen_as() {
        ${1:+in_ns "$1"} python3 -c '
import socket, sys
try:
    s = socket.create_connection((sys.argv[1], 8000), timeout=3)
    print(s.recv(100).decode().strip())
except OSError:
    pass' "$2"
}

# world_wait: bounded wait until the world's server listens
world_wait() {
        local i
        for ((i = 0; i < 50; i++)); do
                in_ns world ss -Hltn 'sport = :8000' | grep -q . && return 0
                sleep 0.1
        done
        fail "the world's server does not listen"
}

# world_count: connections (packets to port 8000) that reached the world so far
world_count() {
        in_ns world nft -j list chain inet count in | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    for e in o.get("rule", {}).get("expr", []):
        if "counter" in e:
            print(e["counter"]["packets"])'
}
