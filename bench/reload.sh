#!/bin/bash
# reload.sh - "netnsctl reload" of one namespace among N up (default 1000): a reload whose only
# change is one Port= (added, then removed again, in turn), a reload that changes nothing, and
# a restart (down + up) of the same namespace; and what an established flow through that
# namespace's port forwards loses while it is reloaded over and over: a UDP stream with sequence
# numbers (datagrams sent, received, missing) and a TCP stream (bytes sent and received, the
# sender's retransmitted segments). Not a pass/fail test: it prints figures and the issue's
# targets next to them (a reload <= 5 ms and <= 1/10 of a restart; nothing lost). The reloads
# are timed on a quiet machine, as the restart is, and again while the flows run.
#
# Usage (root): bench/reload.sh [N [RUNS]]     default 1000 namespaces, 100 timed calls of each
# Environment:
#   NETNSCTL      default: build/helper/netnsctl of this tree (the command systemd runs)
#   UDP_RATE      default 5000: datagrams per second of the UDP stream
#
# In a sandbox of its own, like wiring.sh and the kernel tests: unshare --net --mount, tmpfs on
# /run and /etc/netns, / made rshared as on a systemd host. Nothing of the machine is touched.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
: "${NETNSCTL:=$here/../build/helper/netnsctl}"
: "${UDP_RATE:=5000}"
export NETNSCTL UDP_RATE
. "$here/lib.sh"

if [ -z "${NETNSCTL_BENCH_SANDBOX:-}" ]; then
        [ "$(id -u)" = 0 ] || { echo "reload.sh: needs root (unshare --net --mount)" >&2; exit 1; }
        [ -x "$NETNSCTL" ] || { echo "reload.sh: $NETNSCTL is not built (ninja -C build)" >&2; exit 1; }
        for c in ip nft python3 unshare nsenter; do
                command -v "$c" >/dev/null || { echo "reload.sh: $c is missing" >&2; exit 1; }
        done
        for n in "${1:-1000}" "${2:-100}"; do
                case $n in
                ''|*[!0-9]*) echo "reload.sh: '$n' is no number" >&2; exit 1 ;;
                esac
        done
        [ "${1:-1000}" -ge 1 ] && [ "${1:-1000}" -le 5000 ] || { echo "reload.sh: N is out of range (1-5000)" >&2; exit 1; }
        bench_enter "$@"
fi

bench_sandbox
bench_world # where the flows come from

# the flows: receivers inside the namespace, senders outside; each writes its counts to a file
# when told to stop (SIGTERM), then exits
cat >/run/bench/flow.py <<'PY'
import signal, socket, struct, sys, time
mode, out = sys.argv[1], sys.argv[2]
stop = False
def term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, term)
def done(**kv):
    with open(out, "w") as f:
        f.write(" ".join(f"{k}={v}" for k, v in kv.items()) + "\n")
if mode == "udp-recv":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind(("0.0.0.0", int(sys.argv[3])))
    s.settimeout(0.2)
    got, top = 0, -1
    while not stop:
        try:
            d = s.recv(64)
        except (socket.timeout, InterruptedError):
            continue
        got += 1
        top = max(top, struct.unpack("!Q", d[:8])[0])
    done(received=got, highest=top)
elif mode == "udp-send":
    host, port, rate = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((host, port))
    seq, t0 = 0, time.monotonic()
    while not stop:
        due = int((time.monotonic() - t0) * rate)
        while seq < due and not stop:
            s.send(struct.pack("!Q", seq) + b"x" * 56)
            seq += 1
        time.sleep(0.001)
    done(sent=seq)
elif mode == "tcp-recv":
    l = socket.socket()
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("0.0.0.0", int(sys.argv[3])))
    l.listen(1)
    c, _ = l.accept()
    n = 0
    while True:
        try:
            d = c.recv(1 << 16)
        except InterruptedError:
            continue
        if not d:
            break
        n += len(d)
    done(received=n)
elif mode == "tcp-send":
    host, port = sys.argv[3], int(sys.argv[4])
    c = socket.create_connection((host, port))
    buf, n = b"y" * 16384, 0
    while not stop:
        try:
            n += c.send(buf)
        except InterruptedError:
            pass
        time.sleep(0.0005)  # about 30 MB/s: a steady stream, not a saturated link
    c.shutdown(socket.SHUT_WR)
    time.sleep(0.5)
    done(sent=n)
PY

exec python3 - "${1:-1000}" "${2:-100}" <<'PY'
import os, platform, statistics, subprocess, sys, time

