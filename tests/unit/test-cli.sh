#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# test-cli.sh - the command line: every verb refuses each option it does not take, with one
# line naming the option and the verb, before it does anything; no command means "list";
# a wrong argument count is one usage line.
set -u
NETNSCTL=${NETNSCTL:-$BUILD_DIR/helper/netnsctl}
[ -x "$NETNSCTL" ] || { echo "netnsctl not built: $NETNSCTL"; exit 77; }
# A netnsctl that ignored a refused option would act (up, down, nat-sync): as root, only ever
# in a throw-away network and mount namespace; nat-watch never returns, hence the timeouts.
if [ "$(id -u)" = 0 ] && [ -z "${TEST_CLI_SANDBOX-}" ]; then
        command -v unshare >/dev/null || { echo "skipped: root without unshare(1)"; exit 77; }
        exec unshare --net --mount --propagation private env TEST_CLI_SANDBOX=1 "$0" "$@"
fi

d=$(mktemp -d)
# (umount first: a verb that acted may have mounted below it)
trap 'umount -R "$d" 2>/dev/null; grep -q " $d/" /proc/self/mountinfo || rm -rf "$d"' EXIT
# directories that do not exist: a verb that acted would create the run directory (its lock)
export NETNSCTL_CONF_DIR=$d/etc NETNS_RUN_DIR=$d/netns NETNSCTL_RUN_DIR=$d/netnsctl
mkdir -p "$NETNSCTL_CONF_DIR"
printf '[Namespace]\nBoot=no\n' >"$NETNSCTL_CONF_DIR/web.conf"
fail=0

# refused OPTION-SHOWN VERB ARGS...: exit 1, exactly one line naming both, nothing made
refused() {
        local shown=$1 verb=$2 out rc
        shift 2
        out=$(timeout 10 "$NETNSCTL" "$@" 2>&1 </dev/null)
        rc=$?
        if [ "$rc" != 1 ] || [ "$(printf '%s\n' "$out" | wc -l)" != 1 ] ||
           [[ $out != *"$shown"* ]] || [[ $out != *"'$verb'"* ]]; then
                echo "FAIL: netnsctl $*: exit $rc, output:"
                printf '%s\n' "$out"
                fail=1
        else
                echo "ok: netnsctl $*: $out"
        fi
        if [ -e "$NETNSCTL_RUN_DIR" ] || [ -e "$NETNS_RUN_DIR" ]; then
                echo "FAIL: netnsctl $*: acted (made $NETNSCTL_RUN_DIR or $NETNS_RUN_DIR)"
                rm -rf "$NETNSCTL_RUN_DIR" "$NETNS_RUN_DIR"
                fail=1
        fi
}

# every verb x an option it does not take, before and after the verb
refused --dry-run up        up web --dry-run
refused --json    up        --json up web
refused --dry-run down      --dry-run down web
refused --dry-run down      down web --dry-run
refused --no-pager down     down --no-pager web
refused --json    exec      --json exec web true
refused --dry-run exec      --dry-run exec web true
refused --json    check     check --json
refused --dry-run check     check web --dry-run
refused --dry-run list      list --dry-run
refused -n        list      -n 5 list
refused --lines   list      list --lines=5
refused --dry-run status    status web --dry-run
refused --dry-run monitor   monitor --dry-run
refused --no-pager monitor  --no-pager monitor
refused --lines   gc        gc --lines=3
refused --no-pager gc       gc --no-pager
refused --json    nat-sync  nat-sync --json
refused --dry-run nat-sync  --dry-run nat-sync
refused --no-legend nat-watch nat-watch --no-legend
refused --dry-run nat-watch nat-watch --dry-run
# no command is "list": its options only
refused --dry-run list      --dry-run

# after exec NAME, everything belongs to the command: not refused as an option of netnsctl
out=$("$NETNSCTL" exec web --dry-run 2>&1)
[[ $out == *"does not apply"* ]] && { echo "FAIL: exec NAME --dry-run parsed as netnsctl's option: $out"; fail=1; }

# no command lists, with list's options
out=$("$NETNSCTL" --no-legend 2>&1); rc=$?
if [ "$rc" != 0 ] || [ -n "$out" ]; then echo "FAIL: netnsctl --no-legend: exit $rc: $out"; fail=1; fi
out=$("$NETNSCTL" --json 2>&1); rc=$?
if [ "$rc" != 0 ] || [ "$out" != "[]" ]; then echo "FAIL: netnsctl --json: exit $rc: $out"; fail=1; fi
# status without a name: the overview (list's)
out=$("$NETNSCTL" status --json 2>&1); rc=$?
if [ "$rc" != 0 ] || [ "$out" != "[]" ]; then echo "FAIL: netnsctl status --json: exit $rc: $out"; fail=1; fi

# a wrong argument count: one clean usage line
for args in "up" "down a b" "status a b" "list x" "exec web" "gc x"; do
        # shellcheck disable=SC2086
        out=$("$NETNSCTL" $args 2>&1); rc=$?
        verb=${args%% *}
        if [ "$rc" != 1 ] || [ "$(printf '%s\n' "$out" | wc -l)" != 1 ] ||
           [[ $out != "Wrong number of arguments for '$verb'. Usage: netnsctl $verb"* ]] || [[ $out == *"  "* ]]; then
                echo "FAIL: netnsctl $args: exit $rc: $out"
                fail=1
        else
                echo "ok: netnsctl $args: $out"
        fi
done

# exec as a user without netnsctl-exec.socket: one line that says what is missing, exit 1
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && [ ! -e /run/netnsctl-exec.sock ]; then
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups -- "$NETNSCTL" exec web -- true 2>&1); rc=$?
        if [ "$rc" != 1 ] || [ "$(printf '%s\n' "$out" | wc -l)" != 1 ] || [[ $out != *"netnsctl-exec.socket"* ]]; then
                echo "FAIL: netnsctl exec as nobody without the socket: exit $rc: $out"
                fail=1
        else
                echo "ok: netnsctl exec as nobody without the socket: $out"
        fi
fi
exit $fail
