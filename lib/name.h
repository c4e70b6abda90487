/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* name.h - namespace, interface and unit name rules; derived interface names */
#pragma once

#include <net/if.h>
#include <stdbool.h>

#define NETNS_NAME_MAX 64
/* Every link netnsctl derives a name for starts with this; gc and status recognise them by it. */
#define NETNS_IFNAME_PREFIX "nn-"
/* A WireGuard device's name on the host between its creation and its move into the namespace
 * ("wgnn-" and 8 hex digits of the namespace name's hash); gc recognises a stray one by it. */
#define NETNS_WG_HOST_PREFIX "wgnn-"

bool netns_name_is_valid(const char *name);
bool ifname_is_valid(const char *name);
bool unit_name_is_valid(const char *name);
int netns_ifname_host(const char *netns, char ret[static IFNAMSIZ]);
/* Name of a [Link]'s device while it exists in the host (macvlan/ipvlan/vlan before the move). */
unsigned long long netns_name_hash(const char *s);
