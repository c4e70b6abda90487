/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* step-link.c - up step "links": [Link] devices: a host link moved in and given back, devices made on a parent */

#include <assert.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_link.h>
#include <net/if.h>

#include "addr.h"
#include "log.h"
#include "name.h"
#include "steps.h"
#include "util.h"

/*
 * Record lines, each written before the device is touched:
 *
 *   link-moved ORIGNAME NAMEINSIDE MAC|- MTU up|down
 *       a host link moved in: what it takes to find it again (its name inside, its hardware
 *       address: a move may renumber its ifindex) and to give it back as it was (its host
 *       name, MTU and up/down state).
 *   link-new NAMEINSIDE KIND
 *       a device made on a parent (KIND: its kernel kind, link-KIND.c), inside the namespace;
 *       or a device made on the host and moved in (written before the move).
 *   link-host TMPNAME KIND
 *       a device made on the host under a name of its own (host_tmp_name()) before it is moved
 *       in: a crash between its creation and the move leaves it there, and undo deletes it.
 *
 * Moves come first, then creations, so that a device created on a moved link finds it; undo
 * runs backwards: created devices go first, then the moved links go home.
 */

/* What plan_links() resolved for one [Link] before anything is made. */
struct link_plan {
        const struct netns_link *l;
        const struct link_kind *kind;
        char name[IFNAMSIZ];              /* inside */
        const struct link_plan *on_moved; /* created on a link this namespace moves in */
        struct nl_link host;              /* physical: the link; created: the parent (unless on_moved);
                                           * a tunnel: its underlay, when known (ifindex > 0) */
        uint32_t mtu;                     /* the MTU it is created with: MTU=, or a tunnel's derived one */
};

static const char *where(const struct netns_link *l, char *buf, size_t size) {
        (void) snprintf(buf, size, "%s:%u", strempty(l->origin.file), l->origin.line);
        return buf;
}

static bool hwaddr_eq(const struct nl_link *l, const uint8_t *a, size_t n) {
        return n > 0 && l->hwaddr_len == n && memcmp(l->hwaddr, a, n) == 0;
}

/* The largest MTU @p can have on its parent or underlay (p->host): the parent's, less what a
 * tunnel's headers take. 0 when it is not known. */
static uint32_t tunnel_mtu(const struct link_plan *p) {
        uint32_t over = p->kind->overhead ? p->kind->overhead(p->l) : 0;

        return p->host.mtu > over ? p->host.mtu - over : 0;
}

/*
 * A tunnel without Parent=: its underlay is the link the host routes its remote end through,
 * and its MTU that link's less the tunnel's headers. With MTU= set nothing is looked up (the
 * host may have no route yet at boot). Other kinds without Parent= have nothing to plan.
 */
static int plan_underlay(struct nl_sock *host, struct link_plan *p) {
        const struct netns_addr *peer = p->kind->underlay_peer ? p->kind->underlay_peer(p->l) : NULL;
        struct nl_prefix_use use = {};
        char w[PATH_MAX], a[INET6_ADDRSTRLEN];
        int r;

        if (!peer || !p->kind->overhead || p->l->mtu > 0)
                return 0;
        addr_to_string(peer->family, &peer->addr, a);
        r = nl_route_lookup(host, peer->family, &peer->addr, &use);
        if (r < 0)
                return log_error_errno(r, "%s: [Link] Remote=%s: the host's route to it does not carry traffic (%m); set Parent= or MTU=.",
                                       where(p->l, w, sizeof(w)), a);
        if (use.type == RTN_LOCAL)
                return log_error_errno(EINVAL, "%s: [Link] Remote=%s is an address of this host.", where(p->l, w, sizeof(w)), a);
        if (use.ifindex <= 0)
                return log_error_errno(ENETUNREACH, "%s: [Link] Remote=%s: %s, so the MTU cannot be derived; set Parent= (the underlay link) or MTU=.",
                                       where(p->l, w, sizeof(w)), a,
                                       use.type == 0 ? "the host has no route to it" : "its route on the host goes through no single link");
        r = nl_link_get_by_index(host, use.ifindex, &p->host);
        if (r < 0)
                return log_error_errno(r, "%s: Failed to look up the host link %d that Remote=%s is routed through: %m%s",
                                       where(p->l, w, sizeof(w)), use.ifindex, a, nl_extack(host));
        p->mtu = tunnel_mtu(p);
        if (p->mtu < 68)
                return log_error_errno(EINVAL, "%s: [Link] Remote=%s is routed through %s, whose MTU %u leaves too little for a %s; set MTU=.",
                                       where(p->l, w, sizeof(w)), a, p->host.name, p->host.mtu, p->kind->name);
        log_debug("%s: %s %s: underlay %s (MTU %u), MTU %u.", where(p->l, w, sizeof(w)), p->kind->name, p->name,
                  p->host.name, p->host.mtu, p->mtu);
        return 0;
}

