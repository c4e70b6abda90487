#!/bin/bash
# exec-user.sh - what "netnsctl exec" costs under systemd: as root (the command joins a scope bound
# to netns@NAME.service) and as a user allowed by ExecGroups= (netnsctl-exec.socket, a transient
# service as that user), next to "systemd-run --pipe --wait true" as root, "nsenter --net" and
# "netnsctl exec" into a namespace made by "ip netns add" (no scope), in the same run.
#
# Usage (root): BUILD_DIR=build bench/exec-user.sh [RUNS]     (default 100 runs of each)
#
# It boots the machine's own Debian with systemd in a throw-away container with a private
# network (tests/systemd/lib.sh: overlay on tmpfs, the build installed; nothing of the machine
# is touched). Inside, one Python process starts each command in turn (interleaved), the user's
# runs with the user's uid and groups, and waits for it; printed: median, 90th percentile, and
# the ratios the targets are about. Not a pass/fail test.
here=$(cd "$(dirname "$0")" && pwd)
: "${BUILD_DIR:=$here/../build}"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
export BUILD_DIR
RUNS=${1:-100}
. "$here/../tests/systemd/lib.sh"

ct_setup
ct_write /etc/netns/bench.conf <<'CONF'
[Namespace]
Boot=no
ExecGroups=benchers
CONF
ct_write /usr/local/bin/exec-bench 0755 <<'PY'
#!/usr/bin/python3
import os, pwd, statistics, subprocess, sys, time
runs, nnc = int(sys.argv[1]), sys.argv[2]
u = pwd.getpwnam("bencher")
groups = os.getgrouplist("bencher", u.pw_gid)
def as_user():
    os.setgroups(groups); os.setgid(u.pw_gid); os.setuid(u.pw_uid)
cmds = {
    "nsenter --net (root)":          (["nsenter", "--net=/run/netns/bench", "true"], None),
    "netnsctl exec, ip netns add":   ([nnc, "exec", "plain", "true"], None),
    "netnsctl exec (root, scope)":   ([nnc, "exec", "bench", "true"], None),
    "systemd-run --pipe --wait":     (["systemd-run", "--quiet", "--pipe", "--wait", "true"], None),
    "netnsctl exec (user)":          ([nnc, "exec", "bench", "true"], as_user),
}
t = {k: [] for k in cmds}
def run(k):
    argv, pre = cmds[k]
    t0 = time.perf_counter_ns()
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, preexec_fn=pre, cwd="/",
                       env={"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"})
    dt = time.perf_counter_ns() - t0
    if p.returncode != 0:
        sys.exit(f"{k}: exited with status {p.returncode}")
    return dt
for k in cmds:      # warm up
    for _ in range(3):
        run(k)
for _ in range(runs):
    for k in cmds:
        t[k].append(run(k))
print(f"{'command':<30}{'median ms':>11}{'p90 ms':>9}")
med = {}
for k, v in t.items():
    v.sort()
    med[k] = statistics.median(v)
    print(f"{k:<30}{med[k] / 1e6:>11.3f}{v[int(len(v) * 0.9)] / 1e6:>9.3f}")
print()
print(f"user exec / systemd-run --pipe --wait (target <= 3): {med['netnsctl exec (user)'] / med['systemd-run --pipe --wait']:.2f}")
print(f"root exec with scope / nsenter --net:                {med['netnsctl exec (root, scope)'] / med['nsenter --net (root)']:.2f}")
print(f"root exec without scope / nsenter --net:             {med['netnsctl exec, ip netns add'] / med['nsenter --net (root)']:.2f}")
PY
ct_boot
nnc=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$(ct_unit_path netns@.service)")
in_ct groupadd benchers && in_ct useradd -m -G benchers bencher || die "useradd"
ct_systemctl start netns@bench.service netnsctl-exec.socket || die "start netns@bench, netnsctl-exec.socket"
in_ct ip netns add plain || die "ip netns add plain"
echo "kernel $(uname -r), $(nproc) CPUs, $(in_ct systemctl --version | head -1), $RUNS runs each"
in_ct exec-bench "$RUNS" "$nnc" || fail "exec-bench failed"
ct_finish
