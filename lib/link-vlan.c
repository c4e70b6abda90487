/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link-vlan.c - [Link] Type=vlan: an 802.1Q VLAN of a host link */

#include <libmnl/libmnl.h>
#include <linux/if_link.h>

#include "conf.h"
#include "link-kind.h"
#include "parse-util.h"

static int set_vlan_id(const struct link_key *lk, struct netns_link *l, const char *value) {
        uint32_t v;

        if (parse_range(value, 1, 4094, &v) < 0)
                return -EINVAL;
        l->vlan_id = (uint16_t) v;
        return 0;
}

/* "PARENT.ID", as vconfig and most distributions name them */
static void name_suffix(const struct netns_link *l, char *buf, size_t size) {
        (void) snprintf(buf, size, ".%u", (unsigned) l->vlan_id);
}

static const char *verify(const struct netns_link *l) {
        return l->vlan_id == 0 ? "[Link] with Type=vlan needs VLANId=." : NULL;
}

static bool fill_info_data(const struct netns_link *l, int parent_ifindex, struct nlmsghdr *nlh, size_t room) {
        return mnl_attr_put_u16_check(nlh, room, IFLA_VLAN_ID, l->vlan_id);
}

static const struct link_key keys[] = {
        { "VLANId", NULL, NULL, "a VLAN id is a number 1...4094", set_vlan_id },
};

const struct link_kind link_kind_vlan = {
        .name = "vlan",
        .kernel_kind = "vlan",
        .module = "8021q",
        .birth = LINK_BORN_INSIDE,
        .needs_parent = true,
        .stacked = true,
        .name_suffix = name_suffix,
        .keys = keys,
        .n_keys = ELEMENTSOF(keys),
        .verify = verify,
        .fill_info_data = fill_info_data,
};
