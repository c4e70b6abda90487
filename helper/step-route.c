/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* step-route.c - up step "routes": the [Route] sections, static routes inside the namespace */

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>

#include "addr.h"
#include "log.h"
#include "steps.h"
#include "util.h"

/*
 * Routes inside the namespace need no record line: they live in its tables and die with it
 * (and with the link they are on), so "down" and the undo of a failed "up" remove them with
 * the namespace. The host's routes of HostRoute= are on the host end of the veth and die with
 * it ("veth" line); the forwarding they need is a "nat sysctl KEY" hold (step-nat.c).
 */

static const uint8_t rtn_types[_NETNS_ROUTE_TYPE_MAX] = {
        [NETNS_ROUTE_UNICAST] = RTN_UNICAST,
        [NETNS_ROUTE_BLACKHOLE] = RTN_BLACKHOLE,
        [NETNS_ROUTE_UNREACHABLE] = RTN_UNREACHABLE,
        [NETNS_ROUTE_PROHIBIT] = RTN_PROHIBIT,
};

/* The name inside of the link @rt's gateway is on, with the addresses now in force. */
int route_ifname(struct up_ctx *c, const struct netns_route *rt, char ret[static IFNAMSIZ]) {
        char gw[INET6_ADDRSTRLEN];
        int r;

        r = route_gateway_link(c->cfg, rt, c->peer_addrs, c->n_peer_addrs);
        if (r == 0) {
                (void) snprintf(ret, IFNAMSIZ, "%s", c->peer_ifname);
                return 0;
        }
        if (r > 0)
                return link_ifname(&c->cfg->links[r - 1], ret);
        /* "check" let it pass on the automatic range; the veth got another subnet, or no IPv6 */
        return log_error_errno(r, "%s:%u: [Route] Gateway=%s is on no link of namespace '%s' with the addresses in force%s.",
                               strempty(rt->origin.file), rt->origin.line,
                               addr_to_string(rt->gateway.family, &rt->gateway.addr, gw), c->name,
                               r == -ENOTUNIQ ? " (several links could have it)" : "");
}

void route_to_nl(const struct netns_route *rt, int ifindex, struct nl_route *ret) {
        *ret = (struct nl_route) {
                .family = rt->destination.family,
                .dst = &rt->destination,
                .gateway = rt->gateway.family ? &rt->gateway.addr : NULL,
                .ifindex = ifindex,
                .onlink = rt->gateway_onlink,
                .table = rt->table,
                .metric = rt->metric,
                .prefsrc = rt->prefsrc.family ? &rt->prefsrc.addr : NULL,
                .mtu = rt->mtu,
                .type = rtn_types[rt->type],
        };
}

/* Is @rt's link a veth to another namespace (made when that one comes up)? */
static bool route_on_waiting_link(struct up_ctx *c, const struct netns_route *rt) {
        int r = route_gateway_link(c->cfg, rt, c->peer_addrs, c->n_peer_addrs);

        return r > 0 && c->cfg->links[r - 1].kind == NETNS_LINK_VETH;
}

static int report_failed(int r, struct up_ctx *c, struct nl_sock *ns, const struct netns_route *rt, const char *ifname) {
        char dst[ADDR_PREFIX_STRLEN], gw[INET6_ADDRSTRLEN], via[INET6_ADDRSTRLEN + IFNAMSIZ + 16] = "";

        if (rt->gateway.family)
                (void) snprintf(via, sizeof(via), " via %s dev %s", addr_to_string(rt->gateway.family, &rt->gateway.addr, gw),
                                ifname);
        return log_error_errno(r, "%s:%u: Failed to add %s route %s%s in namespace '%s': %m%s",
                               strempty(rt->origin.file), rt->origin.line, netns_route_type_to_string(rt->type),
                               addr_prefix_to_string(&rt->destination, dst), via, c->name, nl_extack(ns));
}

