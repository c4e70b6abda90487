/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* capture.h - stderr capture for the unit tests: a parser's "FILE:LINE: message" is its contract */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int saved_stderr = -1, capture_fd = -1;

static void capture_start(void) {
        fflush(stderr);
        capture_fd = memfd_create("stderr", MFD_CLOEXEC);
        if (capture_fd < 0) {
                perror("memfd_create");
                exit(EXIT_FAILURE);
        }
        saved_stderr = dup(STDERR_FILENO);
        dup2(capture_fd, STDERR_FILENO);
}

/* Returns what was written to stderr since capture_start() (malloc'd). */
static char *capture_end(void) {
        char *buf;
        off_t n;

        fflush(stderr);
        dup2(saved_stderr, STDERR_FILENO);
        close(saved_stderr);
        n = lseek(capture_fd, 0, SEEK_END);
        buf = calloc(1, (size_t) n + 1);
        if (!buf || pread(capture_fd, buf, (size_t) n, 0) != n) {
                perror("pread");
                exit(EXIT_FAILURE);
        }
        close(capture_fd);
        return buf;
}

static size_t count_lines(const char *s) {
        size_t n = 0;

        for (; *s; s++)
                n += *s == '\n';
        return n;
}

