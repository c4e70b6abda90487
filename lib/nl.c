/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nl.c - rtnetlink over libmnl: one socket per namespace, one builder per message */

#include <assert.h>
#include <linux/fib_rules.h>
#include <linux/ipv6.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <time.h>

#include "addr.h"
#include "log.h"
#include "nl.h"
#include "ns.h"
#include "util.h"

/* Routes that claim address space: not local/broadcast/multicast/anycast entries, which only
 * mirror addresses, and not unspec/nat/xresolve. */
#define IN_SET_ROUTE_TYPE(t) \
        ((t) == RTN_UNICAST || (t) == RTN_BLACKHOLE || (t) == RTN_UNREACHABLE || (t) == RTN_PROHIBIT || (t) == RTN_THROW)

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

struct open_args {
        int protocol;
        struct mnl_socket *mnl;
};

static int open_cb(void *userdata) {
        struct open_args *a = userdata;

        a->mnl = mnl_socket_open2(a->protocol, SOCK_CLOEXEC);
        return a->mnl ? 0 : negative_errno();
}

int nl_open_protocol(int netns_fd, int protocol, struct nl_sock **ret) {
        struct open_args a = { .protocol = protocol };
        struct nl_sock *s;
        int one = 1, r;

        r = netns_run_in(netns_fd, open_cb, &a);
        if (r < 0)
                return r;
        s = calloc(1, sizeof(*s));
        if (!s) {
                mnl_socket_close(a.mnl);
                return -ENOMEM;
        }
        s->mnl = a.mnl;
        s->buf_size = MNL_SOCKET_BUFFER_SIZE > 32768 ? MNL_SOCKET_BUFFER_SIZE : 32768;
        s->buf = malloc(s->buf_size);
        if (!s->buf) {
                nl_close(s);
                return -ENOMEM;
        }
        (void) mnl_socket_setsockopt(s->mnl, NETLINK_EXT_ACK, &one, sizeof(one));
        (void) mnl_socket_setsockopt(s->mnl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
        if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
                r = negative_errno();
                nl_close(s);
                return r;
        }
        s->portid = mnl_socket_get_portid(s->mnl);
        s->seq = (uint32_t) time(NULL);
        *ret = s;
        return 0;
}

int nl_open(int netns_fd, struct nl_sock **ret) {
        return nl_open_protocol(netns_fd, NETLINK_ROUTE, ret);
}

void nl_close(struct nl_sock *s) {
        if (!s)
                return;
        if (s->mnl)
                mnl_socket_close(s->mnl);
        free(s->buf);
        free(s);
}

struct nlmsghdr *nl_msg_new(struct nl_sock *s, void *buf, uint16_t type, uint16_t flags) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
        nlh->nlmsg_seq = ++s->seq;
        return nlh;
}

void nl_extack_msg(const struct nlmsghdr *nlh, char *buf, size_t size) {
        const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *attr;
        size_t off = sizeof(*err);

        if (size > 0)
                buf[0] = 0;
        if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
                return;
        if (nlh->nlmsg_type == NLMSG_DONE)
                /* a dump's end: its error (an int), then the TLVs; no copy of the request */
                off = sizeof(int);
        else if (mnl_nlmsg_get_payload_len(nlh) < off || err->msg.nlmsg_len < sizeof(struct nlmsghdr))
                return; /* too short to hold the request's header it claims to carry */
        else if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
                off += mnl_nlmsg_get_payload_len(&err->msg);
        if (mnl_nlmsg_get_payload_len(nlh) < off)
                return;
        const void *payload = (const char *) err + off;

        mnl_attr_for_each_payload(payload, mnl_nlmsg_get_payload_len(nlh) - off) {
                if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
                        (void) snprintf(buf, size, "%s", mnl_attr_get_str(attr));
                        return;
                }
        }
}

/* Pull NLMSGERR_ATTR_MSG out of an error message carrying an extended ACK. */
static void parse_extack(struct nl_sock *s, const struct nlmsghdr *nlh) {
        char msg[sizeof(s->extack)];

        nl_extack_msg(nlh, msg, sizeof(msg));
        if (msg[0])
                memcpy(s->extack, msg, sizeof(msg));
}

/*
 * Read replies until each of the @n requests starting at sequence number @seq_first has been
 * answered: an ACK or error (NLMSG_ERROR), or for a dump its NLMSG_DONE. Messages of other
 * sequence numbers (late answers to an earlier, abandoned call) are skipped.
 * Return: the first error's -errno (index in *ret_failed, extack text in s->extack), else
 * what @cb last returned (MNL_CB_OK = 1), or 0 if @cb asked to stop.
 */
static int collect(struct nl_sock *s, uint32_t seq_first, unsigned n, mnl_cb_t cb, void *data, unsigned *ret_failed) {
        unsigned answered = 0;
        int r = MNL_CB_OK, err = 0;
        bool stopped = false;

        s->extack[0] = 0;
        while (answered < n) {
                ssize_t len_read = mnl_socket_recvfrom(s->mnl, s->buf, s->buf_size);
                const struct nlmsghdr *h;
                int len;

                if (len_read < 0)
                        return negative_errno();
                len = (int) len_read;
                /* Walk the messages ourselves rather than through mnl_cb_run(), which turns
                 * NLMSG_ERROR into errno but drops the extended ACK text. */
                for (h = (const struct nlmsghdr *) s->buf; nl_msg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
                        uint32_t i = h->nlmsg_seq - seq_first;
                        int e = 0;

                        if (i >= n || h->nlmsg_pid != s->portid)
                                continue;
                        if (h->nlmsg_type == NLMSG_ERROR) {
                                const struct nlmsgerr *me = mnl_nlmsg_get_payload(h);

                                if (h->nlmsg_len < mnl_nlmsg_size(sizeof(*me)))
                                        e = -EBADMSG;
                                else if (me->error > 0)
                                        e = -EPROTO;
                                else
                                        e = me->error;
                                if (e < 0 && err == 0)
                                        parse_extack(s, h);
                                answered++;
                        } else if (h->nlmsg_type == NLMSG_DONE) {
                                /* a dump's end; its payload, when present, is the dump's error */
                                if (mnl_nlmsg_get_payload_len(h) >= sizeof(int)) {
                                        e = *(const int *) mnl_nlmsg_get_payload(h);
                                        if (e > 0)
                                                e = -EPROTO;
                                        if (e < 0 && err == 0)
                                                parse_extack(s, h);
                                }
                                answered++;
                        } else if (cb && !stopped && err == 0) {
                                r = cb(h, data);
                                if (r == MNL_CB_ERROR)
                                        e = -EIO;
                                else if (r == MNL_CB_STOP)
                                        stopped = true;
                        }
                        if (e < 0 && err == 0) {
                                err = e;
                                if (ret_failed)
                                        *ret_failed = i;
                        }
                }
        }
        if (err < 0)
                return err;
        return stopped ? 0 : r;
}

