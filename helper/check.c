/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check.c - netnsctl check: validate configuration files (to be written) */
#include "log.h"
#include "verbs.h"

int verb_check(int argc, char **argv) {
        return log_error_errno(EOPNOTSUPP, "check: not implemented yet");
}
