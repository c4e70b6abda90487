#!/bin/bash
# nat.sh - issue 3 in a booted systemd: "systemctl start" of a unit attached to netns@web
# brings up veth + NAT; a request from inside leaves masqueraded to the host's address, one
# from outside comes in through Port=; after "systemctl restart nftables" (its config
# flushes the whole ruleset) netnsctl-nat-watch.service restores the forwards by itself,
# without restarting the namespace or the service; stop leaves no table behind.
. "$(dirname -- "$0")/lib.sh" || exit 1

ct_setup
# nftables.service is masked by ct_mask_slow; this test needs the real one
rm -f "$CT_ROOT/etc/systemd/system/nftables.service"
ct_write /etc/netns/web.conf <<'CONF'
[Namespace]
Boot=no
Units=web-srv.service

[Veth]
HostAddress=auto
Address=auto

[NAT]
Masquerade=ipv4
Port=tcp:8080:80
CONF
ct_write /etc/systemd/system/web-srv.service <<'UNIT'
[Service]
ExecStart=/usr/bin/socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:'echo inside-web'
# socat exits 143 on SIGTERM
SuccessExitStatus=143
UNIT
ct_boot

# "the world": a namespace of the test's own behind the container's own network
in_ct bash -e -c '
ip netns add world
ip link add uplink type veth peer name eth0 netns world
ip addr add 198.51.100.1/24 dev uplink; ip link set uplink up
ip -n world addr add 198.51.100.2/24 dev eth0; ip -n world link set eth0 up; ip -n world link set lo up
ip netns exec world setsid -f socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:"echo peer=\$SOCAT_PEERADDR" </dev/null >/dev/null 2>&1
' || die "could not set up the world namespace"

ct_systemctl start nftables.service || die "nftables.service does not start"
ct_systemctl start web-srv.service || fail "systemctl start web-srv.service"
assert_state netns@web.service active
assert_state web-srv.service active
assert_state netnsctl-nat-watch.service active

egress() { in_netns web timeout 5 socat -T3 - TCP:198.51.100.2:80 </dev/null; }
ingress() { in_ct ip netns exec world timeout 5 socat -T3 - TCP:198.51.100.1:8080 </dev/null; }

wait_for "the world to answer from inside web" egress
assert_eq "source address the world sees (masqueraded to the host's)" "peer=198.51.100.1" "$(egress)"
wait_for "port 8080 to answer from the world" ingress
assert_eq "reply through Port=tcp:8080:80" "inside-web" "$(ingress)"
assert_eq "nftables table of netnsctl" "1" "$(in_ct nft -j list tables | jq '[.nftables[] | select(.table.name? == "netnsctl")] | length')"

# the host's firewall reload flushes everything; the watcher puts NAT back by itself
pin_before=$(pin_inode web)
srv_before=$(in_ct systemctl show -P MainPID web-srv.service)
ct_systemctl restart nftables.service || fail "systemctl restart nftables"
assert_eq "inet filter table of nftables.conf present" "1" "$(in_ct nft -j list tables | jq '[.nftables[] | select(.table.name? == "filter" and .table.family == "inet")] | length')"
wait_for "port 8080 to answer again after restart nftables" ingress
assert_eq "reply through Port= after restart nftables" "inside-web" "$(ingress)"
assert_eq "source address after restart nftables" "peer=198.51.100.1" "$(egress)"
assert_eq "namespace not recreated" "$pin_before" "$(pin_inode web)"
assert_eq "service not restarted" "$srv_before" "$(in_ct systemctl show -P MainPID web-srv.service)"

# stop: namespace, service and NAT table gone; the watcher is not needed any more
ct_systemctl stop netns@web.service || fail "systemctl stop netns@web"
assert_state web-srv.service inactive
assert_no_pin web
assert_eq "nftables table of netnsctl after stop" "0" "$(in_ct nft -j list tables | jq '[.nftables[] | select(.table.name? == "netnsctl")] | length')"
wait_for "netnsctl-nat-watch to stop when unneeded" \
        bash -c "[ \"\$(nsenter -t $CT_PID1 -a systemctl show -P ActiveState netnsctl-nat-watch.service)\" = inactive ]"
assert_eq "host links left" "lo uplink" "$(in_ct ip -j link show | jq -r '[.[].ifname] | sort | join(" ")')"

ct_finish
