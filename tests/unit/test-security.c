/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-security.c - names that could escape their directories, StrictModes, state record safety */

#include <fcntl.h>
#include <pwd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "conf.h"
#include "log.h"
#include "name.h"
#include "record.h"
#include "util.h"
#include "tap.h"
#include "capture.h"

/* "one line that names @path and contains @what" */
#define CHECK_ONE_LINE(log, path, what)                                              \
        do {                                                                         \
                CHECK(count_lines(log) == 1);                                        \
                CHECK(strstr(log, path) != NULL);                                    \
                CHECK(strstr(log, what) != NULL);                                    \
                if (count_lines(log) != 1 || !strstr(log, path) || !strstr(log, what)) \
                        fprintf(stderr, "  log was: %s\n", log);                     \
        } while (0)

static char top[] = "/tmp/test-security-XXXXXX";
static uid_t nobody = 65534;
static gid_t nogroup = 65534;
static bool root;

static char *p(const char *rel) {
        static char buf[4][512];
        static unsigned i;
        char *b = buf[i++ % ELEMENTSOF(buf)];

        snprintf(b, sizeof(buf[0]), "%s/%s", top, rel);
        return b;
}

static void write_file(const char *rel, const char *text, mode_t mode) {
        CHECK(write_file_atomic(p(rel), text) == 0);
        CHECK(chmod(p(rel), mode) == 0);
}

/* ---- names: nothing that leaves /run/netns or /etc/netns ---- */

static void test_names(void) {
        static const char *const bad[] = {
                "", ".", "..", "../x", "../../etc/passwd", "/abs", "/", "a/b", "a/", "x/..",
                ".hidden", "-dash", "a b", "a\nb", "a\tb", "a%b", "a\\b", "a'b", "a\"b", "a$b",
                "a*b", "a:b", "ä", "nul\x01", "new\nExecStart=/bin/sh",
                /* 65 characters */
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        };
        static const char *const good[] = {
                "a", "vpn", "a.b", "a..b", "a-", "x_y", "A9",
                /* 64 characters */
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                CHECK(!netns_name_is_valid(bad[i]));
                if (netns_name_is_valid(bad[i]))
                        fprintf(stderr, "  accepted: \"%s\"\n", bad[i]);
        }
        for (size_t i = 0; i < ELEMENTSOF(good); i++)
                CHECK(netns_name_is_valid(good[i]));
        CHECK(!netns_name_is_valid(NULL));

        /* the loader refuses them before building any path, naming the file */
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct netns_config *c = NULL;
                char *log;
                int r;

                if (!*bad[i])
                        continue;
                capture_start();
                r = netns_config_load(top, bad[i], &c);
                log = capture_end();
                CHECK(r == -EINVAL && !c);
                CHECK(strstr(log, "Invalid namespace name") != NULL);
                free(log);
        }

        /* the record refuses them too (exec takes names "ip netns add" takes, but never '/') */
        {
                static const char *const escapes[] = { "", ".", "..", "../x", "a/b", "/abs" };
                struct record *rec = NULL;
                char **lines = NULL;

                for (size_t i = 0; i < ELEMENTSOF(escapes); i++) {
                        CHECK(record_load(escapes[i], &lines) == -EINVAL);
                        CHECK(record_create(escapes[i], &rec) == -EINVAL && !rec);
                        CHECK(record_remove(escapes[i]) == -EINVAL);
                        CHECK(netns_etc_dir_check(escapes[i]) == -EINVAL);
                }
        }
}

/* ---- StrictModes ---- */

static int safe(const char *rel, char **ret_log) {
        int r;

        capture_start();
        r = netns_path_is_safe(p(rel));
        *ret_log = capture_end();
        return r;
}

