#!/bin/bash
# reload-basic.sh - netnsctl reload: with a TCP connection open through forward A and a daemon
# inside, a reload adds forward B, an address, a route, a sysctl and a DNS server; the
# connection keeps passing data, the daemon its PID, B answers real packets, resolv.conf keeps
# its inode; B goes again; a new forward another namespace holds changes nothing and names it;
# a change that needs a restart is refused with FILE:LINE; an unchanged config is a silent no-op;
# down afterwards leaves the host as it was
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nat-lib.sh"

make_world
snapshot "$T/before"

write_a() { # EXTRA_PORTS EXTRA_NAMESPACE EXTRA_VETH EXTRA_SECTIONS
        cat >/etc/netns/a.conf <<X
[Namespace]
DNS=192.0.2.53
$2
[Veth]
Address=10.77.0.2/24
HostAddress=10.77.0.1/24
$3
[NAT]
Port=tcp:8080:80
$1
$4
X
}
write_a "" "" "" ""
nnc up a
[ -f /run/netnsctl/a/config ] || fail "up saved no configuration in force"

# a daemon inside: an echo server behind forward A (8080 -> 80)
timeout 120 nsenter --net=/run/netns/a socat TCP4-LISTEN:80,reuseaddr,fork EXEC:cat 2>/dev/null &
DAEMON=$!
SERVER_PIDS+=($DAEMON)
for i in $(seq 50); do
        [ -n "$(in_ns a ss -Hn -4lt 'sport = :80')" ] && break
        sleep 0.1
done
daemon_pid=$(in_ns a ss -Hnp -4lt 'sport = :80' | grep -o 'pid=[0-9]*' | head -n1)
[ -n "$daemon_pid" ] || fail "the daemon inside does not listen"

# a TCP connection from "world" through forward A, kept open across the reloads
mkfifo "$T/to" 
exec 7<>"$T/to"
timeout 120 nsenter --net=/run/netns/world socat -T 60 - TCP4:$HOST4:8080 <&7 >"$T/from" 2>/dev/null &
CLIENT=$!
SERVER_PIDS+=($CLIENT)
echo one >&7
for i in $(seq 50); do grep -q one "$T/from" && break; sleep 0.1; done
grep -q one "$T/from" || fail "the connection through forward A does not pass data"
resolv_ino=$(stat -c %i /run/netnsctl/a/resolv.conf)
pass "namespace a up, connection open through forward A"

# --- nothing changed: silent, nothing done
out=$("$NETNSCTL" reload a 2>&1) || fail "reload of an unchanged config failed: $out"
assert_eq "$out" "" "output of a reload that changes nothing"
snapshot "$T/up"
in_ns a ip -j addr >"$T/ns-addr-up"

# --- the edit: forward B, an address, a route, a sysctl, another DNS server
write_a "Port=tcp:8081:81" "Sysctl=net.ipv4.ip_default_ttl=33
DNS=192.0.2.54" "Address=10.77.1.2/24" "[Route]
Destination=192.0.2.0/24
Gateway=10.77.0.1"
"$NETNSCTL" diff a >"$T/plan" || fail "diff failed"
cat "$T/plan"
grep -q '^+ nat fwd 4 tcp \* 8081 10.77.0.2 81$' "$T/plan" || fail "diff does not show forward B"
grep -q '^+ address 10.77.1.2/24 dev host0$' "$T/plan" || fail "diff does not show the address"
grep -q '^+ route unicast 192.0.2.0/24 via 10.77.0.1$' "$T/plan" || fail "diff does not show the route"
grep -q '^~ sysctl net.ipv4.ip_default_ttl=33$' "$T/plan" || fail "diff does not show the sysctl"
grep -q '^~ resolv.conf' "$T/plan" || fail "diff does not show resolv.conf"
"$NETNSCTL" reload --dry-run a >"$T/plan2" || fail "reload --dry-run failed"
assert_eq "$(cat "$T/plan2")" "$(cat "$T/plan")" "reload --dry-run and diff"
snapshot "$T/after-diff"
assert_same_snapshot "$T/up" "$T/after-diff"
pass "diff and reload --dry-run show the plan and change nothing"

nnc reload a
nft -j list ruleset >"$T/nft.json"
python3 - "$T/nft.json" <<'P' || fail "forward B is not an element of the NAT table"
import json, sys
els = [e for o in json.load(open(sys.argv[1]))["nftables"] if "set" in o or "map" in o
       for e in (o.get("set") or o.get("map")).get("elem", [])]
