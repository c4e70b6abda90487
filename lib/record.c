/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* record.c - /run/netnsctl/NAME/state: the intent log that makes "up" undoable after a crash */

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
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

/* What a directory on the way to a record must be. */
struct dir_rule {
        mode_t forbidden;       /* mode bits nobody may have: 0022 (writable by others), 0077 */
        bool (*owner_ok)(uid_t uid);
        bool mode_first;        /* name the mode rather than the owner when both are wrong */
        const char *open_word;  /* what the forbidden bits are called */
        const char *expected;   /* ", expected 0700", or "" */
        const char *refusal;    /* the end of the message */
};

static bool owner_is_us(uid_t uid) {
        return uid == geteuid();
}

/* The run dir: owned by root (or whoever runs us), writable by nobody else; else anyone could
 * put NAME/ there. */
static const struct dir_rule run_dir_rule = {
        .forbidden = 0022,
        .owner_ok = netns_owner_is_trusted,
        .mode_first = true,
        .open_word = "writable by others",
        .expected = "",
        .refusal = "refusing to use netnsctl state in it",
};

/* RUNDIR/NAME: a directory of ours, mode 0700: only it may hold a record. */
static const struct dir_rule state_dir_rule = {
        .forbidden = 0077,
        .owner_ok = owner_is_us,
        .mode_first = false,
        .open_word = "open to others",
        .expected = ", expected 0700",
        .refusal = "refusing to use it as netnsctl state",
};

/*
 * Open directory @path (below @at_fd) as @rule has it: a real directory (no symlink), owned
 * and mode as @rule says. @shown names it in the refusal, logged at @level.
 * Return: an fd, -EPERM when unsafe, -errno
 */
static int dir_open_safe(int at_fd, const char *path, const char *shown, const struct dir_rule *rule, int level) {
        struct stat st;
        bool owner_ok;
        int fd;

        fd = openat(at_fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ELOOP || errno == ENOTDIR) {
                        log_full(level, "%s: not a directory (a symlink?); %s.", shown, rule->refusal);
                        return -EPERM;
                }
                return -errno;
        }
        if (fstat(fd, &st) < 0) {
                int r = -errno;

                (void) close(fd);
                return r;
        }
        owner_ok = rule->owner_ok(st.st_uid);
        if (!owner_ok || (st.st_mode & rule->forbidden)) {
                bool mode_named = rule->mode_first ? (st.st_mode & rule->forbidden) : owner_ok;

                log_full(level, "%s: %s (uid %u, mode %04o%s); %s.", shown, mode_named ? rule->open_word : "not owned by root",
                         (unsigned) st.st_uid, (unsigned) (st.st_mode & 07777), rule->expected, rule->refusal);
                (void) close(fd);
                return -EPERM;
        }
        return fd;
}

static int run_dir_open(int level) {
        return dir_open_safe(AT_FDCWD, netnsctl_run_dir(), netnsctl_run_dir(), &run_dir_rule, level);
}

