/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* output.c - what netnsctl prints for people: tables, colours, the pager (JSON: lib/json.c) */

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "output.h"
#include "util.h"
#include "verbs.h"

bool colors_enabled(void) {
        static int cached = -1;

        if (cached < 0) {
                const char *e = getenv("SYSTEMD_COLORS");

                if (getenv("NO_COLOR"))
                        cached = 0;
                else if (e && (streq(e, "0") || streq(e, "no") || streq(e, "false")))
                        cached = 0;
                else if (e && (streq(e, "1") || streq(e, "yes") || streq(e, "true")))
                        cached = 1;
                else {
                        const char *term = getenv("TERM");

                        cached = isatty(STDOUT_FILENO) && !streq_ptr(term, "dumb");
                }
        }
        return cached;
}

const char *color_on(enum color c) {
        if (!colors_enabled())
                return "";
        switch (c) {
        case COLOR_GREEN:
                return "\033[0;1;32m";
        case COLOR_YELLOW:
                return "\033[0;1;33m";
        case COLOR_RED:
                return "\033[0;1;31m";
        case COLOR_GREY:
                return "\033[0;38;5;245m";
        case COLOR_BOLD:
                return "\033[1m";
        case COLOR_NONE:
        default:
                return "";
        }
}

const char *color_off(void) {
        return colors_enabled() ? "\033[0m" : "";
}

struct cell {
        char *text;
        enum color color;
};

struct table {
        size_t n_cols;
        struct cell *cells; /* header row first */
        size_t n_cells;
};

struct table *table_new(const char *const *header) {
        struct table *t = calloc(1, sizeof(*t));

        if (!t)
                return NULL;
        while (header[t->n_cols])
                t->n_cols++;
        for (size_t i = 0; i < t->n_cols; i++)
                if (table_add(t, COLOR_NONE, header[i]) < 0) {
                        table_free(t);
                        return NULL;
                }
        return t;
}

void table_free(struct table *t) {
        if (!t)
                return;
        for (size_t i = 0; i < t->n_cells; i++)
                free(t->cells[i].text);
        free(t->cells);
        free(t);
}

int table_add(struct table *t, enum color color, const char *s) {
        struct cell *c;
        char *text = strdup(s ?: "-");

        if (!text)
                return -ENOMEM;
        c = ARRAY_APPEND(t->cells, t->n_cells);
        if (!c) {
                free(text);
                return -ENOMEM;
        }
        *c = (struct cell) { .text = text, .color = color };
        return 0;
}

int table_addf(struct table *t, enum color color, const char *fmt, ...) {
        _cleanup_free_ char *s = NULL;
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        return table_add(t, color, s);
}

/* Display width: count code points, not bytes (names and addresses are ASCII anyway). */
static size_t text_width(const char *s) {
        size_t w = 0;

        for (; *s; s++)
                if (((unsigned char) *s & 0xc0) != 0x80)
                        w++;
        return w;
}

void table_print(const struct table *t, bool legend) {
        _cleanup_free_ size_t *width = calloc(t->n_cols ?: 1, sizeof(size_t));

        if (!width || t->n_cols == 0)
                return;
        for (size_t i = legend ? 0 : t->n_cols; i < t->n_cells; i++) {
                size_t w = text_width(t->cells[i].text);

                if (w > width[i % t->n_cols])
                        width[i % t->n_cols] = w;
        }
        for (size_t i = legend ? 0 : t->n_cols; i < t->n_cells; i++) {
                size_t col = i % t->n_cols;
                const struct cell *c = &t->cells[i];
                bool header = i < t->n_cols, last = col == t->n_cols - 1;
                enum color color = header ? COLOR_BOLD : c->color;

                fputs(color_on(color), stdout);
                fputs(c->text, stdout);
                if (color != COLOR_NONE)
                        fputs(color_off(), stdout);
                if (!last) {
                        /* no padding before nothing: empty cells at the end of a row */
                        size_t row_end = i - col + t->n_cols;
                        bool rest_empty = true;

                        for (size_t k = i + 1; k < row_end && k < t->n_cells; k++)
                                if (t->cells[k].text[0])
                                        rest_empty = false;
                        if (!rest_empty)
                                printf("%*s", (int) (width[col] - text_width(c->text) + 1), "");
                } else
                        fputc('\n', stdout);
        }
        if (t->n_cells % t->n_cols)
                fputc('\n', stdout);
}

static pid_t pager_pid;

static void pager_close(void) {
        if (pager_pid <= 0)
                return;
        /* EOF for the pager, then let the user read on until they quit it */
        (void) fflush(stdout);
        (void) fclose(stdout);
        (void) close(STDOUT_FILENO);
        while (waitpid(pager_pid, NULL, 0) < 0 && errno == EINTR)
                ;
        pager_pid = 0;
}

void pager_open(void) {
        const char *pager;
        int fds[2];
        pid_t pid;

        /* decide about colours while stdout is still the terminal */
        (void) colors_enabled();
        if (arg.no_pager || pager_pid > 0 || !isatty(STDOUT_FILENO))
                return;
        pager = getenv("NETNSCTL_PAGER");
        if (!pager)
                pager = getenv("SYSTEMD_PAGER");
        if (!pager)
                pager = getenv("PAGER");
        if (pager && (streq(pager, "") || streq(pager, "cat")))
                return;
        (void) fflush(stdout);
        if (pipe2(fds, O_CLOEXEC) < 0)
                return; /* no pager is no error */
        pid = fork();
        if (pid < 0) {
                (void) close(fds[0]);
                (void) close(fds[1]);
                return;
        }
        if (pid == 0) {
                /* the pager reads the pipe and writes to the terminal we had */
                if (dup2(fds[0], STDIN_FILENO) < 0)
                        _exit(EXIT_FAILURE);
                (void) setenv("LESS", getenv("LESS") ?: "FRXMK", 1);
                (void) setenv("LESSCHARSET", getenv("LESSCHARSET") ?: "utf-8", 1);
                (void) signal(SIGPIPE, SIG_DFL);
                if (pager)
                        execl("/bin/sh", "sh", "-c", pager, (char *) NULL);
                execlp("less", "less", (char *) NULL);
                execlp("more", "more", (char *) NULL);
                /* no pager at all: copy through */
                for (;;) {
                        char buf[4096];
                        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

                        if (n <= 0 || write(STDOUT_FILENO, buf, (size_t) n) != n)
                                _exit(EXIT_SUCCESS);
                }
        }
        if (dup2(fds[1], STDOUT_FILENO) < 0) {
                (void) close(fds[0]);
                (void) close(fds[1]);
                return;
        }
        (void) close(fds[0]);
        (void) close(fds[1]);
        pager_pid = pid;
        /* the user quitting the pager early must not kill us with SIGPIPE mid-output */
        (void) signal(SIGPIPE, SIG_IGN);
        (void) atexit(pager_close);
}
