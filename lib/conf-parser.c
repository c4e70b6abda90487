/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf-parser.c - the INI engine: systemd's syntax, sections and keys dispatched through tables */

#include <stdarg.h>

#include "conf-parser.h"
#include "log.h"
#include "parse-util.h"
#include "util.h"

#define COMMENTS "#;"

int conf_syntax(struct conf_parser *p, const char *fmt, ...) {
        char msg[1024];
        va_list ap;

        p->failed = true;
        if (++p->n_problems > CONF_MAX_PROBLEMS)
                return -EINVAL;
        va_start(ap, fmt);
        (void) vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return log_syntax(p->file, p->line, "%s", msg);
}

struct conf_origin conf_origin(const struct conf_parser *p) {
        return (struct conf_origin) { .file = p->file, .line = p->line };
}

int conf_foreach_word(struct conf_parser *p, const struct conf_key *k, const char *value, void *base,
                      int (*fn)(struct conf_parser *p, const struct conf_key *k, const char *word, void *base)) {
        const char *s = value;
        int ret = 0;

        for (;;) {
                _cleanup_free_ char *w = NULL;
                size_t n;
                int r;

                while (is_ws(*s))
                        s++;
                if (!*s)
                        break;
                n = strcspn(s, WHITESPACE);
                w = strndup(s, n);
                if (!w)
                        return -ENOMEM;
                s += n;
                r = fn(p, k, w, base);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
        }
        return ret;
}

static struct conf_deferred *deferred_find(const struct conf_parser *p, const char *key) {
        for (size_t i = 0; i < p->n_deferred; i++)
                if (streq(p->deferred[i].key, key))
                        return &p->deferred[i];
        return NULL;
}

const struct conf_deferred *conf_deferred_get(const struct conf_parser *p, const char *key) {
        const struct conf_deferred *d = deferred_find(p, key);

        return d && d->value ? d : NULL; /* forgotten by an empty assignment */
}

int conf_defer(struct conf_parser *p, const char *key, const char *value) {
        struct conf_deferred *d = deferred_find(p, key);
        char *v = NULL;

        if (*value) {
                v = strdup(value);
                if (!v)
                        return -ENOMEM;
        }
        if (!d) {
                if (!v)
                        return 0;
                d = GROW_APPEND(p->deferred, p->n_deferred);
                if (!d) {
                        free(v);
                        return -ENOMEM;
                }
                d->key = key;
        }
        free(d->value);
        d->value = v;
        d->line = p->line;
        return 0;
}

static void deferred_clear(struct conf_parser *p) {
        for (size_t i = 0; i < p->n_deferred; i++)
                free(p->deferred[i].value);
        free(p->deferred);
        p->deferred = NULL;
        p->n_deferred = 0;
}

void conf_sections_free(const struct conf_section *sections, size_t n, void *object) {
        char *o = object;

        for (size_t i = 0; i < n; i++) {
                const struct conf_section *sec = &sections[i];

                if (sec->repeatable) {
                        char **array = (char **) (o + sec->offset);
                        size_t *count = (size_t *) (o + sec->offset_n);

                        for (size_t j = 0; sec->done && j < *count; j++)
                                sec->done(*array + j * sec->size);
                        free(*array);
                        *array = NULL;
                        *count = 0;
                } else if (sec->done)
                        sec->done(o + sec->offset);
        }
}

/* The open section's struct: for a repeatable section, its last element. */
static void *section_base(const struct conf_parser *p) {
        const struct conf_section *sec = p->section;
        char *o = p->object;

        if (sec->repeatable) {
                char *array = *(char **) (o + sec->offset);
                size_t n = *(size_t *) (o + sec->offset_n);

                return array + (n - 1) * sec->size;
        }
        return o + sec->offset;
}

static void section_end(struct conf_parser *p) {
        if (p->section && p->section->end) {
                unsigned saved = p->line;

                p->section->end(p, section_base(p));
                p->line = saved;
        }
        deferred_clear(p);
        p->section = NULL;
        p->ignored = false;
}

static int unknown_section(struct conf_parser *p, const char *name) {
        char list[256] = "";
        size_t off = 0;

        p->ignored = true;
        if (startswith(name, "X-"))
                return 0;
        for (size_t i = 0; i < p->n_sections && off < sizeof(list); i++)
                off += (size_t) snprintf(list + off, sizeof(list) - off, "%s[%s]", i ? ", " : "", p->sections[i].name);
        return conf_syntax(p, "Unknown section [%s] (sections: %s).", name, list);
}

