/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.c - the mounts netnsctl makes: a namespace's sysfs, binds over /etc, resolver masks, mount namespace pins */

#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include "log.h"
#include "mount.h"
#include "util.h"

#define MOUNTINFO_MAX (256U * 1024U * 1024U)

const char *const resolver_socket_dirs[] = {
        "/run/systemd/resolve", /* systemd-resolved: io.systemd.Resolve (nss-resolve), the stub files */
        "/run/nscd",            /* nscd: its socket answers hosts lookups from its cache */
        NULL,
};

int mount_private_dir(const char *dir) {
        bool made = false;
        int r;

        r = mkdir_p(dir, 0755);
        if (r < 0)
                return r;
        for (;;) {
                /* Not MS_REC: what is mounted below keeps its own propagation. Also when @dir is
                 * a mount point already: an older netnsctl made it shared. */
                if (mount(NULL, dir, NULL, MS_PRIVATE, NULL) >= 0)
                        return 0;
                if (errno != EINVAL || made)
                        return -errno;
                /* Not a mount point yet: make it one. */
                if (mount(dir, dir, NULL, MS_BIND | MS_REC, NULL) < 0)
                        return -errno;
                made = true;
        }
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape_octal(char *s) {
        char *w = s;

        for (char *p = s; *p; p++) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
                    p[3] >= '0' && p[3] <= '7') {
                        *w++ = (char) (((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
                        p += 3;
                } else
                        *w++ = *p;
        }
        *w = 0;
}

int sysfs_submounts(char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *text = NULL;
        struct statx sx;
        char *line, *next;
        int n = 0, r;

        /* The mount id of what /sys resolves to, i.e. the topmost mount there. */
        if (statx(AT_FDCWD, "/sys", AT_NO_AUTOMOUNT, STATX_MNT_ID, &sx) < 0)
                return -errno;
        if (!(sx.stx_mask & STATX_MNT_ID))
                return -EOPNOTSUPP;
        r = read_full_file("/proc/self/mountinfo", MOUNTINFO_MAX, &text, NULL);
        if (r < 0)
                return r;

        for (line = text; line && *line; line = next) {
                unsigned long long id, parent;
                char *mp, *end, *fstype;
                int off = 0;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                /* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ..." */
                if (sscanf(line, "%llu %llu %*s %*s %n", &id, &parent, &off) < 2 || off == 0)
                        continue;
                if (parent != sx.stx_mnt_id || id == parent)
                        continue;
                mp = line + off;
                end = strchr(mp, ' ');
                if (!end)
                        continue;
                *end = 0;
                /* Another sysfs (container managers bind parts of one into a tmpfs on /sys)
                 * shows the devices of the namespace it was mounted in: not ours to keep. */
                fstype = strstr(end + 1, " - ");
                if (!fstype || startswith(fstype + 3, "sysfs "))
                        continue;
                unescape_octal(mp);
                if (!startswith(mp, "/sys/") || !mp[STRLEN("/sys/")])
                        continue;
                if (strv_contains(l, mp + STRLEN("/sys/")))
                        continue; /* stacked mounts: one recursive bind takes them all */
                if (strv_extend(&l, mp + STRLEN("/sys/")) < 0)
                        return -ENOMEM;
                n++;
        }
        if (!l && !(l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return n;
}

/* like iproute2: read-only when the /sys we replace is (e.g. inside a container) */
static unsigned long sysfs_flags(void) {
        struct statvfs sv;

        if (statvfs("/sys", &sv) >= 0 && (sv.f_flag & ST_RDONLY))
                return MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
        return MS_NOSUID | MS_NODEV | MS_NOEXEC;
}

int mount_sysfs(const char *where) {
        if (mount("sysfs", where, "sysfs", sysfs_flags(), NULL) < 0)
                return -errno;
        return 0;
}

/* mount_sysfs_tree(), and with @replace whatever is mounted at @where (stacked mounts too)
 * is dropped after the submounts are cloned, before the new sysfs goes on */
static int sysfs_tree(const char *where, bool replace) {
        struct mount_attr slave = { .propagation = MS_SLAVE };
        _cleanup_strv_free_ char **subs = NULL;
        _cleanup_free_ int *fds = NULL;
        unsigned long flags;
        size_t n;
        int r;

        r = sysfs_submounts(&subs);
        if (r < 0)
                return r;
        n = (size_t) r;
        fds = calloc(n + 1, sizeof(int));
        if (!fds)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                fds[i] = -1;

        /* Clone the submounts first: when @where is /sys itself, they are out of reach once the
         * new sysfs covers it. A clone is a detached copy (with what is mounted below it) that
         * move_mount() attaches; closing an unused one drops it. */
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *p = strdup_printf("/sys/%s", subs[i]);

                if (!p) {
                        r = -ENOMEM;
                        goto finish;
                }
                fds[i] = open_tree(AT_FDCWD, p, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
                                                AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT);
                if (fds[i] < 0) {
                        log_debug_errno(errno, "Cannot clone mount %s, leaving it out: %m", p);
                        continue;
                }
                /* Slaves of the originals, not peers: a clone of a shared mount joins its peer
                 * group, and unmounting our tree would then unmount what is mounted below the
                 * originals too (the host's /sys/fs/cgroup/cpu, ... under its /sys/fs/cgroup).
                 * As slaves they still get what the host mounts there later. */
                if (mount_setattr(fds[i], "", AT_EMPTY_PATH | AT_RECURSIVE, &slave, sizeof(slave)) < 0) {
                        r = -errno;
                        goto finish;
                }
        }

        flags = sysfs_flags();
        if (replace) {
                r = umount_all_lazy(where);
                if (r < 0)
                        goto finish;
        }
        if (mount("sysfs", where, "sysfs", flags, NULL) < 0) {
                r = -errno;
                goto finish;
        }

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *p = NULL;

                if (fds[i] < 0)
                        continue;
                p = strdup_printf("%s/%s", streq(where, "/") ? "" : where, subs[i]);
                if (!p) {
                        r = -ENOMEM;
                        goto finish;
                }
                if (move_mount(fds[i], "", AT_FDCWD, p, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
                        if (errno == ENOENT || errno == ENOTDIR) {
                                log_debug("%s does not exist in the new sysfs, leaving /sys/%s out.", p, subs[i]);
                                continue;
                        }
                        r = -errno;
                        goto finish;
                }
        }
        r = 0;
finish:
        for (size_t i = 0; i < n; i++)
                (void) safe_close(fds[i]);
        return r;
}

int mount_sysfs_tree(const char *where) {
        return sysfs_tree(where, false);
}

int umount_all_lazy(const char *path) {
        /* bounded: a mount point cannot hold more than mount-max mounts, but never loop forever */
        for (int n = 0; n < 4096; n++)
                if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0) {
                        if (errno == EINVAL || errno == ENOENT)
                                return n;
                        return -errno;
                }
        return -ELOOP;
}

int mount_clone(int dfd, const char *src, unsigned flags) {
        _cleanup_close_ int fd = -1;
        struct mount_attr attr;

        fd = open_tree(dfd, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | (*src ? 0 : AT_EMPTY_PATH));
        if (fd < 0)
                return -errno;
        /* private: a clone of a shared mount would join its peer group */
        attr = (struct mount_attr) {
                .attr_set = flags & BIND_READ_ONLY ? MOUNT_ATTR_RDONLY : 0,
                .propagation = MS_PRIVATE,
        };
        if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
                return -errno;
        return TAKE_FD(fd);
}

int mount_attach(int fd, const char *target, unsigned flags) {
        /* Without MOVE_MOUNT_T_SYMLINKS the mount goes onto the symlink at @target itself
         * (mount(2) always follows it): /etc/resolv.conf -> /run/systemd/resolve/stub-resolv.conf
         * then shows our file even when the stub is missing, masked, or replaced by rename —
         * a rename over a mount point in another mount namespace silently drops the mounts on it. */
        if (move_mount(fd, "", AT_FDCWD, target,
                       MOVE_MOUNT_F_EMPTY_PATH | (flags & BIND_FOLLOW_TARGET ? MOVE_MOUNT_T_SYMLINKS : 0)) < 0)
                return -errno;
        return 0;
}

int mount_bind_over(int dfd, const char *src, const char *target, unsigned flags) {
        _cleanup_close_ int fd = mount_clone(dfd, src, flags);

        if (fd < 0)
                return fd;
        return mount_attach(fd, target, flags);
}

int mount_mask_dir(const char *path) {
        struct stat st;

        if (lstat(path, &st) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISDIR(st.st_mode))
                return 0;
        if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  "mode=0755,size=4k,nr_inodes=16") < 0)
                return -errno;
        return 1;
}


