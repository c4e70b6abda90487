# shellcheck shell=bash
# exec-lib.sh - for the systemd tier tests of issue 4 (exec-*.sh, dns-*.sh), sourced after lib.sh.
#
# netns_view_dropin NAME UNIT [DNS]: give UNIT (attached to namespace NAME through Units=) the
# namespace's view — its sysfs on /sys, /etc/netns/NAME/* over /etc, with DNS=yes the generated
# resolv.conf and the resolver-leak guard — by a drop-in in /etc/systemd/system/UNIT.d/, unless
# the generator's drop-in already has these lines (then it is left to it, and so tested). Then
# daemon-reload. The lines are the ones the generator's drop-in is to gain (see dropin_lines).

# dropin_lines NAME SECTION DNS: the lines, from what the container has now
dropin_lines() {
        local name=$1 section=$2 dns=$3 e target dir guard d
        echo "# issue 4: the namespace's view (hand-written until the generator writes it)"
        echo "[$section]"
        # the namespace's bare sysfs, then the host's submounts over it (systemd binds
        # recursively, sorted by path, sources from the host's tree)
        echo "BindPaths=/run/netnsctl/$name/sys:/sys"
        echo "BindPaths=-/sys/firmware/efi/efivars -/sys/fs/bpf -/sys/fs/cgroup -/sys/fs/fuse/connections -/sys/fs/pstore -/sys/kernel/config -/sys/kernel/debug -/sys/kernel/security -/sys/kernel/tracing"
        # each entry whose /etc counterpart exists (systemd would create a missing one in the
        # host's /etc); '-': an entry removed after generation is skipped, not an error
        for e in $(in_ct ls -A "/etc/netns/$name" 2>/dev/null); do
                [ "$dns" = yes ] && [ "$e" = resolv.conf ] && continue
                in_ct test -e "/etc/$e" -o -L "/etc/$e" || continue
                echo "BindReadOnlyPaths=-/etc/netns/$name/$e:/etc/$e"
        done
        [ "$dns" = yes ] || return 0
        guard="/run/systemd/resolve /run/nscd"
        if in_ct test -L /etc/resolv.conf; then
                # systemd follows the symlink and binds onto its target: give the target's
                # directory a tmpfs of our own (it also hides the resolver sockets there), and
                # the generated file at the target's name in it
                target=$(in_ct readlink -m /etc/resolv.conf)
                dir=${target%/*}
                echo "TemporaryFileSystem=$dir"
                echo "BindReadOnlyPaths=/run/netnsctl/$name/resolv.conf:$target"
                guard=$(for d in $guard; do [ "$d" != "$dir" ] && echo "$d"; done)
        else
                echo "BindReadOnlyPaths=/run/netnsctl/$name/resolv.conf:/etc/resolv.conf"
        fi
        [ -n "$guard" ] && echo "InaccessiblePaths=$(for d in $guard; do printf -- '-%s ' "$d"; done | sed 's/ $//')"
        return 0
}

unit_section() {
        case "$1" in
        *.socket) echo Socket ;;
        *.mount) echo Mount ;;
        *.swap) echo Swap ;;
        *) echo Service ;;
        esac
}

netns_view_dropin() {
        local name=$1 unit=$2 dns=${3:-no} f
        f=/etc/systemd/system/$unit.d/60-netns-$name-view.conf
        in_ct rm -f "$f"
        ct_daemon_reload
        if in_ct sh -c "grep -qs '^BindPaths=/run/netnsctl/$name/sys:/sys' /run/systemd/generator*/$unit.d/*.conf"; then
                log "$unit: the generator's drop-in has the namespace's view; using it"
                return 0
        fi
        dropin_lines "$name" "$(unit_section "$unit")" "$dns" | ct_write "$f"
        log "$unit: hand-written drop-in $f:"
        sed 's/^/#     /' "$CT_ROOT$f"
        ct_daemon_reload
}
