#!/bin/bash
# tests/deps.sh - install what building and testing netnsctl needs (Debian 12, as root)
set -eu
pkgs=(
        build-essential meson ninja-build pkg-config clang libclang-rt-14-dev
        libsystemd-dev libmount-dev libmnl-dev libnftnl-dev
        iproute2 nftables util-linux mandoc python3 socat jq curl iputils-ping
        systemd systemd-container dbus dnsmasq valgrind acl
        bash-completion debhelper dpkg-dev lintian
        qemu-system-x86 cpio kmod wireguard-tools
)
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
