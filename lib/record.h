/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* record.h - /run/netnsctl/NAME/state: the intent log that makes "up" undoable after a crash */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "macro.h"
#include "firewall.h"
#include "name.h"
#include "nft.h"

/*
 * Every step of "netnsctl up" appends a line saying what it is ABOUT to make, before making
 * it ("veth nn-vpn", "nft-elem ..."), with one write(2) per line (O_APPEND). "down" — or the
 * next "up" after a crash — undoes the lines in reverse order, and every undo tolerates the
 * object not existing. The last line of a finished "up" is "complete".
 *
 * The record decides what root removes, so it is trusted only as far as it is safe:
 * - /run/netnsctl must be a directory owned by root, writable by root only; NAME/ a real
 *   directory (no symlink) owned by root, mode 0700; state a regular file (no symlink, one
 *   link) owned by root, writable by root only. Anything else is refused (-EPERM).
 * - every line must follow the grammar of its key (record_line_check()): an interface name
 *   must be a valid one, a number a number; a record with one bad line is refused whole
 *   (-EBADMSG), nothing of it is undone. A step that adds a key adds its row to the table
 *   of keys in record.c (its words, its parse function, its undo handler) and a typed
 *   record_add_*() writer; nothing else spells record lines.
 * - "netns INODE COOKIE" names the namespace; record_netns_open() opens it only when both
 *   match, so neither a recycled inode number nor a planted line makes "down" touch a
 *   namespace (or a veth into one) that "up" did not make.
 */

struct record {
        int fd;     /* -1: a record_new_lines() one */
        char ***lines;
        char *dir;  /* /run/netnsctl/NAME */
        char *path; /* /run/netnsctl/NAME/state */
};

/* RUNDIR/NAME (malloc'd) */
char *record_dir(const char *name);

/**
 * record_create() - start a fresh record for @name (the state dir is made, 0700)
 * Return: 0 or -errno; -EEXIST if a record is already there, -EPERM if the run dir or the
 * state dir is not safe (see above)
 */
int record_create(const char *name, struct record **ret);
/**
 * record_new_lines() - a record whose writers append to the list @lines instead of a file
 * @lines: a NULL-terminated list (*@lines may be NULL) that the typed writers extend
 * @ret: the record (record_close() it)
 *
 * For "reload", which writes a whole new record with record_replace().
 * Return: 0 or -ENOMEM
 */
int record_new_lines(char ***lines, struct record **ret);
void record_close(struct record *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct record *, record_close);

/**
 * record_add() - append one line, checked against the grammar (see record_line_check())
 * @r: the record
 * @fmt: the line (no newline in its result)
 *
 * The steps use the typed writers below; this is what they are made of.
 * Return: 0, -EINVAL for a line the grammar refuses, -errno
 */
