#!/bin/bash
# valgrind-updown.sh - netnsctl up, down, check, exec and netns-generator under valgrind
# (memcheck): no invalid read or write, no use of uninitialised memory, no definite leak, on
# the good paths and on the failure paths (a step failing and everything undone, a refused
# config, a refused state record, a crash leftover cleaned by the next up). valgrind exits 99
# on any error it reports; every run must exit as it does without valgrind.
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || { echo "skipped: valgrind is not installed (tests/deps.sh installs it)"; exit 77; }
: "${NETNS_GENERATOR:=$(dirname "$NETNSCTL")/../generator/netns-generator}"
libs=$(ldd "$NETNSCTL" "$NETNS_GENERATOR" 2>/dev/null || true)
if grep -q 'libasan' <<<"$libs"; then
        echo "skipped: an ASan build (valgrind cannot run ASan binaries; the plain build runs this test)"
        exit 77
fi

# valgrind (3.19) takes mount()'s file system type for a string even when the kernel ignores
# it: NULL for a bind mount or a propagation change is correct and is what systemd passes too
cat >"$T/vg.supp" <<'X'
{
   mount-type-null-is-fine-for-bind-and-propagation
   Memcheck:Param
   mount(type)
   fun:mount
}
X
# libmnl before 1.0.5 does not zero the padding after an attribute (mnl_attr_put(): upstream
# commit "attr: zero padding"; Debian 12 has 1.0.4), so 1-3 bytes per string attribute reach
# the kernel uninitialised. Only there, and only for sends through libmnl, this is expected.
if ! pkg-config --atleast-version=1.0.5 libmnl 2>/dev/null; then
        # the callers of mnl_socket_sendto() (a tail call: it is not on the stack)
        for f in nl_call nl_batch_run nfnl_call; do
                printf '{\n   libmnl-1.0.4-padding-%s\n   Memcheck:Param\n   socketcall.sendto(msg)\n   fun:sendto\n   fun:%s\n}\n' "$f" "$f"
        done >>"$T/vg.supp"
fi
# --trace-children: "netnsctl" may be a launcher that execs the tool; exec's CMD is followed too
VG=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --trace-children=yes --child-silent-after-fork=yes
    --suppressions="$T/vg.supp" --log-file="$T/vg.log.%p")
unset SYSTEMD_SCOPE
runs=0

vg() { # WANT_RC PROG ARGS...: run under valgrind, expect exit status WANT_RC
        local want=$1 rc=0
        shift
        "${VG[@]}" "$@" >"$T/out" 2>"$T/err" || rc=$?
        runs=$((runs + 1))
        if [ "$rc" = 99 ] || grep -qs 'ERROR SUMMARY: [1-9]\|definitely lost: [1-9]\|Invalid \(read\|write\|free\)\|uninitialised' "$T"/vg.log.*; then
                cat "$T"/vg.log.* >&2
                fail "valgrind reports errors in: $*"
        fi
        [ "$rc" = "$want" ] || { cat "$T/err" >&2; fail "exit status $rc, expected $want: $*"; }
        rm -f "$T"/vg.log.*
}

make_world_link() {
        ip link add wan0 type veth peer name wan1
        ip addr add 198.51.100.1/24 dev wan0
        ip link set wan0 up
}
make_world_link

conf full <<'X'
[Namespace]
Sysctl=net.ipv4.ip_forward=1
DNS=192.0.2.53 2001:db8::53
Domains=example.org
Units=bird.service

[Veth]
HostAddress=auto
Address=auto
MTU=1400

[NAT]
Masquerade=both
Port=tcp:8080:80
Port=udp:5353:53

[Firewall]
Inbound=drop
AllowInbound=tcp:8443 udp:6881-6889
X
conf iso <<'X'
[Namespace]
X
mkdir -m 0755 /etc/netns/full
echo "192.0.2.7 only-in-full" >/etc/netns/full/hosts
conf broken <<'X'
[Namespace]
Boot=perhaps
Units=%n.service
[Veth]
HostAddress=300.1.1.1/24
X

