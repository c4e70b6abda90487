/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* step-peer.c - up step "peers": veths between two namespaces ([Link] Type=veth, PeerNamespace=) */

#include <fcntl.h>

#include "addr.h"
#include "log.h"
#include "ns.h"
#include "peer-index.h"
#include "steps.h"
#include "util.h"

/*
 * A link between namespaces A (whose configuration has the [Link]) and B (PeerNamespace=) is
 * made by whichever of the two comes up second: A makes it when B is up already, else B makes
 * it when it comes up, from A's configuration. Both ends are born in their namespaces (the
 * veth is created in one with IFLA_NET_NS_FD for the other end): never a moment on the host.
 *
 * The namespace that makes it records its own end ("link-new NAME veth"); deleting one end
 * deletes both, so its "down" takes the link away, and a namespace that goes takes its ends,
 * and with them the links, along. Started again, it makes them again with the peers that
 * are up.
 *
 * How B learns of A's links when it comes up after A: A noted itself in B's directory of the
 * peer index (lib/peer-index.h) when it came up, whether B was up or not; B reads that
 * directory only, and links to those of the owners named there that are up, by their
 * configuration in force. Each "up" costs what its own links cost, however many namespaces
 * there are.
 */

/* Addresses and UP of one end (and the [Link]'s Gateway= default routes on the owner's end). */
static int configure_end(struct nl_sock *nl, const char *ifname, const struct netns_prefix *addrs, size_t n_addrs,
                         const struct netns_link *gw_of, const char *ns, const struct netns_link *l) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 256 * (n_addrs + (gw_of ? gw_of->n_gateways : 0) + 2);
        unsigned failed = 0;
        struct nl_batch b;
        int ifindex, r;

        ifindex = nl_link_ifindex(nl, ifname);
        if (ifindex < 0)
                return log_error_errno(ifindex, "%s:%u: Failed to find %s in namespace '%s': %m", strempty(l->origin.file),
                                       l->origin.line, ifname, ns);
        buf = malloc(size);
        if (!buf)
                return log_oom();
        nl_batch_init(&b, nl, buf, size);
        (void) nl_batch_link_set_up(&b, ifindex);
        for (size_t i = 0; i < n_addrs; i++)
                (void) nl_batch_addr_add(&b, ifindex, &addrs[i], NULL);
        for (size_t i = 0; gw_of && i < gw_of->n_gateways; i++) {
                bool dup = false;

                for (size_t j = 0; j < i; j++)
                        dup = dup || gw_of->gateways[j].family == gw_of->gateways[i].family;
                if (!dup)
                        (void) nl_batch_route_add_default(&b, gw_of->gateways[i].family, &gw_of->gateways[i].addr, ifindex, false);
        }
        if (b.overflow)
                return log_error_errno(ENOBUFS, "%s:%u: Failed to configure %s: too many addresses for one request.",
                                       strempty(l->origin.file), l->origin.line, ifname);
        r = nl_batch_run(&b, &failed);
        if (r < 0)
                return log_error_errno(r, "%s:%u: Failed to configure %s in namespace '%s' (request %u: %s): %m%s",
                                       strempty(l->origin.file), l->origin.line, ifname, ns, failed,
                                       failed == 0 ? "up" : failed <= n_addrs ? "address" : "default route", nl_extack(nl));
        return 0;
}

/* The owner's [Route]s through link @l, when the peer made it: the owner's "up" left them out. */
static int owner_routes(const struct netns_config *ocfg, const struct netns_link *l, struct nl_sock *nl, const char *ifname) {
        char buf[NL_BUFFER_SIZE];
        unsigned failed = 0;
        struct nl_batch b;
        int ifindex, r;

        ifindex = nl_link_ifindex(nl, ifname);
        if (ifindex < 0)
                return log_error_errno(ifindex, "Failed to find %s in namespace '%s': %m", ifname, ocfg->name);
        nl_batch_init(&b, nl, buf, sizeof(buf));
        for (size_t i = 0; i < ocfg->n_routes; i++) {
                const struct netns_route *rt = &ocfg->routes[i];
                struct nl_route nr;

                if (!rt->gateway.family || route_gateway_link(ocfg, rt, NULL, 0) != (int) (l - ocfg->links) + 1)
                        continue;
                route_to_nl(rt, ifindex, &nr);
                (void) nl_batch_route_add(&b, &nr);
        }
        if (b.n == 0)
                return 0;
        if (b.overflow)
                return log_error_errno(ENOBUFS, "Failed to add the routes of namespace '%s' via %s: too many for one request.",
                                       ocfg->name, ifname);
        r = nl_batch_run(&b, &failed);
        if (r < 0)
                return log_error_errno(r, "Failed to add route %u of namespace '%s' via %s: %m%s", failed, ocfg->name, ifname,
                                       nl_extack(nl));
        return 0;
}

