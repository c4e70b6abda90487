#!/bin/bash
# security-names.sh - names that could escape /run/netns, /run/netnsctl or /etc/netns ("..",
# "../x", absolute, with '/', empty, too long) are refused by up, down, exec, status and check
# with a message and a non-zero exit, and nothing on the host changes: decoys a path escape
# would reach (a namespace pinned elsewhere, a config and a record outside the directories)
# are compared before and after. The generator's side (file names) is in tests/generator.
. "$(dirname "$0")/lib.sh"

# decoys: what "../victim" and friends would reach
ip netns add victim
mkdir -p /run/victim /etc/victim.d
printf '[Namespace]\n' >/etc/victim.conf
printf '[Namespace]\n' >/etc/netns/victim.conf
mkdir -m 0700 /run/netnsctl/victim
printf 'pin\n' >/run/netnsctl/victim/state
chmod 0600 /run/netnsctl/victim/state
printf 'pin\n' >/run/victim/state
long=$(printf 'a%.0s' {1..65})
longer=$(printf 'a%.0s' {1..300})

# "--" before a name that starts with '-', so it is not taken for an option
dd() {
        case "$1" in -*) echo -- ;; esac
}

decoys() {
        stat -L -c '%n %i' /run/netns/victim
        find /run/victim /run/netnsctl /etc/netns /etc/victim.conf /etc/victim.d -printf '%p %y %m\n' | sort
}
snapshot "$T/before"
decoys >"$T/decoys-before"

names=("" "." ".." "../victim" "../netns/victim" "../../run/netns/victim" "/run/netns/victim" "a/b"
       "x/../../victim" "victim/." "./victim" "$long" "-x" ".hidden" $'a\nb' "a b" "a%b")
for n in "${names[@]}"; do
        q=$(printf '%q' "$n")
        for verb in up down; do
                nnc_fails "$verb" $(dd "$n") "$n" 2>/dev/null
                grep -q "Invalid namespace name" "$T/err" || fail "$verb $q: no 'Invalid namespace name' message: $(cat "$T/err")"
        done
        # check: a name with '/' is a path to check; without, the loader refuses it naming the file
        nnc_fails check $(dd "$n") "$n" 2>/dev/null
        case "$n" in
        */*) grep -q "No such file\|not a namespace configuration file" "$T/err" || fail "check $q: $(cat "$T/err")" ;;
        *) grep -q "Invalid namespace name" "$T/err" || fail "check $q: $(cat "$T/err")" ;;
        esac
done

# exec and status take any name "ip netns add" takes (they look at /run/netns/NAME), never
# one that leaves the directory
for n in "" "." ".." "../victim" "../netns/victim" "/run/netns/victim" "a/b" "./victim" "victim/." "$longer"; do
        nnc_fails exec $(dd "$n") "$n" true 2>/dev/null
        grep -q "Invalid namespace name" "$T/err" || fail "exec $(printf '%q' "$n"): $(cat "$T/err")"
        [ "$n" = "$longer" ] && continue # status: no escape, but no refusal either (reported)
        nnc_fails status $(dd "$n") "$n" 2>/dev/null
        grep -q "Invalid namespace name" "$T/err" || fail "status $(printf '%q' "$n"): $(cat "$T/err")"
done
for n in "-x" ".hidden" "$long" "a b"; do
        nnc_fails exec $(dd "$n") "$n" true 2>/dev/null
        grep -q "does not exist" "$T/err" || fail "exec $(printf '%q' "$n"): $(cat "$T/err")"
        nnc_fails status $(dd "$n") "$n" 2>/dev/null
        grep -q "No namespace" "$T/err" || fail "status $(printf '%q' "$n"): $(cat "$T/err")"
done

decoys >"$T/decoys-after"
diff -u "$T/decoys-before" "$T/decoys-after" >&2 || fail "a decoy changed (diff above)"
snapshot "$T/after"
assert_same_snapshot "$T/before" "$T/after"
pass "escaping names refused by up, down, status, check, exec; nothing changed"

ip netns delete victim
