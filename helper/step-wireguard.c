/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* step-wireguard.c - up step "wireguard": [WireGuard] a tunnel born on the host, living inside */

#include <arpa/inet.h>
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
static bool prefix_seen(const struct wgquick *q, size_t peer, size_t aip) {
        const struct wg_device *d = &q->dev;
        const struct netns_prefix *a = &d->peers[peer].allowed_ips[aip];

        for (size_t i = 0; i < q->n_addresses; i++) {
                struct netns_prefix net = addr_prefix_network(&q->addresses[i]);

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

/* Inside: up, addresses, a route per AllowedIPs= entry, unreachable defaults. One batch. */
static int configure_inside(struct up_ctx *c, struct nl_sock *ns, int ifindex, const struct wgquick *q, const char *name) {
        const struct wg_device *d = &q->dev;
        _cleanup_free_ char *buf = NULL;
        size_t n_routes = 0, size;
        struct nl_batch b;
        unsigned failed = 0;
        int r;

        for (size_t i = 0; i < d->n_peers; i++)
                n_routes += d->peers[i].n_allowed_ips;
        size = 512 * (q->n_addresses + n_routes + 4);
        buf = malloc(size);
        if (!buf)
                return log_oom();
        nl_batch_init(&b, ns, buf, size);
        (void) nl_batch_link_set_up(&b, ifindex);
        for (size_t i = 0; i < q->n_addresses; i++)
                (void) nl_batch_addr_add(&b, ifindex, &q->addresses[i], NULL);
        for (size_t i = 0; i < d->n_peers; i++)
                for (size_t j = 0; j < d->peers[i].n_allowed_ips; j++)
                        if (!prefix_seen(q, i, j))
                                (void) nl_batch_route_add(&b, &(struct nl_route) {
                                        .family = d->peers[i].allowed_ips[j].family,
                                        .dst = &d->peers[i].allowed_ips[j], .ifindex = ifindex });
        if (c->tunnel_default)
                for (int f = 0; f < 2; f++)
                        if (!tunnel_has_default(d, f ? AF_INET6 : AF_INET))
                                (void) nl_batch_route_add(&b, &(struct nl_route) {
                                        .family = f ? AF_INET6 : AF_INET, .type = RTN_UNREACHABLE });
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

/* Delete @ifname in @nl's namespace if it is a WireGuard device. */
static int delete_wireguard(struct nl_sock *nl, const char *ifname) {
        struct nl_link l;
        int r;

        r = nl_link_get(nl, ifname, &l);
        if (r == -ENODEV)
                return 0;
        if (r < 0)
                return r;
        if (!streq(l.kind, "wireguard")) {
                log_warning("%s is a %s device, not the WireGuard device netnsctl made; leaving it.", ifname,
                            l.kind[0] ? l.kind : "plain");
                return 0;
        }
        r = nl_link_del(nl, l.ifindex);
        return r == -ENODEV ? 0 : r;
}

int undo_wg(struct undo_ctx *u, const struct record_entry *e) {
        const char *args = e->wg;
        struct nl_sock *ns;
        int r;

        r = undo_nl_ns(u, &ns);
        if (r == -ESRCH)
                return 0; /* the namespace is gone, and its devices with it */
        if (r < 0)
                return log_error_errno(r, "Failed to open rtnetlink in '%s': %m", u->name);
        r = delete_wireguard(ns, args);
        if (r < 0)
                return log_error_errno(r, "Failed to delete WireGuard device %s in '%s': %m", args, u->name);
        return 0;
}

int undo_wg_host(struct undo_ctx *u, const struct record_entry *e) {
        const char *args = e->wg;
        struct nl_sock *host;
        int r;

        r = undo_nl_host(u, &host);
        if (r < 0)
                return log_error_errno(r, "Failed to open rtnetlink: %m");
        r = delete_wireguard(host, args);
        if (r < 0)
                return log_error_errno(r, "Failed to delete WireGuard device %s on the host: %m", args);
        return 0;
}
