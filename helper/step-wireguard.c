/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* step-wireguard.c - up step "wireguard": [WireGuard] a tunnel born on the host, living inside */

#include <arpa/inet.h>
#include <inttypes.h>
#include <linux/rtnetlink.h>
#include <netdb.h>
#include <sys/socket.h>

#include "addr.h"
#include "log.h"
#include "name.h"
#include "steps.h"
#include "util.h"
#include "wgquick.h"
#include "wireguard.h"

/*
 * The device is created in the host's namespace, so the UDP socket it opens stays there and
 * reaches the peer by the host's own routing (no fwmark, no policy routing, no loop through
 * the tunnel); configured there over generic netlink; then moved into the namespace and
 * renamed in one RTM_NEWLINK. Record lines, each written before the device is touched:
 *
 *   wg-host TMPNAME   the device while it is on the host: a crash between creation and the
 *                     move leaves it there, and undo deletes it (only a wireguard device)
 *   wg NAME           the device inside (deleted with the namespace anyway; undo deletes it
 *                     first, so a namespace kept alive by a process does not keep the tunnel)
 *
 * Kill switch by construction: when a peer's AllowedIPs= holds a family's default (0.0.0.0/0,
 * ::/0), the veth step adds no default route at all (c->tunnel_default), and a family the
 * tunnel does not carry gets an "unreachable" default inside: traffic of that family fails
 * at once instead of leaving by another way.
 */

/* The device's name on the host between creation and the move: one per namespace name, so
 * two "up"s of different namespaces never take each other's. */
static void host_tmp_name(const char *ns, char ret[static IFNAMSIZ]) {
        (void) snprintf(ret, IFNAMSIZ, NETNS_WG_HOST_PREFIX "%08llx", netns_name_hash(ns) & 0xffffffffULL);
}

/* Has the host a route to @a? A UDP socket's connect() asks the routing table and sends
 * nothing: ENETUNREACH when no route covers it (a family the host has no default for). */
static bool host_routes_to(const struct addrinfo *a) {
        _cleanup_close_ int fd = socket(a->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        return fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) >= 0;
}

/*
 * Resolve @p->endpoint_host in the host's namespace (where "up" runs, and where the tunnel's
 * socket stays). Of the addresses, in getaddrinfo()'s order (gai.conf(5)), the first the host
 * has a route to: a name with an AAAA record on a host without IPv6 connectivity gets its
 * IPv4 address, whatever the resolver's order. With a route to none, the first: the host may
 * get one later, and WireGuard keeps trying.
 */
static int resolve_endpoint(struct wg_peer *p) {
        struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_protocol = IPPROTO_UDP }, *res = NULL;
        const struct addrinfo *pick = NULL;
        uint16_t port = p->endpoint.in.sin_port;
        bool routed = false;
        int r;

        r = getaddrinfo(p->endpoint_host, NULL, &hints, &res);
        if (r != 0)
                return log_syntax(p->endpoint_origin.file ?: "(config)", p->endpoint_origin.line,
                                  "Endpoint=%s: the name does not resolve in the host's namespace: %s.",
                                  p->endpoint_host, r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
        for (const struct addrinfo *a = res; a; a = a->ai_next) {
                if (!(a->ai_family == AF_INET && a->ai_addrlen == sizeof(struct sockaddr_in)) &&
                    !(a->ai_family == AF_INET6 && a->ai_addrlen == sizeof(struct sockaddr_in6)))
                        continue;
                if (!pick)
                        pick = a;
                if (host_routes_to(a)) {
                        pick = a;
                        routed = true;
                        break;
                }
        }
        if (pick) {
                memcpy(&p->endpoint, pick->ai_addr, pick->ai_addrlen);
                if (pick->ai_family == AF_INET)
                        p->endpoint.in.sin_port = port;
                else
                        p->endpoint.in6.sin6_port = port;
                log_debug("Endpoint=%s: %s address%s.", p->endpoint_host, pick->ai_family == AF_INET ? "IPv4" : "IPv6",
                          routed ? "" : ", though the host has no route to any of its addresses");
        }
        freeaddrinfo(res);
        if (!pick)
                return log_syntax(p->endpoint_origin.file ?: "(config)", p->endpoint_origin.line,
                                  "Endpoint=%s: the name has no IPv4 or IPv6 address.", p->endpoint_host);
        return 0;
}