int nl_call(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data) {
        s->extack[0] = 0;
        if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0)
                return negative_errno();
        return collect(s, nlh->nlmsg_seq, 1, cb, data, NULL);
}

void nl_batch_init(struct nl_batch *b, struct nl_sock *s, void *buf, size_t size) {
        *b = (struct nl_batch) { .s = s, .buf = buf, .size = size };
}

int nl_batch_run(struct nl_batch *b, unsigned *ret_failed) {
        unsigned n = b->n;
        int r;

        b->s->extack[0] = 0;
        if (b->overflow)
                r = -ENOBUFS;
        else if (n == 0)
                r = 0;
        else if (mnl_socket_sendto(b->s->mnl, b->buf, b->len) < 0)
                r = negative_errno();
        else
                r = collect(b->s, b->seq_first, n, NULL, NULL, ret_failed);
        b->len = 0;
        b->n = 0;
        b->overflow = false;
        return r < 0 ? r : 0;
}

/* Start the next request of @b; NULL (and the batch marked overflowed) when even the bare
 * headers do not fit. */
static struct nlmsghdr *batch_msg(struct nl_batch *b, uint16_t type, uint16_t flags, size_t extra) {
        struct nlmsghdr *nlh;

        if (b->overflow || b->len + MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(extra) > b->size) {
                b->overflow = true;
                return NULL;
        }
        nlh = nl_msg_new(b->s, b->buf + b->len, type, flags);
        if (b->n == 0)
                b->seq_first = nlh->nlmsg_seq;
        (void) mnl_nlmsg_put_extra_header(nlh, extra);
        return nlh;
}

/* Room left for the request at @nlh, for the mnl_attr_put_*_check() calls */
static size_t batch_room(const struct nl_batch *b, const struct nlmsghdr *nlh) {
        return b->size - (size_t) ((const char *) nlh - b->buf);
}

/* Finish the request at @nlh: its index, or -ENOBUFS when an attribute did not fit. */
static int batch_end(struct nl_batch *b, struct nlmsghdr *nlh, bool ok) {
        if (!ok) {
                /* drop it; the sequence number it used is simply skipped */
                b->overflow = true;
                return -ENOBUFS;
        }
        b->len += MNL_ALIGN(nlh->nlmsg_len);
        return (int) b->n++;
}

/* Send a batch that holds one request. */
static int run_one(struct nl_batch *b, int r) {
        if (r < 0) {
                b->s->extack[0] = 0;
                return r;
        }
        return nl_batch_run(b, NULL);
}

static int ifindex_cb(const struct nlmsghdr *h, void *data) {
        if (h->nlmsg_type == RTM_NEWLINK && mnl_nlmsg_get_payload_len(h) >= sizeof(struct ifinfomsg))
                *(int *) data = ((const struct ifinfomsg *) mnl_nlmsg_get_payload(h))->ifi_index;
        return MNL_CB_OK;
}

int nl_link_ifindex(struct nl_sock *s, const char *name) {
        char buf[512];
        struct nlmsghdr *nlh = nl_msg_new(s, buf, RTM_GETLINK, 0);
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        int idx = 0, r;

        ifi->ifi_family = AF_UNSPEC;
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        /* the link comes back as one RTM_NEWLINK before the ACK */
        r = nl_call(s, nlh, ifindex_cb, &idx);
        if (r == -ENODEV || (r >= 0 && idx <= 0))
                return -ENODEV;
        if (r < 0)
                return r;
        return idx;
}

