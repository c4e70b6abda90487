#!/bin/bash
# exec-mounts.sh - the mounts "up" makes for exec and units: a bare pinned sysfs and the mount
# namespace pin, at most 4 mountinfo lines per namespace on the host whatever the number up; the
# prepared mount namespace (small, holds no other namespace, its own sysfs on /sys with the
# host's /sys submounts as slaves), also when copied from another namespace's (then still a
# slave of the host), and not copied from one that does not follow the host; "down" (also
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
# the prepared mount namespace holds clones of the host's /sys submounts: dropping it must not
# unmount what is below the originals (it did, when the clones were peers of shared originals)
assert_eq "$(findmnt -rn -o TARGET,FSTYPE | grep '^/sys/fs/cgroup' | sort)" "$cgroup_mounts" \
        "the host's /sys/fs/cgroup mounts after up and down"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"

# /sys submounts of the host, and of mount namespace MNT (default: ours), one per line: "PATH FSTYPE"
sys_submounts() { # [MNT]
        if [ -n "${1:-}" ]; then
                nsenter --mount="$1" findmnt -rn -o TARGET,FSTYPE
        else
                findmnt -rn -o TARGET,FSTYPE
        fi | awk '$1 ~ "^/sys/" && $2 != "sysfs"' | sort
}
host_subs=$(sys_submounts)
[ -n "$host_subs" ] || fail "no mounts below /sys to compare with (test setup)"

# --- what up makes
nnc up a
assert_eq "$(stat -f -c %T /run/netnsctl/a/sys)" sysfs "fs of /run/netnsctl/a/sys"
assert_eq "$(ls /run/netnsctl/a/sys/class/net | tr '\n' ' ')" "lo " "links in the pinned sysfs"
# bare: one mount, nothing below it (units bind the host's submounts themselves)
assert_eq "$(awk '$5 == "/run/netnsctl/a/sys" || $5 ~ "^/run/netnsctl/a/sys/"' /proc/self/mountinfo | wc -l)" 1 \
        "mounts at and below /run/netnsctl/a/sys"
assert_eq "$(stat -f -c %T /run/netnsctl/a/mnt)" nsfs "fs of the mount namespace pin"
assert_eq "$(awk '$5 == "/run/netnsctl/a/mnt"' /proc/self/mountinfo | wc -l)" 1 \
        "mounts at /run/netnsctl/a/mnt (the pin, no self-bind under it)"
assert_eq "$(stat -L -c %i /run/netnsctl/a/mnt)" "$(nsenter --mount=/run/netnsctl/a/mnt stat -L -c %i /proc/self/ns/mnt)" \
        "the pin holds a mount namespace"
# inside the prepared namespace: the sysfs on /sys with the host's submounts (slaves of the
# host's), nothing of /run/netnsctl, no pins
assert_eq "$(nsenter --mount=/run/netnsctl/a/mnt --net=/run/netns/a ls /sys/class/net | tr '\n' ' ')" "lo " \
        "/sys/class/net in the prepared mount namespace"
assert_eq "$(sys_submounts /run/netnsctl/a/mnt)" "$host_subs" "/sys submounts in the prepared mount namespace"
assert_eq "$(nsenter --mount=/run/netnsctl/a/mnt findmnt -n -o PROPAGATION /sys/fs/cgroup)" private,slave \
        "propagation of /sys/fs/cgroup in the prepared mount namespace"
pass "up makes the sysfs and the mount namespace"

# --- the host gains at most 4 mountinfo lines per namespace (the pin, the sysfs, the mount
# namespace pin), however many are up (a and b make /run/netns and /run/netnsctl mount points)
nnc up b
m0=$(wc -l </proc/self/mountinfo)
for n in m1 m2 m3 m4 m5 m6; do
        conf $n </dev/null
        nnc up $n
done
m1=$(wc -l </proc/self/mountinfo)
[ $((m1 - m0)) -le $((6 * 4)) ] ||
        fail "6 namespaces up added $((m1 - m0)) mountinfo lines (> 4 each), the last: $(tail -n 20 /proc/self/mountinfo | awk '{print $5}' | tr '\n' ' ')"
for n in m1 m2 m3 m4 m5 m6; do nnc down $n; done
nnc down b
pass "$((m1 - m0)) mountinfo lines for 6 namespaces"

# --- the prepared namespace does not grow with other namespaces (started before or after it),
# and holds none of them; those copied from another's are the same
NETNSCTL_LOG_LEVEL=debug "$NETNSCTL" up b 2>"$T/err" || { cat "$T/err" >&2; fail "up b"; }
grep -q "Preparing the mount namespace of 'b' from that of 'a'" "$T/err" ||
        { cat "$T/err" >&2; fail "b's mount namespace was not copied from a's (test expects it: a is up, / is shared)"; }
