/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* list.c - netnsctl list: every namespace under /run/netns (netnsctl's and others'), one line each */

#include <arpa/inet.h>
#include <time.h>

#include "addr.h"
#include "inspect.h"
#include "json.h"
#include "log.h"
#include "name.h"
#include "ns.h"
#include "output.h"
#include "proc.h"
#include "record.h"
#include "util.h"
#include "verbs.h"
#include "wireguard.h"

enum tunnel_state {
        TUNNEL_NONE,           /* no WireGuard device inside (or not known: have_addrs false) */
        TUNNEL_OK,             /* each has a live session, or waits for its peers to reach it */
        TUNNEL_NO_HANDSHAKE,   /* one has peers to reach and no recent handshake with any */
};

static const char *const tunnel_state_names[] = {
        [TUNNEL_NONE] = NULL,
        [TUNNEL_OK] = "ok",
        [TUNNEL_NO_HANDSHAKE] = "no-handshake",
};

struct list_entry {
        struct ns_info info;
        bool have_unit;
        struct unit_state unit;
        bool have_procs;
        size_t procs;
        bool have_addrs;
        char **addrs;          /* global addresses inside, "ADDR/LEN" */
        bool have_nat;         /* the record was read: host_veth and fwds are known */
        const char *host_veth; /* the host end of its veth (points into info.record), or NULL */
        struct nat_elem *fwds; /* the port forwards its record lists */
        size_t n_fwds;
        char **peers;          /* the namespaces linked with it (ns_peer_names()), or NULL */
        bool *peers_up;        /* per peer: whether it is up */
        enum tunnel_state tunnel; /* its WireGuard devices, seen with have_addrs */
};

/* "tcp:8080,udp:192.0.2.1:53-54": the host side of the forwards, each once (a forward on every
 * host address is one element per family). NULL when there are none. */
static char *forwards_string(const struct list_entry *x) {
        _cleanup_strv_free_ char **l = NULL;

        for (size_t i = 0; i < x->n_fwds; i++) {
                const struct nat_elem *e = &x->fwds[i];
                _cleanup_free_ char *one = NULL;
                char host[INET6_ADDRSTRLEN + 3] = "", a[INET6_ADDRSTRLEN], range[8] = "";
                bool dup = false;

                if (e->has_host_addr)
                        (void) snprintf(host, sizeof(host), e->family == AF_INET6 ? "[%s]:" : "%s:",
                                        addr_to_string(e->family, &e->host_addr, a));
                if (e->port_end != e->port)
                        (void) snprintf(range, sizeof(range), "-%u", e->port_end);
                one = strdup_printf("%s:%s%u%s", nat_proto_name(e->protocol), host, e->port, range);
                if (!one)
                        return NULL;
                STRV_FOREACH(o, l)
                        dup = dup || streq(*o, one);
                if (!dup && strv_consume(&l, TAKE_PTR(one)) < 0)
                        return NULL;
        }
        return strv_join(l, ",");
}

/* The WireGuard devices among @links (inside the namespace @fd): is one without a live session? */
static int read_tunnels(int fd, const struct nl_link *links, size_t n, enum tunnel_state *ret) {
        _cleanup_nl_close_ struct nl_sock *genl = NULL;
        enum tunnel_state t = TUNNEL_NONE;
        uint16_t family;
        int r;

        for (size_t i = 0; i < n; i++) {
                struct wg_device d = {};

                if (!streq(links[i].kind, "wireguard"))
                        continue;
                if (!genl) {
                        r = wg_genl_open(fd, &genl, &family);
                        if (r < 0)
                                return r;
                }
                r = wg_device_get(genl, family, links[i].name, &d);
                if (r == -ENODEV)
                        continue; /* gone meanwhile */
                if (r < 0)
                        return r;
                if (wg_device_handshake_missing(&d, time(NULL)))
                        t = TUNNEL_NO_HANDSHAKE;
                else if (t == TUNNEL_NONE)
                        t = TUNNEL_OK;
                wg_device_done(&d);
        }
        *ret = t;
        return 0;
}

/* The global (scope universe) addresses inside the namespace pinned at @name, and the state
 * of its WireGuard tunnels. */
