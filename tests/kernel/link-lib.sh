# tests/kernel/link-lib.sh - helpers of the link-*.sh tests (source after lib.sh)
#
# No real NIC is ever touched: a veth pair made by the test stands in for one (one end is
# "the NIC", the other stays on the sandbox host or goes into a test namespace as "the wire").
#
# link_need KIND...: the kernel must be able to make these devices (macvlan, ipvlan, vlan).
# A kernel built without them (this project's CI VMs have neither ipvlan nor 8021q) runs the
# whole test again under user-mode-linux, Debian's own 6.1 kernel (package user-mode-linux,
# modules included) booted as a process over the read-only host root (hostfs): its network
# stack is its own, nothing reaches the machine's. Without linux.uml, or where it cannot run
# (Debian's UML 6.1 dies at its first process on a CPU with AMX), the test is skipped.

# "ok" when the sandbox kernel makes a KIND device on a veth, else the kernel's complaint
link_probe() { # KIND
        local args=()
        case "$1" in
        vlan) args=(type vlan id 2) ;;
        *) args=(type "$1") ;;
        esac
        ip link add nnprobe0 type veth peer name nnprobe1 2>/dev/null || { echo "no veth"; return; }
        if ip link add link nnprobe0 name nnprobe2 "${args[@]}" 2>"$T/probe"; then
                echo ok
        else
                tr '\n' ' ' <"$T/probe"
        fi
        ip link del nnprobe0 2>/dev/null || true
}

