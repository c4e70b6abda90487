/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* reload.c - netnsctl reload|diff NAME: a running namespace brought to its changed configuration, in one transaction */

#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>

#include "addr.h"
#include "log.h"
#include "name.h"
#include "ns.h"
#include "steps.h"
#include "util.h"
#include "verbs.h"

/*
 * What is in force: the record (what "up" made on the host: NAT elements, host settings) and
 * RUNDIR/NAME/config, the source of the configuration "up" (or the last "reload") applied.
 * "reload" parses that source again, compares it with the files on disk and changes in place
 * what can change in place: Sysctl=, DNS=/Domains= (resolv.conf rewritten in the same inode:
 * processes have it bind-mounted), the addresses of [Veth] and [Link], [Route]s, [NAT]
 * (Masquerade=, Port=: elements of the NAT table, in one nftables transaction). Anything else
 * that differs is refused before anything changes, naming FILE:LINE.
 *
 * The order: the plan (read-only, every refusal); the record rewritten with what is about to
 * be added (a crash leaves a record "down" undoes whole); the changes, each remembered so a
 * failure puts back what was done, newest first; then the record of the new state and the
 * new source.
 */

enum op_kind { OP_SYSCTL, OP_ADDR_ADD, OP_ADDR_DEL, OP_ROUTE_DEL, OP_ROUTE_ADD, OP_WG, _OP_KIND_MAX };

struct op {
        enum op_kind kind;
        bool host;                        /* ADDR: on the host end of the veth, else inside */
        char ifname[IFNAMSIZ];            /* ADDR; ROUTE: the link of a route without gateway */
        struct netns_prefix prefix;       /* ADDR */
        const struct netns_route *route;  /* ROUTE: in the old (DEL) or new (ADD) config */
        const struct netns_sysctl *sysctl;/* SYSCTL: the new setting */
        char before[256];                 /* SYSCTL: the value in force before */
        bool done;
};

struct reload {
        const char *name;
        struct netns_config *old;
        struct netns_config *new;
        char **lines;                     /* the record */
        struct up_ctx c;                  /* cfg = new; netns_fd, veth names and addresses in force */
        struct op *ops;
        size_t n_ops;
        struct nat_change nat;
        bool nat_changes, nat_done, nat_committed;
        struct fw_change fw;              /* [Firewall], and the rules Port= and HostAddress= make */
        bool fw_done;
        char *resolv_old, *resolv_new;    /* set when resolv.conf changes */
        bool resolv_create;               /* DNS= added: the file is new (resolv_old NULL) */
        bool resolv_done;
        unsigned notes;                   /* kept as they are until a restart (Sysctl= removed, ...) */
        struct etc_change etc;            /* /etc/netns/NAME/ entries (reload-etc.c) */
        struct wg_change wg;              /* [WireGuard]: the device's keys and peers (OP_WG), its addresses and routes */
};

static void reload_done(struct reload *r) {
        netns_config_free(r->old);
        strv_free(r->lines);
        nl_close(r->c.nl_host);
        nl_close(r->c.nl_ns);
        (void) safe_close(r->c.netns_fd);
        free(r->c.peer_addrs);
        free(r->c.host_addrs);
        free(r->ops);
        nat_change_done(&r->nat);
        fw_change_done(&r->fw);
        free(r->resolv_old);
        free(r->resolv_new);
        etc_change_done(&r->etc);
        wireguard_change_done(&r->wg);
        wireguard_plan_free(&r->c);
}

/* @o: a section's header line, in the new configuration or (@in_force) in the one in force, where
 * a section that is gone still is */
static int restart_needed(const struct reload *r, const struct conf_origin *o, bool in_force, const char *what) {
        return log_error_errno(EOPNOTSUPP, "%s:%u: %s%s: that cannot change in a running namespace; 'systemctl restart netns@%s' (or 'netnsctl down %s', 'netnsctl up %s') applies it.",
                               strempty(o->file), o->line, what, in_force ? " (the line is that of the configuration in force)" : "",
                               r->name, r->name, r->name);
}

static bool streq_null(const char *a, const char *b) {
        return a == b || (a && b && streq(a, b));
}

static bool prefix_eq(const struct netns_prefix *a, const struct netns_prefix *b) {
        return a->family == b->family && a->prefixlen == b->prefixlen &&
               memcmp(&a->addr, &b->addr, a->family == AF_INET ? 4 : 16) == 0;
}

static bool prefixes_eq(const struct netns_prefix *a, size_t na, const struct netns_prefix *b, size_t nb) {
        if (na != nb)
                return false;
        for (size_t i = 0; i < na; i++)
                if (!prefix_eq(&a[i], &b[i]))
                        return false;
        return true;
}

static bool prefix_in(const struct netns_prefix *p, const struct netns_prefix *list, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (prefix_eq(p, &list[i]))
                        return true;
        return false;
}

static bool addr_eq(const struct netns_addr *a, const struct netns_addr *b) {
        return a->family == b->family && (!a->family || memcmp(&a->addr, &b->addr, a->family == AF_INET ? 4 : 16) == 0);
}

static bool route_eq(const struct netns_route *a, const struct netns_route *b) {
        return prefix_eq(&a->destination, &b->destination) && addr_eq(&a->gateway, &b->gateway) &&
               a->gateway_onlink == b->gateway_onlink && a->metric == b->metric && a->table == b->table &&
               addr_eq(&a->prefsrc, &b->prefsrc) && a->mtu == b->mtu && a->type == b->type;
}

static struct op *op_push(struct reload *r, enum op_kind kind) {
        struct op *o = ARRAY_APPEND(r->ops, r->n_ops);

        if (o)
                *o = (struct op) { .kind = kind };
        return o;
}

/* ---- what cannot change in place ---- */

/* The sections reload compares key by key; every other one (what later versions add) must stay
 * as it is, line for line. */
static const char *const known_sections[] = { "Namespace", "Veth", "NAT", "Link", "Route", "Firewall", "WireGuard", "WireGuardPeer" };

