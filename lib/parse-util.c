/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* parse-util.c - parsers of single values: booleans, numbers, addresses, prefixes, port forwards */

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>

#include "conf.h"
#include "parse-util.h"

/**
 * str_endswith() - does @s end with @suffix
 * @s: a string
 * @suffix: what it may end with
 * Return: true if it does.
 */
bool str_endswith(const char *s, const char *suffix) {
        size_t a = strlen(s), b = strlen(suffix);

        return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/* Strict unsigned decimal: digits only, no sign, no space, no overflow. */
static int parse_u32(const char *s, uint32_t *ret) {
        uint64_t v = 0;

        if (!s || !*s)
                return -EINVAL;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return -EINVAL;
                v = v * 10 + (uint64_t) (*s - '0');
                if (v > UINT32_MAX)
                        return -ERANGE;
        }
        *ret = (uint32_t) v;
        return 0;
}


int parse_range(const char *s, uint32_t min, uint32_t max, uint32_t *ret) {
        uint32_t v;
        int r = parse_u32(s, &v);

        if (r < 0)
                return r;
        if (v < min || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

/**
 * parse_boolean() - a boolean as systemd spells it
 * @s: "1", "yes", "y", "true", "t", "on" or "0", "no", "n", "false", "f", "off" (any case)
 * Return: 1, 0, or -EINVAL.
 */
int parse_boolean(const char *s) {
        static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
        static const char *const no[] = { "0", "no", "n", "false", "f", "off" };

        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (strcasecmp(s, yes[i]) == 0)
                        return 1;
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                if (strcasecmp(s, no[i]) == 0)
                        return 0;
        return -EINVAL;
}

/**
 * parse_addr() - an IPv4 or IPv6 address, without prefix length
 * @s: the address as inet_pton() reads it
 * @ret: family and address
 * Return: 0 or -EINVAL.
 */
int parse_addr(const char *s, struct netns_addr *ret) {
        struct netns_addr a = {};

        if (!s)
                return -EINVAL;
        if (inet_pton(AF_INET, s, &a.addr.in) == 1)
                a.family = AF_INET;
        else if (inet_pton(AF_INET6, s, &a.addr.in6) == 1)
                a.family = AF_INET6;
        else
                return -EINVAL;
        *ret = a;
        return 0;
}

/**
 * parse_prefix() - ADDRESS[/PREFIXLEN]
 * @s: e.g. "192.0.2.1/24", "2001:db8::1/64", "192.0.2.1" (= /32)
 * @ret: the prefix; origin is cleared
 *
 * Host bits may be set (it is an interface address, not a route). Without a prefix
 * length the prefix is the host prefix, /32 or /128.
 * Return: 0 or -EINVAL.
 */
int parse_prefix(const char *s, struct netns_prefix *ret) {
        char buf[INET6_ADDRSTRLEN + 8];
        struct netns_addr a;
        const char *slash;
        uint32_t len;
        size_t n;

        if (!s)
                return -EINVAL;
        slash = strchr(s, '/');
        n = slash ? (size_t) (slash - s) : strlen(s);
        if (n == 0 || n >= INET6_ADDRSTRLEN)
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = 0;
        if (parse_addr(buf, &a) < 0)
                return -EINVAL;
        if (slash) {
                if (parse_range(slash + 1, 0, a.family == AF_INET ? 32 : 128, &len) < 0)
                        return -EINVAL;
        } else
                len = a.family == AF_INET ? 32 : 128;
        *ret = (struct netns_prefix) { .family = a.family, .addr = a.addr, .prefixlen = (uint8_t) len };
        return 0;
}

/**
 * parse_masquerade() - a Masquerade= value
 * @s: "no", "ipv4", "ipv6", "both", or a boolean ("yes" = both)
 * Return: enum netns_masquerade or -EINVAL.
 */
int parse_masquerade(const char *s) {
        int b;

        if (!s)
                return -EINVAL;
        if (strcasecmp(s, "ipv4") == 0)
                return NETNS_MASQ_IPV4;
        if (strcasecmp(s, "ipv6") == 0)
                return NETNS_MASQ_IPV6;
        if (strcasecmp(s, "both") == 0)
                return NETNS_MASQ_BOTH;
        b = parse_boolean(s);
        if (b < 0)
                return -EINVAL;
        return b ? NETNS_MASQ_BOTH : NETNS_MASQ_NO;
}

/* PORT[-END] into @ret_start/@ret_end; @ret_end == @ret_start without a range. */
static int parse_port_range(const char *s, size_t n, uint16_t *ret_start, uint16_t *ret_end, const char **reason) {
        char buf[16];
        const char *dash;
        uint32_t a, b;

        if (n == 0 || n >= sizeof(buf)) {
                *reason = n == 0 ? "empty port" : "invalid port";
                return -EINVAL;
        }
        memcpy(buf, s, n);
        buf[n] = 0;
        dash = strchr(buf, '-');
        if (dash)
                buf[dash - buf] = 0;
        if (parse_range(buf, 1, 65535, &a) < 0) {
                *reason = "ports are numbers 1...65535";
                return -EINVAL;
        }
        b = a;
        if (dash) {
                if (parse_range(dash + 1, 1, 65535, &b) < 0) {
                        *reason = "ports are numbers 1...65535";
                        return -EINVAL;
                }
                if (b < a) {
                        *reason = "the end of a port range must not be below its start";
                        return -EINVAL;
                }
        }
        *ret_start = (uint16_t) a;
        *ret_end = (uint16_t) b;
        return 0;
}

/* "tcp:", "udp:", "sctp:" (any case) at the start of *@s: its protocol, *@s moved past it;
 * none: @def */
static uint8_t parse_proto_prefix(const char **s, uint8_t def) {
        static const struct { const char *prefix; uint8_t proto; } protos[] = {
                { "tcp:", IPPROTO_TCP }, { "udp:", IPPROTO_UDP }, { "sctp:", IPPROTO_SCTP },
        };

        for (size_t i = 0; i < ELEMENTSOF(protos); i++)
                if (strncasecmp(*s, protos[i].prefix, strlen(protos[i].prefix)) == 0) {
                        *s += strlen(protos[i].prefix);
                        return protos[i].proto;
                }
        return def;
}

int parse_inbound_spec(const char *s, struct netns_inbound *ret, const char **reason) {
        struct netns_inbound a = {};

        *reason = "expected [PROTO:]PORT[-END], PROTO tcp (the default), udp or sctp";
        if (!s || !*s)
                return -EINVAL;
        a.protocol = parse_proto_prefix(&s, IPPROTO_TCP);
        if (strchr(s, ':'))
                return -EINVAL;
        if (parse_port_range(s, strlen(s), &a.port, &a.port_end, reason) < 0)
                return -EINVAL;
        *ret = a;
        return 0;
}

int parse_port_spec_reason(const char *s, struct netns_port *ret, const char **reason) {
        struct netns_port p = { .protocol = IPPROTO_TCP, .host_family = AF_UNSPEC };
        const char *parts[3], *colon;
        size_t lens[3], n = 0;
        uint16_t ns_end;

        *reason = "expected [PROTO:][HOSTADDR:]HOSTPORT[-END][:NSPORT]";
        if (!s || !*s)
                return -EINVAL;

        /* the table matches "meta l4proto . th dport": the kernel's NAT does SCTP too */
        p.protocol = parse_proto_prefix(&s, IPPROTO_TCP);

        if (*s == '[') {
                /* [IPv6]:HOSTPORT... */
                const char *end = strchr(s, ']');
                char buf[INET6_ADDRSTRLEN];
                size_t l;

                if (!end || end[1] != ':') {
                        *reason = "expected [IPV6ADDRESS]:HOSTPORT";
                        return -EINVAL;
                }
                l = (size_t) (end - s - 1);
                if (l == 0 || l >= sizeof(buf) ||
                    (memcpy(buf, s + 1, l), buf[l] = 0, inet_pton(AF_INET6, buf, &p.host_addr.in6) != 1)) {
                        *reason = "invalid IPv6 address in brackets";
                        return -EINVAL;
                }
                p.host_family = AF_INET6;
                s = end + 2;
        }

        /* the rest: 1 to 3 fields separated by ':' */
        for (const char *q = s;; q = colon + 1) {
                if (n == ELEMENTSOF(parts)) {
                        *reason = strchr(s, '.') || p.host_family == AF_INET6 ?
                                  "too many fields; expected [PROTO:][HOSTADDR:]HOSTPORT[-END][:NSPORT]" :
                                  "too many fields (IPv6 host addresses go in brackets: [2001:db8::1]:443)";
                        return -EINVAL;
                }
                colon = strchr(q, ':');
                parts[n] = q;
                lens[n] = colon ? (size_t) (colon - q) : strlen(q);
                n++;
                if (!colon)
                        break;
        }

        if (p.host_family == AF_UNSPEC && n >= 2) {
                /* is the first field an IPv4 address? A port never contains '.' */
                char buf[INET_ADDRSTRLEN];

                if (memchr(parts[0], '.', lens[0])) {
                        if (lens[0] >= sizeof(buf) ||
                            (memcpy(buf, parts[0], lens[0]), buf[lens[0]] = 0,
                             inet_pton(AF_INET, buf, &p.host_addr.in) != 1)) {
                                *reason = "invalid IPv4 host address";
                                return -EINVAL;
                        }
                        p.host_family = AF_INET;
                } else if (n == 3) {
                        *reason = "unknown protocol or invalid host address (protocols: tcp, udp, sctp)";
                        return -EINVAL;
                }
                if (p.host_family == AF_INET) {
                        for (size_t i = 1; i < n; i++) {
                                parts[i - 1] = parts[i];
                                lens[i - 1] = lens[i];
                        }
                        n--;
                }
        } else if (p.host_family == AF_INET6 && n > 2) {
                *reason = "too many fields; expected [IPV6ADDRESS]:HOSTPORT[-END][:NSPORT]";
                return -EINVAL;
        }

        if (parse_port_range(parts[0], lens[0], &p.host_port, &p.host_port_end, reason) < 0)
                return -EINVAL;
        p.ns_port = p.host_port;
        if (n >= 2) {
                if (parse_port_range(parts[1], lens[1], &p.ns_port, &ns_end, reason) < 0)
                        return -EINVAL;
                if (ns_end != p.ns_port && ns_end - p.ns_port != p.host_port_end - p.host_port) {
                        *reason = "a range inside must be as long as the host port range";
                        return -EINVAL;
                }
                if ((uint32_t) p.ns_port + (p.host_port_end - p.host_port) > 65535) {
                        *reason = "the port range inside would end above 65535";
                        return -EINVAL;
                }
        }
        *ret = p;
        return 0;
}

/**
 * parse_port_spec() - a Port= value
 * @s: [PROTO:][HOSTADDR:]HOSTPORT[-END][:NSPORT[-END]], PROTO tcp (default), udp or sctp,
 *     an IPv6 HOSTADDR in brackets
 * @ret: the forward; origin is cleared
 * Return: 0 or -EINVAL.
 */
int parse_port_spec(const char *s, struct netns_port *ret) {
        const char *reason;

        return parse_port_spec_reason(s, ret, &reason);
}

bool domain_is_valid(const char *s) {
        size_t n = strlen(s), label = 0;

        if (n > 0 && s[n - 1] == '.')
                n--; /* a trailing dot: fully qualified */
        if (n == 0 || n > 253)
                return false;
        for (size_t i = 0; i < n; i++) {
                char ch = s[i];

                if (ch == '.') {
                        if (label == 0)
                                return false;
                        label = 0;
                        continue;
                }
                if (!(isascii((unsigned char) ch) && (isalnum((unsigned char) ch) || ch == '-' || ch == '_')))
                        return false;
                if (++label > 63)
                        return false;
        }
        return label > 0;
}

