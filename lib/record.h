/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* record.h - /run/netnsctl/NAME/state: the intent log that makes "up" undoable after a crash */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"

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
 *   (-EBADMSG), nothing of it is undone. A step that adds a key adds its grammar there.
 * - "netns INODE COOKIE" names the namespace; record_netns_open() opens it only when both
 *   match, so neither a recycled inode number nor a planted line makes "down" touch a
 *   namespace (or a veth into one) that "up" did not make.
 */

struct record {
        int fd;
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
void record_close(struct record *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct record *, record_close);

/* Append one line (no newline in @fmt's result allowed). 0 or -errno. */
int record_add(struct record *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
 * Known keys: complete, pin, sysfs, resolv, mntns (no arguments), "netns INODE [COOKIE]",
 * "veth IFNAME", "nat localnet|lo6 IFNAME", "nat sysctl net.KEY", "nat link|masq IFNAME ...",
 * "nat fwd ...". Other keys need only be printable ASCII (undo ignores what it does not know).
 * Return: 0 or -EBADMSG
 */
int record_line_check(const char *line, const char **ret_reason);

/* The namespace a record names: its "netns INODE [COOKIE]" line. */
struct record_netns {
        unsigned long long ino;
        uint64_t cookie; /* 0 = not recorded (a kernel without namespace cookies) */
};

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
