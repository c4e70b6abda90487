/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nl.h - rtnetlink over libmnl: one socket per namespace, one builder per message */
#pragma once

#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "macro.h"

/* Netlink message buffers on the stack: libmnl's MNL_SOCKET_BUFFER_SIZE is a sysconf() call (the
 * page size, capped at 8192), so an array of that size would be a variable-length one. This is
 * its largest value, as a constant. */
#define NL_BUFFER_SIZE 8192

struct nl_sock {
        struct mnl_socket *mnl;
        uint32_t portid;
        uint32_t seq;
        char extack[256]; /* the kernel's message for the last failed call, "" if none */
        char *buf;        /* MNL_SOCKET_BUFFER_SIZE-ish receive buffer */
        size_t buf_size;
};

/**
 * nl_open() - open an rtnetlink socket inside a network namespace
 * @netns_fd: the namespace, or -1 for the current one
 * @ret: the socket
 *
 * A netlink socket stays bound to the namespace it was created in, so this enters
 * @netns_fd just long enough to create it.
 * Return: 0 or -errno
 */
int nl_open(int netns_fd, struct nl_sock **ret);
/* nl_open() for another netlink protocol (NETLINK_GENERIC, ...) */
int nl_open_protocol(int netns_fd, int protocol, struct nl_sock **ret);
void nl_close(struct nl_sock *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_sock *, nl_close);
#define _cleanup_nl_close_ _cleanup_(nl_closep)

/*
 * nl_msg_ok() - mnl_nlmsg_ok() that also refuses an nlmsg_len above INT_MAX: libmnl compares
 * it as an int, so such a message passes, and mnl_nlmsg_next() then either stays on it for
 * ever (a length that aligns to 0) or jumps 4 GiB past the buffer. And one whose length,
 * rounded up to 4 as libmnl's attribute walk rounds it, runs past @len: mnl_attr_parse()
 * would take an attribute up to 3 bytes beyond the data received (the kernel pads every
 * message to a multiple of 4 in the datagram, so none of its messages is refused). Both
 * found by fuzz-nl-reply.
 */
static inline bool nl_msg_ok(const struct nlmsghdr *h, int len) {
        return mnl_nlmsg_ok(h, len) && h->nlmsg_len <= (uint32_t) len &&
               MNL_ALIGN(h->nlmsg_len) <= (uint32_t) len;
}

/* The length of the whole messages at the start of @buf (@len bytes), walked with
 * nl_msg_ok(): what to hand mnl_cb_run(), whose own walk has mnl_nlmsg_ok()'s flaw. */
static inline size_t nl_msgs_len(const void *buf, size_t len) {
        const struct nlmsghdr *h = buf;
        int left = len > INT_MAX ? INT_MAX : (int) len;

        while (nl_msg_ok(h, left))
                h = mnl_nlmsg_next(h, &left);
        return (size_t) ((const char *) h - (const char *) buf);
}

/* Start a request in @buf (at least NL_BUFFER_SIZE bytes): header with @type, @flags|NLM_F_REQUEST|NLM_F_ACK */
struct nlmsghdr *nl_msg_new(struct nl_sock *s, void *buf, uint16_t type, uint16_t flags);

/**
 * nl_call() - send one request and wait for its ACK
 * @s: socket
 * @nlh: the request (from nl_msg_new())
 * @cb: called for every reply message (dumps, NLM_F_ECHO), may be NULL
 * @data: passed to @cb
 *
 * Return: >= 0 (what @cb last returned, MNL_CB_OK = 1) or the kernel's -errno; the kernel's
 * extended ACK text is left in s->extack.
 */
