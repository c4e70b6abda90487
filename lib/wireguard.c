/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wireguard.c - WireGuard devices over generic netlink (libmnl): keys, configuration, status */

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/wireguard.h>
#include <sys/stat.h>

#include "log.h"
#include "util.h"
#include "wireguard.h"

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/* The largest message we build: the kernel's own default for netlink requests. */
#define WG_MSG_SIZE 8192

/* ------------------------------------------------------------------------------------------
 * Keys: base64 as wg(8) writes it. Secret keys pass through here, so the code neither
 * branches nor indexes tables on their characters.
 */

/* -1 when lo <= c <= hi, else 0 */
static int mask_in(int c, int lo, int hi) {
        return ~(((c - lo) | (hi - c)) >> 31);
}

/* the 6-bit value of a base64 character, or -1 */
static int b64_value(int c) {
        int v = 0;

        v |= mask_in(c, 'A', 'Z') & (c - 'A' + 1);
        v |= mask_in(c, 'a', 'z') & (c - 'a' + 27);
        v |= mask_in(c, '0', '9') & (c - '0' + 53);
        v |= mask_in(c, '+', '+') & 63;
        v |= mask_in(c, '/', '/') & 64;
        return v - 1;
}

/* the base64 character of a 6-bit value */
static char b64_char(int v) {
        int c = v + 'A';

        /* the ranges are disjoint: one correction at most applies */
        c += mask_in(v, 26, 51) & ('a' - 26 - 'A');
        c += mask_in(v, 52, 61) & ('0' - 52 - 'A');
        c += mask_in(v, 62, 62) & ('+' - 62 - 'A');
        c += mask_in(v, 63, 63) & ('/' - 63 - 'A');
        return (char) c;
}

int wg_key_from_base64(const char *s, uint8_t ret[WG_KEY_SIZE]) {
        uint8_t key[WG_KEY_SIZE];
        unsigned acc;
        int bad = 0;
        size_t i;

        if (!s || strnlen(s, WG_KEY_B64_LEN + 1) != WG_KEY_B64_LEN || s[WG_KEY_B64_LEN - 1] != '=')
                return -EINVAL;

        /* 40 characters: 10 groups of 4 make 30 bytes */
        for (i = 0; i < 10; i++) {
                int a = b64_value((unsigned char) s[i * 4]), b = b64_value((unsigned char) s[i * 4 + 1]),
                    c = b64_value((unsigned char) s[i * 4 + 2]), d = b64_value((unsigned char) s[i * 4 + 3]);

                bad |= a | b | c | d; /* any -1 sets the sign bit */
                /* unsigned: an invalid character's -1 is caught by @bad, and shifts no sign */
                acc = ((unsigned) a << 18) | ((unsigned) b << 12) | ((unsigned) c << 6) | (unsigned) d;
                key[i * 3] = (uint8_t) (acc >> 16);
                key[i * 3 + 1] = (uint8_t) (acc >> 8);
                key[i * 3 + 2] = (uint8_t) acc;
        }
        /* then 3 characters, 18 bits, of which the last 2 must be 0, make the last 2 bytes */
        {
                int a = b64_value((unsigned char) s[40]), b = b64_value((unsigned char) s[41]),
                    c = b64_value((unsigned char) s[42]);

                bad |= a | b | c;
                acc = ((unsigned) a << 12) | ((unsigned) b << 6) | (unsigned) c;
                bad |= -(int) (acc & 3); /* non-canonical: bits beyond the key */
                key[30] = (uint8_t) (acc >> 10);
                key[31] = (uint8_t) (acc >> 2);
        }
        if (bad < 0) {
                explicit_bzero(key, sizeof(key));
                return -EINVAL;
        }
        memcpy(ret, key, sizeof(key));
        explicit_bzero(key, sizeof(key));
        return 0;
}

