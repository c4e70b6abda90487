/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* json.h - a small streaming JSON writer that places its own commas, for --json output */
#pragma once

#include <stdbool.h>
#include <stdio.h>

/*
 * Values are written as they come, nothing is buffered: open an object or array, add members
 * (each with its key inside an object, with a NULL key inside an array or at the top), close
 * it. The writer puts the commas and colons. A top-level value ends with a newline, so a
 * stream of them (monitor's events) is one document per line.
 *
 * Output is compact, without spaces, except for an array opened with json_array_begin_lines():
 * each of its elements starts a line of its own, indented by two spaces, and the closing
 * bracket ends a line of its own when the array is not empty ("[\n  {...},\n  {...}\n]").
 */

#define JSON_DEPTH_MAX 16

struct json {
        FILE *f;
        unsigned depth;
        /* per open level: no member written yet; its elements go on lines of their own */
        bool first[JSON_DEPTH_MAX];
        bool lines[JSON_DEPTH_MAX];
};

/* A writer on @f (stdout, usually). */
static inline struct json json_new(FILE *f) {
        return (struct json) { .f = f };
}

/**
 * json_write_string() - write @s as a JSON string (quoted, escaped), or null when @s is NULL
 * @f: stream
 * @s: UTF-8 text; bytes that are not valid UTF-8 are written as U+FFFD
 */
void json_write_string(FILE *f, const char *s);

/**
 * json_object_begin() - open an object
 * @j: writer
 * @key: its key inside an object; NULL inside an array or at the top
 */
void json_object_begin(struct json *j, const char *key);
/* json_object_end() - close the innermost object (and the line, at the top) */
void json_object_end(struct json *j);

/**
 * json_array_begin() - open an array
 * @j: writer
 * @key: its key inside an object; NULL inside an array or at the top
 */
void json_array_begin(struct json *j, const char *key);
/* json_array_begin_lines() - open an array whose elements go on lines of their own (see above) */
void json_array_begin_lines(struct json *j, const char *key);
/* json_array_end() - close the innermost array (and the line, at the top) */
void json_array_end(struct json *j);

/* Members: @key inside an object, NULL inside an array. */
/* json_string() - @value as a string, null when @value is NULL */
void json_string(struct json *j, const char *key, const char *value);
void json_bool(struct json *j, const char *key, bool value);
void json_int(struct json *j, const char *key, long long value);
void json_uint(struct json *j, const char *key, unsigned long long value);
void json_null(struct json *j, const char *key);
/* json_strv() - a NULL-terminated list of strings as an array; NULL @l is an empty array */
void json_strv(struct json *j, const char *key, char *const *l);