s = json.dumps(els)
sys.exit(0 if "8081" in s and "8080" in s else 1)
P
in_ns a ip -j addr show dev host0 | grep -q '"10.77.1.2"' || fail "address 10.77.1.2 not on host0"
in_ns a ip -j route show 192.0.2.0/24 | grep -q '"gateway":"10.77.0.1"' || fail "route 192.0.2.0/24 missing"
assert_eq "$(in_ns a cat /proc/sys/net/ipv4/ip_default_ttl)" 33 "sysctl ip_default_ttl inside"
grep -q '^nameserver 192.0.2.54$' /run/netnsctl/a/resolv.conf || fail "resolv.conf lacks the new server"
assert_eq "$(stat -c %i /run/netnsctl/a/resolv.conf)" "$resolv_ino" "resolv.conf inode (rewritten in place)"
grep -q '^nat fwd 4 tcp \* 8081 10.77.0.2 81$' /run/netnsctl/a/state || fail "the record lacks forward B"
[ "$(tail -n1 /run/netnsctl/a/state)" = complete ] || fail "the record does not end in complete"
# the connection through A: still open, still passing data; the daemon: the same process
echo two >&7
for i in $(seq 50); do grep -q two "$T/from" && break; sleep 0.1; done
grep -q two "$T/from" || fail "the connection through forward A stopped passing data"
kill -0 "$CLIENT" || fail "the client's connection is gone"
assert_eq "$(in_ns a ss -Hnp -4lt 'sport = :80' | grep -o 'pid=[0-9]*' | head -n1)" "$daemon_pid" "the daemon's PID"
# B, with real packets
serve a tcp4 81
expect_peer world tcp "$HOST4" 8081 "$WORLD4" "forward B after reload"
pass "reload added forward B, an address, a route, a sysctl, a DNS server; the connection and the daemon stayed"
out=$("$NETNSCTL" reload a 2>&1) || fail "second reload failed: $out"
assert_eq "$out" "" "output of a reload right after a reload"
"$NETNSCTL" status a | grep -q "reload pending" && fail "status says reload pending after the reload"

# --- B goes again
write_a "" "Sysctl=net.ipv4.ip_default_ttl=33
DNS=192.0.2.54" "Address=10.77.1.2/24" "[Route]
Destination=192.0.2.0/24
Gateway=10.77.0.1"
"$NETNSCTL" status a | grep -q "reload pending" || fail "status does not say reload pending after an edit"
nnc reload a
expect_no_answer world tcp "$HOST4" 8081 "forward B after it was removed"
grep -q ' 8081 ' /run/netnsctl/a/state && fail "the record still has forward B"
nft list table inet netnsctl | grep -q 8081 && fail "the table still has forward B"
echo three >&7
for i in $(seq 50); do grep -q three "$T/from" && break; sleep 0.1; done
grep -q three "$T/from" || fail "the connection through forward A stopped passing data after B went"
pass "reload removed forward B; A still passes data"

# --- a forward another namespace holds: nothing changes, the conflict is named
conf b <<'X'
[Veth]
[NAT]
Port=tcp:9090:90
X
nnc up b
snapshot "$T/pre-conflict"
in_ns a ip -j addr >"$T/ns-pre"
cp /run/netnsctl/a/state "$T/state-pre"
write_a "Port=tcp:9090:90" "Sysctl=net.ipv4.ip_default_ttl=44
DNS=192.0.2.54" "Address=10.77.1.2/24
Address=10.77.2.2/24" "[Route]
Destination=192.0.2.0/24
Gateway=10.77.0.1"
nnc_fails reload a
grep -q "a.conf:[0-9]*: Port=.*9090.*namespace 'b'" "$T/err" || fail "the conflict is not named with FILE:LINE and the namespace"
snapshot "$T/post-conflict"
assert_same_snapshot "$T/pre-conflict" "$T/post-conflict"
in_ns a ip -j addr >"$T/ns-post"
cmp -s "$T/ns-pre" "$T/ns-post" || fail "the namespace's addresses changed on a failed reload"
assert_eq "$(in_ns a cat /proc/sys/net/ipv4/ip_default_ttl)" 33 "sysctl after a failed reload"
cmp -s "$T/state-pre" /run/netnsctl/a/state || fail "the record changed on a failed reload"
pass "a conflicting forward changes nothing and names namespace b"

# --- what needs a restart is refused before anything changes
sed -i 's/^\[Veth\]$/[Veth]\nHostName=nn-other/' /etc/netns/a.conf
nnc_fails reload a
grep -q "a.conf:[0-9]*: \[Veth\] HostName= changed.*restart" "$T/err" || fail "the refusal does not name FILE:LINE and the restart"
snapshot "$T/post-refusal"
assert_same_snapshot "$T/pre-conflict" "$T/post-refusal"
pass "a change that needs a restart is refused, naming FILE:LINE"

# --- DNS= added to a namespace without: its resolv.conf is made (and recorded, so down removes it)
printf '[Namespace]\n' >/etc/netns/c.conf
nnc up c
[ -e /run/netnsctl/c/resolv.conf ] && fail "namespace c has a resolv.conf without DNS="
printf '[Namespace]\nDNS=192.0.2.99\n' >/etc/netns/c.conf
nnc reload c
grep -q '^nameserver 192.0.2.99$' /run/netnsctl/c/resolv.conf || fail "DNS= added: no resolv.conf with it"
grep -qx resolv /run/netnsctl/c/state || fail "DNS= added: the record lacks resolv"
[ "$(tail -n1 /run/netnsctl/c/state)" = complete ] || fail "DNS= added: the record does not end in complete"
printf '[Namespace]\n' >/etc/netns/c.conf
nnc_fails reload c
grep -q "c.conf:1: \[Namespace\] DNS= removed.*restart" "$T/err" || fail "DNS= removed is not refused with the restart"
nnc down c
[ -e /run/netnsctl/c ] && fail "down c left /run/netnsctl/c"
pass "DNS= added by reload makes resolv.conf; DNS= removed needs a restart"

# --- down removes exactly what is there
exec 7>&-
stop_servers
nnc down a
nnc down b
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "down after the reloads leaves the host as it was"
