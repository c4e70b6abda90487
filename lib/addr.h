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
/* How many candidate subnets an auto allocation asks about before giving up */
#define ADDR_AUTO_V4_MAX_PROBES 65536U
#define ADDR_AUTO_V6_MAX_PROBES 1024U

/* ADDRESS/LEN in @buf; returns @buf */
const char *addr_prefix_to_string(const struct netns_prefix *p, char buf[static ADDR_PREFIX_STRLEN]);
/* ADDRESS in @buf; returns @buf */
const char *addr_to_string(int family, const union in_addr_union *a, char buf[static INET6_ADDRSTRLEN]);

/* Is @a the family's unspecified address (0.0.0.0, ::)? */
bool addr_is_null(const struct netns_addr *a);

/* @p with the host bits cleared (the network) */
struct netns_prefix addr_prefix_network(const struct netns_prefix *p);
/* Does @p contain address @a (same family)? */
bool addr_prefix_contains(const struct netns_prefix *p, int family, const union in_addr_union *a);
/* Do the networks of @a and @b share any address (same family, one contains the other)? */
bool addr_prefix_overlaps(const struct netns_prefix *a, const struct netns_prefix *b);

/**
 * typedef addr_taken_fn - is anything on the host in the way of @candidate?
 * @candidate: a subnet an auto allocation considers
 * @userdata: the caller's
 * @ret_blocker: set to what overlaps @candidate when the answer is "taken"
 *
 * Return: 0 free, > 0 taken (any positive token the caller likes, handed back in
 * struct addr_auto), < 0 an error that ends the allocation.
 */
typedef int (*addr_taken_fn)(const struct netns_prefix *candidate, void *userdata, struct netns_prefix *ret_blocker);

/* A plain list of prefixes in use, for addr_taken_in_list() */
struct addr_list {
        const struct netns_prefix *p;
        size_t n;
};

/* addr_taken_fn over a struct addr_list: taken when @candidate overlaps an entry; the token
 * is the entry's index + 1 */
int addr_taken_in_list(const struct netns_prefix *candidate, void *userdata, struct netns_prefix *ret_blocker);

/* Result of an auto allocation. */
struct addr_auto {
        struct netns_prefix host;    /* host end: the even address of the /31, or ::1/64 */
        struct netns_prefix peer;    /* inside: the odd address of the /31, or ::2/64 */
        uint64_t home;               /* the slot the name hashes to */
        uint64_t slot;               /* the slot taken: home + probes (modulo the pool) */
        unsigned probes;             /* 0 when the home slot was free */
        int blocked;                 /* the token @taken gave for the home slot; 0 = it was free */
        struct netns_prefix blocker; /* what overlapped the home slot, when blocked */
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
 * @taken: asked about each candidate /31 (host addresses and routes, other namespaces'
 *         subnets); NULL = nothing is taken
 * @userdata: passed to @taken
 * @ret: the allocation
 *
 * The home slot is addr_auto_hash(@name) modulo the number of /31s in @pool; when @taken
 * says it is in use, the slots after it are tried in order (wrapping inside the pool), each
 * time starting right after the end of what blocked the last one, at most
 * ADDR_AUTO_V4_MAX_PROBES times, and none after a blocker that covers the whole pool. Pure
 * when @taken is: the same answers always give the same result, and with nothing taken the
 * result depends on @name and @pool only.
 * Return: 0, -EINVAL for an unusable pool, -EADDRNOTAVAIL when no slot is free
 * (@ret->blocked/blocker still tell what blocked the home slot), or @taken's error.
 */
int addr_auto_v4(const char *name, const struct netns_prefix *pool, addr_taken_fn taken, void *userdata,
                 struct addr_auto *ret);

/**
 * addr_auto_v6() - the IPv6 ULA /64 of namespace @name
 * @name: namespace name
 * @taken: asked about each candidate /64; NULL = nothing is taken
 * @userdata: passed to @taken
 * @ret: the allocation
 *
 * fdXX:XXXX:XXXX:XXXX::/64, the 56 bits after "fd" taken from addr_auto_hash(@name) (a
 * 40-bit ULA global ID and a 16-bit subnet ID in RFC 4193 terms); when taken the next
 * 56-bit value after the blocker's end is tried, at most ADDR_AUTO_V6_MAX_PROBES times.
 * Pure, like addr_auto_v4().
 * Return: 0, -EADDRNOTAVAIL, or @taken's error.
 */
int addr_auto_v6(const char *name, addr_taken_fn taken, void *userdata, struct addr_auto *ret);