int record_add(struct record *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------------------------------
 * The keys of a record and their arguments
 */

enum record_key {
        RECORD_COMPLETE,        /* complete: the last line of a finished "up" */
        RECORD_PIN,             /* pin: the pin /run/netns/NAME is about to be made */
        RECORD_NETNS,           /* netns INODE [COOKIE]: the namespace made (no cookie: kernel < 5.14) */
        RECORD_VETH,            /* veth IFNAME: the host end of the veth pair */
        RECORD_LINK_MOVED,      /* link-moved ORIGNAME NAMEINSIDE MAC|- MTU up|down: a host link moved in */
        RECORD_LINK_NEW,        /* link-new NAMEINSIDE KIND: a device made inside */
        RECORD_LINK_HOST,       /* link-host TMPNAME KIND: a device made on the host, before its move */
        RECORD_WG_HOST,         /* wg-host TMPNAME: a WireGuard device made on the host, before its move */
        RECORD_WG,              /* wg NAME: that device inside, after the move */
        RECORD_NAT,             /* nat ...: see enum record_nat */
        RECORD_SYSFS,           /* sysfs: the namespace's sysfs mount below the state dir */
        RECORD_RESOLV,          /* resolv: the namespace's resolv.conf below the state dir */
        RECORD_MNTNS,           /* mntns: the prepared mount namespace, pinned below the state dir */
        RECORD_PEER,            /* peer NAME: this namespace's entry in NAME's directory of the peer index */
        RECORD_FIREWALL,        /* firewall table | firewall host|forward|allow ...: the table inside, its rules */
        _RECORD_KEY_MAX,
        RECORD_UNKNOWN = -1,    /* a key of a later version: printable words, undo ignores it */
};

enum record_nat {
        RECORD_NAT_ELEM,        /* nat link IF | nat masq IF 4|6 | nat fwd ...: an element of the NAT table */
        RECORD_NAT_LOCALNET,    /* nat localnet IF: net.ipv4.conf.IF.route_localnet=1 */
        RECORD_NAT_LO6,         /* nat lo6 IF: route "local ::1 dev IF table local" */
        RECORD_NAT_SYSCTL,      /* nat sysctl net.KEY: a hold on host sysctl KEY */
        RECORD_NAT_OTHER,       /* plain words this version does not know */
};

/* The namespace a record names: its "netns INODE [COOKIE]" line. */
struct record_netns {
        unsigned long long ino;
        uint64_t cookie; /* 0 = not recorded (a kernel without namespace cookies) */
};

/* One line, parsed. */
struct record_entry {
        enum record_key key;
        const char *args;   /* the line after the key ("" if none): valid while the line parsed is */
        union {
                struct record_netns netns;              /* RECORD_NETNS */
                char veth[IFNAMSIZ];                    /* RECORD_VETH: the host end */
                struct record_link_moved {
                        char orig[IFNAMSIZ];            /* its name on the host */
                        char inside[IFNAMSIZ];          /* its name inside */
                        uint8_t mac[32];                /* to find it again when renamed */
                        size_t mac_len;                 /* 0: a link without one ("-") */
                        uint32_t mtu;
                        bool up;
                } link_moved;                           /* RECORD_LINK_MOVED */
                struct {
                        char ifname[IFNAMSIZ];
                        char kind[16];
                } link_new;                             /* RECORD_LINK_NEW, RECORD_LINK_HOST */
                char wg[IFNAMSIZ];                      /* RECORD_WG, RECORD_WG_HOST */
                char peer[NETNS_NAME_MAX + 1];          /* RECORD_PEER */
                struct {
                        enum record_nat what;
                        struct nat_elem elem;           /* RECORD_NAT_ELEM */
                        char ifname[IFNAMSIZ];          /* RECORD_NAT_LOCALNET, RECORD_NAT_LO6 */
                        char sysctl[128];               /* RECORD_NAT_SYSCTL */
                } nat;                                  /* RECORD_NAT */
                struct {
                        bool table;                     /* "firewall table": the table itself (undone) */
                        struct fw_rule rule;            /* else one of its rules (undone with it) */
                } fw;                                   /* RECORD_FIREWALL */
        };
};

/**
 * record_entry_parse() - parse one line by the grammar of its key
 * @line: one line, without the newline
 * @ret: the entry (RECORD_UNKNOWN for a key this version does not know)
 * @ret_reason: if not NULL, on failure what is wrong (static string)
 * Return: 0 or -EBADMSG
 */
int record_entry_parse(const char *line, struct record_entry *ret, const char **ret_reason);

/* Writers, one per key: the only way the steps spell a record line. 0 or -errno (-EINVAL:
 * an argument the grammar refuses). */
/* complete, pin, sysfs, resolv, mntns: the keys without arguments */
int record_add_key(struct record *r, enum record_key key);
/* netns INODE [COOKIE]; @cookie 0: none (a kernel without namespace cookies) */
int record_add_netns(struct record *r, unsigned long long ino, uint64_t cookie);
int record_add_veth(struct record *r, const char *host_ifname);
int record_add_link_moved(struct record *r, const char *orig, const char *inside, const uint8_t *mac, size_t mac_len,
                          uint32_t mtu, bool up);
int record_add_link_new(struct record *r, const char *ifname, const char *kind);
/* link-host TMPNAME KIND */
int record_add_link_host(struct record *r, const char *ifname, const char *kind);
/* nat link|masq|fwd ...: -EINVAL also when @e cannot be written (nat_elem_format()) */
int record_add_nat_elem(struct record *r, const struct nat_elem *e);
/* nat localnet IF, nat lo6 IF (@what RECORD_NAT_LOCALNET or RECORD_NAT_LO6), nat sysctl KEY */
int record_add_nat_link(struct record *r, enum record_nat what, const char *ifname);
int record_add_nat_sysctl(struct record *r, const char *key);
/* wg-host TMPNAME, wg NAME (@key RECORD_WG_HOST or RECORD_WG) */
int record_add_wg(struct record *r, enum record_key key, const char *ifname);
/* peer NAME: @peer a valid namespace name (lib/peer-index.h) */
int record_add_peer(struct record *r, const char *peer);
/* firewall table; firewall host|forward|allow ... (-EINVAL: @rule cannot be written) */
int record_add_fw_table(struct record *r);
int record_add_fw_rule(struct record *r, const struct fw_rule *rule);

/**
 * record_undo_entry() - call the undo handler of @e's key
 * @u: the undo context (helper/steps.h)
 * @e: the entry
 *
 * The handlers are the helper's (undo_KEY() in helper/step-*.c); "complete" has none, a key
 * of a later version is ignored with a warning.
 * Return: what the handler returned: 0 when done or nothing to do, -errno (logged);
 * -ENOSYS (not logged) in a program linked without the handler
 */
struct undo_ctx;
int record_undo_entry(struct undo_ctx *u, const struct record_entry *e);

/**
 * record_load() - the lines of @name's record, oldest first
 * Quiet: refusals are logged at debug level (list and status call it for every namespace).
 * Return: 0, -ENOENT when there is no record, -EPERM when the record or a directory on its
 * way is not safe, -EBADMSG when a line breaks the grammar, -errno
 */
int record_load(const char *name, char ***ret_lines);

/**
 * record_load_full() - record_load(), reporting a refusal at @log_level
 * @name: namespace name
 * @log_level: LOG_ERR for "down" and "up", which act on the record
 * @ret_lines: the lines
 *
 * The report names the path and why ("STATE:LINE: invalid entry ..." for a bad line).
 * Return: as record_load()
 */
int record_load_full(const char *name, int log_level, char ***ret_lines);

/**
 * record_line_check() - does @line follow the grammar of its key
 * @line: one line, without the newline
 * @ret_reason: if not NULL, on failure what is wrong (static string)
 *
 * The keys are enum record_key's. Other keys need only be lower-case words (undo ignores
 * what it does not know).
 * Return: 0 or -EBADMSG
 */
int record_line_check(const char *line, const char **ret_reason);

/* record_complete() - whether @lines are the record of a finished "up" (ends in "complete") */
bool record_complete(char *const *lines);

/**
 * record_nat_elems() - the elements of the NAT table that @lines recorded ("nat link|masq|fwd")
 * @lines: the record
 * @elems: the elements are appended to *@elems (malloc'd)
 * @n: the number of elements in *@elems
 * Return: the number appended, or -ENOMEM
 */
int record_nat_elems(char *const *lines, struct nat_elem **elems, size_t *n);

/**
 * record_fw() - the firewall the record says is in force
 * @lines: the record
 * @ret_rules: its rules (malloc'd, NULL when none)
 * @ret_n: their number
 * Return: 1 when it has a "firewall table" line, 0 when not, -ENOMEM
 */
int record_fw(char *const *lines, struct fw_rule **ret_rules, size_t *ret_n);

/**
 * record_netns_id() - the namespace @lines name
 * Return: 1 and *@ret filled, 0 when there is no "netns" line
 */
int record_netns_id(char *const *lines, struct record_netns *ret);

/**
 * record_netns_open() - open the namespace @lines say "up" made, if it still exists
 * @name: namespace name: its pin is tried first, then the processes (/proc/PID/ns/net)
 * @lines: the record
 * @ret_pinned: if not NULL, set to whether the namespace was found at its pin
 *
 * Only the very namespace: inode and cookie must both match (on a kernel without cookies,
 * the inode, and only at the pin). A live pin that holds another namespace is not it.
 * Return: an O_CLOEXEC fd, -ENOENT when the record names no namespace or it is gone, -errno
 */
int record_netns_open(const char *name, char *const *lines, bool *ret_pinned);

/* Remove the record and its directory (after everything in it was undone). */
int record_remove(const char *name);

/**
 * record_replace() - make @lines the record of @name, at once (a new file, renamed over it)
 * @name: namespace name (its record exists)
 * @lines: the whole record, each line as the grammar has it
 *
 * The new file has the properties record_load() insists on (root's, 0600, one link); a
 * crash leaves the old record or the new one, never a mix.
 * Return: 0, -EINVAL for a line or an order the grammar refuses (a bug), -EPERM (unsafe
 * directory), -errno
 */
int record_replace(const char *name, char *const *lines);

/**
 * record_file_write() - put @data into RUNDIR/NAME/@leaf at once (@leaf.new, fsync, rename)
 * @name: namespace name; its state directory must exist and be safe
 * @leaf: the file name in it
 * @data: the content
 * @size: its length
 * Return: 0, -EPERM (unsafe directory), -errno
 */
int record_file_write(const char *name, const char *leaf, const void *data, size_t size);

/**
 * record_file_read() - the content of RUNDIR/NAME/@leaf, with record_load()'s checks
 * Return: 0, -ENOENT, -EPERM (not a regular file of root's alone, or an unsafe directory), -errno
 */
int record_file_read(const char *name, const char *leaf, char **ret, size_t *ret_size);
