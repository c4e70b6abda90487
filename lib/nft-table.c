/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nft-table.c - "table inet netnsctl" with its chains, sets and rules, as nftables netlink messages */

#include <arpa/inet.h>
#include <assert.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
/* after netinet/: the kernel's headers know glibc's, not the other way round */
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tuple_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>

#include "macro.h"
#include "nft-table.h"
#include "firewall.h"
#include "nft.h"

/*
 * The table, in nft's language. The code below builds, message for message, what "nft -f" sends
 * for this text (nft 1.0.6, Debian 12): tests/kernel/nat-table.sh loads the text below with
 * "nft -f" and compares the listing with that of the table netnsctl made. Change both together.
 * Rules only look things up; what a namespace adds is elements.
 *
 * port_forward: traffic to one of the host's own addresses ("fib daddr type local"), from
 * other hosts (prerouting) or from the host itself (output), is DNATed by the maps; no match
 * falls through untouched. The maps keyed with an address come first, so Port=ADDR:P wins
 * over a Port=P of another namespace.
 *
 * postrouting: masquerade what a namespace sends unless it goes to another namespace (the
 * host end of a netnsctl veth): the peers can talk with their own addresses. Traffic to the
 * host itself never passes postrouting. Connections from the host's loopback that a Port=
 * forwarded into a namespace leave with source 127.0.0.1 or ::1, which the namespace could
 * not answer: they are masqueraded to the host end's address as well.
 *
 * localnet_guard: a forward from 127.0.0.1 needs route_localnet on the host end (the kernel
 * drops loopback addresses on other links otherwise), which would also let the namespace
 * reach the host's 127.0.0.1 services by sending to 127.0.0.1 over the veth. So: from a host
 * end, nothing with a loopback source, and to 127.0.0.0/8 only replies of connections that
 * were DNATed (kube-proxy's rule after CVE-2020-8558). Packets to ::1 from other links are
 * dropped by IPv6 itself before any hook. Priority filter: after the reply's un-NAT (-100).
 *
 * table inet netnsctl {
 *   comment "NAT and port forwards of netnsctl namespaces; managed by netnsctl, see netns.conf(5)"
 *   set veths { type ifname; }
 *   set masq { type ifname . nf_proto; }
 *   map fwd4 { type inet_proto . inet_service : ipv4_addr . inet_service; }
 *   map fwd4a { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }
 *   map fwd6 { type inet_proto . inet_service : ipv6_addr . inet_service; }
 *   map fwd6a { type ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service; }
 *   chain port_forward {
 *     meta nfproto ipv4 dnat ip to ip daddr . meta l4proto . th dport map @fwd4a
 *     meta nfproto ipv4 dnat ip to meta l4proto . th dport map @fwd4
 *     meta nfproto ipv6 dnat ip6 to ip6 daddr . meta l4proto . th dport map @fwd6a
 *     meta nfproto ipv6 dnat ip6 to meta l4proto . th dport map @fwd6
 *   }
 *   chain prerouting {
 *     type nat hook prerouting priority dstnat; policy accept;
 *     fib daddr type local goto port_forward
 *   }
 *   chain output {
 *     type nat hook output priority -100; policy accept;
 *     fib daddr type local goto port_forward
 *   }
 *   chain postrouting {
 *     type nat hook postrouting priority srcnat; policy accept;
 *     iifname . meta nfproto @masq oifname != @veths masquerade
 *     oifname @veths ct status dnat ip saddr 127.0.0.0/8 masquerade
 *     oifname @veths ct status dnat ip6 saddr ::1 masquerade
 *   }
 *   chain localnet_guard {
 *     type filter hook prerouting priority filter; policy accept;
 *     ip daddr 127.0.0.0/8 iifname @veths jump localnet_reply
 *     ip saddr 127.0.0.0/8 iifname @veths drop
 *   }
 *   chain localnet_reply {
 *     ct direction reply ct status dnat return
 *     drop
 *   }
 * }
 *
 * What nft makes of it, beyond the words: the implicit "meta nfproto" before every ip/ip6
 * match (the table is inet), a /8 prefix compared as its first byte, "ct status dnat" as a
 * mask and a compare with zero, the set userdata nft writes (byte order, and for each
 * concatenation an empty "typeof" record), and registers numbered as below (reg()).
 */

#define TABLE_COMMENT "NAT and port forwards of netnsctl namespaces; " NFT_NAT_TABLE_MARK ", see netns.conf(5)"

