/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* record.h - /run/netnsctl/NAME/state: the intent log that makes "up" undoable after a crash */
#pragma once

#include <stdbool.h>

#include "macro.h"

/*
 * Every step of "netnsctl up" appends a line saying what it is ABOUT to make, before making
 * it ("veth nn-vpn", "nft-elem ..."), with one write(2) per line (O_APPEND). "down" — or the
 * next "up" after a crash — undoes the lines in reverse order, and every undo tolerates the
 * object not existing. The last line of a finished "up" is "complete".
 * The directory is root-only (0700), so nobody else can make netnsctl undo something it did
 * not make.
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
 * Return: 0 or -errno; -EEXIST if a record is already there
 */
int record_create(const char *name, struct record **ret);
void record_close(struct record *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct record *, record_close);

/* Append one line (no newline in @fmt's result allowed). 0 or -errno. */
int record_add(struct record *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * record_load() - the lines of @name's record, oldest first
 * Return: 0, -ENOENT when there is no record, -errno
 */
int record_load(const char *name, char ***ret_lines);

/* Remove the record and its directory (after everything in it was undone). */
int record_remove(const char *name);
