/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link-ipvlan.c - [Link] Type=ipvlan: a device sharing a host link's MAC address, told apart by IP address */

#include <libmnl/libmnl.h>
#include <linux/if_link.h>

#include "conf.h"
#include "link-kind.h"

/* in the order of enum netns_ipvlan_mode */
static const char *const modes[] = { "l2", "l3", "l3s", NULL };

static bool fill_info_data(const struct netns_link *l, int parent_ifindex, struct nlmsghdr *nlh, size_t room) {
        uint16_t mode = l->mode == NETNS_IPVLAN_L2  ? IPVLAN_MODE_L2 :
                        l->mode == NETNS_IPVLAN_L3S ? IPVLAN_MODE_L3S :
                                                      IPVLAN_MODE_L3;

        return mnl_attr_put_u16_check(nlh, room, IFLA_IPVLAN_MODE, mode);
}

static const struct link_key keys[] = {
        { "Mode", "mode", modes, NULL, link_key_set_mode },
};

const struct link_kind link_kind_ipvlan = {
        .name = "ipvlan",
        .kernel_kind = "ipvlan",
        .module = "ipvlan",
        .birth = LINK_BORN_INSIDE,
        .needs_parent = true,
        .stacked = true,
        .name_prefix = "iv-", /* as systemd-nspawn's IPVLAN= names them */
        .keys = keys,
        .n_keys = ELEMENTSOF(keys),
        .fill_info_data = fill_info_data,
};
