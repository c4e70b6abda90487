/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* status.c - netnsctl status NAME: configuration, unit, pin, wiring, NAT, sysctls, processes, journal */

#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "addr.h"
#include "firewall.h"
#include "inspect.h"
#include "json.h"
#include "log.h"
#include "name.h"
#include "nft.h"
#include "ns.h"
#include "output.h"
#include "proc.h"
#include "record.h"
#include "util.h"
#include "verbs.h"
#include "wireguard.h"

struct status_proc {
        pid_t pid;
        char *unit;
        char *command;
};

struct status_sysctl {
        const char *key;            /* points into the config */
        const char *configured;
        char value[256];
        bool have_value;
};

struct status_journal {
        uint64_t usec;
        int priority;
        char *identifier;
        pid_t pid;
        char *message;
};

struct status {
        const char *name;
        struct ns_info info;
        char *pin_path;

        /* configuration */
        struct netns_config *cfg;
        char *conf_path;             /* DIR/NAME.conf */
        bool conf_exists;
        bool conf_valid;
        bool reload_pending;         /* up, and the configuration on disk is not the one in force */

        /* systemd */
        bool have_unit;
        char *unit_name;
        struct unit_state unit;
        char **attached;             /* Units= of the config */
        struct unit_state *attached_state;
        bool *have_attached_state;

        /* inside the namespace; only when it is pinned and we may enter it */
        bool have_inside;
        struct nl_link *links;
        size_t n_links;
        struct nl_addr *addrs;
        size_t n_addrs;
        struct nl_route_entry *routes;
        size_t n_routes;
        int host_nsid;               /* the id the namespace gives the host's namespace, -1 if none */
        char **link_peer_ns;         /* per link: the pinned namespace its veth peer is in, or NULL */
        struct ns_peer_link *peers;  /* the links between this namespace and others */
        size_t n_peers;
        int netns_fd;                /* the namespace, while we look at it; -1 */
        struct wg_device *tunnels;   /* its WireGuard devices (no private key) */
        size_t n_tunnels;

        struct nat_elem *nat;        /* from the record */
        size_t n_nat;

        /* [Firewall]: the record's when there is one, else the configuration's (no host end) */
        int fw_inbound;              /* enum netns_inbound_policy, -1: unknown */
        struct fw_rule *fw_rules;
        size_t n_fw_rules;
        int fw_table;                /* the table inside: NFT_FW_ABSENT, _OURS, _FOREIGN; -1: not looked */
        int reply_table;             /* the reply table inside (nft.h), as fw_table */

        struct status_sysctl *sysctls;
        size_t n_sysctls;

        bool have_procs;
        struct status_proc *procs;
        size_t n_procs;

        bool have_journal;
        struct status_journal *journal;
        size_t n_journal;
};

static void status_done(struct status *s) {
        ns_info_done(&s->info);
        free(s->pin_path);
        netns_config_free(s->cfg);
        free(s->conf_path);
        free(s->unit_name);
        free(s->attached_state);
        free(s->have_attached_state);
        for (size_t i = 0; s->link_peer_ns && i < s->n_links; i++)
                free(s->link_peer_ns[i]);
        free(s->link_peer_ns);
        ns_peer_links_free(s->peers, s->n_peers);
        free(s->links);
        free(s->addrs);
        free(s->routes);
        for (size_t i = 0; i < s->n_tunnels; i++)
                wg_device_done(&s->tunnels[i]);
        free(s->tunnels);
        free(s->nat);
        free(s->fw_rules);
        free(s->sysctls);
        for (size_t i = 0; i < s->n_procs; i++) {
                free(s->procs[i].unit);
                free(s->procs[i].command);
        }
        free(s->procs);
        for (size_t i = 0; i < s->n_journal; i++) {
                free(s->journal[i].identifier);
                free(s->journal[i].message);
        }
        free(s->journal);
        (void) safe_close(s->netns_fd);
}

static int load_config(struct status *s) {
        struct stat st;
        int level = log_get_max_level(), r;

        s->conf_path = strdup_printf("%s/%s.conf", netns_conf_dir(), s->name);
        if (!s->conf_path)
                return -ENOMEM;
        s->conf_exists = stat(s->conf_path, &st) >= 0;
        if (!s->conf_exists || !netns_name_is_valid(s->name))
                return 0;
        /* Problems in the file are "netnsctl check"'s to show; here only the outcome counts. */
        log_set_max_level(LOG_CRIT);
        r = netns_config_load(NULL, s->name, &s->cfg);
        log_set_max_level(level);
        if (r == -ENOMEM)
                return r;
        s->conf_valid = r >= 0;
        /* a valid configuration that is not the one in force ("reload" brings it) */
        s->reload_pending = s->cfg && reload_pending(s->name, s->cfg) > 0;
        return 0;
}

static int load_units(struct status *s) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        size_t n;
        int r;

        if (s->cfg)
                s->attached = s->cfg->units;
        n = strv_length(s->attached);
        s->attached_state = calloc(n + 1, sizeof(*s->attached_state));
        s->have_attached_state = calloc(n + 1, sizeof(bool));
        if (!s->attached_state || !s->have_attached_state)
                return -ENOMEM;
        if (!netns_name_is_valid(s->name))
                return 0;
        s->unit_name = strdup_printf("netns@%s.service", s->name);
        if (!s->unit_name)
                return -ENOMEM;
        r = unit_bus_open(&bus);
        if (r < 0) {
                log_debug_errno(r, "No connection to the system manager, not showing unit states: %m");
                return 0;
        }
        s->have_unit = unit_get_state(bus, s->unit_name, &s->unit) >= 0;
        for (size_t i = 0; i < n; i++)
                s->have_attached_state[i] = unit_get_state(bus, s->attached[i], &s->attached_state[i]) >= 0;
        return 0;
}

