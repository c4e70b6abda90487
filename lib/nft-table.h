/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nft-table.h - "table inet netnsctl" with its chains, sets and rules, as nftables netlink messages */
#pragma once

#include <stddef.h>

/* in the table's comment: a table of that name without it is not ours to fill or delete */
#define NFT_NAT_TABLE_MARK "managed by netnsctl"

/**
 * nft_table_msgs() - the messages that create the table, as "nft -f" sends them for its definition
 * @ret_buf: the messages, one after the other (malloc'd): NEWTABLE, NEWCHAIN, NEWSET, NEWRULE, in
 *           nft's order, each with sequence number 0 and without NLM_F_ACK (the batch sets both)
 * @ret_len: their length in bytes
 *
 * The definition in nft's language, and why it is what it is, is in nft-table.c. The sets are
 * created with the set ids 1 to 6, which the rules' lookups name; the table's elements can go
 * into the same batch after these messages.
 * Return: 0 or -ENOMEM
 */
int nft_table_msgs(char **ret_buf, size_t *ret_len);

struct fw_rule;

/**
 * nft_fw_table_msgs() - the messages that create the firewall table inside a namespace
 * @table: its name
 * @rules: the rules of the configuration (firewall.h), after the fixed ones
 * @n: their number
 * @ret_buf: the messages, as nft_table_msgs() returns them
 * @ret_len: their length in bytes
 *
 * The definition in nft's language is in nft-table.c.
 * Return: 0 or -ENOMEM
 */
int nft_fw_table_msgs(const char *table, const struct fw_rule *rules, size_t n, char **ret_buf, size_t *ret_len);

/**
 * nft_reply_table_msgs() - the messages that create the reply table inside a namespace
 * @table: its name
 * @ifname: the veth's end inside
 * @mark: the conntrack mark of connections that came in through it, and the packet mark of
 *        their replies
 * @ret_buf: the messages, as nft_table_msgs() returns them
 * @ret_len: their length in bytes
 *
 * The definition in nft's language is in nft-table.c.
 * Return: 0 or -ENOMEM
 */
int nft_reply_table_msgs(const char *table, const char *ifname, uint32_t mark, char **ret_buf, size_t *ret_len);
