/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf.c - parser for /etc/netns/NAME.conf and its drop-ins (netns.conf(5)), systemd INI syntax */

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#include "conf.h"
#include "log.h"
#include "name.h"
#include "util.h"

#define CONF_FILE_MAX (1024 * 1024)
#define WHITESPACE " \t\n\r\f\v"
#define COMMENTS "#;"

/* ------------------------------------------------------------------------------------------
 * Directories
 */

static const char *env_dir(const char *var, const char *def) {
        const char *e = secure_getenv(var);

        return e && e[0] ? e : def;
}

/**
 * netns_conf_dir() - the configuration directory
 * Return: $NETNSCTL_CONF_DIR if set and not empty, else NETNS_CONF_DIR.
 */
const char *netns_conf_dir(void) {
        return env_dir("NETNSCTL_CONF_DIR", NETNS_CONF_DIR);
}

/**
 * netns_run_dir() - where namespaces are pinned (the iproute2 directory)
 * Return: $NETNS_RUN_DIR if set and not empty, else NETNS_RUN_DIR.
 */
const char *netns_run_dir(void) {
        return env_dir("NETNS_RUN_DIR", NETNS_RUN_DIR);
}

/**
 * netnsctl_run_dir() - netnsctl's runtime state directory
 * Return: $NETNSCTL_RUN_DIR if set and not empty, else NETNSCTL_RUN_DIR.
 */
const char *netnsctl_run_dir(void) {
        return env_dir("NETNSCTL_RUN_DIR", NETNSCTL_RUN_DIR);
}

/* ------------------------------------------------------------------------------------------
 * Small value parsers
 */