static int load_inside(struct status *s) {
        _cleanup_close_ int fd = -1, self = -1;
        _cleanup_nl_close_ struct nl_sock *nl = NULL;
        int r;

        s->host_nsid = -1;
        if (s->info.pin != PIN_NSFS)
                return 0;
        fd = netns_open(s->name);
        if (fd < 0)
                return log_debug_errno(fd, "Cannot open the namespace '%s': %m", s->name), 0;
        r = nl_open(fd, &nl);
        if (r < 0)
                return log_debug_errno(r, "Cannot enter the namespace '%s': %m", s->name), 0;
        r = nl_dump_links(nl, &s->links, &s->n_links);
        if (r >= 0)
                r = nl_dump_addrs(nl, AF_UNSPEC, &s->addrs, &s->n_addrs);
        if (r >= 0)
                r = nl_dump_routes(nl, AF_UNSPEC, &s->routes, &s->n_routes);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return log_debug_errno(r, "Cannot read links, addresses or routes inside '%s': %m", s->name), 0;
        s->have_inside = true;

        /* WireGuard devices: keys, peers, handshakes (a kernel without WireGuard has none) */
        for (size_t i = 0; i < s->n_links; i++) {
                _cleanup_nl_close_ struct nl_sock *genl = NULL;
                struct wg_device *d;
                uint16_t family;

                if (!streq(s->links[i].kind, "wireguard"))
                        continue;
                if (wg_genl_open(fd, &genl, &family) < 0)
                        break;
                d = ARRAY_APPEND(s->tunnels, s->n_tunnels);
                if (!d)
                        return -ENOMEM;
                r = wg_device_get(genl, family, s->links[i].name, d);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        log_debug_errno(r, "Cannot read WireGuard device %s inside '%s': %m", s->links[i].name, s->name);
                        s->n_tunnels--;
                }
        }

        /* For a veth whose peer is on the host: the id the namespace knows the host by. */
        self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (self >= 0) {
                r = nl_netns_id(nl, self);
                s->host_nsid = r >= 0 ? r : -1;
        }

        /* For a veth whose peer is in another namespace: that namespace's name, if pinned. */
        s->link_peer_ns = calloc(s->n_links + 1, sizeof(char *));
        if (!s->link_peer_ns)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_links; i++) {
                const struct nl_link *l = &s->links[i];

                if (!streq(l->kind, "veth") || l->link_netnsid < 0 || l->link_netnsid == s->host_nsid)
                        continue;
                r = ns_name_of_nsid(nl, l->link_netnsid, &s->link_peer_ns[i]);
                if (r == -ENOMEM)
                        return r;
        }

        s->netns_fd = TAKE_FD(fd);
        return 0;
}

/* Sysctl= of the config, and what the namespace says now (only while it is pinned). */
static int load_sysctls(struct status *s) {
        for (size_t i = 0; s->cfg && i < s->cfg->n_sysctls; i++) {
                struct status_sysctl *x = ARRAY_APPEND(s->sysctls, s->n_sysctls);

                if (!x)
                        return -ENOMEM;
                x->key = s->cfg->sysctls[i].key;
                x->configured = s->cfg->sysctls[i].value;
                /* never with -1: that would read the host's own value */
                if (s->netns_fd >= 0)
                        x->have_value = netns_sysctl_get(s->netns_fd, x->key, x->value, sizeof(x->value)) >= 0;
        }
        return 0;
}

static int load_record_nat(struct status *s) {
        int r = record_nat_elems(s->info.record, &s->nat, &s->n_nat);

        return r < 0 ? r : 0;
}

/* the veth's end inside, as the configuration names it; NULL without a [Veth] */
static const char *veth_inside(const struct status *s) {
        return s->cfg && s->cfg->has_veth ? s->cfg->veth.name ?: NETNS_PEER_NAME_DEFAULT : NULL;
}

static int load_firewall(struct status *s) {
        int r;

        if (s->info.has_record) {
                r = record_fw(s->info.record, &s->fw_rules, &s->n_fw_rules);
                if (r < 0)
                        return r;
                s->fw_inbound = r > 0 ? NETNS_INBOUND_DROP : NETNS_INBOUND_ACCEPT;
        } else if (s->cfg) {
                r = fw_rules_make(s->cfg, veth_inside(s), NULL, 0, &s->fw_rules, &s->n_fw_rules);
                if (r < 0)
                        return r;
                s->fw_inbound = (int) s->cfg->inbound;
        }
        if (s->netns_fd >= 0) {
                r = nft_fw_state(s->netns_fd);
                if (r < 0)
                        log_debug_errno(r, "Cannot look for the firewall table inside '%s': %m", s->name);
                s->fw_table = r < 0 ? -1 : r;
                r = nft_reply_state(s->netns_fd);
                if (r < 0)
                        log_debug_errno(r, "Cannot look for the reply table inside '%s': %m", s->name);
                s->reply_table = r < 0 ? -1 : r;
        }
        return 0;
}


static const char *fw_table_state(int t) {
        switch (t) {
        case NFT_FW_ABSENT:
                return "absent";
        case NFT_FW_OURS:
                return "present";
        case NFT_FW_FOREIGN:
                return "foreign";
        default:
                return NULL;
        }
}

static const char *const fw_rule_types[] = {
        [FW_RULE_HOST] = "host",
        [FW_RULE_FORWARD] = "forward",
        [FW_RULE_ALLOW] = "allow",
};

static void print_json_firewall(struct json *j, const struct status *s) {
        char buf[128], a[INET6_ADDRSTRLEN], ports[16];

        json_object_begin(j, "firewall");
        json_string(j, "inbound", s->fw_inbound >= 0 ? netns_inbound_policy_to_string(s->fw_inbound) : NULL);
        json_string(j, "table", fw_table_state(s->fw_table));
        json_array_begin(j, "rules");
        for (size_t i = 0; i < s->n_fw_rules; i++) {
                const struct fw_rule *r = &s->fw_rules[i];

                json_object_begin(j, NULL);
                json_string(j, "type", fw_rule_types[r->type]);
                json_string(j, "rule", fw_rule_describe(r, buf, sizeof(buf)));
                json_string(j, "ifname", r->type != FW_RULE_ALLOW ? r->ifname : NULL);
                json_string(j, "address", r->type == FW_RULE_HOST ? addr_to_string(r->family, &r->addr, a) : NULL);
                json_string(j, "protocol", r->type != FW_RULE_HOST ? nat_proto_name(r->protocol) : NULL);
                if (r->type != FW_RULE_HOST) {
                        (void) snprintf(ports, sizeof(ports), r->port_end != r->port ? "%u-%u" : "%u", r->port, r->port_end);
                        json_string(j, "ports", ports);
                } else
                        json_null(j, "ports");
                json_object_end(j);
        }
        json_array_end(j);
        json_object_end(j);
}

