#!/bin/bash
# exec-user.sh - unprivileged "netnsctl exec" through netnsctl-exec.socket: a user in ExecGroups=
# (or ExecUsers=) runs a command as themselves in the namespace (own uid and groups, no
# capabilities, NoNewPrivs, the namespace's links, /etc files and DNS, the allow-listed
# environment, exit status and signals passed back, bound to netns@NAME.service); everyone else
# gets one line and a non-zero exit; crafted requests (another uid, LD_PRELOAD, another or a ".."
# name, a huge one, no descriptors) are refused; the service itself has no capabilities.
. "$(dirname "$0")/lib.sh"

ct_setup
ct_write /etc/netns/vpn.conf <<'CONF'
[Namespace]
Boot=no
DNS=192.0.2.53
ExecGroups=vpnusers
ExecUsers=carol

[Veth]
CONF
ct_write /etc/netns/other.conf <<'CONF'
[Namespace]
Boot=no
CONF
# a raw client: ITEM... as the payload; RAW_SIZE= overrides the length, RAW_FDS= how many fds
ct_write /usr/local/bin/raw-exec 0755 <<'PY'
#!/usr/bin/python3
import array, os, socket, struct, sys
payload = b"".join(a.encode() + b"\0" for a in sys.argv[1:])
if os.environ.get("RAW_PAD"):
    payload += b"x" * int(os.environ["RAW_PAD"])
size = int(os.environ.get("RAW_SIZE", len(payload)))
nfds = int(os.environ.get("RAW_FDS", "3"))
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("/run/netnsctl-exec.sock")
anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [0, 1, 2][:nfds]))] if nfds else []
s.sendmsg([struct.pack("<I", size)], anc)
try:
    s.sendall(payload)
except OSError:
    pass
print(s.recv(4096).decode().strip())
PY
ct_boot
nnc=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$(ct_unit_path netns@.service)")

in_ct groupadd vpnusers || die "groupadd"
for u in alice bob carol; do in_ct useradd -m -s /bin/sh "$u" || die "useradd $u"; done
in_ct usermod -aG vpnusers alice
uid_alice=$(in_ct id -u alice)
gid_vpn=$(in_ct getent group vpnusers | cut -d: -f3)
ct_systemctl start netns@vpn.service netns@other.service || die "start netns@vpn netns@other"
ct_systemctl start netnsctl-exec.socket || die "start netnsctl-exec.socket"

# as_user USER CMD...: CMD as USER (uid, gid, groups from the user database), clean environment
as_user() {
        local u=$1
        shift
        in_ct env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="/home/$u" \
                setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"
}

# --- allowed: ExecGroups= and ExecUsers= -------------------------------------------
assert_eq "id -u of alice's command" "$uid_alice" "$(as_user alice "$nnc" exec vpn -- id -u)"
groups=$(as_user alice "$nnc" exec vpn -- id -G)
case " $groups " in *" $gid_vpn "*) ok "alice's command has group vpnusers ($groups)" ;; *) fail "alice's command lacks vpnusers: '$groups'" ;; esac
assert_eq "id -un of carol's command (ExecUsers=)" carol "$(as_user carol "$nnc" exec vpn -- id -un)"
assert_eq "links alice's command sees" "host0 lo" "$(as_user alice "$nnc" exec vpn -- ls /sys/class/net | sort | xargs)"
assert_eq "links the namespace has (kernel)" "host0 lo" \
        "$(in_ct ip -n vpn -j link show | jq -r '.[].ifname' | sort | xargs)"
assert_eq "resolv.conf alice's command reads" "nameserver 192.0.2.53" \
        "$(as_user alice "$nnc" exec vpn -- grep -m1 ^nameserver /etc/resolv.conf)"
assert_eq "netns of alice's command" "$(pin_inode vpn)" \
        "$(as_user alice "$nnc" exec vpn -- stat -L -c %i /proc/self/ns/net)"
st=$(as_user alice "$nnc" exec vpn -- grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status)
assert_eq "CapEff of alice's command" 0000000000000000 "$(awk '$1 == "CapEff:" {print $2}' <<<"$st")"
assert_eq "CapPrm of alice's command" 0000000000000000 "$(awk '$1 == "CapPrm:" {print $2}' <<<"$st")"
assert_eq "CapBnd of alice's command" 0000000000000000 "$(awk '$1 == "CapBnd:" {print $2}' <<<"$st")"
assert_eq "NoNewPrivs of alice's command" 1 "$(awk '$1 == "NoNewPrivs:" {print $2}' <<<"$st")"
as_user alice "$nnc" exec vpn -- sh -c 'exit 5'
assert_eq "exit status of sh -c 'exit 5'" 5 "$?"
assert_eq "stdin passed" "through-stdin" "$(echo through-stdin | as_user alice "$nnc" exec vpn -- cat)"
# closed stdin: the command reads /dev/null, not the socket
out=$(as_user alice sh -c "exec <&-; '$nnc' exec vpn -- cat; echo rc=\$?")
assert_eq "exec with stdin closed" "rc=0" "$out"

