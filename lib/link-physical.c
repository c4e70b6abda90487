/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link-physical.c - [Link] Type=physical: an existing host link moved in, given back on stop */

#include "conf.h"
#include "link-kind.h"

/* Its name inside is its host name unless Name= says otherwise; no keys of its own. */
const struct link_kind link_kind_physical = {
        .name = "physical",
        .birth = LINK_BORN_MOVED_IN,
        .needs_parent = true,
};
