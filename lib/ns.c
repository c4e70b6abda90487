/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ns.c - creating, pinning, inspecting and entering named network namespaces */

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <linux/types.h>

#include "conf.h"
#include "log.h"
#include "ns.h"
#include "proc.h"
#include "util.h"

char *netns_pin_path(const char *name) {
        return strdup_printf("%s/%s", netns_run_dir(), name);
}

int netns_pin_inspect(const char *path, unsigned long long *ret_ino) {
        struct statfs sfs;
        struct stat st;

        if (lstat(path, &st) < 0)
                return errno == ENOENT ? PIN_ABSENT : -errno;
        /* statfs() follows the mount: on a pin it reports nsfs, on a placeholder the
         * file system of the directory (tmpfs). */
        if (statfs(path, &sfs) < 0)
                return -errno;
        if ((unsigned long) sfs.f_type != NSFS_MAGIC)
                return PIN_STALE;
        if (stat(path, &st) < 0)
                return -errno;
        if (ret_ino)
                *ret_ino = (unsigned long long) st.st_ino;
        return PIN_NSFS;
}

/* statmount(2), listmount(2) (Linux 6.8): the system headers of Debian 12 predate them; the
 * structures are the kernel's ABI, of which only the start is used here. */
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif
#define NS_NR_statmount 457
#define NS_NR_listmount 458
#define NS_STATMOUNT_MNT_BASIC 0x00000002U

struct ns_mnt_id_req {
        __u32 size;
        __u32 spare;
        __u64 mnt_id;
        __u64 param;
};

struct ns_statmount {
        __u32 size;
        __u32 mnt_opts;
        __u64 mask;
        __u32 sb_dev_major;
        __u32 sb_dev_minor;
        __u64 sb_magic;
        __u32 sb_flags;
        __u32 fs_type;
        __u64 mnt_id;
        __u64 mnt_parent_id;
        __u32 mnt_id_old;
        __u32 mnt_parent_id_old;
        __u64 mnt_attr;
        __u64 mnt_propagation;
        __u64 mnt_peer_group;
        __u64 mnt_master;
        __u64 propagate_from;
        __u32 mnt_root;
        __u32 mnt_point;
        __u64 mnt_ns_id;
        __u64 spare2[49];
};

static int ns_statmount(__u64 id, struct ns_statmount *ret) {
        struct ns_mnt_id_req req = { .size = sizeof(req), .mnt_id = id, .param = NS_STATMOUNT_MNT_BASIC };

        *ret = (struct ns_statmount) {};
        if (syscall(NS_NR_statmount, &req, ret, sizeof(*ret), 0) < 0)
                return -errno;
        return ret->mask & NS_STATMOUNT_MNT_BASIC ? 0 : -EOPNOTSUPP;
}

/*
 * "ip netns add" makes @dir a bind of itself while /run is shared, which puts it in /run's
 * peer group: every pin made on it then appears a second time on /run itself (hidden below
 * @dir), and in every mount namespace that is a slave of /run; each of netnsctl's prepared
 * mount namespaces would gather every pin made after it (a cost per "up" that grows with the
 * namespaces up, and kernel memory quadratic in them). Give @dir a peer group of its own, as
 * netnsctl makes it, but only while no pin is below it: a pin made before has its copy on
 * /run, which unmounting the pin would then no longer remove ("ip netns delete" would fail
 * with EBUSY). Needs statmount() and listmount() (Linux 6.8); without them @dir is left as it
 * is. Returns 1 if it moved @dir to a group of its own, 0 if not.
 */
static int run_dir_own_group(const char *dir) {
        struct ns_statmount own, parent;
        struct statx sx;
        struct ns_mnt_id_req req = { .size = sizeof(req) };
        __u64 child;
        long n;

        if (statx(AT_FDCWD, dir, AT_NO_AUTOMOUNT | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID_UNIQUE, &sx) < 0 ||
            !(sx.stx_mask & STATX_MNT_ID_UNIQUE))
                return 0;
        if (ns_statmount(sx.stx_mnt_id, &own) < 0 || own.mnt_peer_group == 0 ||
            ns_statmount(own.mnt_parent_id, &parent) < 0 || parent.mnt_peer_group != own.mnt_peer_group)
                return 0;
        req.mnt_id = own.mnt_id;
        n = syscall(NS_NR_listmount, &req, &child, 1, 0);
        if (n < 0) {
                log_debug_errno(errno, "Cannot list the mounts below %s, leaving it in the peer group of its parent: %m", dir);
                return 0;
        }
        if (n > 0) {
                log_debug("%s shares the peer group of the mount below it, and holds pins: leaving it so.", dir);
                return 0;
        }
        if (mount(NULL, dir, NULL, MS_PRIVATE, NULL) < 0 || mount(NULL, dir, NULL, MS_SHARED, NULL) < 0)
                return -errno;
        log_debug("%s shared the peer group of the mount below it; it has one of its own now.", dir);
        return 1;
}

