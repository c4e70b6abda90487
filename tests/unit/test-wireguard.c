/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-wireguard.c - WireGuard keys, key files, and the WG_CMD_SET_DEVICE split (no kernel) */

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/wireguard.h>
#include <sys/stat.h>

#include "log.h"
#include "wireguard.h"
#include "tap.h"

/* a plain table-driven base64 encoder to compare with */
static void ref_b64(const uint8_t *in, size_t n, char *out) {
        static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t i, o = 0;

        for (i = 0; i + 2 < n; i += 3) {
                uint32_t v = (uint32_t) in[i] << 16 | (uint32_t) in[i + 1] << 8 | in[i + 2];
                out[o++] = t[v >> 18];
                out[o++] = t[(v >> 12) & 63];
                out[o++] = t[(v >> 6) & 63];
                out[o++] = t[v & 63];
        }
        if (n - i == 2) {
                uint32_t v = (uint32_t) in[i] << 16 | (uint32_t) in[i + 1] << 8;
                out[o++] = t[v >> 18];
                out[o++] = t[(v >> 12) & 63];
                out[o++] = t[(v >> 6) & 63];
                out[o++] = '=';
        }
        out[o] = 0;
}

static void test_base64(void) {
        uint8_t k[WG_KEY_SIZE], back[WG_KEY_SIZE];
        char s[WG_KEY_B64_LEN + 1], ref[64];
        /* made by wg genkey */
        const char *wgkey = "mNt+dqTTJQcleEIrsUZL7GcqFTzBzCOO1Y58m583r38=";

        srand(1);
        for (int round = 0; round < 2000; round++) {
                for (size_t i = 0; i < WG_KEY_SIZE; i++)
                        k[i] = (uint8_t) (round < 256 ? (round + (int) i * 7) & 0xff : rand() & 0xff);
                wg_key_to_base64(k, s);
                ref_b64(k, sizeof(k), ref);
                CHECK_STREQ(s, ref);
                memset(back, 0x55, sizeof(back));
                CHECK(wg_key_from_base64(s, back) == 0);
                CHECK(memcmp(k, back, sizeof(k)) == 0);
        }

        CHECK(wg_key_from_base64(wgkey, k) == 0);
        wg_key_to_base64(k, s);
        CHECK_STREQ(s, wgkey);

        memset(k, 0, sizeof(k));
        CHECK(wg_key_is_zero(k));
        k[31] = 1;
        CHECK(!wg_key_is_zero(k));

        /* refused: lengths, padding, alphabet, bits beyond the key */
        CHECK(wg_key_from_base64(NULL, k) == -EINVAL);
        CHECK(wg_key_from_base64("", k) == -EINVAL);
        CHECK(wg_key_from_base64("mNt+dqTTJQcleEIrsUZL7GcqFTzBzCOO1Y58m583r38", k) == -EINVAL);
        CHECK(wg_key_from_base64("mNt+dqTTJQcleEIrsUZL7GcqFTzBzCOO1Y58m583r38==", k) == -EINVAL);
        CHECK(wg_key_from_base64("mNt+dqTTJQcleEIrsUZL7GcqFTzBzCOO1Y58m583r38A", k) == -EINVAL);
        CHECK(wg_key_from_base64("mNt-dqTTJQcleEIrsUZL7GcqFTzBzCOO1Y58m583r38=", k) == -EINVAL);
        CHECK(wg_key_from_base64("mNt+dqTTJQcleEIrsUZL7GcqFTzBzCOO1Y58m583r3=8", k) == -EINVAL);
        CHECK(wg_key_from_base64("mNt+dqTTJQcleEIrsUZL7GcqFTzBzCOO1Y58m583r39=", k) == -EINVAL); /* '9': low bits set */
        CHECK(wg_key_from_base64(" Nt+dqTTJQcleEIrsUZL7GcqFTzBzCOO1Y58m583r38=", k) == -EINVAL);
        CHECK(wg_key_from_base64("mNt+dqTTJQcleEIrsUZL7Gcq\x80TzBzCOO1Y58m583r38=", k) == -EINVAL);
        CHECK(wg_key_from_base64("mNt+dqTTJQcleEIrsUZL7GcqFTzBzCOO1Y58m583r38=x", k) == -EINVAL);
}

