/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* step-nat.c - up step "nat": Masquerade= and Port= as elements of netnsctl's nftables table, and the host settings they need */

#include <arpa/inet.h>
#include <dirent.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "addr.h"
#include "host-sysctl.h"
#include "listen.h"
#include "log.h"
#include "name.h"
#include "nft.h"
#include "ns.h"
#include "steps.h"
#include "util.h"

/*
 * Record lines (all "nat ..."), in the order they are written:
 *
 *   nat link IF | nat masq IF 4|6 | nat fwd ...   elements of table inet netnsctl (nft.h);
 *                                                 added in one transaction, removed in one
 *   nat localnet IF      net.ipv4.conf.IF.route_localnet=1: forwards from 127.0.0.1
 *   nat lo6 IF           route "local ::1 dev IF table local": forwards from ::1
 *   nat sysctl KEY       this namespace holds host sysctl KEY at 1 (ip_forward, IPv6
 *                        forwarding); see lib/host-sysctl.h
 *
 * The two per-link settings live on the host end of the veth and die with it; they are
 * still undone explicitly, so that undo touches exactly what "up" made.
 */

#define LO6_METRIC 1024

DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir);

static bool is_link_local6(const struct netns_prefix *p) {
        return p->family == AF_INET6 && p->addr.bytes[0] == 0xfe && (p->addr.bytes[1] & 0xc0) == 0x80;
}

/* The address a forward of @family goes to: the first peer address of that family. */
static const struct netns_prefix *ns_target(const struct up_ctx *c, int family) {
        for (size_t i = 0; i < c->n_peer_addrs; i++)
                if (c->peer_addrs[i].family == family && !is_link_local6(&c->peer_addrs[i]))
                        return &c->peer_addrs[i];
        return NULL;
}

static bool is_loopback(int family, const union in_addr_union *a) {
        if (family == AF_INET)
                return a->bytes[0] == 127;
        return IN6_IS_ADDR_LOOPBACK(&a->in6);
}

/* ---- IPv6 forwarding safety ----
 *
 * Turning on net.ipv6.conf.all.forwarding makes the host a router: the kernel drops the
 * default routes it learned from router advertisements at once, and stops listening to RAs
 * on every link with accept_ra=1. A host that gets its IPv6 default route by SLAAC would lose
 * IPv6. We do not do that: the admin decides (accept_ra=2 on the uplink, then forwarding). */

struct ra_scan {
        int ifindex; /* first RA default route's link, 0 = none */
};

static int ra_route_cb(const struct nlmsghdr *nlh, void *data) {
        struct ra_scan *s = data;
        struct nl_route_entry rt;
        int oif;

        if (nl_route_parse(nlh, &rt) < 0 || nlh->nlmsg_type != RTM_NEWROUTE || rt.family != AF_INET6 ||
            rt.dst.prefixlen != 0 || rt.protocol != RTPROT_RA)
                return MNL_CB_OK;
        oif = rt.oif;
        if (oif > 0 && s->ifindex == 0) {
                char ifname[IF_NAMESIZE], key[64], val[16];

                /* accept_ra=2 keeps accepting RAs while forwarding: no harm on that link */
                if (if_indextoname((unsigned) oif, ifname)) {
                        /* '.' separates sysctl key components: a '.' in a link name is written '/' */
                        for (char *p = ifname; *p; p++)
                                if (*p == '.')
                                        *p = '/';
                        (void) snprintf(key, sizeof(key), "net.ipv6.conf.%s.accept_ra", ifname);
                        if (netns_sysctl_get(-1, key, val, sizeof(val)) >= 0 && streq(val, "2"))
                                return MNL_CB_OK;
                }
                s->ifindex = oif;
        }
        return MNL_CB_OK;
}