void wg_key_to_base64(const uint8_t key[WG_KEY_SIZE], char ret[WG_KEY_B64_LEN + 1]) {
        size_t i;

        for (i = 0; i < 10; i++) {
                int acc = (key[i * 3] << 16) | (key[i * 3 + 1] << 8) | key[i * 3 + 2];

                ret[i * 4] = b64_char((acc >> 18) & 63);
                ret[i * 4 + 1] = b64_char((acc >> 12) & 63);
                ret[i * 4 + 2] = b64_char((acc >> 6) & 63);
                ret[i * 4 + 3] = b64_char(acc & 63);
        }
        ret[40] = b64_char(key[30] >> 2);
        ret[41] = b64_char(((key[30] & 3) << 4) | (key[31] >> 4));
        ret[42] = b64_char((key[31] & 15) << 2);
        ret[43] = '=';
        ret[44] = 0;
}

bool wg_key_is_zero(const uint8_t key[WG_KEY_SIZE]) {
        uint8_t acc = 0;

        for (size_t i = 0; i < WG_KEY_SIZE; i++)
                acc |= key[i];
        return acc == 0;
}

bool wg_key_equal(const uint8_t a[WG_KEY_SIZE], const uint8_t b[WG_KEY_SIZE]) {
        uint8_t acc = 0;

        for (size_t i = 0; i < WG_KEY_SIZE; i++)
                acc |= a[i] ^ b[i];
        return acc == 0;
}

int wg_secret_file_open(const char *path) {
        _cleanup_close_ int fd = -1;
        struct stat st;
        int r;

        /* O_NONBLOCK: a FIFO must not hang "up"; it is refused below as not a regular file */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return log_error_errno(errno, "%s: cannot open: %m", path);
        if (fstat(fd, &st) < 0)
                return log_error_errno(errno, "%s: cannot stat: %m", path);
        if (!S_ISREG(st.st_mode))
                return log_error_errno(EPERM, "%s: not a regular file; refusing it as a file holding a key.", path);
        if (st.st_uid != 0 && st.st_uid != geteuid())
                return log_error_errno(EPERM, "%s: owned by uid %u, not root; refusing a file holding a key that anyone else owns.",
                                       path, (unsigned) st.st_uid);
        if (st.st_mode & 0077)
                return log_error_errno(EPERM, "%s: accessible by %s (mode %04o); refusing it: a file holding a key "
                                       "must be readable by its owner only (chmod 600).",
                                       path, (st.st_mode & 0070) && (st.st_mode & 0007) ? "group and others" :
                                       (st.st_mode & 0070) ? "group" : "others", (unsigned) (st.st_mode & 07777));
        /* the directories above: whoever may write one can swap the file (reported there) */
        r = netns_path_is_safe(path);
        if (r == -EPERM)
                return r;
        if (r < 0)
                return log_error_errno(r, "%s: cannot check the directories above it: %m", path);
        return TAKE_FD(fd);
}

int wg_key_read_file(const char *path, uint8_t ret[WG_KEY_SIZE]) {
        _cleanup_close_ int fd = -1;
        char buf[128];
        ssize_t n;
        size_t a, b;
        int r;

        fd = wg_secret_file_open(path);
        if (fd < 0)
                return fd;
        n = read(fd, buf, sizeof(buf) - 1);
        if (n < 0) {
                r = log_error_errno(errno, "%s: cannot read key file: %m", path);
                goto wipe;
        }
        buf[n] = 0;
        /* a trailing newline is what "wg genkey > FILE" leaves; take white space around it */
        for (a = 0; a < (size_t) n && strchr(" \t\r\n", buf[a]); a++)
                ;
        for (b = (size_t) n; b > a && strchr(" \t\r\n", buf[b - 1]); b--)
                ;
        buf[b] = 0;
        if ((size_t) n == sizeof(buf) - 1 || wg_key_from_base64(buf + a, ret) < 0) {
                r = log_error_errno(EINVAL, "%s: not a WireGuard key (44 characters of base64, as \"wg genkey\" writes).", path);
                goto wipe;
        }
        r = 0;
wipe:
        explicit_bzero(buf, sizeof(buf));
        return r;
}

/* ------------------------------------------------------------------------------------------
 * The device model
 */