link_need() { # KIND...
        local k missing=()
        for k in "$@"; do
                [ "$(link_probe "$k")" = ok ] || missing+=("$k")
        done
        [ ${#missing[@]} = 0 ] && return 0
        if [ -n "${NETNSCTL_IN_UML:-}" ]; then
                echo "skipped: even the user-mode-linux kernel cannot make ${missing[*]}"
                exit 77
        fi
        if ! command -v linux.uml >/dev/null || ! command -v modprobe >/dev/null; then
                echo "skipped: kernel $(uname -r) cannot make ${missing[*]} devices (CONFIG_IPVLAN/CONFIG_VLAN_8021Q/CONFIG_MACVLAN), and user-mode-linux + kmod are not installed to run the test on Debian's 6.1 kernel instead (apt-get install user-mode-linux kmod)"
                exit 77
        fi
        # (not "ldd | grep -q": with pipefail, grep's early exit can make ldd die of SIGPIPE)
        if [[ "$(ldd "$NETNSCTL" 2>/dev/null)" == *libasan* ]]; then
                # ASan's shadow memory does not fit user-mode-linux's address space layout
                echo "skipped: kernel $(uname -r) cannot make ${missing[*]} devices, and an ASan build cannot run under user-mode-linux; the plain build runs this test there"
                exit 77
        fi
        echo "# kernel $(uname -r) cannot make ${missing[*]} devices: running $(basename "$0") under user-mode-linux"
        LINK_MISSING="${missing[*]}" link_run_uml "$0"
}

# Boot linux.uml with the test as init's job; its stdout/stderr and exit status come back
# through a hostfs directory. Does not return.
link_run_uml() { # TEST
        local test out rc here
        test=$(realpath "$1")
        here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
        out=$T/uml
        mkdir -p "$out"
        case "$test$NETNSCTL$here$out" in
        *[[:space:]]*) echo "skipped: a path has white space; it cannot go on the UML kernel command line"; exit 77 ;;
        esac
        # uml_dir: its pid file and control socket stay in the sandbox, not in ~/.uml;
        # KEY=VALUE words the kernel does not know become init's environment
        (cd "$out" && TMPDIR=$out timeout 600 linux.uml mem=384M "uml_dir=$out" rootfstype=hostfs rootflags=/ ro loglevel=1 \
                "init=$here/link-uml-init.sh" "NETNSCTL_UML_TEST=$test" "NETNSCTL_UML_OUT=$out" \
                "NETNSCTL=$NETNSCTL" con=null con0=null,fd:1 >"$out/console" 2>&1) || true
        rc=$(cat "$out/rc" 2>/dev/null || true)
        if [ -z "$rc" ] && [ ! -e "$out/log" ] &&
           grep -q 'Attempted to kill init! exitcode=0x0000000b' "$out/console" && grep -q 'put_fp_registers' "$out/console"; then
                # Debian's UML 6.1 cannot start a single process on a host whose CPU has a
                # larger XSAVE area than it knows (AMX tiles): the host kernel refuses its
                # PTRACE_SETREGSET with EFAULT ("ptrace set fp regs failed", at a log level
                # below loglevel=1) and init dies of SIGSEGV in put_fp_registers(). Nothing of
                # the test ran; it cannot run on this machine.
                echo "skipped: kernel $(uname -r) cannot make ${LINK_MISSING:-some} devices, and user-mode-linux $(linux.uml --version 2>/dev/null | head -1) cannot run on this host's CPU (its XSAVE area: $(grep -o -w -m1 'amx_tile' /proc/cpuinfo || echo larger than UML knows); its init died of SIGSEGV in put_fp_registers()); the test runs where UML can"
                exit 77
        fi
        cat "$out/log" 2>/dev/null || true
        if [ -z "$rc" ]; then
                tail -20 "$out/console" >&2
                fail "the test did not finish under user-mode-linux (console above)"
        fi
        if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
                echo "# under user-mode-linux the test exited $rc; console and module loading:" >&2
                tail -n 5 "$out/console" "$out/modprobe.log" >&2
        fi
        exit "$rc"
}

# Stand-in NIC: veth NAME whose other end WIRE stays on the host (or goes into namespace NS),
# both up unless told otherwise.
standin() { # NAME WIRE [NS]
        if [ -n "${3:-}" ]; then
                ip link add "$1" type veth peer name "$2" netns "$3"
                ip -n "$3" link set "$2" up
        else
                ip link add "$1" type veth peer name "$2"
                ip link set "$2" up
        fi
        ip link set "$1" up
}

# "NAME KIND MTU UP|DOWN MAC" of a link (host, or "in_ns NS")
link_state() { # IFNAME [in_ns NAME]
        local ifname=$1
        shift
        "$@" ip -j -d link show dev "$ifname" | python3 -c '
import json, sys
l = json.load(sys.stdin)[0]
print(l["ifname"], l.get("linkinfo", {}).get("info_kind", "-"), l["mtu"], "UP" if "UP" in l.get("flags", []) else "DOWN", l.get("address", "-"))'
}

# "MODE" of a macvlan/ipvlan or "ID" of a vlan: from info_data
link_data() { # IFNAME KEY [in_ns NAME]
        local ifname=$1 key=$2
        shift 2
        "$@" ip -j -d link show dev "$ifname" | python3 -c '
import json, sys
l = json.load(sys.stdin)[0]
print(l.get("linkinfo", {}).get("info_data", {}).get(sys.argv[1], "-"))' "$key"
}

# the interface names of a namespace (or the host), sorted, space separated
link_names() { # [in_ns NAME]
        "$@" ip -j link show | python3 -c '
import json, sys
print(" ".join(sorted(l["ifname"] for l in json.load(sys.stdin))))'
}

link_exists() { # IFNAME [in_ns NAME]
        local ifname=$1
        shift
        "$@" ip link show dev "$ifname" >/dev/null 2>&1
}

ping_fails() { # -4|-6 DEST [in_ns NAME]
        local family=$1 dest=$2
        shift 2
        if "$@" ping "$family" -c1 -W1 "$dest" >/dev/null 2>&1; then
                fail "ping $family $dest ${*:+($*)} got an answer but must not"
        fi
}

# snapshot() once IPv6 duplicate address detection has settled on the host (a link that comes
# back gets its link-local address anew), sorted: routes of links that left and came back
# are listed in a new order
link_snapshot() { # FILE
        local i
        for ((i = 0; i < 50; i++)); do
                [ -z "$(ip -6 addr show tentative)" ] && break
                sleep 0.1
        done
        snapshot "$1.raw"
        sort "$1.raw" >"$1"
}
