/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* json.c - a small streaming JSON writer that places its own commas, for --json output */

#include <assert.h>
#include <stdint.h>

#include "json.h"
#include "macro.h"

/* Length of the UTF-8 sequence starting at @s, or 0 if it is not a valid one. */
static size_t utf8_len(const unsigned char *s) {
        size_t n;
        uint32_t cp;

        if (s[0] < 0x80)
                return 1;
        if ((s[0] & 0xe0) == 0xc0)
                n = 2, cp = s[0] & 0x1f;
        else if ((s[0] & 0xf0) == 0xe0)
                n = 3, cp = s[0] & 0x0f;
        else if ((s[0] & 0xf8) == 0xf0)
                n = 4, cp = s[0] & 0x07;
        else
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        /* overlong forms, surrogates, beyond U+10FFFF */
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                return 0;
        return n;
}

void json_write_string(FILE *f, const char *s) {
        const unsigned char *p;

        if (!s) {
                fputs("null", f);
                return;
        }
        fputc('"', f);
        for (p = (const unsigned char *) s; *p;) {
                size_t n;

                switch (*p) {
                case '"':
                        fputs("\\\"", f);
                        break;
                case '\\':
                        fputs("\\\\", f);
                        break;
                case '\n':
                        fputs("\\n", f);
                        break;
                case '\t':
                        fputs("\\t", f);
                        break;
                case '\r':
                        fputs("\\r", f);
                        break;
                default:
                        if (*p < 0x20 || *p == 0x7f) {
                                fprintf(f, "\\u%04x", *p);
                                break;
                        }
                        n = utf8_len(p);
                        if (n == 0) {
                                fputs("\\ufffd", f);
                                break;
                        }
                        fwrite(p, 1, n, f);
                        p += n;
                        continue;
                }
                p++;
        }
        fputc('"', f);
}

/* Before a value: the separator its place needs, and its key. */
static void member(struct json *j, const char *key) {
        if (j->depth > 0) {
                unsigned d = j->depth - 1;

                if (!j->first[d])
                        fputc(',', j->f);
                if (j->lines[d])
                        fputs("\n  ", j->f);
                j->first[d] = false;
        }
        if (key) {
                json_write_string(j->f, key);
                fputc(':', j->f);
        }
}

/* After a value: at the top, the end of its line. */
static void value_end(struct json *j) {
        if (j->depth == 0)
                fputc('\n', j->f);
}

static void open_level(struct json *j, const char *key, char c, bool lines) {
        member(j, key);
        fputc(c, j->f);
        assert(j->depth < JSON_DEPTH_MAX);
        j->first[j->depth] = true;
        j->lines[j->depth] = lines;
        j->depth++;
}

static void close_level(struct json *j, char c) {
        assert(j->depth > 0);
        j->depth--;
        if (j->lines[j->depth] && !j->first[j->depth])
                fputc('\n', j->f);
        fputc(c, j->f);
        value_end(j);
}

void json_object_begin(struct json *j, const char *key) {
        open_level(j, key, '{', false);
}

void json_object_end(struct json *j) {
        close_level(j, '}');
}

void json_array_begin(struct json *j, const char *key) {
        open_level(j, key, '[', false);
}

void json_array_begin_lines(struct json *j, const char *key) {
        open_level(j, key, '[', true);
}

void json_array_end(struct json *j) {
        close_level(j, ']');
}

void json_string(struct json *j, const char *key, const char *value) {
        member(j, key);
        json_write_string(j->f, value);
        value_end(j);
}

void json_bool(struct json *j, const char *key, bool value) {
        member(j, key);
        fputs(value ? "true" : "false", j->f);
        value_end(j);
}

void json_int(struct json *j, const char *key, long long value) {
        member(j, key);
        fprintf(j->f, "%lld", value);
        value_end(j);
}

void json_uint(struct json *j, const char *key, unsigned long long value) {
        member(j, key);
        fprintf(j->f, "%llu", value);
        value_end(j);
}

void json_null(struct json *j, const char *key) {
        member(j, key);
        fputs("null", j->f);
        value_end(j);
}

void json_strv(struct json *j, const char *key, char *const *l) {
        json_array_begin(j, key);
        for (char *const *p = l; p && *p; p++)
                json_string(j, NULL, *p);
        json_array_end(j);
}