static void test_path_is_safe(void) {
        struct stat st;
        char *log;

        /* the tree: TOP (0755, ours) / netns (0755) / vpn.conf (0644) */
        CHECK(mkdir(p("netns"), 0755) == 0);
        write_file("netns/vpn.conf", "[Namespace]\n", 0644);

        CHECK(safe("netns/vpn.conf", &log) == 0);
        CHECK_STREQ(log, "");
        free(log);
        CHECK(safe("netns", &log) == 0);
        free(log);

        /* missing: -ENOENT, silently */
        CHECK(safe("netns/none.conf", &log) == -ENOENT);
        CHECK_STREQ(log, "");
        free(log);

        /* writable by group, by others: refused, one line naming the path */
        CHECK(chmod(p("netns/vpn.conf"), 0664) == 0);
        CHECK(safe("netns/vpn.conf", &log) == -EPERM);
        CHECK_ONE_LINE(log, p("netns/vpn.conf"), "writable by group (mode 0664)");
        free(log);
        CHECK(chmod(p("netns/vpn.conf"), 0646) == 0);
        CHECK(safe("netns/vpn.conf", &log) == -EPERM);
        CHECK_ONE_LINE(log, p("netns/vpn.conf"), "writable by others");
        free(log);
        CHECK(chmod(p("netns/vpn.conf"), 0600) == 0);
        CHECK(safe("netns/vpn.conf", &log) == 0);
        free(log);

        /* a directory above that others can write: refused, naming the file and the dir */
        CHECK(chmod(p("netns"), 0775) == 0);
        CHECK(safe("netns/vpn.conf", &log) == -EPERM);
        CHECK_ONE_LINE(log, p("netns/vpn.conf"), "netns is writable by group (mode 0775)");
        free(log);
        CHECK(chmod(p("netns"), 0755) == 0);
        CHECK(chmod(top, 0757) == 0);
        CHECK(safe("netns/vpn.conf", &log) == -EPERM);
        CHECK_ONE_LINE(log, p("netns/vpn.conf"), "writable by others");
        free(log);

        /* sticky: a root-owned sticky directory ABOVE is fine (that is /tmp), the directory
         * itself sticky and world-writable is not */
        CHECK(chmod(top, 01777) == 0);
        CHECK(stat(top, &st) == 0);
        CHECK(safe("netns/vpn.conf", &log) == (st.st_uid == 0 ? 0 : -EPERM));
        free(log);
        CHECK(chmod(top, 0755) == 0);
        CHECK(chmod(p("netns"), 01777) == 0);
        CHECK(safe("netns", &log) == -EPERM);
        CHECK_ONE_LINE(log, p("netns"), "writable by group and others (mode 1777)");
        free(log);
        CHECK(chmod(p("netns"), 0755) == 0);

        /* a symlink is as safe as where it leads */
        CHECK(mkdir(p("elsewhere"), 0777) == 0);
        CHECK(chmod(p("elsewhere"), 0777) == 0);
        write_file("elsewhere/t.conf", "[Namespace]\n", 0644);
        CHECK(symlink(p("elsewhere/t.conf"), p("netns/link.conf")) == 0);
        CHECK(safe("netns/link.conf", &log) == -EPERM);
        CHECK_ONE_LINE(log, p("netns/link.conf"), "elsewhere is writable by group and others");
        free(log);
        CHECK(chmod(p("elsewhere"), 0755) == 0);
        CHECK(safe("netns/link.conf", &log) == 0);
        free(log);
        CHECK(chmod(p("elsewhere/t.conf"), 0666) == 0);
        CHECK(safe("netns/link.conf", &log) == -EPERM);
        CHECK_ONE_LINE(log, p("netns/link.conf"), "elsewhere/t.conf is writable by group and others");
        free(log);

        if (root) {
                /* owned by someone else: refused; the owner is named */
                CHECK(chown(p("netns/vpn.conf"), nobody, nogroup) == 0);
                CHECK(safe("netns/vpn.conf", &log) == -EPERM);
                CHECK_ONE_LINE(log, p("netns/vpn.conf"), "owned by uid 65534, not root");
                free(log);
                CHECK(chown(p("netns/vpn.conf"), 0, 0) == 0);
                CHECK(chown(p("netns"), nobody, nogroup) == 0);
                CHECK(safe("netns/vpn.conf", &log) == -EPERM);
                CHECK_ONE_LINE(log, p("netns/vpn.conf"), "netns is owned by uid 65534");
                free(log);
                CHECK(chown(p("netns"), 0, 0) == 0);
                /* group-owned by someone else, not group-writable: fine (root:adm 0640) */
                CHECK(chown(p("netns/vpn.conf"), 0, nogroup) == 0);
                CHECK(chmod(p("netns/vpn.conf"), 0640) == 0);
                CHECK(safe("netns/vpn.conf", &log) == 0);
                free(log);
                CHECK(chown(p("netns/vpn.conf"), 0, 0) == 0);
        }
        CHECK(chmod(p("netns/vpn.conf"), 0644) == 0);
}

