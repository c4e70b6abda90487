#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# test-check.sh - netnsctl check: silent and 0 when fine, one line per problem and 1 otherwise
set -u
NETNSCTL=${NETNSCTL:-$BUILD_DIR/helper/netnsctl}
[ -x "$NETNSCTL" ] || { echo "netnsctl not built: $NETNSCTL"; exit 77; }

d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
export NETNSCTL_CONF_DIR=$d/etc
mkdir -p "$NETNSCTL_CONF_DIR"
fail=0

# expect RC EXPECTED-OUTPUT ARGS...: run "netnsctl check ARGS", compare exit code and stderr+stdout
expect() {
        local rc=$1 want=$2 out got
        shift 2
        out=$(cd "$d" && "$NETNSCTL" check "$@" 2>&1)
        got=$?
        want=${want//@D@/$NETNSCTL_CONF_DIR}
        if [ "$got" != "$rc" ] || [ "$out" != "$want" ]; then
                echo "FAIL: check $*: exit $got (want $rc)"
                echo "--- got:"; echo "$out"
                echo "--- want:"; echo "$want"
                fail=1
        fi
}

# nothing configured, or no directory at all: fine
expect 0 ""
NETNSCTL_CONF_DIR=$d/none expect 0 ""

cat >"$NETNSCTL_CONF_DIR/vpn.conf" <<'X'
[Namespace]
DNS=192.0.2.53

[Veth]
HostAddress=auto
Address=auto

[NAT]
Masquerade=both
Port=tcp:8443:443
X
printf '[Namespace]\nBoot=no\n' >"$NETNSCTL_CONF_DIR/sandbox.conf"
mkdir "$NETNSCTL_CONF_DIR/sandbox"   # the /etc overlay directory is not a config
expect 0 ""
expect 0 "" vpn sandbox
expect 0 "" "$NETNSCTL_CONF_DIR/vpn.conf"

# problems: every one reported, in file order, exit 1
cat >"$NETNSCTL_CONF_DIR/bad.conf" <<'X'
[Namespace]
Boot=maybe
[Veth]
MTU=10
[Bogus]
X
expect 1 "@D@/bad.conf:2: Boot=maybe: not a boolean (yes/no, true/false, on/off, 1/0).
@D@/bad.conf:4: MTU=10: an MTU is a number 68...65535.
@D@/bad.conf:5: Unknown section [Bogus] (sections: [Namespace], [Veth], [NAT], [Link], [Route], [WireGuard], [WireGuardPeer], [Firewall])." bad
# no arguments: all files, the good ones silently
expect 1 "@D@/bad.conf:2: Boot=maybe: not a boolean (yes/no, true/false, on/off, 1/0).
@D@/bad.conf:4: MTU=10: an MTU is a number 68...65535.
@D@/bad.conf:5: Unknown section [Bogus] (sections: [Namespace], [Veth], [NAT], [Link], [Route], [WireGuard], [WireGuardPeer], [Firewall])."
rm "$NETNSCTL_CONF_DIR/bad.conf"

# a file name that is no namespace name
printf '[Namespace]\n' >"$NETNSCTL_CONF_DIR/-x.conf"
expect 1 "@D@/-x.conf: Invalid namespace name \"-x\": 1-64 characters of A-Z a-z 0-9 _ . -, not starting with '.' or '-'."
rm "$NETNSCTL_CONF_DIR/-x.conf"
expect 1 "@D@/a b.conf: Invalid namespace name \"a b\": 1-64 characters of A-Z a-z 0-9 _ . -, not starting with '.' or '-'." "a b"

# missing names and paths are problems when asked for
expect 1 "@D@/nope.conf: No such file or directory" nope
expect 1 "./nope.conf: No such file or directory" ./nope.conf

# a drop-in: the namespace it belongs to is checked, with all its drop-ins
mkdir "$NETNSCTL_CONF_DIR/vpn.conf.d"
printf '[NAT]\nPort=0\n' >"$NETNSCTL_CONF_DIR/vpn.conf.d/50-x.conf"
expect 1 "@D@/vpn.conf.d/50-x.conf:2: Port=0: ports are numbers 1...65535." "$NETNSCTL_CONF_DIR/vpn.conf.d/50-x.conf"
expect 1 "@D@/vpn.conf.d/50-x.conf:2: Port=0: ports are numbers 1...65535." vpn
rm -r "$NETNSCTL_CONF_DIR/vpn.conf.d"

# a relative path outside the config directory
mkdir "$d/elsewhere"
printf '[Veth]\nHostName=ve-x\n' >"$d/elsewhere/web.conf"
expect 1 "elsewhere/web.conf:2: HostName=ve-x: names starting with \"ve-\" or \"vb-\" belong to systemd-networkd." elsewhere/web.conf
echo hello >"$d/elsewhere/README"
expect 1 "elsewhere/README: not a namespace configuration file (NAME.conf)." elsewhere/README

# across namespaces: one host interface claimed twice
printf '[Veth]\nHostName=nn-sandbox\n' >"$NETNSCTL_CONF_DIR/web.conf"
printf '[Veth]\n' >"$NETNSCTL_CONF_DIR/sandbox.conf"
expect 1 "@D@/web.conf:1: Host interface \"nn-sandbox\" is also claimed by namespace sandbox, by its veth (@D@/sandbox.conf:1)."
printf '[Link]\nType=physical\nParent=eth7\n' >"$NETNSCTL_CONF_DIR/web.conf"
printf '[Link]\nType=physical\nParent=eth7\n' >"$NETNSCTL_CONF_DIR/sandbox.conf"
expect 1 "@D@/web.conf:1: Host interface \"eth7\" is also claimed by namespace sandbox, by a [Link] that moves it in (@D@/sandbox.conf:1)."
rm "$NETNSCTL_CONF_DIR/web.conf" "$NETNSCTL_CONF_DIR/sandbox.conf"

# across namespaces: static veth subnets that overlap, a host port forwarded twice; each
# once, at the later file's line, naming the earlier file's (all files: "check" without
# names, which does not ask the host whether something listens on these ports)
printf '[Veth]\nHostAddress=10.66.0.1/24\nAddress=10.66.0.2/24\n[NAT]\nPort=8080\nPort=udp:5000-5010\nPort=192.0.2.1:443\n' >"$NETNSCTL_CONF_DIR/a.conf"
printf '[Veth]\nAddress=10.66.0.130/25\nHostAddress=fd00:1::1/64\n[NAT]\nPort=tcp:8080:80\nPort=udp:5005\nPort=443\nPort=192.0.2.2:443\n' >"$NETNSCTL_CONF_DIR/b.conf"
expect 1 "@D@/b.conf:2: Address=10.66.0.130/25 overlaps HostAddress=10.66.0.1/24 of namespace a (@D@/a.conf:2); the second to start would be refused.
@D@/b.conf:2: Address=10.66.0.130/25 overlaps Address=10.66.0.2/24 of namespace a (@D@/a.conf:3); the second to start would be refused.
@D@/b.conf:5: Port=: tcp port 8080 on every host address is also forwarded by namespace a (@D@/a.conf:5); the second to start would be refused.
@D@/b.conf:6: Port=: udp port 5005 on every host address is also forwarded by namespace a (@D@/a.conf:6); the second to start would be refused."
rm "$NETNSCTL_CONF_DIR/a.conf" "$NETNSCTL_CONF_DIR/b.conf"

# a file of garbage: 20 problems, then one line with the count of the rest
head -c 200000 /dev/urandom | tr '\0' x >"$NETNSCTL_CONF_DIR/junk.conf"
out=$(cd "$d" && "$NETNSCTL" check junk 2>&1); rc=$?
n=$(printf '%s\n' "$out" | wc -l)
last=$(printf '%s\n' "$out" | tail -n1)
if [ "$rc" != 1 ] || [ "$n" -gt 21 ] || [[ $last != "$NETNSCTL_CONF_DIR/junk.conf: … and "*" more problems." ]]; then
        echo "FAIL: check junk: exit $rc, $n lines, last: $last"
        fail=1
fi
rm "$NETNSCTL_CONF_DIR/junk.conf"

# hidden files (an editor's lock, a backup) are no configurations: skipped, as systemd does
printf 'garbage\n' >"$NETNSCTL_CONF_DIR/.#web.conf"
printf 'garbage\n' >"$NETNSCTL_CONF_DIR/.web.conf"
expect 0 ""
rm "$NETNSCTL_CONF_DIR/.#web.conf" "$NETNSCTL_CONF_DIR/.web.conf"

# a dangling symlink says that its target is missing
ln -s /nonexistent/web.conf "$NETNSCTL_CONF_DIR/web.conf"
expect 1 "@D@/web.conf: a symlink to /nonexistent/web.conf, which does not exist." web
expect 1 "@D@/web.conf: a symlink to /nonexistent/web.conf, which does not exist."
rm "$NETNSCTL_CONF_DIR/web.conf"

# "check NAME" adds what the running host says: a Parent= that does not exist, a sysctl the
# kernel does not have (a per-link one is looked up as "default": the link may be inside);
# "check" alone reads the files only
printf '[Namespace]\nSysctl=net.ipv4.no_such_setting=1\nSysctl=net.ipv4.conf.host0.rp_filter=2\nSysctl=net.ipv4.conf.all.rp_filter=2\n[Link]\nType=macvlan\nParent=nosuchnic0\n' >"$NETNSCTL_CONF_DIR/h.conf"
expect 1 "@D@/h.conf:5: Parent=nosuchnic0: no such link on the host.
@D@/h.conf:2: Sysctl=net.ipv4.no_such_setting: this kernel has no such setting." h
expect 0 ""
rm "$NETNSCTL_CONF_DIR/h.conf"

# inside one namespace: names derived from Parent= that clash (up refuses them the same way)
printf '[Link]\nType=macvlan\nParent=eth0\n\n[Link]\nType=macvlan\nParent=eth0\n' >"$NETNSCTL_CONF_DIR/mv.conf"
expect 1 "@D@/mv.conf:5: [Link] device name 'mv-eth0' inside namespace 'mv' is taken by the [Link] at @D@/mv.conf:1; set Name=." mv
printf '[Veth]\nName=eth0.5\n\n[Link]\nType=vlan\nParent=eth0\nVLANId=5\n' >"$NETNSCTL_CONF_DIR/mv.conf"
expect 1 "@D@/mv.conf:4: [Link] device name 'eth0.5' inside namespace 'mv' is taken by the veth ([Veth] Name=); set Name=." mv
printf '[Link]\nType=macvlan\nParent=eth0\n\n[Link]\nType=macvlan\nParent=eth0\nName=mv1\n' >"$NETNSCTL_CONF_DIR/mv.conf"
expect 0 "" mv
rm "$NETNSCTL_CONF_DIR/mv.conf"

# a tunnel that owns a default route is the only way out: an explicit [Veth] DefaultRoute=yes
# beside it is refused at its line (unset or no: the veth quietly gets no default)
K1=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
K2=ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=
printf '[Veth]\nDefaultRoute=yes\n[WireGuard]\nPrivateKey=%s\n[WireGuardPeer]\nPublicKey=%s\nAllowedIPs=10.0.0.0/8\nAllowedIPs=::/0\n' \
        "$K1" "$K2" >"$NETNSCTL_CONF_DIR/wg.conf"
expect 1 "@D@/wg.conf:2: DefaultRoute=yes: the WireGuard tunnel owns the IPv6 default route (AllowedIPs=::/0 at @D@/wg.conf:8), so the veth gets none: a default via the veth would let traffic leave outside the tunnel when it stops (the kill switch). Remove DefaultRoute=, or the default from AllowedIPs=." wg
sed -i 's/^DefaultRoute=yes$/DefaultRoute=no/' "$NETNSCTL_CONF_DIR/wg.conf"
expect 0 "" wg
sed -i '/^DefaultRoute=/d' "$NETNSCTL_CONF_DIR/wg.conf"
expect 0 "" wg
# ... and so is one beside a ConfigFile= whose [Peer] owns it (the file is a secret: root reads it)
if [ "$(id -u)" = 0 ]; then
        umask 077
        printf '[Interface]\nPrivateKey = %s\nAddress = 10.2.0.2/32\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 0.0.0.0/0, ::/0\n' \
                "$K1" "$K2" >"$d/provider.conf"
        umask 022
        printf '[Veth]\nDefaultRoute=on\n[WireGuard]\nConfigFile=%s\n' "$d/provider.conf" >"$NETNSCTL_CONF_DIR/wg.conf"
        expect 1 "@D@/wg.conf:2: DefaultRoute=yes: the WireGuard tunnel owns the IPv4 default route (AllowedIPs=0.0.0.0/0 at $d/provider.conf:7), so the veth gets none: a default via the veth would let traffic leave outside the tunnel when it stops (the kill switch). Remove DefaultRoute=, or the default from AllowedIPs=." wg
        sed -i '/^DefaultRoute=/d' "$NETNSCTL_CONF_DIR/wg.conf"
        expect 0 "" wg
else
        echo "# skipped the ConfigFile= case: only root reads a file that holds a key"
fi
rm -f "$NETNSCTL_CONF_DIR/wg.conf"

[ "$fail" = 0 ] && echo "netnsctl check: all cases passed"
exit $fail
