/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check.c - netnsctl check: validate configuration files, like "nginx -t" */

#include <dirent.h>
#include <net/if.h>
#include <sys/stat.h>

#include "addr.h"
#include "conf.h"
#include "log.h"
#include "name.h"
#include "nft.h"
#include "ns.h"
#include "steps.h"
#include "util.h"
#include "verbs.h"

struct checked {
        struct netns_config **configs;
        size_t n_configs;
        bool host;        /* "check NAME": also what the running host says (see host_checks()) */
        bool failed;
};

/* Keep a loaded config for the checks across namespaces. */
static int keep(struct checked *k, struct netns_config *c) {
        struct netns_config **p = ARRAY_APPEND(k->configs, k->n_configs);

        if (!p) {
                netns_config_free(c);
                return log_oom();
        }
        *p = c;
        return 0;
}

/* What "up" would refuse that only the running host can tell, read without changing it:
 * Parent= links that do not exist, sysctls the kernel lacks, forwarded ports in use. */
static int host_checks(const struct netns_config *c) {
        int ret = 0, r;

        for (size_t i = 0; i < c->n_links; i++) {
                const struct netns_link *l = &c->links[i];

                if (l->parent && if_nametoindex(l->parent) == 0) {
                        (void) log_syntax(l->origin.file ?: c->name, l->origin.line,
                                          "Parent=%s: no such link on the host.", l->parent);
                        ret = -ENODEV;
                }
        }
        for (size_t i = 0; i < c->n_sysctls; i++) {
                const struct netns_sysctl *x = &c->sysctls[i];

                r = netns_sysctl_known(x->key);
                if (r == 0) {
                        (void) log_syntax(x->origin.file ?: c->name, x->origin.line,
                                          "Sysctl=%s: this kernel has no such setting.", x->key);
                        ret = -ENOENT;
                }
        }
        r = nat_check_host_listeners(c);
        if (r == -ENOMEM)
                return r;
        return r < 0 ? r : ret;
}

/* Load one namespace; problems are reported by the loader, only the outcome is kept here. */
static int check_one(struct checked *k, const char *dir, const char *name, const char *path) {
        struct netns_config *c = NULL;
        int r;

        r = path ? netns_config_load_path(path, &c) : netns_config_load(dir, name, &c);
        if (r == -ENOMEM)
                return r;
        if (r == -ENOENT) {
                /* the loader is silent about a missing file: here it was asked for */
                log_error("%s%s%s%s: No such file or directory", path ?: dir ?: netns_conf_dir(),
                          path ? "" : "/", path ? "" : name, path ? "" : ".conf");
                k->failed = true;
                return 0;
        }
        if (r < 0) {
                k->failed = true; /* reported already: FILE:LINE, or the read error */
                return 0;
        }
        /* what only the names derived from the config show: as "up" does before it makes anything */
        r = link_names_check(c);
        if (r == -ENOMEM) {
                netns_config_free(c);
                return r;
        }
        if (r < 0)
                k->failed = true; /* reported: FILE:LINE */
        /* a ConfigFile= holds a secret: only root reads it, as "up" does */
        if (geteuid() == 0) {
                r = wireguard_check_config_file(c);
                if (r == -ENOMEM) {
                        netns_config_free(c);
                        return r;
                }
                if (r < 0)
                        k->failed = true; /* reported: FILE:LINE */
        }
        if (k->host) {
                r = host_checks(c);
                if (r == -ENOMEM) {
                        netns_config_free(c);
                        return r;
                }
                if (r < 0)
                        k->failed = true; /* reported */
        }
        return keep(k, c);
}

static int check_arg(struct checked *k, const char *a) {
        _cleanup_free_ char *dir = NULL, *main_path = NULL;
        const char *slash;
        struct stat st;

        if (!strchr(a, '/') && !str_endswith(a, ".conf")) {
                /* a name; the loader reports an invalid one, naming the file */
                return check_one(k, NULL, a, NULL);
        }

        if (stat(a, &st) < 0) {
                log_error_errno(errno, "%s: %m", a);
                k->failed = true;
                return 0;
        }
        if (!str_endswith(a, ".conf")) {
                log_error("%s: not a namespace configuration file (NAME.conf).", a);
                k->failed = true;
                return 0;
        }

        /* a drop-in: check the namespace it belongs to, which reads it too */
        slash = strrchr(a, '/');
        if (slash) {
                dir = strndup(a, (size_t) (slash - a));
                if (!dir)
                        return log_oom();
                if (str_endswith(dir, ".conf.d")) {
                        main_path = strndup(dir, strlen(dir) - STRLEN(".d"));
                        if (!main_path)
                                return log_oom();
                        return check_one(k, NULL, NULL, main_path);
                }
        }
        return check_one(k, NULL, NULL, a);
}

