#!/bin/bash
# chain.sh - "netnsctl up" of a chain of N linked namespaces with routes, against netnsctl's
# veth-only namespace and against the shell way (ip + bash ordering), in one run, at N = 10
# and 100. Not a pass/fail test: it prints figures and the ratios the issue asks for. See
# bench/README.md for what exactly each way does.
#
# Usage (root): bench/chain.sh [N...]          default: 10 100 (a few minutes)
# Environment:
#   NETNSCTL      default: build/helper/netnsctl of this tree (the command systemd runs)
#   SAMPLES       default 30: at small N, rounds are repeated until this many calls are timed
#   ORDER         up (default): c1, c2, ... cN, so each namespace's "up" makes the link the one
#                 before it owns (the peer index); down: cN ... c1, each makes its own link
#
# In a sandbox of its own, as wiring.sh and the kernel tests: unshare --net --mount, tmpfs on
# /run and on /etc/netns, / made rshared as on a systemd host. Nothing of the machine is
# touched. Each "up"/"down" is one process, started with posix_spawn() and waited for, one
# after the other, as systemd runs netns@NAME.service.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
: "${NETNSCTL:=$here/../build/helper/netnsctl}"
: "${SAMPLES:=30}"
: "${ORDER:=up}"
export NETNSCTL SAMPLES ORDER
. "$here/lib.sh"

if [ -z "${NETNSCTL_BENCH_SANDBOX:-}" ]; then
        [ "$(id -u)" = 0 ] || { echo "chain.sh: needs root (unshare --net --mount)" >&2; exit 1; }
        [ -x "$NETNSCTL" ] || { echo "chain.sh: $NETNSCTL is not built (ninja -C build)" >&2; exit 1; }
        case $ORDER in up|down) ;; *) echo "chain.sh: ORDER=$ORDER: up or down" >&2; exit 1 ;; esac
        for c in ip python3 unshare; do
                command -v "$c" >/dev/null || { echo "chain.sh: $c is missing" >&2; exit 1; }
        done
        for n in "${@:-10}"; do
                case $n in ''|*[!0-9]*) echo "chain.sh: '$n' is no number of namespaces" >&2; exit 1 ;; esac
                [ "$n" -ge 2 ] && [ "$n" -le 4000 ] || { echo "chain.sh: N=$n is out of range (2-4000)" >&2; exit 1; }
        done
        bench_enter "$@"
fi

bench_sandbox # /run/netns in a peer group of its own is for all ways

