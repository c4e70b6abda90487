#!/bin/bash
# link-peer-status.sh - links between namespaces in status, list and gc: each link with the
# namespace at its other end, whether that one is up, and routes with the namespace they lead
# to (JSON checked against list-schema.py, and the tables); gc removes a stale entry of the
# peer index and the end of a link whose other namespace "down" left stranded, nothing else
. "$(dirname "$0")/lib.sh"
SCHEMA="$(dirname "$0")/list-schema.py"

conf r1 <<'X'
[Link]
Type=veth
PeerNamespace=r2
Address=10.12.0.1/30
PeerAddress=10.12.0.2/30

[Route]
Destination=10.23.0.0/30
Gateway=10.12.0.2
X
conf r2 <<'X'
[Namespace]
Sysctl=net.ipv4.ip_forward=1
X
conf r3 <<'X'
[Link]
Type=veth
PeerNamespace=r2
Name=up
PeerName=down
Address=10.23.0.1/30
PeerAddress=10.23.0.2/30
X
snapshot "$T/before"

json() { # FILTER VERB ARGS...: the python expression FILTER over "netnsctl --json VERB ARGS"
        local f=$1
        shift
        "$NETNSCTL" --json "$@" >"$T/out.json" || fail "netnsctl --json $* exited $?"
        python3 "$SCHEMA" "$1" <"$T/out.json" || fail "netnsctl --json $* does not match the schema"
        python3 -c "import json,sys; d=json.load(open('$T/out.json')); print($f)"
}
peers_of() { # NAME: "NAMESPACE OWNER IFNAME PEER_IFNAME UP LINKED" per peer of status --json
        json '"\n".join("%s %s %s %s %s %s" % (p["namespace"], p["owner"], p["ifname"], p["peer_ifname"], p["up"], p["linked"]) for p in d["peers"])' status "$1"
}
list_peers() { # NAME: "NAMESPACE:UP ..." of list --json
        json '" ".join("%s:%s" % (p["namespace"], p["up"]) for e in d if e["name"] == "'"$1"'" for p in (e["peers"] or []))' list
}

nnc up r1
assert_eq "$(peers_of r1)" "r2 r1 r2 r1 False False" "status r1, r2 not up: the link waits"
assert_eq "$(list_peers r1)" "r2:False" "list, r2 not up"
"$NETNSCTL" status r1 >"$T/st.txt" || fail "status r1"
grep -q "r2: r2 here - r1 there (this namespace's \[Link\]), waiting: not up" "$T/st.txt" || { cat "$T/st.txt"; fail "status r1 text: peer waiting"; }

nnc up r2
nnc up r3
assert_eq "$(peers_of r1)" "r2 r1 r2 r1 True True" "status r1, r2 up: linked"
assert_eq "$(peers_of r2)" "r1 r1 r1 r2 True True
r3 r3 down up True True" "status r2: both links, owned by r1 and r3"
assert_eq "$(json '" ".join("%s:%s" % (l["ifname"], l["peer_namespace"]) for l in d["links"])' status r2)" "lo:None r1:r1 down:r3" \
        "status r2: each link with the namespace at its other end"
assert_eq "$(json '" ".join(r["destination"] + ":" + str(r["peer_namespace"]) for r in d["routes"] if r["family"] == "ipv4")' status r1)" \
        "10.12.0.0/30:r2 10.23.0.0/30:r2" "status r1: routes with the namespace they lead to"
assert_eq "$(list_peers r2)" "r1:True r3:True" "list r2: its peers, from the index"
assert_eq "$(list_peers r3)" "r2:True" "list r3: its peer, from its record"
"$NETNSCTL" list >"$T/list.txt" || fail "list"
awk '$1 == "r2"' "$T/list.txt" | grep -q ' r1,r3 ' || { cat "$T/list.txt"; fail "list table: PEERS of r2"; }
"$NETNSCTL" status r1 >"$T/st.txt" || fail "status r1"
grep -q "10.23.0.0/30 via 10.12.0.2 dev r2 (to namespace r2)" "$T/st.txt" || { cat "$T/st.txt"; fail "status r1 text: the route's namespace"; }
grep -q "veth, peer in namespace r2" "$T/st.txt" || { cat "$T/st.txt"; fail "status r1 text: the link's peer namespace"; }
pass "status and list: links with the namespace at the other end, up or not; routes with theirs"

nnc down r3
assert_eq "$(list_peers r2)" "r1:True" "list r2 after r3 down"

# a stale index entry: gc lists it, removes it, and only it
: >/run/netnsctl/.peers/r2/ghost
assert_eq "$(json '" ".join(i["type"] + ":" + i["object"] for i in d)' gc --dry-run)" "index:/run/netnsctl/.peers/r2/ghost" "gc --dry-run: the stale index entry"
[ -e /run/netnsctl/.peers/r2/ghost ] || fail "gc --dry-run removed it"
assert_eq "$(json '" ".join(i["type"] + ":" + str(i["removed"]) for i in d)' gc)" "index:True" "gc: the stale index entry removed"
[ -e /run/netnsctl/.peers/r2/ghost ] && fail "gc left the stale index entry"
[ -e /run/netnsctl/.peers/r2/r1 ] || fail "gc removed r1's entry"
pass "gc: a stale entry of the peer index, and nothing else"

# r3 up again before r2 (so r2 makes the link, and r3's record has none), then down while a
# process keeps its namespace: the link to r2 stays with it
nnc down r2
nnc up r3
nnc up r2
nsenter --net=/run/netns/r3 sleep 300 &
sleeper=$!
trap 'kill $sleeper 2>/dev/null || true' EXIT
sleep 0.2
"$NETNSCTL" down r3 2>/dev/null || fail "down r3"
in_ns r2 ip link show down >/dev/null 2>&1 || fail "test premise: r2's end of the stranded r3's link is gone already"
"$NETNSCTL" --json gc >"$T/gc.json" && fail "gc succeeded with a stranded namespace's process still running"
python3 "$SCHEMA" gc <"$T/gc.json" || fail "gc --json does not match the schema"
assert_eq "$(python3 -c "import json; print(' '.join(i['type'] + ':' + i['object'] + ':' + str(i['removed']) for i in json.load(open('$T/gc.json'))))")" \
        "peer-link:r2:down:True stranded:r3:False" "gc: r2's end of the stranded namespace's link removed; the stranded one reported"
in_ns r2 ip link show down >/dev/null 2>&1 && fail "gc left r2's end of the link to the stranded namespace"
in_ns r1 ping -c1 -W2 10.12.0.2 >/dev/null || fail "gc touched the link r1 - r2"
kill $sleeper
wait $sleeper 2>/dev/null || true
nnc gc >/dev/null
pass "gc: a link whose other namespace was left stranded by down"

nnc down r1
nnc down r2
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down leaves the host as before"
