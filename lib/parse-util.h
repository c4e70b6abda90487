/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* parse-util.h - parsers of single values: booleans, numbers, addresses, prefixes, port forwards */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct netns_addr;
struct netns_prefix;
struct netns_port;
struct netns_inbound;

#define WHITESPACE " \t\n\r\f\v"

/* Shared with the helper's command line; 0 or -EINVAL. */
int parse_boolean(const char *s);   /* 1, 0, or -EINVAL: yes/no/true/false/on/off/1/0 */
int parse_prefix(const char *s, struct netns_prefix *ret);  /* ADDR[/LEN]; no LEN = host prefix */
int parse_addr(const char *s, struct netns_addr *ret);
int parse_port_spec(const char *s, struct netns_port *ret);
int parse_masquerade(const char *s); /* enum netns_masquerade or -EINVAL */

/**
 * parse_port_spec_reason() - parse_port_spec(), telling why a value is refused
 * @s: the Port= value
 * @ret: the forward; origin is cleared
 * @reason: on -EINVAL, what is wrong (a static string, for "KEY=VALUE: REASON.")
 * Return: 0 or -EINVAL.
 */
int parse_port_spec_reason(const char *s, struct netns_port *ret, const char **reason);

/**
 * parse_inbound_spec() - an AllowInbound= value: [PROTO:]PORT[-END]
 * @s: the value; PROTO tcp (default), udp or sctp
 * @ret: the ports; origin is cleared
 * @reason: on -EINVAL, what is wrong (a static string, for "KEY=VALUE: REASON.")
 * Return: 0 or -EINVAL.
 */
int parse_inbound_spec(const char *s, struct netns_inbound *ret, const char **reason);

/**
 * parse_range() - a strict unsigned decimal (digits only, no sign, no space) in [@min, @max]
 * @s: the text
 * @min: lowest value taken
 * @max: highest value taken
 * @ret: the value
 * Return: 0, -EINVAL if not a number, -ERANGE if out of range.
 */
int parse_range(const char *s, uint32_t min, uint32_t max, uint32_t *ret);

/**
 * domain_is_valid() - a DNS domain name as Domains= takes it
 * @s: labels of 1-63 characters of [A-Za-z0-9_-] separated by '.', at most 253 in all, a
 *     trailing '.' allowed
 * Return: true if valid.
 */
bool domain_is_valid(const char *s);

/* Does @s end with @suffix? */
bool str_endswith(const char *s, const char *suffix);

static inline bool is_ws(char ch) {
        return ch && strchr(WHITESPACE, ch);
}
