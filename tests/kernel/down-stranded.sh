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

# without processes inside: nothing said
nnc up web
"$NETNSCTL" down web 2>"$T/err" || fail "down web failed"
[ ! -s "$T/err" ] || fail "down web without processes said: $(cat "$T/err")"
pass "down without processes: quiet"
echo "all ok"