const char *wg_endpoint_to_string(const union wg_endpoint *e, char buf[static INET6_ADDRSTRLEN + 8]) {
        char a[INET6_ADDRSTRLEN];

        if (e->sa.sa_family == AF_INET)
                (void) snprintf(buf, INET6_ADDRSTRLEN + 8, "%s:%u", inet_ntop(AF_INET, &e->in.sin_addr, a, sizeof(a)) ?: "?",
                                ntohs(e->in.sin_port));
        else if (e->sa.sa_family == AF_INET6)
                (void) snprintf(buf, INET6_ADDRSTRLEN + 8, "[%s]:%u", inet_ntop(AF_INET6, &e->in6.sin6_addr, a, sizeof(a)) ?: "?",
                                ntohs(e->in6.sin6_port));
        else
                return NULL;
        return buf;
}

bool wg_endpoint_equal(const union wg_endpoint *a, const union wg_endpoint *b) {
        if (a->sa.sa_family != b->sa.sa_family)
                return false;
        if (a->sa.sa_family == AF_INET)
                return a->in.sin_port == b->in.sin_port && a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
        if (a->sa.sa_family == AF_INET6)
                return a->in6.sin6_port == b->in6.sin6_port && a->in6.sin6_scope_id == b->in6.sin6_scope_id &&
                       memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, sizeof(struct in6_addr)) == 0;
        return true;
}

void wg_peer_done(struct wg_peer *p) {
        free(p->allowed_ips);
        free(p->endpoint_host);
        explicit_bzero(p, sizeof(*p));
}

void wg_device_done(struct wg_device *d) {
        for (size_t i = 0; i < d->n_peers; i++)
                wg_peer_done(&d->peers[i]);
        free(d->peers);
        explicit_bzero(d, sizeof(*d));
}

/* ------------------------------------------------------------------------------------------
 * Generic netlink
 */

static int family_id_cb(const struct nlattr *attr, void *data) {
        if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID && mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
                *(uint16_t *) data = mnl_attr_get_u16(attr);
        return MNL_CB_OK;
}

static int family_msg_cb(const struct nlmsghdr *nlh, void *data) {
        if (nlh->nlmsg_type != GENL_ID_CTRL)
                return MNL_CB_OK;
        return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_id_cb, data) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

static struct genlmsghdr *genl_put(struct nlmsghdr *nlh, uint8_t cmd, uint8_t version) {
        struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

        g->cmd = cmd;
        g->version = version;
        return g;
}

int wg_genl_open(int netns_fd, struct nl_sock **ret, uint16_t *ret_family) {
        _cleanup_nl_close_ struct nl_sock *s = NULL;
        char buf[256];
        struct nlmsghdr *nlh;
        uint16_t id = 0;
        int one = 1, r;

        r = nl_open_protocol(netns_fd, NETLINK_GENERIC, &s);
        if (r < 0)
                return r;
        /* errors do not echo the request: a failed WG_CMD_SET_DEVICE would copy its keys */
        (void) mnl_socket_setsockopt(s->mnl, NETLINK_CAP_ACK, &one, sizeof(one));

        nlh = nl_msg_new(s, buf, GENL_ID_CTRL, 0);
        genl_put(nlh, CTRL_CMD_GETFAMILY, 1);
        mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, WG_GENL_NAME);
        r = nl_call(s, nlh, family_msg_cb, &id);
        if (r < 0)
                return r;
        if (id == 0)
                return -ENOENT;
        *ret = TAKE_PTR(s);
        *ret_family = id;
        return 0;
}

/* Put the device's name or index. */
static bool put_device(struct nlmsghdr *nlh, size_t size, const struct wg_device *d) {
        if (d->ifindex > 0)
                return mnl_attr_put_u32_check(nlh, size, WGDEVICE_A_IFINDEX, (uint32_t) d->ifindex);
        return mnl_attr_put_strz_check(nlh, size, WGDEVICE_A_IFNAME, d->ifname);
}

static bool put_device_attrs(struct nlmsghdr *nlh, size_t size, const struct wg_device *d) {
        bool ok = true;

        if (d->has_private_key)
                ok = mnl_attr_put_check(nlh, size, WGDEVICE_A_PRIVATE_KEY, WG_KEY_SIZE, d->private_key);
        if (ok && d->has_listen_port)
                ok = mnl_attr_put_u16_check(nlh, size, WGDEVICE_A_LISTEN_PORT, d->listen_port);
        if (ok && d->has_fwmark)
                ok = mnl_attr_put_u32_check(nlh, size, WGDEVICE_A_FWMARK, d->fwmark);
        if (ok && d->replace_peers)
                ok = mnl_attr_put_u32_check(nlh, size, WGDEVICE_A_FLAGS, WGDEVICE_F_REPLACE_PEERS);
        return ok;
}