/* The peers of [WireGuardPeer] sections as the kernel takes them; key files are read now. */
static int peers_from_config(const struct netns_config *cfg, struct wg_device *d) {
        d->peers = calloc(cfg->n_wg_peers ?: 1, sizeof(*d->peers));
        if (!d->peers)
                return log_oom();
        for (size_t i = 0; i < cfg->n_wg_peers; i++) {
                const struct netns_wireguard_peer *c = &cfg->wg_peers[i];
                struct wg_peer *p = &d->peers[d->n_peers++];
                const char *reason;
                int r;

                memcpy(p->public_key, c->public_key, WG_KEY_SIZE);
                p->has_public_key = true;
                if (c->has_preshared_key) {
                        memcpy(p->preshared_key, c->preshared_key, WG_KEY_SIZE);
                        p->has_preshared_key = true;
                } else if (c->preshared_key_file) {
                        r = wg_key_read_file(c->preshared_key_file, p->preshared_key);
                        if (r < 0)
                                return r;
                        p->has_preshared_key = true;
                }
                if (c->endpoint) {
                        r = wg_parse_endpoint(c->endpoint, p, &reason);
                        if (r < 0)
                                return r == -ENOMEM ? log_oom() : log_syntax(c->endpoint_origin.file, c->endpoint_origin.line,
                                                                             "Endpoint=%s: %s.", c->endpoint, reason);
                        p->endpoint_origin = c->endpoint_origin;
                }
                p->keepalive = c->keepalive;
                p->has_keepalive = c->keepalive > 0;
                p->origin = c->origin;
                if (c->n_allowed_ips > 0) {
                        p->allowed_ips = calloc(c->n_allowed_ips, sizeof(*p->allowed_ips));
                        if (!p->allowed_ips)
                                return log_oom();
                        memcpy(p->allowed_ips, c->allowed_ips, c->n_allowed_ips * sizeof(*p->allowed_ips));
                        p->n_allowed_ips = c->n_allowed_ips;
                }
        }
        return 0;
}

/* What the step makes, from [WireGuard] or its ConfigFile=: the device and its peers, the
 * addresses, the MTU in force. */
static int tunnel_load(struct up_ctx *c, struct wgquick *q) {
        struct netns_config *cfg = c->cfg;
        const struct netns_wireguard *w = &cfg->wg;
        int r;

        if (w->config_file) {
                r = wgquick_load(w->config_file, q);
                if (r < 0)
                        return r;
                /* its DNS= becomes the namespace's resolv.conf, unless [Namespace] DNS= is set */
                if (cfg->n_dns == 0 && q->n_dns > 0) {
                        cfg->dns = TAKE_PTR(q->dns);
                        cfg->n_dns = q->n_dns;
                        q->n_dns = 0;
                        if (!cfg->domains || !cfg->domains[0]) {
                                strv_free(cfg->domains);
                                cfg->domains = TAKE_PTR(q->domains);
                                cfg->n_domains = strv_length(cfg->domains);
                        }
                }
        } else {
                struct wg_device *d = &q->dev;

                if (w->has_private_key)
                        memcpy(d->private_key, w->private_key, WG_KEY_SIZE);
                else {
                        r = wg_key_read_file(w->private_key_file, d->private_key);
                        if (r < 0)
                                return r;
                }
                d->has_private_key = true;
                d->listen_port = w->listen_port;
                d->has_listen_port = w->listen_port > 0;
                d->fwmark = w->fwmark;
                d->has_fwmark = w->fwmark > 0;
                r = peers_from_config(cfg, d);
                if (r < 0)
                        return r;
                if (w->n_addresses > 0) {
                        q->addresses = calloc(w->n_addresses, sizeof(*q->addresses));
                        if (!q->addresses)
                                return log_oom();
                        memcpy(q->addresses, w->addresses, w->n_addresses * sizeof(*w->addresses));
                        q->n_addresses = w->n_addresses;
                }
        }
        if (w->mtu)
                q->mtu = w->mtu;
        q->dev.replace_peers = true;

        /* endpoints named by host name: resolved here, in the host's namespace */
        for (size_t i = 0; i < q->dev.n_peers; i++)
                if (q->dev.peers[i].endpoint_host) {
                        r = resolve_endpoint(&q->dev.peers[i]);
                        if (r < 0)
                                return r;
                }
        return 0;
}

/* Does a peer's AllowedIPs= hold the default of @family? */
static bool tunnel_has_default(const struct wg_device *d, int family) {
        for (size_t i = 0; i < d->n_peers; i++)
                for (size_t j = 0; j < d->peers[i].n_allowed_ips; j++)
                        if (d->peers[i].allowed_ips[j].family == family && d->peers[i].allowed_ips[j].prefixlen == 0)
                                return true;
        return false;
}

static bool prefix_eq(const struct netns_prefix *a, const struct netns_prefix *b) {
        return a->family == b->family && a->prefixlen == b->prefixlen &&
               memcmp(&a->addr, &b->addr, a->family == AF_INET ? 4 : 16) == 0;
}

/* Is the route for this AllowedIPs= entry there already: an earlier entry's, or the kernel's
 * own prefix route of an address of the device (Address=10.2.0.2/24, AllowedIPs=10.2.0.0/24)? */
