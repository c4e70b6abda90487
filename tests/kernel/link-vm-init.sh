#!/bin/bash
# tests/kernel/link-vm-init.sh - init (PID 1) of the virtual machine link-lib.sh boots when
# the machine's kernel cannot make a device a link-*.sh test needs: Debian's own kernel
# (tests/kernel/vm-prepare.sh) under QEMU, its root the host's, read-only over virtio-9p; the
# test's output and exit status go to the 9p share "out" (the sandbox's directory). Environment
# from the kernel command line: NETNSCTL_VM_TEST, NETNSCTL_VM_MODULES (the kernel's module
# tree on the host), NETNSCTL.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin NETNSCTL_IN_VM=1 HOME=/
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
# scratch space on /run, not /tmp: the source tree (and so this test) may live under /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -m 1777 /run/tmp
export TMPDIR=/run/tmp
kver=$(uname -r)
mkdir -p /run/vm-out "/run/vm-mod/lib/modules/$kver"
mount -t 9p -o trans=virtio,version=9p2000.L out /run/vm-out
# modprobe -d wants DIR/lib/modules/VERSION
mount --bind "$NETNSCTL_VM_MODULES" "/run/vm-mod/lib/modules/$kver"
# nf_tables: snapshot() lists the ruleset; wireguard: the wg-*.sh tests
for m in veth macvlan ipvlan 8021q nf_tables wireguard; do
        modprobe -d /run/vm-mod "$m" 2>>/run/vm-out/modprobe.log
done
# modules the kernel asks for by itself (nft expressions, NAT chains) come from the same tree
printf '#!/bin/sh\nexec /sbin/modprobe -d /run/vm-mod "$@" 2>>/run/vm-out/modprobe.log\n' >/run/modprobe
chmod 755 /run/modprobe
echo /run/modprobe >/proc/sys/kernel/modprobe
bash "$NETNSCTL_VM_TEST" >/run/vm-out/log 2>&1 </dev/null
echo $? >/run/vm-out/rc
sync
umount /run/vm-out
# QEMU runs with -no-reboot: a reboot ends it
echo b >/proc/sysrq-trigger
sleep 60
