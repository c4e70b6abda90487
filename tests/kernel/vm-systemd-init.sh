#!/bin/bash
# tests/kernel/vm-systemd-init.sh - first init (PID 1) of the virtual machine vm-systemd-lib.sh
# boots to run a test under a real systemd on Debian's kernel: its root is the host's, read-only
# over virtio-9p (vm-prepare.sh's initramfs mounted it). This script makes that root writable
# without changing anything of the host's: an overlay with a tmpfs upper layer, the build
# installed into it (the job's "dest" tree), the services enabled on the host turned off, the
# kernel's modules under /lib/modules, and then hands over to systemd as PID 1 (switch_root).
# Environment from the kernel command line: NETNSCTL_VM_MODULES (the kernel's module tree on
# the host). The 9p share "job" is the host's job directory (vm-systemd-lib.sh), "lower" the
# host's root again, read-only (the overlay's lower layer). Its times go to the job's init.log.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/
die() {
        echo "vm-systemd-init: $*" >&2
        # with a result file the host would take for the test's: none is written here
        sleep 1
        echo b >/proc/sysrq-trigger
        sleep 60
}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
mount -t tmpfs -o mode=0755 tmpfs /run
kver=$(uname -r)
job=/run/vm/job
# the new root outside /run: switch_root moves /run (with the share, the upper layer) into it
new=/mnt
[ -d "$new" ] || die "the host's root has no /mnt to mount the VM's root on"
mkdir -p "$job" /run/vm/rw /run/vm/mod/lib/modules/"$kver"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 job "$job" || die "cannot mount the job share"
exec >>"$job/init.log" 2>&1
stamp() {
        echo "[$(cut -d' ' -f1 /proc/uptime)] $*"
}
stamp "job share mounted"
mount --bind "$NETNSCTL_VM_MODULES" /run/vm/mod/lib/modules/"$kver"
modprobe -d /run/vm/mod overlay || die "cannot load overlay"
mount -t tmpfs -o mode=0755 tmpfs /run/vm/rw
mkdir /run/vm/rw/upper /run/vm/rw/work
# the lower layer: the host's root once more, over its own share (the initramfs mounted the
# first one without a cache): read-only, and cached, so systemd's many reads of unit files
# and libraries stay in the VM (the host's root does not change while the test runs)
mkdir -p /run/vm/lower
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose lower /run/vm/lower ||
        die "cannot mount the share 'lower'"
mount -t overlay overlay -o lowerdir=/run/vm/lower,upperdir=/run/vm/rw/upper,workdir=/run/vm/rw/work "$new" ||
        die "cannot mount the overlay over the host's root"
umount /run/vm/mod/lib/modules/"$kver"

# an empty /tmp of its own (tmpfiles would otherwise empty the host's, as seen in the lower
# layer, file by file over 9p)
mount -t tmpfs -o mode=1777 tmpfs "$new/tmp"
stamp "overlay mounted"
# the kernel's modules where modprobe and systemd look for them
mkdir -p "$new/usr/lib/modules/$kver"
mount --bind "$NETNSCTL_VM_MODULES" "$new/usr/lib/modules/$kver"
# a machine of its own: a fresh machine ID (so no journal of the host's is this machine's), the
# journal in memory, nothing the host's admin enabled, nothing slow or in need of hardware
tr -d '-' </proc/sys/kernel/random/uuid >"$new/etc/machine-id"
# the host's file systems are not this machine's (the fstab generator would wait for the disks)
: >"$new/etc/fstab"
mount -t tmpfs -o mode=2755 tmpfs "$new/var/log/journal"
# a VM, not the container the host may be (systemd would read /.dockerenv as "docker", and
# ignore the kernel command line)
rm -f "$new/.dockerenv" "$new/run/.containerenv"
# shellcheck source=../systemd/root-prep.sh
. "$job/root-prep.sh"
root_disable_enabled "$new"
root_mask_slow "$new"
# and what costs seconds under an emulated CPU for nothing a test looks at
for u in systemd-binfmt.service proc-sys-fs-binfmt_misc.automount systemd-update-utmp.service \
        systemd-update-utmp-runlevel.service; do
        ln -sfn /dev/null "$new/etc/systemd/system/$u"
done
# the build and the test's files (modes and owners as the host side made them)
tar -C "$job/dest" -cf - . | tar -C "$new" -xf - --keep-directory-symlink || die "cannot install the job's files"
stamp "switching to systemd"
# the job share stays mounted (moved with /run) for the test's output
exec switch_root "$new" /lib/systemd/systemd
