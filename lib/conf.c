/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf.c - the model of /etc/netns/NAME.conf and its drop-ins (netns.conf(5)): sections, keys, loading */

#include <arpa/inet.h>
#include <dirent.h>
#include <linux/rtnetlink.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

#include "addr.h"
#include "conf.h"
#include "log.h"
#include "name.h"
#include "util.h"
#include "wgquick.h"

static bool is_dangling_symlink(const char *path) {
        struct stat st;

        return lstat(path, &st) >= 0 && S_ISLNK(st.st_mode) && stat(path, &st) < 0 && errno == ENOENT;
}

/* The target of symlink @path; 0 or -errno */
static int readlink_malloc(const char *path, char **ret) {
        char buf[PATH_MAX];
        ssize_t n = readlink(path, buf, sizeof(buf) - 1);

        if (n < 0)
                return -errno;
        buf[n] = 0;
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

#define CONF_FILE_MAX (1024 * 1024)

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
 * Config object
 */

static void sections_free(struct netns_config *c);

/**
 * netns_config_free() - free @c and everything it owns
 * @c: config or NULL
 */
void netns_config_free(struct netns_config *c) {
        if (!c)
                return;
        free(c->name);
        strv_free(c->files);
        free(c->source);
        sections_free(c);
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
 * Key parsers: each gets the open section's struct as @base, the field at @k->offset
 */

static int config_parse_bool(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        bool *b = CONF_FIELD(base, k, bool);
        int r;

        if (!*value) {
                *b = k->data; /* the default */
                return 0;
        }
        r = parse_boolean(value);
        if (r < 0)
                return conf_syntax(p, "%s=%s: not a boolean (yes/no, true/false, on/off, 1/0).", k->key, value);
        *b = r;
        return 0;
}

/* DefaultRoute=: a bool whose line is kept, so that an explicit yes beside a tunnel that owns
 * the default route can be refused there (netns_config_verify()) */
static int config_parse_default_route(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        struct netns_veth *v = base;
        int r;

        r = config_parse_bool(p, k, value, base);
        if (r < 0)
                return r;
        v->default_route_origin = *value ? conf_origin(p) : (struct conf_origin) {};
        return 0;
}

/* HostName=, Name=, Parent=: data 1 = a host-side name */
static int config_parse_ifname(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        char **f = CONF_FIELD(base, k, char *);
        char *n;

        if (!*value) {
                free(*f);
                *f = NULL;
                return 0;
        }
        if (!ifname_is_valid(value))
                return conf_syntax(p, "%s=%s: not a valid interface name (1-15 printable characters, no spaces, '/', ':' or '%%').",
                                   k->key, value);
        if (k->data && (startswith(value, "ve-") || startswith(value, "vb-")))
                return conf_syntax(p, "%s=%s: names starting with \"ve-\" or \"vb-\" belong to systemd-networkd.",
                                   k->key, value);
        n = strdup(value);
        if (!n)
                return -ENOMEM;
        free(*f);
        *f = n;
        return 0;
}

/* PeerNamespace=: a namespace name */
static int config_parse_ns_name(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        char **f = CONF_FIELD(base, k, char *);
        char *n;

        if (!*value) {
                free(*f);
                *f = NULL;
                return 0;
        }
        if (!netns_name_is_valid(value))
                return conf_syntax(p, "%s=%s: not a valid namespace name (1-%d characters of A-Z a-z 0-9 _ . -, not starting with '.' or '-').",
                                   k->key, value, NETNS_NAME_MAX);
        n = strdup(value);
        if (!n)
                return -ENOMEM;
        free(*f);
        *f = n;
        return 0;
}

static int config_parse_mtu(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        uint32_t *f = CONF_FIELD(base, k, uint32_t), v;

        if (!*value) {
                *f = 0;
                return 0;
        }
        if (parse_range(value, 68, 65535, &v) < 0)
                return conf_syntax(p, "%s=%s: an MTU is a number 68...65535.", k->key, value);
        *f = v;
        return 0;
}

static int config_parse_masquerade(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        int *f = CONF_FIELD(base, k, int), r;

        if (!*value) {
                *f = NETNS_MASQ_NO;
                return 0;
        }
        r = parse_masquerade(value);
        if (r < 0)
                return conf_syntax(p, "%s=%s: expected no, ipv4, ipv6, both or yes.", k->key, value);
        *f = r;
        return 0;
}

/* An array key's empty value: the array goes, and with it what its elements own. */
static void array_reset(const struct conf_key *k, void *base) {
        void **arr = CONF_FIELD(base, k, void *);
        size_t *n = CONF_FIELD_N(base, k);

        free(*arr);
        *arr = NULL;
        *n = 0;
}

/* An array key's value, a list of words each @fn parses and appends; empty resets the array. */
static int array_words(struct conf_parser *p, const struct conf_key *k, const char *value, void *base,
                       int (*fn)(struct conf_parser *p, const struct conf_key *k, const char *word, void *base)) {
        if (!*value) {
                array_reset(k, base);
                return 0;
        }
        return conf_foreach_word(p, k, value, base, fn);
}

/* PeerName=, PeerAddress=: the 0.1 spellings, when [Veth] Address= meant the host end. Refused
 * with what to write now, never guessed: the same word has the opposite meaning. */
static int config_parse_renamed(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        return conf_syntax(p, "%s= is the old spelling: [Veth] speaks from inside the namespace now, "
                           "Address= and Name= are the end inside, HostAddress= and HostName= the host end.", k->key);
}

/* Address= of [Link]; Address=, HostAddress= of [Veth], whose "auto" flag is at @k->data in
 * struct netns_veth (0: no "auto") */
static int prefix_word(struct conf_parser *p, const struct conf_key *k, const char *word, void *base) {
        struct netns_prefix **arr = CONF_FIELD(base, k, struct netns_prefix *), *e, v;
        bool *a = k->data ? (bool *) ((char *) base + k->data) : NULL;

        if (streq(word, "auto")) {
                if (!a)
                        return conf_syntax(p, "%s=auto: automatic addresses exist only for the veth ([Veth] section).",
                                           k->key);
                *a = true;
                return 0;
        }
        if (parse_prefix(word, &v) < 0)
                return conf_syntax(p, "%s=%s: expected ADDRESS[/PREFIXLENGTH]%s (IPv4 prefix 0...32, IPv6 0...128).",
                                   k->key, word, a ? " or auto" : "");
        e = GROW_APPEND(*arr, *CONF_FIELD_N(base, k));
        if (!e)
                return -ENOMEM;
        *e = v;
        e->origin = conf_origin(p);
        return 0;
}

static int config_parse_prefixes(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        if (k->data)
                ((struct netns_veth *) base)->addresses_set = true;
        if (!*value) {
                array_reset(k, base);
                if (k->data)
                        *(bool *) ((char *) base + k->data) = false;
                return 0;
        }
        return conf_foreach_word(p, k, value, base, prefix_word);
}

static int addr_word(struct conf_parser *p, const struct conf_key *k, const char *word, void *base) {
        struct netns_addr **arr = CONF_FIELD(base, k, struct netns_addr *), *e, v;

        if (parse_addr(word, &v) < 0)
                return conf_syntax(p, "%s=%s: not an IPv4 or IPv6 address.", k->key, word);
        e = GROW_APPEND(*arr, *CONF_FIELD_N(base, k));
        if (!e)
                return -ENOMEM;
        *e = v;
        return 0;
}

static int config_parse_addrs(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        return array_words(p, k, value, base, addr_word);
}

/* Append @str (taken, freed on failure) to the NULL-terminated list at @k of *@n entries. */
static int strv_append_counted(const struct conf_key *k, void *base, char *str) {
        char ***l = CONF_FIELD(base, k, char **);
        size_t *n = CONF_FIELD_N(base, k);

        if (!str)
                return -ENOMEM;
        if (array_grow((void **) l, *l ? *n + 1 : 0, *n + 2, sizeof(char *)) < 0) {
                free(str);
                return -ENOMEM;
        }
        (*l)[(*n)++] = str;
        (*l)[*n] = NULL;
        return 0;
}

static int strv_reset(const struct conf_key *k, void *base) {
        char ***l = CONF_FIELD(base, k, char **);

        strv_free(*l);
        *l = NULL;
        *CONF_FIELD_N(base, k) = 0;
        return 0;
}

static int domain_word(struct conf_parser *p, const struct conf_key *k, const char *word, void *base) {
        if (!domain_is_valid(word))
                return conf_syntax(p, "%s=%s: not a valid domain name.", k->key, word);
        return strv_append_counted(k, base, strdup(word));
}

static int config_parse_domains(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        if (!*value)
                return strv_reset(k, base);
        return conf_foreach_word(p, k, value, base, domain_word);
}

static int unit_word(struct conf_parser *p, const struct conf_key *k, const char *word, void *base) {
        _cleanup_free_ char *u = NULL;
        const char *at, *dot;

        /* like systemctl: a name that is no unit name gets ".service" */
        u = unit_name_is_valid(word) ? strdup(word) : strdup_printf("%s.service", word);
        if (!u)
                return -ENOMEM;
        if (!unit_name_is_valid(u))
                return conf_syntax(p, "%s=%s: not a valid unit name.", k->key, word);
        at = strchr(u, '@');
        dot = strrchr(u, '.');
        if (at && at + 1 == dot)
                return conf_syntax(p, "%s=%s: a template cannot run, name an instance (\"foo@bar.service\").", k->key, u);
        if (startswith(u, "netns@"))
                return conf_syntax(p, "%s=%s: the namespace services themselves cannot run inside a namespace.", k->key, u);
        if (!str_endswith(u, ".service") && !str_endswith(u, ".socket") && !str_endswith(u, ".mount") && !str_endswith(u, ".swap"))
                return conf_syntax(p, "%s=%s: only units that run processes (.service, .socket, .mount, .swap) can be put into a namespace.",
                                   k->key, u);
        return strv_append_counted(k, base, TAKE_PTR(u));
}

static int config_parse_units(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        if (!*value)
                return strv_reset(k, base);
        return conf_foreach_word(p, k, value, base, unit_word);
}

/* A user or group name as useradd(8) and systemd accept it, or a numeric ID: looked up when a
 * request comes (netnsctl-execd), so an account made later counts. */
static int exec_principal_word(struct conf_parser *p, const struct conf_key *k, const char *word, void *base) {
        size_t n = strlen(word);
        bool numeric = true;

        for (size_t i = 0; i < n; i++) {
                char ch = word[i];

                if (!(ch >= '0' && ch <= '9'))
                        numeric = false;
                if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                      ch == '_' || ch == '.' || (ch == '-' && i > 0) || (ch == '$' && i == n - 1 && i > 0)))
                        return conf_syntax(p, "%s=%s: not a valid user or group name or number.", k->key, word);
        }
        if (n == 0 || n > 32 || streq(word, ".") || streq(word, ".."))
                return conf_syntax(p, "%s=%s: not a valid user or group name or number.", k->key, word);
        if (numeric && (n > 10 || strtoull(word, NULL, 10) >= 4294967295ULL))
                return conf_syntax(p, "%s=%s: ID out of range.", k->key, word);
        return strv_append_counted(k, base, strdup(word));
}

