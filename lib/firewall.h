/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* firewall.h - the inbound firewall of a namespace ([Firewall] Inbound=drop): what its table admits */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf.h"

/*
 * With Inbound=drop, "table inet netnsctl" INSIDE the namespace has one base chain, "input"
 * (hook input, priority filter, policy drop). Its fixed rules admit what a namespace needs to
 * work at all: lo, packets of connections it has (ct state established,related), ICMP errors
 * (destination-unreachable with PMTU's frag-needed, time-exceeded, parameter-problem; IPv6's
 * packet-too-big) and the ICMPv6 neighbour discovery of its links. The rules below come from
 * the configuration, one nftables rule each; they are also the lines of the state record
 * (record.h, "firewall ..."), which is what status shows and reload compares with.
 *
 * Only the input hook is filtered: what the namespace routes onward (forward) is not its
 * own inbound traffic, and what it sends out is left alone.
 */

enum fw_rule_type {
        FW_RULE_HOST,    /* "host IFNAME ADDR": from the host end of the veth (its HostAddress=) */
        FW_RULE_FORWARD, /* "forward IFNAME PROTO PORT[-END]": a Port= target, through the veth */
        FW_RULE_ALLOW,   /* "allow PROTO PORT[-END]": AllowInbound=, on every link */
};

struct fw_rule {
        enum fw_rule_type type;
        char ifname[IFNAMSIZ];           /* HOST, FORWARD: the veth's end inside */
        int family;                      /* HOST: AF_INET or AF_INET6 */
        union in_addr_union addr;        /* HOST */
        uint8_t protocol;                /* FORWARD, ALLOW: IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP */
        uint16_t port, port_end;         /* FORWARD, ALLOW: port_end >= port */
};

/**
 * fw_rules_make() - the configured rules of the firewall of @cfg, in table order
 * @cfg: a verified configuration with Inbound=drop (else there are none)
 * @ifname: the veth's end inside, NULL without a [Veth]
 * @host_addrs: the addresses of the host end in force ("auto" resolved)
 * @n_host_addrs: their number
 * @ret: the rules (malloc'd, NULL when none)
 * @ret_n: their number
 *
 * The host end's addresses (link-local ones left out: neighbour discovery has its own rule),
 * then each Port= target (the port inside and its range, per protocol, once), then each
 * AllowInbound=.
 * Return: 0 or -ENOMEM
 */
int fw_rules_make(const struct netns_config *cfg, const char *ifname, const struct netns_prefix *host_addrs,
                  size_t n_host_addrs, struct fw_rule **ret, size_t *ret_n);

/**
 * fw_rule_format() - a rule as its record line has it after "firewall "
 * @r: the rule
 * @buf: output ("host host0 10.250.0.0", "forward host0 tcp 80", "allow udp 6881-6889")
 * @size: its size (96 bytes are always enough)
 * Return: 0, or -EINVAL when @r cannot be written
 */
int fw_rule_format(const struct fw_rule *r, char *buf, size_t size);

/**
 * fw_rule_parse() - the inverse of fw_rule_format()
 * Return: 0 or -EINVAL
 */
int fw_rule_parse(const char *s, struct fw_rule *ret);

/**
 * fw_rule_describe() - a rule in nft's words, for status and diff
 * @r: the rule
 * @buf: output ("iifname host0 ip saddr 10.250.0.0 accept", "tcp dport 8080 accept")
 * @size: its size (128 bytes are always enough)
 * Return: @buf
 */
const char *fw_rule_describe(const struct fw_rule *r, char *buf, size_t size);

/* Whether two rules are the same. */
bool fw_rule_eq(const struct fw_rule *a, const struct fw_rule *b);
