/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* step-veth.c - up step "veth": the veth pair, its addresses (static and auto), default routes inside */

#include <net/if.h>

#include "addr.h"
#include "link-deleter.h"
#include "log.h"
#include "name.h"
#include "nft.h"
#include "ns.h"
#include "steps.h"
#include "util.h"

/* The host's addresses and routes, as prefixes an address of ours must not overlap. */
struct host_use {
        struct nl_prefix_use *use;
        size_t n;
};

static void host_use_done(struct host_use *h) {
        free(h->use);
}

static int host_use_load(struct nl_sock *nl, struct host_use *h) {
        int r;

        r = nl_dump_prefixes(nl, AF_INET, &h->use, &h->n);
        if (r >= 0)
                r = nl_dump_prefixes(nl, AF_INET6, &h->use, &h->n);
        return r == -EAFNOSUPPORT ? 0 : r; /* a host without IPv6 */
}

/* "address 192.0.2.1/24 on eth0" or "route 10.0.0.0/8 dev tun0 (table 100)" */
static const char *use_describe(const struct nl_prefix_use *u, char *buf, size_t size) {
        char p[ADDR_PREFIX_STRLEN], ifname[IF_NAMESIZE] = "", table[24] = "";

        /* an address found through its local route has no length of its own: show it bare */
        if (!u->route && u->prefix.prefixlen == (u->prefix.family == AF_INET ? 32 : 128))
                (void) addr_to_string(u->prefix.family, &u->prefix.addr, p);
        else
                (void) addr_prefix_to_string(&u->prefix, p);
        if (u->ifindex > 0 && !if_indextoname((unsigned) u->ifindex, ifname))
                (void) snprintf(ifname, sizeof(ifname), "#%d", u->ifindex);
        if (u->route && u->table != RT_TABLE_MAIN)
                (void) snprintf(table, sizeof(table), " (table %u)", u->table);
        if (!u->route)
                (void) snprintf(buf, size, "address %s on %s", p, ifname);
        else if (ifname[0])
                (void) snprintf(buf, size, "route %s dev %s%s", p, ifname, table);
        else
                (void) snprintf(buf, size, "route %s%s", p, table);
        return buf;
}

static bool is_link_local6(const struct netns_prefix *p) {
        return p->family == AF_INET6 && p->addr.bytes[0] == 0xfe && (p->addr.bytes[1] & 0xc0) == 0x80;
}

/* A static Address=/HostAddress= must not overlap anything on the host: the host would route
 * part of that range elsewhere, or answer for it twice. IPv6 link-local ranges overlap on
 * every link by design and are left out. */
static int check_static(const struct host_use *h, const struct netns_prefix *list, size_t n, const char *key) {
        for (size_t i = 0; i < n; i++) {
                if (is_link_local6(&list[i]))
                        continue;
                for (size_t j = 0; j < h->n; j++) {
                        char p[ADDR_PREFIX_STRLEN], what[128];

                        if (!addr_prefix_overlaps(&list[i], &h->use[j].prefix))
                                continue;
                        return log_error_errno(EADDRINUSE,
                                               "%s:%u: %s=%s overlaps the host's %s; refusing to create an overlapping subnet.",
                                               strempty(list[i].origin.file), list[i].origin.line, key,
                                               addr_prefix_to_string(&list[i], p),
                                               use_describe(&h->use[j], what, sizeof(what)));
                }
        }
        return 0;
}

static int prefix_push(struct netns_prefix **arr, size_t *n, const struct netns_prefix *p) {
        struct netns_prefix *e = ARRAY_APPEND(*arr, *n);

        if (!e)
                return -ENOMEM;
        *e = *p;
        return 0;
}

/* What the auto allocation asks about each candidate subnet. */
struct probe_ctx {
        struct nl_sock *nl;
        struct addr_list statics;  /* this config's static addresses, both ends */
        struct host_use *dump;     /* the host's addresses and routes, once loaded */
        bool dumped;
        char what[128];            /* what blocked the first (home) candidate */
};

