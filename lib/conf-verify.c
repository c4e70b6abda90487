/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf-verify.c - the checks of a configuration across keys, sections and files, once all are parsed */

#include <arpa/inet.h>
#include <assert.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>

#include "addr.h"
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

        u = calloc(c->n_links * 2 + 3, sizeof(*u));
        if (!u)
                return -ENOMEM;
        if (c->has_veth) {
                u[n] = (struct ifname_use) { c->veth.name ?: NETNS_PEER_NAME_DEFAULT, "[Veth] Name=",
                                             c->veth.origin, n };
                n++;
        }
        if (c->has_wireguard) {
                u[n] = (struct ifname_use) { c->wg.name ?: NETNS_WG_NAME_DEFAULT, "[WireGuard] Name=", c->wg.origin, n };
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

static bool prefixes_cover(const struct netns_prefix *p, size_t n, const struct netns_addr *a) {
        for (size_t i = 0; i < n; i++)
                if (addr_prefix_contains(&p[i], a->family, &a->addr))
                        return true;
        return false;
}

int route_gateway_link(const struct netns_config *c, const struct netns_route *rt,
                       const struct netns_prefix *veth_inside, size_t n_veth_inside) {
        const struct netns_addr *g = &rt->gateway;
        int found = -ENXIO, n_family = 0;
        size_t n_links;

        assert(g->family != AF_UNSPEC);
        if (!addr_is_link_local6(g)) {
                /* the link whose subnet covers the gateway: the veth first, then the [Link]s */
                if (c->has_veth && prefixes_cover(veth_inside, n_veth_inside, g))
                        return 0;
                for (size_t i = 0; i < c->n_links; i++)
                        if (prefixes_cover(c->links[i].addresses, c->links[i].n_addresses, g))
                                return (int) i + 1;
                if (!rt->gateway_onlink)
                        return -ENXIO;
        }
        /* on-link or link-local: the one link that can have it (an address of its family; any
         * link for an IPv6 link-local gateway), else the namespace's only link */
        if (c->has_veth && (addr_is_link_local6(g) || prefixes_have_family(veth_inside, n_veth_inside, g->family))) {
                found = 0;
                n_family++;
        }
        for (size_t i = 0; i < c->n_links; i++)
                if (addr_is_link_local6(g) ||
                    prefixes_have_family(c->links[i].addresses, c->links[i].n_addresses, g->family)) {
                        found = (int) i + 1;
                        n_family++;
                }
        if (n_family > 1)
                return -ENOTUNIQ;
        if (n_family == 1)
                return found;
        n_links = c->n_links + c->has_veth;
        if (n_links > 1)
                return -ENOTUNIQ;
        if (n_links == 0)
                return -ENXIO;
        return c->has_veth ? 0 : 1;
}

/* The veth's addresses inside as "check" knows them: static ones, and for "auto" the pool
 * (IPv4) and the home /64 (IPv6) the automatic ones come from. "up" passes the real ones. */
static int veth_inside_planned(const struct netns_config *c, struct netns_prefix **ret, size_t *ret_n) {
        const struct netns_veth *v = &c->veth;
        size_t n = v->n_addresses;
        struct netns_prefix *p;

        p = calloc(n + 2, sizeof(*p));
        if (!p)
                return -ENOMEM;
        if (n > 0)
                memcpy(p, v->addresses, n * sizeof(*p));
        if (v->address_auto) {
                struct addr_auto a6;

                p[n++] = v->pool;
                if (addr_auto_v6(c->name ?: "", NULL, NULL, &a6) >= 0)
                        p[n++] = a6.peer;
        }
        *ret = p;
        *ret_n = n;
        return 0;
}

static bool addr_in_prefixes(const struct netns_prefix *p, size_t n, const struct netns_addr *a) {
        for (size_t i = 0; i < n; i++)
                if (p[i].family == a->family && memcmp(&p[i].addr, &a->addr, a->family == AF_INET ? 4 : 16) == 0)
                        return true;
        return false;
}

static bool route_same_key(const struct netns_route *a, const struct netns_route *b) {
        return a->destination.family == b->destination.family && a->destination.prefixlen == b->destination.prefixlen &&
               memcmp(&a->destination.addr, &b->destination.addr, sizeof(a->destination.addr)) == 0 &&
               (a->table ?: RT_TABLE_MAIN) == (b->table ?: RT_TABLE_MAIN) && a->metric == b->metric;
}

/*
 * [Route]: families agree, a unicast route has a gateway on some link of the namespace, a
 * route to nowhere has none, the preferred source is an address of the namespace, and no two
 * routes (nor a route and the default route of the veth or a [Link]) claim the same
 * destination in one table. @route_owner/@route_what: who set the default route of each
 * family in the main table so far.
 */
static int verify_routes(struct netns_config *c, bool *failed, struct conf_origin route_owner[2], const char *route_what[2]) {
        _cleanup_free_ struct netns_prefix *veth_inside = NULL;
        size_t n_veth_inside = 0;
        int r;

        if (c->n_routes == 0)
                return 0;
        if (c->has_veth) {
                r = veth_inside_planned(c, &veth_inside, &n_veth_inside);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < c->n_routes; i++) {
                struct netns_route *rt = &c->routes[i];
                const char *type = netns_route_type_to_string(rt->type);
                char buf[ADDR_PREFIX_STRLEN], gw[INET6_ADDRSTRLEN];
                int family = rt->destination.family ?: rt->gateway.family ?: rt->prefsrc.family;

                if (family == AF_UNSPEC) {
                        (void) verify_fail(failed, rt->origin, "[Route] needs Destination= (or Gateway=, for a default route).");
                        continue;
                }
                if ((rt->gateway.family && rt->gateway.family != family) || (rt->prefsrc.family && rt->prefsrc.family != family)) {
                        (void) verify_fail(failed, rt->origin, "[Route] mixes IPv4 and IPv6 in Destination=, Gateway= and PreferredSource=.");
                        continue;
                }
                if (rt->destination.family == AF_UNSPEC)
                        rt->destination = (struct netns_prefix) { .family = family, .origin = rt->origin };
                (void) addr_prefix_to_string(&rt->destination, buf);

                if (rt->type != NETNS_ROUTE_UNICAST && rt->gateway.family) {
                        (void) verify_fail(failed, rt->origin, "[Route] Type=%s takes no Gateway= (the kernel answers for %s itself).",
                                           type, buf);
                        continue;
                }
                if (rt->type == NETNS_ROUTE_UNICAST && !rt->gateway.family) {
                        (void) verify_fail(failed, rt->origin,
                                           "[Route] Destination=%s needs Gateway= (its link is the one the gateway is on), or Type=blackhole, unreachable or prohibit.",
                                           buf);
                        continue;
                }
                if (rt->gateway.family) {
                        (void) addr_to_string(family, &rt->gateway.addr, gw);
                        r = route_gateway_link(c, rt, veth_inside, n_veth_inside);
                        if (r == -ENXIO)
                                (void) verify_fail(failed, rt->origin,
                                                   "[Route] Gateway=%s is on no link of the namespace: no address of the veth or of a [Link] covers it%s.",
                                                   gw, rt->gateway_onlink ? "" : " (GatewayOnLink=yes takes it as on the link)");
                        else if (r == -ENOTUNIQ)
                                (void) verify_fail(failed, rt->origin,
                                                   "[Route] Gateway=%s: no address covers it and several links could have it; add an Address= whose subnet covers it to the link it is on.",
                                                   gw);
                }
                if (rt->prefsrc.family) {
                        bool ok = c->has_veth && (addr_in_prefixes(c->veth.addresses, c->veth.n_addresses, &rt->prefsrc) ||
                                                  (c->veth.address_auto && prefixes_cover(veth_inside, n_veth_inside, &rt->prefsrc)));
                        char src[INET6_ADDRSTRLEN];

                        for (size_t j = 0; j < c->n_links && !ok; j++)
                                ok = addr_in_prefixes(c->links[j].addresses, c->links[j].n_addresses, &rt->prefsrc);
                        if (!ok)
                                (void) verify_fail(failed, rt->origin,
                                                   "[Route] PreferredSource=%s is no address of the namespace (an Address= of the veth or of a [Link]).",
                                                   addr_to_string(family, &rt->prefsrc.addr, src));
                }

                /* one route per destination, table and metric; one default per family and table */
                for (size_t j = 0; j < i; j++) {
                        const struct netns_route *o = &c->routes[j];

                        if (route_same_key(rt, o) ||
                            (rt->destination.prefixlen == 0 && o->destination.prefixlen == 0 &&
                             o->destination.family == family && (o->table ?: RT_TABLE_MAIN) == (rt->table ?: RT_TABLE_MAIN))) {
                                (void) verify_fail(failed, rt->origin, "[Route] Destination=%s: the same route is already set by the [Route] at %s:%u.",
                                                   buf, o->origin.file ?: "?", o->origin.line);
                                break;
                        }
                }
                if (rt->destination.prefixlen == 0 && (rt->table ?: RT_TABLE_MAIN) == RT_TABLE_MAIN) {
                        int f = family == AF_INET6;

                        if (route_what[f] && !streq(route_what[f], "the [Route]"))
                                (void) verify_fail(failed, rt->origin, "[Route]: an IPv%c default route is already set by %s at %s:%u.",
                                                   f ? '6' : '4', route_what[f], route_owner[f].file ?: "?", route_owner[f].line);
                        else if (!route_what[f]) {
                                route_owner[f] = rt->origin;
                                route_what[f] = "the [Route]";
                        }
                }
        }
        return 0;
}

int netns_veth_default_route_conflict(const struct netns_config *c, const struct netns_prefix *aip) {
        const struct conf_origin *o = &c->veth.default_route_origin;
        char buf[ADDR_PREFIX_STRLEN];

        if (!c->has_veth || !c->veth.default_route || o->line == 0 || aip->prefixlen != 0)
                return 0;
        return log_syntax(o->file ?: "(config)", o->line,
                          "DefaultRoute=yes: the WireGuard tunnel owns the IPv%c default route (AllowedIPs=%s at %s:%u), "
                          "so the veth gets none: a default via the veth would let traffic leave outside the tunnel "
                          "when it stops (the kill switch). Remove DefaultRoute=, or the default from AllowedIPs=.",
                          aip->family == AF_INET6 ? '6' : '4', addr_prefix_to_string(aip, buf),
                          aip->origin.file ?: "?", aip->origin.line);
}

/* [WireGuard] and its peers: one source of keys, and peers from one place. */
static void verify_wireguard(struct netns_config *c, bool *failed) {
        const struct netns_wireguard *w = &c->wg;
        int keys = w->has_private_key + !!w->private_key_file + !!w->config_file;
        bool tunnel_default_seen = false;

        if (!c->has_wireguard) {
                if (c->n_wg_peers > 0)
                        (void) verify_fail(failed, c->wg_peers[0].origin, "[WireGuardPeer] needs a [WireGuard] section.");
                return;
        }
        if (keys == 0)
                (void) verify_fail(failed, w->origin, "[WireGuard] needs PrivateKey=, PrivateKeyFile= or ConfigFile=.");
        else if (keys > 1)
                (void) verify_fail(failed, w->origin,
                                   "[WireGuard]: PrivateKey=, PrivateKeyFile= and ConfigFile= exclude each other "
                                   "(a ConfigFile= has its own PrivateKey).");
        if (w->config_file) {
                if (c->n_wg_peers > 0)
                        (void) verify_fail(failed, c->wg_peers[0].origin,
                                           "[WireGuardPeer] with ConfigFile=%s: the peers come from that file's [Peer] sections.",
                                           w->config_file);
                if (w->n_addresses > 0 || w->listen_port || w->fwmark)
                        (void) verify_fail(failed, w->config_file_origin,
                                           "ConfigFile=%s: Address=, ListenPort= and FirewallMark= come from its [Interface]; set them there.",
                                           w->config_file);
        }
        for (size_t i = 0; i < c->n_wg_peers; i++) {
                const struct netns_wireguard_peer *p = &c->wg_peers[i];

                if (!p->has_public_key)
                        (void) verify_fail(failed, p->origin, "[WireGuardPeer] without PublicKey=.");
                if (p->has_preshared_key && p->preshared_key_file)
                        (void) verify_fail(failed, p->origin, "[WireGuardPeer]: PresharedKey= and PresharedKeyFile= exclude each other.");
                /* the first default an AllowedIPs= holds: an explicit DefaultRoute=yes beside it is refused */
                for (size_t j = 0; j < p->n_allowed_ips && !tunnel_default_seen; j++)
                        if (netns_veth_default_route_conflict(c, &p->allowed_ips[j]) < 0)
                                tunnel_default_seen = *failed = true;
                for (size_t j = 0; j < i; j++)
                        if (p->has_public_key && c->wg_peers[j].has_public_key &&
                            memcmp(p->public_key, c->wg_peers[j].public_key, NETNS_WG_KEY_SIZE) == 0) {
                                (void) verify_fail(failed, p->origin, "[WireGuardPeer] with the PublicKey= of the one at %s:%u.",
                                                   c->wg_peers[j].origin.file ?: "?", c->wg_peers[j].origin.line);
                                break;
                        }
        }
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
                if (l->kind != NETNS_LINK_VETH && (l->peer_namespace || l->peer_name || l->n_peer_addresses > 0))
                        (void) verify_fail(&failed, l->origin, "[Link] %s= is only valid for Type=veth.",
                                           l->peer_namespace ? "PeerNamespace" : l->peer_name ? "PeerName" : "PeerAddress");
                if (l->kind == NETNS_LINK_VETH && l->peer_namespace && c->name && streq(l->peer_namespace, c->name))
                        (void) verify_fail(&failed, l->origin, "[Link] PeerNamespace=%s is this namespace itself.", l->peer_namespace);
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

        /* HostRoute=: the host routes to the veth's address inside of the prefix's family */
        for (size_t i = 0; c->has_veth && i < c->veth.n_host_routes; i++) {
                const struct netns_prefix *hr = &c->veth.host_routes[i];
                char buf[ADDR_PREFIX_STRLEN];

                if (!c->veth.address_auto && !prefixes_have_family(c->veth.addresses, c->veth.n_addresses, hr->family))
                        (void) verify_fail(&failed, hr->origin, "HostRoute=%s needs an IPv%c Address= in [Veth]: the host routes it there.",
                                           addr_prefix_to_string(hr, buf), hr->family == AF_INET6 ? '6' : '4');
        }

        r = verify_routes(c, &failed, route_owner, route_what);
        if (r < 0)
                return r;

        /* IPv6 needs an MTU of 1280: below it the kernel turns IPv6 off on the link, and an
         * explicit IPv6 address would fail at up with a bare EINVAL */
        for (size_t i = 0; i <= c->n_links; i++) {
                const struct netns_prefix *a = i < c->n_links ? c->links[i].addresses : c->veth.addresses;
                size_t n = i < c->n_links ? c->links[i].n_addresses : c->has_veth ? c->veth.n_addresses : 0;
                uint32_t mtu = i < c->n_links ? c->links[i].mtu : c->veth.mtu;
                const char *sec = i < c->n_links ? "[Link]" : "[Veth]";

                for (int end = 0; end < 2 && mtu > 0 && mtu < 1280; end++) {
                        if (end == 1) { /* the host end of the veth */
                                if (i < c->n_links || !c->has_veth)
                                        break;
                                a = c->veth.host_addresses;
                                n = c->veth.n_host_addresses;
                        }
                        for (size_t k = 0; k < n; k++)
                                if (a[k].family == AF_INET6) {
                                        char buf[INET6_ADDRSTRLEN];

                                        (void) verify_fail(&failed, a[k].origin,
                                                           "%s=%s/%u: IPv6 needs an MTU of at least 1280, and this %s has MTU=%u (the kernel turns IPv6 off on it).",
                                                           end ? "HostAddress" : "Address",
                                                           inet_ntop(AF_INET6, &a[k].addr, buf, sizeof(buf)) ?: "?",
                                                           a[k].prefixlen, sec, mtu);
                                        break;
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

        verify_wireguard(c, &failed);

        /* [Firewall]: a list of ports to let in means nothing while everything comes in; a
         * forgotten Inbound=drop would leave every port open that the list seems to close */
        if (c->inbound == NETNS_INBOUND_ACCEPT && c->n_allow_inbound > 0)
                (void) verify_fail(&failed, c->allow_inbound[0].origin,
                                   "AllowInbound= needs Inbound=drop in [Firewall]: with Inbound=accept (the default) every port is open.");

        r = units_dedup(c);
        if (r < 0)
                return r;
        return failed ? -EINVAL : 0;
}