/**
 * plan_links() - the read-only part of the "links" step, run before any step makes anything
 * @c: the up context (the veth's names resolved by its plan)
 *
 * Resolves every device's name inside and its host link: every problem a user can cause (a
 * name clash, a parent that does not exist, the veth's own host end) is found here, before
 * the namespace, its record or any device exists. The result stays in @c for step_links().
 * Return: 0, or -errno after logging which [Link] is at fault.
 */
int plan_links(struct up_ctx *c) {
        size_t n = c->cfg->n_links;
        struct link_plan *p;
        struct nl_sock *host;
        char w[PATH_MAX], w2[PATH_MAX];
        int r;

        if (n == 0)
                return 0;
        r = link_names_check(c->cfg);
        if (r < 0)
                return r;
        p = c->link_plans = calloc(n, sizeof(*p));
        if (!p)
                return log_oom();
        r = ctx_nl_host(c, &host);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket on the host: %m");
        for (size_t i = 0; i < n; i++) {
                p[i].l = &c->cfg->links[i];
                p[i].kind = link_kind_get(p[i].l->kind); /* the config check refuses a [Link] without */
                (void) link_ifname(p[i].l, p[i].name); /* checked above */
        }

        for (size_t i = 0; i < n; i++) {
                const struct netns_link *l = p[i].l, *moved = link_parent_moved_in(c->cfg, l);
                bool moves_in = p[i].kind->birth == LINK_BORN_MOVED_IN;
                uint32_t limit;

                p[i].mtu = l->mtu;
                if (moved && p[i].kind->birth == LINK_BORN_ON_HOST_THEN_MOVED)
                        return log_error_errno(EINVAL, "%s: [Link] Parent=%s is moved into the namespace by the [Link] at %s; the underlay of a %s stays on the host.",
                                               where(l, w, sizeof(w)), l->parent, where(moved, w2, sizeof(w2)), p[i].kind->name);
                if (moved) {
                        p[i].on_moved = &p[moved - c->cfg->links];
                        continue;
                }
                if (!l->parent) {
                        r = plan_underlay(host, &p[i]);
                        if (r < 0)
                                return r;
                        continue;
                }
                r = nl_link_get(host, l->parent, &p[i].host);
                if (r == -ENODEV)
                        return log_error_errno(r, "%s: [Link] Parent=%s: no such link on the host%s.",
                                               where(l, w, sizeof(w)), l->parent,
                                               moves_in ? " (not plugged in yet, or moved into another namespace?)" : "");
                if (r < 0)
                        return log_error_errno(r, "%s: Failed to look up host link %s: %m%s", where(l, w, sizeof(w)),
                                               l->parent, nl_extack(host));
                if (moves_in && c->cfg->has_veth && streq(l->parent, c->host_ifname))
                        return log_error_errno(EINVAL, "%s: [Link] Parent=%s is the host end of this namespace's own veth.",
                                               where(l, w, sizeof(w)), l->parent);
                if (moves_in || p[i].host.mtu == 0)
                        continue;
                /* the kernel says only EINVAL for this: name the cause before anything is made */
                limit = tunnel_mtu(&p[i]);
                if (!p[i].kind->overhead && l->mtu > limit)
                        return log_error_errno(EINVAL, "%s: [Link] MTU=%u is above the MTU of its parent %s (%u): a %s cannot be larger than its parent.",
                                               where(l, w, sizeof(w)), l->mtu, l->parent, p[i].host.mtu, p[i].kind->name);
                if (p[i].kind->overhead && l->mtu > limit)
                        return log_error_errno(EINVAL, "%s: [Link] MTU=%u is above what the underlay %s carries: its MTU %u less %u bytes of %s headers is %u.",
                                               where(l, w, sizeof(w)), l->mtu, l->parent, p[i].host.mtu,
                                               p[i].kind->overhead(l), p[i].kind->name, limit);
                if (p[i].kind->overhead && l->mtu == 0)
                        p[i].mtu = limit;
        }
        return 0;
}

