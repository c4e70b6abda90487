/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gc.c - netnsctl gc (being written) */
#include "log.h"
#include "verbs.h"

int verb_gc(int argc, char **argv) {
        return log_error_errno(EOPNOTSUPP, "gc: not implemented yet");
}
