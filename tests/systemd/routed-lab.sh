#!/bin/bash
# routed-lab.sh - netns.conf(5)'s "A routed lab" as pasted from the man page (r1 - r2 - r3, the
# links between them, Debian's bird2 in each node through Units= and its template unit), at
# boot under systemd: OSPF converges with no command, r1 reaches r3's loopback through r2;
# "systemctl stop netns@r2" takes both links and the routes through it away (its daemon
# stopped with it), "systemctl start netns@r2" brings links, daemon and reachability back.
# One boot.
. "$(dirname "$0")/lib.sh"

command -v bird >/dev/null || skip "bird2 is not installed (tests/deps.sh installs it)"
command -v jq >/dev/null || skip "jq missing"

ct_setup
[ -x "$CT_ROOT/usr/sbin/bird" ] || skip "no bird in the root the container boots (Debian's bird2; release-prepare.sh installs it)"
# Every example file of the section into the container's root: each .EX block after the path
# the text names last before it. r1's lab.env stands for r2's and r3's (as the page says).
python3 - "$(dirname "$0")/../../man/netns.conf.5" "$CT_ROOT" >"$CT_DIR/enable" <<'PY' || die "the man page example could not be read"
import os, re, sys
man, root = open(sys.argv[1]).read(), sys.argv[2]
sec = man.split(".SS A routed lab: three namespaces in a chain", 1)[1].split("\n.SS ", 1)[0]
files, pos = {}, 0
for m in re.finditer(r"\.EX\n(.*?)\.EE\n", sec, re.S):
    before = sec[pos:m.start()].replace("\\-", "-")
    pos = m.end()
    body = m.group(1).replace("\\-", "-")
    paths = re.findall(r"(/etc/[^\s]+[^\s:.,)])", before)
    if body.startswith("systemctl"):
        for line in body.splitlines():
            if line.startswith("systemctl enable "):
                print(line[len("systemctl enable "):])
        continue
    if not paths:
        sys.exit("an example block without a path before it")
    files[paths[-1]] = body
for n in "23":
    files["/etc/netns/r%s/lab.env" % n] = files["/etc/netns/r1/lab.env"].replace("10.255.0.1/", "10.255.0.%s/" % n)
want = {"/etc/netns/r1.conf", "/etc/netns/r2.conf", "/etc/netns/r3.conf", "/etc/systemd/system/bird-lab@.service",
        "/etc/bird-lab.conf", "/etc/netns/r1/lab.env"}
if not want <= set(files):
    sys.exit("missing from the example: %s" % (want - set(files)))
for path, body in files.items():
    os.makedirs(os.path.dirname(root + path), exist_ok=True)
    open(root + path, "w").write(body)
PY
units=$(cat "$CT_DIR/enable")
[ "$(echo $units)" = "bird-lab@r1.service bird-lab@r2.service bird-lab@r3.service" ] || die "the example enables: '$units'"
# shellcheck disable=SC2086 # the unit names, one word each
systemctl --root="$CT_ROOT" enable $units >/dev/null 2>&1 || die "systemctl --root enable $units"
ct_boot

# r1 reaches r3's loopback (from its own): what OSPF learned, through r2
reaches() {
        in_netns r1 ping -4 -c1 -W1 -I 10.255.0.1 10.255.0.3
}
route_r1() { # "GATEWAY DEV PROTOCOL" of r1's route to r3's loopback, or nothing
        in_netns r1 ip -j -4 route show 10.255.0.3 | jq -r '.[0] // empty | "\(.gateway) \(.dev) \(.protocol)"'
}

for n in r1 r2 r3; do
        assert_state "netns@$n.service" active
        assert_state "bird-lab@$n.service" active
        assert_eq "bird-lab@$n's network namespace" "$(in_ct stat -L -c %i "/run/netns/$n")" \
                "$(in_ct stat -L -c %i "/proc/$(in_ct systemctl show -P MainPID "bird-lab@$n.service")/ns/net")"
done
wait_for "OSPF to converge (r1 reaches 10.255.0.3)" reaches && ok "converged at boot with no command: r1 reaches r3's loopback"
assert_eq "r1's route to r3's loopback" "10.12.0.2 r2 bird" "$(route_r1)"

ct_systemctl stop netns@r2.service || fail "systemctl stop netns@r2"
assert_state bird-lab@r2.service inactive
assert_eq "r1's links after r2 stopped" "lo" "$(in_netns r1 ip -j link show | jq -r '[.[].ifname] | join(" ")')"
assert_eq "r3's links after r2 stopped" "lo" "$(in_netns r3 ip -j link show | jq -r '[.[].ifname] | join(" ")')"
assert_eq "r1's route to r3's loopback after r2 stopped" "" "$(route_r1)"
assert_eq "r1's routes through the link" "" "$(in_netns r1 ip -4 route show 10.23.0.0/30)"
if reaches >/dev/null 2>&1; then fail "r3's loopback reachable with r2 stopped"; else ok "r3's loopback unreachable with r2 stopped"; fi

ct_systemctl start netns@r2.service || fail "systemctl start netns@r2"
# the daemon is pulled in by the same transaction (WantedBy=netns@%i.service), but "start"
# waits only for netns@r2's own job: its ExecStartPre= may still run
bird_r2_active() { [ "$(in_ct systemctl show -P ActiveState bird-lab@r2.service)" = active ]; }
wait_for "bird-lab@r2.service active again" bird_r2_active && ok "bird-lab@r2.service started with netns@r2"
wait_for "reachability after netns@r2 started again" reaches && ok "netns@r2 started again: links, daemon, reachability back"
assert_eq "r1's route to r3's loopback again" "10.12.0.2 r2 bird" "$(route_r1)"
ct_finish
