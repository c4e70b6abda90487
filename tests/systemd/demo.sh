#!/bin/bash
# demo.sh - the README's first command, demo/run, works and shows what it claims: a request
# leaving through NAT with the host's address, one coming in through the forwarded port,
# the daemon's own /etc/hosts and /sys/class/net, and nothing left after stop.
. "$(dirname "$0")/demo-lib.sh"
demo_run run
check() { # WHAT PATTERN
        if grep -qF -- "$2" "$out"; then echo "ok - $1"; else echo "FAIL - $1: no '$2' in the demo's output"; fail=1; fi
}
check "egress masqueraded to the host's address" "hello from the world, you came from 198.51.100.1"
check "ingress through Port=tcp:8080:80" "hello from inside netns demo; my links: host0 lo"
check "the namespace's own /etc/hosts" "198.51.100.2 world.example"
check "netnsctl status shows the namespace" "demo"
# after stop, ip netns list shows only the test's own world namespace
last_list=$(awk '/# ip netns list/{getline; l=$0} END{print l}' "$out")
case "$last_list" in
world*) echo "ok - only 'world' left after stop" ;;
*) echo "FAIL - after stop ip netns list shows: $last_list"; fail=1 ;;
esac
exit $fail