/* 1 if turning IPv6 forwarding on would cost the host its RA-learned default route */
static int ipv6_forwarding_unsafe(struct nl_sock *nl, char ifname[static IF_NAMESIZE]) {
        char buf[NL_BUFFER_SIZE];
        struct nlmsghdr *nlh;
        struct rtmsg *rtm;
        struct ra_scan s = {};
        int r;

        nlh = nl_msg_new(nl, buf, RTM_GETROUTE, NLM_F_DUMP);
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = AF_INET6;
        r = nl_call(nl, nlh, ra_route_cb, &s);
        if (r < 0)
                return r;
        if (s.ifindex == 0)
                return 0;
        if (!if_indextoname((unsigned) s.ifindex, ifname))
                (void) snprintf(ifname, IF_NAMESIZE, "#%d", s.ifindex);
        return 1;
}

/* ---- ::1 on the host end ----
 *
 * A forward from ::1 works in the kernel once two things hold: the connection leaves with a
 * masqueraded source (postrouting rule), and the reply, whose destination the conntrack
 * un-NAT turns back into ::1, can be routed in from the veth. IPv6 looks ::1 up strictly on
 * the incoming link (it is a loopback address), and finds it only on lo: so we add
 * "local ::1 dev IF table local" (metric 1024, after lo's). Packets sent TO ::1 from the
 * namespace never get that far: IPv6 drops them on arrival, before any hook. */
static int lo6_route(struct nl_sock *nl, int ifindex, bool add) {
        char buf[NL_BUFFER_SIZE];
        struct nlmsghdr *nlh;
        struct rtmsg *rtm;

        nlh = nl_msg_new(nl, buf, add ? RTM_NEWROUTE : RTM_DELROUTE, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = AF_INET6;
        rtm->rtm_dst_len = 128;
        rtm->rtm_table = RT_TABLE_LOCAL;
        rtm->rtm_protocol = RTPROT_STATIC;
        rtm->rtm_scope = RT_SCOPE_HOST;
        rtm->rtm_type = RTN_LOCAL;
        mnl_attr_put(nlh, RTA_DST, sizeof(struct in6_addr), &in6addr_loopback);
        mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_LOCAL);
        mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t) ifindex);
        mnl_attr_put_u32(nlh, RTA_PRIORITY, LO6_METRIC);
        return nl_call(nl, nlh, NULL, NULL);
}

