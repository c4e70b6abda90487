#!/bin/bash
# cycles.sh - leaks under repetition: N "netnsctl up"/"down" cycles of one fully wired
# namespace (veth with auto addresses, NAT masquerading both families and a port forward,
# DNS=, a Sysctl=, /etc/netns/NAME/hosts), and after every EVERY cycles what the host holds:
# links, addresses, routes, nftables objects, mounts, entries under /run, and fds: those
# "up" holds when it is done (its exit_group() held back by strace while /proc/PID/fd is
# counted) and those a "netnsctl exec" child inherits. Prints one line per sample; every
# column must stay as it was after the first sample. Not a test (tests/kernel/cycles-short.sh
# runs 50 cycles with CYCLES_ASSERT=1).
#
# Usage (root): bench/cycles.sh [N [EVERY]]     default 1000 cycles, a sample every 100
# Environment: NETNSCTL (default build/helper/netnsctl), CYCLES_ASSERT=1: exit 1 when a column
# changed, or the host (tests/kernel/lib.sh snapshot) is not as before the first cycle.
#
# Everything happens in a sandbox of its own (tests/kernel/lib.sh: unshare --net --mount,
# tmpfs on /run and /etc/netns): nothing of the machine is touched.

CYCLES=${1:-${CYCLES:-1000}}
EVERY=${2:-${EVERY:-100}}
export CYCLES EVERY
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case $CYCLES$EVERY in
''|*[!0-9]*) echo "cycles.sh: N and EVERY must be numbers" >&2; exit 1 ;;
esac
[ "$EVERY" -gt 0 ] || { echo "cycles.sh: EVERY must be > 0" >&2; exit 1; }
. "$here/../tests/kernel/lib.sh"
. "$here/../tests/kernel/nat-lib.sh"
command -v strace >/dev/null || { echo "skipped: strace is missing (fds of up)"; exit 77; }

make_world
conf full <<'X'
[Namespace]
Sysctl=net.ipv4.conf.all.rp_filter=2
DNS=192.0.2.53
[Veth]
HostAddress=auto
Address=auto
[NAT]
Masquerade=both
Port=tcp:8090:80
X
mkdir /etc/netns/full
printf '127.0.0.1 localhost\n192.0.2.7 cycles-host\n' >/etc/netns/full/hosts
snapshot "$T/before"

count_json() { # what: links|addrs|routes|nft
        python3 -c '
import json, subprocess, sys
w = sys.argv[1]
def j(*a):
    out = subprocess.run(a, check=True, capture_output=True, text=True).stdout
    return json.loads(out) if out.strip() else []
if w == "links":
    print(len(j("ip", "-j", "link", "show")))
elif w == "addrs":
    print(sum(len(l.get("addr_info", [])) for l in j("ip", "-j", "addr", "show")))
elif w == "routes":
    print(sum(len(j("ip", "-j", f, "route", "show", "table", "all")) for f in ("-4", "-6")))
else:
    objs = [o for o in j("nft", "-j", "list", "ruleset")["nftables"] if "metainfo" not in o]
    elems = sum(len(v.get("elem", [])) for o in objs for k, v in o.items() if k in ("set", "map"))
    print(len(objs) + elems)
' "$1"
}

# fds of "up" at its end: strace holds its exit_group() back (3 s) while they are counted
up_fds() {
        local sp pid= n=
        strace -f -qq -o /dev/null -e trace=exit_group -e inject=exit_group:delay_enter=3000000 \
                "$NETNSCTL" up full 2>/dev/null &
        sp=$!
        for _ in $(seq 500); do
                grep -qx complete /run/netnsctl/full/state 2>/dev/null && break
                sleep 0.02
        done
        pid=$(pgrep -P "$sp" | head -n 1)
        [ -n "$pid" ] && n=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
        wait "$sp" || fail "netnsctl up (under strace) failed"
        [ -n "$n" ] && [ "$n" -gt 0 ] || fail "could not count the fds of up (it exited before the count)"
        echo "$n"
}

sample() { # CYCLE: one line of figures, with netnsctl up (by up_fds) while counting exec's fds
        local up ex
        up=$(up_fds)
        # what an exec'd command inherits: its own fds minus the one ls opens for the listing
        ex=$(( $("$NETNSCTL" exec full ls /proc/self/fd | wc -l) - 1 ))
        nnc down full
        printf '%6s %6s %6s %6s %6s %7s %6s %7s %8s\n' "$1" "$(count_json links)" "$(count_json addrs)" \
                "$(count_json routes)" "$(count_json nft)" "$(wc -l </proc/self/mountinfo)" \
                "$(find /run -path "$T" -prune -o -print | wc -l)" "$up" "$ex"
}

header=$(printf '%6s %6s %6s %6s %6s %7s %6s %7s %8s' cycle links addrs routes nft mounts run up-fds exec-fds)
echo "$header"
first=$(sample 0)
echo "$first"
start=$(date +%s.%N)
for ((i = 1; i <= CYCLES; i++)); do
        nnc up full
        nnc down full
        if ((i % EVERY == 0 || i == CYCLES)); then
                last=$(sample "$i")
                echo "$last"
        fi
done
end=$(date +%s.%N)
echo "$CYCLES cycles in $(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$end") s"

if [ "${CYCLES_ASSERT:-0}" = 1 ]; then
        # all columns but the cycle number
        [ "${first#*0 }" = "${last#* "$CYCLES" }" ] || fail "figures changed: '$first' -> '$last'"
        snapshot "$T/after"
        assert_same_snapshot "$T/before" "$T/after"
        pass "$CYCLES cycles: nothing grew, the host is as before"
fi