int nl_batch_link_set_up(struct nl_batch *b, int ifindex) {
        struct nlmsghdr *nlh = batch_msg(b, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
        struct ifinfomsg *ifi;

        if (!nlh)
                return -ENOBUFS;
        ifi = mnl_nlmsg_get_payload(nlh);
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        return batch_end(b, nlh, true);
}

int nl_batch_link_set_addr_gen_mode(struct nl_batch *b, int ifindex, uint8_t mode) {
        struct nlmsghdr *nlh = batch_msg(b, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
        struct nlattr *spec, *af;
        struct ifinfomsg *ifi;
        size_t room;
        bool ok;

        if (!nlh)
                return -ENOBUFS;
        room = batch_room(b, nlh);
        ifi = mnl_nlmsg_get_payload(nlh);
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        spec = mnl_attr_nest_start_check(nlh, room, IFLA_AF_SPEC);
        af = spec ? mnl_attr_nest_start_check(nlh, room, AF_INET6) : NULL;
        ok = af && mnl_attr_put_u8_check(nlh, room, IFLA_INET6_ADDR_GEN_MODE, mode);
        if (ok) {
                mnl_attr_nest_end(nlh, af);
                mnl_attr_nest_end(nlh, spec);
        }
        return batch_end(b, nlh, ok);
}

int nl_link_set_up(struct nl_sock *s, int ifindex) {
        char buf[512];
        struct nl_batch b;

        nl_batch_init(&b, s, buf, sizeof(buf));
        return run_one(&b, nl_batch_link_set_up(&b, ifindex));
}

/* Start, alone in @b, an RTM_NEWLINK that creates the link @name: the header and IFLA_IFNAME.
 * *@ret_room: the room of the message; *@ret_ok: false when the name did not fit.
 * Return: the message, or NULL when @b has no room for it. */
static struct nlmsghdr *newlink_start(struct nl_batch *b, const char *name, size_t *ret_room, bool *ret_ok) {
        struct nlmsghdr *nlh = batch_msg(b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));

        if (!nlh)
                return NULL;
        *ret_room = batch_room(b, nlh);
        ((struct ifinfomsg *) mnl_nlmsg_get_payload(nlh))->ifi_family = AF_UNSPEC;
        *ret_ok = mnl_attr_put_strz_check(nlh, *ret_room, IFLA_IFNAME, name);
        return nlh;
}

int nl_veth_add(struct nl_sock *s, const char *name, const char *peer, int peer_netns_fd, uint32_t mtu) {
        char buf[1024];
        struct nl_batch b;
        struct nlmsghdr *nlh;
        struct nlattr *info, *data, *peer_nest;
        size_t room;
        bool ok;

        nl_batch_init(&b, s, buf, sizeof(buf));
        nlh = newlink_start(&b, name, &room, &ok);
        if (!nlh)
                return -ENOBUFS;
        if (ok && mtu > 0)
                ok = mnl_attr_put_u32_check(nlh, room, IFLA_MTU, mtu);
        ok = ok && (info = mnl_attr_nest_start_check(nlh, room, IFLA_LINKINFO));
        ok = ok && mnl_attr_put_strz_check(nlh, room, IFLA_INFO_KIND, "veth");
        ok = ok && (data = mnl_attr_nest_start_check(nlh, room, IFLA_INFO_DATA));
        ok = ok && (peer_nest = mnl_attr_nest_start_check(nlh, room, 1 /* VETH_INFO_PEER */));
        /* The peer's attributes are a whole RTM_NEWLINK body: an ifinfomsg, then IFLA_*. */
        ok = ok && nlh->nlmsg_len + MNL_ALIGN(sizeof(struct ifinfomsg)) <= room;
        if (ok) {
                struct ifinfomsg *pi = mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
                pi->ifi_family = AF_UNSPEC;
        }
        ok = ok && mnl_attr_put_strz_check(nlh, room, IFLA_IFNAME, peer);
        if (ok && peer_netns_fd >= 0)
                ok = mnl_attr_put_u32_check(nlh, room, IFLA_NET_NS_FD, (uint32_t) peer_netns_fd);
        if (ok && mtu > 0)
                ok = mnl_attr_put_u32_check(nlh, room, IFLA_MTU, mtu);
        if (ok) {
                mnl_attr_nest_end(nlh, peer_nest);
                mnl_attr_nest_end(nlh, data);
                mnl_attr_nest_end(nlh, info);
        }
        return run_one(&b, batch_end(&b, nlh, ok));
}

int nl_link_del(struct nl_sock *s, int ifindex) {
        char buf[512];
        struct nl_batch b;
        struct nlmsghdr *nlh;

        nl_batch_init(&b, s, buf, sizeof(buf));
        nlh = batch_msg(&b, RTM_DELLINK, 0, sizeof(struct ifinfomsg));
        if (!nlh)
                return -ENOBUFS;
        ((struct ifinfomsg *) mnl_nlmsg_get_payload(nlh))->ifi_index = ifindex;
        return run_one(&b, batch_end(&b, nlh, true));
}

static size_t family_addr_len(int family) {
        return family == AF_INET ? sizeof(struct in_addr) : family == AF_INET6 ? sizeof(struct in6_addr) : 0;
}

static int batch_addr(struct nl_batch *b, bool add, int ifindex, const struct netns_prefix *p, const union in_addr_union *peer) {
        size_t alen = family_addr_len(p->family), room;
        struct nlmsghdr *nlh;
        struct ifaddrmsg *ifa;
        uint32_t flags = 0;
        bool ok;

        if (alen == 0)
                return -EAFNOSUPPORT;
        nlh = add ? batch_msg(b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifaddrmsg))
                  : batch_msg(b, RTM_DELADDR, 0, sizeof(struct ifaddrmsg));
        if (!nlh)
                return -ENOBUFS;
        room = batch_room(b, nlh);
        if (p->family == AF_INET6)
                flags |= IFA_F_NODAD;
        ifa = mnl_nlmsg_get_payload(nlh);
        ifa->ifa_family = (uint8_t) p->family;
        ifa->ifa_prefixlen = p->prefixlen;
        ifa->ifa_flags = (uint8_t) flags;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        ifa->ifa_index = (uint32_t) ifindex;
        ok = mnl_attr_put_check(nlh, room, IFA_LOCAL, alen, &p->addr);
        ok = ok && mnl_attr_put_check(nlh, room, IFA_ADDRESS, alen, peer ?: &p->addr);
        ok = ok && mnl_attr_put_u32_check(nlh, room, IFA_FLAGS, flags);
        return batch_end(b, nlh, ok);
}

int nl_batch_addr_add(struct nl_batch *b, int ifindex, const struct netns_prefix *p, const union in_addr_union *peer) {
        return batch_addr(b, true, ifindex, p, peer);
}

int nl_batch_addr_del(struct nl_batch *b, int ifindex, const struct netns_prefix *p) {
        return batch_addr(b, false, ifindex, p, NULL);
}

int nl_addr_add(struct nl_sock *s, int ifindex, const struct netns_prefix *p, const union in_addr_union *peer) {
        char buf[512];
        struct nl_batch b;

        nl_batch_init(&b, s, buf, sizeof(buf));
        return run_one(&b, nl_batch_addr_add(&b, ifindex, p, peer));
}

