/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* launcher.c - the netnsctl command: runs "exec" itself, hands every other verb to the full tool */

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>

#include "log.h"
#include "verbs.h"

/*
 * "netnsctl exec" is on the start path of services (ExecStart=netnsctl exec NAME -- daemon) and
 * of interactive use, and should cost about what nsenter does; "netnsctl up" and "down" are what
 * netns@NAME.service runs, a thousand times at boot on a big host. What all three would cost
 * most is the dynamic loader: the full tool links libsystemd (for list, status, monitor) and its
 * dependencies (libgcrypt, liblzma, libzstd, liblz4, libcap: 1.5 ms and 2 MiB on a small VM),
 * while these need libc, libmnl and libnftnl (small, itself on libmnl only: nft-table.c
 * builds the NAT table's messages with it). So the netnsctl binary is this program; it runs
 * "exec NAME ...", "up NAME", "down NAME" and "reload NAME" (ExecReload=) itself, and execs the full tool (also called
 * netnsctl, in LIBEXECDIR/netnsctl/), with the same arguments, for all the rest: other verbs,
 * options, --help (an extra exec there costs nothing that matters).
 *
 * One case of exec goes to the tool as well: under a running systemd, a namespace netnsctl made
 * binds the command to netns@NAME.service through a transient scope, which is a D-Bus call to
 * systemd (scope.c, in the tool). verb_exec() decides that without libsystemd and calls
 * exec_scope_bind() below, which re-runs the whole command as the tool. Namespaces made by
 * "ip netns add", hosts without systemd and units' ExecStart= stay on the cheap path.
 */

static char **saved_argv;

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

int exec_scope_bind(const char *name) {
        log_debug("Namespace '%s' is netnsctl's and systemd runs: handing exec to the tool for its scope.", name);
        return exec_tool(saved_argv);
}

/* "up NAME", "down NAME" or "reload NAME" exactly: anything else (options, --help, --dry-run) is
 * the tool's */
static bool is_updown(int argc, char **argv) {
        return argc == 3 && (streq(argv[1], "up") || streq(argv[1], "down") || streq(argv[1], "reload")) &&
               argv[2][0] != '-';
}

int main(int argc, char *argv[]) {
        int r;

        saved_argv = argv;
        if (is_updown(argc, argv)) {
                log_parse_environment();
                r = streq(argv[1], "up") ? verb_up(argc - 1, argv + 1) :
                    streq(argv[1], "down") ? verb_down(argc - 1, argv + 1) : netns_reload(argv[2], false);
                return r < 0 ? 1 : 0;
        }

        /* Only "netnsctl exec NAME ..." exactly; options before the verb, "exec --help" and
         * everything else go to the tool, which knows them all. */
        if (argc < 2 || !streq(argv[1], "exec") ||
            (argc == 3 && (streq(argv[2], "--help") || streq(argv[2], "-h"))))
                return exec_tool(argv) < 0 ? 1 : 0;

        log_parse_environment();
        log_set_target(LOG_TARGET_CONSOLE);
        if (argc < 4) {
                log_error("Wrong number of arguments for 'exec'. Usage: %s exec NAME [--] CMD...", program_invocation_short_name);
                return 1;
        }
        r = verb_exec(argc - 1, argv + 1);
        return r < 0 ? 1 : 0;
}
