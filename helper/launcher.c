/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* launcher.c - the netnsctl command: runs "exec" itself, hands every other verb to the full tool */

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>

#include "log.h"
#include "verbs.h"

/*
 * "netnsctl exec" is on the start path of services (ExecStart=netnsctl exec NAME -- daemon) and
 * of interactive use, and should cost about what nsenter does. What it costs is mostly the
 * dynamic loader: the full tool links libsystemd and libnftables and their dependencies (a dozen
 * libraries, 2 ms on a small VM), while exec needs only libc. So the netnsctl binary is this
 * libc-only program; it runs exec, and execs the full tool (also called netnsctl, in
 * LIBEXECDIR/netnsctl/), with the same arguments, for all the rest (an extra exec there costs
 * nothing that matters).
 */

/*
 * log.c sends structured entries to the journal when stderr is connected to it. Here we log
 * to stderr only (LOG_TARGET_CONSOLE), which reaches the journal as well under a unit; this
 * stands in for libsystemd's function, should it be called anyway.
 */
int sd_journal_send_with_location(const char *file, const char *line, const char *func, const char *format, ...);
int sd_journal_send_with_location(const char *file, const char *line, const char *func, const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        if (streq(format, "MESSAGE=%s"))
                fprintf(stderr, "%s\n", va_arg(ap, const char *));
        va_end(ap);
        return 0;
}

/* The full tool: tool/netnsctl next to us (the build tree), else where it is installed. */
static int exec_tool(char **argv) {
        char self[PATH_MAX], *slash;
        ssize_t n;

        n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n > 0 && (size_t) n + STRLEN("/tool/netnsctl") < sizeof(self)) {
                self[n] = 0;
                slash = strrchr(self, '/');
                if (slash) {
                        strcpy(slash + 1, "tool/netnsctl");
                        if (access(self, X_OK) >= 0)
                                execv(self, argv);
                }
        }
        execv(NETNSCTL_TOOL_PATH, argv);
        return log_error_errno(errno, "Failed to run %s: %m", NETNSCTL_TOOL_PATH);
}

int main(int argc, char *argv[]) {
        int r;

        /* Only "netnsctl exec NAME ..." exactly; options before the verb, "exec --help" and
         * everything else go to the tool, which knows them all. */
        if (argc < 2 || !streq(argv[1], "exec") ||
            (argc == 3 && (streq(argv[2], "--help") || streq(argv[2], "-h"))))
                return exec_tool(argv) < 0 ? 1 : 0;

        log_parse_environment();
        log_set_target(LOG_TARGET_CONSOLE);
        if (argc < 4) {
                log_error("exec: wrong number of arguments. Usage: %s exec NAME [--] CMD...", program_invocation_short_name);
                return 1;
        }
        r = verb_exec(argc - 1, argv + 1);
        return r < 0 ? 1 : 0;
}