static int load(const char *name, char **ret_log) {
        struct netns_config *c = NULL;
        int r;

        capture_start();
        r = netns_config_load(p("netns"), name, &c);
        *ret_log = capture_end();
        CHECK((r == 0) == (c != NULL));
        netns_config_free(c);
        return r;
}

static void test_load_strict(void) {
        char *log;

        CHECK(load("vpn", &log) == 0);
        CHECK_STREQ(log, "");
        free(log);

        /* the main file */
        CHECK(chmod(p("netns/vpn.conf"), 0660) == 0);
        CHECK(load("vpn", &log) == -EINVAL);
        CHECK_ONE_LINE(log, p("netns/vpn.conf"), "writable by group");
        free(log);
        CHECK(chmod(p("netns/vpn.conf"), 0644) == 0);

        /* the config directory itself: nothing is read, the message names the file and the dir */
        CHECK(chmod(p("netns"), 0777) == 0);
        CHECK(load("vpn", &log) == -EINVAL);
        CHECK_ONE_LINE(log, p("netns/vpn.conf"), "directory");
        free(log);
        CHECK(chmod(p("netns"), 0755) == 0);

        /* a drop-in, and the drop-in directory */
        CHECK(mkdir(p("netns/vpn.conf.d"), 0755) == 0);
        write_file("netns/vpn.conf.d/10-a.conf", "[Namespace]\nBoot=no\n", 0644);
        CHECK(load("vpn", &log) == 0);
        free(log);
        CHECK(chmod(p("netns/vpn.conf.d/10-a.conf"), 0666) == 0);
        CHECK(load("vpn", &log) == -EINVAL);
        CHECK_ONE_LINE(log, p("netns/vpn.conf.d/10-a.conf"), "writable by group and others");
        free(log);
        CHECK(chmod(p("netns/vpn.conf.d/10-a.conf"), 0644) == 0);
        CHECK(chmod(p("netns/vpn.conf.d"), 0775) == 0);
        CHECK(load("vpn", &log) == -EINVAL);
        CHECK_ONE_LINE(log, p("netns/vpn.conf.d"), "writable by group");
        free(log);
        CHECK(chmod(p("netns/vpn.conf.d"), 0755) == 0);

        /* the /etc overlay directory NAME/: the directory is checked, its entries are not */
        CHECK(mkdir(p("netns/vpn"), 0755) == 0);
        CHECK(mkdir(p("netns/vpn/bird"), 0750) == 0);
        write_file("netns/vpn/bird/bird.conf", "router id 192.0.2.1;\n", 0640);
        write_file("netns/vpn/resolv.conf", "nameserver 192.0.2.53\n", 0644);
        if (root) {
                /* as Debian ships /etc/bird: bird:bird 0750 */
                CHECK(chown(p("netns/vpn/bird"), nobody, nogroup) == 0);
                CHECK(chown(p("netns/vpn/bird/bird.conf"), nobody, nogroup) == 0);
        }
        CHECK(chmod(p("netns/vpn/bird/bird.conf"), 0664) == 0); /* the daemon's business */
        CHECK(load("vpn", &log) == 0);
        CHECK_STREQ(log, "");
        free(log);
        CHECK(setenv("NETNSCTL_CONF_DIR", p("netns"), 1) == 0);
        CHECK(netns_etc_dir_check("vpn") == 1);
        CHECK(netns_etc_dir_check("other") == 0);
        CHECK(netns_etc_dir_check("vpn.conf") == 0); /* a file is no overlay */

        CHECK(chmod(p("netns/vpn"), 0757) == 0);
        CHECK(load("vpn", &log) == -EINVAL);
        CHECK_ONE_LINE(log, p("netns/vpn"), "writable by others");
        free(log);
        capture_start();
        CHECK(netns_etc_dir_check("vpn") == -EPERM);
        log = capture_end();
        CHECK_ONE_LINE(log, p("netns/vpn"), "writable by others");
        free(log);
        CHECK(chmod(p("netns/vpn"), 0755) == 0);
        if (root) {
                CHECK(chown(p("netns/vpn"), nobody, nogroup) == 0);
                CHECK(load("vpn", &log) == -EINVAL);
                CHECK_ONE_LINE(log, p("netns/vpn"), "owned by uid 65534");
                free(log);
                CHECK(chown(p("netns/vpn"), 0, 0) == 0);
                CHECK(chown(p("netns/vpn.conf"), nobody, nogroup) == 0);
                CHECK(load("vpn", &log) == -EINVAL);
                CHECK_ONE_LINE(log, p("netns/vpn.conf"), "owned by uid 65534");
                free(log);
                CHECK(chown(p("netns/vpn.conf"), 0, 0) == 0);
        }
        CHECK(unsetenv("NETNSCTL_CONF_DIR") == 0);
        CHECK(load("vpn", &log) == 0);
        free(log);
}

