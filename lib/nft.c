/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nft.c - the one nftables table netnsctl owns ("table inet netnsctl"): masquerade and port forwards */

#include <arpa/inet.h>
#include <limits.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "nft-table.h"
#include "nft.h"
#include "nl.h"
#include "ns.h"
#include "util.h"

/* Newer kernels report "destroy" (delete if present) with message types of their own. */
#define NFT_MSG_DESTROYTABLE_ 26
#define NFT_MSG_DESTROYSETELEM_ 30

#define TBL NFT_NAT_FAMILY " " NFT_NAT_TABLE

/* ---- elements as record text ---- */

const char *nat_proto_name(uint8_t p) {
        switch (p) {
        case IPPROTO_TCP:
                return "tcp";
        case IPPROTO_UDP:
                return "udp";
        case IPPROTO_SCTP:
                return "sctp";
        default:
                return NULL;
        }
}

static int proto_from_name(const char *s) {
        if (streq(s, "tcp"))
                return IPPROTO_TCP;
        if (streq(s, "udp"))
                return IPPROTO_UDP;
        if (streq(s, "sctp"))
                return IPPROTO_SCTP;
        return -EINVAL;
}

/* Interface names go into nft as quoted strings: no quote, no wildcard, nothing odd. */
static bool ifname_ok(const char *s) {
        size_t n = strnlen(s, IFNAMSIZ);

        if (n == 0 || n >= IFNAMSIZ)
                return false;
        for (const char *p = s; *p; p++)
                if (*p <= ' ' || *p > '~' || strchr("\"\\*/:", *p))
                        return false;
        return true;
}

static bool family_ok(int f) {
        return f == AF_INET || f == AF_INET6;
}

static int elem_check(const struct nat_elem *e) {
        switch (e->type) {
        case NAT_ELEM_LINK:
                return ifname_ok(e->ifname) ? 0 : -EINVAL;
        case NAT_ELEM_MASQ:
                return ifname_ok(e->ifname) && family_ok(e->family) ? 0 : -EINVAL;
        case NAT_ELEM_FWD:
                if (!family_ok(e->family) || !nat_proto_name(e->protocol))
                        return -EINVAL;
                if (e->port == 0 || e->port_end < e->port || e->ns_port == 0 ||
                    (unsigned) e->ns_port + (e->port_end - e->port) > 65535)
                        return -EINVAL;
                return 0;
        default:
                return -EINVAL;
        }
}

int nat_elem_format(const struct nat_elem *e, char *buf, size_t size) {
        char host[INET6_ADDRSTRLEN] = "*", ns[INET6_ADDRSTRLEN], ports[16];
        int n;

        if (elem_check(e) < 0)
                return -EINVAL;
        switch (e->type) {
        case NAT_ELEM_LINK:
                n = snprintf(buf, size, "link %s", e->ifname);
                break;
        case NAT_ELEM_MASQ:
                n = snprintf(buf, size, "masq %s %c", e->ifname, e->family == AF_INET ? '4' : '6');
                break;
        case NAT_ELEM_FWD:
                if (e->has_host_addr)
                        (void) inet_ntop(e->family, &e->host_addr, host, sizeof(host));
                (void) inet_ntop(e->family, &e->ns_addr, ns, sizeof(ns));
                if (e->port_end != e->port)
                        (void) snprintf(ports, sizeof(ports), "%u-%u", e->port, e->port_end);
                else
                        (void) snprintf(ports, sizeof(ports), "%u", e->port);
                n = snprintf(buf, size, "fwd %c %s %s %s %s %u", e->family == AF_INET ? '4' : '6',
                             nat_proto_name(e->protocol), host, ports, ns, e->ns_port);
                break;
        default:
                return -EINVAL;
        }
        return n < 0 || (size_t) n >= size ? -EINVAL : 0;
}

static int parse_u16(const char *s, uint16_t *ret) {
        char *end;
        unsigned long v;

        if (!*s || *s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno || *end || v == 0 || v > 65535)
                return -EINVAL;
        *ret = (uint16_t) v;
        return 0;
}

int nat_elem_parse(const char *s, struct nat_elem *ret) {
        char w[7][INET6_ADDRSTRLEN + 8];
        struct nat_elem e = {};
        char tail;
        int n, r;

        /* at most 7 words, each shorter than the buffers, and nothing after them */
        n = sscanf(s, "%46s %46s %46s %46s %46s %46s %46s %c", w[0], w[1], w[2], w[3], w[4], w[5], w[6], &tail);
        if (n >= 1 && streq(w[0], "link") && n == 2) {
                e.type = NAT_ELEM_LINK;
                if (strlen(w[1]) >= IFNAMSIZ)
                        return -EINVAL;
                strcpy(e.ifname, w[1]);
        } else if (n >= 1 && streq(w[0], "masq") && n == 3) {
                e.type = NAT_ELEM_MASQ;
                if (strlen(w[1]) >= IFNAMSIZ)
                        return -EINVAL;
                strcpy(e.ifname, w[1]);
                e.family = streq(w[2], "4") ? AF_INET : streq(w[2], "6") ? AF_INET6 : AF_UNSPEC;
        } else if (n >= 1 && streq(w[0], "fwd") && n == 7) {
                char *dash;

                e.type = NAT_ELEM_FWD;
                e.family = streq(w[1], "4") ? AF_INET : streq(w[1], "6") ? AF_INET6 : AF_UNSPEC;
                if (!family_ok(e.family))
                        return -EINVAL;
                r = proto_from_name(w[2]);
                if (r < 0)
                        return r;
                e.protocol = (uint8_t) r;
                if (!streq(w[3], "*")) {
                        if (inet_pton(e.family, w[3], &e.host_addr) != 1)
                                return -EINVAL;
                        e.has_host_addr = true;
                }
                dash = strchr(w[4], '-');
                if (dash)
                        *dash = 0;
                if (parse_u16(w[4], &e.port) < 0 || parse_u16(dash ? dash + 1 : w[4], &e.port_end) < 0)
                        return -EINVAL;
                if (inet_pton(e.family, w[5], &e.ns_addr) != 1 || parse_u16(w[6], &e.ns_port) < 0)
                        return -EINVAL;
        } else
                return -EINVAL;
        if (elem_check(&e) < 0)
                return -EINVAL;
        *ret = e;
        return 0;
}