/* A section of the source: its header's FILE:LINE and its lines, comments and blank lines left
 * out, each trimmed. */
struct section_text {
        struct conf_origin origin;
        char *name;  /* between the brackets */
        char *text;
};

static void sections_free(struct section_text *s, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(s[i].name);
                free(s[i].text);
        }
        free(s);
}

/* The sections of @c's source, every file's in order (the source is "PATH\0LEN\0TEXT" per file). */
static int source_sections(const struct netns_config *c, struct section_text **ret, size_t *ret_n) {
        const char *p = c->source, *end = c->source + c->source_size;
        struct section_text *list = NULL, *cur = NULL;
        size_t n = 0;

        while (p < end) {
                const char *path = p, *len_s = memchr(p, 0, (size_t) (end - p)), *text, *t;
                unsigned long long len;
                unsigned line = 0;

                if (!len_s || ++len_s >= end)
                        break;
                text = memchr(len_s, 0, (size_t) (end - len_s));
                if (!text++)
                        break;
                len = strtoull(len_s, NULL, 10);
                if (len > (unsigned long long) (end - text))
                        break;
                cur = NULL; /* a section ends with its file */
                for (t = text; t < text + len;) {
                        const char *nl = memchr(t, '\n', (size_t) (text + len - t)) ?: text + len;
                        const char *a = t, *b = nl;

                        line++;
                        t = nl + 1;
                        while (a < b && strchr(" \t", *a))
                                a++;
                        while (b > a && strchr(" \t\r", b[-1]))
                                b--;
                        if (a == b || *a == '#' || *a == ';')
                                continue;
                        if (*a == '[') {
                                cur = ARRAY_APPEND(list, n);
                                if (!cur)
                                        goto oom;
                                *cur = (struct section_text) { .origin = { .file = path, .line = line } };
                                cur->name = strndup(a + 1, (size_t) (b - a) - (b[-1] == ']' ? 2 : 1));
                                if (!cur->name)
                                        goto oom;
                        }
                        if (cur) {
                                char *x = strdup_printf("%s%.*s\n", strempty(cur->text), (int) (b - a), a);

                                if (!x)
                                        goto oom;
                                free(cur->text);
                                cur->text = x;
                        }
                }
                p = text + len;
        }
        *ret = list;
        *ret_n = n;
        return 0;
oom:
        sections_free(list, n);
        return -ENOMEM;
}

static bool section_known(const char *name) {
        for (size_t k = 0; k < ELEMENTSOF(known_sections); k++)
                if (streq(name, known_sections[k]))
                        return true;
        return false;
}

/* The first header of [@name] in @c's source; *@ret {} when there is none. */
static int section_origin(const struct netns_config *c, const char *name, struct conf_origin *ret) {
        struct section_text *s = NULL;
        size_t n = 0;

        *ret = (struct conf_origin) {};
        if (source_sections(c, &s, &n) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < n && !ret->file; i++)
                if (streq(s[i].name, name))
                        *ret = s[i].origin;
        sections_free(s, n);
        return 0;
}

/* The sections reload does not know must be as they were, in the same order: refused at the
 * first that differs, named by its header (in the new configuration, or, gone from it, in the
 * one in force). */
static int check_other_sections(struct reload *r) {
        struct section_text *so = NULL, *sn = NULL;
        size_t no = 0, nn = 0, i = 0, k = 0;
        int q = 0;

        if (source_sections(r->old, &so, &no) < 0 || source_sections(r->new, &sn, &nn) < 0) {
                q = log_oom();
                goto done;
        }
        for (;;) {
                while (i < no && section_known(so[i].name))
                        i++;
                while (k < nn && section_known(sn[k].name))
                        k++;
                if (i == no && k == nn)
                        break;
                if (i < no && k < nn && streq(so[i].name, sn[k].name) && streq_null(so[i].text, sn[k].text)) {
                        i++, k++;
                        continue;
                }
                if (k < nn) {
                        _cleanup_free_ char *what = strdup_printf("[%s] %s", sn[k].name,
                                                                  i < no && streq(so[i].name, sn[k].name) ? "changed" : "added");
                        q = restart_needed(r, &sn[k].origin, false, what ?: "a section changed");
                } else {
                        _cleanup_free_ char *what = strdup_printf("[%s] removed", so[i].name);
                        q = restart_needed(r, &so[i].origin, true, what ?: "a section removed");
                }
                break;
        }
done:
        sections_free(so, no);
        sections_free(sn, nn);
        return q;
}