NNC = os.environ["NETNSCTL"]
N, RUNS = int(sys.argv[1]), int(sys.argv[2])
UDP_RATE = int(os.environ["UDP_RATE"])
T = (N + 1) // 2           # the namespace reloaded: one in the middle
ERR = "/run/bench/stderr"
null = os.open(os.devnull, os.O_RDWR)
actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
           (os.POSIX_SPAWN_OPEN, 2, ERR, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]


CPU = {}  # id(list of wall times) -> list of CPU times, for the same calls


def timed(*argv, into=None):
    """Run argv, wait for it; milliseconds of wall time (and, appended to CPU[id(into)], of CPU
    time: user + system, from wait4(): on a machine shared with other work the wall time includes
    waiting for a CPU, the CPU time does not). Exits the benchmark when it fails."""
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], list(argv), os.environ, file_actions=actions)
    _, st, ru = os.wait4(pid, 0)
    ms = (time.perf_counter_ns() - t0) / 1e6
    if os.waitstatus_to_exitcode(st) != 0:
        sys.exit(f"reload.sh: {' '.join(argv)} failed: {open(ERR).read().strip()}")
    if into is not None:
        into.append(ms)
        CPU.setdefault(id(into), []).append((ru.ru_utime + ru.ru_stime) * 1000)
    return ms


def write_conf(i, extra=""):
    with open(f"/etc/netns/r{i}.conf", "w") as f:
        f.write(f"[Veth]\nHostAddress=auto\nAddress=auto\nDefaultRoute=yes\n\n[NAT]\nMasquerade=ipv4\n"
                f"Port=tcp:{20000 + i}:80\nPort=udp:{20000 + i}:9\n{extra}")


def stats(v):
    v = sorted(v)
    return statistics.median(v), v[min(len(v) - 1, int(len(v) * 0.9))]


def fmt(v):
    return "%6.2f ms (p90 %6.2f), CPU %5.2f ms (p90 %5.2f)" % (stats(v) + stats(CPU[id(v)]))


def snmp_retrans(ns):
    """RetransSegs of the TCP counters in namespace @ns"""
    lines = [l.split() for l in subprocess.run(["nsenter", f"--net=/run/netns/{ns}", "cat", "/proc/net/snmp"],
                                               check=True, capture_output=True, text=True).stdout.splitlines()
             if l.startswith("Tcp:")]
    return int(lines[1][lines[0].index("RetransSegs")])


def read_kv(path):
    for _ in range(100):
        if os.path.exists(path) and open(path).read().endswith("\n"):
            return {k: int(v) for k, v in (x.split("=") for x in open(path).read().split())}
        time.sleep(0.05)
    sys.exit(f"reload.sh: {path} was never written")


print(f"# {time.strftime('%Y-%m-%d %H:%M')}  {platform.node()}  kernel {platform.release()}  {os.cpu_count()} CPUs  "
      f"load {' '.join(open('/proc/loadavg').read().split()[:3])}")
print(f"# {N} namespaces up (veth, auto addresses, Masquerade=ipv4, a TCP and a UDP Port= each); r{T} is reloaded; "
      f"{RUNS} timed calls of each", flush=True)
for i in range(1, N + 1):
    write_conf(i)
t0 = time.monotonic()
for i in range(1, N + 1):
    timed(NNC, "up", f"r{i}")
    if i % 250 == 0:
        print(f"#   {i} up", flush=True)
print(f"#   {N} up in {time.monotonic() - t0:.1f} s", flush=True)

# the reloads on a quiet machine (as the restart below is measured): one Port= in, then out
# again, in turn; then the no-op
changed, noop = [], []
for k in range(RUNS):
    write_conf(T, "Port=tcp:40000:8080\n" if k % 2 == 0 else "")
    timed(NNC, "reload", f"r{T}", into=changed)
write_conf(T)
for k in range(RUNS):
    timed(NNC, "reload", f"r{T}", into=noop)

# the flows through r{T}'s forwards, from bench-out
port = 20000 + T
procs = [subprocess.Popen(["nsenter", f"--net=/run/netns/r{T}", "python3", "/run/bench/flow.py", m, f"/run/bench/{m}", str(p)])
         for m, p in (("udp-recv", 9), ("tcp-recv", 80))]
time.sleep(0.5)
procs += [subprocess.Popen(["nsenter", "--net=/run/netns/bench-out", "python3", "/run/bench/flow.py", "udp-send", "/run/bench/udp-send",
                            "192.0.2.1", str(port), str(UDP_RATE)]),
          subprocess.Popen(["nsenter", "--net=/run/netns/bench-out", "python3", "/run/bench/flow.py", "tcp-send", "/run/bench/tcp-send",
                            "192.0.2.1", str(port)])]
