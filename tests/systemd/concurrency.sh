#!/bin/bash
# concurrency.sh - issue 7 item 5 in a booted systemd: 200 netns@ units, each with a veth
# (auto addresses), masquerade and a port forward of its own, started by ONE "systemctl
# start" (systemd runs the jobs in parallel) and stopped by one "systemctl stop". All must
# come up; no nftables update may be lost to a concurrent one (200 forwards, 200 veths in
# the shared table); the mount table grows by a few mounts per namespace, not by the square
# (Debian #949235: parallel "ip netns add" made every pin propagate into every other); after
# the stop nothing is left and the mount table is back where it was.
# Environment: N (default 200) namespaces.
. "$(dirname -- "$0")/lib.sh" || exit 1

N=${N:-200}
# mounts per namespace allowed: 3 (the pin, the pinned sysfs, the mount namespace pin), one
# spare for the mount points /run/netns and /run/netnsctl the first one makes; a quadratic
# growth would be ~N per namespace
PER_NS_MAX=${PER_NS_MAX:-4}
command -v jq >/dev/null || skip "jq missing (apt-get install jq)"

ct_setup
for ((i = 1; i <= N; i++)); do
        ct_write "/etc/netns/c$i.conf" <<CONF
[Namespace]
Boot=no

[Veth]
HostAddress=auto
Address=auto

[NAT]
Masquerade=ipv4
Port=tcp:$((10000 + i)):80
CONF
done
ct_boot

units=()
for ((i = 1; i <= N; i++)); do units+=("netns@c$i.service"); done

mounts() { in_ct awk 'END { print NR }' /proc/self/mountinfo; }
active_count() {
        in_ct systemctl list-units 'netns@*' --state=active --plain --no-legend --no-pager | grep -c '^netns@'
}
host_veths() {
        in_ct ip -j link show | jq '[.[] | select(.ifname | startswith("nn-"))] | length'
}
pins() {
        in_ct findmnt -rn -o TARGET | grep -c '^/run/netns/c[0-9]*$'
}
# nft_count WHAT: elements of set/map WHAT in netnsctl's table (0 without a table)
nft_count() {
        in_ct nft -j list ruleset | jq --arg s "$1" \
                '[.nftables[] | (.set? // .map?) | select(. != null and .table == "netnsctl" and .name == $s) | (.elem // []) | length] | add // 0'
}
tables() {
        in_ct nft -j list tables | jq '[.nftables[] | select(.table.name? == "netnsctl")] | length'
}

in_ct cat /proc/self/mountinfo >"$CT_DIR/mountinfo.before"
m0=$(mounts)
log "mountinfo before: $m0 lines"

t0=$(date +%s.%N)
timeout 150 nsenter -t "$CT_PID1" -a -- systemctl start "${units[@]}" ||
        fail "systemctl start of $N netns@ units in one call"
t1=$(date +%s.%N)
log "systemctl start of $N units: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

assert_eq "netns@ units active" "$N" "$(active_count)"
assert_eq "failed netns@ units" "0" "$(in_ct systemctl list-units 'netns@*' --state=failed --plain --no-legend --no-pager | grep -c '^netns@')"
assert_eq "pins under /run/netns" "$N" "$(pins)"
assert_eq "ip netns list" "$N" "$(netns_list | grep -c '^c[0-9]*$')"
assert_eq "host veths (nn-*)" "$N" "$(host_veths)"
assert_eq "netnsctl tables" "1" "$(tables)"
assert_eq "IPv4 forwards in map fwd4" "$N" "$(nft_count fwd4)"
assert_eq "veths in set veths" "$N" "$(nft_count veths)"
assert_eq "masquerade entries in set masq" "$N" "$(nft_count masq)"
# every port is there, each pointing at a distinct namespace address
ports=$(in_ct nft -j list map inet netnsctl fwd4 | jq -r '.nftables[] | .map? // empty | .elem[] | .[0].concat[1]' | sort -n | uniq)
assert_eq "distinct forwarded ports" "$N" "$(echo "$ports" | grep -c .)"
assert_eq "forwarded port range" "$((10000 + 1)) $((10000 + N))" "$(echo "$ports" | sed -n '1p;$p' | paste -sd' ')"
targets=$(in_ct nft -j list map inet netnsctl fwd4 | jq -r '.nftables[] | .map? // empty | .elem[] | .[1].concat[0]' | sort -u | grep -c .)
assert_eq "distinct forward targets" "$N" "$targets"

in_ct cat /proc/self/mountinfo >"$CT_DIR/mountinfo.started"
m1=$(awk 'END { print NR }' "$CT_DIR/mountinfo.started")
grown=$((m1 - m0))
log "mountinfo after start: $m1 lines (+$grown, $((grown / N)) per namespace)"
if [ "$grown" -le $((N * PER_NS_MAX)) ]; then
        ok "mountinfo grew by $grown ≤ $N × $PER_NS_MAX (linear)"
else
        fail "mountinfo grew by $grown > $N × $PER_NS_MAX: mounts multiply with namespaces"
fi

t0=$(date +%s.%N)
timeout 150 nsenter -t "$CT_PID1" -a -- systemctl stop "${units[@]}" ||
        fail "systemctl stop of $N netns@ units in one call"
t1=$(date +%s.%N)
log "systemctl stop of $N units: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

assert_eq "netns@ units active after stop" "0" "$(active_count)"
assert_eq "pins after stop" "0" "$(pins)"
assert_eq "entries in /run/netns after stop" "" "$(in_ct ls -A /run/netns 2>/dev/null)"
assert_eq "host veths (nn-*) after stop" "0" "$(host_veths)"
assert_eq "netnsctl tables after stop" "0" "$(tables)"
# back to where it was, but for the one bind mount each of /run/netns and /run/netnsctl
# made on the first "up" to give them a peer group of their own (iproute2 does the same for
# /run/netns) - once, never stacked
in_ct cat /proc/self/mountinfo >"$CT_DIR/mountinfo.after"
added=$(comm -13 <(cut -d' ' -f5 "$CT_DIR/mountinfo.before" | sort) <(cut -d' ' -f5 "$CT_DIR/mountinfo.after" | sort) | paste -sd' ')
removed=$(comm -23 <(cut -d' ' -f5 "$CT_DIR/mountinfo.before" | sort) <(cut -d' ' -f5 "$CT_DIR/mountinfo.after" | sort) | paste -sd' ')
case "$added" in
"" | "/run/netns" | "/run/netnsctl" | "/run/netns /run/netnsctl") ok "mounts left after stop: '$added' (the directories' own peer groups)" ;;
*) fail "mounts left after stop besides /run/netns and /run/netnsctl: '$added'" ;;
esac
assert_eq "mounts gone after stop that were there before" "" "$removed"
log "mountinfo after stop: $(mounts) lines (before: $m0)"
for d in /run/netns /run/netnsctl; do
        assert_eq "mounts on $d after start" "1" "$(awk -v d="$d" '$5 == d' "$CT_DIR/mountinfo.started" | grep -c .)"
        assert_eq "mounts on $d after stop" "1" "$(awk -v d="$d" '$5 == d' "$CT_DIR/mountinfo.after" | grep -c .)"
done

ct_finish
