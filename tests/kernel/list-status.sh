#!/bin/bash
# list-status.sh - netnsctl list and status: what they show matches what the kernel reports,
# for netnsctl's namespaces and iproute2's, and their JSON has exactly the documented fields.
. "$(dirname "$0")/lib.sh"
SCHEMA="$(dirname "$0")/list-schema.py"

pids=()
cleanup() {
        local p
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# jq-less field access: py EXPR, with the JSON document as "d"
py() {
        python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

conf a <<'X'
[Namespace]
Sysctl=net.ipv4.ip_forward=1
[Veth]
[NAT]
Port=tcp:8080:80
Port=udp:127.0.0.1:5353:53
X
nnc up a
ip netns add foreign
ip -n foreign link set lo up
ip -n foreign addr add 192.0.2.5/24 dev lo
ip -n foreign addr add 2001:db8::5/64 dev lo nodad
install -m 0 /dev/null /run/netns/stale
conf k <<'X'
[Namespace]
X
NETNSCTL_TEST_KILL_AFTER=namespace "$NETNSCTL" up k && fail "up k was not killed"
ip netns exec foreign sleep 60 &
pids+=($!)
nsenter --net=/run/netns/a sleep 60 &
pids+=($!)
sleep_in_a=$!
# wait until both have entered their namespaces
for _ in $(seq 50); do
        [ "$(stat -L -c %i /proc/$sleep_in_a/ns/net)" = "$(stat -L -c %i /run/netns/a)" ] && break
        sleep 0.1
done

# --- list --json: the documented fields, and the values the kernel has
"$NETNSCTL" list --json >"$T/list.json" || fail "list --json failed"
python3 "$SCHEMA" list <"$T/list.json" || fail "list JSON does not match the documented fields"
assert_eq "$(py '" ".join(e["name"] for e in d)' <"$T/list.json")" "a foreign k stale" "names listed"
entry() { # NAME FIELD
        py "[e for e in d if e['name']=='$1'][0]['$2']" <"$T/list.json"
}
assert_eq "$(entry a managed) $(entry a state) $(entry a pin)" "True up ok" "a: managed, state, pin"
assert_eq "$(entry a inode)" "$(stat -L -c %i /run/netns/a)" "a: inode"
assert_eq "$(entry a processes)" 1 "a: processes"
want=$(in_ns a ip -j addr show scope global | python3 -c 'import json,sys; print(sorted(a["local"]+"/"+str(a["prefixlen"]) for l in json.load(sys.stdin) for a in l["addr_info"] if "local" in a))')
assert_eq "$(py "sorted([e for e in d if e['name']=='a'][0]['addresses'])" <"$T/list.json")" "$want" "a: addresses"
[ "$want" != "[]" ] || fail "a has no global addresses to compare (veth step missing?)"
assert_eq "$(entry foreign managed) $(entry foreign state) $(entry foreign pin)" "False unmanaged ok" "foreign: managed, state, pin"
assert_eq "$(entry foreign addresses)" "['192.0.2.5/24', '2001:db8::5/64']" "foreign: addresses"
assert_eq "$(entry foreign processes)" 1 "foreign: processes"
# the host end and the forwards, as the record lists them and nftables has them
assert_eq "$(entry a host_veth)" "nn-a" "a: host_veth"
ip link show nn-a >/dev/null || fail "a: no host veth nn-a"
assert_eq "$(py "sorted((f['protocol'], f['family'], f['host_address'], f['host_port'], f['port']) for f in [e for e in d if e['name']=='a'][0]['forwards'])" <"$T/list.json")" \
        "[('tcp', 'ipv4', None, 8080, 80), ('tcp', 'ipv6', None, 8080, 80), ('udp', 'ipv4', '127.0.0.1', 5353, 53)]" "a: forwards"
[[ $(nft list map inet netnsctl fwd4) == *"tcp . 8080 :"* ]] || fail "a: tcp 8080 not in nftables: $(nft list map inet netnsctl fwd4)"
assert_eq "$(entry foreign host_veth) $(entry foreign forwards)" "None []" "foreign: no host veth, no forwards"
"$NETNSCTL" list --no-legend | awk '$1 == "a" {print $6, $7}' >"$T/list-a.txt"
assert_eq "$(cat "$T/list-a.txt")" "nn-a tcp:8080,udp:127.0.0.1:5353" "list: HOST-VETH and PORTS columns"
assert_eq "$(entry k managed) $(entry k state) $(entry k pin)" "True incomplete ok" "k (killed up): managed, state, pin"
assert_eq "$(entry stale state) $(entry stale pin) $(entry stale inode)" "unmanaged stale None" "stale placeholder"
assert_eq "$(entry a unit)" None "unit without a system manager"
pass "list --json"

# --- the table: a header, one line per namespace, a footer; --no-legend: only the lines
"$NETNSCTL" list >"$T/list.txt" || fail "list failed"
head -1 "$T/list.txt" | grep -q '^NAME  *STATE  *PIN  *UNIT  *PROCESSES  *HOST-VETH  *PORTS  *PEERS  *TUNNEL  *ADDRESSES$' || fail "list header: $(head -1 "$T/list.txt")"
grep -q '^4 namespaces listed\.$' "$T/list.txt" || fail "list footer missing"
grep -qE '^foreign +unmanaged +ok +- +1 +192\.0\.2\.5/24 2001:db8::5/64$' "$T/list.txt" || fail "list line of foreign: $(grep ^foreign "$T/list.txt")"
grep -q $'\033' "$T/list.txt" && fail "colour codes written to a file"
"$NETNSCTL" list --no-legend >"$T/list.txt"
assert_eq "$(wc -l <"$T/list.txt")" 4 "lines of list --no-legend"
assert_eq "$(cut -d' ' -f1 "$T/list.txt" | tr '\n' ' ')" "a foreign k stale " "names of list --no-legend"
SYSTEMD_COLORS=1 "$NETNSCTL" list --no-legend | grep -q $'\033\[0;1;32mup' || fail "SYSTEMD_COLORS=1: no colour"
pass "list table"

# --- status --json: documented fields; links, addresses, routes, sysctls, processes as the kernel says
"$NETNSCTL" status a --json >"$T/status.json" || fail "status --json failed"
python3 "$SCHEMA" status <"$T/status.json" || fail "status JSON does not match the documented fields"
assert_eq "$(py 'd["state"], d["managed"], d["pin"]["state"], d["pin"]["inode"]' <"$T/status.json")" \
        "up True ok $(stat -L -c %i /run/netns/a)" "status a: state, pin"
assert_eq "$(py 'd["config"]' <"$T/status.json")" "{'files': ['/etc/netns/a.conf'], 'valid': True, 'reload_pending': False}" "status a: config"
want=$(in_ns a ip -j addr show | python3 -c 'import json,sys; print(sorted((l["ifname"], a["local"]+"/"+str(a["prefixlen"])) for l in json.load(sys.stdin) for a in l["addr_info"] if "local" in a))')
assert_eq "$(py 'sorted((l["ifname"], a["address"]) for l in d["links"] for a in l["addresses"])' <"$T/status.json")" "$want" "status a: addresses per link"
want=$(in_ns a ip -j link show | python3 -c 'import json,sys; print(sorted((l["ifindex"], l["ifname"], "UP" in l["flags"], l["mtu"]) for l in json.load(sys.stdin)))')
assert_eq "$(py 'sorted((l["ifindex"], l["ifname"], l["up"], l["mtu"]) for l in d["links"])' <"$T/status.json")" "$want" "status a: links"
assert_eq "$(py '[l["host_peer"] for l in d["links"] if l["kind"] == "veth"]' <"$T/status.json")" "['nn-a']" "status a: veth peer on the host"
gw=$(in_ns a ip -j -4 route show default | py 'd[0]["gateway"]')
assert_eq "$(py '[(r["gateway"], r["ifname"]) for r in d["routes"] if r["destination"] == "default" and r["family"] == "ipv4"]' <"$T/status.json")" \
        "[('$gw', 'host0')]" "status a: IPv4 default route"
assert_eq "$(py 'd["sysctls"]' <"$T/status.json")" "[{'key': 'net.ipv4.ip_forward', 'configured': '1', 'value': '1'}]" "status a: sysctls"
assert_eq "$(py '[p["pid"] for p in d["processes"]]' <"$T/status.json")" "[$sleep_in_a]" "status a: processes"
assert_eq "$(py '[p["command"] for p in d["processes"]]' <"$T/status.json")" "['sleep 60']" "status a: process command"
assert_eq "$(py 'd["record"][-1]' <"$T/status.json")" complete "status a: record"
pass "status --json"

# the text form names the same things
"$NETNSCTL" status a >"$T/status.txt" || fail "status failed"
for want in "State: up" "Config: /etc/netns/a.conf" "Pin: /run/netns/a (ok" "host0 (veth, peer nn-a on the host) admin up, oper " \
        "net.ipv4.ip_forward = 1" "$sleep_in_a sleep 60"; do
        grep -qF "$want" "$T/status.txt" || { cat "$T/status.txt" >&2; fail "status text lacks '$want'"; }
done
pass "status text"

# an iproute2 namespace; a placeholder; a killed up
"$NETNSCTL" status foreign --json >"$T/status.json" || fail "status foreign failed"
python3 "$SCHEMA" status <"$T/status.json" || fail "status foreign JSON"
assert_eq "$(py 'd["state"], d["config"], d["record"], len(d["processes"])' <"$T/status.json")" "unmanaged None None 1" "status foreign"
"$NETNSCTL" status stale --json | python3 "$SCHEMA" status || fail "status stale JSON"
"$NETNSCTL" status k --json >"$T/status.json" || fail "status k failed"
assert_eq "$(py 'd["state"], d["record"][0], d["record"][1].split()[:2], d["record"][-1]' <"$T/status.json")" \
        "incomplete pin ['netns', '$(stat -L -c %i /run/netns/k)'] $(py 'd["record"][1]' <"$T/status.json")" "status k"
pass "status of others"

# --- unknown name: one line naming it, exit 1
nnc_fails status nosuch
assert_eq "$(wc -l <"$T/err")" 1 "lines of the error for an unknown name"
grep -q "nosuch" "$T/err" || fail "error does not name nosuch"
rc=0
"$NETNSCTL" status nosuch >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 1 "exit status for an unknown name"
nnc_fails status ../etc
# a name longer than a file name can be: invalid, not a namespace in an "error" state
nnc_fails status "$(printf 'n%.0s' $(seq 1 300))"
grep -q "Invalid namespace name" "$T/err" || fail "status of a 300-character name: $(cat "$T/err")"
pass "unknown name"

# --- not root: what cannot be seen is null / "-", never 0 ("processes" of a pinned namespace:
# the ns/net links of other users' processes cannot be looked at, so any count would be short)
if command -v setpriv >/dev/null; then
        nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
        nobody "$NETNSCTL" list --json >"$T/list-nobody.json" || fail "list --json as nobody failed"
        python3 "$SCHEMA" list <"$T/list-nobody.json" || fail "list JSON as nobody"
        assert_eq "$(py "[e['processes'] for e in d if e['name'] in ('a', 'foreign')]" <"$T/list-nobody.json")" \
                "[None, None]" "list as nobody: processes of pinned namespaces"
        nobody "$NETNSCTL" list --no-legend >"$T/list-nobody.txt" || fail "list as nobody failed"
        assert_eq "$(awk '$1 == "a" {print $5}' "$T/list-nobody.txt")" "-" "list as nobody: PROCESSES column"
        nobody "$NETNSCTL" status a --json >"$T/status-nobody.json" || fail "status a --json as nobody failed"
        assert_eq "$(py 'd["processes"]' <"$T/status-nobody.json")" None "status as nobody: processes"
        pass "not root: processes null"
else
        echo "skipped part: setpriv(1) missing, no non-root run"
fi

# --- conventions: VERB --help, --version, option after the verb, unknown option
"$NETNSCTL" list --help | grep -q -- "--no-legend" || fail "list --help"
"$NETNSCTL" status --help | grep -qF "status [NAME]" || fail "status --help"
"$NETNSCTL" --version | grep -qE '^netnsctl [0-9]' || fail "--version"
nnc_fails list --no-such-option
pass "conventions"
echo "all ok"