/* ---- asking the kernel directly (libmnl): cheap questions nft would answer only by
 * loading the whole table ---- */

static int nfnl_open_cb(void *userdata) {
        struct mnl_socket **nl = userdata;

        *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
        return *nl ? 0 : negative_errno();
}

/* A netfilter netlink socket of namespace @netns_fd (-1: the current one); NULL with errno */
static struct mnl_socket *nfnl_open(int netns_fd) {
        struct mnl_socket *nl = NULL;
        int one = 1, r;

        r = netns_run_in(netns_fd, nfnl_open_cb, &nl);
        if (r < 0) {
                errno = -r;
                return NULL;
        }
        /* errors with the kernel's text, without a copy of the request */
        (void) mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
        (void) mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                int saved = errno;
                mnl_socket_close(nl);
                errno = saved;
                return NULL;
        }
        return nl;
}

static struct nlmsghdr *nfnl_msg(void *buf, uint16_t type, uint16_t flags, uint32_t seq) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct nfgenmsg *nfg;

        nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | type;
        nlh->nlmsg_flags = NLM_F_REQUEST | flags;
        nlh->nlmsg_seq = seq;
        nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
        nfg->nfgen_family = NFPROTO_INET;
        nfg->version = NFNETLINK_V0;
        nfg->res_id = 0;
        return nlh;
}

/*
 * One netfilter netlink socket per process, for these questions and for the batches below,
 * kept until exit, and over it: "down" hands its netfilter sockets to the process that
 * finishes deleting the veth after it (step-veth.c). Deleting anything in nftables leaves
 * work for after an RCU grace period (10-25 ms), and the kernel waits for it whenever a
 * netfilter netlink socket is closed (NETLINK_URELEASE flushes the destroy work), also for
 * the deletions another process just made (the "down" before ours). Reusing it takes reading
 * every reply to a request, also after @cb has seen enough: a dump left half-read would make
 * the next request fail (EBUSY).
 */
static struct mnl_socket *nfnl_sock;
static uint32_t nfnl_seq;

struct nfnl_reply {
        mnl_cb_t cb;
        void *data;
        bool stopped; /* @cb has seen enough; the rest of the dump is read and dropped */
};

static int nfnl_reply_cb(const struct nlmsghdr *nlh, void *data) {
        struct nfnl_reply *rp = data;
        int r;

        if (rp->stopped || !rp->cb)
                return MNL_CB_OK;
        r = rp->cb(nlh, rp->data);
        if (r == MNL_CB_STOP) {
                rp->stopped = true;
                return MNL_CB_OK;
        }
        return r;
}

/* Send @nlh over *@sock (opened in the current namespace when NULL) and run @cb on the
 * replies to the end (or until @cb stops). 0 or -errno. */
static int nfnl_call(struct mnl_socket **sock, struct nlmsghdr *nlh, mnl_cb_t cb, void *data) {
        struct nfnl_reply rp = { .cb = cb, .data = data };
        char buf[NL_BUFFER_SIZE];
        uint32_t portid, seq;
        bool clean = false; /* the socket holds no reply of ours any more */
        int r;

        if (!*sock) {
                *sock = nfnl_open(-1);
                if (!*sock)
                        return negative_errno();
        }
        portid = mnl_socket_get_portid(*sock);
        nlh->nlmsg_seq = seq = ++nfnl_seq;
        if (mnl_socket_sendto(*sock, nlh, nlh->nlmsg_len) < 0)
                return negative_errno();
        for (;;) {
                ssize_t k = mnl_socket_recvfrom(*sock, buf, sizeof(buf));

                if (k < 0) {
                        r = negative_errno();
                        break;
                }
                r = mnl_cb_run(buf, nl_msgs_len(buf, (size_t) k), seq, portid, nfnl_reply_cb, &rp);
                if (r <= MNL_CB_STOP) {
                        /* the end of the replies, or the kernel's error (its last word) */
                        r = r < 0 ? negative_errno() : 0;
                        clean = r >= 0 || (r != -EPROTO && r != -ESRCH && r != -EINTR);
                        break;
                }
        }
        if (!clean) {
                /* replies may be left over: a fresh socket next time (this close may wait) */
                mnl_socket_close(*sock);
                *sock = NULL;
        }
        return r;
}

static int table_cb(const struct nlmsghdr *nlh, void *data) {
        bool *ours = data;
        struct nlattr *a;

        mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
                if (mnl_attr_get_type(a) == NFTA_TABLE_USERDATA &&
                    memmem(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), NFT_NAT_TABLE_MARK, STRLEN(NFT_NAT_TABLE_MARK)))
                        *ours = true;
        return MNL_CB_OK;
}

/* TABLE_ABSENT, TABLE_OURS (it has our mark), TABLE_FOREIGN, or -errno */
enum { TABLE_ABSENT = NFT_FW_ABSENT, TABLE_OURS = NFT_FW_OURS, TABLE_FOREIGN = NFT_FW_FOREIGN };

/* the state of table @name of *@sock's namespace */
static int table_state_of(struct mnl_socket **sock, const char *name) {
        char buf[NL_BUFFER_SIZE];
        struct nlmsghdr *nlh;
        bool ours = false;
        int r;

        nlh = nfnl_msg(buf, NFT_MSG_GETTABLE, NLM_F_ACK, (uint32_t) time(NULL));
        mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, name);
        r = nfnl_call(sock, nlh, table_cb, &ours);
        if (r == -ENOENT)
                return TABLE_ABSENT;
        if (r < 0)
                return r;
        return ours ? TABLE_OURS : TABLE_FOREIGN;
}

