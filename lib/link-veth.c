/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link-veth.c - [Link] Type=veth: a veth between this namespace and PeerNamespace= */

#include "conf.h"
#include "link-kind.h"

static const char *verify(const struct netns_link *l) {
        if (!l->peer_namespace)
                return "[Link] with Type=veth needs PeerNamespace= (the namespace at the other end).";
        if (l->parent)
                return "[Link] with Type=veth takes no Parent=: its two ends are born in the two namespaces.";
        return NULL;
}

/* Its keys (PeerNamespace=, PeerName=, PeerAddress=) are lists or names, in the [Link] table. */
const struct link_kind link_kind_veth = {
        .name = "veth",
        .kernel_kind = "veth",
        .module = "veth",
        .birth = LINK_BORN_BETWEEN_NAMESPACES,
        .verify = verify,
};
