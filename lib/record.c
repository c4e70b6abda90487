/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* record.c - /run/netnsctl/NAME/state: the intent log that makes "up" undoable after a crash */

#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "conf.h"
#include "record.h"
#include "util.h"

#define RECORD_MAX (4U * 1024U * 1024U)

char *record_dir(const char *name) {
        return strdup_printf("%s/%s", netnsctl_run_dir(), name);
}

int record_create(const char *name, struct record **ret) {
        _cleanup_free_ char *dir = record_dir(name), *path = NULL;
        struct record *r;
        struct stat st;
        int fd, q;

        if (!dir)
                return -ENOMEM;
        q = mkdir_p(netnsctl_run_dir(), 0755);
        if (q < 0)
                return q;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return -errno;
        /* Only a directory we own and nobody else can write may hold a record. */
        if (lstat(dir, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 0077))
                return -EPERM;
        path = strdup_printf("%s/state", dir);
        if (!path)
                return -ENOMEM;
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
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
        char line[1024];
        va_list ap;
        int n;
        ssize_t k;

        va_start(ap, fmt);
        n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t) n >= sizeof(line) - 1 || strchr(line, '\n'))
                return -EINVAL;
        line[n++] = '\n';
        /* one write(), O_APPEND: a line is either wholly there or not at all */
        k = write(r->fd, line, (size_t) n);
        if (k < 0)
                return -errno;
        return k == n ? 0 : -EIO;
}

int record_load(const char *name, char ***ret_lines) {
        _cleanup_free_ char *dir = record_dir(name), *path = NULL, *text = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        struct stat st;
        char *p, *nl;
        int r;

        if (!dir)
                return -ENOMEM;
        if (lstat(dir, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 0077))
                return -EPERM;
        path = strdup_printf("%s/state", dir);
        if (!path)
                return -ENOMEM;
        if (lstat(path, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 0022))
                return -EPERM;
        r = read_full_file(path, RECORD_MAX, &text, NULL);
        if (r < 0)
                return r;
        for (p = text; *p; p = nl + 1) {
                nl = strchr(p, '\n');
                if (!nl)
                        break; /* a torn last line cannot happen with one write(), but never trust it */
                *nl = 0;
                if (*p && strv_extend(&lines, p) < 0)
                        return -ENOMEM;
        }
        if (!lines && !(lines = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret_lines = TAKE_PTR(lines);
        return 0;
}

int record_remove(const char *name) {
        _cleanup_free_ char *dir = record_dir(name), *path = NULL;

        if (!dir)
                return -ENOMEM;
        path = strdup_printf("%s/state", dir);
        if (!path)
                return -ENOMEM;
        if (unlink(path) < 0 && errno != ENOENT)
                return -errno;
        /* anything else left in the directory (a mount point, a file) was made by a step and
         * is that step's to undo; rmdir fails then, which is the right outcome */
        if (rmdir(dir) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}
