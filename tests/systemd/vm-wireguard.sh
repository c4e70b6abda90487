#!/bin/bash
# vm-wireguard.sh - a service confined to a WireGuard VPN at boot, under a real systemd on a
# kernel with WireGuard (systemd booted in the QEMU VM on Debian's kernel: vm-systemd-lib.sh).
# The example "Confining a service to a WireGuard VPN" of netns.conf(5) as pasted: its
# /etc/netns/vpn.conf exactly, its provider's file with only the two keys filled in, its
# Endpoint's host name (vpn.example.net) in the VM's /etc/hosts. At boot, before netns@vpn,
# vpn-lab.service makes a "world" and a "vpn server" namespace (the peer configured with
# Debian's wg, masquerading to the world); transmission-daemon.service is a stand-in: a socat
# loop that asks the world who it is, and listeners on 9091 (the web interface) and 51413 (the
# peer port), bound to 0.0.0.0. Checked, with no command given at boot, what the page says:
# the daemon runs in the namespace and the world sees it as the server; no TCP packet to the
# world reaches the host's side at any time (counted from before netns@vpn started); the
# default routes inside are the tunnel's only; the provider's name server is the one in the
# daemon's /etc/resolv.conf; the web interface answers at the host's own address, port 9091;
# from the tunnel (the server's side) 51413 is open and 9091 closed; with the server's peer
# removed, the daemon's attempts put no packet on the host or into the world; the private key
# is nowhere in the whole journal (export format), status and --json, the record,
# /proc/*/cmdline or /proc/*/environ; systemctl stop netns@vpn stops the daemon and leaves no
# WireGuard device and no nftables table of netnsctl's on the host.
if [ -n "${NETNSCTL_IN_VM:-}" ]; then
        # shellcheck source=../kernel/vm-systemd-lib.sh
        . "$VM_JOB/vm-systemd-lib.sh"
else
        # shellcheck source=../kernel/vm-systemd-lib.sh
        . "$(dirname -- "$0")/../kernel/vm-systemd-lib.sh"
fi

# --- host side: the VM's root ------------------------------------------------------------
if [ -z "${NETNSCTL_IN_VM:-}" ]; then
        if [ -n "${NETNS_CT_RELEASE:-}" ]; then
                echo "skipped: the VM boots the machine's own root and build, not the $NETNS_CT_RELEASE root's (that is the default setup's run)"
                exit 77
        fi
        vm_systemd_need
        for c in wg socat nft; do
                command -v "$c" >/dev/null || { echo "skipped: no $c (tests/deps.sh installs it; the VM runs the host's)"; exit 77; }
        done
        vm_systemd_setup
        umask 077
        k=$VM_JOB/keys
        mkdir "$k"
        wg genkey >"$k/server"
        wg genkey >"$k/client"
        wg pubkey <"$k/client" >"$k/client.pub"
        wg pubkey <"$k/server" >"$k/server.pub"
        umask 022
        # the example's files as pasted; in the provider's file the keys for its placeholders
        python3 "$VM_HERE/../man-example.py" "Confining a service to a WireGuard VPN" "$VM_JOB/dest" >/dev/null ||
                fail "the man page example could not be extracted"
        python3 - "$VM_JOB/dest/etc/wireguard/provider.conf" "$k" <<'PY' || fail "the provider's file of the example has not its two key placeholders"
import sys
f, k = sys.argv[1], sys.argv[2]
s = open(f).read()
for ph, key in ((r"\fIthe key the provider gave\fR", "client"), (r"\fIthe server's key\fR", "server.pub")):
    if s.count(ph) != 1:
        sys.exit("no placeholder " + ph)
    s = s.replace(ph, open(k + "/" + key).read().strip())
if "\\" in s:
    sys.exit("a troff escape is left: " + s)
open(f, "w").write(s)
PY
        chmod 0600 "$VM_JOB/dest/etc/wireguard/provider.conf"
        # the keys again for the test to look for (root's, 0600)
        for f in server client client.pub; do
                vm_write "/etc/vpnlab/$f" 0600 <"$k/$f"
        done
        # the Endpoint's host name: the server's UDP address
        vm_write /etc/hosts <<'EOF'
