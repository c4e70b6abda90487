#!/bin/bash
# tests/kernel/link-uml-init.sh - init (PID 1) of the user-mode-linux kernel link-lib.sh boots
# when the machine's kernel cannot make a device a link-*.sh test needs. The root is the
# host's, read-only (hostfs); the test's output and exit status go to $NETNSCTL_UML_OUT (a
# hostfs mount of the sandbox's directory). Environment from the kernel command line:
# NETNSCTL_UML_TEST, NETNSCTL_UML_OUT, NETNSCTL.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin NETNSCTL_IN_UML=1 HOME=/
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# scratch space on /run, not /tmp: the source tree (and so this test) may live under /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -m 1777 /run/tmp
export TMPDIR=/run/tmp
kver=$(uname -r)
mkdir -p /run/uml-out "/run/uml-mod/lib/modules/$kver"
mount -t hostfs none /run/uml-out -o "$NETNSCTL_UML_OUT"
# Debian's UML modules live in /usr/lib/uml/modules; modprobe -d wants DIR/lib/modules/VERSION
mount --bind "/usr/lib/uml/modules/$kver" "/run/uml-mod/lib/modules/$kver"
# nf_tables: snapshot() lists the ruleset
for m in veth macvlan ipvlan 8021q nf_tables; do
        modprobe -d /run/uml-mod "$m" 2>>/run/uml-out/modprobe.log
done
bash "$NETNSCTL_UML_TEST" >/run/uml-out/log 2>&1 </dev/null
echo $? >/run/uml-out/rc
umount /run/uml-out
echo o >/proc/sysrq-trigger
sleep 60
