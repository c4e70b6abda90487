/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* record.c - /run/netnsctl/NAME/state: the intent log that makes "up" undoable after a crash */

#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "conf.h"
#include "log.h"
#include "name.h"
#include "ns.h"
#include "record.h"
#include "util.h"

#define RECORD_MAX (4U * 1024U * 1024U)
#define RECORD_LINE_MAX 1024U

char *record_dir(const char *name) {
        return strdup_printf("%s/%s", netnsctl_run_dir(), name);
}

/* a name that stays one path component below the run dir */
static bool name_is_component(const char *name) {
        return name && *name && !strchr(name, '/') && !streq(name, ".") && !streq(name, "..");
}

/*
 * The run dir: a directory (not a symlink) owned by root (or whoever runs us), writable by
 * nobody else; else anyone could put NAME/ there. Returns an O_PATH-less directory fd or
 * -errno; -EPERM when unsafe (logged at @level).
 */
static int run_dir_open(int level) {
        const char *dir = netnsctl_run_dir();
        struct stat st;
        int fd;

        fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ELOOP || errno == ENOTDIR) {
                        log_full(level, "%s: not a directory (a symlink?); refusing to use netnsctl state in it.", dir);
                        return -EPERM;
                }
                return -errno;
        }
        if (fstat(fd, &st) < 0) {
                int r = -errno;

                (void) close(fd);
                return r;
        }
        if (!netns_owner_is_trusted(st.st_uid) || (st.st_mode & 0022)) {
                log_full(level, "%s: %s (uid %u, mode %04o); refusing to use netnsctl state in it.",
                         dir, st.st_mode & 0022 ? "writable by others" : "not owned by root",
                         (unsigned) st.st_uid, (unsigned) (st.st_mode & 07777));
                (void) close(fd);
                return -EPERM;
        }
        return fd;
}

/* RUNDIR/NAME below @run_fd: a real directory of ours, mode 0700. fd or -errno. */
static int state_dir_open(int run_fd, const char *name, int level) {
        struct stat st;
        int fd;

        fd = openat(run_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ELOOP || errno == ENOTDIR) {
                        log_full(level, "%s/%s: not a directory (a symlink?); refusing to use it as netnsctl state.",
                                 netnsctl_run_dir(), name);
                        return -EPERM;
                }
                return -errno;
        }
        if (fstat(fd, &st) < 0) {
                int r = -errno;

                (void) close(fd);
                return r;
        }
        if (st.st_uid != geteuid() || (st.st_mode & 0077)) {
                log_full(level, "%s/%s: %s (uid %u, mode %04o, expected 0700); refusing to use it as netnsctl state.",
                         netnsctl_run_dir(), name, st.st_uid != geteuid() ? "not owned by root" : "open to others",
                         (unsigned) st.st_uid, (unsigned) (st.st_mode & 07777));
                (void) close(fd);
                return -EPERM;
        }
        return fd;
}

int record_create(const char *name, struct record **ret) {
        _cleanup_free_ char *dir = NULL, *path = NULL;
        _cleanup_close_ int run_fd = -1, dir_fd = -1;
        struct record *r;
        int fd, q;

        if (!name_is_component(name))
                return -EINVAL;
        dir = record_dir(name);
        path = strdup_printf("%s/%s/state", netnsctl_run_dir(), name);
        if (!dir || !path)
                return -ENOMEM;
        q = mkdir_p(netnsctl_run_dir(), 0755);
        if (q < 0)
                return q;
        run_fd = run_dir_open(LOG_DEBUG);
        if (run_fd < 0)
                return run_fd;
        if (mkdirat(run_fd, name, 0700) < 0 && errno != EEXIST)
                return -errno;
        /* Only a directory we own and nobody else can enter may hold a record. */
        dir_fd = state_dir_open(run_fd, name, LOG_DEBUG);
        if (dir_fd < 0)
                return dir_fd;
        fd = openat(dir_fd, "state", O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        r = calloc(1, sizeof(*r));
        if (!r) {
                (void) close(fd);
                return -ENOMEM;
        }
        r->fd = fd;
        r->dir = TAKE_PTR(dir);
        r->path = TAKE_PTR(path);
        *ret = r;
        return 0;
}

void record_close(struct record *r) {
        if (!r)
                return;
        (void) safe_close(r->fd);
        free(r->dir);
        free(r->path);
        free(r);
}

int record_add(struct record *r, const char *fmt, ...) {
        char line[RECORD_LINE_MAX];
        va_list ap;
        int n;
        ssize_t k;

        va_start(ap, fmt);
        n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t) n >= sizeof(line) - 1 || strchr(line, '\n'))
                return -EINVAL;
        /* what we would refuse to read back, we refuse to write: a bug, not a user error */
        if (record_line_check(line, NULL) < 0)
                return -EINVAL;
        line[n++] = '\n';
        /* one write(), O_APPEND: a line is either wholly there or not at all */
        k = write(r->fd, line, (size_t) n);
        if (k < 0)
                return -errno;
        return k == n ? 0 : -EIO;
}

