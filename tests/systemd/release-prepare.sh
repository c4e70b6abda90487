#!/bin/bash
# tests/systemd/release-prepare.sh - a Debian root of another release for the systemd tier
# (lib.sh boots it with NETNS_CT_RELEASE=RELEASE), with its own compiler and libraries.
#
#   tests/systemd/release-prepare.sh [RELEASE]        default: trixie (Debian 13, systemd 257)
#
# Run by tests/deps.sh, as root. Makes CACHE/RELEASE (CACHE: /var/cache/netnsctl-tests, or
# $NETNSCTL_TEST_CACHE) with debootstrap --variant=minbase from the mirror apt uses here (or
# $NETNSCTL_DEBIAN_MIRROR), then
# installs in it what building netnsctl (meson, gcc, the -dev packages; debhelper and lintian
# for the .deb) and the systemd tier (iproute2, nftables, dnsmasq, jq, ...) need, and downloads
# the udev package link-late.sh unpacks. The root is made in CACHE/RELEASE.new and renamed when
# complete; CACHE/RELEASE.packages records what was installed: a second run with the same list
# fetches nothing, a longer list installs what is new. When the archive cannot be reached, the
# reason goes to CACHE/RELEASE.unavailable (the tier's tests skip with it) and this exits 0.
set -euo pipefail
release=${1:-trixie}
here=$(cd "$(dirname "$0")" && pwd)

pkgs=(
        # boot and the tests' own tools inside (in_ct runs them from this root)
        systemd systemd-sysv dbus iproute2 nftables python3 curl socat jq iputils-ping procps
        kmod dnsmasq man-db openvpn openssl bird2
        # building netnsctl, and its .deb (deb.sh)
        build-essential gcc libc6-dev meson ninja-build pkgconf libsystemd-dev systemd-dev libmount-dev libmnl-dev libnftnl-dev
        bash-completion debhelper dpkg-dev lintian
)
want=$(printf '%s\n' "${pkgs[@]}" | sort -u)

unavailable() {
        echo "$*" >"$root.unavailable"
        echo "release-prepare.sh: $release root not made: $*" >&2
        exit 0
}

# the mirror apt uses on this machine (deb822 URIs: line, else a sources.list line), or
# $NETNSCTL_DEBIAN_MIRROR
mirror() {
        local m=${NETNSCTL_DEBIAN_MIRROR:-}
        [ -n "$m" ] && { echo "$m"; return; }
        if [ -f /etc/apt/sources.list.d/debian.sources ]; then
                m=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
        fi
        if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
                m=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
        fi
        echo "${m:-http://deb.debian.org/debian}"
}

# shellcheck source=release-lib.sh
. "$here/release-lib.sh"
in_root() { # DIR CMD...
        local dir=$1
        shift
        release_chroot "$dir" "" "$@"
}

install_pkgs() { # DIR PKG...
        local dir=$1
        shift
        printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
        chmod 755 "$dir/usr/sbin/policy-rc.d"
        in_root "$dir" apt-get update -q &&
                in_root "$dir" apt-get install -y -q --no-install-recommends "$@"
        local rc=$?
        rm -f "$dir/usr/sbin/policy-rc.d"
        return $rc
}

root=$(release_root "$release")
mkdir -p "$(dirname "$root")"
# one preparation at a time (deps.sh may run twice at once: CI and demo/run)
exec 9>"$root.lock"
flock 9
if [ -d "$root" ] && [ -f "$root.packages" ]; then
        new=$(comm -13 "$root.packages" <(echo "$want"))
        [ -z "$new" ] && exit 0
        # shellcheck disable=SC2086
        install_pkgs "$root" $new >"$root.log" 2>&1 || unavailable "installing $(echo $new) failed (log: $root.log)"
        echo "$want" >"$root.packages"
        rm -f "$root.unavailable"
        exit 0
fi

# a root without its record is one a run left unfinished
[ -d "$root" ] && rm -rf "$root"
command -v debootstrap >/dev/null || unavailable "debootstrap is not installed"
[ -f "/usr/share/debootstrap/scripts/$release" ] || unavailable "debootstrap knows no release '$release'"
m=$(mirror)
work=$root.new
rm -rf "$work"
trap 'rm -rf "$work"' EXIT
echo "release-prepare.sh: debootstrap $release from $m into $root (log: $root.log)" >&2
start=$SECONDS
if ! timeout 1200 debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus "$release" "$work" "$m" >"$root.log" 2>&1; then
        unavailable "debootstrap $release from $m failed: $(grep -E '^(E|W):' "$root.log" | tail -1) (log: $root.log)"
fi
install_pkgs "$work" "${pkgs[@]}" >>"$root.log" 2>&1 ||
        unavailable "installing the packages into the $release root failed: $(grep -E '^E:' "$root.log" | tail -1) (log: $root.log)"
in_root "$work" apt-get clean -q >/dev/null 2>&1 || true
# the udev package link-late.sh unpacks into its container (left in /var/cache/apt/archives)
in_root "$work" apt-get install -y -q --download-only udev >>"$root.log" 2>&1 || true
rm -f "$work/etc/machine-id"
mkdir -p "$work/build"
mv -T "$work" "$root"
trap - EXIT
echo "$want" >"$root.packages"
rm -f "$root.unavailable"
echo "release-prepare.sh: $release root ready in $((SECONDS - start)) s" >&2
