/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf.h - the model of /etc/netns/NAME.conf (netns.conf(5)) and its parser */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf-parser.h"
#include "link-kind.h"
#include "macro.h"

#define NETNS_CONF_DIR "/etc/netns"
#define NETNS_RUN_DIR "/run/netns"
#define NETNSCTL_RUN_DIR "/run/netnsctl"

/* Directories, overridable for tests through $NETNSCTL_CONF_DIR, $NETNS_RUN_DIR, $NETNSCTL_RUN_DIR
 * (read with secure_getenv()). */
const char *netns_conf_dir(void);
const char *netns_run_dir(void);
const char *netnsctl_run_dir(void);

union in_addr_union {
        struct in_addr in;
        struct in6_addr in6;
        uint8_t bytes[16];
};

struct netns_addr {
        int family; /* AF_INET or AF_INET6 */
        union in_addr_union addr;
};

struct netns_prefix {
        int family; /* AF_INET or AF_INET6 */
        union in_addr_union addr;
        uint8_t prefixlen;
        struct conf_origin origin;
};

struct netns_sysctl {
        char *key;   /* normalised with '.' as separator: "net.ipv4.ip_forward"; as in sysctl.d(5), a key
                      * written with '/' has '.' and '/' swapped ("net.ipv4.conf.eth0/100.rp_filter"),
                      * so the /proc/sys path is the key with '.' and '/' swapped back */
        char *value;
        struct conf_origin origin;
};

enum netns_masquerade {
        NETNS_MASQ_NO = 0,
        NETNS_MASQ_IPV4 = 1 << 0,
        NETNS_MASQ_IPV6 = 1 << 1,
        NETNS_MASQ_BOTH = NETNS_MASQ_IPV4 | NETNS_MASQ_IPV6,
};

/* Port=[PROTO:][HOSTADDR:]HOSTPORT[-END][:NSPORT[-END]]; IPv6 HOSTADDR in brackets. */
struct netns_port {
        uint8_t protocol;        /* IPPROTO_TCP (default), IPPROTO_UDP or IPPROTO_SCTP */
        int host_family;         /* AF_UNSPEC: every local address of the host, v4 and v6 */
        union in_addr_union host_addr;
        uint16_t host_port;      /* first host port */
        uint16_t host_port_end;  /* == host_port unless a range */
        uint16_t ns_port;        /* first port inside; == host_port when omitted */
        struct conf_origin origin;
};

/* AllowInbound=[PROTO:]PORT[-END] of [Firewall] */
struct netns_inbound {
        uint8_t protocol;            /* IPPROTO_TCP (default), IPPROTO_UDP or IPPROTO_SCTP */
        uint16_t port, port_end;     /* port_end == port unless a range */
        struct conf_origin origin;
};

/* [Firewall] Inbound= */
enum netns_inbound_policy {
        NETNS_INBOUND_ACCEPT,        /* the default: no table */
        NETNS_INBOUND_DROP,          /* a table inside the namespace admits only what netns.conf(5) lists */
        _NETNS_INBOUND_MAX,
};

/* One [Link] section: a device that enters the namespace. Each [Link] header starts a new one. */
struct netns_link {
        enum netns_link_kind kind;   /* Type= (required) */
        char *parent;                /* Parent=: the host link moved in, or the parent of macvlan/ipvlan/vlan (required) */
        char *name;                  /* Name=: the name inside; NULL = Parent's name for physical, else derived */
        /* the keys of its kind's own (link-KIND.c) */
        int mode;                    /* Mode=: enum netns_macvlan_mode / enum netns_ipvlan_mode, -1 = default */
        uint16_t vlan_id;            /* VLANId= 1..4094, VLAN only (required there) */
        uint32_t vni;                /* VNI= 1..16777215, vxlan only (required there), 0 = unset */
        struct netns_addr remote;    /* Remote=: vxlan's one peer (unicast); family AF_UNSPEC = unset */
        struct netns_addr group;     /* Group=: vxlan's multicast group; family AF_UNSPEC = unset */
        struct netns_addr local;     /* Local=: vxlan's source address; family AF_UNSPEC = unset */
        uint16_t dport;              /* DestinationPort=, vxlan only; 0 = NETNS_VXLAN_PORT_DEFAULT */
        uint32_t mtu;                /* MTUBytes=/MTU=, 0 = unchanged */
        struct netns_prefix *addresses; /* Address=, repeatable */
        size_t n_addresses;
        struct netns_addr *gateways;    /* Gateway=, repeatable: default route via it, per family */
        size_t n_gateways;
        /* Type=veth: the other end */
        char *peer_namespace;        /* PeerNamespace=: the namespace it is in */
        char *peer_name;             /* PeerName=: its name there, NULL = link_peer_ifname() */
        struct netns_prefix *peer_addresses; /* PeerAddress=: its addresses there */
        size_t n_peer_addresses;
        struct conf_origin origin;   /* the [Link] header line */
};