static int table_state(void) {
        return table_state_of(&nfnl_sock, NFT_NAT_TABLE);
}

int nft_nat_table_exists(void) {
        int r = table_state();

        return r < 0 ? r : r != TABLE_ABSENT;
}

static int elem_list_cb(const struct nlmsghdr *nlh, void *data) {
        bool *found = data;
        struct nlattr *a, *e;

        mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
                if (mnl_attr_get_type(a) != NFTA_SET_ELEM_LIST_ELEMENTS)
                        continue;
                mnl_attr_for_each_nested(e, a)
                        if (mnl_attr_get_type(e) == NFTA_LIST_ELEM) {
                                *found = true;
                                return MNL_CB_STOP; /* one is enough; nfnl_call() drops the rest of the dump */
                        }
        }
        return MNL_CB_OK;
}

/* Whether set @set of our table has an element: 1, 0, -ENOENT (no such set), -errno */
static int set_has_elements(const char *set) {
        char buf[NL_BUFFER_SIZE];
        struct nlmsghdr *nlh;
        bool found = false;
        int r;

        nlh = nfnl_msg(buf, NFT_MSG_GETSETELEM, NLM_F_DUMP | NLM_F_ACK, (uint32_t) time(NULL));
        mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, NFT_NAT_TABLE);
        mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
        r = nfnl_call(&nfnl_sock, nlh, elem_list_cb, &found);
        if (r < 0)
                return r;
        return found;
}

struct others_scan {
        const struct nat_elem *elems;
        size_t n;
        bool other; /* an element that is none of @elems' LINKs */
};

static bool is_our_link(const struct others_scan *s, const char *name, size_t len) {
        for (size_t i = 0; i < s->n; i++)
                if (s->elems[i].type == NAT_ELEM_LINK && strnlen(s->elems[i].ifname, IFNAMSIZ) == strnlen(name, len) &&
                    strncmp(s->elems[i].ifname, name, strnlen(name, len)) == 0)
                        return true;
        return false;
}

static int others_cb(const struct nlmsghdr *nlh, void *data) {
        struct others_scan *s = data;
        struct nlattr *a, *e, *k, *v;

        mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
                if (mnl_attr_get_type(a) != NFTA_SET_ELEM_LIST_ELEMENTS)
                        continue;
                mnl_attr_for_each_nested(e, a) {
                        bool ours = false;

                        if (mnl_attr_get_type(e) != NFTA_LIST_ELEM)
                                continue;
                        mnl_attr_for_each_nested(k, e) {
                                if (mnl_attr_get_type(k) != NFTA_SET_ELEM_KEY)
                                        continue;
                                mnl_attr_for_each_nested(v, k)
                                        if (mnl_attr_get_type(v) == NFTA_DATA_VALUE)
                                                ours = is_our_link(s, mnl_attr_get_payload(v), mnl_attr_get_payload_len(v));
                        }
                        if (!ours) {
                                s->other = true;
                                return MNL_CB_STOP; /* nfnl_call() drops the rest of the dump */
                        }
                }
        }
        return MNL_CB_OK;
}

/* Whether set veths holds anything but the LINK elements of @elems: 1, 0, -ENOENT (no such
 * set), -errno. Asked BEFORE removing them, so that the table can go in the same transaction. */
static int veths_has_others(const struct nat_elem *elems, size_t n) {
        char buf[NL_BUFFER_SIZE];
        struct nlmsghdr *nlh;
        struct others_scan s = { .elems = elems, .n = n };
        int r;

        nlh = nfnl_msg(buf, NFT_MSG_GETSETELEM, NLM_F_DUMP | NLM_F_ACK, (uint32_t) time(NULL));
        mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, NFT_NAT_TABLE);
        mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, "veths");
        r = nfnl_call(&nfnl_sock, nlh, others_cb, &s);
        if (r < 0)
                return r;
        return s.other;
}

/* ---- changes over netlink: one batch, one transaction ---- */

/*
 * What nft sends for "add element", "delete element" and the table's definition, built here:
 * NEWSETELEM/DELSETELEM messages, and those of nft_table_msgs(), between a batch's begin and
 * end, one transaction. nft would first load its cache (the table's definitions), and
 * libnftables with what it pulls in costs a process more than a whole "up" does otherwise.
 *
 * The bytes of a key or a map's data: a concatenation's fields each start on a 32-bit
 * register, so a field is padded to a multiple of 4 bytes; an interface name is IFNAMSIZ
 * bytes, zero-padded; protocol and nf_proto 1 byte; a port 2 bytes in network order.
 */
struct elem_value {
        uint8_t key[16 + 4 + 4];       /* the longest: ipv6_addr . inet_proto . inet_service */
        uint8_t data[16 + 4];          /* ipv6_addr . inet_service */
        uint32_t key_len, data_len;
};

static const char *fwd_map(const struct nat_elem *e) {
        if (e->family == AF_INET)
                return e->has_host_addr ? "fwd4a" : "fwd4";
        return e->has_host_addr ? "fwd6a" : "fwd6";
}

static const char *elem_set(const struct nat_elem *e) {
        switch (e->type) {
        case NAT_ELEM_LINK:
                return "veths";
        case NAT_ELEM_MASQ:
                return "masq";
        default:
                return fwd_map(e);
        }
}