127.0.0.1 localhost
::1 localhost
192.0.2.2 vpn.example.net
EOF
        # the world and the VPN server (its UDP port on 192.0.2.2, a veth from the host); on
        # the host a counter of TCP to the world's port, loaded before netns@vpn starts
        vm_write /usr/local/sbin/vpn-lab 0755 <<'EOF'
#!/bin/sh
set -e
ip netns add world
ip netns add vpnsrv
ip link add up0 type veth peer name eth0 netns vpnsrv
ip addr add 192.0.2.1/24 dev up0
ip link set up0 up
ip -n vpnsrv link set lo up
ip -n vpnsrv addr add 192.0.2.2/24 dev eth0
ip -n vpnsrv link set eth0 up
ip -n vpnsrv link add wan type veth peer name eth0 netns world
ip -n vpnsrv addr add 198.51.100.2/24 dev wan
ip -n vpnsrv link set wan up
ip -n world link set lo up
ip -n world addr add 198.51.100.1/24 dev eth0
ip -n world link set eth0 up
ip -n vpnsrv link add wg0 type wireguard
ip netns exec vpnsrv wg set wg0 private-key /etc/vpnlab/server listen-port 51820 \
        peer "$(cat /etc/vpnlab/client.pub)" allowed-ips 10.2.0.2/32,fd00::2/128
ip -n vpnsrv addr add 10.2.0.1/24 dev wg0
ip -n vpnsrv link set wg0 up
ip netns exec vpnsrv sysctl -qw net.ipv4.ip_forward=1
ip netns exec vpnsrv nft -f - <<'X'
table inet srv {
        chain post {
                type nat hook postrouting priority srcnat;
                oifname "wan" masquerade
        }
}
X
ip netns exec world nft -f - <<'X'
table inet count {
        chain in {
                type filter hook input priority 0;
                tcp dport 8000 counter
        }
}
X
nft -f - <<'X'
table inet lab {
        chain pre {
                type filter hook prerouting priority 0;
                tcp dport 8000 counter
        }
}
X
EOF
        vm_write /etc/systemd/system/vpn-lab.service <<'EOF'
[Unit]
Description=the world and a WireGuard server beside the host
DefaultDependencies=no
After=local-fs.target run-netns.mount
Before=netns@vpn.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/vpn-lab
EOF
        # the world answers each connection with the address it came from
        vm_write /etc/systemd/system/world-echo.service <<'EOF'
[Unit]
Description=the world: who are you
Requires=vpn-lab.service
After=vpn-lab.service

[Service]
NetworkNamespacePath=/run/netns/world
ExecStart=/usr/bin/socat TCP4-LISTEN:8000,fork,reuseaddr SYSTEM:"echo $$SOCAT_PEERADDR"
EOF
        # the confined daemon's stand-in: a web interface on 9091 and a peer port on 51413, bound
        # to 0.0.0.0; a line per attempt to reach the world, then what it said or "failed"
        vm_write /etc/systemd/system/transmission-daemon.service <<'EOF'
[Unit]
Description=Stand-in for a daemon confined to the VPN: asks the world who it is

[Service]
ExecStart=/bin/sh -c '/usr/bin/socat TCP4-LISTEN:9091,fork,reuseaddr SYSTEM:"echo web-ui" & /usr/bin/socat TCP4-LISTEN:51413,fork,reuseaddr SYSTEM:"echo peer" & while :; do echo try; /usr/bin/socat -T2 -u TCP4:198.51.100.1:8000,connect-timeout=1 STDOUT || echo failed; sleep 0.3; done'
StandardOutput=append:/run/vpn-probe.log
StandardError=journal
EOF
        vm_enable vpn-lab.service
        vm_enable world-echo.service
        # the page's "systemctl enable transmission-daemon.service", for the boot
        vm_enable transmission-daemon.service
        vm_systemd_run "$0"
