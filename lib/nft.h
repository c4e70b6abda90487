/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nft.h - the one nftables table netnsctl owns ("table inet netnsctl"): masquerade and port forwards */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "macro.h"

/*
 * All namespaces share ONE table with fixed base chains; a namespace is only elements in its
 * sets and maps. So the per-packet cost does not depend on how many namespaces are up (one
 * hash lookup per set, on the first packet of a connection only: NAT chains see nothing else),
 * the kernel's limit of 1024 NAT base chains per hook is never near, and bringing a namespace
 * up or down is one atomic transaction that adds or deletes a few elements:
 *
 *   set veths   ifname              host ends of all namespaces with NAT (never masqueraded to)
 *   set masq    ifname . nf_proto   masquerade what arrives from this host end, per family
 *   map fwd4    proto . port                 : addr . port   Port= on every host address, IPv4
 *   map fwd4a   addr . proto . port          : addr . port   Port= on one host address, IPv4
 *   map fwd6, fwd6a                                          the same for IPv6
 *
 * The table is created with the first namespace that needs it and deleted when the last
 * one is gone, so a host without NAT namespaces has no trace of netnsctl in its ruleset.
 */

#define NFT_NAT_FAMILY "inet"
#define NFT_NAT_TABLE "netnsctl"

enum nat_elem_type {
        NAT_ELEM_LINK, /* "link IFNAME" (set veths) */
        NAT_ELEM_MASQ, /* "masq IFNAME 4|6" (set masq) */
        NAT_ELEM_FWD,  /* "fwd 4|6 PROTO HOSTADDR|* PORT[-END] NSADDR NSPORT" (maps fwd4*, fwd6*) */
};

/* One element (or, for a port range, one run of elements) of the table. */
struct nat_elem {
        enum nat_elem_type type;
        char ifname[IFNAMSIZ];           /* LINK, MASQ */
        int family;                      /* MASQ, FWD: AF_INET or AF_INET6 */
        uint8_t protocol;                /* FWD: IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP */
        bool has_host_addr;              /* FWD: false = every local address of the host */
        union in_addr_union host_addr;
        uint16_t port, port_end;         /* FWD: host ports, port_end >= port */
        union in_addr_union ns_addr;     /* FWD: where it goes, inside the namespace */
        uint16_t ns_port;                /* FWD: first port inside; the range keeps its offsets */
};

/* "tcp", "udp", "sctp"; NULL for any other protocol */
const char *nat_proto_name(uint8_t protocol);

/**
 * nat_elem_format() - the element as text, as it is written to a state record
 * @e: the element
 * @buf: output
 * @size: size of @buf (80 bytes are always enough)
 *
 * Return: 0, or -EINVAL when @e cannot be written (a name nft could not quote, a bad range).
 */
int nat_elem_format(const struct nat_elem *e, char *buf, size_t size);

/**
 * nat_elem_parse() - the inverse of nat_elem_format()
 * Return: 0 or -EINVAL
 */
int nat_elem_parse(const char *s, struct nat_elem *ret);

/**
 * nft_nat_add() - add elements to the table, creating the table first when it is absent
 * @elems: the elements
 * @n: how many
 * @ret_error: if not NULL, on failure the kernel's message for the first request of the
 *             transaction that failed, else strerror() of its error; one line (malloc'd, may be NULL)
 *
 * One transaction: all elements are added, or none (and no table is left either). The table is
 * made as "nft -f" makes the definition in nft-table.c.
 * Adding an element that is already there with the same data is not an error; with other
 * data (a host port another namespace forwards) it is -EEXIST. (nftables does not tell
 * reliably which element of a batch clashed: ask the records.)
 * A table of that name that netnsctl did not make (no mark in its comment) is left alone.
 * Return: 0, -EEXIST on a clash, -EUCLEAN when the table is someone else's, other -errno
 */
int nft_nat_add(const struct nat_elem *elems, size_t n, char **ret_error);

/**
 * nft_nat_remove() - delete exactly these elements, and the table when nothing is left in it
 * @elems: the elements
 * @n: how many
 *
 * An element that is absent, or present with other data (it belongs to someone else), is
 * left alone; a table that is absent, or not made by netnsctl, is fine. Normally one transaction; element by element
 * only when that one fails.
 * Return: 0 or -errno
 */
int nft_nat_remove(const struct nat_elem *elems, size_t n);

/**
 * nft_nat_change() - delete some elements and add others, in one transaction
 * @del: elements to delete (absent ones are fine; one holding other data fails the whole)
 * @n_del: how many
 * @add: elements to add, as nft_nat_add() adds them
 * @n_add: how many
 * @ret_error: as for nft_nat_add()
 *
 * For "reload": the table either holds the new elements and none of the deleted ones, or is
 * as it was. Without a table, only @add counts (nft_nat_add()).
 * Return: 0, -EEXIST on a clash, -EUCLEAN when the table is someone else's, other -errno
 */
