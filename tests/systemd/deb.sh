#!/bin/bash
# deb.sh - the Debian package: dpkg-buildpackage builds it from a copy of the source tree,
# lintian finds nothing (when installed), and "dpkg -i" inside a booted systemd makes netns@
# work with no further step (tmpfiles applied, manager reloaded, generator run); start/stop
# smoke test with the packaged binary; "dpkg -r" takes it all away again.
. "$(dirname -- "$0")/lib.sh" || exit 1

SRC=${SOURCE_DIR:-$(cd "$(dirname -- "$0")/../.." && pwd)}
ct_host_run "$SRC" sh -c "command -v dpkg-buildpackage" >/dev/null || skip "dpkg-buildpackage missing (apt-get install dpkg-dev debhelper)"
[ -f "$SRC/debian/control" ] || skip "no debian/ in $SRC"
# (built with the tools of the root the container boots: on another release, inside its root)
missing=$(ct_host_run "$SRC" dpkg-checkbuilddeps 2>&1) ||
        skip "build dependencies missing: ${missing#*: }"

# the package, not "meson install", goes into this container's root
ct_install() { :; }
ct_setup

# --- build, in a copy of the source tree: what git knows about (tracked and new files;
# symlinks too, also dangling ones: the generator's golden trees hold some)
W=$CT_DIR/src
mkdir -p "$W/netnsctl"
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
        (cd "$SRC" && git ls-files -z -c -o --exclude-standard | while IFS= read -r -d '' f; do
                { [ -e "$f" ] || [ -L "$f" ]; } && printf '%s\0' "$f"
        done | tar --null -T - -cf -) | tar -C "$W/netnsctl" -xf - || die "copying the source tree failed"
else
        tar -C "$SRC" --exclude='./build*' --exclude='./obj-*' --exclude='./.git' -cf - . | tar -C "$W/netnsctl" -xf - ||
                die "copying the source tree failed"
fi
start=$SECONDS
if ct_host_run "$W" sh -c "cd netnsctl && timeout 600 dpkg-buildpackage -us -uc -b -j$(nproc)" >"$W/build.log" 2>&1; then
        ok "dpkg-buildpackage -us -uc -b ($((SECONDS - start)) s)"
else
        tail -40 "$W/build.log"
        die "dpkg-buildpackage failed (log above)"
fi
deb=$(ls "$W"/netnsctl_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || die "no netnsctl_*.deb next to the source tree"

if ct_host_run "$W" sh -c 'command -v lintian' >/dev/null; then
        # E: and W: tags fail the test; I: and pedantic ones are overridden in debian/ with reasons
        tags=$(ct_host_run "$W" sh -c 'lintian --fail-on none netnsctl_*.changes' 2>&1 | grep -E '^[EW]: ' || true)
        assert_eq "lintian errors and warnings" "" "$tags"
else
        log "lintian not installed; not checked"
fi

# what the package holds: systemd's own directories, prefix /usr
contents=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')
unitdir=$(ct_host_run "$W" pkg-config --variable=systemdsystemunitdir systemd)
generatordir=$(ct_host_run "$W" pkg-config --variable=systemdsystemgeneratordir systemd)
tmpfilesdir=$(ct_host_run "$W" pkg-config --variable=tmpfilesdir systemd)
[ -n "$unitdir" ] && [ -n "$generatordir" ] && [ -n "$tmpfilesdir" ] || die "pkg-config systemd knows no unit, generator or tmpfiles dir"
for f in /usr/bin/netnsctl "$unitdir/netns@.service" "$unitdir/run-netns.mount" "$generatordir/netns-generator" "$tmpfilesdir/netnsctl.conf" \
        /usr/share/man/man8/netnsctl.8.gz /usr/share/man/man5/netns.conf.5.gz \
        /usr/share/bash-completion/completions/netnsctl; do
        if grep -qxF "$f" <<<"$contents"; then ok "package has $f"; else fail "package lacks $f"; fi
done

# --- install into a booted systemd: configs first, as an admin upgrading might have them
ct_write /etc/netns/a.conf <<'CONF'
[Namespace]
Boot=no
Sysctl=net.ipv4.ip_forward=1
CONF
ct_write /etc/netns/b.conf <<'CONF'
[Namespace]
CONF
ct_boot
assert_eq "LoadState of netns@a.service before install" not-found "$(in_ct systemctl show -P LoadState netns@a.service)"
if in_ct test -e /run/netnsctl; then fail "/run/netnsctl exists before install"; else ok "/run/netnsctl absent before install"; fi
# (not /tmp: the booted container has a tmpfs there)
cp "$deb" "$CT_ROOT/var/tmp/netnsctl.deb"
if in_ct dpkg -i /var/tmp/netnsctl.deb >"$W/dpkg-i.log" 2>&1; then
        ok "dpkg -i inside the container"
else
        cat "$W/dpkg-i.log"
        die "dpkg -i failed"
fi

# no further step: tmpfiles made the directories, the manager knows the unit, the generator ran
for d in /run/netns /run/netnsctl /etc/netns; do
        if in_ct test -d "$d"; then ok "$d exists after install"; else fail "$d missing after install (tmpfiles not applied?)"; fi
done
assert_eq "LoadState of netns@a.service after install" loaded "$(in_ct systemctl show -P LoadState netns@a.service)"
case " $(in_ct systemctl show -P Wants multi-user.target) " in
*" netns@b.service "*) ok "generator ran on install: multi-user.target wants netns@b.service" ;;
*) fail "multi-user.target does not want netns@b.service (no daemon-reload on install?)" ;;
esac
assert_state netns@b.service inactive # installing starts nothing

# --- smoke test with the packaged binary and unit
if ct_systemctl start netns@a.service; then ok "systemctl start netns@a"; else fail "systemctl start netns@a"; fi
assert_state netns@a.service active
assert_pin a
assert_eq "net.ipv4.ip_forward in a" 1 "$(in_netns a cat /proc/sys/net/ipv4/ip_forward)"
exe=$(in_ct systemctl show -P ExecStart netns@a.service)
case "$exe" in
*"path=/usr/bin/netnsctl "*) ok "netns@.service runs /usr/bin/netnsctl" ;;
*) fail "netns@.service runs something else: $exe" ;;
esac
state=$(in_ct /usr/bin/netnsctl list --json | python3 -c '
import json, sys
print(*[(e["state"], e["unit"]) for e in json.load(sys.stdin) if e["name"] == "a"])')
assert_eq "netnsctl list: a" "('up', 'active')" "$state"
if ct_systemctl stop netns@a.service; then ok "systemctl stop netns@a"; else fail "systemctl stop netns@a"; fi
assert_state netns@a.service inactive
assert_no_pin a

# --- remove: the files go, the manager forgets the unit
if in_ct dpkg -r netnsctl >"$W/dpkg-r.log" 2>&1; then ok "dpkg -r"; else cat "$W/dpkg-r.log"; fail "dpkg -r failed"; fi
if in_ct test -e /usr/bin/netnsctl; then fail "/usr/bin/netnsctl left after dpkg -r"; else ok "/usr/bin/netnsctl removed"; fi
assert_eq "LoadState of netns@a.service after remove" not-found "$(in_ct systemctl show -P LoadState netns@a.service)"

ct_finish