int nl_call(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* ifindex of @name, or -ENODEV */
int nl_link_ifindex(struct nl_sock *s, const char *name);
/* set a link UP (by ifindex) */
int nl_link_set_up(struct nl_sock *s, int ifindex);

/*
 * Batches: several requests in one sendto(), then all their ACKs collected. The kernel runs
 * the requests of one batch in order and answers each, also after one failed, so a later
 * request may rely on an earlier one (an address on a link the batch just set UP).
 */
struct nl_batch {
        struct nl_sock *s;
        char *buf;
        size_t size;       /* of @buf */
        size_t len;        /* bytes used */
        unsigned n;        /* requests in the batch */
        uint32_t seq_first;
        bool overflow;     /* a request did not fit: nl_batch_run() fails with -ENOBUFS */
};

/* Start an empty batch on @s in @buf (@size bytes, e.g. NL_BUFFER_SIZE). */
void nl_batch_init(struct nl_batch *b, struct nl_sock *s, void *buf, size_t size);

/**
 * nl_batch_run() - send every request of @b at once and collect their ACKs
 * @b: the batch (empty afterwards)
 * @ret_failed: if not NULL, set to the index (0 = first request added) of the first request
 *              that failed; unchanged on success
 *
 * Return: 0 or the first failure's -errno; its extack text is left in s->extack.
 */
int nl_batch_run(struct nl_batch *b, unsigned *ret_failed);

/*
 * Builders. Each nl_batch_X() appends one request to a batch and returns its index in the
 * batch, or -ENOBUFS when it does not fit; nl_X() sends the same request on its own and
 * returns 0 or the kernel's -errno (text in s->extack).
 */

/* set a link UP (by ifindex) */
int nl_batch_link_set_up(struct nl_batch *b, int ifindex);
/* set how the kernel makes the link's IPv6 link-local address (IN6_ADDR_GEN_MODE_*) */
int nl_batch_link_set_addr_gen_mode(struct nl_batch *b, int ifindex, uint8_t mode);

/**
 * nl_veth_add() - create a veth pair whose second end is born inside another namespace
 * @s: socket in the namespace of the first end (the host)
 * @name: name of the first end
 * @peer: name of the second end
 * @peer_netns_fd: namespace of the second end (IFLA_NET_NS_FD in the peer's info), or -1
 *                 for the same namespace as @s
 * @mtu: MTU of both ends, 0 = kernel default
 *
 * Creating the peer where it belongs avoids moving it afterwards (a move costs an RCU grace
 * period). Both ends are created DOWN: asking for the peer UP in the same request fails
 * (ENOTCONN), bring it up from inside. NLM_F_EXCL: an existing @name is -EEXIST.
 * Return: 0 or the kernel's -errno.
 */
int nl_veth_add(struct nl_sock *s, const char *name, const char *peer, int peer_netns_fd, uint32_t mtu);

/* Delete a link by ifindex (a veth takes its peer with it). 0 or -errno (-ENODEV: gone). */
int nl_link_del(struct nl_sock *s, int ifindex);

/**
 * nl_addr_add() - add an address to a link
 * @s: socket
 * @ifindex: the link
 * @p: address and prefix length
 * @peer: the other end for a point-to-point address (IFA_ADDRESS), or NULL
 *
 * IPv6 addresses get IFA_F_NODAD: the link is ours alone, and the address is usable at once
 * instead of after a second of duplicate address detection.
 * Return: 0 or the kernel's -errno (-EEXIST when the link has it already).
 */
int nl_addr_add(struct nl_sock *s, int ifindex, const struct netns_prefix *p, const union in_addr_union *peer);
int nl_batch_addr_add(struct nl_batch *b, int ifindex, const struct netns_prefix *p, const union in_addr_union *peer);
/* RTM_DELADDR of @p on @ifindex (-EADDRNOTAVAIL from the kernel when it is not there) */
int nl_batch_addr_del(struct nl_batch *b, int ifindex, const struct netns_prefix *p);

/**
 * nl_route_add_default() - add a default route in the main table
 * @s: socket
 * @family: AF_INET or AF_INET6
 * @gw: gateway, or NULL for a route straight onto the link
 * @ifindex: the link
 * @onlink: the gateway is on the link even if no prefix of the link covers it (RTNH_F_ONLINK)
 *
 * Return: 0 or the kernel's -errno.
 */
int nl_route_add_default(struct nl_sock *s, int family, const union in_addr_union *gw, int ifindex, bool onlink);
int nl_batch_route_add_default(struct nl_batch *b, int family, const union in_addr_union *gw, int ifindex, bool onlink);

/* A route to add (RTM_NEWROUTE, NLM_F_EXCL, protocol static). */
struct nl_route {
        int family;                          /* AF_INET or AF_INET6 */
        const struct netns_prefix *dst;      /* destination; NULL or length 0 = default route */
        const union in_addr_union *gateway;  /* NULL: none (on the link, or a route to nowhere) */
        int ifindex;                         /* RTA_OIF, 0 = none (the kernel finds it from the gateway) */
        bool onlink;                         /* RTNH_F_ONLINK: the gateway is on the link, no prefix needed */
        uint32_t table;                      /* 0 = main */
        uint32_t metric;                     /* RTA_PRIORITY, 0 = none */
        const union in_addr_union *prefsrc;  /* RTA_PREFSRC, NULL = none */
        uint32_t mtu;                        /* RTAX_MTU, 0 = the link's */
        uint8_t type;                        /* RTN_*, 0 = RTN_UNICAST */
};

/**
 * nl_batch_route_add() - append an RTM_NEWROUTE for @rt to @b
 * @b: the batch
 * @rt: the route
 *
 * A unicast route without a gateway gets link scope, every other universe, as iproute2 does.
 * Return: its index in the batch, -ENOBUFS when it does not fit, -EAFNOSUPPORT.
 */
int nl_batch_route_add(struct nl_batch *b, const struct nl_route *rt);
/* RTM_DELROUTE of the route @rt describes (any scope, as "ip route del"); -ESRCH when absent */
int nl_batch_route_del(struct nl_batch *b, const struct nl_route *rt);

/**
 * nl_batch_rule_add() - append an RTM_NEWRULE "fwmark @mark lookup @table" at @priority to @b
 * @b: the batch
 * @family: AF_INET or AF_INET6
 * @mark: the packet mark the rule matches (all 32 bits)
 * @table: the routing table it looks up
 * @priority: its place among the rules (lower first; "main" is at 32766)
 * Return: its index in the batch, -ENOBUFS when it does not fit
 */
int nl_batch_rule_add(struct nl_batch *b, int family, uint32_t mark, uint32_t table, uint32_t priority);

/* A link, as a lookup, a dump or a notification (RTM_NEWLINK/RTM_DELLINK) tells it. */
struct nl_link {
        int ifindex;
        unsigned flags;          /* IFF_* */
        uint32_t mtu;
        char name[IFNAMSIZ];
        char kind[16];           /* IFLA_INFO_KIND: "veth", "dummy", ...; "" for none */
        uint8_t operstate;       /* IF_OPER_* */
        int link_netnsid;        /* IFLA_LINK_NETNSID: for a veth, the namespace of its peer as
                                  * the socket's namespace numbers it; -1 when the peer is in the
                                  * same namespace (or the link has no peer) */
        int parent_ifindex;      /* IFLA_LINK: the lower link of a macvlan/ipvlan/vlan, a veth's
                                  * peer (in the namespace of link_netnsid); 0 when none */
        bool ipv6;               /* IPv6 works on the link: the kernel has IPv6, it is not
                                  * disabled (disable_ipv6), the MTU is at least 1280 */
        int addr_gen_mode;       /* IFLA_INET6_ADDR_GEN_MODE (IN6_ADDR_GEN_MODE_*), -1 unknown */
        uint8_t hwaddr[32];      /* IFLA_ADDRESS */
        size_t hwaddr_len;       /* 0: the link has no hardware address (tun, wireguard) */
        struct nl_vxlan {        /* kind "vxlan": its IFLA_INFO_DATA */
                uint32_t vni;                /* IFLA_VXLAN_ID */
                struct netns_addr remote;    /* IFLA_VXLAN_GROUP(6): the unicast remote or the
                                              * multicast group; family AF_UNSPEC = none */
                struct netns_addr local;     /* IFLA_VXLAN_LOCAL(6) */
                uint16_t port;               /* IFLA_VXLAN_PORT, host byte order */
                int underlay_ifindex;        /* IFLA_VXLAN_LINK, as the namespace of its socket
                                              * (link_netnsid) numbers it; 0 = none */
        } vxlan;
};

/* An address (RTM_NEWADDR/RTM_DELADDR). */
struct nl_addr {
        int family;
        int ifindex;
        uint8_t prefixlen;
        uint8_t scope;                /* RT_SCOPE_* */
        bool has_local, has_address;  /* only for AF_INET and AF_INET6, with the family's length */
        union in_addr_union local;    /* IFA_LOCAL: the address itself */
        union in_addr_union address;  /* IFA_ADDRESS: the peer on a point-to-point link, else the same */
};

/* The address of @a with its prefix length (IFA_LOCAL, else IFA_ADDRESS): false when it has none */
static inline bool nl_addr_prefix(const struct nl_addr *a, struct netns_prefix *ret) {
        if (!a->has_local && !a->has_address)
                return false;
        *ret = (struct netns_prefix) { .family = a->family, .prefixlen = a->prefixlen,
                                       .addr = a->has_local ? a->local : a->address };
        return true;
}

/* A route as the kernel reports it (RTM_NEWROUTE/RTM_DELROUTE). */
struct nl_route_entry {
        int family;
        struct netns_prefix dst;      /* prefixlen 0 = default; the address only with has_dst */
        bool has_dst;
        bool has_gateway;
        union in_addr_union gateway;
        int oif;                      /* 0 if none */
        uint32_t table;               /* RTA_TABLE, else rtm_table */
        uint8_t protocol;             /* RTPROT_* */
        uint8_t type;                 /* RTN_* */
        unsigned flags;               /* RTM_F_* */
};

/**
 * nl_link_parse() - read one RTM_NEWLINK or RTM_DELLINK message (a lookup's, a dump's, a notification's)
 * @h: the message, validated as a netlink message (nl_msg_ok())
 * @ret: the link; attributes that are missing or malformed stay at their defaults
 *
 * The one link parser: every reader of links (lookups, dumps, "monitor") goes through it.
 * Return: 0, or -EBADMSG for a message of another type, too short, or whose attributes do not parse
 */
int nl_link_parse(const struct nlmsghdr *h, struct nl_link *ret);

/**
 * nl_addr_parse() - read one RTM_NEWADDR or RTM_DELADDR message
 * @h: the message, validated as a netlink message
 * @ret: the address; IFA_LOCAL and IFA_ADDRESS only for AF_INET and AF_INET6, with the family's length
 * Return: as nl_link_parse()
 */
int nl_addr_parse(const struct nlmsghdr *h, struct nl_addr *ret);

/**
 * nl_route_parse() - read one RTM_NEWROUTE or RTM_DELROUTE message
 * @h: the message, validated as a netlink message
 * @ret: the route; RTA_TABLE over rtm_table; RTA_DST and RTA_GATEWAY only with the family's length
 * Return: as nl_link_parse()
 */
int nl_route_parse(const struct nlmsghdr *h, struct nl_route_entry *ret);

/**
 * nl_link_get() - look a link up by name
 * Return: 0, -ENODEV when there is no such link, or -errno
 */
int nl_link_get(struct nl_sock *s, const char *name, struct nl_link *ret);
/* nl_link_get() by ifindex */
int nl_link_get_by_index(struct nl_sock *s, int ifindex, struct nl_link *ret);

/**
 * nl_dump_links() - every link of @s's namespace, parsed by nl_link_parse()
 * @s: socket
 * @ret: array, malloc'd, appended to
 * @ret_n: its length, appended to
 *
 * nl_dump_addrs() and nl_dump_routes() do the same for the addresses and routes of @family
 * (AF_UNSPEC: all; routes of every table and type, as the kernel has them). A link message
 * that does not parse is left out; an address or route message that does not parse fails
 * the dump.
 * Return: 0 or -errno
 */
int nl_dump_links(struct nl_sock *s, struct nl_link **ret, size_t *ret_n);
int nl_dump_addrs(struct nl_sock *s, int family, struct nl_addr **ret, size_t *ret_n);
int nl_dump_routes(struct nl_sock *s, int family, struct nl_route_entry **ret, size_t *ret_n);

/**
 * nl_netns_id() - the id @s's namespace uses for namespace @netns_fd (RTM_GETNSID)
 * Return: the id (>= 0), -ENOENT when none is assigned, or -errno
 */
int nl_netns_id(struct nl_sock *s, int netns_fd);

/* One address or route, as a prefix: what an auto subnet must not overlap. */
struct nl_prefix_use {
        struct netns_prefix prefix; /* as the kernel has it: an address with its length, a route's destination */
        int ifindex;                /* the link; 0 for routes without one (blackhole, ...) */
        bool route;                 /* false: an address; true: a route */
        uint8_t type;               /* RTN_*: RTN_LOCAL for addresses */
        uint32_t table;             /* routes only */
};

/**
 * nl_route_lookup() - the routing entry the kernel uses for traffic to @addr
 * @s: socket
 * @family: AF_INET or AF_INET6
 * @addr: destination
 * @ret: the entry (RTM_GETROUTE with RTM_F_FIB_MATCH): its destination prefix, type, table
 *       and link; an address of the host itself comes back as its RTN_LOCAL /32 or /128
 *
 * One round trip however many routes the host has, where a dump grows with them.
 * Return: 1 when a route other than a default route covers @addr, 0 when only a default
 * route or none does, or the kernel's -errno: the lookup ends in a route that carries an
 * error instead of an entry (blackhole -EINVAL, unreachable -EHOSTUNREACH, prohibit
 * -EACCES, throw -EAGAIN), which says some route covers @addr but not which.
 */
int nl_route_lookup(struct nl_sock *s, int family, const union in_addr_union *addr, struct nl_prefix_use *ret);

/**
 * nl_dump_prefixes() - every address and route of one family in @s's namespace
 * @s: socket
 * @family: AF_INET or AF_INET6
 * @ret: array of entries, malloc'd; appended to (may be non-NULL on entry)
 * @ret_n: entries in @ret; appended to
 *
 * Addresses: their prefix (and for a point-to-point address, the peer's prefix). Routes:
 * their destination, from every table except "local", leaving out default routes,
 * multicast/broadcast/local routes and cached clones.
 * Return: 0 or -errno.
 */
int nl_dump_prefixes(struct nl_sock *s, int family, struct nl_prefix_use **ret, size_t *ret_n);

/**
 * nl_extack_msg() - the kernel's text (NLMSGERR_ATTR_MSG) in an error or a dump's end
 * @nlh: an NLMSG_ERROR or NLMSG_DONE message, validated as a netlink message
 * @buf: output, "" when the message carries no text
 * @size: size of @buf
 */
void nl_extack_msg(const struct nlmsghdr *nlh, char *buf, size_t size);

/* " (kernel: MESSAGE)" when the last call carried an extack message, else "" — for log lines */
const char *nl_extack(const struct nl_sock *s);

/*
 * Links that enter a namespace ([Link] sections): a host link moved in and given back, and
 * macvlan/ipvlan/vlan devices created on a parent.
 */

/**
 * nl_link_move() - move a link into another namespace, renamed, in one RTM_NEWLINK
 * @s: socket in the namespace the link is in now
 * @ifindex: the link
 * @netns_fd: the namespace to move it to (IFLA_NET_NS_FD), or -1 to leave it where it is
 * @name: its name there (IFLA_IFNAME), or NULL to keep the name; a name with "%d" lets the
 *        kernel pick a free one
 * @mtu: MTU to set once it is there, 0 = unchanged
 * @up: 1 = bring it up, 0 = leave it down, -1 = flags unchanged
 *
 * The kernel moves first, under the new name (so udev in the target never sees the old name
 * and cannot race a rename), then applies the MTU, then the flags. A moved link arrives down.
 * A name taken in the target namespace fails with -EEXIST before anything is moved.
 * Return: 0 or the kernel's -errno (text in s->extack).
 */
int nl_link_move(struct nl_sock *s, int ifindex, int netns_fd, const char *name, uint32_t mtu, int up);

/**
 * nl_link_add_kind() - create a link of @kind with no parent and no options (wireguard, dummy)
 * @s: socket in the namespace to create it in
 * @kind: IFLA_INFO_KIND
 * @name: its name; NLM_F_EXCL: a name taken is -EEXIST
 * Return: 0 or the kernel's -errno (-EOPNOTSUPP: the kernel has no such kind)
 */
int nl_link_add_kind(struct nl_sock *s, const char *kind, const char *name);

/* A device to create on a parent link (a [Link] of a kind born on a parent, link-kind.h). */
struct nl_link_new {
        const char *kind;        /* IFLA_INFO_KIND */
        const char *name;        /* IFLA_IFNAME, in the namespace it is created in */
        int parent_ifindex;      /* IFLA_LINK, as @s's namespace numbers it; 0 = none (a kind
                                  * that names its underlay in its own attributes) */
        int netns_fd;            /* create it in this namespace (IFLA_NET_NS_FD), -1 = @s's */
        uint32_t mtu;            /* 0 = the kernel's default (the parent's) */
        const uint8_t *hwaddr;   /* IFLA_ADDRESS, 6 bytes; NULL = the kernel's choice */
        /* the kind's IFLA_INFO_DATA attributes into @nlh (@room bytes): false if they do not
         * fit; NULL = none */
        bool (*fill_info_data)(const void *userdata, struct nlmsghdr *nlh, size_t room);
        const void *userdata;
};

/**
 * nl_link_add_on_parent() - create a device (macvlan, ipvlan, vlan, ...) on a parent, in one RTM_NEWLINK
 * @s: socket in the namespace of the parent
 * @n: what to create
 *
 * With @n->netns_fd the device is born inside that namespace while its parent stays in
 * @s's: the kernel resolves IFLA_LINK in the namespace of the request, then registers the
 * new device in the target one. Created DOWN. NLM_F_EXCL: a name taken there is -EEXIST.
 * Return: 0 or the kernel's -errno (text in s->extack).
 */
int nl_link_add_on_parent(struct nl_sock *s, const struct nl_link_new *n);

/* set a link's MTU (by ifindex) */
int nl_batch_link_set_mtu(struct nl_batch *b, int ifindex, uint32_t mtu);

/**
 * nl_batch_addr_add_dad() - nl_batch_addr_add() for a link on a shared network
 *
 * IPv6 addresses go through duplicate address detection (no IFA_F_NODAD): a moved NIC, a
 * macvlan or a vlan shares its wire with other hosts.
 */
int nl_batch_addr_add_dad(struct nl_batch *b, int ifindex, const struct netns_prefix *p);