/* ---- the state record ---- */

static void test_record_lines(void) {
        static const char *const good[] = {
                "pin", "netns 4026532000", "netns 4026532000 4096", "veth nn-vpn", "veth nn-abcdef+1a2b3",
                "sysfs", "resolv", "mntns", "complete",
                "nat link nn-vpn", "nat masq nn-vpn 4", "nat masq nn-vpn 6", "nat localnet nn-vpn", "nat lo6 nn-vpn",
                "nat sysctl net.ipv4.ip_forward", "nat sysctl net.ipv6.conf.all.forwarding",
                "nat fwd 4 tcp * 8080 10.250.0.2 80", "nat fwd 6 udp 2001:db8::1 5353-5360 fd00::2 53",
                "link-moved eth1 eth1 52:54:00:12:34:56 1500 up", "link-moved eth1 wan0 - 9000 down",
                "link-new mv-eth1 macvlan", "link-new iv-eth1 ipvlan", "link-new eth1.42 vlan",
                "link-new vx0 vxlan", "link-host nn-+vx1a2b3c4d vxlan",
                "future-key whatever it says",
        };
        static const char *const bad[] = {
                "", " pin", "pin ", "pin  x", "pin x", "complete now", "netns", "netns abc", "netns 0",
                "netns -1", "netns 012", "netns 1 2 3", "netns 99999999999999999999999",
                "veth", "veth ../x", "veth a/b", "veth .", "veth ..", "veth a:b", "veth a%d",
                "veth nn-much-too-long-name", "veth a b",
                "nat", "nat localnet ../../../all", "nat localnet a/b", "nat lo6", "nat link ..",
                "nat masq nn-vpn 5", "nat sysctl kernel.sysrq", "nat sysctl net..x", "nat sysctl net.ipv4/../x",
                "nat sysctl net.", "nat fwd 4 tcp * 80 $(x) 80", "nat fwd 4 tcp * 80 a/b 80",
                "Veth nn-vpn", "veth\tnn-vpn", "veth nn-vpn\r", "veth n\x01", "veth \xc3\xa4",
                "new/key x",
                "link-moved eth1 eth1 52:54:00:12:34:56 1500", "link-moved ../x eth1 - 1500 up",
                "link-moved eth1 eth1 52:54:0:12:34:56 1500 up", "link-moved eth1 eth1 zz:54:00:12:34:56 1500 up",
                "link-moved eth1 eth1 - 0 up", "link-moved eth1 eth1 - 1500 sideways",
                "link-new mv-eth1", "link-new a/b macvlan", "link-new mv-eth1 bridge",
                "link-host nn-+vx1a2b3c4d", "link-host ../x vxlan", "link-host nn-+vx1a2b3c4d bridge",
        };
        const char *reason;

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                int r = record_line_check(good[i], &reason);

                CHECK(r == 0);
                if (r != 0)
                        fprintf(stderr, "  refused \"%s\": %s\n", good[i], reason);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                reason = NULL;
                CHECK(record_line_check(bad[i], &reason) == -EBADMSG && reason);
                if (!reason)
                        fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
        }
}

static void state_write(const char *name, const char *text) {
        char rel[256];

        snprintf(rel, sizeof(rel), "run/%s", name);
        (void) mkdir(p(rel), 0700);
        snprintf(rel, sizeof(rel), "run/%s/state", name);
        write_file(rel, text, 0600);
}

static int rload(const char *name, char ***lines, char **ret_log) {
        int r;

        capture_start();
        r = record_load_full(name, LOG_ERR, lines);
        *ret_log = capture_end();
        return r;
}