#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(NSIO, 0x5, uint64_t)
#endif

/* The 64-bit id of the mount namespace at @path (Linux ≥ 6.8), 0 if unknown. */
static uint64_t mntns_id(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        uint64_t id = 0;

        if (fd < 0 || ioctl(fd, NS_GET_MNTNS_ID, &id) < 0)
                return 0;
        return id;
}

int mntns_open(const char *pin) {
        _cleanup_close_ int fd = -1;
        struct statfs sfs;
        int type;

        fd = open(pin, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstatfs(fd, &sfs) < 0)
                return -errno;
        if ((unsigned long) sfs.f_type != NSFS_MAGIC)
                return -ENOMEDIUM; /* the placeholder file, not (or no longer) a pin */
        type = ioctl(fd, NS_GET_NSTYPE);
        if (type < 0)
                return -errno;
        if (type != CLONE_NEWNS)
                return -ENOMEDIUM;
        return TAKE_FD(fd);
}

/* What the caller's root is: its inode and mount, and that mount's propagation */
struct root_info {
        dev_t dev;
        ino_t ino;
        unsigned long long shared; /* "shared:N" of the root mount, 0 = none */
        unsigned long long master; /* "master:N", 0 = none */
};

static int root_info(struct root_info *ret) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        struct statx sx;

        if (statx(AT_FDCWD, "/", AT_NO_AUTOMOUNT, STATX_INO | STATX_MNT_ID, &sx) < 0)
                return -errno;
        if (!(sx.stx_mask & STATX_MNT_ID))
                return -EOPNOTSUPP;
        *ret = (struct root_info) {
                .dev = makedev(sx.stx_dev_major, sx.stx_dev_minor),
                .ino = (ino_t) sx.stx_ino,
        };
        /* Read up to the root's line only: it comes first or nearly so (the kernel lists a
         * namespace's mounts in the order they were made, a copied namespace's root first), so
         * this costs the same with a mount table of 40 lines or of 40000. */
        f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -errno;
        while (getline(&line, &size, f) > 0) {
                unsigned long long id;
                char *p, *tok, *save = NULL;
                int off = 0;

                /* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE ..." */
                if (sscanf(line, "%llu %*u %*s %*s %*s %*s%n", &id, &off) < 1 || off == 0 || id != sx.stx_mnt_id)
                        continue;
                p = line + off;
                for (tok = strtok_r(p, " \n", &save); tok && !streq(tok, "-"); tok = strtok_r(NULL, " \n", &save)) {
                        if (startswith(tok, "shared:"))
                                ret->shared = strtoull(tok + STRLEN("shared:"), NULL, 10);
                        else if (startswith(tok, "master:"))
                                ret->master = strtoull(tok + STRLEN("master:"), NULL, 10);
                }
                return 0;
        }
        return ferror(f) ? -EIO : -ENOENT;
}

