#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# test-injection.sh - no config value can add a line or a directive to a generated unit file
#
# For every key of netns.conf(5) and every hostile value (line continuations, raw newlines,
# CR, '%' specifiers, quotes, backslashes, spaces, section headers, shell syntax, non-ASCII,
# control characters, very long values), write a config, run netns-generator and parse what
# it wrote: every file must be UNIT.d/50-netns-NAME.conf for a unit the config attaches, and
# every line in it must be exactly one of the lines the generator writes (with the expected
# values), none ending in a backslash (systemd would join the next line to it). Either the
# config is refused (a message, nothing written for it) or the unit files are exactly as
# for a harmless config. The directories from the environment ($NETNSCTL_CONF_DIR,
# $NETNS_RUN_DIR) get the same treatment: escaped, or refused when they hold control characters.
set -u -o pipefail
shopt -s extglob

gen=${NETNS_GENERATOR:?NETNS_GENERATOR must point at the netns-generator binary}
unitdir=/lib/systemd/system
for a in "$@"; do
        case "$a" in
        --unitdir=*) unitdir=${a#--unitdir=} ;;
        esac
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"
failed=0
refused=0
written=0
own=0

FAIL() {
        echo "FAIL: $*"
        failed=1
}

# Hostile values. Written raw into the config after "KEY=".
payloads=(
        $'a.service\\\nExecStart=/bin/sh -c evil'
        $'a.service \\\n ExecStart=/bin/sh'
        $'a.service\nExecStart=/bin/sh'
        $'a.service\n[Service]\nExecStart=/bin/sh'
        $'a.service\r\nExecStartPre=/bin/sh'
        $'a.service\rExecStartPre=/bin/sh'
        $'a.service\\'
        $'a.service\\\\'
        $'a.service\\\n'
        '%n.service' '%h' '%%' 'a%b.service' '%' 'a.service%'
        '"a.service"' "'a.service'" '"a.service b.service"' '"' "'"
        'a\x2db.service' 'a\\b.service' '\' '\n' 'a\nb.service' '\\\\'
        'a b.service' ' a.service' 'a.service ' $'a\tb.service'
        '[Service]' ']' '[' 'a=b' '=' 'ExecStart=/bin/sh' 'a.service;ExecStart=/bin/sh'
        '#a.service' ';a.service' 'a.service #comment'
        '$(touch /tmp/pwned)' '`id`' 'a.service && reboot' '${HOME}'
        '../../etc/passwd' '/abs/path' '.' '..' 'a/b.service'
        $'\xc3\xa4.service' $'a\x01.service' $'a\x7f.service'
        "$(printf 'x%.0s' {1..5000}).service"
        '192.0.2.1' 'net.ipv4.ip_forward=1' 'tcp:8080:80' 'both' 'nn-x' 'eth0' '1500' 'yes'
)

keys=(
        "Namespace Boot" "Namespace Sysctl" "Namespace DNS" "Namespace Domains" "Namespace Units"
        "Veth HostName" "Veth Name" "Veth Address" "Veth HostAddress" "Veth DefaultRoute"
        "Veth MTU" "Veth AddressPool"
        "NAT Masquerade" "NAT Port"
        "Link Type" "Link Parent" "Link Name" "Link Mode" "Link VLANId" "Link MTU" "Link MTUBytes"
        "Link Address" "Link Gateway"
        "X-Unknown Whatever"
)

# check_output NAME SRC PIN UNITS...: what the generator wrote into $tmp/out for namespace NAME
# is made of the generator's own lines only. SRC and PIN as they appear in the files (%-escaped).
# Sets found=1 if anything was written for NAME.
check_output() {
        local name=$1 src=$2 pin=$3 f rel unit line section want_section
        shift 3
        found=0
        while IFS= read -r -d '' f; do
                rel=${f#"$tmp/out/"}
                found=1
                if [ -L "$f" ]; then
                        [ "$rel" = "multi-user.target.wants/netns@$name.service" ] &&
                                [ "$(readlink "$f")" = "$unitdir/netns@.service" ] ||
                                FAIL "$ctx: unexpected symlink $rel -> $(readlink "$f")"
                        continue
                fi
                if [ "$rel" = "netns@$name.service.d/50-netns.conf" ]; then
                        check_own_dropin "$name" "$src" "$rel"
                        continue
                fi
                unit=${rel%.d/50-netns-"$name".conf}
                [ "$unit" != "$rel" ] && [ "${unit%/*}" = "$unit" ] || { FAIL "$ctx: unexpected file $rel"; continue; }
                if [[ "$unit" == sys-subsystem-net-devices-*.device ]]; then
                        check_device_dropin "$unit" "$src" "$f"
                        continue
                fi
                case " $* " in
                *" $unit "*) ;;
                *) FAIL "$ctx: drop-in for a unit the config does not attach: $(printf '%q' "$unit")" ;;
                esac
                case "$unit" in
                *.service) want_section=Service ;;
                *.socket) want_section=Socket ;;
                *.mount) want_section=Mount ;;
                *.swap) want_section=Swap ;;
                *) FAIL "$ctx: drop-in for $unit, which runs no processes"; want_section=- ;;
                esac
                written=$((written + 1))
                section=
                # every line: one of ours, exactly; -r and IFS= keep backslashes and spaces
                while IFS= read -r line || [ -n "$line" ]; do
                        case "$line" in
                        *$'\r'*) FAIL "$ctx: $rel: a CR in a line"; continue ;;
                        *\\) FAIL "$ctx: $rel: a line ends in a backslash (continues): $line"; continue ;;
                        esac
                        case "$line" in
                        "# Automatically generated by netns-generator from "*) [ -z "$section" ] || FAIL "$ctx: $rel: comment inside a section" ;;
                        "") ;;
                        "[Unit]") section=Unit ;;
                        "[$want_section]") section=$want_section ;;
                        "SourcePath=$src") [ "$section" = Unit ] || FAIL "$ctx: $rel: SourcePath= outside [Unit]" ;;
                        "BindsTo=netns@$name.service" | "After=netns@$name.service") [ "$section" = Unit ] || FAIL "$ctx: $rel: $line outside [Unit]" ;;
                        "NetworkNamespacePath=$pin") [ "$section" = "$want_section" ] || FAIL "$ctx: $rel: $line outside [$want_section]" ;;
                        # the namespace's view: its /sys, /etc/netns/NAME entries, DNS (no spaces in values)
                        "BindPaths=/run/netnsctl/$name/sys:/sys" | \
                        "BindPaths=-/sys/firmware/efi/efivars -/sys/fs/bpf -/sys/fs/cgroup -/sys/fs/fuse/connections -/sys/fs/pstore -/sys/kernel/config -/sys/kernel/debug -/sys/kernel/security -/sys/kernel/tracing" | \
                        "InaccessiblePaths=-/run/systemd/resolve -/run/nscd" | "InaccessiblePaths=-/run/nscd" | \
                        "InaccessiblePaths=-/run/systemd/resolve")
                                [ "$section" = "$want_section" ] || FAIL "$ctx: $rel: $line outside [$want_section]" ;;
                        "BindReadOnlyPaths=/run/netnsctl/$name/resolv.conf:/"* | "BindReadOnlyPaths=-/"*":/etc/"* | "TemporaryFileSystem=/"*)
                                [ "$section" = "$want_section" ] || FAIL "$ctx: $rel: $line outside [$want_section]"
                                case "$line" in *[[:space:]]*) FAIL "$ctx: $rel: white space in a path list: $(printf '%q' "$line")" ;; esac ;;
                        *) FAIL "$ctx: $rel: a line the generator does not write: $(printf '%q' "$line")" ;;
                        esac
                done <"$f"
                [ "$(grep -c '' "$f")" -ge 10 ] || FAIL "$ctx: $rel: $(grep -c '' "$f") lines, the generator writes at least 10"
        done < <(find "$tmp/out" -mindepth 1 \( -name "50-netns-$name.conf" -o -name "netns@$name.service" \
                                                -o -path "*/netns@$name.service.d/50-netns.conf" \) -print0)
}