static int config_parse_exec_principals(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        if (!*value)
                return strv_reset(k, base);
        return conf_foreach_word(p, k, value, base, exec_principal_word);
}

static int config_parse_sysctl(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        struct netns_sysctl **arr = CONF_FIELD(base, k, struct netns_sysctl *), *e;
        _cleanup_free_ char *key = NULL, *val = NULL;
        const char *eq, *ks, *ke, *v;
        bool slash_form;
        size_t n;

        if (!*value) {
                for (size_t i = 0; i < *CONF_FIELD_N(base, k); i++) {
                        free((*arr)[i].key);
                        free((*arr)[i].value);
                }
                array_reset(k, base);
                return 0;
        }

        eq = strchr(value, '=');
        if (!eq)
                return conf_syntax(p, "%s=%s: expected KEY=VALUE, e.g. net.ipv4.conf.all.rp_filter=2.", k->key, value);
        for (ks = value; is_ws(*ks); ks++)
                ;
        for (ke = eq; ke > ks && is_ws(ke[-1]); ke--)
                ;
        for (v = eq + 1; is_ws(*v); v++)
                ;
        n = (size_t) (ke - ks);
        if (n == 0)
                return conf_syntax(p, "%s=%s: the sysctl name is empty.", k->key, value);
        if (!*v)
                return conf_syntax(p, "%s=%s: the sysctl needs a value.", k->key, value);
        key = strndup(ks, n);
        val = strdup(v);
        if (!key || !val)
                return -ENOMEM;
        for (const char *c = val; *c; c++)
                if ((unsigned char) *c < ' ' && *c != '\t')
                        return conf_syntax(p, "%s=%s: control characters in the value.", k->key, key);

        /* sysctl.d(5) normalisation: with '/' as first separator, '.' may occur inside a
         * component (an interface "eth0.100"); swap '.' and '/' so '.' separates. */
        slash_form = key[strcspn(key, "./")] == '/';
        if (slash_form)
                for (char *c = key; *c; c++)
                        *c = *c == '/' ? '.' : *c == '.' ? '/' : *c;
        /* each component, as a path component under /proc/sys, must be a plain name */
        for (const char *c = key;;) {
                size_t l = strcspn(c, ".");

                if (l == 0 || (l == 1 && c[0] == '/') || (l == 2 && c[0] == '/' && c[1] == '/'))
                        return conf_syntax(p, "%s=%s: invalid sysctl name (empty, \".\" or \"..\" component).", k->key, value);
                for (size_t i = 0; i < l; i++)
                        if ((unsigned char) c[i] <= ' ' || (unsigned char) c[i] >= 127 || strchr("*?[]", c[i]))
                                return conf_syntax(p, "%s=%s: invalid character in the sysctl name.", k->key, value);
                c += l;
                if (!*c)
                        break;
                c++;
        }
        if (!startswith(key, "net.") || strlen(key) <= STRLEN("net."))
                return conf_syntax(p, "%s=%s: only net.* sysctls belong to a network namespace.", k->key, value);

        e = GROW_APPEND(*arr, *CONF_FIELD_N(base, k));
        if (!e)
                return -ENOMEM;
        e->key = TAKE_PTR(key);
        e->value = TAKE_PTR(val);
        e->origin = conf_origin(p);
        return 0;
}

