#!/bin/bash
# list-completion.sh - the bash completion of netnsctl: commands, options per command,
# namespace names from the config dir and the pin dir, and a command line after "exec NAME".
# Needs no root and no sandbox (it only reads directories it is pointed at).
set -euo pipefail
SRC=${SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BC=/usr/share/bash-completion/bash_completion
if [ ! -r "$BC" ]; then
        echo "skipped: bash-completion is not installed ($BC)"
        exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/conf" "$T/run" "$T/state/vpn" "$T/state/.host-sysctl" "$T/state/half"
: >"$T/conf/vpn.conf"
: >"$T/conf/web.conf"
: >"$T/conf/db.conf"
: >"$T/conf/half.conf"
: >"$T/run/vpn"
: >"$T/run/foreign"
: >"$T/run/db"

bash --norc --noprofile -s "$BC" "$SRC/completion/netnsctl" "$T" <<'X'
set -u
source "$1" 2>/dev/null
source "$2"
export NETNSCTL_CONF_DIR=$3/conf NETNS_RUN_DIR=$3/run NETNSCTL_RUN_DIR=$3/state
failed=0
t() { # EXPECTED WORDS...
        local want=$1
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        _netnsctl netnsctl "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}" 2>/dev/null
        local got
        # sorted, duplicates kept: each name must be offered once
        got=$( ((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " ")
        if [ "$got" = "$want" ]; then
                echo "ok: [$*] -> $got"
        else
                echo "FAIL: [$*]: expected '$want', got '$got'"
                failed=1
        fi
}
# conf: vpn web db half; pinned: vpn foreign db (db by "ip netns add"); netnsctl's: vpn half
t "check diff down exec gc list monitor nat-sync nat-watch reload status up " netnsctl ""
t "status " netnsctl st
t "nat-sync nat-watch " netnsctl nat
t "--dry-run " netnsctl --d
# up: configured, neither pinned nor netnsctl's
t "web " netnsctl up ""
t "" netnsctl up web ""
# down: what netnsctl made (not the pins of others, not the bookkeeping dot-directory)
t "half vpn " netnsctl down ""
t "half vpn " netnsctl --json down ""
# status: everything, each once
t "db foreign half vpn web " netnsctl status ""
t "--help " netnsctl down --
t "--help " netnsctl nat-sync --
t "--help --json --no-legend --no-pager " netnsctl list --
t "--dry-run " netnsctl gc --d
t "--lines= " netnsctl status vpn --li
t "" netnsctl status -n ""
t "db foreign vpn " netnsctl exec ""
t "printf " netnsctl exec vpn printf
t "printf " netnsctl exec vpn -- printf
exit $failed
X
