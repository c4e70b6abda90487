/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link-kind.h - the kinds of [Link] device as a table: one row and one file (link-KIND.c) each */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netns_addr;
struct netns_config;
struct netns_link;
struct nlmsghdr;

/*
 * Adding a kind: its value here, its row in link-kind.c, its file (link-KIND.c, listed in
 * lib/meson.build) with its struct link_kind, the fields of its own keys in struct
 * netns_link (conf.h), its section in netns.conf(5), and its tests. The parser, "check",
 * the generator, the record check and the link step read the row; no kind name is spelled
 * anywhere else.
 */
enum netns_link_kind {
        NETNS_LINK_PHYSICAL, /* an existing host link moved in, given back on stop */
        NETNS_LINK_MACVLAN,
        NETNS_LINK_IPVLAN,
        NETNS_LINK_VLAN,
        NETNS_LINK_VETH,     /* a veth to another namespace (PeerNamespace=) */
        NETNS_LINK_VXLAN,    /* a VXLAN tunnel whose UDP socket stays in the host's namespace */
        _NETNS_LINK_KIND_MAX,
};

/* Mode= of Type=macvlan */
enum netns_macvlan_mode {
        NETNS_MACVLAN_PRIVATE,
        NETNS_MACVLAN_VEPA,
        NETNS_MACVLAN_BRIDGE, /* default */
        NETNS_MACVLAN_PASSTHRU,
        NETNS_MACVLAN_SOURCE,
};

/* Mode= of Type=ipvlan */
enum netns_ipvlan_mode {
        NETNS_IPVLAN_L2,
        NETNS_IPVLAN_L3, /* default */
        NETNS_IPVLAN_L3S,
};

/* Where a device is born, which decides how "up" makes it and "down" takes it away. */
enum link_birth {
        /* an existing host link (Parent=), moved in and renamed in one request; given back
         * under its host name, MTU and state on "down" ("link-moved" record line) */
        LINK_BORN_MOVED_IN,
        /* created on a host parent directly inside the namespace (IFLA_NET_NS_FD in the
         * RTM_NEWLINK), or next to the parent when the namespace moves that in; deleted on
         * "down" ("link-new" record line) */
        LINK_BORN_INSIDE,
        /* created in the host and then moved in, so that what it opens there (the UDP socket
         * of a WireGuard or VXLAN device) stays in the host's namespace */
        LINK_BORN_ON_HOST_THEN_MOVED,
        /* a veth whose ends are born in two namespaces (IFLA_NET_NS_FD in the peer's info), by
         * whichever of the two comes up second; each records the end inside it ("link-new"),
         * and deleting either end deletes both (step-peer.c) */
        LINK_BORN_BETWEEN_NAMESPACES,
};

/* A key of one kind's own ([Link] Mode=, VLANId=). Read once the section's Type= is known. */
struct link_key {
        const char *key;
        /* "mode": a value of another kind is "not a mode of Type=X"; NULL: the key is of one kind only */
        const char *noun;
        /* the values, NULL-terminated, for messages and for link_key_enum(); NULL: see @expect */
        const char *const *values;
        /* without @values: what the value must be, for "KEY=VALUE: EXPECT." */
        const char *expect;
        /* store @value (not empty) in @l; 0 or -EINVAL. Called on a scratch copy too. */
        int (*set)(const struct link_key *lk, struct netns_link *l, const char *value);
};

struct link_kind {
        const char *name;          /* Type= */
        const char *kernel_kind;   /* IFLA_INFO_KIND of the device made; NULL: a host link moved in */
        const char *module;        /* the kernel module that makes it, named when the kernel cannot */
        enum link_birth birth;
        bool needs_parent;         /* Parent= is required: the link moved in, or the one it is made on */
        bool stacked;              /* carries the hardware address of the link below it */
        /* gets a MAC address of its own that is the same each time "up" makes it
         * (link_stable_hwaddr()): what the other ends learned of it (neighbour entries, a
         * VXLAN's forwarding table) stays right when its namespace restarts */
        bool stable_hwaddr;
        const char *name_prefix;   /* derived name: PREFIX + Parent= (+ suffix); NULL: none */
        /* derived name's suffix (".ID") into @buf; NULL: none */
        void (*name_suffix)(const struct netns_link *l, char *buf, size_t size);
        /* the derived name when it is not PREFIX + Parent= + suffix ("vxlan42"); NULL: that rule */
        void (*default_name)(const struct netns_link *l, char ret[static IFNAMSIZ]);
        const struct link_key *keys;
        size_t n_keys;
        /* a problem of a complete [Link] of this kind ("[Link] with ... needs ..."), or NULL */
        const char *(*verify)(const struct netns_link *l);
        /* its IFLA_INFO_DATA attributes for RTM_NEWLINK into @nlh (@room bytes); false if full.
         * @parent_ifindex: Parent= as the namespace of the request numbers it, 0 = none */
        bool (*fill_info_data)(const struct netns_link *l, int parent_ifindex, struct nlmsghdr *nlh, size_t room);
        /* A tunnel: the bytes its encapsulation adds on the underlay, whose MTU less these is
         * the device's unless MTU= is set. NULL: not a tunnel. */
        uint32_t (*overhead)(const struct netns_link *l);
        /* A tunnel without Parent=: the address it sends to, whose route on the host names the
         * underlay. NULL (or a NULL result): none. */
        const struct netns_addr *(*underlay_peer)(const struct netns_link *l);
};