/* nft's datatypes (its src/datatype.h), as the kernel stores them in NFTA_SET_KEY_TYPE */
enum {
        TYPE_NFPROTO = 2,
        TYPE_IPADDR = 7,
        TYPE_IP6ADDR = 8,
        TYPE_INET_PROTOCOL = 12,
        TYPE_INET_SERVICE = 13,
        TYPE_IFNAME = 41,
        TYPE_BITS = 6, /* a concatenation's type: its fields' types, 6 bits each */
};

/* nft's enum byteorder and the expression type of a concatenation (its EXPR_CONCAT), as it
 * writes them into a set's userdata */
enum {
        BYTEORDER_INVALID = 0,
        BYTEORDER_HOST_ENDIAN = 1,
        BYTEORDER_BIG_ENDIAN = 2,
};
#define EXPR_CONCAT 13

struct field {
        uint8_t type;
        uint8_t len;
        uint8_t byteorder; /* of the field alone */
};

#define IFNAME { TYPE_IFNAME, IFNAMSIZ, BYTEORDER_HOST_ENDIAN }
#define NF_PROTO { TYPE_NFPROTO, 1, BYTEORDER_HOST_ENDIAN }
#define INET_PROTO { TYPE_INET_PROTOCOL, 1, BYTEORDER_HOST_ENDIAN }
#define INET_SERVICE { TYPE_INET_SERVICE, 2, BYTEORDER_BIG_ENDIAN }
#define IPV4_ADDR { TYPE_IPADDR, 4, BYTEORDER_BIG_ENDIAN }
#define IPV6_ADDR { TYPE_IP6ADDR, 16, BYTEORDER_BIG_ENDIAN }

struct set_def {
        const char *name;
        struct field key[3], data[2]; /* ended by a field of type 0 */
};

/* in nft's order, which gives them the set ids 1, 2, ... */
static const struct set_def sets[] = {
        { "veths", { IFNAME } },
        { "masq", { IFNAME, NF_PROTO } },
        { "fwd4", { INET_PROTO, INET_SERVICE }, { IPV4_ADDR, INET_SERVICE } },
        { "fwd4a", { IPV4_ADDR, INET_PROTO, INET_SERVICE }, { IPV4_ADDR, INET_SERVICE } },
        { "fwd6", { INET_PROTO, INET_SERVICE }, { IPV6_ADDR, INET_SERVICE } },
        { "fwd6a", { IPV6_ADDR, INET_PROTO, INET_SERVICE }, { IPV6_ADDR, INET_SERVICE } },
};

static uint32_t set_id(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(sets); i++)
                if (streq(sets[i].name, name))
                        return (uint32_t) i + 1;
        assert(false);
        return 0;
}

struct chain_def {
        const char *name;
        const char *type; /* NULL: a regular chain */
        uint32_t hook;
        int32_t prio;
        bool drop;        /* a base chain's policy: drop, else accept */
};

/* in the order of the text: nft creates them in that order, before the sets */
static const struct chain_def chains[] = {
        { "port_forward" },
        { "prerouting", "nat", NF_INET_PRE_ROUTING, -100 /* dstnat */ },
        { "output", "nat", NF_INET_LOCAL_OUT, -100 },
        { "postrouting", "nat", NF_INET_POST_ROUTING, 100 /* srcnat */ },
        { "localnet_guard", "filter", NF_INET_PRE_ROUTING, 0 /* filter */ },
        { "localnet_reply" },
};

/*
 * The register that holds the bytes at @offset of a concatenation (offset 0: also a single value).
 * The kernel has 16 registers of 4 bytes (NFT_REG32_00..15), and still knows the four of 16
 * bytes from before (NFT_REG_1..4) by their old numbers; nft names one by its old number when
 * it starts on a 16-byte boundary. A concatenation's fields each start on a 4-byte register.
 */
static uint32_t reg(unsigned offset) {
        assert(offset % 4 == 0 && offset < 64);
        if (offset % 16 == 0)
                return NFT_REG_1 + offset / 16;
        return NFT_REG32_00 + offset / 4;
}

/* ---- the messages ---- */

struct builder {
        const char *table;       /* its name */
        char *buf;
        size_t len, size;
        struct nftnl_rule *rule; /* the rule being built */
        int error;               /* the first failure; everything after it does nothing */
};

/* the largest of our messages (a rule) is far below this */
#define MSG_MAX 2048U

/* Start a message of @type in the buffer; NULL after a failure. */
static struct nlmsghdr *msg_start(struct builder *b, uint16_t type, uint16_t flags) {
        if (b->error < 0)
                return NULL;
        if (b->len + MSG_MAX > b->size) {
                size_t size = (b->size ?: 4096) * 2;
                char *p = realloc(b->buf, size);

                if (!p) {
                        b->error = -ENOMEM;
                        return NULL;
                }
                memset(p + b->size, 0, size - b->size);
                b->buf = p;
                b->size = size;
        }
        /* family inet, sequence number 0: the batch numbers it */
        return nftnl_nlmsg_build_hdr(b->buf + b->len, type, NFPROTO_INET, flags, 0);
}

