/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* list.c - netnsctl list (to be written) */
#include "log.h"
#include "verbs.h"

int verb_list(int argc, char **argv) {
        return log_error_errno(EOPNOTSUPP, "list: not implemented yet");
}
