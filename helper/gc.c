/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gc.c - netnsctl gc: remove what crashes and removed configs left behind, and nothing else */

#include <fcntl.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>

#include "inspect.h"
#include "json.h"
#include "log.h"
#include "name.h"
#include "nft.h"
#include "ns.h"
#include "output.h"
#include "peer-index.h"
#include "proc.h"
#include "record.h"
#include "steps.h"
#include "util.h"
#include "verbs.h"

/*
 * What counts as a leftover, and why touching it is safe (all under netnsctl's lock, so no
 * "up" or "down" is half-way):
 *
 *   record  /run/netnsctl/NAME/state that does not describe a running namespace: not
 *           "complete" (an "up" that was killed), or its namespace is no longer the one
 *           pinned at /run/netns/NAME. Undone exactly as "down" would: each line names what
 *           it made, and every undo handler leaves alone what is not the recorded object.
 *   pin     a file in /run/netns that is no nsfs mount (the mode-0 placeholder of a killed
 *           "ip netns add" or "netnsctl up"), older than PIN_MIN_AGE so that an "ip netns add"
 *           in progress is not taken for one, and not a record's (that is undone with it).
 *   dir     /run/netnsctl/NAME without a record, when nothing is pinned at /run/netns/NAME.
 *   link    a link in this namespace whose name starts with "nn-" (netnsctl's names), named by
 *           no record, whose veth peer is in no namespace pinned under /run/netns; or a
 *           WireGuard device named "wgnn-..." (one "up" makes on the host and moves in, left
 *           here by a crash in between) named by no record.
 *   nft     "table inet netnsctl" while no running namespace has NAT in its record.
 *   index   RUNDIR/.peers/PEER/OWNER whose OWNER has no record with "peer PEER" (undoing a
 *           record removes its entries; this is what a removed record left).
 *   peer-link  in a running namespace, a veth whose other end is in a namespace "down"
 *           unpinned while processes kept it alive (noted as stranded): a link between
 *           namespaces whose other namespace is gone from netnsctl; deleting this end deletes
 *           both.
 */
#define PIN_MIN_AGE_SEC 2

enum item_type {
        ITEM_RECORD,
        ITEM_PIN,
        ITEM_DIR,
        ITEM_LINK,
        ITEM_NFT,
        ITEM_STRANDED,
        ITEM_INDEX,
        ITEM_PEER_LINK,
};

static const char *const item_type_names[] = {
        [ITEM_RECORD] = "record",
        [ITEM_PIN] = "pin",
        [ITEM_DIR] = "dir",
        [ITEM_LINK] = "link",
        [ITEM_NFT] = "nft",
        [ITEM_STRANDED] = "stranded",
        [ITEM_INDEX] = "index",
        [ITEM_PEER_LINK] = "peer-link",
};

struct item {
        enum item_type type;
        char *object;     /* the name, path or link */
        char *reason;
        int ifindex;      /* ITEM_LINK */
        int error;        /* -errno if removing failed */
        bool removed;
};

struct gc {
        struct item *items;
        size_t n_items;
        char **claimed;   /* every word of every record that stays: links named in them are not orphans */
        bool nat_in_use;  /* a running namespace has NAT elements */
};

static void gc_done(struct gc *g) {
        for (size_t i = 0; i < g->n_items; i++) {
                free(g->items[i].object);
                free(g->items[i].reason);
        }
        free(g->items);
        strv_free(g->claimed);
}

static struct item *item_add(struct gc *g, enum item_type type, const char *object, const char *reason_fmt, ...)
        _printf_(4, 5);

static struct item *item_add(struct gc *g, enum item_type type, const char *object, const char *reason_fmt, ...) {
        struct item *it;
        va_list ap;
        char *reason = NULL;
        int n;

        va_start(ap, reason_fmt);
        n = vasprintf(&reason, reason_fmt, ap);
        va_end(ap);
        if (n < 0)
                return NULL;
        it = ARRAY_APPEND(g->items, g->n_items);
        if (!it) {
                free(reason);
                return NULL;
        }
        *it = (struct item) { .type = type, .object = strdup(object), .reason = reason };
        if (!it->object)
                return NULL;
        return it;
}

