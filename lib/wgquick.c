/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wgquick.c - wg-quick(8) files as VPN providers hand them out (ConfigFile= of [WireGuard]) */

#include <arpa/inet.h>
#include <limits.h>
#include <strings.h>

#include "addr.h"
#include "conf-parser.h"
#include "parse-util.h"
#include "log.h"
#include "util.h"
#include "wgquick.h"

#define WGQUICK_FILE_MAX (1024 * 1024)

void wgquick_done(struct wgquick *q) {
        free(q->file);
        wg_device_done(&q->dev);
        free(q->addresses);
        free(q->dns);
        strv_free(q->domains);
        explicit_bzero(q, sizeof(*q));
}

/* ------------------------------------------------------------------------------------------
 * Values shared with [WireGuardPeer]
 */

int wg_parse_allowed_ip(const char *s, struct netns_prefix *ret) {
        struct netns_prefix p;

        if (parse_prefix(s, &p) < 0)
                return -EINVAL;
        *ret = addr_prefix_network(&p);
        return 0;
}

int wg_parse_endpoint(const char *s, struct wg_peer *p, const char **reason) {
        char host[256];
        const char *colon, *h;
        size_t hl;
        uint32_t port;

        if (s[0] == '[') {
                const char *end = strchr(s, ']');

                if (!end || end[1] != ':') {
                        *reason = "expected [IPV6ADDRESS]:PORT";
                        return -EINVAL;
                }
                h = s + 1;
                hl = (size_t) (end - h);
                colon = end + 1;
        } else {
                colon = strrchr(s, ':');
                if (!colon) {
                        *reason = "expected HOST:PORT (the port is required)";
                        return -EINVAL;
                }
                h = s;
                hl = (size_t) (colon - s);
                if (memchr(h, ':', hl)) {
                        *reason = "an IPv6 address goes in brackets: [2001:db8::1]:51820";
                        return -EINVAL;
                }
        }
        if (hl == 0 || hl >= sizeof(host)) {
                *reason = hl == 0 ? "the host is empty" : "the host name is too long";
                return -EINVAL;
        }
        if (parse_range(colon + 1, 1, 65535, &port) < 0) {
                *reason = "the port is a number 1...65535";
                return -EINVAL;
        }
        memcpy(host, h, hl);
        host[hl] = 0;

        free(p->endpoint_host);
        p->endpoint_host = NULL;
        memset(&p->endpoint, 0, sizeof(p->endpoint));
        if (s[0] == '[') {
                if (inet_pton(AF_INET6, host, &p->endpoint.in6.sin6_addr) != 1) {
                        *reason = "not an IPv6 address in the brackets";
                        return -EINVAL;
                }
                p->endpoint.in6.sin6_family = AF_INET6;
                p->endpoint.in6.sin6_port = htons((uint16_t) port);
                return 0;
        }
        if (inet_pton(AF_INET, host, &p->endpoint.in.sin_addr) == 1) {
                p->endpoint.in.sin_family = AF_INET;
                p->endpoint.in.sin_port = htons((uint16_t) port);
                return 0;
        }
        if (!domain_is_valid(host)) {
                *reason = "neither an IPv4 address nor a valid host name";
                return -EINVAL;
        }
        /* a name: resolved in the host's namespace at up; the port waits in the address */
        p->endpoint_host = strdup(host);
        if (!p->endpoint_host)
                return -ENOMEM;
        p->endpoint.in.sin_port = htons((uint16_t) port);
        return 0;
}

/* ------------------------------------------------------------------------------------------
 * The keys: the table engine of netns.conf (conf-parser.c), with wg(8)'s leniencies: a key
 * spelled in another case is still the key, and a '#' ends a value.
 */

/* The value up to a '#', white space before it dropped: a copy in @buf, or NULL if too long. */
static const char *value_uncommented(const char *value, char *buf, size_t size) {
        size_t n = strcspn(value, "#");

        while (n > 0 && is_ws(value[n - 1]))
                n--;
        if (n >= size)
                return NULL;
        memcpy(buf, value, n);
        buf[n] = 0;
        return buf;
}

#define UNCOMMENT(value)                                                              \
        char _vbuf_[1024];                                                            \
        const char *v = value_uncommented((value), _vbuf_, sizeof(_vbuf_));           \
        if (!v)                                                                       \
                return conf_syntax(p, "%s: the value is too long.", k->key)

