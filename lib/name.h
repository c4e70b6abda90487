/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* name.h - namespace, interface and unit name rules; derived interface names */
#pragma once

#include <net/if.h>
#include <stdbool.h>

#define NETNS_NAME_MAX 64
/* Every link netnsctl derives a name for starts with this; gc and status recognise them by it. */
#define NETNS_IFNAME_PREFIX "nn-"

bool netns_name_is_valid(const char *name);
bool ifname_is_valid(const char *name);
bool unit_name_is_valid(const char *name);
int netns_ifname_host(const char *netns, char ret[static IFNAMSIZ]);
/* Name of a [Link]'s device while it exists in the host (macvlan/ipvlan/vlan before the move). */
unsigned long long netns_name_hash(const char *s);