/*
 * Make the veth of [Link] @l of namespace @owner to its PeerNamespace=. @c is the namespace
 * coming up: @owner itself (@we_own) or the peer. @other_fd is the namespace that is up already.
 */
static int veth_make(struct up_ctx *c, const struct netns_config *ocfg, const struct netns_link *l, bool we_own, int other_fd) {
        const char *owner = ocfg->name;
        _cleanup_nl_close_ struct nl_sock *other = NULL;
        struct nl_sock *self, *on_owner, *on_peer;
        char a[IFNAMSIZ], b[IFNAMSIZ];
        int r;

        (void) link_ifname(l, a);
        link_peer_ifname(owner, l, b);
        r = ctx_nl_ns(c, &self);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket in namespace '%s': %m", c->name);
        r = nl_open(other_fd, &other);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket in namespace '%s': %m", we_own ? l->peer_namespace : owner);
        on_owner = we_own ? self : other;
        on_peer = we_own ? other : self;

        r = record_add_link_new(c->rec, we_own ? a : b, "veth");
        if (r < 0)
                return log_error_errno(r, "Failed to write state record: %m");
        /* made from the namespace coming up, its other end born in the one that is up */
        r = we_own ? nl_veth_add(self, a, b, other_fd, l->mtu) : nl_veth_add(self, b, a, other_fd, l->mtu);
        if (r == -EEXIST)
                return log_error_errno(r, "%s:%u: Failed to make veth %s (namespace '%s') - %s (namespace '%s'): a link of one of these names exists already; set Name= or PeerName=.",
                                       strempty(l->origin.file), l->origin.line, a, owner, b, l->peer_namespace);
        if (r < 0)
                return log_error_errno(r, "%s:%u: Failed to make veth %s (namespace '%s') - %s (namespace '%s'): %m%s",
                                       strempty(l->origin.file), l->origin.line, a, owner, b, l->peer_namespace, nl_extack(self));
        r = configure_end(on_owner, a, l->addresses, l->n_addresses, l, owner, l);
        if (r >= 0)
                r = configure_end(on_peer, b, l->peer_addresses, l->n_peer_addresses, NULL, l->peer_namespace, l);
        if (r >= 0 && !we_own)
                r = owner_routes(ocfg, l, on_owner, a);
        if (r < 0)
                return r;
        log_debug("Linked namespace '%s' (%s) and '%s' (%s).", owner, a, l->peer_namespace, b);
        return 0;
}