/* The next hop inside for HostRoute= @hr: the veth's first address inside of its family. */
static const struct netns_prefix *host_route_via(const struct up_ctx *c, const struct netns_prefix *hr) {
        for (size_t i = 0; i < c->n_peer_addrs; i++) {
                const struct netns_prefix *a = &c->peer_addrs[i];

                if (a->family == hr->family &&
                    !(a->family == AF_INET6 && a->addr.bytes[0] == 0xfe && (a->addr.bytes[1] & 0xc0) == 0x80))
                        return a;
        }
        return NULL;
}

static int host_route_missing_via(const struct up_ctx *c, const struct netns_prefix *hr) {
        char buf[ADDR_PREFIX_STRLEN];

        return log_error_errno(EADDRNOTAVAIL, "%s:%u: HostRoute=%s: the veth of namespace '%s' has no IPv%c address inside to route it to.",
                               strempty(hr->origin.file), hr->origin.line, addr_prefix_to_string(hr, buf), c->name,
                               hr->family == AF_INET6 ? '6' : '4');
}

/*
 * [Veth] HostRoute=: the host routes each prefix to the veth's address inside, through its host
 * end, and forwards the families it routes. Nothing else of the host changes: no NAT, no
 * firewall rule; the namespace answers from the routed addresses through its default route.
 */
static int host_routes(struct up_ctx *c) {
        const struct netns_veth *v = &c->cfg->veth;
        _cleanup_free_ char *buf = NULL;
        size_t size = 256 * (v->n_host_routes + 1);
        bool fwd[2] = {};
        unsigned failed = 0;
        struct nl_sock *host;
        struct nl_batch b;
        int ifindex, r;

        if (!c->cfg->has_veth || v->n_host_routes == 0)
                return 0;
        r = ctx_nl_host(c, &host);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket on the host: %m");
        ifindex = nl_link_ifindex(host, c->host_ifname);
        if (ifindex < 0)
                return log_error_errno(ifindex, "Failed to find host interface %s: %m", c->host_ifname);
        buf = malloc(size);
        if (!buf)
                return log_oom();
        nl_batch_init(&b, host, buf, size);
        for (size_t i = 0; i < v->n_host_routes; i++) {
                const struct netns_prefix *hr = &v->host_routes[i], *via = host_route_via(c, hr);

                if (!via)
                        return host_route_missing_via(c, hr);
                fwd[hr->family == AF_INET6] = true;
                (void) nl_batch_route_add(&b, &(struct nl_route) {
                        .family = hr->family,
                        .dst = hr,
                        .gateway = &via->addr,
                        .ifindex = ifindex,
                });
        }
        if (b.overflow)
                return log_error_errno(ENOBUFS, "Failed to add the HostRoute= of namespace '%s': too many for one request.", c->name);
        r = nl_batch_run(&b, &failed);
        if (r < 0) {
                const struct netns_prefix *hr = &v->host_routes[failed < v->n_host_routes ? failed : 0];
                char p[ADDR_PREFIX_STRLEN];

                return log_error_errno(r, "%s:%u: Failed to add host route %s dev %s for namespace '%s': %m%s%s",
                                       strempty(hr->origin.file), hr->origin.line, addr_prefix_to_string(hr, p),
                                       c->host_ifname, c->name, nl_extack(host),
                                       r == -EEXIST ? " (the host routes it elsewhere already)" : "");
        }
        return host_forwarding_hold(c, fwd[0], fwd[1], "HostRoute= of IPv6 prefixes needs it");
}

/**
 * plan_routes() - the plan of step "routes": every gateway is on a link, with the veth's
 * addresses as plan_veth() chose them (nothing stored: step_routes() resolves them again,
 * after the veth step may have left out the automatic IPv6 addresses)
 * @c: the up context, planned up to the links
 * Return: 0, or -errno after logging which [Route] cannot be added.
 */