static int batch_route(struct nl_batch *b, bool add, const struct nl_route *rt) {
        size_t alen = family_addr_len(rt->family), room;
        uint32_t table = rt->table ?: RT_TABLE_MAIN;
        struct nlmsghdr *nlh;
        struct rtmsg *rtm;
        bool ok = true;

        if (alen == 0)
                return -EAFNOSUPPORT;
        nlh = add ? batch_msg(b, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct rtmsg))
                  : batch_msg(b, RTM_DELROUTE, 0, sizeof(struct rtmsg));
        if (!nlh)
                return -ENOBUFS;
        room = batch_room(b, nlh);
        rtm = mnl_nlmsg_get_payload(nlh);
        rtm->rtm_family = (uint8_t) rt->family;
        rtm->rtm_dst_len = rt->dst ? rt->dst->prefixlen : 0;
        /* tables above 255 exist only as RTA_TABLE */
        rtm->rtm_table = table < 256 ? (uint8_t) table : RT_TABLE_UNSPEC;
        rtm->rtm_protocol = RTPROT_STATIC;
        rtm->rtm_type = rt->type ?: RTN_UNICAST;
        /* as iproute2: a unicast route without a gateway is on the link, every other one universe */
        rtm->rtm_scope = rtm->rtm_type == RTN_UNICAST && !rt->gateway ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        if (!add)
                rtm->rtm_scope = RT_SCOPE_NOWHERE; /* as "ip route del": any scope */
        if (rt->gateway && rt->onlink)
                rtm->rtm_flags |= RTNH_F_ONLINK;
        if (rt->dst && rt->dst->prefixlen > 0)
                ok = mnl_attr_put_check(nlh, room, RTA_DST, alen, &rt->dst->addr);
        if (rt->gateway)
                ok = ok && mnl_attr_put_check(nlh, room, RTA_GATEWAY, alen, rt->gateway);
        if (rt->ifindex > 0)
                ok = ok && mnl_attr_put_u32_check(nlh, room, RTA_OIF, (uint32_t) rt->ifindex);
        ok = ok && mnl_attr_put_u32_check(nlh, room, RTA_TABLE, table);
        if (rt->metric > 0)
                ok = ok && mnl_attr_put_u32_check(nlh, room, RTA_PRIORITY, rt->metric);
        if (rt->prefsrc)
                ok = ok && mnl_attr_put_check(nlh, room, RTA_PREFSRC, alen, rt->prefsrc);
        if (rt->mtu > 0 && ok) {
                struct nlattr *metrics = mnl_attr_nest_start_check(nlh, room, RTA_METRICS);

                ok = metrics && mnl_attr_put_u32_check(nlh, room, RTAX_MTU, rt->mtu);
                if (ok)
                        mnl_attr_nest_end(nlh, metrics);
        }
        return batch_end(b, nlh, ok);
}

int nl_batch_route_add(struct nl_batch *b, const struct nl_route *rt) {
        return batch_route(b, true, rt);
}

int nl_batch_route_del(struct nl_batch *b, const struct nl_route *rt) {
        return batch_route(b, false, rt);
}

int nl_batch_route_add_default(struct nl_batch *b, int family, const union in_addr_union *gw, int ifindex, bool onlink) {
        return nl_batch_route_add(b, &(struct nl_route) { .family = family, .gateway = gw, .ifindex = ifindex,
                                                          .onlink = onlink });
}

int nl_route_add_default(struct nl_sock *s, int family, const union in_addr_union *gw, int ifindex, bool onlink) {
        char buf[512];
        struct nl_batch b;

        nl_batch_init(&b, s, buf, sizeof(buf));
        return run_one(&b, nl_batch_route_add_default(&b, family, gw, ifindex, onlink));
}

int nl_batch_rule_add(struct nl_batch *b, int family, uint32_t mark, uint32_t table, uint32_t priority) {
        struct fib_rule_hdr *frh;
        struct nlmsghdr *nlh;
        size_t room;
        bool ok;

        nlh = batch_msg(b, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct fib_rule_hdr));
        if (!nlh)
                return -ENOBUFS;
        room = batch_room(b, nlh);
        frh = mnl_nlmsg_get_payload(nlh);
        frh->family = (uint8_t) family;
        frh->table = table < 256 ? (uint8_t) table : RT_TABLE_UNSPEC;
        frh->action = FR_ACT_TO_TBL;
        ok = mnl_attr_put_u32_check(nlh, room, FRA_PRIORITY, priority) &&
             mnl_attr_put_u32_check(nlh, room, FRA_FWMARK, mark) &&
             mnl_attr_put_u32_check(nlh, room, FRA_FWMASK, UINT32_MAX) &&
             mnl_attr_put_u32_check(nlh, room, FRA_TABLE, table);
        return batch_end(b, nlh, ok);
}

/* ------------------------------------------------------------------------------------------
 * The read side: one parser per message type (links, addresses, routes), for dumps,
 * lookups and notifications alike
 */

/* Where mnl_attr_parse() puts a message's attributes: @tb indexed by type, up to @max. */
struct attr_table {
        const struct nlattr **tb;
        uint16_t max;
};

static int attr_table_cb(const struct nlattr *attr, void *data) {
        const struct attr_table *t = data;
        uint16_t type = mnl_attr_get_type(attr);

        /* types this kernel header does not know are skipped */
        if (type <= t->max)
                t->tb[type] = attr;
        return MNL_CB_OK;
}

/* The attributes after @h's family header (@hdrlen bytes) into @tb[0..@max]. 0 or -EBADMSG. */
static int attrs_parse(const struct nlmsghdr *h, size_t hdrlen, const struct nlattr **tb, uint16_t max) {
        struct attr_table t = { tb, max };

        return mnl_attr_parse(h, (unsigned) hdrlen, attr_table_cb, &t) < 0 ? -EBADMSG : 0;
}

static int attrs_parse_nested(const struct nlattr *nest, const struct nlattr **tb, uint16_t max) {
        struct attr_table t = { tb, max };

        return mnl_attr_parse_nested(nest, attr_table_cb, &t) < 0 ? -EBADMSG : 0;
}

static bool attr_u32(const struct nlattr *a, uint32_t *ret) {
        if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
                return false;
        *ret = mnl_attr_get_u32(a);
        return true;
}

/* A string attribute into @buf, cut at its payload's end should it lack its NUL. */
static void attr_str(const struct nlattr *a, char *buf, size_t size) {
        if (!a || mnl_attr_validate(a, MNL_TYPE_STRING) < 0)
                return;
        (void) snprintf(buf, size, "%.*s", (int) strnlen(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a)),
                        (const char *) mnl_attr_get_payload(a));
}

/* An address attribute of @family into @ret, if it has the family's length. */
static bool attr_addr(const struct nlattr *a, int family, union in_addr_union *ret) {
        size_t alen = family_addr_len(family);

        if (!a || alen == 0 || mnl_attr_get_payload_len(a) != alen)
                return false;
        memcpy(ret, mnl_attr_get_payload(a), alen);
        return true;
}

