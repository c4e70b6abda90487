#!/bin/bash
# systemd-scale.sh - issue 7 item 6: N netns@ units (veth with auto addresses, masquerade, one
# port forward each) started by ONE "systemctl start" in a booted systemd, timed until all are
# active; then the same with a bash unit template (bashns@.service running the iproute2 + nft
# sequence of the recipes, a nat table per namespace), in the same container; the ratio.
# Also: kernel memory per namespace (MemAvailable and Slab of /proc/meminfo before and after
# the N netnsctl namespaces are up, divided by N) and the peak RSS of one "netnsctl up"
# (/usr/bin/time -v) with N namespaces up. Not a pass/fail test: it prints figures and the
# issue's targets (≤ 30 s for 1000, ≥ 10× faster than the bash template, RSS ≤ 4 MiB).
#
# Usage (root): bench/systemd-scale.sh [N]       default 1000 (a few minutes); 100 is a quick run
# Environment: BUILD_DIR (default: build/ of this tree, installed into the container),
# START_TIMEOUT (seconds for each "systemctl start", default 900).
#
# It runs in a throw-away systemd-nspawn container with --private-network on an overlay over
# / (tests/systemd/lib.sh): nothing of the machine's network or /etc is touched. The kernel's
# memory figures are machine-wide (/proc/meminfo has no per-container view): other work on
# the machine during the run shows up in them.
#
# The bash template: the kernel allows 1024 base chains per hook and network namespace
# (nf_hook_entries_grow(), MAX_HOOK_COUNT), and a table per namespace needs a prerouting and a
# postrouting nat chain: near 1000 namespaces its starts fail. They are counted, not hidden.
here=$(cd "$(dirname -- "$0")" && pwd)
: "${BUILD_DIR:=$here/../build}"
export BUILD_DIR
. "$here/../tests/systemd/lib.sh" || exit 1

N=${1:-1000}
case $N in
'' | *[!0-9]*) echo "systemd-scale.sh: '$N' is no number of namespaces" >&2; exit 1 ;;
esac
[ "$N" -ge 1 ] && [ "$N" -le 5000 ] || { echo "systemd-scale.sh: N=$N is out of range (1-5000)" >&2; exit 1; }
START_TIMEOUT=${START_TIMEOUT:-900}
[ -x /usr/bin/time ] || skip "/usr/bin/time missing (apt-get install time)"
command -v jq >/dev/null || skip "jq missing (apt-get install jq)"
CT_TIMEOUT=120

ct_setup
# netnsctl: s1..sN, and one more (sN+1) for the RSS measurement
for ((i = 1; i <= N + 1; i++)); do
        ct_write "/etc/netns/s$i.conf" <<CONF
[Namespace]
Boot=no

[Veth]
HostAddress=auto
Address=auto

[NAT]
Masquerade=ipv4
Port=tcp:$((20000 + i)):80
CONF
done