/* "off" or a number in [0, @max] (FwMark= also in hex, as wg(8) takes it) */
static int parse_off_or_number(const char *v, uint32_t max, bool hex, uint32_t *ret) {
        char *end;
        unsigned long long n;

        if (strcasecmp(v, "off") == 0) {
                *ret = 0;
                return 0;
        }
        if (hex && (startswith(v, "0x") || startswith(v, "0X"))) {
                if (!v[2] || strspn(v + 2, "0123456789abcdefABCDEF") != strlen(v + 2) || strlen(v + 2) > 8)
                        return -EINVAL;
                errno = 0;
                n = strtoull(v + 2, &end, 16);
                if (errno != 0 || *end || n > max)
                        return -EINVAL;
                *ret = (uint32_t) n;
                return 0;
        }
        return parse_range(v, 0, max, ret) < 0 ? -EINVAL : 0;
}

/* PrivateKey, PublicKey, PresharedKey: k->data is the offset of the "has" flag */
static int wgq_parse_key(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        uint8_t *key = CONF_FIELD(base, k, uint8_t);
        bool *has = (bool *) ((char *) base + k->data);
        UNCOMMENT(value);
        int r;

        /* a refused key counts as given: the file fails anyway, and "without PrivateKey"
         * would only repeat the problem */
        *has = true;
        r = wg_key_from_base64(v, key);
        explicit_bzero(_vbuf_, sizeof(_vbuf_));
        if (r < 0)
                /* the value is not echoed: it may be a key with a typo */
                return conf_syntax(p, "%s: not a WireGuard key (44 characters of base64, as \"wg genkey\" writes).", k->key);
        return 0;
}

/* Split a list at commas and white space; @fn gets each entry. Stops at -ENOMEM only. */
static int foreach_entry(struct conf_parser *p, const struct conf_key *k, const char *value, void *base,
                         int (*fn)(struct conf_parser *p, const struct conf_key *k, const char *entry, void *base)) {
        UNCOMMENT(value);
        int ret = 0;

        for (char *save = NULL, *e = strtok_r(_vbuf_, ", \t", &save); e; e = strtok_r(NULL, ", \t", &save)) {
                int r = fn(p, k, e, base);

                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
        }
        (void) v;
        return ret;
}

static int address_entry(struct conf_parser *p, const struct conf_key *k, const char *e, void *base) {
        struct wgquick *q = base;
        struct netns_prefix a, *n;

        if (parse_prefix(e, &a) < 0)
                return conf_syntax(p, "%s = %s: expected ADDRESS[/PREFIXLENGTH].", k->key, e);
        n = GROW_APPEND(q->addresses, q->n_addresses);
        if (!n)
                return -ENOMEM;
        *n = a;
        n->origin = conf_origin(p);
        return 0;
}

static int dns_entry(struct conf_parser *p, const struct conf_key *k, const char *e, void *base) {
        struct wgquick *q = base;
        struct netns_addr a, *n;

        /* as wg-quick: an address is a name server, anything else a search domain */
        if (parse_addr(e, &a) == 0) {
                n = GROW_APPEND(q->dns, q->n_dns);
                if (!n)
                        return -ENOMEM;
                *n = a;
                return 0;
        }
        if (!domain_is_valid(e))
                return conf_syntax(p, "%s = %s: neither an IP address nor a valid search domain.", k->key, e);
        return strv_extend(&q->domains, e);
}

int wg_allowed_ip_add(struct conf_parser *p, const char *key, const char *word, struct netns_prefix **arr, size_t *n) {
        struct netns_prefix a, *e;

        if (wg_parse_allowed_ip(word, &a) < 0)
                return conf_syntax(p, "%s=%s: expected ADDRESS[/PREFIXLENGTH] (IPv4 prefix 0...32, IPv6 0...128).", key, word);
        e = array_grow_append((void **) arr, n, sizeof(**arr));
        if (!e)
                return -ENOMEM;
        *e = a;
        e->origin = conf_origin(p);
        return 0;
}

static int allowed_ip_entry(struct conf_parser *p, const struct conf_key *k, const char *e, void *base) {
        struct wg_peer *peer = base;

        return wg_allowed_ip_add(p, k->key, e, &peer->allowed_ips, &peer->n_allowed_ips);
}

static int wgq_parse_addresses(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        return foreach_entry(p, k, value, base, address_entry);
}

static int wgq_parse_dns(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        return foreach_entry(p, k, value, base, dns_entry);
}

