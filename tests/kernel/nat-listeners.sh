#!/bin/bash
# nat-listeners.sh - a Port= onto a host port that a socket of the host listens on is refused
# at up, naming the port and the process, and nothing is made; OverrideHostListeners=yes
# forwards it anyway. Forwards on other addresses than the listener's are not refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nat-lib.sh"

make_world
serve host tcp4 2222
serve host udp6 5353
serve host tcp6 2225
# only on 127.0.0.1: a forward on another host address does not take its traffic
timeout 120 socat TCP4-LISTEN:2223,bind=127.0.0.1,reuseaddr,fork SYSTEM:true 2>/dev/null &
SERVER_PIDS+=($!)
for i in $(seq 50); do
        [ -n "$(ss -Hlnt 'sport = :2223')" ] && break
        sleep 0.1
done
snapshot "$T/before"

# the PID of the process ss names for a listening PORT (PROTO -t|-u)
listener_pid() { # PROTO PORT
        ss -Hlnp "$1" "sport = :$2" | sed -n 's/.*pid=\([0-9]*\),.*/\1/p' | sort -n | head -n1
}

# TCP on every address: refused, the line names the file, the port and the process
conf a <<'X'
[Veth]
[NAT]
Port=2222
X
nnc_fails up a
pid=$(listener_pid -t 2222)
[ -n "$pid" ] || fail "ss shows no process listening on 2222"
grep -qF "a.conf:3: Port=: tcp port 2222 is in use on the host by socat (PID $pid) on 0.0.0.0:2222" "$T/err" ||
        fail "tcp 2222: message does not name the file, port and process (PID $pid): $(cat "$T/err")"
[ "$(wc -l <"$T/err")" = 1 ] || fail "tcp 2222: more than one line: $(cat "$T/err")"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "Port= onto a host listener: refused, nothing made"

# "check NAME" looks at the host too, "check" alone only at the files
nnc_fails check a
grep -qF "a.conf:3: Port=: tcp port 2222 is in use on the host by socat (PID $pid)" "$T/err" ||
        fail "check a: $(cat "$T/err")"
nnc check
pass "check NAME reports it, check alone does not"

# a range that contains it, a host address the wildcard covers, UDP on "::" (IPv6 only)
conf a <<'X'
[Veth]
[NAT]
Port=tcp:2200-2230:80
Port=tcp:198.51.100.1:2222
Port=udp:5353
X
nnc_fails up a
for line in 3 4 5; do
        grep -q "a.conf:$line: Port=: " "$T/err" || fail "line $line not refused: $(cat "$T/err")"
done
grep -qF "udp port 5353 is in use on the host by socat (PID $(listener_pid -u 5353)) on [::]:5353" "$T/err" ||
        fail "udp 5353: $(cat "$T/err")"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "ranges, host addresses, UDP"

# a TCP listener of IPv6 only (the kernel's sock_diag answers for TCP; /proc for the rest)
conf a <<'X'
[Veth]
[NAT]
Port=tcp:2225:80
X
nnc_fails up a
grep -qF "a.conf:3: Port=: tcp port 2225 is in use on the host by socat (PID $(listener_pid -t 2225)) on [::]:2225" "$T/err" ||
        fail "tcp6 2225: $(cat "$T/err")"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "TCP on IPv6"

# not covered: another address than the listener's, another protocol, another port
conf a <<'X'
[Veth]
[NAT]
Port=tcp:198.51.100.1:2223
Port=udp:2222
Port=2224
X
nnc up a
nnc down a
pass "forwards that take no listener's traffic"

# the opt-in
conf a <<'X'
[Veth]
[NAT]
Port=2222
OverrideHostListeners=yes
X
nnc up a
nft -j list map inet netnsctl fwd4 | grep '2222' >/dev/null || fail "OverrideHostListeners=yes: no forward of 2222 in table inet netnsctl"
nnc down a
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "OverrideHostListeners=yes"
echo "all ok"