/*
 * In the child: move into the prepared mount namespace @p->base_fd of another namespace, whose
 * copy then costs what its small table costs instead of a copy of every pin on the host.
 * Only if it follows ours: the same root, and its root a slave of our root's peer group (so
 * the host's later mounts and unmounts reached it, and reach our copy of it). Otherwise, or
 * when the check fails, back into ours.
 * Return: 1 = in the base namespace, 0 = in ours (the reason logged), -errno = neither
 */
static int enter_base(const struct mntns_prep *p) {
        _cleanup_close_ int ours = -1;
        struct root_info host, base;
        int r;

        r = root_info(&host);
        if (r < 0) {
                log_debug_errno(r, "Cannot tell the propagation of /: %m");
                return 0;
        }
        if (host.shared == 0) {
                log_debug("/ is not a shared mount: a copy of another namespace would not follow ours.");
                return 0;
        }
        ours = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
        if (ours < 0)
                return -errno;
        if (setns(p->base_fd, CLONE_NEWNS) < 0) {
                log_debug_errno(errno, "setns() into the base mount namespace failed: %m");
                return 0;
        }
        r = root_info(&base);
        if (r >= 0 && base.dev == host.dev && base.ino == host.ino && base.master == host.shared)
                return 1;
        if (r < 0)
                log_debug_errno(r, "Cannot tell the propagation of / in the base mount namespace: %m");
        else
                log_debug("The base mount namespace does not follow ours (root %u:%u/%lu master:%llu, ours %u:%u/%lu shared:%llu).",
                          major(base.dev), minor(base.dev), (unsigned long) base.ino, base.master,
                          major(host.dev), minor(host.dev), (unsigned long) host.ino, host.shared);
        /* neither here nor there: the parent retries without a base */
        if (setns(ours, CLONE_NEWNS) < 0)
                return -errno;
        return 0;
}