/* ------------------------------------------------------------------------------------------
 * The grammar of record lines
 */

/* a decimal number without sign or leading zeros, > 0, that fits 64 bits */
static bool word_is_number(const char *w) {
        unsigned long long v;
        char *end;

        if (w[0] < '1' || w[0] > '9')
                return false;
        errno = 0;
        v = strtoull(w, &end, 10);
        return errno == 0 && *end == 0 && v > 0;
}

/* what nftables element words are made of: addresses, ports, ranges, "tcp", "*" */
static bool word_is_token(const char *w) {
        if (!*w)
                return false;
        for (const char *p = w; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                      strchr(".:*-_", *p)))
                        return false;
        return true;
}

/* "52:54:00:12:34:56": hex byte pairs separated by ':' (up to 32 bytes, any link type), or "-" */
static bool word_is_mac(const char *w) {
        size_t n = strlen(w);

        if (streq(w, "-"))
                return true; /* a link without a hardware address */
        if (n < 2 || n > 32 * 3 - 1 || (n + 1) % 3 != 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (i % 3 == 2 ? w[i] != ':' : !isxdigit((unsigned char) w[i]))
                        return false;
        return true;
}

/* "net.ipv4.ip_forward": a host sysctl the NAT step holds; no way out of /proc/sys/net */
static bool word_is_sysctl(const char *w) {
        size_t n = strlen(w);

        if (!startswith(w, "net.") || n <= STRLEN("net.") || w[n - 1] == '.' || strstr(w, ".."))
                return false;
        for (const char *p = w; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("._-", *p)))
                        return false;
        return true;
}

static int bad(const char **ret_reason, const char *reason) {
        if (ret_reason)
                *ret_reason = reason;
        return -EBADMSG;
}

static int nat_line_check(char **w, size_t n, const char **ret_reason) {
        if (n < 2)
                return bad(ret_reason, "\"nat\" needs arguments");
        if (streq(w[1], "localnet") || streq(w[1], "lo6") || streq(w[1], "link")) {
                if (n != 3 || !ifname_is_valid(w[2]))
                        return bad(ret_reason, "expected \"nat localnet|lo6|link IFNAME\" with a valid interface name");
                return 0;
        }
        if (streq(w[1], "masq")) {
                if (n != 4 || !ifname_is_valid(w[2]) || !(streq(w[3], "4") || streq(w[3], "6")))
                        return bad(ret_reason, "expected \"nat masq IFNAME 4|6\" with a valid interface name");
                return 0;
        }
        if (streq(w[1], "sysctl")) {
                if (n != 3 || !word_is_sysctl(w[2]))
                        return bad(ret_reason, "expected \"nat sysctl net.KEY\"");
                return 0;
        }
        /* "fwd" and what may come: plain words; the NAT step parses them itself */
        for (size_t i = 1; i < n; i++)
                if (!word_is_token(w[i]))
                        return bad(ret_reason, "unexpected characters in a \"nat\" entry");
        return 0;
}

