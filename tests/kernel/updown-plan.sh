#!/bin/bash
# updown-plan.sh - "up" plans every step before it makes anything: a [Link] whose Parent= is
# not on the host, two [Link]s whose derived names clash, a veth host name that is taken and
# a Sysctl= the kernel lacks fail before the namespace exists. Shown by SIGKILL after the first step: up is not killed,
# so that step never ran; and nothing is left (no pin, no state, no veth), with the error
# naming FILE:LINE once.
. "$(dirname "$0")/lib.sh"

# planned_fail NAME WHAT PATTERN: up fails before step "namespace", one line matches PATTERN
planned_fail() {
        local rc=0
        NETNSCTL_TEST_KILL_AFTER=namespace "$NETNSCTL" up "$1" 2>"$T/err" || rc=$?
        cat "$T/err" >&2
        # 137 = killed after the namespace step: it ran before the plan refused
        assert_eq "$rc" 1 "$2: exit status of up"
        assert_eq "$(grep -c -- "$3" "$T/err")" 1 "$2: lines naming the problem"
        assert_eq "$(grep -c "/etc/netns/$1.conf:" "$T/err")" 1 "$2: lines naming FILE:LINE"
        grep -q "nothing was made" "$T/err" || fail "$2: message does not say nothing was made"
        [ -e "/run/netns/$1" ] && fail "$2: pin /run/netns/$1 exists"
        [ -e "/run/netnsctl/$1" ] && fail "$2: state /run/netnsctl/$1 exists"
        assert_eq "$(ls -A /run/netns)" "" "$2: /run/netns"
        assert_eq "$(ip -j link show | python3 -c 'import json,sys; print(" ".join(sorted(l["ifname"] for l in json.load(sys.stdin))))')" \
                "$links_before" "$2: links on the host"
        assert_eq "$(ip netns list)" "" "$2: ip netns list"
        snapshot "$T/after"
        assert_same_snapshot "$T/before" "$T/after"
}

# a link a [Link] can move in (a veth: the sandbox kernel may lack the dummy module)
ip link add dummy0 type veth peer name dummy0w
links_before=$(ip -j link show | python3 -c 'import json,sys; print(" ".join(sorted(l["ifname"] for l in json.load(sys.stdin))))')
snapshot "$T/before"

# --- Parent= names no host link: the [Link] is after a [Veth], which would be made first
conf e <<'X'
[Veth]
Address=auto

[NAT]
Masquerade=yes

[Link]
Type=physical
Parent=nosuch0
Address=10.8.0.3/24
X
planned_fail e "missing parent" "/etc/netns/e.conf:7: .*Parent=nosuch0"
pass "missing parent: refused before anything is made"

# --- derived names that clash: both macvlans would be mv-dummy0 inside (refused before the
# kernel is asked, so this needs no macvlan support)
conf d <<'X'
[Veth]
[Link]
Type=macvlan
Parent=dummy0
[Link]
Type=macvlan
Parent=dummy0
X
planned_fail d "derived name clash" "/etc/netns/d.conf:5: .*'mv-dummy0'.*/etc/netns/d.conf:2"
pass "derived names clashing: refused before anything is made"

# --- the veth's host name is taken on the host
conf v <<'X'
[Veth]
HostName=dummy0w
[Link]
Type=physical
Parent=dummy0
X
planned_fail v "veth host name taken" "'dummy0w' .*/etc/netns/v.conf:1"
pass "veth host name taken: refused before anything is made"

# --- a Sysctl= this kernel does not have
conf s <<'X'
[Namespace]
Sysctl=net.ipv4.conf.all.forwarding=1
Sysctl=net.ipv4.no_such_setting_here=1
[Veth]
X
planned_fail s "unknown sysctl" "/etc/netns/s.conf:3: Sysctl=net.ipv4.no_such_setting_here"
pass "unknown sysctl: refused before anything is made"

# --- and an up that plans fine runs every step: killed after "namespace" as asked
conf ok <<'X'
[Veth]
[Link]
Type=physical
Parent=dummy0
X
rc=0
NETNSCTL_TEST_KILL_AFTER=namespace "$NETNSCTL" up ok 2>"$T/err" || rc=$?
assert_eq "$rc" 137 "a good config: killed after step namespace"
[ -e /run/netns/ok ] || fail "a good config: no pin after step namespace"
nnc down ok
assert_eq "$(ls -A /run/netns)" "" "after down: /run/netns"
pass "a config that plans fine gets to its steps"
