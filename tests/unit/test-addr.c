/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-addr.c - prefix helpers and the deterministic auto subnets of lib/addr.c */

#include <errno.h>

#include "addr.h"
#include "macro.h"
#include "tap.h"

static struct netns_prefix P(const char *s) {
        struct netns_prefix p = {};

        if (parse_prefix(s, &p) < 0) {
                fprintf(stderr, "bad test prefix %s\n", s);
                exit(EXIT_FAILURE);
        }
        return p;
}

static bool OVL(const char *a, const char *b) {
        struct netns_prefix x = P(a), y = P(b);

        return addr_prefix_overlaps(&x, &y);
}

static bool IN(const char *prefix, const char *addr) {
        struct netns_prefix x = P(prefix), y = P(addr);

        return addr_prefix_contains(&x, y.family, &y.addr);
}

static const char *S(const struct netns_prefix *p) {
        static char buf[4][ADDR_PREFIX_STRLEN];
        static int i;

        return addr_prefix_to_string(p, buf[i++ % 4]);
}

/* the allocators over a plain list of taken prefixes */
static int V4(const char *name, const struct netns_prefix *pool, const struct netns_prefix *taken, size_t n,
              struct addr_auto *ret) {
        struct addr_list l = { taken, n };

        return addr_auto_v4(name, pool, addr_taken_in_list, &l, ret);
}

static int V6(const char *name, const struct netns_prefix *taken, size_t n, struct addr_auto *ret) {
        struct addr_list l = { taken, n };

        return addr_auto_v6(name, addr_taken_in_list, &l, ret);
}

static void test_helpers(void) {
        struct netns_prefix a = P("10.1.2.3/24"), n;

        n = addr_prefix_network(&a);
        CHECK_STREQ(S(&n), "10.1.2.0/24");
        a = P("fd12:3456:789a:bcde:1::1/64");
        n = addr_prefix_network(&a);
        CHECK_STREQ(S(&n), "fd12:3456:789a:bcde::/64");
        a = P("10.1.2.255/25");
        n = addr_prefix_network(&a);
        CHECK_STREQ(S(&n), "10.1.2.128/25");

        CHECK(IN("10.0.0.0/8", "10.255.1.1"));
        CHECK(!IN("10.0.0.0/8", "11.0.0.1"));
        CHECK(!IN("10.0.0.0/8", "::a00:1"));
        CHECK(IN("fd12::/64", "fd12::2"));
        CHECK(IN("10.250.3.4/31", "10.250.3.5"));
        CHECK(!IN("10.250.3.4/31", "10.250.3.6"));

        CHECK(OVL("10.0.0.0/8", "10.250.3.4/31"));
        CHECK(OVL("10.250.3.4/31", "10.0.0.0/8"));
        CHECK(OVL("10.250.3.5/31", "10.250.3.4/32"));
        CHECK(!OVL("10.250.3.4/31", "10.250.3.6/31"));
        CHECK(!OVL("10.250.3.4/31", "10.250.3.6/32"));
        CHECK(!OVL("192.168.1.0/24", "192.168.2.0/24"));
        CHECK(OVL("0.0.0.0/0", "192.168.2.0/24"));
        CHECK(!OVL("10.0.0.0/8", "fd00::/8"));
        CHECK(OVL("fd00::/8", "fd12::1/64"));
        CHECK(!OVL("fd12::/64", "fd12:0:0:1::/64"));
}