int record_line_check(const char *line, const char **ret_reason) {
        char buf[RECORD_LINE_MAX], *w[16];
        size_t len = strlen(line), n = 0;

        if (len == 0)
                return bad(ret_reason, "empty line");
        if (len >= sizeof(buf))
                return bad(ret_reason, "line too long");
        for (const char *p = line; *p; p++)
                if ((unsigned char) *p < 0x20 || (unsigned char) *p >= 0x7f)
                        return bad(ret_reason, "control or non-ASCII characters");
        if (line[0] == ' ' || line[len - 1] == ' ' || strstr(line, "  "))
                return bad(ret_reason, "stray spaces");
        memcpy(buf, line, len + 1);
        for (char *p = buf, *sp;; p = sp + 1) {
                if (n == ELEMENTSOF(w))
                        return bad(ret_reason, "too many words");
                w[n++] = p;
                sp = strchr(p, ' ');
                if (!sp)
                        break;
                *sp = 0;
        }

        if (streq(w[0], "complete") || streq(w[0], "pin") || streq(w[0], "sysfs") ||
            streq(w[0], "resolv") || streq(w[0], "mntns")) {
                if (n != 1)
                        return bad(ret_reason, "this entry takes no arguments");
                return 0;
        }
        if (streq(w[0], "netns")) {
                if (n < 2 || n > 3 || !word_is_number(w[1]) || (n == 3 && !word_is_number(w[2])))
                        return bad(ret_reason, "expected \"netns INODE COOKIE\" (decimal numbers)");
                return 0;
        }
        if (streq(w[0], "veth")) {
                if (n != 2 || !ifname_is_valid(w[1]))
                        return bad(ret_reason, "expected \"veth IFNAME\" with a valid interface name");
                return 0;
        }
        if (streq(w[0], "nat"))
                return nat_line_check(w, n, ret_reason);
        if (streq(w[0], "link-moved")) {
                /* ORIGNAME NAME-INSIDE MAC MTU up|down */
                if (n != 6 || !ifname_is_valid(w[1]) || !ifname_is_valid(w[2]) || !word_is_mac(w[3]) ||
                    !word_is_number(w[4]) || !(streq(w[5], "up") || streq(w[5], "down")))
                        return bad(ret_reason, "expected \"link-moved IFNAME IFNAME MAC MTU up|down\"");
                return 0;
        }
        if (streq(w[0], "link-new")) {
                /* KIND: the kernel kind of a [Link] kind born on a parent (link-kind.h) */
                if (n != 3 || !ifname_is_valid(w[1]) || !link_kind_made_by_kernel_kind(w[2]))
                        return bad(ret_reason, "expected \"link-new IFNAME KIND\", KIND a device netnsctl makes on a parent");
                return 0;
        }

        /* a key this version does not know: undo ignores it, with a warning */
        for (const char *p = w[0]; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
                        return bad(ret_reason, "invalid key");
        return 0;
}

/* ------------------------------------------------------------------------------------------
 * Reading
 */

/* the whole record; a NUL inside is not a line of ours */
static int read_fd(int fd, size_t max, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t n;
        int r;

        r = read_full_fd(fd, max, &buf, &n);
        if (r < 0)
                return r;
        if (memchr(buf, 0, n))
                return -EBADMSG;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* the whole record must make sense as a sequence, not only line by line */
static int record_check_sequence(char *const *lines, size_t *ret_bad, const char **ret_reason) {
        bool pin = false, netns = false;
        size_t n = strv_length(lines);

        for (size_t i = 0; i < n; i++) {
                *ret_bad = i;
                if (streq(lines[i], "pin"))
                        pin = true;
                else if (startswith(lines[i], "netns ")) {
                        if (!pin || netns)
                                return bad(ret_reason, "a \"netns\" entry must follow \"pin\", once");
                        netns = true;
                } else if (streq(lines[i], "complete") && i != n - 1)
                        return bad(ret_reason, "\"complete\" must be the last entry");
        }
        return 0;
}

int record_load_full(const char *name, int log_level, char ***ret_lines) {
        _cleanup_close_ int run_fd = -1, dir_fd = -1, fd = -1;
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        const char *reason = NULL;
        struct stat st;
        unsigned lineno = 0;
        size_t bad_index;
        char *p, *nl;
        int r;

        if (!name_is_component(name))
                return -EINVAL;
        run_fd = run_dir_open(log_level);
        if (run_fd < 0)
                return run_fd;
        dir_fd = state_dir_open(run_fd, name, log_level);
        if (dir_fd < 0)
                return dir_fd;
        /* O_NONBLOCK: a FIFO planted here must not hang "down" */
        fd = openat(dir_fd, "state", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ELOOP) {
                        log_full(log_level, "%s/%s/state: a symlink; refusing it.", netnsctl_run_dir(), name);
                        return -EPERM;
                }
                return -errno;
        }
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 0022) || st.st_nlink != 1) {
                log_full(log_level, "%s/%s/state: not a regular file of root's alone (uid %u, mode %04o, %u links); refusing it.",
                         netnsctl_run_dir(), name, (unsigned) st.st_uid, (unsigned) (st.st_mode & 07777),
                         (unsigned) st.st_nlink);
                return -EPERM;
        }
        r = read_fd(fd, RECORD_MAX, &text);
        if (r == -EBADMSG) {
                log_full(log_level, "%s/%s/state: contains a NUL byte; refusing it.", netnsctl_run_dir(), name);
                return r;
        }
        if (r < 0)
                return r;

        for (p = text; *p; p = nl + 1) {
                nl = strchr(p, '\n');
                if (!nl)
                        break; /* a torn last line cannot happen with one write(), but never trust it */
                *nl = 0;
                lineno++;
                r = record_line_check(p, &reason);
                if (r < 0) {
                        log_full(log_level, "%s/%s/state:%u: invalid entry \"%.64s\" (%s); refusing the whole record.",
                                 netnsctl_run_dir(), name, lineno, p, reason);
                        return r;
                }
                if (strv_extend(&lines, p) < 0)
                        return -ENOMEM;
        }
        if (!lines && !(lines = calloc(1, sizeof(char *))))
                return -ENOMEM;
        r = record_check_sequence(lines, &bad_index, &reason);
        if (r < 0) {
                log_full(log_level, "%s/%s/state:%zu: %s; refusing the whole record.",
                         netnsctl_run_dir(), name, bad_index + 1, reason);
                return r;
        }
        *ret_lines = TAKE_PTR(lines);
        return 0;
}

