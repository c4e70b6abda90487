#!/bin/bash
# exec-scope.sh - under systemd, "netnsctl exec NAME" of a namespace netnsctl made puts the command
# into a transient scope bound to netns@NAME.service (BindsTo=, After=): the command is the scope's
# process (exec in place: same PID, its exit status), "systemctl stop netns@NAME" ends it before
# the namespace goes, "netnsctl list" counts it. A namespace made by "ip netns add", or brought up
# by hand without its unit, gets no scope; a unit's ExecStart=netnsctl exec stays in its unit.
. "$(dirname "$0")/lib.sh"

ct_setup
for n in a c; do
        ct_write /etc/netns/$n.conf <<'CONF'
[Namespace]
Boot=no
CONF
done
nnc=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$(ct_unit_path netns@.service)")
ct_write /etc/systemd/system/execd.service <<UNIT
[Unit]
BindsTo=netns@a.service
After=netns@a.service

[Service]
ExecStart=$nnc exec a -- /bin/sleep 4343
UNIT
ct_boot
ct_systemctl start netns@a.service || die "systemctl start netns@a"

# cgroup_of PID: the last component of PID's cgroup path, as the container sees it
cgroup_of() {
        in_ct cat "/proc/$1/cgroup" 2>/dev/null | sed -n 's|^0::.*/||p'
}

# exec in place, in a scope: the command's PID names the scope, its status is the command's
out=$(in_ct "$nnc" exec a -- sh -c 'echo $$; sed -n "s|^0::.*/||p" /proc/self/cgroup; exit 7')
rc=$?
assert_eq "exit status of exec a -- sh -c 'exit 7'" 7 "$rc"
pid=$(sed -n 1p <<<"$out")
assert_eq "cgroup of the command" "netns-a-$pid.scope" "$(sed -n 2p <<<"$out")"

# a long-running command: its scope is bound to netns@a.service, and listed
in_ct "$nnc" exec a -- /bin/sleep 4242 </dev/null >/dev/null 2>&1 &
bg=$!
wait_for "sleep 4242 in a scope" in_ct sh -c 'pgrep -x -f "/bin/sleep 4242" >/dev/null'
spid=$(in_ct pgrep -x -f "/bin/sleep 4242")
scope=netns-a-$spid.scope
assert_eq "cgroup of sleep 4242" "$scope" "$(cgroup_of "$spid")"
assert_eq "netns of sleep 4242" "$(pin_inode a)" "$(pid_netns_inode "$spid")"
assert_state "$scope" active
assert_eq "BindsTo= of $scope" netns@a.service "$(in_ct systemctl show -P BindsTo "$scope")"
assert_eq "After= of $scope has netns@a.service" netns@a.service \
        "$(in_ct systemctl show -P After "$scope" | tr ' ' '\n' | grep -x netns@a.service)"
if in_ct systemctl status --no-pager "$scope" | grep -q "$spid /bin/sleep 4242"; then
        ok "systemctl status $scope shows sleep 4242"
else
        fail "systemctl status $scope does not show sleep 4242"
fi
procs=$(in_ct "$nnc" list --json | jq -r '.[] | select(.name == "a") | .processes')
assert_eq "processes of a in list --json" 1 "$procs"

# stopping the namespace ends the command first (SIGTERM), then removes the namespace
ct_systemctl stop netns@a.service || fail "systemctl stop netns@a"
if in_ct kill -0 "$spid" 2>/dev/null; then fail "sleep 4242 survived systemctl stop netns@a"; else ok "sleep 4242 ended by systemctl stop netns@a"; fi
wait "$bg"
assert_eq "exit status of the stopped exec (SIGTERM)" 143 "$?"
assert_no_pin a
assert_eq "ActiveState of $scope after stop" "inactive" "$(in_ct systemctl show -P ActiveState "$scope")"

# a unit's ExecStart=netnsctl exec: the daemon stays the unit's main process, in its cgroup
ct_systemctl start execd.service || fail "systemctl start execd.service"
mp=$(in_ct systemctl show -P MainPID execd.service)
assert_eq "comm of execd.service's MainPID" sleep "$(in_ct cat "/proc/$mp/comm")"
assert_eq "cgroup of execd.service's MainPID" execd.service "$(cgroup_of "$mp")"
assert_eq "netns of execd.service's MainPID" "$(pin_inode a)" "$(pid_netns_inode "$mp")"
ct_systemctl stop execd.service netns@a.service

# no scope where there is no unit to bind to: "ip netns add", and "up" by hand
in_ct ip netns add b || die "ip netns add b"
assert_eq "cgroup of exec in b (ip netns add)" "" \
        "$(in_ct "$nnc" exec b -- sed -n 's|^0::.*/||p' /proc/self/cgroup | grep '^netns-' || true)"
in_ct "$nnc" up c || die "netnsctl up c"
out=$(in_ct "$nnc" exec c -- sh -c 'sed -n "s|^0::.*/||p" /proc/self/cgroup; exit 3')
assert_eq "exit status of exec in c (up by hand)" 3 "$?"
case "$out" in netns-*) fail "exec in c (netns@c inactive) joined a scope: $out" ;; *) ok "exec in c: no scope ($out)" ;; esac
in_ct "$nnc" down c
in_ct ip netns del b

ct_finish
