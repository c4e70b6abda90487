#!/bin/bash
# wg-status.sh - what netnsctl says about a WireGuard tunnel, and what it refuses before making
# one, against a real peer (Debian's wg on the other side), in one boot of the VM:
#   list / list --json mark a tunnel without a recent handshake (never, or older than 180 s: the
#   VM's clock is moved on), not one that has one or that waits for its peers; status shows the
#   age of an old handshake in yellow;
#   Endpoint= host names: the address the host has a route to is taken (an unroutable IPv6
#   address listed first in /etc/hosts is passed over); a name that does not resolve fails up
#   naming it, nothing made;
#   an explicit [Veth] DefaultRoute=yes beside a tunnel that owns a default route: refused by
#   up naming the line, for [WireGuardPeer] and for a ConfigFile='s [Peer], nothing made;
#   gc: a WireGuard device left on the host between its creation and the move, whose record
#   is lost, is reported by --dry-run and removed by gc; a non-WireGuard device with such a
#   name is left alone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/link-lib.sh"
. "$(dirname "$0")/wg-lib.sh"
command -v wg >/dev/null || { echo "skipped: no wg (Debian's wireguard-tools: the peer's side)"; exit 77; }
link_need wireguard

SCHEMA="$(dirname "$0")/list-schema.py"

wg_start server client other
SPUB=$(cat "$K/server.pub")
CPUB=$(cat "$K/client.pub")
CPRIV=$(cat "$K/client")
OPUB=$(cat "$K/other.pub")

# the VPN server, its UDP port on 192.0.2.2 beside the host (no IPv6 route on the host)
wg_server vpnsrv up0 192.0.2.1 192.0.2.2 server 10.2.0.1/24 client:10.2.0.2/32

# names for Endpoint=, in the sandbox's own /etc/hosts: the unroutable IPv6 address first; a
# resolver that answers at once (nothing listens on the sandbox's 127.0.0.1:53)
printf '2001:db8:99::2 vpn.test\n192.0.2.2 vpn.test\n' >"$T/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$T/resolv.conf"
mount --bind "$T/hosts" /etc/hosts
mount --bind "$T/resolv.conf" /etc/resolv.conf
getent ahosts vpn.test | grep -q 2001:db8:99::2 || fail "the sandbox's /etc/hosts is not used: $(getent ahosts vpn.test)"

# (few python3 runs: each takes seconds in the emulated VM)
list_tunnels() { # NAME...: "NAME=TUNNEL" of each, from list --json (checked against the schema) and from
                 # the table's TUNNEL column (cut where the header has it: empty cells have no word)
        "$NETNSCTL" list --json >"$T/list.json" || fail "list --json failed"
        "$NETNSCTL" list >"$T/list.txt" || fail "list failed"
        python3 - "$SCHEMA" "$T/list.json" "$T/list.txt" "$@" <<'PY' || fail "list --json does not match the schema"
import importlib.util, json, sys
schema, js, txt, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
spec = importlib.util.spec_from_file_location("schema", schema)
S = importlib.util.module_from_spec(spec)
spec.loader.exec_module(S)
doc = json.load(open(js))
S.check(doc, S.array(S.LIST_ENTRY), "list")
d = {e["name"]: e["tunnel"] for e in doc}
lines = open(txt).read().splitlines()
a, b = lines[0].index("TUNNEL"), lines[0].index("ADDRESSES")
t = {l.split(" ")[0]: l[a:b].strip() for l in lines[1:] if l and not l.endswith("listed.")}
print(" ".join(f"{n}={d[n]}/{t[n]}" for n in names))
PY
}
nothing_made() { # NAME
        [ -e "/run/netns/$1" ] && fail "$1 pinned after a refused up"
        [ -e "/run/netnsctl/$1/state" ] && fail "$1 has a record after a refused up"
        assert_eq "$(wg_on_host)" "" "WireGuard devices on the host after a refused up of $1"
}

snapshot "$T/before"

