# bench/lib.sh - the sandbox the benchmarks run in, as the kernel tests' (tests/kernel/lib.sh).
# Source it; outside the sandbox, check what the script needs, then bench_enter "$@": the script
# runs again in "unshare --net --mount", where bench_sandbox makes it look like a systemd host
# and bench_world adds the outside world. Nothing of the machine is touched, and it all goes
# away at the end.

# bench_enter ARGS...: re-run the calling script in a network and mount namespace of its own
bench_enter() {
        # the mount point for the sandbox's private /etc/netns (an empty dir; nothing is written to it)
        [ -d /etc/netns ] || mkdir -m 0755 /etc/netns
        exec unshare --net --mount --propagation private env NETNSCTL_BENCH_SANDBOX=1 bash "$0" "$@"
}

# bench_sandbox: tmpfs on /run and on /etc/netns; / made rshared as on a systemd host (PID 1 makes
# it so: netnsctl's prepared mount namespaces are then copied from one another, not from the
# whole table, see lib/mount.c; within the sandbox's own mount namespace nothing propagates to
# the machine's); /run/netns as netnsctl makes it, a shared mount point in a peer group of its own
# (see netnsctl(8), FILES); copies of the binaries in /run/bench/bin, NETNSCTL pointing at them,
# so that a rebuild during the run cannot disturb it (the netnsctl command of a build tree runs
# tool/netnsctl next to itself, helper/launcher.c)
bench_sandbox() {
        mount -t tmpfs -o mode=0755 tmpfs /run
        mkdir -p /run/netns /run/netnsctl /run/bench/bin/tool
        mount -t tmpfs -o mode=0755 tmpfs /etc/netns
        mount --make-rshared /
        ip link set lo up
        mount --bind /run/netns /run/netns
        mount --make-private /run/netns
        mount --make-shared /run/netns
        if [ -x "$(dirname "$NETNSCTL")/tool/netnsctl" ]; then
                cp "$NETNSCTL" /run/bench/bin/netnsctl
                cp "$(dirname "$NETNSCTL")/tool/netnsctl" /run/bench/bin/tool/netnsctl
                NETNSCTL=/run/bench/bin/netnsctl
        fi
}

# bench_world: the world outside, a namespace bench-out (192.0.2.2) on a veth to the host
# (bo0, 192.0.2.1), where clients run
bench_world() {
        ip netns add bench-out
        ip link add bo0 type veth peer name bo1 netns bench-out
        ip addr add 192.0.2.1/24 dev bo0
        ip link set bo0 up
        ip -n bench-out addr add 192.0.2.2/24 dev bo1
        ip -n bench-out link set lo up
        ip -n bench-out link set bo1 up
        ip -n bench-out route add default via 192.0.2.1
}