/* What request i of a configure batch was, to name it when it fails. */
struct op {
        enum { OP_MTU, OP_UP, OP_ADDR, OP_ROUTE } kind;
        const void *arg; /* OP_ADDR: struct netns_prefix; OP_ROUTE: struct netns_addr */
};

static int report_failed(int r, struct nl_sock *nl, const struct op *op, const struct link_plan *p, const char *ns) {
        char a[ADDR_PREFIX_STRLEN], w[PATH_MAX];

        where(p->l, w, sizeof(w));
        switch (op->kind) {
        case OP_MTU:
                return log_error_errno(r, "%s: Failed to set MTU %u on %s in namespace '%s': %m%s", w, p->l->mtu, p->name, ns,
                                       nl_extack(nl));
        case OP_UP:
                return log_error_errno(r, "%s: Failed to bring up %s in namespace '%s': %m%s", w, p->name, ns, nl_extack(nl));
        case OP_ADDR: {
                const struct netns_prefix *q = op->arg;

                return log_error_errno(r, "%s:%u: Failed to add address %s to %s in namespace '%s': %m%s",
                                       strempty(q->origin.file), q->origin.line, addr_prefix_to_string(q, a), p->name, ns,
                                       nl_extack(nl));
        }
        case OP_ROUTE: {
                const struct netns_addr *g = op->arg;

                return log_error_errno(r, "%s: Failed to add default route via %s dev %s in namespace '%s': %m%s", w,
                                       addr_to_string(g->family, &g->addr, a), p->name, ns, nl_extack(nl));
        }
        default:
                return log_error_errno(r, "%s: Failed to configure %s in namespace '%s': %m%s", w, p->name, ns, nl_extack(nl));
        }
}

/* MTU (a moved link; a created one got it at birth), UP, addresses, default routes: one batch,
 * in this order (an IPv4 gateway needs its link up). */
static int configure(struct up_ctx *c, struct nl_sock *ns, const struct link_plan *p, bool set_mtu) {
        const struct netns_link *l = p->l;
        _cleanup_free_ struct op *ops = NULL;
        _cleanup_free_ char *buf = NULL;
        size_t n_ops = 0, size = 512 * (l->n_addresses + l->n_gateways + 4);
        struct nl_link link;
        struct nl_batch b;
        unsigned failed = 0;
        char w[PATH_MAX];
        int r;

        r = nl_link_get(ns, p->name, &link);
        if (r < 0)
                return log_error_errno(r, "%s: Failed to find %s in namespace '%s': %m%s", where(l, w, sizeof(w)), p->name,
                                       c->name, nl_extack(ns));
        buf = malloc(size);
        ops = calloc(l->n_addresses + l->n_gateways + 2, sizeof(*ops));
        if (!buf || !ops)
                return log_oom();
        nl_batch_init(&b, ns, buf, size);
        if (set_mtu && l->mtu > 0) {
                (void) nl_batch_link_set_mtu(&b, link.ifindex, l->mtu);
                ops[n_ops++] = (struct op) { OP_MTU };
        }
        (void) nl_batch_link_set_up(&b, link.ifindex);
        ops[n_ops++] = (struct op) { OP_UP };
        for (size_t i = 0; i < l->n_addresses; i++) {
                (void) nl_batch_addr_add_dad(&b, link.ifindex, &l->addresses[i]);
                ops[n_ops++] = (struct op) { OP_ADDR, &l->addresses[i] };
        }
        for (size_t i = 0; i < l->n_gateways; i++) {
                const struct netns_addr *g = &l->gateways[i];
                bool onlink = true, dup = false;

                /* one default route per family: the config check refuses a second family
                 * owner; a second Gateway= of one family on one link is kept out here */
                for (size_t j = 0; j < i; j++)
                        if (l->gateways[j].family == g->family)
                                dup = true;
                if (dup)
                        continue;
                /* a gateway no Address= of the link covers is still on the link (a /32
                 * address of the host's network, an ipvlan L3 link): onlink */
                for (size_t j = 0; j < l->n_addresses; j++)
                        if (addr_prefix_contains(&l->addresses[j], g->family, &g->addr))
                                onlink = false;
                if (g->family == AF_INET6 && g->addr.bytes[0] == 0xfe && (g->addr.bytes[1] & 0xc0) == 0x80)
                        onlink = false;
                (void) nl_batch_route_add_default(&b, g->family, &g->addr, link.ifindex, onlink);
                ops[n_ops++] = (struct op) { OP_ROUTE, g };
        }
        if (b.overflow)
                return log_error_errno(ENOBUFS, "%s: Failed to configure %s: too many addresses for one request.",
                                       where(l, w, sizeof(w)), p->name);
        r = nl_batch_run(&b, &failed);
        if (r < 0)
                return report_failed(r, ns, &ops[failed < n_ops ? failed : 0], p, c->name);
        return 0;
}