static void test_key_file(void) {
        char dir[] = "/tmp/test-wireguard-XXXXXX", path[64], fifo[64];
        const char *key = "mNt+dqTTJQcleEIrsUZL7GcqFTzBzCOO1Y58m583r38=";
        uint8_t k[WG_KEY_SIZE], want[WG_KEY_SIZE];
        FILE *f;

        CHECK(mkdtemp(dir) != NULL);
        (void) snprintf(path, sizeof(path), "%s/key", dir);
        (void) snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
        CHECK(wg_key_from_base64(key, want) == 0);

        f = fopen(path, "we");
        CHECK(f != NULL);
        fprintf(f, "  %s\n\n", key);
        fclose(f);
        CHECK(chmod(path, 0600) == 0);
        memset(k, 0, sizeof(k));
        CHECK(wg_key_read_file(path, k) == 0);
        CHECK(memcmp(k, want, sizeof(k)) == 0);
        CHECK(chmod(path, 0400) == 0);
        CHECK(wg_key_read_file(path, k) == 0);

        /* group or others may read: refused, even though the key is fine */
        CHECK(chmod(path, 0640) == 0);
        CHECK(wg_key_read_file(path, k) == -EPERM);
        CHECK(chmod(path, 0604) == 0);
        CHECK(wg_key_read_file(path, k) == -EPERM);
        CHECK(chmod(path, 0601) == 0);
        CHECK(wg_key_read_file(path, k) == -EPERM);

        /* not a key */
        f = fopen(path, "we");
        fprintf(f, "%s extra\n", key);
        fclose(f);
        CHECK(chmod(path, 0600) == 0);
        CHECK(wg_key_read_file(path, k) == -EINVAL);
        f = fopen(path, "we");
        for (int i = 0; i < 300; i++)
                fputc('A', f);
        fclose(f);
        CHECK(wg_key_read_file(path, k) == -EINVAL);

        CHECK(mkfifo(fifo, 0600) == 0);
        CHECK(wg_key_read_file(fifo, k) == -EPERM);
        CHECK(wg_key_read_file("/nonexistent/key", k) == -ENOENT);

        (void) unlink(fifo);
        (void) unlink(path);
        (void) rmdir(dir);
}

/* ---- WG_CMD_SET_DEVICE: split, then read back as the kernel reads it ---- */

static void make_key(uint8_t k[WG_KEY_SIZE], int seed) {
        for (size_t i = 0; i < WG_KEY_SIZE; i++)
                k[i] = (uint8_t) (seed * 31 + (int) i);
}