static int port_word(struct conf_parser *p, const struct conf_key *k, const char *word, void *base) {
        struct netns_port **arr = CONF_FIELD(base, k, struct netns_port *), *e, v;
        const char *reason;

        if (parse_port_spec_reason(word, &v, &reason) < 0)
                return conf_syntax(p, "%s=%s: %s.", k->key, word, reason);
        e = GROW_APPEND(*arr, *CONF_FIELD_N(base, k));
        if (!e)
                return -ENOMEM;
        *e = v;
        e->origin = conf_origin(p);
        return 0;
}

static int config_parse_ports(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        return array_words(p, k, value, base, port_word);
}

static int config_parse_pool(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        struct netns_prefix *f = CONF_FIELD(base, k, struct netns_prefix), v;
        uint32_t a, mask;

        if (!*value) {
                veth_pool_default(base);
                return 0;
        }
        if (parse_prefix(value, &v) < 0 || v.family != AF_INET || !strchr(value, '/'))
                return conf_syntax(p, "%s=%s: expected an IPv4 prefix ADDRESS/LENGTH, e.g. 10.250.0.0/16.", k->key, value);
        if (v.prefixlen < 8 || v.prefixlen > 24)
                return conf_syntax(p, "%s=%s: the prefix length must be 8...24.", k->key, value);
        a = ntohl(v.addr.in.s_addr);
        mask = ~UINT32_C(0) << (32 - v.prefixlen);
        if (a & ~mask)
                return conf_syntax(p, "%s=%s: host bits are set; the network is %u.%u.%u.%u/%u.", k->key, value,
                                   (a & mask) >> 24, ((a & mask) >> 16) & 0xff, ((a & mask) >> 8) & 0xff, (a & mask) & 0xff,
                                   v.prefixlen);
        v.origin = conf_origin(p);
        *f = v;
        return 0;
}

/* ------------------------------------------------------------------------------------------
 * [Firewall]
 */

static const char *const inbound_policies[_NETNS_INBOUND_MAX] = {
        [NETNS_INBOUND_ACCEPT] = "accept",
        [NETNS_INBOUND_DROP] = "drop",
};

const char *netns_inbound_policy_to_string(enum netns_inbound_policy p) {
        return (unsigned) p < _NETNS_INBOUND_MAX ? inbound_policies[p] : NULL;
}

static int config_parse_inbound_policy(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        struct netns_config *c = base;
        enum netns_inbound_policy *f = CONF_FIELD(base, k, enum netns_inbound_policy);

        c->inbound_origin = conf_origin(p);
        if (!*value) {
                *f = NETNS_INBOUND_ACCEPT;
                return 0;
        }
        for (size_t i = 0; i < _NETNS_INBOUND_MAX; i++)
                if (streq(value, inbound_policies[i])) {
                        *f = (enum netns_inbound_policy) i;
                        return 0;
                }
        return conf_syntax(p, "%s=%s: expected accept or drop.", k->key, value);
}

static int inbound_word(struct conf_parser *p, const struct conf_key *k, const char *word, void *base) {
        struct netns_inbound **arr = CONF_FIELD(base, k, struct netns_inbound *), *e, v;
        const char *reason;

        if (parse_inbound_spec(word, &v, &reason) < 0)
                return conf_syntax(p, "%s=%s: %s.", k->key, word, reason);
        e = GROW_APPEND(*arr, *CONF_FIELD_N(base, k));
        if (!e)
                return -ENOMEM;
        *e = v;
        e->origin = conf_origin(p);
        return 0;
}

static int config_parse_inbound(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        return array_words(p, k, value, base, inbound_word);
}

static int firewall_section_start(struct conf_parser *p, void *base) {
        struct netns_config *c = p->object;

        if (!c->firewall_origin.file)
                c->firewall_origin = conf_origin(p);
        return 0;
}