static int move_in(struct up_ctx *c, struct nl_sock *host, struct nl_sock *ns, const struct link_plan *p) {
        const struct nl_link *h = &p->host;
        char w[PATH_MAX];
        int r;

        r = record_add_link_moved(c->rec, p->l->parent, p->name, h->hwaddr, h->hwaddr_len, h->mtu,
                                  h->flags & IFF_UP);
        if (r < 0)
                return log_error_errno(r, "Failed to write state record: %m");
        /* Moved and renamed in one request, under one hold of the RTNL lock: no other request
         * sees or acts on the link between the two (a rename in a second request would race
         * udev and anything else that acts on a link the moment it appears). The kernel
         * keeps the link's name through the move unless that is taken inside, then renames
         * it; a name taken inside fails the whole request before the move. */
        r = nl_link_move(host, h->ifindex, c->netns_fd, p->name, 0, -1);
        if (r == -EEXIST)
                return log_error_errno(r, "%s: Failed to move host link %s into namespace '%s': a link named '%s' exists there already; set Name=.",
                                       where(p->l, w, sizeof(w)), p->l->parent, c->name, p->name);
        if (r < 0)
                return log_error_errno(r, "%s: Failed to move host link %s into namespace '%s' as %s: %m%s%s",
                                       where(p->l, w, sizeof(w)), p->l->parent, c->name, p->name, nl_extack(host),
                                       r == -EINVAL && !nl_extack(host)[0] ? " (a bridge, bond or other namespace-local device cannot move)" : "");
        return configure(c, ns, p, true);
}

struct fill_data {
        const struct link_kind *kind;
        const struct netns_link *l;
        int parent_ifindex;
};

static bool fill_info_data(const void *userdata, struct nlmsghdr *nlh, size_t room) {
        const struct fill_data *d = userdata;

        return d->kind->fill_info_data ? d->kind->fill_info_data(d->l, d->parent_ifindex, nlh, room) : true;
}

/* Report a failed creation of @p's device as @n describes it. */
static int report_create_failed(int r, struct nl_sock *on, const struct link_plan *p, const struct nl_link_new *n,
                                const char *where_made) {
        char w[PATH_MAX];

        where(p->l, w, sizeof(w));
        if (r == -EEXIST && p->kind->birth == LINK_BORN_ON_HOST_THEN_MOVED)
                return log_error_errno(r, "%s: Failed to create %s %s on the host: a link of that name, or a %s with these settings (another namespace's?), exists there already%s.",
                                       w, n->kind, n->name, n->kind, nl_extack(on));
        if (r == -EEXIST)
                return log_error_errno(r, "%s: Failed to create %s %s %s: a link of that name exists there already; set Name=.",
                                       w, n->kind, n->name, where_made);
        if (r == -EOPNOTSUPP)
                return log_error_errno(r, "%s: Failed to create %s %s: this kernel cannot make %s devices (kernel module %s)%s.",
                                       w, n->kind, n->name, n->kind, p->kind->module, nl_extack(on));
        return log_error_errno(r, "%s: Failed to create %s %s%s%s %s: %m%s", w, n->kind, n->name, p->l->parent ? " on " : "",
                               strempty(p->l->parent), where_made, nl_extack(on));
}

