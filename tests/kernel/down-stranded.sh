#!/bin/bash
# down-stranded.sh - down of a namespace that processes started with "netnsctl exec" still run
# in: it succeeds, and says which PIDs keep the (now unpinned) namespace alive.
. "$(dirname "$0")/lib.sh"

pids=()
cleanup() {
        local p
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

conf web <<'X'
[Veth]
X
nnc up web
ino=$(stat -L -c %i /run/netns/web)
"$NETNSCTL" exec web sleep 120 &
pids+=($!)
sleeper=$!
for _ in $(seq 50); do
        [ "$(stat -L -c %i "/proc/$sleeper/ns/net" 2>/dev/null)" = "$ino" ] && break
        sleep 0.1
done
assert_eq "$(stat -L -c %i "/proc/$sleeper/ns/net")" "$ino" "exec'd process inside web"

"$NETNSCTL" down web 2>"$T/err" || fail "down web failed: $(cat "$T/err")"
[ ! -e /run/netns/web ] || fail "down web left the pin"
# the process is still there, in the namespace nobody can reach any more
assert_eq "$(stat -L -c %i "/proc/$sleeper/ns/net")" "$ino" "the process stays in the unpinned namespace"
grep -qF "Namespace 'web' is unpinned, but 1 process still in it keeps it alive" "$T/err" ||
        fail "down does not say that a process keeps web alive: $(cat "$T/err")"
grep -qF "PID $sleeper (sleep)" "$T/err" || fail "down does not name PID $sleeper: $(cat "$T/err")"
pass "down names the processes it strands"

# list (and status without a name) show it, gc reports it and cannot end it
SCHEMA="$(dirname "$0")/list-schema.py"
"$NETNSCTL" list --json >"$T/list.json" || fail "list --json failed"
python3 "$SCHEMA" list <"$T/list.json" || fail "list JSON with a stranded namespace"
assert_eq "$(python3 -c 'import json,sys; print([(e["state"], e["pin"], e["inode"], e["processes"]) for e in json.load(sys.stdin) if e["name"] == "web"])' <"$T/list.json")" \
        "[('stranded', 'absent', $ino, 1)]" "list: web stranded"
"$NETNSCTL" list --no-legend | grep -q "^web  *stranded " || fail "list table: no stranded web: $("$NETNSCTL" list)"
"$NETNSCTL" gc --json >"$T/gc.json" && fail "gc succeeded with a stranded namespace it cannot end"
python3 "$SCHEMA" gc <"$T/gc.json" || fail "gc JSON with a stranded namespace"
grep -q "PID $sleeper" "$T/gc.json" || fail "gc does not name PID $sleeper: $(cat "$T/gc.json")"
"$NETNSCTL" status web --json >"$T/status.json" || fail "status web of a stranded namespace failed"
python3 "$SCHEMA" status <"$T/status.json" || fail "status JSON of a stranded namespace"
assert_eq "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["state"], [p["pid"] for p in d["processes"]])' <"$T/status.json")" \
        "stranded [$sleeper]" "status web: stranded, with its process"
kill "$sleeper"
wait "$sleeper" 2>/dev/null || true
nnc gc >/dev/null
"$NETNSCTL" list --json | grep -q '"stranded"' && fail "list still shows a stranded namespace after its process ended"
pass "list and gc show a stranded namespace until its processes end"

# without processes inside: nothing said
nnc up web
"$NETNSCTL" down web 2>"$T/err" || fail "down web failed"
[ ! -s "$T/err" ] || fail "down web without processes said: $(cat "$T/err")"
pass "down without processes: quiet"
echo "all ok"
