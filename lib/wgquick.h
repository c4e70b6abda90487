/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wgquick.h - wg-quick(8) files as VPN providers hand them out (ConfigFile= of [WireGuard]) */
#pragma once

#include "conf.h"
#include "wireguard.h"

struct wgquick {
        char *file;                      /* the file, as named in messages */
        struct wg_device dev;            /* [Interface] PrivateKey ListenPort FwMark, [Peer]s */
        struct netns_prefix *addresses;  /* [Interface] Address= */
        size_t n_addresses;
        struct netns_addr *dns;          /* [Interface] DNS= addresses */
        size_t n_dns;
        char **domains;                  /* [Interface] DNS= names: search domains, NULL-terminated */
        uint32_t mtu;                    /* [Interface] MTU=, 0 = unset */
        struct conf_origin interface_origin; /* the first [Interface] header; file NULL = none */
};

/* Free what @q owns and wipe its keys; @q is zeroed. */
void wgquick_done(struct wgquick *q);

/**
 * wgquick_parse_text() - parse a wg-quick file's text into @q
 * @q: zeroed, or holding an earlier parse of the same file name
 * @path: the file name for messages (copied)
 * @text: contents, need not be NUL-terminated
 * @size: length of @text
 *
 * The table engine of netns.conf (conf_parse_text()); keys match without regard to
 * case and a '#' ends a value, as wg(8) reads them; lists are separated by commas and/or
 * white space. The keys only wg-quick acts on (PreUp, PostUp, PreDown, PostDown, Table,
 * SaveConfig) are refused one by one, "FILE:LINE: why", and so is anything unknown; nothing
 * of a refused file is used. At the end: an [Interface] with a PrivateKey=, and each [Peer]
 * with a PublicKey= of its own.
 * Return: 0, -EINVAL (problems reported), -ENOMEM.
 */
int wgquick_parse_text(struct wgquick *q, const char *path, const char *text, size_t size);

/**
 * wgquick_load() - read and parse a wg-quick file that holds a private key
 * @path: the file
 * @q: the result (wgquick_done() it, also on failure)
 *
 * The file must be owned by root, readable by nobody else, in directories only root can
 * write; else it is refused with one line naming it. Its text is wiped after parsing.
 * Return: 0, -EINVAL (reported), -EPERM (reported), other -errno (reported).
 */
int wgquick_load(const char *path, struct wgquick *q);

/**
 * wgquick_dns_count() - how many name servers a ConfigFile='s DNS= gives
 * @path: the wg-quick file
 *
 * Read as wgquick_load() reads it (the same refusals, reported); the keys are wiped. For
 * those who must know, before "up", whether the namespace gets a resolv.conf of its own.
 * Return: the number of DNS= addresses (0 = none), or -errno (reported).
 */
int wgquick_dns_count(const char *path);

/**
 * wg_parse_endpoint() - an Endpoint= value: HOST:PORT, IPV4:PORT or [IPV6]:PORT
 * @s: the value
 * @p: the peer: its endpoint for an address, endpoint_host (and the port in endpoint.in) for
 *     a host name to resolve at up
 * @reason: set to why @s was refused
 * Return: 0 or -EINVAL, -ENOMEM.
 */
int wg_parse_endpoint(const char *s, struct wg_peer *p, const char **reason);

/**
 * wg_allowed_ip_add() - append one AllowedIPs= entry (wg_parse_allowed_ip()) with its origin
 * @p: the parser, for the origin and the message ("KEY=WORD: expected ...")
 * @key: the key's name
 * @word: the entry
 * @arr: the array
 * @n: its length
 * Return: 0, -EINVAL (reported), -ENOMEM.
 */
int wg_allowed_ip_add(struct conf_parser *p, const char *key, const char *word, struct netns_prefix **arr, size_t *n);

/**
 * wg_parse_allowed_ip() - an AllowedIPs= entry: ADDRESS[/LENGTH], host bits cleared (the
 * kernel's tunnel keeps only the network, and a route inside needs it)
 * Return: 0 or -EINVAL.
 */
int wg_parse_allowed_ip(const char *s, struct netns_prefix *ret);
