# shellcheck shell=bash
# release-lib.sh - running commands inside the Debian root of another release that
# release-prepare.sh made (sourced by it, by release-build.sh and by lib.sh).
#
#   release_root RELEASE       prints the root's path (CACHE/RELEASE)
#   release_chroot ROOT DIR CMD...
#                              CMD chrooted into ROOT, cwd /build, with DIR (a host directory)
#                              mounted there, a fresh tmpfs on /tmp, /proc, /sys, /dev and the
#                              host's resolv.conf; DIR may be "" (then cwd /). In a private mount
#                              namespace of its own: nothing stays mounted. The root itself is
#                              not written to (it is the lower layer of the tier's overlays)
#                              but by what CMD does outside /build and /tmp.

release_root() {
        echo "${NETNSCTL_TEST_CACHE:-/var/cache/netnsctl-tests}/$1"
}

release_chroot() {
        local root=$1 dir=$2
        shift 2
        unshare --mount --propagation private -- sh -c '
                root=$1 dir=$2; shift 2
                # the root a mount point of its own, as on a machine (unshare --propagation and
                # the like fail on a "/" that is none)
                mount --bind "$root" "$root" &&
                        mount -t proc proc "$root/proc" && mount --rbind /sys "$root/sys" &&
                        mount --rbind /dev "$root/dev" && mount -t tmpfs tmpfs "$root/tmp" || exit 1
                [ -f /etc/resolv.conf ] && mount --bind /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
                cwd=/
                if [ -n "$dir" ]; then
                        mkdir -p "$root/build" && mount --bind "$dir" "$root/build" || exit 1
                        cwd=/build
                fi
                exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
                        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
                        sh -c "cd $cwd && exec \"\$@\"" sh "$@"' release_chroot "$root" "$dir" "$@"
}