static int check_fixed(struct reload *r) {
        const struct netns_config *o = r->old, *n = r->new;
        int q;

        q = check_other_sections(r);
        if (q < 0)
                return q;

        if (o->has_wireguard != n->has_wireguard)
                return restart_needed(r, n->has_wireguard ? &n->wg.origin : &o->wg.origin, !n->has_wireguard,
                                      n->has_wireguard ? "[WireGuard] added" : "[WireGuard] removed");
        if (n->has_wireguard && !streq(o->wg.name ?: NETNS_WG_NAME_DEFAULT, n->wg.name ?: NETNS_WG_NAME_DEFAULT))
                return restart_needed(r, &n->wg.origin, false, "[WireGuard] Name= changed");
        if (o->has_veth != n->has_veth)
                return restart_needed(r, n->has_veth ? &n->veth.origin : &o->veth.origin, !n->has_veth,
                                      n->has_veth ? "[Veth] added" : "[Veth] removed");
        if (n->has_veth) {
                const struct netns_veth *a = &o->veth, *b = &n->veth;

                if (!streq_null(a->host_name, b->host_name))
                        return restart_needed(r, &b->origin, false, "[Veth] HostName= changed");
                if (!streq_null(a->name, b->name))
                        return restart_needed(r, &b->origin, false, "[Veth] Name= changed");
                if (a->address_auto != b->address_auto)
                        return restart_needed(r, &b->origin, false, "[Veth] Address=auto changed");
                if (a->host_address_auto != b->host_address_auto)
                        return restart_needed(r, &b->origin, false, "[Veth] HostAddress=auto changed");
                if (a->default_route != b->default_route)
                        return restart_needed(r, &b->origin, false, "[Veth] DefaultRoute= changed");
                if (!prefixes_eq(a->host_routes, a->n_host_routes, b->host_routes, b->n_host_routes))
                        return restart_needed(r, &b->origin, false, "[Veth] HostRoute= changed");
                if (a->mtu != b->mtu)
                        return restart_needed(r, &b->origin, false, "[Veth] MTU= changed");
                if ((a->address_auto || a->host_address_auto) && !prefix_eq(&a->pool, &b->pool))
                        return restart_needed(r, &b->origin, false, "[Veth] AddressPool= changed");
        }
        if (o->n_links != n->n_links) {
                const struct netns_link *l = o->n_links > n->n_links ? &o->links[n->n_links] : &n->links[o->n_links];

                return restart_needed(r, &l->origin, o->n_links > n->n_links, o->n_links > n->n_links ? "[Link] removed" : "[Link] added");
        }
        for (size_t i = 0; i < n->n_links; i++) {
                const struct netns_link *a = &o->links[i], *b = &n->links[i];

                if (a->kind != b->kind)
                        return restart_needed(r, &b->origin, false, "[Link] Type= changed");
                if (!streq_null(a->parent, b->parent))
                        return restart_needed(r, &b->origin, false, "[Link] Parent= changed");
                if (!streq_null(a->name, b->name))
                        return restart_needed(r, &b->origin, false, "[Link] Name= changed");
                if (a->mode != b->mode || a->vlan_id != b->vlan_id)
                        return restart_needed(r, &b->origin, false, "[Link] Mode=/VLANId= changed");
                if (a->mtu != b->mtu)
                        return restart_needed(r, &b->origin, false, "[Link] MTUBytes= changed");
                if (a->vni != b->vni || !addr_eq(&a->remote, &b->remote) || !addr_eq(&a->group, &b->group) ||
                    !addr_eq(&a->local, &b->local) || a->dport != b->dport)
                        return restart_needed(r, &b->origin, false, "[Link] VNI=/Remote=/Group=/Local=/DestinationPort= changed");
                if (!streq_null(a->peer_namespace, b->peer_namespace) || !streq_null(a->peer_name, b->peer_name) ||
                    !prefixes_eq(a->peer_addresses, a->n_peer_addresses, b->peer_addresses, b->n_peer_addresses))
                        return restart_needed(r, &b->origin, false, "[Link] PeerNamespace=/PeerName=/PeerAddress= changed");
                if (a->n_gateways != b->n_gateways)
                        return restart_needed(r, &b->origin, false, "[Link] Gateway= changed");
                for (size_t k = 0; k < a->n_gateways; k++)
                        if (!addr_eq(&a->gateways[k], &b->gateways[k]))
                                return restart_needed(r, &b->origin, false, "[Link] Gateway= changed");
        }
        return 0;
}

/* ---- the plan ---- */

static int plan_sysctls(struct reload *r) {
        for (size_t i = 0; i < r->new->n_sysctls; i++) {
                const struct netns_sysctl *s = &r->new->sysctls[i];
                const struct netns_sysctl *was = NULL;
                struct op *o;

                for (size_t k = 0; k < r->old->n_sysctls; k++)
                        if (streq(r->old->sysctls[k].key, s->key))
                                was = &r->old->sysctls[k];
                if (was && streq(was->value, s->value))
                        continue;
                if (netns_sysctl_known(s->key) == 0)
                        return log_error_errno(ENOENT, "%s:%u: Sysctl=%s: no such sysctl in the namespace",
                                               s->origin.file, s->origin.line, s->key);
                o = op_push(r, OP_SYSCTL);
                if (!o)
                        return log_oom();
                o->sysctl = s;
        }
        for (size_t k = 0; k < r->old->n_sysctls; k++) {
                bool kept = false;

                for (size_t i = 0; i < r->new->n_sysctls; i++)
                        kept = kept || streq(r->old->sysctls[k].key, r->new->sysctls[i].key);
                if (!kept) {
                        log_notice("Sysctl=%s is no longer configured; it keeps its value in namespace '%s' until a restart.",
                                   r->old->sysctls[k].key, r->name);
                        r->notes++;
                }
        }
        return 0;
}

static int plan_addrs(struct reload *r, bool host, const char *ifname, const struct netns_prefix *was, size_t n_was,
                      const struct netns_prefix *now, size_t n_now) {
        for (size_t i = 0; i < n_now; i++)
                if (!prefix_in(&now[i], was, n_was)) {
                        struct op *o = op_push(r, OP_ADDR_ADD);

                        if (!o)
                                return log_oom();
                        o->host = host;
                        o->prefix = now[i];
                        (void) snprintf(o->ifname, sizeof(o->ifname), "%s", ifname);
                }
        for (size_t i = 0; i < n_was; i++)
                if (!prefix_in(&was[i], now, n_now)) {
                        struct op *o = op_push(r, OP_ADDR_DEL);

                        if (!o)
                                return log_oom();
                        o->host = host;
                        o->prefix = was[i];
                        (void) snprintf(o->ifname, sizeof(o->ifname), "%s", ifname);
                }
        return 0;
}

/* The addresses of an end of the veth (@host: the host end, else the one inside) as the steps
 * after it see them: the configured ones, then the automatic ones the link has (those stay as
 * they are). */
