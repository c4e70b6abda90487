#!/bin/bash
# wiring.sh - "netnsctl up/down" against the iproute2 + nft sequence of bash unit recipes, at
# N = 1, 10, 100, 1000 namespaces with veth, auto addresses, default route, masquerade and one
# port forward each; and new TCP connections per second through one namespace's port forward
# with 1 and with many namespaces up, and with 1 up but the NAT table as full as with many (a
# control: what the table's size costs, apart from what the namespaces cost). Not a pass/fail
# test: it prints figures, and the issue's targets next to them. See bench/README.md for what
# exactly each way does.
#
# Usage (root): bench/wiring.sh [N...]        default: 1 10 100 1000 (about 15 minutes; CONN_CYCLES=3: 18)
#               bench/wiring.sh 1 10 100      a quick run (about a minute and a half)
# The connection rate compares 1 namespace with the largest N given.
# Environment:
#   NETNSCTL      default: build/helper/netnsctl of this tree (the command systemd runs)
#   CONNRATE      default: build/bench/connrate
#   CONN_RUNS, CONN_SECONDS   default 5 and 2: each connection rate is the median of 5 runs of 2 s
#   CONN_CYCLES   default 1: how often the connection rate goes from 1 namespace up to all and
#                 back; the ratio is the median over the cycles (each one more costs a minute
#                 at N=1000; on a busy machine runs vary by 10 %, one cycle is not conclusive)
#   SAMPLES       default 20: at small N, rounds are repeated until this many calls are timed
#   SHELL_NFT     batch (default): the shell way makes its nftables table with one "nft -f";
#                 commands: one "nft add" per object, as many recipes do: five loads of the
#                 whole ruleset instead of one (a full run then takes about 20 minutes)
#
# Everything happens in a sandbox of its own, exactly like the kernel tests (tests/kernel/
# lib.sh): unshare --net --mount, tmpfs on /run and on /etc/netns, / made rshared as on a
# systemd host. Nothing of the machine is touched, and it all goes away at the end. Each "up" and "down" is one process, started with
# posix_spawn() and waited for, one after the other, as systemd runs netns@NAME.service; the
# shell way is one bash process per namespace running the recipe's commands.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
: "${NETNSCTL:=$here/../build/helper/netnsctl}"
: "${CONNRATE:=$here/../build/bench/connrate}"
: "${CONN_SECONDS:=2}"
: "${CONN_RUNS:=5}"
: "${CONN_CYCLES:=1}"
: "${SAMPLES:=20}"
: "${SHELL_NFT:=batch}"
export NETNSCTL CONNRATE CONN_SECONDS CONN_RUNS CONN_CYCLES SAMPLES SHELL_NFT
. "$here/lib.sh"

if [ -z "${NETNSCTL_BENCH_SANDBOX:-}" ]; then
        [ "$(id -u)" = 0 ] || { echo "wiring.sh: needs root (unshare --net --mount)" >&2; exit 1; }
        for b in "$NETNSCTL" "$CONNRATE"; do
                [ -x "$b" ] || { echo "wiring.sh: $b is not built (ninja -C build)" >&2; exit 1; }
        done
        case $SHELL_NFT in
        batch|commands) ;;
        *) echo "wiring.sh: SHELL_NFT=$SHELL_NFT: batch or commands" >&2; exit 1 ;;
        esac
        for c in ip nft sysctl python3 unshare nsenter; do
                command -v "$c" >/dev/null || { echo "wiring.sh: $c is missing" >&2; exit 1; }
        done
        for n in "${@:-1}"; do
                case $n in
                ''|*[!0-9]*) echo "wiring.sh: '$n' is no number of namespaces" >&2; exit 1 ;;
                esac
                [ "$n" -ge 1 ] && [ "$n" -le 5000 ] || { echo "wiring.sh: N=$n is out of range (1-5000)" >&2; exit 1; }
        done
        bench_enter "$@"
fi

