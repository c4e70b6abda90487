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

# /run/netns: made a mount point in a peer group of its own at boot by run-netns.mount (which
# the generator pulls in), before netns@up pinned anything: one mount per pin, also for
# "ip netns add", none of them repeated on /run
assert_state run-netns.mount active
group_of() { # MOUNTPOINT: "shared:N" of the topmost mount there, in the container
        in_ct cat /proc/self/mountinfo | awk -v m="$1" '$5 == m { g = ""; for (i = 7; $i != "-"; i++) if ($i ~ /^shared:/) g = $i } END { print g }'
}
mounts_at() { in_ct cat /proc/self/mountinfo | awk -v m="$1" '$5 == m' | wc -l; }
g_run=$(group_of /run) g_netns=$(group_of /run/netns)
if [ -n "$g_netns" ] && [ "$g_netns" != "$g_run" ]; then
        ok "/run/netns shared in a peer group of its own ($g_netns; /run: ${g_run:-not shared})"
else
        fail "/run/netns not in a shared peer group of its own ('$g_netns'; /run: '$g_run')"
fi
case "$(in_ct systemctl show -P FragmentPath run-netns.mount)" in
*/run-netns.mount) ok "run-netns.mount loaded from its unit file" ;;
*) fail "run-netns.mount has no unit file (FragmentPath='$(in_ct systemctl show -P FragmentPath run-netns.mount)')" ;;
esac
# mounted before netns@up began (not by its netnsctl up, which would make it the same)
t_mnt=$(in_ct systemctl show -P ActiveEnterTimestampMonotonic run-netns.mount)
t_start=$(in_ct systemctl show -P InactiveExitTimestampMonotonic netns@up.service)
if [ "${t_mnt:-0}" -gt 0 ] && [ "${t_mnt:-0}" -le "${t_start:-0}" ]; then
        ok "run-netns.mount active ($t_mnt) before netns@up started ($t_start)"
else
        fail "run-netns.mount not active before netns@up started (mount=$t_mnt up=$t_start)"
fi
assert_eq "mounts at /run/netns/up" 1 "$(mounts_at /run/netns/up)"
in_ct ip netns add other || fail "ip netns add other"
assert_eq "mounts at /run/netns/other (ip netns add)" 1 "$(mounts_at /run/netns/other)"
in_ct ip netns delete other || fail "ip netns delete other"
assert_eq "mounts at /run/netns/other after ip netns delete" 0 "$(mounts_at /run/netns/other)"

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
