/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-wg-reply.c - libFuzzer target: the WireGuard GET_DEVICE reply parser (lib/wireguard.c) */

/*
 * The input is what one recvfrom() on the generic netlink socket returns to "status" and
 * "list": any number of netlink messages back to back, the kernel's answer to
 * WG_CMD_GET_DEVICE (a dump of one device over several messages, a peer's allowed IPs
 * continued in the next one under the same public key). lib/nl.c is compiled into this file
 * with its two socket calls replaced, as in fuzz-nl-reply.c, so wg_device_get() runs the
 * product's reply walk; the "wireguard" family id is the type of the input's first message
 * (a capture from any kernel works as it is). Then what status and list do with the result,
 * and one property: the SET_DEVICE messages wg_set_device_msg() splits the parsed device into
 * (room for little), parsed back, give the same peers, endpoints and allowed IPs.
 * The socket's answers: fuzz-nl-socket.h.
 */

#include <assert.h>
#include <limits.h>
#include <stdint.h>

#define mnl_socket_sendto fuzz_mnl_socket_sendto
#define mnl_socket_recvfrom fuzz_mnl_socket_recvfrom
#include "lib/nl.c"
#undef mnl_socket_sendto
#undef mnl_socket_recvfrom

#include "addr.h"
#include "wireguard.h"

#include "fuzz-nl-socket.h"

/* the smallest room wg_set_device_msg() takes: the most splitting */
#define SET_ROOM 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool prefix_same(const struct netns_prefix *a, const struct netns_prefix *b) {
        return a->family == b->family && a->prefixlen == b->prefixlen &&
               memcmp(&a->addr, &b->addr, a->family == AF_INET ? 4 : 16) == 0;
}

static bool endpoint_same(const union wg_endpoint *a, const union wg_endpoint *b) {
        if (a->sa.sa_family != b->sa.sa_family)
                return false;
        if (a->sa.sa_family == AF_INET)
                return memcmp(&a->in, &b->in, sizeof(a->in)) == 0;
        if (a->sa.sa_family == AF_INET6)
                return memcmp(&a->in6, &b->in6, sizeof(a->in6)) == 0;
        return true;
}

/* What status and list read of a device. */
static void show(const struct wg_device *d) {
        char key[WG_KEY_B64_LEN + 1], buf[ADDR_PREFIX_STRLEN];

        wg_key_to_base64(d->public_key, key);
        (void) wg_device_handshake_missing(d, 1700000000);
        for (size_t i = 0; i < d->n_peers; i++) {
                wg_key_to_base64(d->peers[i].public_key, key);
                for (size_t j = 0; j < d->peers[i].n_allowed_ips; j++)
                        (void) addr_prefix_to_string(&d->peers[i].allowed_ips[j], buf);
        }
}

/* @d as SET_DEVICE messages in little room, parsed back: the same peers. */
static void round_trip(const struct wg_device *d) {
        struct wg_set_cursor cur = {};
        struct wg_device back = {};
        uint8_t *buf = malloc(SET_ROOM);
        int r;

        if (!buf)
                return;
        for (;;) {
                r = wg_set_device_msg(d, 0x42, buf, SET_ROOM, &cur);
                if (r <= 0)
                        break;
                const struct nlmsghdr *nlh = (const struct nlmsghdr *) buf;

                /* (not in assert(): the parse must run also with NDEBUG) */
                r = wg_device_parse_msg(nlh, &back);
                assert(nlh->nlmsg_len <= SET_ROOM);
                assert(r == MNL_CB_OK);
        }
        free(buf);
        if (r < 0) { /* -ENOBUFS: a peer does not fit at all (cannot be at this room) */
                wg_device_done(&back);
                return;
        }
        assert(back.n_peers == d->n_peers);
        for (size_t i = 0; i < d->n_peers; i++) {
                const struct wg_peer *a = &d->peers[i], *b = &back.peers[i];

                assert(memcmp(a->public_key, b->public_key, WG_KEY_SIZE) == 0);
                assert(endpoint_same(&a->endpoint, &b->endpoint));
                assert(a->keepalive == b->keepalive);
                assert(a->n_allowed_ips == b->n_allowed_ips);
                for (size_t j = 0; j < a->n_allowed_ips; j++)
                        assert(prefix_same(&a->allowed_ips[j], &b->allowed_ips[j]));
        }
        wg_device_done(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static struct nl_sock s;
        _cleanup_free_ uint8_t *aligned = NULL;
        struct wg_device d = {};
        uint16_t family = 0x1c;

        log_set_max_level(-1);
        if (!s.buf) {
                s.buf_size = MNL_SOCKET_BUFFER_SIZE > 32768 ? MNL_SOCKET_BUFFER_SIZE : 32768;
                s.buf = malloc(s.buf_size);
                if (!s.buf)
                        return 0;
        }
        aligned = malloc(size ?: 1);
        if (!aligned)
                return 0;
        memcpy(aligned, data, size);
        fz.data = aligned;
        fz.size = size;
        fz.pending = false;
        s.portid = 0;
        s.seq = 0;
        if (size >= sizeof(struct nlmsghdr) && ((const struct nlmsghdr *) aligned)->nlmsg_type >= NLMSG_MIN_TYPE)
                family = ((const struct nlmsghdr *) aligned)->nlmsg_type;

        if (wg_device_get(&s, family, "wg0", &d) >= 0) {
                show(&d);
                /* the ifindex names the device in the messages: the name may be anything */
                d.ifindex = d.ifindex > 0 ? d.ifindex : 1;
                round_trip(&d);
                wg_device_done(&d);
        }
        return 0;
}