static void firewall_done(void *base) {
        struct netns_config *c = base;

        free(c->allow_inbound);
}

/* ------------------------------------------------------------------------------------------
 * [Route], and [Veth] HostRoute=
 */

static const char *const route_types[_NETNS_ROUTE_TYPE_MAX] = {
        [NETNS_ROUTE_UNICAST] = "unicast",
        [NETNS_ROUTE_BLACKHOLE] = "blackhole",
        [NETNS_ROUTE_UNREACHABLE] = "unreachable",
        [NETNS_ROUTE_PROHIBIT] = "prohibit",
};

const char *netns_route_type_to_string(enum netns_route_type t) {
        return (unsigned) t < _NETNS_ROUTE_TYPE_MAX ? route_types[t] : NULL;
}

/* A route's destination is a network: host bits set are refused, naming the network (the
 * kernel refuses them too, but only at "up"). */
static int parse_network(struct conf_parser *p, const struct conf_key *k, const char *value, struct netns_prefix *ret) {
        char buf[ADDR_PREFIX_STRLEN];
        struct netns_prefix net;

        if (parse_prefix(value, ret) < 0)
                return conf_syntax(p, "%s=%s: expected ADDRESS/PREFIXLENGTH (IPv4 prefix 0...32, IPv6 0...128).", k->key, value);
        net = addr_prefix_network(ret);
        if (memcmp(&net.addr, &ret->addr, sizeof(net.addr)) != 0)
                return conf_syntax(p, "%s=%s: host bits are set; the network is %s.", k->key, value,
                                   addr_prefix_to_string(&net, buf));
        ret->origin = conf_origin(p);
        return 0;
}

static int config_parse_network(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        struct netns_prefix *f = CONF_FIELD(base, k, struct netns_prefix), v;

        if (!*value) {
                *f = (struct netns_prefix) {};
                return 0;
        }
        if (parse_network(p, k, value, &v) < 0)
                return -EINVAL;
        *f = v;
        return 0;
}

static int network_word(struct conf_parser *p, const struct conf_key *k, const char *word, void *base) {
        struct netns_prefix **arr = CONF_FIELD(base, k, struct netns_prefix *), *e, v;

        if (parse_network(p, k, word, &v) < 0)
                return -EINVAL;
        e = GROW_APPEND(*arr, *CONF_FIELD_N(base, k));
        if (!e)
                return -ENOMEM;
        *e = v;
        return 0;
}

static int config_parse_networks(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        return array_words(p, k, value, base, network_word);
}

static int config_parse_addr(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        struct netns_addr *f = CONF_FIELD(base, k, struct netns_addr), v;

        if (!*value) {
                *f = (struct netns_addr) {};
                return 0;
        }
        if (parse_addr(value, &v) < 0)
                return conf_syntax(p, "%s=%s: not an IPv4 or IPv6 address.", k->key, value);
        *f = v;
        return 0;
}

static int config_parse_u32(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        uint32_t *f = CONF_FIELD(base, k, uint32_t), v;

        if (!*value) {
                *f = 0;
                return 0;
        }
        if (parse_range(value, 0, UINT32_MAX, &v) < 0)
                return conf_syntax(p, "%s=%s: expected a number 0...4294967295.", k->key, value);
        *f = v;
        return 0;
}

/* Table=: a number, or a name of iproute2's rt_tables that every system has */
static int config_parse_route_table(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        static const struct { const char *name; uint32_t id; } names[] = {
                { "default", RT_TABLE_DEFAULT }, { "main", RT_TABLE_MAIN }, { "local", RT_TABLE_LOCAL },
        };
        uint32_t *f = CONF_FIELD(base, k, uint32_t), v;

        if (!*value) {
                *f = 0;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(value, names[i].name)) {
                        *f = names[i].id;
                        return 0;
                }
        if (parse_range(value, 1, UINT32_MAX, &v) < 0)
                return conf_syntax(p, "%s=%s: expected default, main, local or a number 1...4294967295.", k->key, value);
        *f = v;
        return 0;
}

static int config_parse_route_type(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        enum netns_route_type *f = CONF_FIELD(base, k, enum netns_route_type);

        if (!*value) {
                *f = NETNS_ROUTE_UNICAST;
                return 0;
        }
        for (size_t i = 0; i < _NETNS_ROUTE_TYPE_MAX; i++)
                if (streq(value, route_types[i])) {
                        *f = (enum netns_route_type) i;
                        return 0;
                }
        return conf_syntax(p, "%s=%s: expected unicast, blackhole, unreachable or prohibit.", k->key, value);
}

static int route_section_start(struct conf_parser *p, void *base) {
        struct netns_route *rt = base;

        rt->origin = conf_origin(p);
        return 0;
}

/* ------------------------------------------------------------------------------------------
 * [Link]: the common keys here, each kind's own in its row of the kind table (link-KIND.c)
 */

static int config_parse_link_kind(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        enum netns_link_kind *f = CONF_FIELD(base, k, enum netns_link_kind);
        enum netns_link_kind kind;
        char names[256];

        if (!*value) {
                *f = _NETNS_LINK_KIND_MAX; /* unset: the [Link] check reports it */
                return 0;
        }
        kind = link_kind_from_name(value);
        if (kind < _NETNS_LINK_KIND_MAX) {
                *f = kind;
                return 0;
        }
        return conf_syntax(p, "%s=%s: expected %s.", k->key, value, link_kind_names(names, sizeof(names), ", ", " or ", false));
}

/* "a, b or c" into @buf at *@off */
static void join_values(char *buf, size_t size, size_t *off, const char *const *values) {
        for (size_t i = 0; values[i] && *off < size; i++)
                *off += (size_t) snprintf(buf + *off, size - *off, "%s%s", i == 0 ? "" : values[i + 1] ? ", " : " or ", values[i]);
}