/* Unpinned by "down" while processes were in it, which still are: shown with them. */
static int find_stranded(struct status *s) {
        struct stranded_ns *l = NULL;
        size_t m = 0, n = 0;
        pid_t pid;
        int r;

        r = stranded_load(&l, &m);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        for (size_t i = 0; i < m; i++) {
                if (streq(l[i].name, s->name) && proc_netns_pids(l[i].ino, &pid, 1, &n) >= 0 && n > 0) {
                        s->info.state = NS_STRANDED;
                        s->info.ino = l[i].ino;
                }
                free(l[i].name);
        }
        free(l);
        return 0;
}

static int load_procs(struct status *s) {
        struct proc_table t = {};
        int r;

        if (s->info.pin != PIN_NSFS && s->info.state != NS_STRANDED)
                return 0;
        r = proc_table_load(&t);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        s->have_procs = true;
        for (size_t i = 0; i < t.n; i++) {
                struct status_proc *p;

                if (t.entries[i].ino != s->info.ino)
                        continue;
                p = ARRAY_APPEND(s->procs, s->n_procs);
                if (!p) {
                        proc_table_done(&t);
                        return -ENOMEM;
                }
                p->pid = t.entries[i].pid;
                p->unit = proc_unit(p->pid);
                p->command = proc_cmdline(p->pid);
        }
        proc_table_done(&t);
        return 0;
}

static char *journal_field(sd_journal *j, const char *field) {
        const void *data;
        size_t len, fl = strlen(field);

        if (sd_journal_get_data(j, field, &data, &len) < 0 || len <= fl + 1)
                return NULL;
        return strndup((const char *) data + fl + 1, len - fl - 1);
}

static int load_journal(struct status *s) {
        _cleanup_free_ char *m_unit = NULL, *m_obj = NULL, *m_netns = NULL;
        sd_journal *j = NULL;
        int r;

        if (arg.lines == 0 || !netns_name_is_valid(s->name))
                return 0;
        m_unit = strdup_printf("_SYSTEMD_UNIT=netns@%s.service", s->name);
        m_obj = strdup_printf("UNIT=netns@%s.service", s->name);
        m_netns = strdup_printf("NETNS=%s", s->name);
        if (!m_unit || !m_obj || !m_netns)
                return -ENOMEM;
        r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
        if (r < 0)
                return log_debug_errno(r, "Cannot open the journal: %m"), 0;
        /* what the unit's processes logged, what systemd logged about the unit, and what
         * netnsctl logged about the namespace from anywhere (NETNS= field, see log.c) */
        r = sd_journal_add_match(j, m_unit, 0);
        if (r >= 0)
                r = sd_journal_add_disjunction(j);
        if (r >= 0)
                r = sd_journal_add_match(j, m_obj, 0);
        if (r >= 0)
                r = sd_journal_add_disjunction(j);
        if (r >= 0)
                r = sd_journal_add_match(j, m_netns, 0);
        if (r >= 0)
                r = sd_journal_seek_tail(j);
        if (r >= 0)
                r = sd_journal_previous_skip(j, arg.lines);
        if (r < 0) {
                sd_journal_close(j);
                return log_debug_errno(r, "Cannot read the journal: %m"), 0;
        }
        s->have_journal = true;
        /* previous_skip() leaves us on the oldest of the last N entries; walk forward from it */
        for (r = r > 0 ? 1 : 0; r > 0; r = sd_journal_next(j)) {
                struct status_journal *e = ARRAY_APPEND(s->journal, s->n_journal);
                _cleanup_free_ char *prio = NULL, *pid = NULL;

                if (!e) {
                        sd_journal_close(j);
                        return -ENOMEM;
                }
                (void) sd_journal_get_realtime_usec(j, &e->usec);
                e->message = journal_field(j, "MESSAGE");
                e->identifier = journal_field(j, "SYSLOG_IDENTIFIER") ?: journal_field(j, "_COMM");
                prio = journal_field(j, "PRIORITY");
                pid = journal_field(j, "_PID");
                e->priority = prio ? atoi(prio) : LOG_INFO;
                e->pid = pid ? atoi(pid) : 0;
                if (s->n_journal >= arg.lines)
                        break;
        }
        sd_journal_close(j);
        return 0;
}

static const char *family_name(int family) {
        return family == AF_INET ? "ipv4" : family == AF_INET6 ? "ipv6" : "unknown";
}

static const char *route_type_name(uint8_t t) {
        switch (t) {
        case RTN_UNICAST:
                return "unicast";
        case RTN_BLACKHOLE:
                return "blackhole";
        case RTN_UNREACHABLE:
                return "unreachable";
        case RTN_PROHIBIT:
                return "prohibit";
        case RTN_THROW:
                return "throw";
        default:
                return NULL; /* local, broadcast, multicast, ...: mirrors of addresses, not shown */
        }
}

static bool route_shown(const struct nl_route_entry *r) {
        /* not the kernel's cached clones, nor what is no IPv4 or IPv6 route */
        if ((r->flags & RTM_F_CLONED) || (r->family != AF_INET && r->family != AF_INET6))
                return false;
        return r->table != RT_TABLE_LOCAL && route_type_name(r->type);
}

/* "aa:bb:cc:dd:ee:ff" for an Ethernet-like link, else NULL */
static const char *link_mac(const struct nl_link *l, char buf[static 18]) {
        const uint8_t *m = l->hwaddr;

        if (l->hwaddr_len != 6)
                return NULL;
        (void) snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
        return buf;
}

