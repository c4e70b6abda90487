/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf-parser.h - the INI engine: systemd's syntax, sections and keys dispatched through tables */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

/* Where a setting came from, for messages at run time ("vpn.conf:7: address ... in use"). */
struct conf_origin {
        const char *file; /* points into netns_config.files, owned there */
        unsigned line;
};

struct conf_parser;
struct conf_key;

/*
 * A key's parser: @base is the open section's struct (an element of a repeatable one), the
 * field is at @k->offset in it. An empty @value resets the key. A bad value is reported with
 * conf_syntax() and returns -EINVAL; parsing goes on. Only -ENOMEM stops it.
 */
typedef int (*conf_parse_t)(struct conf_parser *p, const struct conf_key *k, const char *value, void *base);

struct conf_key {
        const char *key;
        conf_parse_t parse;
        size_t offset;    /* of the field in the section's struct */
        size_t offset_n;  /* of its element count, for arrays */
        size_t data;      /* parser specific: a default value, the offset of a flag */
};

/*
 * A section. Adding a section is one entry in a table of these, its struct and its step. A
 * singular section ([Veth]) may appear several times, in several files: each time adds to the
 * same struct. Each header of a repeatable one ([Link]) appends a zeroed element to its array.
 */
struct conf_section {
        const char *name;
        bool repeatable;
        size_t size;      /* repeatable: the size of an element */
        size_t offset;    /* in the object: the section's struct; repeatable: the array pointer */
        size_t offset_n;  /* repeatable: in the object, the element count (size_t) */
        const struct conf_key *keys;
        size_t n_keys;
        /* at each header, after the element is appended; NULL = nothing to do */
        int (*start)(struct conf_parser *p, void *base);
        /* a key not in @keys: -ENOENT if unknown there too; NULL = none */
        int (*other_key)(struct conf_parser *p, const char *key, const char *value, void *base);
        /* the end of the section: checks that need all of it; NULL = none */
        void (*end)(struct conf_parser *p, void *base);
        /* free what the section's struct (each element) owns; NULL = nothing */
        void (*done)(void *base);
};

/* An assignment kept until its section ends (conf_defer()). */
struct conf_deferred {
        const char *key;  /* static: a table's spelling */
        char *value;
        unsigned line;
};

/* Problems reported per file; the rest are counted and summed up in one line ("... and N
 * more"): a binary file would otherwise print a line per byte run. */
#define CONF_MAX_PROBLEMS 20

struct conf_parser {
        const struct conf_section *sections;
        size_t n_sections;
        void *object;     /* what the sections' offsets are relative to */
        const char *file; /* for messages; must outlive @object's origins */
        unsigned line;    /* the line being parsed: the first of a continued one */
        const struct conf_section *section; /* the open section, NULL outside any */
        bool ignored;     /* in an unknown or X- section: its keys are skipped */
        bool failed;
        unsigned n_problems; /* reported so far; after CONF_MAX_PROBLEMS only counted */
        struct conf_deferred *deferred;
        size_t n_deferred;
};

#define CONF_FIELD(base, k, type) ((type *) ((char *) (base) + (k)->offset))
#define CONF_FIELD_N(base, k) ((size_t *) ((char *) (base) + (k)->offset_n))

/**
 * conf_parse_text() - parse one file's text through @p's section table
 * @p: parser with sections, n_sections, object and file set; the rest zero
 * @text: contents, need not be NUL-terminated
 * @size: length of @text
 *
 * systemd's INI syntax: comments (# ;), continuation lines (a trailing backslash), a UTF-8
 * byte order mark, CRLF line ends; sections and keys named X-... are ignored. Every problem
 * is reported as "FILE:LINE: message" and parsing goes on, so one run lists all of them.
 * Return: 0, -EINVAL if any problem was found, -ENOMEM.
 */
int conf_parse_text(struct conf_parser *p, const char *text, size_t size);

/**
 * conf_syntax() - report a problem at the current line and mark the parse failed
 * @p: the parser
 * @fmt: the message, without file and line
 * Return: -EINVAL.
 */
int conf_syntax(struct conf_parser *p, const char *fmt, ...) _printf_(2, 3);

/**
 * conf_origin() - the current file and line, to keep with a setting
 * @p: the parser
 * Return: the origin.
 */
struct conf_origin conf_origin(const struct conf_parser *p);

/**
 * conf_foreach_word() - call @fn on each whitespace-separated word of @value
 * @p: the parser
 * @k: the key, passed on
 * @value: the value
 * @base: the section's struct, passed on
 * @fn: reports a bad word itself; the other words are still taken
 * Return: 0, -EINVAL if a word was bad, -ENOMEM (stops at once).
 */
int conf_foreach_word(struct conf_parser *p, const struct conf_key *k, const char *value, void *base,
                      int (*fn)(struct conf_parser *p, const struct conf_key *k, const char *word, void *base));

/**
 * conf_defer() - keep @key=@value with its line until the section ends
 * @p: the parser
 * @key: a static spelling of the key; a later assignment of it replaces the earlier
 * @value: the value (copied); empty = forget it
 *
 * For keys whose meaning depends on another key that may come later in the section ([Link]'s
 * Mode= depends on Type=); the section's end() reads them with conf_deferred_get().
 * Return: 0 or -ENOMEM.
 */
int conf_defer(struct conf_parser *p, const char *key, const char *value);

/**
 * conf_deferred_get() - the deferred assignment of @key in the open section, if any
 * @p: the parser
 * @key: the key's spelling as given to conf_defer()
 * Return: the assignment (its line and value), or NULL.
 */
const struct conf_deferred *conf_deferred_get(const struct conf_parser *p, const char *key);

/**
 * conf_sections_free() - free what the sections of @object own, through their done()
 * @sections: the table
 * @n: its length
 * @object: what the offsets are relative to; the arrays of repeatable sections are freed
 *          and emptied, @object itself is not
 */
void conf_sections_free(const struct conf_section *sections, size_t n, void *object);