int plan_routes(struct up_ctx *c) {
        for (size_t i = 0; c->cfg->has_veth && i < c->cfg->veth.n_host_routes; i++)
                if (!host_route_via(c, &c->cfg->veth.host_routes[i]))
                        return host_route_missing_via(c, &c->cfg->veth.host_routes[i]);
        for (size_t i = 0; i < c->cfg->n_routes; i++) {
                char ifname[IFNAMSIZ];
                int r;

                if (!c->cfg->routes[i].gateway.family)
                        continue;
                r = route_ifname(c, &c->cfg->routes[i], ifname);
                if (r < 0)
                        return r;
        }
        return 0;
}

/**
 * step_routes() - up step "routes": the [Route] sections, in one batch
 * @c: the up context (veth and [Link]s done: the routes' links are up with their addresses)
 *
 * Each unicast route goes on the link its gateway is on (route_gateway_link() with the veth's
 * addresses in force); blackhole, unreachable and prohibit routes are on no link.
 * Return: 0, or -errno after logging which [Route] failed and why.
 */
int step_routes(struct up_ctx *c) {
        const struct netns_config *cfg = c->cfg;
        _cleanup_free_ char *buf = NULL, (*ifnames)[IFNAMSIZ] = NULL;
        _cleanup_free_ int *ifindex = NULL;
        _cleanup_free_ size_t *ops = NULL; /* each route's index in the batch, SIZE_MAX: left out */
        size_t n = cfg->n_routes, size = 256 * (n + 1), n_ops = 0;
        unsigned failed = 0;
        struct nl_sock *ns;
        struct nl_route nr;
        struct nl_batch b;
        int r;

        r = host_routes(c);
        if (r < 0 || n == 0)
                return r;
        r = ctx_nl_ns(c, &ns);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket in namespace '%s': %m", c->name);
        buf = malloc(size);
        ifnames = calloc(n, sizeof(*ifnames));
        ifindex = calloc(n, sizeof(*ifindex));
        ops = calloc(n, sizeof(*ops));
        if (!buf || !ifnames || !ifindex || !ops)
                return log_oom();

        /* every link first: a missing one fails here, before any route is added */
        for (size_t i = 0; i < n; i++) {
                const struct netns_route *rt = &cfg->routes[i];

                if (!rt->gateway.family)
                        continue;
                r = route_ifname(c, rt, ifnames[i]);
                if (r < 0)
                        return r;
                ifindex[i] = nl_link_ifindex(ns, ifnames[i]);
                if (ifindex[i] == -ENODEV && route_on_waiting_link(c, rt)) {
                        log_info("%s:%u: [Route] via %s waits for the namespace at the other end of the link.",
                                 strempty(rt->origin.file), rt->origin.line, ifnames[i]);
                        continue;
                }
                if (ifindex[i] < 0)
                        return log_error_errno(ifindex[i], "%s:%u: [Route]: Failed to find link %s in namespace '%s': %m",
                                               strempty(rt->origin.file), rt->origin.line, ifnames[i], c->name);
        }

        nl_batch_init(&b, ns, buf, size);
        for (size_t i = 0; i < n; i++) {
                const struct netns_route *rt = &cfg->routes[i];

                if (ifindex[i] < 0) {
                        ops[i] = SIZE_MAX;
                        continue;
                }
                ops[i] = n_ops++;

                route_to_nl(rt, ifindex[i], &nr);
                (void) nl_batch_route_add(&b, &nr);
        }
        if (b.overflow)
                return log_error_errno(ENOBUFS, "Failed to add the routes of namespace '%s': too many for one request.", c->name);
        r = nl_batch_run(&b, &failed);
        if (r < 0) {
                size_t k = 0;

                for (size_t i = 0; i < n; i++)
                        if (ops[i] == failed)
                                k = i;
                return report_failed(r, c, ns, &cfg->routes[k], ifnames[k]);
        }
        return 0;
}