/* [Veth]. The file speaks from inside the namespace: Address= and Name= are the end inside,
 * what is on the host says so (HostAddress=, HostName=). */
struct netns_veth {
        char *host_name;             /* HostName=, NULL = netns_ifname_host() */
        char *name;                  /* Name=: the end inside, NULL = NETNS_PEER_NAME_DEFAULT */
        bool address_auto;           /* Address=auto: the end inside */
        struct netns_prefix *addresses;
        size_t n_addresses;
        bool host_address_auto;      /* HostAddress=auto */
        struct netns_prefix *host_addresses;
        size_t n_host_addresses;
        bool default_route;          /* DefaultRoute=, default yes */
        struct conf_origin default_route_origin; /* where DefaultRoute= was last set; line 0 = not set */
        struct netns_prefix *host_routes; /* HostRoute=: prefixes the host routes into the namespace
                                           * through the veth (routed, no NAT) */
        size_t n_host_routes;
        uint32_t mtu;                /* MTU=, 0 = kernel default */
        struct netns_prefix pool;    /* AddressPool= for auto IPv4, default NETNS_AUTO_POOL_DEFAULT */
        bool addresses_set;          /* Address= or HostAddress= appeared in some file; if neither did,
                                      * netns_config_verify() sets both *_auto flags (a bare [Veth] works) */
        struct conf_origin origin;   /* the [Veth] header line */
};

/* [Route] Type= */
enum netns_route_type {
        NETNS_ROUTE_UNICAST,
        NETNS_ROUTE_BLACKHOLE,
        NETNS_ROUTE_UNREACHABLE,
        NETNS_ROUTE_PROHIBIT,
        _NETNS_ROUTE_TYPE_MAX,
};

/* One [Route] section: a static route inside the namespace (systemd.network(5)'s [Route] keys). */
struct netns_route {
        struct netns_prefix destination; /* Destination=; family AF_UNSPEC = the default route of
                                          * the family of Gateway= (netns_config_verify() fills it) */
        struct netns_addr gateway;       /* Gateway=; family AF_UNSPEC = none */
        bool gateway_onlink;             /* GatewayOnLink= */
        uint32_t metric;                 /* Metric=, 0 = the kernel's default */
        uint32_t table;                  /* Table=, 0 = main */
        struct netns_addr prefsrc;       /* PreferredSource=; family AF_UNSPEC = none */
        uint32_t mtu;                    /* MTU=/MTUBytes=, 0 = the link's */
        enum netns_route_type type;      /* Type=, default unicast */
        struct conf_origin origin;       /* the [Route] header line */
};

/**
 * netns_route_type_to_string() - Type= spelling of a route type
 * @t: the type
 * Return: "unicast", "blackhole", ... or NULL for an invalid @t.
 */
const char *netns_route_type_to_string(enum netns_route_type t);

/* [WireGuard]: a tunnel born in the host namespace and moved in (netns.conf(5)) */
#define NETNS_WG_KEY_SIZE 32
struct netns_wireguard {
        char *name;                  /* Name=, NULL = NETNS_WG_NAME_DEFAULT */
        uint8_t private_key[NETNS_WG_KEY_SIZE]; /* PrivateKey= (secret: wiped when freed) */
        bool has_private_key;
        char *private_key_file;      /* PrivateKeyFile=, read at up */
        uint16_t listen_port;        /* ListenPort=, 0 = any */
        uint32_t fwmark;             /* FirewallMark= */
        uint32_t mtu;                /* MTU=, 0 = the kernel's (1420) or ConfigFile='s */
        struct netns_prefix *addresses; /* Address=, inside */
        size_t n_addresses;
        char *config_file;           /* ConfigFile=: a wg-quick file, read at up */
        struct conf_origin origin;   /* the [WireGuard] header line */
        struct conf_origin config_file_origin;
};

