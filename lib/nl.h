/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nl.h - rtnetlink over libmnl: one socket per namespace, one builder per message */
#pragma once

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdint.h>

#include "macro.h"

struct nl_sock {
        struct mnl_socket *mnl;
        uint32_t portid;
        uint32_t seq;
        char extack[256]; /* the kernel's message for the last failed call, "" if none */
        char *buf;        /* MNL_SOCKET_BUFFER_SIZE-ish receive buffer */
        size_t buf_size;
};

/**
 * nl_open() - open an rtnetlink socket inside a network namespace
 * @netns_fd: the namespace, or -1 for the current one
 * @ret: the socket
 *
 * A netlink socket stays bound to the namespace it was created in, so this enters
 * @netns_fd just long enough to create it.
 * Return: 0 or -errno
 */
int nl_open(int netns_fd, struct nl_sock **ret);
void nl_close(struct nl_sock *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_sock *, nl_close);
#define _cleanup_nl_close_ _cleanup_(nl_closep)

/* Start a request in @buf (at least MNL_SOCKET_BUFFER_SIZE bytes): header with @type, @flags|NLM_F_REQUEST|NLM_F_ACK */
struct nlmsghdr *nl_msg_new(struct nl_sock *s, void *buf, uint16_t type, uint16_t flags);

/**
 * nl_call() - send one request and wait for its ACK
 * @s: socket
 * @nlh: the request (from nl_msg_new())
 * @cb: called for every reply message (dumps, NLM_F_ECHO), may be NULL
 * @data: passed to @cb
 *
 * Return: >= 0 (what @cb last returned, MNL_CB_OK = 1) or the kernel's -errno; the kernel's
 * extended ACK text is left in s->extack.
 */
int nl_call(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* ifindex of @name, or -ENODEV */
int nl_link_ifindex(struct nl_sock *s, const char *name);
/* set a link UP (by ifindex) */
int nl_link_set_up(struct nl_sock *s, int ifindex);

/* " (kernel: MESSAGE)" when the last call carried an extack message, else "" — for log lines */
const char *nl_extack(const struct nl_sock *s);
