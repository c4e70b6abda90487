#!/bin/bash
# reload.sh - a namespace configured after boot: `systemctl daemon-reload` re-runs
# the generator, `systemctl start netns@new` works, and a unit named in the new
# file's Units= now runs inside it; `systemctl reload netns@new` applies an edit in place
# without restarting the namespace or that unit (same InvocationID and PID), and an entry added
# to /etc/netns/new/ reaches that unit's /etc.
. "$(dirname -- "$0")/lib.sh" || exit 1

ct_setup
ct_write /etc/systemd/system/late.service <<'UNIT'
[Unit]
Description=netnsctl test unit attached after boot

[Service]
ExecStart=/bin/sleep infinity
UNIT
ct_boot

assert_eq "ip netns list after boot" "" "$(netns_list)"
assert_eq "NetworkNamespacePath of late.service before" "" \
        "$(in_ct systemctl show -P NetworkNamespacePath late.service)"

ct_write /etc/netns/new.conf <<'CONF'
[Namespace]
Boot=yes
Sysctl=net.ipv4.ip_forward=1
Units=late.service
CONF
ct_daemon_reload
# a reload does not start anything by itself
assert_state netns@new.service inactive
assert_eq "NetworkNamespacePath of late.service after reload" /run/netns/new \
        "$(in_ct systemctl show -P NetworkNamespacePath late.service)"

if ct_systemctl start netns@new.service; then
        ok "systemctl start netns@new"
else
        fail "systemctl start netns@new exited non-zero"
        in_ct journalctl -b -u netns@new.service --no-pager -o cat | tail -20 | sed 's/^/#   /'
fi
assert_state netns@new.service active
assert_pin new
assert_eq "net.ipv4.ip_forward in new" 1 "$(in_netns new cat /proc/sys/net/ipv4/ip_forward 2>&1)"
assert_eq "ip netns list" new "$(netns_list)"

ct_systemctl start late.service || fail "systemctl start late.service exited non-zero"
assert_state late.service active
pid=$(in_ct systemctl show -P MainPID late.service)
assert_eq "netns inode of late.service (MainPID $pid) vs /run/netns/new" "$(pin_inode new)" \
        "$(pid_netns_inode "${pid:-0}")"

# the file changes again: a restart applies the new configuration
ct_write /etc/netns/new.conf <<'CONF'
[Namespace]
Boot=yes
Sysctl=net.ipv4.ip_forward=0
Units=late.service
CONF
ct_daemon_reload
ct_systemctl restart netns@new.service || fail "systemctl restart netns@new exited non-zero"
assert_state netns@new.service active
assert_eq "net.ipv4.ip_forward in new after edit+restart" 0 "$(in_netns new cat /proc/sys/net/ipv4/ip_forward 2>&1)"

# "systemctl reload" (ExecReload=netnsctl reload): the edit applied in place, the namespace and
# the unit inside it not restarted
ct_systemctl start late.service || fail "systemctl start late.service (again) exited non-zero"
inv=$(in_ct systemctl show -P InvocationID late.service)
pid=$(in_ct systemctl show -P MainPID late.service)
ino=$(pin_inode new)
ct_write /etc/netns/new.conf <<'CONF'
[Namespace]
Boot=yes
Sysctl=net.ipv4.ip_forward=1
Sysctl=net.ipv4.ip_default_ttl=33
Units=late.service
CONF
if ct_systemctl reload netns@new.service; then
        ok "systemctl reload netns@new"
else
        fail "systemctl reload netns@new exited non-zero"
        in_ct journalctl -b -u netns@new.service --no-pager -o cat | tail -20 | sed 's/^/#   /'
fi
assert_state netns@new.service active
assert_eq "net.ipv4.ip_forward in new after reload" 1 "$(in_netns new cat /proc/sys/net/ipv4/ip_forward 2>&1)"
assert_eq "net.ipv4.ip_default_ttl in new after reload" 33 "$(in_netns new cat /proc/sys/net/ipv4/ip_default_ttl 2>&1)"
assert_eq "the pin's inode across the reload" "$ino" "$(pin_inode new)"
assert_eq "InvocationID of late.service across the reload" "$inv" "$(in_ct systemctl show -P InvocationID late.service)"
assert_eq "MainPID of late.service across the reload" "$pid" "$(in_ct systemctl show -P MainPID late.service)"
if journal_has "ip_default_ttl=33" -u netns@new.service; then
        ok "the journal of netns@new says what the reload changed"
else
        fail "the journal of netns@new does not name the changed sysctl"
fi

# an entry of /etc/netns/new/ added while late.service runs: the reload binds it over /etc in
# the unit's own mount namespace (the unit is not restarted), not in the host's
ct_write /etc/netns/new/hosts <<'HOSTS'
192.0.2.7 seen-by-the-unit
HOSTS
ct_systemctl reload netns@new.service || fail "systemctl reload netns@new (an /etc entry added) exited non-zero"
assert_eq "/etc/hosts of late.service after the reload" "192.0.2.7 seen-by-the-unit" \
        "$(in_ct cat "/proc/$pid/root/etc/hosts" 2>&1)"
assert_eq "MainPID of late.service across the /etc reload" "$pid" "$(in_ct systemctl show -P MainPID late.service)"
if in_ct grep -q seen-by-the-unit /etc/hosts; then
        fail "the host's /etc/hosts shows the namespace's"
else
        ok "the host's /etc/hosts is its own"
fi

ct_finish
