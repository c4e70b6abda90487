#!/bin/bash
# link-vxlan.sh - [Link] Type=vxlan between two "hosts": this sandbox (host A) and a second
# one made here (host B: its own network and mount namespace, its own /run and /etc/netns),
# joined by an underlay veth "eth0" with their own addresses. Each runs "netnsctl up" of
# namespace blue from netns.conf(5)'s example as pasted: the two namespaces ping each other
# over the overlay (IPv4 and IPv6); the device inside is a vxlan with the VNI, the remote and
# the MTU derived from the underlay (1500 - 50); its UDP socket is the host's. "down" on one
# leaves the other's link and addresses, and nothing on its host; up again, they ping again.
# An IPv6 underlay with Parent= (MTU 1500 - 70), status --json, bad configurations refused
# naming FILE:LINE with nothing made, and a crash between creation and move cleaned by gc,
# down and up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"
. "$(dirname "$0")/link-lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)

if ! ip link add nnprobe0 type vxlan id 1 dstport 4789 2>"$T/probe"; then
        echo "skipped: the kernel cannot make vxlan devices (CONFIG_VXLAN): $(cat "$T/probe")"
        exit 77
fi
ip link del nnprobe0

# Host B: a second sandbox (its own network and mount namespace, /run, /etc/netns and machine
# id), held by a process of its own that this test ends on exit. (Not pinned by bind mounts
# of its namespace files: this kernel may number a new mount namespace below an older one,
# and then refuses to bind it, EINVAL.)
echo 0123456789abcdef0123456789abcdef >"$T/b.machine-id"
[ "$(cat /etc/machine-id 2>/dev/null)" != "$(cat "$T/b.machine-id")" ] || fail "host A has host B's machine id"
unshare --net --mount --propagation private bash -c '
        mount --bind "$0" /etc/machine-id &&
        mount -t tmpfs -o mode=0755 tmpfs /run && mkdir -p /run/netns /run/netnsctl &&
        mount -t tmpfs -o mode=0755 tmpfs /etc/netns && ip link set lo up && touch /run/.ready &&
        exec sleep infinity' "$T/b.machine-id" &
BPID=$!
trap 'kill "$BPID" 2>/dev/null || true' EXIT
hostb() {
        nsenter -t "$BPID" --net --mount -- "$@"
}
for ((i = 0; i < 100; i++)); do
        hostb test -e /run/.ready 2>/dev/null && break
        kill -0 "$BPID" 2>/dev/null || fail "cannot make host B"
        sleep 0.1
done
hostb test -e /run/.ready || fail "host B did not get ready"
hostb rm /run/.ready
# snapshot() of host B
snapshot_b() { # FILE
        hostb bash -c "$(declare -f snapshot); snapshot /dev/stdout" >"$1"
}
# the underlay: eth0 on each host, 192.0.2.1 / 2001:db8::1 on A, .2 / ::2 on B
ip link add eth0 type veth peer name eth0 netns "$BPID"
ip addr add 192.0.2.1/24 dev eth0
ip addr add 2001:db8::1/64 dev eth0 nodad
ip link set eth0 up
hostb ip addr add 192.0.2.2/24 dev eth0
hostb ip addr add 2001:db8::2/64 dev eth0 nodad
hostb ip link set eth0 up
ping -c1 -W2 192.0.2.2 >/dev/null || fail "the underlay does not carry ping"
# eth0's link-local addresses settled on both hosts, so that the snapshots below compare
for ((i = 0; i < 100; i++)); do
        [ -n "$(ip -6 addr show dev eth0 scope link)" ] && [ -z "$(ip -6 addr show tentative)" ] &&
                [ -n "$(hostb ip -6 addr show dev eth0 scope link)" ] && [ -z "$(hostb ip -6 addr show tentative)" ] && break
        sleep 0.1
done