/* IFLA_AF_SPEC: an AF_INET6 entry exists only when the link has IPv6 state (not with
 * ipv6.disable=1, not below the IPv6 minimum MTU); its IFLA_INET6_CONF is the array of
 * per-link IPv6 sysctls. */
static bool link_has_ipv6(const struct nlattr *af_spec, int *ret_addr_gen_mode) {
        const struct nlattr *af, *a;

        mnl_attr_for_each_nested(af, af_spec) {
                bool on = true;

                if (mnl_attr_get_type(af) != AF_INET6)
                        continue;
                mnl_attr_for_each_nested(a, af) {
                        const int32_t *conf = mnl_attr_get_payload(a);

                        if (mnl_attr_get_type(a) == IFLA_INET6_ADDR_GEN_MODE &&
                            mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
                                *ret_addr_gen_mode = mnl_attr_get_u8(a);
                        if (mnl_attr_get_type(a) == IFLA_INET6_CONF &&
                            mnl_attr_get_payload_len(a) >= (DEVCONF_DISABLE_IPV6 + 1) * sizeof(int32_t))
                                on = conf[DEVCONF_DISABLE_IPV6] == 0;
                }
                return on;
        }
        return false;
}

/* A vxlan's IFLA_INFO_DATA; what does not parse stays unset. */
static void link_parse_vxlan(const struct nlattr *data, struct nl_vxlan *ret) {
        const struct nlattr *tb[IFLA_VXLAN_MAX + 1] = {};
        uint32_t v;

        if (attrs_parse_nested(data, tb, IFLA_VXLAN_MAX) < 0)
                return;
        (void) attr_u32(tb[IFLA_VXLAN_ID], &ret->vni);
        if (attr_u32(tb[IFLA_VXLAN_LINK], &v))
                ret->underlay_ifindex = (int) v;
        if (tb[IFLA_VXLAN_PORT] && mnl_attr_validate(tb[IFLA_VXLAN_PORT], MNL_TYPE_U16) >= 0)
                ret->port = ntohs(mnl_attr_get_u16(tb[IFLA_VXLAN_PORT]));
        if (attr_addr(tb[IFLA_VXLAN_GROUP], AF_INET, &ret->remote.addr))
                ret->remote.family = AF_INET;
        else if (attr_addr(tb[IFLA_VXLAN_GROUP6], AF_INET6, &ret->remote.addr))
                ret->remote.family = AF_INET6;
        if (attr_addr(tb[IFLA_VXLAN_LOCAL], AF_INET, &ret->local.addr))
                ret->local.family = AF_INET;
        else if (attr_addr(tb[IFLA_VXLAN_LOCAL6], AF_INET6, &ret->local.addr))
                ret->local.family = AF_INET6;
        /* the kernel reports an unset remote and local as the family's zero address */
        if (ret->remote.family != AF_UNSPEC && addr_is_null(&ret->remote))
                ret->remote.family = AF_UNSPEC;
        if (ret->local.family != AF_UNSPEC && addr_is_null(&ret->local))
                ret->local.family = AF_UNSPEC;
}

int nl_link_parse(const struct nlmsghdr *h, struct nl_link *ret) {
        const struct nlattr *tb[IFLA_MAX + 1] = {}, *info[IFLA_INFO_MAX + 1] = {};
        const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
        struct nl_link l;
        uint32_t v;

        if ((h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) || mnl_nlmsg_get_payload_len(h) < sizeof(*ifi))
                return -EBADMSG;
        if (attrs_parse(h, sizeof(*ifi), tb, IFLA_MAX) < 0)
                return -EBADMSG;
        l = (struct nl_link) { .ifindex = ifi->ifi_index, .flags = ifi->ifi_flags, .link_netnsid = -1, .addr_gen_mode = -1 };
        if (tb[IFLA_IFNAME] && mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) >= 0)
                (void) snprintf(l.name, sizeof(l.name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
        (void) attr_u32(tb[IFLA_MTU], &l.mtu);
        if (tb[IFLA_OPERSTATE] && mnl_attr_validate(tb[IFLA_OPERSTATE], MNL_TYPE_U8) >= 0)
                l.operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
        if (attr_u32(tb[IFLA_LINK_NETNSID], &v))
                l.link_netnsid = (int) (int32_t) v;
        if (attr_u32(tb[IFLA_LINK], &v))
                l.parent_ifindex = (int) v;
        if (tb[IFLA_LINKINFO] && attrs_parse_nested(tb[IFLA_LINKINFO], info, IFLA_INFO_MAX) >= 0) {
                attr_str(info[IFLA_INFO_KIND], l.kind, sizeof(l.kind));
                if (streq(l.kind, "vxlan") && info[IFLA_INFO_DATA])
                        link_parse_vxlan(info[IFLA_INFO_DATA], &l.vxlan);
        }
        if (tb[IFLA_AF_SPEC])
                l.ipv6 = link_has_ipv6(tb[IFLA_AF_SPEC], &l.addr_gen_mode);
        if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) <= sizeof(l.hwaddr)) {
                l.hwaddr_len = mnl_attr_get_payload_len(tb[IFLA_ADDRESS]);
                memcpy(l.hwaddr, mnl_attr_get_payload(tb[IFLA_ADDRESS]), l.hwaddr_len);
        }
        *ret = l;
        return 0;
}

int nl_addr_parse(const struct nlmsghdr *h, struct nl_addr *ret) {
        const struct nlattr *tb[IFA_MAX + 1] = {};
        const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(h);
        struct nl_addr a;

        if ((h->nlmsg_type != RTM_NEWADDR && h->nlmsg_type != RTM_DELADDR) || mnl_nlmsg_get_payload_len(h) < sizeof(*ifa))
                return -EBADMSG;
        if (attrs_parse(h, sizeof(*ifa), tb, IFA_MAX) < 0)
                return -EBADMSG;
        a = (struct nl_addr) {
                .family = ifa->ifa_family,
                .ifindex = (int) ifa->ifa_index,
                .prefixlen = ifa->ifa_prefixlen,
                .scope = ifa->ifa_scope,
        };
        a.has_local = attr_addr(tb[IFA_LOCAL], a.family, &a.local);
        a.has_address = attr_addr(tb[IFA_ADDRESS], a.family, &a.address);
        *ret = a;
        return 0;
}

