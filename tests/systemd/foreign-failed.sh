#!/bin/bash
# foreign-failed.sh - a unit that is not ours and fails in the container (as Debian's bird2
# does, enabled on a machine that has it) does not fail the tier: the container boots
# "degraded", the waits of lib.sh accept that (at boot and after daemon-reexec, which
# link-late.sh does), and netns@ works as usual. And what the root had enabled does not start
# at all: ct_setup removes the root's .wants links (ct_disable_enabled), shown here on the
# same unit, which then stays inactive and the container "running".
. "$(dirname -- "$0")/lib.sh" || exit 1

ct_setup
ct_write /etc/netns/a.conf <<'CONF'
[Namespace]
Boot=no
CONF
# enabled after ct_setup: as if the admin had enabled it in the container
ct_write /etc/systemd/system/foreign-fails.service <<'UNIT'
[Unit]
Description=a service of the machine that fails in a container

[Service]
Type=oneshot
ExecStart=/bin/false

[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$CT_ROOT/etc/systemd/system/multi-user.target.wants"
ln -sfn ../foreign-fails.service "$CT_ROOT/etc/systemd/system/multi-user.target.wants/foreign-fails.service"

ct_boot
assert_eq "system state with a failed foreign unit" degraded "$(in_ct systemctl is-system-running)"
assert_eq "the foreign unit" failed "$(in_ct systemctl show -P ActiveState foreign-fails.service)"
if ct_systemctl start netns@a.service; then ok "systemctl start netns@a"; else fail "systemctl start netns@a"; fi
assert_state netns@a.service active
assert_pin a
if ct_systemctl daemon-reexec; then ok "daemon-reexec"; else fail "daemon-reexec"; fi
if ct_wait_system "daemon-reexec"; then ok "the manager settles (degraded) after daemon-reexec"; else fail "the manager did not settle after daemon-reexec"; fi
assert_state netns@a.service active
if ct_systemctl stop netns@a.service; then ok "systemctl stop netns@a"; else fail "systemctl stop netns@a"; fi
assert_no_pin a

# what the root had enabled is not started: the link goes, the unit stays inactive
ct_stop
ct_disable_enabled
if [ -e "$CT_ROOT/etc/systemd/system/multi-user.target.wants/foreign-fails.service" ]; then
        fail "ct_disable_enabled left the .wants link"
else
        ok "ct_disable_enabled removed the .wants link"
fi
ct_boot
assert_eq "system state with the foreign unit not enabled" running "$(in_ct systemctl is-system-running)"
assert_eq "the foreign unit" inactive "$(in_ct systemctl show -P ActiveState foreign-fails.service)"

ct_finish
