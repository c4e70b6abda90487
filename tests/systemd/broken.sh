#!/bin/bash
# broken.sh - a bad /etc/netns file affects only its own namespace: good.conf is up
# after boot, `systemctl start netns@bad` fails, nothing of bad exists, and the
# journal names the file and line ("bad.conf:3" is the contract here).
. "$(dirname -- "$0")/lib.sh" || exit 1

ct_setup
ct_write /etc/netns/good.conf <<'CONF'
[Namespace]
Boot=yes
CONF
ct_write /etc/netns/bad.conf <<'CONF'
[Namespace]
Boot=yes
NoSuchKey=1
CONF
ct_boot

assert_state netns@good.service active
assert_pin good
assert_ne "ActiveState of netns@bad.service after boot" active \
        "$(in_ct systemctl show -P ActiveState netns@bad.service)"
assert_no_pin bad

if ct_systemctl start netns@bad.service; then
        fail "systemctl start netns@bad succeeded"
else
        ok "systemctl start netns@bad fails"
fi
assert_ne "ActiveState of netns@bad.service after start" active \
        "$(in_ct systemctl show -P ActiveState netns@bad.service)"
assert_no_pin bad
assert_eq "ip netns list" good "$(netns_list)"
left=$(in_ct findmnt -rn -o TARGET | grep -E '^/run/netnsctl/bad(/|$)' || true)
assert_eq "mounts left under /run/netnsctl/bad" "" "$left"

if journal_has "bad.conf:3" -u netns@bad.service; then
        ok "journal of netns@bad names bad.conf:3"
elif journal_has "bad.conf:3"; then
        ok "boot journal names bad.conf:3"
else
        fail "no 'bad.conf:3' in the journal; netns@bad said:"
        in_ct journalctl -b -u netns@bad.service --no-pager -o cat | tail -10 | sed 's/^/#   /'
fi
# the good one is still up after the failed start of the bad one
assert_state netns@good.service active
assert_pin good

ct_finish