static int read_inside(const char *name, char ***ret, enum tunnel_state *ret_tunnel) {
        _cleanup_close_ int fd = -1;
        _cleanup_nl_close_ struct nl_sock *nl = NULL;
        _cleanup_free_ struct nl_addr *addrs = NULL;
        _cleanup_free_ struct nl_link *links = NULL;
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        size_t n = 0, n_links = 0;
        int r;

        if (!l)
                return -ENOMEM;
        fd = netns_open(name);
        if (fd < 0)
                return fd;
        r = nl_open(fd, &nl);
        if (r < 0)
                return r;
        r = nl_dump_addrs(nl, AF_UNSPEC, &addrs, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                char buf[ADDR_PREFIX_STRLEN];
                struct netns_prefix p;

                if (!nl_addr_prefix(&addrs[i], &p) || addrs[i].scope != RT_SCOPE_UNIVERSE)
                        continue;
                if (strv_extend(&l, addr_prefix_to_string(&p, buf)) < 0)
                        return -ENOMEM;
        }
        r = nl_dump_links(nl, &links, &n_links);
        if (r >= 0)
                r = read_tunnels(fd, links, n_links, ret_tunnel);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}

static enum color state_color(enum ns_state s) {
        switch (s) {
        case NS_UP:
                return COLOR_GREEN;
        case NS_INCOMPLETE:
                return COLOR_RED;
        case NS_UNKNOWN:
        case NS_STRANDED:
                return COLOR_YELLOW;
        case NS_UNMANAGED:
        default:
                return COLOR_NONE;
        }
}

static enum color unit_color(const char *active) {
        if (streq(active, "active"))
                return COLOR_GREEN;
        if (streq(active, "failed"))
                return COLOR_RED;
        if (streq(active, "activating") || streq(active, "deactivating") || streq(active, "reloading"))
                return COLOR_YELLOW;
        return COLOR_NONE;
}

static void print_json(const struct list_entry *e, size_t n) {
        struct json j = json_new(stdout);

        json_array_begin_lines(&j, NULL);
        for (size_t i = 0; i < n; i++) {
                const struct list_entry *x = &e[i];

                json_object_begin(&j, NULL);
                json_string(&j, "name", x->info.name);
                json_bool(&j, "managed", x->info.managed);
                json_string(&j, "state", ns_state_to_string(x->info.state));
                json_string(&j, "pin", pin_state_to_string(x->info.pin));
                if (x->info.pin == PIN_NSFS || x->info.state == NS_STRANDED)
                        json_uint(&j, "inode", x->info.ino);
                else
                        json_null(&j, "inode");
                json_string(&j, "unit", x->have_unit ? x->unit.active : NULL);
                if (x->have_procs)
                        json_uint(&j, "processes", x->procs);
                else
                        json_null(&j, "processes");
                if (x->have_addrs)
                        json_strv(&j, "addresses", x->addrs);
                else
                        json_null(&j, "addresses");
                json_string(&j, "host_veth", x->have_nat ? x->host_veth : NULL);
                if (x->peers) {
                        json_array_begin(&j, "peers");
                        for (size_t k = 0; x->peers[k]; k++) {
                                json_object_begin(&j, NULL);
                                json_string(&j, "namespace", x->peers[k]);
                                json_bool(&j, "up", x->peers_up[k]);
                                json_object_end(&j);
                        }
                        json_array_end(&j);
                } else
                        json_null(&j, "peers");
                if (x->have_nat) {
                        json_array_begin(&j, "forwards");
                        for (size_t k = 0; k < x->n_fwds; k++)
                                json_nat_forward(&j, &x->fwds[k]);
                        json_array_end(&j);
                } else
                        json_null(&j, "forwards");
                json_string(&j, "tunnel", x->have_addrs ? tunnel_state_names[x->tunnel] : NULL);
                json_object_end(&j);
        }
        json_array_end(&j);
}

