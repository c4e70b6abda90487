#!/bin/bash
# status-unit.sh - netnsctl list/status/monitor under a real systemd: unit states through the
# bus, attached units, processes with their units, journal lines of netns@NAME, JSON with the
# documented fields; "journalctl NETNS=NAME" finds what netnsctl logged about NAME.
. "$(dirname -- "$0")/lib.sh" || exit 1
SCHEMA=$(cd "$(dirname -- "$0")/../kernel" && pwd)/list-schema.py

ct_setup
ct_write /etc/netns/a.conf <<'CONF'
[Namespace]
Boot=no
Sysctl=net.ipv4.ip_forward=1
Units=sleeper.service
CONF
# valid syntax, but the sysctl does not exist: "up" fails at run time and logs why
ct_write /etc/netns/bad.conf <<'CONF'
[Namespace]
Boot=no
Sysctl=net.ipv4.no_such_sysctl=1
CONF
ct_write /etc/systemd/system/sleeper.service <<'UNIT'
[Unit]
Description=netnsctl test sleeper

[Service]
ExecStart=/bin/sleep infinity
UNIT
ct_boot

NNC=$(in_ct sh -c 'command -v netnsctl')
[ -n "$NNC" ] || die "netnsctl not in the container's PATH"
mon_pid=$(in_ct sh -c "timeout 60 $NNC monitor --json >/run/monitor.json 2>&1 & echo \$!")
sleep 0.3

if ct_systemctl start sleeper.service; then ok "systemctl start sleeper.service"; else fail "systemctl start sleeper.service"; fi
assert_state netns@a.service active
assert_state sleeper.service active
sleeper=$(in_ct systemctl show -P MainPID sleeper.service)

# --- list: unit state through the bus, the sleeper counted
in_ct "$NNC" list --json >"$CT_DIR/list.json" || fail "netnsctl list --json"
python3 "$SCHEMA" list <"$CT_DIR/list.json" && ok "list JSON has the documented fields" || fail "list JSON"
assert_eq "list: a" "('up', 'active', 1)" "$(python3 -c '
import json, sys
print(*[(e["state"], e["unit"], e["processes"]) for e in json.load(open(sys.argv[1])) if e["name"] == "a"])' "$CT_DIR/list.json")"
in_ct "$NNC" list >"$CT_DIR/list.txt" || fail "netnsctl list"
if grep -qE '^a +up +ok +active +1( |$)' "$CT_DIR/list.txt"; then ok "list table line of a"; else cat "$CT_DIR/list.txt"; fail "list table line of a"; fi

# --- status: unit, attached unit, process with its unit, journal of netns@a
in_ct "$NNC" status a --json >"$CT_DIR/status.json" || fail "netnsctl status a --json"
python3 "$SCHEMA" status <"$CT_DIR/status.json" && ok "status JSON has the documented fields" || fail "status JSON"
q() {
        python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$CT_DIR/status.json"
}
assert_eq "status a: unit" "{'name': 'netns@a.service', 'load': 'loaded', 'active': 'active', 'sub': 'exited'}" "$(q 'd["unit"]')"
assert_eq "status a: attached units" "[{'name': 'sleeper.service', 'active': 'active'}]" "$(q 'd["attached_units"]')"
assert_eq "status a: processes" "[{'pid': $sleeper, 'unit': 'sleeper.service', 'command': '/bin/sleep infinity'}]" "$(q 'd["processes"]')"
assert_eq "status a: sysctls" "[{'key': 'net.ipv4.ip_forward', 'configured': '1', 'value': '1'}]" "$(q 'd["sysctls"]')"
n=$(q 'len(d["journal"])')
if [ "${n:-0}" -ge 1 ]; then ok "status a: $n journal lines"; else fail "status a: no journal lines"; fi
in_ct "$NNC" status a >"$CT_DIR/status.txt" || fail "netnsctl status a"
for want in "Unit: netns@a.service (active, exited)" "Attached: sleeper.service (active)" \
        "$sleeper (sleeper.service) /bin/sleep infinity" "Network namespace a"; do
        if grep -qF "$want" "$CT_DIR/status.txt"; then ok "status text has '$want'"; else fail "status text lacks '$want'"; fi
done

# --- a failing namespace: its error is in the journal with NETNS=bad, and status shows it
if ct_systemctl start netns@bad.service 2>/dev/null; then fail "netns@bad started"; else ok "netns@bad fails to start"; fi
if journal_has "bad.conf:3" NETNS=bad; then ok "journalctl NETNS=bad shows netnsctl's error"; else fail "journalctl NETNS=bad: nothing"; fi
if journal_has "bad.conf:3" NETNS=a; then fail "journalctl NETNS=a shows bad's error"; else ok "journalctl NETNS=a does not show bad's error"; fi
in_ct "$NNC" status bad --json >"$CT_DIR/status.json" || fail "netnsctl status bad --json"
assert_eq "status bad: unit, pin" "failed absent" "$(q 'd["unit"]["active"], d["pin"]["state"]')"
assert_eq "status bad: journal has the error" True "$(q 'any("bad.conf:3" in (e["message"] or "") for e in d["journal"])')"

# --- stop: monitor saw a come and go
ct_systemctl stop netns@a.service || fail "systemctl stop netns@a"
assert_state sleeper.service inactive
in_ct kill "$mon_pid" 2>/dev/null
sleep 0.3
in_ct cat /run/monitor.json >"$CT_DIR/monitor.json"
python3 "$SCHEMA" monitor <"$CT_DIR/monitor.json" && ok "monitor JSON has the documented fields" || fail "monitor JSON"
ev=$(python3 -c '
import json, sys
print(" ".join(e["event"] for e in map(json.loads, open(sys.argv[1])) if e["netns"] == "a" and e["event"].startswith("netns-")))' "$CT_DIR/monitor.json")
assert_eq "monitor: namespace events of a" "netns-new netns-del" "$ev"

# --- unknown name
if in_ct "$NNC" status nosuch >/dev/null 2>"$CT_DIR/err"; then fail "status nosuch succeeded"; else ok "status nosuch fails"; fi
assert_eq "lines of the error" 1 "$(wc -l <"$CT_DIR/err")"

ct_finish