/* The pinned namespace at the other end of the link @ifindex inside, or NULL. */
static const char *link_peer_ns(const struct status *s, int ifindex) {
        for (size_t i = 0; s->link_peer_ns && i < s->n_links; i++)
                if (s->links[i].ifindex == ifindex)
                        return s->link_peer_ns[i];
        return NULL;
}

/* Whether @p's end exists inside, its other end in @p's peer namespace. */
static bool peer_linked(const struct status *s, const struct ns_peer_link *p) {
        for (size_t i = 0; s->link_peer_ns && i < s->n_links; i++)
                if (streq(s->links[i].name, p->ifname) && streq_ptr(s->link_peer_ns[i], p->peer))
                        return true;
        return false;
}

static const char *link_name(const struct status *s, int ifindex) {
        for (size_t i = 0; i < s->n_links; i++)
                if (s->links[i].ifindex == ifindex)
                        return s->links[i].name;
        return NULL;
}

/* The link @ifindex of the namespace @l's lower links are in (its link_netnsid), when that is
 * the host's: its name there. */
static bool lower_on_host(const struct status *s, const struct nl_link *l, int ifindex, char name[static IFNAMSIZ]) {
        if (ifindex <= 0 || l->link_netnsid < 0 || l->link_netnsid != s->host_nsid)
                return false;
        return if_indextoname((unsigned) ifindex, name) != NULL;
}

/* The peer of a veth inside, when it is on the host: its name there. */
static bool link_peer_on_host(const struct status *s, const struct nl_link *l, char name[static IFNAMSIZ]) {
        return streq(l->kind, "veth") && lower_on_host(s, l, l->parent_ifindex, name);
}

/* A VXLAN's multicast group, or its unicast remote (the kernel has both in one attribute) */
static const char *vxlan_addr(const struct netns_addr *a, bool multicast, char buf[static INET6_ADDRSTRLEN]) {
        bool m = a->family == AF_INET ? IN_MULTICAST(ntohl(a->addr.in.s_addr)) : IN6_IS_ADDR_MULTICAST(&a->addr.in6);

        if (a->family == AF_UNSPEC || m != multicast)
                return NULL;
        return addr_to_string(a->family, &a->addr, buf);
}

static void print_json_vxlan(struct json *j, const struct status *s, const struct nl_link *l) {
        char a[INET6_ADDRSTRLEN], under[IFNAMSIZ];

        if (!streq(l->kind, "vxlan")) {
                json_null(j, "vxlan");
                return;
        }
        json_object_begin(j, "vxlan");
        json_uint(j, "vni", l->vxlan.vni);
        json_string(j, "remote", vxlan_addr(&l->vxlan.remote, false, a));
        json_string(j, "group", vxlan_addr(&l->vxlan.remote, true, a));
        json_string(j, "local", l->vxlan.local.family ? addr_to_string(l->vxlan.local.family, &l->vxlan.local.addr, a) : NULL);
        json_uint(j, "port", l->vxlan.port);
        json_string(j, "underlay", lower_on_host(s, l, l->vxlan.underlay_ifindex, under) ? under : NULL);
        json_object_end(j);
}

/* ", vni 42, remote 192.0.2.2, port 4789 on the host via eth0" */
static void print_text_vxlan(const struct status *s, const struct nl_link *l) {
        char a[INET6_ADDRSTRLEN], under[IFNAMSIZ];
        const char *x;

        if (!streq(l->kind, "vxlan"))
                return;
        printf(", vni %u", l->vxlan.vni);
        if ((x = vxlan_addr(&l->vxlan.remote, false, a)))
                printf(", remote %s", x);
        if ((x = vxlan_addr(&l->vxlan.remote, true, a)))
                printf(", group %s", x);
        if (l->vxlan.local.family)
                printf(", local %s", addr_to_string(l->vxlan.local.family, &l->vxlan.local.addr, a));
        printf(", port %u on the host", l->vxlan.port);
        if (lower_on_host(s, l, l->vxlan.underlay_ifindex, under))
                printf(" via %s", under);
}

static void print_json_wireguard(struct json *j, const struct status *s) {
        char key[WG_KEY_B64_LEN + 1], ep[INET6_ADDRSTRLEN + 8], buf[ADDR_PREFIX_STRLEN];

        if (!s->have_inside) {
                json_null(j, "wireguard");
                return;
        }
        json_array_begin(j, "wireguard");
        for (size_t i = 0; i < s->n_tunnels; i++) {
                const struct wg_device *d = &s->tunnels[i];

                json_object_begin(j, NULL);
                json_string(j, "ifname", d->ifname);
                wg_key_to_base64(d->public_key, key);
                json_string(j, "public_key", d->has_public_key ? key : NULL);
                json_uint(j, "listen_port", d->listen_port);
                json_array_begin(j, "peers");
                for (size_t k = 0; k < d->n_peers; k++) {
                        const struct wg_peer *p = &d->peers[k];

                        json_object_begin(j, NULL);
                        wg_key_to_base64(p->public_key, key);
                        json_string(j, "public_key", key);
                        json_string(j, "endpoint", wg_endpoint_to_string(&p->endpoint, ep));
                        json_array_begin(j, "allowed_ips");
                        for (size_t a = 0; a < p->n_allowed_ips; a++)
                                json_string(j, NULL, addr_prefix_to_string(&p->allowed_ips[a], buf));
                        json_array_end(j);
                        if (p->last_handshake.tv_sec > 0)
                                json_int(j, "latest_handshake", (long long) p->last_handshake.tv_sec);
                        else
                                json_null(j, "latest_handshake");
                        json_uint(j, "rx_bytes", p->rx_bytes);
                        json_uint(j, "tx_bytes", p->tx_bytes);
                        json_uint(j, "persistent_keepalive", p->keepalive);
                        json_object_end(j);
                }
                json_array_end(j);
                json_object_end(j);
        }
        json_array_end(j);
}

