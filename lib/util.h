/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util.h - file, string and list helpers */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "macro.h"

/* Append a copy of @s to the NULL-terminated list *@l. 0 or -ENOMEM. */
int strv_extend(char ***l, const char *s);
/* Append @s, taking ownership (freed on failure). 0 or -ENOMEM. */
int strv_consume(char ***l, char *s);
/* The strings of @l, @sep between them; "" for an empty list; malloc'd or NULL on OOM */
char *strv_join(char **l, const char *sep);
bool strv_contains(char *const *l, const char *s);
/* Sort a NULL-terminated list in place (strcmp order). */
void strv_sort(char **l);

/* Grow a typed array by one zeroed element: GREEDY_APPEND(arr, n) returns a pointer to the new element or NULL. */
void *array_append(void **array, size_t *n, size_t elem_size);
#define ARRAY_APPEND(array, n) ((__typeof__(*(array)) *) array_append((void **) &(array), &(n), sizeof(*(array))))

/**
 * array_grow() - make room for @need elements in an array that holds @n, growing geometrically
 * @array: the array, realloc'd; grown by array_grow() alone, as its capacity is not stored: it
 *         follows from @n (0 for none, else the next power of two, at least 8)
 * @n: the elements it holds (a shrunk count is fine: the capacity only grows)
 * @need: the elements it must have room for
 * @elem_size: the size of one
 *
 * Appending n elements one by one costs O(n) copies in all, not O(n^2).
 * Return: 0, or -ENOMEM (also when the size would overflow).
 */
int array_grow(void **array, size_t n, size_t need, size_t elem_size);
/* array_grow() by one, zeroed: a pointer to the new element (*@n incremented), or NULL on OOM */
void *array_grow_append(void **array, size_t *n, size_t elem_size);
#define GROW_APPEND(array, n) ((__typeof__(*(array)) *) array_grow_append((void **) &(array), &(n), sizeof(*(array))))

/* asprintf() that returns the string or NULL */
char *strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* snprintf() into @buf (@size bytes) that says whether all of it fit: @buf, or NULL when the
 * output was cut (or failed). What to use where a cut string would be a wrong name or path. */
char *snprintf_ok(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Read a whole file or fd (up to @max bytes, NUL-terminated; -EFBIG beyond). Returns 0 or -errno. */
/* microseconds on @clock */
uint64_t now_usec(clockid_t clock);

int read_full_fd(int fd, size_t max, char **ret, size_t *ret_size);
int read_full_file(const char *path, size_t max, char **ret, size_t *ret_size);
/* Write @s to @path, atomically (temp file + rename), mode 0644. */
int write_file_atomic(const char *path, const char *s);
/* Write @s to an existing file such as /proc/sys/... (no create, no truncate dance). */
int write_string_file(const char *path, const char *s);
/* mkdir -p with @mode */
int mkdir_p(const char *path, mode_t mode);
/* rm -rf of @path without crossing mount points; 0 when it did not exist */
int rm_rf(const char *path);