# the configurations of netns.conf(5)'s example, as pasted: host A's file first, then B's
assert_eq "$(python3 "$SRC/tests/man-example.py" "Two hosts on one Ethernet segment: VXLAN" "$T/ex-a" "$T/ex-b" | tr '\n' ' ')" \
        "/etc/netns/blue.conf /etc/netns/blue.conf " "the files of the man page example"
cp "$T/ex-a/etc/netns/blue.conf" /etc/netns/blue.conf
hostb tee /etc/netns/blue.conf <"$T/ex-b/etc/netns/blue.conf" >/dev/null

snapshot "$T/a.before"
snapshot_b "$T/b.before"

# "KIND VNI REMOTE PORT MTU UP|DOWN ADDRS" of vx0 inside blue, as the kernel reports it
vx_state() { # [hostb]
        "$@" nsenter --net=/run/netns/blue -- ip -d -j addr show dev vx0 | python3 -c '
import json, sys
l = json.load(sys.stdin)[0]
li = l.get("linkinfo", {})
d = li.get("info_data", {})
a = sorted(x["local"] + "/" + str(x["prefixlen"]) for x in l.get("addr_info", []) if x.get("scope") == "global")
print(li.get("info_kind", "-"), d.get("id", "-"), d.get("remote", d.get("remote6", "-")), d.get("port", "-"), l["mtu"],
      "UP" if "UP" in l["flags"] else "DOWN", " ".join(a))'
}
# wait until IPv6 duplicate address detection is done inside blue
dad_done() { # [hostb]
        local i
        for ((i = 0; i < 50; i++)); do
                [ -z "$("$@" nsenter --net=/run/netns/blue -- ip -6 addr show tentative)" ] && return 0
                sleep 0.1
        done
        fail "IPv6 addresses in blue ${1:+on host B }still tentative"
}
# the UDP sockets bound to PORT in the current namespace
udp_port() { # PORT
        ss -Hlun "sport = :$1" | wc -l
}

nnc up blue
hostb "$NETNSCTL" up blue || fail "netnsctl up blue on host B failed"
assert_eq "$(vx_state)" "vxlan 42 192.0.2.2 4789 1450 UP 10.42.0.1/24 fd42::1/64" "vx0 in blue on host A"
assert_eq "$(vx_state hostb)" "vxlan 42 192.0.2.1 4789 1450 UP 10.42.0.2/24 fd42::2/64" "vx0 in blue on host B"
# the tunnel's socket is the host's, none inside
[ "$(udp_port 4789)" -ge 1 ] || fail "no UDP socket on port 4789 on host A"
assert_eq "$(in_ns blue bash -c "$(declare -f udp_port); udp_port 4789")" 0 "UDP sockets on port 4789 inside blue"
# nothing of the tunnel is left on the host (its temporary name there is gone with the move)
assert_eq "$(link_names)" "eth0 lo" "links on host A"
assert_eq "$(hostb ip -j link show | python3 -c 'import json,sys; print(" ".join(sorted(l["ifname"] for l in json.load(sys.stdin))))')" \
        "eth0 lo" "links on host B"
dad_done
dad_done hostb
ping_ok -4 10.42.0.2 in_ns blue
ping_ok -6 fd42::2 in_ns blue
ping_ok -4 10.42.0.1 hostb nsenter --net=/run/netns/blue --
ping_ok -6 fd42::1 hostb nsenter --net=/run/netns/blue --
# the overlay's packets cross the underlay as VXLAN: UDP to port 4789 on eth0
timeout 5 tcpdump -c 1 -ni eth0 'udp dst port 4789' >"$T/dump" 2>/dev/null &
tcpd=$!
sleep 0.5
in_ns blue ping -4 -c2 -W1 10.42.0.2 >/dev/null || true
wait "$tcpd" || true
grep -q "VXLAN.*vni 42\|4789" "$T/dump" || { cat "$T/dump" >&2; fail "no VXLAN packet of VNI 42 on the underlay"; }
pass "two hosts: vx0 of VNI 42 with MTU 1450, pings over the overlay both ways (IPv4, IPv6), socket on the host"