static int probe_blocked(struct probe_ctx *p, const struct nl_prefix_use *u, struct netns_prefix *ret_blocker) {
        if (!p->what[0])
                (void) use_describe(u, p->what, sizeof(p->what));
        *ret_blocker = u->prefix;
        return 1;
}

/*
 * Is the candidate /31 or /64 in use on the host? Asked as two route lookups (its first two
 * addresses), which find a covering route or subnet, another namespace's subnet, and an
 * address of the host itself (its local route) in one round trip each, however many
 * namespaces are up; a dump of every address and route would cost O(namespaces) per "up".
 * A lookup that ends in a blackhole/unreachable/prohibit route says something covers the
 * address but not what: then, and only then, the full dump decides.
 */
static int probe_taken(const struct netns_prefix *cand, void *userdata, struct netns_prefix *ret_blocker) {
        struct probe_ctx *p = userdata;
        int r;

        r = addr_taken_in_list(cand, &p->statics, ret_blocker);
        if (r > 0) {
                if (!p->what[0]) {
                        char a[ADDR_PREFIX_STRLEN];

                        (void) snprintf(p->what, sizeof(p->what), "static address %s of this namespace (%s:%u)",
                                        addr_prefix_to_string(ret_blocker, a), strempty(ret_blocker->origin.file),
                                        ret_blocker->origin.line);
                }
                return 1;
        }

        for (int i = 0; !p->dumped && i < 2; i++) {
                struct nl_prefix_use u = {};
                union in_addr_union a = addr_prefix_network(cand).addr;

                if (cand->family == AF_INET)
                        a.in.s_addr = htonl(ntohl(a.in.s_addr) + (uint32_t) i);
                else
                        a.bytes[15] = (uint8_t) (i + 1);
                r = nl_route_lookup(p->nl, cand->family, &a, &u);
                if (r > 0)
                        return probe_blocked(p, &u, ret_blocker);
                if (r == 0)
                        continue;
                if (r == -EAFNOSUPPORT)  /* no IPv6 on the host: nothing can be in the way */
                        return 0;
                if (r == -ENOMEM || r == -ENOBUFS || r == -EBADMSG)
                        return r;
                /* a route with an error code: fall back to the dump */
                r = host_use_load(p->nl, p->dump);
                if (r < 0)
                        return r;
                p->dumped = true;
        }
        if (!p->dumped)
                return 0;
        for (size_t j = 0; j < p->dump->n; j++)
                if (addr_prefix_overlaps(cand, &p->dump->use[j].prefix))
                        return probe_blocked(p, &p->dump->use[j], ret_blocker);
        return 0;
}

/* Pick the automatic subnets: home slot from the name, probing past whatever is in use on
 * the host (other namespaces' subnets included: they are host addresses) and past this
 * config's own static addresses. */