/* Element @e as the kernel stores it; for a port forward the one for host port @port. */
static void elem_value(const struct nat_elem *e, unsigned port, struct elem_value *v) {
        size_t alen = e->family == AF_INET6 ? 16 : 4, off = 0;
        uint16_t be;

        *v = (struct elem_value) {};
        switch (e->type) {
        case NAT_ELEM_LINK:
                memcpy(v->key, e->ifname, strnlen(e->ifname, IFNAMSIZ));
                v->key_len = IFNAMSIZ;
                return;
        case NAT_ELEM_MASQ:
                memcpy(v->key, e->ifname, strnlen(e->ifname, IFNAMSIZ));
                v->key[IFNAMSIZ] = e->family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
                v->key_len = IFNAMSIZ + 4;
                return;
        case NAT_ELEM_FWD:
                if (e->has_host_addr) {
                        memcpy(v->key, e->host_addr.bytes, alen);
                        off = alen;
                }
                v->key[off] = e->protocol;
                off += 4;
                be = htons((uint16_t) port);
                memcpy(v->key + off, &be, sizeof(be));
                v->key_len = (uint32_t) (off + 4);
                memcpy(v->data, e->ns_addr.bytes, alen);
                be = htons((uint16_t) (e->ns_port + (port - e->port)));
                memcpy(v->data + alen, &be, sizeof(be));
                v->data_len = (uint32_t) (alen + 4);
                return;
        default:
                return; /* elem_check() lets no other through */
        }
}

/* room for one message's header and names, and for one element */
#define MSG_ROOM 128U
#define ELEM_ROOM 96U

struct nfbatch {
        char *buf;
        size_t size, len;
        uint32_t seq; /* of the batch's begin; the messages follow it */
        unsigned n;   /* messages between begin and end */
        /* the last message while more elements can join it: its offset (0: none), that of
         * its list of elements, its type and set */
        size_t elems_msg, elems_list;
        uint16_t elems_type;
        const char *elems_set;
};

static void nfbatch_done(struct nfbatch *b) {
        free(b->buf);
        *b = (struct nfbatch) {};
}

static int nfbatch_reserve(struct nfbatch *b, size_t room) {
        size_t size;
        char *p;

        if (b->len + room <= b->size)
                return 0;
        size = b->size * 2 > b->len + room ? b->size * 2 : b->len + room;
        p = realloc(b->buf, size);
        if (!p)
                return -ENOMEM;
        memset(p + b->size, 0, size - b->size);
        b->buf = p;
        b->size = size;
        return 0;
}

/* a batch's begin or end: addressed to nfnetlink itself, naming the nftables subsystem */
static int nfbatch_marker(struct nfbatch *b, uint16_t type, uint32_t seq) {
        struct nlmsghdr *nlh;
        struct nfgenmsg *nfg;
        int r;

        r = nfbatch_reserve(b, MSG_ROOM);
        if (r < 0)
                return r;
        nlh = mnl_nlmsg_put_header(b->buf + b->len);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST;
        nlh->nlmsg_seq = seq;
        nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
        nfg->nfgen_family = AF_UNSPEC;
        nfg->version = NFNETLINK_V0;
        nfg->res_id = htons(NFNL_SUBSYS_NFTABLES);
        b->len += NLMSG_ALIGN(nlh->nlmsg_len);
        return 0;
}

static int nfbatch_begin(struct nfbatch *b) {
        *b = (struct nfbatch) { .seq = nfnl_seq + 1 };
        return nfbatch_marker(b, NFNL_MSG_BATCH_BEGIN, b->seq);
}

/* A message of the transaction (NLM_F_ACK: each is answered, so a failure can be told from
 * silence); @room is what it may take beyond the header. Valid until the next call. */
static struct nlmsghdr *nfbatch_msg(struct nfbatch *b, uint16_t type, uint16_t flags, size_t room) {
        if (nfbatch_reserve(b, MSG_ROOM + room) < 0)
                return NULL;
        b->n++;
        b->elems_msg = 0;
        return nfnl_msg(b->buf + b->len, type, NLM_F_ACK | flags, b->seq + b->n);
}

static void nfbatch_msg_end(struct nfbatch *b, struct nlmsghdr *nlh) {
        b->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/*
 * The message that the next element of set @set goes into: the last one if it is of the same
 * type and set and has room, else a new one. So the elements of a set travel in as few
 * messages as the 16-bit length of their list allows, as nft sends them: a port range or
 * nat-sync's thousands of elements in a few messages, each answered by one acknowledgement
 * (thousands of those would overflow the socket's receive buffer). Room for one element is
 * reserved; the pointer is valid until the next call.
 */
static struct nlmsghdr *nfbatch_elems(struct nfbatch *b, uint16_t type, uint16_t flags, const char *set) {
        struct nlmsghdr *nlh;
        struct nlattr *list;

        if (nfbatch_reserve(b, ELEM_ROOM) < 0)
                return NULL;
        if (b->elems_msg > 0 && b->elems_type == type && streq(b->elems_set, set) &&
            b->len + ELEM_ROOM - b->elems_list <= UINT16_MAX)
                return (struct nlmsghdr *) (b->buf + b->elems_msg);
        nlh = nfbatch_msg(b, type, flags, ELEM_ROOM);
        if (!nlh)
                return NULL;
        mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, NFT_NAT_TABLE);
        mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
        list = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
        b->elems_msg = b->len;
        b->elems_list = (size_t) ((char *) list - b->buf);
        b->elems_type = type;
        b->elems_set = set;
        nfbatch_msg_end(b, nlh);
        return nlh;
}

/* NEWSETELEM (@with_data: a map's data too) or DELSETELEM (keys only) of element run @e */
static int nfbatch_elem(struct nfbatch *b, uint16_t type, uint16_t flags, const struct nat_elem *e, bool with_data) {
        unsigned first = e->type == NAT_ELEM_FWD ? e->port : 0, last = e->type == NAT_ELEM_FWD ? e->port_end : 0;

        for (unsigned p = first; p <= last; p++) {
                struct nlmsghdr *nlh = nfbatch_elems(b, type, flags, elem_set(e));
                struct nlattr *el, *nest;
                struct elem_value v;

                if (!nlh)
                        return -ENOMEM;
                elem_value(e, p, &v);
                el = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
                nest = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_KEY);
                mnl_attr_put(nlh, NFTA_DATA_VALUE, v.key_len, v.key);
                mnl_attr_nest_end(nlh, nest);
                if (with_data && v.data_len > 0) {
                        nest = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_DATA);
                        mnl_attr_put(nlh, NFTA_DATA_VALUE, v.data_len, v.data);
                        mnl_attr_nest_end(nlh, nest);
                }
                mnl_attr_nest_end(nlh, el);
                /* the message is the last in the batch: it and its list grow */
                mnl_attr_nest_end(nlh, (struct nlattr *) (b->buf + b->elems_list));
                b->len = b->elems_msg + NLMSG_ALIGN(nlh->nlmsg_len);
        }
        return 0;
}