static int create_in(struct up_ctx *c, struct nl_sock *host, struct nl_sock *ns, const struct link_plan *p) {
        const struct netns_link *l = p->l;
        struct fill_data data = { p->kind, l };
        struct nl_link_new n = {
                .kind = p->kind->kernel_kind,
                .name = p->name,
                .mtu = p->mtu,
                .fill_info_data = fill_info_data,
                .userdata = &data,
        };
        struct nl_sock *on = host;
        char w[PATH_MAX], in[NAME_MAX + 32];
        uint8_t mac[6];
        int r;

        if (p->kind->stable_hwaddr && link_stable_hwaddr(c->name, p->name, mac) >= 0)
                n.hwaddr = mac;

        if (p->on_moved) {
                /* the parent is inside already: create it there, next to it */
                struct nl_link parent;

                r = nl_link_get(ns, p->on_moved->name, &parent);
                if (r < 0)
                        return log_error_errno(r, "%s: Failed to find parent %s in namespace '%s': %m%s", where(l, w, sizeof(w)),
                                               p->on_moved->name, c->name, nl_extack(ns));
                on = ns;
                n.parent_ifindex = parent.ifindex;
                n.netns_fd = -1;
        } else {
                n.parent_ifindex = p->host.ifindex;
                n.netns_fd = c->netns_fd;
        }
        data.parent_ifindex = n.parent_ifindex;

        r = record_add_link_new(c->rec, p->name, n.kind);
        if (r < 0)
                return log_error_errno(r, "Failed to write state record: %m");
        r = nl_link_add_on_parent(on, &n);
        if (r < 0) {
                (void) snprintf(in, sizeof(in), "in namespace '%s'", c->name);
                return report_create_failed(r, on, p, &n, in);
        }
        return configure(c, ns, p, false);
}

/* The name of @p's device on the host between its creation and its move: one per namespace and
 * name inside, so two "up"s never take each other's. "nn-" as the host ends of the veths, so
 * "gc" finds one a crash left; the '+' at its fourth place no veth's name has. */
static void host_tmp_name(const char *ns, const struct link_plan *p, char ret[static IFNAMSIZ]) {
        _cleanup_free_ char *key = strdup_printf("%s/%s", ns, p->name);

        (void) snprintf(ret, IFNAMSIZ, NETNS_IFNAME_PREFIX "+%.2s%08llx", p->kind->kernel_kind,
                        (key ? netns_name_hash(key) : 0) & 0xffffffffULL);
}

/*
 * A device whose socket must stay with the host (a VXLAN's UDP socket is opened in the
 * namespace the device is created in, and stays there when the device moves): created on the
 * host under a temporary name, with its underlay (Parent=) as the host numbers it, then moved
 * in and renamed in one request.
 */
static int create_on_host(struct up_ctx *c, struct nl_sock *host, struct nl_sock *ns, const struct link_plan *p) {
        const struct netns_link *l = p->l;
        const struct fill_data data = { p->kind, l, l->parent ? p->host.ifindex : 0 };
        char tmp[IFNAMSIZ], w[PATH_MAX];
        struct nl_link_new n = {
                .kind = p->kind->kernel_kind,
                .name = tmp,
                .netns_fd = -1,
                .mtu = p->mtu,
                .fill_info_data = fill_info_data,
                .userdata = &data,
        };
        uint8_t mac[6];
        int ifindex, r;

        if (p->kind->stable_hwaddr && link_stable_hwaddr(c->name, p->name, mac) >= 0)
                n.hwaddr = mac;
        host_tmp_name(c->name, p, tmp);
        r = record_add_link_host(c->rec, tmp, n.kind);
        if (r < 0)
                return log_error_errno(r, "Failed to write state record: %m");
        r = nl_link_add_on_parent(host, &n);
        if (r < 0)
                return report_create_failed(r, host, p, &n, "on the host");
        /* the tests' crash between the creation and the move: the device is left on the host */
        r = up_test_hook("link-created");
        if (r < 0)
                return r;
        ifindex = nl_link_ifindex(host, tmp);
        if (ifindex < 0)
                return log_error_errno(ifindex, "%s: Failed to find %s %s on the host: %m", where(l, w, sizeof(w)), n.kind, tmp);

        r = record_add_link_new(c->rec, p->name, n.kind);
        if (r < 0)
                return log_error_errno(r, "Failed to write state record: %m");
        r = nl_link_move(host, ifindex, c->netns_fd, p->name, 0, -1);
        if (r == -EEXIST)
                return log_error_errno(r, "%s: Failed to move %s %s into namespace '%s': a link named '%s' exists there already; set Name=.",
                                       where(l, w, sizeof(w)), n.kind, tmp, c->name, p->name);
        if (r < 0)
                return log_error_errno(r, "%s: Failed to move %s %s into namespace '%s' as %s: %m%s", where(l, w, sizeof(w)),
                                       n.kind, tmp, c->name, p->name, nl_extack(host));
        return configure(c, ns, p, false);
}