/* The namespace @name if it is up (pinned): an fd, -ENOENT when not, or -errno. */
static int peer_open(const char *name) {
        _cleanup_free_ char *pin = netns_pin_path(name);
        int state, fd;

        if (!pin)
                return -ENOMEM;
        state = netns_pin_inspect(pin, NULL);
        if (state < 0)
                return state;
        if (state != PIN_NSFS)
                return -ENOENT;
        fd = open(pin, O_RDONLY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

int peer_owner_open(const char *owner, struct netns_config **ret_cfg) {
        _cleanup_strv_free_ char **lines = NULL;
        _cleanup_free_ char *source = NULL;
        _cleanup_close_ int fd = -1;
        bool pinned = false;
        size_t size;
        int r;

        r = record_load(owner, &lines);
        if (r < 0)
                return r == -ENOENT ? -ENOENT : r;
        if (!record_complete(lines))
                return -ENOENT; /* killed half-way: its next "up" or "down" cleans it, and links */
        fd = record_netns_open(owner, lines, &pinned);
        if (fd < 0 || !pinned)
                return fd < 0 && fd != -ENOENT ? fd : -ENOENT;
        r = record_file_read(owner, "config", &source, &size);
        if (r < 0)
                return r;
        r = netns_config_from_source(owner, source, size, ret_cfg);
        if (r < 0)
                return r;
        return TAKE_FD(fd);
}

/* The links other namespaces that are up have to this one: those the peer index names. */
static int links_of_others(struct up_ctx *c) {
        _cleanup_strv_free_ char **owners = NULL;
        int r;

        r = peer_index_owners(c->name, &owners);
        if (r < 0)
                return log_error_errno(r, "Failed to read the links of other namespaces to '%s' in %s: %m", c->name,
                                       netnsctl_run_dir());
        STRV_FOREACH(owner, owners) {
                _cleanup_config_ struct netns_config *other = NULL;
                _cleanup_close_ int fd = -1;
                int level = log_get_max_level();

                if (streq(*owner, c->name))
                        continue;
                /* its configuration in force parsed when it came up; quiet, as its own business */
                log_set_max_level(LOG_EMERG);
                fd = peer_owner_open(*owner, &other);
                log_set_max_level(level);
                if (fd == -ENOENT)
                        continue; /* not up: it makes the links when it comes up */
                if (fd < 0) {
                        log_warning_errno(fd, "Not linking to namespace '%s': cannot use its state: %m", *owner);
                        continue;
                }
                for (size_t i = 0; i < other->n_links; i++) {
                        const struct netns_link *l = &other->links[i];

                        if (l->kind != NETNS_LINK_VETH || !streq_ptr(l->peer_namespace, c->name))
                                continue;
                        r = veth_make(c, other, l, false, fd);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* In the peer index, this namespace in the directory of each of its PeerNamespace=s (once). */
static int index_own_links(struct up_ctx *c) {
        for (size_t i = 0; i < c->cfg->n_links; i++) {
                const struct netns_link *l = &c->cfg->links[i];
                bool seen = false;
                int r;

                if (l->kind != NETNS_LINK_VETH)
                        continue;
                for (size_t j = 0; j < i; j++)
                        seen = seen || (c->cfg->links[j].kind == NETNS_LINK_VETH &&
                                        streq_ptr(c->cfg->links[j].peer_namespace, l->peer_namespace));
                if (seen)
                        continue;
                /* the record first: "down", or the undo after a crash, removes the entry */
                r = record_add_peer(c->rec, l->peer_namespace);
                if (r < 0)
                        return log_error_errno(r, "Failed to write state record: %m");
                r = peer_index_add(l->peer_namespace, c->name);
                if (r < 0)
                        return log_error_errno(r, "Failed to note the link to namespace '%s' in %s/.peers: %m",
                                               l->peer_namespace, netnsctl_run_dir());
        }
        return 0;
}

/**
 * undo_peer() - undo "peer NAME": this namespace's entry in NAME's directory of the peer index
 * @u: the undo context
 * @e: the entry
 * Return: 0, or -errno (logged)
 */
int undo_peer(struct undo_ctx *u, const struct record_entry *e) {
        int r = peer_index_remove(e->peer, u->name);

        if (r < 0)
                return log_error_errno(r, "Failed to remove the entry of '%s' from %s/.peers/%s: %m", u->name,
                                       netnsctl_run_dir(), e->peer);
        return 0;
}

/**
 * step_peers() - up step "peers": the veths between this namespace and others
 * @c: the up context (links done)
 *
 * Its own [Link] Type=veth to each PeerNamespace= that is up, and those other namespaces'
 * configurations have to it, where that namespace is up. A link whose other namespace is not
 * up waits for it: that namespace makes it when it comes up.
 * Return: 0, or -errno after logging which link failed and why.
 */
int step_peers(struct up_ctx *c) {
        int r;

        r = index_own_links(c);
        if (r < 0)
                return r;
        for (size_t i = 0; i < c->cfg->n_links; i++) {
                const struct netns_link *l = &c->cfg->links[i];
                _cleanup_close_ int fd = -1;

                if (l->kind != NETNS_LINK_VETH)
                        continue;
                fd = peer_open(l->peer_namespace);
                if (fd == -ENOENT) {
                        log_info("%s:%u: namespace '%s' is not up; it makes the link when it comes up.",
                                 strempty(l->origin.file), l->origin.line, l->peer_namespace);
                        continue;
                }
                if (fd < 0)
                        return log_error_errno(fd, "Failed to open namespace '%s': %m", l->peer_namespace);
                r = veth_make(c, c->cfg, l, true, fd);
                if (r < 0)
                        return r;
        }
        return links_of_others(c);
}