/* one [WireGuardPeer] */
struct netns_wireguard_peer {
        uint8_t public_key[NETNS_WG_KEY_SIZE];
        bool has_public_key;
        uint8_t preshared_key[NETNS_WG_KEY_SIZE]; /* secret */
        bool has_preshared_key;
        char *preshared_key_file;    /* PresharedKeyFile=, read at up */
        char *endpoint;              /* Endpoint= as written, checked; resolved at up */
        uint16_t keepalive;          /* PersistentKeepalive=, 0 = off */
        struct netns_prefix *allowed_ips; /* AllowedIPs=, networks (host bits cleared) */
        size_t n_allowed_ips;
        struct conf_origin origin;   /* the [WireGuardPeer] header line */
        struct conf_origin endpoint_origin;
};

/**
 * netns_inbound_policy_to_string() - Inbound= spelling of a policy
 * @p: the policy
 * Return: "accept", "drop", or NULL for an invalid @p.
 */
const char *netns_inbound_policy_to_string(enum netns_inbound_policy p);

#define NETNS_WG_NAME_DEFAULT "wg0"
#define NETNS_PEER_NAME_DEFAULT "host0"
#define NETNS_VXLAN_PORT_DEFAULT 4789 /* IANA's; the kernel's own default, 8472, predates it */
#define NETNS_AUTO_POOL_DEFAULT "10.250.0.0/16"

struct netns_config {
        char *name;
        char **files;                /* NULL-terminated: main file first, then drop-ins, as read */
        char *source;                /* what was parsed, every file with its path (netns_config_from_source()) */
        size_t source_size;

        /* [Namespace] */
        bool boot;                   /* Boot=, default yes */
        struct netns_sysctl *sysctls;
        size_t n_sysctls;
        struct netns_addr *dns;      /* DNS= */
        size_t n_dns;
        char **domains;              /* Domains=, NULL-terminated */
        size_t n_domains;
        char **units;                /* Units=, NULL-terminated, each a valid unit name */
        size_t n_units;
        char **exec_users;           /* ExecUsers=: names or numeric UIDs (looked up per request) */
        size_t n_exec_users;
        char **exec_groups;          /* ExecGroups=: names or numeric GIDs */
        size_t n_exec_groups;

        /* [Veth] */
        bool has_veth;
        struct netns_veth veth;

        /* [NAT] */
        int masquerade;              /* enum netns_masquerade */
        struct netns_port *ports;
        size_t n_ports;
        bool override_listeners;     /* OverrideHostListeners=: forward ports the host listens on */
        struct conf_origin nat_origin;

        /* [Link], repeatable */
        struct netns_link *links;
        size_t n_links;

        /* [Route], repeatable */
        struct netns_route *routes;
        size_t n_routes;

        /* [Firewall] */
        enum netns_inbound_policy inbound; /* Inbound= */
        struct netns_inbound *allow_inbound; /* AllowInbound= */
        size_t n_allow_inbound;
        struct conf_origin firewall_origin; /* the first [Firewall] header */
        struct conf_origin inbound_origin;  /* the Inbound= line in force */

        /* [WireGuard], [WireGuardPeer] (repeatable) */
        bool has_wireguard;
        struct netns_wireguard wg;
        struct netns_wireguard_peer *wg_peers;
        size_t n_wg_peers;
};

/**
 * netns_config_new() - an empty config with all defaults set
 * @name: namespace name (copied)
 * Return: the config, or NULL on OOM.
 */
struct netns_config *netns_config_new(const char *name);
void netns_config_free(struct netns_config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct netns_config *, netns_config_free);
#define _cleanup_config_ _cleanup_(netns_config_freep)

/**
 * netns_config_parse_text() - parse one file's text into @c (appending/overriding)
 * @c: config being built
 * @path: file name used in messages (stored in @c->files)
 * @text: contents, need not be NUL-terminated
 * @size: length of @text
 *
 * Reports every problem as "PATH:LINE: message" through log_syntax() and keeps going,
 * so one run lists all problems of a file.
 * Return: 0 on success, -EINVAL if any problem was found, -ENOMEM.
 */