static int load_veth_addrs(struct reload *r, bool host) {
        _cleanup_free_ struct nl_addr *addrs = NULL;
        const struct netns_veth *v = &r->new->veth, *was = &r->old->veth;
        const struct netns_prefix *now = host ? v->host_addresses : v->addresses;
        const struct netns_prefix *old = host ? was->host_addresses : was->addresses;
        size_t n_now = host ? v->n_host_addresses : v->n_addresses, n_old = host ? was->n_host_addresses : was->n_addresses;
        struct netns_prefix **list = host ? &r->c.host_addrs : &r->c.peer_addrs;
        size_t *n_list = host ? &r->c.n_host_addrs : &r->c.n_peer_addrs;
        const char *ifname = host ? r->c.host_ifname : r->c.peer_ifname;
        struct nl_sock *nl;
        size_t n = 0;
        int ifindex, q;

        for (size_t i = 0; i < n_now; i++) {
                struct netns_prefix *p = ARRAY_APPEND(*list, *n_list);

                if (!p)
                        return log_oom();
                *p = now[i];
        }
        if (!(host ? v->host_address_auto : v->address_auto))
                return 0;
        q = host ? ctx_nl_host(&r->c, &nl) : ctx_nl_ns(&r->c, &nl);
        if (q >= 0)
                q = ifindex = nl_link_ifindex(nl, ifname);
        if (q >= 0)
                q = nl_dump_addrs(nl, AF_UNSPEC, &addrs, &n);
        if (q < 0)
                return log_error_errno(q, "Failed to read the addresses of %s %s '%s': %m", ifname,
                                       host ? "on the host, the veth of" : "in namespace", r->name);
        for (size_t i = 0; i < n; i++) {
                struct netns_prefix p;

                if (addrs[i].ifindex != ifindex || addrs[i].scope != RT_SCOPE_UNIVERSE || !nl_addr_prefix(&addrs[i], &p) ||
                    prefix_in(&p, old, n_old))
                        continue;
                struct netns_prefix *t = ARRAY_APPEND(*list, *n_list);
                if (!t)
                        return log_oom();
                *t = p;
        }
        return 0;
}

/* [WireGuard]: the device's own change (OP_WG), then its addresses and routes as the others */
static int plan_wireguard_reload(struct reload *r) {
        struct wg_change *w = &r->wg;
        int q;

        q = wireguard_reload_plan(&r->c, r->old, w);
        if (q < 0 || !w->ifname[0])
                return q;
        if (wireguard_reload_needed(w) && !op_push(r, OP_WG))
                return log_oom();
        q = plan_addrs(r, false, w->ifname, w->addrs_was, w->n_addrs_was, w->addrs_now, w->n_addrs_now);
        if (q < 0)
                return q;
        for (int k = 0; k < 2; k++) {
                const struct netns_route *from = k ? w->routes_now : w->routes_was, *to = k ? w->routes_was : w->routes_now;
                size_t n_from = k ? w->n_routes_now : w->n_routes_was, n_to = k ? w->n_routes_was : w->n_routes_now;

                for (size_t i = 0; i < n_from; i++) {
                        bool kept = false;
                        struct op *o;

                        for (size_t j = 0; j < n_to && !kept; j++)
                                kept = route_eq(&from[i], &to[j]);
                        if (kept)
                                continue;
                        o = op_push(r, k ? OP_ROUTE_ADD : OP_ROUTE_DEL);
                        if (!o)
                                return log_oom();
                        o->route = &from[i];
                        /* (the link also for a route out: its undo puts it back) */
                        if (from[i].type == NETNS_ROUTE_UNICAST)
                                (void) snprintf(o->ifname, sizeof(o->ifname), "%s", w->ifname);
                }
        }
        return 0;
}

static int plan(struct reload *r) {
        _cleanup_free_ char *ro = NULL, *rn = NULL;
        int q;

        q = check_fixed(r);
        if (q < 0)
                return q;
        q = plan_sysctls(r);
        if (q < 0)
                return q;
        q = plan_wireguard_reload(r);
        if (q < 0)
                return q;

        if (r->new->has_veth) {
                q = load_veth_addrs(r, false);
                /* the host end's: only the firewall's rules name them */
                if (q >= 0 && r->new->inbound == NETNS_INBOUND_DROP)
                        q = load_veth_addrs(r, true);
                if (q < 0)
                        return q;
                q = plan_addrs(r, false, r->c.peer_ifname, r->old->veth.addresses, r->old->veth.n_addresses,
                               r->new->veth.addresses, r->new->veth.n_addresses);
                if (q >= 0)
                        q = plan_addrs(r, true, r->c.host_ifname, r->old->veth.host_addresses, r->old->veth.n_host_addresses,
                                       r->new->veth.host_addresses, r->new->veth.n_host_addresses);
                if (q < 0)
                        return q;
        }
        for (size_t i = 0; i < r->new->n_links; i++) {
                char ifname[IFNAMSIZ];

                q = link_ifname(&r->new->links[i], ifname);
                if (q < 0)
                        return log_error_errno(q, "%s:%u: [Link]: no name inside: %m", strempty(r->new->links[i].origin.file),
                                               r->new->links[i].origin.line);
                q = plan_addrs(r, false, ifname, r->old->links[i].addresses, r->old->links[i].n_addresses,
                               r->new->links[i].addresses, r->new->links[i].n_addresses);
                if (q < 0)
                        return q;
        }

        /* routes: the old ones no longer configured go, then the new ones come */
        for (size_t i = 0; i < r->old->n_routes; i++) {
                bool kept = false;

                for (size_t k = 0; k < r->new->n_routes && !kept; k++)
                        kept = route_eq(&r->old->routes[i], &r->new->routes[k]);
                if (!kept) {
                        struct op *o = op_push(r, OP_ROUTE_DEL);

                        if (!o)
                                return log_oom();
                        o->route = &r->old->routes[i];
                }
        }
        for (size_t i = 0; i < r->new->n_routes; i++) {
                const struct netns_route *rt = &r->new->routes[i];
                bool had = false;

                for (size_t k = 0; k < r->old->n_routes && !had; k++)
                        had = route_eq(&r->old->routes[k], rt);
                if (had)
                        continue;
                if (rt->gateway.family) {
                        struct op *o;

                        q = route_ifname(&r->c, rt, (char[IFNAMSIZ]) {});
                        if (q < 0)
                                return q;
                        o = op_push(r, OP_ROUTE_ADD);
                        if (!o)
                                return log_oom();
                        o->route = rt;
                } else {
                        struct op *o = op_push(r, OP_ROUTE_ADD);

                        if (!o)
                                return log_oom();
                        o->route = rt;
                }
        }

        /* DNS=, Domains=: the text of resolv.conf decides; a wg-quick file's DNS= in force is
         * not in the source: the file "up" wrote says it */
        if (r->old->n_dns == 0 && r->old->has_wireguard && r->old->wg.config_file) {
                _cleanup_free_ char *path = state_path(r->name, "resolv.conf");

                if (!path)
                        return log_oom();
                q = read_full_file(path, 64 * 1024, &ro, NULL);
                if (q < 0 && q != -ENOENT)
                        return log_error_errno(q, "Failed to read %s: %m", path);
        }
        if (ro || r->old->n_dns > 0 || r->new->n_dns > 0) {
                bool had = ro || r->old->n_dns > 0;

                if ((!ro && resolv_conf_text(r->old, &ro) < 0) || resolv_conf_text(r->new, &rn) < 0)
                        return log_oom();
                if (!streq(ro, rn)) {
                        /* the processes have its resolv.conf bound over /etc/resolv.conf: it
                         * cannot go away under them */
                        if (r->new->n_dns == 0) {
                                struct conf_origin o;
                                bool in_force = false;

                                /* [Namespace] where DNS= was, or, gone, where it was; a
                                 * wg-quick file's: its [WireGuard] */
                                if (section_origin(r->new, "Namespace", &o) < 0)
                                        return log_oom();
                                if (!o.file && r->new->has_wireguard && r->new->wg.config_file)
                                        o = r->new->wg.origin;
                                if (!o.file) {
                                        if (section_origin(r->old, "Namespace", &o) < 0)
                                                return log_oom();
                                        in_force = true;
                                }
                                return restart_needed(r, &o, in_force, "[Namespace] DNS= removed (the processes inside keep its resolv.conf bound over /etc/resolv.conf)");
                        }
                        if (!had) {
                                log_notice("DNS= added: processes started in namespace '%s' from now on use it; those running keep the host's resolv.conf.",
                                           r->name);
                                r->resolv_create = true;
                        } else
                                r->resolv_old = TAKE_PTR(ro);
                        r->resolv_new = TAKE_PTR(rn);
                }
        }

        q = nat_reload_plan(&r->c, r->lines, &r->nat);
        if (q < 0)
                return q;
        r->nat_changes = r->nat.n_add + r->nat.n_del > 0 || r->nat.localnet || r->nat.lo6 || r->nat.forward4 || r->nat.forward6;
        return fw_reload_plan(&r->c, r->lines, &r->fw);
}

