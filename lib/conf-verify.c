/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf-verify.c - the checks of a configuration across keys, sections and files, once all are parsed */

#include <arpa/inet.h>
#include <stdarg.h>

#include "conf.h"
#include "log.h"
#include "util.h"

struct ifname_use {
        const char *name;
        const char *what;
        struct conf_origin origin;
        size_t order;
};

static int ifname_use_cmp(const void *a, const void *b) {
        const struct ifname_use *x = a, *y = b;
        int r = strcmp(x->name, y->name);

        if (r != 0)
                return r;
        return x->order < y->order ? -1 : x->order > y->order;
}

static int verify_fail(bool *failed, struct conf_origin o, const char *fmt, ...) _printf_(3, 4);
static int verify_fail(bool *failed, struct conf_origin o, const char *fmt, ...) {
        char msg[1024];
        va_list ap;

        va_start(ap, fmt);
        (void) vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        *failed = true;
        return log_syntax(o.file ?: "(config)", o.line, "%s", msg);
}

/* Sort-based duplicate search over the names inside the namespace: n log n, not n². */
static int verify_ifnames(struct netns_config *c, bool *failed) {
        _cleanup_free_ struct ifname_use *u = NULL;
        size_t n = 0;

        u = calloc(c->n_links * 2 + 2, sizeof(*u));
        if (!u)
                return -ENOMEM;
        if (c->has_veth) {
                u[n] = (struct ifname_use) { c->veth.name ?: NETNS_PEER_NAME_DEFAULT, "[Veth] Name=",
                                             c->veth.origin, n };
                n++;
        }
        for (size_t i = 0; i < c->n_links; i++) {
                const struct netns_link *l = &c->links[i];
                const char *name = l->name ?: link_moves_in(l) ? l->parent : NULL;

                if (name) {
                        u[n] = (struct ifname_use) { name, "[Link] Name=", l->origin, n };
                        n++;
                }
        }
        for (size_t i = 0; i < n; i++)
                if (streq(u[i].name, "lo"))
                        (void) verify_fail(failed, u[i].origin, "%s%s: \"lo\" is the namespace's loopback device.",
                                           u[i].what, u[i].name);
        qsort(u, n, sizeof(*u), ifname_use_cmp);
        for (size_t i = 1; i < n; i++)
                if (streq(u[i].name, u[i - 1].name) && !streq(u[i].name, "lo"))
                        (void) verify_fail(failed, u[i].origin,
                                           "Interface name \"%s\" inside the namespace is already used by %s at %s:%u.",
                                           u[i].name, u[i - 1].what, u[i - 1].origin.file ?: "?", u[i - 1].origin.line);

        /* a host link can be moved in only once */
        n = 0;
        for (size_t i = 0; i < c->n_links; i++)
                if (link_moves_in(&c->links[i]) && c->links[i].parent) {
                        u[n] = (struct ifname_use) { c->links[i].parent, "[Link]", c->links[i].origin, n };
                        n++;
                }
        qsort(u, n, sizeof(*u), ifname_use_cmp);
        for (size_t i = 1; i < n; i++)
                if (streq(u[i].name, u[i - 1].name))
                        (void) verify_fail(failed, u[i].origin,
                                           "Host link \"%s\" is already moved into the namespace by the [Link] at %s:%u.",
                                           u[i].name, u[i - 1].origin.file ?: "?", u[i - 1].origin.line);
        return 0;
}

static int unit_index_cmp(const void *a, const void *b, void *userdata) {
        char **units = userdata;
        size_t x = *(const size_t *) a, y = *(const size_t *) b;
        int r = strcmp(units[x], units[y]);

        if (r != 0)
                return r;
        return x < y ? -1 : x > y;
}

/* Units= listed twice: keep the first. The generator writes one drop-in per unit. */
static int units_dedup(struct netns_config *c) {
        _cleanup_free_ size_t *idx = NULL;
        size_t n = c->n_units, j = 0;

        if (n < 2)
                return 0;
        idx = calloc(n, sizeof(*idx));
        if (!idx)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                idx[i] = i;
        qsort_r(idx, n, sizeof(*idx), unit_index_cmp, c->units);
        /* sorted by name, then position: the first of each run of equal names is kept */
        for (size_t i = 1, keep = idx[0]; i < n; i++)
                if (streq(c->units[idx[i]], c->units[keep])) {
                        free(c->units[idx[i]]);
                        c->units[idx[i]] = NULL;
                } else
                        keep = idx[i];
        for (size_t i = 0; i < n; i++)
                if (c->units[i])
                        c->units[j++] = c->units[i];
        c->units[j] = NULL;
        c->n_units = j;
        return 0;
}