static int print_table(const struct list_entry *e, size_t n) {
        static const char *const header[] = { "NAME", "STATE", "PIN", "UNIT", "PROCESSES", "HOST-VETH", "PORTS", "PEERS",
                                              "TUNNEL", "ADDRESSES", NULL };
        _cleanup_(table_freep) struct table *t = table_new(header);

        if (!t)
                return log_oom();
        for (size_t i = 0; i < n; i++) {
                const struct list_entry *x = &e[i];
                _cleanup_free_ char *addrs = NULL, *ports = NULL;
                _cleanup_strv_free_ char **peers = NULL;
                _cleanup_free_ char *peers_text = NULL;
                int r = 0;

                /* "r1,r3(down)": a peer that is not up, marked */
                for (size_t k = 0; x->peers && x->peers[k]; k++)
                        if (strv_consume(&peers, strdup_printf("%s%s", x->peers[k], x->peers_up[k] ? "" : "(down)")) < 0)
                                return log_oom();
                if (peers && !(peers_text = strv_join(peers, ",")))
                        return log_oom();

                if (x->have_addrs && !(addrs = strv_join(x->addrs, " ")))
                        return log_oom();

                r = table_add(t, COLOR_NONE, x->info.name);
                if (r >= 0)
                        r = table_add(t, state_color(x->info.state), ns_state_to_string(x->info.state));
                if (r >= 0)
                        r = table_add(t, x->info.pin == PIN_NSFS ? COLOR_NONE : COLOR_RED, pin_state_to_string(x->info.pin));
                if (r >= 0)
                        r = table_add(t, x->have_unit ? unit_color(x->unit.active) : COLOR_NONE,
                                      x->have_unit ? x->unit.active : NULL);
                if (r >= 0)
                        r = x->have_procs ? table_addf(t, COLOR_NONE, "%zu", x->procs) : table_add(t, COLOR_NONE, NULL);
                if (r >= 0)
                        r = table_add(t, COLOR_NONE, x->have_nat ? (x->host_veth ?: "") : NULL);
                if (r >= 0 && x->n_fwds > 0 && !(ports = forwards_string(x)))
                        r = -ENOMEM;
                if (r >= 0)
                        r = table_add(t, COLOR_NONE, x->have_nat ? (ports ?: "") : NULL);
                if (r >= 0)
                        r = table_add(t, COLOR_NONE, x->peers ? (peers_text ?: "") : NULL);
                if (r >= 0)
                        r = table_add(t, x->tunnel == TUNNEL_NO_HANDSHAKE ? COLOR_YELLOW : COLOR_NONE,
                                      x->have_addrs ? (tunnel_state_names[x->tunnel] ?: "") : NULL);
                if (r >= 0)
                        r = table_add(t, COLOR_NONE, x->have_addrs ? addrs : NULL);
                if (r < 0)
                        return log_oom();
        }
        pager_open();
        table_print(t, !arg.no_legend);
        if (!arg.no_legend)
                printf("\n%zu namespace%s listed.\n", n, n == 1 ? "" : "s");
        return 0;
}

static int entry_cmp(const void *a, const void *b) {
        const struct list_entry *x = a, *y = b;

        return strcmp(x->info.name, y->info.name);
}

/* Namespaces "down" unpinned while processes were in them, which still are: listed as
 * "stranded", with those processes; a note whose namespace has no process left is gc's. Not
 * knowing the processes (not root), nothing is added. Return: 0 or -ENOMEM */
static int add_stranded(struct list_entry **e, size_t *n, const struct proc_table *procs) {
        struct stranded_ns *l = NULL;
        size_t m = 0;
        int r = 0;

        if (!procs || stranded_load(&l, &m) < 0 || m == 0)
                return 0;
        for (size_t i = 0; i < m && r >= 0; i++) {
                size_t count = proc_table_count(procs, l[i].ino);
                struct list_entry *x;

                if (count == 0)
                        continue;
                /* (realloc: *e was sized by calloc, not grown by array_grow()) */
                x = realloc(*e, (*n + 1) * sizeof(**e));
                if (!x) {
                        r = -ENOMEM;
                        break;
                }
                *e = x;
                x = &(*e)[(*n)++];
                *x = (struct list_entry) {
                        .info = { .name = TAKE_PTR(l[i].name), .pin = PIN_ABSENT, .ino = l[i].ino, .state = NS_STRANDED },
                        .have_procs = true,
                        .procs = count,
                };
        }
        for (size_t i = 0; i < m; i++)
                free(l[i].name);
        free(l);
        qsort(*e, *n, sizeof(**e), entry_cmp);
        return r;
}