static int wgq_parse_allowed_ips(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        return foreach_entry(p, k, value, base, allowed_ip_entry);
}

static int wgq_parse_mtu(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        UNCOMMENT(value);
        uint32_t n;

        if (parse_range(v, 1280, 65535, &n) < 0)
                return conf_syntax(p, "%s = %s: a tunnel's MTU is a number 1280...65535.", k->key, v);
        *CONF_FIELD(base, k, uint32_t) = n;
        return 0;
}

static int wgq_parse_listen_port(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        struct wgquick *q = base;
        UNCOMMENT(value);
        uint32_t n;

        if (parse_range(v, 0, 65535, &n) < 0)
                return conf_syntax(p, "%s = %s: a port is a number 0...65535 (0: any).", k->key, v);
        q->dev.listen_port = (uint16_t) n;
        q->dev.has_listen_port = true;
        return 0;
}

static int wgq_parse_fwmark(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        struct wgquick *q = base;
        UNCOMMENT(value);
        uint32_t n;

        if (parse_off_or_number(v, UINT32_MAX, true, &n) < 0)
                return conf_syntax(p, "%s = %s: expected off or a number (decimal or 0x hex).", k->key, v);
        q->dev.fwmark = n;
        q->dev.has_fwmark = true;
        return 0;
}

static int wgq_parse_endpoint(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        struct wg_peer *peer = base;
        const char *reason;
        UNCOMMENT(value);
        int r;

        r = wg_parse_endpoint(v, peer, &reason);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return conf_syntax(p, "%s = %s: %s.", k->key, v, reason);
        peer->endpoint_origin = conf_origin(p);
        return 0;
}

static int wgq_parse_keepalive(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        struct wg_peer *peer = base;
        UNCOMMENT(value);
        uint32_t n;

        if (parse_off_or_number(v, 65535, false, &n) < 0)
                return conf_syntax(p, "%s = %s: expected off or seconds 1...65535.", k->key, v);
        peer->keepalive = (uint16_t) n;
        peer->has_keepalive = n > 0;
        return 0;
}

/* Keys only wg-quick acts on: refused, each with why. */
static const struct {
        const char *key;
        const char *why;
} wgquick_only[] = {
        { "PreUp",      "runs a shell command as root; netnsctl runs no command from a tunnel file (order a unit after netns@NAME.service instead)" },
        { "PostUp",     "runs a shell command as root; netnsctl runs no command from a tunnel file (order a unit after netns@NAME.service instead)" },
        { "PreDown",    "runs a shell command as root; netnsctl runs no command from a tunnel file" },
        { "PostDown",   "runs a shell command as root; netnsctl runs no command from a tunnel file" },
        { "Table",      "picks the routing table for AllowedIPs=; netnsctl routes them in the namespace's own main table" },
        { "SaveConfig", "makes wg-quick write the running state back into the file; netnsctl never writes it" },
};

#define WQ(f) offsetof(struct wgquick, f)
#define WP(f) offsetof(struct wg_peer, f)

static const struct conf_key interface_keys[] = {
        { "PrivateKey", wgq_parse_key,         WQ(dev.private_key), 0, WQ(dev.has_private_key) },
        { "Address",    wgq_parse_addresses,   0,                   0, 0 },
        { "DNS",        wgq_parse_dns,         0,                   0, 0 },
        { "MTU",        wgq_parse_mtu,         WQ(mtu),             0, 0 },
        { "ListenPort", wgq_parse_listen_port, 0,                   0, 0 },
        { "FwMark",     wgq_parse_fwmark,      0,                   0, 0 },
};

static const struct conf_key peer_keys[] = {
        { "PublicKey",           wgq_parse_key,         WP(public_key),    0, WP(has_public_key) },
        { "PresharedKey",        wgq_parse_key,         WP(preshared_key), 0, WP(has_preshared_key) },
        { "Endpoint",            wgq_parse_endpoint,    0,                 0, 0 },
        { "AllowedIPs",          wgq_parse_allowed_ips, 0,                 0, 0 },
        { "PersistentKeepalive", wgq_parse_keepalive,   0,                 0, 0 },
};

/* A key not spelled as in the table: the wg-quick-only keys are refused with why; one spelled
 * in another case is the key, as wg(8) matches them. */
