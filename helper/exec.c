/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec.c - netnsctl exec (to be written) */
#include "log.h"
#include "verbs.h"

int verb_exec(int argc, char **argv) {
        return log_error_errno(EOPNOTSUPP, "exec: not implemented yet");
}