# the bash way: what recipes for "a named namespace as a unit" do
ct_write /etc/systemd/system/bashns@.service <<'UNIT'
[Unit]
Description=Network namespace %i (bash recipe)

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/bashns-up %i
ExecStop=/usr/local/sbin/bashns-down %i
# all N start at once and share 2 CPUs: let a slow one finish rather than time out
TimeoutStartSec=600
UNIT
ct_write /usr/local/sbin/bashns-up 0755 <<'SH'
#!/bin/bash
# bashns-up NAME (bI): veth vbI / eth0 inside, 10.251.0.0/16 in /31s, fd42:b:0:I::/64,
# default routes, forwarding, a nat table of its own with masquerade and a DNAT of port 40000+I
set -e
n=$1 i=${1#b}
h=v$n p=eth0
a=$((2 * i))
h4=10.251.$((a / 256)).$((a % 256)) p4=10.251.$(((a + 1) / 256)).$(((a + 1) % 256))
h6=fd42:b:0:$(printf %x "$i")::1 p6=fd42:b:0:$(printf %x "$i")::2
ip netns add "$n"
ip link add "$h" type veth peer name "$p" netns "$n"
ip addr add "$h4/31" dev "$h"
ip addr add "$h6/64" dev "$h" nodad
ip -n "$n" addr add "$p4/31" dev "$p"
ip -n "$n" addr add "$p6/64" dev "$p" nodad
ip link set "$h" up
ip -n "$n" link set lo up
ip -n "$n" link set "$p" up
ip -n "$n" route add default via "$h4"
ip -n "$n" -6 route add default via "$h6"
sysctl -qw net.ipv4.ip_forward=1
nft add table ip "nat_$n"
nft add chain ip "nat_$n" prerouting '{ type nat hook prerouting priority dstnat; policy accept; }'
nft add chain ip "nat_$n" postrouting '{ type nat hook postrouting priority srcnat; policy accept; }'
nft add rule ip "nat_$n" postrouting ip saddr "$p4" oifname != "$h" masquerade
nft add rule ip "nat_$n" prerouting fib daddr type local tcp dport $((40000 + i)) dnat to "$p4:80"
SH
ct_write /usr/local/sbin/bashns-down 0755 <<'SH'
#!/bin/bash
n=$1
nft delete table ip "nat_$n" 2>/dev/null
ip link del "v$n" 2>/dev/null
ip netns del "$n" 2>/dev/null
exit 0
SH
ct_boot

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
count() { # count PATTERN STATE
        in_ct systemctl list-units "$1" --all --state="$2" --plain --no-legend --no-pager | grep -c '@'
}
# CPU seconds (user + system) the container's systemd (PID 1) has used so far
pid1_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$CT_PID1/stat"; }
# peak_rss ARGS...: maximum resident set size in KiB of one run of ARGS inside the container
peak_rss() { in_ct /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }'; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
units() { # units TEMPLATE PREFIX
        local i
        for ((i = 1; i <= N; i++)); do echo "$1@$2$i.service"; done
}

echo "# systemd-scale: $N namespaces, $(nproc) CPUs, kernel $(uname -r), systemd $(in_ct systemctl --version | awk 'NR == 1 { print $2 }')"

# --- netnsctl ---------------------------------------------------------------------------
# the command netns@.service runs, and its peak RSS with no namespace up (and of --version:
# what loading the libraries alone costs)
exe=$(in_ct systemctl show -P ExecStart "netns@s$((N + 1)).service" | sed -n 's/.*path=\([^ ;]*\).*/\1/p')
rss_version=$(peak_rss "$exe" --version)
rss_first=$(peak_rss "$exe" up "s$((N + 1))")
in_ct "$exe" down "s$((N + 1))" >/dev/null 2>&1
sync
avail0=$(meminfo MemAvailable) slab0=$(meminfo Slab)
mounts0=$(in_ct awk 'END { print NR }' /proc/self/mountinfo)
mapfile -t u < <(units netns s)
c0=$(pid1_cpu)
t0=$(now)
in_ct timeout "$START_TIMEOUT" systemctl start "${u[@]}" 2>"$CT_DIR/start.err"
rc=$?
t1=$(now)
nn_time=$(secs "$t0" "$t1")
nn_pid1=$(awk -v a="$c0" -v b="$(pid1_cpu)" 'BEGIN { printf "%.1f", b - a }')
nn_active=$(count 'netns@s*' active)
nn_failed=$(count 'netns@s*' failed)
sleep 2
avail1=$(meminfo MemAvailable) slab1=$(meminfo Slab)
mounts1=$(in_ct awk 'END { print NR }' /proc/self/mountinfo)
echo "netnsctl:  systemctl start of $N netns@ units: ${nn_time} s (exit $rc), $nn_active active, $nn_failed failed"
fwd=$(in_ct nft -j list map inet netnsctl fwd4 2>/dev/null | jq '[.nftables[] | .map? // empty | .elem // [] | length] | add // 0')
echo "           $fwd port forwards in netnsctl's table, mountinfo $mounts0 -> $mounts1 lines ($(((mounts1 - mounts0) / (nn_active > 0 ? nn_active : 1))) per namespace)"
echo "           CPU time of the container's systemd (PID 1) during the start: ${nn_pid1} s"
# what systemctl itself said (e.g. "Failed to start X: No buffer space available" when its bus
# queue overflows with PID 1's signals, though the job runs), one line per kind
grep -v '^See ' "$CT_DIR/start.err" | sed 's/^Failed to start [^:]*:/Failed to start UNIT:/' | sort | uniq -c | sed 's/^ */           systemctl: /' | head -5
avail_kib=$(((avail0 - avail1) / N)) slab_kib=$(((slab1 - slab0) / N))
echo "memory:    MemAvailable -$(((avail0 - avail1) / 1024)) MiB, Slab +$(((slab1 - slab0) / 1024)) MiB: per namespace ${avail_kib} KiB (MemAvailable), ${slab_kib} KiB (Slab)"

# peak RSS of one "netnsctl up" (the command netns@.service runs), with N namespaces up
rss=$(peak_rss "$exe" up "s$((N + 1))")
echo "peak RSS:  $exe up: ${rss_first:-?} KiB with none up, ${rss:-?} KiB with $N up (--version: ${rss_version:-?} KiB)"
in_ct "$exe" down "s$((N + 1))" >/dev/null 2>&1

t0=$(now)
in_ct timeout "$START_TIMEOUT" systemctl stop "${u[@]}"
t1=$(now)
echo "           systemctl stop of $N: $(secs "$t0" "$t1") s, $(count 'netns@s*' active) left active"

# --- the bash template --------------------------------------------------------------------
mapfile -t u < <(units bashns b)
c0=$(pid1_cpu)
t0=$(now)
in_ct timeout "$START_TIMEOUT" systemctl start "${u[@]}" 2>/dev/null
rc=$?
t1=$(now)
sh_time=$(secs "$t0" "$t1")
sh_pid1=$(awk -v a="$c0" -v b="$(pid1_cpu)" 'BEGIN { printf "%.1f", b - a }')
sh_active=$(count 'bashns@*' active)
sh_failed=$(count 'bashns@*' failed)
sh_activating=$(count 'bashns@*' activating)
# (bounded: with hundreds of "nft" of the bash units still fighting for the ruleset, a listing waits)
sh_tables=$(in_ct timeout 30 nft -j list tables | jq '[.nftables[] | select(.table.name? // "" | startswith("nat_b"))] | length')
echo "bash:      systemctl start of $N bashns@ units: ${sh_time} s (exit $rc), $sh_active active, $sh_failed failed, $sh_activating still activating, $sh_tables nat tables"
[ "$rc" = 124 ] && echo "           (systemctl start was stopped after START_TIMEOUT=$START_TIMEOUT s: the time is a lower bound)"
echo "           CPU time of the container's systemd (PID 1) during the start: ${sh_pid1} s"
if [ "$sh_failed" -gt 0 ]; then
        f=$(in_ct systemctl list-units 'bashns@*' --all --state=failed --plain --no-legend --no-pager | awk '{ print $1 }' | head -1)
        echo "           first failure ($f):"
        in_ct journalctl -b --no-pager -o cat -u "$f" | grep -v '^\(Starting\|Failed\|bashns\)' | tail -3 | sed 's/^/#   /'
fi

# --- summary --------------------------------------------------------------------------
ratio=$(awk -v a="$nn_time" -v b="$sh_time" 'BEGIN { if (a > 0) printf "%.1f", b / a; else print "-" }')
[ "$rc" = 124 ] && ratio="≥ $ratio"
per_nn=$(awk -v t="$nn_time" -v n="$nn_active" 'BEGIN { if (n > 0) printf "%.1f", 1000 * t / n; else print "-" }')
per_sh=$(awk -v t="$sh_time" -v n="$sh_active" 'BEGIN { if (n > 0) printf "%.1f", 1000 * t / n; else print "-" }')
echo
echo "| $N namespaces, one systemctl start | time | active | failed | per active namespace | PID 1 CPU |"
echo "|---|---|---|---|---|---|"
echo "| netns@ (netnsctl) | ${nn_time} s | $nn_active | $nn_failed | ${per_nn} ms | ${nn_pid1} s |"
echo "| bashns@ (iproute2 + nft) | ${sh_time} s$([ "$rc" = 124 ] && echo " (cut off, $sh_activating activating)") | $sh_active | $sh_failed | ${per_sh} ms | ${sh_pid1} s |"
echo
echo "ratio bash / netnsctl (wall time of the whole start): ${ratio}×   (target ≥ 10×)"
echo "netnsctl time for $N: ${nn_time} s   (target ≤ 30 s for 1000)"
echo "kernel memory per namespace: ${avail_kib} KiB MemAvailable, ${slab_kib} KiB Slab"
echo "netnsctl peak RSS of up: ${rss_first:-?} KiB with none up, ${rss:-?} KiB with $N up   (target ≤ 4096 KiB)"