/* "add element" as nft does it: no NLM_F_EXCL, so an element that is there with the same
 * data is no error, with other data it is EEXIST */
static int nfbatch_add(struct nfbatch *b, const struct nat_elem *e) {
        return nfbatch_elem(b, NFT_MSG_NEWSETELEM, NLM_F_CREATE, e, true);
}

/* All of @elems but those @skip marks (may be NULL), set by set: the elements of a set then
 * share their messages (nfbatch_elems()), also when @elems comes namespace by namespace. */
static int nfbatch_add_all(struct nfbatch *b, const struct nat_elem *elems, size_t n, const bool *skip) {
        static const char *const sets[] = { "veths", "masq", "fwd4", "fwd4a", "fwd6", "fwd6a" };
        int r;

        for (size_t s = 0; s < ELEMENTSOF(sets); s++)
                for (size_t i = 0; i < n; i++) {
                        if ((skip && skip[i]) || !streq(elem_set(&elems[i]), sets[s]))
                                continue;
                        r = nfbatch_add(b, &elems[i]);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int nfbatch_del(struct nfbatch *b, const struct nat_elem *e) {
        return nfbatch_elem(b, NFT_MSG_DELSETELEM, 0, e, false);
}

/* NEWTABLE (without NLM_F_EXCL: also when it is there) or DELTABLE of our table @name */
static int nfbatch_table(struct nfbatch *b, uint16_t type, const char *name) {
        struct nlmsghdr *nlh = nfbatch_msg(b, type, type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0, 0);

        if (!nlh)
                return -ENOMEM;
        mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, name);
        nfbatch_msg_end(b, nlh);
        return 0;
}

/* Table @name deleted in the batch, also when it is absent: "add" (which succeeds either way)
 * makes the delete succeed */
static int nfbatch_table_delete(struct nfbatch *b, const char *name) {
        int r = nfbatch_table(b, NFT_MSG_NEWTABLE, name);

        return r < 0 ? r : nfbatch_table(b, NFT_MSG_DELTABLE, name);
}

/* Messages built elsewhere (nft-table.c), numbered into the batch */
static int nfbatch_msgs(struct nfbatch *b, const char *msgs, size_t len) {
        int rest, r;

        r = nfbatch_reserve(b, len);
        if (r < 0)
                return r;
        b->elems_msg = 0;
        rest = (int) len;
        for (const struct nlmsghdr *h = (const struct nlmsghdr *) msgs; mnl_nlmsg_ok(h, rest); h = mnl_nlmsg_next(h, &rest)) {
                struct nlmsghdr *nlh = (struct nlmsghdr *) (b->buf + b->len);

                memcpy(nlh, h, h->nlmsg_len);
                nlh->nlmsg_flags |= NLM_F_ACK;
                nlh->nlmsg_seq = b->seq + ++b->n;
                nfbatch_msg_end(b, nlh);
        }
        return 0;
}

/* The table with its chains, sets and rules, as "nft -f" creates it (nft-table.c) */
static int nfbatch_table_def(struct nfbatch *b) {
        _cleanup_free_ char *msgs = NULL;
        size_t len;
        int r;

        r = nft_table_msgs(&msgs, &len);
        if (r < 0)
                return r;
        return nfbatch_msgs(b, msgs, len);
}

/*
 * The answers to a batch: one NLMSG_ERROR per message (0 = done). nfnetlink runs a batch
 * while sendmsg() is in the kernel, so they are all queued when it returns. 0 when all
 * succeeded, else the first failure's -errno (the kernel's text, if any, in @msg).
 */
static int nfbatch_acks(const void *buf, size_t len, uint32_t seq_first, unsigned n, unsigned *acked,
                        char *msg, size_t msg_size, int *first_error) {
        int rest = (int) len;

        for (const struct nlmsghdr *h = buf; nl_msg_ok(h, rest); h = mnl_nlmsg_next(h, &rest)) {
                const struct nlmsgerr *e;

                if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_seq < seq_first || h->nlmsg_seq > seq_first + n)
                        continue; /* not an answer to this batch */
                if (mnl_nlmsg_get_payload_len(h) < sizeof(int))
                        return -EBADMSG;
                e = mnl_nlmsg_get_payload(h);
                /* an error about the batch as a whole (ENOMEM) points at its begin */
                if (h->nlmsg_seq != seq_first)
                        (*acked)++;
                else if (e->error >= 0)
                        continue;
                if (e->error < 0 && *first_error == 0) {
                        *first_error = e->error;
                        nl_extack_msg(h, msg, msg_size);
                }
        }
        return 0;
}

/* Make the socket's buffer @opt (SO_SNDBUF, SO_RCVBUF) at least @size bytes. */
static void nfnl_buffer(struct mnl_socket *sock, int opt, int opt_force, size_t size) {
        int fd = mnl_socket_get_fd(sock), cur = 0, want;
        socklen_t sl = sizeof(cur);

        if (getsockopt(fd, SOL_SOCKET, opt, &cur, &sl) < 0 || cur < 0 || (size_t) cur >= size)
                return;
        want = size > INT_MAX / 4 ? INT_MAX / 4 : (int) size; /* the kernel doubles it */
        if (setsockopt(fd, SOL_SOCKET, opt_force, &want, sizeof(want)) < 0)
                (void) setsockopt(fd, SOL_SOCKET, opt, &want, sizeof(want));
}

