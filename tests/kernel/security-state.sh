#!/bin/bash
# security-state.sh - /run/netnsctl cannot make netnsctl remove what it did not make: planted
# records naming a namespace made by "ip netns add" (its inode, with no or a wrong cookie) and
# a veth into it, records with a bad line, a record dir or state file that is a symlink, owned
# by nobody, or too open, an open /run/netnsctl; and the real case: the kernel handing the
# inode number of netnsctl's dead namespace to the next "ip netns add". Each time the foreign
# pin (its inode) and the links on both sides are compared before and after.
. "$(dirname "$0")/lib.sh"

# the foreign objects: a namespace made by ip netns add, a veth into it named like one of ours
ip netns add foreign
ip link add nn-foreign type veth peer name fp0 netns foreign
ino=$(stat -L -c %i /run/netns/foreign)

foreign_state() {
        echo "pin $(stat -L -c %i /run/netns/foreign 2>&1)"
        echo "host: $(ip -o link show | awk -F': ' '{print $2}' | sort | tr '\n' ' ')"
        echo "inside: $(ip netns exec foreign ip -o link show | awk -F': ' '{print $2}' | sort | tr '\n' ' ')"
}
foreign_state >"$T/foreign-before"
grep -q "nn-foreign" "$T/foreign-before" || fail "setup: no veth nn-foreign"

assert_foreign_intact() { # WHAT
        foreign_state >"$T/foreign-now"
        diff -u "$T/foreign-before" "$T/foreign-now" >&2 || fail "$1: the foreign namespace or its veth changed (diff above)"
}

plant() { # NAME: stdin becomes /run/netnsctl/NAME/state, as netnsctl makes it (root, 0700/0600)
        rm -rf "/run/netnsctl/$1"
        mkdir -m 0700 "/run/netnsctl/$1"
        cat >"/run/netnsctl/$1/state"
        chmod 0600 "/run/netnsctl/$1/state"
}

# --- the inode of a foreign namespace, no cookie: the pin and the veth are left alone
printf 'pin\nnetns %s\nveth nn-foreign\ncomplete\n' "$ino" | plant foreign
nnc down foreign
assert_foreign_intact "record with the foreign inode, no cookie"
[ ! -e /run/netnsctl/foreign ] || fail "the (undone) record was not removed"
pass "planted 'netns INODE' without a cookie: foreign pin and veth intact"

# --- the same with a wrong cookie
printf 'pin\nnetns %s 12345\nveth nn-foreign\ncomplete\n' "$ino" | plant foreign
nnc down foreign
assert_foreign_intact "record with the foreign inode and a wrong cookie"
pass "planted 'netns INODE COOKIE' with a wrong cookie: intact"

# --- up does not take a planted "complete" record for "already up", and does not take over
printf 'pin\nnetns %s 12345\nveth nn-foreign\ncomplete\n' "$ino" | plant foreign
conf foreign <<'X'
[Namespace]
X
nnc_fails up foreign
grep -q "not made by netnsctl" "$T/err" || fail "up over a planted record: unexpected message"
assert_foreign_intact "up over a planted record"
rm -f /etc/netns/foreign.conf
pass "up with a planted complete record: refused, intact"

# --- one bad line: the whole record is refused, nothing of it undone, file:line named
printf 'pin\nnetns %s\nveth nn-foreign\nveth ../../x\n' "$ino" | plant foreign
nnc_fails down foreign
grep -q "/run/netnsctl/foreign/state:4: invalid entry" "$T/err" || fail "bad line: no FILE:LINE message"
[ -f /run/netnsctl/foreign/state ] || fail "bad line: the record was removed"
assert_foreign_intact "a record with a bad line"
printf 'pin\nnat localnet ../../../all\n' | plant foreign
nnc_fails down foreign
grep -q "state:2: invalid entry" "$T/err" || fail "nat localnet ../: no message"
assert_eq "$(cat /proc/sys/net/ipv4/conf/all/route_localnet)" 0 "route_localnet of 'all'"
pass "records with bad lines refused whole"