/* The kinds that have @key, as "a and b" / "a or b". */
static const char *kinds_with_key(const char *key, const char *last, char *buf, size_t size) {
        const char *names[_NETNS_LINK_KIND_MAX];
        size_t n = 0, off = 0;

        for (size_t i = 0; i < _NETNS_LINK_KIND_MAX; i++)
                if (link_key_find(link_kind_get((enum netns_link_kind) i), key))
                        names[n++] = link_kind_get((enum netns_link_kind) i)->name;
        buf[0] = 0;
        for (size_t i = 0; i < n && off < size; i++)
                off += (size_t) snprintf(buf + off, size - off, "%s%s", i == 0 ? "" : i + 1 == n ? last : ", ", names[i]);
        return buf;
}

/*
 * A key of some kind's own (Mode=, VLANId=). Type= may come after it, so it is checked against
 * every kind that has it now and kept until the section ends; link_section_end() gives it to
 * the kind the section turned out to be.
 */
static int link_other_key(struct conf_parser *p, const char *key, const char *value, void *base) {
        const struct netns_link *l = base;
        const struct link_key *first = NULL;
        char expect[512];
        size_t off = 0, n = 0;

        for (size_t i = 0; i < _NETNS_LINK_KIND_MAX; i++) {
                const struct link_kind *kind = link_kind_get((enum netns_link_kind) i);
                const struct link_key *lk = link_key_find(kind, key);
                struct netns_link scratch = *l;

                if (!lk)
                        continue;
                if (!first)
                        first = lk;
                if (!*value || lk->set(lk, &scratch, value) >= 0)
                        return conf_defer(p, first->key, value);
                /* what the kinds that have it take: "A (k1), B (k2)" */
                if (off < sizeof(expect))
                        off += (size_t) snprintf(expect + off, sizeof(expect) - off, "%s", n == 0 ? "" : ", ");
                if (lk->values)
                        join_values(expect, sizeof(expect), &off, lk->values);
                else if (off < sizeof(expect))
                        off += (size_t) snprintf(expect + off, sizeof(expect) - off, "%s", lk->expect);
                if (off < sizeof(expect))
                        off += (size_t) snprintf(expect + off, sizeof(expect) - off, " (%s)", kind->name);
                n++;
        }
        if (!first)
                return -ENOENT;
        if (conf_defer(p, first->key, "") < 0) /* a bad value unsets it */
                return -ENOMEM;
        if (n == 1) {
                /* one kind has it: its own words, without the kind's name */
                off = 0;
                if (first->values) {
                        off = (size_t) snprintf(expect, sizeof(expect), "expected ");
                        join_values(expect, sizeof(expect), &off, first->values);
                } else
                        (void) snprintf(expect, sizeof(expect), "%s", first->expect);
                return conf_syntax(p, "%s=%s: %s.", key, value, expect);
        }
        return conf_syntax(p, "%s=%s: expected %s.", key, value, expect);
}

static int link_section_start(struct conf_parser *p, void *base) {
        struct netns_link *l = base;

        l->kind = _NETNS_LINK_KIND_MAX; /* unset until Type= */
        l->mode = -1;
        l->origin = conf_origin(p);
        return 0;
}

/* The end of a [Link] section: its kind's own keys, now that Type= is known. */
static void link_section_end(struct conf_parser *p, void *base) {
        struct netns_link *l = base;
        const struct link_kind *kind = link_kind_get(l->kind);
        char kinds[128];

        if (!kind)
                return; /* no Type=, or a bad one: reported already */
        /* in the order of the table, each key once */
        for (size_t i = 0; i < _NETNS_LINK_KIND_MAX; i++) {
                const struct link_kind *other = link_kind_get((enum netns_link_kind) i);

                for (size_t j = 0; j < other->n_keys; j++) {
                        const struct link_key *ok = &other->keys[j], *lk;
                        const struct conf_deferred *d;
                        bool seen = false;

                        for (size_t m = 0; m < i && !seen; m++)
                                seen = link_key_find(link_kind_get((enum netns_link_kind) m), ok->key);
                        d = seen ? NULL : conf_deferred_get(p, ok->key);
                        if (!d)
                                continue;
                        p->line = d->line;
                        lk = link_key_find(kind, ok->key);
                        if (lk) {
                                if (lk->set(lk, l, d->value) < 0)
                                        (void) conf_syntax(p, "%s=%s is not a %s of Type=%s.", ok->key, d->value,
                                                           lk->noun ?: "value", kind->name);
                        } else if (ok->noun)
                                (void) conf_syntax(p, "%s=%s is not a %s of Type=%s (%s= is for %s).", ok->key, d->value,
                                                   ok->noun, kind->name, ok->key,
                                                   kinds_with_key(ok->key, " and ", kinds, sizeof(kinds)));
                        else
                                (void) conf_syntax(p, "%s= is only valid for Type=%s.", ok->key,
                                                   kinds_with_key(ok->key, " or Type=", kinds, sizeof(kinds)));
                }
        }
}

/* ------------------------------------------------------------------------------------------
 * The sections and their keys
 */

static int veth_section_start(struct conf_parser *p, void *base) {
        struct netns_config *c = p->object;

        if (!c->has_veth)
                c->veth.origin = conf_origin(p);
        c->has_veth = true;
        return 0;
}

static int nat_section_start(struct conf_parser *p, void *base) {
        struct netns_config *c = p->object;

        if (!c->nat_origin.file)
                c->nat_origin = conf_origin(p);
        return 0;
}

/* What the sections' structs own; conf_sections_free() calls them. */
static void namespace_done(void *base) {
        struct netns_config *c = base;

        for (size_t i = 0; i < c->n_sysctls; i++) {
                free(c->sysctls[i].key);
                free(c->sysctls[i].value);
        }
        free(c->sysctls);
        free(c->dns);
        strv_free(c->domains);
        strv_free(c->units);
        strv_free(c->exec_users);
        strv_free(c->exec_groups);
}

static void veth_done(void *base) {
        struct netns_veth *v = base;

        free(v->host_name);
        free(v->name);
        free(v->host_addresses);
        free(v->addresses);
        free(v->host_routes);
}

static void nat_done(void *base) {
        struct netns_config *c = base;

        free(c->ports);
}

static void link_done(void *base) {
        struct netns_link *l = base;

        free(l->parent);
        free(l->name);
        free(l->addresses);
        free(l->gateways);
        free(l->peer_namespace);
        free(l->peer_name);
        free(l->peer_addresses);
}

