/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* addr.h - address helpers and the deterministic "auto" addresses of a namespace's veth */
#pragma once

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf.h"

/* "ADDRESS/LEN" fits in this, for either family */
#define ADDR_PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)

/* The pool of auto IPv6 subnets: ULA, RFC 4193 */
#define ADDR_AUTO_V6_POOL "fd00::/8"
/* How many subnets after the home one an auto allocation tries before giving up */
#define ADDR_AUTO_V4_MAX_PROBES 65536U
#define ADDR_AUTO_V6_MAX_PROBES 1024U

/* ADDRESS/LEN in @buf; returns @buf */
const char *addr_prefix_to_string(const struct netns_prefix *p, char buf[static ADDR_PREFIX_STRLEN]);
/* ADDRESS in @buf; returns @buf */
const char *addr_to_string(int family, const union in_addr_union *a, char buf[static INET6_ADDRSTRLEN]);

/* @p with the host bits cleared (the network) */
struct netns_prefix addr_prefix_network(const struct netns_prefix *p);
/* Does @p contain address @a (same family)? */
bool addr_prefix_contains(const struct netns_prefix *p, int family, const union in_addr_union *a);
/* Do the networks of @a and @b share any address (same family, one contains the other)? */
bool addr_prefix_overlaps(const struct netns_prefix *a, const struct netns_prefix *b);

/* Result of an auto allocation. */
struct addr_auto {
        struct netns_prefix host;   /* host end: the even address of the /31, or ::1/64 */
        struct netns_prefix peer;   /* inside: the odd address of the /31, or ::2/64 */
        uint64_t home;              /* the slot the name hashes to */
        uint64_t slot;              /* the slot taken: home + probes (modulo the pool) */
        unsigned probes;            /* 0 when the home slot was free */
        ssize_t blocker;            /* index in @taken of what overlapped the home slot, or -1 */
};

/**
 * addr_auto_hash() - the stable 64-bit hash auto addresses derive from
 * @name: namespace name
 *
 * netns_name_hash() (FNV-1a) with a splitmix64 finaliser, so that the low bits used for
 * the IPv4 slot depend on every character. Stable across builds, machines and reboots.
 * Return: the hash.
 */
uint64_t addr_auto_hash(const char *name);

/**
 * addr_auto_v4() - the IPv4 /31 of namespace @name in @pool
 * @name: namespace name
 * @pool: IPv4 pool, prefix length 0...30
 * @taken: prefixes already in use (host addresses and routes, other namespaces' subnets)
 * @n_taken: number of entries in @taken
 * @ret: the allocation
 *
 * The home slot is addr_auto_hash(@name) modulo the number of /31s in @pool; when it
 * overlaps anything in @taken, slots home+1, home+2, ... (wrapping inside the pool) are
 * tried, at most ADDR_AUTO_V4_MAX_PROBES of them. A pure function: the same inputs always
 * give the same answer, and without @taken the answer depends on @name and @pool only.
 * Return: 0, -EINVAL for an unusable pool, -EADDRNOTAVAIL when no slot is free
 * (@ret->blocker still names what blocked the home slot).
 */
int addr_auto_v4(const char *name, const struct netns_prefix *pool,
                 const struct netns_prefix *taken, size_t n_taken, struct addr_auto *ret);

/**
 * addr_auto_v6() - the IPv6 ULA /64 of namespace @name
 * @name: namespace name
 * @taken: prefixes already in use
 * @n_taken: number of entries in @taken
 * @ret: the allocation
 *
 * fdXX:XXXX:XXXX:XXXX::/64, the 56 bits after "fd" taken from addr_auto_hash(@name) (a
 * 40-bit ULA global ID and a 16-bit subnet ID in RFC 4193 terms); on overlap the next
 * 56-bit value is tried, at most ADDR_AUTO_V6_MAX_PROBES times. Pure, like addr_auto_v4().
 * Return: 0, or -EADDRNOTAVAIL.
 */
int addr_auto_v6(const char *name, const struct netns_prefix *taken, size_t n_taken, struct addr_auto *ret);
