#!/bin/bash
# demo-vpn.sh - the README's second demo, demo/vpn, works and shows what it claims: the daemon's
# requests leave through the OpenVPN tunnel as the server's address, the host's as itself; after
# the client is killed the daemon's attempts fail, no route but the veth's to the server is left,
# no packet from inside crossed the veth, and nothing of the namespace is left after stop.
. "$(dirname "$0")/demo-lib.sh"
command -v openvpn >/dev/null || { echo "SKIP: no openvpn (Debian's openvpn)"; exit 77; }
demo_run vpn
# the output of the command shown as "# CMD" (up to the next command or heading), the Nth time
# it is shown
output_of() { # N CMD
        sed 's/\x1b\[[0-9;]*m//g' "$out" | awk -v n="$1" -v c="# $2" '
                $0 == c { k++; on = (k == n); next }
                /^(# |== )/ { on = 0 }
                on'
}
check() { # WHAT EXPECTED ACTUAL
        if [ "$2" = "$3" ]; then echo "ok - $1"; else echo "FAIL - $1: expected '$2', got '$3'"; fail=1; fi
}
check "the daemon through the tunnel" "203.0.113.7" "$(output_of 1 "truncate -s 0 /run/seen && sleep 2 && cat /run/seen" | sort -u)"
check "a command inside through the tunnel" "203.0.113.7" \
        "$(output_of 1 "netnsctl exec ovpn -- socat -T 3 - TCP:203.0.113.1:8000,connect-timeout=3")"
check "the host as itself" "198.51.100.1" "$(output_of 1 "socat -T 3 - TCP:203.0.113.1:8000,connect-timeout=3")"
check "the daemon after the client died" "fail" "$(output_of 2 "truncate -s 0 /run/seen && sleep 2 && cat /run/seen" | sort -u)"
check "routes inside after the client died" "unreachable default
10.250.99.0/31 dev host0
198.51.100.7 via 10.250.99.0 dev host0" "$(output_of 3 "ip -n ovpn route" | sed 's/ proto.*//')"
check "packets from inside on the veth after the client died" "0" \
        "$(output_of 1 "nft list chain inet count pre | grep counter" | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')"
check "namespaces after stop" "vpnsrv world" "$(output_of 1 "ip netns list" | awk 'NF {print $1}' | sort | tr '\n' ' ' | sed 's/ $//')"
exit $fail