/* A peer's own attributes, sent with its first part only. */
static bool put_peer_attrs(struct nlmsghdr *nlh, size_t size, const struct wg_peer *p) {
        bool ok;

        if (p->remove)
                return mnl_attr_put_u32_check(nlh, size, WGPEER_A_FLAGS, WGPEER_F_REMOVE_ME);
        ok = mnl_attr_put_u32_check(nlh, size, WGPEER_A_FLAGS, WGPEER_F_REPLACE_ALLOWEDIPS);

        if (ok && p->has_preshared_key)
                ok = mnl_attr_put_check(nlh, size, WGPEER_A_PRESHARED_KEY, WG_KEY_SIZE, p->preshared_key);
        if (ok && p->endpoint.sa.sa_family == AF_INET)
                ok = mnl_attr_put_check(nlh, size, WGPEER_A_ENDPOINT, sizeof(p->endpoint.in), &p->endpoint.in);
        else if (ok && p->endpoint.sa.sa_family == AF_INET6)
                ok = mnl_attr_put_check(nlh, size, WGPEER_A_ENDPOINT, sizeof(p->endpoint.in6), &p->endpoint.in6);
        if (ok && p->has_keepalive)
                ok = mnl_attr_put_u16_check(nlh, size, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, p->keepalive);
        return ok;
}

static bool put_allowed_ip(struct nlmsghdr *nlh, size_t size, const struct netns_prefix *a) {
        struct nlattr *n = mnl_attr_nest_start_check(nlh, size, 0);
        bool ok = n;

        ok = ok && mnl_attr_put_u16_check(nlh, size, WGALLOWEDIP_A_FAMILY, (uint16_t) a->family);
        ok = ok && mnl_attr_put_check(nlh, size, WGALLOWEDIP_A_IPADDR,
                                      a->family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr), &a->addr);
        ok = ok && mnl_attr_put_u8_check(nlh, size, WGALLOWEDIP_A_CIDR_MASK, a->prefixlen);
        if (ok)
                mnl_attr_nest_end(nlh, n);
        else if (n)
                mnl_attr_nest_cancel(nlh, n);
        return ok;
}

int wg_set_device_msg(const struct wg_device *d, uint16_t family, void *buf, size_t size, struct wg_set_cursor *cur) {
        struct nlmsghdr *nlh;
        struct nlattr *peers;
        bool progress = false;

        if (cur->started && cur->peer >= d->n_peers)
                return 0;

        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = family;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        genl_put(nlh, WG_CMD_SET_DEVICE, WG_GENL_VERSION);
        if (!put_device(nlh, size, d))
                return -ENOBUFS;
        if (!cur->started) {
                if (!put_device_attrs(nlh, size, d))
                        return -ENOBUFS;
                cur->started = progress = true;
        }
        if (cur->peer >= d->n_peers)
                return 1;

        peers = mnl_attr_nest_start_check(nlh, size, WGDEVICE_A_PEERS);
        if (!peers)
                return progress ? 1 : -ENOBUFS;
        for (; cur->peer < d->n_peers; cur->peer++, cur->aip = 0) {
                const struct wg_peer *p = &d->peers[cur->peer];
                size_t n_aips = p->remove ? 0 : p->n_allowed_ips; /* a peer removed: its key alone */
                bool first = !cur->continued;
                struct nlattr *pn, *an = NULL;
                bool ok, any = false;

                pn = mnl_attr_nest_start_check(nlh, size, 0);
                ok = pn && mnl_attr_put_check(nlh, size, WGPEER_A_PUBLIC_KEY, WG_KEY_SIZE, p->public_key);
                if (ok && first)
                        ok = put_peer_attrs(nlh, size, p);
                if (ok && cur->aip < n_aips)
                        ok = (an = mnl_attr_nest_start_check(nlh, size, WGPEER_A_ALLOWEDIPS));
                if (!ok) {
                        /* not even the peer's start fits: it opens the next message */
                        if (pn)
                                mnl_attr_nest_cancel(nlh, pn);
                        break;
                }
                for (; cur->aip < n_aips; cur->aip++) {
                        if (!put_allowed_ip(nlh, size, &p->allowed_ips[cur->aip]))
                                break;
                        any = true;
                }
                if (an) {
                        if (any)
                                mnl_attr_nest_end(nlh, an);
                        else
                                mnl_attr_nest_cancel(nlh, an);
                }
                if (cur->aip < n_aips && !any && !first) {
                        /* a continuation that carries nothing new */
                        mnl_attr_nest_cancel(nlh, pn);
                        break;
                }
                mnl_attr_nest_end(nlh, pn);
                progress = true;
                if (cur->aip < n_aips) {
                        /* the rest of its allowed IPs go in the next message */
                        cur->continued = true;
                        break;
                }
                cur->continued = false;
        }
        mnl_attr_nest_end(nlh, peers);
        return progress ? 1 : -ENOBUFS;
}

