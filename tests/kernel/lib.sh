# tests/kernel/lib.sh - sandbox and assertions for the kernel tier. Source it first thing:
#   . "$(dirname "$0")/lib.sh"
# It re-executes the test inside "unshare --net --mount": a fresh network namespace that plays
# the host, private mounts, tmpfs on /run (so /run/netns, /run/netnsctl are the test's own) and
# on /etc/netns. Everything the test makes dies with the sandbox, also when the test fails.
# Needs root; otherwise the test is skipped (exit 77) with the reason.

if [ -z "${NETNSCTL_SANDBOX:-}" ]; then
        if [ "$(id -u)" != 0 ]; then
                echo "skipped: the kernel tier needs root (unshare --net --mount)"
                exit 77
        fi
        # the mount point for the sandbox's private /etc/netns (an empty dir; nothing is written to it)
        [ -d /etc/netns ] || mkdir -m 0755 /etc/netns
        exec unshare --net --mount --propagation private env NETNSCTL_SANDBOX=1 bash "$0" "$@"
fi

set -euo pipefail
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/netns /run/netnsctl
mount -t tmpfs -o mode=0755 tmpfs /etc/netns
ip link set lo up

: "${NETNSCTL:=${BUILD_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}/helper/netnsctl}"
export NETNSCTL
T=$(mktemp -d /run/test.XXXXXX)

fail() {
        echo "FAIL: $*" >&2
        exit 1
}

pass() {
        echo "ok: $*"
}

assert_eq() { # ACTUAL EXPECTED WHAT
        [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

# run netnsctl, failing the test when it fails
nnc() {
        "$NETNSCTL" "$@" || fail "netnsctl $* exited $?"
}

# run netnsctl expecting failure; its stderr lands in $T/err
nnc_fails() {
        if "$NETNSCTL" "$@" 2>"$T/err"; then
                cat "$T/err" >&2
                fail "netnsctl $* succeeded but should have failed"
        fi
        cat "$T/err" >&2
}

conf() { # NAME: stdin becomes /etc/netns/NAME.conf
        cat >"/etc/netns/$1.conf"
}

# run CMD inside namespace NAME (network namespace only)
in_ns() {
        local n=$1
        shift
        nsenter --net="/run/netns/$n" -- "$@"
}

# everything of the "host" (the sandbox) that netnsctl may touch, in a comparable form
snapshot() { # FILE
        {
                echo "== links"
                ip -j link show | python3 -c 'import json,sys; [print(l["ifname"], l.get("link_type"), l.get("mtu"), ",".join(sorted(l.get("flags",[])))) for l in json.load(sys.stdin)]'
                echo "== addresses"
                ip -j addr show | python3 -c 'import json,sys; [print(l["ifname"], a["family"], a["local"], a["prefixlen"]) for l in json.load(sys.stdin) for a in l.get("addr_info",[])]'
                echo "== routes"
                ip -4 route show table all
                ip -6 route show table all
                echo "== rules"
                ip -4 rule; ip -6 rule
                echo "== nftables"
                nft list ruleset
                echo "== sysctls"
                sysctl -a 2>/dev/null | grep -E '^net\.(ipv4\.(ip_forward|conf\.(all|default)\.)|ipv6\.conf\.(all|default)\.)' | grep -v -E 'stable_secret' | sort
                echo "== mounts"
                # /run/netns bound onto itself and made shared stays, as after "ip netns add";
                # so does /run/netnsctl (private, for the namespaces' sysfs and mount
                # namespace pins)
                awk '$5 != "/run/netns" && $5 != "/run/netnsctl" {print $5, $9}' /proc/self/mountinfo | sort
                echo "== run"
                (cd /run && find . -path ./test.* -prune -o -print | sort)
                echo "== netns"
                ls -A /run/netns
        } >"$1" 2>&1
}

assert_same_snapshot() { # BEFORE AFTER
        if ! diff -u "$1" "$2" >&2; then
                fail "the host is not as it was before (diff above)"
        fi
}