static int describe(const struct reload *r, FILE *f) {
        char buf[ADDR_PREFIX_STRLEN], gw[INET6_ADDRSTRLEN];
        int n = 0;

        for (size_t i = 0; i < r->n_ops; i++) {
                const struct op *o = &r->ops[i];

                switch (o->kind) {
                case OP_SYSCTL:
                        fprintf(f, "~ sysctl %s=%s\n", o->sysctl->key, o->sysctl->value);
                        break;
                case OP_ADDR_ADD:
                case OP_ADDR_DEL:
                        fprintf(f, "%c address %s dev %s%s\n", o->kind == OP_ADDR_ADD ? '+' : '-',
                                addr_prefix_to_string(&o->prefix, buf), o->ifname, o->host ? " (host)" : "");
                        break;
                case OP_ROUTE_ADD:
                case OP_ROUTE_DEL:
                        fprintf(f, "%c route %s %s", o->kind == OP_ROUTE_ADD ? '+' : '-',
                                netns_route_type_to_string(o->route->type), addr_prefix_to_string(&o->route->destination, buf));
                        if (o->route->gateway.family)
                                fprintf(f, " via %s", addr_to_string(o->route->gateway.family, &o->route->gateway.addr, gw));
                        if (o->ifname[0])
                                fprintf(f, " dev %s", o->ifname);
                        if (o->route->table)
                                fprintf(f, " table %u", o->route->table);
                        if (o->route->metric)
                                fprintf(f, " metric %u", o->route->metric);
                        fputc('\n', f);
                        break;
                case OP_WG:
                        n += wireguard_reload_describe(&r->wg, f);
                        continue;
                case _OP_KIND_MAX:
                default:
                        continue;
                }
                n++;
        }
        if (r->resolv_new) {
                fputs(r->resolv_create ? "+ resolv.conf (DNS=, Domains=)\n" : "~ resolv.conf (DNS=, Domains=)\n", f);
                n++;
        }
        n += fw_reload_describe(&r->fw, f);
        n += nat_reload_describe(&r->nat, f);
        return n + etc_view_describe(r->name, &r->etc, f);
}

/* ---- applying, and putting back ---- */

static int addr_op(struct reload *r, const struct op *o, bool add) {
        struct nl_sock *nl;
        int ifindex, q;
        char buf[512], p[ADDR_PREFIX_STRLEN];
        struct nl_batch b;

        q = o->host ? ctx_nl_host(&r->c, &nl) : ctx_nl_ns(&r->c, &nl);
        if (q < 0)
                return log_error_errno(q, "Failed to open netlink socket: %m");
        ifindex = nl_link_ifindex(nl, o->ifname);
        if (ifindex < 0)
                return log_error_errno(ifindex, "Failed to find link %s%s: %m", o->ifname, o->host ? " on the host" : " in the namespace");
        nl_batch_init(&b, nl, buf, sizeof(buf));
        q = add ? nl_batch_addr_add(&b, ifindex, &o->prefix, NULL) : nl_batch_addr_del(&b, ifindex, &o->prefix);
        if (q >= 0)
                q = nl_batch_run(&b, NULL);
        /* what a crashed reload already did is no error the second time */
        if (q == (add ? -EEXIST : -EADDRNOTAVAIL))
                q = 0;
        if (q < 0)
                return log_error_errno(q, "Failed to %s address %s %s %s: %m%s", add ? "add" : "delete",
                                       addr_prefix_to_string(&o->prefix, p), add ? "to" : "from", o->ifname, nl_extack(nl));
        return 0;
}

