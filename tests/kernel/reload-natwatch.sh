#!/bin/bash
# reload-natwatch.sh - nat-watch, nat-sync and reload never race: they take the same lock as
# up and down. With nat-watch running, reloads of namespace a (one Port= in, then out), nat-syncs
# and another program deleting the NAT table run at the same time, in a bounded loop. Afterwards
# (nat-watch settled) the table holds exactly what the records say (a nat-sync, which rebuilds it
# from the records, changes nothing), a's record and the configuration in force agree with each
# other and with the file, and both namespaces' forwards carry real packets.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nat-lib.sh"

ROUNDS=${ROUNDS:-20} # even: the last reload removes the forward 8081
make_world
write_a() { # EXTRA
        printf '[Veth]\nAddress=10.77.0.2/24\nHostAddress=10.77.0.1/24\n[NAT]\nMasquerade=ipv4\nPort=tcp:8080:80\n%s' "$1" >/etc/netns/a.conf
}
write_a ""
conf b <<'X'
[Veth]
Address=10.78.0.2/24
HostAddress=10.78.0.1/24
[NAT]
Masquerade=ipv4
Port=tcp:9090:90
X
nnc up a
nnc up b

"$NETNSCTL" nat-watch 2>"$T/watch.log" &
WATCH=$!
SERVER_PIDS+=($WATCH)
for i in $(seq 50); do nft list table inet netnsctl >/dev/null 2>&1 && break; sleep 0.1; done
kill -0 $WATCH || fail "nat-watch did not start: $(cat "$T/watch.log")"

# the elements of every set and map of the table, each set's sorted: comparable across rebuilds
elements() {
        nft -j list table inet netnsctl | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    s = o.get("set") or o.get("map")
    if s:
        print(s["name"], sorted(json.dumps(e, sort_keys=True) for e in s.get("elem", [])))'
}

# Under the lock (as up, down, reload and nat-sync take it): the host ports the table forwards
# that no record has. Another program's deletion only takes elements away; an element the
# records lack is a nat-sync that ran in the middle of a reload.
extra_forwards() {
        flock /run/netnsctl python3 -c '
import glob, json, subprocess
recorded = {l.split()[5] for f in glob.glob("/run/netnsctl/*/state") for l in open(f) if l.startswith("nat fwd ")}
p = subprocess.run(["nft", "-j", "list", "table", "inet", "netnsctl"], capture_output=True, text=True)
table = set()
if p.returncode == 0:
    for o in json.loads(p.stdout)["nftables"]:
        m = o.get("map")
        for e in (m or {}).get("elem", []):
            table.add(str(e[0]["concat"][1]))
print(" ".join(sorted(table - recorded)))'
}

# --- the three at once, each a bounded loop. Each reload pauses 200 ms after its nftables
# transaction, before it writes the record of the new state: a nat-sync let in there (by a lock
# not taken) would put back the forward just removed, and the table would keep it.
(
        for k in $(seq "$ROUNDS"); do
                if [ $((k % 2)) = 1 ]; then write_a "Port=tcp:8081:81"; else write_a ""; fi
                NETNSCTL_TEST_PAUSE_AFTER=reload-nat "$NETNSCTL" reload a 2>>"$T/reload.err" && echo ok >>"$T/reloads" ||
                        echo failed >>"$T/reloads"
                x=$(extra_forwards)
                [ -z "$x" ] || echo "after reload $k: the table forwards host port(s) $x, which no record has" >>"$T/extra"
        done
        touch "$T/reloads-done"
) &
R=$!
(
        for k in $(seq "$ROUNDS"); do
                nft delete table inet netnsctl 2>/dev/null || true
                sleep 0.05
        done
) &
D=$!
(
        for k in $(seq $((ROUNDS * 20))); do
                [ -e "$T/reloads-done" ] && break
                "$NETNSCTL" nat-sync 2>>"$T/sync.err" || echo "nat-sync failed" >>"$T/sync.err"
                sleep 0.02
        done
) &
S=$!
wait $R $D $S
kill -0 $WATCH || fail "nat-watch died: $(cat "$T/watch.log")"
[ -e "$T/extra" ] && fail "$(cat "$T/extra")"
echo "reloads: $(grep -c ok "$T/reloads") ok, $(grep -c failed "$T/reloads" || true) failed (a table deleted under them by another program)"
! grep -q "nat-sync failed" "$T/sync.err" || fail "a nat-sync failed: $(cat "$T/sync.err")"
# a reload may fail only where the other program deleted the table under it; then what was in
# force stays; the last one, alone, must apply the file
nnc reload a
grep -v -e "Failed to change NAT\|putting back\|nothing was changed\|^$" "$T/reload.err" && fail "a reload failed for another reason"

# --- settled: nat-watch's last rebuild done (it waits for 100 ms of quiet, at most 1 s)
for i in $(seq 50); do
        elements >"$T/e1" 2>/dev/null && sleep 1.2 && elements >"$T/e2" 2>/dev/null && cmp -s "$T/e1" "$T/e2" && break
done
[ -s "$T/e1" ] || fail "no NAT table after the loop"
"$NETNSCTL" nat-sync
elements >"$T/e3"
diff -u "$T/e1" "$T/e3" >&2 || fail "the table differed from the records (nat-sync changed it)"
pass "after $ROUNDS rounds of reload, nat-sync and table deletions with nat-watch running, the table is what the records say"

# a's record, the configuration in force and the file agree
[ "$(tail -n1 /run/netnsctl/a/state)" = complete ] || fail "a's record does not end in complete"
"$NETNSCTL" status a | grep -q "reload pending" && fail "status a says reload pending after the last reload"
last=$([ $((ROUNDS % 2)) = 1 ] && echo 8081 || echo none)
if [ "$last" = 8081 ]; then
        grep -q '^nat fwd 4 tcp \* 8081 ' /run/netnsctl/a/state || fail "a's record lacks 8081"
        grep -q 8081 "$T/e3" || fail "the table lacks 8081"
else
        grep -q ' 8081 ' /run/netnsctl/a/state && fail "a's record still has 8081"
        grep -q 8081 "$T/e3" && fail "the table still has 8081"
fi
serve a tcp4 80
serve b tcp4 90
expect_peer world tcp "$HOST4" 8080 "$WORLD4" "a's forward after the loop"
expect_peer world tcp "$HOST4" 9090 "$WORLD4" "b's forward after the loop"
pass "a's record and the file agree; both namespaces' forwards carry packets"

stop_servers
nnc down a
nnc down b