for n in c d e; do
        conf $n </dev/null
        nnc up $n
done
ip -n b link add vb0 type veth peer name vb1
for m in a b c d e; do
        mnt=/run/netnsctl/$m/mnt
        targets=$(nsenter --mount=$mnt findmnt -rn -o TARGET)
        assert_eq "$(echo "$targets" | grep -c '^/run/netnsctl/' || true)" 0 "mounts under /run/netnsctl in $m's prepared namespace"
        for n in a b c d e; do
                echo "$targets" | grep -qx "/run/netns/$n" && fail "$m's prepared namespace holds a copy of the pin of $n"
        done
        assert_eq "$(nsenter --mount=$mnt ls -A /run/netns | wc -l)" 0 "entries in /run/netns inside $m's prepared namespace"
        # its own sysfs only, whole: one sysfs mount, on /sys, with the host's submounts
        assert_eq "$(nsenter --mount=$mnt findmnt -rn -t sysfs -o TARGET)" /sys "sysfs mounts in $m's prepared namespace"
        assert_eq "$(sys_submounts $mnt)" "$host_subs" "/sys submounts in $m's prepared namespace"
        want="lo "
        [ $m = b ] && want="lo vb0 vb1 "
        assert_eq "$(nsenter --mount=$mnt ls /sys/class/net | sort | tr '\n' ' ')" "$want" "/sys/class/net in $m's prepared namespace"
        assert_eq "$(nsenter --mount=$mnt wc -l </proc/self/mountinfo)" "$(nsenter --mount=/run/netnsctl/a/mnt wc -l </proc/self/mountinfo)" \
                "mountinfo lines of $m's prepared namespace and of a's"
done
# a copy of a copy is still a slave of the host: what the host mounts later shows up in it, and
# goes away with the host's unmount
mkdir "$T/later"
mount -t tmpfs -o size=4k later "$T/later"
for m in a b e; do
        nsenter --mount=/run/netnsctl/$m/mnt findmnt -n "$T/later" >/dev/null || fail "$m's prepared namespace does not get the host's later mount"
done
umount "$T/later"
for m in a b e; do
        nsenter --mount=/run/netnsctl/$m/mnt findmnt -n "$T/later" >/dev/null && fail "$m's prepared namespace keeps the host's unmounted mount"
done
ip -n b link del vb0
for n in c d e; do nnc down $n; done
pass "prepared namespaces stay small, copies of them are the same"

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

# --- failure in each of these steps, and a crash after each: nothing left; with no other
# namespace up (the host's mount namespace is copied) and with b up (b's is)
for other in "" b; do
        if [ -n "$other" ]; then
                nnc up $other
        fi
        snapshot "$T/before-$other"
        # "mntns" starts the child preparing the mount namespace (right after the network
        # namespace exists), "mntns-pin" waits for it and pins it (the last step)
        for step in mntns sysfs resolv mntns-pin; do
                NETNSCTL_TEST_FAIL_STEP=$step nnc_fails up a
                grep -q "at step '$step'" "$T/err" || fail "message does not name step $step"
                snapshot "$T/after"
                assert_same_snapshot "$T/before-$other" "$T/after"
                NETNSCTL_TEST_KILL_AFTER=$step "$NETNSCTL" up a 2>/dev/null && fail "up survived SIGKILL after $step"
                if [ "$step" != mntns ]; then
                        findmnt -n /run/netnsctl/a/sys >/dev/null || fail "crash after $step: test expects the sysfs to be left"
                fi
                nnc down a
                snapshot "$T/after"
                assert_same_snapshot "$T/before-$other" "$T/after"
                # and an up after a crash cleans up and succeeds
                NETNSCTL_TEST_KILL_AFTER=$step "$NETNSCTL" up a 2>/dev/null && fail "up survived SIGKILL after $step"
                nnc up a
                assert_eq "$(nnc exec a ls /sys/class/net | tr '\n' ' ')" "lo " "/sys/class/net of exec in a"
                nnc down a
                snapshot "$T/after"
                assert_same_snapshot "$T/before-$other" "$T/after"
        done
        if [ -n "$other" ]; then
                nnc down $other
        fi
done
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "failures and crashes"