# The drop-in of the namespace's own unit (netns@NAME.service.d/50-netns.conf): [Unit] with
# SourcePath=, its place in the boot and the lines its configuration calls for (Wants= of
# the NAT watcher, the devices it waits for).
check_own_dropin() { # NAME SRC REL
        local name=$1 src=$2 rel=$3 line section=
        while IFS= read -r line || [ -n "$line" ]; do
                case "$line" in
                *$'\r'* | *\\) FAIL "$ctx: $rel: a CR or a trailing backslash: $(printf '%q' "$line")"; continue ;;
                esac
                case "$line" in
                "# Automatically generated by netns-generator from "*) [ -z "$section" ] || FAIL "$ctx: $rel: comment inside a section" ;;
                "") ;;
                "[Unit]") section=Unit ;;
                "SourcePath=$src" | "Wants=netnsctl-nat-watch.service" | \
                "Wants=network-pre.target" | "Before=network-pre.target" | \
                "Wants=network-online.target" | "After=network-online.target") [ "$section" = Unit ] || FAIL "$ctx: $rel: $line outside [Unit]" ;;
                Wants=sys-subsystem-net-devices-*.device | After=sys-subsystem-net-devices-*.device)
                        # [Link] parents: the device units to wait for, each with its bound
                        [ "$section" = Unit ] || FAIL "$ctx: $rel: $line outside [Unit]"
                        device_unit_ok "${line#*=}" || FAIL "$ctx: $rel: not a device unit systemd-escape would name: $(printf '%q' "$line")"
                        [ -f "$tmp/out/${line#*=}.d/50-netns-$name.conf" ] || FAIL "$ctx: $rel: no drop-in bounding ${line#*=}"
                        ;;
                *) FAIL "$ctx: $rel: a line the generator does not write: $(printf '%q' "$line")" ;;
                esac
        done <"$tmp/out/$rel"
        own=$((own + 1))
}

