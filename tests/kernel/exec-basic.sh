#!/bin/bash
# exec-basic.sh - netnsctl exec: the namespace's /sys with /sys/fs/cgroup, /etc/netns/NAME/*
# over /etc, exec'd in place (PID, exit status, signals, fds, environment), the host's mount
# table untouched; also on a namespace made by "ip netns add"; refused when not root.
. "$(dirname "$0")/lib.sh"

# a systemd host's / is shared; the sandbox starts private
mount --make-rshared /

ip link add hostonly0 type veth peer name hostonly1
conf a <<'X'
[Namespace]
X
mkdir -p /etc/netns/a/default
echo "192.0.2.7 only-in-netns-a" >/etc/netns/a/hosts
echo marker >/etc/netns/a/default/netnsctl-marker
echo x >/etc/netns/a/no-such-file-in-etc
nnc up a
ip -n a link add inonly0 type veth peer name inonly1

links() { # in the namespace, by netlink
        ip -n "$1" -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' '
}

mounts_before=$(cat /proc/self/mountinfo)

# --- /sys is the namespace's, with the host's /sys submounts
assert_eq "$(nnc exec a ls /sys/class/net | sort | tr '\n' ' ')" "$(links a)" "/sys/class/net inside a"
assert_eq "$(links a)" "inonly0 inonly1 lo " "links of a"
nnc exec a test ! -e /sys/class/net/hostonly0 || fail "the host's link shows inside"
[ -n "$(ls /sys/fs/cgroup)" ] || fail "the sandbox has no /sys/fs/cgroup to compare with"
assert_eq "$(nnc exec a ls /sys/fs/cgroup | tr '\n' ' ')" "$(ls /sys/fs/cgroup | tr '\n' ' ')" "/sys/fs/cgroup inside"
cg=$(nnc exec a sh -c 'sed -n "s/^0:://p" /proc/self/cgroup')
if [ -n "$cg" ] && [ -d /sys/fs/cgroup/unified ]; then
        nnc exec a test -d "/sys/fs/cgroup/unified$cg" || fail "own cgroup $cg not under /sys/fs/cgroup/unified inside"
fi
# the pinned sysfs units bind: the namespace's devices too
assert_eq "$(ls /run/netnsctl/a/sys/class/net | tr '\n' ' ')" "inonly0 inonly1 lo " "/run/netnsctl/a/sys/class/net"
pass "/sys"

# --- /etc/netns/a/* over /etc
assert_eq "$(nnc exec a cat /etc/hosts)" "192.0.2.7 only-in-netns-a" "/etc/hosts inside"
grep -q only-in-netns-a /etc/hosts && fail "/etc/netns/a/hosts leaked onto the host's /etc/hosts"
assert_eq "$(nnc exec a ls -A /etc/default)" "netnsctl-marker" "/etc/default inside (a directory)"
[ -e /etc/default/netnsctl-marker ] && fail "the directory bind leaked to the host"
"$NETNSCTL" exec a true 2>"$T/err" || fail "exec with an entry without /etc counterpart failed"
grep -q "no-such-file-in-etc" "$T/err" || fail "no warning for an entry without /etc counterpart"
[ -e /etc/no-such-file-in-etc ] && fail "exec created a file in the host's /etc"
rm /etc/netns/a/no-such-file-in-etc
pass "/etc/netns/a"

# --- in place: same PID, exit status, death by signal, environment, fds
pids=$(bash -c 'echo $$; exec "$NETNSCTL" exec a sh -c "echo \$\$"')
assert_eq "$(echo "$pids" | sort -u | wc -l)" 1 "PID before and after exec ($pids)"
rc=0; "$NETNSCTL" exec a sh -c 'exit 42' || rc=$?
assert_eq "$rc" 42 "exit status"
rc=0; "$NETNSCTL" exec a sh -c 'kill -TERM $$; sleep 5' || rc=$?
assert_eq "$rc" 143 "status of a command killed by SIGTERM"
rc=0; "$NETNSCTL" exec a /nonexistent/cmd 2>/dev/null || rc=$?
assert_eq "$rc" 127 "status when the command does not exist"
assert_eq "$(LISTEN_FDS=1 NOTIFY_SOCKET=/run/x "$NETNSCTL" exec a sh -c 'echo $LISTEN_FDS $NOTIFY_SOCKET')" "1 /run/x" "environment"
assert_eq "$(nnc exec a readlink /proc/self/fd/7 7</etc/hostname)" /etc/hostname "an inherited fd"
# no fd of netnsctl's own: the same fds as the command run directly
assert_eq "$(nnc exec a ls /proc/self/fd | tr '\n' ' ')" "$(ls /proc/self/fd | tr '\n' ' ')" "fds of the command"
pass "exec in place"

# --- cwd kept when it exists inside; "--"
assert_eq "$(cd /tmp && nnc exec a -- pwd)" /tmp "cwd"
assert_eq "$(cd /run/netnsctl/a/sys/class && nnc exec a pwd)" / "cwd that does not exist inside"
pass "cwd"

# --- the host's mount table is as before
assert_eq "$(cat /proc/self/mountinfo)" "$mounts_before" "host mount table after the execs"
pass "host mounts untouched"

# --- a namespace made by ip netns add (no prepared mount namespace)
ip netns add f
ip -n f link add fonly0 type veth peer name fonly1
mkdir -p /etc/netns/f
echo "192.0.2.8 only-in-netns-f" >/etc/netns/f/hosts
mounts_before=$(cat /proc/self/mountinfo)
assert_eq "$(nnc exec f ls /sys/class/net | sort | tr '\n' ' ')" "fonly0 fonly1 lo " "/sys/class/net inside f"
assert_eq "$(nnc exec f ls /sys/fs/cgroup | tr '\n' ' ')" "$(ls /sys/fs/cgroup | tr '\n' ' ')" "/sys/fs/cgroup inside f"
assert_eq "$(nnc exec f cat /etc/hosts)" "192.0.2.8 only-in-netns-f" "/etc/hosts inside f"
assert_eq "$(nnc exec f ls /proc/self/fd | tr '\n' ' ')" "$(ls /proc/self/fd | tr '\n' ' ')" "fds of the command (f)"
assert_eq "$(cat /proc/self/mountinfo)" "$mounts_before" "host mount table after exec in f"
ip netns delete f
pass "ip netns add namespace"

# --- errors
nnc_fails exec nope true
grep -q "does not exist" "$T/err" || fail "missing namespace: unexpected message"
nnc_fails exec 'a/b' true
nnc_fails exec a
# not root: a clear error, not a half-entered namespace (the binary copied where nobody may run it)
chmod 0755 "$T"
cp "$NETNSCTL" "$T/netnsctl"
if setpriv --reuid=65534 --regid=65534 --clear-groups "$T/netnsctl" exec a true 2>"$T/err"; then
        fail "exec as nobody succeeded"
fi
cat "$T/err" >&2
grep -q "root" "$T/err" || fail "not root: message does not say root is needed"
pass "errors"

nnc down a
pass "all"
