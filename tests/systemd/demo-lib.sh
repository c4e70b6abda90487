# shellcheck shell=bash
# demo-lib.sh - for the tests that run one of demo/* and check what it shows (source first):
#   demo_run NAME   # runs demo/NAME (no colours asked for), prints its output, keeps it in $out;
#                   # a non-zero exit sets fail=1
# Skips (77) unless root. The test ends with "exit $fail".
set -u
[ "$(id -u)" = 0 ] || { echo "SKIP: the demo boots a container and needs root"; exit 77; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail=0
demo_run() {
        local rc
        TERM=dumb bash "${SOURCE_DIR:?}/demo/$1" >"$out" 2>&1
        rc=$?
        cat "$out"
        [ "$rc" = 0 ] || { echo "FAIL - demo/$1 exited $rc"; fail=1; }
}