static void print_json(const struct status *s) {
        char buf[ADDR_PREFIX_STRLEN], buf2[INET6_ADDRSTRLEN], pb[8];
        struct json j = json_new(stdout);

        json_object_begin(&j, NULL);
        json_string(&j, "name", s->name);
        json_bool(&j, "managed", s->info.managed);
        json_string(&j, "state", ns_state_to_string(s->info.state));

        if (!s->conf_exists)
                json_null(&j, "config");
        else {
                json_object_begin(&j, "config");
                if (s->cfg)
                        json_strv(&j, "files", s->cfg->files);
                else {
                        char *one[] = { s->conf_path, NULL };
                        json_strv(&j, "files", one);
                }
                json_bool(&j, "valid", s->conf_valid);
                json_bool(&j, "reload_pending", s->reload_pending);
                json_object_end(&j);
        }

        if (!s->have_unit)
                json_null(&j, "unit");
        else {
                json_object_begin(&j, "unit");
                json_string(&j, "name", s->unit_name);
                json_string(&j, "load", s->unit.load);
                json_string(&j, "active", s->unit.active);
                json_string(&j, "sub", s->unit.sub);
                json_object_end(&j);
        }
        json_array_begin(&j, "attached_units");
        for (size_t i = 0; s->attached && s->attached[i]; i++) {
                json_object_begin(&j, NULL);
                json_string(&j, "name", s->attached[i]);
                json_string(&j, "active", s->have_attached_state[i] ? s->attached_state[i].active : NULL);
                json_object_end(&j);
        }
        json_array_end(&j);

        json_object_begin(&j, "pin");
        json_string(&j, "path", s->pin_path);
        json_string(&j, "state", pin_state_to_string(s->info.pin));
        if (s->info.pin == PIN_NSFS)
                json_uint(&j, "inode", s->info.ino);
        else
                json_null(&j, "inode");
        json_object_end(&j);

        if (!s->have_inside)
                json_null(&j, "links");
        else {
                json_array_begin(&j, "links");
                for (size_t i = 0; i < s->n_links; i++) {
                        const struct nl_link *l = &s->links[i];
                        char peer[IFNAMSIZ], mac[18];

                        json_object_begin(&j, NULL);
                        json_int(&j, "ifindex", l->ifindex);
                        json_string(&j, "ifname", l->name);
                        json_string(&j, "kind", l->kind[0] ? l->kind : NULL);
                        json_bool(&j, "up", l->flags & IFF_UP);
                        json_string(&j, "operstate", operstate_to_string(l->operstate));
                        json_uint(&j, "mtu", l->mtu);
                        json_string(&j, "mac", link_mac(l, mac));
                        json_string(&j, "host_peer", link_peer_on_host(s, l, peer) ? peer : NULL);
                        json_string(&j, "peer_namespace", s->link_peer_ns ? s->link_peer_ns[i] : NULL);
                        print_json_vxlan(&j, s, l);
                        json_array_begin(&j, "addresses");
                        for (size_t k = 0; k < s->n_addrs; k++) {
                                struct netns_prefix p;

                                if (s->addrs[k].ifindex != l->ifindex || !nl_addr_prefix(&s->addrs[k], &p))
                                        continue;
                                json_object_begin(&j, NULL);
                                json_string(&j, "address", addr_prefix_to_string(&p, buf));
                                json_string(&j, "scope",
                                            s->addrs[k].scope == RT_SCOPE_UNIVERSE ? "global" :
                                            s->addrs[k].scope == RT_SCOPE_LINK ? "link" :
                                            s->addrs[k].scope == RT_SCOPE_HOST ? "host" : "site");
                                json_object_end(&j);
                        }
                        json_array_end(&j);
                        json_object_end(&j);
                }
                json_array_end(&j);
        }

        if (!s->have_inside)
                json_null(&j, "routes");
        else {
                json_array_begin(&j, "routes");
                for (size_t i = 0; i < s->n_routes; i++) {
                        const struct nl_route_entry *r = &s->routes[i];

                        if (!route_shown(r))
                                continue;
                        json_object_begin(&j, NULL);
                        json_string(&j, "family", family_name(r->family));
                        json_string(&j, "destination", r->dst.prefixlen == 0 ? "default" : addr_prefix_to_string(&r->dst, buf));
                        json_string(&j, "gateway", r->has_gateway ? addr_to_string(r->family, &r->gateway, buf2) : NULL);
                        json_string(&j, "ifname", r->oif ? link_name(s, r->oif) : NULL);
                        json_uint(&j, "table", r->table);
                        json_string(&j, "protocol", rtprot_to_string(r->protocol, pb));
                        json_string(&j, "type", route_type_name(r->type));
                        json_string(&j, "peer_namespace", r->oif ? link_peer_ns(s, r->oif) : NULL);
                        json_object_end(&j);
                }
                json_array_end(&j);
        }

        json_array_begin(&j, "peers");
        for (size_t i = 0; i < s->n_peers; i++) {
                const struct ns_peer_link *p = &s->peers[i];

                json_object_begin(&j, NULL);
                json_string(&j, "namespace", p->peer);
                json_string(&j, "owner", p->owned ? s->name : p->peer);
                json_string(&j, "ifname", p->ifname);
                json_string(&j, "peer_ifname", p->peer_ifname);
                json_bool(&j, "up", p->peer_up);
                json_bool(&j, "linked", s->have_inside && peer_linked(s, p));
                json_object_end(&j);
        }
        json_array_end(&j);

        print_json_wireguard(&j, s);

        json_object_begin(&j, "nat");
        json_array_begin(&j, "masquerade");
        for (size_t i = 0; i < s->n_nat; i++) {
                if (s->nat[i].type != NAT_ELEM_MASQ)
                        continue;
                json_object_begin(&j, NULL);
                json_string(&j, "family", family_name(s->nat[i].family));
                json_string(&j, "link", s->nat[i].ifname);
                json_object_end(&j);
        }
        json_array_end(&j);
        json_array_begin(&j, "forwards");
        for (size_t i = 0; i < s->n_nat; i++) {
                const struct nat_elem *e = &s->nat[i];

                if (e->type != NAT_ELEM_FWD)
                        continue;
                json_nat_forward(&j, e);
        }
        json_array_end(&j);
        json_object_end(&j);

        print_json_firewall(&j, s);
        json_object_begin(&j, "replies");
        json_string(&j, "table", fw_table_state(s->reply_table));
        json_string(&j, "ifname", s->reply_table == NFT_FW_OURS ? veth_inside(s) : NULL);
        json_object_end(&j);

        json_array_begin(&j, "sysctls");
        for (size_t i = 0; i < s->n_sysctls; i++) {
                json_object_begin(&j, NULL);
                json_string(&j, "key", s->sysctls[i].key);
                json_string(&j, "configured", s->sysctls[i].configured);
                json_string(&j, "value", s->sysctls[i].have_value ? s->sysctls[i].value : NULL);
                json_object_end(&j);
        }
        json_array_end(&j);

        if (!s->have_procs && s->info.pin == PIN_NSFS)
                json_null(&j, "processes");
        else {
                json_array_begin(&j, "processes");
                for (size_t i = 0; i < s->n_procs; i++) {
                        json_object_begin(&j, NULL);
                        json_int(&j, "pid", s->procs[i].pid);
                        json_string(&j, "unit", s->procs[i].unit);
                        json_string(&j, "command", s->procs[i].command);
                        json_object_end(&j);
                }
                json_array_end(&j);
        }

        if (s->info.has_record)
                json_strv(&j, "record", s->info.record);
        else
                json_null(&j, "record");

        json_array_begin(&j, "journal");
        for (size_t i = 0; i < s->n_journal; i++) {
                const struct status_journal *e = &s->journal[i];

                json_object_begin(&j, NULL);
                json_uint(&j, "time", e->usec);
                json_int(&j, "priority", e->priority);
                json_string(&j, "identifier", e->identifier);
                if (e->pid > 0)
                        json_int(&j, "pid", e->pid);
                else
                        json_null(&j, "pid");
                json_string(&j, "message", e->message);
                json_object_end(&j);
        }
        json_array_end(&j);
        json_object_end(&j);
}

