#!/bin/bash
# exec-latency.sh - how long "netnsctl exec NAME true" takes, next to "ip netns exec NAME true"
# and "nsenter --net=/run/netns/NAME true", with 1 and with many namespaces up.
#
# Usage (root): bench/exec-latency.sh [RUNS [MANY]]
#   RUNS  runs of each command per round (default 300)
#   MANY  namespaces up in the second round (default 1000)
# Environment: NETNSCTL (default: build/helper/netnsctl of this tree).
#
# Everything happens in a sandbox of its own (unshare --net --mount, tmpfs on /run and
# /etc/netns, / made rshared like on a systemd host): nothing of the machine is touched, and it
# all goes away at the end. The commands run interleaved (one of each in turn), each started
# with posix_spawn() and waited for; the median and the 90th percentile are printed, and each
# median as a ratio to nsenter's. Not a pass/fail test.
set -euo pipefail

RUNS=${1:-300}
MANY=${2:-1000}
here=$(cd "$(dirname "$0")" && pwd)
: "${NETNSCTL:=$here/../build/helper/netnsctl}"
export NETNSCTL

if [ -z "${NETNSCTL_BENCH_SANDBOX:-}" ]; then
        [ "$(id -u)" = 0 ] || { echo "exec-latency.sh: needs root (unshare --net --mount)" >&2; exit 1; }
        [ -x "$NETNSCTL" ] || { echo "exec-latency.sh: $NETNSCTL not built" >&2; exit 1; }
        [ -d /etc/netns ] || mkdir -m 0755 /etc/netns # a mount point for the sandbox's tmpfs
        exec unshare --net --mount --propagation private env NETNSCTL_BENCH_SANDBOX=1 bash "$0" "$@"
fi

mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/netns /run/netnsctl
mount -t tmpfs -o mode=0755 tmpfs /etc/netns
mount --make-rshared /
ip link set lo up
PY=$(command -v /usr/bin/python3 || command -v python3)

up() { # NAME
        printf '[Namespace]\n' >"/etc/netns/$1.conf"
        "$NETNSCTL" up "$1"
}

measure() { # LABEL: prints one block; the result line goes to $res/LABEL
        "$PY" - "$RUNS" "$1" <<'PY'
import os, sys, time, statistics
runs, label = int(sys.argv[1]), sys.argv[2]
nnc = os.environ["NETNSCTL"]
cmds = {
    "true":            ["/bin/true"],
    "nsenter --net":   ["nsenter", "--net=/run/netns/bench0", "true"],
    "ip netns exec":   ["ip", "netns", "exec", "bench0", "true"],
    "netnsctl exec":   [nnc, "exec", "bench0", "true"],
}
import shutil
cmds = {k: [shutil.which(v[0]) or v[0]] + v[1:] for k, v in cmds.items()}
null = os.open(os.devnull, os.O_RDWR)
fa = [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
t = {k: [] for k in cmds}
for k, c in cmds.items():  # warm up caches
    for _ in range(5):
        os.waitpid(os.posix_spawn(c[0], c, os.environ, file_actions=fa), 0)
for _ in range(runs):
    for k, c in cmds.items():
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(c[0], c, os.environ, file_actions=fa)
        _, st = os.waitpid(pid, 0)
        t[k].append(time.perf_counter_ns() - t0)
        if st != 0:
            sys.exit(f"{k}: exited with status {st}")
with open("/proc/self/mountinfo") as f:
    mounts = sum(1 for _ in f)
print(f"\n== {label} namespace(s) up, {mounts} mounts, {runs} runs each")
print(f"{'command':<16}{'median ms':>11}{'p90 ms':>9}{'/ nsenter':>11}")
base = statistics.median(t["nsenter --net"])
for k, v in t.items():
    v.sort()
    med, p90 = statistics.median(v), v[int(len(v) * 0.9)]
    print(f"{k:<16}{med / 1e6:>11.3f}{p90 / 1e6:>9.3f}{med / base:>11.2f}")
PY
}

echo "netnsctl: $NETNSCTL"
echo "kernel $(uname -r), $(nproc) CPUs"
up bench0
measure 1

start=$(date +%s)
for i in $(seq 1 $((MANY - 1))); do
        up "bench$i"
        if [ $((i % 100)) = 0 ]; then echo "# $i namespaces more up ($(( $(date +%s) - start )) s)" >&2; fi
done
measure "$MANY"
