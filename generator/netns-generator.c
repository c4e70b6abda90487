/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netns-generator.c - systemd generator: /etc/netns/NAME.conf -> boot symlinks and Units= drop-ins */

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "conf.h"
#include "log.h"
#include "name.h"
#include "util.h"
#include "view.h"

/* The installed template every boot symlink points at (the build's unit dir, from config.h). */
#define NETNS_TEMPLATE_PATH UNITDIR "/netns@.service"
#define NETNS_BOOT_TARGET_WANTS "multi-user.target.wants"
/* /run/netns in a peer group of its own before anything pins there (run-netns.mount) */
#define NETNS_RUN_DIR_MOUNT "run-netns.mount"
#define NETNS_RUN_DIR_MOUNT_PATH UNITDIR "/" NETNS_RUN_DIR_MOUNT
#define NETNS_RUN_DIR_MOUNT_WANTS "local-fs.target.wants"

/* A Units= entry already given a drop-in: two namespaces must never both claim one unit, or
 * the unit would run in whichever namespace's drop-in happens to sort last. (Templates,
 * whose drop-ins would apply to all instances, are refused by the parser.) */
struct claim {
        char *unit;
        const char *source;     /* config file of the namespace that got it; points into sources */
};

struct generator {
        const char *dest;       /* the normal generator dir; early and late are not used */
        const char *conf_dir;
        bool wants_dir_made;
        struct claim *claims;
        size_t n_claims;
        char **sources;         /* config paths the claims point at */
};

/* The values of one namespace as they go into unit files, already escaped. */
struct dropin_values {
        const char *source;     /* raw config path, for the comment header */
        char *source_esc;       /* SourcePath= */
        char *unit_esc;         /* "netns@NAME.service", for BindsTo=/After= */
        char *pin_esc;          /* NetworkNamespacePath= */
        char *view;             /* lines giving the unit the namespace's /sys, /etc files and DNS */
};

static void generator_done(struct generator *g) {
        for (size_t i = 0; i < g->n_claims; i++)
                free(g->claims[i].unit);
        free(g->claims);
        strv_free(g->sources);
}

static void dropin_values_done(struct dropin_values *v) {
        free(v->source_esc);
        free(v->unit_esc);
        free(v->pin_esc);
        free(v->view);
}

/*
 * Make @s safe as a unit file value: every value we write undergoes specifier expansion, so
 * '%' becomes "%%"; a newline would end the directive and start one of the value's choosing,
 * so control characters are refused (names are validated already; paths come from the
 * environment in tests). Returns 0, -EINVAL or -ENOMEM.
 */
static int unit_value_escape(const char *s, char **ret) {
        char *e, *p;
        size_t n = 0;

        for (const char *q = s; *q; q++) {
                if ((unsigned char) *q < 0x20 || *q == 0x7f)
                        return -EINVAL;
                n += *q == '%' ? 2 : 1;
        }
        e = p = malloc(n + 1);
        if (!e)
                return -ENOMEM;
        for (const char *q = s; *q; q++) {
                if (*q == '%')
                        *p++ = '%';
                *p++ = *q;
        }
        *p = 0;
        *ret = e;
        return 0;
}

/* A file name as it can go into a log line: control and non-ASCII bytes as \xNN. */
static char *printable(const char *s) {
        char *e = malloc(strlen(s) * 4 + 1), *p = e;

        if (!e)
                return NULL;
        for (const unsigned char *q = (const unsigned char *) s; *q; q++)
                if (*q < 0x20 || *q >= 0x7f || *q == '\\')
                        p += sprintf(p, "\\x%02x", *q);
                else
                        *p++ = (char) *q;
        *p = 0;
        return e;
}

/* The section of a unit type that takes NetworkNamespacePath=, or NULL for types that run
 * no processes of their own (.target, .timer, .path, ...). */