/* PrivateKey=, PublicKey=, PresharedKey=: base64; @k->data is the offset of the "has" flag */
static int config_parse_wg_key(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        uint8_t *key = CONF_FIELD(base, k, uint8_t);
        bool *has = (bool *) ((char *) base + k->data);

        if (!*value) {
                explicit_bzero(key, NETNS_WG_KEY_SIZE);
                *has = false;
                return 0;
        }
        /* given, if wrong: no second message that it is missing */
        *has = true;
        if (wg_key_from_base64(value, key) < 0)
                /* the value is not shown: it may be a secret with a typo */
                return conf_syntax(p, "%s=: not a WireGuard key (44 characters of base64, as \"wg genkey\" writes).", k->key);
        return 0;
}

/* PrivateKeyFile=, PresharedKeyFile=, ConfigFile=: an absolute path, read at up; @k->data:
 * the offset of the origin to keep, 0 = none */
static int config_parse_abs_path(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        char **f = CONF_FIELD(base, k, char *);
        char *n;

        if (!*value) {
                free(*f);
                *f = NULL;
                return 0;
        }
        if (value[0] != '/' || strstr(value, "/../") || str_endswith(value, "/..") || str_endswith(value, "/"))
                return conf_syntax(p, "%s=%s: expected an absolute path to a file.", k->key, value);
        for (const char *q = value; *q; q++)
                if ((unsigned char) *q < ' ' || *q == 127)
                        return conf_syntax(p, "%s=: control characters in the path.", k->key);
        n = strdup(value);
        if (!n)
                return -ENOMEM;
        free(*f);
        *f = n;
        if (k->data)
                *(struct conf_origin *) ((char *) base + k->data) = conf_origin(p);
        return 0;
}

/* ListenPort=, PersistentKeepalive= (@k->data 1: "off" = 0 too): 0...65535 */
static int config_parse_u16(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        uint16_t *f = CONF_FIELD(base, k, uint16_t);
        uint32_t v;

        if (!*value || (k->data == 1 && strcasecmp(value, "off") == 0)) {
                *f = 0;
                return 0;
        }
        if (parse_range(value, 0, 65535, &v) < 0)
                return conf_syntax(p, "%s=%s: expected a number 0...65535%s.", k->key, value, k->data == 1 ? " or off" : "");
        *f = (uint16_t) v;
        return 0;
}

static int config_parse_wg_endpoint(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        struct netns_wireguard_peer *peer = base;
        struct wg_peer scratch = {};
        const char *reason;
        char *n;
        int r;

        if (!*value) {
                free(peer->endpoint);
                peer->endpoint = NULL;
                return 0;
        }
        r = wg_parse_endpoint(value, &scratch, &reason);
        wg_peer_done(&scratch);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return conf_syntax(p, "%s=%s: %s.", k->key, value, reason);
        n = strdup(value);
        if (!n)
                return -ENOMEM;
        free(peer->endpoint);
        peer->endpoint = n;
        peer->endpoint_origin = conf_origin(p);
        return 0;
}

static int allowed_ip_word(struct conf_parser *p, const struct conf_key *k, const char *word, void *base) {
        struct netns_wireguard_peer *peer = base;

        return wg_allowed_ip_add(p, k->key, word, &peer->allowed_ips, &peer->n_allowed_ips);
}

/* AllowedIPs=: separated by white space and/or commas, as wg-quick writes them */
static int config_parse_allowed_ips(struct conf_parser *p, const struct conf_key *k, const char *value, void *base) {
        _cleanup_free_ char *v = NULL;

        if (!*value) {
                array_reset(k, base);
                return 0;
        }
        v = strdup(value);
        if (!v)
                return -ENOMEM;
        for (char *q = v; *q; q++)
                if (*q == ',')
                        *q = ' ';
        return conf_foreach_word(p, k, v, base, allowed_ip_word);
}

static int wireguard_section_start(struct conf_parser *p, void *base) {
        struct netns_config *c = p->object;

        if (!c->has_wireguard)
                c->wg.origin = conf_origin(p);
        c->has_wireguard = true;
        return 0;
}

static int wireguard_peer_section_start(struct conf_parser *p, void *base) {
        ((struct netns_wireguard_peer *) base)->origin = conf_origin(p);
        return 0;
}

static void wireguard_done(void *base) {
        struct netns_wireguard *w = base;

        free(w->name);
        free(w->private_key_file);
        free(w->addresses);
        free(w->config_file);
        explicit_bzero(w, sizeof(*w));
}

static void wireguard_peer_done(void *base) {
        struct netns_wireguard_peer *p = base;

        free(p->preshared_key_file);
        free(p->endpoint);
        free(p->allowed_ips);
        explicit_bzero(p, sizeof(*p));
}

#define NS(f) offsetof(struct netns_config, f)
#define WG(f) offsetof(struct netns_wireguard, f)
#define WP(f) offsetof(struct netns_wireguard_peer, f)
#define VE(f) offsetof(struct netns_veth, f)
#define LK(f) offsetof(struct netns_link, f)
#define RT(f) offsetof(struct netns_route, f)

static const struct conf_key namespace_keys[] = {
        { "Boot",         config_parse_bool,          NS(boot),                 0,                    true },
        { "Sysctl",       config_parse_sysctl,        NS(sysctls),              NS(n_sysctls),        0 },
        { "DNS",          config_parse_addrs,         NS(dns),                  NS(n_dns),            0 },
        { "Domains",      config_parse_domains,       NS(domains),              NS(n_domains),        0 },
        { "Units",        config_parse_units,         NS(units),                NS(n_units),          0 },
        { "ExecUsers",    config_parse_exec_principals, NS(exec_users),         NS(n_exec_users),     0 },
        { "ExecGroups",   config_parse_exec_principals, NS(exec_groups),        NS(n_exec_groups),    0 },
};