static int plan_auto(struct up_ctx *c, struct probe_ctx *p, struct addr_auto *v4, struct addr_auto *v6) {
        const struct netns_veth *v = &c->cfg->veth;
        struct netns_prefix pool = v->pool;
        char a[ADDR_PREFIX_STRLEN], b[ADDR_PREFIX_STRLEN];
        int r;

        if (pool.family == AF_UNSPEC)
                (void) parse_prefix(NETNS_AUTO_POOL_DEFAULT, &pool);

        p->what[0] = 0;
        r = addr_auto_v4(c->name, &pool, probe_taken, p, v4);
        if (r == -EADDRNOTAVAIL || r == -EINVAL)
                return log_error_errno(r, "%s:%u: No free /31 in the pool %s for the automatic IPv4 addresses (first conflict: %s); choose another AddressPool= or static addresses.",
                                       strempty(v->origin.file), v->origin.line, addr_prefix_to_string(&pool, a),
                                       p->what[0] ? p->what : "?");
        if (r < 0)
                return log_error_errno(r, "Failed to check the automatic IPv4 subnet against the host's routes: %m%s",
                                       nl_extack(p->nl));
        if (v4->probes > 0) {
                struct netns_prefix home = v4->host;
                uint32_t base = ntohl(addr_prefix_network(&pool).addr.in.s_addr);

                home.addr.in.s_addr = htonl(base + (uint32_t) (2 * v4->home));
                log_notice("Automatic IPv4 subnet %s of '%s' (slot %llu) overlaps the %s; using %s (slot %llu) instead.",
                           addr_prefix_to_string(&home, a), c->name, (unsigned long long) v4->home, p->what,
                           addr_prefix_to_string(&v4->host, b), (unsigned long long) v4->slot);
        }

        p->what[0] = 0;
        r = addr_auto_v6(c->name, probe_taken, p, v6);
        if (r == -EADDRNOTAVAIL)
                return log_error_errno(r, "%s:%u: No free IPv6 /64 in %s for the automatic IPv6 addresses (first conflict: %s); use static addresses.",
                                       strempty(v->origin.file), v->origin.line, ADDR_AUTO_V6_POOL,
                                       p->what[0] ? p->what : "?");
        if (r < 0)
                return log_error_errno(r, "Failed to check the automatic IPv6 subnet against the host's routes: %m%s",
                                       nl_extack(p->nl));
        if (v6->probes > 0) {
                struct netns_prefix home = { .family = AF_INET6, .prefixlen = 64 }, net = addr_prefix_network(&v6->host);

                home.addr.bytes[0] = 0xfd;
                for (int i = 0; i < 7; i++)
                        home.addr.bytes[1 + i] = (uint8_t) (v6->home >> (8 * (6 - i)));
                log_notice("Automatic IPv6 subnet %s of '%s' overlaps the %s; using %s instead.",
                           addr_prefix_to_string(&home, a), c->name, p->what, addr_prefix_to_string(&net, b));
        }
        return 0;
}

/* Resolve names and addresses into the context, and check them against the host, before
 * anything is made. */
static int plan(struct up_ctx *c, struct nl_sock *nl) {
        const struct netns_veth *v = &c->cfg->veth;
        _cleanup_free_ struct netns_prefix *statics = NULL;
        size_t n_statics = 0;
        struct host_use h = {};
        struct probe_ctx p = { .nl = nl, .dump = &h };
        struct addr_auto v4, v6;
        int r = 0;

        /* Static addresses: against everything on the host, which takes the full dump (a
         * lookup cannot see a route inside a static /24); their own number bounds it. */
        if (v->n_host_addresses + v->n_addresses > 0) {
                r = host_use_load(nl, &h);
                if (r < 0) {
                        host_use_done(&h);
                        return log_error_errno(r, "Failed to list the host's addresses and routes: %m%s", nl_extack(nl));
                }
                p.dumped = true;
                r = check_static(&h, v->host_addresses, v->n_host_addresses, "HostAddress");
                if (r >= 0)
                        r = check_static(&h, v->addresses, v->n_addresses, "Address");
        }
        for (size_t i = 0; r >= 0 && i < v->n_host_addresses; i++)
                if (prefix_push(&statics, &n_statics, &v->host_addresses[i]) < 0)
                        r = log_oom();
        for (size_t i = 0; r >= 0 && i < v->n_addresses; i++)
                if (prefix_push(&statics, &n_statics, &v->addresses[i]) < 0)
                        r = log_oom();
        p.statics = (struct addr_list) { statics, n_statics };
        if (r >= 0 && (v->host_address_auto || v->address_auto))
                r = plan_auto(c, &p, &v4, &v6);
        host_use_done(&h);
        if (r < 0)
                return r;

        if (v->host_address_auto) {
                v4.host.origin = v6.host.origin = v->origin;
                if (prefix_push(&c->host_addrs, &c->n_host_addrs, &v4.host) < 0 ||
                    prefix_push(&c->host_addrs, &c->n_host_addrs, &v6.host) < 0)
                        return log_oom();
        }
        for (size_t i = 0; i < v->n_host_addresses; i++)
                if (prefix_push(&c->host_addrs, &c->n_host_addrs, &v->host_addresses[i]) < 0)
                        return log_oom();
        if (v->address_auto) {
                v4.peer.origin = v6.peer.origin = v->origin;
                if (prefix_push(&c->peer_addrs, &c->n_peer_addrs, &v4.peer) < 0 ||
                    prefix_push(&c->peer_addrs, &c->n_peer_addrs, &v6.peer) < 0)
                        return log_oom();
        }
        for (size_t i = 0; i < v->n_addresses; i++)
                if (prefix_push(&c->peer_addrs, &c->n_peer_addrs, &v->addresses[i]) < 0)
                        return log_oom();
        return 0;
}