fi

# --- inside the VM, after multi-user.target ----------------------------------------------
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
echo "# $(systemctl --version | head -1), kernel $(uname -r), $(cut -d' ' -f1 /proc/uptime) s after boot"
in_ns() { # NAME CMD...
        local n=$1
        shift
        nsenter --net="/run/netns/$n" -- "$@"
}
# the packet count of the first counter of an nftables chain (in the host, or in_ns NAME)
counter() { # FAMILY TABLE CHAIN [in_ns NAME]
        local fam=$1 table=$2 chain=$3
        shift 3
        "$@" nft -j list chain "$fam" "$table" "$chain" | python3 -c '
import json, sys
print(next(e["counter"]["packets"] for o in json.load(sys.stdin)["nftables"]
           for e in o.get("rule", {}).get("expr", []) if "counter" in e))'
}
# lines of the probe's log
probe_lines() { # WORD
        grep -cx "$1" /run/vpn-probe.log 2>/dev/null || true
}
wait_lines() { # WORD COUNT SECONDS
        local i
        for ((i = 0; i < $3 * 10; i++)); do
                [ "$(probe_lines "$1")" -ge "$2" ] && return 0
                sleep 0.1
        done
        fail "fewer than $2 '$1' lines in the probe's log after $3 s: $(tail -5 /run/vpn-probe.log 2>/dev/null | tr '\n' ' ')"
}

# --- at boot, with no command: the service in the namespace, through the tunnel
# (netns@vpn starts after network-online.target, its Endpoint= being on the host's network:
# multi-user.target, which this test is after, does not wait for it; the boot's job does)
end=$((SECONDS + 120))
until systemctl -q is-active netns@vpn.service transmission-daemon.service || ((SECONDS > end)); do
        sleep 0.5
done
assert_eq "$(systemctl show -P ActiveState netns@vpn.service)" active "netns@vpn at boot"
assert_eq "$(systemctl show -P ActiveState transmission-daemon.service)" active "transmission-daemon.service at boot"
pid=$(systemctl show -P MainPID transmission-daemon.service)
assert_eq "$(stat -L -c %i "/proc/$pid/ns/net")" "$(stat -L -c %i /run/netns/vpn)" "the probe's network namespace"
assert_eq "$(in_ns vpn ip -j -d link show type wireguard | python3 -c 'import json,sys; print(" ".join(l["ifname"] for l in json.load(sys.stdin)))')" wg0 \
        "WireGuard devices inside"
wait_lines 198.51.100.2 1 60
ok "at boot the confined service reaches the world, which sees the server's address ($(probe_lines try) attempts so far)"
in_ns vpnsrv wg show wg0 latest-handshakes | grep -q "^$(cat /etc/vpnlab/client.pub)[[:space:]]*[1-9]" ||
        fail "the server saw no handshake from the client"
grep -vx -e try -e 198.51.100.2 -e failed /run/vpn-probe.log && fail "the world saw the probe as another address"
assert_eq "$(counter inet lab pre)" 0 "TCP packets to the world's port on the host's side since before netns@vpn started"
ok "no packet to the world on the host's side since boot, only the tunnel's"

# --- what the page says of the tunnel's routes, the daemon's DNS and its ports
for fam in 4 6; do
        assert_eq "$(in_ns vpn ip -"$fam" -j route show default | python3 -c 'import json,sys; print(" ".join(r.get("type", "unicast") + ":" + r.get("dev", "") for r in json.load(sys.stdin)))')" \
                unicast:wg0 "IPv$fam default routes inside"
done
assert_eq "$(nsenter -t "$pid" -m grep '^nameserver' /etc/resolv.conf)" "nameserver 10.2.0.1" \
        "name servers in the daemon's /etc/resolv.conf"
