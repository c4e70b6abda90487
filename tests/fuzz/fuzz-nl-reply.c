/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-nl-reply.c - libFuzzer target: every parser of rtnetlink replies (lib/nl.c) */

/*
 * The input is what one recvfrom() on the rtnetlink socket returns: any number of netlink
 * messages back to back. lib/nl.c is compiled into this file with its two socket calls
 * replaced, so its static reply walk (collect(), parse_extack()) and every static callback
 * run exactly as in the product: each reading function of nl.c sends its request (into
 * nothing) and gets the input as the kernel's answer, and the message parsers
 * (nl_link_parse(), nl_addr_parse(), nl_route_parse()) read every message as "monitor"
 * reads notifications.
 *
 * Messages whose sequence number is 0 get the number of the request being answered, so a
 * corpus file need not know it; the port id expected is 0. Other numbers stay as they are
 * (late answers to an earlier request, which the walk skips). The rest of the receive buffer
 * is poisoned under ASan, so a read past the input is reported.
 */

#include <limits.h>
#include <stdint.h>

#define mnl_socket_sendto fuzz_mnl_socket_sendto
#define mnl_socket_recvfrom fuzz_mnl_socket_recvfrom
#include "lib/nl.c"
#undef mnl_socket_sendto
#undef mnl_socket_recvfrom

#include "fuzz-nl-socket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_nl(struct nl_sock *s) {
        union in_addr_union a4 = { .in.s_addr = htobe32(0x0a000001) }, a6 = { .in6.s6_addr = { 0xfd } };
        struct netns_prefix p = { .family = AF_INET, .prefixlen = 24, .addr = a4 };
        _cleanup_free_ struct nl_prefix_use *uses = NULL;
        struct nl_prefix_use use;
        struct nl_link l;
        struct nl_batch b;
        size_t n_uses = 0;
        char bbuf[4096];
        unsigned failed;

        (void) nl_link_ifindex(s, "eth0");
        (void) nl_link_get(s, "eth0", &l);
        (void) nl_netns_id(s, 3);
        (void) nl_route_lookup(s, AF_INET, &a4, &use);
        (void) nl_route_lookup(s, AF_INET6, &a6, &use);
        /* two requests each (addresses, then routes): the input answers the first */
        (void) nl_dump_prefixes(s, AF_INET, &uses, &n_uses);
        (void) nl_dump_prefixes(s, AF_INET6, &uses, &n_uses);
        (void) nl_link_del(s, 7);

        /* a batch of three: the walk counts ACKs and errors per request */
        nl_batch_init(&b, s, bbuf, sizeof(bbuf));
        (void) nl_batch_link_set_up(&b, 7);
        (void) nl_batch_addr_add(&b, 7, &p, NULL);
        (void) nl_batch_route_add_default(&b, AF_INET, &a4, 7, true);
        (void) nl_batch_run(&b, &failed);
        (void) nl_extack(s);
}

static void run_dumps(struct nl_sock *s) {
        _cleanup_free_ struct nl_link *links = NULL;
        _cleanup_free_ struct nl_addr *addrs = NULL;
        _cleanup_free_ struct nl_route_entry *routes = NULL;
        size_t n_links = 0, n_addrs = 0, n_routes = 0;
        const struct nlmsghdr *h;
        int len = fz.size < INT_MAX ? (int) fz.size : INT_MAX;

        (void) nl_dump_links(s, &links, &n_links);
        (void) nl_dump_addrs(s, AF_UNSPEC, &addrs, &n_addrs);
        (void) nl_dump_routes(s, AF_UNSPEC, &routes, &n_routes);
        /* as "monitor" does with notifications: every message, straight from the buffer */
        for (h = (const struct nlmsghdr *) fz.data; nl_msg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
                struct nl_link l;
                struct nl_addr a;
                struct nl_route_entry rt;
                struct netns_prefix p;

                (void) nl_link_parse(h, &l);
                if (nl_addr_parse(h, &a) >= 0)
                        (void) nl_addr_prefix(&a, &p);
                (void) nl_route_parse(h, &rt);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static struct nl_sock s;
        _cleanup_free_ uint8_t *aligned = NULL;

        log_set_max_level(-1);
        if (!s.buf) {
                s.buf_size = MNL_SOCKET_BUFFER_SIZE > 32768 ? MNL_SOCKET_BUFFER_SIZE : 32768;
                s.buf = malloc(s.buf_size);
                if (!s.buf)
                        return 0;
        }
        /* monitor's buffer is aligned like a socket buffer; so is this copy */
        aligned = malloc(size ?: 1);
        if (!aligned)
                return 0;
        memcpy(aligned, data, size);
        fz.data = aligned;
        fz.size = size;
        fz.pending = false;
        s.portid = 0;
        s.seq = 0;

        run_nl(&s);
        run_dumps(&s);
        return 0;
}
