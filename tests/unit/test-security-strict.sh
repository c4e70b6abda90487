#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# test-security-strict.sh - StrictModes at the command line: "netnsctl check" and the generator
# refuse a config file, drop-in, drop-in dir, /etc/netns, /etc/netns/NAME/ or a directory above
# them that someone other than root can write, with one line naming the path; the namespace is
# skipped, the others are not. The entries inside /etc/netns/NAME/ stay their daemons' own.
# The parts that chown to nobody need root; without root they are skipped (said at the end).
set -u
NETNSCTL=${NETNSCTL:-$BUILD_DIR/helper/netnsctl}
GEN=${NETNS_GENERATOR:-$BUILD_DIR/generator/netns-generator}
[ -x "$NETNSCTL" ] || { echo "netnsctl not built: $NETNSCTL"; exit 77; }
[ -x "$GEN" ] || { echo "netns-generator not built: $GEN"; exit 77; }

# The tree lives in /tmp on purpose: a root-owned sticky directory above is accepted (the sticky
# bit keeps others from renaming what is in it); the test dir itself is 0755.
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
chmod 0755 "$top"
etc=$top/etc/netns
export NETNSCTL_CONF_DIR=$etc
root=0
[ "$(id -u)" = 0 ] && root=1
fail=0
skipped=()

FAIL() {
        echo "FAIL: $*"
        fail=1
}

# A fresh tree: vpn (with a drop-in and an overlay dir holding a daemon's own 0750 dir) and web.
reset() {
        rm -rf "$top/etc" "$top/elsewhere"
        chmod 0755 "$top"
        mkdir -p -m 0755 "$top/etc" "$etc" "$etc/vpn.conf.d" "$etc/vpn"
        printf '[Namespace]\nUnits=bird.service\n' >"$etc/vpn.conf"
        printf '[Namespace]\nDNS=192.0.2.53\n' >"$etc/vpn.conf.d/10-dns.conf"
        printf '[Namespace]\nUnits=web.service\n' >"$etc/web.conf"
        mkdir -m 0750 "$etc/vpn/bird"
        printf 'router id 192.0.2.1;\n' >"$etc/vpn/bird/bird.conf"
        chmod 0640 "$etc/vpn/bird/bird.conf"
        if [ $root = 1 ]; then
                # as Debian ships /etc/bird: bird:bird 0750 (nobody here)
                chown -R nobody:nogroup "$etc/vpn/bird"
        fi
        chmod 0644 "$etc/vpn.conf" "$etc/web.conf" "$etc/vpn.conf.d/10-dns.conf"
}

# run "netnsctl check" and the generator; sets rc, out (check), grc, gerr, and which boot
# symlinks the generator made
run_both() {
        out=$("$NETNSCTL" check 2>&1)
        rc=$?
        rm -rf "$top/gen"
        mkdir -p "$top/gen"
        gerr=$(env -u SYSTEMD_SCOPE "$GEN" "$top/gen" 2>&1)
        grc=$?
        links=$(cd "$top/gen" && find . -name 'netns@*.service' -type l -printf '%f\n' | sort | tr '\n' ' ')
}

# expect_ok WHAT: check silent and 0, the generator links both
expect_ok() {
        run_both
        [ "$rc" = 0 ] && [ -z "$out" ] || FAIL "$1: check: exit $rc, output: $out"
        [ "$grc" = 0 ] && [ -z "$gerr" ] || FAIL "$1: generator: exit $grc, stderr: $gerr"
        [ "$links" = "netns@vpn.service netns@web.service " ] || FAIL "$1: generator linked: $links"
        [ -f "$top/gen/bird.service.d/50-netns-vpn.conf" ] || FAIL "$1: no drop-in for bird.service"
}

# expect_refused WHAT PATH TEXT [LINES]: check fails with LINES (1) lines, each naming PATH and
# TEXT; the generator exits 0, skips vpn and still links web (unless LINES=2: both refused)
expect_refused() {
        local what=$1 path=$2 text=$3 lines=${4:-1} want_links="netns@web.service "
        [ "$lines" = 2 ] && want_links=""
        run_both
        [ "$rc" != 0 ] || FAIL "$what: check exited 0"
        [ "$(printf '%s\n' "$out" | wc -l)" = "$lines" ] || FAIL "$what: check: expected $lines line(s), got: $out"
        printf '%s\n' "$out" | grep -qF -- "$path: " || FAIL "$what: check does not name $path: $out"
        printf '%s\n' "$out" | grep -qF -- "$text" || FAIL "$what: check does not say '$text': $out"
        [ "$grc" = 0 ] || FAIL "$what: generator exited $grc"
        printf '%s\n' "$gerr" | grep -qF -- "$path: " || FAIL "$what: generator does not name $path: $gerr"
        printf '%s\n' "$gerr" | grep -qF "Skipping namespace vpn" || FAIL "$what: generator did not skip vpn: $gerr"
        [ "$links" = "$want_links" ] || FAIL "$what: generator linked '$links', expected '$want_links'"
        [ -e "$top/gen/bird.service.d" ] && FAIL "$what: a drop-in for bird.service was written"
        return 0
}