static int section_start(struct conf_parser *p, const char *name) {
        const struct conf_section *sec = NULL;
        void *base;

        section_end(p);
        for (size_t i = 0; i < p->n_sections; i++)
                if (streq(name, p->sections[i].name))
                        sec = &p->sections[i];
        if (!sec)
                return unknown_section(p, name);
        if (sec->repeatable) {
                char *o = p->object;

                if (!array_grow_append((void **) (o + sec->offset), (size_t *) (o + sec->offset_n), sec->size))
                        return -ENOMEM;
        }
        p->section = sec;
        base = section_base(p);
        return sec->start ? sec->start(p, base) : 0;
}

static int assignment(struct conf_parser *p, const char *key, const char *value) {
        const struct conf_section *sec = p->section;
        void *base = section_base(p);
        int r;

        for (size_t i = 0; i < sec->n_keys; i++)
                if (streq(sec->keys[i].key, key))
                        return sec->keys[i].parse(p, &sec->keys[i], value, base);
        if (sec->other_key) {
                r = sec->other_key(p, key, value, base);
                if (r != -ENOENT)
                        return r;
        }
        return conf_syntax(p, "Unknown key %s= in section [%s].", key, sec->name);
}

/* One logical line, with continuations joined; modified in place. */
static int parse_line(struct conf_parser *p, char *l) {
        char *e, *key, *value;
        size_t n;

        l += strspn(l, WHITESPACE);
        n = strlen(l);
        while (n > 0 && is_ws(l[n - 1]))
                l[--n] = 0;
        if (n == 0)
                return 0;

        if (l[0] == '[') {
                if (l[n - 1] != ']' || n == 2)
                        return conf_syntax(p, "Invalid section header '%s'.", l);
                l[n - 1] = 0;
                return section_start(p, l + 1);
        }

        e = strchr(l, '=');
        if (!e)
                return conf_syntax(p, "Missing '=' in '%s'.", l);
        *e = 0;
        key = l;
        value = e + 1;
        for (n = strlen(key); n > 0 && is_ws(key[n - 1]); n--)
                key[n - 1] = 0;
        value += strspn(value, WHITESPACE);
        if (!*key)
                return conf_syntax(p, "Missing key name before '='.");

        if (p->ignored || startswith(key, "X-"))
                return 0;
        if (!p->section)
                return conf_syntax(p, "Assignment %s= outside of any section.", key);
        return assignment(p, key, value);
}

int conf_parse_text(struct conf_parser *p, const char *text, size_t size) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, pos = 0;
        unsigned phys = 0, start = 0;
        bool nul = false;
        int r;

        /* a logical line is never longer than the text: continuations only shorten it */
        buf = malloc(size + 1);
        if (!buf)
                return -ENOMEM;
        if (size >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
                pos = 3; /* UTF-8 byte order mark */

        while (pos < size) {
                const char *s = text + pos, *nl = memchr(s, '\n', size - pos);
                size_t l = nl ? (size_t) (nl - s) : size - pos, skip, bs = 0;

                pos += l + (nl ? 1 : 0);
                phys++;
                if (l > 0 && s[l - 1] == '\r')
                        l--;

                /* comment lines are skipped even inside a continuation, as systemd does */
                skip = 0;
                while (skip < l && is_ws(s[skip]))
                        skip++;
                if (skip < l && strchr(COMMENTS, s[skip]))
                        continue;

                if (len == 0)
                        start = phys;
                if (memchr(s, 0, l))
                        nul = true;
                memcpy(buf + len, s, l);
                len += l;
                buf[len] = 0;

                /* an odd number of trailing backslashes continues the line */
                while (bs < l && s[l - 1 - bs] == '\\')
                        bs++;
                if (bs % 2 == 1) {
                        buf[len - 1] = ' ';
                        if (pos < size)
                                continue;
                }

                p->line = start;
                if (nul)
                        (void) conf_syntax(p, "Line contains a NUL byte.");
                else {
                        r = parse_line(p, buf);
                        if (r == -ENOMEM)
                                goto oom;
                }
                len = 0;
                nul = false;
        }
        if (len > 0) { /* only possible if the input ended inside a continuation with a comment */
                p->line = start;
                r = nul ? conf_syntax(p, "Line contains a NUL byte.") : parse_line(p, buf);
                if (r == -ENOMEM)
                        goto oom;
        }
        p->line = phys;
        section_end(p);
        if (p->n_problems > CONF_MAX_PROBLEMS)
                (void) log_syntax(p->file, 0, "… and %u more problems.", p->n_problems - CONF_MAX_PROBLEMS);
        /* values may be keys (PrivateKey=): nothing of them stays in freed memory */
        explicit_bzero(buf, size + 1);
        return p->failed ? -EINVAL : 0;

oom:
        explicit_bzero(buf, size + 1);
        deferred_clear(p);
        return -ENOMEM;
}