int wg_device_set(struct nl_sock *s, uint16_t family, const struct wg_device *d) {
        struct wg_set_cursor cur = {};
        _cleanup_free_ char *buf = NULL;
        int r;

        buf = malloc(WG_MSG_SIZE);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                struct nlmsghdr *nlh = (struct nlmsghdr *) buf;

                r = wg_set_device_msg(d, family, buf, WG_MSG_SIZE, &cur);
                if (r <= 0)
                        break;
                nlh->nlmsg_seq = ++s->seq;
                r = nl_call(s, nlh, NULL, NULL);
                explicit_bzero(buf, WG_MSG_SIZE);
                if (r < 0)
                        break;
        }
        explicit_bzero(buf, WG_MSG_SIZE);
        /* an error reply could have carried the request back (NETLINK_CAP_ACK not known) */
        explicit_bzero(s->buf, s->buf_size);
        return r < 0 ? r : 0;
}

bool wg_peer_handshake_recent(const struct wg_peer *p, time_t now) {
        return p->last_handshake.tv_sec > 0 && now - p->last_handshake.tv_sec <= WG_HANDSHAKE_RECENT_SEC;
}

bool wg_device_handshake_missing(const struct wg_device *d, time_t now) {
        bool any = false;

        for (size_t i = 0; i < d->n_peers; i++) {
                if (d->peers[i].endpoint.sa.sa_family == 0)
                        continue;
                if (wg_peer_handshake_recent(&d->peers[i], now))
                        return false;
                any = true;
        }
        return any;
}

/* ------------------------------------------------------------------------------------------
 * Status: WG_CMD_GET_DEVICE, a dump of one device that the kernel may split over several
 * messages, a peer's allowed IPs continuing in the next one under the same public key.
 */

struct parse_peer {
        struct wg_peer *p;
        bool secrets;     /* copy the preshared key */
};

static int allowed_ip_attr_cb(const struct nlattr *attr, void *data) {
        struct netns_prefix *a = data;
        size_t len = mnl_attr_get_payload_len(attr);

        switch (mnl_attr_get_type(attr)) {
        case WGALLOWEDIP_A_FAMILY:
                if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
                        return MNL_CB_ERROR;
                a->family = mnl_attr_get_u16(attr);
                break;
        case WGALLOWEDIP_A_IPADDR:
                if (len != sizeof(struct in_addr) && len != sizeof(struct in6_addr))
                        return MNL_CB_ERROR;
                memcpy(&a->addr, mnl_attr_get_payload(attr), len);
                break;
        case WGALLOWEDIP_A_CIDR_MASK:
                if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
                        return MNL_CB_ERROR;
                a->prefixlen = mnl_attr_get_u8(attr);
                break;
        default:
                break;
        }
        return MNL_CB_OK;
}

