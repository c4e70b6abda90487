#!/bin/bash
# firewall.sh - [Firewall] Inbound=drop: "table inet netnsctl" inside the namespace (nft -j),
# and real connections: with daemons bound to 0.0.0.0 inside, a source that is not the host end
# (a namespace on a link of the test's own) finds an unlisted port closed and a listed one open,
# and a Port= target closed when it comes another way than the forward; the world reaches a UI
# through Port=, and so does the host; the host end reaches every port; a port-unreachable
# comes back to a client inside; reload adds a port while an established connection keeps
# passing data, then removes the port that connection uses, which keeps passing data while new
# connections to it are refused; reload to Inbound=accept deletes the table; status and
# --json show it; down leaves no table (in a namespace a process keeps alive); a bad value is
# refused with FILE:LINE and nothing is made; down leaves the host as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nat-lib.sh"
SCHEMA="$(dirname "$0")/list-schema.py"

make_world
snapshot "$T/before"

# --- a bad value: refused with FILE:LINE, nothing made
conf bad <<'X'
[Veth]
[Firewall]
Inbound=drop
AllowInbound=tcp:8080 tcp:0
X
nnc_fails up bad
grep -q "^/etc/netns/bad.conf:4: AllowInbound=tcp:0: ports are numbers 1...65535.$" "$T/err" || fail "bad AllowInbound=: no FILE:LINE message"
conf bad <<'X'
[Veth]
[Firewall]
AllowInbound=tcp:8080
X
nnc_fails up bad
grep -q "^/etc/netns/bad.conf:3: AllowInbound= needs Inbound=drop" "$T/err" || fail "AllowInbound= without Inbound=drop: no FILE:LINE message"
[ ! -e /run/netns/bad ] && [ ! -e /run/netnsctl/bad ] || fail "a refused configuration left a pin or a record"
snapshot "$T/after-bad"
diff -u "$T/before" "$T/after-bad" >&2 || fail "a refused configuration changed the host"
rm /etc/netns/bad.conf
pass "bad values refused with FILE:LINE, nothing made"

# --- up with Inbound=drop
write_fw() { # ALLOW [INBOUND]
        cat >/etc/netns/fw.conf <<X
[Veth]
Address=10.66.0.2/24
HostAddress=10.66.0.1/24
[NAT]
Masquerade=ipv4
Port=tcp:8080:80
[Firewall]
Inbound=${2:-drop}
AllowInbound=$1
X
}
write_fw "tcp:9001 udp:9002"
nnc up fw

# the table, as nftables reports it inside
fw_json() {
        in_ns fw nft -j list ruleset | python3 -c '
import json, sys
doc = json.load(sys.stdin)["nftables"]
tables = [o["table"] for o in doc if "table" in o and o["table"]["name"] == "netnsctl"]
chains = [o["chain"] for o in doc if "chain" in o and o["chain"]["table"] == "netnsctl"]
rules = [o["rule"] for o in doc if "rule" in o and o["rule"]["table"] == "netnsctl"]
print(len(tables), tables[0]["family"] if tables else "-")
for c in chains:
    print("chain", c["name"], c.get("type"), c.get("hook"), c.get("prio"), c.get("policy"))
def words(e):
    if isinstance(e, dict):
        return " ".join(k if v is None else words(v) for k, v in sorted(e.items()))
    if isinstance(e, list):
        return " ".join(words(v) for v in e)
    return str(e)
for r in rules:
    print("rule", words(r["expr"]))'
}
fw_tables() { # the first line: how many tables named netnsctl, and the family of the first
        fw_json >"$T/nft-now"
        head -n1 "$T/nft-now"
}
fw_json >"$T/nft"
cat "$T/nft"
assert_eq "$(head -n1 "$T/nft")" "1 inet" "firewall tables inside"
grep -qx "chain input filter input 0 drop" "$T/nft" || fail "no input chain with policy drop inside"
grep -qx 'rule dport tcp == 9001 accept' "$T/nft" || fail "no rule for AllowInbound=tcp:9001"
grep -qx 'rule dport udp == 9002 accept' "$T/nft" || fail "no rule for AllowInbound=udp:9002"
grep -qx 'rule iifname == host0 dport tcp == 80 accept' "$T/nft" || fail "no rule for the Port= target"
grep -qx 'rule iifname == host0 saddr ip == 10.66.0.1 accept' "$T/nft" || fail "no rule for the host end"
grep -qx 'rule iif == lo accept' "$T/nft" || fail "no rule for lo"
grep -qx 'rule state in established related accept' "$T/nft" || fail "no established/related rule"
grep -q 'destination-unreachable' "$T/nft" || fail "no ICMP destination-unreachable rule"
grep -q 'packet-too-big' "$T/nft" || fail "no ICMPv6 packet-too-big rule"
grep -q 'nd-neighbor-solicit' "$T/nft" || fail "no neighbour discovery rule"
nft list table inet netnsctl >/dev/null || fail "the host's NAT table is missing"
nft list table inet netnsctl >"$T/host-table"
grep -q "chain input" "$T/host-table" && fail "the firewall went into the host's table"
grep -qx "firewall table" /run/netnsctl/fw/state || fail "no 'firewall table' record line"
grep -qx "firewall allow tcp 9001" /run/netnsctl/fw/state || fail "no record line for AllowInbound=tcp:9001"
pass "table inet netnsctl inside: input hook, policy drop, the configured rules"