static void msg_end(struct builder *b, struct nlmsghdr *nlh) {
        assert(nlh->nlmsg_len <= MSG_MAX);
        b->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static int table_msg(struct builder *b, const char *comment) {
        struct nftnl_udata_buf *ud = NULL;
        struct nftnl_table *t;
        struct nlmsghdr *nlh;
        int r = -ENOMEM;

        t = nftnl_table_alloc();
        ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
        if (!t || !ud)
                goto finish;
        /* the comment as nft keeps it: a TLV in the table's userdata, with its NUL */
        if (!nftnl_udata_put_strz(ud, NFTNL_UDATA_TABLE_COMMENT, comment))
                goto finish;
        if (nftnl_table_set_str(t, NFTNL_TABLE_NAME, b->table) < 0 ||
            nftnl_table_set_data(t, NFTNL_TABLE_USERDATA, nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud)) < 0)
                goto finish;
        nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, 0);
        /* "add table": no flags (the kernel creates a table that is absent anyway) */
        nlh = msg_start(b, NFT_MSG_NEWTABLE, 0);
        if (!nlh)
                goto finish;
        nftnl_table_nlmsg_build_payload(nlh, t);
        msg_end(b, nlh);
        r = 0;
finish:
        if (ud)
                nftnl_udata_buf_free(ud);
        if (t)
                nftnl_table_free(t);
        return r;
}

static int chain_msg(struct builder *b, const struct chain_def *d) {
        struct nftnl_chain *c;
        struct nlmsghdr *nlh;

        c = nftnl_chain_alloc();
        if (!c)
                return -ENOMEM;
        if (d->type) {
                nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, d->hook);
                nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, d->prio);
        }
        nlh = msg_start(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
        if (nlh) {
                /* as nft does it: names, type and policy first, then libnftnl the hook */
                mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, b->table);
                mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, d->name);
                if (d->type) {
                        mnl_attr_put_strz(nlh, NFTA_CHAIN_TYPE, d->type);
                        mnl_attr_put_u32(nlh, NFTA_CHAIN_POLICY, htonl(d->drop ? NF_DROP : NF_ACCEPT));
                }
                nftnl_chain_nlmsg_build_payload(nlh, c);
                msg_end(b, nlh);
        }
        nftnl_chain_free(c);
        return b->error;
}

/* A key's or data's type and length: a concatenation's fields each take whole 4-byte
 * registers; a single value is as long as it is. */
static void fields_type(const struct field *f, uint32_t *ret_type, uint32_t *ret_len) {
        uint32_t type = 0, len = 0;
        size_t n = 0;

        for (; n < 3 && f[n].type; n++) {
                type = type << TYPE_BITS | f[n].type;
                len += (f[n].len + 3U) & ~3U;
        }
        *ret_type = type;
        *ret_len = n == 1 ? f[0].len : len;
}

static bool is_concat(const struct field *f) {
        return f[0].type && f[1].type;
}

/* nft's "typeof" record of a concatenation declared with "type": the expression type, and
 * no data (nft writes it so, and ignores it when it reads the set back) */
static bool udata_typeof(struct nftnl_udata_buf *ud, uint8_t type) {
        struct nftnl_udata *nest, *data;

        nest = nftnl_udata_nest_start(ud, type);
        if (!nest || !nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_TYPEOF_EXPR, EXPR_CONCAT))
                return false;
        data = nftnl_udata_nest_start(ud, NFTNL_UDATA_SET_TYPEOF_DATA);
        if (!data)
                return false;
        nftnl_udata_nest_end(ud, data);
        nftnl_udata_nest_end(ud, nest);
        return true;
}