# --- what is not copied: a mount namespace pin that is no mount namespace; another namespace's
# prepared mount namespace when / is not shared, or when it no longer follows the host's /
# (then each is a copy of the host's: its / a slave of the host's /)
root_propagation() { # [MNT]: "shared:N", "master:N" of / (as mountinfo has them)
        ${1:+nsenter --mount="$1"} awk '$5 == "/" { for (i = 7; $i != "-"; i++) printf "%s ", $i; print "" }' /proc/self/mountinfo
}
host_root=$(root_propagation | grep -o 'shared:[0-9]*' || true)
[ -n "$host_root" ] || fail "/ is not shared (test setup): $(root_propagation)"
for n in f g; do conf $n </dev/null; done
# a finished up's record (b's, b gone) over a pin of a network namespace
nnc up b
cp /run/netnsctl/b/state "$T/state-b"
nnc down b
mkdir -m 0700 /run/netnsctl/zz
cp "$T/state-b" /run/netnsctl/zz/state
touch /run/netnsctl/zz/mnt
mount --bind /proc/self/ns/net /run/netnsctl/zz/mnt
NETNSCTL_LOG_LEVEL=debug "$NETNSCTL" up a 2>"$T/err" || { cat "$T/err" >&2; fail "up a with a network namespace at zz/mnt"; }
grep -q "Not preparing from /run/netnsctl/zz/mnt: No medium found" "$T/err" || { cat "$T/err" >&2; fail "zz/mnt was not refused"; }
umount /run/netnsctl/zz/mnt
rm -r /run/netnsctl/zz
nnc down a
# a mount namespace someone else pinned there, one that follows ours (and has a mount of its
# own), without a record: not copied
# (The kernel pins a mount namespace only into an older one, and newer kernels hand out the ids
# in per-CPU batches: a namespace made on another CPU can be "older" than ours. As netnsctl does
# (lib/mount.c), try again on each CPU, a bounded number of times.)
mkdir "$T/marker"
mkdir -m 0700 /run/netnsctl/zz
touch /run/netnsctl/zz/mnt
pinned=
for attempt in $(seq 0 7); do
        cpu=$((attempt % $(nproc)))
        taskset -c "$cpu" unshare --mount --propagation slave sh -c "mount -t tmpfs -o size=4k marker '$T/marker' && exec sleep 300" &
        BG+=($!)
        holder=$!
        for _ in $(seq 50); do nsenter -t "$holder" -m findmnt -n "$T/marker" >/dev/null 2>&1 && break; sleep 0.1; done
        if mount --bind "/proc/$holder/ns/mnt" /run/netnsctl/zz/mnt 2>/dev/null; then
                pinned=1
                break
        fi
        kill "$holder"
        wait "$holder" 2>/dev/null || true
done
[ -n "$pinned" ] || fail "test setup: could not pin a foreign mount namespace at zz/mnt on any CPU"
NETNSCTL_LOG_LEVEL=debug "$NETNSCTL" up a 2>"$T/err" || { cat "$T/err" >&2; fail "up a with a foreign mount namespace at zz/mnt"; }
grep -q "Not preparing from /run/netnsctl/zz/mnt: no record" "$T/err" || { cat "$T/err" >&2; fail "zz/mnt was not refused"; }
nsenter --mount=/run/netnsctl/a/mnt findmnt -n "$T/marker" >/dev/null && fail "a's prepared namespace is a copy of the foreign one"
umount /run/netnsctl/zz/mnt
rm -r /run/netnsctl/zz
kill "$holder"
assert_eq "$(root_propagation /run/netnsctl/a/mnt | grep -o 'master:[0-9]*')" "master:${host_root#shared:}" "/ of a's prepared namespace"
mount --make-private /
NETNSCTL_LOG_LEVEL=debug "$NETNSCTL" up f 2>"$T/err" || { cat "$T/err" >&2; fail "up f with / private"; }
grep -q "/ is not a shared mount" "$T/err" || { cat "$T/err" >&2; fail "a's prepared namespace was used with / private"; }
assert_eq "$(nnc exec f ls /sys/class/net | tr '\n' ' ')" "lo " "/sys/class/net of exec in f"
# shared again, in a new peer group: a's (and f's) prepared namespace no longer follows it
mount --make-shared /
host_root=$(root_propagation | grep -o 'shared:[0-9]*')
NETNSCTL_LOG_LEVEL=debug "$NETNSCTL" up g 2>"$T/err" || { cat "$T/err" >&2; fail "up g"; }
assert_eq "$(root_propagation /run/netnsctl/g/mnt | grep -o 'master:[0-9]*' || true)" "master:${host_root#shared:}" \
        "/ of g's prepared namespace (a copy of one that does not follow the host's / would not either)"
assert_eq "$(nnc exec g ls /sys/class/net | tr '\n' ' ')" "lo " "/sys/class/net of exec in g"
for n in a f g; do nnc down $n; done
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "bases that do not fit are not copied"
pass "all"