static bool prefix_seen(const struct wg_device *d, const struct netns_prefix *addrs, size_t n_addrs, size_t peer, size_t aip) {
        const struct netns_prefix *a = &d->peers[peer].allowed_ips[aip];

        for (size_t i = 0; i < n_addrs; i++) {
                struct netns_prefix net = addr_prefix_network(&addrs[i]);

                if (prefix_eq(a, &net))
                        return true;
        }

        for (size_t i = 0; i <= peer; i++)
                for (size_t j = 0; j < (i == peer ? aip : d->peers[i].n_allowed_ips); j++) {
                        if (prefix_eq(a, &d->peers[i].allowed_ips[j]))
                                return true;
                }
        return false;
}

/* The routes inside that go with a tunnel: one per AllowedIPs= entry (through the device),
 * and, when the tunnel owns a default route (@kill_switch), an "unreachable" default for a
 * family it does not carry. @origin: what a route's messages name. */
static int tunnel_routes(const struct wg_device *d, const struct netns_prefix *addrs, size_t n_addrs, bool kill_switch,
                         const struct conf_origin *origin, struct netns_route **ret, size_t *ret_n) {
        _cleanup_free_ struct netns_route *out = NULL;
        size_t n = 0;

        for (size_t i = 0; i < d->n_peers; i++)
                for (size_t j = 0; j < d->peers[i].n_allowed_ips; j++) {
                        struct netns_route *rt;

                        if (prefix_seen(d, addrs, n_addrs, i, j))
                                continue;
                        rt = ARRAY_APPEND(out, n);
                        if (!rt)
                                return -ENOMEM;
                        *rt = (struct netns_route) { .destination = d->peers[i].allowed_ips[j],
                                                     .origin = d->peers[i].origin.file ? d->peers[i].origin : *origin };
                }
        for (int f = 0; kill_switch && f < 2; f++) {
                struct netns_route *rt;

                if (tunnel_has_default(d, f ? AF_INET6 : AF_INET))
                        continue;
                rt = ARRAY_APPEND(out, n);
                if (!rt)
                        return -ENOMEM;
                *rt = (struct netns_route) { .destination.family = f ? AF_INET6 : AF_INET, .type = NETNS_ROUTE_UNREACHABLE,
                                             .origin = *origin };
        }
        *ret = TAKE_PTR(out);
        *ret_n = n;
        return 0;
}

/* Inside: up, addresses, a route per AllowedIPs= entry, unreachable defaults. One batch. */
static int configure_inside(struct up_ctx *c, struct nl_sock *ns, int ifindex, const struct wgquick *q, const char *name) {
        _cleanup_free_ struct netns_route *routes = NULL;
        _cleanup_free_ char *buf = NULL;
        size_t n_routes = 0, size;
        struct nl_batch b;
        unsigned failed = 0;
        int r;

        r = tunnel_routes(&q->dev, q->addresses, q->n_addresses, c->tunnel_default, &c->cfg->wg.origin, &routes, &n_routes);
        if (r < 0)
                return log_oom();
        size = 512 * (q->n_addresses + n_routes + 2);
        buf = malloc(size);
        if (!buf)
                return log_oom();
        nl_batch_init(&b, ns, buf, size);
        (void) nl_batch_link_set_up(&b, ifindex);
        for (size_t i = 0; i < q->n_addresses; i++)
                (void) nl_batch_addr_add(&b, ifindex, &q->addresses[i], NULL);
        for (size_t i = 0; i < n_routes; i++) {
                struct nl_route nr;

                route_to_nl(&routes[i], routes[i].type == NETNS_ROUTE_UNICAST ? ifindex : 0, &nr);
                (void) nl_batch_route_add(&b, &nr);
        }
        r = nl_batch_run(&b, &failed);
        if (r < 0)
                return log_error_errno(r, "Failed to configure WireGuard device %s inside '%s' (request %u: %s): %m%s",
                                       name, c->name, failed,
                                       failed == 0 ? "set up" : failed <= q->n_addresses ? "address" : "route",
                                       nl_extack(ns));
        return 0;
}

/* An explicit [Veth] DefaultRoute=yes beside a tunnel that owns a default route: refused (the
 * first such AllowedIPs= entry is named). [WireGuardPeer]s are checked when the file is read;
 * this is for a ConfigFile='s [Peer]s. Return: 0 or -EINVAL (reported). */
static int default_route_check(const struct netns_config *cfg, const struct wg_device *d) {
        for (size_t i = 0; i < d->n_peers; i++)
                for (size_t j = 0; j < d->peers[i].n_allowed_ips; j++)
                        if (d->peers[i].allowed_ips[j].prefixlen == 0)
                                return netns_veth_default_route_conflict(cfg, &d->peers[i].allowed_ips[j]);
        return 0;
}

