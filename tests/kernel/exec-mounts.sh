#!/bin/bash
# exec-mounts.sh - the mounts "up" makes for exec and units: the pinned sysfs with the host's
# /sys submounts, the prepared mount namespace (small, holds no other namespace); "down" (also
# after a failure or a crash in these steps) leaves the mount table exactly as before, and the
# network namespace is really freed even while other mount namespaces hold copies of its mounts.
. "$(dirname "$0")/lib.sh"

BG=()
cleanup() {
        local rc=$? p
        for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; done
        wait 2>/dev/null || true
        exit "$rc"
}
trap cleanup EXIT

mount --make-rshared /

conf a <<'X'
[Namespace]
DNS=192.0.2.53
X
conf b <<'X'
[Namespace]
X
# (/run/netns and /run/netnsctl become mount points and stay; snapshot() leaves them out)
snapshot "$T/before"
cgroup_mounts=$(findmnt -rn -o TARGET,FSTYPE | grep '^/sys/fs/cgroup' | sort)
[ -n "$cgroup_mounts" ] || fail "no mounts under /sys/fs/cgroup to compare with (test setup)"
nnc up b
nnc down b
# the pinned sysfs holds clones of the host's /sys submounts: unmounting it must not unmount
# what is below the originals (it did, when the clones were peers of shared originals)
assert_eq "$(findmnt -rn -o TARGET,FSTYPE | grep '^/sys/fs/cgroup' | sort)" "$cgroup_mounts" \
        "the host's /sys/fs/cgroup mounts after up and down"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"

# --- what up makes
nnc up a
assert_eq "$(stat -f -c %T /run/netnsctl/a/sys)" sysfs "fs of /run/netnsctl/a/sys"
assert_eq "$(ls /run/netnsctl/a/sys/class/net | tr '\n' ' ')" "lo " "links in the pinned sysfs"
for sub in $(awk '$5 ~ "^/sys/[^/]+(/[^/]+)?$" {print $5}' /proc/self/mountinfo | sort -u); do
        findmnt -n "/run/netnsctl/a$sub" >/dev/null || fail "$sub not bound into /run/netnsctl/a/sys"
done
findmnt -n /run/netnsctl/a/sys/fs/cgroup >/dev/null || fail "no /sys/fs/cgroup in the pinned sysfs"
assert_eq "$(stat -f -c %T /run/netnsctl/a/mnt)" nsfs "fs of the mount namespace pin"
assert_eq "$(stat -L -c %i /run/netnsctl/a/mnt)" "$(nsenter --mount=/run/netnsctl/a/mnt stat -L -c %i /proc/self/ns/mnt)" \
        "the pin holds a mount namespace"
# inside the prepared namespace: the sysfs on /sys, nothing of /run/netnsctl, no pins
assert_eq "$(nsenter --mount=/run/netnsctl/a/mnt --net=/run/netns/a ls /sys/class/net | tr '\n' ' ')" "lo " \
        "/sys/class/net in the prepared mount namespace"
pass "up makes the sysfs tree and the mount namespace"

# --- the prepared namespace does not grow with other namespaces (started before or after it),
# and holds none of them
nnc up b
for n in c d e; do
        conf $n </dev/null
        nnc up $n
done
targets=$(nsenter --mount=/run/netnsctl/a/mnt findmnt -rn -o TARGET)
assert_eq "$(echo "$targets" | grep -c '^/run/netnsctl/' || true)" 0 "mounts under /run/netnsctl in a's prepared namespace"
for n in a b c d e; do
        echo "$targets" | grep -qx "/run/netns/$n" && fail "a's prepared namespace holds a copy of the pin of $n"
done
assert_eq "$(nsenter --mount=/run/netnsctl/a/mnt ls -A /run/netns | wc -l)" 0 "entries in /run/netns inside a's prepared namespace"
for n in c d e; do nnc down $n; done
pass "prepared namespace stays small"

# --- exec does not change the host's mounts
before=$(cat /proc/self/mountinfo)
nnc exec a true
nnc exec b true
assert_eq "$(cat /proc/self/mountinfo)" "$before" "mount table after exec"
pass "exec leaves the host's mounts alone"

# --- down frees the network namespace even when others hold copies of its mounts: another
# prepared namespace (b), and a service-like mount namespace made after "up" (slave)
ip link add vt-a type veth peer name vp-a netns a
unshare --mount --propagation slave sleep 300 &
BG+=($!)
holder=$!
sleep 0.2
nsenter -t "$holder" -m findmnt -n /run/netnsctl/a/sys >/dev/null || fail "the holder has no copy of a's sysfs (test setup)"
nnc down a
for _ in $(seq 100); do ip link show vt-a >/dev/null 2>&1 || break; sleep 0.1; done
if ip link show vt-a >/dev/null 2>&1; then
        fail "namespace a still alive after down (its veth vt-a is still there)"
fi
nsenter -t "$holder" -m findmnt -n /run/netnsctl/a/sys >/dev/null && fail "the holder still has a's sysfs"
pass "down frees the namespace"
nnc down b

snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down leaves the mounts as before"

# --- failure in each of these steps, and a crash after each: nothing left
for step in sysfs resolv mntns; do
        NETNSCTL_TEST_FAIL_STEP=$step nnc_fails up a
        grep -q "at step '$step'" "$T/err" || fail "message does not name step $step"
        snapshot "$T/after"
        assert_same_snapshot "$T/before" "$T/after"
        NETNSCTL_TEST_KILL_AFTER=$step "$NETNSCTL" up a 2>/dev/null && fail "up survived SIGKILL after $step"
        findmnt -n /run/netnsctl/a/sys >/dev/null || fail "crash after $step: test expects the sysfs to be left"
        nnc down a
        snapshot "$T/after"
        assert_same_snapshot "$T/before" "$T/after"
        # and an up after a crash cleans up and succeeds
        NETNSCTL_TEST_KILL_AFTER=$step "$NETNSCTL" up a 2>/dev/null && fail "up survived SIGKILL after $step"
        nnc up a
        nnc exec a true
        nnc down a
        snapshot "$T/after"
        assert_same_snapshot "$T/before" "$T/after"
done
pass "failures and crashes"
pass "all"
