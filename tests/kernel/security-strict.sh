#!/bin/bash
# security-strict.sh - StrictModes for "netnsctl up": a config file, drop-in, drop-in dir,
# /etc/netns or /etc/netns/NAME/ that non-root can write (or owned by nobody) makes up (and
# exec) refuse
# with one line naming the path, before it makes anything (the host compared before and
# after); a daemon's own directory inside /etc/netns/NAME/ (bird:bird 0750, as Debian ships
# /etc/bird) does not. And exec runs the command with the caller's privileges, no more.
. "$(dirname "$0")/lib.sh"

snapshot "$T/before"

reset() {
        rm -rf /etc/netns/a.conf /etc/netns/a.conf.d /etc/netns/a
        chmod 0755 /etc/netns
        printf '[Namespace]\nSysctl=net.ipv4.ip_forward=1\n' >/etc/netns/a.conf
        chmod 0644 /etc/netns/a.conf
}

# refused WHAT PATH TEXT: up fails naming PATH, nothing is made
refused() {
        nnc_fails up a
        [ "$(grep -c '' "$T/err")" -le 2 ] || fail "$1: more than the refusal and its consequence: $(cat "$T/err")"
        grep -qF "$2: " "$T/err" || fail "$1: the message does not name $2"
        grep -qF "$3" "$T/err" || fail "$1: the message does not say '$3'"
        [ ! -e /run/netns/a ] || fail "$1: a pin was made"
        [ ! -e /run/netnsctl/a ] || fail "$1: state was made"
}

reset; chmod 0664 /etc/netns/a.conf
refused "config g+w" /etc/netns/a.conf "writable by group (mode 0664)"
reset; chown nobody /etc/netns/a.conf
refused "config owned by nobody" /etc/netns/a.conf "owned by uid $(id -u nobody), not root"
reset; mkdir -m 0755 /etc/netns/a.conf.d; printf '[Namespace]\nBoot=no\n' >/etc/netns/a.conf.d/x.conf; chmod 0646 /etc/netns/a.conf.d/x.conf
refused "drop-in o+w" /etc/netns/a.conf.d/x.conf "writable by others"
reset; mkdir -m 0755 /etc/netns/a.conf.d; chown nobody /etc/netns/a.conf.d
refused "drop-in dir owned by nobody" /etc/netns/a.conf.d "owned by uid"
reset; mkdir -m 0775 /etc/netns/a
refused "overlay dir g+w" /etc/netns/a "writable by group (mode 0775)"
reset; mkdir -m 0755 /etc/netns/a; chown nobody /etc/netns/a
refused "overlay dir owned by nobody" /etc/netns/a "owned by uid"
reset; chmod 0777 /etc/netns
refused "/etc/netns 0777" /etc/netns/a.conf "directory /etc/netns is writable by group and others"
reset; chmod 1777 /etc/netns
refused "/etc/netns 1777" /etc/netns/a.conf "(mode 1777)"
reset
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "up refuses unsafe configuration and makes nothing"

# the daemon's own files inside the overlay dir are its business
reset
mkdir -m 0755 /etc/netns/a
mkdir -m 0750 /etc/netns/a/bird
printf 'router id 192.0.2.1;\n' >/etc/netns/a/bird/bird.conf
chmod 0640 /etc/netns/a/bird/bird.conf
chown -R nobody:nogroup /etc/netns/a/bird
nnc check a
nnc up a
assert_eq "$(in_ns a cat /proc/sys/net/ipv4/ip_forward)" 1 "sysctl inside"
pass "bird:bird 0750 inside /etc/netns/a/ is fine"

# exec: the command gets the caller's uid, gids, capabilities and no_new_privs, nothing more
caller=$(setpriv --bounding-set -net_raw,-sys_module -- grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status)
inside=$(setpriv --bounding-set -net_raw,-sys_module -- "$NETNSCTL" exec a grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status) ||
        fail "exec with a reduced bounding set failed"
[ "$caller" = "$inside" ] || fail "exec changed the privileges: caller:
$caller
inside:
$inside"
grep -q '^CapBnd:' <<<"$inside" || fail "no CapBnd line"
nnp=$(setpriv --no-new-privs -- "$NETNSCTL" exec a grep '^NoNewPrivs:' /proc/self/status | awk '{print $2}')
assert_eq "$nnp" 1 "no_new_privs inside"
inside_uid=$("$NETNSCTL" exec a id -u)
assert_eq "$inside_uid" 0 "uid inside, root caller"
# a caller without the privilege to enter is refused, and nothing is run
if setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$NETNSCTL" exec a touch "$T/ran" 2>"$T/err"; then
        fail "exec as nobody succeeded"
fi
[ ! -e "$T/ran" ] || fail "exec as nobody ran the command"
# the binary carries no privilege of its own: no set-id bits, no file capabilities
[ -z "$(find "$NETNSCTL" -perm /6000)" ] || fail "netnsctl is set-id"
if command -v getcap >/dev/null; then
        [ -z "$(getcap "$NETNSCTL")" ] || fail "netnsctl has file capabilities"
fi
pass "exec: the caller's privileges, no more"

# exec shows /etc/netns/NAME/ over /etc only when root alone can write it, like up: a
# directory made writable after up is refused by exec, before anything runs or is mounted
mkdir -p -m 0755 /etc/netns/a
printf '127.0.0.1 strict-test\n' >/etc/netns/a/hosts
chmod 0777 /etc/netns/a
if "$NETNSCTL" exec a touch "$T/ran-unsafe" 2>"$T/err"; then
        fail "exec with a world-writable /etc/netns/a succeeded"
fi
[ ! -e "$T/ran-unsafe" ] || fail "exec with a world-writable /etc/netns/a ran the command"
grep -qF "/etc/netns/a" "$T/err" || fail "exec's refusal does not name /etc/netns/a: $(cat "$T/err")"
[ "$(grep -c '' "$T/err")" -eq 1 ] || fail "exec's refusal is not one line: $(cat "$T/err")"
chmod 0755 /etc/netns/a
assert_eq "$("$NETNSCTL" exec a grep -c strict-test /etc/hosts)" 1 "exec binds /etc/netns/a/hosts once safe again"
rm -rf /etc/netns/a
pass "exec refuses an /etc/netns/NAME/ others can write"

nnc down a
reset
rm -f /etc/netns/a.conf
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