/**
 * wireguard_check_config_file() - what "up" would refuse in a ConfigFile= ("netnsctl check")
 * @cfg: a loaded configuration
 *
 * The file is read as "up" reads it (ownership, mode, every line), its [Peer]s checked against
 * [Veth] DefaultRoute=; its keys are wiped. Endpoint= names are not resolved.
 * Return: 0 (also without a ConfigFile=), or -errno (reported, naming the file and line).
 */
int wireguard_check_config_file(const struct netns_config *cfg) {
        struct wgquick q = {};
        int r;

        if (!cfg->has_wireguard || !cfg->wg.config_file)
                return 0;
        r = wgquick_load(cfg->wg.config_file, &q);
        if (r >= 0)
                r = default_route_check(cfg, &q.dev);
        wgquick_done(&q);
        return r;
}

/**
 * plan_wireguard() - plan of step "wireguard": keys, key files and ConfigFile= read, Endpoint=
 * names resolved, before anything is made
 * @c: the up context; c->wg_plan and c->tunnel_default are set
 *
 * Return: 0 or -errno (logged).
 */
int plan_wireguard(struct up_ctx *c) {
        int r;

        if (!c->cfg->has_wireguard)
                return 0;
        c->wg_plan = calloc(1, sizeof(*c->wg_plan));
        if (!c->wg_plan)
                return log_oom();
        r = tunnel_load(c, c->wg_plan);
        if (r < 0)
                return r;
        r = default_route_check(c->cfg, &c->wg_plan->dev);
        if (r < 0)
                return r;
        c->tunnel_default = tunnel_has_default(&c->wg_plan->dev, AF_INET) || tunnel_has_default(&c->wg_plan->dev, AF_INET6);
        return 0;
}

/**
 * wireguard_plan_free() - wipe and free what plan_wireguard() loaded
 * @c: the up context
 */
void wireguard_plan_free(struct up_ctx *c) {
        if (!c->wg_plan)
                return;
        wgquick_done(c->wg_plan);
        free(c->wg_plan);
        c->wg_plan = NULL;
}

/**
 * step_wireguard() - up step "wireguard": the [WireGuard] section, as planned
 * @c: the up context
 *
 * Return: 0 or -errno (logged).
 */
int step_wireguard(struct up_ctx *c) {
        struct wgquick *t = c->wg_plan;
        struct nl_sock *host, *ns;
        _cleanup_nl_close_ struct nl_sock *genl = NULL;
        const char *name = c->cfg->wg.name ?: NETNS_WG_NAME_DEFAULT;
        char tmp[IFNAMSIZ];
        uint16_t family;
        int ifindex, r;

        if (!t)
                return 0;

        r = ctx_nl_host(c, &host);
        if (r < 0) {
                log_error_errno(r, "Failed to open rtnetlink: %m");
                goto finish;
        }
        r = wg_genl_open(-1, &genl, &family);
        if (r < 0) {
                log_error_errno(r, r == -ENOENT ? "The kernel has no WireGuard (module wireguard not available)." :
                                "Failed to reach the kernel's WireGuard interface: %m");
                goto finish;
        }

        host_tmp_name(c->name, tmp);
        r = record_add_wg(c->rec, RECORD_WG_HOST, tmp);
        if (r < 0) {
                log_error_errno(r, "Failed to write the record: %m");
                goto finish;
        }
        r = nl_link_add_kind(host, "wireguard", tmp);
        if (r < 0) {
                log_error_errno(r, "Failed to create WireGuard device %s on the host: %m%s", tmp, nl_extack(host));
                goto finish;
        }
        /* the tests' crash between the creation and the move: the device is left on the host */
        r = up_test_hook("wireguard-created");
        if (r < 0)
                goto finish;
        ifindex = nl_link_ifindex(host, tmp);
        if (ifindex < 0) {
                r = log_error_errno(ifindex, "Failed to find WireGuard device %s on the host: %m", tmp);
                goto finish;
        }

        /* keys and peers while it is on the host; the message buffers are wiped */
        t->dev.ifindex = ifindex;
        r = wg_device_set(genl, family, &t->dev);
        if (r < 0) {
                log_error_errno(r, "Failed to configure WireGuard device %s: %m%s", tmp, nl_extack(genl));
                goto finish;
        }

        r = record_add_wg(c->rec, RECORD_WG, name);
        if (r < 0) {
                log_error_errno(r, "Failed to write the record: %m");
                goto finish;
        }
        /* in, renamed, its MTU set: one request (the socket stays with the host) */
        r = nl_link_move(host, ifindex, c->netns_fd, name, t->mtu, 0);
        if (r < 0) {
                log_error_errno(r, r == -EEXIST ? "Failed to move WireGuard device into '%s' as %s: the name is taken there.%s" :
                                "Failed to move WireGuard device into '%s' as %s: %m%s", c->name, name, nl_extack(host));
                goto finish;
        }

        r = ctx_nl_ns(c, &ns);
        if (r < 0) {
                log_error_errno(r, "Failed to open rtnetlink in '%s': %m", c->name);
                goto finish;
        }
        ifindex = nl_link_ifindex(ns, name);
        if (ifindex < 0) {
                r = log_error_errno(ifindex, "Failed to find WireGuard device %s inside '%s': %m", name, c->name);
                goto finish;
        }
        r = configure_inside(c, ns, ifindex, t, name);
finish:
        /* the keys are not needed any more */
        wireguard_plan_free(c);
        return r < 0 ? r : 0;
}

