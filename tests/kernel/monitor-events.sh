#!/bin/bash
# monitor-events.sh - netnsctl monitor reports a namespace started and stopped while it runs,
# with its links, as JSON lines with the documented fields and as text; SIGINT/SIGTERM end it
# with exit status 0.
. "$(dirname "$0")/lib.sh"
SCHEMA="$(dirname "$0")/list-schema.py"

mon=
cleanup() {
        [ -n "$mon" ] && kill "$mon" 2>/dev/null || true
}
trap cleanup EXIT

# start_monitor OUT ARGS...: run "netnsctl monitor ARGS" in the background (bounded by timeout),
# and return once it watches /run/netns: it sets up its signalfd after the inotify watch.
start_monitor() {
        local out=$1 i
        shift
        timeout 30 "$NETNSCTL" monitor "$@" >"$out" 2>"$out.err" &
        mon=$!
        for i in $(seq 100); do
                # timeout's child is netnsctl
                local p
                p=$(pgrep -P "$mon" -x netnsctl || true)
                [ -n "$p" ] && ls -l "/proc/$p/fd" 2>/dev/null | grep -q 'anon_inode:\[signalfd\]' && return 0
                sleep 0.05
        done
        fail "monitor did not start"
}

# wait_for_line FILE REGEX: up to 10 s
wait_for_line() {
        local i
        for i in $(seq 100); do
                grep -qE "$2" "$1" && return 0
                sleep 0.1
        done
        cat "$1" >&2
        fail "no line matching '$2' in $1"
}

# stop_monitor SIGNAL: it must exit 0
stop_monitor() {
        local rc=0
        kill -"$1" "$(pgrep -P "$mon" -x netnsctl)"
        wait "$mon" || rc=$?
        mon=
        [ "$rc" = 0 ] || { cat "$T"/*.err >&2; fail "monitor exited $rc on SIG$1"; }
}

conf a <<'X'
[Namespace]
[Veth]
X
# one namespace that exists before: watched, not announced
ip netns add before

# --- JSON lines
start_monitor "$T/mon.json" --json
nnc up a
ino=$(stat -L -c %i /run/netns/a)
wait_for_line "$T/mon.json" '"event":"link-new","netns":"a".*"ifname":"host0"'
ip -n before link add v0 type veth peer name v1
wait_for_line "$T/mon.json" '"event":"link-new","netns":"before".*"ifname":"v0"'
ip -n before link del v0
wait_for_line "$T/mon.json" '"event":"link-del","netns":"before".*"ifname":"v[01]"'
nnc down a
wait_for_line "$T/mon.json" '"event":"netns-del","netns":"a"'
stop_monitor INT

python3 "$SCHEMA" monitor <"$T/mon.json" || fail "monitor JSON does not match the documented fields"
events=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    print(e["event"], e["netns"], e.get("ifname", ""))
' "$T/mon.json")
echo "$events"
# in order: the namespace appears, then its links, then it goes
assert_eq "$(echo "$events" | grep ' a' | head -1)" "netns-new a " "first event of a"
assert_eq "$(echo "$events" | grep ' a' | tail -1)" "netns-del a " "last event of a"
echo "$events" | grep -qx 'link-new a lo' || fail "lo of a not reported"
echo "$events" | grep -qx 'link-new a host0' || fail "host0 of a not reported"
assert_eq "$(echo "$events" | grep -c '^netns-new before')" 0 "a namespace that existed before is not announced"
assert_eq "$(echo "$events" | grep -c '^netns-')" 2 "netns events"
pass "monitor --json: a started and stopped, links of another"

# --- text, and SIGTERM
start_monitor "$T/mon.txt"
nnc up a
wait_for_line "$T/mon.txt" '^link-new a host0 \(index [0-9]+, veth, (UP|DOWN), operstate [a-z-]+\)$'
nnc down a
wait_for_line "$T/mon.txt" '^netns-del a$'
stop_monitor TERM
assert_eq "$(head -1 "$T/mon.txt")" "netns-new a" "first text line"
pass "monitor text, SIGTERM"

# the monitor's socket inside a namespace never kept it alive: nothing left of a
[ ! -e /run/netns/a ] || fail "pin of a left"
for i in $(seq 50); do ip link show nn-a >/dev/null 2>&1 || break; sleep 0.1; done
ip link show nn-a >/dev/null 2>&1 && fail "nn-a left after down while monitoring"
ip netns delete before
echo "all ok"