static bool prefixes_have_family(const struct netns_prefix *p, size_t n, int family) {
        for (size_t i = 0; i < n; i++)
                if (p[i].family == family)
                        return true;
        return false;
}

static bool addr_is_link_local6(const struct netns_addr *a) {
        return a->family == AF_INET6 && a->addr.bytes[0] == 0xfe && (a->addr.bytes[1] & 0xc0) == 0x80;
}

int netns_config_verify(struct netns_config *c) {
        struct conf_origin route_owner[2] = {}; /* who adds the default route, IPv4 / IPv6 */
        const char *route_what[2] = {};
        char kinds[256];
        bool failed = false;
        int r;

        for (size_t i = 0; i < c->n_links; i++) {
                struct netns_link *l = &c->links[i];
                const struct link_kind *kind = link_kind_get(l->kind);
                const char *problem;

                if (!kind)
                        (void) verify_fail(&failed, l->origin, "[Link] without Type= (%s).",
                                           link_kind_names(kinds, sizeof(kinds), ", ", " or ", false));
                if (!l->parent && (!kind || kind->needs_parent))
                        (void) verify_fail(&failed, l->origin,
                                           "[Link] without Parent= (the host link to move in, or to put the %s on).",
                                           kind && kind->birth != LINK_BORN_MOVED_IN ? kind->name : "device");
                problem = kind && kind->verify ? kind->verify(l) : NULL;
                if (problem)
                        (void) verify_fail(&failed, l->origin, "%s", problem);
        }

        /* a [Veth] that names no address at all gets automatic ones on both ends */
        if (c->has_veth && !c->veth.addresses_set)
                c->veth.host_address_auto = c->veth.address_auto = true;

        r = verify_ifnames(c, &failed);
        if (r < 0)
                return r;

        /* Gateway= needs an address of its family on the same link (IPv6 link-local gateways
         * are reachable through the automatic fe80::/64); one default route per family. */
        if (c->has_veth && c->veth.default_route) {
                for (int f = 0; f < 2; f++)
                        if (c->veth.host_address_auto ||
                            prefixes_have_family(c->veth.host_addresses, c->veth.n_host_addresses, f ? AF_INET6 : AF_INET)) {
                                route_owner[f] = c->veth.origin;
                                route_what[f] = "the veth (DefaultRoute=yes in [Veth])";
                        }
        }
        for (size_t i = 0; i < c->n_links; i++) {
                struct netns_link *l = &c->links[i];
                bool seen[2] = {};

                for (size_t j = 0; j < l->n_gateways; j++) {
                        const struct netns_addr *g = &l->gateways[j];
                        int f = g->family == AF_INET6;
                        char buf[INET6_ADDRSTRLEN];

                        (void) inet_ntop(g->family, &g->addr, buf, sizeof(buf));
                        if (!addr_is_link_local6(g) && !prefixes_have_family(l->addresses, l->n_addresses, g->family))
                                (void) verify_fail(&failed, l->origin, "Gateway=%s needs an IPv%c Address= on the same [Link].",
                                                   buf, f ? '6' : '4');
                        if (seen[f])
                                continue;
                        seen[f] = true;
                        if (route_what[f])
                                (void) verify_fail(&failed, l->origin,
                                                   "Gateway=%s: an IPv%c default route is already set by %s at %s:%u.",
                                                   buf, f ? '6' : '4', route_what[f], route_owner[f].file ?: "?",
                                                   route_owner[f].line);
                        else {
                                route_owner[f] = l->origin;
                                route_what[f] = "the Gateway= of the [Link]";
                        }
                }
        }

        /* [NAT]: everything goes through the veth */
        if (c->masquerade != NETNS_MASQ_NO && !c->has_veth)
                (void) verify_fail(&failed, c->nat_origin, "Masquerade= needs a [Veth] section (traffic is masqueraded as it leaves through the veth).");
        for (size_t i = 0; i < c->n_ports; i++) {
                const struct netns_port *p = &c->ports[i];
                int f = p->host_family;

                if (!c->has_veth)
                        (void) verify_fail(&failed, p->origin, "Port= needs a [Veth] section (ports are forwarded to the veth peer address).");
                else if (!c->veth.address_auto &&
                         (f == AF_UNSPEC ? c->veth.n_addresses == 0 :
                          !prefixes_have_family(c->veth.addresses, c->veth.n_addresses, f)))
                        (void) verify_fail(&failed, p->origin, "Port= needs an%s Address= in [Veth] to forward to.",
                                           f == AF_INET ? " IPv4" : f == AF_INET6 ? " IPv6" : "");
        }

        r = units_dedup(c);
        if (r < 0)
                return r;
        return failed ? -EINVAL : 0;
}