time.sleep(1)


# a baseline: the flows alone, for as long as the reloads will take (guessed from 2 reloads)
t = time.monotonic()
for k in range(2):
    write_conf(T, "Port=tcp:40000:8080\n" if k % 2 == 0 else "")
    timed(NNC, "reload", f"r{T}")
base_s = max(1.0, (time.monotonic() - t) * RUNS)
retrans_b0 = snmp_retrans("bench-out")
time.sleep(base_s)
retrans_base = snmp_retrans("bench-out") - retrans_b0

# the reloads, while the flows run: one Port= in, then out again, in turn; then the no-op
changed_f, noop_f = [], []
retrans0 = snmp_retrans("bench-out")
t_flow = time.monotonic()
for k in range(RUNS):
    write_conf(T, "Port=tcp:40000:8080\n" if k % 2 == 0 else "")
    timed(NNC, "reload", f"r{T}", into=changed_f)
write_conf(T)
for k in range(RUNS):
    timed(NNC, "reload", f"r{T}", into=noop_f)
t_flow = time.monotonic() - t_flow
time.sleep(1)
for p in procs[2:]:
    p.terminate()
udp_send, tcp_send = read_kv("/run/bench/udp-send"), read_kv("/run/bench/tcp-send")
for p in procs[:2]:
    p.terminate()
for p in procs:
    p.wait()
udp_recv, tcp_recv = read_kv("/run/bench/udp-recv"), read_kv("/run/bench/tcp-recv")
retrans = snmp_retrans("bench-out") - retrans0
rule = subprocess.run(["nft", "list", "table", "inet", "netnsctl"], capture_output=True, text=True).stdout
if "40000" in rule or f"{port}" not in rule:
    sys.exit("reload.sh: the NAT table is not as the last reload left it")

# the restart of the same namespace: down, then up
restart, downs, ups = [], [], []
for k in range(max(10, RUNS // 5)):
    restart.append(timed(NNC, "down", f"r{T}", into=downs) + timed(NNC, "up", f"r{T}", into=ups))
CPU[id(restart)] = [a + b for a, b in zip(CPU[id(downs)], CPU[id(ups)])]

print(f"\n== r{T} among {N} up: median (p90) of each")
print(f"{'reload, one Port= changed':>30}: {fmt(changed)}")
print(f"{'reload, nothing changed':>30}: {fmt(noop)}")
print(f"{'restart (down + up)':>30}: {fmt(restart)}")
print(f"{'the same, during the flows:':>30}")
print(f"{'reload, one Port= changed':>30}: {fmt(changed_f)}")
print(f"{'reload, nothing changed':>30}: {fmt(noop_f)}")
rc, rn, rr = statistics.median(changed), statistics.median(noop), statistics.median(restart)
cc, cn, cr = (statistics.median(CPU[id(v)]) for v in (changed, noop, restart))
print(f"\n== the flows through r{T}'s forwards: {base_s:.1f} s alone, then during the {2 * RUNS} reloads ({t_flow:.1f} s)")
lost = udp_send["sent"] - udp_recv["received"]
print(f"{'UDP datagrams':>30}: sent {udp_send['sent']}, received {udp_recv['received']}, lost {lost} "
      f"({lost / max(1, udp_send['sent']) * 100:.3f} %)")
print(f"{'TCP bytes':>30}: sent {tcp_send['sent']}, received {tcp_recv['received']}, "
      f"retransmitted segments {retrans} (in {base_s:.1f} s of the same flows without reloads before: {retrans_base})")

print("\n== against the issue's targets (figures, not verdicts)")
print(f"reload of one changed Port= with {N} up: {rc:.2f} ms = {rc / 5:.2f} x the 5 ms goal (CPU time {cc:.2f} ms)")
print(f"reload / restart: {rc / rr:.3f} by wall time, {cc / cr:.3f} by CPU time (goal <= 0.1)")
print(f"no-op reload: {rn:.2f} ms = {rn / rr:.3f} of a restart (CPU {cn:.2f} ms = {cn / cr:.3f})")
print(f"UDP datagrams lost (the whole run): {lost}; TCP bytes missing: {tcp_send['sent'] - tcp_recv['received']}, "
      f"retransmitted segments during the reloads: {retrans} (without reloads: {retrans_base})")
PY