/* The gateway of the default route of @family inside: a host-side address, preferably one
 * a peer prefix covers (a plain "via"); else the first one, marked onlink (the veth is a
 * point-to-point wire, so any host-side address is reachable on it). NULL: no route. */
static const struct netns_prefix *pick_gateway(const struct up_ctx *c, int family, bool *ret_onlink) {
        const struct netns_prefix *first = NULL;
        bool peer_has = false;

        for (size_t j = 0; j < c->n_peer_addrs; j++)
                if (c->peer_addrs[j].family == family && !is_link_local6(&c->peer_addrs[j]))
                        peer_has = true;
        if (!peer_has)
                return NULL;
        for (size_t i = 0; i < c->n_host_addrs; i++) {
                const struct netns_prefix *g = &c->host_addrs[i];

                if (g->family != family || is_link_local6(g))
                        continue;
                if (!first)
                        first = g;
                for (size_t j = 0; j < c->n_peer_addrs; j++)
                        if (addr_prefix_contains(&c->peer_addrs[j], family, &g->addr)) {
                                *ret_onlink = false;
                                return g;
                        }
        }
        *ret_onlink = true;
        return first;
}

/* What request i of a batch was, to name it when it fails. */
struct op {
        enum { OP_UP, OP_ADDR, OP_ROUTE, OP_GEN_MODE } kind;
        const struct netns_prefix *p; /* OP_ADDR: the address; OP_ROUTE: the gateway */
};

static int report_failed(int r, struct nl_sock *nl, const struct op *op, const char *ifname, const char *where) {
        char a[ADDR_PREFIX_STRLEN], g[INET6_ADDRSTRLEN], o[300] = "";

        switch (op->kind) {
        case OP_UP:
                return log_error_errno(r, "Failed to bring up veth end %s (%s): %m%s", ifname, where, nl_extack(nl));
        case OP_ADDR:
                if (op->p->origin.file)
                        (void) snprintf(o, sizeof(o), " (%s:%u)", op->p->origin.file, op->p->origin.line);
                return log_error_errno(r, "Failed to add address %s to %s (%s): %m%s%s",
                                       addr_prefix_to_string(op->p, a), ifname, where, nl_extack(nl), o);
        case OP_ROUTE:
                return log_error_errno(r, "Failed to add default route via %s dev %s (%s): %m%s",
                                       addr_to_string(op->p->family, &op->p->addr, g), ifname, where, nl_extack(nl));
        case OP_GEN_MODE:
                return log_error_errno(r, "Failed to turn off the kernel's link-local address on %s (%s): %m%s",
                                       ifname, where, nl_extack(nl));
        default:
                return log_error_errno(r, "Failed to configure %s (%s): %m%s", ifname, where, nl_extack(nl));
        }
}

/*
 * The host end's IPv6 link-local address, made here rather than by the kernel: the address the
 * kernel would make (EUI-64 from the MAC, when that is its mode for the link), without
 * duplicate address detection, as for every address netnsctl adds. The kernel's own would be
 * tentative for a second, and its detection ending then makes the kernel walk every IPv6 route
 * of the host (rt_genid_bump_ipv6()): with 1000 namespaces up, some milliseconds under the
 * RTNL lock, a second after each "up", in the way of the next one. On a veth the only other
 * end is our peer, with another MAC. Returns true and fills @ret when it applies.
 */