# daemons inside bound to 0.0.0.0: unlisted 9000, listed 9001 (an echo server), the UI on 80
serve fw tcp4 9000
serve fw tcp4 80
serve fw tcp4 9003
timeout 120 nsenter --net=/run/netns/fw socat TCP4-LISTEN:9001,reuseaddr,fork EXEC:cat 2>/dev/null &
SERVER_PIDS+=($!)
for i in $(seq 50); do
        [ -n "$(in_ns fw ss -Hn -4lt 'sport = :9001')" ] && break
        sleep 0.1
done

# a source that is not the host end: namespace "outsider" on a veth of the test's own
ip netns add outsider
ip link add lan0 type veth peer name eth0 netns outsider
ip link set lan0 netns fw
in_ns fw ip addr add 10.99.0.1/24 dev lan0
in_ns fw ip link set lan0 up
in_ns outsider ip link set lo up
in_ns outsider ip addr add 10.99.0.2/24 dev eth0
in_ns outsider ip link set eth0 up

# open: a TCP connection is answered; closed: nothing within 2 s (the policy drops the SYN)
probe() { # FROM ADDR PORT
        local cmd=() out
        [ "$1" = host ] || cmd=(nsenter --net="/run/netns/$1")
        out=$(echo ping | timeout 5 "${cmd[@]}" socat -T 2 - "TCP:$2:$3,connect-timeout=2" 2>/dev/null || true)
        if [ -n "$out" ]; then
                echo open
        else
                echo closed
        fi
}
assert_eq "$(probe outsider 10.99.0.1 9001)" open "outsider -> listed port 9001"
assert_eq "$(probe outsider 10.99.0.1 9000)" closed "outsider -> unlisted port 9000"
assert_eq "$(probe outsider 10.99.0.1 80)" closed "outsider -> the Port= target 80, not through the forward"
# the same daemon answers the host end: the port is closed by the table, not by the daemon
assert_eq "$(probe host 10.66.0.2 9000)" open "host end -> unlisted port 9000"
expect_peer host tcp 10.66.0.2 9000 10.66.0.1 "host end inside"
pass "not the host end: unlisted port closed, listed port open; the host end reaches every port"

# the world: through Port= yes; routed to the namespace's own address (through the veth, but
# not from the host end) only to a listed port
expect_peer world tcp "$HOST4" 8080 "$WORLD4" "world -> UI through Port="
expect_peer host tcp 127.0.0.1 8080 10.66.0.1 "host -> UI through Port= from 127.0.0.1"
in_ns world ip route add 10.66.0.0/24 via "$HOST4"
assert_eq "$(probe world 10.66.0.2 9001)" open "world routed -> listed port 9001"
assert_eq "$(probe world 10.66.0.2 9000)" closed "world routed -> unlisted port 9000 (through the veth, not from the host end)"
pass "Port= forwards reach the UI, from the world and from the host"

# ICMP errors reach a client inside: a UDP datagram to a closed port of the outsider comes back
# as port-unreachable (ECONNREFUSED), not as silence; an echo request from outside is dropped
in_ns fw python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.connect(("10.99.0.2", 9))
s.send(b"x")
try:
    s.recv(10)
    sys.exit("an answer from a closed port?")
except ConnectionRefusedError:
    pass
except socket.timeout:
    sys.exit("no port-unreachable came back")' || fail "ICMP port-unreachable did not reach the client inside"
in_ns outsider ping -c 1 -W 1 10.99.0.1 >/dev/null 2>&1 && fail "an echo request from outside passed Inbound=drop"
ping -c 1 -W 2 10.66.0.2 >/dev/null || fail "the host end's echo request was dropped"
pass "ICMP errors come back in, echo requests only from the host end"

# status and --json
"$NETNSCTL" status fw --no-pager -n 0 >"$T/st" 2>&1 || { cat "$T/st"; fail "status failed"; }
grep -q "Firewall: inbound drop, table inet netnsctl$" "$T/st" || { cat "$T/st"; fail "status shows no firewall"; }
grep -q "tcp dport 9001 accept" "$T/st" || fail "status does not show AllowInbound=tcp:9001"
"$NETNSCTL" status fw --json -n 0 >"$T/st.json" || fail "status --json failed"
python3 "$SCHEMA" status <"$T/st.json" || fail "status --json does not match the schema"
python3 - "$T/st.json" <<'P' || fail "status --json: firewall"
import json, sys
f = json.load(open(sys.argv[1]))["firewall"]
assert f["inbound"] == "drop" and f["table"] == "present", f
rules = {(r["type"], r.get("protocol"), r.get("ports"), r.get("address")) for r in f["rules"]}
want = {("allow", "tcp", "9001", None), ("allow", "udp", "9002", None), ("forward", "tcp", "80", None), ("host", None, None, "10.66.0.1")}
assert want <= rules, rules
P
pass "status and status --json show the firewall"

