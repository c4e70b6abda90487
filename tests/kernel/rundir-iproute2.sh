#!/bin/bash
# rundir-iproute2.sh - /run/netns as "ip netns add" leaves it: a bind of itself in the peer
# group of /run. Without pins below it, netnsctl gives it a peer group of its own, so a pin is
# one mount (not a second, hidden one on /run) and no prepared mount namespace gathers the
# pins made after it. With a pin below it, it is left as it is, and "ip netns delete" of that
# pin still works.
. "$(dirname "$0")/lib.sh"

# as on a systemd host: / and everything below it shared
mount --make-rshared /

group_of() { # MOUNTPOINT: its "shared:N" in our mountinfo
        awk -v m="$1" '$5 == m { for (i = 7; $i != "-"; i++) if ($i ~ /^shared:/) print $i }' /proc/self/mountinfo | tail -1
}
mounts_at() { # MOUNTPOINT [MNTNS-PIN]: how many mounts the mount table lists there
        if [ -n "${2:-}" ]; then
                nsenter --mount="$2" -- cat /proc/self/mountinfo
        else
                cat /proc/self/mountinfo
        fi | awk -v m="$1" '$5 == m' | wc -l
}

# statmount()/listmount() are Linux 6.8; older kernels keep iproute2's layout (see netnsctl(8))
v=$(uname -r)
major=${v%%.*} rest=${v#*.}
minor=${rest%%[!0-9]*}
if [ "$major" -lt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -lt 8 ]; }; then
        echo "skipped: kernel $v has no statmount()/listmount() (Linux 6.8); netnsctl leaves /run/netns as iproute2 makes it"
        exit 77
fi

conf a </dev/null
conf b </dev/null
conf c </dev/null

# --- iproute2's layout, no pin below: /run/netns joins /run's peer group
ip netns add x
ip netns delete x
run_group=$(group_of /run)
[ -n "$run_group" ] || fail "/run is not shared"
assert_eq "$(group_of /run/netns)" "$run_group" "peer group of /run/netns after ip netns add/delete"
assert_eq "$(mounts_at /run/netns)" 1 "mounts on /run/netns"

nnc up a
g=$(group_of /run/netns)
[ -n "$g" ] || fail "/run/netns is not shared after up"
[ "$g" != "$run_group" ] || fail "/run/netns still in /run's peer group ($g) after up"
assert_eq "$(mounts_at /run/netns)" 1 "mounts on /run/netns after up"
pass "/run/netns moved from /run's peer group ($run_group) to its own ($g)"

nnc up b
assert_eq "$(mounts_at /run/netns/b)" 1 "mounts at /run/netns/b (no second one on /run)"
assert_eq "$(mounts_at /run/netns/b /run/netnsctl/a/mnt)" 0 "b's pin in a's prepared mount namespace"
ip netns add y
assert_eq "$(mounts_at /run/netns/y)" 1 "mounts at /run/netns/y (ip netns add after the move)"
ip netns delete y || fail "ip netns delete y"
[ ! -e /run/netns/y ] || fail "/run/netns/y left after ip netns delete"
nnc down b
nnc down a
assert_eq "$(mounts_at /run/netns/a)" 0 "mounts at /run/netns/a after down"
pass "one mount per pin; prepared namespaces do not gather later pins"

# --- iproute2's layout with a pin below: left as it is
umount -l /run/netns
ip netns add keep
run_group=$(group_of /run)
assert_eq "$(group_of /run/netns)" "$run_group" "peer group of /run/netns after ip netns add keep"
nnc up c
assert_eq "$(group_of /run/netns)" "$run_group" "peer group of /run/netns with a pin below it"
ip netns delete keep || fail "ip netns delete of a pin made before netnsctl up"
[ ! -e /run/netns/keep ] || fail "/run/netns/keep left after ip netns delete"
nnc down c
assert_eq "$(mounts_at /run/netns/c)" 0 "mounts at /run/netns/c after down"
pass "a pin below it: /run/netns left in /run's peer group; ip netns delete works"