int undo_wg(struct undo_ctx *u, const struct record_entry *e) {
        char where[NAME_MAX + 32];
        struct nl_sock *ns;
        int r;

        r = undo_nl_ns(u, &ns);
        if (r == -ESRCH)
                return 0; /* the namespace is gone, and its devices with it */
        if (r < 0)
                return log_error_errno(r, "Failed to open rtnetlink in '%s': %m", u->name);
        (void) snprintf(where, sizeof(where), "in namespace '%s'", u->name);
        return link_delete_of_kind(ns, e->wg, "wireguard", where);
}

int undo_wg_host(struct undo_ctx *u, const struct record_entry *e) {
        struct nl_sock *host;
        int r;

        r = undo_nl_host(u, &host);
        if (r < 0)
                return log_error_errno(r, "Failed to open rtnetlink: %m");
        return link_delete_of_kind(host, e->wg, "wireguard", "on the host");
}

/* ---- reload: the tunnel in force brought to the configuration, on the same device ---- */

/* a copy of @n prefixes, or NULL (out of memory) */
static struct netns_prefix *prefixes_dup(const struct netns_prefix *a, size_t n) {
        struct netns_prefix *d = calloc(n ?: 1, sizeof(*d));

        if (d && n)
                memcpy(d, a, n * sizeof(*d));
        return d;
}

static bool allowed_ips_equal(const struct wg_peer *a, const struct wg_peer *b) {
        for (int k = 0; k < 2; k++) {
                const struct wg_peer *x = k ? b : a, *y = k ? a : b;

                for (size_t i = 0; i < x->n_allowed_ips; i++) {
                        bool found = false;

                        for (size_t j = 0; j < y->n_allowed_ips && !found; j++)
                                found = prefix_eq(&x->allowed_ips[i], &y->allowed_ips[j]);
                        if (!found)
                                return false;
                }
        }
        return true;
}

/* A copy of @p for a WG_CMD_SET_DEVICE that states all of it: keepalive and preshared key
 * sent also when off (0, zeros), the allowed IPs replaced. */
static int peer_full(struct wg_device *d, const struct wg_peer *p, bool remove) {
        struct wg_peer *n = ARRAY_APPEND(d->peers, d->n_peers);

        if (!n)
                return -ENOMEM;
        memcpy(n->public_key, p->public_key, WG_KEY_SIZE);
        n->has_public_key = true;
        n->remove = remove;
        if (remove)
                return 0;
        memcpy(n->preshared_key, p->preshared_key, WG_KEY_SIZE);
        n->has_preshared_key = true;
        n->endpoint = p->endpoint;
        n->keepalive = p->keepalive;
        n->has_keepalive = true;
        n->origin = p->origin;
        if (p->n_allowed_ips > 0) {
                n->allowed_ips = prefixes_dup(p->allowed_ips, p->n_allowed_ips);
                if (!n->allowed_ips)
                        return -ENOMEM;
                n->n_allowed_ips = p->n_allowed_ips;
        }
        return 0;
}

static int what_push(struct wg_change *w, unsigned what) {
        unsigned *n;

        /* one per peer of @set, which peer_full() grew just before */
        n = reallocarray(w->what, w->set.n_peers, sizeof(*w->what));
        if (!n)
                return -ENOMEM;
        w->what = n;
        w->what[w->set.n_peers - 1] = what;
        return 0;
}

