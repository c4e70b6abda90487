#!/bin/bash
# tests/kernel/link-uml-init.sh - init (PID 1) of the user-mode-linux kernel link-lib.sh boots
# when the machine's kernel cannot make a device a link-*.sh test needs. The root is the
# host's, read-only (hostfs); the test's output and exit status go to $NETNSCTL_UML_OUT (a
# hostfs mount of the sandbox's directory). Environment from the kernel command line:
# NETNSCTL_UML_TEST, NETNSCTL_UML_OUT, NETNSCTL.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin NETNSCTL_IN_UML=1 HOME=/
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=1777 tmpfs /tmp
kver=$(uname -r)
mkdir -p /tmp/out "/tmp/mod/lib/modules/$kver"
mount -t hostfs none /tmp/out -o "$NETNSCTL_UML_OUT"
# Debian's UML modules live in /usr/lib/uml/modules; modprobe -d wants DIR/lib/modules/VERSION
mount --bind "/usr/lib/uml/modules/$kver" "/tmp/mod/lib/modules/$kver"
# nf_tables: snapshot() lists the ruleset
for m in veth macvlan ipvlan 8021q nf_tables; do
        modprobe -d /tmp/mod "$m" 2>>/tmp/out/modprobe.log
done
bash "$NETNSCTL_UML_TEST" >/tmp/out/log 2>&1 </dev/null
echo $? >/tmp/out/rc
umount /tmp/out
echo o >/proc/sysrq-trigger
sleep 60
