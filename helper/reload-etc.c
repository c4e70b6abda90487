/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* reload-etc.c - reload of /etc/netns/NAME/: the binds over /etc in the mount namespaces of the processes inside */

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "conf.h"
#include "log.h"
#include "mount.h"
#include "parse-util.h"
#include "proc.h"
#include "record.h"
#include "steps.h"
#include "util.h"

/*
 * What the processes inside see of /etc/netns/NAME/: each entry bound over its /etc counterpart
 * in their own mount namespace, made when they start ("netnsctl exec" and "ip netns exec" per
 * process, the generator's BindReadOnlyPaths= per unit). "up" saves the listing it saw
 * (RUNDIR/NAME/etc: "DEV INO NAME" per entry, sorted by name); "reload" compares it with the
 * directory now, which costs one readdir, and only when they differ goes into the mount
 * namespace of each process in the network namespace and makes its binds match the directory:
 * a new entry bound, an entry gone unmounted, a replaced one (another inode: editors write a new
 * file and rename it over the old) unmounted and bound anew. A file changed in place needs
 * nothing: the bind shows that inode.
 *
 * Never touched: the host's mount namespace (PID 1's and ours: a process that only entered the
 * network namespace has no binds), the prepared one (no binds: exec unshares from it), and any
 * mount namespace whose /etc is on a mount in a peer group of a host mount (a mount there would
 * propagate to the host). A unit's /etc is typically a slave of the host's and shared in a
 * group of its own (systemd's MountFlags=shared): nothing made there reaches the host.
 */

struct etc_entry {
        char *name;
        unsigned long long dev, ino;
};

static void entries_free(struct etc_entry *e, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(e[i].name);
        free(e);
}

void etc_change_done(struct etc_change *ch) {
        entries_free(ch->now, ch->n_now);
        free(ch->text_now);
        strv_free(ch->added);
        strv_free(ch->removed);
        strv_free(ch->replaced);
        *ch = (struct etc_change) {};
}

static int entry_cmp(const void *a, const void *b) {
        return strcmp(((const struct etc_entry *) a)->name, ((const struct etc_entry *) b)->name);
}

/* the entries of CONFDIR/NAME/ as processes are shown them (resolv.conf not with DNS=) */
static int etc_list(const struct netns_config *cfg, struct etc_entry **ret, size_t *ret_n) {
        _cleanup_free_ char *dir = strdup_printf("%s/%s", netns_conf_dir(), cfg->name);
        struct etc_entry *list = NULL;
        struct dirent *de;
        size_t n = 0;
        DIR *d;

        *ret = NULL;
        *ret_n = 0;
        if (!dir)
                return -ENOMEM;
        d = opendir(dir);
        if (!d)
                return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
        while ((de = readdir(d))) {
                struct etc_entry *e;
                struct stat st;

                if (streq(de->d_name, ".") || streq(de->d_name, "..") || strchr(de->d_name, '\n') ||
                    (cfg->n_dns > 0 && streq(de->d_name, "resolv.conf")))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, 0) < 0)
                        continue; /* a dangling symlink: exec cannot bind it either */
                e = ARRAY_APPEND(list, n);
                if (!e || !(e->name = strdup(de->d_name))) {
                        if (e)
                                n--;
                        closedir(d);
                        entries_free(list, n);
                        return -ENOMEM;
                }
                e->dev = (unsigned long long) st.st_dev;
                e->ino = (unsigned long long) st.st_ino;
        }
        closedir(d);
        if (n > 0)
                qsort(list, n, sizeof(*list), entry_cmp);
        *ret = list;
        *ret_n = n;
        return 0;
}

static char *entries_text(const struct etc_entry *e, size_t n) {
        char *s = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&s, &size);

        if (!f)
                return NULL;
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%llu %llu %s\n", e[i].dev, e[i].ino, e[i].name);
        if (fclose(f) != 0) {
                free(s);
                return NULL;
        }
        return s;
}

int etc_view_save(const char *name, const struct netns_config *cfg) {
        struct etc_entry *e = NULL;
        _cleanup_free_ char *text = NULL;
        size_t n = 0;
        int r;

        r = etc_list(cfg, &e, &n);
        if (r < 0)
                return r;
        text = entries_text(e, n);
        entries_free(e, n);
        if (!text)
                return -ENOMEM;
        return record_file_write(name, "etc", text, strlen(text));
}