# environment: the allow-list passes, anything else (LD_PRELOAD, LD_LIBRARY_PATH) does not
out=$(as_user alice env LD_LIBRARY_PATH=/tmp SECRET_TOKEN=x LANG=C.UTF-8 TERM=xterm-ok \
        "$nnc" exec vpn -- sh -c 'echo "${LD_LIBRARY_PATH-unset} ${SECRET_TOKEN-unset} $LANG $TERM"')
assert_eq "environment seen by the command" "unset unset C.UTF-8 xterm-ok" "$out"
out=$(as_user alice "$nnc" exec vpn -- echo '${TERM}' '$TERM' '%i')
assert_eq "arguments passed as given (no expansion)" '${TERM} $TERM %i' "$out"

# a desktop program: WAYLAND_DISPLAY/XDG_RUNTIME_DIR passed, the user's socket there reachable
in_ct install -d -o alice -g alice -m 0700 "/run/user/$uid_alice"
as_user alice socat "UNIX-LISTEN:/run/user/$uid_alice/wayland-0,fork" SYSTEM:'echo compositor-says-hi' &
srv=$!
wait_for "alice's wayland-0 socket" in_ct test -S "/run/user/$uid_alice/wayland-0"
out=$(as_user alice env WAYLAND_DISPLAY=wayland-0 XDG_RUNTIME_DIR="/run/user/$uid_alice" \
        "$nnc" exec vpn -- sh -c 'socat -u "UNIX-CONNECT:$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY" -')
assert_eq "reply over \$XDG_RUNTIME_DIR/\$WAYLAND_DISPLAY from inside" compositor-says-hi "$out"
kill "$srv" 2>/dev/null
in_ct pkill -u alice -x socat

# --- refused ---------------------------------------------------------------------------
err=$(as_user bob "$nnc" exec vpn -- id -u 2>&1 >/dev/null)
rc=$?
assert_ne "exit status of bob (not allowed)" 0 "$rc"
assert_eq "bob's error lines" 1 "$(wc -l <<<"$err")"
log "bob: $err"
err=$(as_user alice "$nnc" exec other -- id -u 2>&1 >/dev/null)
assert_ne "exit status of alice in 'other' (no ExecGroups=)" 0 "$?"
assert_eq "alice's error lines for 'other'" 1 "$(wc -l <<<"$err")"
err=$(as_user alice "$nnc" exec nosuch -- id -u 2>&1 >/dev/null)
assert_ne "exit status of alice in 'nosuch'" 0 "$?"

base=(netnsctl-exec/1 name=vpn cwd=/ exe=/usr/bin/id arg=id)
assert_eq "raw request, well-formed" "exit 0" "$(as_user alice raw-exec "${base[@]}" 2>/dev/null | tail -1)"
for bad in uid=0 user=root env=LD_PRELOAD=/tmp/x.so env=LD_LIBRARY_PATH=/tmp name=other name=.. \
        cap=CAP_NET_ADMIN mount=/:/mnt cwd=/tmp/../root; do
        out=$(as_user alice raw-exec "${base[@]}" "$bad")
        case "$out" in "error malformed request"*) ok "refused: $bad ($out)" ;; *) fail "not refused: $bad: '$out'" ;; esac
done
out=$(as_user alice raw-exec netnsctl-exec/1 name=.. cwd=/ exe=/usr/bin/id arg=id)
case "$out" in "error malformed request"*) ok "refused: name=.. alone" ;; *) fail "name=.. alone: '$out'" ;; esac
out=$(as_user alice env RAW_PAD=300000 raw-exec "${base[@]}")
case "$out" in "error malformed request: request too large") ok "refused: 300 kB request" ;; *) fail "300 kB request: '$out'" ;; esac
out=$(as_user alice env RAW_SIZE=4294967295 raw-exec "${base[@]}")
case "$out" in "error malformed request: request too large") ok "refused: 4 GiB length" ;; *) fail "4 GiB length: '$out'" ;; esac
out=$(as_user alice env RAW_FDS=0 raw-exec "${base[@]}")
case "$out" in "error malformed request"*) ok "refused: no descriptors" ;; *) fail "no descriptors: '$out'" ;; esac
out=$(as_user alice raw-exec netnsctl-exec/1 name=vpn cwd=/root exe=/usr/bin/id arg=id)
case "$out" in "exit 0") fail "ran in /root, which alice cannot enter" ;; *) ok "cwd /root refused ($out)" ;; esac
# a privileged program gains nothing (NoNewPrivileges=: no setuid)
assert_eq "id -u inside su's setuid binary path" "$uid_alice" "$(as_user alice "$nnc" exec vpn -- sh -c 'ping -c1 -W1 127.0.0.1 >/dev/null 2>&1; id -u')"

