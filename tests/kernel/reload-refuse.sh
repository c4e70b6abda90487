#!/bin/bash
# reload-refuse.sh - what cannot change in a running namespace is refused before anything
# changes, one line each: "FILE:LINE: WHAT: that cannot change in a running namespace;
# 'systemctl restart netns@NAME' ...", LINE the header of the section (never a key line): in the
# new configuration, or, for a section that is gone, in the one in force (and then it says so).
# Each refusal leaves the host, the namespace and the record as they were.
. "$(dirname "$0")/lib.sh"

RESTART="that cannot change in a running namespace; 'systemctl restart netns@a' (or 'netnsctl down a', 'netnsctl up a') applies it."
IN_FORCE=" (the line is that of the configuration in force)"

# the config in force: a [Link] to namespace b, a veth whose header is not its first key's line
conf b <<'X'
[Namespace]
X
nnc up b
write_in_force() {
        cat >/etc/netns/a.conf <<'X'
# the namespace a
[Namespace]
DNS=192.0.2.53

[Veth]
# keys below a comment
Address=10.77.0.2/24
HostAddress=10.77.0.1/24

[Link]
Type=veth
PeerNamespace=b
Address=10.78.0.1/30
X
}
write_in_force
nnc up a
snapshot "$T/up"
cp /run/netnsctl/a/state "$T/state-up"
cp /run/netnsctl/a/config "$T/config-up"
ns_addrs() { in_ns a ip -j addr | python3 -c 'import json,sys; [print(l["ifname"], a["local"], a["prefixlen"]) for l in json.load(sys.stdin) for a in l.get("addr_info",[])]' | sort; }
sleep 2 # the link-local addresses settle
ns_addrs >"$T/ns-up"

refused() { # WHAT-LINE EXPECTED-MESSAGE: reload must fail with exactly that line and change nothing
        if "$NETNSCTL" reload a 2>"$T/err"; then
                fail "$1: reload succeeded"
        fi
        grep -vq "^Not reloading namespace 'a'; nothing was changed.$" "$T/err" || fail "$1: no refusal line"
        assert_eq "$(grep -v "^Not reloading" "$T/err")" "$2" "$1: the refusal"
        snapshot "$T/now"
        assert_same_snapshot "$T/up" "$T/now"
        cmp -s "$T/state-up" /run/netnsctl/a/state || fail "$1: the record changed"
        cmp -s "$T/config-up" /run/netnsctl/a/config || fail "$1: the configuration in force changed"
        ns_addrs >"$T/ns-now"
        cmp -s "$T/ns-up" "$T/ns-now" || fail "$1: the namespace's addresses changed"
        "$NETNSCTL" diff a >/dev/null 2>&1 && fail "$1: diff does not refuse it"
        write_in_force
        pass "$1: refused at the section's line, nothing changed"
}

# [Veth] removed: its header in the configuration in force (line 5)
sed -i '/^\[Veth\]/,/^$/d' /etc/netns/a.conf
refused "[Veth] removed" "/etc/netns/a.conf:5: [Veth] removed$IN_FORCE: $RESTART"

# a key of [Veth] changed: the header of [Veth] in the new file (moved down to line 7)
sed -i 's/^\[Veth\]$/# two lines\n# more\n[Veth]\nHostName=nn-other/' /etc/netns/a.conf
refused "[Veth] HostName= changed" "/etc/netns/a.conf:7: [Veth] HostName= changed: $RESTART"

# a key of [Link] changed
sed -i 's/^PeerNamespace=b$/PeerNamespace=b\nPeerName=other/' /etc/netns/a.conf
refused "[Link] PeerName= changed" "/etc/netns/a.conf:10: [Link] PeerNamespace=/PeerName=/PeerAddress= changed: $RESTART"

# [Link] removed: its header in the configuration in force (line 10)
sed -i '/^\[Link\]/,$d' /etc/netns/a.conf
refused "[Link] removed" "/etc/netns/a.conf:10: [Link] removed$IN_FORCE: $RESTART"

# [Link] added, from a drop-in: the header there
mkdir -p /etc/netns/a.conf.d
printf '# added\n[Link]\nType=veth\nPeerNamespace=c\n' >/etc/netns/a.conf.d/link.conf
refused "[Link] added" "/etc/netns/a.conf.d/link.conf:2: [Link] added: $RESTART"
rm -r /etc/netns/a.conf.d

# DNS= removed: the [Namespace] header
sed -i '/^DNS=/d' /etc/netns/a.conf
refused "DNS= removed" "/etc/netns/a.conf:2: [Namespace] DNS= removed (the processes inside keep its resolv.conf bound over /etc/resolv.conf): $RESTART"
# ... and with [Namespace] gone too: its header in the configuration in force
sed -i '/^\[Namespace\]/d; /^DNS=/d' /etc/netns/a.conf
refused "[Namespace] with DNS= removed" "/etc/netns/a.conf:2: [Namespace] DNS= removed (the processes inside keep its resolv.conf bound over /etc/resolv.conf)$IN_FORCE: $RESTART"

# a section reload does not change in place, added: its header
printf '\n[WireGuard]\nPrivateKey=%s\nAddress=10.99.0.1/24\n' "$(python3 -c 'import base64; print(base64.b64encode(bytes(range(32))).decode())')" >>/etc/netns/a.conf
refused "[WireGuard] added" "/etc/netns/a.conf:15: [WireGuard] added: $RESTART"

# the same config again: reload does nothing, silently
out=$("$NETNSCTL" reload a 2>&1) || fail "reload of the config in force failed: $out"
assert_eq "$out" "" "output of a reload that changes nothing"

nnc down a
nnc down b
pass "every refusal named the section's header line and changed nothing"