extern const struct link_kind link_kind_physical, link_kind_macvlan, link_kind_ipvlan, link_kind_vlan, link_kind_veth,
        link_kind_vxlan;

/**
 * link_kind_get() - the row of a kind
 * @kind: the kind; _NETNS_LINK_KIND_MAX (Type= not set) or beyond gives NULL
 * Return: the row, or NULL.
 */
const struct link_kind *link_kind_get(enum netns_link_kind kind);

/**
 * link_kind_from_name() - a kind by its Type= name
 * @name: the name
 * Return: the kind, or _NETNS_LINK_KIND_MAX when there is none of that name.
 */
enum netns_link_kind link_kind_from_name(const char *name);

/**
 * link_kind_names() - the names of the kinds, for messages
 * @buf: where to write them
 * @size: its size
 * @sep: between two names (", " or "|")
 * @last: before the last name (" or " or "|")
 * @kernel: list the kernel kinds of the devices netnsctl makes (for the record) instead of
 *          the Type= names of all kinds
 * Return: @buf.
 */
const char *link_kind_names(char *buf, size_t size, const char *sep, const char *last, bool kernel);

/**
 * link_kind_made_by_kernel_kind() - is @kind the kernel kind of a device netnsctl makes
 * @kind: an IFLA_INFO_KIND ("macvlan")
 * Return: the row of the kind that makes it, or NULL.
 */
const struct link_kind *link_kind_made_by_kernel_kind(const char *kind);

/**
 * link_kernel_kind_is_stacked() - does a device of kernel kind @kind carry the hardware
 * address of the link below it (so it is never the link a namespace moved in)
 * @kind: an IFLA_INFO_KIND, "" for none
 * Return: true if so.
 */
bool link_kernel_kind_is_stacked(const char *kind);

/**
 * link_key_find() - a key of a kind's own by its name
 * @k: the kind's row
 * @key: the key's name
 * Return: the key, or NULL.
 */
const struct link_key *link_key_find(const struct link_kind *k, const char *key);

/**
 * link_key_set_mode() - a link_key.set that stores @value's index in @lk->values as @l->mode
 * @lk: a key with values in the order of the kind's mode enum
 * @l: the [Link]
 * @value: the value
 * Return: 0, or -EINVAL when @value is none of them.
 */
int link_key_set_mode(const struct link_key *lk, struct netns_link *l, const char *value);

/**
 * link_stable_hwaddr() - the MAC address of a device that stays the same on this machine
 * @ns: the namespace
 * @ifname: the device's name inside
 * @ret: 6 bytes: a locally administered unicast address
 *
 * A hash of /etc/machine-id, @ns and @ifname (the machine id itself does not show), as
 * systemd-networkd derives the addresses of the devices it makes: other machines keep theirs
 * apart, and a device made again (a restart) keeps its address.
 * Return: 0, or -errno when the machine has no usable /etc/machine-id (then the kernel picks one).
 */
int link_stable_hwaddr(const char *ns, const char *ifname, uint8_t ret[static 6]);

/* Is @l a host link that its namespace moves in (its kind is born LINK_BORN_MOVED_IN)? */
bool link_moves_in(const struct netns_link *l);

/**
 * link_parent_moved_in() - the [Link] of @c that moves @l's parent into the namespace
 * @c: the configuration
 * @l: a [Link] made on a parent
 * Return: that [Link] (the last one, as "up" finds it), or NULL when the parent stays on the host.
 */
const struct netns_link *link_parent_moved_in(const struct netns_config *c, const struct netns_link *l);

/**
 * link_ifname() - the name of a [Link]'s device inside the namespace
 * @l: the [Link]
 * @ret: buffer of IFNAMSIZ bytes
 *
 * Name= when set. Else the kind's rule: physical keeps its host name (Parent=); macvlan is
 * "mv-PARENT", ipvlan "iv-PARENT" (as systemd-nspawn's MACVLAN=/IPVLAN= name them), vlan
 * "PARENT.ID" (as vconfig and most distributions do). When that exceeds 15 characters,
 * PARENT is cut and a '+' and 4 hex digits of a hash of the whole PARENT follow the part
 * kept, so different parents keep different names: "mv-enp0s2+1a2b", "enp0s3+9f3c.100".
 * Return: 0, or -EINVAL when the [Link] has no Parent=.
 */
int link_ifname(const struct netns_link *l, char ret[static IFNAMSIZ]);

/**
 * link_peer_ifname() - the name of a Type=veth [Link]'s other end, inside PeerNamespace=
 * @owner: the name of the namespace whose configuration has the [Link]
 * @l: the [Link]
 * @ret: buffer of IFNAMSIZ bytes
 *
 * PeerName= when set, else @owner, cut with a hash as link_ifname() cuts (its own end is
 * named after PeerNamespace= likewise): in a lab r1-r2, r1's link to r2 is "r2" and r2's is "r1".
 */
void link_peer_ifname(const char *owner, const struct netns_link *l, char ret[static IFNAMSIZ]);

/**
 * link_names_check() - the names of the devices inside, derived ones too, are unique
 * @cfg: a loaded configuration
 *
 * Every [Link]'s name (link_ifname()) must differ from "lo", from the veth's peer and from
 * every other [Link]'s; for "check", the generator and "up", before anything is made.
 * Return: 0, or -EEXIST / -EINVAL / -ENOMEM (reported as FILE:LINE: ...)
 */
int link_names_check(const struct netns_config *cfg);