/* "      Label: " with the label right-aligned, as systemctl status does */
#define LABEL_WIDTH 11

static void label(const char *l) {
        printf("%*s%s ", LABEL_WIDTH, l, *l ? ":" : " ");
}

static enum color unit_color(const char *active) {
        if (streq(active, "active"))
                return COLOR_GREEN;
        if (streq(active, "failed"))
                return COLOR_RED;
        return COLOR_NONE;
}

static void print_text(const struct status *s) {
        char buf[ADDR_PREFIX_STRLEN], buf2[INET6_ADDRSTRLEN], pb[8];
        enum color sc = s->info.state == NS_UP ? COLOR_GREEN : s->info.state == NS_INCOMPLETE ? COLOR_RED : COLOR_NONE;
        bool first;

        printf("%s●%s %s\n", color_on(sc), color_off(), s->name);

        label("State");
        printf("%s%s%s", color_on(sc), ns_state_to_string(s->info.state), color_off());
        if (s->info.state == NS_UNMANAGED && s->info.pin != PIN_ABSENT)
                printf(" (not made by netnsctl)");
        else if (s->info.state == NS_INCOMPLETE)
                printf(" (an interrupted 'up' or a vanished namespace: 'netnsctl gc' or 'netnsctl down %s' cleans up)", s->name);
        else if (s->info.state == NS_STRANDED)
                printf(" (unpinned by 'netnsctl down' with processes inside, inode %llu: it lives until they end)", s->info.ino);
        printf("\n");

        label("Config");
        if (!s->conf_exists)
                printf("none (%s does not exist)\n", s->conf_path);
        else if (!s->cfg)
                printf("%s %s(invalid: run 'netnsctl check %s')%s\n", s->conf_path, color_on(COLOR_RED), s->name, color_off());
        else {
                STRV_FOREACH(f, s->cfg->files) {
                        if (f != s->cfg->files)
                                label("");
                        printf("%s\n", *f);
                }
                if (s->reload_pending) {
                        label("");
                        printf("%sreload pending%s: differs from the configuration in force ('netnsctl diff %s' shows the changes)\n",
                               color_on(COLOR_YELLOW), color_off(), s->name);
                }
        }

        if (s->unit_name) {
                label("Unit");
                if (s->have_unit)
                        printf("%s (%s%s%s, %s)\n", s->unit_name, color_on(unit_color(s->unit.active)), s->unit.active,
                               color_off(), s->unit.sub);
                else
                        printf("%s (state unknown: no connection to systemd)\n", s->unit_name);
        }
        for (size_t i = 0; s->attached && s->attached[i]; i++) {
                label(i == 0 ? "Attached" : "");
                if (s->have_attached_state[i])
                        printf("%s (%s%s%s)\n", s->attached[i], color_on(unit_color(s->attached_state[i].active)),
                               s->attached_state[i].active, color_off());
                else
                        printf("%s\n", s->attached[i]);
        }

        label("Pin");
        printf("%s (%s%s%s", s->pin_path, color_on(s->info.pin == PIN_NSFS ? COLOR_NONE : COLOR_RED),
               pin_state_to_string(s->info.pin), color_off());
        if (s->info.pin == PIN_NSFS)
                printf(", namespace inode %llu", s->info.ino);
        printf(")\n");

        if (s->have_inside) {
                for (size_t i = 0; i < s->n_links; i++) {
                        const struct nl_link *l = &s->links[i];
                        char peer[IFNAMSIZ];

                        label(i == 0 ? "Links" : "");
                        printf("%d: %s%s%s", l->ifindex, color_on(COLOR_BOLD), l->name, color_off());
                        if (l->kind[0])
                                printf(" (%s", l->kind);
                        else
                                printf(" (%s", streq(l->name, "lo") ? "loopback" : "link");
                        if (link_peer_on_host(s, l, peer))
                                printf(", peer %s on the host", peer);
                        else if (s->link_peer_ns && s->link_peer_ns[i])
                                printf(", peer in namespace %s", s->link_peer_ns[i]);
                        print_text_vxlan(s, l);
                        /* both states, each named: "UP" alone reads as "works" while the
                         * carrier may be down (operational lower-layer-down) */
                        printf(") admin %s%s%s, oper %s%s%s, mtu %u\n",
                               color_on((l->flags & IFF_UP) ? COLOR_GREEN : COLOR_GREY),
                               (l->flags & IFF_UP) ? "up" : "down", color_off(),
                               color_on(l->operstate == 6 /* IF_OPER_UP */ ? COLOR_GREEN :
                                        l->operstate == 0 /* unknown */ ? COLOR_NONE : COLOR_YELLOW),
                               operstate_to_string(l->operstate), color_off(), l->mtu);
                        for (size_t k = 0; k < s->n_addrs; k++) {
                                struct netns_prefix p;

                                if (s->addrs[k].ifindex != l->ifindex || !nl_addr_prefix(&s->addrs[k], &p))
                                        continue;
                                label("");
                                printf("  %s%s\n", addr_prefix_to_string(&p, buf),
                                       s->addrs[k].scope == RT_SCOPE_LINK ? " (link)" : "");
                        }
                }
                first = true;
                for (size_t i = 0; i < s->n_routes; i++) {
                        const struct nl_route_entry *r = &s->routes[i];
                        const char *dev = r->oif ? link_name(s, r->oif) : NULL;

                        if (!route_shown(r))
                                continue;
                        label(first ? "Routes" : "");
                        first = false;
                        if (r->type != RTN_UNICAST)
                                printf("%s ", route_type_name(r->type));
                        printf("%s", r->dst.prefixlen == 0 ? (r->family == AF_INET6 ? "default (ipv6)" : "default")
                                                           : addr_prefix_to_string(&r->dst, buf));
                        if (r->has_gateway)
                                printf(" via %s", addr_to_string(r->family, &r->gateway, buf2));
                        if (dev)
                                printf(" dev %s", dev);
                        if (r->oif && link_peer_ns(s, r->oif))
                                printf(" (to namespace %s)", link_peer_ns(s, r->oif));
                        if (r->table != RT_TABLE_MAIN)
                                printf(" table %u", r->table);
                        printf(" proto %s\n", rtprot_to_string(r->protocol, pb));
                }
                for (size_t i = 0; i < s->n_tunnels; i++) {
                        const struct wg_device *d = &s->tunnels[i];
                        char key[WG_KEY_B64_LEN + 1], ep[INET6_ADDRSTRLEN + 8];

                        label(i == 0 ? "WireGuard" : "");
                        wg_key_to_base64(d->public_key, key);
                        printf("%s: public key %s, port %u (on the host)\n", d->ifname, d->has_public_key ? key : "-",
                               d->listen_port);
                        for (size_t k = 0; k < d->n_peers; k++) {
                                const struct wg_peer *p = &d->peers[k];
                                long long ago = p->last_handshake.tv_sec > 0 ? (long long) time(NULL) - p->last_handshake.tv_sec : -1;

                                wg_key_to_base64(p->public_key, key);
                                label("");
                                printf("  peer %s endpoint %s\n", key, wg_endpoint_to_string(&p->endpoint, ep) ?: "-");
                                label("");
                                printf("    allowed");
                                for (size_t a = 0; a < p->n_allowed_ips; a++)
                                        printf(" %s", addr_prefix_to_string(&p->allowed_ips[a], buf));
                                if (ago >= 0 && wg_peer_handshake_recent(p, time(NULL)))
                                        printf("; handshake %llds ago", ago);
                                else if (ago >= 0) /* no live session */
                                        printf("; %shandshake %llds ago%s", color_on(COLOR_YELLOW), ago, color_off());
                                else
                                        printf("; %sno handshake%s", color_on(COLOR_YELLOW), color_off());
                                printf("; rx %" PRIu64 " B, tx %" PRIu64 " B\n", p->rx_bytes, p->tx_bytes);
                        }
                }
        } else if (s->info.pin == PIN_NSFS) {
                label("Links");
                printf("(cannot look inside: %s)\n", geteuid() == 0 ? "entering the namespace failed" : "needs root");
        }

        for (size_t i = 0; i < s->n_peers; i++) {
                const struct ns_peer_link *p = &s->peers[i];
                bool linked = s->have_inside && peer_linked(s, p);

                label(i == 0 ? "Peers" : "");
                printf("%s%s%s: %s here - %s there (%s), %s%s%s\n", color_on(COLOR_BOLD), p->peer, color_off(), p->ifname,
                       p->peer_ifname, p->owned ? "this namespace's [Link]" : "its [Link]",
                       color_on(linked ? COLOR_GREEN : COLOR_YELLOW),
                       linked ? "linked" : p->peer_up ? "not linked" : "waiting: not up", color_off());
        }

        first = true;
        for (size_t i = 0; i < s->n_nat; i++) {
                const struct nat_elem *e = &s->nat[i];

                if (e->type == NAT_ELEM_LINK)
                        continue;
                label(first ? "NAT" : "");
                first = false;
                if (e->type == NAT_ELEM_MASQ)
                        printf("masquerade %s from %s\n", family_name(e->family), e->ifname);
                else {
                        const char *host = e->has_host_addr ? addr_to_string(e->family, &e->host_addr, buf2) : "*";
                        char ns[INET6_ADDRSTRLEN];
                        bool v6 = e->family == AF_INET6;

                        printf("forward %s %s%s%s:%u", nat_proto_name(e->protocol), v6 && e->has_host_addr ? "[" : "", host,
                               v6 && e->has_host_addr ? "]" : "", e->port);
                        if (e->port_end != e->port)
                                printf("-%u", e->port_end);
                        printf(" -> %s%s%s:%u", v6 ? "[" : "", addr_to_string(e->family, &e->ns_addr, ns), v6 ? "]" : "", e->ns_port);
                        if (e->port_end != e->port)
                                printf("-%u", e->ns_port + (e->port_end - e->port));
                        printf("%s\n", e->has_host_addr ? "" : (v6 ? " (every host address, ipv6)" : " (every host address, ipv4)"));
                }
        }

        if (s->fw_inbound >= 0) {
                char buf3[128];

                label("Firewall");
                printf("inbound %s", netns_inbound_policy_to_string(s->fw_inbound));
                if (s->fw_inbound == NETNS_INBOUND_DROP) {
                        printf(", table %s %s", NFT_NAT_FAMILY, NFT_FW_TABLE);
                        if (s->fw_table == NFT_FW_ABSENT || s->fw_table == NFT_FW_FOREIGN)
                                printf(" %s%s%s", color_on(COLOR_RED), s->fw_table == NFT_FW_ABSENT ? "missing" : "not made by netnsctl",
                                       color_off());
                        printf("\n");
                        label("");
                        printf("admits lo, established/related, ICMP errors, neighbour discovery\n");
                        for (size_t i = 0; i < s->n_fw_rules; i++) {
                                label("");
                                printf("%s\n", fw_rule_describe(&s->fw_rules[i], buf3, sizeof(buf3)));
                        }
                } else
                        printf(" (no table)\n");
        }
        if (s->reply_table == NFT_FW_OURS || s->reply_table == NFT_FW_FOREIGN) {
                label("Replies");
                if (s->reply_table == NFT_FW_OURS)
                        printf("through %s: connections that come in on it are marked %#x, their answers routed by table %u\n",
                               strempty(veth_inside(s)), NETNS_REPLY_MARK, NETNS_REPLY_ROUTE_TABLE);
                else
                        printf("table %s %s %snot made by netnsctl%s\n", NFT_NAT_FAMILY, NFT_REPLY_TABLE, color_on(COLOR_RED),
                               color_off());
        }

        for (size_t i = 0; i < s->n_sysctls; i++) {
                const struct status_sysctl *x = &s->sysctls[i];
                bool differs = x->have_value && !streq(x->value, x->configured);

                label(i == 0 ? "Sysctls" : "");
                printf("%s = %s%s%s", x->key, color_on(differs ? COLOR_RED : COLOR_NONE), x->have_value ? x->value : "?",
                       color_off());
                if (differs || !x->have_value)
                        printf(" (configured: %s)", x->configured);
                printf("\n");
        }

        if (s->have_procs) {
                label("Processes");
                if (s->n_procs == 0)
                        printf("none\n");
                for (size_t i = 0; i < s->n_procs; i++) {
                        if (i > 0)
                                label("");
                        printf("%d %s%s%s%s\n", (int) s->procs[i].pid, s->procs[i].unit ? "(" : "", strempty(s->procs[i].unit),
                               s->procs[i].unit ? ") " : "", strempty(s->procs[i].command));
                }
        }

        if (s->have_journal && s->n_journal > 0) {
                printf("\n");
                for (size_t i = 0; i < s->n_journal; i++) {
                        const struct status_journal *e = &s->journal[i];
                        time_t t = (time_t) (e->usec / 1000000);
                        struct tm tm;
                        char ts[32] = "";
                        enum color c = e->priority <= LOG_ERR ? COLOR_RED : e->priority <= LOG_NOTICE ? COLOR_BOLD : COLOR_NONE;

                        if (localtime_r(&t, &tm))
                                (void) strftime(ts, sizeof(ts), "%b %d %H:%M:%S", &tm);
                        printf("%s %s", ts, e->identifier ?: "?");
                        if (e->pid > 0)
                                printf("[%d]", (int) e->pid);
                        printf(": %s%s%s\n", color_on(c), strempty(e->message), c != COLOR_NONE ? color_off() : "");
                }
        }
}

