/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link-vxlan.c - [Link] Type=vxlan: an L2 segment shared with other machines through the kernel's VXLAN */

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>

#include "addr.h"
#include "conf.h"
#include "link-kind.h"
#include "parse-util.h"
#include "util.h"

/* What VXLAN adds to each frame on the underlay: outer IP header (20 / 40), UDP (8), VXLAN
 * (8) and the inner Ethernet header (14): the kernel's VXLAN_HEADROOM and VXLAN6_HEADROOM. */
#define VXLAN_OVERHEAD_IPV4 50
#define VXLAN_OVERHEAD_IPV6 70

static bool addr_is_multicast(const struct netns_addr *a) {
        return a->family == AF_INET ? IN_MULTICAST(ntohl(a->addr.in.s_addr)) : IN6_IS_ADDR_MULTICAST(&a->addr.in6);
}

static bool addr_is_link_local(const struct netns_addr *a) {
        return a->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->addr.in6);
}

static int set_vni(const struct link_key *lk, struct netns_link *l, const char *value) {
        return parse_range(value, 1, (1U << 24) - 1, &l->vni);
}

static int set_port(const struct link_key *lk, struct netns_link *l, const char *value) {
        uint32_t v;

        if (parse_range(value, 1, 65535, &v) < 0)
                return -EINVAL;
        l->dport = (uint16_t) v;
        return 0;
}

/* Remote= and Local=: one unicast address (the key's name says which); Group=: one multicast address */
static int set_unicast(const struct link_key *lk, struct netns_link *l, const char *value) {
        struct netns_addr a;

        if (parse_addr(value, &a) < 0 || addr_is_multicast(&a) || addr_is_null(&a))
                return -EINVAL;
        *(streq(lk->key, "Local") ? &l->local : &l->remote) = a;
        return 0;
}

static int set_group(const struct link_key *lk, struct netns_link *l, const char *value) {
        struct netns_addr a;

        if (parse_addr(value, &a) < 0 || !addr_is_multicast(&a))
                return -EINVAL;
        l->group = a;
        return 0;
}

/* "vxlanVNI", as most examples of "ip link add" name them */
static void default_name(const struct netns_link *l, char ret[static IFNAMSIZ]) {
        (void) snprintf(ret, IFNAMSIZ, "vxlan%u", (unsigned) l->vni);
}

static const struct netns_addr *underlay_peer(const struct netns_link *l) {
        return l->remote.family != AF_UNSPEC ? &l->remote : l->group.family != AF_UNSPEC ? &l->group : NULL;
}

static uint32_t overhead(const struct netns_link *l) {
        const struct netns_addr *peer = underlay_peer(l);

        return (peer && peer->family == AF_INET6) || l->local.family == AF_INET6 ? VXLAN_OVERHEAD_IPV6 : VXLAN_OVERHEAD_IPV4;
}

static const char *verify(const struct netns_link *l) {
        const struct netns_addr *peer = underlay_peer(l);

        if (l->vni == 0)
                return "[Link] with Type=vxlan needs VNI= (the segment's number, 1...16777215).";
        if (l->remote.family != AF_UNSPEC && l->group.family != AF_UNSPEC)
                return "[Link] with Type=vxlan: Remote= and Group= exclude each other (one remote host, or a multicast group of many).";
        if (!peer)
                return "[Link] with Type=vxlan needs Remote= (the other host's address on the underlay) or Group= (a multicast group).";
        if (l->group.family != AF_UNSPEC && !l->parent)
                return "[Link] with Type=vxlan and Group= needs Parent= (the host link to join the multicast group on).";
        if (l->local.family != AF_UNSPEC && l->local.family != peer->family)
                return l->group.family != AF_UNSPEC ? "[Link] with Type=vxlan: Local= and Group= are of different address families." :
                                                      "[Link] with Type=vxlan: Local= and Remote= are of different address families.";
        if ((addr_is_link_local(peer) || addr_is_link_local(&l->local)) && !l->parent)
                return "[Link] with Type=vxlan and an IPv6 link-local Remote=, Group= or Local= needs Parent= (the link it is on).";
        return NULL;
}

static bool put_addr(struct nlmsghdr *nlh, size_t room, uint16_t type4, uint16_t type6, const struct netns_addr *a) {
        if (a->family == AF_INET)
                return mnl_attr_put_check(nlh, room, type4, sizeof(a->addr.in), &a->addr.in);
        if (a->family == AF_INET6)
                return mnl_attr_put_check(nlh, room, type6, sizeof(a->addr.in6), &a->addr.in6);
        return true;
}

static bool fill_info_data(const struct netns_link *l, int parent_ifindex, struct nlmsghdr *nlh, size_t room) {
        bool ok;

        ok = mnl_attr_put_u32_check(nlh, room, IFLA_VXLAN_ID, l->vni);
        /* the kernel takes the unicast remote and the multicast group in one attribute */
        ok = ok && put_addr(nlh, room, IFLA_VXLAN_GROUP, IFLA_VXLAN_GROUP6, underlay_peer(l));
        ok = ok && put_addr(nlh, room, IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6, &l->local);
        ok = ok && mnl_attr_put_u16_check(nlh, room, IFLA_VXLAN_PORT, htons(l->dport ?: NETNS_VXLAN_PORT_DEFAULT));
        if (ok && parent_ifindex > 0)
                ok = mnl_attr_put_u32_check(nlh, room, IFLA_VXLAN_LINK, (uint32_t) parent_ifindex);
        return ok;
}

static const struct link_key keys[] = {
        { "VNI",             NULL, NULL, "a VNI is a number 1...16777215", set_vni },
        { "Remote",          NULL, NULL, "expected one unicast IPv4 or IPv6 address (a multicast one is Group=)", set_unicast },
        { "Group",           NULL, NULL, "expected one multicast IPv4 or IPv6 address (224.0.0.0/4, ff00::/8)", set_group },
        { "Local",           NULL, NULL, "expected one unicast IPv4 or IPv6 address of the host", set_unicast },
        { "DestinationPort", NULL, NULL, "a port is a number 1...65535", set_port },
};

const struct link_kind link_kind_vxlan = {
        .name = "vxlan",
        .kernel_kind = "vxlan",
        .module = "vxlan",
        /* its UDP socket is opened in the namespace it is created in, and stays there */
        .birth = LINK_BORN_ON_HOST_THEN_MOVED,
        .stable_hwaddr = true,
        .default_name = default_name,
        .keys = keys,
        .n_keys = ELEMENTSOF(keys),
        .verify = verify,
        .fill_info_data = fill_info_data,
        .overhead = overhead,
        .underlay_peer = underlay_peer,
};