# status names the tunnel
"$NETNSCTL" status --json blue >"$T/status.json" || fail "status --json failed"
python3 "$SRC/tests/kernel/list-schema.py" status <"$T/status.json" || fail "status --json does not match its schema"
assert_eq "$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
v = [l["vxlan"] for l in s["links"] if l["ifname"] == "vx0"][0]
print(v["vni"], v["remote"], v["group"], v["local"], v["port"], v["underlay"])' "$T/status.json")" \
        "42 192.0.2.2 None None 4789 None" "status --json: vx0's vxlan"
"$NETNSCTL" status blue >"$T/status.txt" || fail "status failed"
grep -q "vx0 (vxlan, vni 42, remote 192.0.2.2, port 4789 on the host)" "$T/status.txt" ||
        { cat "$T/status.txt" >&2; fail "status: vx0's line"; }
pass "status and status --json show VNI, remote and port"

# a second namespace of host A with the same VNI and port: the kernel has one such device per
# socket of the host; refused naming the [Link], nothing of it made
printf '[Link]\nType=vxlan\nVNI=42\nRemote=192.0.2.3\nMTU=1400\n' >/etc/netns/twin.conf
nnc_fails up twin
grep -q "/etc/netns/twin.conf:1: Failed to create vxlan nn-+vx[0-9a-f]* on the host: .*another namespace's" "$T/err" ||
        fail "a second VXLAN of VNI 42 on host A: message"
assert_eq "$(link_names)" "eth0 lo" "links on host A after the refused twin"
[ ! -e /run/netns/twin ] || fail "the refused twin is pinned"
rm /etc/netns/twin.conf

# a changed VNI needs a restart: reload refuses it naming the [Link], and changes nothing
sed -i 's/^VNI=42$/VNI=43/' /etc/netns/blue.conf
nnc_fails reload blue
grep -q "blue.conf:1: \[Link\] VNI=/Remote=/Group=/Local=/DestinationPort= changed" "$T/err" || fail "reload: the refusal does not name the [Link]"
cp "$T/ex-a/etc/netns/blue.conf" /etc/netns/blue.conf
assert_eq "$(vx_state)" "vxlan 42 192.0.2.2 4789 1450 UP 10.42.0.1/24 fd42::1/64" "vx0 in blue on host A after a refused reload"
pass "reload refuses a changed VNI= naming FILE:LINE"

mac_a=$(link_state vx0 in_ns blue | cut -d' ' -f5)
mac_b=$(link_state vx0 hostb nsenter --net=/run/netns/blue -- | cut -d' ' -f5)
[ "$mac_a" != "$mac_b" ] || fail "vx0 has one MAC address on both hosts: $mac_a"

# down on B: nothing left on B, A's namespace and link as they were, the overlay silent
hostb "$NETNSCTL" down blue || fail "netnsctl down blue on host B failed"
snapshot_b "$T/b.after"
assert_same_snapshot "$T/b.before" "$T/b.after"
assert_eq "$(vx_state)" "vxlan 42 192.0.2.2 4789 1450 UP 10.42.0.1/24 fd42::1/64" "vx0 in blue on host A after B's down"
ping_fails -4 10.42.0.2 in_ns blue
hostb "$NETNSCTL" up blue || fail "netnsctl up blue on host B (again) failed"
# B's vx0 is a new device with its MAC address of before: A's neighbour entry for it is right
assert_eq "$(link_state vx0 hostb nsenter --net=/run/netns/blue -- | cut -d' ' -f5)" "$mac_b" "vx0's MAC address on host B after down and up"
ping_ok -4 10.42.0.2 in_ns blue
pass "down on host B leaves host A's namespace as it was and nothing on host B; up again (same MAC address), they ping again"

