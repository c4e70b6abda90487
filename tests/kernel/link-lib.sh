# tests/kernel/link-lib.sh - helpers of the link-*.sh tests (source after lib.sh)
#
# No real NIC is ever touched: a veth pair made by the test stands in for one (one end is
# "the NIC", the other stays on the sandbox host or goes into a test namespace as "the wire").
#
# link_need KIND...: the kernel must be able to make these devices (macvlan, ipvlan, vlan).
# A kernel built without them (this project's CI VMs have neither ipvlan nor 8021q, and no
# modules) runs the whole test again in a virtual machine (vm-lib.sh: Debian's own kernel under
# QEMU over the read-only host root). Its network stack is its own, and the VM has no network
# device: nothing reaches the machine's. Without QEMU or the prepared kernel the test is
# skipped, and says so.

# shellcheck source=vm-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/vm-lib.sh"

# "ok" when the sandbox kernel makes a KIND device on a veth, else the kernel's complaint
link_probe() { # KIND
        local args=()
        case "$1" in
        vlan) args=(type vlan id 2) ;;
        *) args=(type "$1") ;;
        esac
        ip link add nnprobe0 type veth peer name nnprobe1 2>/dev/null || { echo "no veth"; return; }
        if [ "$1" = wireguard ]; then
                # a device of its own, on no parent
                if ip link add nnprobe2 type wireguard 2>"$T/probe"; then
                        echo ok
                        ip link del nnprobe2
                else
                        tr '\n' ' ' <"$T/probe"
                fi
        elif ip link add link nnprobe0 name nnprobe2 "${args[@]}" 2>"$T/probe"; then
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
        if [ -n "${NETNSCTL_IN_VM:-}" ]; then
                # Debian's kernel has them all as modules: the VM's init failed to load them
                # (modprobe's messages: shown by link_run_vm outside)
                fail "Debian's kernel $(uname -r) in the VM cannot make ${missing[*]}: its modules did not load"
        fi
        local k
        k=$(vm_kernel)
        if [ -z "$k" ]; then
                echo "skipped: kernel $(uname -r) cannot make ${missing[*]} devices (CONFIG_IPVLAN/CONFIG_VLAN_8021Q/CONFIG_MACVLAN), and no VM to run the test on Debian's kernel instead (tests/deps.sh installs qemu-system-x86 and runs tests/kernel/vm-prepare.sh)"
                exit 77
        fi
        echo "# kernel $(uname -r) cannot make ${missing[*]} devices: running $(basename "$0") in a VM on Debian's kernel $(basename "$k")"
        link_run_vm "$0" "$k"
}

# Boot Debian's kernel in QEMU (vm-lib.sh) with the test as its init's job (link-vm-init.sh);
# the test's stdout/stderr and exit status come back through a 9p share of a directory of the
# sandbox. Does not return.
link_run_vm() { # TEST KERNEL-DIR
        local test=$1 k=$2 out rc here
        test=$(realpath "$test")
        here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
        out=$T/vm
        mkdir -p "$out"
        # the sanitizers' settings of an ASan build's run go along
        local env="NETNSCTL=$NETNSCTL" v
        for v in ASAN_OPTIONS UBSAN_OPTIONS; do
                if [ -n "${!v:-}" ]; then env+=" $v=${!v}"; fi
        done
        case "$test$NETNSCTL${ASAN_OPTIONS:-}${UBSAN_OPTIONS:-}" in
        *[[:space:]]*) echo "skipped: a path or setting has white space; it cannot go on the kernel command line"; exit 77 ;;
        esac
        vm_qemu "$k" "$out/vm" "$here/link-vm-init.sh" "NETNSCTL_VM_TEST=$test $env" "out=$out"
        rc=$(cat "$out/rc" 2>/dev/null || true)
        cat "$out/log" 2>/dev/null || true
        if [ -z "$rc" ]; then
                tail -n 20 "$out/vm.qemu" "$out/vm.console" >&2
                fail "the test did not finish in the VM (QEMU's messages and the console above)"
        fi
        if [ "$rc" != 0 ]; then
                echo "# in the VM the test exited $rc; console and module loading:" >&2
                tail -n 5 "$out/vm.console" "$out/modprobe.log" >&2
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
