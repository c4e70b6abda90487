/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* view.c - what a unit in a namespace must be given to see it: its /sys, /etc files and DNS */

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "conf.h"
#include "log.h"
#include "util.h"
#include "view.h"
#include "wgquick.h"

/* A path that can stand in a BindPaths=-style list as it is: no quoting, no ':' (the
 * source:destination separator), no '%' (specifiers), nothing a shell-like splitter treats
 * specially. Anything else is left out with a warning rather than escaped. */
static bool path_is_plain(const char *p) {
        if (!p || p[0] != '/')
                return false;
        for (; *p; p++)
                if (!(isalnum((unsigned char) *p) || strchr("/._+@,=-", *p)))
                        return false;
        return true;
}

/* Where a symlink finally points, like "readlink -m": relative targets resolved against the
 * link's directory, "." and ".." folded, a dangling end kept. Bounded like the kernel (40). */
static char *resolve_link(const char *path) {
        _cleanup_free_ char *cur = strdup(path);

        if (!cur)
                return NULL;
        for (int i = 0; i < 40; i++) {
                char target[PATH_MAX];
                struct stat st;
                ssize_t n;

                if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
                        break;
                n = readlink(cur, target, sizeof(target) - 1);
                if (n < 0)
                        break;
                target[n] = 0;
                if (target[0] == '/') {
                        free(cur);
                        cur = strdup(target);
                } else {
                        char *slash = strrchr(cur, '/'), *next;

                        *slash = 0;
                        next = strdup_printf("%s/%s", cur, target);
                        free(cur);
                        cur = next;
                }
                if (!cur)
                        return NULL;
        }

        /* fold "//", "/./" and "/../" */
        {
                char *out = malloc(strlen(cur) + 2), *o = out;
                const char *p = cur;

                if (!out)
                        return NULL;
                while (*p) {
                        size_t l;

                        while (*p == '/')
                                p++;
                        l = strcspn(p, "/");
                        if (l == 0)
                                break;
                        if (l == 1 && p[0] == '.')
                                ;
                        else if (l == 2 && p[0] == '.' && p[1] == '.') {
                                while (o > out && *--o != '/')
                                        ;
                        } else {
                                *o++ = '/';
                                memcpy(o, p, l);
                                o += l;
                        }
                        p += l;
                }
                if (o == out)
                        *o++ = '/';
                *o = 0;
                return out;
        }
}