/* The kernel refuses a message longer than the socket's send buffer (EMSGSIZE), and a batch
 * is one message to it: raise the buffer for a big one (a port range, nat-sync), as nft does.
 * The kernel answers every message of the batch while sendmsg() runs, and drops answers that
 * do not fit into the receive buffer: make room for @n (each takes some 1 KiB of it). */
static void nfnl_buffers(struct mnl_socket *sock, size_t len, unsigned n) {
        nfnl_buffer(sock, SO_SNDBUF, SO_SNDBUFFORCE, len + 4096);
        nfnl_buffer(sock, SO_RCVBUF, SO_RCVBUFFORCE, (size_t) n * 2048);
}

/* Send the batch (its end appended here) and collect its answers. 0 or -errno of the first
 * message that failed; that failure's text (the kernel's, or strerror()) in *@ret_error. */
static int nfbatch_run(struct mnl_socket **sock, struct nfbatch *b, char **ret_error) {
        char buf[NL_BUFFER_SIZE], msg[256] = "";
        unsigned acked = 0;
        int first_error = 0, r;

        if (b->n == 0)
                return 0;
        r = nfbatch_marker(b, NFNL_MSG_BATCH_END, b->seq + b->n + 1);
        if (r < 0)
                return r;
        nfnl_seq = b->seq + b->n + 1;
        if (!*sock) {
                *sock = nfnl_open(-1);
                if (!*sock)
                        return negative_errno();
        }
        nfnl_buffers(*sock, b->len, b->n);
        if (mnl_socket_sendto(*sock, b->buf, b->len) < 0)
                return negative_errno();
        while (acked < b->n) {
                ssize_t k = recv(mnl_socket_get_fd(*sock), buf, sizeof(buf), MSG_DONTWAIT);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                r = nfbatch_acks(buf, (size_t) k, b->seq, b->n, &acked, msg, sizeof(msg), &first_error);
                if (r < 0)
                        return r;
        }
        if (first_error == 0 && acked < b->n) {
                /* answers missing (an overflowing socket?): what happened is unknown, and
                 * what is left over must not be taken for the next call's answers */
                mnl_socket_close(*sock);
                *sock = NULL;
                return -EPROTO;
        }
        if (first_error < 0 && ret_error)
                *ret_error = strdup(msg[0] ? msg : strerror(-first_error));
        return first_error;
}

/* ---- the operations ---- */

int nft_nat_add(const struct nat_elem *elems, size_t n, char **ret_error) {
        _cleanup_free_ char *err = NULL;
        struct nfbatch b;
        int exists, r;

        for (size_t i = 0; i < n; i++)
                if (elem_check(&elems[i]) < 0)
                        return -EINVAL;
        exists = table_state();
        if (exists < 0)
                return exists;
        if (exists == TABLE_FOREIGN)
                return -EUCLEAN;

        if (exists) {
                /* the table is there: elements only */
                r = nfbatch_begin(&b);
                if (r >= 0)
                        r = nfbatch_add_all(&b, elems, n, NULL);
                if (r >= 0)
                        r = nfbatch_run(&nfnl_sock, &b, &err);
                nfbatch_done(&b);
                if (r != -ENOENT)
                        goto finish;
                /* the table (or a set of it) went away since we looked (nft flush ruleset):
                 * again, with the table */
                free(err);
                err = NULL;
        }

        /* The first namespace: the table and its elements in one transaction. */
        r = nfbatch_begin(&b);
        if (r >= 0)
                r = nfbatch_table_def(&b);
        if (r >= 0)
                r = nfbatch_add_all(&b, elems, n, NULL);
        if (r >= 0)
                r = nfbatch_run(&nfnl_sock, &b, &err);
        nfbatch_done(&b);
finish:
        if (r < 0 && ret_error)
                *ret_error = TAKE_PTR(err);
        return r;
}

int nft_nat_change(const struct nat_elem *del, size_t n_del, const struct nat_elem *add, size_t n_add, char **ret_error) {
        _cleanup_free_ char *err = NULL;
        struct nfbatch b;
        int r;

        for (size_t i = 0; i < n_del; i++)
                if (elem_check(&del[i]) < 0)
                        return -EINVAL;
        for (size_t i = 0; i < n_add; i++)
                if (elem_check(&add[i]) < 0)
                        return -EINVAL;
        if (n_del + n_add == 0)
                return 0;
        r = table_state();
        if (r < 0)
                return r;
        if (r == TABLE_FOREIGN)
                return -EUCLEAN;
        if (r == TABLE_ABSENT)
                return nft_nat_add(add, n_add, ret_error); /* nothing to delete, then */

        /* as remove_one(): "add" with our data first makes the delete succeed when the element
         * is already gone, and fail (EEXIST) when it holds someone else's data */
        r = nfbatch_begin(&b);
        for (size_t i = 0; i < n_del && r >= 0; i++) {
                r = nfbatch_add(&b, &del[i]);
                if (r >= 0)
                        r = nfbatch_del(&b, &del[i]);
        }
        if (r >= 0)
                r = nfbatch_add_all(&b, add, n_add, NULL);
        if (r >= 0)
                r = nfbatch_run(&nfnl_sock, &b, &err);
        nfbatch_done(&b);
        if (r < 0 && ret_error)
                *ret_error = TAKE_PTR(err);
        return r;
}

/* Delete the table when no namespace is registered in it any more (set veths empty). */
static int table_remove_if_unused(void) {
        struct nfbatch b;
        int r;

        r = set_has_elements("veths");
        if (r == -ENOENT)
                return 0;
        if (r != 0)
                return r < 0 ? r : 0;
        /* also if someone removed the table meanwhile */
        r = nfbatch_begin(&b);
        if (r >= 0)
                r = nfbatch_table_delete(&b, NFT_NAT_TABLE);
        if (r >= 0)
                r = nfbatch_run(&nfnl_sock, &b, NULL);
        nfbatch_done(&b);
        return r == -ENOENT ? 0 : r;
}

/* Delete one element if it is ours: adding it with our data first succeeds only if it is
 * absent or identical; then the delete removes it. If someone else's data is there, the add
 * fails and the transaction changes nothing. */