static int state_dir_open(int run_fd, const char *name, int level) {
        _cleanup_free_ char *shown = strdup_printf("%s/%s", netnsctl_run_dir(), name);

        if (!shown)
                return -ENOMEM;
        return dir_open_safe(run_fd, name, shown, &state_dir_rule, level);
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

int record_new_lines(char ***lines, struct record **ret) {
        struct record *r = calloc(1, sizeof(*r));

        if (!r)
                return -ENOMEM;
        r->fd = -1;
        r->lines = lines;
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
        if (r->fd < 0) /* record_new_lines() */
                return strv_extend(r->lines, line);
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

/* "52:54:00:12:34:56" (up to 32 bytes, any link type) or "-" (none): the length, or -EBADMSG */
static int mac_parse(const char *w, uint8_t ret[static 32]) {
        size_t n = 0;

        if (!word_is_mac(w))
                return -EBADMSG;
        if (streq(w, "-"))
                return 0; /* a link without a hardware address */
        for (const char *p = w;; p += 3) {
                char hex[3] = { p[0], p[1], 0 };

                ret[n++] = (uint8_t) strtoul(hex, NULL, 16);
                if (!p[2])
                        return (int) n;
        }
}

static void mac_format(const uint8_t *a, size_t n, char buf[static 3 * 32]) {
        size_t off = 0;

        if (n == 0) {
                strcpy(buf, "-");
                return;
        }
        for (size_t i = 0; i < n && i < 32; i++)
                off += (size_t) snprintf(buf + off, 3 * 32 - off, i ? ":%02x" : "%02x", a[i]);
}

/* ifname_is_valid(): shorter than IFNAMSIZ */
static void ifname_copy(char dst[static IFNAMSIZ], const char *src) {
        memcpy(dst, src, strlen(src) + 1);
}

/* The parse functions: @w are the line's @n words (w[0] the key), @args the line after the key. */

static int parse_no_args(char *const *w, size_t n, const char *args, struct record_entry *e, const char **ret_reason) {
        if (n != 1)
                return bad(ret_reason, "this entry takes no arguments");
        return 0;
}

static int parse_netns(char *const *w, size_t n, const char *args, struct record_entry *e, const char **ret_reason) {
        if (n < 2 || n > 3 || !word_is_number(w[1]) || (n == 3 && !word_is_number(w[2])))
                return bad(ret_reason, "expected \"netns INODE COOKIE\" (decimal numbers)");
        e->netns.ino = strtoull(w[1], NULL, 10);
        e->netns.cookie = n == 3 ? strtoull(w[2], NULL, 10) : 0;
        return 0;
}

static int parse_veth(char *const *w, size_t n, const char *args, struct record_entry *e, const char **ret_reason) {
        if (n != 2 || !ifname_is_valid(w[1]))
                return bad(ret_reason, "expected \"veth IFNAME\" with a valid interface name");
        ifname_copy(e->veth, w[1]);
        return 0;
}

/* wg IFNAME, wg-host IFNAME */
static int parse_wg(char *const *w, size_t n, const char *args, struct record_entry *e, const char **ret_reason) {
        if (n != 2 || !ifname_is_valid(w[1]))
                return bad(ret_reason, "expected \"wg IFNAME\" or \"wg-host IFNAME\" with a valid interface name");
        ifname_copy(e->wg, w[1]);
        return 0;
}

static int parse_link_moved(char *const *w, size_t n, const char *args, struct record_entry *e, const char **ret_reason) {
        int mac_len = -1;

        /* ORIGNAME NAME-INSIDE MAC MTU up|down */
        if (n == 6)
                mac_len = mac_parse(w[3], e->link_moved.mac);
        if (n != 6 || !ifname_is_valid(w[1]) || !ifname_is_valid(w[2]) || mac_len < 0 || !word_is_number(w[4]) ||
            strtoull(w[4], NULL, 10) > UINT32_MAX || !(streq(w[5], "up") || streq(w[5], "down")))
                return bad(ret_reason, "expected \"link-moved IFNAME IFNAME MAC MTU up|down\"");
        ifname_copy(e->link_moved.orig, w[1]);
        ifname_copy(e->link_moved.inside, w[2]);
        e->link_moved.mac_len = (size_t) mac_len;
        e->link_moved.mtu = (uint32_t) strtoull(w[4], NULL, 10);
        e->link_moved.up = streq(w[5], "up");
        return 0;
}

/* link-new IFNAME KIND, link-host IFNAME KIND */
static int parse_link_new(char *const *w, size_t n, const char *args, struct record_entry *e, const char **ret_reason) {
        /* KIND: the kernel kind of a [Link] kind netnsctl makes (link-kind.h) */
        if (n != 3 || !ifname_is_valid(w[1]) || !link_kind_made_by_kernel_kind(w[2]) || strlen(w[2]) >= sizeof(e->link_new.kind))
                return bad(ret_reason, "expected \"link-new IFNAME KIND\" or \"link-host IFNAME KIND\", KIND a device netnsctl makes");
        ifname_copy(e->link_new.ifname, w[1]);
        memcpy(e->link_new.kind, w[2], strlen(w[2]) + 1);
        return 0;
}

/* peer NAME: an entry of the peer index (lib/peer-index.h) */
static int parse_peer(char *const *w, size_t n, const char *args, struct record_entry *e, const char **ret_reason) {
        if (n != 2 || !netns_name_is_valid(w[1]))
                return bad(ret_reason, "expected \"peer NAME\" with a valid namespace name");
        memcpy(e->peer, w[1], strlen(w[1]) + 1);
        return 0;
}

static int parse_nat(char *const *w, size_t n, const char *args, struct record_entry *e, const char **ret_reason) {
        if (n < 2)
                return bad(ret_reason, "\"nat\" needs arguments");
        if (streq(w[1], "localnet") || streq(w[1], "lo6") || streq(w[1], "link")) {
                if (n != 3 || !ifname_is_valid(w[2]))
                        return bad(ret_reason, "expected \"nat localnet|lo6|link IFNAME\" with a valid interface name");
        } else if (streq(w[1], "masq")) {
                if (n != 4 || !ifname_is_valid(w[2]) || !(streq(w[3], "4") || streq(w[3], "6")))
                        return bad(ret_reason, "expected \"nat masq IFNAME 4|6\" with a valid interface name");
        } else if (streq(w[1], "sysctl")) {
                if (n != 3 || !word_is_sysctl(w[2]))
                        return bad(ret_reason, "expected \"nat sysctl net.KEY\"");
                if (strlen(w[2]) >= sizeof(e->nat.sysctl))
                        return bad(ret_reason, "sysctl name too long");
                e->nat.what = RECORD_NAT_SYSCTL;
                memcpy(e->nat.sysctl, w[2], strlen(w[2]) + 1);
                return 0;
        } else {
                /* "fwd" and what may come: plain words */
                for (size_t i = 1; i < n; i++)
                        if (!word_is_token(w[i]))
                                return bad(ret_reason, "unexpected characters in a \"nat\" entry");
        }

        if (nat_elem_parse(args, &e->nat.elem) >= 0)
                e->nat.what = RECORD_NAT_ELEM;
        else if (streq(w[1], "localnet") || streq(w[1], "lo6")) {
                e->nat.what = streq(w[1], "lo6") ? RECORD_NAT_LO6 : RECORD_NAT_LOCALNET;
                ifname_copy(e->nat.ifname, w[2]);
        } else
                e->nat.what = RECORD_NAT_OTHER; /* undo warns and leaves it */
        return 0;
}

/* firewall table | firewall host IF ADDR | firewall forward IF PROTO PORTS | firewall allow PROTO PORTS */
static int parse_firewall(char *const *w, size_t n, const char *args, struct record_entry *e, const char **ret_reason) {
        if (n == 2 && streq(w[1], "table")) {
                e->fw.table = true;
                return 0;
        }
        if (n < 2 || fw_rule_parse(args, &e->fw.rule) < 0)
                return bad(ret_reason, "expected \"firewall table\", \"firewall host IFNAME ADDRESS\", "
                                       "\"firewall forward IFNAME PROTO PORT[-END]\" or \"firewall allow PROTO PORT[-END]\"");
        return 0;
}

/*
 * The undo handlers are the helper's (helper/step-*.c, declared in helper/steps.h). They are
 * bound here by name, as weak references: a program that reads records but undoes nothing
 * (the unit tests, the fuzzers) links none of them, and there they are NULL.
 */
#define UNDO_HANDLER(f) int f(struct undo_ctx *u, const struct record_entry *e) __attribute__((weak))
UNDO_HANDLER(undo_pin);
UNDO_HANDLER(undo_netns);
UNDO_HANDLER(undo_veth);
UNDO_HANDLER(undo_link_moved);
UNDO_HANDLER(undo_link_new);
UNDO_HANDLER(undo_link_host);
UNDO_HANDLER(undo_wg);
UNDO_HANDLER(undo_wg_host);
UNDO_HANDLER(undo_nat);
UNDO_HANDLER(undo_sysfs);
UNDO_HANDLER(undo_resolv);
UNDO_HANDLER(undo_mntns);
UNDO_HANDLER(undo_peer);
UNDO_HANDLER(undo_firewall);

/* The vocabulary: each key, its grammar (the parse function) and its undo. */
static const struct record_key_info {
        const char *name;
        int (*parse)(char *const *w, size_t n, const char *args, struct record_entry *e, const char **ret_reason);
        int (*undo)(struct undo_ctx *u, const struct record_entry *e);
} record_keys[_RECORD_KEY_MAX] = {
        [RECORD_COMPLETE]   = { "complete",   parse_no_args,    NULL },
        [RECORD_PIN]        = { "pin",        parse_no_args,    undo_pin },
        [RECORD_NETNS]      = { "netns",      parse_netns,      undo_netns },
        [RECORD_VETH]       = { "veth",       parse_veth,       undo_veth },
        [RECORD_LINK_MOVED] = { "link-moved", parse_link_moved, undo_link_moved },
        [RECORD_LINK_NEW]   = { "link-new",   parse_link_new,   undo_link_new },
        [RECORD_LINK_HOST]  = { "link-host",  parse_link_new,   undo_link_host },
        [RECORD_WG_HOST]    = { "wg-host",    parse_wg,         undo_wg_host },
        [RECORD_WG]         = { "wg",         parse_wg,         undo_wg },
        [RECORD_NAT]        = { "nat",        parse_nat,        undo_nat },
        [RECORD_SYSFS]      = { "sysfs",      parse_no_args,    undo_sysfs },
        [RECORD_RESOLV]     = { "resolv",     parse_no_args,    undo_resolv },
        [RECORD_MNTNS]      = { "mntns",      parse_no_args,    undo_mntns },
        [RECORD_PEER]       = { "peer",       parse_peer,       undo_peer },
        [RECORD_FIREWALL]   = { "firewall",   parse_firewall,   undo_firewall },
};

int record_entry_parse(const char *line, struct record_entry *ret, const char **ret_reason) {
        char buf[RECORD_LINE_MAX], *w[16];
        size_t len = strlen(line), n = 0;
        struct record_entry e = { .key = RECORD_UNKNOWN };

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

        for (enum record_key k = 0; k < _RECORD_KEY_MAX; k++)
                if (streq(w[0], record_keys[k].name)) {
                        int r;

                        e.key = k;
                        e.args = n > 1 ? line + strlen(w[0]) + 1 : "";
                        r = record_keys[k].parse(w, n, e.args, &e, ret_reason);
                        if (r < 0)
                                return r;
                        *ret = e;
                        return 0;
                }

        /* a key this version does not know: undo ignores it, with a warning */
        for (const char *p = w[0]; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
                        return bad(ret_reason, "invalid key");
        e.args = n > 1 ? line + strlen(w[0]) + 1 : "";
        *ret = e;
        return 0;
}

int record_line_check(const char *line, const char **ret_reason) {
        struct record_entry e;

        return record_entry_parse(line, &e, ret_reason);
}

int record_undo_entry(struct undo_ctx *u, const struct record_entry *e) {
        if (e->key < 0 || e->key >= _RECORD_KEY_MAX || e->key == RECORD_COMPLETE)
                return 0;
        /* a key that needs undoing, in a program linked without its handler: never silently */
        if (!record_keys[e->key].undo)
                return -ENOSYS;
        return record_keys[e->key].undo(u, e);
}

/* ------------------------------------------------------------------------------------------
 * Writing, one function per key
 */

int record_add_key(struct record *r, enum record_key key) {
        if (key < 0 || key >= _RECORD_KEY_MAX || record_keys[key].parse != parse_no_args)
                return -EINVAL;
        return record_add(r, "%s", record_keys[key].name);
}

int record_add_netns(struct record *r, unsigned long long ino, uint64_t cookie) {
        if (cookie == 0)
                return record_add(r, "netns %llu", ino); /* kernel < 5.14 */
        return record_add(r, "netns %llu %" PRIu64, ino, cookie);
}

int record_add_veth(struct record *r, const char *host_ifname) {
        return record_add(r, "veth %s", host_ifname);
}

int record_add_link_moved(struct record *r, const char *orig, const char *inside, const uint8_t *mac, size_t mac_len,
                          uint32_t mtu, bool up) {
        char m[3 * 32];

        if (mac_len > 32)
                return -EINVAL;
        mac_format(mac, mac_len, m);
        return record_add(r, "link-moved %s %s %s %" PRIu32 " %s", orig, inside, m, mtu, up ? "up" : "down");
}

int record_add_link_new(struct record *r, const char *ifname, const char *kind) {
        return record_add(r, "link-new %s %s", ifname, kind);
}

int record_add_link_host(struct record *r, const char *ifname, const char *kind) {
        return record_add(r, "link-host %s %s", ifname, kind);
}

int record_add_nat_elem(struct record *r, const struct nat_elem *e) {
        char line[128];
        int q;

        q = nat_elem_format(e, line, sizeof(line));
        if (q < 0)
                return q;
        return record_add(r, "nat %s", line);
}

int record_add_nat_link(struct record *r, enum record_nat what, const char *ifname) {
        if (what != RECORD_NAT_LOCALNET && what != RECORD_NAT_LO6)
                return -EINVAL;
        return record_add(r, "nat %s %s", what == RECORD_NAT_LO6 ? "lo6" : "localnet", ifname);
}

int record_add_wg(struct record *r, enum record_key key, const char *ifname) {
        if (key != RECORD_WG_HOST && key != RECORD_WG)
                return -EINVAL;
        return record_add(r, "%s %s", record_keys[key].name, ifname);
}

int record_add_peer(struct record *r, const char *peer) {
        return record_add(r, "peer %s", peer);
}

int record_add_fw_table(struct record *r) {
        return record_add(r, "%s table", record_keys[RECORD_FIREWALL].name);
}

int record_add_fw_rule(struct record *r, const struct fw_rule *rule) {
        char line[128];
        int q;

        q = fw_rule_format(rule, line, sizeof(line));
        if (q < 0)
                return q;
        return record_add(r, "%s %s", record_keys[RECORD_FIREWALL].name, line);
}

int record_add_nat_sysctl(struct record *r, const char *key) {
        return record_add(r, "nat sysctl %s", key);
}

/* ------------------------------------------------------------------------------------------
 * What a record says
 */

bool record_complete(char *const *lines) {
        size_t n = strv_length(lines);

        /* "complete" is the last line or none (record_check_sequence()) */
        return n > 0 && streq(lines[n - 1], record_keys[RECORD_COMPLETE].name);
}

int record_fw(char *const *lines, struct fw_rule **ret_rules, size_t *ret_n) {
        _cleanup_free_ struct fw_rule *rules = NULL;
        bool table = false;
        size_t n = 0;

        for (size_t i = 0; lines && lines[i]; i++) {
                struct record_entry e;
                struct fw_rule *slot;

                if (record_entry_parse(lines[i], &e, NULL) < 0 || e.key != RECORD_FIREWALL)
                        continue;
                if (e.fw.table) {
                        table = true;
                        continue;
                }
                slot = ARRAY_APPEND(rules, n);
                if (!slot)
                        return -ENOMEM;
                *slot = e.fw.rule;
        }
        *ret_rules = TAKE_PTR(rules);
        *ret_n = n;
        return table;
}

int record_nat_elems(char *const *lines, struct nat_elem **elems, size_t *n) {
        int added = 0;

        for (size_t i = 0; lines && lines[i]; i++) {
                struct record_entry e;
                struct nat_elem *slot;

                if (record_entry_parse(lines[i], &e, NULL) < 0 || e.key != RECORD_NAT || e.nat.what != RECORD_NAT_ELEM)
                        continue;
                slot = ARRAY_APPEND(*elems, *n);
                if (!slot)
                        return -ENOMEM;
                *slot = e.nat.elem;
                added++;
        }
        return added;
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

/* the key of a line that passed record_line_check() */
static enum record_key line_key(const char *line) {
        size_t klen = strcspn(line, " ");

        for (enum record_key k = 0; k < _RECORD_KEY_MAX; k++)
                if (strlen(record_keys[k].name) == klen && strneq(line, record_keys[k].name, klen))
                        return k;
        return RECORD_UNKNOWN;
}

/* the whole record must make sense as a sequence, not only line by line */
static int record_check_sequence(char *const *lines, size_t *ret_bad, const char **ret_reason) {
        bool pin = false, netns = false;
        size_t n = strv_length(lines);

        for (size_t i = 0; i < n; i++) {
                enum record_key k = line_key(lines[i]);

                *ret_bad = i;
                if (k == RECORD_PIN)
                        pin = true;
                else if (k == RECORD_NETNS) {
                        if (!pin || netns)
                                return bad(ret_reason, "a \"netns\" entry must follow \"pin\", once");
                        netns = true;
                } else if (k == RECORD_COMPLETE && i != n - 1)
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
                struct record_entry e;

                if (line_key(lines[i]) != RECORD_NETNS)
                        continue;
                /* record_load() checked the grammar; parse strictly all the same */
                if (record_entry_parse(lines[i], &e, NULL) < 0)
                        return 0;
                *ret = e.netns;
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
        /* what "reload" compares with (the configuration, the /etc entries), and what a crashed
         * replacement left */
        for (const char *const *leaf = (const char *const[]) { "config", "config.new", "etc", "etc.new", "state.new", NULL }; *leaf; leaf++)
                if (unlinkat(dir_fd, *leaf, 0) < 0 && errno != ENOENT)
                        return -errno;
        /* anything else left in the directory (a mount point, a file) was made by a step and
         * is that step's to undo; rmdir fails then, which is the right outcome */
        if (unlinkat(run_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

/* ------------------------------------------------------------------------------------------
 * Replacing: "reload"
 */

/* RUNDIR/NAME, checked as record_load() checks it (refusals at debug level) */
static int state_dir_open_quiet(const char *name) {
        _cleanup_close_ int run_fd = -1;

        if (!name_is_component(name))
                return -EINVAL;
        run_fd = run_dir_open(LOG_DEBUG);
        if (run_fd < 0)
                return run_fd;
        return state_dir_open(run_fd, name, LOG_DEBUG);
}

int record_file_write(const char *name, const char *leaf, const void *data, size_t size) {
        _cleanup_close_ int dir_fd = -1, fd = -1;
        _cleanup_free_ char *tmp = strdup_printf("%s.new", leaf);
        const char *p = data;
        int r;

        if (!tmp)
                return -ENOMEM;
        if (!name_is_component(leaf))
                return -EINVAL;
        dir_fd = state_dir_open_quiet(name);
        if (dir_fd < 0)
                return dir_fd;
        /* a new file of ours alone, complete and on disk before it takes the name */
        if (unlinkat(dir_fd, tmp, 0) < 0 && errno != ENOENT)
                return -errno;
        fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        for (size_t done = 0; done < size;) {
                ssize_t k = write(fd, p + done, size - done);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0) {
                        r = k < 0 ? -errno : -EIO;
                        (void) unlinkat(dir_fd, tmp, 0);
                        return r;
                }
                done += (size_t) k;
        }
        if (fsync(fd) < 0 || renameat(dir_fd, tmp, dir_fd, leaf) < 0) {
                r = -errno;
                (void) unlinkat(dir_fd, tmp, 0);
                return r;
        }
        return 0;
}

int record_file_read(const char *name, const char *leaf, char **ret, size_t *ret_size) {
        _cleanup_close_ int dir_fd = -1, fd = -1;
        struct stat st;

        if (!name_is_component(leaf))
                return -EINVAL;
        dir_fd = state_dir_open_quiet(name);
        if (dir_fd < 0)
                return dir_fd;
        fd = openat(dir_fd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return errno == ELOOP ? -EPERM : -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 0022) || st.st_nlink != 1)
                return -EPERM;
        return read_full_fd(fd, RECORD_MAX, ret, ret_size);
}

int record_replace(const char *name, char *const *lines) {
        _cleanup_free_ char *text = NULL;
        const char *reason = NULL;
        size_t size = 0, bad_index;
        FILE *f;
        int r;

        for (char *const *l = lines; l && *l; l++)
                if (strchr(*l, '\n') || record_line_check(*l, &reason) < 0)
                        return -EINVAL; /* a bug, as in record_add() */
        r = record_check_sequence(lines, &bad_index, &reason);
        if (r < 0)
                return -EINVAL;
        f = open_memstream(&text, &size);
        if (!f)
                return -ENOMEM;
        for (char *const *l = lines; l && *l; l++)
                fprintf(f, "%s\n", *l);
        if (fclose(f) != 0)
                return -ENOMEM;
        return record_file_write(name, "state", text, size);
}