static int other_key(struct conf_parser *p, const struct conf_key *keys, size_t n, const char *key, const char *value,
                     void *base) {
        for (size_t i = 0; i < ELEMENTSOF(wgquick_only); i++)
                if (strcasecmp(key, wgquick_only[i].key) == 0)
                        return conf_syntax(p, "%s= is a wg-quick option, refused: it %s.", wgquick_only[i].key,
                                           wgquick_only[i].why);
        for (size_t i = 0; i < n; i++)
                if (strcasecmp(key, keys[i].key) == 0)
                        return keys[i].parse(p, &keys[i], value, base);
        return -ENOENT;
}

static int interface_other_key(struct conf_parser *p, const char *key, const char *value, void *base) {
        return other_key(p, interface_keys, ELEMENTSOF(interface_keys), key, value, base);
}

static int peer_other_key(struct conf_parser *p, const char *key, const char *value, void *base) {
        return other_key(p, peer_keys, ELEMENTSOF(peer_keys), key, value, base);
}

static int interface_start(struct conf_parser *p, void *base) {
        struct wgquick *q = base;

        if (!q->interface_origin.file)
                q->interface_origin = conf_origin(p);
        return 0;
}

static int peer_start(struct conf_parser *p, void *base) {
        struct wg_peer *peer = base;

        peer->origin = conf_origin(p);
        return 0;
}

static const struct conf_section wgq_sections[] = {
        { .name = "Interface", .keys = interface_keys, .n_keys = ELEMENTSOF(interface_keys),
          .start = interface_start, .other_key = interface_other_key },
        { .name = "Peer", .repeatable = true, .size = sizeof(struct wg_peer), .offset = WQ(dev.peers),
          .offset_n = WQ(dev.n_peers), .keys = peer_keys, .n_keys = ELEMENTSOF(peer_keys),
          .start = peer_start, .other_key = peer_other_key },
};

/* The checks that need the whole file. */
static void wgq_verify(struct conf_parser *p, struct wgquick *q) {
        if (!q->interface_origin.file) {
                p->line = 0;
                (void) conf_syntax(p, "No [Interface] section (it holds the tunnel's PrivateKey and Address).");
        } else if (!q->dev.has_private_key) {
                p->line = q->interface_origin.line;
                (void) conf_syntax(p, "[Interface] without PrivateKey.");
        }
        for (size_t i = 0; i < q->dev.n_peers; i++) {
                const struct wg_peer *peer = &q->dev.peers[i];

                p->line = peer->origin.line;
                if (!peer->has_public_key) {
                        (void) conf_syntax(p, "[Peer] without PublicKey.");
                        continue;
                }
                for (size_t j = 0; j < i; j++)
                        if (q->dev.peers[j].has_public_key &&
                            memcmp(q->dev.peers[j].public_key, peer->public_key, WG_KEY_SIZE) == 0) {
                                (void) conf_syntax(p, "[Peer] with the same PublicKey as the [Peer] at line %u.",
                                                   q->dev.peers[j].origin.line);
                                break;
                        }
        }
}

int wgquick_parse_text(struct wgquick *q, const char *path, const char *text, size_t size) {
        struct conf_parser p = { .sections = wgq_sections, .n_sections = ELEMENTSOF(wgq_sections), .object = q };
        int r;

        if (!q->file) {
                q->file = strdup(path ?: "(input)");
                if (!q->file)
                        return -ENOMEM;
        }
        p.file = q->file;
        r = conf_parse_text(&p, text, size);
        if (r == -ENOMEM)
                return r;
        wgq_verify(&p, q);
        return p.failed ? -EINVAL : 0;
}

int wgquick_load(const char *path, struct wgquick *q) {
        _cleanup_close_ int fd = -1;
        char *text = NULL;
        size_t size = 0;
        int r;

        fd = wg_secret_file_open(path);
        if (fd < 0)
                return fd;
        r = read_full_fd(fd, WGQUICK_FILE_MAX, &text, &size);
        if (r == -EFBIG)
                return log_syntax(path, 0, "File is larger than 1 MiB, refusing it.");
        if (r < 0)
                return log_error_errno(r, "%s: cannot read: %m", path);
        r = wgquick_parse_text(q, path, text, size);
        explicit_bzero(text, size);
        free(text);
        if (r == -ENOMEM)
                return log_oom();
        return r;
}

int wgquick_dns_count(const char *path) {
        struct wgquick q = {};
        int r;

        r = wgquick_load(path, &q);
        if (r >= 0)
                r = q.n_dns > INT_MAX ? INT_MAX : (int) q.n_dns;
        wgquick_done(&q);
        return r;
}