/* the saved line for @entry, or NULL */
static const char *saved_line(const char *saved, const char *entry, unsigned long long *dev, unsigned long long *ino) {
        for (const char *l = saved; l && *l;) {
                const char *nl = strchrnul(l, '\n'), *sp1 = memchr(l, ' ', (size_t) (nl - l)), *sp2;

                sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t) (nl - sp1 - 1)) : NULL;
                if (sp2 && (size_t) (nl - sp2 - 1) == strlen(entry) && strneq(sp2 + 1, entry, strlen(entry)) &&
                    sscanf(l, "%llu %llu", dev, ino) == 2)
                        return l;
                l = *nl ? nl + 1 : nl;
        }
        return NULL;
}

int etc_view_plan(const char *name, const struct netns_config *cfg, struct etc_change *ret) {
        _cleanup_free_ char *saved = NULL;
        struct etc_change ch = {};
        size_t size = 0;
        int r;

        *ret = (struct etc_change) {};
        r = etc_list(cfg, &ch.now, &ch.n_now);
        if (r < 0)
                return log_error_errno(r, "Failed to list %s/%s/: %m", netns_conf_dir(), name);
        ch.text_now = entries_text(ch.now, ch.n_now);
        if (!ch.text_now)
                goto oom;
        r = record_file_read(name, "etc", &saved, &size);
        if (r < 0 && r != -ENOENT) {
                etc_change_done(&ch);
                return log_error_errno(r, "Failed to read the /etc entries in force of '%s': %m", name);
        }
        if (streq(strempty(saved), ch.text_now)) { /* no file saved and no entries: nothing either */
                *ret = ch;
                return 0;
        }
        for (size_t i = 0; i < ch.n_now; i++) {
                unsigned long long dev, ino;

                if (!saved_line(saved, ch.now[i].name, &dev, &ino)) {
                        if (strv_extend(&ch.added, ch.now[i].name) < 0)
                                goto oom;
                } else if (dev != ch.now[i].dev || ino != ch.now[i].ino) {
                        if (strv_extend(&ch.replaced, ch.now[i].name) < 0)
                                goto oom;
                }
        }
        for (const char *l = saved; l && *l;) {
                const char *nl = strchrnul(l, '\n'), *sp1 = memchr(l, ' ', (size_t) (nl - l)), *sp2;
                bool kept = false;

                sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t) (nl - sp1 - 1)) : NULL;
                if (sp2) {
                        _cleanup_free_ char *entry = strndup(sp2 + 1, (size_t) (nl - sp2 - 1));

                        if (!entry)
                                goto oom;
                        for (size_t i = 0; i < ch.n_now && !kept; i++)
                                kept = streq(ch.now[i].name, entry);
                        if (!kept && strv_extend(&ch.removed, entry) < 0)
                                goto oom;
                }
                l = *nl ? nl + 1 : nl;
        }
        /* also when only the listing is new (a namespace up before it was saved): reload makes
         * every process's binds match once, and saves it */
        ch.changed = true;
        *ret = ch;
        return 0;
oom:
        etc_change_done(&ch);
        return log_oom();
}

int etc_view_describe(const char *name, const struct etc_change *ch, FILE *f) {
        int n = 0;

        STRV_FOREACH(e, ch->added)
                n++, fprintf(f, "+ %s/%s/%s over /etc/%s\n", netns_conf_dir(), name, *e, *e);
        STRV_FOREACH(e, ch->replaced)
                n++, fprintf(f, "~ %s/%s/%s over /etc/%s (a new file)\n", netns_conf_dir(), name, *e, *e);
        STRV_FOREACH(e, ch->removed)
                n++, fprintf(f, "- %s/%s/%s over /etc/%s\n", netns_conf_dir(), name, *e, *e);
        return n;
}

/* ---- in one mount namespace, in a child ---- */

/* mountinfo's octal escapes (\040 for a space) undone, in place */
static void unescape(char *s) {
        char *o = s;

        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
                        *o++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else
                        *o++ = *s;
        }
        *o = 0;
}