# --- reload: a port added while an established connection passes data
mkfifo "$T/to"
exec 7<>"$T/to"
timeout 120 nsenter --net=/run/netns/outsider socat -T 60 - TCP4:10.99.0.1:9001 <&7 >"$T/from" 2>/dev/null &
CLIENT=$!
SERVER_PIDS+=($CLIENT)
echo one >&7
for i in $(seq 50); do grep -q one "$T/from" && break; sleep 0.1; done
grep -q one "$T/from" || fail "the connection to 9001 does not pass data"
assert_eq "$(probe outsider 10.99.0.1 9003)" closed "outsider -> 9003 before the reload"

write_fw "tcp:9001 udp:9002 tcp:9003"
"$NETNSCTL" diff fw >"$T/diff" || fail "diff failed"
cat "$T/diff"
grep -qx "+ firewall tcp dport 9003 accept" "$T/diff" || fail "diff does not show the new rule"
"$NETNSCTL" reload --dry-run fw >"$T/dry" || fail "reload --dry-run failed"
cmp -s "$T/diff" "$T/dry" || fail "reload --dry-run and diff differ"
in_ns fw nft list table inet netnsctl >"$T/fw-table"
grep -q "dport 9003" "$T/fw-table" && fail "diff changed the table"
nnc reload fw
echo two >&7
for i in $(seq 50); do grep -q two "$T/from" && break; sleep 0.1; done
grep -q two "$T/from" || fail "the established connection stopped passing data at the reload"
assert_eq "$(probe outsider 10.99.0.1 9003)" open "outsider -> 9003 after the reload"
grep -qx "firewall allow tcp 9003" /run/netnsctl/fw/state || fail "the record does not have the new rule"
assert_eq "$(fw_tables)" "1 inet" "firewall tables inside after the reload"
pass "reload adds a port; the established connection keeps passing data"

# the port of that connection removed: it keeps passing data (conntrack), new ones are refused
write_fw "udp:9002 tcp:9003"
nnc reload fw
echo three >&7
for i in $(seq 50); do grep -q three "$T/from" && break; sleep 0.1; done
grep -q three "$T/from" || fail "the established connection stopped at the reload that removed its port"
assert_eq "$(probe outsider 10.99.0.1 9001)" closed "outsider -> 9001 after its removal"
grep -q "firewall allow tcp 9001" /run/netnsctl/fw/state && fail "the record still has the removed rule"
kill "$CLIENT" 2>/dev/null || true
exec 7>&-
pass "reload removes a port; its established connection lives on, new ones are refused"

# Inbound=accept: the table goes (and the record says so); drop again: it comes back
write_fw "" accept
nnc reload fw
assert_eq "$(fw_tables)" "0 -" "firewall tables inside with Inbound=accept"
grep -q "^firewall" /run/netnsctl/fw/state && fail "the record keeps firewall lines with Inbound=accept"
assert_eq "$(probe outsider 10.99.0.1 9000)" open "outsider -> 9000 with Inbound=accept"
write_fw "tcp:9001"
nnc reload fw
assert_eq "$(fw_tables)" "1 inet" "firewall tables inside with Inbound=drop again"
assert_eq "$(probe outsider 10.99.0.1 9000)" closed "outsider -> 9000 with Inbound=drop again"
pass "reload to Inbound=accept deletes the table, back to drop makes it"

# --- down: no table, also in a namespace a process keeps alive
timeout 120 nsenter --net=/run/netns/fw sleep 100 &
KEEPER=$!
SERVER_PIDS+=($KEEPER)
sleep 0.2
nnc down fw 2>/dev/null
in_ns_pid() { nsenter --net="/proc/$KEEPER/ns/net" -- "$@"; }
[ -z "$(in_ns_pid nft list tables)" ] || { in_ns_pid nft list ruleset; fail "down left a table in the namespace"; }
stop_servers
ip netns del outsider
# the namespace goes with its last process; gc forgets the note down left about it
for i in $(seq 50); do
        kill -0 "$KEEPER" 2>/dev/null || break
        sleep 0.1
done
"$NETNSCTL" gc >/dev/null || fail "gc after the kept namespace ended"
snapshot "$T/after"
diff -u "$T/before" "$T/after" >&2 || fail "down did not leave the host as it was"
pass "down leaves no table, the host as it was"
pass "all"