static int set_msg(struct builder *b, const struct set_def *d, uint32_t id) {
        struct nftnl_udata_buf *ud = NULL;
        bool map = d->data[0].type != 0;
        uint32_t type, len;
        struct nftnl_set *s;
        struct nlmsghdr *nlh;
        bool ok;
        int r = -ENOMEM;

        s = nftnl_set_alloc();
        ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
        if (!s || !ud)
                goto finish;
        if (nftnl_set_set_str(s, NFTNL_SET_TABLE, b->table) < 0 || nftnl_set_set_str(s, NFTNL_SET_NAME, d->name) < 0)
                goto finish;
        nftnl_set_set_u32(s, NFTNL_SET_FLAGS, map ? NFT_SET_MAP : 0);
        fields_type(d->key, &type, &len);
        nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, type);
        nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, len);
        if (map) {
                fields_type(d->data, &type, &len);
                nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, type);
                nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, len);
        }
        nftnl_set_set_u32(s, NFTNL_SET_ID, id);

        /* what nft writes: the key's byte order (none for a concatenation), the data's, the
         * typeof records of concatenations, whether the data are intervals */
        ok = nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, is_concat(d->key) ? BYTEORDER_INVALID : d->key[0].byteorder);
        if (ok && map)
                ok = nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_DATABYTEORDER,
                                         is_concat(d->data) ? BYTEORDER_INVALID : d->data[0].byteorder);
        if (ok && is_concat(d->key))
                ok = udata_typeof(ud, NFTNL_UDATA_SET_KEY_TYPEOF);
        if (ok && map && is_concat(d->data))
                ok = udata_typeof(ud, NFTNL_UDATA_SET_DATA_TYPEOF);
        if (ok && map)
                ok = nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_DATA_INTERVAL, 0);
        if (!ok || nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud)) < 0)
                goto finish;

        nlh = msg_start(b, NFT_MSG_NEWSET, NLM_F_CREATE);
        if (!nlh)
                goto finish;
        nftnl_set_nlmsg_build_payload(nlh, s);
        msg_end(b, nlh);
        r = 0;
finish:
        if (ud)
                nftnl_udata_buf_free(ud);
        if (s)
                nftnl_set_free(s);
        return r;
}

/* ---- rules: one expression a call; after a failure nothing, rule_end() reports it ---- */

static void rule_start(struct builder *b, const char *chain) {
        if (b->error < 0)
                return;
        b->rule = nftnl_rule_alloc();
        if (!b->rule || nftnl_rule_set_str(b->rule, NFTNL_RULE_TABLE, b->table) < 0 ||
            nftnl_rule_set_str(b->rule, NFTNL_RULE_CHAIN, chain) < 0)
                b->error = -ENOMEM;
}

/* "add rule": appended to the chain */
static void rule_end(struct builder *b) {
        struct nlmsghdr *nlh = msg_start(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);

        if (nlh) {
                nftnl_rule_nlmsg_build_payload(nlh, b->rule);
                msg_end(b, nlh);
        }
        if (b->rule)
                nftnl_rule_free(b->rule);
        b->rule = NULL;
}

static struct nftnl_expr *expr_new(struct builder *b, const char *name) {
        struct nftnl_expr *e;

        if (b->error < 0)
                return NULL;
        e = nftnl_expr_alloc(name);
        if (!e)
                b->error = -ENOMEM;
        return e;
}

static void expr_add(struct builder *b, struct nftnl_expr *e, bool ok) {
        if (!ok) {
                nftnl_expr_free(e);
                b->error = -ENOMEM;
                return;
        }
        nftnl_rule_add_expr(b->rule, e);
}

static void meta(struct builder *b, uint32_t key, uint32_t dreg) {
        struct nftnl_expr *e = expr_new(b, "meta");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
        nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
        expr_add(b, e, true);
}

static void ct(struct builder *b, uint32_t key, uint32_t dreg) {
        struct nftnl_expr *e = expr_new(b, "ct");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
        nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, dreg);
        expr_add(b, e, true);
}

static void payload(struct builder *b, uint32_t base, uint32_t offset, uint32_t len, uint32_t dreg) {
        struct nftnl_expr *e = expr_new(b, "payload");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
        expr_add(b, e, true);
}

static void cmp(struct builder *b, uint32_t op, const void *data, uint32_t len) {
        struct nftnl_expr *e = expr_new(b, "cmp");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
        expr_add(b, e, nftnl_expr_set_data(e, NFTNL_EXPR_CMP_DATA, data, len) >= 0);
}

static void cmp_u8(struct builder *b, uint32_t op, uint8_t v) {
        cmp(b, op, &v, sizeof(v));
}

static void cmp_u32(struct builder *b, uint32_t op, uint32_t v) {
        cmp(b, op, &v, sizeof(v));
}

/* "lookup reg 1 set NAME [dreg 1]", @inv: "!= @set" */
static void lookup(struct builder *b, const char *set, bool map, bool inv) {
        struct nftnl_expr *e = expr_new(b, "lookup");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
        if (map)
                nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, set_id(set));
        if (inv)
                nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
        expr_add(b, e, nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set) >= 0);
}

static void verdict(struct builder *b, int v, const char *chain) {
        struct nftnl_expr *e = expr_new(b, "immediate");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
        nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t) v);
        expr_add(b, e, !chain || nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain) >= 0);
}

