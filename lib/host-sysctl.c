/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-sysctl.c - holds on host sysctls that namespaces share: marker files under RUNDIR/.host-sysctl/KEY.holders/ */

#include <fcntl.h>
#include <sys/stat.h>

#include "conf.h"
#include "host-sysctl.h"
#include "log.h"
#include "name.h"
#include "ns.h"
#include "util.h"

/*
 * RUNDIR/.host-sysctl/ holds, for each host sysctl netnsctl changed:
 *     KEY            a file "PREVIOUS SET": the value before, the value set
 *     KEY.holders/   an empty file per namespace that needs it, named after it
 * The first namespace that needs KEY=SET while it is something else writes KEY (with the
 * value before), then changes it; each namespace adds its file. When the last file is gone
 * (the directory can be removed), the previous value comes back, unless someone changed KEY
 * meanwhile (then it is theirs). A file per namespace, not a line they all rewrite: an "up"
 * or "down" costs the same with one namespace or a thousand. Every change happens under
 * netns_lock(). The name starts with '.', which no namespace name does.
 */

static char *hs_path(const char *key, const char *suffix) {
        return strdup_printf("%s/.host-sysctl%s%s%s", netnsctl_run_dir(), key ? "/" : "", strempty(key), strempty(suffix));
}

/* the paths of KEY's note, its holders' directory and NAME's file in it */
struct hs_paths {
        char *dir, *note, *holders, *mark;
};

static void hs_paths_done(struct hs_paths *p) {
        free(p->dir);
        free(p->note);
        free(p->holders);
        free(p->mark);
}

/* An earlier netnsctl kept all of it in one file RUNDIR/.host-sysctl, a line per key:
 * "KEY PREVIOUS SET HOLDER...". A namespace it brought up is taken over, not left stranded. */
static int hs_convert_old(const char *dir) {
        _cleanup_free_ char *text = NULL, *tmp = strdup_printf("%s.old", dir);
        char *line, *save = NULL;
        struct stat st;
        int r;

        if (!tmp)
                return -ENOMEM;
        if (lstat(dir, &st) < 0 || S_ISDIR(st.st_mode))
                return 0;
        r = read_full_file(dir, 1024 * 1024, &text, NULL);
        if (r < 0)
                return r;
        if (rename(dir, tmp) < 0 || mkdir(dir, 0700) < 0)
                return -errno;
        /* once per host, on the first use after an upgrade: worth a line in the journal */
        log_notice("Converting %s of an earlier netnsctl to a directory.", dir);
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                _cleanup_free_ char *note = NULL, *holders = NULL, *val = NULL;
                char key[128], prev[64], set[64];
                int off = 0;

                if (line[0] == '#' || sscanf(line, "%127s %63s %63s %n", key, prev, set, &off) < 3 || strchr(key, '/'))
                        continue;
                note = strdup_printf("%s/%s", dir, key);
                holders = strdup_printf("%s/%s.holders", dir, key);
                val = strdup_printf("%s %s\n", prev, set);
                if (!note || !holders || !val)
                        return -ENOMEM;
                r = write_file_atomic(note, val);
                if (r < 0)
                        return r;
                if (mkdir(holders, 0700) < 0 && errno != EEXIST)
                        return -errno;
                for (char *h = off > 0 ? strtok(line + off, " ") : NULL; h; h = strtok(NULL, " ")) {
                        _cleanup_free_ char *mark = NULL;
                        int fd;

                        if (!netns_name_is_valid(h))
                                continue;
                        mark = strdup_printf("%s/%s", holders, h);
                        if (!mark)
                                return -ENOMEM;
                        fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
                        if (fd < 0)
                                return -errno;
                        (void) close(fd);
                }
        }
        (void) unlink(tmp);
        return 0;
}

static int hs_paths_get(struct hs_paths *p, const char *name, const char *key) {
        p->dir = hs_path(NULL, NULL);
        p->note = hs_path(key, NULL);
        p->holders = hs_path(key, ".holders");
        p->mark = p->holders ? strdup_printf("%s/%s", p->holders, name) : NULL;
        if (!p->dir || !p->note || !p->holders || !p->mark)
                return -ENOMEM;
        return hs_convert_old(p->dir);
}