# (a listener bound to 0.0.0.0: its answer, or "closed" when no connection is made)
ask() { # ADDRESS PORT [in_ns NAME]
        local a=$1 p=$2
        shift 2
        "$@" socat -T2 - "TCP4:$a:$p,connect-timeout=3" </dev/null 2>/dev/null || echo closed
}
assert_eq "$(ask 192.0.2.1 9091)" web-ui "the web interface at the host's own address, port 9091"
assert_eq "$(ask 10.2.0.2 51413 in_ns vpnsrv)" peer "port 51413 from the tunnel"
assert_eq "$(ask 10.2.0.2 9091 in_ns vpnsrv)" closed "port 9091 from the tunnel"
ok "the tunnel's default routes only, the provider's name server in the daemon's resolv.conf, the web interface at the host's address, from the tunnel 51413 open and 9091 closed"

# --- kill switch: the server forgets the client; the probe goes on trying
in_ns vpnsrv wg set wg0 peer "$(cat /etc/vpnlab/client.pub)" remove
# (an attempt under way when the peer went may still arrive: counted from the first failure)
n=$(probe_lines failed)
wait_lines failed $((n + 1)) 30
w=$(counter inet count in in_ns world)
t=$(probe_lines try)
wait_lines failed $((n + 6)) 60
assert_eq "$(counter inet count in in_ns world)" "$w" "TCP packets arriving in the world without the peer"
assert_eq "$(counter inet lab pre)" 0 "TCP packets to the world's port on the host's side without the peer"
ok "with the server's peer removed, $(($(probe_lines try) - t)) attempts of the service put no packet on the host or into the world"

# --- secrets: the private key nowhere
"$NETNSCTL" status vpn >"$VM_JOB/status" 2>&1 || fail "netnsctl status vpn failed: $(cat "$VM_JOB/status")"
"$NETNSCTL" status vpn --json >"$VM_JOB/status.json" || fail "netnsctl status vpn --json failed"
grep -qF "$(wg pubkey </etc/vpnlab/client)" "$VM_JOB/status.json" || fail "status --json does not show the tunnel's public key"
journalctl -o export --no-pager >"$VM_JOB/journal.export" || fail "journalctl -o export failed"
[ -s "$VM_JOB/journal.export" ] || fail "the journal is empty"
# (the keys read from their files: a command line with them would find itself)
python3 - "$VM_JOB" <<'PY' || fail "a key is where it must not be"
import glob, os, sys
job = sys.argv[1]
keys = {n: open("/etc/vpnlab/" + n).read().strip().encode() for n in ("client",)}
files = [job + "/status", job + "/status.json", job + "/journal.export"]
for top, dirs, names in os.walk("/run/netnsctl"):
    dirs[:] = [d for d in dirs if d != "sys"]
    files += [os.path.join(top, n) for n in names]
files += glob.glob("/proc/[0-9]*/cmdline") + glob.glob("/proc/[0-9]*/environ")
seen = 0
for f in files:
    try:
        data = open(f, "rb").read()
    except OSError:
        continue
    seen += 1
    for n, k in keys.items():
        if k in data:
            sys.exit(f"the {n} key is in {f}")
print(f"# {seen} files read, no key in any")
PY
ok "the private key is in no journal entry, status, --json, record, cmdline or environ"

# --- stop: the service with it, nothing of the tunnel left on the host
systemctl stop netns@vpn.service || fail "systemctl stop netns@vpn failed"
assert_eq "$(systemctl show -P ActiveState transmission-daemon.service)" inactive "transmission-daemon.service after stopping netns@vpn"
assert_eq "$(ip -j -d link show type wireguard | python3 -c 'import json,sys; print(" ".join(l["ifname"] for l in json.load(sys.stdin)))')" "" \
        "WireGuard devices on the host after stop"
assert_eq "$(nft -j list tables | python3 -c 'import json,sys; print(" ".join(o["table"]["family"] + "/" + o["table"]["name"] for o in json.load(sys.stdin)["nftables"] if "table" in o))')" \
        inet/lab "nftables tables on the host after stop (the test's own only)"
[ -e /run/netns/vpn ] && fail "/run/netns/vpn is still there"
ok "systemctl stop netns@vpn stops the service and leaves no WireGuard device, no table, no pin"