[ $# -gt 0 ] || set -- 10 100
max=0
for n in "$@"; do [ "$n" -gt "$max" ] && max=$n; done

# Link I joins cI (10.A.B.1/30, its owner) and cI+1 (10.A.B.2/30); A.B from I.
link_net() { echo "10.$((100 + $1 / 64)).$(($1 % 64 * 4))"; }

# --- netnsctl: the chain c1..cMAX, each cI (I < N) owning its link to cI+1 and a route
# through it; cN has no [Link]. The chain is as long as the round's N: the last one's
# configuration is written per round (below, by the Python part).
for i in $(seq 1 "$max"); do
        net=$(link_net "$i")
        cat >"/run/bench/c$i.link" <<EOF
[Link]
Type=veth
PeerNamespace=c$((i + 1))
Name=next
PeerName=prev
Address=$net.1/30
PeerAddress=$net.2/30

[Route]
Destination=172.16.0.0/12
Gateway=$net.2
EOF
        # the veth-only namespace: a veth to the host with automatic addresses, nothing else
        cat >"/etc/netns/v$i.conf" <<EOF
[Veth]
HostAddress=auto
Address=auto
EOF
done

# --- the shell way: what a bash unit recipe per node runs, its ordering by hand: make the
# namespace, then each link to a neighbour that is up already (the owner's end, addresses,
# UP on both sides, the owner's route), so the nodes come up in any order as with netnsctl
cat >/run/bench/shell-up.sh <<'EOF'
set -e
i=$1 n=$2
link_net() { echo "10.$((100 + $1 / 64)).$(($1 % 64 * 4))"; }
link() { # OWNER-INDEX: the link cI - cI+1, both up
        local o=$1 p=$(($1 + 1)) net
        net=$(link_net "$o")
        ip -n "c$o" link add next type veth peer name prev netns "c$p"
        ip -n "c$o" addr add "$net.1/30" dev next
        ip -n "c$p" addr add "$net.2/30" dev prev
        ip -n "c$o" link set next up
        ip -n "c$p" link set prev up
        ip -n "c$o" route add 172.16.0.0/12 via "$net.2"
}
ip netns add "c$i"
ip -n "c$i" link set lo up
if [ "$i" -gt 1 ] && [ -e "/run/netns/c$((i - 1))" ]; then link $((i - 1)); fi
if [ "$i" -lt "$n" ] && [ -e "/run/netns/c$((i + 1))" ]; then link "$i"; fi
EOF
cat >/run/bench/shell-down.sh <<'EOF'
ip netns del "c$1"
EOF

exec python3 - "$@" <<'PY'
import math, os, platform, shutil, statistics, subprocess, sys, time

NNC = os.environ["NETNSCTL"]
SAMPLES = int(os.environ["SAMPLES"])
ORDER = os.environ["ORDER"]
NS = [int(a) for a in sys.argv[1:]]
ERR = "/run/bench/stderr"
null = os.open(os.devnull, os.O_RDWR)
actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
           (os.POSIX_SPAWN_OPEN, 2, ERR, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]


def timed(argv, way, op, n):
    """Run argv, wait for it, note its wall time and its CPU time (user and system, its own and
    its children's: the CPU time does not grow with other work on the machine, the wall time
    does) in milliseconds; exits the benchmark when it fails."""
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    _, st, ru = os.wait4(pid, 0)
    res.setdefault((way, op, n), []).append((time.perf_counter_ns() - t0) / 1e6)
    cpu.setdefault((way, op, n), []).append((ru.ru_utime + ru.ru_stime) * 1e3)
    if os.waitstatus_to_exitcode(st) != 0:
        sys.exit(f"chain.sh: {' '.join(argv)} failed: {open(ERR).read().strip()}")


def command(way, op, i, n):
    """What brings node i of way up or down ("up"/"down" @op)."""
    if way == "shell-chain":
        return ["/bin/bash", f"/run/bench/shell-{op}.sh", str(i), str(n)]
    return [NNC, op, f"{'c' if way == 'netnsctl-chain' else 'v'}{i}"]


def out(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def links(ns):
    """The links inside namespace ns but lo, 'NAME/ADDRESS' each, sorted."""
    o = out("ip", "-n", ns, "-o", "-4", "addr", "show", "scope", "global")
    return sorted(f"{l.split()[1]}/{l.split()[3]}" for l in o.splitlines())


def check_chain(n, way):
    """What the kernel has after a round's ups: each link there with its addresses, the
    owners' routes, and packets across the first and the last link."""
    for i in (1, 2, n - 1, n):
        want = []
        if i > 1:
            want.append(f"prev/10.{100 + (i - 1) // 64}.{(i - 1) % 64 * 4}.2/30")
        if i < n:
            want.append(f"next/10.{100 + i // 64}.{i % 64 * 4}.1/30")
        if links(f"c{i}") != sorted(want):
            sys.exit(f"chain.sh: {way}, N={n}: c{i} has {links(f'c{i}')}, expected {sorted(want)}")
        if i < n and "172.16.0.0/12 via" not in out("ip", "-n", f"c{i}", "route"):
            sys.exit(f"chain.sh: {way}, N={n}: c{i} has no route through its link")
    for a, b in ((1, f"10.{100 + 1 // 64}.{1 % 64 * 4}.2"), (n - 1, f"10.{100 + (n - 1) // 64}.{(n - 1) % 64 * 4}.2")):
        if subprocess.run(["ip", "netns", "exec", f"c{a}", "ping", "-c1", "-W2", b], capture_output=True).returncode:
            sys.exit(f"chain.sh: {way}, N={n}: c{a} does not reach {b}")


def clean(what):
    pins = os.listdir("/run/netns")
    rest = [e for e in os.listdir("/run/netnsctl") if not e.startswith(".lock")]
    if pins or rest:
        sys.exit(f"chain.sh: {what} left pins {pins[:5]} and state {rest[:5]}")


def settle():
    """Wait (at most 15 s) for an idle machine: the kernel destroys the previous round's
    namespaces in a worker. On a machine busy with other work it never is: then go on."""
    def busy():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 15:
        i0, a0 = busy()
        time.sleep(0.5)
        i1, a1 = busy()
        if a1 > a0 and (i1 - i0) / (a1 - a0) >= 0.8:
            break


def chain_configs(n):
    for f in os.listdir("/etc/netns"):
        if f.startswith("c"):
            os.unlink("/etc/netns/" + f)
    for i in range(1, n + 1):
        if i < n:
            shutil.copy(f"/run/bench/c{i}.link", f"/etc/netns/c{i}.conf")
        else:
            open(f"/etc/netns/c{i}.conf", "w").close()


res, cpu = {}, {}  # (way, op, N) -> [ms]: wall time, CPU time
print(f"# {time.strftime('%Y-%m-%d %H:%M')}  {platform.node()}  kernel {platform.release()}  {os.cpu_count()} CPUs  "
      f"load {' '.join(open('/proc/loadavg').read().split()[:3])}")
print(f"# N = {' '.join(map(str, NS))}; order of the ups: {ORDER}; rounds repeated until {SAMPLES} ups are timed", flush=True)
for n in NS:
    chain_configs(n)
    order = list(range(1, n + 1)) if ORDER == "up" else list(range(n, 0, -1))
    for r in range(max(1, math.ceil(SAMPLES / n))):
        for way in ("netnsctl-chain", "netnsctl-veth", "shell-chain"):
            if n >= 100:
                settle()
            for i in order:
                timed(command(way, "up", i, n), way, "up", n)
            if way != "netnsctl-veth" and r == 0:
                check_chain(n, way)
            for i in order:
                timed(command(way, "down", i, n), way, "down", n)
            clean(f"{way} at N={n}")
    print(f"#   N={n} done", flush=True)


def m(way, op, n, of=None):
    return statistics.median((of or res)[(way, op, n)])


def p90(way, op, n):
    v = sorted(res[(way, op, n)])
    return v[min(len(v) - 1, int(len(v) * 0.9))]


print()
print("| N | up: chain (netnsctl) | up: veth only (netnsctl) | chain / veth | up: chain (shell) | shell / netnsctl | down: chain (netnsctl) | down: veth only (netnsctl) | down: chain (shell) |")
print("|---|---|---|---|---|---|---|---|---|")
for n in NS:
    c, v, s = m("netnsctl-chain", "up", n), m("netnsctl-veth", "up", n), m("shell-chain", "up", n)
    print(f"| {n} | {c:.2f} ms (p90 {p90('netnsctl-chain', 'up', n):.2f}) | {v:.2f} ms (p90 {p90('netnsctl-veth', 'up', n):.2f}) | "
          f"{c / v:.2f}× | {s:.2f} ms (p90 {p90('shell-chain', 'up', n):.2f}) | {s / c:.1f}× | "
          f"{m('netnsctl-chain', 'down', n):.2f} ms | {m('netnsctl-veth', 'down', n):.2f} ms | {m('shell-chain', 'down', n):.2f} ms |")
print()
print("CPU time (user + system, of the process and its children), medians:")
print()
print("| N | up: chain (netnsctl) | up: veth only (netnsctl) | chain / veth | up: chain (shell) | shell / netnsctl |")
print("|---|---|---|---|---|---|")
for n in NS:
    c, v, s = m("netnsctl-chain", "up", n, cpu), m("netnsctl-veth", "up", n, cpu), m("shell-chain", "up", n, cpu)
    print(f"| {n} | {c:.2f} ms | {v:.2f} ms | {c / v:.2f}× | {s:.2f} ms | {s / c:.1f}× |")
n = max(NS)
print()
print(f"Target (CPU time): up per namespace of the chain at N={n} ≤ 1.5 × that of a veth-only namespace: "
      f"{m('netnsctl-chain', 'up', n, cpu) / m('netnsctl-veth', 'up', n, cpu):.2f}×")
print(f"Target: up per namespace of the chain at N={n} ≤ 1.5 × that of a veth-only namespace (wall time): "
      f"{m('netnsctl-chain', 'up', n) / m('netnsctl-veth', 'up', n):.2f}× — "
      f"{'met' if m('netnsctl-chain', 'up', n) <= 1.5 * m('netnsctl-veth', 'up', n) else 'NOT met'}")
PY