int netns_run_dir_prepare(void) {
        const char *dir = netns_run_dir();
        _cleanup_close_ int fd = -1;
        bool made = false;
        int r;

        r = mkdir_p(dir, 0755);
        if (r < 0)
                return r;
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        /* Serialise against other netnsctl runs: two of them both finding the directory not a
         * mount point would both bind it onto itself, and mounts stack up. The lock is on the
         * directory inode underneath, which stays the same before and after the bind. */
        if (flock(fd, LOCK_EX) < 0)
                return -errno;
        for (;;) {
                /* Not MS_REC, unlike "ip netns add": that would walk every pin below (a cost per
                 * "up" that grows with the namespaces up), and a pin made under a shared mount
                 * is shared already. */
                if (mount("", dir, NULL, MS_SHARED, NULL) >= 0) {
                        r = run_dir_own_group(dir);
                        return r < 0 ? r : 0;
                }
                if (errno != EINVAL || made)
                        return -errno;
                /* Not a mount point yet: make it one, in a peer group of its own. A bind of a
                 * shared /run (systemd's) is a peer of /run, so every pin would also appear a
                 * second time on /run itself, in this and every mount namespace slave to it. */
                if (mount(dir, dir, NULL, MS_BIND | MS_REC, NULL) < 0 ||
                    mount(NULL, dir, NULL, MS_PRIVATE, NULL) < 0)
                        return -errno;
                made = true;
        }
}

int netns_create_pinned(const char *path, int (*on_created)(int netns_fd, unsigned long long ino, void *userdata),
                        void *userdata, unsigned long long *ret_ino, int *ret_fd) {
        _cleanup_close_ int orig = -1, new_fd = -1, placeholder = -1;
        struct stat st;
        int r;

        orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (orig < 0)
                return -errno;

        /* The mode-0 placeholder, exactly like "ip netns add": its existence claims the name. */
        placeholder = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0);
        if (placeholder < 0)
                return -errno;
        placeholder = safe_close(placeholder);

        if (unshare(CLONE_NEWNET) < 0) {
                r = -errno;
                goto fail_unlink;
        }
        new_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (new_fd < 0 || fstat(new_fd, &st) < 0) {
                r = negative_errno();
                goto fail_restore;
        }
        /* Back to where we came from before anything else: our sockets and the caller's
         * assumptions stay in the original namespace. */
        if (setns(orig, CLONE_NEWNET) < 0) {
                r = -errno;
                goto fail_unlink;
        }

        if (on_created) {
                r = on_created(new_fd, (unsigned long long) st.st_ino, userdata);
                if (r < 0)
                        goto fail_unlink;
        }

        {
                char fdpath[64];

                (void) snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", new_fd);
                if (mount(fdpath, path, NULL, MS_BIND, NULL) < 0) {
                        r = -errno;
                        goto fail_unlink;
                }
        }

        if (ret_ino)
                *ret_ino = (unsigned long long) st.st_ino;
        if (ret_fd)
                *ret_fd = TAKE_FD(new_fd);
        return 0;

fail_restore:
        (void) setns(orig, CLONE_NEWNET);
fail_unlink:
        (void) unlink(path);
        return r;
}

int netns_unpin(const char *path) {
        int state = netns_pin_inspect(path, NULL);

        if (state < 0)
                return state;
        if (state == PIN_ABSENT)
                return 0;
        if (state == PIN_NSFS && umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL)
                return -errno;
        if (unlink(path) < 0 && errno != ENOENT)
                return -errno;
        return 1;
}

int netns_open(const char *name) {
        _cleanup_free_ char *path = netns_pin_path(name);
        _cleanup_close_ int fd = -1;
        struct statfs sfs;

        if (!path)
                return -ENOMEM;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstatfs(fd, &sfs) < 0)
                return -errno;
        if ((unsigned long) sfs.f_type != NSFS_MAGIC)
                return -ENOMEDIUM;
        return TAKE_FD(fd);
}

int netns_run_in(int netns_fd, int (*fn)(void *userdata), void *userdata) {
        _cleanup_close_ int orig = -1;
        int r;

        if (netns_fd < 0)
                return fn(userdata);
        orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (orig < 0)
                return -errno;
        if (setns(netns_fd, CLONE_NEWNET) < 0)
                return -errno;
        r = fn(userdata);
        if (setns(orig, CLONE_NEWNET) < 0) {
                /* Cannot happen short of a kernel bug; continuing in the wrong namespace would
                 * configure the wrong one. */
                log_error_errno(errno, "Failed to return to the original network namespace: %m");
                abort();
        }
        return r;
}

struct sysctl_io {
        const char *key;
        const char *value;
        char *buf;
        size_t size;
};