nnc down blue
hostb "$NETNSCTL" down blue || fail "netnsctl down blue on host B failed"
snapshot "$T/a.after"
assert_same_snapshot "$T/a.before" "$T/a.after"
snapshot_b "$T/b.after"
assert_same_snapshot "$T/b.before" "$T/b.after"
assert_eq "$(udp_port 4789)" 0 "UDP sockets on port 4789 on host A after down"
pass "down on both: both hosts as before"

# An IPv6 underlay, Parent= and another port: MTU 1500 - 70
for side in a b; do
        if [ $side = a ]; then me=1 peer=2; else me=2 peer=1; fi
        cat >"$T/green-$side.conf" <<X
[Link]
Type=vxlan
VNI=43
Parent=eth0
Remote=2001:db8::$peer
Local=2001:db8::$me
DestinationPort=8472
Address=10.43.0.$me/24
X
done
cp "$T/green-a.conf" /etc/netns/green.conf
hostb tee /etc/netns/green.conf <"$T/green-b.conf" >/dev/null
nnc up green
hostb "$NETNSCTL" up green || fail "netnsctl up green on host B failed"
assert_eq "$(link_state vxlan43 in_ns green | cut -d' ' -f1-4)" "vxlan43 vxlan 1430 UP" "vxlan43 in green (derived name, MTU 1500 - 70)"
assert_eq "$(link_data vxlan43 remote6 in_ns green) $(link_data vxlan43 local6 in_ns green) $(link_data vxlan43 port in_ns green)" \
        "2001:db8::2 2001:db8::1 8472" "vxlan43's remote, local and port"
ping_ok -4 10.43.0.2 in_ns green
"$NETNSCTL" status green >"$T/status.txt" || fail "status failed"
grep -q "vxlan43 (vxlan, vni 43, remote 2001:db8::2, local 2001:db8::1, port 8472 on the host via eth0)" "$T/status.txt" ||
        { cat "$T/status.txt" >&2; fail "status: vxlan43's line"; }
nnc down green
hostb "$NETNSCTL" down green || fail "netnsctl down green on host B failed"
rm /etc/netns/green.conf
# MTU= above what the underlay carries is refused before anything is made
printf '[Link]\nType=vxlan\nVNI=44\nParent=eth0\nRemote=192.0.2.2\nMTU=1460\n' >/etc/netns/fat.conf
nnc_fails up fat
grep -q "fat.conf:1: .*MTU=1460 is above what the underlay eth0 carries: its MTU 1500 less 50 bytes of vxlan headers is 1450" "$T/err" ||
        fail "MTU above the underlay's: message"
rm /etc/netns/fat.conf
snapshot "$T/a.after"
assert_same_snapshot "$T/a.before" "$T/a.after"
pass "IPv6 underlay with Parent=, Local= and DestinationPort=: MTU 1430, ping; MTU= too large refused"

# Bad configurations: refused naming FILE:LINE, nothing made
bad() { # LINE MESSAGE-PATTERN: stdin is the configuration
        conf bad
        nnc_fails up bad
        grep -q "/etc/netns/bad.conf:$1: .*$2" "$T/err" || fail "bad config: expected ':$1: ...$2'"
        "$NETNSCTL" check bad 2>/dev/null && fail "check accepted a bad configuration"
        snapshot "$T/a.after"
        assert_same_snapshot "$T/a.before" "$T/a.after"
}
bad 1 "Remote= and Group= exclude each other" <<'X'
[Link]
Type=vxlan
VNI=42
Parent=eth0
Remote=192.0.2.2
Group=239.1.1.1
Address=10.42.0.1/24
X
bad 1 "Group= needs Parent=" <<'X'
[Link]
Type=vxlan
VNI=42
Group=239.1.1.1
X
bad 1 "needs Remote= .* or Group=" <<'X'
[Link]
Type=vxlan
VNI=42
X
bad 1 "needs VNI=" <<'X'
[Link]
Type=vxlan
Remote=192.0.2.2
X
bad 1 "Local= and Remote= are of different address families" <<'X'
[Link]
Type=vxlan
VNI=42
Remote=192.0.2.2
Local=2001:db8::1
X
bad 4 "VNI=16777216: a VNI is a number 1...16777215" <<'X'

