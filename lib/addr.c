/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* addr.c - address helpers and the deterministic "auto" addresses of a namespace's veth */

#include <stdio.h>

#include "addr.h"
#include "name.h"

const char *addr_to_string(int family, const union in_addr_union *a, char buf[static INET6_ADDRSTRLEN]) {
        if (!inet_ntop(family, a, buf, INET6_ADDRSTRLEN))
                (void) snprintf(buf, INET6_ADDRSTRLEN, "(family %d)", family);
        return buf;
}

const char *addr_prefix_to_string(const struct netns_prefix *p, char buf[static ADDR_PREFIX_STRLEN]) {
        char a[INET6_ADDRSTRLEN];

        (void) snprintf(buf, ADDR_PREFIX_STRLEN, "%s/%u", addr_to_string(p->family, &p->addr, a), p->prefixlen);
        return buf;
}

static unsigned family_bits(int family) {
        return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

/* Compare the first @bits bits of @a and @b (@bits within the family's size). */
static bool bits_equal(const union in_addr_union *a, const union in_addr_union *b, unsigned bits) {
        unsigned bytes = bits / 8, rest = bits % 8;

        if (memcmp(a->bytes, b->bytes, bytes) != 0)
                return false;
        if (rest == 0)
                return true;
        uint8_t mask = (uint8_t) (0xff00 >> rest);
        return ((a->bytes[bytes] ^ b->bytes[bytes]) & mask) == 0;
}

struct netns_prefix addr_prefix_network(const struct netns_prefix *p) {
        struct netns_prefix n = *p;
        unsigned bits = family_bits(p->family), len = p->prefixlen < bits ? p->prefixlen : bits;

        for (unsigned i = 0; i < bits / 8; i++) {
                if (i * 8 >= len)
                        n.addr.bytes[i] = 0;
                else if (i * 8 + 8 > len)
                        n.addr.bytes[i] &= (uint8_t) (0xff00 >> (len - i * 8));
        }
        return n;
}

bool addr_is_null(const struct netns_addr *a) {
        static const union in_addr_union zero = {};

        return memcmp(&a->addr, &zero, a->family == AF_INET ? 4 : 16) == 0;
}

bool addr_prefix_contains(const struct netns_prefix *p, int family, const union in_addr_union *a) {
        if (p->family != family || !family_bits(family))
                return false;
        return bits_equal(&p->addr, a, p->prefixlen < family_bits(family) ? p->prefixlen : family_bits(family));
}

bool addr_prefix_overlaps(const struct netns_prefix *a, const struct netns_prefix *b) {
        unsigned bits;

        if (a->family != b->family || !(bits = family_bits(a->family)))
                return false;
        /* Two prefixes overlap exactly when they agree on the shorter one's bits. */
        if (a->prefixlen < bits)
                bits = a->prefixlen;
        if (b->prefixlen < bits)
                bits = b->prefixlen;
        return bits_equal(&a->addr, &b->addr, bits);
}

uint64_t addr_auto_hash(const char *name) {
        uint64_t z = netns_name_hash(name);

        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        return z ^ (z >> 31);
}

int addr_taken_in_list(const struct netns_prefix *candidate, void *userdata, struct netns_prefix *ret_blocker) {
        const struct addr_list *l = userdata;

        for (size_t i = 0; l && i < l->n; i++)
                if (addr_prefix_overlaps(candidate, &l->p[i])) {
                        *ret_blocker = l->p[i];
                        return (int) (i < INT32_MAX - 1 ? i + 1 : INT32_MAX);
                }
        return 0;
}

static struct netns_prefix v4_at(uint32_t a, unsigned prefixlen) {
        return (struct netns_prefix) {
                .family = AF_INET,
                .addr.in.s_addr = htonl(a),
                .prefixlen = (uint8_t) prefixlen,
        };
}

/* Ask @taken about @p; on the home slot (@i == 0) remember the answer in @ret. */
static int probe(addr_taken_fn taken, void *userdata, const struct netns_prefix *p, uint64_t i,
                 struct addr_auto *ret, struct netns_prefix *blocker) {
        int r;

        if (!taken)
                return 0;
        r = taken(p, userdata, blocker);
        if (r > 0 && i == 0) {
                ret->blocked = r;
                ret->blocker = *blocker;
        }
        return r;
}

/* How many slots of @slot_bits-bit ids, starting at @id, @blocker covers (at least 1): the
 * allocators jump past a blocking route in one step instead of asking about every slot in
 * it. @id_bits: where the id starts in the address (bit offset from the top, per family). */
static uint64_t slots_covered(const struct netns_prefix *blocker, unsigned id_first_bit, unsigned id_bits, uint64_t id) {
        unsigned free_bits;

        /* the blocker's length inside the id field: bits of it beyond the id field mean it
         * covers less than one slot */
        if (blocker->prefixlen >= id_first_bit + id_bits || blocker->prefixlen <= id_first_bit)
                return 1;
        free_bits = id_first_bit + id_bits - blocker->prefixlen;
        if (free_bits >= 64)
                return 1;
        /* the ids sharing the blocker's prefix end at id | mask */
        return ((id | ((UINT64_C(1) << free_bits) - 1)) - id) + 1;
}

int addr_auto_v4(const char *name, const struct netns_prefix *pool, addr_taken_fn taken, void *userdata,
                 struct addr_auto *ret) {
        struct netns_prefix net;
        uint64_t nslots, dist = 0;
        uint32_t base;

        if (pool->family != AF_INET || pool->prefixlen > 30)
                return -EINVAL;
        net = addr_prefix_network(pool);
        base = ntohl(net.addr.in.s_addr);
        nslots = UINT64_C(1) << (31 - pool->prefixlen);

        *ret = (struct addr_auto) {};
        ret->home = addr_auto_hash(name) % nslots;
        for (unsigned i = 0; i < ADDR_AUTO_V4_MAX_PROBES && dist < nslots; i++) {
                uint64_t slot = (ret->home + dist) % nslots, skip;
                struct netns_prefix p = v4_at(base + (uint32_t) (2 * slot), 31), blocker = {};
                int r = probe(taken, userdata, &p, i, ret, &blocker);

                if (r < 0)
                        return r;
                if (r > 0) {
                        /* Whatever covers the whole pool blocks every slot: stop right away. */
                        if (blocker.family == AF_INET && blocker.prefixlen <= pool->prefixlen)
                                break;
                        /* skip the rest of a blocking route, up to the end of the pool (then wrap) */
                        skip = blocker.family == AF_INET ? slots_covered(&blocker, pool->prefixlen, 31 - pool->prefixlen, slot) : 1;
                        if (skip > nslots - slot)
                                skip = nslots - slot;
                        dist += skip;
                        continue;
                }
                ret->slot = slot;
                ret->probes = i;
                ret->host = p;
                ret->peer = v4_at(base + (uint32_t) (2 * slot) + 1, 31);
                return 0;
        }
        return -EADDRNOTAVAIL;
}

static struct netns_prefix v6_at(uint64_t id56, uint8_t last) {
        struct netns_prefix p = { .family = AF_INET6, .prefixlen = 64 };

        p.addr.bytes[0] = 0xfd;
        for (int i = 0; i < 7; i++)
                p.addr.bytes[1 + i] = (uint8_t) (id56 >> (8 * (6 - i)));
        p.addr.bytes[15] = last;
        return p;
}

int addr_auto_v6(const char *name, addr_taken_fn taken, void *userdata, struct addr_auto *ret) {
        const uint64_t mask56 = (UINT64_C(1) << 56) - 1;
        uint64_t dist = 0;

        *ret = (struct addr_auto) {};
        ret->home = addr_auto_hash(name) >> 8; /* the top 56 bits */
        for (unsigned i = 0; i < ADDR_AUTO_V6_MAX_PROBES; i++) {
                uint64_t id = (ret->home + dist) & mask56, skip;
                struct netns_prefix p = v6_at(id, 1), blocker = {};
                int r = probe(taken, userdata, &p, i, ret, &blocker);

                if (r < 0)
                        return r;
                if (r > 0) {
                        if (blocker.family == AF_INET6 && blocker.prefixlen <= 8) /* all of fd00::/8 */
                                break;
                        skip = blocker.family == AF_INET6 ? slots_covered(&blocker, 8, 56, id) : 1;
                        if (skip > mask56 - id + 1)
                                skip = mask56 - id + 1; /* to the end of fd00::/8, then wrap */
                        dist += skip;
                        continue;
                }
                ret->slot = id;
                ret->probes = i;
                ret->host = p;
                ret->peer = v6_at(id, 2);
                return 0;
        }
        return -EADDRNOTAVAIL;
}