/*
 * In the child: unshare() a copy of the mount namespace we are in. The kernel pins a mount
 * namespace only into an older one (by id: no loops). Ids used to grow monotonically; newer
 * kernels hand them out in per-CPU batches, so a namespace made on another CPU than @parent_id
 * can get a smaller id. Then again from the same source, on each CPU we may use in turn.
 */
static int unshare_newer(uint64_t parent_id) {
        _cleanup_close_ int src = -1;
        cpu_set_t all;
        int cpu = -1;

        if (parent_id != 0) {
                src = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
                if (src < 0)
                        return -errno;
        }
        if (sched_getaffinity(0, sizeof(all), &all) < 0)
                CPU_ZERO(&all);
        for (;;) {
                cpu_set_t one;
                uint64_t id;

                if (unshare(CLONE_NEWNS) < 0)
                        return log_debug_errno(errno, "unshare(CLONE_NEWNS) failed: %m");
                if (parent_id == 0)
                        return 0;
                id = mntns_id("/proc/self/ns/mnt");
                if (id == 0 || id > parent_id)
                        return 0;
                do
                        cpu++;
                while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &all));
                if (cpu >= CPU_SETSIZE)
                        return -ELOOP; /* no CPU gave a newer namespace: the kernel would see a loop */
                log_debug("Mount namespace id %" PRIu64 " is older than ours (%" PRIu64 "), again on CPU %d.", id, parent_id, cpu);
                CPU_ZERO(&one);
                CPU_SET(cpu, &one);
                if (sched_setaffinity(0, sizeof(one), &one) < 0 || setns(src, CLONE_NEWNS) < 0)
                        return -errno;
        }
}