static bool host_link_local(const struct nl_link *l, struct netns_prefix *ret) {
        if (!l->ipv6 || l->addr_gen_mode != IN6_ADDR_GEN_MODE_EUI64 || l->hwaddr_len != 6)
                return false;
        *ret = (struct netns_prefix) { .family = AF_INET6, .prefixlen = 64 };
        ret->addr.in6.s6_addr[0] = 0xfe;
        ret->addr.in6.s6_addr[1] = 0x80;
        ret->addr.in6.s6_addr[8] = l->hwaddr[0] ^ 0x02;
        ret->addr.in6.s6_addr[9] = l->hwaddr[1];
        ret->addr.in6.s6_addr[10] = l->hwaddr[2];
        ret->addr.in6.s6_addr[11] = 0xff;
        ret->addr.in6.s6_addr[12] = 0xfe;
        ret->addr.in6.s6_addr[13] = l->hwaddr[3];
        ret->addr.in6.s6_addr[14] = l->hwaddr[4];
        ret->addr.in6.s6_addr[15] = l->hwaddr[5];
        return true;
}

/* Bring one end up and give it its addresses (and inside, the default routes), in one batch;
 * @ll: a link-local address to add in place of the kernel's, or NULL. */
static int configure_end(struct up_ctx *c, struct nl_sock *nl, const struct nl_link *l, const char *where,
                         const struct netns_prefix *addrs, size_t n_addrs, const struct netns_prefix *ll, bool routes) {
        _cleanup_free_ struct op *ops = NULL;
        _cleanup_free_ char *buf = NULL;
        size_t n_ops = 0, size = 512 * (n_addrs + 6);
        const char *ifname = l->name;
        struct nl_batch b;
        unsigned failed = 0;
        int r;

        buf = malloc(size);
        ops = calloc(n_addrs + 5, sizeof(*ops));
        if (!buf || !ops)
                return log_oom();
        nl_batch_init(&b, nl, buf, size);

        /* before the link is ready (carrier): the kernel makes its link-local address then */
        if (ll) {
                (void) nl_batch_link_set_addr_gen_mode(&b, l->ifindex, IN6_ADDR_GEN_MODE_NONE);
                ops[n_ops++] = (struct op) { OP_GEN_MODE };
        }
        /* UP first: an IPv4 gateway must be on a link that is up (kernel: "Nexthop device is
         * not up"), and the batch runs in order. */
        (void) nl_batch_link_set_up(&b, l->ifindex);
        ops[n_ops++] = (struct op) { OP_UP };
        if (ll) {
                (void) nl_batch_addr_add(&b, l->ifindex, ll, NULL);
                ops[n_ops++] = (struct op) { OP_ADDR, ll };
        }
        for (size_t i = 0; i < n_addrs; i++) {
                (void) nl_batch_addr_add(&b, l->ifindex, &addrs[i], NULL);
                ops[n_ops++] = (struct op) { OP_ADDR, &addrs[i] };
        }
        for (int f = 0; routes && f < 2; f++) {
                int family = f ? AF_INET6 : AF_INET;
                bool onlink = false;
                const struct netns_prefix *gw = pick_gateway(c, family, &onlink);

                if (!gw)
                        continue;
                (void) nl_batch_route_add_default(&b, family, &gw->addr, l->ifindex, onlink);
                ops[n_ops++] = (struct op) { OP_ROUTE, gw };
        }
        if (b.overflow)
                return log_error_errno(ENOBUFS, "Failed to configure %s (%s): too many addresses for one request.", ifname, where);
        r = nl_batch_run(&b, &failed);
        if (r < 0)
                return report_failed(r, nl, &ops[failed < n_ops ? failed : 0], ifname, where);
        return 0;
}

/*
 * Replies to what came in through the veth, when the veth carries no default route (nft.h):
 * for each family it has a gateway for, a default route through it in the reply table and the
 * rule that looks that table up for marked packets; then the table that marks them. Like the
 * addresses inside, they go with the namespace.
 */
