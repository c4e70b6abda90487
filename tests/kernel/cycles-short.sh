#!/bin/bash
# cycles-short.sh - leaks under repetition, short: 50 up/down cycles of a fully wired namespace
# (bench/cycles.sh, which runs 1000), a sample every 25; links, addresses, routes, nftables
# objects, mounts, /run entries, the fds of up and of an exec'd child must not change, and
# the host must be as before (snapshot).
here=$(cd "$(dirname "$0")" && pwd)
CYCLES_ASSERT=1 exec bash "$here/../../bench/cycles.sh" "${CYCLES:-50}" "${EVERY:-25}"
