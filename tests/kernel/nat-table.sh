#!/bin/bash
# nat-table.sh - the table netnsctl builds over netlink (lib/nft-table.c) is exactly what
# "nft -f" makes of its definition (the text in nft-table.c's comment): the same listing, text
# and JSON, and the same objects as the kernel dumps them, attribute by attribute (handles
# aside); after "up" of the first namespace, and after "nft flush ruleset" and nat-sync
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nat-lib.sh"

SRC=${SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
make_world

# every set and map gets elements: both families, on all and on one host address, a range
conf a <<'X'
[Veth]
[NAT]
Masquerade=both
Port=tcp:8080:80
Port=udp:198.51.100.1:5353:53
Port=tcp:[2001:db8:1::1]:8443:443
Port=tcp:9000-9002:90
X
conf b <<'X'
[Veth]
[NAT]
Masquerade=ipv4
Port=udp:127.0.0.1:8084:53
X

# the definition, from the comment in nft-table.c: " * table inet netnsctl {" to " * }"
sed -n '/^ \* table inet netnsctl {$/,/^ \* }$/s/^ \* \{0,1\}//p' "$SRC/lib/nft-table.c" >"$T/def.nft"
grep -q '^  chain localnet_reply {$' "$T/def.nft" || fail "no table definition found in lib/nft-table.c"

nft list table inet netnsctl >/dev/null 2>&1 && fail "a table before the first up"
nnc up a
nnc up b

# The listing with the elements of each set in a fixed order: a hash set lists them in the
# order of a hash with a random seed, which differs between two tables with the same elements.
listing() { # OUT: OUT.txt, OUT.json
        nft list table inet netnsctl | python3 -c '
import re, sys
text = sys.stdin.read()
def sort(m):
    items = [i.strip() for i in m.group(2).replace("\n", " ").split(",")]
    return m.group(1) + ",\n\t\t\t     ".join(sorted(items)) + " }"
print(re.sub(r"(elements = \{ )(.*?) \}", sort, text, flags=re.S), end="")' >"$1.txt"
        nft -j list table inet netnsctl | python3 -c '
import json, sys
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k != "handle"}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o
objs = strip(json.load(sys.stdin)["nftables"])
for o in objs:
    for v in o.values():
        if isinstance(v, dict) and "elem" in v:
            v["elem"].sort(key=json.dumps)
json.dump(objs, sys.stdout, indent=1, sort_keys=True)' >"$1.json"
}

# The table, chains, sets and rules as the kernel dumps them (its nf_tables netlink replies):
# every attribute but handles, use counts and padding; elements are compared above.
kernel_dump() { # OUT
        python3 - >"$1" <<'PY' || fail "cannot dump table inet netnsctl over netlink"
import socket, struct
NFT = 10 << 8  # NFNL_SUBSYS_NFTABLES
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
sock.bind((0, 0))
# message type: (name, table attribute, attributes left out)
kinds = [(1, "table", 1, {3, 4, 5}), (4, "chain", 1, {2, 6, 9}),
         (10, "set", 1, {14, 16}), (7, "rule", 1, {3, 8})]
def attrs(b, ind, skip):
    out, o = [], 0
    while o + 4 <= len(b):
        ln, ty = struct.unpack_from("=HH", b, o)
        if ln < 4:
            break
        pl = b[o + 4:o + ln]
        if (ty & 0x7fff) not in skip:
            if ty & 0x8000:
                out.append("%s%d {" % (ind, ty & 0x7fff))
                out += attrs(pl, ind + "  ", ())
                out.append(ind + "}")
            else:
                out.append("%s%d: %s" % (ind, ty, pl.hex()))
        o += (ln + 3) & ~3
    return out
seq = 0
for mtype, name, tattr, skip in kinds:
    seq += 1
    table = b"netnsctl\0"
    attr = struct.pack("=HH", 4 + len(table), tattr) + table + b"\0" * (-len(table) % 4)
    payload = struct.pack("=BBH", 1, 0, 0) + (attr if mtype != 1 else b"")  # family inet
    sock.send(struct.pack("=IHHII", 16 + len(payload), NFT | mtype, 0x301, seq, 0) + payload)
    done = False
    while not done:
        data = sock.recv(1 << 20)
        o = 0
        while o + 16 <= len(data):
            ln, ty, fl, sq, pid = struct.unpack_from("=IHHII", data, o)
            body = data[o + 16:o + ln]
            o += (ln + 3) & ~3
            if ty == 3:  # NLMSG_DONE
                done = True
                continue
            if ty == 2:  # NLMSG_ERROR
                err = struct.unpack_from("=i", body)[0]
                raise SystemExit("dump of %ss: error %d" % (name, err))
            a = attrs(body[4:], "  ", ())
            if mtype == 1 and '  1: %s' % table.hex() not in a:
                continue  # another table
            print("%s family %d" % (name, body[0]))
            print("\n".join(attrs(body[4:], "  ", skip)))
PY
        grep -q '^rule ' "$1" || fail "no rules in the kernel's dump"
}

