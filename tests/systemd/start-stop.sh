#!/bin/bash
# start-stop.sh - `systemctl start netns@a` makes the pinned namespace with lo up and
# its Sysctl= applied; `systemctl stop netns@a` removes all of it.
. "$(dirname -- "$0")/lib.sh" || exit 1

ct_setup
ct_write /etc/netns/a.conf <<'CONF'
[Namespace]
Boot=no
Sysctl=net.ipv4.ip_forward=1
Sysctl=net.ipv6.conf.all.forwarding=1
CONF
ct_boot

assert_state netns@a.service inactive
assert_no_pin a

if ct_systemctl start netns@a.service; then
        ok "systemctl start netns@a"
else
        fail "systemctl start netns@a exited non-zero"
        in_ct journalctl -b -u netns@a.service --no-pager -o cat | tail -20 | sed 's/^/#   /'
fi
assert_state netns@a.service active
assert_pin a
assert_eq "ip netns list" "a" "$(netns_list)"

# the pin is a namespace of its own, not the container's
ino=$(pin_inode a)
assert_ne "netns inode of /run/netns/a" "$(pid_netns_inode 1)" "${ino:-none}"
assert_eq "netns inode seen by a process entering /run/netns/a" "$ino" \
        "$(in_netns a stat -L -c %i /proc/self/ns/net)"

# lo is up inside (kernel's view through rtnetlink)
lo_up=$(in_ct ip -n a -j link show lo | jq -r '.[0].flags | index("UP") != null')
assert_eq "lo UP in namespace a" true "$lo_up"

# Sysctl= applied inside the namespace, and only there
assert_eq "net.ipv4.ip_forward in a" 1 "$(in_netns a cat /proc/sys/net/ipv4/ip_forward)"
assert_eq "net.ipv6.conf.all.forwarding in a" 1 "$(in_netns a cat /proc/sys/net/ipv6/conf/all/forwarding)"
assert_eq "net.ipv4.ip_forward in the container's own namespace" 0 "$(in_ct cat /proc/sys/net/ipv4/ip_forward)"

# start again is a no-op for an active oneshot; stop removes everything
if ct_systemctl stop netns@a.service; then
        ok "systemctl stop netns@a"
else
        fail "systemctl stop netns@a exited non-zero"
fi
assert_state netns@a.service inactive
assert_no_pin a
assert_eq "ip netns list after stop" "" "$(netns_list)"
left=$(in_ct findmnt -rn -o TARGET | grep -E '^/run/(netns|netnsctl)/' || true)
assert_eq "mounts left under /run/netns, /run/netnsctl" "" "$left"
if in_ct test -e /run/netnsctl/a; then fail "/run/netnsctl/a left after stop"; else ok "/run/netnsctl/a removed"; fi

# and it can be started again after a stop (nothing stale blocks it)
ct_systemctl start netns@a.service || fail "second systemctl start netns@a exited non-zero"
assert_state netns@a.service active
assert_pin a
ct_systemctl stop netns@a.service || fail "second systemctl stop netns@a exited non-zero"
assert_no_pin a

ct_finish