# --- the record dir a symlink to elsewhere: refused, the target untouched
rm -rf /run/netnsctl/foreign
mkdir -m 0700 /run/elsewhere
printf 'pin\nnetns %s\nveth nn-foreign\n' "$ino" >/run/elsewhere/state
chmod 0600 /run/elsewhere/state
ln -s /run/elsewhere /run/netnsctl/foreign
nnc_fails down foreign
grep -q "symlink" "$T/err" || fail "symlinked record dir: no message"
[ -f /run/elsewhere/state ] || fail "symlinked record dir: the target's state was removed"
[ -L /run/netnsctl/foreign ] || fail "symlinked record dir: the link was removed"
assert_foreign_intact "symlinked record dir"
conf foreign <<'X'
[Namespace]
X
nnc_fails up foreign
grep -q "symlink" "$T/err" || fail "up over a symlinked record dir: no message"
assert_foreign_intact "up over a symlinked record dir"
rm -f /run/netnsctl/foreign /etc/netns/foreign.conf
pass "record dir that is a symlink: refused"

# --- the state file a symlink
mkdir -m 0700 /run/netnsctl/foreign
ln -s /run/elsewhere/state /run/netnsctl/foreign/state
nnc_fails down foreign
grep -q "symlink" "$T/err" || fail "symlinked state: no message"
[ -f /run/elsewhere/state ] || fail "symlinked state: the target was removed"
assert_foreign_intact "symlinked state file"
rm -rf /run/netnsctl/foreign /run/elsewhere
pass "state file that is a symlink: refused"

# --- owned by nobody, too open
printf 'pin\nnetns %s\nveth nn-foreign\n' "$ino" | plant foreign
chown nobody /run/netnsctl/foreign/state
nnc_fails down foreign
grep -q "uid $(id -u nobody)" "$T/err" || fail "state owned by nobody: no message"
assert_foreign_intact "state owned by nobody"
chown root /run/netnsctl/foreign/state
chown nobody /run/netnsctl/foreign
nnc_fails down foreign
assert_foreign_intact "state dir owned by nobody"
chown root /run/netnsctl/foreign
chmod 0755 /run/netnsctl/foreign
nnc_fails down foreign
grep -q "mode 0755" "$T/err" || fail "state dir 0755: no message"
assert_foreign_intact "state dir 0755"
chmod 0700 /run/netnsctl/foreign
chmod 0666 /run/netnsctl/foreign/state
nnc_fails down foreign
assert_foreign_intact "state 0666"
chmod 0600 /run/netnsctl/foreign/state
chmod 0777 /run/netnsctl
nnc_fails down foreign
grep -q "/run/netnsctl: writable by others (uid 0, mode 0777)" "$T/err" || fail "open run dir: no message"
assert_foreign_intact "/run/netnsctl 0777"
chmod 0755 /run/netnsctl
rm -rf /run/netnsctl/foreign
pass "unsafe owners and modes: refused"

# --- the real thing: our namespace deleted behind our back, its inode number handed to the next
# "ip netns add" of the same name. down must remove our leftovers and leave the new one alone.
conf a <<'X'
[Namespace]
X
nnc up a
ours=$(stat -L -c %i /run/netns/a)
ip netns delete a
ip netns add a
theirs=$(stat -L -c %i /run/netns/a)
echo "inode of netnsctl's namespace $ours, of the one ip netns add made next $theirs ($([ "$ours" = "$theirs" ] && echo reused || echo not reused))"
nnc down a
[ -e /run/netns/a ] || fail "down removed the namespace ip netns add made after ours (inode $theirs)"
assert_eq "$(stat -L -c %i /run/netns/a)" "$theirs" "pin of the new a"
[ ! -e /run/netnsctl/a ] || fail "our record was not removed"
nnc_fails up a
grep -q "not made by netnsctl" "$T/err" || fail "up over the new a: unexpected message"
assert_eq "$(stat -L -c %i /run/netns/a)" "$theirs" "pin of the new a after up"
ip netns delete a
rm -f /etc/netns/a.conf
pass "recycled inode number: the new namespace is left alone"

assert_foreign_intact "end"
ip netns delete foreign
