/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link-deleter.h - delete a link in a detached process, return when the kernel announces it gone */
#pragma once

#include "nl.h"

/**
 * link_delete_detached() - delete link @ifindex without waiting for the kernel's cleanup
 * @nl: a socket in the link's namespace (to ask whether the link is still there)
 * @ifindex: the link
 *
 * RTM_DELLINK returns only after an RCU barrier and the device's last references, tens of
 * milliseconds nobody can observe. A detached grandchild process (the deleter) makes the
 * request; this returns as soon as the kernel announces the link gone (RTM_DELLINK), or the
 * deleter ended. The deleter keeps no fd of the caller's but a pipe, and the caller's
 * netfilter netlink sockets (so that closing them does not wait for an RCU grace period either).
 * Return: 1 when the link is gone, 0 when it is still there (the caller deletes it itself),
 * -errno when the deleter could not be started
 */
int link_delete_detached(struct nl_sock *nl, int ifindex);
