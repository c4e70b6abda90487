/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* firewall.c - the inbound firewall of a namespace ([Firewall] Inbound=drop): what its table admits */

#include <arpa/inet.h>
#include <stdio.h>

#include "addr.h"
#include "firewall.h"
#include "name.h"
#include "nft.h"
#include "util.h"

static int proto_from_name(const char *s) {
        static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP };

        for (size_t i = 0; i < ELEMENTSOF(protos); i++)
                if (streq(s, nat_proto_name(protos[i])))
                        return protos[i];
        return -EINVAL;
}

static bool ports_ok(const struct fw_rule *r) {
        return nat_proto_name(r->protocol) && r->port > 0 && r->port_end >= r->port;
}

static bool rule_ok(const struct fw_rule *r) {
        switch (r->type) {
        case FW_RULE_HOST:
                return ifname_is_valid(r->ifname) && (r->family == AF_INET || r->family == AF_INET6);
        case FW_RULE_FORWARD:
                return ifname_is_valid(r->ifname) && ports_ok(r);
        case FW_RULE_ALLOW:
                return ports_ok(r);
        default:
                return false;
        }
}

static int push(struct fw_rule **rules, size_t *n, const struct fw_rule *r) {
        struct fw_rule *e;

        for (size_t i = 0; i < *n; i++)
                if (fw_rule_eq(&(*rules)[i], r))
                        return 0; /* once is enough */
        e = ARRAY_APPEND(*rules, *n);
        if (!e)
                return -ENOMEM;
        *e = *r;
        return 0;
}

int fw_rules_make(const struct netns_config *cfg, const char *ifname, const struct netns_prefix *host_addrs,
                  size_t n_host_addrs, struct fw_rule **ret, size_t *ret_n) {
        _cleanup_free_ struct fw_rule *rules = NULL;
        size_t n = 0;
        int r = 0;

        if (cfg->inbound != NETNS_INBOUND_DROP)
                goto done;
        for (size_t i = 0; ifname && i < n_host_addrs && r >= 0; i++) {
                const struct netns_prefix *a = &host_addrs[i];
                struct fw_rule h = { .type = FW_RULE_HOST, .family = a->family, .addr = a->addr };

                if (a->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->addr.in6))
                        continue;
                (void) snprintf(h.ifname, sizeof(h.ifname), "%s", ifname);
                r = push(&rules, &n, &h);
        }
        /* the forwards arrive DNATed on the host: inside they are the port inside, through the veth */
        for (size_t i = 0; ifname && i < cfg->n_ports && r >= 0; i++) {
                const struct netns_port *p = &cfg->ports[i];
                struct fw_rule f = { .type = FW_RULE_FORWARD, .protocol = p->protocol, .port = p->ns_port,
                                     .port_end = (uint16_t) (p->ns_port + (p->host_port_end - p->host_port)) };

                (void) snprintf(f.ifname, sizeof(f.ifname), "%s", ifname);
                r = push(&rules, &n, &f);
        }
        for (size_t i = 0; i < cfg->n_allow_inbound && r >= 0; i++) {
                const struct netns_inbound *a = &cfg->allow_inbound[i];

                r = push(&rules, &n, &(struct fw_rule) { .type = FW_RULE_ALLOW, .protocol = a->protocol, .port = a->port,
                                                         .port_end = a->port_end });
        }
        if (r < 0)
                return r;
done:
        *ret = TAKE_PTR(rules);
        *ret_n = n;
        return 0;
}

static void ports_format(const struct fw_rule *r, char buf[static 16]) {
        if (r->port_end != r->port)
                (void) snprintf(buf, 16, "%u-%u", r->port, r->port_end);
        else
                (void) snprintf(buf, 16, "%u", r->port);
}

int fw_rule_format(const struct fw_rule *r, char *buf, size_t size) {
        char a[INET6_ADDRSTRLEN], ports[16];
        int n;

        if (!rule_ok(r))
                return -EINVAL;
        ports_format(r, ports);
        switch (r->type) {
        case FW_RULE_HOST:
                n = snprintf(buf, size, "host %s %s", r->ifname, addr_to_string(r->family, &r->addr, a));
                break;
        case FW_RULE_FORWARD:
                n = snprintf(buf, size, "forward %s %s %s", r->ifname, nat_proto_name(r->protocol), ports);
                break;
        case FW_RULE_ALLOW:
                n = snprintf(buf, size, "allow %s %s", nat_proto_name(r->protocol), ports);
                break;
        default:
                return -EINVAL;
        }
        return n < 0 || (size_t) n >= size ? -EINVAL : 0;
}