static int sysctl_path(const char *key, char *path, size_t size) {
        int n = snprintf(path, size, "/proc/sys/%s", key);

        if (n < 0 || (size_t) n >= size)
                return -ENAMETOOLONG;
        /* '.' separates components; a '/' in the key would have been normalised by the parser */
        for (char *p = path + STRLEN("/proc/sys/"); *p; p++)
                if (*p == '.')
                        *p = '/';
                else if (*p == '/')
                        *p = '.'; /* "net.ipv4.conf.eth0/1.x": interface names may contain '.', written as '/' */
        return 0;
}

int netns_sysctl_known(const char *key) {
        char path[PATH_MAX], *comp[4] = {};
        size_t n = 0;
        int r;

        r = sysctl_path(key, path, sizeof(path));
        if (r < 0)
                return r;
        /* net/ipv4/conf/IFNAME/...: the link may exist only inside; its settings are those
         * of "default" */
        for (char *p = path + STRLEN("/proc/sys/"); *p && n < 4; p++)
                if (p == path + STRLEN("/proc/sys/") || p[-1] == '/')
                        comp[n++] = p;
        if (n == 4 && (startswith(comp[2], "conf/") || startswith(comp[2], "neigh/")) &&
            !startswith(comp[3], "all/") && !startswith(comp[3], "default/")) {
                char rest[PATH_MAX];
                const char *after = strchr(comp[3], '/');

                if (!after)
                        return 0;
                (void) snprintf(rest, sizeof(rest), "default%s", after);
                if ((size_t) (comp[3] - path) + strlen(rest) >= sizeof(path))
                        return -ENAMETOOLONG;
                strcpy(comp[3], rest);
        }
        if (access(path, F_OK) < 0)
                return errno == ENOENT ? 0 : -errno;
        return 1;
}

static int sysctl_write_cb(void *userdata) {
        struct sysctl_io *io = userdata;
        char path[512];
        int r = sysctl_path(io->key, path, sizeof(path));

        if (r < 0)
                return r;
        return write_string_file(path, io->value);
}

static int sysctl_read_cb(void *userdata) {
        struct sysctl_io *io = userdata;
        char path[512];
        _cleanup_close_ int fd = -1;
        ssize_t n;
        int r = sysctl_path(io->key, path, sizeof(path));

        if (r < 0)
                return r;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = read(fd, io->buf, io->size - 1);
        if (n < 0)
                return -errno;
        while (n > 0 && (io->buf[n - 1] == '\n' || io->buf[n - 1] == ' '))
                n--;
        io->buf[n] = 0;
        return 0;
}

int netns_sysctl_set(int netns_fd, const char *key, const char *value) {
        struct sysctl_io io = { .key = key, .value = value };

        /* /proc/sys/net shows the network namespace of whoever opens it, so open it inside. */
        return netns_run_in(netns_fd, sysctl_write_cb, &io);
}

int netns_sysctl_get(int netns_fd, const char *key, char *buf, size_t size) {
        struct sysctl_io io = { .key = key, .buf = buf, .size = size };

        return netns_run_in(netns_fd, sysctl_read_cb, &io);
}

long long netns_inode_of_pid(int pid) {
        char p[64];
        struct stat st;

        if (pid == 0)
                (void) snprintf(p, sizeof(p), "/proc/self/ns/net");
        else
                (void) snprintf(p, sizeof(p), "/proc/%d/ns/net", pid);
        if (stat(p, &st) < 0)
                return -errno;
        return (long long) st.st_ino;
}

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

static int cookie_cb(void *userdata) {
        _cleanup_close_ int fd = -1;
        socklen_t l = sizeof(uint64_t);

        /* any socket tells the cookie of the namespace it was made in */
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, userdata, &l) < 0)
                return -errno;
        return l == sizeof(uint64_t) ? 0 : -EIO;
}

int netns_cookie(int netns_fd, uint64_t *ret) {
        uint64_t c = 0;
        int r = netns_run_in(netns_fd, cookie_cb, &c);

        if (r < 0)
                return r;
        *ret = c;
        return 0;
}

struct by_id {
        unsigned long long ino;
        uint64_t cookie;
        int fd;
};

static int by_id_try(const struct proc_netns *p, void *userdata) {
        struct by_id *b = userdata;
        struct stat st;
        uint64_t c;
        int fd;

        if (p->ino != b->ino)
                return 0;
        fd = open(p->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0; /* exited meanwhile */
        /* the inode again through the fd: the process may have moved meanwhile */
        if (fstat(fd, &st) < 0 || (unsigned long long) st.st_ino != b->ino ||
            (b->cookie != 0 && (netns_cookie(fd, &c) < 0 || c != b->cookie))) {
                (void) close(fd);
                return 0;
        }
        b->fd = fd;
        return 1;
}

int netns_open_by_id(unsigned long long ino, uint64_t cookie) {
        struct by_id b = { .ino = ino, .cookie = cookie, .fd = -1 };
        int r;

        r = proc_netns_foreach(by_id_try, &b);
        if (r < 0)
                return r;
        return r > 0 ? b.fd : -ENOENT;
}