static bool str_endswith(const char *s, const char *suffix) {
        size_t a = strlen(s), b = strlen(suffix);

        return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

static bool is_ws(char ch) {
        return ch && strchr(WHITESPACE, ch);
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

static int parse_range(const char *s, uint32_t min, uint32_t max, uint32_t *ret) {
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

static int port_spec_parse(const char *s, struct netns_port *ret, const char **reason) {
        struct netns_port p = { .protocol = IPPROTO_TCP, .host_family = AF_UNSPEC };
        const char *parts[3], *colon;
        size_t lens[3], n = 0;
        uint16_t ns_end;

        *reason = "expected [PROTO:][HOSTADDR:]HOSTPORT[-END][:NSPORT]";
        if (!s || !*s)
                return -EINVAL;

        if (strncasecmp(s, "tcp:", 4) == 0)
                s += 4;
        else if (strncasecmp(s, "udp:", 4) == 0) {
                p.protocol = IPPROTO_UDP;
                s += 4;
        }

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
                        *reason = "unknown protocol or invalid host address (protocols: tcp, udp)";
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
 * @s: [PROTO:][HOSTADDR:]HOSTPORT[-END][:NSPORT[-END]], PROTO tcp (default) or udp,
 *     an IPv6 HOSTADDR in brackets
 * @ret: the forward; origin is cleared
 * Return: 0 or -EINVAL.
 */
int parse_port_spec(const char *s, struct netns_port *ret) {
        const char *reason;

        return port_spec_parse(s, ret, &reason);
}

static bool domain_is_valid(const char *s) {
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

/* ------------------------------------------------------------------------------------------
 * Config object
 */

static void link_done(struct netns_link *l) {
        free(l->parent);
        free(l->name);
        free(l->addresses);
        free(l->gateways);
}

/**
 * netns_config_free() - free @c and everything it owns
 * @c: config or NULL
 */
void netns_config_free(struct netns_config *c) {
        if (!c)
                return;
        free(c->name);
        strv_free(c->files);
        for (size_t i = 0; i < c->n_sysctls; i++) {
                free(c->sysctls[i].key);
                free(c->sysctls[i].value);
        }
        free(c->sysctls);
        free(c->dns);
        strv_free(c->domains);
        strv_free(c->units);
        free(c->veth.host_name);
        free(c->veth.peer_name);
        free(c->veth.addresses);
        free(c->veth.peer_addresses);
        free(c->ports);
        for (size_t i = 0; i < c->n_links; i++)
                link_done(&c->links[i]);
        free(c->links);
        free(c);
}

static void veth_pool_default(struct netns_veth *v) {
        (void) parse_prefix(NETNS_AUTO_POOL_DEFAULT, &v->pool);
}

struct netns_config *netns_config_new(const char *name) {
        struct netns_config *c = calloc(1, sizeof(*c));

        if (!c)
                return NULL;
        if (name) {
                c->name = strdup(name);
                if (!c->name) {
                        free(c);
                        return NULL;
                }
        }
        c->boot = true;
        c->veth.default_route = true;
        veth_pool_default(&c->veth);
        c->masquerade = NETNS_MASQ_NO;
        return c;
}

/* ------------------------------------------------------------------------------------------
 * The parser
 */

enum section {
        SECTION_NONE,
        SECTION_IGNORED, /* unknown (reported once) or X-...: its keys are skipped */
        SECTION_NAMESPACE,
        SECTION_VETH,
        SECTION_NAT,
        SECTION_LINK,
};

static const char *const section_names[] = {
        [SECTION_NAMESPACE] = "Namespace",
        [SECTION_VETH] = "Veth",
        [SECTION_NAT] = "NAT",
        [SECTION_LINK] = "Link",
};

/* Capacity slots of the arrays the parser grows: doubling keeps appends linear. A slot is
 * SIZE_MAX ("unknown": the array may be exactly full) at the start of each file. */
enum {
        CAP_SYSCTLS,
        CAP_DNS,
        CAP_DOMAINS,
        CAP_UNITS,
        CAP_VETH_ADDR,
        CAP_VETH_PEER,
        CAP_PORTS,
        CAP_LINKS,
        CAP_LINK_ADDR,
        CAP_LINK_GW,
        _CAP_MAX,
};

static const char *const link_kinds[_NETNS_LINK_KIND_MAX] = {
        [NETNS_LINK_PHYSICAL] = "physical",
        [NETNS_LINK_MACVLAN] = "macvlan",
        [NETNS_LINK_IPVLAN] = "ipvlan",
        [NETNS_LINK_VLAN] = "vlan",
};
static const char *const macvlan_modes[] = {
        [NETNS_MACVLAN_PRIVATE] = "private",
        [NETNS_MACVLAN_VEPA] = "vepa",
        [NETNS_MACVLAN_BRIDGE] = "bridge",
        [NETNS_MACVLAN_PASSTHRU] = "passthru",
        [NETNS_MACVLAN_SOURCE] = "source",
};
static const char *const ipvlan_modes[] = {
        [NETNS_IPVLAN_L2] = "l2",
        [NETNS_IPVLAN_L3] = "l3",
        [NETNS_IPVLAN_L3S] = "l3s",
};
/* While its section is open, a [Link]'s Mode= is kept as one of these codes, because Type=
 * may come after it; the section's end turns it into the enum of its Type. */
#define MODE_IPVLAN_FLAG 0x100

struct parse_state {
        struct netns_config *c;
        const char *file; /* owned by c->files */
        unsigned line;
        enum section section;
        bool failed;
        size_t cap[_CAP_MAX];
        size_t n_domains, n_units; /* SIZE_MAX = not counted yet */
        /* the open [Link] section: always the last of c->links */
        unsigned link_mode_line, link_vlan_line;
};

struct conf_item;
typedef int (*conf_parser_t)(struct parse_state *s, const struct conf_item *it, const char *value, void *base);

struct conf_item {
        enum section section;
        const char *key;
        conf_parser_t parse;
        size_t offset;   /* of the field in struct netns_config, or for [Link] in struct netns_link */
        size_t offset_n; /* of its element count, for arrays */
        int ltype;       /* parser specific: a CAP_ slot, a flag */
};

#define FIELD(base, it, type) ((type *) ((char *) (base) + (it)->offset))
#define FIELD_N(base, it) ((size_t *) ((char *) (base) + (it)->offset_n))

/* Make room for @need elements in *@array, growing geometrically. */
static int reserve(void **array, size_t *cap, size_t need, size_t elem) {
        size_t ncap;
        void *p;

        if (*cap != SIZE_MAX && need <= *cap)
                return 0;
        ncap = need < 8 ? 8 : need;
        if (ncap > SIZE_MAX / 2 / elem)
                return -ENOMEM;
        ncap *= 2;
        p = realloc(*array, ncap * elem);
        if (!p)
                return -ENOMEM;
        *array = p;
        *cap = ncap;
        return 0;
}

/* Append a zeroed element to *@array of *@n elements. NULL on OOM. */
static void *append(struct parse_state *s, int slot, void **array, size_t *n, size_t elem) {
        void *p;

        if (reserve(array, &s->cap[slot], *n + 1, elem) < 0)
                return NULL;
        p = (char *) *array + *n * elem;
        memset(p, 0, elem);
        (*n)++;
        return p;
}
#define APPEND(s, slot, array, n) ((__typeof__(*(array)) *) append((s), (slot), (void **) &(array), &(n), sizeof(*(array))))

/* Append @str (taken, freed on failure) to the NULL-terminated list *@l of *@n entries. */
static int strv_append_fast(struct parse_state *s, int slot, char ***l, size_t *n, char *str) {
        if (!str)
                return -ENOMEM;
        if (*n == SIZE_MAX)
                *n = strv_length(*l);
        if (reserve((void **) l, &s->cap[slot], *n + 2, sizeof(char *)) < 0) {
                free(str);
                return -ENOMEM;
        }
        (*l)[(*n)++] = str;
        (*l)[*n] = NULL;
        return 0;
}

_printf_(2, 3) static int syntax(struct parse_state *s, const char *fmt, ...) {
        char msg[1024];
        va_list ap;

        va_start(ap, fmt);
        (void) vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        s->failed = true;
        return log_syntax(s->file, s->line, "%s", msg);
}

static struct conf_origin origin(struct parse_state *s) {
        return (struct conf_origin) { .file = s->file, .line = s->line };
}

/* Split @value at whitespace and call @fn on each word. Stops at -ENOMEM only: a bad word is
 * reported by @fn and the others are still taken. */
static int foreach_word(struct parse_state *s, const struct conf_item *it, const char *value, void *base,
                        int (*fn)(struct parse_state *s, const struct conf_item *it, const char *word, void *base)) {
        const char *p = value;
        int ret = 0;

        for (;;) {
                _cleanup_free_ char *w = NULL;
                size_t n;
                int r;

                while (is_ws(*p))
                        p++;
                if (!*p)
                        break;
                n = strcspn(p, WHITESPACE);
                w = strndup(p, n);
                if (!w)
                        return -ENOMEM;
                p += n;
                r = fn(s, it, w, base);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
        }
        return ret;
}

static int config_parse_bool(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        bool *b = FIELD(base, it, bool);
        int r;

        if (!*value) {
                *b = it->ltype; /* the default */
                return 0;
        }
        r = parse_boolean(value);
        if (r < 0)
                return syntax(s, "%s=%s: not a boolean (yes/no, true/false, on/off, 1/0).", it->key, value);
        *b = r;
        return 0;
}

/* HostName=, PeerName=, Parent=, Name=: ltype 1 = a host-side name */
static int config_parse_ifname(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        char **p = FIELD(base, it, char *);
        char *n;

        if (!*value) {
                free(*p);
                *p = NULL;
                return 0;
        }
        if (!ifname_is_valid(value))
                return syntax(s, "%s=%s: not a valid interface name (1-15 printable characters, no spaces, '/', ':' or '%%').",
                              it->key, value);
        if (it->ltype && (startswith(value, "ve-") || startswith(value, "vb-")))
                return syntax(s, "%s=%s: names starting with \"ve-\" or \"vb-\" belong to systemd-networkd.",
                              it->key, value);
        n = strdup(value);
        if (!n)
                return -ENOMEM;
        free(*p);
        *p = n;
        return 0;
}

static int config_parse_mtu(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        uint32_t *p = FIELD(base, it, uint32_t), v;

        if (!*value) {
                *p = 0;
                return 0;
        }
        if (parse_range(value, 68, 65535, &v) < 0)
                return syntax(s, "%s=%s: an MTU is a number 68...65535.", it->key, value);
        *p = v;
        return 0;
}

static int config_parse_vlan_id(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        uint16_t *p = FIELD(base, it, uint16_t);
        uint32_t v;

        s->link_vlan_line = s->line;
        if (!*value) {
                *p = 0;
                return 0;
        }
        if (parse_range(value, 1, 4094, &v) < 0)
                return syntax(s, "%s=%s: a VLAN id is a number 1...4094.", it->key, value);
        *p = (uint16_t) v;
        return 0;
}

static int config_parse_masquerade(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        int *p = FIELD(base, it, int), r;

        if (!*value) {
                *p = NETNS_MASQ_NO;
                return 0;
        }
        r = parse_masquerade(value);
        if (r < 0)
                return syntax(s, "%s=%s: expected no, ipv4, ipv6, both or yes.", it->key, value);
        *p = r;
        return 0;
}

static int config_parse_link_kind(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        enum netns_link_kind *p = FIELD(base, it, enum netns_link_kind);

        if (!*value) {
                *p = _NETNS_LINK_KIND_MAX; /* unset: the [Link] check reports it */
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(link_kinds); i++)
                if (streq(value, link_kinds[i])) {
                        *p = (enum netns_link_kind) i;
                        return 0;
                }
        return syntax(s, "%s=%s: expected physical, macvlan, ipvlan or vlan.", it->key, value);
}

static int config_parse_link_mode(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        int *p = FIELD(base, it, int);

        s->link_mode_line = s->line;
        if (!*value) {
                *p = -1;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(macvlan_modes); i++)
                if (streq(value, macvlan_modes[i])) {
                        *p = (int) i;
                        return 0;
                }
        for (size_t i = 0; i < ELEMENTSOF(ipvlan_modes); i++)
                if (streq(value, ipvlan_modes[i])) {
                        *p = (int) i | MODE_IPVLAN_FLAG;
                        return 0;
                }
        *p = -1;
        return syntax(s, "%s=%s: expected private, vepa, bridge, passthru or source (macvlan), l2, l3 or l3s (ipvlan).",
                      it->key, value);
}

/* Address=, PeerAddress= of [Veth] (ltype: the CAP_ slot, which also tells the auto flag),
 * Address= of [Link] (no auto). */
static bool *auto_flag(struct parse_state *s, const struct conf_item *it) {
        if (it->ltype == CAP_VETH_ADDR)
                return &s->c->veth.address_auto;
        if (it->ltype == CAP_VETH_PEER)
                return &s->c->veth.peer_address_auto;
        return NULL;
}

static int prefix_word(struct parse_state *s, const struct conf_item *it, const char *word, void *base) {
        struct netns_prefix **arr = FIELD(base, it, struct netns_prefix *), *p, v;
        bool *a = auto_flag(s, it);

        if (streq(word, "auto")) {
                if (!a)
                        return syntax(s, "%s=auto: automatic addresses exist only for the veth ([Veth] section).",
                                      it->key);
                *a = true;
                return 0;
        }
        if (parse_prefix(word, &v) < 0)
                return syntax(s, "%s=%s: expected ADDRESS[/PREFIXLENGTH]%s (IPv4 prefix 0...32, IPv6 0...128).",
                              it->key, word, a ? " or auto" : "");
        p = APPEND(s, it->ltype, *arr, *FIELD_N(base, it));
        if (!p)
                return -ENOMEM;
        *p = v;
        p->origin = origin(s);
        return 0;
}

static int config_parse_prefixes(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        if (auto_flag(s, it))
                s->c->veth.addresses_set = true;
        if (!*value) {
                struct netns_prefix **arr = FIELD(base, it, struct netns_prefix *);
                bool *a = auto_flag(s, it);

                free(*arr);
                *arr = NULL;
                *FIELD_N(base, it) = 0;
                s->cap[it->ltype] = 0;
                if (a)
                        *a = false;
                return 0;
        }
        return foreach_word(s, it, value, base, prefix_word);
}

static int addr_word(struct parse_state *s, const struct conf_item *it, const char *word, void *base) {
        struct netns_addr **arr = FIELD(base, it, struct netns_addr *), *p, v;

        if (parse_addr(word, &v) < 0)
                return syntax(s, "%s=%s: not an IPv4 or IPv6 address.", it->key, word);
        p = APPEND(s, it->ltype, *arr, *FIELD_N(base, it));
        if (!p)
                return -ENOMEM;
        *p = v;
        return 0;
}

static int config_parse_addrs(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        if (!*value) {
                struct netns_addr **arr = FIELD(base, it, struct netns_addr *);

                free(*arr);
                *arr = NULL;
                *FIELD_N(base, it) = 0;
                s->cap[it->ltype] = 0;
                return 0;
        }
        return foreach_word(s, it, value, base, addr_word);
}

static size_t *strv_count(struct parse_state *s, const struct conf_item *it) {
        return it->ltype == CAP_UNITS ? &s->n_units : &s->n_domains;
}

static int strv_reset(struct parse_state *s, const struct conf_item *it, void *base) {
        char ***l = FIELD(base, it, char **);

        strv_free(*l);
        *l = NULL;
        *strv_count(s, it) = 0;
        s->cap[it->ltype] = 0;
        return 0;
}

static int domain_word(struct parse_state *s, const struct conf_item *it, const char *word, void *base) {
        if (!domain_is_valid(word))
                return syntax(s, "%s=%s: not a valid domain name.", it->key, word);
        return strv_append_fast(s, it->ltype, FIELD(base, it, char **), strv_count(s, it), strdup(word));
}

static int config_parse_domains(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        if (!*value)
                return strv_reset(s, it, base);
        return foreach_word(s, it, value, base, domain_word);
}

static int unit_word(struct parse_state *s, const struct conf_item *it, const char *word, void *base) {
        _cleanup_free_ char *u = NULL;
        const char *at, *dot;

        /* like systemctl: a name that is no unit name gets ".service" */
        u = unit_name_is_valid(word) ? strdup(word) : strdup_printf("%s.service", word);
        if (!u)
                return -ENOMEM;
        if (!unit_name_is_valid(u))
                return syntax(s, "%s=%s: not a valid unit name.", it->key, word);
        at = strchr(u, '@');
        dot = strrchr(u, '.');
        if (at && at + 1 == dot)
                return syntax(s, "%s=%s: a template cannot run, name an instance (\"foo@bar.service\").", it->key, u);
        if (startswith(u, "netns@"))
                return syntax(s, "%s=%s: the namespace services themselves cannot run inside a namespace.", it->key, u);
        if (!str_endswith(u, ".service") && !str_endswith(u, ".socket") && !str_endswith(u, ".mount") && !str_endswith(u, ".swap"))
                return syntax(s, "%s=%s: only units that run processes (.service, .socket, .mount, .swap) can be put into a namespace.",
                              it->key, u);
        return strv_append_fast(s, it->ltype, FIELD(base, it, char **), strv_count(s, it), TAKE_PTR(u));
}

static int config_parse_units(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        if (!*value)
                return strv_reset(s, it, base);
        return foreach_word(s, it, value, base, unit_word);
}

static int config_parse_sysctl(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        struct netns_sysctl **arr = FIELD(base, it, struct netns_sysctl *), *e;
        _cleanup_free_ char *key = NULL, *val = NULL;
        const char *eq, *k, *ke, *v;
        bool slash_form;
        size_t n;

        if (!*value) {
                for (size_t i = 0; i < *FIELD_N(base, it); i++) {
                        free((*arr)[i].key);
                        free((*arr)[i].value);
                }
                free(*arr);
                *arr = NULL;
                *FIELD_N(base, it) = 0;
                s->cap[it->ltype] = 0;
                return 0;
        }

        eq = strchr(value, '=');
        if (!eq)
                return syntax(s, "%s=%s: expected KEY=VALUE, e.g. net.ipv4.conf.all.rp_filter=2.", it->key, value);
        for (k = value; is_ws(*k); k++)
                ;
        for (ke = eq; ke > k && is_ws(ke[-1]); ke--)
                ;
        for (v = eq + 1; is_ws(*v); v++)
                ;
        n = (size_t) (ke - k);
        if (n == 0)
                return syntax(s, "%s=%s: the sysctl name is empty.", it->key, value);
        if (!*v)
                return syntax(s, "%s=%s: the sysctl needs a value.", it->key, value);
        key = strndup(k, n);
        val = strdup(v);
        if (!key || !val)
                return -ENOMEM;
        for (const char *p = val; *p; p++)
                if ((unsigned char) *p < ' ' && *p != '\t')
                        return syntax(s, "%s=%s: control characters in the value.", it->key, key);

        /* sysctl.d(5) normalisation: with '/' as first separator, '.' may occur inside a
         * component (an interface "eth0.100"); swap '.' and '/' so '.' separates. */
        slash_form = key[strcspn(key, "./")] == '/';
        if (slash_form)
                for (char *p = key; *p; p++)
                        *p = *p == '/' ? '.' : *p == '.' ? '/' : *p;
        /* each component, as a path component under /proc/sys, must be a plain name */
        for (const char *p = key;;) {
                size_t l = strcspn(p, ".");

                if (l == 0 || (l == 1 && p[0] == '/') || (l == 2 && p[0] == '/' && p[1] == '/'))
                        return syntax(s, "%s=%s: invalid sysctl name (empty, \".\" or \"..\" component).", it->key, value);
                for (size_t i = 0; i < l; i++)
                        if ((unsigned char) p[i] <= ' ' || (unsigned char) p[i] >= 127 || strchr("*?[]", p[i]))
                                return syntax(s, "%s=%s: invalid character in the sysctl name.", it->key, value);
                p += l;
                if (!*p)
                        break;
                p++;
        }
        if (!startswith(key, "net.") || strlen(key) <= STRLEN("net."))
                return syntax(s, "%s=%s: only net.* sysctls belong to a network namespace.", it->key, value);

        e = APPEND(s, it->ltype, *arr, *FIELD_N(base, it));
        if (!e)
                return -ENOMEM;
        e->key = TAKE_PTR(key);
        e->value = TAKE_PTR(val);
        e->origin = origin(s);
        return 0;
}

static int port_word(struct parse_state *s, const struct conf_item *it, const char *word, void *base) {
        struct netns_port **arr = FIELD(base, it, struct netns_port *), *p, v;
        const char *reason;

        if (port_spec_parse(word, &v, &reason) < 0)
                return syntax(s, "%s=%s: %s.", it->key, word, reason);
        p = APPEND(s, it->ltype, *arr, *FIELD_N(base, it));
        if (!p)
                return -ENOMEM;
        *p = v;
        p->origin = origin(s);
        return 0;
}

static int config_parse_ports(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        if (!*value) {
                struct netns_port **arr = FIELD(base, it, struct netns_port *);

                free(*arr);
                *arr = NULL;
                *FIELD_N(base, it) = 0;
                s->cap[it->ltype] = 0;
                return 0;
        }
        return foreach_word(s, it, value, base, port_word);
}

static int config_parse_pool(struct parse_state *s, const struct conf_item *it, const char *value, void *base) {
        struct netns_prefix *p = FIELD(base, it, struct netns_prefix), v;
        uint32_t a, mask;

        if (!*value) {
                veth_pool_default(&s->c->veth);
                return 0;
        }
        if (parse_prefix(value, &v) < 0 || v.family != AF_INET || !strchr(value, '/'))
                return syntax(s, "%s=%s: expected an IPv4 prefix ADDRESS/LENGTH, e.g. 10.250.0.0/16.", it->key, value);
        if (v.prefixlen < 8 || v.prefixlen > 24)
                return syntax(s, "%s=%s: the prefix length must be 8...24.", it->key, value);
        a = ntohl(v.addr.in.s_addr);
        mask = ~UINT32_C(0) << (32 - v.prefixlen);
        if (a & ~mask)
                return syntax(s, "%s=%s: host bits are set; the network is %u.%u.%u.%u/%u.", it->key, value,
                              (a & mask) >> 24, ((a & mask) >> 16) & 0xff, ((a & mask) >> 8) & 0xff, (a & mask) & 0xff,
                              v.prefixlen);
        v.origin = origin(s);
        *p = v;
        return 0;
}

#define NS(f) offsetof(struct netns_config, f)
#define LK(f) offsetof(struct netns_link, f)

static const struct conf_item items[] = {
        { SECTION_NAMESPACE, "Boot",         config_parse_bool,       NS(boot),                 0,                          true },
        { SECTION_NAMESPACE, "Sysctl",       config_parse_sysctl,     NS(sysctls),              NS(n_sysctls),              CAP_SYSCTLS },
        { SECTION_NAMESPACE, "DNS",          config_parse_addrs,      NS(dns),                  NS(n_dns),                  CAP_DNS },
        { SECTION_NAMESPACE, "Domains",      config_parse_domains,    NS(domains),              0,                          CAP_DOMAINS },
        { SECTION_NAMESPACE, "Units",        config_parse_units,      NS(units),                0,                          CAP_UNITS },

        { SECTION_VETH,      "HostName",     config_parse_ifname,     NS(veth.host_name),       0,                          1 },
        { SECTION_VETH,      "PeerName",     config_parse_ifname,     NS(veth.peer_name),       0,                          0 },
        { SECTION_VETH,      "Address",      config_parse_prefixes,   NS(veth.addresses),       NS(veth.n_addresses),       CAP_VETH_ADDR },
        { SECTION_VETH,      "PeerAddress",  config_parse_prefixes,   NS(veth.peer_addresses),  NS(veth.n_peer_addresses),  CAP_VETH_PEER },
        { SECTION_VETH,      "DefaultRoute", config_parse_bool,       NS(veth.default_route),   0,                          true },
        { SECTION_VETH,      "MTU",          config_parse_mtu,        NS(veth.mtu),             0,                          0 },
        { SECTION_VETH,      "AddressPool",  config_parse_pool,       NS(veth.pool),            0,                          0 },

        { SECTION_NAT,       "Masquerade",   config_parse_masquerade, NS(masquerade),           0,                          0 },
        { SECTION_NAT,       "Port",         config_parse_ports,      NS(ports),                NS(n_ports),                CAP_PORTS },

        { SECTION_LINK,      "Type",         config_parse_link_kind,  LK(kind),                 0,                          0 },
        { SECTION_LINK,      "Parent",       config_parse_ifname,     LK(parent),               0,                          0 },
        { SECTION_LINK,      "Name",         config_parse_ifname,     LK(name),                 0,                          0 },
        { SECTION_LINK,      "Mode",         config_parse_link_mode,  LK(mode),                 0,                          0 },
        { SECTION_LINK,      "VLANId",       config_parse_vlan_id,    LK(vlan_id),              0,                          0 },
        { SECTION_LINK,      "MTU",          config_parse_mtu,        LK(mtu),                  0,                          0 },
        { SECTION_LINK,      "MTUBytes",     config_parse_mtu,        LK(mtu),                  0,                          0 },
        { SECTION_LINK,      "Address",      config_parse_prefixes,   LK(addresses),            LK(n_addresses),            CAP_LINK_ADDR },
        { SECTION_LINK,      "Gateway",      config_parse_addrs,      LK(gateways),             LK(n_gateways),             CAP_LINK_GW },
};

static const char *mode_name(int code) {
        if (code & MODE_IPVLAN_FLAG)
                return ipvlan_modes[code & 0xff];
        return macvlan_modes[code];
}

/* The end of a [Link] section: checks that need the whole section (Type= may come last). */
static void link_section_end(struct parse_state *s) {
        struct netns_link *l = &s->c->links[s->c->n_links - 1];
        unsigned saved = s->line;

        if (l->mode >= 0) {
                bool ipvlan = l->mode & MODE_IPVLAN_FLAG;

                s->line = s->link_mode_line;
                if (l->kind == NETNS_LINK_IPVLAN && ipvlan)
                        l->mode &= ~MODE_IPVLAN_FLAG;
                else if (!(l->kind == NETNS_LINK_MACVLAN && !ipvlan)) {
                        if (l->kind < _NETNS_LINK_KIND_MAX)
                                (void) syntax(s, "Mode=%s is not a mode of Type=%s%s.", mode_name(l->mode),
                                              link_kinds[l->kind],
                                              l->kind == NETNS_LINK_MACVLAN || l->kind == NETNS_LINK_IPVLAN ? "" :
                                              " (Mode= is for macvlan and ipvlan)");
                        l->mode = -1;
                }
        }
        if (l->vlan_id && l->kind < _NETNS_LINK_KIND_MAX && l->kind != NETNS_LINK_VLAN) {
                s->line = s->link_vlan_line;
                (void) syntax(s, "VLANId= is only valid for Type=vlan.");
        }
        s->line = saved;
}

static void section_end(struct parse_state *s) {
        if (s->section == SECTION_LINK)
                link_section_end(s);
        s->section = SECTION_NONE;
}

static int section_start(struct parse_state *s, const char *name) {
        struct netns_config *c = s->c;
        enum section sec = SECTION_NONE;

        section_end(s);
        for (size_t i = 0; i < ELEMENTSOF(section_names); i++)
                if (section_names[i] && streq(name, section_names[i]))
                        sec = (enum section) i;
        if (sec == SECTION_NONE) {
                s->section = SECTION_IGNORED;
                if (startswith(name, "X-"))
                        return 0;
                return syntax(s, "Unknown section [%s] (sections: [Namespace], [Veth], [NAT], [Link]).", name);
        }
        switch (sec) {
        case SECTION_VETH:
                if (!c->has_veth)
                        c->veth.origin = origin(s);
                c->has_veth = true;
                break;
        case SECTION_NAT:
                if (!c->nat_origin.file)
                        c->nat_origin = origin(s);
                break;
        case SECTION_LINK: {
                struct netns_link *l = APPEND(s, CAP_LINKS, c->links, c->n_links);

                if (!l)
                        return -ENOMEM;
                l->kind = _NETNS_LINK_KIND_MAX; /* unset until Type= */
                l->mode = -1;
                l->origin = origin(s);
                s->cap[CAP_LINK_ADDR] = s->cap[CAP_LINK_GW] = 0;
                s->link_mode_line = s->link_vlan_line = s->line;
                break;
        }
        default:
                break;
        }
        s->section = sec;
        return 0;
}

static int assignment(struct parse_state *s, const char *key, const char *value) {
        for (size_t i = 0; i < ELEMENTSOF(items); i++) {
                const struct conf_item *it = &items[i];
                void *base;

                if (it->section != s->section || !streq(it->key, key))
                        continue;
                base = s->section == SECTION_LINK ? (void *) &s->c->links[s->c->n_links - 1] : (void *) s->c;
                return it->parse(s, it, value, base);
        }
        return syntax(s, "Unknown key %s= in section [%s].", key, section_names[s->section]);
}

/* One logical line, with continuations joined; modified in place. */
static int parse_line(struct parse_state *s, char *l) {
        char *e, *key, *value;
        size_t n;

        l += strspn(l, WHITESPACE);
        n = strlen(l);
        while (n > 0 && is_ws(l[n - 1]))
                l[--n] = 0;
        if (n == 0)
                return 0;

        if (l[0] == '[') {
                if (l[n - 1] != ']' || n == 2)
                        return syntax(s, "Invalid section header '%s'.", l);
                l[n - 1] = 0;
                return section_start(s, l + 1);
        }

        e = strchr(l, '=');
        if (!e)
                return syntax(s, "Missing '=' in '%s'.", l);
        *e = 0;
        key = l;
        value = e + 1;
        for (n = strlen(key); n > 0 && is_ws(key[n - 1]); n--)
                key[n - 1] = 0;
        value += strspn(value, WHITESPACE);
        if (!*key)
                return syntax(s, "Missing key name before '='.");

        if (s->section == SECTION_IGNORED || startswith(key, "X-"))
                return 0;
        if (s->section == SECTION_NONE)
                return syntax(s, "Assignment %s= outside of any section.", key);
        return assignment(s, key, value);
}

int netns_config_parse_text(struct netns_config *c, const char *path, const char *text, size_t size) {
        struct parse_state s = { .c = c, .section = SECTION_NONE };
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, alloc = 0, pos = 0;
        unsigned phys = 0, start = 0;
        bool nul = false;
        int r;

        if (!path)
                path = "(input)";
        r = strv_extend(&c->files, path);
        if (r < 0)
                return r;
        s.file = c->files[strv_length(c->files) - 1];
        for (size_t i = 0; i < _CAP_MAX; i++)
                s.cap[i] = SIZE_MAX;
        s.n_domains = s.n_units = SIZE_MAX;

        if (size >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
                pos = 3; /* UTF-8 byte order mark */

        while (pos < size) {
                const char *p = text + pos, *nl = memchr(p, '\n', size - pos);
                size_t l = nl ? (size_t) (nl - p) : size - pos, skip, bs = 0;

                pos += l + (nl ? 1 : 0);
                phys++;
                if (l > 0 && p[l - 1] == '\r')
                        l--;

                /* comment lines are skipped even inside a continuation, as systemd does */
                skip = 0;
                while (skip < l && is_ws(p[skip]))
                        skip++;
                if (skip < l && strchr(COMMENTS, p[skip]))
                        continue;

                if (len == 0)
                        start = phys;
                if (memchr(p, 0, l))
                        nul = true;
                if (alloc - len < l + 1) {
                        size_t na = (len + l + 1) * 2;
                        char *b = realloc(buf, na);

                        if (!b)
                                return -ENOMEM;
                        buf = b;
                        alloc = na;
                }
                memcpy(buf + len, p, l);
                len += l;
                buf[len] = 0;

                /* an odd number of trailing backslashes continues the line */
                while (bs < l && p[l - 1 - bs] == '\\')
                        bs++;
                if (bs % 2 == 1) {
                        buf[len - 1] = ' ';
                        if (pos < size)
                                continue;
                }

                s.line = start;
                if (nul)
                        (void) syntax(&s, "Line contains a NUL byte.");
                else {
                        r = parse_line(&s, buf);
                        if (r == -ENOMEM)
                                return r;
                }
                len = 0;
                nul = false;
        }
        if (len > 0) { /* only possible if the input ended inside a continuation with a comment */
                s.line = start;
                r = nul ? syntax(&s, "Line contains a NUL byte.") : parse_line(&s, buf);
                if (r == -ENOMEM)
                        return r;
        }
        s.line = phys;
        section_end(&s);

        return s.failed ? -EINVAL : 0;
}

/* ------------------------------------------------------------------------------------------
 * Checks across keys and files
 */

struct ifname_use {
        const char *name;
        const char *what;
        struct conf_origin origin;
        size_t order;
};

static int ifname_use_cmp(const void *a, const void *b) {
        const struct ifname_use *x = a, *y = b;
        int r = strcmp(x->name, y->name);

        if (r != 0)
                return r;
        return x->order < y->order ? -1 : x->order > y->order;
}

static int verify_fail(bool *failed, struct conf_origin o, const char *fmt, ...) _printf_(3, 4);
static int verify_fail(bool *failed, struct conf_origin o, const char *fmt, ...) {
        char msg[1024];
        va_list ap;

        va_start(ap, fmt);
        (void) vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        *failed = true;
        return log_syntax(o.file ?: "(config)", o.line, "%s", msg);
}

/* Sort-based duplicate search over the names inside the namespace: n log n, not n². */
static int verify_ifnames(struct netns_config *c, bool *failed) {
        _cleanup_free_ struct ifname_use *u = NULL;
        size_t n = 0;

        u = calloc(c->n_links * 2 + 2, sizeof(*u));
        if (!u)
                return -ENOMEM;
        if (c->has_veth) {
                u[n] = (struct ifname_use) { c->veth.peer_name ?: NETNS_PEER_NAME_DEFAULT, "PeerName=",
                                             c->veth.origin, n };
                n++;
        }
        for (size_t i = 0; i < c->n_links; i++) {
                const struct netns_link *l = &c->links[i];
                const char *name = l->name ?: l->kind == NETNS_LINK_PHYSICAL ? l->parent : NULL;

                if (name) {
                        u[n] = (struct ifname_use) { name, "[Link] Name=", l->origin, n };
                        n++;
                }
        }
        for (size_t i = 0; i < n; i++)
                if (streq(u[i].name, "lo"))
                        (void) verify_fail(failed, u[i].origin, "%s%s: \"lo\" is the namespace's loopback device.",
                                           u[i].what, u[i].name);
        qsort(u, n, sizeof(*u), ifname_use_cmp);
        for (size_t i = 1; i < n; i++)
                if (streq(u[i].name, u[i - 1].name) && !streq(u[i].name, "lo"))
                        (void) verify_fail(failed, u[i].origin,
                                           "Interface name \"%s\" inside the namespace is already used by %s at %s:%u.",
                                           u[i].name, u[i - 1].what, u[i - 1].origin.file ?: "?", u[i - 1].origin.line);

        /* a host link can be moved in only once */
        n = 0;
        for (size_t i = 0; i < c->n_links; i++)
                if (c->links[i].kind == NETNS_LINK_PHYSICAL && c->links[i].parent) {
                        u[n] = (struct ifname_use) { c->links[i].parent, "[Link]", c->links[i].origin, n };
                        n++;
                }
        qsort(u, n, sizeof(*u), ifname_use_cmp);
        for (size_t i = 1; i < n; i++)
                if (streq(u[i].name, u[i - 1].name))
                        (void) verify_fail(failed, u[i].origin,
                                           "Host link \"%s\" is already moved into the namespace by the [Link] at %s:%u.",
                                           u[i].name, u[i - 1].origin.file ?: "?", u[i - 1].origin.line);
        return 0;
}

static int unit_index_cmp(const void *a, const void *b, void *userdata) {
        char **units = userdata;
        size_t x = *(const size_t *) a, y = *(const size_t *) b;
        int r = strcmp(units[x], units[y]);

        if (r != 0)
                return r;
        return x < y ? -1 : x > y;
}

/* Units= listed twice: keep the first. The generator writes one drop-in per unit. */
static int units_dedup(struct netns_config *c) {
        _cleanup_free_ size_t *idx = NULL;
        size_t n = strv_length(c->units), j = 0;

        if (n < 2)
                return 0;
        idx = calloc(n, sizeof(*idx));
        if (!idx)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                idx[i] = i;
        qsort_r(idx, n, sizeof(*idx), unit_index_cmp, c->units);
        /* sorted by name, then position: the first of each run of equal names is kept */
        for (size_t i = 1, keep = idx[0]; i < n; i++)
                if (streq(c->units[idx[i]], c->units[keep])) {
                        free(c->units[idx[i]]);
                        c->units[idx[i]] = NULL;
                } else
                        keep = idx[i];
        for (size_t i = 0; i < n; i++)
                if (c->units[i])
                        c->units[j++] = c->units[i];
        c->units[j] = NULL;
        return 0;
}

static bool prefixes_have_family(const struct netns_prefix *p, size_t n, int family) {
        for (size_t i = 0; i < n; i++)
                if (p[i].family == family)
                        return true;
        return false;
}

static bool addr_is_link_local6(const struct netns_addr *a) {
        return a->family == AF_INET6 && a->addr.bytes[0] == 0xfe && (a->addr.bytes[1] & 0xc0) == 0x80;
}

int netns_config_verify(struct netns_config *c) {
        struct conf_origin route_owner[2] = {}; /* who adds the default route, IPv4 / IPv6 */
        const char *route_what[2] = {};
        bool failed = false;
        int r;

        for (size_t i = 0; i < c->n_links; i++) {
                struct netns_link *l = &c->links[i];

                if (l->kind >= _NETNS_LINK_KIND_MAX)
                        (void) verify_fail(&failed, l->origin, "[Link] without Type= (physical, macvlan, ipvlan or vlan).");
                if (!l->parent)
                        (void) verify_fail(&failed, l->origin,
                                           "[Link] without Parent= (the host link to move in, or to put the %s on).",
                                           l->kind < _NETNS_LINK_KIND_MAX && l->kind != NETNS_LINK_PHYSICAL ?
                                           link_kinds[l->kind] : "device");
                if (l->kind == NETNS_LINK_VLAN && l->vlan_id == 0)
                        (void) verify_fail(&failed, l->origin, "[Link] with Type=vlan needs VLANId=.");
        }

        /* a [Veth] that names no address at all gets automatic ones on both ends */
        if (c->has_veth && !c->veth.addresses_set)
                c->veth.address_auto = c->veth.peer_address_auto = true;

        r = verify_ifnames(c, &failed);
        if (r < 0)
                return r;

        /* Gateway= needs an address of its family on the same link (IPv6 link-local gateways
         * are reachable through the automatic fe80::/64); one default route per family. */
        if (c->has_veth && c->veth.default_route) {
                for (int f = 0; f < 2; f++)
                        if (c->veth.address_auto ||
                            prefixes_have_family(c->veth.addresses, c->veth.n_addresses, f ? AF_INET6 : AF_INET)) {
                                route_owner[f] = c->veth.origin;
                                route_what[f] = "the veth (DefaultRoute=yes in [Veth])";
                        }
        }
        for (size_t i = 0; i < c->n_links; i++) {
                struct netns_link *l = &c->links[i];
                bool seen[2] = {};

                for (size_t j = 0; j < l->n_gateways; j++) {
                        const struct netns_addr *g = &l->gateways[j];
                        int f = g->family == AF_INET6;
                        char buf[INET6_ADDRSTRLEN];

                        (void) inet_ntop(g->family, &g->addr, buf, sizeof(buf));
                        if (!addr_is_link_local6(g) && !prefixes_have_family(l->addresses, l->n_addresses, g->family))
                                (void) verify_fail(&failed, l->origin, "Gateway=%s needs an IPv%c Address= on the same [Link].",
                                                   buf, f ? '6' : '4');
                        if (seen[f])
                                continue;
                        seen[f] = true;
                        if (route_what[f])
                                (void) verify_fail(&failed, l->origin,
                                                   "Gateway=%s: an IPv%c default route is already set by %s at %s:%u.",
                                                   buf, f ? '6' : '4', route_what[f], route_owner[f].file ?: "?",
                                                   route_owner[f].line);
                        else {
                                route_owner[f] = l->origin;
                                route_what[f] = "the Gateway= of the [Link]";
                        }
                }
        }

        /* [NAT]: everything goes through the veth */
        if (c->masquerade != NETNS_MASQ_NO && !c->has_veth)
                (void) verify_fail(&failed, c->nat_origin, "Masquerade= needs a [Veth] section (traffic is masqueraded as it leaves through the veth).");
        for (size_t i = 0; i < c->n_ports; i++) {
                const struct netns_port *p = &c->ports[i];
                int f = p->host_family;

                if (!c->has_veth)
                        (void) verify_fail(&failed, p->origin, "Port= needs a [Veth] section (ports are forwarded to the veth peer address).");
                else if (!c->veth.peer_address_auto &&
                         (f == AF_UNSPEC ? c->veth.n_peer_addresses == 0 :
                          !prefixes_have_family(c->veth.peer_addresses, c->veth.n_peer_addresses, f)))
                        (void) verify_fail(&failed, p->origin, "Port= needs a%s PeerAddress= in [Veth] to forward to.",
                                           f == AF_INET ? "n IPv4" : f == AF_INET6 ? "n IPv6" : "");
        }

        r = units_dedup(c);
        if (r < 0)
                return r;
        return failed ? -EINVAL : 0;
}

/* ------------------------------------------------------------------------------------------
 * StrictModes: netnsctl runs as root on what these files say, so whoever can write them, or
 * rename a directory above them, can make root do it. Refuse them, as sshd does.
 */

static bool owner_is_trusted(uid_t uid) {
        /* root, or whoever runs us (a user checking own files trusts them, as sshd trusts the
         * user's own ~/.ssh); as root that is root only */
        return uid == 0 || uid == geteuid();
}

/* Why @st may not be trusted, or NULL. @ancestor: a directory above the checked path, which
 * may be a root-owned sticky directory such as /tmp. */
static const char *unsafe_reason(const struct stat *st, bool ancestor, char *buf, size_t size) {
        if (!owner_is_trusted(st->st_uid)) {
                (void) snprintf(buf, size, "owned by uid %u, not root", (unsigned) st->st_uid);
                return buf;
        }
        if ((st->st_mode & 0022) == 0)
                return NULL;
        if (ancestor && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) && st->st_uid == 0)
                return NULL;
        (void) snprintf(buf, size, "writable by %s (mode %04o)",
                        (st->st_mode & 0022) == 0022 ? "group and others" :
                        (st->st_mode & 0020) ? "group" : "others",
                        (unsigned) (st->st_mode & 07777));
        return buf;
}

/*
 * Check @path and every directory above it. @shown is what the message names first (the
 * config file a directory is checked for). @path itself gets no sticky-bit exemption.
 */
static int check_safe(const char *shown, const char *path) {
        _cleanup_free_ char *real = NULL;
        const char *why;
        char buf[128];
        struct stat st;
        char *slash;

        /* resolve first, as sshd does: a symlink is as safe as where it leads (the directory
         * the link is in is checked by the caller: the loader checks the config dir) */
        real = realpath(path, NULL);
        if (!real)
                return -errno;
        if (stat(real, &st) < 0)
                return -errno;
        why = unsafe_reason(&st, false, buf, sizeof(buf));
        if (why) {
                if (!streq(shown, path))
                        (void) log_syntax(shown, 0, "directory %s is %s; refusing it: what netnsctl reads as root must be owned by root and writable only by root.",
                                          real, why);
                else if (!streq(path, real))
                        (void) log_syntax(shown, 0, "%s is %s; refusing it: what netnsctl reads as root must be owned by root and writable only by root.",
                                          real, why);
                else
                        (void) log_syntax(shown, 0, "%s; refusing it: what netnsctl reads as root must be owned by root and writable only by root.",
                                          why);
                return -EPERM;
        }

        /* every directory above, up to "/": whoever may write one can swap what is below */
        while ((slash = strrchr(real, '/'))) {
                bool root = slash == real;

                if (root)
                        slash[1] = 0;
                else
                        *slash = 0;
                if (stat(real, &st) < 0)
                        return -errno;
                why = unsafe_reason(&st, true, buf, sizeof(buf));
                if (why) {
                        (void) log_syntax(shown, 0, "directory %s is %s; refusing it: whoever can write there can replace it.",
                                          real, why);
                        return -EPERM;
                }
                if (root)
                        break;
        }
        return 0;
}

int netns_path_is_safe(const char *path) {
        return check_safe(path, path);
}

/* CONFDIR/NAME/, the files shown over /etc: 1 safe, 0 none, -EPERM unsafe (reported). */
static int etc_dir_check(const char *dir, const char *name) {
        _cleanup_free_ char *path = NULL;
        struct stat st;
        int r;

        if (!*name || strchr(name, '/') || streq(name, ".") || streq(name, ".."))
                return -EINVAL;
        path = strdup_printf("%s/%s", dir, name);
        if (!path)
                return -ENOMEM;
        if (stat(path, &st) < 0)
                return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
        if (!S_ISDIR(st.st_mode))
                return 0;
        r = check_safe(path, path);
        if (r == -ENOENT)
                return 0; /* removed meanwhile */
        return r < 0 ? r : 1;
}

int netns_etc_dir_check(const char *name) {
        return etc_dir_check(netns_conf_dir(), name);
}

/* ------------------------------------------------------------------------------------------
 * Loading from disk
 */

static int parse_file(struct netns_config *c, const char *path, bool *failed) {
        _cleanup_free_ char *text = NULL;
        struct stat st;
        size_t size;
        int r;

        /* a FIFO or a device would block or never end: the generator must not hang at boot */
        if (stat(path, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode)) {
                *failed = true;
                (void) log_syntax(path, 0, "Not a regular file, refusing it.");
                return 0;
        }
        r = check_safe(path, path);
        if (r == -EPERM) {
                *failed = true; /* reported; not even parsed */
                return 0;
        }
        if (r < 0)
                return r;
        r = read_full_file(path, CONF_FILE_MAX, &text, &size);
        if (r == -EFBIG) {
                *failed = true;
                (void) log_syntax(path, 0, "File is larger than 1 MiB, refusing it.");
                return 0;
        }
        if (r < 0)
                return r;
        r = netns_config_parse_text(c, path, text, size);
        if (r == -EINVAL) {
                *failed = true;
                return 0;
        }
        return r;
}

static int dropin_list(const char *dir, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0, cap = SIZE_MAX;
        DIR *d;
        struct dirent *de;
        int r = 0;

        *ret = NULL;
        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((errno = 0, de = readdir(d))) {
                _cleanup_free_ char *p = NULL;
                struct stat st;

                if (de->d_name[0] == '.' || !str_endswith(de->d_name, ".conf"))
                        continue;
                p = strdup_printf("%s/%s", dir, de->d_name);
                if (!p) {
                        r = -ENOMEM;
                        break;
                }
                /* like systemd: only regular files; a symlink to /dev/null masks */
                if (stat(p, &st) < 0 || !S_ISREG(st.st_mode))
                        continue;
                if (reserve((void **) &l, &cap, n + 2, sizeof(char *)) < 0) {
                        r = -ENOMEM;
                        break;
                }
                l[n++] = TAKE_PTR(p);
                l[n] = NULL;
        }
        if (r == 0 && errno != 0)
                r = -errno;
        closedir(d);
        if (r < 0)
                return r;
        strv_sort(l);
        *ret = TAKE_PTR(l);
        return 0;
}

static int load(const char *dir, const char *name, const char *shown, struct netns_config **ret) {
        _cleanup_config_ struct netns_config *c = NULL;
        _cleanup_free_ char *path = NULL, *ddir = NULL;
        _cleanup_strv_free_ char **dropins = NULL;
        bool failed = false;
        int r;

        *ret = NULL;
        if (!netns_name_is_valid(name))
                return log_syntax(shown, 0, "Invalid namespace name \"%s\": 1-%d characters of A-Z a-z 0-9 _ . -, "
                                  "not starting with '.' or '-'.", name, NETNS_NAME_MAX);
        path = strdup_printf("%s/%s.conf", dir, name);
        ddir = strdup_printf("%s/%s.conf.d", dir, name);
        c = netns_config_new(name);
        if (!path || !ddir || !c)
                return log_oom();

        /* StrictModes: the directories first; nothing is read from an unsafe one */
        r = check_safe(path, dir);
        if (r == -EPERM)
                return -EINVAL;
        if (r == -ENOENT) {
                log_debug("%s: no such directory.", dir);
                return -ENOENT;
        }
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "%s: failed to check %s: %m", path, dir);
        r = check_safe(ddir, ddir);
        if (r == -EPERM)
                return -EINVAL;
        if (r < 0 && r != -ENOENT && r != -ENOTDIR)
                return r == -ENOMEM ? log_oom() : log_error_errno(r, "%s: failed to check: %m", ddir);
        r = etc_dir_check(dir, name);
        if (r == -EPERM)
                return -EINVAL;
        if (r < 0)
                return r == -ENOMEM ? log_oom() : log_error_errno(r, "%s/%s: failed to check: %m", dir, name);

        r = parse_file(c, path, &failed);
        if (r == -ENOENT) {
                log_debug("%s: no such file.", path);
                return -ENOENT;
        }
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "%s: failed to read: %m", path);

        r = dropin_list(ddir, &dropins);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "%s: failed to list drop-ins: %m", ddir);
        STRV_FOREACH(f, dropins) {
                r = parse_file(c, *f, &failed);
                if (r == -ENOMEM)
                        return log_oom();
                if (r < 0)
                        return log_error_errno(r, "%s: failed to read: %m", *f);
        }
        if (failed)
                return -EINVAL;

        r = netns_config_verify(c);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

int netns_config_load(const char *dir, const char *name, struct netns_config **ret) {
        _cleanup_free_ char *shown = NULL;

        if (!dir)
                dir = netns_conf_dir();
        shown = strdup_printf("%s/%s.conf", dir, strempty(name));
        if (!shown)
                return log_oom();
        return load(dir, strempty(name), shown, ret);
}

int netns_config_load_path(const char *path, struct netns_config **ret) {
        _cleanup_free_ char *dir = NULL, *name = NULL;
        const char *slash, *base;

        *ret = NULL;
        if (!str_endswith(path, ".conf"))
                return log_syntax(path, 0, "A namespace configuration file name ends in \".conf\".");
        slash = strrchr(path, '/');
        base = slash ? slash + 1 : path;
        dir = slash ? strndup(path, slash == path ? 1 : (size_t) (slash - path)) : strdup(".");
        name = strndup(base, strlen(base) - STRLEN(".conf"));
        if (!dir || !name)
                return log_oom();
        return load(dir, name, path, ret);
}
