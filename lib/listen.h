/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* listen.h - the sockets listening in the caller's network namespace, as /proc/net lists them */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "conf.h"

/* One listening socket: TCP in LISTEN, an unconnected bound UDP socket, an SCTP endpoint. */
struct listener {
        uint8_t protocol;            /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP */
        int family;                  /* AF_INET or AF_INET6 (of the table it is in) */
        union in_addr_union addr;    /* the local address; all zero = every address */
        uint16_t port;
        unsigned long long inode;    /* the socket's inode, 0 when not known */
};

/**
 * listener_find() - a listening socket a forward of a host port would take the traffic of
 * @port: the forward (protocol, host address or none, host port range)
 * @ret: the first listener found
 *
 * Reads /proc/net/{tcp,tcp6,udp,udp6} and /proc/net/sctp/eps of the caller's network namespace.
 * A forward without a host address covers every local address of both families; one with a
 * host address covers sockets bound to it and to the wildcard of its family, and, for IPv4,
 * to "::" (a dual-stack socket receives IPv4 too; /proc does not say whether it is v6only).
 * Return: 1 when found (@ret filled), 0 when none, -errno when a table cannot be read
 */
int listener_find(const struct netns_port *port, struct listener *ret);

/**
 * listener_describe() - "sshd (PID 612) on 0.0.0.0:22" for messages
 * @l: a listener from listener_find()
 * Return: a malloc'd string, or NULL on OOM
 */
char *listener_describe(const struct listener *l);