static void make_device(struct wg_device *d, size_t n_peers, size_t big) {
        memset(d, 0, sizeof(*d));
        strcpy(d->ifname, "wg0");
        make_key(d->private_key, 1);
        d->has_private_key = true;
        d->listen_port = 51820;
        d->has_listen_port = true;
        d->fwmark = 0x42;
        d->has_fwmark = true;
        d->replace_peers = true;
        d->peers = calloc(n_peers, sizeof(*d->peers));
        d->n_peers = n_peers;
        for (size_t i = 0; i < n_peers; i++) {
                struct wg_peer *p = &d->peers[i];
                size_t n = i == 1 ? big : i + 1;

                make_key(p->public_key, (int) i + 10);
                if (i % 2 == 0) {
                        make_key(p->preshared_key, (int) i + 100);
                        p->has_preshared_key = true;
                        p->endpoint.in = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = htons(51820) };
                        p->endpoint.in.sin_addr.s_addr = htonl(0xc0000201 + (uint32_t) i);
                } else {
                        p->endpoint.in6 = (struct sockaddr_in6) { .sin6_family = AF_INET6, .sin6_port = htons(4500) };
                        p->endpoint.in6.sin6_addr.s6_addr[0] = 0x20;
                        p->endpoint.in6.sin6_addr.s6_addr[15] = (uint8_t) i;
                        p->keepalive = 25;
                        p->has_keepalive = true;
                }
                p->allowed_ips = calloc(n, sizeof(*p->allowed_ips));
                p->n_allowed_ips = n;
                for (size_t j = 0; j < n; j++) {
                        struct netns_prefix *a = &p->allowed_ips[j];

                        if (j % 3 == 2) {
                                a->family = AF_INET6;
                                a->addr.bytes[0] = 0xfd;
                                a->addr.bytes[14] = (uint8_t) (j >> 8);
                                a->addr.bytes[15] = (uint8_t) j;
                                a->prefixlen = 128;
                        } else {
                                a->family = AF_INET;
                                a->addr.in.s_addr = htonl(0x0a000000 + (uint32_t) (i << 16) + (uint32_t) j);
                                a->prefixlen = 32;
                        }
                }
        }
}

/* what the messages carry beyond what the status parser keeps */
struct msg_facts {
        unsigned private_keys, device_flags, listen_ports, peer_flags_replace, psks, endpoints;
};

static int peer_facts_cb(const struct nlattr *a, void *data) {
        struct msg_facts *f = data;

        switch (mnl_attr_get_type(a)) {
        case WGPEER_A_FLAGS:
                f->peer_flags_replace += (mnl_attr_get_u32(a) & WGPEER_F_REPLACE_ALLOWEDIPS) != 0;
                break;
        case WGPEER_A_PRESHARED_KEY:
                f->psks++;
                break;
        case WGPEER_A_ENDPOINT:
                f->endpoints++;
                break;
        default:
                break;
        }
        return MNL_CB_OK;
}

static int peers_facts_cb(const struct nlattr *a, void *data) {
        return mnl_attr_parse_nested(a, peer_facts_cb, data);
}

static int facts_cb(const struct nlattr *a, void *data) {
        struct msg_facts *f = data;

        switch (mnl_attr_get_type(a)) {
        case WGDEVICE_A_PRIVATE_KEY:
                f->private_keys++;
                break;
        case WGDEVICE_A_FLAGS:
                f->device_flags++;
                break;
        case WGDEVICE_A_LISTEN_PORT:
                f->listen_ports++;
                break;
        case WGDEVICE_A_PEERS:
                return mnl_attr_parse_nested(a, peers_facts_cb, data);
        default:
                break;
        }
        return MNL_CB_OK;
}

