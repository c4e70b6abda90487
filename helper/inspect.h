/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* inspect.h - what list, status, monitor and gc look at: pins, records, processes, units, rtnetlink dumps */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

#include "bus.h"

#include "conf.h"
#include "nl.h"

/* What a namespace looks like to list/status. */
enum ns_state {
        NS_UP,          /* netnsctl's record is complete and the pin holds the recorded namespace */
        NS_INCOMPLETE,  /* a record, but not complete, or its namespace is not (or no longer) pinned */
        NS_UNMANAGED,   /* no record: made by "ip netns add" or another tool */
        NS_UNKNOWN,     /* the record exists but cannot be read (not root) */
};

struct ns_info {
        char *name;
        int pin;                      /* enum pin_state, or -errno when it could not be inspected */
        unsigned long long ino;       /* of the pinned namespace when pin == PIN_NSFS, else 0 */
        bool managed;                 /* /run/netnsctl/NAME exists */
        bool has_record;              /* ... and its state file was read into @record */
        int record_error;             /* else why not: -EPERM (unsafe), -EBADMSG (a bad line), -EACCES, ... */
        bool up;                      /* the pin holds the namespace the record names (inode and cookie) */
        bool complete;                /* the record ends in "complete" */
        unsigned long long rec_ino;   /* the record's "netns INODE", 0 if none */
        char **record;                /* the record's lines, oldest first; NULL if none */
        enum ns_state state;
};

const char *ns_state_to_string(enum ns_state s);
/* "ok" (live nsfs pin), "stale" (a file that is no namespace), "absent", "error" */
const char *pin_state_to_string(int pin);

/**
 * ns_info_load() - inspect the pin and the record of namespace @name
 * Return: 0 or -ENOMEM; everything else shows in the result's fields.
 */
int ns_info_load(const char *name, struct ns_info *ret);
void ns_info_done(struct ns_info *i);

/**
 * ns_names() - every name under the pin directory, plus every valid name with a record dir
 * Return: the sorted, de-duplicated list (possibly empty) in @ret, or -errno
 */
int ns_names(char ***ret);


/* rtnetlink dumps: a link, an address, a route of one namespace */
struct rt_link {
        int ifindex;
        char name[IFNAMSIZ];
        char kind[16];        /* IFLA_INFO_KIND, "" if none */
        unsigned flags;       /* IFF_* */
        uint8_t operstate;    /* IF_OPER_* */
        uint32_t mtu;
        char mac[18];         /* "aa:bb:cc:dd:ee:ff", "" if none */
        int link_netnsid;     /* IFLA_LINK_NETNSID, -1 when absent: for a veth, the peer's namespace */
        int link;             /* IFLA_LINK: for a veth, the peer's ifindex (in that namespace); 0 if none */
};

struct rt_addr {
        int ifindex;
        struct netns_prefix prefix; /* the address (not the network) and its prefix length */
        uint8_t scope;              /* RT_SCOPE_* */
};

struct rt_route {
        int family;
        struct netns_prefix dst;    /* prefixlen 0 = default */
        bool has_gateway;
        union in_addr_union gateway;
        int oif;
        uint32_t table;
        uint8_t protocol;           /* RTPROT_* */
        uint8_t type;               /* RTN_* */
};

/* Parse one RTM_NEWLINK/RTM_DELLINK message (a dump's or a notification). 0 or -EBADMSG. */
int rt_link_parse(const struct nlmsghdr *h, struct rt_link *ret);

/* Dump every link/address/route (all tables but "local") of @s's namespace; arrays malloc'd. 0 or -errno. */
int rt_dump_links(struct nl_sock *s, struct rt_link **ret, size_t *ret_n);
int rt_dump_addrs(struct nl_sock *s, struct rt_addr **ret, size_t *ret_n);
int rt_dump_routes(struct nl_sock *s, struct rt_route **ret, size_t *ret_n);
/* "up"/"down"/"lower-layer-down"/... for IF_OPER_* */
const char *operstate_to_string(uint8_t operstate);
/* "kernel"/"boot"/"static"/... for RTPROT_*, or the number in @buf */
const char *rtprot_to_string(uint8_t protocol, char buf[static 8]);