reset
expect_ok "a safe tree (the daemon's own 0750 dir inside vpn/)"

reset; chmod g+w "$etc/vpn.conf"
expect_refused "config file g+w" "$etc/vpn.conf" "writable by group (mode 0664)"
reset; chmod o+w "$etc/vpn.conf"
expect_refused "config file o+w" "$etc/vpn.conf" "writable by others (mode 0646)"
reset; chmod g+w "$etc/vpn.conf.d/10-dns.conf"
expect_refused "drop-in g+w" "$etc/vpn.conf.d/10-dns.conf" "writable by group"
reset; chmod 0777 "$etc/vpn.conf.d"
expect_refused "drop-in dir 0777" "$etc/vpn.conf.d" "writable by group and others (mode 0777)"
reset; chmod 0775 "$etc/vpn"
expect_refused "overlay dir /etc/netns/vpn g+w" "$etc/vpn" "writable by group (mode 0775)"
reset; chmod 0777 "$etc"
expect_refused "/etc/netns 0777" "$etc/vpn.conf" "directory $etc is writable" 2
reset; chmod 1777 "$etc"
expect_refused "/etc/netns sticky 1777 (no exemption for the config dir itself)" "$etc/vpn.conf" "(mode 1777)" 2
reset; chmod 0775 "$top/etc"
expect_refused "a directory above, g+w" "$etc/vpn.conf" "directory $top/etc is writable by group" 2
reset; chmod 0777 "$top"
expect_refused "a world-writable directory above, not sticky" "$etc/vpn.conf" "directory $top is writable" 2

# a symlink is as safe as where it leads
reset
mkdir -m 0777 "$top/elsewhere"
chmod 0777 "$top/elsewhere"
printf '[Namespace]\nUnits=bird.service\n' >"$top/elsewhere/vpn.conf"
chmod 0644 "$top/elsewhere/vpn.conf"
ln -sf "$top/elsewhere/vpn.conf" "$etc/vpn.conf"
expect_refused "symlink into a world-writable dir" "$etc/vpn.conf" "directory $top/elsewhere is writable"
chmod 0755 "$top/elsewhere"
expect_ok "symlink into a safe dir"

# ACLs show as group bits in the mode (the mask): a named user with write is refused
if command -v setfacl >/dev/null && reset && setfacl -m u:nobody:rw "$etc/vpn.conf" 2>/dev/null; then
        expect_refused "ACL u:nobody:rw" "$etc/vpn.conf" "writable by group"
else
        skipped+=("ACL (setfacl missing or not supported here)")
fi

if [ $root = 1 ]; then
        reset; chown nobody "$etc/vpn.conf"
        expect_refused "config file owned by nobody" "$etc/vpn.conf" "owned by uid $(id -u nobody), not root"
        reset; chown nobody "$etc/vpn.conf.d/10-dns.conf"
        expect_refused "drop-in owned by nobody" "$etc/vpn.conf.d/10-dns.conf" "owned by uid"
        reset; chown nobody "$etc/vpn.conf.d"
        expect_refused "drop-in dir owned by nobody" "$etc/vpn.conf.d" "owned by uid"
        reset; chown nobody "$etc/vpn"
        expect_refused "overlay dir owned by nobody" "$etc/vpn" "owned by uid"
        reset; chown nobody "$etc"
        expect_refused "/etc/netns owned by nobody" "$etc/vpn.conf" "directory $etc is owned by uid" 2
        reset; chown nobody "$top/etc"
        expect_refused "a directory above owned by nobody" "$etc/vpn.conf" "directory $top/etc is owned by uid" 2
        # group-owned by another group but not group-writable: fine (root:adm 0640)
        reset; chgrp nogroup "$etc/vpn.conf"; chmod 0640 "$etc/vpn.conf"
        expect_ok "root:nogroup 0640"
else
        skipped+=("chown to nobody (needs root)")
fi

# check with an explicit path refuses the same way
reset; chmod g+w "$etc/vpn.conf"
out=$("$NETNSCTL" check "$etc/vpn.conf" 2>&1) && FAIL "check PATH: exited 0"
printf '%s\n' "$out" | grep -qF "$etc/vpn.conf: writable by group" || FAIL "check PATH: $out"

[ ${#skipped[@]} -gt 0 ] && echo "skipped parts: ${skipped[*]}"
[ $fail = 0 ] && echo "ok: StrictModes refusals (check, generator)"
exit $fail