static void check_split(size_t n_peers, size_t big, size_t size, unsigned min_msgs) {
        struct wg_device d, got = {};
        struct wg_set_cursor cur = {};
        struct msg_facts f = {};
        unsigned msgs = 0;
        char *buf = malloc(size);
        int r;

        make_device(&d, n_peers, big);
        while ((r = wg_set_device_msg(&d, 0x20, buf, size, &cur)) > 0) {
                const struct nlmsghdr *nlh = (const struct nlmsghdr *) buf;
                const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

                msgs++;
                CHECK(nlh->nlmsg_len <= size);
                CHECK(nlh->nlmsg_type == 0x20);
                CHECK(g->cmd == WG_CMD_SET_DEVICE);
                CHECK(mnl_attr_parse(nlh, sizeof(*g), facts_cb, &f) >= 0);
                CHECK(wg_device_parse_msg(nlh, &got) == MNL_CB_OK);
                CHECK_STREQ(got.ifname, "wg0");
                if (msgs > 10000)
                        break;
        }
        CHECK(r == 0);
        CHECK(msgs >= min_msgs);
        /* the device's attributes once; each peer's own attributes once */
        CHECK(f.private_keys == 1 && f.device_flags == 1 && f.listen_ports == 1);
        CHECK(f.peer_flags_replace == n_peers);
        CHECK(f.psks == (n_peers + 1) / 2);
        CHECK(f.endpoints == n_peers);

        /* read back, continued peers merged: everything arrived, in order */
        CHECK(got.n_peers == n_peers);
        for (size_t i = 0; i < n_peers && i < got.n_peers; i++) {
                const struct wg_peer *a = &d.peers[i], *b = &got.peers[i];

                CHECK(memcmp(a->public_key, b->public_key, WG_KEY_SIZE) == 0);
                CHECK(b->has_preshared_key == a->has_preshared_key);
                CHECK(b->endpoint.sa.sa_family == a->endpoint.sa.sa_family);
                CHECK(b->keepalive == a->keepalive);
                CHECK(b->n_allowed_ips == a->n_allowed_ips);
                for (size_t j = 0; j < a->n_allowed_ips && j < b->n_allowed_ips; j++) {
                        CHECK(a->allowed_ips[j].family == b->allowed_ips[j].family);
                        CHECK(a->allowed_ips[j].prefixlen == b->allowed_ips[j].prefixlen);
                        CHECK(memcmp(&a->allowed_ips[j].addr, &b->allowed_ips[j].addr,
                                     a->allowed_ips[j].family == AF_INET ? 4 : 16) == 0);
                }
        }
        CHECK(!got.has_private_key && wg_key_is_zero(got.private_key));
        wg_device_done(&got);
        wg_device_done(&d);
        free(buf);
}

static void test_set_split(void) {
        struct wg_device d;
        struct wg_set_cursor cur = {};
        char buf[128];

        check_split(0, 0, 512, 1);       /* keys and port only */
        check_split(3, 2, 8192, 1);      /* everything in one message */
        check_split(3, 1000, 8192, 3);   /* one peer's allowed IPs over several messages */
        check_split(40, 300, 512, 20);   /* tiny messages: many peers and continuations */
        check_split(5, 0, 200, 3);       /* a peer with no allowed IP */

        /* a buffer too small for even one peer: an error, not an endless loop */
        make_device(&d, 2, 2);
        CHECK(wg_set_device_msg(&d, 0x20, buf, sizeof(buf), &cur) == 1); /* the device's own */
        CHECK(wg_set_device_msg(&d, 0x20, buf, sizeof(buf), &cur) == -ENOBUFS);
        wg_device_done(&d);
}

/* list's TUNNEL: a live session is a handshake at most 180 s old with a peer to reach */
static void test_handshake(void) {
        const time_t now = 1700000000;
        struct wg_peer peers[2] = {};
        struct wg_device d = { .peers = peers, .n_peers = 2 };

        /* no peer with an endpoint: it waits for them, nothing is missing */
        CHECK(!wg_device_handshake_missing(&d, now));
        peers[1].endpoint.sa.sa_family = AF_INET;
        CHECK(wg_device_handshake_missing(&d, now));             /* never */
        peers[1].last_handshake.tv_sec = now - 180;
        CHECK(wg_peer_handshake_recent(&peers[1], now));
        CHECK(!wg_device_handshake_missing(&d, now));            /* 180 s: still the session's */
        peers[1].last_handshake.tv_sec = now - 181;
        CHECK(!wg_peer_handshake_recent(&peers[1], now));
        CHECK(wg_device_handshake_missing(&d, now));             /* its keys are dropped */
        /* one of two peers to reach with a live session is enough; one without an endpoint
         * that has one does not count */
        peers[0].last_handshake.tv_sec = now - 5;
        CHECK(wg_device_handshake_missing(&d, now));
        peers[0].endpoint.sa.sa_family = AF_INET6;
        CHECK(!wg_device_handshake_missing(&d, now));
}