/**
 * step_links() - up step "links": the [Link] sections
 * @c: the up context (namespace made, veth done, plan_links() done)
 *
 * Moves the links that enter as they are in, each renamed in the same request, then creates
 * the devices made on a parent directly inside the namespace; each gets its MTU, is brought
 * up, and gets its addresses and default routes in one batch. Every device is recorded
 * before it is touched.
 * Return: 0, or -errno after logging which [Link] failed and why.
 */
int step_links(struct up_ctx *c) {
        const struct link_plan *p = c->link_plans;
        size_t n = c->cfg->n_links;
        struct nl_sock *host, *ns;
        int r;

        if (n == 0)
                return 0;
        assert(p);
        r = ctx_nl_host(c, &host);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket on the host: %m");
        r = ctx_nl_ns(c, &ns);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket in namespace '%s': %m", c->name);

        /* moves first, so that a device made on a moved link finds it */
        for (size_t i = 0; i < n; i++)
                if (p[i].kind->birth == LINK_BORN_MOVED_IN) {
                        r = move_in(c, host, ns, &p[i]);
                        if (r < 0)
                                return r;
                }
        for (size_t i = 0; i < n; i++)
                switch (p[i].kind->birth) {
                case LINK_BORN_MOVED_IN:
                case LINK_BORN_BETWEEN_NAMESPACES: /* step "peers" */
                        break;
                case LINK_BORN_INSIDE:
                        r = create_in(c, host, ns, &p[i]);
                        if (r < 0)
                                return r;
                        break;
                case LINK_BORN_ON_HOST_THEN_MOVED:
                        r = create_on_host(c, host, ns, &p[i]);
                        if (r < 0)
                                return r;
                        break;
                default:
                        return log_error_errno(EINVAL, "%s:%u: Type=%s: no way to make it.",
                                               strempty(p[i].l->origin.file), p[i].l->origin.line, p[i].kind->name);
                }
        return 0;
}