static int allowed_ips_cb(const struct nlattr *attr, void *data) {
        struct parse_peer *pp = data;
        struct netns_prefix a = {}, *n;

        if (mnl_attr_parse_nested(attr, allowed_ip_attr_cb, &a) < 0)
                return MNL_CB_ERROR;
        if (!((a.family == AF_INET && a.prefixlen <= 32) || (a.family == AF_INET6 && a.prefixlen <= 128)))
                return MNL_CB_ERROR;
        if (a.family == AF_INET)
                memset(a.addr.bytes + 4, 0, 12); /* a 16-byte IPADDR with an IPv4 family */
        n = ARRAY_APPEND(pp->p->allowed_ips, pp->p->n_allowed_ips);
        if (!n)
                return MNL_CB_ERROR;
        *n = a;
        return MNL_CB_OK;
}

static int peer_attr_cb(const struct nlattr *attr, void *data) {
        struct parse_peer *pp = data;
        struct wg_peer *p = pp->p;
        size_t len = mnl_attr_get_payload_len(attr);

        switch (mnl_attr_get_type(attr)) {
        case WGPEER_A_PUBLIC_KEY:
                if (len != WG_KEY_SIZE)
                        return MNL_CB_ERROR;
                memcpy(p->public_key, mnl_attr_get_payload(attr), WG_KEY_SIZE);
                p->has_public_key = true;
                break;
        case WGPEER_A_PRESHARED_KEY:
                /* a secret: only whether there is one is kept, unless the caller asked */
                if (len == WG_KEY_SIZE) {
                        p->has_preshared_key = !wg_key_is_zero(mnl_attr_get_payload(attr));
                        if (pp->secrets)
                                memcpy(p->preshared_key, mnl_attr_get_payload(attr), WG_KEY_SIZE);
                }
                break;
        case WGPEER_A_ENDPOINT: {
                const struct sockaddr *sa = mnl_attr_get_payload(attr);

                if (len >= sizeof(sa_family_t) && sa->sa_family == AF_INET && len == sizeof(p->endpoint.in))
                        memcpy(&p->endpoint.in, sa, len);
                else if (len >= sizeof(sa_family_t) && sa->sa_family == AF_INET6 && len == sizeof(p->endpoint.in6))
                        memcpy(&p->endpoint.in6, sa, len);
                break;
        }
        case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL:
                if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0) {
                        p->keepalive = mnl_attr_get_u16(attr);
                        p->has_keepalive = p->keepalive > 0;
                }
                break;
        case WGPEER_A_LAST_HANDSHAKE_TIME: {
                struct { int64_t sec, nsec; } ts; /* struct __kernel_timespec */

                if (len == sizeof(ts)) {
                        memcpy(&ts, mnl_attr_get_payload(attr), sizeof(ts));
                        p->last_handshake = (struct timespec) { .tv_sec = (time_t) ts.sec, .tv_nsec = (long) ts.nsec };
                }
                break;
        }
        case WGPEER_A_RX_BYTES:
                if (mnl_attr_validate(attr, MNL_TYPE_U64) >= 0)
                        p->rx_bytes = mnl_attr_get_u64(attr);
                break;
        case WGPEER_A_TX_BYTES:
                if (mnl_attr_validate(attr, MNL_TYPE_U64) >= 0)
                        p->tx_bytes = mnl_attr_get_u64(attr);
                break;
        case WGPEER_A_ALLOWEDIPS:
                return mnl_attr_parse_nested(attr, allowed_ips_cb, pp) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
        default:
                break;
        }
        return MNL_CB_OK;
}

/* Merge @p into @into: the same peer, continued in a later message. */
static int peer_merge(struct wg_peer *into, struct wg_peer *p) {
        size_t n = into->n_allowed_ips + p->n_allowed_ips;
        struct netns_prefix *a;

        if (p->n_allowed_ips > 0) {
                a = reallocarray(into->allowed_ips, n, sizeof(*a));
                if (!a)
                        return -ENOMEM;
                memcpy(a + into->n_allowed_ips, p->allowed_ips, p->n_allowed_ips * sizeof(*a));
                into->allowed_ips = a;
                into->n_allowed_ips = n;
        }
        wg_peer_done(p);
        return 0;
}

