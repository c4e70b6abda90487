#!/bin/bash
# tests/deps.sh - install what building and testing netnsctl needs (Debian 12 or 13, as root);
# then prepares Debian's kernel for the VM tests and a Debian 13 root for the systemd tier
set -eu
# libFuzzer and the sanitizers' runtime of the clang that "clang" is (14 on Debian 12, 19 on 13)
clang_rt() {
        local v
        v=$(apt-cache depends clang 2>/dev/null | sed -n 's/^ *Depends: clang-\([0-9][0-9]*\)$/\1/p' | head -1)
        [ -n "$v" ] || { apt-get update -q >/dev/null && v=$(apt-cache depends clang 2>/dev/null | sed -n 's/^ *Depends: clang-\([0-9][0-9]*\)$/\1/p' | head -1); }
        echo "libclang-rt-${v:-14}-dev"
}
pkgs=(
        build-essential meson ninja-build pkg-config clang "$(clang_rt)"
        libsystemd-dev libmount-dev libmnl-dev libnftnl-dev
        iproute2 nftables util-linux mandoc python3 socat jq curl iputils-ping
        systemd systemd-container dbus dnsmasq valgrind acl
        bash-completion debhelper dpkg-dev lintian
        qemu-system-x86 cpio kmod wireguard-tools debootstrap bird2 openvpn openssl iperf3
)
# Debian 13 ships systemd.pc (pkg-config systemd: unit, generator, tmpfiles dirs) in systemd-dev
apt-cache show systemd-dev >/dev/null 2>&1 && pkgs+=(systemd-dev)
missing=()
for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Debian's kernel for the link-*.sh tests the machine's kernel cannot run (tests/kernel/link-lib.sh)
# (not fatal: without it those tests skip and say why)
bash "$(dirname "$0")/kernel/vm-prepare.sh" || echo "deps.sh: Debian's kernel for the VM could not be prepared; link-ipvlan and link-vlan will be skipped" >&2
# Debian 13's root for the systemd tier's second run (tests/systemd/release-prepare.sh; cached:
# a second run fetches nothing). Without the archive it records why, and that run skips with it.
bash "$(dirname "$0")/systemd/release-prepare.sh" trixie || echo "deps.sh: the Debian 13 root could not be prepared; the trixie- tests will be skipped" >&2