/* In the child: become the prepared namespace. */
static int mntns_prepare(const struct mntns_prep *p) {
        struct mount_attr slave = { .propagation = MS_SLAVE };
        _cleanup_close_ int sys_fd = -1;
        int r;

        /* sysfs shows the devices of the network namespace of whoever mounts it */
        if (setns(p->netns_fd, CLONE_NEWNET) < 0)
                return log_debug_errno(errno, "setns() into the network namespace failed: %m");
        /* The host's /sys with what is mounted below it (cgroup, bpf, ...), cloned while we are
         * still in the host's mount namespace: a base namespace has another namespace's sysfs
         * on /sys. Slaves, for the reason sysfs_tree() gives. */
        sys_fd = open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_NO_AUTOMOUNT);
        if (sys_fd < 0)
                /* no open_tree() (valgrind): /sys comes with the copy of our namespace, no base */
                log_debug_errno(errno, "Cannot clone the mounts on /sys, copying our mount namespace: %m");
        else if (mount_setattr(sys_fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &slave, sizeof(slave)) < 0)
                return log_debug_errno(errno, "Failed to make the clone of /sys a slave: %m");

        if (p->base_fd >= 0 && sys_fd >= 0) {
                r = enter_base(p);
                if (r < 0)
                        return r;
                log_debug(r > 0 ? "Copying the base mount namespace." : "Not using the base mount namespace, copying ours.");
        }
        r = unshare_newer(p->parent_id);
        if (r < 0)
                return r;
        /* slave: the host's mounts and unmounts (a pin removed by "down") still reach us, and
         * nothing we mount here reaches the host (nor the base namespace: its mounts are slaves
         * or private, so ours are too) */
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return log_debug_errno(errno, "Failed to make / a slave: %m");
        /* Our copies of every namespace's state (sysfs, mount namespace pins) and of every pin:
         * each would cost a mount here, and one more for every namespace started later
         * (quadratic in the number of namespaces), and would be copied by every unshare().
         * Copied from a base namespace, they are gone already (0 unmounted). */
        r = umount_all_lazy(p->state_dir);
        if (r < 0)
                return r;
        r = umount_all_lazy(p->netns_dir);
        if (r < 0)
                return r;
        /* what is left in /run/netns are the placeholder files under the pins: hide them */
        r = mount_mask_dir(p->netns_dir);
        if (r < 0)
                return r;
        /* Whatever is on /sys goes entirely: the host's (its devices) or the base namespace's
         * (another network namespace's sysfs, its submounts as they were then). The host's tree
         * goes on instead, then our sysfs replaces its sysfs under the same submounts; reading
         * them from our own small mount table costs the same however many namespaces are up. */
        if (sys_fd >= 0) {
                r = umount_all_lazy("/sys");
                if (r < 0)
                        return r;
                if (move_mount(sys_fd, "", AT_FDCWD, "/sys", MOVE_MOUNT_F_EMPTY_PATH) < 0)
                        return log_debug_errno(errno, "Failed to attach the host's /sys: %m");
        }
        r = sysfs_tree("/sys", true);
        if (r < 0)
                return log_debug_errno(r, "Failed to mount the namespace's sysfs on /sys: %m");
        return 0;
}

static int read_full(int fd, void *buf, size_t size) {
        ssize_t k;

        do
                k = read(fd, buf, size);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return -errno;
        return (size_t) k == size ? 0 : -EIO;
}

static int wait_child(pid_t pid) {
        int status;

        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EPROTO;
}

/* A child prepares the namespace; we pin it while the child is still in it. */
static int mntns_fork(const struct mntns_prep *prep, struct mntns_job *j) {
        int ready[2] = { -1, -1 }, hold[2] = { -1, -1 };
        pid_t pid;
        int r;

        if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(hold, O_CLOEXEC) < 0) {
                r = -errno;
                goto fail;
        }
        pid = fork();
        if (pid < 0) {
                r = -errno;
                goto fail;
        }
        if (pid == 0) {
                char c;

                /* our copies of the parent's ends, or EOF never comes */
                ready[0] = safe_close(ready[0]);
                hold[1] = safe_close(hold[1]);
                r = mntns_prepare(prep);
                (void) !write(ready[1], &r, sizeof(r));
                /* stay in the namespace until the parent has pinned it (EOF) */
                if (r >= 0)
                        (void) !read(hold[0], &c, 1);
                _exit(r < 0 ? 1 : 0);
        }
        (void) safe_close(ready[1]);
        (void) safe_close(hold[0]);
        j->pid = pid;
        j->ready = ready[0];
        j->hold = hold[1];
        return 0;