static int check_dir(struct checked *k, const char *dir) {
        _cleanup_strv_free_ char **files = NULL;
        int r;

        /* the generator's list: *.conf, hidden ones (an editor's ".#web.conf") skipped */
        r = netns_conf_files_list(dir, 0, &files);
        if (r == -ENOENT)
                return 0; /* nothing configured: nothing wrong */
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                log_error_errno(r, "%s: failed to read: %m", dir);
                k->failed = true;
                return 0;
        }
        STRV_FOREACH(f, files) {
                _cleanup_free_ char *name = strndup(*f, strlen(*f) - STRLEN(".conf"));

                if (!name)
                        return log_oom();
                /* the loader names the file when the name is invalid */
                r = check_one(k, dir, name, NULL);
                if (r < 0)
                        return log_oom();
        }
        return 0;
}

struct host_use {
        const char *name;
        const struct netns_config *c;
        struct conf_origin origin;
        const char *what;
};

static int host_use_cmp(const void *a, const void *b) {
        const struct host_use *x = a, *y = b;
        int r = strcmp(x->name, y->name);

        if (r != 0)
                return r;
        return strcmp(x->c->name, y->c->name);
}

/* Host-side names two namespaces would both claim: a veth host name (explicit or derived),
 * a host link moved in. Either would make the second namespace fail to start. */
static int check_across(struct checked *k) {
        _cleanup_free_ struct host_use *u = NULL;
        _cleanup_free_ char *derived = NULL;
        size_t n = 0, m = 0;

        for (size_t i = 0; i < k->n_configs; i++)
                m += 1 + k->configs[i]->n_links;
        u = calloc(m ?: 1, sizeof(*u));
        derived = calloc(k->n_configs ?: 1, IFNAMSIZ);
        if (!u || !derived)
                return log_oom();

        for (size_t i = 0; i < k->n_configs; i++) {
                const struct netns_config *c = k->configs[i];

                if (c->has_veth) {
                        const char *h = c->veth.host_name;

                        if (!h) {
                                if (netns_ifname_host(c->name, derived + i * IFNAMSIZ) < 0)
                                        continue;
                                h = derived + i * IFNAMSIZ;
                        }
                        u[n++] = (struct host_use) { h, c, c->veth.origin, "its veth" };
                }
                for (size_t j = 0; j < c->n_links; j++)
                        if (link_moves_in(&c->links[j]) && c->links[j].parent)
                                u[n++] = (struct host_use) { c->links[j].parent, c, c->links[j].origin,
                                                             "a [Link] that moves it in" };
        }
        qsort(u, n, sizeof(*u), host_use_cmp);
        for (size_t i = 1, first = 0; i < n; i++) {
                if (!streq(u[i].name, u[first].name)) {
                        first = i;
                        continue;
                }
                if (u[i].c == u[first].c)
                        continue; /* inside one namespace: its own check reported it */
                (void) log_syntax(u[i].origin.file ?: u[i].c->name, u[i].origin.line,
                                  "Host interface \"%s\" is also claimed by namespace %s, by %s (%s:%u).",
                                  u[i].name, u[first].c->name, u[first].what,
                                  u[first].origin.file ?: "?", u[first].origin.line);
                k->failed = true;
        }
        return 0;
}

static bool is_link_local6(const struct netns_prefix *p) {
        return p->family == AF_INET6 && p->addr.bytes[0] == 0xfe && (p->addr.bytes[1] & 0xc0) == 0x80;
}

/* The static veth addresses of @c, both ends: the host routes each such subnet to its veth. */
static void veth_statics(const struct netns_config *c, const struct netns_prefix *ret[2], size_t ret_n[2]) {
        ret[0] = c->veth.host_addresses;
        ret_n[0] = c->has_veth ? c->veth.n_host_addresses : 0;
        ret[1] = c->veth.addresses;
        ret_n[1] = c->has_veth ? c->veth.n_addresses : 0;
}

/* Static veth subnets of two namespaces that overlap: the second to start is refused (the
 * host would route the subnet to one of the two veths). Reported at the later line. */
