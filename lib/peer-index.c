/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* peer-index.c - RUNDIR/.peers/PEER/OWNER: which running namespaces have links to which */

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "conf.h"
#include "name.h"
#include "peer-index.h"
#include "util.h"

#define INDEX_DIR ".peers" /* not a namespace name: those never start with '.' */

/* Directory @name below @at_fd, made (0755) if @create: a real directory of ours that nobody
 * else can write to, or -EPERM. */
static int dir_open(int at_fd, const char *name, bool create) {
        struct stat st;
        int fd;

        if (create && mkdirat(at_fd, name, 0755) < 0 && errno != EEXIST)
                return -errno;
        fd = openat(at_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return errno == ELOOP || errno == ENOTDIR ? -EPERM : -errno;
        if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 0022)) {
                (void) close(fd);
                return -EPERM;
        }
        return fd;
}

/* RUNDIR/.peers; with @peer, RUNDIR/.peers/@peer */
static int index_open(const char *peer, bool create) {
        _cleanup_close_ int run_fd = -1, top_fd = -1;

        run_fd = dir_open(AT_FDCWD, netnsctl_run_dir(), false);
        if (run_fd < 0)
                return run_fd;
        top_fd = dir_open(run_fd, INDEX_DIR, create);
        if (top_fd < 0 || !peer)
                return TAKE_FD(top_fd);
        return dir_open(top_fd, peer, create);
}

int peer_index_add(const char *peer, const char *owner) {
        _cleanup_close_ int dir_fd = -1;
        int fd;

        if (!netns_name_is_valid(peer) || !netns_name_is_valid(owner))
                return -EINVAL;
        dir_fd = index_open(peer, true);
        if (dir_fd < 0)
                return dir_fd;
        /* an empty file: made whole or not at all, whenever "up" is killed */
        fd = openat(dir_fd, owner, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        (void) close(fd);
        return 0;
}

int peer_index_remove(const char *peer, const char *owner) {
        _cleanup_close_ int top_fd = -1, dir_fd = -1;

        if (!netns_name_is_valid(peer) || !netns_name_is_valid(owner))
                return -EINVAL;
        top_fd = index_open(NULL, false);
        if (top_fd == -ENOENT)
                return 0;
        if (top_fd < 0)
                return top_fd;
        dir_fd = dir_open(top_fd, peer, false);
        if (dir_fd == -ENOENT)
                return 0;
        if (dir_fd < 0)
                return dir_fd;
        if (unlinkat(dir_fd, owner, 0) < 0 && errno != ENOENT)
                return -errno;
        /* the directories go with their last entry, so an index of nobody is no file at all */
        if (unlinkat(top_fd, peer, AT_REMOVEDIR) < 0 && errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT)
                return -errno;
        top_fd = safe_close(top_fd);
        {
                _cleanup_close_ int run_fd = dir_open(AT_FDCWD, netnsctl_run_dir(), false);

                if (run_fd >= 0 && unlinkat(run_fd, INDEX_DIR, AT_REMOVEDIR) < 0 && errno != ENOTEMPTY &&
                    errno != EEXIST && errno != ENOENT)
                        return -errno;
        }
        return 0;
}

/* the valid namespace names in directory @fd (taken), sorted */
static int names_in(int fd, char ***ret) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        struct dirent *de;
        DIR *d;

        if (!l) {
                (void) close(fd);
                return -ENOMEM;
        }
        d = fdopendir(fd);
        if (!d) {
                int r = -errno;

                (void) close(fd);
                return r;
        }
        while ((de = readdir(d)))
                if (netns_name_is_valid(de->d_name) && strv_extend(&l, de->d_name) < 0) {
                        (void) closedir(d);
                        return -ENOMEM;
                }
        (void) closedir(d);
        strv_sort(l);
        *ret = TAKE_PTR(l);
        return 0;
}

static int list_of(const char *peer, char ***ret) {
        int fd = index_open(peer, false);

        if (fd == -ENOENT) {
                *ret = calloc(1, sizeof(char *));
                return *ret ? 0 : -ENOMEM;
        }
        if (fd < 0)
                return fd;
        return names_in(fd, ret);
}

int peer_index_owners(const char *peer, char ***ret) {
        if (!netns_name_is_valid(peer))
                return -EINVAL;
        return list_of(peer, ret);
}

int peer_index_peers(char ***ret) {
        return list_of(NULL, ret);
}