static const struct conf_key veth_keys[] = {
        { "HostName",     config_parse_ifname,        VE(host_name),            0,                    1 },
        { "Name",         config_parse_ifname,        VE(name),                 0,                    0 },
        { "Address",      config_parse_prefixes,      VE(addresses),            VE(n_addresses),      VE(address_auto) },
        { "HostAddress",  config_parse_prefixes,      VE(host_addresses),       VE(n_host_addresses), VE(host_address_auto) },
        { "PeerName",     config_parse_renamed,       0,                        0,                    0 },
        { "PeerAddress",  config_parse_renamed,       0,                        0,                    0 },
        { "DefaultRoute", config_parse_default_route, VE(default_route),        0,                    true },
        { "HostRoute",    config_parse_networks,      VE(host_routes),          VE(n_host_routes),    0 },
        { "MTU",          config_parse_mtu,           VE(mtu),                  0,                    0 },
        { "AddressPool",  config_parse_pool,          VE(pool),                 0,                    0 },
};

static const struct conf_key nat_keys[] = {
        { "Masquerade",   config_parse_masquerade,    NS(masquerade),           0,                    0 },
        { "Port",         config_parse_ports,         NS(ports),                NS(n_ports),          0 },
        { "OverrideHostListeners", config_parse_bool, NS(override_listeners),   0,                    false },
};

static const struct conf_key link_keys[] = {
        { "Type",         config_parse_link_kind,     LK(kind),                 0,                    0 },
        { "Parent",       config_parse_ifname,        LK(parent),               0,                    0 },
        { "Name",         config_parse_ifname,        LK(name),                 0,                    0 },
        { "MTU",          config_parse_mtu,           LK(mtu),                  0,                    0 },
        { "MTUBytes",     config_parse_mtu,           LK(mtu),                  0,                    0 },
        { "Address",      config_parse_prefixes,      LK(addresses),            LK(n_addresses),      0 },
        { "Gateway",      config_parse_addrs,         LK(gateways),             LK(n_gateways),       0 },
        /* Type=veth: lists and names, so here and not among its kind's own keys */
        { "PeerNamespace", config_parse_ns_name,      LK(peer_namespace),       0,                    0 },
        { "PeerName",     config_parse_ifname,        LK(peer_name),            0,                    0 },
        { "PeerAddress",  config_parse_prefixes,      LK(peer_addresses),       LK(n_peer_addresses), 0 },
        /* and the keys of each kind's own: link_other_key() */
};

static const struct conf_key route_keys[] = {
        { "Destination",     config_parse_network,     RT(destination),       0,                    0 },
        { "Gateway",         config_parse_addr,        RT(gateway),           0,                    0 },
        { "GatewayOnLink",   config_parse_bool,        RT(gateway_onlink),    0,                    false },
        { "Metric",          config_parse_u32,         RT(metric),            0,                    0 },
        { "Table",           config_parse_route_table, RT(table),             0,                    0 },
        { "PreferredSource", config_parse_addr,        RT(prefsrc),           0,                    0 },
        { "MTU",             config_parse_mtu,         RT(mtu),               0,                    0 },
        { "MTUBytes",        config_parse_mtu,         RT(mtu),               0,                    0 },
        { "Type",            config_parse_route_type,  RT(type),              0,                    0 },
};

static const struct conf_key firewall_keys[] = {
        { "Inbound",      config_parse_inbound_policy, NS(inbound),             0,                    0 },
        { "AllowInbound", config_parse_inbound,       NS(allow_inbound),        NS(n_allow_inbound),  0 },
};

/* systemd-networkd's names ([WireGuard] and [WireGuardPeer] of a .netdev) */
static const struct conf_key wireguard_keys[] = {
        { "Name",         config_parse_ifname,        WG(name),                 0,                    0 },
        { "PrivateKey",   config_parse_wg_key,        WG(private_key),          0,                    WG(has_private_key) },
        { "PrivateKeyFile", config_parse_abs_path,    WG(private_key_file),     0,                    0 },
        { "ListenPort",   config_parse_u16,           WG(listen_port),          0,                    0 },
        { "FirewallMark", config_parse_u32,           WG(fwmark),               0,                    0 },
        { "MTU",          config_parse_mtu,           WG(mtu),                  0,                    0 },
        { "MTUBytes",     config_parse_mtu,           WG(mtu),                  0,                    0 },
        { "Address",      config_parse_prefixes,      WG(addresses),            WG(n_addresses),      0 },
        { "ConfigFile",   config_parse_abs_path,      WG(config_file),          0,                    WG(config_file_origin) },
};

static const struct conf_key wireguard_peer_keys[] = {
        { "PublicKey",    config_parse_wg_key,        WP(public_key),           0,                    WP(has_public_key) },
        { "PresharedKey", config_parse_wg_key,        WP(preshared_key),        0,                    WP(has_preshared_key) },
        { "PresharedKeyFile", config_parse_abs_path,  WP(preshared_key_file),   0,                    0 },
        { "Endpoint",     config_parse_wg_endpoint,   WP(endpoint),             0,                    0 },
        { "AllowedIPs",   config_parse_allowed_ips,   WP(allowed_ips),          WP(n_allowed_ips),    0 },
        { "PersistentKeepalive", config_parse_u16,    WP(keepalive),            0,                    1 },
};

/* A new section: its entry here, its struct in conf.h, its step in the helper. */
static const struct conf_section sections[] = {
        { .name = "Namespace", .keys = namespace_keys, .n_keys = ELEMENTSOF(namespace_keys), .done = namespace_done },
        { .name = "Veth", .offset = NS(veth), .keys = veth_keys, .n_keys = ELEMENTSOF(veth_keys),
          .start = veth_section_start, .done = veth_done },
        { .name = "NAT", .keys = nat_keys, .n_keys = ELEMENTSOF(nat_keys), .start = nat_section_start,
          .done = nat_done },
        { .name = "Link", .repeatable = true, .size = sizeof(struct netns_link), .offset = NS(links),
          .offset_n = NS(n_links), .keys = link_keys, .n_keys = ELEMENTSOF(link_keys),
          .start = link_section_start, .other_key = link_other_key, .end = link_section_end, .done = link_done },
        { .name = "Route", .repeatable = true, .size = sizeof(struct netns_route), .offset = NS(routes),
          .offset_n = NS(n_routes), .keys = route_keys, .n_keys = ELEMENTSOF(route_keys),
          .start = route_section_start },
        { .name = "WireGuard", .offset = NS(wg), .keys = wireguard_keys, .n_keys = ELEMENTSOF(wireguard_keys),
          .start = wireguard_section_start, .done = wireguard_done },
        { .name = "WireGuardPeer", .repeatable = true, .size = sizeof(struct netns_wireguard_peer),
          .offset = NS(wg_peers), .offset_n = NS(n_wg_peers), .keys = wireguard_peer_keys,
          .n_keys = ELEMENTSOF(wireguard_peer_keys), .start = wireguard_peer_section_start,
          .done = wireguard_peer_done },
        { .name = "Firewall", .keys = firewall_keys, .n_keys = ELEMENTSOF(firewall_keys), .start = firewall_section_start,
          .done = firewall_done },
};

