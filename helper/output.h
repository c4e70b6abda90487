/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* output.h - what netnsctl prints for people: tables, colours, the pager (JSON: lib/json.h) */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "macro.h"

/* Colours: only when stdout is a terminal and neither $NO_COLOR nor $SYSTEMD_COLORS=0 say no. */
enum color {
        COLOR_NONE,
        COLOR_GREEN,
        COLOR_YELLOW,
        COLOR_RED,
        COLOR_GREY,
        COLOR_BOLD,
};

bool colors_enabled(void);
/* The escape sequence that starts @c, or "" when colours are off */
const char *color_on(enum color c);
/* The sequence that ends a colour, or "" when colours are off */
const char *color_off(void);

/* A table for people: columns sized to their widest cell, a header unless --no-legend. */
struct table;

/**
 * table_new() - a table with the given column headers
 * @header: NULL-terminated list of column titles
 * Return: the table, or NULL on OOM
 */
struct table *table_new(const char *const *header);
void table_free(struct table *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct table *, table_free);

/**
 * table_add() - append the next cell (row by row, left to right)
 * @t: table
 * @color: colour of the cell (shown only when colours are enabled)
 * @s: text, copied; NULL shows as "-"
 * Return: 0 or -ENOMEM
 */
int table_add(struct table *t, enum color color, const char *s);
/* Like table_add(), with printf formatting */
int table_addf(struct table *t, enum color color, const char *fmt, ...) _printf_(3, 4);

/* Print @t to stdout; @legend: print the header line. */
void table_print(const struct table *t, bool legend);

/**
 * pager_open() - send stdout through a pager, as systemctl does
 *
 * Only when stdout is a terminal and --no-pager was not given. The pager is
 * $NETNSCTL_PAGER, $SYSTEMD_PAGER or $PAGER ("cat" or "" = none), else less, else more;
 * less gets LESS=FRXMK unless $LESS is set, so output that fits the screen is just printed.
 * The pager is waited for at exit.
 */
void pager_open(void);