static void check_subnets(struct checked *k) {
        for (size_t i = 0; i < k->n_configs; i++)
                for (size_t j = i + 1; j < k->n_configs; j++) {
                        const struct netns_config *a = k->configs[i], *b = k->configs[j];
                        const struct netns_prefix *pa[2], *pb[2];
                        size_t na[2], nb[2];

                        veth_statics(a, pa, na);
                        veth_statics(b, pb, nb);
                        for (int ea = 0; ea < 2; ea++)
                                for (size_t x = 0; x < na[ea]; x++)
                                        for (int eb = 0; eb < 2; eb++)
                                                for (size_t y = 0; y < nb[eb]; y++) {
                                                        const struct netns_prefix *p = &pa[ea][x], *q = &pb[eb][y];
                                                        char bp[ADDR_PREFIX_STRLEN], bq[ADDR_PREFIX_STRLEN];

                                                        if (is_link_local6(p) || !addr_prefix_overlaps(p, q))
                                                                continue;
                                                        (void) log_syntax(q->origin.file ?: b->name, q->origin.line,
                                                                          "%s=%s overlaps %s=%s of namespace %s (%s:%u); the second to start would be refused.",
                                                                          eb ? "Address" : "HostAddress", addr_prefix_to_string(q, bq),
                                                                          ea ? "Address" : "HostAddress", addr_prefix_to_string(p, bp),
                                                                          a->name, p->origin.file ?: "?", p->origin.line);
                                                        k->failed = true;
                                                }
                }
}

static bool ports_clash(const struct netns_port *a, const struct netns_port *b) {
        if (a->protocol != b->protocol || a->host_port > b->host_port_end || b->host_port > a->host_port_end)
                return false;
        /* a forward on one host address takes precedence over one on all: no clash */
        if (a->host_family != b->host_family)
                return false;
        return a->host_family == AF_UNSPEC ||
               memcmp(&a->host_addr, &b->host_addr, a->host_family == AF_INET ? 4 : 16) == 0;
}

/* The same host port forwarded by two namespaces: the second to start is refused. */
static void check_ports(struct checked *k) {
        for (size_t i = 0; i < k->n_configs; i++)
                for (size_t j = i + 1; j < k->n_configs; j++) {
                        const struct netns_config *a = k->configs[i], *b = k->configs[j];

                        for (size_t x = 0; x < a->n_ports; x++)
                                for (size_t y = 0; y < b->n_ports; y++) {
                                        const struct netns_port *p = &a->ports[x], *q = &b->ports[y];
                                        char host[INET6_ADDRSTRLEN] = "every host address";

                                        if (!ports_clash(p, q))
                                                continue;
                                        if (q->host_family != AF_UNSPEC)
                                                (void) inet_ntop(q->host_family, &q->host_addr, host, sizeof(host));
                                        /* the first port both forward */
                                        (void) log_syntax(q->origin.file ?: b->name, q->origin.line,
                                                          "Port=: %s port %u on %s is also forwarded by namespace %s (%s:%u); the second to start would be refused.",
                                                          nat_proto_name(q->protocol),
                                                          (unsigned) (p->host_port > q->host_port ? p->host_port : q->host_port),
                                                          host, a->name, p->origin.file ?: "?", p->origin.line);
                                        k->failed = true;
                                }
                }
}

/**
 * verb_check() - "netnsctl check [NAME|PATH...]"
 * @argc: argument count, the verb included
 * @argv: the verb, then namespace names or paths; none = every *.conf in netns_conf_dir()
 *
 * Silent when everything is fine; one line per problem otherwise.
 * Return: 0, or -EINVAL if any problem was found (already reported).
 */
int verb_check(int argc, char **argv) {
        struct checked k = {};
        int r = 0;

        if (argc <= 1)
                r = check_dir(&k, netns_conf_dir());
        else
                k.host = true;
        for (int i = 1; i < argc && r >= 0; i++)
                r = check_arg(&k, argv[i]);
        if (r >= 0)
                r = check_across(&k);
        if (r >= 0) {
                check_subnets(&k);
                check_ports(&k);
        }

        for (size_t i = 0; i < k.n_configs; i++)
                netns_config_free(k.configs[i]);
        free(k.configs);
        if (r < 0)
                return r == -ENOMEM ? log_oom() : r;
        return k.failed ? -EINVAL : 0;
}