# /run/netns in a peer group of its own (bench_sandbox), for both ways: "ip netns add bench-out"
# first would bind it in the peer group of /run, and with bench-out pinned below it, netnsctl
# leaves it so: every later pin would also land in every prepared mount namespace
bench_sandbox
cp "$CONNRATE" /run/bench/bin/connrate
CONNRATE=/run/bench/bin/connrate

[ $# -gt 0 ] || set -- 1 10 100 1000
max=0
for n in "$@"; do [ "$n" -gt "$max" ] && max=$n; done

# --- netnsctl: one config per namespace, w1..wMAX; Port= host ports 20001..
for i in $(seq 1 "$max"); do
        cat >"/etc/netns/w$i.conf" <<EOF
[Veth]
HostAddress=auto
Address=auto
DefaultRoute=yes

[NAT]
Masquerade=ipv4
Port=tcp:$((20000 + i)):80
EOF
done

# --- the shell way: what a bash unit recipe runs per namespace (ExecStart=/ExecStop= of a
# script). Host end sI, peer eth0 inside; 10.251.0.0/16 in /31s and fd42:b:0:I::/64; a
# table per namespace with a masquerade and a DNAT rule (host ports 40001..). SHELL_NFT=batch
# makes the table with one "nft -f" run; SHELL_NFT=commands runs "nft add ..." once per object
# (table, 2 chains, 2 rules), as many recipes do, and pays a load of the whole ruleset each.
cat >/run/bench/shell-up.sh <<'EOF'
set -e
n=$1 i=$2
h=s$i p=eth0
a=$((2 * i))
h4=10.251.$((a / 256)).$((a % 256)) p4=10.251.$(((a + 1) / 256)).$(((a + 1) % 256))
h6=fd42:b:0:$(printf %x "$i")::1 p6=fd42:b:0:$(printf %x "$i")::2
ip netns add "$n"
ip link add "$h" type veth peer name "$p" netns "$n"
ip addr add "$h4/31" dev "$h"
ip addr add "$h6/64" dev "$h" nodad
ip -n "$n" addr add "$p4/31" dev "$p"
ip -n "$n" addr add "$p6/64" dev "$p" nodad
ip link set "$h" up
ip -n "$n" link set lo up
ip -n "$n" link set "$p" up
ip -n "$n" route add default via "$h4"
ip -n "$n" -6 route add default via "$h6"
sysctl -qw net.ipv4.ip_forward=1
if [ "$SHELL_NFT" = commands ]; then
        nft add table ip "nat_$n"
        nft add chain ip "nat_$n" prerouting '{ type nat hook prerouting priority dstnat; policy accept; }'
        nft add chain ip "nat_$n" postrouting '{ type nat hook postrouting priority srcnat; policy accept; }'
        nft add rule ip "nat_$n" postrouting ip saddr "$p4" oifname != "$h" masquerade
        nft add rule ip "nat_$n" prerouting fib daddr type local tcp dport $((40000 + i)) dnat to "$p4:80"
else
        nft -f - <<NFT
add table ip nat_$n
add chain ip nat_$n prerouting { type nat hook prerouting priority dstnat; policy accept; }
add chain ip nat_$n postrouting { type nat hook postrouting priority srcnat; policy accept; }
add rule ip nat_$n postrouting ip saddr $p4 oifname != $h masquerade
add rule ip nat_$n prerouting fib daddr type local tcp dport $((40000 + i)) dnat to $p4:80
NFT
fi
EOF
cat >/run/bench/shell-down.sh <<'EOF'
set -e
n=$1 i=$2
nft delete table ip "nat_$n"
ip link del "s$i"
ip netns del "$n"
EOF
# whatever a failed shell "up" left (not timed)
cat >/run/bench/shell-clean.sh <<'EOF'
n=$1 i=$2
nft delete table ip "nat_$n" 2>/dev/null
ip link del "s$i" 2>/dev/null
ip netns del "$n" 2>/dev/null
true
EOF

# --- the world outside: a namespace with its own link to the host, where the client runs
bench_world

# the rest in Python: timing, the tables, the connection rate (it starts and kills the server)
exec python3 - "$@" <<'PY'
import math, os, platform, statistics, subprocess, sys, time

NNC = os.environ["NETNSCTL"]
CONNRATE = os.environ["CONNRATE"]
CONN_SECONDS = float(os.environ["CONN_SECONDS"])
CONN_RUNS = int(os.environ["CONN_RUNS"])
CONN_CYCLES = int(os.environ["CONN_CYCLES"])
SAMPLES = int(os.environ["SAMPLES"])
NS = [int(a) for a in sys.argv[1:]]
MAX = max(NS)
BASH = "/bin/bash"
ERR = "/run/bench/stderr"

null = os.open(os.devnull, os.O_RDWR)
actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
           (os.POSIX_SPAWN_OPEN, 2, ERR, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]


def timed(argv):
    """Run argv, wait for it: (milliseconds, exit status, its stderr)."""
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    _, st = os.waitpid(pid, 0)
    ms = (time.perf_counter_ns() - t0) / 1e6
    with open(ERR) as f:
        err = f.read().strip()
    return ms, os.waitstatus_to_exitcode(st), err


def run(*argv):
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"wiring.sh: {' '.join(argv)} failed: {p.stderr.strip()}")