/* The moved link among @nl's links: by its name, else by its hardware address. */
static int find_moved(struct nl_sock *nl, const struct record_link_moved *m, const char *const *names, struct nl_link *ret) {
        _cleanup_free_ struct nl_link *all = NULL;
        size_t n = 0;
        int r;

        for (const char *const *name = names; *name; name++) {
                r = nl_link_get(nl, *name, ret);
                if (r == -ENODEV)
                        continue;
                if (r < 0)
                        return r;
                if (m->mac_len == 0 || (hwaddr_eq(ret, m->mac, m->mac_len) && !link_kernel_kind_is_stacked(ret->kind)))
                        return 1;
        }
        if (m->mac_len == 0)
                return 0;
        /* renamed since (by hand, or by the kernel: "devN" when a namespace died and the name
         * was taken in the host) */
        r = nl_dump_links(nl, &all, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (hwaddr_eq(&all[i], m->mac, m->mac_len) && !link_kernel_kind_is_stacked(all[i].kind) &&
                    !streq(all[i].name, "lo")) {
                        *ret = all[i];
                        return 1;
                }
        return 0;
}

/*
 * Give @l back from @from (the namespace; or the host itself, @host_fd < 0, when the kernel
 * returned it already) under its original name, MTU and state.
 *
 * Renamed inside first, then moved: a move keeps the link's current name (the kernel renames
 * only after the move, even in one request), so the host's udev would see the link appear
 * under its name inside and be renamed a moment later, and systemd's device unit for the
 * original name would miss it. Nothing watches the namespace, so the rename there is free.
 * When the original name is taken on the host meanwhile, the link comes home as "devN", as
 * the kernel names links a dying namespace returns.
 */
static int give_back(struct undo_ctx *u, struct nl_sock *from, struct nl_sock *host, int host_fd,
                     const struct nl_link *l, const struct record_link_moved *m) {
        struct nl_link home;
        int r;

        if (host_fd < 0) {
                r = nl_link_move(from, l->ifindex, -1, streq(l->name, m->orig) ? NULL : m->orig, m->mtu, m->up);
                if (r == -EEXIST) {
                        log_warning("Link %s of namespace '%s' cannot get its name %s back: a link of that name exists on the host; leaving it as %s.",
                                    l->name, u->name, m->orig, l->name);
                        (void) nl_link_move(host, l->ifindex, -1, NULL, m->mtu, m->up);
                        return 0;
                }
                if (r < 0)
                        return log_error_errno(r, "Failed to restore link %s as %s: %m%s", l->name, m->orig, nl_extack(from));
                return 0;
        }

        if (!streq(l->name, m->orig)) {
                /* down first: older kernels (6.1) refuse to rename a link that is up */
                r = nl_link_move(from, l->ifindex, -1, NULL, 0, 0);
                if (r >= 0)
                        r = nl_link_move(from, l->ifindex, -1, m->orig, 0, -1);
                if (r < 0 && r != -EEXIST) /* EEXIST: the name is taken inside; move it as it is */
                        return log_error_errno(r, "Failed to rename link %s to %s in namespace '%s': %m%s", l->name,
                                               m->orig, u->name, nl_extack(from));
        }
        r = nl_link_move(from, l->ifindex, host_fd, m->orig, m->mtu, m->up);
        if (r != -EEXIST) {
                if (r < 0)
                        return log_error_errno(r, "Failed to give link %s back to the host as %s: %m%s", l->name,
                                               m->orig, nl_extack(from));
                return 0;
        }

        /* EEXIST: the original name is taken on the host. If the link's current name is free
         * there, the kernel moved it and then refused the rename; else it refused the move. */
        r = find_moved(host, m, (const char *const[]) { l->name, m->orig, NULL }, &home);
        if (r == 0) {
                r = nl_link_move(from, l->ifindex, host_fd, "dev%d", m->mtu, m->up);
                if (r < 0)
                        return log_error_errno(r, "Failed to give link %s back to the host: %m%s", l->name,
                                               nl_extack(from));
                r = find_moved(host, m, (const char *const[]) { NULL }, &home);
        }
        if (r < 0)
                return log_error_errno(r, "Failed to look for link %s on the host: %m%s", l->name, nl_extack(host));
        if (r == 0)
                return log_error_errno(ENODEV, "Link %s of namespace '%s' was moved, but is not found on the host.",
                                       l->name, u->name);
        log_warning("Gave link %s of namespace '%s' back to the host as %s: a link named %s exists there now.",
                    l->name, u->name, home.name, m->orig);
        /* a request refused at the rename did not get to the MTU and state */
        r = nl_link_move(host, home.ifindex, -1, NULL, m->mtu, m->up);
        if (r < 0)
                return log_error_errno(r, "Failed to restore MTU and state of %s: %m%s", home.name, nl_extack(host));
        return 0;
}

/**
 * undo_link_moved() - undo a "link-moved ORIGNAME NAMEINSIDE MAC MTU up|down" record line
 * @u: the undo context
 * @e: the line
 *
 * Finds the link in the recorded namespace (by its name inside, else by its hardware address)
 * and moves it back to the host under its original name (renamed inside first, see
 * give_back()), with its original MTU and up/down state. When the namespace is gone, a physical device is back on the host
 * already (the kernel returns it under the name it had inside, or "devN"): it gets its name,
 * MTU and state back. A veth standing in for a NIC dies with its namespace: then there is
 * nothing to give back. Found only by what the line names, so nothing else is touched.
 * Return: 0 when the link is home or gone, else -errno (logged).
 */
int undo_link_moved(struct undo_ctx *u, const struct record_entry *e) {
        const struct record_link_moved m = e->link_moved;
        _cleanup_close_ int host_fd = -1;
        struct nl_sock *host, *ns;
        struct nl_link l;
        int r;

        r = undo_nl_host(u, &host);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket on the host: %m");

        if (u->netns_fd >= 0) {
                const char *names[] = { m.inside, NULL };

                r = undo_nl_ns(u, &ns);
                if (r < 0)
                        return log_error_errno(r, "Failed to open netlink socket in namespace '%s': %m", u->name);
                r = find_moved(ns, &m, names, &l);
                if (r < 0)
                        return log_error_errno(r, "Failed to look for link %s in namespace '%s': %m%s", m.inside, u->name,
                                               nl_extack(ns));
                if (r > 0) {
                        host_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
                        if (host_fd < 0)
                                return log_error_errno(errno, "Failed to open the host's network namespace: %m");
                        return give_back(u, ns, host, host_fd, &l, &m);
                }
        }

        /* Not inside: never moved (a crash before the move, or the move failed), or home
         * already because the namespace died. */
        {
                const char *names[] = { m.orig, m.inside, NULL };

                r = find_moved(host, &m, names, &l);
                if (r < 0)
                        return log_error_errno(r, "Failed to look for link %s on the host: %m%s", m.orig, nl_extack(host));
                if (r == 0) {
                        log_debug("Link %s of namespace '%s' is gone (a veth dies with its namespace).", m.orig, u->name);
                        return 0;
                }
                if (streq(l.name, m.orig) && l.mtu == m.mtu && !!(l.flags & IFF_UP) == m.up)
                        return 0;
                return give_back(u, host, host, -1, &l, &m);
        }
}

int link_delete_of_kind(struct nl_sock *nl, const char *ifname, const char *kind, const char *where) {
        struct nl_link l;
        int r;

        r = nl_link_get(nl, ifname, &l);
        if (r == -ENODEV)
                return 0;
        if (r < 0)
                return log_error_errno(r, "Failed to look up link %s %s: %m%s", ifname, where, nl_extack(nl));
        if (!streq(l.kind, kind)) {
                log_warning("Link %s %s is no %s (kind: %s); not the one netnsctl made, leaving it alone.", ifname, where,
                            kind, l.kind[0] ? l.kind : "none");
                return 0;
        }
        r = nl_link_del(nl, l.ifindex);
        if (r < 0 && r != -ENODEV)
                return log_error_errno(r, "Failed to delete %s %s %s: %m%s", kind, ifname, where, nl_extack(nl));
        return 0;
}

/**
 * undo_link_new() - undo a "link-new NAME KIND" record line
 * @u: the undo context
 * @e: the line: NAME (inside the namespace) and KIND (the kernel kind of the device netnsctl made)
 *
 * Deletes the device from the recorded namespace. It would die with the namespace, but not
 * while anything else holds the namespace, and until then it keeps its hold on the parent
 * (an ipvlan's addresses stay claimed on it, a macvlan's MAC address stays on the wire, a
 * VXLAN's UDP port stays taken on the host).
 * Return: 0 when the device is gone, else -errno (logged).
 */
int undo_link_new(struct undo_ctx *u, const struct record_entry *e) {
        char where_ns[NAME_MAX + 32];
        struct nl_sock *ns;
        int r;

        if (u->netns_fd < 0)
                return 0; /* gone with the namespace */
        r = undo_nl_ns(u, &ns);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket in namespace '%s': %m", u->name);
        (void) snprintf(where_ns, sizeof(where_ns), "in namespace '%s'", u->name);
        return link_delete_of_kind(ns, e->link_new.ifname, e->link_new.kind, where_ns);
}

/**
 * undo_link_host() - undo a "link-host TMPNAME KIND" record line
 * @u: the undo context
 * @e: the line: TMPNAME (on the host) and KIND
 *
 * Deletes the device an "up" made on the host and did not get to move in (a crash, or the
 * move failed); once moved, nothing of that name is left on the host.
 * Return: 0 when no such device is on the host, else -errno (logged).
 */
int undo_link_host(struct undo_ctx *u, const struct record_entry *e) {
        struct nl_sock *host;
        int r;

        r = undo_nl_host(u, &host);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket on the host: %m");
        return link_delete_of_kind(host, e->link_new.ifname, e->link_new.kind, "on the host");
}
