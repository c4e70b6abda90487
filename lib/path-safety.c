/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* path-safety.c - StrictModes: may netnsctl, running as root, trust a file and the directories above it */

#include <sys/stat.h>

#include "conf.h"
#include "log.h"
#include "path-safety.h"
#include "util.h"

/*
 * StrictModes: netnsctl runs as root on what these files say, so whoever can write them, or
 * rename a directory above them, can make root do it. Refuse them, as sshd does.
 */

bool netns_owner_is_trusted(uid_t uid) {
        /* root, or whoever runs us (a user checking own files trusts them, as sshd trusts the
         * user's own ~/.ssh); as root that is root only */
        return uid == 0 || uid == geteuid();
}

/* Why @st may not be trusted, or NULL. @ancestor: a directory above the checked path, which
 * may be a root-owned sticky directory such as /tmp. */
static const char *unsafe_reason(const struct stat *st, bool ancestor, char *buf, size_t size) {
        if (!netns_owner_is_trusted(st->st_uid)) {
                (void) snprintf(buf, size, "owned by uid %u, not root", (unsigned) st->st_uid);
                return buf;
        }
        if ((st->st_mode & 0022) == 0)
                return NULL;
        if (ancestor && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) && st->st_uid == 0)
                return NULL;
        (void) snprintf(buf, size, "writable by %s (mode %04o)",
                        (st->st_mode & 0022) == 0022 ? "group and others" :
                        (st->st_mode & 0020) ? "group" : "others",
                        (unsigned) (st->st_mode & 07777));
        return buf;
}

/**
 * netns_path_check() - StrictModes for @path and every directory above it
 * @shown: what the message names first (the config file a directory is checked for)
 * @path: the file or directory checked; it gets no sticky-bit exemption
 *
 * netns_path_is_safe() is netns_path_check(path, path).
 * Return: 0 if safe, -EPERM if not (reported), -ENOENT if @path does not exist, other
 * -errno (not reported).
 */
int netns_path_check(const char *shown, const char *path) {
        _cleanup_free_ char *real = NULL;
        const char *why;
        char buf[128];
        struct stat st;
        char *slash;

        /* resolve first, as sshd does: a symlink is as safe as where it leads (the directory
         * the link is in is checked by the caller: the loader checks the config dir) */
        real = realpath(path, NULL);
        if (!real)
                return -errno;
        if (stat(real, &st) < 0)
                return -errno;
        why = unsafe_reason(&st, false, buf, sizeof(buf));
        if (why) {
                if (!streq(shown, path))
                        (void) log_syntax(shown, 0, "directory %s is %s; refusing it: what netnsctl reads as root must be owned by root and writable only by root.",
                                          real, why);
                else if (!streq(path, real))
                        (void) log_syntax(shown, 0, "%s is %s; refusing it: what netnsctl reads as root must be owned by root and writable only by root.",
                                          real, why);
                else
                        (void) log_syntax(shown, 0, "%s; refusing it: what netnsctl reads as root must be owned by root and writable only by root.",
                                          why);
                return -EPERM;
        }

        /* every directory above, up to "/": whoever may write one can swap what is below */
        while ((slash = strrchr(real, '/'))) {
                bool root = slash == real;

                if (root)
                        slash[1] = 0;
                else
                        *slash = 0;
                if (stat(real, &st) < 0)
                        return -errno;
                why = unsafe_reason(&st, true, buf, sizeof(buf));
                if (why) {
                        (void) log_syntax(shown, 0, "directory %s is %s; refusing it: whoever can write there can replace it.",
                                          real, why);
                        return -EPERM;
                }
                if (root)
                        break;
        }
        return 0;
}

int netns_path_is_safe(const char *path) {
        return netns_path_check(path, path);
}

/* CONFDIR/NAME/, the files shown over /etc: 1 safe, 0 none, -EPERM unsafe (reported). */
int netns_etc_dir_check_in(const char *dir, const char *name) {
        _cleanup_free_ char *path = NULL;
        struct stat st;
        int r;

        if (!*name || strchr(name, '/') || streq(name, ".") || streq(name, ".."))
                return -EINVAL;
        path = strdup_printf("%s/%s", dir, name);
        if (!path)
                return -ENOMEM;
        if (stat(path, &st) < 0)
                return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
        if (!S_ISDIR(st.st_mode))
                return 0;
        r = netns_path_check(path, path);
        if (r == -ENOENT)
                return 0; /* removed meanwhile */
        return r < 0 ? r : 1;
}

int netns_etc_dir_check(const char *name) {
        return netns_etc_dir_check_in(netns_conf_dir(), name);
}

