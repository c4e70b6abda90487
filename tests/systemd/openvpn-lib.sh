# shellcheck shell=bash
# openvpn-lib.sh - netns.conf(5)'s OpenVPN recipe in a booted container, for the systemd tier's
# openvpn.sh and demo/vpn (source after lib.sh):
#   ovpn_prepare   # before ct_boot: the recipe's files pasted from the man page into the root,
#                  # the provider's certificates, the stand-in for the confined daemon, /dev/net/tun
#   ovpn_lab       # after ct_boot: the VPN server (Debian's openvpn at 198.51.100.7, the
#                  # container's default route) and the world behind it (203.0.113.1, port 8000
#                  # answers with the address it sees)
# The stand-in for transmission-daemon.service (the recipe's confined daemon) asks the world who
# it is twice a second and appends the answer, or "fail", to /run/seen; it serves "web-ui" on
# TCP 9091 (the recipe's Port=).

ovpn_prepare() {
        local here
        here=$(dirname -- "${BASH_SOURCE[0]}")
        [ -c /dev/net/tun ] || skip "no /dev/net/tun on this machine"
        [ -x "$CT_ROOT/usr/sbin/openvpn" ] || skip "no openvpn in the root the container boots (Debian's openvpn)"
        python3 "$here/../man-example.py" "Confining a service to an OpenVPN tunnel" "$CT_ROOT" >/dev/null ||
                die "the man page example could not be extracted"
        bash "$here/../openvpn-pki.sh" "$CT_ROOT/etc/openvpn/server" "$CT_ROOT/etc/openvpn/client" ||
                die "making the certificates failed"
        ct_write /etc/systemd/system/transmission-daemon.service <<'UNIT'
[Unit]
Description=Stand-in for a daemon confined to the VPN

[Service]
ExecStart=/bin/sh -c 'socat TCP-LISTEN:9091,fork,reuseaddr SYSTEM:"echo web-ui" & while :; do socat -T 2 - TCP:203.0.113.1:8000,connect-timeout=2 </dev/null >>/run/seen 2>/dev/null || echo fail >>/run/seen; sleep 0.5; done'

[Install]
WantedBy=multi-user.target
UNIT
        CT_NSPAWN_ARGS+=(--bind=/dev/net/tun)
}

ovpn_lab() {
        in_ct bash -e -c '
ip netns add vpnsrv
ip netns add world
ip link add up0 type veth peer name eth0 netns vpnsrv
ip addr add 198.51.100.1/24 dev up0; ip link set up0 up
ip route add default via 198.51.100.7
ip -n vpnsrv link set lo up
ip -n vpnsrv addr add 198.51.100.7/24 dev eth0; ip -n vpnsrv link set eth0 up
ip -n vpnsrv link add wan type veth peer name eth0 netns world
ip -n vpnsrv addr add 203.0.113.7/24 dev wan; ip -n vpnsrv link set wan up
ip -n world link set lo up
ip -n world addr add 203.0.113.1/24 dev eth0; ip -n world link set eth0 up
ip -n world route add 198.51.100.0/24 via 203.0.113.7
ip netns exec vpnsrv sysctl -qw net.ipv4.ip_forward=1
ip netns exec vpnsrv nft "add table inet srv; add chain inet srv post { type nat hook postrouting priority srcnat; }; add rule inet srv post iifname \"tun*\" oifname \"wan\" masquerade"
ip netns exec world setsid -f socat TCP-LISTEN:8000,fork,reuseaddr SYSTEM:"echo \$SOCAT_PEERADDR" </dev/null >/dev/null 2>&1
cd /etc/openvpn/server && ip netns exec vpnsrv openvpn --daemon --config server.conf --log /run/server.log
' || die "making the VPN server and the world failed"
}