# --- check: good, broken, all
vg 0 "$NETNSCTL" check full
vg 0 "$NETNSCTL" check iso
vg 1 "$NETNSCTL" check broken
vg 1 "$NETNSCTL" check

# --- up and down, fully wired, then isolated
snapshot "$T/before"
vg 0 "$NETNSCTL" up full
vg 1 "$NETNSCTL" up full # already up
vg 0 "$NETNSCTL" up iso
vg 0 "$NETNSCTL" exec iso true
vg 0 "$NETNSCTL" down iso
vg 0 "$NETNSCTL" down full
vg 0 "$NETNSCTL" down full # nothing left
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "up, down, check, exec: valgrind-clean"

# --- failure paths: an injected failure after each step, undone; a crash, cleaned by the next up
for step in namespace loopback sysctl veth nat sysfs resolv mntns; do
        NETNSCTL_TEST_FAIL_STEP=$step vg 1 "$NETNSCTL" up full
        [ ! -e /run/netns/full ] || fail "failure after $step left the pin"
done
NETNSCTL_TEST_KILL_AFTER=veth "$NETNSCTL" up full 2>/dev/null && fail "the killed up exited 0"
vg 0 "$NETNSCTL" up full # cleans the crash leftover first
vg 0 "$NETNSCTL" down full
vg 1 "$NETNSCTL" up broken
vg 1 "$NETNSCTL" up ../x
# a refused state record
mkdir -m 0700 /run/netnsctl/iso
printf 'pin\nveth ../x\n' >/run/netnsctl/iso/state
chmod 0600 /run/netnsctl/iso/state
vg 1 "$NETNSCTL" down iso
rm -rf /run/netnsctl/iso
# an unsafe config file
chmod g+w /etc/netns/iso.conf
vg 1 "$NETNSCTL" up iso
chmod g-w /etc/netns/iso.conf
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "failure paths: valgrind-clean"

# --- links between namespaces: made by either side (the peer index), shown by status and list,
# gc of a stale index entry
printf '[Link]\nType=veth\nPeerNamespace=pb\nAddress=10.66.0.1/30\nPeerAddress=10.66.0.2/30\n[Route]\nDestination=10.67.0.0/24\nGateway=10.66.0.2\n' >/etc/netns/pa.conf
printf '[Namespace]\n' >/etc/netns/pb.conf
vg 0 "$NETNSCTL" up pa
vg 0 "$NETNSCTL" up pb
in_ns pa ping -c1 -W2 10.66.0.2 >/dev/null || fail "pa - pb: no ping"
vg 0 "$NETNSCTL" status pa
vg 0 "$NETNSCTL" --json status pb
vg 0 "$NETNSCTL" --json list
: >/run/netnsctl/.peers/pb/ghost
vg 0 "$NETNSCTL" gc
vg 0 "$NETNSCTL" down pb
vg 0 "$NETNSCTL" down pa
rm /etc/netns/pa.conf /etc/netns/pb.conf
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "links between namespaces, status, list, gc: valgrind-clean"

# --- the generator: good, broken and unsafe configs, drop-ins, name conflicts
mkdir -m 0755 /etc/netns/full.conf.d
printf '[Namespace]\nUnits=dnsmasq.service named.socket\n' >/etc/netns/full.conf.d/10-more.conf
printf '[Namespace]\nUnits=bird.service\n' >/etc/netns/zz-clash.conf
printf '[Namespace]\n' >/etc/netns/unsafe.conf
chmod 0666 /etc/netns/unsafe.conf
printf '[Namespace]\n' >/etc/netns/..conf
mkdir -p "$T/gen"
vg 0 "$NETNS_GENERATOR" "$T/gen" "$T/gen" "$T/gen"
[ -f "$T/gen/bird.service.d/50-netns-full.conf" ] || fail "generator: no drop-in for bird.service"
[ -L "$T/gen/multi-user.target.wants/netns@iso.service" ] || fail "generator: no boot link for iso"
pass "generator: valgrind-clean"

echo "$runs runs under valgrind, no error, no definite leak"
