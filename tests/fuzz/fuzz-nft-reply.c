/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-nft-reply.c - libFuzzer target: the parsers of nfnetlink replies and notifications in lib/nft.c */

/*
 * The input is what one recv() on the netfilter netlink socket returns. lib/nft.c is compiled
 * into this file with its socket calls replaced (as in fuzz-nl-reply.c), so nfnl_call()'s
 * walk and its static callbacks (table_cb, elem_list_cb, others_cb) run as in the product
 * for the three questions nft.c asks the kernel directly, and the notification walk of
 * nft_watch_process() (watch_cb) runs on the same bytes. Messages with sequence number 0
 * get the number of the request they answer; the port id expected is 0.
 */

#include <stdint.h>

#define mnl_socket_open2 fuzz_mnl_socket_open2
#define mnl_socket_bind fuzz_mnl_socket_bind
#define mnl_socket_get_portid fuzz_mnl_socket_get_portid
#define mnl_socket_sendto fuzz_mnl_socket_sendto
#define mnl_socket_recvfrom fuzz_mnl_socket_recvfrom
#define mnl_socket_close fuzz_mnl_socket_close
#include "lib/nft.c"
#undef mnl_socket_open2
#undef mnl_socket_bind
#undef mnl_socket_get_portid
#undef mnl_socket_sendto
#undef mnl_socket_recvfrom
#undef mnl_socket_close

#include "nl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
        const uint8_t *data;
        size_t size;
        uint32_t seq;
        bool pending;
        char sock; /* what the fake socket points to */
} fz;

struct mnl_socket *fuzz_mnl_socket_open2(int bus, int flags) {
        return (struct mnl_socket *) &fz.sock;
}

int fuzz_mnl_socket_bind(struct mnl_socket *nl, unsigned int groups, pid_t pid) {
        return 0;
}

unsigned int fuzz_mnl_socket_get_portid(const struct mnl_socket *nl) {
        return 0;
}

int fuzz_mnl_socket_close(struct mnl_socket *nl) {
        return 0;
}

ssize_t fuzz_mnl_socket_sendto(const struct mnl_socket *nl, const void *req, size_t siz) {
        fz.seq = ((const struct nlmsghdr *) req)->nlmsg_seq;
        fz.pending = true;
        return (ssize_t) siz;
}

ssize_t fuzz_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t siz) {
        size_t n = fz.size < siz ? fz.size : siz;
        struct nlmsghdr *h;
        int len = (int) n;

        if (!fz.pending) {
                errno = EAGAIN;
                return -1;
        }
        fz.pending = false;
        memcpy(buf, fz.data, n);
        for (h = buf; nl_msg_ok(h, len); h = mnl_nlmsg_next(h, &len))
                if (h->nlmsg_seq == 0)
                        h->nlmsg_seq = fz.seq;
        return (ssize_t) n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct nat_elem elems[2] = {
                { .type = NAT_ELEM_LINK, .ifname = "ve-a" },
                { .type = NAT_ELEM_LINK, .ifname = "ve-b" },
        };
        struct nft_watch w = {};
        _cleanup_free_ uint8_t *copy = NULL;

        log_set_max_level(-1);
        copy = malloc(size ?: 1);
        if (!copy)
                return 0;
        memcpy(copy, data, size);
        fz.data = copy;
        fz.size = size;
        fz.pending = false;

        (void) table_state();
        (void) set_has_elements("veths");
        (void) veths_has_others(elems, ELEMENTSOF(elems));

        /* as nft_watch_process() does with what recv() returned */
        (void) mnl_cb_run(copy, nl_msgs_len(copy, size), 0, 0, watch_cb, &w);
        return 0;
}