int record_load(const char *name, char ***ret_lines) {
        return record_load_full(name, LOG_DEBUG, ret_lines);
}

/* ------------------------------------------------------------------------------------------
 * The namespace a record names
 */

int record_netns_id(char *const *lines, struct record_netns *ret) {
        for (size_t i = 0; lines && lines[i]; i++) {
                const char *a = startswith(lines[i], "netns ");
                unsigned long long ino, cookie = 0;
                char *end;

                if (!a)
                        continue;
                /* record_load() checked the grammar; parse strictly all the same */
                errno = 0;
                ino = strtoull(a, &end, 10);
                if (errno || end == a || ino == 0 || (*end && *end != ' '))
                        return 0;
                if (*end == ' ') {
                        a = end + 1;
                        cookie = strtoull(a, &end, 10);
                        if (errno || end == a || cookie == 0 || *end)
                                return 0;
                }
                *ret = (struct record_netns) { .ino = ino, .cookie = cookie };
                return 1;
        }
        return 0;
}

/* Is @fd the namespace @id? 1 yes, 0 no, -errno */
static int netns_is(int fd, const struct record_netns *id) {
        struct stat st;
        uint64_t c;
        int r;

        if (fstat(fd, &st) < 0)
                return -errno;
        if ((unsigned long long) st.st_ino != id->ino)
                return 0;
        r = netns_cookie(fd, &c);
        if (r == -ENOPROTOOPT)
                return id->cookie == 0; /* an old kernel: the inode is all there is */
        if (r < 0)
                return r;
        /* a record without a cookie on a kernel with cookies was not written by "up" */
        return id->cookie != 0 && c == id->cookie;
}

int record_netns_open(const char *name, char *const *lines, bool *ret_pinned) {
        struct record_netns id;
        uint64_t c;
        int fd, r;

        if (ret_pinned)
                *ret_pinned = false;
        if (record_netns_id(lines, &id) <= 0)
                return -ENOENT;

        fd = netns_open(name);
        if (fd >= 0) {
                r = netns_is(fd, &id);
                if (r > 0) {
                        if (ret_pinned)
                                *ret_pinned = true;
                        return fd;
                }
                (void) close(fd);
                if (r < 0)
                        return r;
        }

        /* not at its pin (removed by "ip netns delete"?), but maybe alive through a process;
         * without a cookie there is no telling it from a namespace that got its inode number */
        if (id.cookie == 0)
                return -ENOENT;
        r = netns_cookie(-1, &c);
        if (r < 0)
                return r == -ENOPROTOOPT ? -ENOENT : r;
        return netns_open_by_id(id.ino, id.cookie);
}

/* ------------------------------------------------------------------------------------------
 * Removing
 */

int record_remove(const char *name) {
        _cleanup_close_ int run_fd = -1, dir_fd = -1;

        if (!name_is_component(name))
                return -EINVAL;
        run_fd = run_dir_open(LOG_DEBUG);
        if (run_fd == -ENOENT)
                return 0;
        if (run_fd < 0)
                return run_fd;
        /* through fds, never following a symlink: only our own state file goes */
        dir_fd = state_dir_open(run_fd, name, LOG_DEBUG);
        if (dir_fd == -ENOENT)
                return 0;
        if (dir_fd < 0)
                return dir_fd;
        if (unlinkat(dir_fd, "state", 0) < 0 && errno != ENOENT)
                return -errno;
        /* anything else left in the directory (a mount point, a file) was made by a step and
         * is that step's to undo; rmdir fails then, which is the right outcome */
        if (unlinkat(run_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}