# A [Link]'s device unit: "sys-subsystem-net-devices-IFNAME.device", IFNAME escaped as
# systemd-escape --path does it: only [A-Za-z0-9:_.] and \xNN, unescaping to a valid interface
# name (1-15 characters, no white space, control character, '/', ':' or '%').
device_unit_ok() { # UNIT
        local e=${1#sys-subsystem-net-devices-} n
        e=${e%.device}
        [[ "$1" =~ ^sys-subsystem-net-devices-([A-Za-z0-9:_.]|\\x[0-9a-f]{2})+\.device$ ]] || return 1
        n=$(printf '%b' "$e")
        [ ${#n} -ge 1 ] && [ ${#n} -le 15 ] && [[ "$n" != *[[:space:][:cntrl:]/:%]* ]]
}

# UNIT.d/50-netns-NAME.conf for a device unit: the bound on the wait for it, nothing else
check_device_dropin() { # UNIT SRC FILE
        local unit=$1 src=$2 f=$3 line section=
        written=$((written + 1))
        device_unit_ok "$unit" || FAIL "$ctx: a drop-in for $(printf '%q' "$unit"), no device unit systemd-escape would name"
        while IFS= read -r line || [ -n "$line" ]; do
                case "$line" in
                *$'\r'* | *\\) FAIL "$ctx: $unit: a CR or a trailing backslash: $(printf '%q' "$line")"; continue ;;
                "# Automatically generated by netns-generator from "*) [ -z "$section" ] || FAIL "$ctx: $unit: comment inside a section" ;;
                "") ;;
                "[Unit]") section=Unit ;;
                "SourcePath=$src" | "JobRunningTimeoutSec=30s") [ "$section" = Unit ] || FAIL "$ctx: $unit: $line outside [Unit]" ;;
                *) FAIL "$ctx: $unit: a line the generator does not write: $(printf '%q' "$line")" ;;
                esac
        done <"$f"
        [ "$(grep -c '' "$f")" = 5 ] || FAIL "$ctx: $unit: $(grep -c '' "$f") lines, the generator writes 5"
}

