#!/bin/bash
# nat-recover.sh - NAT coexists with a host firewall; after "nft flush ruleset" or a reload
# like "systemctl restart nftables", nat-sync (by hand, or nat-watch by itself) brings the
# forwards of running namespaces back without touching the namespaces
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nat-lib.sh"

make_world
# a host firewall as Debian's /etc/nftables.conf has it, plus a rule of its own
cat >"$T/nftables.conf" <<'X'
flush ruleset
table inet filter {
        chain input {
                type filter hook input priority filter; policy accept;
                tcp dport 22 counter accept
        }
        chain forward {
                type filter hook forward priority filter; policy accept;
        }
        chain output {
                type filter hook output priority filter; policy accept;
        }
}
X
nft -f "$T/nftables.conf"
nft list table inet filter >"$T/filter.before"
snapshot "$T/before"

# nat-sync with nothing to do makes nothing
nnc nat-sync
nft list table inet netnsctl >/dev/null 2>&1 && fail "nat-sync without namespaces created a table"

conf a <<'X'
[Veth]
[NAT]
Masquerade=ipv4
Port=tcp:8080:80
X
nnc up a 2>/dev/null
serve a tcp4 80
serve world tcp4 7000
expect_peer world tcp "$HOST4" 8080 "$WORLD4" "Port= with a host firewall"
expect_peer a tcp "$WORLD4" 7000 "$HOST4" "egress with a host firewall"
nft list table inet filter >"$T/filter.now"
diff -u "$T/filter.before" "$T/filter.now" >&2 || fail "the host's table inet filter changed"
pass "coexists with table inet filter"

# --- flush ruleset: gone; nat-sync: back, the namespace untouched
ino=$(stat -L -c %i /run/netns/a)
nft flush ruleset
expect_no_answer world tcp "$HOST4" 8080 "Port= after nft flush ruleset (should be gone)"
nnc nat-sync
expect_peer world tcp "$HOST4" 8080 "$WORLD4" "Port= after nat-sync"
expect_peer a tcp "$WORLD4" 7000 "$HOST4" "egress after nat-sync"
assert_eq "$(stat -L -c %i /run/netns/a)" "$ino" "namespace replaced by nat-sync"
nnc nat-sync
[ "$(nft -j list ruleset | python3 -c 'import json,sys; print(sum(1 for o in json.load(sys.stdin)["nftables"] if "table" in o))')" = 1 ] ||
        fail "nat-sync twice: expected one table"
nft -f "$T/nftables.conf"
nnc nat-sync
pass "nft flush ruleset, then nat-sync"

# --- nat-watch: a reload of the firewall (flush ruleset + load, one transaction) is repaired by itself
"$NETNSCTL" nat-watch 2>"$T/watch.log" &
watch_pid=$!
SERVER_PIDS+=("$watch_pid")
back() { # WHAT: wait (bounded) until the table holds the forward again
        local i
        for i in $(seq 50); do
                nft list map inet netnsctl fwd4 2>/dev/null | grep 'tcp . 8080' >/dev/null && return 0
                sleep 0.1
        done
        cat "$T/watch.log" >&2
        fail "$1: table inet netnsctl not restored within 5 s"
}
back "nat-watch start"
sleep 0.5 # subscribed and idle
nft -f "$T/nftables.conf"
back "after a firewall reload"
expect_peer world tcp "$HOST4" 8080 "$WORLD4" "Port= after a firewall reload with nat-watch"
nft list table inet filter >"$T/filter.now"
diff -u "$T/filter.before" "$T/filter.now" >&2 || fail "the reloaded table inet filter is not as loaded"
pass "nat-watch repairs a firewall reload"

nft flush ruleset
back "after nft flush ruleset"
nft delete element inet netnsctl fwd4 '{ tcp . 8080 }'
back "after deleting an element"
expect_peer world tcp "$HOST4" 8080 "$WORLD4" "Port= after nat-watch repaired a deleted element"
pass "nat-watch repairs a flush and a deleted element"

# it does not react to its own rebuilds (no loop): the table stays the same object
nft -j list table inet netnsctl | python3 -c 'import json,sys; print([o["table"]["handle"] for o in json.load(sys.stdin)["nftables"] if "table" in o][0])' >"$T/h1"
sleep 1.5
nft -j list table inet netnsctl | python3 -c 'import json,sys; print([o["table"]["handle"] for o in json.load(sys.stdin)["nftables"] if "table" in o][0])' >"$T/h2"
assert_eq "$(cat "$T/h2")" "$(cat "$T/h1")" "table handle (rebuilt again without cause?)"
pass "no rebuild loop"

# down removes the table; the watcher, seeing netnsctl do it, leaves it removed
stop_servers
nft -f "$T/nftables.conf"
"$NETNSCTL" nat-watch 2>"$T/watch.log" &
SERVER_PIDS+=($!)
back "second watcher"
nnc down a 2>/dev/null
sleep 1.5
nft list table inet netnsctl >/dev/null 2>&1 && fail "the watcher recreated the table after the last namespace went down"
stop_servers
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down with the watcher running: the host as before"
