/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util.c - file, string and list helpers */

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "util.h"

int strv_consume(char ***l, char *s) {
        size_t n = strv_length(*l);
        char **nl;

        if (!s)
                return -ENOMEM;
        nl = realloc(*l, sizeof(char *) * (n + 2));
        if (!nl) {
                free(s);
                return -ENOMEM;
        }
        nl[n] = s;
        nl[n + 1] = NULL;
        *l = nl;
        return 0;
}

int strv_extend(char ***l, const char *s) {
        return strv_consume(l, strdup(s));
}

bool strv_contains(char *const *l, const char *s) {
        for (size_t i = 0; l && l[i]; i++)
                if (streq(l[i], s))
                        return true;
        return false;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

void strv_sort(char **l) {
        if (l)
                qsort(l, strv_length(l), sizeof(char *), cmp_str);
}

void *array_append(void **array, size_t *n, size_t elem_size) {
        void *p = realloc(*array, elem_size * (*n + 1));

        if (!p)
                return NULL;
        *array = p;
        p = (char *) p + elem_size * *n;
        memset(p, 0, elem_size);
        (*n)++;
        return p;
}

static size_t array_capacity(size_t n) {
        size_t cap = 8;

        if (n == 0)
                return 0;
        while (cap < n && cap <= SIZE_MAX / 2)
                cap *= 2;
        return cap < n ? SIZE_MAX : cap;
}

int array_grow(void **array, size_t n, size_t need, size_t elem_size) {
        size_t cap;
        void *p;

        if (need <= array_capacity(n))
                return 0;
        cap = array_capacity(need);
        if (elem_size == 0 || cap > SIZE_MAX / elem_size)
                return -ENOMEM;
        p = realloc(*array, cap * elem_size);
        if (!p)
                return -ENOMEM;
        *array = p;
        return 0;
}

void *array_grow_append(void **array, size_t *n, size_t elem_size) {
        void *p;

        if (*n == SIZE_MAX || array_grow(array, *n, *n + 1, elem_size) < 0)
                return NULL;
        p = (char *) *array + elem_size * *n;
        memset(p, 0, elem_size);
        (*n)++;
        return p;
}

char *strdup_printf(const char *fmt, ...) {
        va_list ap;
        char *s;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        return r < 0 ? NULL : s;
}

char *snprintf_ok(char *buf, size_t size, const char *fmt, ...) {
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(buf, size, fmt, ap);
        va_end(ap);
        return n >= 0 && (size_t) n < size ? buf : NULL;
}

int read_full_fd(int fd, size_t max, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        size_t n = 0, alloc = 0;

        for (;;) {
                ssize_t k;

                if (alloc - n < 4096) {
                        char *p;

                        alloc = alloc ? alloc * 2 : 8192;
                        p = realloc(buf, alloc + 1);
                        if (!p)
                                return -ENOMEM;
                        buf = p;
                }
                k = read(fd, buf + n, alloc - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n > max)
                        return -EFBIG;
        }
        if (!buf && !(buf = malloc(1)))
                return -ENOMEM;
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        if (ret_size)
                *ret_size = n;
        return 0;
}

int read_full_file(const char *path, size_t max, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                return -errno;
        return read_full_fd(fd, max, ret, ret_size);
}

int write_file_atomic(const char *path, const char *s) {
        _cleanup_free_ char *tmp = strdup_printf("%s.tmpXXXXXX", path);
        _cleanup_fclose_ FILE *f = NULL;
        int fd;

        if (!tmp)
                return -ENOMEM;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        f = fdopen(fd, "w");
        if (!f) {
                int r = -errno;
                (void) close(fd);
                (void) unlink(tmp);
                return r;
        }
        (void) fchmod(fd, 0644);
        fputs(s, f);
        if (fflush(f) != 0 || ferror(f) || rename(tmp, path) < 0) {
                int r = negative_errno();
                (void) unlink(tmp);
                return r;
        }
        return 0;
}

int write_string_file(const char *path, const char *s) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        size_t n = strlen(s);
        ssize_t k;

        if (fd < 0)
                return -errno;
        k = write(fd, s, n);
        if (k < 0)
                return -errno;
        if ((size_t) k != n)
                return -EIO;
        return 0;
}

int mkdir_p(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++)
                if (*s == '/') {
                        *s = 0;
                        if (mkdir(p, mode) < 0 && errno != EEXIST)
                                return -errno;
                        *s = '/';
                }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

static int rm_rf_at(int dfd, const char *name, dev_t dev) {
        struct stat st;

        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (S_ISDIR(st.st_mode)) {
                _cleanup_close_ int fd = -1;
                DIR *d;
                struct dirent *de;
                int r = 0;

                if (st.st_dev != dev)
                        return -EBUSY; /* a mount point: never cross it */
                fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (fd < 0)
                        return -errno;
                d = fdopendir(fd);
                if (!d)
                        return -errno;
                fd = -1;
                while ((de = readdir(d)))
                        if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
                                int q = rm_rf_at(dirfd(d), de->d_name, dev);
                                if (q < 0 && r == 0)
                                        r = q;
                        }
                closedir(d);
                if (r < 0)
                        return r;
                if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                        return -errno;
                return 0;
        }
        if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int rm_rf(const char *path) {
        struct stat st;

        if (lstat(path, &st) < 0)
                return errno == ENOENT ? 0 : -errno;
        return rm_rf_at(AT_FDCWD, path, st.st_dev);
}

uint64_t now_usec(clockid_t clock) {
        struct timespec ts;

        if (clock_gettime(clock, &ts) < 0)
                return 0;
        return (uint64_t) ts.tv_sec * 1000000U + (uint64_t) ts.tv_nsec / 1000U;
}

char *strv_join(char **l, const char *sep) {
        size_t len = 1, k = 0;
        char *s;

        STRV_FOREACH(x, l)
                len += strlen(*x) + strlen(sep);
        s = malloc(len);
        if (!s)
                return NULL;
        s[0] = 0;
        STRV_FOREACH(x, l) {
                if (k++ > 0)
                        strcat(s, sep);
                strcat(s, *x);
        }
        return s;
}