int netns_config_parse_text(struct netns_config *c, const char *path, const char *text, size_t size);

/**
 * netns_config_verify() - checks across keys and sections, after all files are parsed
 * (duplicate link names, Port= without a veth, Gateway= without a matching address, ...)
 * Return: 0 or -EINVAL (each problem reported with file:line).
 */
int netns_config_verify(struct netns_config *c);

/**
 * netns_veth_default_route_conflict() - refuse an explicit [Veth] DefaultRoute=yes beside a
 * tunnel that owns a default route
 * @c: the configuration
 * @aip: an AllowedIPs= entry of a peer (of [WireGuardPeer] or of a ConfigFile='s [Peer])
 *
 * A tunnel whose AllowedIPs= holds a family's default is the namespace's only way out (the
 * veth gets no default route then); DefaultRoute=yes written out asks for the opposite, and
 * is refused at its line rather than silently overridden. DefaultRoute= unset, or no, is fine.
 * Return: 0, or -EINVAL when @aip is a default and DefaultRoute=yes is set (reported, naming
 * the DefaultRoute= line and @aip's).
 */
int netns_veth_default_route_conflict(const struct netns_config *c, const struct netns_prefix *aip);

/**
 * route_gateway_link() - the link of the namespace a [Route]'s gateway is on
 * @c: the configuration
 * @rt: a [Route] with a Gateway=
 * @veth_inside: the veth's addresses inside ("check": the static ones and the ranges the
 *               automatic ones come from; "up": the ones in force)
 * @n_veth_inside: their number
 *
 * The link one of whose addresses' subnets covers the gateway: the veth first, then the
 * [Link]s in order. An IPv6 link-local gateway, or one with GatewayOnLink=yes that no subnet
 * covers, is on the one link that has an address of its family (any link for link-local),
 * else on the namespace's only link.
 * Return: 0 for the veth, 1 + the index of a [Link], -ENXIO when it is on no link, -ENOTUNIQ
 * when several links could have it.
 */
int route_gateway_link(const struct netns_config *c, const struct netns_route *rt,
                       const struct netns_prefix *veth_inside, size_t n_veth_inside);

/**
 * netns_config_load() - read DIR/NAME.conf and DIR/NAME.conf.d/\*.conf (lexical order)
 * @dir: config directory, NULL = netns_conf_dir()
 * @name: namespace name; an invalid name is reported naming the file
 * @ret: the parsed and verified config
 *
 * Return: 0, -ENOENT if DIR/NAME.conf does not exist (not reported), -EINVAL on any
 * problem (reported), other -errno on I/O errors (reported).
 */
int netns_config_load(const char *dir, const char *name, struct netns_config **ret);

enum conf_files_flags {
        /* NAME.conf.d/: entries "DIR/NAME", not hidden, what stat() shows as a regular file
         * (a symlink followed; to /dev/null it masks); default: the names of what is not a
         * directory (the namespaces of a config directory) */
        CONF_FILES_DROPINS = 1 << 0,
};

/**
 * netns_conf_files_list() - the *.conf entries of @dir, sorted (strcmp order)
 * @dir: the directory
 * @flags: enum conf_files_flags
 * @ret: NULL-terminated list, NULL when there are none
 * Return: 0, -ENOENT when @dir does not exist, other -errno.
 */
int netns_conf_files_list(const char *dir, enum conf_files_flags flags, char ***ret);

/**
 * netns_config_from_source() - parse and verify again what @source says was read
 * @name: namespace name
 * @source: a config's source and source_size, as netns_config_parse_text() collected them
 * @size: its length
 * @ret: the config, its origins the paths of the files then
 *
 * "up" keeps the source of the configuration it brings up; "reload" compares with it.
 * Return: 0, -EBADMSG when @source is not of that form, -EINVAL when it does not parse
 * (reported), -ENOMEM.
 */
int netns_config_from_source(const char *name, const char *source, size_t size, struct netns_config **ret);

/**
 * netns_config_load_path() - like netns_config_load() for an explicit PATH ending in .conf;
 * the namespace name is the file name without ".conf"; drop-ins beside it are read too.
 */
int netns_config_load_path(const char *path, struct netns_config **ret);

#include "path-safety.h"
#include "parse-util.h"