static int remove_flags_cb(const struct nlattr *a, void *data) {
        if (mnl_attr_get_type(a) == WGPEER_A_FLAGS)
                *(uint32_t *) data |= mnl_attr_get_u32(a);
        else if (mnl_attr_get_type(a) != WGPEER_A_PUBLIC_KEY)
                *(uint32_t *) data |= 0x80000000; /* anything else: the test fails */
        return MNL_CB_OK;
}

/* per peer: its flags, and 0x80000000 for any attribute but the key and flags; the
 * peers that carry REMOVE_ME collected in *data */
static int remove_peers_cb(const struct nlattr *a, void *data) {
        uint32_t flags = 0;

        if (mnl_attr_parse_nested(a, remove_flags_cb, &flags) < 0)
                return MNL_CB_ERROR;
        if (flags & WGPEER_F_REMOVE_ME)
                *(uint32_t *) data |= flags;
        return MNL_CB_OK;
}

static int remove_msg_cb(const struct nlattr *a, void *data) {
        return mnl_attr_get_type(a) == WGDEVICE_A_PEERS ? mnl_attr_parse_nested(a, remove_peers_cb, data) : MNL_CB_OK;
}

/* reload's requests: a peer removed carries its public key and REMOVE_ME alone; a reply
 * read with the secrets keeps the private and preshared keys, read without, neither */
static void test_reload_msgs(void) {
        struct wg_device d, plain = {}, secret = { .with_secrets = true };
        struct wg_set_cursor cur = {};
        char buf[8192];
        uint32_t flags = 0;
        union wg_endpoint a = {}, b = {};

        make_device(&d, 2, 1);
        d.peers[1].remove = true;
        CHECK(wg_set_device_msg(&d, 0x20, buf, sizeof(buf), &cur) == 1);
        /* as the kernel answers a get: the same attributes, private key included */
        CHECK(wg_device_parse_msg((struct nlmsghdr *) buf, &plain) == MNL_CB_OK);
        CHECK(wg_device_parse_msg((struct nlmsghdr *) buf, &secret) == MNL_CB_OK);
        CHECK(!plain.has_private_key && wg_key_is_zero(plain.private_key));
        CHECK(secret.has_private_key && wg_key_equal(secret.private_key, d.private_key));
        CHECK(plain.n_peers == 2 && secret.n_peers == 2);
        CHECK(plain.n_peers == 2 && plain.peers[0].has_preshared_key && wg_key_is_zero(plain.peers[0].preshared_key));
        CHECK(secret.n_peers == 2 && wg_key_equal(secret.peers[0].preshared_key, d.peers[0].preshared_key));
        CHECK(!wg_key_equal(d.peers[0].preshared_key, d.peers[0].public_key));
        /* the removed peer: nothing but its key and the flag */
        CHECK(plain.n_peers == 2 && plain.peers[1].n_allowed_ips == 0 && plain.peers[1].endpoint.sa.sa_family == 0);
        CHECK(mnl_attr_parse((struct nlmsghdr *) buf, sizeof(struct genlmsghdr), remove_msg_cb, &flags) >= 0);
        CHECK((flags & WGPEER_F_REMOVE_ME) && !(flags & 0x80000000));
        wg_device_done(&plain);
        wg_device_done(&secret);
        wg_device_done(&d);

        a.in = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = htons(51820), .sin_addr.s_addr = htonl(0xc0000202) };
        b = a;
        CHECK(wg_endpoint_equal(&a, &b));
        b.in.sin_port = htons(51821);
        CHECK(!wg_endpoint_equal(&a, &b));
        b.in6 = (struct sockaddr_in6) { .sin6_family = AF_INET6, .sin6_port = htons(51820) };
        CHECK(!wg_endpoint_equal(&a, &b));
        CHECK_STREQ(wg_endpoint_to_string(&b, (char[INET6_ADDRSTRLEN + 8]) {}), "[::]:51820");
}

int main(void) {
        log_set_max_level(LOG_CRIT);
        test_base64();
        test_key_file();
        test_set_split();
        test_handshake();
        test_reload_msgs();
        return TAP_END();
}