[Link]
Type=vxlan
VNI=16777216
Remote=192.0.2.2
X
bad 4 "Group=192.0.2.9: expected one multicast" <<'X'
[Link]
Type=vxlan
VNI=42
Group=192.0.2.9
Parent=eth0
X
bad 4 "DestinationPort=0: a port is a number 1...65535" <<'X'
[Link]
Type=vxlan
VNI=42
DestinationPort=0
Remote=192.0.2.2
X
bad 3 "VNI= is only valid for Type=vxlan" <<'X'
[Link]
Type=macvlan
VNI=42
Parent=eth0
X
# a matter of the host, not of the file: "check" passes it, "up" refuses it
printf '[Link]\nType=vxlan\nVNI=42\nRemote=198.51.100.7\n' >/etc/netns/bad.conf
nnc_fails up bad
grep -q "/etc/netns/bad.conf:1: .*Remote=198.51.100.7: the host has no route to it, so the MTU cannot be derived; set Parent=" "$T/err" ||
        fail "Remote= without a route: message"
snapshot "$T/a.after"
assert_same_snapshot "$T/a.before" "$T/a.after"
rm /etc/netns/bad.conf
pass "bad configurations refused with FILE:LINE, nothing made"

# A crash between the creation on the host and the move: the device is left on the host under
# its temporary name; gc, down and up each remove it
stray() { # the vxlan devices on host A
        ip -d -j link show type vxlan | python3 -c 'import json,sys; print(" ".join(l["ifname"] for l in json.load(sys.stdin)))'
}
killed_up() {
        local rc=0
        NETNSCTL_TEST_KILL_AFTER=link-created "$NETNSCTL" up blue 2>/dev/null || rc=$?
        assert_eq "$rc" 137 "exit status of up killed after link-created"
        case "$(stray)" in
        nn-+vx????????) ;;
        *) fail "after a kill between creation and move: vxlan devices on the host: '$(stray)'" ;;
        esac
}
killed_up
"$NETNSCTL" gc --dry-run --json >"$T/gc.json" || fail "gc --dry-run failed"
python3 "$SRC/tests/kernel/list-schema.py" gc <"$T/gc.json" || fail "gc --json does not match its schema"
grep -q '"type":"record","object":"blue"' <(tr -d ' ' <"$T/gc.json") || { cat "$T/gc.json" >&2; fail "gc --dry-run does not list blue's record"; }
nnc gc
assert_eq "$(stray)" "" "vxlan devices on host A after gc"
killed_up
nnc down blue
assert_eq "$(stray)" "" "vxlan devices on host A after down"
killed_up
nnc up blue
assert_eq "$(stray)" "" "vxlan devices on host A after up"
assert_eq "$(vx_state | cut -d' ' -f1-6)" "vxlan 42 192.0.2.2 4789 1450 UP" "vx0 after an up that cleaned up"
nnc down blue
# and a record lost with the crash: gc finds the device by its name alone
killed_up
rm -r /run/netnsctl/blue
umount /run/netns/blue 2>/dev/null || true
rm -f /run/netns/blue
"$NETNSCTL" gc --dry-run --json >"$T/gc.json" || fail "gc --dry-run failed"
grep -q '"type":"link","object":"nn-+vx' <(tr -d ' ' <"$T/gc.json") || { cat "$T/gc.json" >&2; fail "gc --dry-run does not list the stray vxlan"; }
nnc gc
assert_eq "$(stray)" "" "vxlan devices on host A after gc of an orphan"
NETNSCTL_TEST_FAIL_STEP=link-created nnc_fails up blue
grep -q "link-created" "$T/err" || fail "injected failure: message does not name the point"
snapshot "$T/a.after"
assert_same_snapshot "$T/a.before" "$T/a.after"
pass "killed between creation and move: gc (with and without a record), down and up clean up; a failure there leaves nothing"
pass "all"