static void test_v4_basic(void) {
        struct netns_prefix pool = P(NETNS_AUTO_POOL_DEFAULT);
        struct addr_auto a, b;

        CHECK(V4("vpn", &pool, NULL, 0, &a) == 0);
        CHECK(a.probes == 0 && a.blocked == 0 && a.slot == a.home);
        CHECK(a.host.prefixlen == 31 && a.peer.prefixlen == 31);
        CHECK((ntohl(a.host.addr.in.s_addr) & 1) == 0);
        CHECK(ntohl(a.peer.addr.in.s_addr) == ntohl(a.host.addr.in.s_addr) + 1);
        CHECK(addr_prefix_overlaps(&pool, &a.host));
        CHECK(a.home < 32768);

        /* same name, same answer; the fixed values pin the hash: auto addresses must not
         * change between versions, users put them in firewall rules */
        CHECK_STREQ(S(&a.host), "10.250.162.238/31");
        CHECK_STREQ(S(&a.peer), "10.250.162.239/31");
        CHECK(V4("vpn", &pool, NULL, 0, &b) == 0);
        CHECK_STREQ(S(&a.host), S(&b.host));
        CHECK(addr_auto_hash("vpn") == addr_auto_hash("vpn"));
        CHECK(addr_auto_hash("vpn") != addr_auto_hash("vpn2"));

        /* the home slot taken: the next one, and the blocker is named */
        struct netns_prefix taken[2] = { P("192.168.0.0/16"), a.host };
        CHECK(V4("vpn", &pool, taken, 2, &b) == 0);
        CHECK(b.probes == 1 && b.blocked == 2);
        CHECK_STREQ(S(&b.blocker), S(&a.host));
        CHECK(b.slot == (a.home + 1) % 32768);
        CHECK(!addr_prefix_overlaps(&b.host, &a.host));

        /* a route covering the whole pool: no slot, reported at once */
        struct netns_prefix all = P("10.0.0.0/8");
        CHECK(V4("vpn", &pool, &all, 1, &b) == -EADDRNOTAVAIL);
        CHECK(b.blocked == 1);
        CHECK_STREQ(S(&b.blocker), "10.0.0.0/8");

        /* a route covering the home slot and more: one probe jumps past all of it */
        uint32_t home_addr = ntohl(a.host.addr.in.s_addr);
        struct netns_prefix wide = a.host;
        char wide_s[ADDR_PREFIX_STRLEN];
        wide.prefixlen = 20;
        wide = addr_prefix_network(&wide);
        (void) addr_prefix_to_string(&wide, wide_s);
        CHECK(V4("vpn", &pool, &wide, 1, &b) == 0);
        CHECK(b.probes == 1);
        CHECK(!addr_prefix_overlaps(&b.host, &wide));
        CHECK(ntohl(b.host.addr.in.s_addr) == (home_addr | 0xfff) + 1 ||
              ((home_addr | 0xfff) == 0x0afaffff && ntohl(b.host.addr.in.s_addr) == 0x0afa0000));
        printf("# home %s, blocked by %s, got %s\n", S(&a.host), wide_s, S(&b.host));

        /* the upper half of the pool and the lower half but one /31 taken by wide routes: found
         * in a handful of probes, not thousands */
        struct netns_prefix halves[] = { P("10.250.128.0/17"), P("10.250.0.0/18"), P("10.250.64.0/19"),
                                         P("10.250.96.0/20"), P("10.250.112.0/21"), P("10.250.120.0/22"),
                                         P("10.250.124.0/23"), P("10.250.126.0/24"), P("10.250.127.0/25"),
                                         P("10.250.127.128/26"), P("10.250.127.192/27"), P("10.250.127.224/28"),
                                         P("10.250.127.240/29"), P("10.250.127.248/30"), P("10.250.127.252/31") };
        CHECK(V4("vpn", &pool, halves, ELEMENTSOF(halves), &b) == 0);
        CHECK_STREQ(S(&b.host), "10.250.127.254/31");
        CHECK(b.probes <= ELEMENTSOF(halves));

        /* a small pool that is full */
        struct netns_prefix small = P("10.9.0.0/30"), used[2] = { P("10.9.0.0/31"), P("10.9.0.2/31") };
        CHECK(V4("x", &small, used, 2, &b) == -EADDRNOTAVAIL);
        CHECK(V4("x", &small, used, 1, &b) == 0);
        CHECK_STREQ(S(&b.host), "10.9.0.2/31");

        /* bad pools */
        struct netns_prefix v6 = P("fd00::/8"), tiny = P("10.0.0.0/31");
        CHECK(V4("x", &v6, NULL, 0, &b) == -EINVAL);
        CHECK(V4("x", &tiny, NULL, 0, &b) == -EINVAL);
}

/* 1000 namespaces come up one after another, each seeing the subnets of those before it
 * (on the host they are addresses of the host-side veths): all distinct, none overlapping,
 * all inside the pool; and the same sequence again gives the same answers. */
static void test_v4_thousand(void) {
        struct netns_prefix pool = P(NETNS_AUTO_POOL_DEFAULT);
        static struct netns_prefix taken[1000], again[1000];
        unsigned probed = 0, max_probes = 0;
        bool ok = true;

        for (int i = 0; i < 1000; i++) {
                char name[32];
                struct addr_auto a;

                (void) snprintf(name, sizeof(name), "ns%d", i);
                if (V4(name, &pool, taken, (size_t) i, &a) < 0) {
                        ok = false;
                        break;
                }
                taken[i] = a.host;
                probed += a.probes > 0;
                if (a.probes > max_probes)
                        max_probes = a.probes;
                if (!addr_prefix_overlaps(&pool, &a.host))
                        ok = false;
        }
        CHECK(ok);
        for (int i = 0; i < 1000; i++)
                for (int j = i + 1; j < 1000; j++)
                        if (addr_prefix_overlaps(&taken[i], &taken[j]))
                                ok = false;
        CHECK(ok);
        printf("# 1000 names in %s: %u needed probing, at most %u probes\n", S(&pool), probed, max_probes);

        for (int i = 0; i < 1000; i++) {
                char name[32];
                struct addr_auto a;

                (void) snprintf(name, sizeof(name), "ns%d", i);
                CHECK(V4(name, &pool, again, (size_t) i, &a) == 0);
                again[i] = a.host;
                if (memcmp(&again[i].addr, &taken[i].addr, sizeof(again[i].addr)) != 0)
                        ok = false;
        }
        CHECK(ok);

        /* a crowded pool: 120 names in the 128 /31s of a /24 still all fit */
        struct netns_prefix p24 = P("10.77.0.0/24");
        for (int i = 0; i < 120; i++) {
                char name[32];
                struct addr_auto a;

                (void) snprintf(name, sizeof(name), "crowd-%d", i);
                CHECK(V4(name, &p24, taken, (size_t) i, &a) == 0);
                taken[i] = a.host;
        }
        for (int i = 0; i < 120; i++)
                for (int j = i + 1; j < 120; j++)
                        if (addr_prefix_overlaps(&taken[i], &taken[j]))
                                ok = false;
        CHECK(ok);
}