struct ns_binds {
        char **ours;        /* the entries that have a bind of ours on top of /etc/ENTRY */
        bool read_only;     /* one of them is read-only (units' BindReadOnlyPaths=) */
        bool shared;        /* /etc is on a mount that shares a peer group with a host mount */
};

/* The peer groups ("shared:N" in mountinfo) of the mounts of @path, a mountinfo file, added to @groups */
static int peer_groups(const char *path, unsigned long long **groups, size_t *n) {
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        FILE *f = fopen(path, "re");

        if (!f)
                return -errno;
        while (getline(&line, &size, f) > 0) {
                const char *p = strstr(line, " shared:"), *dash = strstr(line, " - ");
                unsigned long long *g;

                if (!p || (dash && p > dash))
                        continue;
                g = ARRAY_APPEND(*groups, *n);
                if (!g) {
                        fclose(f);
                        return -ENOMEM;
                }
                *g = strtoull(p + strlen(" shared:"), NULL, 10);
        }
        fclose(f);
        return 0;
}

/* Read /proc/self/mountinfo: our binds on /etc/ENTRY (from the device of CONFDIR/NAME/, the
 * mount's root ending in /NAME/ENTRY), and whether the mount /etc is on is a peer of a host
 * mount (one of @host_groups). */
static int scan_binds(const char *name, unsigned long long dev, const unsigned long long *host_groups, size_t n_host_groups,
                      struct ns_binds *b) {
        _cleanup_free_ char *line = NULL;
        struct statx sx = {};
        size_t size = 0;
        FILE *f;

        if (statx(AT_FDCWD, "/etc", AT_NO_AUTOMOUNT, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
                return -errno ?: -EOPNOTSUPP;
        f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -errno;
        while (getline(&line, &size, f) > 0) {
                char root[4096], where[4096], opts[256], rest[1024] = "";
                unsigned long long id, parent;
                unsigned maj, min;
                const char *entry, *tail;
                size_t len;

                if (sscanf(line, "%llu %llu %u:%u %4095s %4095s %255s %1023[^\n]", &id, &parent, &maj, &min, root, where, opts,
                           rest) < 7)
                        continue;
                if (id == sx.stx_mnt_id) {
                        /* the optional fields come before " - " */
                        char *dash = strstr(rest, " - ");

                        const char *g;

                        if (dash)
                                *dash = 0;
                        g = strstr(rest, "shared:");
                        for (size_t i = 0; g && i < n_host_groups; i++)
                                b->shared = b->shared || host_groups[i] == strtoull(g + strlen("shared:"), NULL, 10);
                }
                unescape(root);
                unescape(where);
                entry = startswith(where, "/etc/");
                if (!entry || !*entry || strchr(entry, '/') || makedev(maj, min) != (dev_t) dev)
                        continue;
                /* ".../NAME/ENTRY", or with "//deleted" when that file was replaced meanwhile */
                tail = str_endswith(root, "//deleted") ? root + strlen(root) - strlen("//deleted") : NULL;
                len = tail ? (size_t) (tail - root) : strlen(root);
                if (len < strlen(name) + strlen(entry) + 2 || root[len - strlen(entry) - 1] != '/' ||
                    !strneq(root + len - strlen(entry), entry, strlen(entry)) ||
                    root[len - strlen(entry) - strlen(name) - 2] != '/' ||
                    !strneq(root + len - strlen(entry) - strlen(name) - 1, name, strlen(name)))
                        continue;
                if (!strv_contains(b->ours, entry) && strv_extend(&b->ours, entry) < 0) {
                        fclose(f);
                        return -ENOMEM;
                }
                if (startswith(opts, "ro"))
                        b->read_only = true;
        }
        fclose(f);
        return 0;
}

/* unmount our binds on /etc/ENTRY (stacked ones too: a replacement made before) */
static int unbind(const char *entry) {
        _cleanup_free_ char *target = strdup_printf("/etc/%s", entry);

        if (!target)
                return -ENOMEM;
        if (umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
                return log_error_errno(errno, "Failed to unmount %s: %m", target);
        return 0;
}

static int bind_entry(int clone_fd, const struct etc_entry *e, bool read_only) {
        _cleanup_free_ char *target = strdup_printf("/etc/%s", e->name);
        struct stat dst, src;
        unsigned flags = 0;
        int r;

        if (!target)
                return -ENOMEM;
        if (lstat(target, &dst) < 0) {
                log_debug("%s does not exist in this mount namespace; not binding over it.", target);
                return 0;
        }
        if (fstat(clone_fd, &src) < 0)
                return -errno;
        if (S_ISLNK(dst.st_mode) && S_ISDIR(src.st_mode))
                flags |= BIND_FOLLOW_TARGET;
        if (read_only) {
                struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

                if (mount_setattr(clone_fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
                        return log_error_errno(errno, "Failed to make the bind of %s read-only: %m", e->name);
        }
        r = mount_attach(clone_fd, target, flags);
        if (r < 0)
                return log_error_errno(r, "Failed to bind %s over %s: %m", e->name, target);
        return 1;
}

/* does /etc/ENTRY show the inode of @e? (our bind is on the symlink itself, or on a directory
 * the symlink points to) */
static bool shows(const struct etc_entry *e) {
        _cleanup_free_ char *target = strdup_printf("/etc/%s", e->name);
        struct stat st;

        if (!target || lstat(target, &st) < 0)
                return false;
        if (S_ISLNK(st.st_mode) && stat(target, &st) < 0)
                return false;
        return (unsigned long long) st.st_dev == e->dev && (unsigned long long) st.st_ino == e->ino;
}

/* The child: clone the entries (in the host's mount namespace), enter @mntns_fd, make its binds
 * match. Exit status: 0 done, 2 skipped (/etc propagates to the host), 1 failed. */
static int child_apply(const char *name, int mntns_fd, const struct etc_entry *now, size_t n_now, unsigned long long dev,
                       const unsigned long long *host_groups, size_t n_host_groups) {
        _cleanup_free_ char *dir = strdup_printf("%s/%s", netns_conf_dir(), name);
        _cleanup_free_ int *fds = calloc(n_now + 1, sizeof(int));
        struct ns_binds b = {};
        int dfd, r, failed = 0;

        if (!dir || !fds)
                return 1;
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        for (size_t i = 0; i < n_now; i++) {
                fds[i] = dfd < 0 ? -ENOENT : mount_clone(dfd, now[i].name, 0);
                if (fds[i] < 0)
                        log_warning_errno(fds[i], "Failed to clone %s/%s: %m", dir, now[i].name);
        }
        if (setns(mntns_fd, CLONE_NEWNS) < 0) {
                log_error_errno(errno, "Failed to enter a mount namespace: %m");
                return 1;
        }
        r = scan_binds(name, dev, host_groups, n_host_groups, &b);
        if (r < 0) {
                log_warning_errno(r, "Failed to read the mounts of a mount namespace in '%s': %m", name);
                return 1;
        }
        if (b.shared)
                return 2;
        for (size_t i = 0; i < n_now; i++) {
                bool had = strv_contains(b.ours, now[i].name);

                if (had && shows(&now[i]))
                        continue;
                if (fds[i] < 0) {
                        failed = 1;
                        continue;
                }
                if (had && unbind(now[i].name) < 0) {
                        failed = 1;
                        continue;
                }
                if (bind_entry(fds[i], &now[i], b.read_only) < 0)
                        failed = 1;
        }
        STRV_FOREACH(e, b.ours) {
                bool kept = false;

                for (size_t i = 0; i < n_now && !kept; i++)
                        kept = streq(now[i].name, *e);
                if (!kept && unbind(*e) < 0)
                        failed = 1;
        }
        strv_free(b.ours);
        return failed;
}

struct pid_list {
        pid_t *pids;
        size_t n;
        unsigned long long ino;
};

static int collect_pid(const struct proc_netns *p, void *userdata) {
        struct pid_list *l = userdata;
        pid_t *slot;

        if (p->ino != l->ino)
                return 0;
        slot = ARRAY_APPEND(l->pids, l->n);
        if (!slot)
                return -ENOMEM;
        *slot = p->pid;
        return 0;
}

static unsigned long long ns_ino(const char *path) {
        struct stat st;

        return stat(path, &st) < 0 ? 0 : (unsigned long long) st.st_ino;
}

int etc_view_apply(const char *name, int netns_fd, const struct etc_change *ch) {
        _cleanup_free_ char *dir = strdup_printf("%s/%s", netns_conf_dir(), name), *pin = state_path(name, "mnt");
        _cleanup_free_ unsigned long long *seen = NULL, *host_groups = NULL;
        size_t n_host_groups = 0;
        struct pid_list l = {};
        unsigned long long skip[3];
        size_t n_seen = 0;
        unsigned updated = 0, shared = 0, failed = 0;
        struct stat st, dst;
        int r;

        if (!ch->changed)
                return 0;
        if (!dir || !pin)
                return log_oom();
        /* the device our binds come from: that of the directory (an entry on another file
         * system, a bind of its own, is not told apart from a foreign mount and left alone) */
        if (stat(dir, &dst) < 0)
                dst.st_dev = 0;
        if (fstat(netns_fd, &st) < 0)
                return log_error_errno(errno, "Failed to look at namespace '%s': %m", name);
        l.ino = (unsigned long long) st.st_ino;
        r = proc_netns_foreach(collect_pid, &l);
        if (r < 0) {
                free(l.pids);
                return log_error_errno(r, "Failed to list the processes in namespace '%s': %m", name);
        }
        /* the peer groups of the host's mounts: a mount namespace whose /etc is in one is left alone */
        r = peer_groups("/proc/1/mountinfo", &host_groups, &n_host_groups);
        if (r >= 0)
                r = peer_groups("/proc/self/mountinfo", &host_groups, &n_host_groups);
        if (r < 0) {
                free(l.pids);
                return log_error_errno(r, "Failed to read the host's mount table: %m");
        }
        skip[0] = ns_ino("/proc/1/ns/mnt");
        skip[1] = ns_ino("/proc/self/ns/mnt");
        skip[2] = ns_ino(pin);
        for (size_t i = 0; i < l.n; i++) {
                char path[64];
                _cleanup_close_ int fd = -1;
                bool known = false;
                pid_t pid;
                int status;

                (void) snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int) l.pids[i]);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0 || fstat(fd, &st) < 0)
                        continue; /* gone meanwhile */
                for (size_t k = 0; k < ELEMENTSOF(skip); k++)
                        known = known || (unsigned long long) st.st_ino == skip[k];
                for (size_t k = 0; k < n_seen; k++)
                        known = known || seen[k] == (unsigned long long) st.st_ino;
                if (known)
                        continue;
                unsigned long long *s = ARRAY_APPEND(seen, n_seen);
                if (!s) {
                        free(l.pids);
                        return log_oom();
                }
                *s = (unsigned long long) st.st_ino;

                pid = fork();
                if (pid < 0) {
                        free(l.pids);
                        return log_error_errno(errno, "Failed to fork: %m");
                }
                if (pid == 0)
                        _exit(child_apply(name, fd, ch->now, ch->n_now, (unsigned long long) dst.st_dev, host_groups,
                                          n_host_groups));
                while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                        ;
                if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                        updated++;
                else if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
                        shared++;
                        log_warning("Not changing the /etc binds of PID %d in namespace '%s': its /etc is on a mount that propagates to the host's; restart it to see %s/.",
                                    (int) l.pids[i], name, dir);
                } else {
                        failed++;
                        log_warning("Failed to bring the /etc binds of PID %d in namespace '%s' up to date; restart it to see %s/.",
                                    (int) l.pids[i], name, dir);
                }
        }
        free(l.pids);
        log_debug("/etc entries of '%s': %u mount namespace(s) brought up to date, %u shared, %u failed.", name, updated, shared,
                  failed);
        if (failed > 0)
                return -EIO; /* the listing stays as it was: the next reload tries again */
        r = record_file_write(name, "etc", ch->text_now, strlen(ch->text_now));
        if (r < 0)
                return log_error_errno(r, "Failed to save the /etc entries in force of '%s': %m", name);
        return 0;
}