static int route_op(struct reload *r, const struct op *o, bool add) {
        const struct netns_route *rt = o->route;
        char ifname[IFNAMSIZ], buf[512], dst[ADDR_PREFIX_STRLEN];
        struct nl_route nr;
        struct nl_batch b;
        struct nl_sock *ns;
        int ifindex = 0, q;

        q = ctx_nl_ns(&r->c, &ns);
        if (q < 0)
                return log_error_errno(q, "Failed to open netlink socket in namespace '%s': %m", r->name);
        if (add && (rt->gateway.family || o->ifname[0])) {
                if (o->ifname[0])
                        (void) snprintf(ifname, sizeof(ifname), "%s", o->ifname);
                else {
                        q = route_ifname(&r->c, rt, ifname);
                        if (q < 0)
                                return q;
                }
                ifindex = nl_link_ifindex(ns, ifname);
                if (ifindex < 0)
                        return log_error_errno(ifindex, "%s:%u: [Route]: Failed to find link %s: %m", strempty(rt->origin.file),
                                               rt->origin.line, ifname);
        }
        nl_batch_init(&b, ns, buf, sizeof(buf));
        route_to_nl(rt, add ? ifindex : 0, &nr);
        q = add ? nl_batch_route_add(&b, &nr) : nl_batch_route_del(&b, &nr);
        if (q >= 0)
                q = nl_batch_run(&b, NULL);
        if (q == (add ? -EEXIST : -ESRCH))
                q = 0;
        if (q < 0)
                return log_error_errno(q, "%s:%u: Failed to %s route %s in namespace '%s': %m%s", strempty(rt->origin.file),
                                       rt->origin.line, add ? "add" : "delete", addr_prefix_to_string(&rt->destination, dst),
                                       r->name, nl_extack(ns));
        return 0;
}

static int sysctl_op(struct reload *r, struct op *o, bool forward) {
        const struct netns_sysctl *s = o->sysctl;
        int q;

        if (forward) {
                q = netns_sysctl_get(r->c.netns_fd, s->key, o->before, sizeof(o->before));
                if (q < 0)
                        return log_error_errno(q, "%s:%u: Failed to read sysctl %s in namespace '%s': %m", s->origin.file,
                                               s->origin.line, s->key, r->name);
        }
        q = netns_sysctl_set(r->c.netns_fd, s->key, forward ? s->value : o->before);
        if (q < 0)
                return log_error_errno(q, "%s:%u: Failed to set sysctl %s=%s in namespace '%s': %m", s->origin.file,
                                       s->origin.line, s->key, forward ? s->value : o->before, r->name);
        return 0;
}

static int op_run(struct reload *r, struct op *o, bool forward) {
        switch (o->kind) {
        case OP_SYSCTL:
                return sysctl_op(r, o, forward);
        case OP_ADDR_ADD:
        case OP_ADDR_DEL:
                return addr_op(r, o, (o->kind == OP_ADDR_ADD) == forward);
        case OP_ROUTE_ADD:
        case OP_ROUTE_DEL:
                return route_op(r, o, (o->kind == OP_ROUTE_ADD) == forward);
        case OP_WG:
                return wireguard_reload_set(&r->wg, forward);
        case _OP_KIND_MAX:
        default:
                return -EINVAL;
        }
}

/* resolv.conf written into the file processes have bind-mounted: same inode, new text;
 * @create: a new file, as "up" makes it; @text NULL: the file removed */
static int resolv_write(struct reload *r, const char *text, bool create) {
        _cleanup_free_ char *path = state_path(r->name, "resolv.conf");
        _cleanup_close_ int fd = -1;
        size_t len;
        ssize_t k;

        if (!path)
                return log_oom();
        if (!text) {
                if (unlink(path) < 0 && errno != ENOENT)
                        return log_error_errno(errno, "Failed to remove %s: %m", path);
                return 0;
        }
        if (create) {
                k = write_file_atomic(path, text);
                if (k < 0)
                        return log_error_errno((int) k, "Failed to write %s: %m", path);
                return 0;
        }
        len = strlen(text);
        fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to open %s: %m", path);
        k = pwrite(fd, text, len, 0);
        if (k < 0 || (size_t) k != len || ftruncate(fd, (off_t) len) < 0)
                return log_error_errno(k < 0 || (size_t) k == len ? errno : EIO, "Failed to write %s: %m", path);
        return 0;
}

