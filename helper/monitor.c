/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* monitor.c - netnsctl monitor NAME (being written) */
#include "log.h"
#include "verbs.h"

int verb_monitor(int argc, char **argv) {
        return log_error_errno(EOPNOTSUPP, "monitor: not implemented yet");
}