# --- 1. Endpoint= a host name: the IPv4 address (the host has no IPv6 route), a handshake
conf live <<X
[WireGuard]
PrivateKeyFile=$K/client
Address=10.2.0.2/32
[WireGuardPeer]
PublicKey=$SPUB
Endpoint=vpn.test:51820
AllowedIPs=10.2.0.0/24
X
# a peer that never answers
conf dead <<X
[WireGuard]
PrivateKeyFile=$K/client
Address=10.3.0.2/32
[WireGuardPeer]
PublicKey=$OPUB
Endpoint=192.0.2.9:51820
AllowedIPs=10.3.0.0/24
X
# a peer without Endpoint=: the tunnel waits for it, nothing is missing
conf waits <<X
[WireGuard]
PrivateKeyFile=$K/client
Address=10.4.0.2/32
[WireGuardPeer]
PublicKey=$OPUB
AllowedIPs=10.4.0.0/24
X
nnc up live
nnc up dead
nnc up waits
in_ns live wg show wg0 endpoints | grep -qF "$SPUB	192.0.2.2:51820" ||
        fail "the kernel's endpoint is not the IPv4 address: $(in_ns live wg show wg0 endpoints)"
in_ns live ping -c1 -W3 10.2.0.1 >/dev/null || fail "no answer through the tunnel"
pass "Endpoint=vpn.test: its address the host has a route to (IPv4), not the first one (IPv6)"

# --- 2. list: the tunnel without a handshake is marked, the others are not
in_ns dead ping -c1 -W1 10.3.0.1 >/dev/null 2>&1 || true  # (a handshake attempt, unanswered)
# (JSON/table) live: handshake just made; dead: peer never answered; waits: no peer to reach;
# vpnsrv: another tool's namespace, looked into too
assert_eq "$(list_tunnels live dead waits vpnsrv)" "live=ok/ok dead=no-handshake/no-handshake waits=ok/ok vpnsrv=ok/ok" \
        "list --json / list: tunnels"
SYSTEMD_COLORS=1 "$NETNSCTL" list --no-legend | grep -q $'\033\[0;1;33mno-handshake' || fail "no-handshake not in yellow"
pass "list marks the tunnel whose peer never answered, not the live one or the one that waits"

# --- 3. a handshake older than 180 s: the VM's own clock moves on 200 s (WireGuard's timers run
# on the monotonic clock: no new handshake is made for it; the kernel reports the old one)
if [ -n "${NETNSCTL_IN_VM:-}" ]; then
        hs=$(in_ns live wg show wg0 latest-handshakes | awk '{print $2}')
        [ "${hs:-0}" -gt 0 ] || fail "no handshake to age"
        date -s "@$(($(date +%s) + 200))" >/dev/null
        assert_eq "$(list_tunnels live waits)" "live=no-handshake/no-handshake waits=ok/ok" "list: tunnels 200 s after the handshake"
        SYSTEMD_COLORS=1 "$NETNSCTL" status live >"$T/status.txt" || fail "status live failed"
        grep -q $'\033\[0;1;33mhandshake [0-9]*s ago' "$T/status.txt" || fail "status: the old handshake is not in yellow: $(cat "$T/status.txt")"
        "$NETNSCTL" status live --json >"$T/status.json" || fail "status --json failed"
        python3 - "$SCHEMA" "$T/status.json" "$SPUB" "$hs" <<'PY' || fail "status --json does not show the tunnel as the kernel has it"
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("schema", sys.argv.pop(1))
S = importlib.util.module_from_spec(spec)
spec.loader.exec_module(S)
doc = json.load(open(sys.argv[1]))
S.check(doc, S.STATUS, "status")
wg = doc["wireguard"]
p = wg[0]["peers"][0]
assert p["public_key"] == sys.argv[2] and p["endpoint"] == "192.0.2.2:51820", p
assert p["latest_handshake"] == int(sys.argv[3]), (p, sys.argv[3])
assert p["allowed_ips"] == ["10.2.0.0/24"] and p["rx_bytes"] > 0 and p["tx_bytes"] > 0, p
PY
        pass "a handshake older than 180 s: list marks it, status shows its age in yellow and the kernel's time"
else
        echo "# skipped the aged handshake: the clock is moved only in the VM, never on this machine"
fi
nnc down live
nnc down dead
nnc down waits

# --- 4. a name that does not resolve: up fails naming it, before anything is made
conf bad <<X
[WireGuard]
PrivateKeyFile=$K/client
[WireGuardPeer]
PublicKey=$SPUB
Endpoint=no-such-vpn.invalid:51820
AllowedIPs=10.2.0.0/24
X
nnc_fails up bad
grep -qF "/etc/netns/bad.conf:5: Endpoint=no-such-vpn.invalid: the name does not resolve" "$T/err" ||
        fail "the refusal does not name the file, line and name"