static void test_v6(void) {
        static struct netns_prefix nets[1000];
        struct addr_auto a, b;
        bool ok = true;

        CHECK(V6("vpn", NULL, 0, &a) == 0);
        CHECK(a.host.family == AF_INET6 && a.host.prefixlen == 64);
        CHECK(a.host.addr.bytes[0] == 0xfd);
        CHECK(a.host.addr.bytes[15] == 1 && a.peer.addr.bytes[15] == 2);
        CHECK(memcmp(a.host.addr.bytes, a.peer.addr.bytes, 15) == 0);
        CHECK_STREQ(S(&a.host), "fd4b:199a:c06:c551::1/64");
        CHECK_STREQ(S(&a.peer), "fd4b:199a:c06:c551::2/64");
        CHECK(V6("vpn", NULL, 0, &b) == 0);
        CHECK_STREQ(S(&a.host), S(&b.host));

        /* the whole 56 bits after fd come from the hash */
        uint64_t id = 0;
        for (int i = 1; i < 8; i++)
                id = id << 8 | a.host.addr.bytes[i];
        CHECK(id == addr_auto_hash("vpn") >> 8);

        /* taken: the next /64 */
        struct netns_prefix t = addr_prefix_network(&a.host);
        CHECK(V6("vpn", &t, 1, &b) == 0);
        CHECK(b.probes == 1 && b.blocked == 1);
        CHECK(!addr_prefix_overlaps(&b.host, &t));
        /* a /48 around the home /64: jumped in one probe */
        struct netns_prefix w6 = a.host;
        w6.prefixlen = 48;
        CHECK(V6("vpn", &w6, 1, &b) == 0);
        CHECK(b.probes == 1 && !addr_prefix_overlaps(&b.host, &w6));
        struct netns_prefix ula = P("fd00::/8");
        CHECK(V6("vpn", &ula, 1, &b) == -EADDRNOTAVAIL);

        for (int i = 0; i < 1000; i++) {
                char name[32];

                (void) snprintf(name, sizeof(name), "ns%d", i);
                CHECK(V6(name, NULL, 0, &a) == 0);
                nets[i] = addr_prefix_network(&a.host);
        }
        for (int i = 0; i < 1000; i++)
                for (int j = i + 1; j < 1000; j++)
                        if (addr_prefix_overlaps(&nets[i], &nets[j]))
                                ok = false;
        CHECK(ok);
}

/* The callback's answers drive the allocation; its errors end it. */
static int taken_even_slots(const struct netns_prefix *c, void *userdata, struct netns_prefix *ret_blocker) {
        unsigned *calls = userdata;

        (*calls)++;
        *ret_blocker = *c;
        return (ntohl(c->addr.in.s_addr) / 2) % 2 == 0 ? 7 : 0;
}

static int failing(const struct netns_prefix *c, void *userdata, struct netns_prefix *ret_blocker) {
        return -EIO;
}

static void test_callback(void) {
        struct netns_prefix pool = P(NETNS_AUTO_POOL_DEFAULT);
        struct addr_auto a;
        unsigned calls = 0;

        CHECK(addr_auto_v4("vpn", &pool, taken_even_slots, &calls, &a) == 0);
        CHECK((ntohl(a.host.addr.in.s_addr) / 2) % 2 == 1);
        CHECK(calls == a.probes + 1);
        CHECK(a.blocked == 0 || a.blocked == 7);
        CHECK(addr_auto_v4("vpn", &pool, failing, NULL, &a) == -EIO);
        CHECK(addr_auto_v6("vpn", failing, NULL, &a) == -EIO);
        CHECK(addr_auto_v4("vpn", &pool, NULL, NULL, &a) == 0);
        CHECK_STREQ(S(&a.host), "10.250.162.238/31");
}

int main(void) {
        test_helpers();
        test_v4_basic();
        test_v4_thousand();
        test_v6();
        test_callback();
        return TAP_END();
}
