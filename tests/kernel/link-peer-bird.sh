#!/bin/bash
# link-peer-bird.sh - the routed lab of netns.conf(5) (r1 - r2 - r3, links from the man page)
# with Debian's bird2, unmodified, one per node, each reading its own
# /etc/netns/NODE/bird/bird.conf through "netnsctl exec": OSPF converges so that r1 reaches
# r3's loopback through r2; stopping r2 takes the links and the learned routes away,
# starting it again restores reachability
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"

command -v bird >/dev/null || { echo "skipped: bird2 is not installed (tests/deps.sh installs it)"; exit 77; }

python3 "$(dirname "$0")/../man-example.py" "A routed lab: three namespaces in a chain" >/dev/null
for n in 1 2 3; do
        mkdir -p "/etc/netns/r$n/bird"
        cat >"/etc/netns/r$n/bird/bird.conf" <<X
router id 10.255.0.$n;
protocol device { }
protocol direct { ipv4; interface "lo"; }
protocol kernel { ipv4 { export where source = RTS_OSPF; }; }
protocol ospf v2 {
        ipv4 { import all; export where source = RTS_DEVICE; };
        area 0 {
                interface "lo" { stub yes; };
                interface "r*", "up", "down" { hello 1; dead 4; type ptp; };
        };
}
X
done

pids=()
declare -A bird_pid
cleanup() {
        local p
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        wait 2>/dev/null || true
}
trap cleanup EXIT
start_bird() { # NODE
        in_ns "$1" ip addr add "10.255.0.${1#r}/32" dev lo 2>/dev/null || true
        # exec replaces itself with bird: $! is bird's PID
        "$NETNSCTL" exec "$1" -- bird -c /etc/bird/bird.conf -s "$T/bird-$1.ctl" -f &
        pids+=($!)
        bird_pid[$1]=$!
}
converged() { # timeout-seconds: r1 reaches r3's loopback
        local i
        for ((i = 0; i < $1 * 5; i++)); do
                in_ns r1 ping -4 -c1 -W1 -I 10.255.0.1 10.255.0.3 >/dev/null 2>&1 && return 0
                sleep 0.2
        done
        return 1
}

nnc up r3
nnc up r1
nnc up r2
for n in r1 r2 r3; do start_bird "$n"; done
converged 30 || fail "OSPF did not converge: r1 does not reach 10.255.0.3 ($(in_ns r1 ip -4 route))"
assert_eq "$(in_ns r1 ip -j route get 10.255.0.3 | python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r.get("gateway"), r["dev"])')" \
        "10.12.0.2 r2" "r1's route to r3's loopback: learned, through r2"
in_ns r1 ip -j route show proto bird | grep -q 10.255.0.3 || fail "the route to 10.255.0.3 is not bird's"
pass "bird2 in each node converges: r1 reaches r3's loopback through r2"

# as systemd stops the units inside before the namespace: r2's bird first
kill "${bird_pid[r2]}"
wait "${bird_pid[r2]}" 2>/dev/null || true
nnc down r2
in_ns r1 ip -j link show r2 >/dev/null 2>&1 && fail "r1's link to r2 still there"
in_ns r1 ping -4 -c1 -W1 10.255.0.3 >/dev/null 2>&1 && fail "r3's loopback reachable with r2 down"
assert_eq "$(in_ns r1 ip -4 route show 10.255.0.3)" "" "r2 down: the learned route through it is gone"
nnc up r2
start_bird r2
converged 30 || fail "no reachability after r2 started again"
pass "r2 stopped: links and routes through it gone; started again (with its bird): converged again"