/* Each namespace's peers (its record's, and the index's for it), each up or not: from the list
 * itself, and for one not listed (no pin, no record), not up. Return: 0 or -ENOMEM */
static int add_peers(struct list_entry *e, size_t n) {
        for (size_t i = 0; i < n; i++) {
                struct list_entry *x = &e[i];
                size_t m;

                if (!netns_name_is_valid(x->info.name) || x->info.state == NS_STRANDED)
                        continue;
                if (ns_peer_names(x->info.name, x->info.record, &x->peers) < 0)
                        return -ENOMEM;
                m = strv_length(x->peers);
                x->peers_up = calloc(m + 1, sizeof(bool));
                if (!x->peers_up)
                        return -ENOMEM;
                for (size_t k = 0; k < m; k++)
                        for (size_t o = 0; o < n; o++)
                                if (streq(e[o].info.name, x->peers[k]))
                                        x->peers_up[k] = e[o].info.state == NS_UP || (e[o].info.pin == PIN_NSFS && !e[o].info.managed);
        }
        return 0;
}

int verb_list(int argc, char **argv) {
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        struct proc_table procs = {};
        struct list_entry *e = NULL;
        size_t n = 0;
        bool have_procs;
        int r;

        r = ns_names(&names);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", netns_run_dir());
        have_procs = proc_table_load(&procs) >= 0;
        r = unit_bus_open(&bus);
        if (r < 0)
                log_debug_errno(r, "No connection to the system manager, not showing unit states: %m");

        e = calloc(strv_length(names) + 1, sizeof(*e));
        if (!e) {
                proc_table_done(&procs);
                return log_oom();
        }
        STRV_FOREACH(name, names) {
                struct list_entry *x = &e[n];
                _cleanup_free_ char *unit = NULL;

                r = ns_info_load(*name, &x->info);
                if (r < 0) {
                        r = log_oom();
                        goto finish;
                }
                n++;
                /* what netnsctl made on the host for it: known from its record, nothing without one */
                x->have_nat = x->info.has_record || !x->info.managed;
                if (x->info.has_record) {
                        x->host_veth = record_host_veth(x->info.record);
                        if (record_nat_elems(x->info.record, &x->fwds, &x->n_fwds) < 0) {
                                r = log_oom();
                                goto finish;
                        }
                        /* masquerade and link elements are not forwards */
                        size_t kept = 0;

                        for (size_t k = 0; k < x->n_fwds; k++)
                                if (x->fwds[k].type == NAT_ELEM_FWD)
                                        x->fwds[kept++] = x->fwds[k];
                        x->n_fwds = kept;
                }
                if (bus && netns_name_is_valid(*name)) {
                        unit = strdup_printf("netns@%s.service", *name);
                        if (!unit) {
                                r = log_oom();
                                goto finish;
                        }
                        x->have_unit = unit_get_state(bus, unit, &x->unit) >= 0;
                }
                if (x->info.pin == PIN_NSFS) {
                        x->have_procs = have_procs;
                        x->procs = have_procs ? proc_table_count(&procs, x->info.ino) : 0;
                        r = read_inside(*name, &x->addrs, &x->tunnel);
                        if (r == -ENOMEM) {
                                r = log_oom();
                                goto finish;
                        }
                        if (r < 0)
                                log_debug_errno(r, "Cannot read the addresses or tunnels inside '%s': %m", *name);
                        x->have_addrs = r >= 0;
                } else {
                        /* nothing pinned: nothing inside to count */
                        x->have_procs = true;
                        x->have_addrs = true;
                }
        }

        r = add_stranded(&e, &n, have_procs ? &procs : NULL);
        if (r >= 0)
                r = add_peers(e, n);
        if (r < 0) {
                r = log_oom();
                goto finish;
        }

        if (arg.json) {
                print_json(e, n);
                r = 0;
        } else
                r = print_table(e, n);
finish:
        for (size_t i = 0; i < n; i++) {
                ns_info_done(&e[i].info);
                strv_free(e[i].addrs);
                free(e[i].fwds);
                strv_free(e[i].peers);
                free(e[i].peers_up);
        }
        free(e);
        proc_table_done(&procs);
        return r;
}
