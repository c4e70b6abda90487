/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link-macvlan.c - [Link] Type=macvlan: a device with its own MAC address on a host link's wire */

#include <libmnl/libmnl.h>
#include <linux/if_link.h>

#include "conf.h"
#include "link-kind.h"

/* in the order of enum netns_macvlan_mode */
static const char *const modes[] = { "private", "vepa", "bridge", "passthru", "source", NULL };

static bool fill_info_data(const struct netns_link *l, int parent_ifindex, struct nlmsghdr *nlh, size_t room) {
        uint32_t mode = l->mode == NETNS_MACVLAN_PRIVATE  ? MACVLAN_MODE_PRIVATE :
                        l->mode == NETNS_MACVLAN_VEPA     ? MACVLAN_MODE_VEPA :
                        l->mode == NETNS_MACVLAN_PASSTHRU ? MACVLAN_MODE_PASSTHRU :
                        l->mode == NETNS_MACVLAN_SOURCE   ? MACVLAN_MODE_SOURCE :
                                                            MACVLAN_MODE_BRIDGE;

        return mnl_attr_put_u32_check(nlh, room, IFLA_MACVLAN_MODE, mode);
}

static const struct link_key keys[] = {
        { "Mode", "mode", modes, NULL, link_key_set_mode },
};

const struct link_kind link_kind_macvlan = {
        .name = "macvlan",
        .kernel_kind = "macvlan",
        .module = "macvlan",
        .birth = LINK_BORN_INSIDE,
        .needs_parent = true,
        .stacked = true,
        .name_prefix = "mv-", /* as systemd-nspawn's MACVLAN= names them */
        .keys = keys,
        .n_keys = ELEMENTSOF(keys),
        .fill_info_data = fill_info_data,
};