fail:
        (void) safe_close(ready[0]);
        (void) safe_close(ready[1]);
        (void) safe_close(hold[0]);
        (void) safe_close(hold[1]);
        return r;
}

/* Wait for the child's word, pin its namespace if it is ready, let it go. */
static int mntns_join(struct mntns_job *j) {
        int r, child_r = 0;

        r = read_full(j->ready, &child_r, sizeof(child_r));
        if (r >= 0 && child_r < 0)
                r = child_r;
        if (r >= 0) {
                char p[64];

                (void) snprintf(p, sizeof(p), "/proc/%d/ns/mnt", (int) j->pid);
                if (mount(p, j->pin, NULL, MS_BIND, NULL) < 0)
                        r = -errno;
        }
        j->hold = safe_close(j->hold);
        j->ready = safe_close(j->ready);
        if (wait_child(j->pid) < 0 && r >= 0)
                r = -EPROTO;
        j->pid = 0;
        return r;
}

int mntns_create_start(const char *pin, int netns_fd, int base_fd, const char *netns_dir, const char *state_dir,
                       struct mntns_job *ret) {
        _cleanup_close_ int fd = -1;
        int r;

        *ret = (struct mntns_job) {
                .prep = {
                        .netns_fd = netns_fd,
                        .base_fd = base_fd,
                        .netns_dir = netns_dir,
                        .state_dir = state_dir,
                        .parent_id = mntns_id("/proc/self/ns/mnt"),
                },
                .ready = -1,
                .hold = -1,
        };
        ret->pin = strdup(pin);
        if (!ret->pin)
                return -ENOMEM;
        /* The placeholder the pin goes on. No mount of its own under it: it is on a private
         * mount (mount_private_dir()), where the kernel accepts a mount namespace file. */
        fd = open(pin, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0);
        if (fd < 0) {
                r = -errno;
                free(ret->pin);
                ret->pin = NULL;
                return r;
        }
        fd = safe_close(fd);
        r = mntns_fork(&ret->prep, ret);
        if (r < 0) {
                (void) unlink(pin);
                free(ret->pin);
                ret->pin = NULL;
        }
        return r;
}

int mntns_create_finish(struct mntns_job *j) {
        int r;

        r = mntns_join(j);
        if (r < 0 && j->prep.base_fd >= 0) {
                log_debug_errno(r, "Preparing a mount namespace from another one failed (%m), copying ours.");
                j->prep.base_fd = -1;
                r = mntns_fork(&j->prep, j);
                if (r >= 0)
                        r = mntns_join(j);
        }
        if (r < 0) {
                (void) umount_all_lazy(j->pin);
                (void) unlink(j->pin);
        }
        free(j->pin);
        j->pin = NULL;
        return r;
}

void mntns_job_abort(struct mntns_job *j) {
        if (j->pid > 0) {
                /* EOF on its pipe: the child leaves the namespace, which nothing pinned */
                j->hold = safe_close(j->hold);
                j->ready = safe_close(j->ready);
                (void) wait_child(j->pid);
                j->pid = 0;
        }
        free(j->pin);
        j->pin = NULL;
}

int mntns_create_pinned(const char *pin, int netns_fd, int base_fd, const char *netns_dir, const char *state_dir) {
        struct mntns_job j;
        int r;

        r = mntns_create_start(pin, netns_fd, base_fd, netns_dir, state_dir, &j);
        if (r < 0)
                return r;
        return mntns_create_finish(&j);
}

int mntns_release(const char *pin) {
        int r;

        r = umount_all_lazy(pin);
        if (r < 0)
                return r;
        /* Unlinking a mount point detaches what is mounted on it in every mount namespace: the
         * copies of the pin that namespaces made meanwhile (services' private mounts) go too. */
        if (unlink(pin) < 0) {
                if (errno != ENOENT)
                        return -errno;
                return r > 0;
        }
        return 1;
}