/* "PORT" or "PORT-END" */
static int ports_parse(const char *s, struct fw_rule *r) {
        unsigned a, b;
        char tail;
        int n = sscanf(s, "%5u-%5u%c", &a, &b, &tail);

        if (n == 1 && strspn(s, "0123456789") == strlen(s))
                b = a;
        else if (n != 2 || strspn(s, "0123456789-") != strlen(s))
                return -EINVAL;
        if (a == 0 || a > 65535 || b < a || b > 65535)
                return -EINVAL;
        r->port = (uint16_t) a;
        r->port_end = (uint16_t) b;
        return 0;
}

int fw_rule_parse(const char *s, struct fw_rule *ret) {
        char w[4][INET6_ADDRSTRLEN + 8], tail;
        struct fw_rule r = {};
        int n, p;

        n = sscanf(s, "%46s %46s %46s %46s %c", w[0], w[1], w[2], w[3], &tail);
        if (n == 3 && streq(w[0], "host")) {
                r.type = FW_RULE_HOST;
                if (strlen(w[1]) >= IFNAMSIZ)
                        return -EINVAL;
                strcpy(r.ifname, w[1]);
                r.family = strchr(w[2], ':') ? AF_INET6 : AF_INET;
                if (inet_pton(r.family, w[2], &r.addr) != 1)
                        return -EINVAL;
        } else if (n == 4 && streq(w[0], "forward")) {
                r.type = FW_RULE_FORWARD;
                if (strlen(w[1]) >= IFNAMSIZ)
                        return -EINVAL;
                strcpy(r.ifname, w[1]);
                p = proto_from_name(w[2]);
                if (p < 0 || ports_parse(w[3], &r) < 0)
                        return -EINVAL;
                r.protocol = (uint8_t) p;
        } else if (n == 3 && streq(w[0], "allow")) {
                r.type = FW_RULE_ALLOW;
                p = proto_from_name(w[1]);
                if (p < 0 || ports_parse(w[2], &r) < 0)
                        return -EINVAL;
                r.protocol = (uint8_t) p;
        } else
                return -EINVAL;
        if (!rule_ok(&r))
                return -EINVAL;
        *ret = r;
        return 0;
}

const char *fw_rule_describe(const struct fw_rule *r, char *buf, size_t size) {
        char a[INET6_ADDRSTRLEN], ports[16];

        ports_format(r, ports);
        switch (r->type) {
        case FW_RULE_HOST:
                (void) snprintf(buf, size, "iifname %s %s saddr %s accept", r->ifname, r->family == AF_INET6 ? "ip6" : "ip",
                                addr_to_string(r->family, &r->addr, a));
                break;
        case FW_RULE_FORWARD:
                (void) snprintf(buf, size, "iifname %s %s dport %s accept", r->ifname, strempty(nat_proto_name(r->protocol)), ports);
                break;
        case FW_RULE_ALLOW:
                (void) snprintf(buf, size, "%s dport %s accept", strempty(nat_proto_name(r->protocol)), ports);
                break;
        default:
                (void) snprintf(buf, size, "?");
        }
        return buf;
}

bool fw_rule_eq(const struct fw_rule *a, const struct fw_rule *b) {
        if (a->type != b->type)
                return false;
        switch (a->type) {
        case FW_RULE_HOST:
                return streq(a->ifname, b->ifname) && a->family == b->family &&
                       memcmp(&a->addr, &b->addr, a->family == AF_INET ? 4 : 16) == 0;
        case FW_RULE_FORWARD:
        case FW_RULE_ALLOW:
                return (a->type == FW_RULE_ALLOW || streq(a->ifname, b->ifname)) && a->protocol == b->protocol &&
                       a->port == b->port && a->port_end == b->port_end;
        default:
                return false;
        }
}