static int configure_replies(struct up_ctx *c, struct nl_sock *ns, const struct nl_link *peer) {
        _cleanup_free_ char *err = NULL;
        const struct netns_prefix *gws[2] = {};
        unsigned failed = 0, n = 0;
        char buf[1024];
        struct nl_batch b;
        int r;

        nl_batch_init(&b, ns, buf, sizeof(buf));
        for (int f = 0; f < 2; f++) {
                int family = f ? AF_INET6 : AF_INET;
                bool onlink = false;
                const struct netns_prefix *gw = pick_gateway(c, family, &onlink);

                if (!gw)
                        continue;
                gws[n++] = gw;
                (void) nl_batch_route_add(&b, &(struct nl_route) { .family = family, .gateway = &gw->addr,
                                                                   .ifindex = peer->ifindex, .onlink = onlink,
                                                                   .table = NETNS_REPLY_ROUTE_TABLE });
                (void) nl_batch_rule_add(&b, family, NETNS_REPLY_MARK, NETNS_REPLY_ROUTE_TABLE, NETNS_REPLY_RULE_PRIORITY);
        }
        if (n == 0)
                return 0;
        r = nl_batch_run(&b, &failed);
        if (r < 0) {
                char g[INET6_ADDRSTRLEN];
                const struct netns_prefix *gw = gws[failed / 2 < n ? failed / 2 : 0];

                return log_error_errno(r, "Failed to route replies via %s dev %s back through the veth (table %u) in namespace '%s': %m%s",
                                       addr_to_string(gw->family, &gw->addr, g), c->peer_ifname, NETNS_REPLY_ROUTE_TABLE,
                                       c->name, nl_extack(ns));
        }
        /* a TCP connection accepted takes the mark of its SYN: its answers are routed with it
         * from the start, also when the main table has no route for them at all */
        r = netns_sysctl_set(c->netns_fd, "net.ipv4.tcp_fwmark_accept", "1");
        if (r < 0)
                return log_error_errno(r, "Failed to set net.ipv4.tcp_fwmark_accept=1 in namespace '%s': %m", c->name);
        /* a strict (or loose) rp_filter, inherited from the host, looks the way back up with the
         * packet's mark: the reply table's route */
        if (gws[0]->family == AF_INET) {
                char ifname[IFNAMSIZ], key[64];

                /* a '.' of the name is a '/' in the key (struct netns_sysctl) */
                (void) snprintf(ifname, sizeof(ifname), "%s", c->peer_ifname);
                for (char *p = ifname; *p; p++)
                        if (*p == '.')
                                *p = '/';
                (void) snprintf(key, sizeof(key), "net.ipv4.conf.%s.src_valid_mark", ifname);
                r = netns_sysctl_set(c->netns_fd, key, "1");
                if (r < 0)
                        return log_error_errno(r, "Failed to set %s=1 in namespace '%s': %m", key, c->name);
        }
        r = nft_reply_load(c->netns_fd, c->peer_ifname, &err);
        if (r == -EUCLEAN)
                return log_error_errno(r, "Failed to mark what comes in through %s in namespace '%s': it has a table %s %s that netnsctl did not make.",
                                       c->peer_ifname, c->name, NFT_NAT_FAMILY, NFT_REPLY_TABLE);
        if (r < 0)
                return log_error_errno(r, "Failed to mark what comes in through %s in namespace '%s' (table %s %s): %s",
                                       c->peer_ifname, c->name, NFT_NAT_FAMILY, NFT_REPLY_TABLE, err ?: strerror(-r));
        return 0;
}

/* Drop the automatic IPv6 addresses (the second of the two automatic entries plan() put first
 * in each list) when IPv6 does not work on one of the ends: a host with IPv6 disabled, or an
 * MTU below 1280, still gets working IPv4. Static IPv6 addresses stay, and fail loudly. */