static int peers_cb(const struct nlattr *attr, void *data) {
        struct wg_device *d = data;
        struct wg_peer p = {};
        struct parse_peer pp = { .p = &p, .secrets = d->with_secrets };

        if (mnl_attr_parse_nested(attr, peer_attr_cb, &pp) < 0 || !p.has_public_key) {
                wg_peer_done(&p);
                return MNL_CB_ERROR;
        }
        if (d->n_peers > 0 && memcmp(d->peers[d->n_peers - 1].public_key, p.public_key, WG_KEY_SIZE) == 0) {
                if (peer_merge(&d->peers[d->n_peers - 1], &p) < 0) {
                        wg_peer_done(&p);
                        return MNL_CB_ERROR;
                }
                return MNL_CB_OK;
        }
        {
                struct wg_peer *n = ARRAY_APPEND(d->peers, d->n_peers);

                if (!n) {
                        wg_peer_done(&p);
                        return MNL_CB_ERROR;
                }
                *n = p;
        }
        return MNL_CB_OK;
}

static int device_attr_cb(const struct nlattr *attr, void *data) {
        struct wg_device *d = data;
        size_t len = mnl_attr_get_payload_len(attr);

        switch (mnl_attr_get_type(attr)) {
        case WGDEVICE_A_IFINDEX:
                if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                        d->ifindex = (int) mnl_attr_get_u32(attr);
                break;
        case WGDEVICE_A_IFNAME:
                if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
                        (void) snprintf(d->ifname, sizeof(d->ifname), "%s", mnl_attr_get_str(attr));
                break;
        case WGDEVICE_A_PUBLIC_KEY:
                if (len == WG_KEY_SIZE) {
                        memcpy(d->public_key, mnl_attr_get_payload(attr), WG_KEY_SIZE);
                        d->has_public_key = true;
                }
                break;
        case WGDEVICE_A_PRIVATE_KEY:
                /* copied only when asked for (reload): status has no use for it */
                if (d->with_secrets && len == WG_KEY_SIZE) {
                        memcpy(d->private_key, mnl_attr_get_payload(attr), WG_KEY_SIZE);
                        d->has_private_key = true;
                }
                break;
        case WGDEVICE_A_LISTEN_PORT:
                if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0) {
                        d->listen_port = mnl_attr_get_u16(attr);
                        d->has_listen_port = true;
                }
                break;
        case WGDEVICE_A_FWMARK:
                if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
                        d->fwmark = mnl_attr_get_u32(attr);
                        d->has_fwmark = d->fwmark != 0;
                }
                break;
        case WGDEVICE_A_PEERS:
                return mnl_attr_parse_nested(attr, peers_cb, d) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
        default:
                break;
        }
        return MNL_CB_OK;
}

int wg_device_parse_msg(const struct nlmsghdr *nlh, struct wg_device *d) {
        if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
                return MNL_CB_ERROR;
        return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), device_attr_cb, d) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

struct get_args {
        uint16_t family;
        struct wg_device *d;
};

static int get_cb(const struct nlmsghdr *nlh, void *data) {
        struct get_args *a = data;

        if (nlh->nlmsg_type != a->family)
                return MNL_CB_OK;
        return wg_device_parse_msg(nlh, a->d);
}

static int device_get(struct nl_sock *s, uint16_t family, const char *ifname, bool secrets, struct wg_device *ret) {
        struct wg_device d = { .with_secrets = secrets };
        struct get_args a = { .family = family, .d = &d };
        char buf[256];
        struct nlmsghdr *nlh;
        int r;

        if (strlen(ifname) >= IFNAMSIZ)
                return -ENODEV;
        nlh = nl_msg_new(s, buf, family, NLM_F_DUMP);
        genl_put(nlh, WG_CMD_GET_DEVICE, WG_GENL_VERSION);
        mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, ifname);
        r = nl_call(s, nlh, get_cb, &a);
        /* the replies carried the private key: none of it stays in memory */
        explicit_bzero(s->buf, s->buf_size);
        if (r < 0) {
                wg_device_done(&d);
                return r == -EOPNOTSUPP ? -ENODEV : r;
        }
        *ret = d;
        return 0;
}

int wg_device_get(struct nl_sock *s, uint16_t family, const char *ifname, struct wg_device *ret) {
        return device_get(s, family, ifname, false, ret);
}

int wg_device_get_secrets(struct nl_sock *s, uint16_t family, const char *ifname, struct wg_device *ret) {
        return device_get(s, family, ifname, true, ret);
}
