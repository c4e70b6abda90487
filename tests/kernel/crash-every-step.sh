#!/bin/bash
# crash-every-step.sh - a fully wired namespace (veth, NAT with masquerading and a port, DNS,
# a sysctl, /etc/netns/NAME/hosts, [Firewall] Inbound=drop, a VXLAN born on the host) and, for
# every step of "up" as helper/updown.c lists them and the point between the VXLAN's creation
# and its move:
# SIGKILL after the step then "down" leaves the host exactly as before; SIGKILL after the step
# then "up" cleans up and succeeds (pinned, the peer answers ping, /etc inside as configured)
# and its "down" leaves the host as before; an injected failure after the step leaves nothing.
# Links between namespaces too: the namespace owns a link to "side" (up before it) and is the
# peer of a link "owner" (up before it) has; "as before" includes the peer index under
# /run/netnsctl and the links inside side and owner.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nat-lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)

# The steps, in order, from the table itself: a new step is covered without touching this test.
steps=$(sed -n '/^static const struct up_step up_steps\[\] = {/,/^};/p' "$SRC/helper/updown.c" |
        sed -n 's/^[[:space:]]*{ *"\([a-z0-9_-]*\)".*/\1/p')
n_steps=$(echo "$steps" | grep -c . || true)
# ... and a cross-check that the parse did not miss one: every step_ function updown.c names
# (with its plan_ function, if it has one)
n_fns=$(grep -cE '^[[:space:]]*\{ *"[a-z0-9_-]*", *step_[a-z0-9_]*( *, *plan_[a-z0-9_]*)? *\},' "$SRC/helper/updown.c" || true)
[ "$n_steps" -ge 9 ] || fail "found only $n_steps steps in helper/updown.c's up_steps[] (test out of date?)"
assert_eq "$n_steps" "$n_fns" "steps parsed vs. step_ entries in helper/updown.c"
for s in namespace firewall veth nat resolv mntns; do
        echo "$steps" | grep -qx "$s" || fail "step '$s' not found in helper/updown.c"
done
# and the points inside a step where "up" has made something on the host that is not in the
# namespace yet: the [Link] Type=vxlan of the configuration below, between its creation on the
# host and its move (when the kernel has VXLAN)
vxlan=
if ip link add nnprobe0 type vxlan id 1 dstport 4789 2>/dev/null; then
        ip link del nnprobe0
        vxlan=yes
        steps="$steps
link-created"
fi
echo "steps: $(echo $steps)"

make_world
conf full <<'X'
[Namespace]
Sysctl=net.ipv4.conf.all.rp_filter=2
DNS=192.0.2.53
[Veth]
HostAddress=auto
Address=auto
[NAT]
Masquerade=both
Port=tcp:8090:80
[Firewall]
Inbound=drop
AllowInbound=tcp:8443
[Link]
Type=veth
PeerNamespace=side
Name=to-side
PeerName=to-full
Address=10.77.0.1/30
PeerAddress=10.77.0.2/30
X
if [ -n "$vxlan" ]; then
        # born on the host, moved in; MTU= set, so no route to the remote is needed
        printf '[Link]\nType=vxlan\nVNI=7\nRemote=192.0.2.99\nMTU=1400\nAddress=10.7.0.1/24\n' >>/etc/netns/full.conf
fi
conf side </dev/null
conf owner <<'X'
[Link]
Type=veth
PeerNamespace=full
Name=to-full
PeerName=to-owner
Address=10.78.0.1/30
PeerAddress=10.78.0.2/30
X
nnc up side
nnc up owner
mkdir /etc/netns/full
printf '127.0.0.1 localhost\n192.0.2.7 crash-test-host\n' >/etc/netns/full/hosts

# up and wired: pinned, the peer answers from the host, /etc inside as configured
check_up() { # WHAT
        local peer
        assert_eq "$(stat -f -c %T /run/netns/full)" nsfs "$1: pin"
        peer=$(in_ns full ip -j -4 addr show scope global | python3 -c '
import json, sys
a = [x["local"] for l in json.load(sys.stdin) for x in l.get("addr_info", [])]
print(a[0] if a else "")')
        [ -n "$peer" ] || fail "$1: no IPv4 address inside"
        ping -c 1 -W 2 "$peer" >/dev/null || fail "$1: peer $peer does not answer ping"
        nft list table inet netnsctl >/dev/null 2>&1 || fail "$1: no nftables table"
        in_ns full nft list chain inet netnsctl input >"$T/fw" 2>&1 || fail "$1: no firewall table inside"
        grep -q "tcp dport 8443 accept" "$T/fw" || fail "$1: the firewall inside does not admit AllowInbound=tcp:8443"
        grep -q crash-test-host <<<"$(nnc exec full cat /etc/hosts)" || fail "$1: /etc/hosts inside is not /etc/netns/full/hosts"
        grep -q 'nameserver 192.0.2.53' <<<"$(nnc exec full cat /etc/resolv.conf)" || fail "$1: resolv.conf inside"
        # both links between namespaces: the one it owns, the one "owner" has to it
        in_ns full ping -c 1 -W 2 10.77.0.2 >/dev/null || fail "$1: side does not answer over the link full owns"
        in_ns full ping -c 1 -W 2 10.78.0.1 >/dev/null || fail "$1: owner does not answer over its link to full"
        if [ -n "$vxlan" ]; then
                assert_eq "$(in_ns full ip -d -j link show vxlan7 | python3 -c '
import json, sys
l = json.load(sys.stdin)[0]
print(l["linkinfo"]["info_kind"], l["linkinfo"]["info_data"]["id"], l["mtu"])')" "vxlan 7 1400" "$1: vxlan7 inside"
        fi
}

# the host's snapshot, and the links inside the two other namespaces
snapshot_all() { # FILE
        snapshot "$1"
        for n in side owner; do
                echo "== links in $n"
                in_ns "$n" ip -j link show | python3 -c 'import json,sys; [print(l["ifname"], ",".join(sorted(l.get("flags",[])))) for l in json.load(sys.stdin)]'
        done >>"$1"
}

snapshot_all "$T/before"

same_as_before() { # WHAT
        snapshot_all "$T/after"
        if ! diff -u "$T/before" "$T/after" >&2; then
                fail "$1: the host is not as it was before (diff above)"
        fi
}

killed_up() { # STEP
        local rc=0
        NETNSCTL_TEST_KILL_AFTER=$1 "$NETNSCTL" up full 2>/dev/null || rc=$?
        # 128 + SIGKILL, straight from the kernel: not an orderly exit
        assert_eq "$rc" 137 "exit status of up killed after step '$1'"
}

nnc up full
check_up "clean up"
nnc down full
same_as_before "clean up/down"
pass "fully wired up/down"

for step in $steps; do
        # killed after STEP, then down
        killed_up "$step"
        [ -d "/run/netnsctl/full" ] || fail "killed after '$step': no state record left (test expects one)"
        nnc down full
        same_as_before "killed after '$step', then down"

        # killed after STEP, then up: cleans up, succeeds, really up; then down
        killed_up "$step"
        nnc up full
        check_up "up after a kill after '$step'"
        nnc down full
        same_as_before "killed after '$step', then up, down"

        # an error after STEP: up fails, names the step, undoes everything
        NETNSCTL_TEST_FAIL_STEP=$step nnc_fails up full
        grep -q "step '$step'" "$T/err" || fail "injected failure after '$step': message does not name the step"
        same_as_before "failure after '$step'"
        pass "step $step: kill+down, kill+up, failure"
done
pass "all"
