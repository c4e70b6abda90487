#!/bin/bash
# tests/kernel/vm-prepare.sh - Debian's own kernel, ready to boot under QEMU for the link-*.sh
# tests that the machine's kernel cannot run (it lacks ipvlan and 8021q, and has no modules).
#
#   tests/kernel/vm-prepare.sh [DIR]      default DIR: /var/cache/netnsctl-tests/vm
#
# Run by tests/deps.sh, as root. Downloads the linux-image package that linux-image-amd64
# depends on (apt-get download: nothing is installed, no hook runs, the machine's /boot and
# boot loader are left alone), unpacks it into DIR/KVER/, indexes its modules (depmod -b), and
# builds a small initramfs: busybox (unpacked from busybox-static the same way), the modules
# that mount the host's root over virtio-9p, and an /init that mounts it read-only and hands
# over to tests/kernel/link-vm-init.sh. Writes DIR/current (the KVER) last, so a half-done
# preparation is never used. Does nothing when DIR/current names a kernel that is there.
set -euo pipefail
dir=${1:-/var/cache/netnsctl-tests/vm}

if [ -f "$dir/current" ] && [ -f "$dir/$(cat "$dir/current")/initrd.img" ]; then
        exit 0
fi
for c in apt-get dpkg-deb depmod modprobe cpio gzip; do
        command -v "$c" >/dev/null || { echo "vm-prepare.sh: $c is missing" >&2; exit 1; }
done

# the image package linux-image-amd64 depends on: linux-image-6.1.0-N-amd64
kernel_pkg() {
        apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1
}

mkdir -p "$dir"
work=$(mktemp -d "$dir/.prepare.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The kernel, and a static busybox for the initramfs from Debian's busybox-static, unpacked
# (installing that would replace the machine's busybox). Package lists missing or out of date
# (a version they name gone from the mirror): update them once and try again.
download() {
        pkg=$(kernel_pkg || true)
        [ -n "$pkg" ] &&
                (cd "$work" && apt-get download -q -o APT::Sandbox::User=root "$pkg" busybox-static >/dev/null 2>&1)
}
if ! download; then
        apt-get update -q >/dev/null
        download || { echo "vm-prepare.sh: cannot download ${pkg:-the kernel linux-image-amd64 names} and busybox-static" >&2; exit 1; }
fi
kver=${pkg#linux-image-}
dpkg-deb -x "$work"/busybox-static_*.deb "$work/bb"
busybox=$work/bb/bin/busybox
[ -x "$busybox" ] || { echo "vm-prepare.sh: busybox-static has no bin/busybox" >&2; exit 1; }
dpkg-deb -x "$work"/"$pkg"_*.deb "$work/root"
depmod -b "$work/root" "$kver"
root=$work/root
moddir=$root/lib/modules/$kver
[ -d "$moddir" ] || { echo "vm-prepare.sh: $pkg has no lib/modules/$kver" >&2; exit 1; }

# the initramfs: the 9p modules in the order modprobe would load them
ird=$work/initrd
mkdir -p "$ird/bin" "$ird/mod" "$ird/newroot" "$ird/proc" "$ird/sys" "$ird/dev"
cp "$busybox" "$ird/bin/busybox"
: >"$ird/mod/order"
for m in virtio_pci 9pnet_virtio 9p; do
        modprobe -d "$root" -S "$kver" --show-depends "$m"
done | while read -r what path _; do
        [ "$what" = insmod ] || continue # "builtin NAME": nothing to load
        b=$(basename "$path")
        grep -qx "$b" "$ird/mod/order" && continue
        cp "$path" "$ird/mod/$b"
        echo "$b" >>"$ird/mod/order"
done
cat >"$ird/init" <<'EOF'
#!/bin/busybox sh
# initramfs of tests/kernel/vm-prepare.sh: the host's root, read-only over virtio-9p, then
# the test's init (link-vm-init.sh; its path and environment come on the kernel command line)
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
for m in $(/bin/busybox cat /mod/order); do
        /bin/busybox insmod "/mod/$m" || echo "initramfs: insmod $m failed"
done
if ! /bin/busybox mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /newroot; then
        echo "initramfs: cannot mount the host's root over 9p"
        /bin/busybox sleep 1
        echo b >/proc/sysrq-trigger
fi
/bin/busybox umount /dev /proc
exec /bin/busybox switch_root /newroot "$NETNSCTL_VM_INIT"
EOF
chmod 0755 "$ird/init" "$ird/bin/busybox"
(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) >"$root/initrd.img"

rm -rf "${dir:?}/$kver"
mkdir -p "$dir/$kver"
mv "$root/boot/vmlinuz-$kver" "$dir/$kver/vmlinuz"
mv "$root/lib" "$dir/$kver/lib"
mv "$root/initrd.img" "$dir/$kver/initrd.img"
echo "$kver" >"$dir/current.new"
mv "$dir/current.new" "$dir/current"
# kernels of earlier runs (linux-image-amd64 has moved on since): what this script made only
for old in "$dir"/*-amd64/; do
        if [ "$(basename "$old")" != "$kver" ] && [ -f "$old/vmlinuz" ] && [ -f "$old/initrd.img" ]; then
                rm -rf "$old"
        fi
done
echo "vm-prepare.sh: $pkg ready in $dir/$kver"