nothing_made bad
rm /etc/netns/bad.conf
pass "an Endpoint= name that does not resolve fails up, naming it; nothing made"

# --- 5. DefaultRoute=yes written out beside a tunnel that owns the default: refused by up
conf kill <<X
[Veth]
DefaultRoute=yes
[WireGuard]
PrivateKeyFile=$K/client
[WireGuardPeer]
PublicKey=$SPUB
Endpoint=192.0.2.2:51820
AllowedIPs=0.0.0.0/0
X
nnc_fails up kill
grep -qF "/etc/netns/kill.conf:2: DefaultRoute=yes: the WireGuard tunnel owns the IPv4 default route (AllowedIPs=0.0.0.0/0 at /etc/netns/kill.conf:8)" "$T/err" ||
        fail "[WireGuardPeer]: the refusal does not name both lines"
nothing_made kill
umask 077
printf '[Interface]\nPrivateKey = %s\nAddress = 10.2.0.2/32\n\n[Peer]\nPublicKey = %s\nEndpoint = 192.0.2.2:51820\nAllowedIPs = ::/0\n' \
        "$CPRIV" "$SPUB" >"$K/provider.conf"
umask 022
conf kill <<X
[Veth]
DefaultRoute=true
[WireGuard]
ConfigFile=$K/provider.conf
X
nnc_fails up kill
grep -qF "/etc/netns/kill.conf:2: DefaultRoute=yes: the WireGuard tunnel owns the IPv6 default route (AllowedIPs=::/0 at $K/provider.conf:8)" "$T/err" ||
        fail "ConfigFile=: the refusal does not name both lines"
grep -qF "$CPRIV" "$T/err" && fail "the refusal shows the key"
nothing_made kill
# without it: the veth quietly gets no default route, the tunnel has it
sed -i '/^DefaultRoute=/d' /etc/netns/kill.conf
nnc up kill
in_ns kill ip -6 route show default | grep -q "dev wg0" || fail "no IPv6 default through wg0: $(in_ns kill ip -6 route)"
in_ns kill ip route show default | grep -q "host0" && fail "the veth got a default route beside the tunnel"
nnc down kill
rm /etc/netns/kill.conf
pass "an explicit DefaultRoute=yes beside a tunnel's default is refused by up ([WireGuardPeer], ConfigFile=); nothing made"

# --- 6. gc: the device between its creation and the move, its record lost
ip link add wgnn-0000beef type veth peer name wgnnpeer0   # a name alike, another kind: not ours
NETNSCTL_TEST_KILL_AFTER=wireguard-created "$NETNSCTL" up live 2>/dev/null && fail "up was not killed"
stray=$(wg_on_host)
[[ $stray == wgnn-???????? ]] || fail "the kill left no wgnn- device on the host: '$stray'"
rm /run/netnsctl/live/state
"$NETNSCTL" gc --dry-run --json >"$T/gc-dry.json" || fail "gc --dry-run failed"
assert_eq "$(wg_on_host)" "$stray" "WireGuard devices after gc --dry-run"
"$NETNSCTL" gc --json >"$T/gc.json" || fail "gc failed: $(cat "$T/gc.json")"
assert_eq "$(wg_on_host)" "" "WireGuard devices after gc"
python3 - "$SCHEMA" "$T/gc-dry.json" "$T/gc.json" "$stray" <<'PY' || fail "gc --dry-run, gc: the stray device not reported as it should be (above)"
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("schema", sys.argv[1])
S = importlib.util.module_from_spec(spec)
spec.loader.exec_module(S)
for f, removed in ((sys.argv[2], False), (sys.argv[3], True)):
    doc = json.load(open(f))
    S.check(doc, S.array(S.GC_ITEM), "gc")
    links = [i for i in doc if i["type"] == "link"]
    assert [(i["object"], i["removed"], i["error"]) for i in links] == [(sys.argv[4], removed, None)], links
    assert "wireguard" in links[0]["reason"], links
PY
link_exists wgnn-0000beef || fail "gc removed a veth named wgnn-"
ip link del wgnn-0000beef
# the namespace itself, unrecorded now, is another tool's to gc: unpinned, its directory goes
ip netns delete live
nnc gc >/dev/null
[ -e /run/netnsctl/live ] && fail "gc left /run/netnsctl/live"
pass "gc reports (--dry-run) and removes a WireGuard device left on the host, and not a veth of a like name"

snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "the host is as before"