static const char *exec_section_of(const char *unit) {
        static const char *const map[][2] = {
                { ".service", "Service" },
                { ".socket", "Socket" },
                { ".mount", "Mount" },
                { ".swap", "Swap" },
        };

        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (str_endswith(unit, map[i][0]))
                        return map[i][1];
        return NULL;
}

/* Create the file @path for writing, with its parent directories; fails if it exists. */
static int output_open(const char *path, FILE **ret) {
        _cleanup_free_ char *dir = strdup(path);
        char *slash;
        FILE *f = NULL;
        int r;

        if (!dir)
                return -ENOMEM;
        slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = 0;
                /* usually only the UNIT.d level is missing: one mkdir(), not one per level */
                if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                        if (errno != ENOENT)
                                return -errno;
                        r = mkdir_p(dir, 0755);
                        if (r < 0)
                                return r;
                }
        }
        f = fopen(path, "wxe");
        if (!f)
                return -errno;
        *ret = f;
        return 0;
}

/* Flush and close @f; a short write (ENOSPC, EIO) removes @path rather than leaving a
 * drop-in that binds the unit to the namespace but lacks NetworkNamespacePath=. */
static int output_close(FILE *f, const char *path) {
        int r = 0;

        if (fflush(f) != 0 || ferror(f))
                r = errno > 0 ? -errno : -EIO;
        if (fclose(f) != 0 && r == 0)
                r = negative_errno();
        if (r < 0)
                (void) unlink(path);
        return r;
}

/*
 * The body of the drop-in that puts @unit into the namespace of @c. This is the one place
 * that decides what an attached unit gets; add lines here.
 *
 * BindsTo= + After=: the unit starts only once the pin exists (and starting it starts the
 * namespace), and stops when the namespace goes away, instead of running on in the host's
 * network. NetworkNamespacePath= goes into the unit type's own section.
 */
static void write_dropin_body(FILE *f, const struct netns_config *c, const struct dropin_values *v,
                              const char *section) {
        (void) c;
        fprintf(f,
                "[Unit]\n"
                "SourcePath=%s\n"
                "BindsTo=%s\n"
                "After=%s\n"
                "\n"
                "[%s]\n"
                "NetworkNamespacePath=%s\n"
                "%s",
                v->source_esc, v->unit_esc, v->unit_esc, section, v->pin_esc, strempty(v->view));
}

/* Record that @source attaches @unit. 1 = claimed, -EEXIST = claimed by another namespace
 * (logged), -ENOMEM. The parser drops duplicates within one namespace. */
static int claim_unit(struct generator *g, const char *unit, const char *source) {
        struct claim *cl;
        char *u;

        /* linear: a thousand namespaces with a unit or two each take well under a millisecond */
        for (size_t i = 0; i < g->n_claims; i++)
                if (streq(g->claims[i].unit, unit)) {
                        log_error("%s: %s is already attached to a namespace by %s, not attaching it again.",
                                  source, unit, g->claims[i].source);
                        return -EEXIST;
                }

        u = strdup(unit);
        if (!u)
                return -ENOMEM;
        cl = ARRAY_APPEND(g->claims, g->n_claims);
        if (!cl) {
                free(u);
                return -ENOMEM;
        }
        cl->unit = u;
        cl->source = source;
        return 1;
}

/* Write DEST/UNIT.d/50-netns-NAME.conf. 0 = written or deliberately skipped (logged),
 * <0 = an error writing the output (logged). */