static void masquerade(struct builder *b) {
        struct nftnl_expr *e = expr_new(b, "masq");

        if (e)
                expr_add(b, e, true);
}

/* "meta nfproto ipv4": what nft puts before a match on an ip or ip6 header in an inet table */
static void nfproto(struct builder *b, uint8_t proto) {
        meta(b, NFT_META_NFPROTO, NFT_REG_1);
        cmp_u8(b, NFT_CMP_EQ, proto);
}

/* "fib daddr type local goto port_forward" */
/* "fib daddr type local" */
static void fib_daddr_local(struct builder *b) {
        struct nftnl_expr *e = expr_new(b, "fib");

        if (e) {
                nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
                nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
                nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
                expr_add(b, e, true);
        }
        cmp_u32(b, NFT_CMP_EQ, RTN_LOCAL);
}

static void fib_local_goto(struct builder *b, const char *chain) {
        rule_start(b, chain);
        fib_daddr_local(b);
        verdict(b, NFT_GOTO, "port_forward");
        rule_end(b);
}

/* "meta nfproto ipvX dnat ipX to [ipX daddr .] meta l4proto . th dport map @MAP" */
static void port_forward(struct builder *b, int family, bool with_addr, const char *map) {
        bool v6 = family == NFPROTO_IPV6;
        unsigned alen = v6 ? 16 : 4, off = 0;
        struct nftnl_expr *e;

        rule_start(b, "port_forward");
        nfproto(b, (uint8_t) family);
        /* the key, field by field into consecutive registers */
        if (with_addr) {
                payload(b, NFT_PAYLOAD_NETWORK_HEADER,
                        v6 ? offsetof(struct ip6_hdr, ip6_dst) : offsetof(struct iphdr, daddr), alen, reg(off));
                off += alen;
        }
        meta(b, NFT_META_L4PROTO, reg(off));
        off += 4;
        payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 2 /* dport, the same in tcp, udp, sctp */, 2, reg(off));
        lookup(b, map, true, false);
        /* the data in the same registers: address, then port */
        e = expr_new(b, "nat");
        if (e) {
                nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
                nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, (uint32_t) family);
                nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, reg(0));
                nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, reg(alen));
                expr_add(b, e, true);
        }
        rule_end(b);
}

/* "ct status dnat", "ct state established,related": any of the bits of @mask in conntrack's @key */
static void ct_bits(struct builder *b, uint32_t key, uint32_t mask) {
        uint32_t zero = 0;
        struct nftnl_expr *e;

        ct(b, key, NFT_REG_1);
        e = expr_new(b, "bitwise");
        if (e) {
                nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
                nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
                nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(mask));
                expr_add(b, e,
                         nftnl_expr_set_data(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask)) >= 0 &&
                                 nftnl_expr_set_data(e, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof(zero)) >= 0);
        }
        cmp_u32(b, NFT_CMP_NEQ, 0);
}

/* "ip saddr 127.0.0.0/8" (@offset: of saddr or daddr): nft compares the first byte */
static void ip_loopback(struct builder *b, uint32_t offset) {
        nfproto(b, NFPROTO_IPV4);
        payload(b, NFT_PAYLOAD_NETWORK_HEADER, offset, 1, NFT_REG_1);
        cmp_u8(b, NFT_CMP_EQ, 127);
}

