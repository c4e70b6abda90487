#!/bin/bash
# dns-dnsmasq.sh - DNS= under systemd 252 with a real DNS server from Debian: dnsmasq.service,
# attached through Units=, serves a name inside the namespace; a client in the namespace
# resolves it through the generated resolv.conf, whether started by netnsctl exec or as a unit
# in Units=, with the container's /etc/resolv.conf a file or a symlink into
# /run/systemd/resolve (also after the stub is replaced by rename); the host's resolver sockets
# are out of reach inside.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exec-lib.sh"

command -v dnsmasq >/dev/null || skip "dnsmasq not installed (apt-get install dnsmasq)"

ct_setup
# lib.sh masks dnsmasq.service (slow or irrelevant elsewhere): here it is the point
rm -f "$CT_ROOT/etc/systemd/system/dnsmasq.service"
ct_write /etc/netns/dns.conf <<'CONF'
[Namespace]
Boot=no
DNS=127.0.0.1
Domains=netns.test
Units=dnsmasq.service client.service
CONF
# the namespace's own name server: dnsmasq on the namespace's loopback, knowing one name
ct_write /etc/dnsmasq.d/netns-test.conf <<'CONF'
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
address=/svc.netns.test/192.0.2.10
CONF
# a client: resolves the name, and tries the host's resolver sockets
ct_write /usr/local/bin/netns-client 0755 <<'SH'
#!/bin/sh
# hosts, not ahosts: getaddrinfo's AI_ADDRCONFIG finds no address but loopback in here
getent hosts svc
for s in /run/systemd/resolve/io.systemd.Resolve /run/nscd/socket; do
        socat -u OPEN:/dev/null "UNIX-CONNECT:$s" 2>/dev/null && echo "reached $s"
done
exit 0
SH
ct_write /etc/systemd/system/client.service <<'UNIT'
[Service]
Type=oneshot
ExecStart=/bin/sh -c '/usr/local/bin/netns-client >/run/client.out 2>&1'
UNIT
nnc=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$(ct_unit_path netns@.service)")
ct_boot

# the container's own resolver, as systemd-resolved would have it: a varlink socket and a stub
# resolv.conf in /run/systemd/resolve, nscd's socket
in_ct mkdir -p /run/systemd/resolve /run/nscd
in_ct sh -c 'echo "nameserver 127.0.0.53" >/run/systemd/resolve/stub-resolv.conf'
in_ct systemd-run --unit=fake-resolved -q socat UNIX-LISTEN:/run/systemd/resolve/io.systemd.Resolve,fork OPEN:/dev/null
in_ct systemd-run --unit=fake-nscd -q socat UNIX-LISTEN:/run/nscd/socket,fork OPEN:/dev/null
wait_for "the fake resolver sockets" in_ct test -S /run/systemd/resolve/io.systemd.Resolve -a -S /run/nscd/socket

check_result() { # WHAT HOW OUTPUT
        case "$3" in
        *reached*) fail "$1: $2 reached the host's resolver: $3" ;;
        *"192.0.2.10"*"svc.netns.test"*) ok "$1: $2 resolves svc through dnsmasq in the namespace, host resolver out of reach" ;;
        *) fail "$1: $2 got: $3" ;;
        esac
}

check_resolution() { # WHAT
        local s
        for s in /run/systemd/resolve/io.systemd.Resolve /run/nscd/socket; do
                in_ct socat -u OPEN:/dev/null "UNIX-CONNECT:$s" || fail "$1: $s not reachable in the container (test setup)"
        done
        # a unit in Units=
        in_ct rm -f /run/client.out
        ct_systemctl start client.service || fail "$1: client.service failed"
        check_result "$1" client.service "$(in_ct cat /run/client.out 2>&1)"
        # netnsctl exec
        check_result "$1" "netnsctl exec" "$(in_ct "$nnc" exec dns /usr/local/bin/netns-client 2>&1)"
}

# --- /etc/resolv.conf a regular file (nspawn copies the host's)
in_ct test -L /etc/resolv.conf && in_ct rm /etc/resolv.conf
in_ct sh -c 'echo "nameserver 10.255.255.53" >/etc/resolv.conf'
netns_view_dropin dns dnsmasq.service yes
netns_view_dropin dns client.service yes
ct_systemctl start dnsmasq.service || die "dnsmasq.service did not start"
assert_state netns@dns.service active
pid=$(in_ct systemctl show -P MainPID dnsmasq.service)
assert_eq "netns of dnsmasq" "$(pin_inode dns)" "$(pid_netns_inode "$pid")"
if in_netns dns ss -lunH 'sport = :53' | grep -q '127.0.0.1:53'; then ok "dnsmasq listens on 127.0.0.1:53 inside"; else fail "dnsmasq does not listen inside"; fi
in_ct ss -lunH 'sport = :53' | grep -q '127.0.0.1:53' && fail "dnsmasq listens in the container's own namespace"
check_resolution "resolv.conf a file"
# the container itself does not know the name (its resolver is elsewhere)
in_ct env RES_OPTIONS="timeout:1 attempts:1" timeout 10 getent hosts svc.netns.test >/dev/null &&
        fail "the container resolves svc.netns.test itself"

# --- /etc/resolv.conf a symlink to systemd-resolved's stub (unreachable from inside)
in_ct ln -sfn /run/systemd/resolve/stub-resolv.conf /etc/resolv.conf
netns_view_dropin dns dnsmasq.service yes
netns_view_dropin dns client.service yes
ct_systemctl restart dnsmasq.service || fail "dnsmasq.service did not restart"
check_resolution "resolv.conf a symlink"
# resolved rewrites its stub by rename: a running client keeps the namespace's resolv.conf,
# and so does the next one
in_ct systemd-run -q --unit=late-client "$nnc" exec dns sh -c 'sleep 2; /usr/local/bin/netns-client >/run/late.out 2>&1'
sleep 0.5
in_ct sh -c 'echo "nameserver 127.0.0.54" >/run/systemd/resolve/stub-resolv.conf.new && mv /run/systemd/resolve/stub-resolv.conf.new /run/systemd/resolve/stub-resolv.conf'
wait_for "the late client" in_ct test -s /run/late.out
check_result "stub replaced by rename" "a client already running" "$(in_ct cat /run/late.out)"
check_resolution "stub replaced by rename"
# resolved not running: the stub is gone, the symlink dangles
in_ct rm /run/systemd/resolve/stub-resolv.conf
check_resolution "dangling symlink"

ct_systemctl stop netns@dns.service || fail "systemctl stop netns@dns"
assert_state dnsmasq.service inactive
assert_no_pin dns
ct_finish
