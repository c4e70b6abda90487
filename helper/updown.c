/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* updown.c - netnsctl up/down (being written) */
#include "log.h"
#include "verbs.h"

int verb_up(int argc, char **argv) {
        return log_error_errno(EOPNOTSUPP, "up: not implemented yet");
}

int verb_down(int argc, char **argv) {
        return log_error_errno(EOPNOTSUPP, "down: not implemented yet");
}
