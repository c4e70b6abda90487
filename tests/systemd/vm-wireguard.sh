#!/bin/bash
# vm-wireguard.sh - a service confined to a WireGuard VPN at boot, under a real systemd on a
# kernel with WireGuard (systemd booted in the QEMU VM on Debian's kernel: vm-systemd-lib.sh).
# At boot, before netns@vpn, vpn-lab.service makes a "world" and a "vpn server" namespace (the
# peer configured with Debian's wg, masquerading to the world); /etc/netns/vpn.conf has a veth
# and a provider's wg-quick file (ConfigFile=, with a preshared key) and Units=vpn-probe.service,
# a socat loop that asks the world who it is. Checked, with no command given at boot:
# the probe runs in the namespace and the world sees it as the server; no TCP packet to the
# world reaches the host's side at any time (counted from before netns@vpn started); with the
# server's peer removed, the probe's attempts put no packet on the host or into the world; the
# private and preshared keys are nowhere in the whole journal (export format), status and
# --json, the record, /proc/*/cmdline or /proc/*/environ; systemctl stop netns@vpn stops the
# probe and leaves no WireGuard device and no nftables table of netnsctl's on the host.
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
        wg genpsk >"$k/psk"
        wg pubkey <"$k/client" >"$k/client.pub"
        umask 022
        # the provider's file; the keys again for the test to look for (root's, 0600)
        vm_write /etc/wireguard/provider.conf 0600 <<EOF
# as a VPN provider hands it out
[Interface]
PrivateKey = $(cat "$k/client")
Address = 10.2.0.2/32, fd00::2/128
DNS = 10.2.0.1

[Peer]
PublicKey = $(wg pubkey <"$k/server")
PresharedKey = $(cat "$k/psk")
AllowedIPs = 0.0.0.0/0, ::/0
Endpoint = 192.0.2.2:51820
PersistentKeepalive = 25
EOF
        for f in server client psk client.pub; do
                vm_write "/etc/vpnlab/$f" 0600 <"$k/$f"
        done
        vm_write /etc/netns/vpn.conf <<'EOF'
[Namespace]
Units=vpn-probe.service
[Veth]
[WireGuard]
ConfigFile=/etc/wireguard/provider.conf
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
        peer "$(cat /etc/vpnlab/client.pub)" preshared-key /etc/vpnlab/psk allowed-ips 10.2.0.2/32,fd00::2/128
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
        # the confined service: a line per attempt, then what the world said or "failed"
        vm_write /etc/systemd/system/vpn-probe.service <<'EOF'
[Unit]
Description=a service confined to the VPN: asks the world who it is

[Service]
ExecStart=/bin/sh -c 'while :; do echo try; /usr/bin/socat -T2 -u TCP4:198.51.100.1:8000,connect-timeout=1 STDOUT || echo failed; sleep 0.3; done'
StandardOutput=append:/run/vpn-probe.log
StandardError=journal
EOF
        vm_enable vpn-lab.service
        vm_enable world-echo.service
        vm_enable vpn-probe.service
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
assert_eq "$(systemctl show -P ActiveState netns@vpn.service)" active "netns@vpn at boot"
assert_eq "$(systemctl show -P ActiveState vpn-probe.service)" active "vpn-probe.service at boot"
pid=$(systemctl show -P MainPID vpn-probe.service)
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

# --- secrets: the private and preshared keys nowhere
"$NETNSCTL" status vpn >"$VM_JOB/status" 2>&1 || fail "netnsctl status vpn failed: $(cat "$VM_JOB/status")"
"$NETNSCTL" status vpn --json >"$VM_JOB/status.json" || fail "netnsctl status vpn --json failed"
grep -qF "$(wg pubkey </etc/vpnlab/client)" "$VM_JOB/status.json" || fail "status --json does not show the tunnel's public key"
journalctl -o export --no-pager >"$VM_JOB/journal.export" || fail "journalctl -o export failed"
[ -s "$VM_JOB/journal.export" ] || fail "the journal is empty"
# (the keys read from their files: a command line with them would find itself)
python3 - "$VM_JOB" <<'PY' || fail "a key is where it must not be"
import glob, os, sys
job = sys.argv[1]
keys = {n: open("/etc/vpnlab/" + n).read().strip().encode() for n in ("client", "psk")}
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
ok "the private and preshared keys are in no journal entry, status, --json, record, cmdline or environ"

# --- stop: the service with it, nothing of the tunnel left on the host
systemctl stop netns@vpn.service || fail "systemctl stop netns@vpn failed"
assert_eq "$(systemctl show -P ActiveState vpn-probe.service)" inactive "vpn-probe.service after stopping netns@vpn"
assert_eq "$(ip -j -d link show type wireguard | python3 -c 'import json,sys; print(" ".join(l["ifname"] for l in json.load(sys.stdin)))')" "" \
        "WireGuard devices on the host after stop"
assert_eq "$(nft -j list tables | python3 -c 'import json,sys; print(" ".join(o["table"]["family"] + "/" + o["table"]["name"] for o in json.load(sys.stdin)["nftables"] if "table" in o))')" \
        inet/lab "nftables tables on the host after stop (the test's own only)"
[ -e /run/netns/vpn ] && fail "/run/netns/vpn is still there"
ok "systemctl stop netns@vpn stops the service and leaves no WireGuard device, no table, no pin"
