/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-nl-socket.h - the fuzzer's input as the kernel's answer on lib/nl.c's socket */
#pragma once

/*
 * For a target that compiles lib/nl.c into itself with the two socket calls renamed:
 *
 *   #define mnl_socket_sendto fuzz_mnl_socket_sendto
 *   #define mnl_socket_recvfrom fuzz_mnl_socket_recvfrom
 *   #include "lib/nl.c"
 *   #undef ...
 *   #include "fuzz-nl-socket.h"
 *
 * Each request sent (into nothing) is answered once by the input (fz.data, fz.size, set per
 * run), then the socket has nothing more to say (EAGAIN, where a real one would block).
 * Messages whose sequence number is 0 get the number of the request, so a corpus file need
 * not know it; other numbers stay (late answers to an earlier request). The rest of the
 * receive buffer is poisoned under ASan, so a read past the input is reported.
 */

#if defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define FUZZ_ASAN 1
#  endif
#endif
#if !defined(FUZZ_ASAN) && defined(__SANITIZE_ADDRESS__)
#  define FUZZ_ASAN 1
#endif
#ifdef FUZZ_ASAN
#  include <sanitizer/asan_interface.h>
#  define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#  define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#  define POISON(p, n) do {} while (0)
#  define UNPOISON(p, n) do {} while (0)
#endif

static struct {
        const uint8_t *data;
        size_t size;
        uint32_t seq;   /* of the last request sent */
        bool pending;   /* a request was sent and not answered yet */
} fz;

ssize_t fuzz_mnl_socket_sendto(const struct mnl_socket *nl, const void *req, size_t siz) {
        const struct nlmsghdr *nlh = req;

        /* a batch: the first request's number; its others follow it */
        fz.seq = nlh->nlmsg_seq;
        fz.pending = true;
        return (ssize_t) siz;
}

ssize_t fuzz_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t siz) {
        size_t n = fz.size < siz ? fz.size : siz;
        struct nlmsghdr *h;
        int len = (int) n;

        UNPOISON(buf, siz);
        if (!fz.pending) {
                /* the kernel has nothing more to say: a real socket would block */
                errno = EAGAIN;
                return -1;
        }
        fz.pending = false;
        memcpy(buf, fz.data, n);
        for (h = buf; nl_msg_ok(h, len); h = mnl_nlmsg_next(h, &len))
                if (h->nlmsg_seq == 0)
                        h->nlmsg_seq = fz.seq;
        POISON((char *) buf + n, siz - n);
        return (ssize_t) n;
}