# Every entry the generator wrote belongs to one of the namespaces t0..tN-1.
check_no_strays() {
        local rel
        while IFS= read -r -d '' rel; do
                case "$rel" in
                multi-user.target.wants | local-fs.target.wants | *.d) [ -d "$tmp/out/$rel" ] || FAIL "$ctx: $rel is no directory" ;;
                multi-user.target.wants/netns@t[0-9]*.service) ;;
                local-fs.target.wants/run-netns.mount)
                        [ -L "$tmp/out/$rel" ] && [ "$(readlink "$tmp/out/$rel")" = "$unitdir/run-netns.mount" ] ||
                                FAIL "$ctx: $rel is not the symlink to $unitdir/run-netns.mount" ;;
                netns@t[0-9]*.service.d/50-netns.conf) ;;
                */50-netns-t[0-9]*.conf) ;;
                *) FAIL "$ctx: a file that belongs to no namespace: $(printf '%q' "$rel")" ;;
                esac
        done < <(cd "$tmp/out" && find . -mindepth 1 -printf '%P\0')
}

run_gen() { # WANT_RC CONF_DIR [VAR=VALUE...]; WANT_RC "any" takes any exit status
        local want=$1 conf=$2
        shift 2
        rm -rf "$tmp/out"
        mkdir -p "$tmp/out"
        grc=0
        env -u SYSTEMD_SCOPE -u NETNS_RUN_DIR NETNSCTL_CONF_DIR="$conf" "$@" "$gen" "$tmp/out" >/dev/null 2>"$tmp/stderr" || grc=$?
        [ "$want" = any ] || [ "$grc" = "$want" ] || FAIL "$ctx: generator exited $grc: $(head -3 "$tmp/stderr")"
}