/* record lines without the element lines of @del */
static int lines_without(char *const *lines, const struct nat_elem *del, size_t n_del, char ***ret) {
        _cleanup_strv_free_ char **out = NULL;

        for (char *const *l = lines; l && *l; l++) {
                struct record_entry e;
                bool drop = false;

                if (record_entry_parse(*l, &e, NULL) >= 0 && e.key == RECORD_NAT && e.nat.what == RECORD_NAT_ELEM) {
                        char a[256], b[256];

                        for (size_t i = 0; i < n_del && !drop; i++)
                                drop = nat_elem_format(&e.nat.elem, a, sizeof(a)) >= 0 &&
                                       nat_elem_format(&del[i], b, sizeof(b)) >= 0 && streq(a, b);
                }
                if (!drop && strv_extend(&out, *l) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(out);
        return 0;
}

static int apply(struct reload *r) {
        _cleanup_strv_free_ char **r1 = NULL, **r2 = NULL, **added = NULL;
        _cleanup_(record_closep) struct record *mem = NULL;
        size_t n = strv_length(r->lines);
        bool rewrite = r->nat_changes || r->resolv_create || r->fw.changes;
        int q = 0;

        /* 1. the record with what is about to be made, before it is made */
        for (size_t i = 0; i < n; i++)
                if (!streq(r->lines[i], "complete") && strv_extend(&r1, r->lines[i]) < 0)
                        return log_oom();
        if (rewrite) {
                if (record_new_lines(&added, &mem) < 0)
                        return log_oom();
                r->c.rec = mem;
                q = r->nat_changes ? nat_reload_record(&r->c, &r->nat) : 0;
                if (q < 0)
                        return q;
                /* once: a crashed reload may have recorded it already */
                if (r->resolv_create && !strv_contains(r->lines, "resolv") && record_add_key(mem, RECORD_RESOLV) < 0)
                        return log_oom();
                /* a new firewall table: "down" after a crash deletes it */
                if (r->fw.new_table && !r->fw.old_table && record_add_fw_table(mem) < 0)
                        return log_oom();
                STRV_FOREACH(l, added)
                        if (strv_extend(&r1, *l) < 0)
                                return log_oom();
        }
        if (strv_extend(&r1, "complete") < 0)
                return log_oom();
        if (rewrite) {
                q = record_replace(r->name, r1);
                if (q < 0)
                        return log_error_errno(q, "Failed to rewrite the state record of '%s': %m", r->name);
        }
        q = up_test_hook("reload-record");

        /* 2. the changes, in order: sysctls, new addresses, the WireGuard device's peers, old
         * routes out, new routes in, old addresses out, NAT, resolv.conf */
        static const enum op_kind order[] = { OP_SYSCTL, OP_ADDR_ADD, OP_WG, OP_ROUTE_DEL, OP_ROUTE_ADD, OP_ADDR_DEL };
        static const char *const reload_steps[] = { "reload-sysctl", "reload-addresses", "reload-wireguard", "reload-routes-out",
                                                    "reload-routes", "reload-addresses-out" };
        for (size_t k = 0; k < ELEMENTSOF(order) && q >= 0; k++) {
                for (size_t i = 0; i < r->n_ops && q >= 0; i++) {
                        if (r->ops[i].kind != order[k])
                                continue;
                        q = op_run(r, &r->ops[i], true);
                        /* a WireGuard request that failed may be half done: its undo states all */
                        r->ops[i].done = q >= 0 || r->ops[i].kind == OP_WG;
                }
                if (q >= 0)
                        q = up_test_hook(reload_steps[k]);
        }
        /* the firewall before the NAT: a new Port= is let in when it starts to forward */
        if (q >= 0 && r->fw.changes) {
                q = fw_reload_apply(&r->c, &r->fw);
                r->fw_done = q >= 0;
                if (q >= 0)
                        q = up_test_hook("reload-firewall");
        }
        if (q >= 0 && r->nat_changes) {
                q = nat_reload_apply(&r->c, &r->nat, &r->nat_committed);
                r->nat_done = true; /* also after a failure: its host settings may be half made */
                if (q >= 0)
                        q = up_test_hook("reload-nat");
        }
        if (q >= 0 && r->resolv_new) {
                q = resolv_write(r, r->resolv_new, r->resolv_create);
                r->resolv_done = q >= 0;
                if (q >= 0)
                        q = up_test_hook("reload-resolv");
        }

        /* 3. the record and the configuration in force */
        if (q >= 0 && rewrite) {
                _cleanup_strv_free_ char **r3 = NULL;

                if (lines_without(r1, r->nat.del, r->nat.n_del, &r3) < 0 || fw_reload_lines(&r->fw, r3, &r2) < 0)
                        q = log_oom();
                if (q >= 0) {
                        q = record_replace(r->name, r2);
                        if (q < 0)
                                log_error_errno(q, "Failed to rewrite the state record of '%s': %m", r->name);
                }
                if (q >= 0)
                        q = up_test_hook("reload-state");
        }
        if (q >= 0) {
                q = record_file_write(r->name, "config", r->new->source, r->new->source_size);
                if (q < 0)
                        log_error_errno(q, "Failed to save the configuration in force of '%s': %m", r->name);
                /* a crash from here on leaves a record of the new state: "reload" redoes nothing harmful */
        }
        if (q >= 0) {
                /* last: binds in the processes' own mount namespaces are not taken back; one
                 * that fails is named (a warning), and the next reload tries it again */
                if (etc_view_apply(r->name, r->c.netns_fd, &r->etc) < 0)
                        log_warning("Namespace '%s' reloaded, but not every process inside sees %s/%s/ as it is now.", r->name,
                                    netns_conf_dir(), r->name);
                return 0;
        }

        /* putting back what was done, newest first */
        log_error("Reload of namespace '%s' failed; putting back what was in force.", r->name);
        if (r->resolv_done)
                (void) resolv_write(r, r->resolv_old, false); /* NULL (it was made): removed */
        if (r->nat_done) {
                struct undo_ctx u = { .name = r->name, .netns_fd = -1, .nat_elements_done = true };

                if (r->nat_committed)
                        (void) nat_reload_revert(&r->nat);
                for (size_t i = strv_length(added); i > 0; i--) {
                        struct record_entry e;

                        if (record_entry_parse(added[i - 1], &e, NULL) >= 0 && e.key == RECORD_NAT)
                                (void) undo_nat(&u, &e);
                }
                nl_close(u.nl_host);
        }
        if (r->fw_done)
                (void) fw_reload_revert(&r->c, r->old, &r->fw);
        for (size_t k = ELEMENTSOF(order); k > 0; k--)
                for (size_t i = r->n_ops; i > 0; i--)
                        if (r->ops[i - 1].kind == order[k - 1] && r->ops[i - 1].done)
                                (void) op_run(r, &r->ops[i - 1], false);
        if (rewrite) {
                int q2 = record_replace(r->name, r->lines);
                if (q2 < 0)
                        log_error_errno(q2, "Failed to put back the state record of '%s': %m", r->name);
        }
        return q;
}

/* ---- the verbs ---- */

/* under systemd, the journal says what changed (a terminal is told nothing: silent on success) */
static void log_reloaded(const struct reload *r) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *f;

        if (!log_target_is_journal())
                return;
        f = open_memstream(&text, &len);
        if (!f)
                return;
        (void) describe(r, f);
        if (fclose(f) == 0)
                log_info("Namespace '%s' reloaded:\n%s", r->name, strempty(text));
}

/* The source of the configuration in force, or -ENOENT when the namespace is not up. */
static int load_in_force(const char *name, char **ret, size_t *ret_size) {
        return record_file_read(name, "config", ret, ret_size);
}

int reload_pending(const char *name, const struct netns_config *cfg) {
        _cleanup_free_ char *src = NULL;
        struct etc_change etc;
        size_t size = 0;
        int q;

        q = load_in_force(name, &src, &size);
        if (q < 0)
                return q;
        if (size != cfg->source_size || memcmp(src, cfg->source, size) != 0)
                return 1;
        q = etc_view_plan(name, cfg, &etc);
        if (q < 0)
                return q;
        q = etc.changed;
        etc_change_done(&etc);
        return q;
}

int netns_reload(const char *name, bool dry_run) {
        _cleanup_config_ struct netns_config *cfg = NULL;
        _cleanup_free_ char *src = NULL;
        _cleanup_(reload_done) struct reload r = { .name = name, .c.netns_fd = -1 };
        size_t size = 0;
        bool pinned = false, same;
        int lock, q;

        if (!netns_name_is_valid(name))
                return log_error_errno(EINVAL, "Invalid namespace name '%s'.", name);
        log_set_namespace(name);
        q = netns_config_load(NULL, name, &cfg);
        if (q == -ENOENT)
                return log_error_errno(q, "No configuration for namespace '%s': %s/%s.conf does not exist.", name,
                                       netns_conf_dir(), name);
        if (q < 0)
                return log_error_errno(q, "Not reloading namespace '%s': configuration invalid; what is in force stays.", name);

        lock = netns_lock();
        if (lock < 0)
                return lock;
        q = record_load_full(name, LOG_ERR, &r.lines);
        if (q == -ENOENT)
                return log_error_errno(q, "Namespace '%s' is not up; 'netnsctl up %s' brings it up.", name, name);
        if (q < 0)
                return log_error_errno(q, "Failed to read the state of '%s': %m", name);
        q = record_netns_open(name, r.lines, &pinned);
        if (!record_complete(r.lines) || q < 0 || !pinned) {
                if (q >= 0)
                        (void) close(q);
                return log_error_errno(ESRCH, "Namespace '%s' is not (completely) up; 'netnsctl down %s' cleans up what is there.",
                                       name, name);
        }
        r.c.netns_fd = q;

        q = load_in_force(name, &src, &size);
        if (q == -ENOENT)
                return log_error_errno(q, "Namespace '%s' was brought up by a netnsctl without reload; restart it once.", name);
        if (q < 0)
                return log_error_errno(q, "Failed to read the configuration in force of '%s': %m", name);
        q = etc_view_plan(name, cfg, &r.etc);
        if (q < 0)
                return q;
        same = size == cfg->source_size && memcmp(src, cfg->source, size) == 0;
        /* a tunnel's key files, wg-quick file and Endpoint= names are not in the source: with
         * [WireGuard] the device is compared below even then */
        if (same && !cfg->has_wireguard) {
                /* the configuration is as in force: only /etc/netns/NAME/ can have changed */
                if (!r.etc.changed)
                        return 0; /* nothing changed: nothing to do, nothing to say */
                if (dry_run) {
                        (void) etc_view_describe(name, &r.etc, stdout);
                        return 0;
                }
                q = etc_view_apply(name, r.c.netns_fd, &r.etc);
                if (q >= 0)
                        log_reloaded(&r);
                return q;
        }
        q = netns_config_from_source(name, src, size, &r.old);
        if (q < 0)
                return log_error_errno(q == -EINVAL ? q : EBADMSG,
                                       "Failed to parse the configuration in force of '%s' again; restart it to apply the new one.", name);

        r.new = cfg;
        r.c.name = name;
        r.c.cfg = cfg;
        r.c.netns_ino = 0;
        /* the veth's names in force (they cannot change in place: check_fixed()) */
        if (r.old->has_veth) {
                if (r.old->veth.host_name)
                        (void) snprintf(r.c.host_ifname, sizeof(r.c.host_ifname), "%s", r.old->veth.host_name);
                else if (netns_ifname_host(name, r.c.host_ifname) < 0)
                        return log_error_errno(EINVAL, "Namespace '%s': no host name for its veth.", name);
                (void) snprintf(r.c.peer_ifname, sizeof(r.c.peer_ifname), "%s", r.old->veth.name ?: NETNS_PEER_NAME_DEFAULT);
        }
        /* the host's listeners, on the host ports a new Port= takes (those in force took theirs) */
        if (!cfg->override_listeners) {
                _cleanup_free_ struct netns_port *added = NULL;
                struct netns_config view = *cfg; /* read only: nothing of it is freed */
                size_t n_added = 0;

                for (size_t i = 0; i < cfg->n_ports; i++) {
                        const struct netns_port *p = &cfg->ports[i];
                        bool had = false;

                        for (size_t k = 0; k < r.old->n_ports && !had; k++) {
                                const struct netns_port *o = &r.old->ports[k];

                                had = o->protocol == p->protocol && o->host_family == p->host_family &&
                                      memcmp(&o->host_addr, &p->host_addr, sizeof(o->host_addr)) == 0 &&
                                      o->host_port == p->host_port && o->host_port_end == p->host_port_end;
                        }
                        if (had)
                                continue;
                        struct netns_port *a = ARRAY_APPEND(added, n_added);
                        if (!a)
                                return log_oom();
                        *a = *p;
                }
                view.ports = added;
                view.n_ports = n_added;
                q = nat_check_host_listeners(&view);
                if (q < 0)
                        return q;
        }

        q = plan(&r);
        if (q < 0) {
                log_error("Not reloading namespace '%s'; nothing was changed.", name);
                return q;
        }
        if (same && r.n_ops == 0 && !r.nat_changes && !r.resolv_new && !r.etc.changed)
                return 0;
        if (dry_run) {
                if (describe(&r, stdout) == 0)
                        printf("(nothing changes in the kernel)\n");
                return 0;
        }
        q = apply(&r);
        if (q < 0)
                return q;
        log_reloaded(&r);
        return 0;
}
