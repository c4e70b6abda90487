/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* status.c - netnsctl status NAME (being written) */
#include "log.h"
#include "verbs.h"

int verb_status(int argc, char **argv) {
        return log_error_errno(EOPNOTSUPP, "status: not implemented yet");
}