static int sort_strcmp(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * What systemd itself mounts below /sys (mount-setup: security, cgroup, pstore, efivars, bpf;
 * its mount units: config, debug, tracing, fuse connections), bound from the host's /sys over
 * the namespace's bare sysfs, each source = destination. This works on systemd 252 because
 * the unit's mounts are made under /run/systemd/unit-root, sorted by path, with sources
 * resolved in the original tree: /sys (the namespace's sysfs) goes on first, then these bind
 * the host's mounts (recursively: the cgroup v1 hierarchies below /sys/fs/cgroup come along)
 * on top of it. Same-path entries of ProtectControlGroups= and ProtectKernelTunables= merge
 * with these and keep them read-only (checked in tests/systemd/exec-units.sh).
 *
 * A path that is no mount point on the host binds a plain sysfs directory of the host over
 * the same directory of the namespace's sysfs: harmless, as only class/net and the net/
 * directories of devices are tagged by network namespace, and none of these paths is under
 * them; what the unit sees there is what the namespace's sysfs shows anyway. '-': a path
 * the host lacks (no EFI, no fuse) is skipped.
 */
static const char *const sysfs_submount_paths[] = {
        "/sys/firmware/efi/efivars",
        "/sys/fs/bpf",
        "/sys/fs/cgroup",
        "/sys/fs/fuse/connections",
        "/sys/fs/pstore",
        "/sys/kernel/config",
        "/sys/kernel/debug",
        "/sys/kernel/security",
        "/sys/kernel/tracing",
};

/*
 * The lines every unit attached to namespace @c gets besides NetworkNamespacePath=, as
 * systemd 252 needs them (checked in tests/systemd/exec-units.sh and dns-dnsmasq.sh):
 *
 *  - BindPaths= of the sysfs "up" pins from inside the namespace: NetworkNamespacePath= alone
 *    leaves the unit the host's /sys/class/net. That sysfs is bare (one mount on the host,
 *    see step_sysfs()), so the host's /sys submounts follow as binds of their own (see
 *    sysfs_submount_paths[]).
 *  - BindReadOnlyPaths= for each entry of /etc/netns/NAME/ whose /etc counterpart exists
 *    now (systemd would create a missing destination in the host's /etc).
 *  - With DNS= (of [Namespace], or else of a [WireGuard] ConfigFile=, which is read here as
 *    "up" reads it): the generated resolv.conf over /etc/resolv.conf, or, when that is a symlink
 *    (systemd-resolved's stub), over its final target inside an empty tmpfs on the target's
 *    directory; and the host's resolver sockets made inaccessible, so nothing leaks past the
 *    namespace's own DNS.
 */
int netns_view_lines(const struct netns_config *c, char **ret) {
        _cleanup_free_ char *buf = NULL, *state = NULL, *overlay = NULL;
        const char *host_etc = secure_getenv("NETNSCTL_HOST_ETC") ?: "/etc";
        const char *host_resolv = secure_getenv("NETNSCTL_HOST_RESOLV_CONF") ?: "/etc/resolv.conf";
        _cleanup_strv_free_ char **entries = NULL;
        bool dns = c->n_dns > 0;
        size_t size = 0;
        FILE *f;
        DIR *d;

        /* "up" writes the resolv.conf from a ConfigFile='s DNS= when [Namespace] has none */
        if (!dns && c->has_wireguard && c->wg.config_file) {
                int r = wgquick_dns_count(c->wg.config_file);

                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        log_warning("%s: cannot read ConfigFile=%s now (see above); attached units keep the host's resolv.conf.",
                                    c->name, c->wg.config_file);
                dns = r > 0;
        }

        state = strdup_printf("%s/%s", netnsctl_run_dir(), c->name);
        overlay = strdup_printf("%s/%s", netns_conf_dir(), c->name);
        if (!state || !overlay)
                return -ENOMEM;
        if (!path_is_plain(state)) {
                log_warning("%s: run directory path %s cannot go into unit files as it is; attached units keep the host's /sys and /etc.",
                            c->name, state);
                *ret = NULL;
                return 0;
        }
        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;

        fprintf(f, "BindPaths=%s/sys:/sys\n", state);
        fputs("BindPaths=", f);
        for (size_t i = 0; i < ELEMENTSOF(sysfs_submount_paths); i++)
                fprintf(f, "%s-%s", i > 0 ? " " : "", sysfs_submount_paths[i]);
        fputc('\n', f);

        d = opendir(overlay);
        if (d) {
                struct dirent *de;

                while ((de = readdir(d)))
                        if (!streq(de->d_name, ".") && !streq(de->d_name, "..") &&
                            strv_extend(&entries, de->d_name) < 0) {
                                closedir(d);
                                fclose(f);
                                return -ENOMEM;
                        }
                closedir(d);
        }
        if (entries)
                qsort(entries, strv_length(entries), sizeof(char *), sort_strcmp);
        STRV_FOREACH(e, entries) {
                _cleanup_free_ char *src = strdup_printf("%s/%s", overlay, *e);
                _cleanup_free_ char *dst = strdup_printf("%s/%s", host_etc, *e);
                struct stat st;

                if (!src || !dst) {
                        fclose(f);
                        return -ENOMEM;
                }
                if (dns && streq(*e, "resolv.conf"))
                        continue; /* the generated one wins, as in "netnsctl exec" */
                if (!path_is_plain(src) || strchr(*e, '/')) {
                        log_warning("%s: %s cannot go into a unit file as it is, attached units will not see it.", c->name, src);
                        continue;
                }
                if (lstat(dst, &st) < 0) {
                        /* documented in netns-generator(8); not worth a line at every boot */
                        log_debug("%s: %s has no counterpart %s, attached units will not see it.", c->name, src, dst);
                        continue;
                }
                fprintf(f, "BindReadOnlyPaths=-%s:/etc/%s\n", src, *e);
        }

        if (dns) {
                struct stat st;
                const char *masked_dir = NULL;
                _cleanup_free_ char *target = NULL, *dir = NULL;

                if (lstat(host_resolv, &st) >= 0 && S_ISLNK(st.st_mode)) {
                        target = resolve_link(host_resolv);
                        if (!target) {
                                fclose(f);
                                return -ENOMEM;
                        }
                        dir = strdup(target);
                        if (!dir) {
                                fclose(f);
                                return -ENOMEM;
                        }
                        *strrchr(dir, '/') = 0;
                }
                if (target && path_is_plain(target) && dir[0] && !startswith(dir, "/etc") && !streq(dir, "/run") &&
                    !streq(dir, "/")) {
                        fprintf(f, "TemporaryFileSystem=%s\n", dir);
                        fprintf(f, "BindReadOnlyPaths=%s/resolv.conf:%s\n", state, target);
                        masked_dir = dir;
                } else {
                        if (target)
                                log_warning("%s: /etc/resolv.conf points to %s; binding the namespace's resolv.conf over the link itself.",
                                            c->name, target);
                        fprintf(f, "BindReadOnlyPaths=%s/resolv.conf:/etc/resolv.conf\n", state);
                }
                fprintf(f, "InaccessiblePaths=");
                bool first = true;
                static const char *const resolvers[] = { "/run/systemd/resolve", "/run/nscd" };
                for (size_t i = 0; i < ELEMENTSOF(resolvers); i++) {
                        if (masked_dir && streq(masked_dir, resolvers[i]))
                                continue;
                        fprintf(f, "%s-%s", first ? "" : " ", resolvers[i]);
                        first = false;
                }
                fprintf(f, "\n");
        }

        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}
