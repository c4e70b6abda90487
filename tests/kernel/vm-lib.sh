# shellcheck shell=bash
# tests/kernel/vm-lib.sh - the virtual machine the tests boot when they need a kernel with what
# the machine's lacks (ipvlan, 8021q, WireGuard): Debian's own kernel, prepared by
# tests/kernel/vm-prepare.sh (tests/deps.sh runs it), under QEMU (emulated CPU), its root the
# host's, read-only over virtio-9p. No network device: nothing reaches the machine's network.
# Sourced by link-lib.sh (a test run again as the VM's init's job) and vm-systemd-lib.sh (a
# test run under systemd booted in the VM).
#
#   vm_kernel                  prints the prepared kernel's directory, or nothing
#   vm_qemu KDIR LOG INIT APPEND TAG=DIR...
#                              boots KDIR's kernel with INIT (a script on the host's root) as
#                              the first init after the initramfs, APPEND on the kernel command
#                              line (KEY=VALUE words the kernel does not know become INIT's
#                              environment), each DIR shared read-write as 9p TAG (TAG:ro=DIR:
#                              read-only); QEMU's own
#                              messages in LOG.qemu, the serial console in LOG.console. Returns
#                              when the VM powers off or reboots, or after NETNSCTL_VM_TIMEOUT
#                              seconds (default 540).

vm_kernel() {
        local vm=${NETNSCTL_VM_DIR:-/var/cache/netnsctl-tests/vm} kver
        kver=$(cat "$vm/current" 2>/dev/null || true)
        command -v qemu-system-x86_64 >/dev/null || return 0
        [ -n "$kver" ] && [ -f "$vm/$kver/initrd.img" ] && echo "$vm/$kver"
        return 0
}

vm_qemu() { # KDIR LOG INIT APPEND TAG=DIR...
        local k=$1 log=$2 init=$3 append=$4 share args=()
        shift 4
        # (white space would split the kernel command line; a comma, QEMU's option syntax)
        case "$k$log$init$append$(printf %s "$@")" in
        *[,]*) echo "skipped: a path or setting has a comma; it cannot go on the QEMU command line"; exit 77 ;;
        esac
        case "$k$log$init$(printf %s "$@")" in
        *[[:space:]]*) echo "skipped: a path has white space; it cannot go on the kernel or QEMU command line"; exit 77 ;;
        esac
        local tag ro
        for share in "$@"; do
                tag=${share%%=*} ro=off
                case "$tag" in
                *:ro) tag=${tag%:ro} ro=on ;;
                esac
                args+=(-fsdev "local,id=$tag,path=${share#*=},security_model=none,readonly=$ro,multidevs=remap"
                        -device "virtio-9p-pci,fsdev=$tag,mount_tag=$tag")
        done
        # QEMU emulates the CPU (TCG; the kernel boots in about 2 s). Not KVM: on these machines
        # (nested virtualisation) a KVM guest runs the BIOS and then hangs in the kernel's first
        # steps, and a hung VM could only be told from a slow one by a timeout.
        # The VM: no network device, no disk; the host's root read-only over virtio-9p.
        # A reboot (or a panic: panic=-1) ends QEMU (-no-reboot), as does a power-off.
        # --foreground: QEMU stays in the test's process group, so meson's timeout (later than
        # this one) or a ^C ends it too; -k: SIGKILL 10 s after a SIGTERM it ignored.
        timeout --foreground -k 10 "${NETNSCTL_VM_TIMEOUT:-540}" qemu-system-x86_64 \
                -machine q35,accel=tcg -cpu max -m 768 -smp 1 \
                -nodefaults -nographic -no-reboot -nic none \
                -chardev file,id=con,path="$log.console" -serial chardev:con \
                -kernel "$k/vmlinuz" -initrd "$k/initrd.img" \
                -append "console=ttyS0 loglevel=4 panic=-1 quiet NETNSCTL_VM_INIT=$init NETNSCTL_VM_MODULES=$k/lib/modules/$(basename "$k") $append" \
                -fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
                -device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
                "${args[@]}" \
                >"$log.qemu" 2>&1 </dev/null || true
}