/* KEY's note: 1 (and the values), 0 when there is none, -errno */
static int hs_note_load(const char *key, char prev[static HOST_SYSCTL_VALUE_MAX], char set[static HOST_SYSCTL_VALUE_MAX]) {
        _cleanup_free_ char *path = hs_path(key, NULL), *text = NULL;
        int r;

        if (!path)
                return -ENOMEM;
        r = read_full_file(path, 4096, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        if (sscanf(text, "%63s %63s", prev, set) != 2)
                return -EBADMSG;
        return 1;
}

int host_sysctl_hold(const char *name, const char *key, const char *value, char ret_before[static HOST_SYSCTL_VALUE_MAX]) {
        _cleanup_(hs_paths_done) struct hs_paths p = {};
        _cleanup_free_ char *text = NULL;
        char cur[HOST_SYSCTL_VALUE_MAX], prev[HOST_SYSCTL_VALUE_MAX], set[HOST_SYSCTL_VALUE_MAX];
        _cleanup_close_ int fd = -1;
        int noted, r;

        r = hs_paths_get(&p, name, key);
        if (r < 0)
                return r;
        noted = hs_note_load(key, prev, set);
        if (noted < 0)
                return noted;
        r = netns_sysctl_get(-1, key, cur, sizeof(cur));
        if (r < 0)
                return r;
        if (!noted && streq(cur, value))
                return 0; /* already so, not by us: nothing to restore later */

        /* first the note, then the change: a crash in between restores a value never changed */
        if (mkdir(p.dir, 0700) < 0 && errno != EEXIST)
                return -errno;
        if (!noted) {
                text = strdup_printf("%s %s\n", cur, value);
                if (!text)
                        return -ENOMEM;
                r = write_file_atomic(p.note, text);
                if (r < 0)
                        return r;
        }
        if (mkdir(p.holders, 0700) < 0 && errno != EEXIST)
                return -errno;
        fd = open(p.mark, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
        if (fd < 0)
                return -errno;
        if (streq(cur, value))
                return 0;
        r = netns_sysctl_set(-1, key, value);
        if (r < 0)
                return r;
        memcpy(ret_before, cur, sizeof(cur));
        return 1;
}

int host_sysctl_release(const char *name, const char *key, char ret_value[static HOST_SYSCTL_VALUE_MAX]) {
        _cleanup_(hs_paths_done) struct hs_paths p = {};
        char cur[HOST_SYSCTL_VALUE_MAX], prev[HOST_SYSCTL_VALUE_MAX], set[HOST_SYSCTL_VALUE_MAX];
        int noted, outcome = 0, r;

        r = hs_paths_get(&p, name, key);
        if (r < 0)
                return r;
        if (unlink(p.mark) < 0 && errno != ENOENT)
                return -errno;
        if (rmdir(p.holders) < 0) {
                if (errno == ENOTEMPTY || errno == EEXIST)
                        return 0; /* others still need it */
                if (errno != ENOENT)
                        return -errno;
        }
        /* no holder left: the value before comes back, once */
        noted = hs_note_load(key, prev, set);
        if (noted <= 0)
                return noted;
        r = netns_sysctl_get(-1, key, cur, sizeof(cur));
        if (r >= 0 && streq(cur, set)) {
                r = netns_sysctl_set(-1, key, prev);
                if (r < 0)
                        return r;
                memcpy(ret_value, prev, sizeof(prev));
                outcome = HOST_SYSCTL_RESTORED;
        } else if (r >= 0) {
                memcpy(ret_value, cur, sizeof(cur));
                outcome = HOST_SYSCTL_LEFT;
        }
        if (unlink(p.note) < 0 && errno != ENOENT)
                return -errno;
        if (rmdir(p.dir) < 0 && errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT)
                return -errno;
        return outcome;
}