int nl_route_parse(const struct nlmsghdr *h, struct nl_route_entry *ret) {
        const struct nlattr *tb[RTA_MAX + 1] = {};
        const struct rtmsg *rtm = mnl_nlmsg_get_payload(h);
        struct nl_route_entry rt;
        uint32_t v;

        if ((h->nlmsg_type != RTM_NEWROUTE && h->nlmsg_type != RTM_DELROUTE) || mnl_nlmsg_get_payload_len(h) < sizeof(*rtm))
                return -EBADMSG;
        if (attrs_parse(h, sizeof(*rtm), tb, RTA_MAX) < 0)
                return -EBADMSG;
        rt = (struct nl_route_entry) {
                .family = rtm->rtm_family,
                .dst = { .family = rtm->rtm_family, .prefixlen = rtm->rtm_dst_len },
                .table = rtm->rtm_table,
                .protocol = rtm->rtm_protocol,
                .type = rtm->rtm_type,
                .flags = rtm->rtm_flags,
        };
        if (attr_u32(tb[RTA_TABLE], &v))
                rt.table = v;
        rt.has_dst = attr_addr(tb[RTA_DST], rt.family, &rt.dst.addr);
        rt.has_gateway = attr_addr(tb[RTA_GATEWAY], rt.family, &rt.gateway);
        if (attr_u32(tb[RTA_OIF], &v))
                rt.oif = (int) v;
        *ret = rt;
        return 0;
}

/* Collects a dump's messages of one kind into a growing array. */
struct dump_arr {
        int (*parse)(const struct nlmsghdr *h, void *ret);
        uint16_t type;     /* the messages taken: RTM_NEWLINK, ... */
        bool skip_bad;     /* a message that does not parse is left out; else the dump fails */
        void **arr;
        size_t *n;
        size_t size;       /* of an element */
};

static int dump_arr_cb(const struct nlmsghdr *h, void *data) {
        struct dump_arr *d = data;
        union {
                struct nl_link link;
                struct nl_addr addr;
                struct nl_route_entry route;
        } one;
        void *e;

        assert(d->size <= sizeof(one));
        if (h->nlmsg_type != d->type)
                return MNL_CB_OK;
        if (d->parse(h, &one) < 0)
                return d->skip_bad ? MNL_CB_OK : MNL_CB_ERROR;
        e = array_append(d->arr, d->n, d->size);
        if (!e)
                return MNL_CB_ERROR;
        memcpy(e, &one, d->size);
        return MNL_CB_OK;
}

static int link_parse_any(const struct nlmsghdr *h, void *ret) {
        return nl_link_parse(h, ret);
}

static int addr_parse_any(const struct nlmsghdr *h, void *ret) {
        return nl_addr_parse(h, ret);
}

static int route_parse_any(const struct nlmsghdr *h, void *ret) {
        return nl_route_parse(h, ret);
}

static int dump(struct nl_sock *s, uint16_t type, size_t hdr, int family, struct dump_arr *d) {
        char buf[256];
        struct nlmsghdr *nlh = nl_msg_new(s, buf, type, NLM_F_DUMP);
        uint8_t *f = mnl_nlmsg_put_extra_header(nlh, hdr);
        int r;

        /* every link; with AF_UNSPEC every family (RTM_GETLINK wants IFLA_EXT_MASK for VF info only).
         * The family is the first byte of each of the three headers. */
        *f = (uint8_t) family;
        r = nl_call(s, nlh, dump_arr_cb, d);
        return r < 0 ? r : 0;
}

int nl_dump_links(struct nl_sock *s, struct nl_link **ret, size_t *ret_n) {
        struct dump_arr d = { link_parse_any, RTM_NEWLINK, true, (void **) ret, ret_n, sizeof(**ret) };

        return dump(s, RTM_GETLINK, sizeof(struct ifinfomsg), AF_UNSPEC, &d);
}

int nl_dump_addrs(struct nl_sock *s, int family, struct nl_addr **ret, size_t *ret_n) {
        struct dump_arr d = { addr_parse_any, RTM_NEWADDR, false, (void **) ret, ret_n, sizeof(**ret) };

        return dump(s, RTM_GETADDR, sizeof(struct ifaddrmsg), family, &d);
}

int nl_dump_routes(struct nl_sock *s, int family, struct nl_route_entry **ret, size_t *ret_n) {
        struct dump_arr d = { route_parse_any, RTM_NEWROUTE, false, (void **) ret, ret_n, sizeof(**ret) };

        return dump(s, RTM_GETROUTE, sizeof(struct rtmsg), family, &d);
}

/* A lookup of one link: its RTM_NEWLINK, parsed. */
static int link_get_cb(const struct nlmsghdr *h, void *data) {
        if (h->nlmsg_type != RTM_NEWLINK)
                return MNL_CB_OK;
        return nl_link_parse(h, data) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/* RTM_GETLINK of one link by @ifindex, else by @name */
static int link_get(struct nl_sock *s, int ifindex, const char *name, struct nl_link *ret) {
        char buf[512];
        struct nlmsghdr *nlh = nl_msg_new(s, buf, RTM_GETLINK, 0);
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        struct nl_link l = { .ifindex = 0 };
        int r;

        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        if (ifindex <= 0 && !mnl_attr_put_strz_check(nlh, sizeof(buf), IFLA_IFNAME, name))
                return -EINVAL;
        r = nl_call(s, nlh, link_get_cb, &l);
        if (r == -ENODEV || (r >= 0 && l.ifindex <= 0))
                return -ENODEV;
        if (r < 0)
                return r;
        *ret = l;
        return 0;
}

int nl_link_get(struct nl_sock *s, const char *name, struct nl_link *ret) {
        return link_get(s, 0, name, ret);
}

int nl_link_get_by_index(struct nl_sock *s, int ifindex, struct nl_link *ret) {
        return ifindex > 0 ? link_get(s, ifindex, NULL, ret) : -ENODEV;
}

static int nsid_cb(const struct nlmsghdr *h, void *data) {
        const struct nlattr *tb[NETNSA_MAX + 1] = {};
        uint32_t v;

        if (h->nlmsg_type != RTM_NEWNSID)
                return MNL_CB_OK;
        if (attrs_parse(h, sizeof(struct rtgenmsg), tb, NETNSA_MAX) < 0)
                return MNL_CB_ERROR;
        if (attr_u32(tb[NETNSA_NSID], &v))
                *(int32_t *) data = (int32_t) v;
        return MNL_CB_OK;
}

int nl_netns_id(struct nl_sock *s, int netns_fd) {
        char buf[512];
        struct nlmsghdr *nlh = nl_msg_new(s, buf, RTM_GETNSID, 0);
        struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
        int32_t id = -1; /* NETNSA_NSID_NOT_ASSIGNED */
        int r;

        g->rtgen_family = AF_UNSPEC;
        mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t) netns_fd);
        r = nl_call(s, nlh, nsid_cb, &id);
        if (r < 0)
                return r;
        return id < 0 ? -ENOENT : id;
}