static void rules(struct builder *b) {
        /* chain port_forward */
        port_forward(b, NFPROTO_IPV4, true, "fwd4a");
        port_forward(b, NFPROTO_IPV4, false, "fwd4");
        port_forward(b, NFPROTO_IPV6, true, "fwd6a");
        port_forward(b, NFPROTO_IPV6, false, "fwd6");

        /* chains prerouting and output */
        fib_local_goto(b, "prerouting");
        fib_local_goto(b, "output");

        /* chain postrouting: "iifname . meta nfproto @masq oifname != @veths masquerade" */
        rule_start(b, "postrouting");
        meta(b, NFT_META_IIFNAME, reg(0));
        meta(b, NFT_META_NFPROTO, reg(IFNAMSIZ));
        lookup(b, "masq", false, false);
        meta(b, NFT_META_OIFNAME, NFT_REG_1);
        lookup(b, "veths", false, true);
        masquerade(b);
        rule_end(b);

        /* "oifname @veths ct status dnat ip saddr 127.0.0.0/8 masquerade" */
        rule_start(b, "postrouting");
        meta(b, NFT_META_OIFNAME, NFT_REG_1);
        lookup(b, "veths", false, false);
        ct_bits(b, NFT_CT_STATUS, IPS_DST_NAT);
        ip_loopback(b, offsetof(struct iphdr, saddr));
        masquerade(b);
        rule_end(b);

        /* "oifname @veths ct status dnat ip6 saddr ::1 masquerade" */
        rule_start(b, "postrouting");
        meta(b, NFT_META_OIFNAME, NFT_REG_1);
        lookup(b, "veths", false, false);
        ct_bits(b, NFT_CT_STATUS, IPS_DST_NAT);
        nfproto(b, NFPROTO_IPV6);
        payload(b, NFT_PAYLOAD_NETWORK_HEADER, offsetof(struct ip6_hdr, ip6_src), 16, NFT_REG_1);
        cmp(b, NFT_CMP_EQ, &in6addr_loopback, sizeof(in6addr_loopback));
        masquerade(b);
        rule_end(b);

        /* chain localnet_guard: "ip daddr 127.0.0.0/8 iifname @veths jump localnet_reply" */
        rule_start(b, "localnet_guard");
        ip_loopback(b, offsetof(struct iphdr, daddr));
        meta(b, NFT_META_IIFNAME, NFT_REG_1);
        lookup(b, "veths", false, false);
        verdict(b, NFT_JUMP, "localnet_reply");
        rule_end(b);

        /* "ip saddr 127.0.0.0/8 iifname @veths drop" */
        rule_start(b, "localnet_guard");
        ip_loopback(b, offsetof(struct iphdr, saddr));
        meta(b, NFT_META_IIFNAME, NFT_REG_1);
        lookup(b, "veths", false, false);
        verdict(b, NF_DROP, NULL);
        rule_end(b);

        /* chain localnet_reply: "ct direction reply ct status dnat return", "drop" */
        rule_start(b, "localnet_reply");
        ct(b, NFT_CT_DIRECTION, NFT_REG_1);
        cmp_u8(b, NFT_CMP_EQ, IP_CT_DIR_REPLY);
        ct_bits(b, NFT_CT_STATUS, IPS_DST_NAT);
        verdict(b, NFT_RETURN, NULL);
        rule_end(b);

        rule_start(b, "localnet_reply");
        verdict(b, NF_DROP, NULL);
        rule_end(b);
}

int nft_table_msgs(char **ret_buf, size_t *ret_len) {
        struct builder b = { .table = NFT_NAT_TABLE };
        int r;

        /* nft's order: the table, its chains, its sets, the rules */
        r = table_msg(&b, TABLE_COMMENT);
        for (size_t i = 0; i < ELEMENTSOF(chains) && r >= 0; i++)
                r = chain_msg(&b, &chains[i]);
        for (size_t i = 0; i < ELEMENTSOF(sets) && r >= 0; i++)
                r = set_msg(&b, &sets[i], (uint32_t) i + 1);
        if (r >= 0) {
                rules(&b);
                r = b.error;
        }
        if (r < 0) {
                free(b.buf);
                return r;
        }
        *ret_buf = b.buf;
        *ret_len = b.len;
        return 0;
}

/* ---- the firewall inside a namespace (firewall.h) ---- */

/*
 * In the namespace's own nftables (not the host's, where the table of the same name above is):
 *
 * table inet netnsctl {   # inside
 *   comment "Inbound firewall of this namespace ([Firewall] Inbound=drop); managed by netnsctl, see netns.conf(5)"
 *   chain input {
 *     type filter hook input priority filter; policy drop;
 *     iif "lo" accept
 *     ct state established,related accept
 *     meta l4proto icmp icmp type destination-unreachable accept        (a rule per type:
 *     meta l4proto icmp icmp type time-exceeded accept                   fw_icmp_types[])
 *     meta l4proto icmp icmp type parameter-problem accept
 *     meta l4proto ipv6-icmp icmpv6 type destination-unreachable accept
 *     ... packet-too-big, time-exceeded, parameter-problem, nd-router-advert,
 *     nd-neighbor-solicit, nd-neighbor-advert
 *     then the rules of the configuration (fw_rules_make()), one each:
 *     iifname "host0" ip saddr 10.250.0.0 accept
 *     iifname "host0" meta l4proto tcp th dport 80 accept
 *     meta l4proto udp th dport 6881-6889 accept
 *   }
 * }
 *
 * lo is ifindex 1 in every namespace. ICMP errors of connections the namespace has are
 * "related" anyway; the explicit rules keep PMTU discovery working also for what conntrack
 * does not track as a connection.
 */

#define FW_TABLE_COMMENT "Inbound firewall of this namespace ([Firewall] Inbound=drop); " NFT_NAT_TABLE_MARK ", see netns.conf(5)"