/* Every word of @lines after the key: the names of what the record made. */
static int claim_record(struct gc *g, char **lines) {
        STRV_FOREACH(l, lines) {
                const char *p = strchr(*l, ' ');

                while (p && *p) {
                        size_t n;
                        char *w;

                        p += strspn(p, " ");
                        n = strcspn(p, " ");
                        if (n == 0)
                                break;
                        w = strndup(p, n);
                        if (!w || strv_consume(&g->claimed, w) < 0)
                                return -ENOMEM;
                        p += n;
                }
        }
        return 0;
}

/* A record that stays, or one a dry run would undo: what it names is no leftover of its own
 * (its links; the NAT table while it has elements). */
static int claim(struct gc *g, char **lines) {
        _cleanup_free_ struct nat_elem *elems = NULL;
        size_t n = 0;

        if (claim_record(g, lines) < 0 || record_nat_elems(lines, &elems, &n) < 0)
                return -ENOMEM;
        if (n > 0)
                g->nat_in_use = true;
        return 0;
}

/* Call @f for every name under the pin directory and the run directory, with what
 * ns_info_load() found there. */
static int gc_foreach_namespace(struct gc *g, int (*f)(struct gc *g, const char *name, const struct ns_info *info)) {
        _cleanup_strv_free_ char **names = NULL;
        int r;

        r = ns_names(&names);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s and %s: %m", netns_run_dir(), netnsctl_run_dir());
        STRV_FOREACH(name, names) {
                _cleanup_(ns_info_done) struct ns_info info = {};

                r = ns_info_load(*name, &info);
                if (r < 0)
                        return log_oom();
                r = f(g, *name, &info);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Phase 1: the records. Undone (unless --dry-run) before anything else is looked at, because
 * undoing one removes its pin, links and NAT, which would otherwise show up as leftovers. */
static int gc_record(struct gc *g, const char *name, const struct ns_info *info) {
        struct item *it;
        int r;

        if (!netns_name_is_valid(name) || !info->managed)
                return 0;
        if (!info->has_record) {
                _cleanup_strv_free_ char **lines = NULL;

                /* refused (unsafe owner or mode, a bad line): never acted on; say why */
                (void) record_load_full(name, LOG_WARNING, &lines);
                log_warning("Leaving the state of '%s' alone.", name);
                return 0;
        }
        if (info->state == NS_UP)
                return claim(g, info->record) < 0 ? log_oom() : 0;
        it = item_add(g, ITEM_RECORD, name, "%s; undoing its %zu entries",
                      !info->complete ? "incomplete: an 'up' that was interrupted" :
                      info->pin == PIN_NSFS ? "its namespace is no longer the one pinned" :
                                              "its namespace is gone",
                      strv_length(info->record));
        if (!it)
                return log_oom();
        if (arg.dry_run)
                /* what a real run would undo is not listed again as a leftover of its own: its
                 * links, and the NAT table (removed with the last elements) */
                return claim(g, info->record) < 0 ? log_oom() : 0;
        log_set_namespace(name);
        r = netns_undo_record(name);
        log_set_namespace(NULL);
        if (r < 0)
                it->error = r;
        else
                it->removed = true;
        return 0;
}

/* "/run/netnsctl/a/sys" in /proc/self/mountinfo is written with \040-style escapes */
static void unescape_octal(char *s) {
        char *w = s;

        for (; *s; s++)
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
                        *w++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
                        s += 3;
                } else
                        *w++ = *s;
        *w = 0;
}

/* Lazily unmount everything mounted below @dir (deepest first), so rm_rf() can remove it. */
static int umount_below(const char *dir) {
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        _cleanup_strv_free_ char **mounts = NULL;
        char line[4096];
        size_t len = strlen(dir);

        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f)) {
                char mp[4096];

                if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
                        continue;
                unescape_octal(mp);
                if (strneq(mp, dir, len) && mp[len] == '/' && !strv_contains(mounts, mp))
                        if (strv_extend(&mounts, mp) < 0)
                                return -ENOMEM;
        }
        strv_sort(mounts);
        for (size_t i = strv_length(mounts); i > 0; i--)
                if (umount2(mounts[i - 1], MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
                        return -errno;
        return 0;
}

/* Phase 2: pins, state dirs, links, the NAT table, as they are after phase 1. */
static int gc_pin_and_dir(struct gc *g, const char *name, const struct ns_info *info) {
        _cleanup_free_ char *pin = netns_pin_path(name), *dir = record_dir(name);
        time_t now = time(NULL);
        struct stat st;
        struct item *it;
        int r;

        if (!pin || !dir)
                return log_oom();
        /* a record (kept, or listed for undo in a dry run) owns its pin and its dir */
        if (info->managed)
                return 0;

        if (info->pin == PIN_STALE && lstat(pin, &st) >= 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
                if (now - st.st_mtime < PIN_MIN_AGE_SEC)
                        log_debug("%s is a placeholder made %llds ago, maybe by an 'ip netns add' in progress; leaving it.",
                                  pin, (long long) (now - st.st_mtime));
                else {
                        it = item_add(g, ITEM_PIN, pin, "stale: no namespace is mounted on it");
                        if (!it)
                                return log_oom();
                        if (!arg.dry_run) {
                                r = netns_unpin(pin);
                                if (r < 0)
                                        it->error = r;
                                else
                                        it->removed = true;
                        }
                }
        }

        if (netns_name_is_valid(name) && lstat(dir, &st) >= 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
            info->pin != PIN_NSFS) {
                it = item_add(g, ITEM_DIR, dir, "state directory without a record, no namespace pinned");
                if (!it)
                        return log_oom();
                if (!arg.dry_run) {
                        r = umount_below(dir);
                        if (r >= 0)
                                r = rm_rf(dir);
                        if (r < 0)
                                it->error = r;
                        else
                                it->removed = true;
                }
        }
        return 0;
}

/* The ids this namespace gives the namespaces pinned under /run/netns (for veth peers). */
static int pinned_nsids(struct nl_sock *nl, int **ret, size_t *ret_n) {
        _cleanup_strv_free_ char **names = NULL;
        int r;

        r = ns_names(&names);
        if (r < 0)
                return r;
        STRV_FOREACH(name, names) {
                _cleanup_close_ int fd = netns_open(*name);
                int *p;

                if (fd < 0)
                        continue;
                r = nl_netns_id(nl, fd);
                if (r < 0)
                        continue; /* no id: no link of ours points there */
                p = ARRAY_APPEND(*ret, *ret_n);
                if (!p)
                        return -ENOMEM;
                *p = r;
        }
        return 0;
}

static int gc_links(struct gc *g) {
        _cleanup_nl_close_ struct nl_sock *nl = NULL;
        _cleanup_free_ struct nl_link *links = NULL;
        _cleanup_free_ int *nsids = NULL;
        size_t n = 0, n_nsids = 0;
        int r;

        r = nl_open(-1, &nl);
        if (r < 0)
                return log_error_errno(r, "Failed to open an rtnetlink socket: %m");
        /* links first: listing them makes the kernel assign ids to their peers' namespaces */
        r = nl_dump_links(nl, &links, &n);
        if (r < 0)
                return log_error_errno(r, "Failed to list links: %m");
        r = pinned_nsids(nl, &nsids, &n_nsids);
        if (r < 0)
                return log_error_errno(r, "Failed to identify the pinned namespaces: %m");

        for (size_t i = 0; i < n; i++) {
                const struct nl_link *l = &links[i];
                bool wg_tmp = startswith(l->name, NETNS_WG_HOST_PREFIX) && streq(l->kind, "wireguard");
                bool peer_pinned = false;
                struct item *it;

                if ((!startswith(l->name, NETNS_IFNAME_PREFIX) && !wg_tmp) || strv_contains(g->claimed, l->name))
                        continue;
                for (size_t k = 0; k < n_nsids; k++)
                        if (l->link_netnsid >= 0 && nsids[k] == l->link_netnsid)
                                peer_pinned = true;
                if (peer_pinned)
                        continue; /* wired into a namespace that is pinned: someone's, maybe in use */
                it = item_add(g, ITEM_LINK, l->name, "%s%s, named by no record",
                              wg_tmp ? "wireguard device of an 'up' interrupted before moving it in" :
                              l->kind[0] ? l->kind : "link",
                              !streq(l->kind, "veth") ? "" :
                              l->link_netnsid >= 0 ? " whose peer is in no pinned namespace" : " whose peer is on the host");
                if (!it)
                        return log_oom();
                it->ifindex = l->ifindex;
                if (!arg.dry_run) {
                        r = nl_link_del(nl, l->ifindex);
                        if (r < 0 && r != -ENODEV)
                                it->error = r;
                        else
                                it->removed = true; /* -ENODEV: went with its peer, deleted just before */
                }
        }
        return 0;
}

static int gc_nft(struct gc *g) {
        _cleanup_free_ char *err = NULL;
        struct item *it;
        int r;

        if (g->nat_in_use)
                return 0;
        r = nft_nat_table_exists();
        if (r < 0) {
                log_debug_errno(r, "Cannot check for table %s %s: %m", NFT_NAT_FAMILY, NFT_NAT_TABLE);
                return 0;
        }
        if (r == 0)
                return 0;
        it = item_add(g, ITEM_NFT, "table " NFT_NAT_FAMILY " " NFT_NAT_TABLE, "no running namespace has NAT");
        if (!it)
                return log_oom();
        if (!arg.dry_run) {
                r = nft_nat_sync(NULL, 0, &err);
                if (r < 0) {
                        it->error = r;
                        if (err)
                                log_error("nftables: %s", err);
                } else
                        it->removed = true;
        }
        return 0;
}

static void print_json(const struct gc *g) {
        struct json j = json_new(stdout);

        json_array_begin_lines(&j, NULL);
        for (size_t i = 0; i < g->n_items; i++) {
                const struct item *it = &g->items[i];

                json_object_begin(&j, NULL);
                json_string(&j, "type", item_type_names[it->type]);
                json_string(&j, "object", it->object);
                json_string(&j, "reason", it->reason);
                json_bool(&j, "removed", it->removed);
                if (it->error < 0) {
                        errno = -it->error;
                        char *e = strdup_printf("%m");
                        json_string(&j, "error", e ?: "error");
                        free(e);
                } else
                        json_null(&j, "error");
                json_object_end(&j);
        }
        json_array_end(&j);
}

static int print_table(const struct gc *g) {
        static const char *const header[] = { "TYPE", "OBJECT", "RESULT", "REASON", NULL };
        _cleanup_(table_freep) struct table *t = table_new(header);
        size_t failed = 0;

        if (!t)
                return log_oom();
        for (size_t i = 0; i < g->n_items; i++) {
                const struct item *it = &g->items[i];
                int r;

                r = table_add(t, COLOR_NONE, item_type_names[it->type]);
                if (r >= 0)
                        r = table_add(t, COLOR_NONE, it->object);
                if (r >= 0) {
                        if (arg.dry_run && it->error == 0)
                                r = table_add(t, COLOR_YELLOW, "would remove");
                        else if (it->removed)
                                r = table_add(t, COLOR_GREEN, "removed");
                        else {
                                errno = -it->error;
                                r = table_addf(t, COLOR_RED, "failed: %m");
                                failed++;
                        }
                }
                if (r >= 0)
                        r = table_add(t, COLOR_NONE, it->reason);
                if (r < 0)
                        return log_oom();
        }
        if (g->n_items > 0)
                table_print(t, !arg.no_legend);
        if (!arg.no_legend) {
                if (g->n_items == 0)
                        printf("Nothing to clean up.\n");
                else if (arg.dry_run)
                        printf("\n%zu leftover%s found; run without --dry-run to remove %s.\n", g->n_items,
                               g->n_items == 1 ? "" : "s", g->n_items == 1 ? "it" : "them");
                else
                        printf("\n%zu leftover%s removed%s.\n", g->n_items - failed, g->n_items - failed == 1 ? "" : "s",
                               failed ? ", some could not be" : "");
        }
        return 0;
}

/* Namespaces "down" unpinned while processes were in them: a note whose namespace has no
 * process left is removed; one that still has processes is reported (gc cannot end them). */
static int gc_stranded(struct gc *g) {
        struct stranded_ns *l = NULL;
        size_t m = 0;
        int r;

        r = stranded_load(&l, &m);
        if (r < 0)
                return r == -ENOMEM ? log_oom() : 0;
        for (size_t i = 0; i < m; i++) {
                pid_t pids[10];
                char text[128] = "";
                size_t n = 0;
                struct item *it;

                r = proc_netns_pids(l[i].ino, pids, ELEMENTSOF(pids), &n);
                if (r < 0)
                        continue; /* cannot tell: leave it */
                for (size_t k = 0; k < n && k < ELEMENTSOF(pids); k++)
                        (void) snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%d", k ? " " : "", (int) pids[k]);
                if (n > 0)
                        it = item_add(g, ITEM_STRANDED, l[i].name,
                                      "unpinned by 'netnsctl down', %zu process%s still in it: PID %s%s (end them)",
                                      n, n == 1 ? "" : "es", text, n > ELEMENTSOF(pids) ? " ..." : "");
                else
                        it = item_add(g, ITEM_STRANDED, l[i].name, "the note of a namespace 'netnsctl down' unpinned; no process is left in it");
                if (!it) {
                        r = log_oom();
                        break;
                }
                if (n > 0)
                        it->error = -EBUSY;
                else if (!arg.dry_run) {
                        r = stranded_forget(l[i].name);
                        if (r < 0)
                                it->error = r;
                        else
                                it->removed = true;
                }
                r = 0;
        }
        for (size_t i = 0; i < m; i++)
                free(l[i].name);
        free(l);
        return r;
}

/* Does @owner's record (quietly read) have the line "peer @peer"? */
static bool record_names_peer(const char *owner, const char *peer) {
        _cleanup_strv_free_ char **lines = NULL;

        if (record_load(owner, &lines) < 0)
                return false;
        STRV_FOREACH(l, lines) {
                struct record_entry e;

                if (record_entry_parse(*l, &e, NULL) >= 0 && e.key == RECORD_PEER && streq(e.peer, peer))
                        return true;
        }
        return false;
}

/* Entries of the peer index that no record names (after phase 1: records undone took theirs). */
static int gc_index(struct gc *g) {
        _cleanup_strv_free_ char **peers = NULL;
        int r;

        r = peer_index_peers(&peers);
        if (r < 0) {
                log_warning_errno(r, "Cannot read %s/.peers; leaving it alone: %m", netnsctl_run_dir());
                return 0;
        }
        STRV_FOREACH(peer, peers) {
                _cleanup_strv_free_ char **owners = NULL;

                if (peer_index_owners(*peer, &owners) < 0)
                        continue;
                STRV_FOREACH(owner, owners) {
                        _cleanup_free_ char *path = NULL;
                        struct item *it;

                        if (record_names_peer(*owner, *peer))
                                continue;
                        path = strdup_printf("%s/.peers/%s/%s", netnsctl_run_dir(), *peer, *owner);
                        if (!path)
                                return log_oom();
                        it = item_add(g, ITEM_INDEX, path, "'%s' has no record with a link to '%s'", *owner, *peer);
                        if (!it)
                                return log_oom();
                        if (!arg.dry_run) {
                                r = peer_index_remove(*peer, *owner);
                                if (r < 0)
                                        it->error = r;
                                else
                                        it->removed = true;
                        }
                }
        }
        return 0;
}

/* The id namespace @nl gives the stranded namespace @s (through one of its processes), or -errno. */
static int stranded_nsid(struct nl_sock *nl, const struct stranded_ns *s) {
        _cleanup_close_ int fd = -1;
        char path[64];
        struct stat st;
        size_t n = 0;
        pid_t pid;

        if (proc_netns_pids(s->ino, &pid, 1, &n) < 0 || n == 0)
                return -ENOENT;
        (void) snprintf(path, sizeof(path), "/proc/%d/ns/net", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        /* the very namespace: the process may have ended and its PID been reused meanwhile */
        if (fd < 0 || fstat(fd, &st) < 0 || (unsigned long long) st.st_ino != s->ino)
                return -ENOENT;
        return nl_netns_id(nl, fd);
}

/* In the running namespace @name: veths whose other end is in a stranded namespace. */
static int gc_peer_links_of(struct gc *g, const char *name, const struct stranded_ns *l, size_t m) {
        _cleanup_nl_close_ struct nl_sock *nl = NULL;
        _cleanup_free_ struct nl_link *links = NULL;
        _cleanup_close_ int fd = netns_open(name);
        size_t n = 0;
        int r;

        if (fd < 0)
                return 0;
        if (nl_open(fd, &nl) < 0 || nl_dump_links(nl, &links, &n) < 0)
                return 0; /* cannot look: nothing to say */
        for (size_t k = 0; k < m; k++) {
                int nsid = stranded_nsid(nl, &l[k]);

                for (size_t i = 0; nsid >= 0 && i < n; i++) {
                        _cleanup_free_ char *object = NULL;
                        struct item *it;

                        if (!streq(links[i].kind, "veth") || links[i].link_netnsid != nsid)
                                continue;
                        object = strdup_printf("%s:%s", name, links[i].name);
                        if (!object)
                                return log_oom();
                        it = item_add(g, ITEM_PEER_LINK, object,
                                      "veth whose other end is in namespace '%s', which 'netnsctl down' unpinned",
                                      l[k].name);
                        if (!it)
                                return log_oom();
                        if (!arg.dry_run) {
                                r = nl_link_del(nl, links[i].ifindex);
                                if (r < 0 && r != -ENODEV)
                                        it->error = r;
                                else
                                        it->removed = true;
                        }
                }
        }
        return 0;
}

static int gc_peer_links(struct gc *g) {
        _cleanup_strv_free_ char **names = NULL;
        struct stranded_ns *l = NULL;
        size_t m = 0;
        int r;

        r = stranded_load(&l, &m);
        if (r < 0 || m == 0)
                return r == -ENOMEM ? log_oom() : 0;
        r = ns_names(&names);
        STRV_FOREACH(name, names) {
                _cleanup_(ns_info_done) struct ns_info info = {};

                if (r < 0)
                        break;
                r = ns_info_load(*name, &info);
                if (r >= 0 && info.state == NS_UP)
                        r = gc_peer_links_of(g, *name, l, m);
        }
        for (size_t i = 0; i < m; i++)
                free(l[i].name);
        free(l);
        return r == -ENOMEM ? log_oom() : r < 0 ? log_error_errno(r, "Failed to look for links to stranded namespaces: %m") : 0;
}

int verb_gc(int argc, char **argv) {
        _cleanup_(gc_done) struct gc g = {};
        int lock, r;

        /* the same lock as up and down: no namespace is half made or half removed meanwhile */
        lock = netns_lock();
        if (lock < 0)
                return lock;
        r = gc_foreach_namespace(&g, gc_record);
        if (r >= 0)
                r = gc_foreach_namespace(&g, gc_pin_and_dir);
        if (r >= 0)
                r = gc_links(&g);
        if (r >= 0)
                r = gc_index(&g);
        if (r >= 0)
                r = gc_peer_links(&g);
        if (r >= 0)
                r = gc_nft(&g);
        if (r >= 0)
                r = gc_stranded(&g);
        (void) safe_close(lock);
        if (r < 0)
                return r;

        if (arg.json)
                print_json(&g);
        else {
                r = print_table(&g);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < g.n_items; i++)
                if (g.items[i].error < 0)
                        return log_error_errno(g.items[i].error, "Some leftovers could not be removed (see above).");
        return 0;
}
