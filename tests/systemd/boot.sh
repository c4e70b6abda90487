#!/bin/bash
# boot.sh - at boot, with no command, Boot=yes (the default) namespaces are up and
# Boot=no ones are not; the latter start on demand. A second boot does it again.
. "$(dirname -- "$0")/lib.sh" || exit 1

ct_setup
ct_write /etc/netns/up.conf <<'CONF'
# Boot= not given: the default is yes
[Namespace]
Sysctl=net.ipv4.ip_forward=1
CONF
ct_write /etc/netns/lazy.conf <<'CONF'
[Namespace]
Boot=no
CONF

check_boot() {
        assert_state netns@up.service active
        assert_pin up
        assert_eq "net.ipv4.ip_forward in up" 1 "$(in_netns up cat /proc/sys/net/ipv4/ip_forward 2>&1)"
        assert_state netns@lazy.service inactive
        assert_no_pin lazy
        assert_eq "ip netns list after boot" "up" "$(netns_list)"
}

ct_boot
check_boot
# the manager must have started it as part of the boot transaction (a job queued
# by the generator's wiring), not something else later: it's active before
# multi-user.target was reached
t_up=$(in_ct systemctl show -P ActiveEnterTimestampMonotonic netns@up.service)
t_mu=$(in_ct systemctl show -P ActiveEnterTimestampMonotonic multi-user.target)
if [ "${t_up:-0}" -gt 0 ] && [ "${t_up:-0}" -le "${t_mu:-0}" ]; then
        ok "netns@up active ($t_up) before multi-user.target ($t_mu)"
else
        fail "netns@up not active before multi-user.target (up=$t_up multi-user=$t_mu)"
fi

if ct_systemctl start netns@lazy.service; then
        ok "systemctl start netns@lazy"
else
        fail "systemctl start netns@lazy exited non-zero"
fi
assert_state netns@lazy.service active
assert_pin lazy
assert_eq "ip netns list" "$(printf 'lazy\nup')" "$(netns_list)"
assert_ne "lazy and up are different namespaces" "$(pin_inode up)" "$(pin_inode lazy)"

# a second boot (fresh /run) brings up the same again, and only that
log "rebooting"
ct_reboot
check_boot

ct_finish
