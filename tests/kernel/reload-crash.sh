#!/bin/bash
# reload-crash.sh - for every point of "reload" (helper/reload.c's up_test_hook("reload-...")
# calls): SIGKILL there, then "reload" finishes the job (forward B answers real packets, the
# address, route, sysctl, resolv.conf and the firewall's rules are the new ones, the record has B and ends in
# "complete") and "down" leaves the host exactly as before; SIGKILL there, then "down" alone
# leaves the host as before; an injected failure there puts back what was in force.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nat-lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
# the points, from the source: a new one is covered without touching this test
points=$(grep -o '"reload-[a-z-]*"' "$SRC/helper/reload.c" | tr -d '"' | sort -u)
[ "$(echo "$points" | grep -c .)" -ge 8 ] || fail "found only $(echo $points) in helper/reload.c (test out of date?)"
echo "points: $(echo $points)"

make_world
snapshot "$T/before"

old_conf() {
        cat >/etc/netns/a.conf <<'X'
[Namespace]
DNS=192.0.2.53
[Veth]
Address=10.77.0.2/24
HostAddress=10.77.0.1/24
[NAT]
Port=tcp:8080:80
[Firewall]
Inbound=drop
AllowInbound=tcp:9001
X
}
new_conf() {
        cat >/etc/netns/a.conf <<'X'
[Namespace]
DNS=192.0.2.54
Sysctl=net.ipv4.ip_default_ttl=33
[Veth]
Address=10.77.0.2/24
Address=10.77.1.2/24
HostAddress=10.77.0.1/24
[NAT]
Port=tcp:8081:81
[Route]
Destination=192.0.2.0/24
Gateway=10.77.0.1
[Firewall]
Inbound=drop
AllowInbound=tcp:9002
X
}

# the firewall inside admits PORT and not OTHER (its rules, as nftables lists them)
fw_admits() { # PORT OTHER WHAT
        in_ns a nft list chain inet netnsctl input >"$T/fw" 2>&1 || fail "$3: no firewall table inside"
        grep -q "tcp dport $1 accept" "$T/fw" || fail "$3: the firewall does not admit $1"
        grep -q "tcp dport $2 accept" "$T/fw" && fail "$3: the firewall still admits $2"
        return 0
}

# the addresses inside (not their flags: DAD may finish in between)
ns_addrs() {
        in_ns a ip -j addr | python3 -c 'import json,sys; [print(l["ifname"], a["family"], a["local"], a["prefixlen"]) for l in json.load(sys.stdin) for a in l.get("addr_info",[])]'
}

in_force_is_new() { # WHAT
        in_ns a ip -j addr show dev host0 | grep -q '"10.77.1.2"' || fail "$1: address 10.77.1.2 missing"
        in_ns a ip -j route show 192.0.2.0/24 | grep -q '"gateway":"10.77.0.1"' || fail "$1: route missing"
        assert_eq "$(in_ns a cat /proc/sys/net/ipv4/ip_default_ttl)" 33 "$1: ip_default_ttl"
        grep -q '^nameserver 192.0.2.54$' /run/netnsctl/a/resolv.conf || fail "$1: resolv.conf not the new one"
        grep -q ' 8081 ' /run/netnsctl/a/state || fail "$1: the record lacks forward B"
        fw_admits 9002 9001 "$1"
        grep -qx 'firewall allow tcp 9002' /run/netnsctl/a/state || fail "$1: the record lacks the new firewall rule"
        grep -q ' 8080 ' /run/netnsctl/a/state && fail "$1: the record still has forward A"
        nft list table inet netnsctl | grep -q 8080 && fail "$1: the table still has forward A"
        [ "$(tail -n1 /run/netnsctl/a/state)" = complete ] || fail "$1: the record does not end in complete"
        expect_peer world tcp "$HOST4" 8081 "$WORLD4" "$1: forward B"
        out=$("$NETNSCTL" reload a 2>&1) || fail "$1: a reload after it failed: $out"
        assert_eq "$out" "" "$1: a reload after the reload"
}

for p in $points; do
        # SIGKILL, then reload
        old_conf
        nnc up a
        serve a tcp4 81
        new_conf
        NETNSCTL_TEST_KILL_AFTER=$p "$NETNSCTL" reload a 2>/dev/null && fail "$p: reload was not killed"
        nnc reload a
        in_force_is_new "$p, then reload"
        stop_servers
        # the servers' forked children too (processes this test started inside a)
        for i in $(seq 30); do
                pids=$(ip netns pids a 2>/dev/null || true)
                [ -z "$pids" ] && break
                kill $pids 2>/dev/null || true
                sleep 0.1
        done
        nnc down a
        snapshot "$T/after"
        assert_same_snapshot "$T/before" "$T/after"

        # SIGKILL, then down
        old_conf
        nnc up a
        new_conf
        NETNSCTL_TEST_KILL_AFTER=$p "$NETNSCTL" reload a 2>/dev/null && fail "$p: reload was not killed"
        nnc down a
        snapshot "$T/after"
        assert_same_snapshot "$T/before" "$T/after"

        # an injected failure: what was in force stays
        old_conf
        nnc up a
        ns_addrs >"$T/ns-before"
        cp /run/netnsctl/a/state "$T/state-before"
        snapshot "$T/up"
        new_conf
        NETNSCTL_TEST_FAIL_STEP=$p "$NETNSCTL" reload a 2>/dev/null && fail "$p: the injected failure did not fail the reload"
        snapshot "$T/up-after"
        assert_same_snapshot "$T/up" "$T/up-after"
        ns_addrs >"$T/ns-after"
        diff "$T/ns-before" "$T/ns-after" >&2 || fail "$p: the namespace's addresses changed on a failed reload"
        cmp -s "$T/state-before" /run/netnsctl/a/state || fail "$p: the record changed on a failed reload"
        assert_eq "$(in_ns a cat /proc/sys/net/ipv4/ip_default_ttl)" 64 "$p: ip_default_ttl after a failed reload"
        grep -q '^nameserver 192.0.2.53$' /run/netnsctl/a/resolv.conf || fail "$p: resolv.conf not put back"
        in_ns a ip -j route show 192.0.2.0/24 | grep -q gateway && fail "$p: the route stayed after a failed reload"
        fw_admits 9001 9002 "$p: firewall after a failed reload"
        nnc down a
        snapshot "$T/after"
        assert_same_snapshot "$T/before" "$T/after"
        pass "$p: SIGKILL then reload, SIGKILL then down, an injected failure"
done