def out(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def host_clean(what):
    """After a teardown the sandbox must hold what it held before: lo, bo0, no pins but
    bench-out, no nftables ruleset. A leftover would make the next round's figures lie."""
    links = sorted(l.split()[1].rstrip(":").split("@")[0] for l in out("ip", "-o", "link").splitlines())
    pins = sorted(os.listdir("/run/netns"))
    rules = out("nft", "list", "ruleset").strip()
    if links != ["bo0", "lo"] or pins != ["bench-out"] or rules:
        sys.exit(f"wiring.sh: {what} left things behind: links {links}, pins {pins}, ruleset {rules[:200]!r}")


def stats(v):
    v = sorted(v)
    return statistics.median(v), v[min(len(v) - 1, int(len(v) * 0.9))]


# ---- new connections per second from outside through w1's port forward ----
class ConnRate:
    """Measured inside the netnsctl round at the largest N, without extra ups and downs: with
    w1 alone up, with all up, and with w1 alone again (after the others' down); with
    CONN_CYCLES > 1, all up and w1 alone again once more per further cycle (not timed)."""

    def __init__(self):
        self.server = None
        self.one = []   # per measurement with w1 alone: the runs' rates
        self.many = []  # per measurement with all up
        self.ctl = []   # w1 alone, the table as full as with all up (measure_elements())


    CT = "/proc/sys/net/netfilter/"

    def start(self):
        # Each connection leaves a conntrack entry in the sandbox, closed by a reset: CLOSE
        # state, kept 10 s, some 2*10^5 of them at this rate. A second (in the sandbox only)
        # keeps the table small, and measure() waits for it to empty: a full table makes the
        # kernel walk it on every namespace's and veth's removal, which would slow the timed
        # "down"s after a measurement.
        with open(self.CT + "nf_conntrack_tcp_timeout_close", "w") as f:
            f.write("1")
        self.server = subprocess.Popen(["nsenter", "--net=/run/netns/w1", CONNRATE, "server", "80"])
        for _ in range(50):
            if subprocess.run(["nsenter", "--net=/run/netns/bench-out", CONNRATE, "client", "192.0.2.1", "20001", "0.05"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
                return
            time.sleep(0.1)
        self.stop()
        sys.exit("wiring.sh: w1's port forward (host port 20001) never became reachable")

    def measure(self, many, label=None, into=None):
        label = label or (f"{MAX} namespaces up" if many else "1 namespace up")
        rates = []
        for _ in range(CONN_RUNS):
            o = out("nsenter", "--net=/run/netns/bench-out", CONNRATE, "client", "192.0.2.1", "20001", str(CONN_SECONDS))
            f = dict(kv.split("=") for kv in o.split())
            if int(f["failed"]):
                self.stop()
                sys.exit(f"wiring.sh: {f['failed']} connections through w1's port forward failed ({label})")
            rates.append(float(f["rate"]))
        (into if into is not None else self.many if many else self.one).append(rates)
        print(f"#   connection rate, {label}: {statistics.median(rates):.0f} conn/s", flush=True)
        for _ in range(300):
            with open(self.CT + "nf_conntrack_count") as f:
                if int(f.read()) < 100:
                    break
            time.sleep(0.1)

    def measure_elements(self):
        """The control: w1 alone up, the table holding as many elements as with all MAX up
        (the others' host ends, masquerade and port forward entries, for links that do not
        exist). What the rate loses here is what the NAT table's size costs; what it loses
        with all up and not here is what the namespaces themselves cost the host."""
        elems = range(2, MAX + 1)
        add = "".join(f'add element inet netnsctl veths {{ "ctl{i}" }}\n'
                      f'add element inet netnsctl masq {{ "ctl{i}" . ipv4 }}\n'
                      f'add element inet netnsctl fwd4 {{ tcp . {20000 + i} : 10.255.{i // 256}.{i % 256} . 80 }}\n'
                      for i in elems)
        subprocess.run(["nft", "-f", "-"], input=add, text=True, check=True)
        self.measure(False, "1 namespace up + elements of %d" % (MAX - 1), self.ctl)
        delete = "".join(f'delete element inet netnsctl veths {{ "ctl{i}" }}\n'
                         f'delete element inet netnsctl masq {{ "ctl{i}" . ipv4 }}\n'
                         f'delete element inet netnsctl fwd4 {{ tcp . {20000 + i} }}\n' for i in elems)
        subprocess.run(["nft", "-f", "-"], input=delete, text=True, check=True)

    def stop(self):
        if self.server:
            self.server.kill()
            self.server.wait()
            self.server = None


def settle(what):
    """Wait (at most 3 minutes) until the machine is idle: the kernel destroys a network
    namespace after its last reference goes, in a worker, some 10 ms each; after a thousand
    "down"s that is minutes of work that would slow whatever is timed next (the other way's
    round). Idle: under 10 % of the CPUs busy over a second."""
    def busy():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)  # idle + iowait, all
    t0 = time.monotonic()
    while time.monotonic() - t0 < 180:
        i0, a0 = busy()
        time.sleep(1)
        i1, a1 = busy()
        if a1 > a0 and (i1 - i0) / (a1 - a0) >= 0.9:
            break
    waited = time.monotonic() - t0
    if waited > 2:
        print(f"#   (waited {waited:.0f} s for the machine to settle before {what})", flush=True)


# ---- up/down timing ----
res = {}  # (way, op, N) -> [ms]


def med(way, op, n):
    v = res.get((way, op, n))
    return statistics.median(v) if v else None


def fmt(x):
    return "-" if x is None else f"{x:.2f}"


notes = []
conn = ConnRate()
print(f"# {time.strftime('%Y-%m-%d %H:%M')}  {platform.node()}  kernel {platform.release()}  {os.cpu_count()} CPUs  "
      f"load {' '.join(open('/proc/loadavg').read().split()[:3])}")
print(f"# {out('ip', '-V').strip()};  {out('nft', '--version').strip()}")
print(f"# N = {' '.join(map(str, NS))}; at small N rounds are repeated until {SAMPLES} calls are timed; "
      f"shell way: SHELL_NFT={os.environ['SHELL_NFT']}", flush=True)

try:
    for n in NS:
        rounds = max(1, math.ceil(SAMPLES / n))
        spent = {}  # (way, op) -> seconds
        for r in range(rounds):
            # at the largest N the shell way first: the connection rate (measured in netnsctl's
            # round there) leaves ~10^5 conntrack entries for the kernel to expire meanwhile
            for way in ("shell", "netnsctl") if n == MAX else ("netnsctl", "shell"):
                with_conn = way == "netnsctl" and n == MAX and r == 0
                if n >= 100:
                    settle(f"the {way} way at N={n}")
                ups, downs, made = res.setdefault((way, "up", n), []), res.setdefault((way, "down", n), []), []
                t0 = time.monotonic()
                for i in range(1, n + 1):
                    if way == "netnsctl":
                        ms, st, err = timed([NNC, "up", f"w{i}"])
                    else:
                        ms, st, err = timed([BASH, "/run/bench/shell-up.sh", f"s{i}", str(i)])
                    if st != 0:
                        if way == "netnsctl":
                            sys.exit(f"wiring.sh: netnsctl up w{i} failed (N={n}): {err}")
                        notes.append(f"shell way, N={n}: 'up' of namespace {i} failed after {i - 1} succeeded: "
                                     f"{err.splitlines()[-1] if err else 'exit status ' + str(st)}")
                        timed([BASH, "/run/bench/shell-clean.sh", f"s{i}", str(i)])
                        break
                    ups.append(ms)
                    made.append(i)
                    if n >= 500 and i % 250 == 0:
                        print(f"#     {way} up {i}/{n}: last 250 median {statistics.median(ups[-250:]):.2f} ms", flush=True)
                    if with_conn and i == 1:
                        t2 = time.monotonic()
                        conn.start()
                        conn.measure(False)
                        if n > 1:
                            conn.measure_elements()
                        t0 += time.monotonic() - t2  # not part of the phase's time
                t1 = time.monotonic()
                if with_conn and n > 1:
                    conn.measure(True)
                    t0 += time.monotonic() - t1
                    t1 = time.monotonic()
                spent[(way, "up")] = spent.get((way, "up"), 0) + t1 - t0
                # w1 last: with it alone up, the connection rate once more
                for i in made[1:] + made[:1]:
                    if with_conn and i == 1:
                        t2 = time.monotonic()
                        conn.measure(False)
                        for c in range(1, CONN_CYCLES if n > 1 else 1):
                            print(f"#   connection rate, cycle {c + 1} of {CONN_CYCLES}: w2..w{n} up and down again (not timed)",
                                  flush=True)
                            for k in range(2, n + 1):
                                run(NNC, "up", f"w{k}")
                            conn.measure(True)
                            for k in range(2, n + 1):
                                run(NNC, "down", f"w{k}")
                            conn.measure(False)
                        conn.stop()
                        t1 += time.monotonic() - t2
                    if way == "netnsctl":
                        ms, st, err = timed([NNC, "down", f"w{i}"])
                    else:
                        ms, st, err = timed([BASH, "/run/bench/shell-down.sh", f"s{i}", str(i)])
                    if st != 0:
                        sys.exit(f"wiring.sh: {way} down of namespace {i} failed (N={n}): {err}")
                    downs.append(ms)
                    if n >= 500 and len(downs) % 250 == 0:
                        print(f"#     {way} down {len(downs)}/{n}: last 250 median {statistics.median(downs[-250:]):.2f} ms",
                              flush=True)
                host_clean(f"{way} down at N={n}")
                spent[(way, "down")] = spent.get((way, "down"), 0) + time.monotonic() - t1
        print(f"#   N={n}: {rounds} round(s) in netnsctl {spent[('netnsctl', 'up')]:.1f} + {spent[('netnsctl', 'down')]:.1f} s, "
              f"shell {spent[('shell', 'up')]:.1f} + {spent[('shell', 'down')]:.1f} s; medians: up {fmt(med('netnsctl', 'up', n))} / "
              f"{fmt(med('shell', 'up', n))} ms, down {fmt(med('netnsctl', 'down', n))} / {fmt(med('shell', 'down', n))} ms",
              flush=True)
finally:
    conn.stop()


print("\n== per-namespace cost, ms: median (p90) of every timed call; the shell way's / netnsctl's median")
print(f"{'N':>5} | {'up netnsctl':>17} {'up shell':>17} {'ratio':>7} | {'down netnsctl':>17} {'down shell':>17} {'ratio':>7}")
for n in NS:
    row = f"{n:>5} |"
    for op in ("up", "down"):
        for way in ("netnsctl", "shell"):
            v = res[(way, op, n)]
            row += f" {'%.2f (%.2f)' % stats(v) if v else 'failed':>17}"
        a, b = med("netnsctl", op, n), med("shell", op, n)
        row += f" {('%.1fx' % (b / a)) if a and b else '-':>7} |"
    print(row.rstrip("|").rstrip())
for s in notes:
    print(f"note: {s}")

print(f"\n== new TCP connections per second from outside through w1's port forward (host port 20001): "
      f"median of {CONN_RUNS} x {CONN_SECONDS:g} s each; w1 alone, all {MAX} up, w1 alone, ...")
ones = [statistics.median(v) for v in conn.one]
manys = [statistics.median(v) for v in conn.many]
cycle_ratios = [m / ((ones[c] + ones[c + 1]) / 2) for c, m in enumerate(manys)]
for c, v in enumerate(conn.one):
    print(f"{'1 namespace up':>22}: {ones[c]:8.0f} conn/s   (runs: {', '.join('%.0f' % x for x in v)})")
    if c < len(manys):
        print(f"{'%d namespaces up' % MAX:>22}: {manys[c]:8.0f} conn/s   (runs: {', '.join('%.0f' % x for x in conn.many[c])})"
              f"  -> {cycle_ratios[c] * 100:.1f} % of the mean of the runs with 1 up before and after")
ratio = statistics.median(cycle_ratios) if cycle_ratios else None
if ratio:
    print(f"{'ratio':>22}: {ratio * 100:8.1f} %" + (f"  (median of {len(cycle_ratios)} cycles)" if len(cycle_ratios) > 1 else ""))
if conn.ctl:
    c = statistics.median(conn.ctl[0])
    print(f"{'control':>22}: {c:8.0f} conn/s   (runs: {', '.join('%.0f' % x for x in conn.ctl[0])}): w1 alone, the table "
          f"holding {MAX - 1} other namespaces' elements -> {c / ones[0] * 100:.1f} % of the run with 1 up before it "
          f"(what the NAT table's size costs)")
print(f"{'noise':>22}: {abs(ones[0] - ones[1]) / max(ones[0], ones[1]) * 100 if len(ones) > 1 else 0:8.1f} %  "
      f"(the first two runs with 1 up apart: differences of this size are not the namespaces')")

# ---- the issue's targets ----
def verdict(ok):
    return "PASS" if ok else "FAIL"


def ratio_target(op, n, want):
    a, b = med("netnsctl", op, n), med("shell", op, n)
    if a is None or b is None:
        return f"{op} >= {want}x faster than the shell way at N={n}: n/a (not run, or the shell way failed)"
    return f"{op} >= {want}x faster than the shell way at N={n}: {b / a:.1f}x  {verdict(b / a >= want)}"


print("\n== targets (issue 3)")
print(ratio_target("up", 100, 10))
print(ratio_target("up", 1000, 30))
a, b = med("netnsctl", "up", 10), med("netnsctl", "up", 1000)
if a and b:
    print(f"up per namespace at N=1000 <= 1.5x that at N=10: {b / a:.2f}x  {verdict(b / a <= 1.5)}")
else:
    print("up per namespace at N=1000 <= 1.5x that at N=10: n/a (not run)")
print(ratio_target("down", 100, 3))
print(ratio_target("down", 1000, 10))
if MAX >= 1000 and ratio:
    print(f"conn rate with {MAX} up >= 95% of that with 1: {ratio * 100:.1f} %  {verdict(ratio >= 0.95)}")
else:
    print(f"conn rate with 1000 up >= 95% of that with 1: n/a (largest N was {MAX}"
          + (f": {ratio * 100:.1f} %)" if ratio else ")"))
PY