static const struct chain_def fw_chain = { "input", "filter", NF_INET_LOCAL_IN, 0 /* filter */, true };

/* "range eq reg 1 FROM TO" of @len bytes (network order) */
static void range(struct builder *b, const void *from, const void *to, uint32_t len) {
        struct nftnl_expr *e = expr_new(b, "range");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_OP, NFT_RANGE_EQ);
        expr_add(b, e,
                 nftnl_expr_set_data(e, NFTNL_EXPR_RANGE_FROM_DATA, from, len) >= 0 &&
                         nftnl_expr_set_data(e, NFTNL_EXPR_RANGE_TO_DATA, to, len) >= 0);
}

/* "meta l4proto P" */
static void l4proto(struct builder *b, uint8_t proto) {
        meta(b, NFT_META_L4PROTO, NFT_REG_1);
        cmp_u8(b, NFT_CMP_EQ, proto);
}

/* the ICMP types admitted, a rule each (nft lists them by name) */
static const struct {
        uint8_t proto, type;
} fw_icmp_types[] = {
        { IPPROTO_ICMP, 3 },     /* destination-unreachable, with PMTU's frag-needed */
        { IPPROTO_ICMP, 11 },    /* time-exceeded */
        { IPPROTO_ICMP, 12 },    /* parameter-problem */
        { IPPROTO_ICMPV6, 1 },   /* destination-unreachable */
        { IPPROTO_ICMPV6, 2 },   /* packet-too-big */
        { IPPROTO_ICMPV6, 3 },   /* time-exceeded */
        { IPPROTO_ICMPV6, 4 },   /* parameter-problem */
        { IPPROTO_ICMPV6, 134 }, /* nd-router-advert */
        { IPPROTO_ICMPV6, 135 }, /* nd-neighbor-solicit */
        { IPPROTO_ICMPV6, 136 }, /* nd-neighbor-advert */
};

/* "meta l4proto icmp|ipv6-icmp icmp[v6] type T accept" */
static void fw_icmp(struct builder *b, uint8_t proto, uint8_t type) {
        rule_start(b, fw_chain.name);
        l4proto(b, proto);
        payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 0 /* type */, 1, NFT_REG_1);
        cmp_u8(b, NFT_CMP_EQ, type);
        verdict(b, NF_ACCEPT, NULL);
        rule_end(b);
}

/* "iifname IF": the name zero-padded to IFNAMSIZ, as nft compares it */
static void iifname(struct builder *b, const char *name) {
        char n[IFNAMSIZ] = {};

        memcpy(n, name, strnlen(name, IFNAMSIZ - 1));
        meta(b, NFT_META_IIFNAME, NFT_REG_1);
        cmp(b, NFT_CMP_EQ, n, sizeof(n));
}

static void fw_rule(struct builder *b, const struct fw_rule *r) {
        uint16_t from = htons(r->port), to = htons(r->port_end);

        rule_start(b, fw_chain.name);
        if (r->type != FW_RULE_ALLOW)
                iifname(b, r->ifname);
        if (r->type == FW_RULE_HOST) {
                bool v6 = r->family == AF_INET6;

                nfproto(b, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
                payload(b, NFT_PAYLOAD_NETWORK_HEADER, v6 ? offsetof(struct ip6_hdr, ip6_src) : offsetof(struct iphdr, saddr),
                        v6 ? 16 : 4, NFT_REG_1);
                cmp(b, NFT_CMP_EQ, &r->addr, v6 ? 16 : 4);
        } else {
                l4proto(b, r->protocol);
                payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 2 /* dport, the same in tcp, udp, sctp */, 2, NFT_REG_1);
                if (r->port == r->port_end)
                        cmp(b, NFT_CMP_EQ, &from, sizeof(from));
                else
                        range(b, &from, &to, sizeof(from));
        }
        verdict(b, NF_ACCEPT, NULL);
        rule_end(b);
}

int nft_fw_table_msgs(const char *table, const struct fw_rule *rules, size_t n, char **ret_buf, size_t *ret_len) {
        struct builder b = { .table = table };
        uint32_t lo = 1; /* LOOPBACK_IFINDEX */
        int r;

        r = table_msg(&b, FW_TABLE_COMMENT);
        if (r >= 0)
                r = chain_msg(&b, &fw_chain);
        if (r < 0) {
                free(b.buf);
                return r;
        }

        rule_start(&b, fw_chain.name);
        meta(&b, NFT_META_IIF, NFT_REG_1);
        cmp_u32(&b, NFT_CMP_EQ, lo);
        verdict(&b, NF_ACCEPT, NULL);
        rule_end(&b);

        rule_start(&b, fw_chain.name);
        ct_bits(&b, NFT_CT_STATE, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED));
        verdict(&b, NF_ACCEPT, NULL);
        rule_end(&b);

        for (size_t i = 0; i < ELEMENTSOF(fw_icmp_types); i++)
                fw_icmp(&b, fw_icmp_types[i].proto, fw_icmp_types[i].type);

        for (size_t i = 0; i < n; i++)
                fw_rule(&b, &rules[i]);
        if (b.error < 0) {
                free(b.buf);
                return b.error;
        }
        *ret_buf = b.buf;
        *ret_len = b.len;
        return 0;
}