struct dump_state {
        int family;
        struct nl_prefix_use **arr;
        size_t *n;
};

static int dump_add(struct dump_state *d, const union in_addr_union *addr, unsigned prefixlen,
                    int ifindex, bool route, uint32_t table, uint8_t type) {
        struct nl_prefix_use *u;
        struct netns_prefix p = { .family = d->family, .prefixlen = (uint8_t) prefixlen, .addr = *addr };

        u = ARRAY_APPEND(*d->arr, *d->n);
        if (!u)
                return MNL_CB_ERROR;
        *u = (struct nl_prefix_use) {
                .prefix = p,
                .ifindex = ifindex,
                .route = route,
                .type = type,
                .table = table,
        };
        return MNL_CB_OK;
}

static int addr_dump_cb(const struct nlmsghdr *h, void *data) {
        struct dump_state *d = data;
        struct nl_addr a;
        int r = MNL_CB_OK;

        if (h->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(h) < sizeof(struct ifaddrmsg) ||
            ((const struct ifaddrmsg *) mnl_nlmsg_get_payload(h))->ifa_family != d->family)
                return MNL_CB_OK;
        if (nl_addr_parse(h, &a) < 0)
                return MNL_CB_ERROR;
        /* IFA_LOCAL is the address; IFA_ADDRESS the peer on point-to-point links (else the same) */
        if (a.has_local)
                r = dump_add(d, &a.local, a.prefixlen, a.ifindex, false, 0, RTN_LOCAL);
        if (r == MNL_CB_OK && a.has_address)
                r = dump_add(d, &a.address, a.prefixlen, a.ifindex, false, 0, RTN_LOCAL);
        return r;
}

/* an RTM_NEWROUTE of @family */
static bool route_header_ok(const struct nlmsghdr *h, int family) {
        return h->nlmsg_type == RTM_NEWROUTE && mnl_nlmsg_get_payload_len(h) >= sizeof(struct rtmsg) &&
               ((const struct rtmsg *) mnl_nlmsg_get_payload(h))->rtm_family == family;
}

static int route_dump_cb(const struct nlmsghdr *h, void *data) {
        struct dump_state *d = data;
        const struct rtmsg *rtm;
        struct nl_route_entry rt;

        if (!route_header_ok(h, d->family))
                return MNL_CB_OK;
        rtm = mnl_nlmsg_get_payload(h);
        if (rtm->rtm_dst_len == 0 || (rtm->rtm_flags & RTM_F_CLONED) || !IN_SET_ROUTE_TYPE(rtm->rtm_type))
                return MNL_CB_OK;
        if (nl_route_parse(h, &rt) < 0)
                return MNL_CB_ERROR;
        if (rt.table == RT_TABLE_LOCAL || !rt.has_dst)
                return MNL_CB_OK;
        return dump_add(d, &rt.dst.addr, rt.dst.prefixlen, rt.oif, true, rt.table, rt.type);
}

struct lookup_state {
        int family;
        struct nl_prefix_use *use;
        bool found;
};

static int route_lookup_cb(const struct nlmsghdr *h, void *data) {
        struct lookup_state *l = data;
        struct nl_route_entry rt;

        if (!route_header_ok(h, l->family))
                return MNL_CB_OK;
        if (nl_route_parse(h, &rt) < 0)
                return MNL_CB_ERROR;
        if (rt.dst.prefixlen > 0 && !rt.has_dst)
                return MNL_CB_OK;
        if (rt.dst.prefixlen == 0)
                rt.dst.addr = (union in_addr_union) {};
        *l->use = (struct nl_prefix_use) {
                .prefix = rt.dst,
                .ifindex = rt.oif,
                .route = rt.type != RTN_LOCAL,
                .type = rt.type,
                .table = rt.table,
        };
        l->found = true;
        return MNL_CB_OK;
}

int nl_route_lookup(struct nl_sock *s, int family, const union in_addr_union *addr, struct nl_prefix_use *ret) {
        struct lookup_state l = { .family = family, .use = ret };
        size_t alen = family_addr_len(family);
        char buf[512];
        struct nlmsghdr *nlh;
        struct rtmsg *rtm;
        int r;

        if (alen == 0)
                return -EAFNOSUPPORT;
        nlh = nl_msg_new(s, buf, RTM_GETROUTE, 0);
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = (uint8_t) family;
        rtm->rtm_dst_len = (uint8_t) (alen * 8);
        rtm->rtm_flags = RTM_F_FIB_MATCH;
        mnl_attr_put(nlh, RTA_DST, alen, addr);
        r = nl_call(s, nlh, route_lookup_cb, &l);
        if (r == -ENETUNREACH)
                return 0;
        if (r < 0)
                return r;
        if (!l.found)
                return -EBADMSG;
        return ret->prefix.prefixlen > 0;
}