static int remove_one(const struct nat_elem *e) {
        struct nfbatch b;
        int r;

        r = nfbatch_begin(&b);
        if (r >= 0)
                r = nfbatch_add(&b, e);
        if (r >= 0)
                r = nfbatch_del(&b, e);
        if (r >= 0)
                r = nfbatch_run(&nfnl_sock, &b, NULL);
        nfbatch_done(&b);
        if (r == -EEXIST) {
                log_debug("Not removing an element of table " TBL " that holds other data (not ours).");
                return 0;
        }
        if (r == -ENOENT)
                return 0;
        return r;
}

int nft_nat_remove(const struct nat_elem *elems, size_t n) {
        struct nfbatch b;
        int r, others, ret = 0;

        for (size_t i = 0; i < n; i++)
                if (elem_check(&elems[i]) < 0)
                        return -EINVAL;
        r = table_state();
        if (r < 0)
                return r;
        if (r != TABLE_OURS)
                return 0; /* nothing of ours can be in someone else's table */

        /* the last namespace takes the table with it, in the same transaction */
        others = veths_has_others(elems, n);
        if (others < 0 && others != -ENOENT)
                return others;

        r = nfbatch_begin(&b);
        for (size_t i = 0; i < n && r >= 0; i++) {
                r = nfbatch_add(&b, &elems[i]);
                if (r >= 0)
                        r = nfbatch_del(&b, &elems[i]);
        }
        if (r >= 0 && others == 0)
                r = nfbatch_table(&b, NFT_MSG_DELTABLE, NFT_NAT_TABLE);
        if (r >= 0)
                r = nfbatch_run(&nfnl_sock, &b, NULL);
        nfbatch_done(&b);
        if (r >= 0)
                return 0;
        if (r == -ENOMEM)
                return r;

        /* something is not ours, or gone: element by element, tolerantly */
        for (size_t i = 0; i < n; i++) {
                r = remove_one(&elems[i]);
                if (r < 0 && ret == 0)
                        ret = r;
        }
        r = table_remove_if_unused();
        return ret < 0 ? ret : r;
}

static bool fwd_clash(const struct nat_elem *a, const struct nat_elem *b) {
        return a->type == NAT_ELEM_FWD && b->type == NAT_ELEM_FWD && a->family == b->family &&
               a->protocol == b->protocol && a->has_host_addr == b->has_host_addr &&
               (!a->has_host_addr || memcmp(&a->host_addr, &b->host_addr, sizeof(a->host_addr)) == 0) &&
               a->port <= b->port_end && b->port <= a->port_end;
}

int nft_nat_sync(const struct nat_elem *elems, size_t n, char **ret_error) {
        _cleanup_free_ bool *skip = NULL;
        struct nfbatch b;
        int r;

        skip = calloc(n + 1, sizeof(bool));
        if (!skip)
                return -ENOMEM;
        /* Two records claiming one host port cannot come from "up" (it refuses the second);
         * if they are there anyway, the first keeps it, and the transaction still succeeds. */
        for (size_t i = 0; i < n; i++) {
                if (elem_check(&elems[i]) < 0) {
                        skip[i] = true;
                        continue;
                }
                for (size_t j = 0; j < i && !skip[i]; j++)
                        if (!skip[j] && fwd_clash(&elems[j], &elems[i])) {
                                log_debug("Port forward %zu clashes with %zu, leaving it out.", i, j);
                                skip[i] = true;
                        }
        }

        /* deleted (also when absent), then the table anew */
        r = nfbatch_begin(&b);
        if (r >= 0)
                r = nfbatch_table_delete(&b, NFT_NAT_TABLE);
        if (r >= 0 && n > 0)
                r = nfbatch_table_def(&b);
        if (r >= 0)
                r = nfbatch_add_all(&b, elems, n, skip);
        if (r >= 0)
                r = nfbatch_run(&nfnl_sock, &b, ret_error);
        nfbatch_done(&b);
        return r;
}

/* ---- the firewall table inside a namespace ---- */

/* One socket into the namespace last asked about, kept (as nfnl_sock: closing one waits) */
static struct mnl_socket *fw_sock;
static unsigned long long fw_sock_ino;

static int fw_sock_get(int netns_fd, struct mnl_socket ***ret) {
        struct stat st;

        if (netns_fd < 0)
                return -EBADF;
        if (fstat(netns_fd, &st) < 0)
                return -errno;
        if (fw_sock && fw_sock_ino != (unsigned long long) st.st_ino) {
                mnl_socket_close(fw_sock);
                fw_sock = NULL;
        }
        if (!fw_sock) {
                fw_sock = nfnl_open(netns_fd);
                if (!fw_sock)
                        return negative_errno();
                fw_sock_ino = (unsigned long long) st.st_ino;
        }
        *ret = &fw_sock;
        return 0;
}

int nft_fw_state(int netns_fd) {
        struct mnl_socket **sock;
        int r = fw_sock_get(netns_fd, &sock);

        return r < 0 ? r : table_state_of(sock, NFT_FW_TABLE);
}

/* Table @table of @netns_fd replaced by @msgs (NULL: deleted), one transaction */
static int table_replace(int netns_fd, const char *table, const char *msgs, size_t len, char **ret_error) {
        struct mnl_socket **sock;
        struct nfbatch b;
        int r;

        r = fw_sock_get(netns_fd, &sock);
        if (r < 0)
                return r;
        r = nfbatch_begin(&b);
        if (r >= 0)
                r = nfbatch_table_delete(&b, table);
        if (r >= 0 && msgs)
                r = nfbatch_msgs(&b, msgs, len);
        if (r >= 0)
                r = nfbatch_run(sock, &b, ret_error);
        nfbatch_done(&b);
        return r;
}

/* Table @table of @netns_fd made anew from @msgs, unless a table of that name is someone
 * else's (-EUCLEAN): the old table and the new in one transaction, never none, never half of one */
