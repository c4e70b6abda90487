#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# test-generator.sh - golden-tree tests of netns-generator
#
# Usage: test-generator.sh [--unitdir=DIR] [CASE...]
#   CASE: a directory under cases/ (default: all of them), or one of the built-in
#   checks "args", "output-error", "preexisting", "many".
#
# A case directory holds
#   description   one line: what the case is about
#   input/        an /etc/netns tree (absent = no /etc/netns at all)
#   expected/     the normal generator dir netns-generator must produce (absent = empty)
#   stderr        optional: fixed strings that must each appear on stderr; without this
#                 file stderr must be empty. The config dir appears as /etc/netns.
#   env           optional: VAR=VALUE lines added to the generator's environment
#   setup         optional: bash run in the copy of input/ before the generator, with $CONF
#                 its path: for what git cannot hold (a file's mode, an absolute path into
#                 the copy)
#
# The generator runs with NETNSCTL_CONF_DIR pointing at a copy of input/ and three fresh
# output dirs. Its output is compared with expected/ entry by entry (path, type and symlink
# target: diff -r ignores symlink targets) and file by file; the copy's path is replaced by
# /etc/netns and the build's unit dir (--unitdir) by /lib/systemd/system first. Early and
# late dirs must stay empty, files must be 0644 and dirs 0755, the exit status 0.
#
# UPDATE=1 rewrites expected/ from the actual output. Review every file it writes by hand.
set -eu -o pipefail

gen=${NETNS_GENERATOR:?NETNS_GENERATOR must point at the netns-generator binary}
case "$gen" in /*) ;; *) gen=$PWD/$gen ;; esac
here=$(cd "$(dirname "$0")" && pwd -P)
canon_unitdir=/lib/systemd/system
unitdir=$canon_unitdir
cases=()
for a in "$@"; do
        case "$a" in
        --unitdir=*) unitdir=${a#--unitdir=} ;;
        *) cases+=("$a") ;;
        esac
done
if [ ${#cases[@]} -eq 0 ]; then
        for d in "$here"/cases/*/; do
                cases+=("$(basename "$d")")
        done
        cases+=(args output-error preexisting many)
fi

# systemd gives generators dirs on tmpfs (/run/systemd/generator*); so do we, where we can:
# creating thousands of files on a disk file system measures the disk, not the generator
tmproot=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && tmproot=/dev/shm
tmp=$(mktemp -d -p "$tmproot" netns-generator-test.XXXXXXXX)
trap 'rm -rf "$tmp"' EXIT

fail() {
        echo "FAIL: $*"
        failed=1
}

# Run the generator on CONF (need not exist) into $tmp/out/{normal,early,late}.
# Sets rc; stderr in $tmp/stderr with CONF replaced by /etc/netns.
run_generator() { # CONF [VAR=VALUE...]
        local conf=$1; shift
        rm -rf "$tmp/out"
        mkdir -p "$tmp/out/normal" "$tmp/out/early" "$tmp/out/late"
        rc=0
        env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_TARGET -u SYSTEMD_LOG_LEVEL -u NETNSCTL_LOG_LEVEL \
                -u NETNS_RUN_DIR -u NETNSCTL_RUN_DIR \
                NETNSCTL_CONF_DIR="$conf" "$@" \
                "$gen" "$tmp/out/normal" "$tmp/out/early" "$tmp/out/late" \
                >"$tmp/stdout" 2>"$tmp/stderr.raw" || rc=$?
        sed "s|$conf|/etc/netns|g" "$tmp/stderr.raw" >"$tmp/stderr"
}