static void test_record_files(void) {
        struct record_netns id;
        struct record *rec = NULL;
        char **lines = NULL, *log;
        struct stat st;

        CHECK(mkdir(p("run"), 0755) == 0);
        CHECK(setenv("NETNSCTL_RUN_DIR", p("run"), 1) == 0);

        /* a good record */
        state_write("a", "pin\nnetns 4026532000 77\nveth nn-a\ncomplete\n");
        CHECK(rload("a", &lines, &log) == 0);
        CHECK_STREQ(log, "");
        CHECK(strv_length(lines) == 4);
        CHECK(record_netns_id(lines, &id) == 1 && id.ino == 4026532000ULL && id.cookie == 77);
        strv_free(lines);
        lines = NULL;
        free(log);

        /* no record: -ENOENT, silently */
        CHECK(rload("none", &lines, &log) == -ENOENT && !lines);
        CHECK_STREQ(log, "");
        free(log);

        /* one bad line refuses the whole record, naming file:line */
        state_write("b", "pin\nnetns 4026532000 77\nveth ../../x\nveth nn-b\n");
        CHECK(rload("b", &lines, &log) == -EBADMSG && !lines);
        CHECK_ONE_LINE(log, "run/b/state:3:", "veth ../../x");
        free(log);
        state_write("b", "pin\nnetns 4026532000 77\nnat localnet ../../../all\n");
        CHECK(rload("b", &lines, &log) == -EBADMSG && !lines);
        CHECK_ONE_LINE(log, "run/b/state:3:", "interface name");
        free(log);
        /* quiet for list and status */
        capture_start();
        CHECK(record_load("b", &lines) == -EBADMSG && !lines);
        log = capture_end();
        CHECK_STREQ(log, "");
        free(log);

        /* the sequence: netns after pin, once; complete last */
        state_write("c", "netns 4026532000 77\npin\n");
        CHECK(rload("c", &lines, &log) == -EBADMSG);
        CHECK_ONE_LINE(log, "run/c/state:1:", "must follow");
        free(log);
        state_write("c", "pin\nnetns 1 2\nnetns 3 4\n");
        CHECK(rload("c", &lines, &log) == -EBADMSG);
        CHECK_ONE_LINE(log, "run/c/state:3:", "once");
        free(log);
        state_write("c", "pin\ncomplete\nveth nn-c\n");
        CHECK(rload("c", &lines, &log) == -EBADMSG);
        CHECK_ONE_LINE(log, "run/c/state:2:", "last");
        free(log);
        {
                int fd = open(p("run/c/state"), O_WRONLY | O_TRUNC | O_CLOEXEC);

                CHECK(fd >= 0 && write(fd, "pin\nveth nn-c\0x\n", 17) == 17);
                close(fd);
                CHECK(rload("c", &lines, &log) == -EBADMSG && !lines);
                CHECK_ONE_LINE(log, "run/c/state", "NUL");
                free(log);
        }

        /* unsafe files and directories: refused, one line naming them */
        state_write("d", "pin\n");
        CHECK(chmod(p("run/d/state"), 0622) == 0);
        CHECK(rload("d", &lines, &log) == -EPERM);
        CHECK_ONE_LINE(log, "run/d/state", "refusing");
        free(log);
        CHECK(chmod(p("run/d/state"), 0600) == 0);
        CHECK(chmod(p("run/d"), 0755) == 0);
        CHECK(rload("d", &lines, &log) == -EPERM);
        CHECK_ONE_LINE(log, "run/d", "mode 0755");
        free(log);
        CHECK(chmod(p("run/d"), 0700) == 0);
        CHECK(rload("d", &lines, &log) == 0);
        strv_free(lines);
        lines = NULL;
        free(log);

        /* symlinks: the state dir, the state file */
        CHECK(mkdir(p("elsewhere-state"), 0700) == 0);
        write_file("elsewhere-state/state", "pin\n", 0600);
        CHECK(symlink(p("elsewhere-state"), p("run/e")) == 0);
        CHECK(rload("e", &lines, &log) == -EPERM);
        CHECK_ONE_LINE(log, "run/e", "symlink");
        free(log);
        CHECK(record_remove("e") == -EPERM);
        CHECK(stat(p("elsewhere-state/state"), &st) == 0); /* not removed through the link */
        CHECK(record_create("e", &rec) == -EPERM && !rec);
        CHECK(mkdir(p("run/f"), 0700) == 0);
        CHECK(symlink(p("elsewhere-state/state"), p("run/f/state")) == 0);
        CHECK(rload("f", &lines, &log) == -EPERM);
        CHECK_ONE_LINE(log, "run/f/state", "symlink");
        free(log);
        CHECK(record_remove("f") == 0);
        CHECK(stat(p("elsewhere-state/state"), &st) == 0); /* the link went, not its target */

        /* a FIFO must not hang "down"; a hard link is not ours alone */
        CHECK(mkdir(p("run/g"), 0700) == 0);
        CHECK(mkfifo(p("run/g/state"), 0600) == 0);
        CHECK(rload("g", &lines, &log) == -EPERM);
        CHECK_ONE_LINE(log, "run/g/state", "not a regular file");
        free(log);
        CHECK(unlink(p("run/g/state")) == 0);
        CHECK(link(p("elsewhere-state/state"), p("run/g/state")) == 0);
        CHECK(rload("g", &lines, &log) == -EPERM);
        CHECK_ONE_LINE(log, "run/g/state", "2 links");
        free(log);

        if (root) {
                state_write("h", "pin\n");
                CHECK(chown(p("run/h/state"), nobody, nogroup) == 0);
                CHECK(rload("h", &lines, &log) == -EPERM);
                CHECK_ONE_LINE(log, "run/h/state", "uid 65534");
                free(log);
                CHECK(chown(p("run/h/state"), 0, 0) == 0);
                CHECK(chown(p("run/h"), nobody, nogroup) == 0);
                CHECK(rload("h", &lines, &log) == -EPERM);
                CHECK_ONE_LINE(log, "run/h", "uid 65534");
                free(log);
        }

        /* the run dir itself */
        CHECK(chmod(p("run"), 0777) == 0);
        CHECK(rload("a", &lines, &log) == -EPERM);
        CHECK_ONE_LINE(log, p("run"), "mode 0777");
        free(log);
        CHECK(record_create("new", &rec) == -EPERM && !rec);
        CHECK(chmod(p("run"), 0755) == 0);

        /* what would be refused on reading is refused on writing */
        CHECK(record_create("w", &rec) == 0 && rec);
        if (rec) {
                CHECK(record_add(rec, "pin") == 0);
                CHECK(record_add(rec, "veth %s", "../x") == -EINVAL);
                CHECK(record_add(rec, "veth %s", "a\nb") == -EINVAL);
                CHECK(record_add(rec, "veth %s", "nn-w") == 0);
                record_close(rec);
        }
        CHECK(stat(p("run/w"), &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700);
        CHECK(stat(p("run/w/state"), &st) == 0 && (st.st_mode & 07777) == 0600);
        CHECK(rload("w", &lines, &log) == 0 && strv_length(lines) == 2);
        strv_free(lines);
        lines = NULL;
        free(log);
        CHECK(record_create("w", &rec) == -EEXIST);
        CHECK(record_remove("w") == 0);
        CHECK(stat(p("run/w"), &st) < 0 && errno == ENOENT);

        /* a record without a "netns" line names no namespace */
        {
                char *l[] = { (char *) "pin", NULL };

                CHECK(record_netns_id(l, &id) == 0);
                CHECK(record_netns_open("a", l, NULL) == -ENOENT);
        }
        CHECK(unsetenv("NETNSCTL_RUN_DIR") == 0);
}

int main(void) {
        struct passwd *pw;
        char cmd[600];

        log_set_target(LOG_TARGET_CONSOLE);
        root = geteuid() == 0;
        pw = getpwnam("nobody");
        if (pw) {
                nobody = pw->pw_uid;
                nogroup = pw->pw_gid;
        }
        if (!mkdtemp(top)) {
                perror("mkdtemp");
                return EXIT_FAILURE;
        }
        CHECK(chmod(top, 0755) == 0);

        test_names();
        test_path_is_safe();
        test_load_strict();
        test_record_lines();
        test_record_files();

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", top);
        if (!root)
                printf("not root: the chown-to-nobody checks were skipped\n");
        return TAP_END();
}