int verb_status(int argc, char **argv) {
        struct status s = { .netns_fd = -1, .host_nsid = -1, .fw_inbound = -1, .fw_table = -1, .reply_table = -1 };
        int r;

        /* without a name: the overview, which is what "list" shows */
        if (argc < 2)
                return verb_list(argc, argv);
        s.name = argv[1];

        /* any name "ip netns" takes: a file name in /run/netns */
        if (!*s.name || strchr(s.name, '/') || streq(s.name, ".") || streq(s.name, "..") || strlen(s.name) > NAME_MAX)
                return log_error_errno(EINVAL, "Invalid namespace name '%s'.", s.name);
        log_set_namespace(s.name);
        s.pin_path = netns_pin_path(s.name);
        if (!s.pin_path)
                return log_oom();
        r = ns_info_load(s.name, &s.info);
        if (r < 0)
                goto finish;
        r = load_config(&s);
        if (r < 0)
                goto finish;
        if (s.info.pin == PIN_ABSENT && !s.info.managed) {
                r = find_stranded(&s);
                if (r < 0)
                        goto finish;
        }
        if (s.info.pin == PIN_ABSENT && !s.info.managed && !s.conf_exists && s.info.state != NS_STRANDED) {
                r = log_error_errno(ENOENT, "No namespace '%s': neither %s nor %s exists.", s.name, s.pin_path, s.conf_path);
                goto finish;
        }
        r = load_units(&s);
        if (r >= 0)
                r = load_inside(&s);
        if (r >= 0 && (s.info.managed || s.cfg))
                r = ns_peer_links(s.name, s.cfg, &s.peers, &s.n_peers);
        if (r >= 0)
                r = load_sysctls(&s);
        if (r >= 0)
                r = load_record_nat(&s);
        if (r >= 0)
                r = load_firewall(&s);
        if (r >= 0)
                r = load_procs(&s);
        if (r >= 0)
                r = load_journal(&s);
        if (r < 0)
                goto finish;

        if (arg.json)
                print_json(&s);
        else {
                pager_open();
                print_text(&s);
        }
        r = 0;
finish:
        if (r == -ENOMEM)
                r = log_oom();
        status_done(&s);
        return r;
}