/*
 * The reply table inside a namespace whose veth carries no default route (nft.h,
 * nft_reply_load()), as "nft -f" has it:
 *
 *   table inet netnsctl-reply {
 *     comment "Replies to what came in through the veth go back through it; managed by netnsctl, ..."
 *     chain veth_in {
 *       type filter hook prerouting priority mangle; policy accept;
 *       iifname IFNAME ct state new ct mark set MARK
 *       iifname IFNAME ct mark MARK fib daddr type local meta mark set MARK
 *     }
 *     chain veth_reply {
 *       type route hook output priority mangle; policy accept;
 *       ct mark MARK meta mark set MARK
 *     }
 *   }
 *
 * A connection is marked only when its first packet came in through the veth; what the
 * namespace itself opens (whatever address it binds) never carries the mark, so the rule
 * "fwmark MARK lookup TABLE" sends nothing but those replies to the veth. A route chain
 * routes a packet again when its mark changed. The packets that come in get the mark too
 * (those for the namespace itself: what it forwards keeps its routes), so that with the
 * veth's src_valid_mark a strict rp_filter finds their way back on the veth.
 */
#define REPLY_TABLE_COMMENT "Replies to what came in through the veth go back through it; " NFT_NAT_TABLE_MARK ", see netns.conf(5)"

static const struct chain_def reply_chains[] = {
        { "veth_in", "filter", NF_INET_PRE_ROUTING, -150 /* mangle */ },
        { "veth_reply", "route", NF_INET_LOCAL_OUT, -150 /* mangle */ },
};

/* "immediate reg 1 @v" then "ct|meta @key set reg 1" (@is_ct: ct, else meta) */
static void set_u32(struct builder *b, bool is_ct, uint32_t key, uint32_t v) {
        struct nftnl_expr *e = expr_new(b, "immediate");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
        expr_add(b, e, nftnl_expr_set_data(e, NFTNL_EXPR_IMM_DATA, &v, sizeof(v)) >= 0);
        e = expr_new(b, is_ct ? "ct" : "meta");
        if (!e)
                return;
        nftnl_expr_set_u32(e, is_ct ? NFTNL_EXPR_CT_KEY : NFTNL_EXPR_META_KEY, key);
        nftnl_expr_set_u32(e, is_ct ? NFTNL_EXPR_CT_SREG : NFTNL_EXPR_META_SREG, NFT_REG_1);
        expr_add(b, e, true);
}

int nft_reply_table_msgs(const char *table, const char *ifname, uint32_t mark, char **ret_buf, size_t *ret_len) {
        struct builder b = { .table = table };
        int r;

        r = table_msg(&b, REPLY_TABLE_COMMENT);
        for (size_t i = 0; i < ELEMENTSOF(reply_chains) && r >= 0; i++)
                r = chain_msg(&b, &reply_chains[i]);
        if (r < 0) {
                free(b.buf);
                return r;
        }

        rule_start(&b, reply_chains[0].name);
        iifname(&b, ifname);
        ct_bits(&b, NFT_CT_STATE, NF_CT_STATE_BIT(IP_CT_NEW));
        set_u32(&b, true, NFT_CT_MARK, mark);
        rule_end(&b);

        rule_start(&b, reply_chains[0].name);
        iifname(&b, ifname);
        ct(&b, NFT_CT_MARK, NFT_REG_1);
        cmp_u32(&b, NFT_CMP_EQ, mark);
        fib_daddr_local(&b);
        set_u32(&b, false, NFT_META_MARK, mark);
        rule_end(&b);

        rule_start(&b, reply_chains[1].name);
        ct(&b, NFT_CT_MARK, NFT_REG_1);
        cmp_u32(&b, NFT_CMP_EQ, mark);
        set_u32(&b, false, NFT_META_MARK, mark);
        rule_end(&b);

        if (b.error < 0) {
                free(b.buf);
                return b.error;
        }
        *ret_buf = b.buf;
        *ret_len = b.len;
        return 0;
}
