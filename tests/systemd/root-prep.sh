# shellcheck shell=bash
# root-prep.sh - a copy of the machine's root made ready to boot a throw-away systemd in (sourced
# by lib.sh for the nspawn containers, and by tests/kernel/vm-systemd-init.sh inside the VM).
# Both functions only write below ROOT (an overlay: removals become whiteouts there).

# root_disable_enabled ROOT: what the admin (or a package's postinst) enabled on the root the
# overlay is over does not start: the .wants/.requires links below ROOT/etc/systemd/system go. A
# service of the machine's that fails in a container (bird, say) would otherwise leave it
# "degraded"; what a test needs it enables itself.
root_disable_enabled() {
        local l
        for l in "$1"/etc/systemd/system/*.wants/* "$1"/etc/systemd/system/*.requires/*; do
                [ -L "$l" ] && rm -f "$l"
        done
        return 0
}

# root_mask_slow ROOT: mask what slows the boot, can fail in a container or VM, or is irrelevant
root_mask_slow() {
        local u d=$1/etc/systemd/system
        mkdir -p "$d"
        for u in \
                postgresql.service postgresql@.service dnsmasq.service nftables.service \
                console-getty.service getty@.service getty@tty1.service container-getty@.service \
                serial-getty@.service \
                apt-daily.timer apt-daily-upgrade.timer apt-daily.service apt-daily-upgrade.service \
                dpkg-db-backup.timer man-db.timer e2scrub_all.timer fstrim.timer \
                e2scrub_reap.service systemd-tmpfiles-clean.timer \
                systemd-networkd-wait-online.service systemd-networkd.service systemd-networkd.socket \
                systemd-resolved.service systemd-timesyncd.service systemd-pstore.service \
                systemd-logind.service \
                ssh.service cron.service rsyslog.service exim4.service \
                remote-fs.target machines.target; do
                ln -sfn /dev/null "$d/$u"
        done
}