# Rewrite $tmp/out/normal in place so that it compares with expected/: the config dir as
# /etc/netns, symlinks into the build's unit dir as /lib/systemd/system.
normalize_output() { # CONF
        local conf=$1 f t
        find "$tmp/out/normal" -type f -exec sed -i "s|$conf|/etc/netns|g" {} +
        if [ "$unitdir" != "$canon_unitdir" ]; then
                find "$tmp/out/normal" -type l | while read -r f; do
                        t=$(readlink "$f")
                        case "$t" in
                        "$unitdir"/*) ln -sfn "$canon_unitdir/${t#"$unitdir"/}" "$f" ;;
                        esac
                done
        fi
}

# path, type and symlink target of every entry under DIR, sorted
listing() { # DIR
        [ -d "$1" ] || return 0
        (cd "$1" && find . -mindepth 1 -printf '%P %y %l\n' | LC_ALL=C sort)
}

check_modes() { # DIR
        local bad
        bad=$(find "$1" -mindepth 1 \( -type f ! -perm 0644 \) -o \( -type d ! -perm 0755 \))
        [ -z "$bad" ] || fail "$case: wrong modes: $bad"
}

run_case() { # CASE
        local dir=$here/cases/$case conf=$tmp/etc/netns envs=() f line

        [ -d "$dir" ] || { fail "$case: no such case"; return; }
        rm -rf "$tmp/etc"
        if [ -d "$dir/input" ]; then
                mkdir -p "$tmp/etc"
                cp -a "$dir/input" "$conf"
        fi
        [ -f "$dir/env" ] && mapfile -t envs <"$dir/env"
        if [ -f "$dir/setup" ]; then
                (cd "$conf" && CONF=$conf bash -eu "$dir/setup") || { fail "$case: setup failed"; return; }
        fi

        run_generator "$conf" "${envs[@]}"
        normalize_output "$conf"

        if [ -n "${UPDATE:-}" ]; then
                rm -rf "$dir/expected"
                if [ -n "$(ls -A "$tmp/out/normal")" ]; then
                        cp -a "$tmp/out/normal" "$dir/expected"
                fi
                echo "$case: expected/ rewritten; review every file by hand"
        fi

        [ "$rc" = 0 ] || fail "$case: exit status $rc, expected 0"
        [ -z "$(find "$tmp/out/early" "$tmp/out/late" -mindepth 1)" ] || fail "$case: early or late dir written to"
        check_modes "$tmp/out/normal"

        if ! diff -u <(listing "$dir/expected") <(listing "$tmp/out/normal") >"$tmp/diff"; then
                fail "$case: generated tree differs (- expected, + actual):"
                cat "$tmp/diff"
        fi
        while read -r f; do
                [ -f "$tmp/out/normal/$f" ] || continue
                if ! diff -u "$dir/expected/$f" "$tmp/out/normal/$f" >"$tmp/diff"; then
                        fail "$case: $f differs (- expected, + actual):"
                        cat "$tmp/diff"
                fi
        done < <(cd "$dir/expected" 2>/dev/null && find . -type f -printf '%P\n' | LC_ALL=C sort)

        if [ -f "$dir/stderr" ]; then
                while IFS= read -r line; do
                        [ -n "$line" ] || continue
                        grep -qF -- "$line" "$tmp/stderr" || fail "$case: stderr lacks: $line"
                done <"$dir/stderr"
        elif [ -s "$tmp/stderr" ]; then
                fail "$case: unexpected stderr"
        fi
        if [ "$failed" != 0 ] || [ -n "${VERBOSE:-}" ]; then
                echo "--- $case: stderr:"
                cat "$tmp/stderr"
        fi
}

# one or three dirs; anything else is a usage error
check_args() {
        local conf=$here/cases/units/input out1 out3

        rc=0
        env -u SYSTEMD_SCOPE NETNSCTL_CONF_DIR="$conf" "$gen" >/dev/null 2>&1 || rc=$?
        [ "$rc" != 0 ] || fail "args: no arguments accepted"
        rc=0
        env -u SYSTEMD_SCOPE NETNSCTL_CONF_DIR="$conf" "$gen" "$tmp/a" "$tmp/b" >/dev/null 2>&1 || rc=$?
        [ "$rc" != 0 ] || fail "args: two arguments accepted"
        [ ! -e "$tmp/a" ] && [ ! -e "$tmp/b" ] || fail "args: wrote output despite a usage error"

        run_generator "$conf"
        [ "$rc" = 0 ] || fail "args: three dirs: exit status $rc"
        out3=$(listing "$tmp/out/normal")

        rm -rf "$tmp/one"
        mkdir "$tmp/one"
        rc=0
        env -u SYSTEMD_SCOPE -u NETNS_RUN_DIR NETNSCTL_CONF_DIR="$conf" "$gen" "$tmp/one" 2>"$tmp/stderr" || rc=$?
        [ "$rc" = 0 ] || fail "args: one dir: exit status $rc"
        out1=$(listing "$tmp/one")
        [ -n "$out1" ] && [ "$out1" = "$out3" ] || fail "args: one dir does not give what three give"

        # a relative $NETNSCTL_CONF_DIR still gives an absolute SourcePath= (systemd ignores others)
        mkdir "$tmp/rel"
        (cd "$here/cases" && env -u SYSTEMD_SCOPE -u NETNS_RUN_DIR NETNSCTL_CONF_DIR=units/input "$gen" "$tmp/rel") ||
                fail "args: relative config dir: exit status $?"
        grep -qxF "SourcePath=$here/cases/units/input/vpn.conf" "$tmp/rel/bird.service.d/50-netns-vpn.conf" ||
                fail "args: relative config dir: SourcePath= not absolute"
}

# an output dir that cannot be written is an internal error: non-zero exit, message
check_output_error() {
        local conf=$here/cases/units/input

        rm -rf "$tmp/out"
        mkdir -p "$tmp/out"
        : >"$tmp/out/normal" # a file, not a directory: mkdir below it fails with ENOTDIR
        rc=0
        env -u SYSTEMD_SCOPE -u NETNS_RUN_DIR NETNSCTL_CONF_DIR="$conf" \
                "$gen" "$tmp/out/normal" "$tmp/out/normal" "$tmp/out/normal" 2>"$tmp/stderr" || rc=$?
        [ "$rc" != 0 ] || fail "output-error: exit status 0 although nothing could be written"
        grep -q "Failed to create" "$tmp/stderr" || fail "output-error: no message naming the path"
        [ -s "$tmp/out/normal" ] && fail "output-error: wrote into the file"
        return 0
}

# files are created with O_EXCL: something already in the output dir is not overwritten
check_preexisting() {
        local conf=$here/cases/units/input d=bird.service.d

        rm -rf "$tmp/out"
        mkdir -p "$tmp/out/normal/$d"
        echo "# not ours" >"$tmp/out/normal/$d/50-netns-vpn.conf"
        rc=0
        env -u SYSTEMD_SCOPE -u NETNS_RUN_DIR NETNSCTL_CONF_DIR="$conf" \
                "$gen" "$tmp/out/normal" 2>"$tmp/stderr" || rc=$?
        [ "$rc" = 0 ] || fail "preexisting: exit status $rc"
        [ "$(cat "$tmp/out/normal/$d/50-netns-vpn.conf")" = "# not ours" ] ||
                fail "preexisting: an existing file was overwritten"
        grep -q "50-netns-vpn.conf exists already" "$tmp/stderr" || fail "preexisting: no message"
        # the rest of the namespace is still written
        [ -f "$tmp/out/normal/dnsmasq.socket.d/50-netns-vpn.conf" ] ||
                fail "preexisting: the other drop-ins were not written"
}

# 1000 namespaces, each attaching one unit: all generated, well under a second
check_many() {
        local conf=$tmp/many i n start end ms limit=${NETNS_GENERATOR_TIME_LIMIT_MS:-1000}

        rm -rf "$conf"
        mkdir -p "$conf"
        for i in $(seq -w 0 999); do
                printf '[Namespace]\nUnits=svc-%s.service\n' "$i" >"$conf/ns$i.conf"
        done
        start=$(date +%s%N)
        run_generator "$conf"
        end=$(date +%s%N)
        ms=$(( (end - start) / 1000000 ))
        echo "many: 1000 namespaces generated in $ms ms (limit $limit ms)"

        [ "$rc" = 0 ] || fail "many: exit status $rc"
        [ -s "$tmp/stderr" ] && { fail "many: unexpected stderr"; head "$tmp/stderr"; }
        n=$(find "$tmp/out/normal/multi-user.target.wants" -type l -lname "$unitdir/netns@.service" \
                -name 'netns@ns*.service' | wc -l)
        [ "$n" = 1000 ] || fail "many: $n boot symlinks, expected 1000"
        n=$(find "$tmp/out/normal" -type f -name '50-netns-ns*.conf' | wc -l)
        [ "$n" = 1000 ] || fail "many: $n drop-ins, expected 1000"
        grep -qx "NetworkNamespacePath=/run/netns/ns537" "$tmp/out/normal/svc-537.service.d/50-netns-ns537.conf" ||
                fail "many: drop-in of ns537 wrong"
        [ "$ms" -lt "$limit" ] || fail "many: took $ms ms, limit $limit ms"
}

any_failed=0
for case in "${cases[@]}"; do
        failed=0
        case "$case" in
        args) check_args ;;
        output-error) check_output_error ;;
        preexisting) check_preexisting ;;
        many) check_many ;;
        *) run_case ;;
        esac
        if [ "$failed" = 0 ]; then
                echo "ok: $case"
        else
                any_failed=1
        fi
done
exit $any_failed
