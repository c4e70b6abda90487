/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* name.c - namespace, interface and unit name rules; derived interface names */

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "name.h"

/**
 * netns_name_is_valid() - is @name usable as a namespace name
 * @name: candidate
 *
 * 1-64 characters of [A-Za-z0-9_.-], not starting with '.' or '-': a valid unit
 * instance, file name and path component without escaping ("." and ".." are out too).
 * Return: true if valid.
 */
bool netns_name_is_valid(const char *name) {
        size_t n;

        if (!name)
                return false;
        n = strlen(name);
        if (n < 1 || n > NETNS_NAME_MAX)
                return false;
        if (name[0] == '.' || name[0] == '-')
                return false;
        for (const char *p = name; *p; p++)
                if (!(isascii((unsigned char) *p) && (isalnum((unsigned char) *p) || strchr("_.-", *p))))
                        return false;
        return true;
}

/**
 * ifname_is_valid() - is @name a valid kernel interface name
 * @name: candidate
 *
 * What the kernel's dev_valid_name() accepts, minus '%' (printf-style templates) and
 * with only printable ASCII, like systemd's ifname_valid().
 * Return: true if valid.
 */
bool ifname_is_valid(const char *name) {
        size_t n;

        if (!name)
                return false;
        n = strlen(name);
        if (n < 1 || n >= IFNAMSIZ)
                return false;
        if (streq(name, ".") || streq(name, ".."))
                return false;
        for (const char *p = name; *p; p++)
                if ((unsigned char) *p <= 32 || (unsigned char) *p >= 127 || strchr(":/%", *p))
                        return false;
        return true;
}

/**
 * unit_name_is_valid() - is @name a valid systemd unit name with a type suffix
 * @name: candidate, e.g. "bird.service" or "getty@tty1.service"
 *
 * Return: true if valid.
 */
bool unit_name_is_valid(const char *name) {
        static const char *const suffixes[] = {
                ".service", ".socket", ".target", ".mount", ".automount", ".swap",
                ".timer", ".path", ".slice", ".scope", ".device",
        };
        const char *dot, *at;
        size_t n;

        if (!name)
                return false;
        n = strlen(name);
        if (n < 3 || n > 255)
                return false;
        dot = strrchr(name, '.');
        if (!dot || dot == name)
                return false;
        bool ok = false;
        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
                if (streq(dot, suffixes[i]))
                        ok = true;
        if (!ok)
                return false;
        for (const char *p = name; p < dot; p++)
                if (!(isascii((unsigned char) *p) && (isalnum((unsigned char) *p) || strchr(":-_.\\@", *p))))
                        return false;
        at = strchr(name, '@');
        if (at && (at == name || strchr(at + 1, '@')))
                return false;
        return true;
}

/**
 * netns_name_hash() - stable 64-bit FNV-1a hash of @s
 * @s: string
 *
 * Stable across builds, machines and reboots: derived names and auto addresses use it.
 * Return: the hash.
 */
unsigned long long netns_name_hash(const char *s) {
        unsigned long long h = 0xcbf29ce484222325ULL;

        for (; *s; s++) {
                h ^= (unsigned char) *s;
                h *= 0x100000001b3ULL;
        }
        return h;
}

/**
 * netns_ifname_host() - the default host-side veth name of namespace @netns
 * @netns: a valid namespace name
 * @ret: buffer of IFNAMSIZ bytes
 *
 * "nn-NAME" when it fits in 15 characters; else "nn-" + the first 6 characters + '+'
 * + 5 hex digits of a hash of the whole name. '+' never occurs in a namespace name, so
 * a truncated name never equals the untruncated name of another namespace.
 * Return: 0, or -EINVAL for an invalid namespace name.
 */
int netns_ifname_host(const char *netns, char ret[static IFNAMSIZ]) {
        size_t n;

        if (!netns_name_is_valid(netns))
                return -EINVAL;
        n = strlen(netns);
        if (STRLEN(NETNS_IFNAME_PREFIX) + n < IFNAMSIZ) {
                (void) snprintf(ret, IFNAMSIZ, NETNS_IFNAME_PREFIX "%s", netns);
                return 0;
        }
        (void) snprintf(ret, IFNAMSIZ, NETNS_IFNAME_PREFIX "%.6s+%05llx", netns,
                        netns_name_hash(netns) & 0xfffffULL);
        return 0;
}