compare() { # A B WHAT
        diff -u "$1.txt" "$2.txt" >&2 || fail "$3: nft list differs (diff above)"
        diff -u "$1.json" "$2.json" >&2 || fail "$3: nft -j list differs (diff above)"
        diff -u "$1.kernel" "$2.kernel" >&2 || fail "$3: the kernel's objects differ (diff above)"
}

listing "$T/netnsctl"
kernel_dump "$T/netnsctl.kernel"
grep -q 'comment "NAT and port forwards of netnsctl namespaces; managed by netnsctl' "$T/netnsctl.txt" ||
        fail "no comment with the mark in the listing"
for s in veths masq fwd4 fwd4a fwd6 fwd6a; do
        python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
sys.exit(0 if any(x.get("set", x.get("map", {})).get("name") == sys.argv[2] and x.get("set", x.get("map", {})).get("elem")
                  for x in o) else 1)' "$T/netnsctl.json" "$s" || fail "set $s has no elements: the test would not cover it"
done

# the same elements, as nft -j adds them: taken from the listing
nft -j list table inet netnsctl | python3 -c '
import json, sys
cmds = []
for o in json.load(sys.stdin)["nftables"]:
    for kind in ("set", "map"):
        s = o.get(kind)
        if s and s.get("elem"):
            cmds.append({"add": {"element": {"family": s["family"], "table": s["table"], "name": s["name"], "elem": s["elem"]}}})
json.dump({"nftables": cmds}, sys.stdout)' >"$T/elems.json"

# nft's own: the definition with nft -f, then the elements
nft delete table inet netnsctl
nft -f "$T/def.nft" || fail "nft -f of the definition in lib/nft-table.c failed"
nft -j -f "$T/elems.json" || fail "nft could not add the elements"
listing "$T/nft"
kernel_dump "$T/nft.kernel"
compare "$T/nft" "$T/netnsctl" "table made by up of the first namespace vs nft -f"
pass "up makes the table as nft -f does"

# nat-sync's delete, create and elements in one transaction
nft flush ruleset
nnc nat-sync
listing "$T/sync"
kernel_dump "$T/sync.kernel"
compare "$T/nft" "$T/sync" "table made by nat-sync vs nft -f"
# and over a table that is there: replaced, the same again
nnc nat-sync
listing "$T/sync2"
kernel_dump "$T/sync2.kernel"
compare "$T/nft" "$T/sync2" "table remade by nat-sync vs nft -f"
pass "nat-sync makes the table as nft -f does"

# the traffic the rules are for still passes (the first namespace made the table)
serve a tcp4 80
serve world tcp4 7000
expect_peer world tcp "$HOST4" 8080 "$WORLD4" "Port= through the table"
expect_peer a tcp "$WORLD4" 7000 "$HOST4" "masquerade through the table"
pass "traffic through the table"

nnc down b
nnc down a
nft list table inet netnsctl >/dev/null 2>&1 && fail "the table is left after the last down"
pass "the last down removes the table"

# nat-sync of many namespaces: records come namespace by namespace, so set after set, and
# would be hundreds of messages, each acknowledged, more than the socket's receive buffer holds
elem_count() {
        nft -j list table inet netnsctl | python3 -c '
import json, sys
print(sum(len(o.get("set", o.get("map", {})).get("elem", [])) for o in json.load(sys.stdin)["nftables"]))'
}
for i in $(seq 1 40); do
        conf "m$i" <<Y
[Veth]
[NAT]
Masquerade=both
Port=tcp:$((10000 + i)):80
Port=udp:$((11000 + i)):53
Port=tcp:198.51.100.1:$((12000 + i)):22
Y
        nnc up "m$i" 2>/dev/null
done
n=$(elem_count)
assert_eq "$n" $((40 * 8)) "elements of 40 namespaces"
nft flush ruleset
nnc nat-sync
assert_eq "$(elem_count)" "$n" "elements of 40 namespaces after nat-sync"
for i in $(seq 1 40); do
        nnc down "m$i" 2>/dev/null
done
nft list table inet netnsctl >/dev/null 2>&1 && fail "the table is left after down of 40 namespaces"
pass "nat-sync of 40 namespaces"

# A batch larger than a socket's send buffer (the kernel takes a batch as one message) and
# with more elements than acknowledgements fit in its receive buffer: 40000 ports, as the
# first namespace (table and elements in one batch), through nat-sync, and down
conf c <<'Y'
[Veth]
[NAT]
Port=tcp:20000-59999:20000
Y
fwd4_count() {
        nft -j list map inet netnsctl fwd4 | python3 -c '
import json, sys
print(sum(len(o["map"].get("elem", [])) for o in json.load(sys.stdin)["nftables"] if "map" in o))'
}
nnc up c
assert_eq "$(fwd4_count)" 40000 "elements of a 40000-port range after up"
nft flush ruleset
nnc nat-sync
assert_eq "$(fwd4_count)" 40000 "elements of a 40000-port range after nat-sync"
nnc down c
nft list table inet netnsctl >/dev/null 2>&1 && fail "the table is left after down of the range"
pass "a 40000-port range: up, nat-sync, down"