static void drop_auto_ipv6(struct up_ctx *c) {
        const struct netns_veth *v = &c->cfg->veth;

        if (v->host_address_auto && c->n_host_addrs >= 2 && c->host_addrs[1].family == AF_INET6) {
                memmove(&c->host_addrs[1], &c->host_addrs[2], (c->n_host_addrs - 2) * sizeof(*c->host_addrs));
                c->n_host_addrs--;
        }
        if (v->address_auto && c->n_peer_addrs >= 2 && c->peer_addrs[1].family == AF_INET6) {
                memmove(&c->peer_addrs[1], &c->peer_addrs[2], (c->n_peer_addrs - 2) * sizeof(*c->peer_addrs));
                c->n_peer_addrs--;
        }
}

/**
 * plan_veth() - the read-only part of the "veth" step, run before any step makes anything
 * @c: the up context; on return host_ifname, peer_ifname and the address lists are filled
 *
 * Resolves the names and the addresses ("auto" among them) and checks them against the host:
 * a host name taken, an address in use or a full pool fail here, with nothing made.
 * Return: 0, or -errno after logging what is wrong.
 */
int plan_veth(struct up_ctx *c) {
        const struct netns_veth *v = &c->cfg->veth;
        struct nl_sock *host;
        struct nl_link l;
        int r;

        if (!c->cfg->has_veth)
                return 0;

        if (v->host_name)
                (void) snprintf(c->host_ifname, sizeof(c->host_ifname), "%s", v->host_name);
        else if (netns_ifname_host(c->name, c->host_ifname) < 0)
                return log_error_errno(EINVAL, "Cannot derive a host interface name from '%s'.", c->name);
        (void) snprintf(c->peer_ifname, sizeof(c->peer_ifname), "%s", v->name ?: NETNS_PEER_NAME_DEFAULT);

        r = ctx_nl_host(c, &host);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket on the host: %m");

        /* Refuse an existing name: the link is someone else's. */
        r = nl_link_get(host, c->host_ifname, &l);
        if (r >= 0)
                return log_error_errno(EEXIST,
                                       "Failed to create veth %s/%s: a link named '%s' (%s) already exists on the host; set HostName= in [Veth] (%s:%u) or remove it.",
                                       c->host_ifname, c->peer_ifname, c->host_ifname, l.kind[0] ? l.kind : "no kind",
                                       strempty(v->origin.file), v->origin.line);
        if (r != -ENODEV)
                return log_error_errno(r, "Failed to look up link '%s': %m%s", c->host_ifname, nl_extack(host));

        return plan(c, host);
}

/**
 * step_veth() - up step "veth": the [Veth] section
 * @c: the up context, planned by plan_veth()
 *
 * Records "veth HOSTNAME", creates the pair with the peer born inside the namespace, then
 * brings both ends up with their addresses and, inside, the default routes (one batch per end).
 * Return: 0, or -errno after logging which object failed and why.
 */
int step_veth(struct up_ctx *c) {
        const struct netns_veth *v = &c->cfg->veth;
        struct netns_prefix ll;
        struct nl_sock *host, *ns;
        struct nl_link l, peer;
        bool routes;
        int r;

        if (!c->cfg->has_veth)
                return 0;

        r = ctx_nl_host(c, &host);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket on the host: %m");

        r = record_add_veth(c->rec, c->host_ifname);
        if (r < 0)
                return log_error_errno(r, "Failed to write state record: %m");
        r = nl_veth_add(host, c->host_ifname, c->peer_ifname, c->netns_fd, v->mtu);
        if (r < 0)
                return log_error_errno(r, "Failed to create veth %s/%s: %m%s", c->host_ifname, c->peer_ifname,
                                       nl_extack(host));

        r = nl_link_get(host, c->host_ifname, &l);
        if (r < 0)
                return log_error_errno(r, "Failed to find veth end %s on the host: %m%s", c->host_ifname, nl_extack(host));
        r = ctx_nl_ns(c, &ns);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket in namespace '%s': %m", c->name);
        r = nl_link_get(ns, c->peer_ifname, &peer);
        if (r < 0)
                return log_error_errno(r, "Failed to find veth end %s in namespace '%s': %m%s", c->peer_ifname, c->name,
                                       nl_extack(ns));
        if ((v->host_address_auto || v->address_auto) && !(l.ipv6 && peer.ipv6)) {
                log_info("IPv6 is off on %s %s; no automatic IPv6 addresses for '%s'.",
                         l.ipv6 ? c->peer_ifname : c->host_ifname, l.ipv6 ? "inside" : "on the host", c->name);
                drop_auto_ipv6(c);
        }

        /* Host end UP first, so the peer has carrier the moment it comes up. Addresses need no
         * record lines: the host's go with the veth, the peer's with the namespace. */
        r = configure_end(c, host, &l, "host", c->host_addrs, c->n_host_addrs,
                          host_link_local(&l, &ll) ? &ll : NULL, false);
        if (r < 0)
                return r;
        /* a tunnel that owns a default route is the only way out (kill switch) */
        routes = v->default_route && !c->tunnel_default;
        r = configure_end(c, ns, &peer, c->name, c->peer_addrs, c->n_peer_addrs, NULL, routes);
        if (r < 0 || routes)
                return r;
        /* but what came in through the veth still gets its replies */
        return configure_replies(c, ns, &peer);
}