static int table_load(int netns_fd, const char *table, const char *msgs, size_t len, char **ret_error) {
        struct mnl_socket **sock;
        int r;

        r = fw_sock_get(netns_fd, &sock);
        if (r < 0)
                return r;
        r = table_state_of(sock, table);
        if (r < 0)
                return r;
        if (r == TABLE_FOREIGN)
                return -EUCLEAN;
        return table_replace(netns_fd, table, msgs, len, ret_error);
}

int nft_fw_load(int netns_fd, const struct fw_rule *rules, size_t n, char **ret_error) {
        _cleanup_free_ char *msgs = NULL;
        size_t len;
        int r;

        r = nft_fw_table_msgs(NFT_FW_TABLE, rules, n, &msgs, &len);
        if (r < 0)
                return r;
        return table_load(netns_fd, NFT_FW_TABLE, msgs, len, ret_error);
}

int nft_fw_remove(int netns_fd) {
        int r;

        r = nft_fw_state(netns_fd);
        if (r < 0)
                return r;
        if (r != NFT_FW_OURS)
                return 0; /* gone, or someone else's */
        r = table_replace(netns_fd, NFT_FW_TABLE, NULL, 0, NULL);
        return r == -ENOENT ? 0 : r;
}

int nft_reply_state(int netns_fd) {
        struct mnl_socket **sock;
        int r = fw_sock_get(netns_fd, &sock);

        return r < 0 ? r : table_state_of(sock, NFT_REPLY_TABLE);
}

int nft_reply_load(int netns_fd, const char *ifname, char **ret_error) {
        _cleanup_free_ char *msgs = NULL;
        size_t len;
        int r;

        r = nft_reply_table_msgs(NFT_REPLY_TABLE, ifname, NETNS_REPLY_MARK, &msgs, &len);
        if (r < 0)
                return r;
        return table_load(netns_fd, NFT_REPLY_TABLE, msgs, len, ret_error);
}

/* ---- watching ---- */

struct nft_watch {
        struct mnl_socket *nl;
        bool pending; /* a change to our table seen, its transaction's NEWGEN not yet */
        int result;
};

int nft_watch_new(struct nft_watch **ret) {
        struct nft_watch *w;
        unsigned group = NFNLGRP_NFTABLES;
        int size = 4 * 1024 * 1024, r;

        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->nl = nfnl_open(-1);
        if (!w->nl) {
                r = negative_errno();
                free(w);
                return r;
        }
        if (mnl_socket_setsockopt(w->nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
                r = negative_errno();
                nft_watch_free(w);
                return r;
        }
        /* a big ruleset load is a burst of notifications; overflowing only costs a resync */
        if (setsockopt(mnl_socket_get_fd(w->nl), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
                (void) setsockopt(mnl_socket_get_fd(w->nl), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        *ret = w;
        return 0;
}

void nft_watch_free(struct nft_watch *w) {
        if (!w)
                return;
        if (w->nl)
                mnl_socket_close(w->nl);
        free(w);
}

int nft_watch_fd(const struct nft_watch *w) {
        return mnl_socket_get_fd(w->nl);
}

static const char *attr_str(const struct nlmsghdr *nlh, uint16_t type) {
        struct nlattr *a;

        mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
                if (mnl_attr_get_type(a) == type && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
                        return mnl_attr_get_str(a);
        return NULL;
}

static int watch_cb(const struct nlmsghdr *nlh, void *data) {
        struct nft_watch *w = data;
        const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
        uint16_t type = nlh->nlmsg_type & 0xff, table_attr;
        const char *table, *proc;

        if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_NFTABLES)
                return MNL_CB_OK;
        if (type == NFT_MSG_NEWGEN) {
                /* the end of one transaction: who made it? */
                proc = attr_str(nlh, NFTA_GEN_PROC_NAME);
                if (w->pending && !streq_ptr(proc, "netnsctl"))
                        w->result = 1;
                w->pending = false;
                return MNL_CB_OK;
        }
        switch (type) {
        case NFT_MSG_DELTABLE:
        case NFT_MSG_DESTROYTABLE_:
                table_attr = NFTA_TABLE_NAME;
                break;
        case NFT_MSG_DELCHAIN:
        case NFT_MSG_DESTROYTABLE_ + 1:
                table_attr = NFTA_CHAIN_TABLE;
                break;
        case NFT_MSG_DELRULE:
        case NFT_MSG_DESTROYTABLE_ + 2:
                table_attr = NFTA_RULE_TABLE;
                break;
        case NFT_MSG_DELSET:
        case NFT_MSG_DESTROYTABLE_ + 3:
                table_attr = NFTA_SET_TABLE;
                break;
        case NFT_MSG_DELSETELEM:
        case NFT_MSG_DESTROYSETELEM_:
                table_attr = NFTA_SET_ELEM_LIST_TABLE;
                break;
        default:
                return MNL_CB_OK;
        }
        if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*nfg) || nfg->nfgen_family != NFPROTO_INET)
                return MNL_CB_OK;
        table = attr_str(nlh, table_attr);
        if (streq_ptr(table, NFT_NAT_TABLE))
                w->pending = true;
        return MNL_CB_OK;
}

int nft_watch_process(struct nft_watch *w) {
        char buf[NL_BUFFER_SIZE];
        int fd = mnl_socket_get_fd(w->nl), r;

        w->result = 0;
        for (;;) {
                ssize_t k = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

                if (k < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                break;
                        if (errno == ENOBUFS) {
                                /* lost notifications: cannot tell what happened, assume the worst */
                                w->pending = false;
                                w->result = 1;
                                continue;
                        }
                        return -errno;
                }
                if (k == 0)
                        break;
                r = mnl_cb_run(buf, nl_msgs_len(buf, (size_t) k), 0, 0, watch_cb, w);
                if (r < 0)
                        log_debug("Ignoring a malformed nftables notification: %m");
        }
        return w->result;
}