static int localnet_path(const char *ifname, char *buf, size_t size) {
        int n = snprintf(buf, size, "/proc/sys/net/ipv4/conf/%s/route_localnet", ifname);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

/* ---- the plan ---- */

struct plan {
        struct nat_elem *elems;
        const struct conf_origin **origins; /* per element: the Port= it comes from, or NULL */
        size_t n;
        bool localnet, lo6, forward4, forward6;
};

static void plan_done(struct plan *p) {
        free(p->elems);
        free(p->origins);
}

static int plan_push(struct plan *p, const struct nat_elem *e, const struct conf_origin *o) {
        struct nat_elem *ne;
        const struct conf_origin **no;
        size_t n = p->n;

        ne = realloc(p->elems, sizeof(*ne) * (n + 1));
        if (!ne)
                return -ENOMEM;
        p->elems = ne;
        no = realloc(p->origins, sizeof(*no) * (n + 1));
        if (!no)
                return -ENOMEM;
        p->origins = no;
        p->elems[n] = *e;
        p->origins[n] = o;
        p->n++;
        return 0;
}

static int make_plan(struct up_ctx *c, struct plan *p) {
        const struct netns_config *cfg = c->cfg;
        struct nat_elem e;

        e = (struct nat_elem) { .type = NAT_ELEM_LINK };
        (void) snprintf(e.ifname, sizeof(e.ifname), "%s", c->host_ifname);
        if (plan_push(p, &e, NULL) < 0)
                return log_oom();

        for (int i = 0; i < 2; i++) {
                int family = i ? AF_INET6 : AF_INET;

                if (!(cfg->masquerade & (i ? NETNS_MASQ_IPV6 : NETNS_MASQ_IPV4)))
                        continue;
                if (!ns_target(c, family)) {
                        log_debug("Masquerade= %s: the namespace has no such address, nothing to masquerade.",
                                  i ? "IPv6" : "IPv4");
                        continue;
                }
                e = (struct nat_elem) { .type = NAT_ELEM_MASQ, .family = family };
                (void) snprintf(e.ifname, sizeof(e.ifname), "%s", c->host_ifname);
                if (plan_push(p, &e, NULL) < 0)
                        return log_oom();
                if (family == AF_INET)
                        p->forward4 = true;
                else
                        p->forward6 = true;
        }

        for (size_t k = 0; k < cfg->n_ports; k++) {
                const struct netns_port *port = &cfg->ports[k];
                unsigned found = 0;

                for (int i = 0; i < 2; i++) {
                        int family = i ? AF_INET6 : AF_INET;
                        const struct netns_prefix *to;

                        if (port->host_family != AF_UNSPEC && port->host_family != family)
                                continue;
                        to = ns_target(c, family);
                        if (!to)
                                continue;
                        found++;
                        e = (struct nat_elem) {
                                .type = NAT_ELEM_FWD,
                                .family = family,
                                .protocol = port->protocol,
                                .has_host_addr = port->host_family != AF_UNSPEC,
                                .host_addr = port->host_addr,
                                .port = port->host_port,
                                .port_end = port->host_port_end,
                                .ns_addr = to->addr,
                                .ns_port = port->ns_port,
                        };
                        if ((unsigned) e.ns_port + (e.port_end - e.port) > 65535)
                                return log_error_errno(EINVAL, "%s:%u: Port=: the range inside the namespace would end beyond port 65535.",
                                                       strempty(port->origin.file), port->origin.line);
                        if (plan_push(p, &e, &port->origin) < 0)
                                return log_oom();
                        /* from 127.0.0.1 / ::1 needs the per-link settings; from anywhere
                         * else, the host must forward */
                        if (!e.has_host_addr || is_loopback(family, &e.host_addr)) {
                                if (family == AF_INET)
                                        p->localnet = true;
                                else
                                        p->lo6 = true;
                        }
                        if (!e.has_host_addr || !is_loopback(family, &e.host_addr)) {
                                if (family == AF_INET)
                                        p->forward4 = true;
                                else
                                        p->forward6 = true;
                        }
                }
                if (found == 0)
                        return log_error_errno(EADDRNOTAVAIL,
                                               "%s:%u: Port=: namespace '%s' has no %s address to forward to; add an Address= of that family to [Veth].",
                                               strempty(port->origin.file), port->origin.line, c->name,
                                               port->host_family == AF_INET ? "IPv4" :
                                               port->host_family == AF_INET6 ? "IPv6" : "IPv4 or IPv6");
        }
        return 0;
}

/* The plan of c->cfg's [NAT]. Return: 1, 0 when it has none (@p stays empty), -errno (logged) */
static int plan_wanted(struct up_ctx *c, struct plan *p) {
        int r;

        if (c->cfg->masquerade == NETNS_MASQ_NO && c->cfg->n_ports == 0)
                return 0;
        if (!c->host_ifname[0])
                /* the config check refuses this; an isolated namespace has nothing to NAT */
                return log_error_errno(EINVAL, "%s:%u: [NAT] needs a [Veth] section.",
                                       strempty(c->cfg->nat_origin.file), c->cfg->nat_origin.line);
        r = make_plan(c, p);
        return r < 0 ? r : 1;
}

/* Which other namespace's record forwards the same host port: for the error message. */
static char *fwd_owner(const char *self, const struct nat_elem *want) {
        _cleanup_(closedirp) DIR *d = opendir(netnsctl_run_dir());
        struct dirent *de;

        if (!d)
                return NULL;
        while ((de = readdir(d))) {
                _cleanup_strv_free_ char **lines = NULL;
                _cleanup_free_ struct nat_elem *elems = NULL;
                size_t n = 0;

                if (!netns_name_is_valid(de->d_name) || streq(de->d_name, self))
                        continue;
                if (record_load(de->d_name, &lines) < 0 || record_nat_elems(lines, &elems, &n) < 0)
                        continue;
                for (size_t i = 0; i < n; i++) {
                        const struct nat_elem *e = &elems[i];

                        if (e->type != NAT_ELEM_FWD)
                                continue;
                        if (e->family == want->family && e->protocol == want->protocol &&
                            e->has_host_addr == want->has_host_addr &&
                            (!e->has_host_addr || memcmp(&e->host_addr, &want->host_addr, sizeof(e->host_addr)) == 0) &&
                            e->port <= want->port_end && want->port <= e->port_end)
                                return strdup(de->d_name);
                }
        }
        return NULL;
}

static int report_conflict(struct up_ctx *c, const struct plan *p, const char *err) {
        for (size_t i = 0; i < p->n; i++) {
                const struct nat_elem *e = &p->elems[i];
                const struct conf_origin *o = p->origins[i];
                _cleanup_free_ char *owner = NULL;
                char host[INET6_ADDRSTRLEN] = "", ports[16];

                if (e->type != NAT_ELEM_FWD)
                        continue;
                owner = fwd_owner(c->name, e);
                if (!owner)
                        continue;
                if (e->has_host_addr)
                        (void) inet_ntop(e->family, &e->host_addr, host, sizeof(host));
                if (e->port_end != e->port)
                        (void) snprintf(ports, sizeof(ports), "%u-%u", e->port, e->port_end);
                else
                        (void) snprintf(ports, sizeof(ports), "%u", e->port);
                return log_error_errno(EADDRINUSE, "%s:%u: Port=: %s port %s on %s%s is already forwarded by namespace '%s'; choose another host port.",
                                       strempty(o ? o->file : NULL), o ? o->line : 0, nat_proto_name(e->protocol), ports,
                                       e->has_host_addr ? host : "all host addresses",
                                       e->has_host_addr ? "" : e->family == AF_INET ? " (IPv4)" : " (IPv6)", owner);
        }
        return log_error_errno(EADDRINUSE, "Failed to add NAT of namespace '%s': a host port it forwards is taken in table " NFT_NAT_FAMILY " " NFT_NAT_TABLE " by no running namespace (%s); 'netnsctl nat-sync' removes such leftovers.",
                               c->name, err ? err : "element exists");
}

/* What the kernel said to a transaction on the NAT table, said once for "up" (@verb "add") and
 * "reload" ("change"): a host port another namespace forwards (-EEXIST, named with the Port=
 * line), a table of that name netnsctl did not make (-EUCLEAN), anything else with nftables'
 * own words in @err. Return: @r */
static int report_nft_error(struct up_ctx *c, const struct plan *p, int r, const char *err, const char *verb) {
        if (r == -EEXIST)
                return report_conflict(c, p, err);
        if (r == -EUCLEAN)
                return log_error_errno(r, "Failed to %s NAT of namespace '%s': nftables table " NFT_NAT_FAMILY " " NFT_NAT_TABLE " exists but was not made by netnsctl; remove it, or let 'netnsctl nat-sync' replace it.",
                                       verb, c->name);
        return log_error_errno(r, "Failed to %s NAT of namespace '%s' in nftables table " NFT_NAT_FAMILY " " NFT_NAT_TABLE ": %s (if the table is not as netnsctl makes it, 'netnsctl nat-sync' rebuilds it)",
                               verb, c->name, err ? err : strerror(-r));
}

/* ---- the host's own listeners ----
 *
 * A forward takes a host port's traffic before any socket of the host sees it: Port=22 with
 * sshd on the host cuts the host off. So a Port= whose host port (on the addresses it covers)
 * has a listening socket in the host's namespace is refused, naming the process, unless
 * OverrideHostListeners=yes says the admin means it. Checked before anything is made. */

int nat_check_host_listeners(const struct netns_config *cfg) {
        int ret = 0;

        if (cfg->override_listeners)
                return 0;
        for (size_t i = 0; i < cfg->n_ports; i++) {
                const struct netns_port *p = &cfg->ports[i];
                _cleanup_free_ char *who = NULL;
                struct listener l;
                char ports[16];
                int r;

                r = listener_find(p, &l);
                if (r < 0)
                        return log_error_errno(r, "Failed to read the host's listening sockets from /proc/net: %m");
                if (r == 0)
                        continue;
                who = listener_describe(&l);
                if (!who)
                        return log_oom();
                if (p->host_port_end != p->host_port)
                        (void) snprintf(ports, sizeof(ports), "%u-%u", p->host_port, p->host_port_end);
                else
                        (void) snprintf(ports, sizeof(ports), "%u", p->host_port);
                log_error("%s:%u: Port=: %s port %s is in use on the host by %s; forwarding it would take its traffic. "
                          "Choose another host port, or set OverrideHostListeners=yes in [NAT].",
                          strempty(p->origin.file), p->origin.line, nat_proto_name(p->protocol), ports, who);
                ret = -EADDRINUSE;
        }
        return ret;
}

/* Hold host sysctl @key at @value for namespace @name (lib/host-sysctl.h), saying so when
 * that changes it. */
static int hold_host_sysctl(const char *name, const char *key, const char *value) {
        char before[HOST_SYSCTL_VALUE_MAX];
        int r;

        r = host_sysctl_hold(name, key, value, before);
        if (r > 0)
                log_info("Setting host sysctl %s=%s (was %s) for namespace '%s'.", key, value, before, name);
        return r;
}

/* The host settings the forwards need (@want's localnet, lo6, forward4, forward6), each
 * recorded first when c->rec is set ("reload" recorded them already, c->rec NULL). */
static int host_settings(struct up_ctx *c, const struct plan *want) {
        struct nl_sock *nl;
        struct nl_link l;
        char path[128];
        int r;

        if (want->localnet) {
                r = !c->rec ? 0 : record_add_nat_link(c->rec, RECORD_NAT_LOCALNET, c->host_ifname);
                if (r < 0)
                        return log_error_errno(r, "Failed to write state record: %m");
                r = localnet_path(c->host_ifname, path, sizeof(path));
                if (r >= 0)
                        r = write_string_file(path, "1");
                if (r < 0)
                        return log_error_errno(r, "Failed to set net.ipv4.conf.%s.route_localnet=1 (for Port= from 127.0.0.1): %m",
                                               c->host_ifname);
        }
        if (want->lo6) {
                r = ctx_nl_host(c, &nl);
                if (r < 0)
                        return log_error_errno(r, "Failed to open netlink socket on the host: %m");
                r = nl_link_get(nl, c->host_ifname, &l);
                if (r < 0)
                        return log_error_errno(r, "Failed to find host interface %s: %m%s", c->host_ifname, nl_extack(nl));
                r = !c->rec ? 0 : record_add_nat_link(c->rec, RECORD_NAT_LO6, c->host_ifname);
                if (r < 0)
                        return log_error_errno(r, "Failed to write state record: %m");
                r = lo6_route(nl, l.ifindex, true);
                if (r < 0 && r != -EEXIST)
                        return log_error_errno(r, "Failed to add route 'local ::1 dev %s table local' (for Port= from ::1): %m%s",
                                               c->host_ifname, nl_extack(nl));
        }

        return host_forwarding_hold(c, want->forward4, want->forward6, "IPv6 Masquerade= and Port= from other hosts need it");
}

/* ---- the step ---- */

int step_nat(struct up_ctx *c) {
        _cleanup_(plan_done) struct plan p = {};
        _cleanup_free_ char *err = NULL;
        int r;

        r = plan_wanted(c, &p);
        if (r <= 0)
                return r;

        /* the elements: recorded first, then added in one transaction */
        for (size_t i = 0; i < p.n; i++) {
                r = record_add_nat_elem(c->rec, &p.elems[i]);
                if (r == -EINVAL)
                        return log_error_errno(r, "Cannot use host interface name '%s' in nftables.", c->host_ifname);
                if (r < 0)
                        return log_error_errno(r, "Failed to write state record: %m");
        }
        r = nft_nat_add(p.elems, p.n, &err);
        if (r < 0)
                return report_nft_error(c, &p, r, err, "add");

        return host_settings(c, &p);
}

/**
 * host_forwarding_hold() - the host forwards IPv4 and/or IPv6 for as long as this namespace is up
 * @c: the up context
 * @v4: hold net.ipv4.ip_forward at 1
 * @v6: hold net.ipv6.conf.all.forwarding at 1, unless that would cost the host its default
 *      route from router advertisements (then a warning naming @why, and no IPv6 forwarding)
 * @why: what needs IPv6 forwarding, for that warning
 *
 * Each hold is a "nat sysctl KEY" record line (written before, unless c->rec is NULL: "reload"
 * wrote it already); the last namespace to let go restores the value
 * from before (hold_host_sysctl()). Holding twice is harmless.
 * Return: 0, or -errno (logged).
 */
int host_forwarding_hold(struct up_ctx *c, bool v4, bool v6, const char *why) {
        struct nl_sock *nl;
        int r;

        if (v4) {
                r = c->rec ? record_add_nat_sysctl(c->rec, "net.ipv4.ip_forward") : 0;
                if (r < 0)
                        return log_error_errno(r, "Failed to write state record: %m");
                r = hold_host_sysctl(c->name, "net.ipv4.ip_forward", "1");
                if (r < 0)
                        return log_error_errno(r, "Failed to turn on IPv4 forwarding on the host (net.ipv4.ip_forward=1): %m");
        }
        if (v6) {
                char ifname[IF_NAMESIZE], cur[16];

                r = netns_sysctl_get(-1, "net.ipv6.conf.all.forwarding", cur, sizeof(cur));
                if (r < 0)
                        return log_error_errno(r, "Failed to read net.ipv6.conf.all.forwarding: %m");
                if (!streq(cur, "1")) {
                        r = ctx_nl_host(c, &nl);
                        if (r >= 0)
                                r = ipv6_forwarding_unsafe(nl, ifname);
                        if (r < 0)
                                return log_error_errno(r, "Failed to list the host's IPv6 routes: %m");
                        if (r > 0) {
                                log_warning("Not turning on IPv6 forwarding for '%s': the host's IPv6 default route on %s comes from router advertisements, which the kernel stops accepting when forwarding is on. "
                                            "%s: set net.ipv6.conf.%s.accept_ra=2, then net.ipv6.conf.all.forwarding=1.",
                                            c->name, ifname, why, ifname);
                                return 0;
                        }
                }
                r = c->rec ? record_add_nat_sysctl(c->rec, "net.ipv6.conf.all.forwarding") : 0;
                if (r < 0)
                        return log_error_errno(r, "Failed to write state record: %m");
                r = hold_host_sysctl(c->name, "net.ipv6.conf.all.forwarding", "1");
                if (r < 0)
                        return log_error_errno(r, "Failed to turn on IPv6 forwarding on the host (net.ipv6.conf.all.forwarding=1): %m");
        }
        return 0;
}

/* ---- undo ---- */

/* All element lines of the record go in one transaction, the first time one is met. */
static int undo_elements(struct undo_ctx *u) {
        _cleanup_free_ struct nat_elem *elems = NULL;
        size_t n = 0;
        int r;

        if (u->nat_elements_done)
                return 0;
        u->nat_elements_done = true;
        if (record_nat_elems(u->lines, &elems, &n) < 0)
                return log_oom();
        r = nft_nat_remove(elems, n);
        if (r < 0)
                return log_error_errno(r, "Failed to remove NAT of namespace '%s' from nftables table " NFT_NAT_FAMILY " " NFT_NAT_TABLE ": %m",
                                       u->name);
        return 0;
}

/**
 * undo_nat() - undo a "nat ..." record line
 * @u: the undo context
 * @e: the line
 *
 * Elements of the NAT table go all at once, with the first of them met; route_localnet is
 * reset, the ::1 route deleted (both live on the host end of the veth, and died with it if it
 * is gone); a hold on a host sysctl is released (the last holder restores it).
 * Return: 0 when done or nothing to do, else -errno (logged)
 */
int undo_nat(struct undo_ctx *u, const struct record_entry *e) {
        const char *a = e->nat.ifname;
        char path[128], value[HOST_SYSCTL_VALUE_MAX];
        int r;

        switch (e->nat.what) {
        case RECORD_NAT_ELEM:
                return undo_elements(u);
        case RECORD_NAT_LOCALNET:
                if (localnet_path(a, path, sizeof(path)) < 0)
                        return 0;
                r = write_string_file(path, "0");
                if (r < 0 && r != -ENOENT)
                        return log_error_errno(r, "Failed to reset net.ipv4.conf.%s.route_localnet: %m", a);
                return 0;
        case RECORD_NAT_LO6: {
                struct nl_sock *nl;
                struct nl_link l;

                r = undo_nl_host(u, &nl);
                if (r < 0)
                        return log_error_errno(r, "Failed to open netlink socket on the host: %m");
                r = nl_link_get(nl, a, &l);
                if (r == -ENODEV)
                        return 0; /* the route went with the link */
                if (r < 0)
                        return log_error_errno(r, "Failed to look up link '%s': %m%s", a, nl_extack(nl));
                r = lo6_route(nl, l.ifindex, false);
                if (r < 0 && r != -ESRCH && r != -ENOENT && r != -ENODEV)
                        return log_error_errno(r, "Failed to delete route 'local ::1 dev %s table local': %m%s", a, nl_extack(nl));
                return 0;
        }
        case RECORD_NAT_SYSCTL:
                r = host_sysctl_release(u->name, e->nat.sysctl, value);
                if (r < 0)
                        return log_error_errno(r, "Failed to restore host sysctl %s: %m", e->nat.sysctl);
                if (r == HOST_SYSCTL_RESTORED)
                        log_info("Restoring host sysctl %s=%s: no namespace needs it any more.", e->nat.sysctl, value);
                else if (r == HOST_SYSCTL_LEFT)
                        log_notice("Host sysctl %s was changed to %s meanwhile; leaving it so.", e->nat.sysctl, value);
                return 0;
        case RECORD_NAT_OTHER:
        default:
                break;
        }
        log_warning("Unknown NAT entry in state record of '%s', ignoring: nat %s", u->name, e->args);
        return 0;
}

/* ---- reload ---- */

static bool elem_in(const struct nat_elem *e, const struct nat_elem *list, size_t n) {
        char a[256], b[256];

        if (nat_elem_format(e, a, sizeof(a)) < 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (nat_elem_format(&list[i], b, sizeof(b)) >= 0 && streq(a, b))
                        return true;
        return false;
}

static int elem_push(struct nat_elem **list, size_t *n, const struct nat_elem *e) {
        struct nat_elem *l = realloc(*list, sizeof(*l) * (*n + 1));

        if (!l)
                return -ENOMEM;
        l[(*n)++] = *e;
        *list = l;
        return 0;
}

void nat_change_done(struct nat_change *ch) {
        free(ch->del);
        free(ch->add);
        free(ch->add_origins);
        free(ch->want);
        free(ch->want_origins);
        *ch = (struct nat_change) {};
}

int nat_reload_plan(struct up_ctx *c, char *const *old_lines, struct nat_change *ret) {
        _cleanup_(plan_done) struct plan p = {};
        _cleanup_free_ struct nat_elem *old = NULL;
        _cleanup_(nat_change_done) struct nat_change ch = {};
        bool have_localnet = false, have_lo6 = false, have4 = false, have6 = false;
        size_t n_old = 0;
        int r;

        if (record_nat_elems(old_lines, &old, &n_old) < 0)
                return log_oom();
        for (char *const *l = old_lines; l && *l; l++) {
                struct record_entry e;

                if (record_entry_parse(*l, &e, NULL) < 0 || e.key != RECORD_NAT)
                        continue;
                have_localnet = have_localnet || e.nat.what == RECORD_NAT_LOCALNET;
                have_lo6 = have_lo6 || e.nat.what == RECORD_NAT_LO6;
                if (e.nat.what == RECORD_NAT_SYSCTL) {
                        have4 = have4 || streq(e.nat.sysctl, "net.ipv4.ip_forward");
                        have6 = have6 || streq(e.nat.sysctl, "net.ipv6.conf.all.forwarding");
                }
        }

        r = plan_wanted(c, &p);
        if (r < 0)
                return r;
        for (size_t i = 0; i < p.n; i++)
                if (!elem_in(&p.elems[i], old, n_old)) {
                        const struct conf_origin **o = realloc(ch.add_origins, sizeof(*o) * (ch.n_add + 1));

                        if (!o)
                                return log_oom();
                        ch.add_origins = o;
                        o[ch.n_add] = p.origins[i];
                        if (elem_push(&ch.add, &ch.n_add, &p.elems[i]) < 0)
                                return log_oom();
                }
        for (size_t i = 0; i < n_old; i++)
                if (!elem_in(&old[i], p.elems, p.n) && elem_push(&ch.del, &ch.n_del, &old[i]) < 0)
                        return log_oom();
        /* all of them go to nftables (adding one that is there is no error): after a crash
         * between the record and the transaction, the record has elements nftables lacks */
        ch.want = TAKE_PTR(p.elems);
        ch.want_origins = TAKE_PTR(p.origins);
        ch.n_want = p.n;
        /* host settings the new forwards need and the namespace does not hold yet; those no
         * longer needed stay until "down" (they are harmless) */
        ch.localnet = p.localnet && !have_localnet;
        ch.lo6 = p.lo6 && !have_lo6;
        ch.forward4 = p.forward4 && !have4;
        ch.forward6 = p.forward6 && !have6;
        *ret = ch;
        ch = (struct nat_change) {};
        return 0;
}

int nat_reload_describe(const struct nat_change *ch, FILE *f) {
        char buf[256];
        int n = 0;

        for (size_t i = 0; i < ch->n_del; i++)
                if (nat_elem_format(&ch->del[i], buf, sizeof(buf)) >= 0 && ++n)
                        fprintf(f, "- nat %s\n", buf);
        for (size_t i = 0; i < ch->n_add; i++)
                if (nat_elem_format(&ch->add[i], buf, sizeof(buf)) >= 0 && ++n)
                        fprintf(f, "+ nat %s\n", buf);
        if (ch->localnet && ++n)
                fputs("+ host route_localnet on the veth (Port= from 127.0.0.1)\n", f);
        if (ch->lo6 && ++n)
                fputs("+ host route local ::1 on the veth (Port= from ::1)\n", f);
        if (ch->forward4 && ++n)
                fputs("+ host net.ipv4.ip_forward=1\n", f);
        if (ch->forward6 && ++n)
                fputs("+ host net.ipv6.conf.all.forwarding=1\n", f);
        return n;
}

/* what nat_reload_apply() will make, as record lines (before it makes it) */
int nat_reload_record(struct up_ctx *c, const struct nat_change *ch) {
        int r = 0;

        for (size_t i = 0; i < ch->n_add && r >= 0; i++)
                r = record_add_nat_elem(c->rec, &ch->add[i]);
        if (r >= 0 && ch->localnet)
                r = record_add_nat_link(c->rec, RECORD_NAT_LOCALNET, c->host_ifname);
        if (r >= 0 && ch->lo6)
                r = record_add_nat_link(c->rec, RECORD_NAT_LO6, c->host_ifname);
        if (r >= 0 && ch->forward4)
                r = record_add_nat_sysctl(c->rec, "net.ipv4.ip_forward");
        if (r >= 0 && ch->forward6)
                r = record_add_nat_sysctl(c->rec, "net.ipv6.conf.all.forwarding");
        if (r < 0)
                return log_error_errno(r, "Failed to write state record: %m");
        return 0;
}

int nat_reload_apply(struct up_ctx *c, const struct nat_change *ch, bool *ret_committed) {
        _cleanup_free_ char *err = NULL;
        struct record *rec;
        struct plan p = { .elems = ch->want, .origins = ch->want_origins, .n = ch->n_want };
        int r;

        *ret_committed = false;
        r = nft_nat_change(ch->del, ch->n_del, ch->want, ch->n_want, &err);
        *ret_committed = r >= 0;
        if (r < 0)
                return report_nft_error(c, &p, r, err, "change");
        /* recorded already, by nat_reload_record() */
        rec = TAKE_PTR(c->rec);
        r = host_settings(c, &(struct plan) { .localnet = ch->localnet, .lo6 = ch->lo6, .forward4 = ch->forward4,
                                              .forward6 = ch->forward6 });
        c->rec = rec;
        return r;
}

int nat_reload_revert(const struct nat_change *ch) {
        _cleanup_free_ char *err = NULL;
        int r;

        r = nft_nat_change(ch->add, ch->n_add, ch->del, ch->n_del, &err);
        if (r < 0)
                return log_error_errno(r, "Failed to put the NAT elements back as they were: %s ('netnsctl nat-sync' rebuilds the table from the records)",
                                       err ? err : strerror(-r));
        return 0;
}