/* what parse_text() read, as netns_config_from_source() reads it back: "PATH\0LEN\0TEXT" per file */
static int source_append(struct netns_config *c, const char *path, const char *text, size_t size) {
        char len[32];
        size_t plen = strlen(path) + 1, llen = (size_t) snprintf(len, sizeof(len), "%zu", size) + 1;
        char *n = realloc(c->source, c->source_size + plen + llen + size);

        if (!n)
                return -ENOMEM;
        c->source = n;
        memcpy(n + c->source_size, path, plen);
        memcpy(n + c->source_size + plen, len, llen);
        memcpy(n + c->source_size + plen + llen, text, size);
        c->source_size += plen + llen + size;
        return 0;
}

static void sections_free(struct netns_config *c) {
        conf_sections_free(sections, ELEMENTSOF(sections), c);
}

int netns_config_parse_text(struct netns_config *c, const char *path, const char *text, size_t size) {
        struct conf_parser p = { .sections = sections, .n_sections = ELEMENTSOF(sections), .object = c };
        int r;

        if (!path)
                path = "(input)";
        r = strv_extend(&c->files, path);
        if (r < 0)
                return r;
        p.file = c->files[strv_length(c->files) - 1];
        r = source_append(c, path, text, size);
        if (r < 0)
                return r;
        return conf_parse_text(&p, text, size);
}

int netns_config_from_source(const char *name, const char *source, size_t size, struct netns_config **ret) {
        _cleanup_config_ struct netns_config *c = netns_config_new(name);
        const char *p = source, *end = source + size;
        int r = 0;

        if (!c)
                return -ENOMEM;
        while (p < end) {
                const char *path = p, *len_s, *nul;
                unsigned long long len;
                char *e;

                nul = memchr(path, 0, (size_t) (end - path));
                if (!nul)
                        return -EBADMSG;
                len_s = nul + 1;
                nul = len_s < end ? memchr(len_s, 0, (size_t) (end - len_s)) : NULL;
                if (!nul)
                        return -EBADMSG;
                errno = 0;
                len = strtoull(len_s, &e, 10);
                if (errno || e != nul || len > (unsigned long long) (end - nul - 1))
                        return -EBADMSG;
                if (netns_config_parse_text(c, path, nul + 1, (size_t) len) < 0)
                        r = -EINVAL;
                p = nul + 1 + len;
        }
        if (r < 0)
                return r;
        r = netns_config_verify(c);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
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
        r = netns_path_check(path, path);
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
        explicit_bzero(text, size); /* PrivateKey= */
        if (r == -EINVAL) {
                *failed = true;
                return 0;
        }
        return r;
}

int netns_conf_files_list(const char *dir, enum conf_files_flags flags, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0;
        DIR *d;
        struct dirent *de;
        int r = 0;

        *ret = NULL;
        d = opendir(dir);
        if (!d)
                return -errno;
        while ((errno = 0, de = readdir(d))) {
                _cleanup_free_ char *e = NULL;
                struct stat st;

                /* hidden files (".#web.conf", an editor's lock) are skipped, as systemd skips them */
                if (!str_endswith(de->d_name, ".conf") || de->d_name[0] == '.')
                        continue;
                if (flags & CONF_FILES_DROPINS) {
                        e = strdup_printf("%s/%s", dir, de->d_name);
                        if (!e) {
                                r = -ENOMEM;
                                break;
                        }
                        /* like systemd: only regular files; a symlink to /dev/null masks */
                        if (stat(e, &st) < 0 || !S_ISREG(st.st_mode))
                                continue;
                } else {
                        /* NAME.conf.d/ does not match; a directory called NAME.conf is not a config */
                        if (de->d_type == DT_DIR ||
                            (de->d_type == DT_UNKNOWN && fstatat(dirfd(d), de->d_name, &st, 0) >= 0 &&
                             S_ISDIR(st.st_mode)))
                                continue;
                        e = strdup(de->d_name);
                        if (!e) {
                                r = -ENOMEM;
                                break;
                        }
                }
                if (array_grow((void **) &l, l ? n + 1 : 0, n + 2, sizeof(char *)) < 0) {
                        r = -ENOMEM;
                        break;
                }
                l[n++] = TAKE_PTR(e);
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

        /* a dangling symlink is a configuration that says where it is and is not there: say so
         * (also for "up", which would otherwise report no configuration at all) */
        if (is_dangling_symlink(path)) {
                _cleanup_free_ char *target = NULL;

                if (readlink_malloc(path, &target) == -ENOMEM)
                        return log_oom();
                return log_syntax(path, 0, "a symlink to %s, which does not exist.", target ?: "?");
        }

        /* StrictModes: the directories first; nothing is read from an unsafe one */
        r = netns_path_check(path, dir);
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
        r = netns_path_check(ddir, ddir);
        if (r == -EPERM)
                return -EINVAL;
        if (r < 0 && r != -ENOENT && r != -ENOTDIR)
                return r == -ENOMEM ? log_oom() : log_error_errno(r, "%s: failed to check: %m", ddir);
        r = netns_etc_dir_check_in(dir, name);
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

        r = netns_conf_files_list(ddir, CONF_FILES_DROPINS, &dropins);
        if (r == -ENOENT)
                r = 0;
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
