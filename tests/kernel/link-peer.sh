#!/bin/bash
# link-peer.sh - [Link] Type=veth with PeerNamespace=: a chain r1 - r2 - r3 from configuration
# alone (r1 and r3 own the links, r2 neither), each "up" in any order; names and addresses of
# both ends; static routes through the links; pings hop by hop and end to end; stopping r2
# removes both links and the routes through them, starting it again restores them; the host
# never sees a veth end and is as before at the end
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/veth-lib.sh"

# the configuration of netns.conf(5)'s example "A routed lab", as pasted from the man page
python3 "$(dirname "$0")/../man-example.py" "A routed lab: three namespaces in a chain" >/dev/null
[ -f /etc/netns/r1.conf ] && [ -f /etc/netns/r2.conf ] && [ -f /etc/netns/r3.conf ] || fail "the man page example is not three files"
snapshot "$T/before"

# "NAME KIND PEER-NAMESPACE-ID-SET ADDRS" of each link but lo
links() { # NS
        in_ns "$1" ip -j -d addr show | python3 -c '
import json, sys
for l in json.load(sys.stdin):
    if l["ifname"] == "lo":
        continue
    a = [x["local"] + "/" + str(x["prefixlen"]) for x in l.get("addr_info", []) if x.get("scope") == "global"]
    print(l["ifname"], l.get("linkinfo", {}).get("info_kind", "-"), "UP" if "UP" in l["flags"] else "DOWN", " ".join(a))' | sort
}
check_chain() { # WHAT
        assert_eq "$(links r1)" "r2 veth UP 10.12.0.1/30" "$1: r1's end"
        assert_eq "$(links r2)" "down veth UP 10.23.0.2/30
r1 veth UP 10.12.0.2/30" "$1: r2's ends"
        assert_eq "$(links r3)" "up veth UP 10.23.0.1/30" "$1: r3's end"
        assert_eq "$(in_ns r1 ip -j route show 10.23.0.0/30 | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r[0]["gateway"], r[0]["dev"]) if r else print("")')" \
                "10.12.0.2 r2" "$1: r1's route to r3's link"
        ping_ok -4 10.12.0.2 in_ns r1
        ping_ok -4 10.23.0.1 in_ns r2
        ping_ok -4 10.23.0.1 in_ns r1
        ping_ok -4 10.12.0.1 in_ns r3
        # no end of these links on the host
        ip -j link show | python3 -c 'import json,sys; sys.exit(any(l["ifname"] in ("r1","r2","up","down") for l in json.load(sys.stdin)))' ||
                fail "$1: a link end on the host"
}

for order in "r1 r2 r3" "r2 r1 r3" "r3 r1 r2" "r2 r3 r1"; do
        for n in $order; do nnc up "$n"; done
        check_chain "up in the order $order"
        for n in $order; do nnc down "$n"; done
        snapshot "$T/after"
        assert_same_snapshot "$T/before" "$T/after"
done
pass "r1 - r2 - r3: each up in any order, pings hop by hop and end to end; down leaves the host as before"

nnc up r1
nnc up r2
nnc up r3
nnc down r2
assert_eq "$(links r1)" "" "r2 down: r1's end gone"
assert_eq "$(links r3)" "" "r2 down: r3's end gone"
assert_eq "$(in_ns r1 ip -j route show 10.23.0.0/30)" "[]" "r2 down: r1's route through it gone"
nnc up r2
check_chain "r2 started again"
pass "stopping r2 removes both links and the routes through them; starting it again restores them"

# the peer index: r1 and r3 noted in r2's directory while they are up, nothing else
assert_eq "$(cd /run/netnsctl/.peers && find . -mindepth 1 | sort | tr '\n' ' ')" "./r2 ./r2/r1 ./r2/r3 " "the peer index with r1, r2, r3 up"
nnc down r1
assert_eq "$(links r2)" "down veth UP 10.23.0.2/30" "r1 down: its link gone from r2, r2's other link stays"
assert_eq "$(ls /run/netnsctl/.peers/r2)" "r3" "r1 down: its entry gone from the peer index"
nnc up r1
check_chain "r1 started again"
pass "stopping r1 (an owner) removes its link and its index entry; starting it again restores the link"

# the index names candidates only: r1 up, its entry planted for a namespace that has no link
# to r2 in force (r3 down), and r2 restarted: no link appears, nothing fails
nnc down r3
: >/run/netnsctl/.peers/r2/r3
nnc down r2
nnc up r2
assert_eq "$(links r2)" "r1 veth UP 10.12.0.2/30" "a planted index entry of a namespace that is down: ignored"
rm /run/netnsctl/.peers/r2/r3
nnc down r1
nnc down r2
nnc down r3
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"

# check: PeerNamespace= is required, not this namespace, the keys only for Type=veth
conf bad <<'X'
[Link]
Type=veth
Address=10.0.0.1/30
X
nnc_fails check bad
grep -q "bad.conf:1: \[Link\] with Type=veth needs PeerNamespace=" "$T/err" || fail "no FILE:LINE for a missing PeerNamespace="
conf bad <<'X'
[Link]
Type=veth
PeerNamespace=bad
X
nnc_fails check bad
grep -q "bad.conf:1: \[Link\] PeerNamespace=bad is this namespace itself" "$T/err" || fail "no FILE:LINE for a link to itself"
pass "check: PeerNamespace= required and not the namespace itself (FILE:LINE)"