# The Units= words a value names, as the parser reads it: a backslash at the end of a line
# continues it (the newline becomes a space), a word without a unit suffix gets ".service".
units_of() {
        local rest=$1 line val= w out= t
        while :; do
                line=${rest%%$'\n'*}
                if [[ $rest == *$'\n'* ]]; then rest=${rest#*$'\n'}; else rest=; fi
                line=${line%$'\r'}
                t=${line%%+(\\)}
                if (( (${#line} - ${#t}) % 2 == 1 )); then
                        val+="${line%\\} "
                        [ -n "$rest" ] && continue
                else
                        val+=$line
                fi
                break
        done
        for w in $val; do
                case "$w" in *.service | *.socket | *.mount | *.swap) out+=" $w" ;; *) out+=" $w.service" ;; esac
        done
        printf '%s' "$out"
}

# One generator run per key: namespace t$i gets payload $i.
conf=$tmp/etc/netns
set -f # the Units= words must not glob
for k in "${keys[@]}"; do
        section=${k% *}
        key=${k#* }
        ctx="[$section] $key="
        rm -rf "$tmp/etc"
        mkdir -p -m 0755 "$tmp/etc" "$conf"
        for i in "${!payloads[@]}"; do
                {
                        printf '[Namespace]\nBoot=yes\nUnits=base-%s.service\n' "$i"
                        # [NAT] needs a [Veth]: with one, NAT values reach the generator
                        [ "$section" = NAT ] && printf '[Veth]\n'
                        [ "$section" = Namespace ] || printf '[%s]\n' "$section"
                        if [ "$section" = Link ]; then
                                [ "$key" = Type ] || printf 'Type=macvlan\n'
                                [ "$key" = Parent ] || printf 'Parent=eth0\n'
                        fi
                        printf '%s=%s\n' "$key" "${payloads[$i]}"
                } >"$conf/t$i.conf"
                chmod 0644 "$conf/t$i.conf"
        done
        run_gen 0 "$conf"
        check_no_strays
        for i in "${!payloads[@]}"; do
                v=${payloads[$i]}
                ctx="[$section] $key= payload #$i $(printf '%q' "${v:0:60}")"
                units="base-$i.service"
                [ "$key" = Units ] && units+=$(units_of "$v")
                check_output "t$i" "$conf/t$i.conf" "/run/netns/t$i" $units
                if [ "$found" = 0 ]; then
                        # refused: said so, naming the file
                        grep -qF "$conf/t$i.conf" "$tmp/stderr" || FAIL "$ctx: nothing written and no message naming the file"
                        refused=$((refused + 1))
                fi
        done
done
set +f

# The directories from the environment: escaped ('%' -> '%%'), or refused with control characters.
printf '[Namespace]\nUnits=base.service\n' >"$tmp/t.conf"
for d in 'a b' "q'uote" 'd"quote' 'back\slash' 'pct%n' 'pct%%' 'end\' 'semi;colon' 'hash#x' '[Service]' $'\xc3\xa4'; do
        ctx="NETNSCTL_CONF_DIR/NETNS_RUN_DIR with $(printf '%q' "$d")"
        rm -rf "$tmp/etc"
        mkdir -p -m 0755 "$tmp/etc" "$tmp/etc/$d"
        cp "$tmp/t.conf" "$tmp/etc/$d/t0.conf"
        run_gen 0 "$tmp/etc/$d" NETNS_RUN_DIR="/run/$d"
        src=$tmp/etc/$d/t0.conf
        check_no_strays
        check_output t0 "${src//%/%%}" "/run/${d//%/%%}/t0" base.service
        [ -f "$tmp/out/base.service.d/50-netns-t0.conf" ] || FAIL "$ctx: no drop-in written"
done
# With a control character nothing can be written safely: the generator stops (exit status 1,
# an environment problem, not a config one) and writes nothing.
for d in $'nl\nExecStart=/bin/sh' $'cr\rx' $'tab\tx' $'esc\x1bx'; do
        ctx="directories with a control character $(printf '%q' "$d")"
        rm -rf "$tmp/etc"
        mkdir -p -m 0755 "$tmp/etc/netns"
        cp "$tmp/t.conf" "$tmp/etc/netns/t0.conf"
        run_gen any "$tmp/etc/netns" NETNS_RUN_DIR="/run/$d"
        [ -z "$(find "$tmp/out" -type f)" ] || FAIL "$ctx (run dir): a unit file was written"
        grep -q "control characters" "$tmp/stderr" || FAIL "$ctx (run dir): no message"
        rm -rf "$tmp/etc"
        mkdir -p -m 0755 "$tmp/etc/$d"
        cp "$tmp/t.conf" "$tmp/etc/$d/t0.conf"
        run_gen any "$tmp/etc/$d"
        [ -z "$(find "$tmp/out" -type f)" ] || FAIL "$ctx (config dir): a unit file was written"
        grep -q "control characters" "$tmp/stderr" || FAIL "$ctx (config dir): no message"
done

# File names that are no namespace names: nothing is written for them, each is named (printably).
ctx="file names"
rm -rf "$tmp/etc"
mkdir -p -m 0755 "$tmp/etc/netns"
long=$(printf 'a%.0s' {1..65})
for f in '..conf' '...conf' $'nl\nExecStart=x.conf' '%n.conf' "$long.conf" '-x.conf' '.hidden.conf' 'a b.conf' $'\xc3\xa4.conf'; do
        cp "$tmp/t.conf" "$tmp/etc/netns/$f"
done
cp "$tmp/t.conf" "$tmp/etc/netns/t0.conf"
run_gen 0 "$tmp/etc/netns"
check_no_strays
check_output t0 "$tmp/etc/netns/t0.conf" /run/netns/t0 base.service
[ "$(find "$tmp/out" -type f | wc -l)" = 2 ] || FAIL "$ctx: $(find "$tmp/out" -type f | wc -l) files written, expected 2 (t0's own drop-in and its unit's)"
# the three hidden ones ('..conf', '...conf', '.hidden.conf') are skipped silently, as systemd skips them
[ "$(grep -c 'invalid namespace name' "$tmp/stderr")" = 6 ] || FAIL "$ctx: expected 6 'invalid namespace name' messages: $(cat "$tmp/stderr")"
grep -qF 'nl\x0aExecStart=x.conf' "$tmp/stderr" || FAIL "$ctx: the newline in a file name is not shown escaped"
[ "$(grep -c '' "$tmp/stderr")" = 6 ] || FAIL "$ctx: more lines than messages (a raw newline?)"

echo "$((${#keys[@]} * ${#payloads[@]})) hostile configs: $refused refused with a message, the rest accepted; $written drop-ins of attached units and $own of netns@ units parsed, every line one of the generator's own"
[ "$own" -gt 0 ] || FAIL "no netns@NAME.service drop-in was generated: the [NAT] payloads did not reach the generator"
[ "$failed" = 0 ] && echo "ok: injection"
exit $failed