int nl_dump_prefixes(struct nl_sock *s, int family, struct nl_prefix_use **ret, size_t *ret_n) {
        struct dump_state d = { .family = family, .arr = ret, .n = ret_n };
        char buf[512];
        struct nlmsghdr *nlh;
        int r;

        if (family_addr_len(family) == 0)
                return -EAFNOSUPPORT;
        nlh = nl_msg_new(s, buf, RTM_GETADDR, NLM_F_DUMP);
        ((struct ifaddrmsg *) mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifaddrmsg)))->ifa_family = (uint8_t) family;
        r = nl_call(s, nlh, addr_dump_cb, &d);
        if (r < 0)
                return r;
        nlh = nl_msg_new(s, buf, RTM_GETROUTE, NLM_F_DUMP);
        ((struct rtmsg *) mnl_nlmsg_put_extra_header(nlh, sizeof(struct rtmsg)))->rtm_family = (uint8_t) family;
        r = nl_call(s, nlh, route_dump_cb, &d);
        return r < 0 ? r : 0;
}

const char *nl_extack(const struct nl_sock *s) {
        static char out[300];

        if (!s->extack[0])
                return "";
        (void) snprintf(out, sizeof(out), " (kernel: %s)", s->extack);
        return out;
}

/* ------------------------------------------------------------------------------------------
 * Links that enter a namespace: moved in and given back, or created on a parent
 */

int nl_link_add_kind(struct nl_sock *s, const char *kind, const char *name) {
        char buf[512];
        struct nl_batch b;
        struct nlmsghdr *nlh;
        struct nlattr *info;
        size_t room;
        bool ok;

        nl_batch_init(&b, s, buf, sizeof(buf));
        nlh = newlink_start(&b, name, &room, &ok);
        if (!nlh)
                return -ENOBUFS;
        ok = ok && (info = mnl_attr_nest_start_check(nlh, room, IFLA_LINKINFO));
        ok = ok && mnl_attr_put_strz_check(nlh, room, IFLA_INFO_KIND, kind);
        if (ok)
                mnl_attr_nest_end(nlh, info);
        return run_one(&b, batch_end(&b, nlh, ok));
}

int nl_link_move(struct nl_sock *s, int ifindex, int netns_fd, const char *name, uint32_t mtu, int up) {
        char buf[512];
        struct nl_batch b;
        struct nlmsghdr *nlh;
        struct ifinfomsg *ifi;
        size_t room;
        bool ok = true;

        nl_batch_init(&b, s, buf, sizeof(buf));
        nlh = batch_msg(&b, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
        if (!nlh)
                return -ENOBUFS;
        room = batch_room(&b, nlh);
        ifi = mnl_nlmsg_get_payload(nlh);
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        if (up >= 0) {
                ifi->ifi_change = IFF_UP;
                ifi->ifi_flags = up ? IFF_UP : 0;
        }
        if (netns_fd >= 0)
                ok = mnl_attr_put_u32_check(nlh, room, IFLA_NET_NS_FD, (uint32_t) netns_fd);
        if (ok && name)
                ok = mnl_attr_put_strz_check(nlh, room, IFLA_IFNAME, name);
        if (ok && mtu > 0)
                ok = mnl_attr_put_u32_check(nlh, room, IFLA_MTU, mtu);
        return run_one(&b, batch_end(&b, nlh, ok));
}

int nl_link_add_on_parent(struct nl_sock *s, const struct nl_link_new *n) {
        char buf[1024];
        struct nl_batch b;
        struct nlmsghdr *nlh;
        struct nlattr *info, *data;
        size_t room;
        bool ok;

        nl_batch_init(&b, s, buf, sizeof(buf));
        nlh = newlink_start(&b, n->name, &room, &ok);
        if (!nlh)
                return -ENOBUFS;
        if (ok && n->parent_ifindex > 0)
                ok = mnl_attr_put_u32_check(nlh, room, IFLA_LINK, (uint32_t) n->parent_ifindex);
        if (ok && n->netns_fd >= 0)
                ok = mnl_attr_put_u32_check(nlh, room, IFLA_NET_NS_FD, (uint32_t) n->netns_fd);
        if (ok && n->mtu > 0)
                ok = mnl_attr_put_u32_check(nlh, room, IFLA_MTU, n->mtu);
        if (ok && n->hwaddr)
                ok = mnl_attr_put_check(nlh, room, IFLA_ADDRESS, 6, n->hwaddr);
        ok = ok && (info = mnl_attr_nest_start_check(nlh, room, IFLA_LINKINFO));
        ok = ok && mnl_attr_put_strz_check(nlh, room, IFLA_INFO_KIND, n->kind);
        ok = ok && (data = mnl_attr_nest_start_check(nlh, room, IFLA_INFO_DATA));
        if (ok && n->fill_info_data)
                ok = n->fill_info_data(n->userdata, nlh, room);
        if (ok) {
                mnl_attr_nest_end(nlh, data);
                mnl_attr_nest_end(nlh, info);
        }
        return run_one(&b, batch_end(&b, nlh, ok));
}

int nl_batch_link_set_mtu(struct nl_batch *b, int ifindex, uint32_t mtu) {
        struct nlmsghdr *nlh = batch_msg(b, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
        struct ifinfomsg *ifi;

        if (!nlh)
                return -ENOBUFS;
        ifi = mnl_nlmsg_get_payload(nlh);
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        return batch_end(b, nlh, mnl_attr_put_u32_check(nlh, batch_room(b, nlh), IFLA_MTU, mtu));
}

int nl_batch_addr_add_dad(struct nl_batch *b, int ifindex, const struct netns_prefix *p) {
        size_t alen = family_addr_len(p->family), room;
        struct nlmsghdr *nlh;
        struct ifaddrmsg *ifa;
        bool ok;

        if (alen == 0)
                return -EAFNOSUPPORT;
        nlh = batch_msg(b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifaddrmsg));
        if (!nlh)
                return -ENOBUFS;
        room = batch_room(b, nlh);
        ifa = mnl_nlmsg_get_payload(nlh);
        ifa->ifa_family = (uint8_t) p->family;
        ifa->ifa_prefixlen = p->prefixlen;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        ifa->ifa_index = (uint32_t) ifindex;
        ok = mnl_attr_put_check(nlh, room, IFA_LOCAL, alen, &p->addr);
        ok = ok && mnl_attr_put_check(nlh, room, IFA_ADDRESS, alen, &p->addr);
        return batch_end(b, nlh, ok);
}
