/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tap.h - minimal assertion helpers for the unit tests (no root, no kernel) */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_failed;
static int tap_count;

#define CHECK(cond)                                                                  \
        do {                                                                         \
                tap_count++;                                                         \
                if (!(cond)) {                                                       \
                        tap_failed++;                                                \
                        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
                }                                                                    \
        } while (0)

#define CHECK_STREQ(a, b)                                                            \
        do {                                                                         \
                const char *_a = (a), *_b = (b);                                     \
                tap_count++;                                                         \
                if (!_a || !_b || strcmp(_a, _b) != 0) {                             \
                        tap_failed++;                                                \
                        fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
                                _a ? _a : "(null)", _b ? _b : "(null)");             \
                }                                                                    \
        } while (0)

#define TAP_END()                                                                    \
        ({                                                                           \
                printf("%d checks, %d failed\n", tap_count, tap_failed);             \
                tap_failed ? EXIT_FAILURE : EXIT_SUCCESS;                            \
        })