/**
 * undo_veth() - undo a "veth NAME" record line
 * @u: the undo context
 * @e: the line: NAME, the host end
 *
 * Deletes host link NAME, but only while it is a veth whose peer lives in the recorded
 * namespace (found by its pin, or by its inode when the pin is gone but a process keeps the
 * namespace alive). A veth goes with its peer, so when the namespace is gone the link is gone
 * too, and a link of that name now is someone else's.
 *
 * The namespace's destruction would remove the veth by itself, but asynchronously in a
 * kernel worker (13-29 ms later, measured) and not at all while anything else holds the
 * namespace (a process, an open fd, a copy of the pin in a private mount namespace, a
 * socket), which cannot all be seen from here. So the veth is deleted explicitly, and
 * "down" returns when the kernel has announced it gone, without waiting for the RCU grace
 * periods the delete costs afterwards (see lib/link-deleter.h).
 * Return: 0 when the veth is gone or not ours, else -errno (logged)
 */
int undo_veth(struct undo_ctx *u, const struct record_entry *e) {
        const char *args = e->veth;
        _cleanup_close_ int scanned_fd = -1;
        struct nl_sock *nl;
        struct nl_link l;
        int r, nsfd = u->netns_fd, id;

        r = undo_nl_host(u, &nl);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket on the host: %m");
        r = nl_link_get(nl, args, &l);
        if (r == -ENODEV)
                return 0;
        if (r < 0)
                return log_error_errno(r, "Failed to look up link '%s': %m%s", args, nl_extack(nl));
        if (!streq(l.kind, "veth") || l.link_netnsid < 0) {
                log_warning("Link %s is not a veth into another namespace; not the one netnsctl made for '%s', leaving it alone.",
                            args, u->name);
                return 0;
        }
        if (nsfd < 0 && u->netns_ino > 0) {
                /* the pin is gone, but a process may keep the namespace alive */
                scanned_fd = netns_open_by_id(u->netns_ino, 0);
                nsfd = scanned_fd;
        }
        id = nsfd >= 0 ? nl_netns_id(nl, nsfd) : -ENOENT;
        if (id < 0 && id != -ENOENT)
                return log_error_errno(id, "Failed to get the id of namespace '%s': %m%s", u->name, nl_extack(nl));
        if (id != l.link_netnsid) {
                log_warning("Veth %s leads to a namespace other than the one netnsctl made for '%s'; leaving it alone.",
                            args, u->name);
                return 0;
        }
        r = link_delete_detached(nl, l.ifindex);
        if (r > 0)
                return 0;
        if (r < 0)
                log_debug_errno(r, "Failed to hand the deletion of %s to a helper process, deleting it here: %m", args);
        r = nl_link_del(nl, l.ifindex);
        if (r < 0 && r != -ENODEV)
                return log_error_errno(r, "Failed to delete veth %s: %m%s", args, nl_extack(nl));
        return 0;
}