int nft_nat_change(const struct nat_elem *del, size_t n_del, const struct nat_elem *add, size_t n_add, char **ret_error);

/**
 * nft_nat_sync() - make the table hold exactly @elems, in one transaction
 * @elems: the elements of every running namespace
 * @n: how many; 0 removes the table
 *
 * The table is deleted and created again with its chains, sets and these elements, all in
 * one transaction, so the NAT of the running namespaces never disappears on the way. This
 * repairs the table after "nft flush ruleset" or whatever else removed or changed it.
 * @ret_error: as for nft_nat_add()
 * Return: 0 or -errno
 */
int nft_nat_sync(const struct nat_elem *elems, size_t n, char **ret_error);

/**
 * nft_nat_table_exists() - whether "table inet netnsctl" exists
 * Return: 1, 0, or -errno
 */
int nft_nat_table_exists(void);

/*
 * The firewall inside a namespace ([Firewall] Inbound=drop, firewall.h): a table of the same
 * name in the namespace's own nftables, with the mark in its comment.
 */
#define NFT_FW_TABLE NFT_NAT_TABLE

struct fw_rule;

/* nft_fw_state(): NFT_FW_ABSENT, NFT_FW_OURS, NFT_FW_FOREIGN (the same name, not made by us) */
enum { NFT_FW_ABSENT, NFT_FW_OURS, NFT_FW_FOREIGN };

/**
 * nft_fw_state() - whether the firewall table is in namespace @netns_fd
 * Return: NFT_FW_ABSENT, NFT_FW_OURS, NFT_FW_FOREIGN, or -errno
 */
int nft_fw_state(int netns_fd);

/**
 * nft_fw_load() - make the firewall table of namespace @netns_fd hold exactly @rules
 * @netns_fd: the namespace
 * @rules: the rules of the configuration, after the fixed ones (nft-table.c)
 * @n: their number
 * @ret_error: as for nft_nat_add()
 *
 * One transaction: the table (if there) deleted and made again with its chain and rules, so
 * there is the old table or the new one, never none, never half of one. Connections keep
 * their conntrack state.
 * Return: 0, -EUCLEAN when a table of that name is someone else's, other -errno
 */
int nft_fw_load(int netns_fd, const struct fw_rule *rules, size_t n, char **ret_error);

/**
 * nft_fw_remove() - delete the firewall table of namespace @netns_fd, if it is ours
 * Return: 0 (also when it is absent or someone else's) or -errno
 */
int nft_fw_remove(int netns_fd);

/*
 * Replies through the veth: inside a namespace whose veth carries no default route (a tunnel
 * owns it, or [Veth] DefaultRoute=no), connections that came in through the veth (Port=
 * forwards from any address of the host, clients the host routes in) are marked, and their
 * replies are routed back through it by the rule "fwmark NETNS_REPLY_MARK lookup
 * NETNS_REPLY_ROUTE_TABLE" (priority NETNS_REPLY_RULE_PRIORITY), whose table holds one default
 * route through the host end. Nothing else the namespace sends carries the mark. The table,
 * the rule and the route live and die with the namespace (no record lines).
 */
#define NFT_REPLY_TABLE "netnsctl-reply"
#define NETNS_REPLY_MARK 0x6e6e0001U          /* "nn", 1 */
#define NETNS_REPLY_ROUTE_TABLE 28270U        /* 0x6e6e */
#define NETNS_REPLY_RULE_PRIORITY 28270U

/**
 * nft_reply_load() - make the reply table in namespace @netns_fd, for the veth end @ifname
 * @netns_fd: the namespace
 * @ifname: the veth's end inside
 * @ret_error: as for nft_nat_add()
 *
 * One transaction, as nft_fw_load().
 * Return: 0, -EUCLEAN when a table of that name is someone else's, other -errno
 */
int nft_reply_load(int netns_fd, const char *ifname, char **ret_error);

/* nft_reply_state() - as nft_fw_state(), for the reply table */
int nft_reply_state(int netns_fd);

/* Watching nftables for changes made to the table by others: see nft_watch_process(). */
struct nft_watch;

/**
 * nft_watch_new() - subscribe to nftables' change notifications (NFNLGRP_NFTABLES)
 * Return: 0 or -errno
 */
int nft_watch_new(struct nft_watch **ret);
void nft_watch_free(struct nft_watch *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nft_watch *, nft_watch_free);

/* The socket, for poll(): readable when notifications are waiting. */
int nft_watch_fd(const struct nft_watch *w);

/**
 * nft_watch_process() - read the notifications that are waiting, without blocking
 * @w: the watch
 *
 * Return: 1 when a transaction of a process other than netnsctl deleted something of the
 * table (a table, chain, rule, set or element of "inet netnsctl": "nft flush ruleset",
 * "systemctl restart nftables", ...), or when notifications were lost (the socket
 * overflowed) and that cannot be ruled out; 0 when not; -errno.
 */
int nft_watch_process(struct nft_watch *w);
