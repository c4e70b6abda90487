#!/bin/bash
# reload-etc.sh - netnsctl reload brings the /etc/netns/NAME/ entries to the processes inside
# while they run: an entry added is bound over its /etc counterpart, one replaced by a new file
# (as editors save) is bound anew, one removed is unmounted; a file changed in place is seen
# without a reload. Checked from outside through /proc/PID/root and /proc/PID/mountinfo of a
# process started with "netnsctl exec", which keeps its PID. A process that only entered the
# network namespace (the host's mount namespace) and the host's mount table are not touched.
. "$(dirname "$0")/lib.sh"

for f in hosts hostname issue; do
        [ -e "/etc/$f" ] || { echo "skipped: /etc/$f does not exist on this machine"; exit 77; }
done
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

conf a <<'X'
[Namespace]
X
mkdir /etc/netns/a
echo "10.0.0.1 one" >/etc/netns/a/hosts
echo "issue-one" >/etc/netns/a/issue
nnc up a
[ -f /run/netnsctl/a/etc ] || fail "up saved no /etc entries"

"$NETNSCTL" exec a -- sleep 300 &
P=$!
PIDS+=($P)
nsenter --net=/run/netns/a sleep 300 &
PIDS+=($!)
for i in $(seq 50); do [ "$(cat /proc/$P/root/etc/hosts 2>/dev/null)" = "10.0.0.1 one" ] && break; sleep 0.1; done
assert_eq "$(cat /proc/$P/root/etc/hosts)" "10.0.0.1 one" "the process's /etc/hosts at start"
host_mounts() { sed 's/^[0-9]* [0-9]* //' /proc/self/mountinfo | sort; }
host_mounts >"$T/host-before"
# the binds over /etc/ENTRY in the process's mount namespace
binds() { awk '$5 ~ /^\/etc\/[^\/]+$/ && $5 != "/etc/netns" {print $5}' /proc/$P/mountinfo | sort | tr '\n' ' '; }
assert_eq "$(binds)" "/etc/hosts /etc/issue " "binds at start"
pass "a process inside sees /etc/netns/a/hosts"

# --- nothing changed: silent
out=$("$NETNSCTL" reload a 2>&1) || fail "reload failed: $out"
assert_eq "$out" "" "reload with nothing changed"

# --- changed in place (same inode): seen at once, nothing to reload
echo "10.0.0.1 in-place" >/etc/netns/a/hosts
assert_eq "$(cat /proc/$P/root/etc/hosts)" "10.0.0.1 in-place" "a file changed in place"
assert_eq "$("$NETNSCTL" diff a)" "" "diff after a change in place"

# --- added, replaced, removed at once
echo "inside-name" >/etc/netns/a/hostname
echo "10.0.0.2 two" >/etc/netns/a/hosts.new
mv /etc/netns/a/hosts.new /etc/netns/a/hosts
rm /etc/netns/a/issue
"$NETNSCTL" diff a >"$T/plan"
cat "$T/plan"
grep -qx "+ /etc/netns/a/hostname over /etc/hostname" "$T/plan" || fail "diff does not show the entry added"
grep -qx "~ /etc/netns/a/hosts over /etc/hosts (a new file)" "$T/plan" || fail "diff does not show the entry replaced"
grep -qx -- "- /etc/netns/a/issue over /etc/issue" "$T/plan" || fail "diff does not show the entry removed"
assert_eq "$(cat /proc/$P/root/etc/hosts)" "10.0.0.1 in-place" "the process's /etc/hosts before the reload (the old file)"
"$NETNSCTL" status a | grep -q "reload pending" || fail "status does not say reload pending"
nnc reload a
kill -0 $P || fail "the process inside is gone"
assert_eq "$(cat /proc/$P/root/etc/hosts)" "10.0.0.2 two" "the process's /etc/hosts after the reload"
assert_eq "$(cat /proc/$P/root/etc/hostname)" "inside-name" "the process's /etc/hostname after the reload"
assert_eq "$(cat /proc/$P/root/etc/issue)" "$(cat /etc/issue)" "the process's /etc/issue after the reload (the host's)"
assert_eq "$(binds)" "/etc/hostname /etc/hosts " "binds after the reload"
"$NETNSCTL" status a | grep -q "reload pending" && fail "status says reload pending after the reload"
host_mounts >"$T/host-after"
diff -u "$T/host-before" "$T/host-after" >&2 || fail "the host's mount table changed"
pass "reload added, replaced and removed entries in the running process's view; the host's mounts unchanged"

# --- a new process sees the same
assert_eq "$("$NETNSCTL" exec a cat /etc/hosts)" "10.0.0.2 two" "a new process's /etc/hosts"
# --- replaced again (the bind of the first replacement goes, no stacking)
echo "10.0.0.3 three" >/etc/netns/a/hosts.new
mv /etc/netns/a/hosts.new /etc/netns/a/hosts
nnc reload a
assert_eq "$(cat /proc/$P/root/etc/hosts)" "10.0.0.3 three" "the process's /etc/hosts after a second replacement"
assert_eq "$(awk '$5 == "/etc/hosts"' /proc/$P/mountinfo | wc -l)" 1 "mounts on /etc/hosts"
out=$("$NETNSCTL" reload a 2>&1) || fail "reload failed: $out"
assert_eq "$out" "" "reload right after a reload"
pass "a second replacement leaves one bind"

# --- a mount namespace whose /etc is a peer of the host's (a mount there would reach the host)
# is left alone, with a warning naming the process; the others are brought up to date
mount --make-rshared /
unshare --mount --propagation unchanged nsenter --net=/run/netns/a sleep 300 &
Q=$!
PIDS+=($Q)
for i in $(seq 50); do [ "$(stat -L -c %i /proc/$Q/ns/net)" = "$(stat -L -c %i /run/netns/a)" ] && break; sleep 0.1; done
host_mounts >"$T/host-before"
echo "issue-two" >/etc/netns/a/issue
"$NETNSCTL" reload a 2>"$T/err" || fail "reload with a process whose /etc propagates to the host failed: $(cat "$T/err")"
cat "$T/err"
grep -q "Not changing the /etc binds of PID $Q in namespace 'a'" "$T/err" || fail "no warning naming PID $Q"
host_mounts >"$T/host-after"
diff -u "$T/host-before" "$T/host-after" >&2 || fail "the host's mount table changed"
assert_eq "$(awk '$5 == "/etc/issue"' /proc/$Q/mountinfo)" "" "a mount on /etc/issue in the namespace that propagates to the host"
assert_eq "$(cat /proc/$P/root/etc/issue)" "issue-two" "the first process's /etc/issue"
pass "a mount namespace that propagates to the host is left alone, the others get the entry"

cleanup
nnc down a
[ -e /run/netnsctl/a ] && fail "down left /run/netnsctl/a"
pass "down removes the saved entries"