static int add_dropin(struct generator *g, const struct netns_config *c, const struct dropin_values *v,
                      const char *unit) {
        _cleanup_free_ char *path = NULL;
        const char *section;
        FILE *f = NULL;
        int r;

        /* The parser validates Units=; these checks only keep a broken value out of unit files. */
        if (!unit_name_is_valid(unit)) {
                log_error("%s: invalid unit name in Units=, ignoring.", v->source);
                return 0;
        }
        if (startswith(unit, "netns@")) {
                log_error("%s: %s cannot run inside a namespace, ignoring.", v->source, unit);
                return 0;
        }
        section = exec_section_of(unit);
        if (!section) {
                log_error("%s: %s runs no processes, so it cannot be put into a network namespace; "
                          "list the units it starts instead. Ignoring.", v->source, unit);
                return 0;
        }

        r = claim_unit(g, unit, v->source);
        if (r == -EEXIST)
                return 0;
        if (r < 0)
                return log_oom();

        path = strdup_printf("%s/%s.d/50-netns-%s.conf", g->dest, unit, c->name);
        if (!path)
                return log_oom();
        r = output_open(path, &f);
        if (r == -EEXIST) {
                log_error("%s: %s exists already, not attaching %s.", v->source, path, unit);
                return 0;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", path);

        fprintf(f, "# Automatically generated by netns-generator from %s\n\n", v->source);
        write_dropin_body(f, c, v, section);

        r = output_close(f, path);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", path);
        return 0;
}

/* DEST/multi-user.target.wants/netns@NAME.service -> UNITDIR/netns@.service */
static int add_boot_symlink(struct generator *g, const char *name) {
        _cleanup_free_ char *wants = NULL, *link = NULL;
        int r;

        wants = strdup_printf("%s/" NETNS_BOOT_TARGET_WANTS, g->dest);
        if (!wants)
                return log_oom();
        if (!g->wants_dir_made) {
                r = mkdir_p(wants, 0755);
                if (r < 0)
                        return log_error_errno(r, "Failed to create %s: %m", wants);
                g->wants_dir_made = true;
        }

        link = strdup_printf("%s/netns@%s.service", wants, name);
        if (!link)
                return log_oom();
        if (symlink(NETNS_TEMPLATE_PATH, link) < 0) {
                if (errno == EEXIST) {
                        log_error("%s exists already, not linking it.", link);
                        return 0;
                }
                return log_error_errno(errno, "Failed to create symlink %s: %m", link);
        }
        return 0;
}

/* DEST/local-fs.target.wants/run-netns.mount -> UNITDIR/run-netns.mount: /run/netns becomes a
 * mount point of netnsctl's kind at boot, before anything (an "ip netns add" of the admin's or
 * of another tool) can make it one in /run's peer group; see netnsctl(8), FILES. */
static int add_run_dir_mount(struct generator *g) {
        _cleanup_free_ char *wants = NULL, *link = NULL;
        int r;

        wants = strdup_printf("%s/" NETNS_RUN_DIR_MOUNT_WANTS, g->dest);
        link = strdup_printf("%s/" NETNS_RUN_DIR_MOUNT_WANTS "/" NETNS_RUN_DIR_MOUNT, g->dest);
        if (!wants || !link)
                return log_oom();
        r = mkdir_p(wants, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", wants);
        if (symlink(NETNS_RUN_DIR_MOUNT_PATH, link) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create symlink %s: %m", link);
        return 0;
}

/*
 * DEST/netns@NAME.service.d/50-netns.conf: what the namespace's own unit needs beyond the
 * template, derived from its configuration. Written for every namespace: its place in the
 * boot (before network-pre.target, or after network-online.target, see needs_host_network()).
 *
 * [NAT]: netnsctl-nat-watch.service restores the nftables table after a "nft flush ruleset"
 * or a firewall reload; it stops by itself (StopWhenUnneeded=) when no namespace wants it.
 *
 * [Link]: the host links the namespace takes or builds on (a link moved in, the parent of a
 * macvlan/ipvlan/vlan) may not exist yet at boot: a NIC that appears late, or a name udev
 * gives it by renaming. Wants= + After= on their device units make the start wait until udev
 * announces them. Not BindsTo=/Requires=: moving a link in makes its device unit disappear
 * from the host, which would stop the namespace the moment it started. The wait is bounded
 * by a drop-in for each device, DEST/sys-subsystem-net-devices-IFNAME.device.d/50-netns-NAME.conf,
 * as systemd-fstab-generator bounds x-systemd.device-timeout=: the device's start job gives
 * up after 30 s, the namespace's start goes on, and "netnsctl up"
 * reports the missing link naming its [Link]. A parent the namespace itself moves in is the
 * same device, listed once. A [Link] Type=veth to another namespace: Wants= + After= on that
 * namespace's netns@ unit.
 */
/* Whether "up" of @c needs the host's network configured: a [WireGuard] that reaches a peer
 * (an Endpoint= may be a host name; a ConfigFile= is read only at up), or a VXLAN link with no
 * Parent=, whose underlay is whatever the route to its Remote= is. */
static bool needs_host_network(const struct netns_config *c) {
        if (c->has_wireguard) {
                if (c->wg.config_file)
                        return true;
                for (size_t i = 0; i < c->n_wg_peers; i++)
                        if (c->wg_peers[i].endpoint)
                                return true;
        }
        for (size_t i = 0; i < c->n_links; i++)
                if (c->links[i].kind == NETNS_LINK_VXLAN && !c->links[i].parent)
                        return true;
        return false;
}

static int add_namespace_dropin(struct generator *g, const struct netns_config *c, const struct dropin_values *v) {
        _cleanup_free_ char *path = NULL;
        _cleanup_strv_free_ char **devices = NULL;
        bool nat = c->masquerade != NETNS_MASQ_NO || c->n_ports > 0, peers = false;
        FILE *f = NULL;
        int r;

        /* the device units, "sys-subsystem-net-devices-IFNAME.device" with IFNAME escaped as
         * systemd's unit_name_from_path() does it: '-', '\' and anything outside
         * [A-Za-z0-9:_.] as \xNN (an interface name has no '/', ':' or '%'; a leading '.' is
         * escaped only at the start of the whole path) */
        for (size_t i = 0; i < c->n_links; i++) {
                const struct netns_link *l = &c->links[i];
                char unit[STRLEN("sys-subsystem-net-devices-") + 4 * IFNAMSIZ + STRLEN(".device") + 1], *p;

                if (!l->parent || strlen(l->parent) >= IFNAMSIZ)
                        continue;
                if (link_parent_moved_in(c, l))
                        continue;
                p = unit + sprintf(unit, "sys-subsystem-net-devices-");
                for (const char *q = l->parent; *q; q++)
                        if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
                            *q == ':' || *q == '_' || *q == '.')
                                *p++ = *q;
                        else
                                p += sprintf(p, "\\x%02x", (unsigned char) *q);
                (void) strcpy(p, ".device");
                if (strv_contains(devices, unit))
                        continue;
                r = strv_extend(&devices, unit);
                if (r < 0)
                        return log_oom();
        }

        for (size_t i = 0; i < c->n_links; i++)
                peers |= c->links[i].kind == NETNS_LINK_VETH && c->links[i].peer_namespace;

        path = strdup_printf("%s/netns@%s.service.d/50-netns.conf", g->dest, c->name);
        if (!path)
                return log_oom();
        r = output_open(path, &f);
        if (r == -EEXIST) {
                log_error("%s: %s exists already, not writing it.", v->source, path);
                return 0;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", path);

        fprintf(f, "# Automatically generated by netns-generator from %s\n\n", v->source);
        fprintf(f, "[Unit]\nSourcePath=%s\n", v->source_esc);
        /* a tunnel whose underlay is the host's network cannot be made before that network
         * is there: an Endpoint= host name must resolve, a VXLAN's Remote= must be routed.
         * Such a namespace comes after network-online.target; every other one before
         * network-pre.target, so the host's network configuration finds its veth's host end,
         * except one that owns a link to another namespace: it comes after that one, which may
         * come after network-online.target (an ordering cycle otherwise).
         * (Not in netns@.service itself: a drop-in can add an ordering but not remove one.) */
        if (needs_host_network(c))
                fprintf(f, "Wants=network-online.target\nAfter=network-online.target\n");
        else if (!peers) /* else after its peers only: one of them may need the network */
                fprintf(f, "Wants=network-pre.target\nBefore=network-pre.target\n");
        if (nat)
                fprintf(f, "Wants=netnsctl-nat-watch.service\n");
        STRV_FOREACH(d, devices)
                fprintf(f, "Wants=%s\nAfter=%s\n", *d, *d);
        /* a link to another namespace: whichever comes up second makes it (step-peer.c), so
         * order only decides which; starting this one starts the peer too. Not BindsTo=: the
         * peer's stop takes the link along, and its start makes it again, while this one
         * keeps running (and its other links with it). */
        for (size_t i = 0; i < c->n_links; i++)
                if (c->links[i].kind == NETNS_LINK_VETH && c->links[i].peer_namespace)
                        fprintf(f, "Wants=netns@%s.service\nAfter=netns@%s.service\n", c->links[i].peer_namespace,
                                c->links[i].peer_namespace);

        r = output_close(f, path);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", path);

        STRV_FOREACH(d, devices) {
                free(path);
                path = strdup_printf("%s/%s.d/50-netns-%s.conf", g->dest, *d, c->name);
                if (!path)
                        return log_oom();
                r = output_open(path, &f);
                if (r == -EEXIST) {
                        log_error("%s: %s exists already, not writing it.", v->source, path);
                        continue;
                }
                if (r < 0)
                        return log_error_errno(r, "Failed to create %s: %m", path);
                fprintf(f, "# Automatically generated by netns-generator from %s\n\n", v->source);
                fprintf(f, "[Unit]\nSourcePath=%s\nJobRunningTimeoutSec=30s\n", v->source_esc);
                r = output_close(f, path);
                if (r < 0)
                        return log_error_errno(r, "Failed to write %s: %m", path);
        }
        return 0;
}

/* Load one namespace and write what it needs. 0 = done or skipped because of its
 * configuration (logged); <0 = internal error (logged), stop. */
static int process_namespace(struct generator *g, const char *filename) {
        _cleanup_config_ struct netns_config *c = NULL;
        _cleanup_free_ char *name = NULL, *source = NULL, *pin = NULL, *unit = NULL;
        struct dropin_values v = {};
        int r;

        source = strdup_printf("%s/%s", g->conf_dir, filename);
        name = strndup(filename, strlen(filename) - STRLEN(".conf"));
        if (!source || !name)
                return log_oom();

        if (!netns_name_is_valid(name)) {
                _cleanup_free_ char *p = printable(source);

                if (!p)
                        return log_oom();
                log_error("%s: invalid namespace name: 1-%d characters of A-Z a-z 0-9 _ . -, "
                          "not starting with '.' or '-'. Ignoring file.", p, NETNS_NAME_MAX);
                return 0;
        }

        r = netns_config_load(g->conf_dir, name, &c);
        if (r == -ENOMEM)
                return log_oom();
        if (r == -ENOENT) {
                /* removed since we listed the directory, or a dangling symlink */
                log_warning("%s: no such file, skipping namespace %s.", source, name);
                return 0;
        }
        if (r >= 0) {
                /* what only the derived device names show, as "check" and "up" refuse it */
                r = link_names_check(c);
                if (r < 0 && r != -ENOMEM)
                        r = -EINVAL; /* reported: FILE:LINE */
        }
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                /* the parser has reported FILE:LINE already */
                if (r == -EINVAL)
                        log_error("Skipping namespace %s: configuration invalid", name);
                else
                        log_error_errno(r, "Skipping namespace %s: configuration unreadable: %m", name);
                return 0;
        }

        pin = strdup_printf("%s/%s", netns_run_dir(), name);
        unit = strdup_printf("netns@%s.service", name);
        if (!pin || !unit)
                return log_oom();
        v.source = source;
        r = unit_value_escape(source, &v.source_esc);
        if (r >= 0)
                r = unit_value_escape(unit, &v.unit_esc);
        if (r >= 0)
                r = unit_value_escape(pin, &v.pin_esc);
        if (r < 0) {
                dropin_values_done(&v);
                if (r == -ENOMEM)
                        return log_oom();
                return log_error_errno(r, "Configuration or run directory path contains control characters, "
                                       "refusing to write it into unit files.");
        }

        if (c->boot) {
                r = add_boot_symlink(g, name);
                if (r < 0)
                        goto finish;
        }

        r = add_namespace_dropin(g, c, &v);
        if (r < 0)
                goto finish;

        if (c->units) {
                r = netns_view_lines(c, &v.view);
                if (r < 0) {
                        r = log_oom();
                        goto finish;
                }
                /* claims point at the source path: keep it as long as the generator runs */
                r = strv_extend(&g->sources, source);
                if (r < 0) {
                        r = log_oom();
                        goto finish;
                }
                v.source = g->sources[strv_length(g->sources) - 1];
        }
        STRV_FOREACH(u, c->units) {
                r = add_dropin(g, c, &v, *u);
                if (r < 0)
                        break;
        }

finish:
        dropin_values_done(&v);
        return r < 0 ? r : 0;
}

static int run(const char *dest) {
        _cleanup_strv_free_ char **files = NULL;
        _cleanup_free_ char *cwd = NULL, *abs_dir = NULL;
        struct generator g = {
                .dest = dest,
                .conf_dir = netns_conf_dir(),
        };
        int r;

        /* systemd ignores a relative SourcePath=; only a hand-set $NETNSCTL_CONF_DIR can be one */
        if (g.conf_dir[0] != '/') {
                cwd = get_current_dir_name();
                if (!cwd)
                        return log_error_errno(errno, "Failed to get the current directory: %m");
                abs_dir = strdup_printf("%s/%s", cwd, g.conf_dir);
                if (!abs_dir)
                        return log_oom();
                g.conf_dir = abs_dir;
        }

        r = netns_conf_files_list(g.conf_dir, 0, &files);
        if (r == -ENOENT) {
                log_debug("%s does not exist, nothing to do.", g.conf_dir);
                return 0;
        }
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", g.conf_dir);

        /* logged; the namespaces work without it (netnsctl up prepares /run/netns itself) */
        if (files && files[0])
                (void) add_run_dir_mount(&g);
        STRV_FOREACH(f, files) {
                r = process_namespace(&g, *f);
                if (r < 0)
                        break;
        }

        generator_done(&g);
        return r < 0 ? r : 0;
}

/* Run by systemd: log to /dev/kmsg, the journal is not up yet. The manager sets
 * $SYSTEMD_SCOPE for generators (and runs them from a helper process, so the parent is not
 * always PID 1); run by hand or by the tests: log to stderr. $SYSTEMD_LOG_TARGET wins. */
static void log_setup(void) {
        const char *t = secure_getenv("SYSTEMD_LOG_TARGET");
        enum log_target target = LOG_TARGET_CONSOLE;

        if (getppid() == 1 || secure_getenv("SYSTEMD_SCOPE"))
                target = LOG_TARGET_KMSG;
        if (t && streq(t, "kmsg"))
                target = LOG_TARGET_KMSG;
        else if (t && streq(t, "console"))
                target = LOG_TARGET_CONSOLE;

        log_set_prefix("netns-generator");
        log_set_target(target);
        log_parse_environment();
}

int main(int argc, char *argv[]) {
        int r;

        log_setup();

        /* systemd passes three dirs (normal, early, late); one dir means all three */
        if (argc != 2 && argc != 4) {
                log_error("This program takes one or three arguments.");
                return EXIT_FAILURE;
        }

        umask(0022);
        r = run(argv[1]);

        /* A bad /etc/netns file is logged and skipped: exit 0, or systemd warns about the
         * generator on every boot. Fail only when the output could not be written. */
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