# --- lifetime and signals ---------------------------------------------------------------
as_user alice "$nnc" exec vpn -- sleep 4545 </dev/null &
cl=$!
wait_for "sleep 4545 as alice" in_ct pgrep -u alice -x -f "sleep 4545"
spid=$(in_ct pgrep -u alice -x -f "sleep 4545")
unit=$(in_ct sed -n 's|^0::.*/||p' "/proc/$spid/cgroup")
case "$unit" in netns-vpn-*.service) ok "alice's command runs in $unit" ;; *) fail "alice's command in '$unit'" ;; esac
assert_eq "BindsTo= of $unit" netns@vpn.service "$(in_ct systemctl show -P BindsTo "$unit")"
assert_eq "User= of $unit" "$uid_alice" "$(in_ct systemctl show -P User "$unit")"
# the service and the worker serving this request: root, no capabilities, NoNewPrivs
mpid=$(in_ct systemctl show -P MainPID netnsctl-exec.service)
wpid=$(in_ct pgrep -P "$mpid" | head -1)
for p in "$mpid" "$wpid"; do
        ist=$(in_ct grep -E '^(Uid|CapEff|CapBnd|NoNewPrivs):' "/proc/$p/status")
        assert_eq "CapEff of netnsctl-execd $p" 0000000000000000 "$(awk '$1 == "CapEff:" {print $2}' <<<"$ist")"
        assert_eq "CapBnd of netnsctl-execd $p" 0000000000000000 "$(awk '$1 == "CapBnd:" {print $2}' <<<"$ist")"
        assert_eq "NoNewPrivs of netnsctl-execd $p" 1 "$(awk '$1 == "NoNewPrivs:" {print $2}' <<<"$ist")"
done
[ -n "$wpid" ] && ok "worker $wpid serves the request" || fail "no worker process under netnsctl-execd $mpid"
# SIGTERM to the client (inside: nsenter forks) reaches the command; the client reports 128+15
client_pid() { # COMMAND: the netnsctl client of alice running COMMAND
        in_ct pgrep -u alice -x -f "$nnc exec vpn -- $1" | head -1
}
in_ct kill -TERM "$(client_pid "sleep 4545")"
wait "$cl"
assert_eq "exit status after SIGTERM to the client" 143 "$?"
wait_for "sleep 4545 gone" sh -c "! nsenter -t $CT_PID1 -a -- kill -0 $spid"

# the client killed outright: the service stops the command
as_user alice "$nnc" exec vpn -- sleep 4646 </dev/null &
cl=$!
wait_for "sleep 4646 as alice" in_ct pgrep -u alice -x -f "sleep 4646"
in_ct kill -KILL "$(client_pid "sleep 4646")"
wait "$cl" 2>/dev/null
wait_for "sleep 4646 gone after its client was killed" sh -c "! nsenter -t $CT_PID1 -a -- pgrep -u alice -x -f 'sleep 4646'"

# signals during start: the client is signalled right away, over and over; nothing is left behind
for i in 1 2 3 4 5; do
        as_user alice "$nnc" exec vpn -- sleep 4747 </dev/null &
        cl=$!
        sleep "0.0$i"
        # at whatever point of its start the client is, signal it until it is gone (bounded)
        for ((j = 0; j < 100; j++)); do
                kill -0 "$cl" 2>/dev/null || break
                c=$(client_pid "sleep 4747")
                [ -n "$c" ] && in_ct kill -INT "$c" 2>/dev/null && in_ct kill -TERM "$c" 2>/dev/null
                sleep 0.05
        done
        wait "$cl" 2>/dev/null
done
wait_for "no sleep 4747 left" sh -c "! nsenter -t $CT_PID1 -a -- pgrep -u alice -x -f 'sleep 4747'"

# systemctl stop netns@vpn ends a user's command too
as_user alice "$nnc" exec vpn -- sleep 4848 </dev/null &
cl=$!
wait_for "sleep 4848 as alice" in_ct pgrep -u alice -x -f "sleep 4848"
ct_systemctl stop netns@vpn.service || fail "systemctl stop netns@vpn"
wait "$cl"
assert_eq "exit status of alice's command stopped with the namespace" 143 "$?"
if in_ct pgrep -u alice -x -f "sleep 4848" >/dev/null; then fail "sleep 4848 survived"; else ok "sleep 4848 ended with netns@vpn"; fi
err=$(as_user alice "$nnc" exec vpn -- id -u 2>&1 >/dev/null)
assert_ne "exit status when netns@vpn is down" 0 "$?"
case "$err" in *"not up"*) ok "down namespace: $err" ;; *) fail "down namespace: '$err'" ;; esac
if in_ct systemctl is-active -q netns@vpn.service; then fail "a user's exec started netns@vpn"; else ok "netns@vpn stays stopped"; fi

ct_finish