/* The peers' difference: @want (the configuration) against @have (the kernel's, with keys). */
static int diff_peers(struct wg_change *w, const struct wg_device *want, const struct wg_device *have) {
        int r;

        for (size_t i = 0; i < want->n_peers; i++) {
                const struct wg_peer *p = &want->peers[i], *h = NULL;
                unsigned what = 0;

                for (size_t k = 0; k < have->n_peers && !h; k++)
                        if (memcmp(have->peers[k].public_key, p->public_key, WG_KEY_SIZE) == 0)
                                h = &have->peers[k];
                if (!h)
                        what = WG_CHANGE_ADDED;
                else {
                        if (!allowed_ips_equal(p, h))
                                what |= WG_CHANGE_ALLOWED_IPS;
                        /* an endpoint the configuration leaves out is the one the peer roamed to */
                        if (p->endpoint.sa.sa_family && !wg_endpoint_equal(&p->endpoint, &h->endpoint))
                                what |= WG_CHANGE_ENDPOINT;
                        if (p->keepalive != h->keepalive)
                                what |= WG_CHANGE_KEEPALIVE;
                        /* the configuration's zeros when none: the kernel's "none" too */
                        if (!wg_key_equal(p->preshared_key, h->preshared_key))
                                what |= WG_CHANGE_PRESHARED_KEY;
                        if (!what)
                                continue;
                }
                r = peer_full(&w->set, p, false);
                if (r >= 0)
                        r = what_push(w, what);
                if (r >= 0)
                        r = h ? peer_full(&w->undo, h, false) : peer_full(&w->undo, p, true);
                if (r < 0)
                        return r;
        }
        for (size_t k = 0; k < have->n_peers; k++) {
                const struct wg_peer *h = &have->peers[k];
                bool kept = false;

                for (size_t i = 0; i < want->n_peers && !kept; i++)
                        kept = memcmp(want->peers[i].public_key, h->public_key, WG_KEY_SIZE) == 0;
                if (kept)
                        continue;
                r = peer_full(&w->set, h, true);
                if (r >= 0)
                        r = what_push(w, WG_CHANGE_REMOVED);
                if (r >= 0)
                        r = peer_full(&w->undo, h, false);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The tunnel's routes inside as the kernel has them: through the device (not the kernel's
 * own prefix routes of its addresses), and the "unreachable" defaults of the kill switch
 * (unless a [Route] of the configuration makes that one). */
static int routes_in_force(struct up_ctx *c, struct nl_sock *ns, int ifindex, struct wg_change *w) {
        _cleanup_free_ struct nl_route_entry *rt = NULL;
        size_t n = 0;
        int r;

        r = nl_dump_routes(ns, AF_UNSPEC, &rt, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                const struct nl_route_entry *e = &rt[i];
                bool tunnel = e->type == RTN_UNICAST && e->oif == ifindex && !e->has_gateway && e->protocol != RTPROT_KERNEL;
                bool unreachable = e->type == RTN_UNREACHABLE && e->dst.prefixlen == 0;
                struct netns_route *t;

                if (e->table != RT_TABLE_MAIN || (e->family != AF_INET && e->family != AF_INET6) || !(tunnel || unreachable))
                        continue;
                for (size_t k = 0; unreachable && k < c->cfg->n_routes; k++)
                        if (c->cfg->routes[k].type == NETNS_ROUTE_UNREACHABLE && c->cfg->routes[k].destination.prefixlen == 0 &&
                            c->cfg->routes[k].destination.family == e->family)
                                unreachable = false;
                if (!tunnel && !unreachable)
                        continue;
                t = ARRAY_APPEND(w->routes_was, w->n_routes_was);
                if (!t)
                        return -ENOMEM;
                *t = (struct netns_route) { .destination = e->dst, .type = tunnel ? NETNS_ROUTE_UNICAST : NETNS_ROUTE_UNREACHABLE,
                                            .origin = c->cfg->wg.origin };
                t->destination.family = e->family;
                if (!e->has_dst)
                        memset(&t->destination.addr, 0, sizeof(t->destination.addr));
        }
        return 0;
}

static int addrs_in_force(struct nl_sock *ns, int ifindex, struct wg_change *w) {
        _cleanup_free_ struct nl_addr *a = NULL;
        size_t n = 0;
        int r;

        r = nl_dump_addrs(ns, AF_UNSPEC, &a, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                struct netns_prefix p, *t;

                if (a[i].ifindex != ifindex || a[i].scope != RT_SCOPE_UNIVERSE || !nl_addr_prefix(&a[i], &p))
                        continue;
                t = ARRAY_APPEND(w->addrs_was, w->n_addrs_was);
                if (!t)
                        return -ENOMEM;
                *t = p;
        }
        return 0;
}

/* The configuration's peer (or section) that makes the tunnel own a default route, for a refusal. */
static const struct conf_origin *default_origin(const struct up_ctx *c) {
        const struct wg_device *d = &c->wg_plan->dev;

        for (size_t i = 0; i < d->n_peers; i++)
                for (size_t j = 0; j < d->peers[i].n_allowed_ips; j++)
                        if (d->peers[i].allowed_ips[j].prefixlen == 0 && d->peers[i].origin.file)
                                return &d->peers[i].origin;
        return &c->cfg->wg.origin;
}

/**
 * wireguard_reload_plan() - what "reload" changes on the tunnel in force, read-only
 * @c: the reload's context; c->cfg the new configuration (its ConfigFile= DNS= merged in)
 * @old: the configuration in force
 * @w: zeroed; filled (wireguard_change_done() it)
 *
 * The difference is taken against the kernel's device (its peers, keys, addresses, routes),
 * not the configuration in force: a wg-quick file or key file changed on disk counts, and a
 * reload that was interrupted is finished. Endpoint= names are resolved again, in the host's
 * namespace; key files and ConfigFile= are read again. What cannot change in place (the MTU,
 * a default route moving between the tunnel and the veth) is refused, naming the key.
 * Return: 0 or -errno (logged).
 */
int wireguard_reload_plan(struct up_ctx *c, const struct netns_config *old, struct wg_change *w) {
        _cleanup_(wg_device_done) struct wg_device have = {};
        const struct wgquick *want;
        struct nl_sock *ns;
        struct nl_link l;
        bool was_default;
        int r;

        if (!c->cfg->has_wireguard || !old->has_wireguard)
                return 0; /* added or removed: refused before */
        (void) snprintf(w->ifname, sizeof(w->ifname), "%s", old->wg.name ?: NETNS_WG_NAME_DEFAULT);
        r = plan_wireguard(c);
        if (r < 0)
                return r;
        want = c->wg_plan;

        r = ctx_nl_ns(c, &ns);
        if (r < 0)
                return log_error_errno(r, "Failed to open rtnetlink in '%s': %m", c->name);
        r = nl_link_get(ns, w->ifname, &l);
        if (r == -ENODEV || (r >= 0 && !streq(l.kind, "wireguard")))
                return log_error_errno(ENODEV, "WireGuard device %s is gone from namespace '%s'; 'systemctl restart netns@%s' makes it again.",
                                       w->ifname, c->name, c->name);
        if (r < 0)
                return log_error_errno(r, "Failed to look up WireGuard device %s in '%s': %m", w->ifname, c->name);
        if (want->mtu && want->mtu != l.mtu)
                return log_error_errno(EOPNOTSUPP, "%s:%u: [WireGuard] MTU= changed (%u in force, %u configured): that cannot change in a running namespace; 'systemctl restart netns@%s' (or 'netnsctl down %s', 'netnsctl up %s') applies it.",
                                       strempty(c->cfg->wg.origin.file), c->cfg->wg.origin.line, l.mtu, want->mtu, c->name, c->name, c->name);

        r = wg_genl_open(c->netns_fd, &w->genl, &w->family);
        if (r < 0)
                return log_error_errno(r, "Failed to reach the kernel's WireGuard interface in '%s': %m", c->name);
        r = wg_device_get_secrets(w->genl, w->family, w->ifname, &have);
        if (r < 0)
                return log_error_errno(r, "Failed to read WireGuard device %s in '%s': %m", w->ifname, c->name);

        /* the kill switch: a default route moving between the tunnel and the veth is a restart */
        was_default = tunnel_has_default(&have, AF_INET) || tunnel_has_default(&have, AF_INET6);
        if (was_default != c->tunnel_default && c->cfg->has_veth && c->cfg->veth.default_route) {
                const struct conf_origin *o = default_origin(c);

                return log_error_errno(EOPNOTSUPP, "%s:%u: AllowedIPs= %s a default route, which %s the veth's default route: that cannot change in a running namespace; 'systemctl restart netns@%s' (or 'netnsctl down %s', 'netnsctl up %s') applies it.",
                                       strempty(o->file), o->line, c->tunnel_default ? "now holds" : "no longer holds",
                                       c->tunnel_default ? "replaces" : "gives back", c->name, c->name, c->name);
        }

        /* the device's own keys */
        w->set.ifindex = w->undo.ifindex = l.ifindex;
        if (!wg_key_equal(want->dev.private_key, have.private_key)) {
                memcpy(w->set.private_key, want->dev.private_key, WG_KEY_SIZE);
                memcpy(w->undo.private_key, have.private_key, WG_KEY_SIZE);
                w->set.has_private_key = w->undo.has_private_key = true;
        }
        if (want->dev.has_listen_port && want->dev.listen_port != have.listen_port) {
                w->set.listen_port = want->dev.listen_port;
                w->undo.listen_port = have.listen_port;
                w->set.has_listen_port = w->undo.has_listen_port = true;
        }
        if (want->dev.fwmark != have.fwmark) {
                w->set.fwmark = want->dev.fwmark;
                w->undo.fwmark = have.fwmark;
                w->set.has_fwmark = w->undo.has_fwmark = true;
        }
        r = diff_peers(w, &want->dev, &have);
        if (r < 0)
                return log_oom();

        /* addresses and routes: in force, and to be */
        r = addrs_in_force(ns, l.ifindex, w);
        if (r >= 0)
                r = routes_in_force(c, ns, l.ifindex, w);
        if (r < 0)
                return log_error_errno(r, "Failed to read the addresses and routes of %s in '%s': %m", w->ifname, c->name);
        if (want->n_addresses > 0) {
                w->addrs_now = prefixes_dup(want->addresses, want->n_addresses);
                if (!w->addrs_now)
                        return log_oom();
                w->n_addrs_now = want->n_addresses;
        }
        r = tunnel_routes(&want->dev, want->addresses, want->n_addresses, c->tunnel_default, &c->cfg->wg.origin,
                          &w->routes_now, &w->n_routes_now);
        if (r < 0)
                return log_oom();
        return 0;
}

/**
 * wireguard_reload_needed() - does the device itself change (keys, port, mark, peers)?
 * @w: the plan
 * Return: true when wireguard_reload_set() has something to send.
 */
bool wireguard_reload_needed(const struct wg_change *w) {
        return w->set.n_peers > 0 || w->set.has_private_key || w->set.has_listen_port || w->set.has_fwmark;
}

/**
 * wireguard_reload_set() - send the difference (@forward), or what puts the state in force back
 * @w: the plan
 * @forward: true: the change; false: the undo (peers added removed, peers removed or changed
 *           set as they were, the device's keys, port and mark as they were)
 *
 * Peers that do not change are not in the request: their sessions, handshakes and counters
 * stay. A peer re-added by the undo has lost its session (it handshakes again).
 * Return: 0 or -errno (logged).
 */
int wireguard_reload_set(struct wg_change *w, bool forward) {
        int r;

        r = wg_device_set(w->genl, w->family, forward ? &w->set : &w->undo);
        if (r < 0)
                return log_error_errno(r, "Failed to %s WireGuard device %s: %m%s", forward ? "reconfigure" : "put back", w->ifname,
                                       nl_extack(w->genl));
        return 0;
}

/**
 * wireguard_reload_describe() - the device's changes, one line each; never a secret
 * @w: the plan
 * @f: where to
 * Return: the number of lines.
 */
int wireguard_reload_describe(const struct wg_change *w, FILE *f) {
        char key[WG_KEY_B64_LEN + 1], ep[INET6_ADDRSTRLEN + 8], buf[ADDR_PREFIX_STRLEN];
        int n = 0;

        if (w->set.has_private_key) {
                fprintf(f, "~ wireguard %s private key (a new public key)\n", w->ifname);
                n++;
        }
        if (w->set.has_listen_port) {
                fprintf(f, "~ wireguard %s listen port %u\n", w->ifname, w->set.listen_port);
                n++;
        }
        if (w->set.has_fwmark) {
                fprintf(f, "~ wireguard %s firewall mark %" PRIu32 "\n", w->ifname, w->set.fwmark);
                n++;
        }
        for (size_t i = 0; i < w->set.n_peers; i++) {
                const struct wg_peer *p = &w->set.peers[i];
                unsigned what = w->what[i];

                wg_key_to_base64(p->public_key, key);
                fprintf(f, "%c wireguard %s peer %s", what & WG_CHANGE_ADDED ? '+' : what & WG_CHANGE_REMOVED ? '-' : '~',
                        w->ifname, key);
                if (!(what & WG_CHANGE_REMOVED)) {
                        if (what & (WG_CHANGE_ADDED | WG_CHANGE_ALLOWED_IPS)) {
                                fputs(" allowed-ips ", f);
                                for (size_t k = 0; k < p->n_allowed_ips; k++)
                                        fprintf(f, "%s%s", k ? "," : "", addr_prefix_to_string(&p->allowed_ips[k], buf));
                                if (p->n_allowed_ips == 0)
                                        fputs("(none)", f);
                        }
                        if ((what & (WG_CHANGE_ADDED | WG_CHANGE_ENDPOINT)) && wg_endpoint_to_string(&p->endpoint, ep))
                                fprintf(f, " endpoint %s", ep);
                        if ((what & WG_CHANGE_KEEPALIVE) || ((what & WG_CHANGE_ADDED) && p->keepalive))
                                fprintf(f, " persistent-keepalive %u", p->keepalive);
                        if (what & WG_CHANGE_PRESHARED_KEY)
                                fputs(" preshared-key (changed)", f);
                }
                fputc('\n', f);
                n++;
        }
        return n;
}

/**
 * wireguard_change_done() - free the plan; every key in it is wiped
 * @w: the plan, may be all zeros
 */
void wireguard_change_done(struct wg_change *w) {
        nl_close(w->genl);
        wg_device_done(&w->set);
        wg_device_done(&w->undo);
        free(w->what);
        free(w->addrs_was);
        free(w->addrs_now);
        free(w->routes_was);
        free(w->routes_now);
        *w = (struct wg_change) {};
}
