/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netnsctl.c - command line front end: option parsing and verb dispatch */

#include <assert.h>
#include <getopt.h>

#include "log.h"
#include "verbs.h"

struct verb_args arg;

struct verb {
        const char *name;
        int min_args, max_args; /* counting the verb itself; -1 = unlimited */
        int (*func)(int argc, char **argv);
        const char *help;
};

static const struct verb verbs[] = {
        { "up",    2, 2,  verb_up,    "up NAME               Create and configure namespace NAME" },
        { "down",  2, 2,  verb_down,  "down NAME             Remove namespace NAME and all it made" },
        { "exec",  3, -1, verb_exec,  "exec NAME [--] CMD... Run CMD inside namespace NAME" },
        { "check", 1, -1, verb_check, "check [NAME|PATH...]  Validate configuration files" },
        { "list",  1, 1,  verb_list,  "list                  List namespaces" },
};

static void help(void) {
        printf("%s [OPTIONS...] COMMAND ...\n\n"
               "Manage named network namespaces configured in /etc/netns/NAME.conf.\n\n"
               "Commands:\n", program_invocation_short_name);
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                printf("  %s\n", verbs[i].help);
        printf("\nOptions:\n"
               "  -h --help            Show this help\n"
               "     --version         Show package version\n"
               "     --json            Output JSON (list)\n"
               "     --no-legend       Do not print the header of tables\n"
               "\nSee the netnsctl(8) man page for details.\n");
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_JSON, ARG_NO_LEGEND };
        static const struct option options[] = {
                { "help",      no_argument, NULL, 'h' },
                { "version",   no_argument, NULL, ARG_VERSION },
                { "json",      no_argument, NULL, ARG_JSON },
                { "no-legend", no_argument, NULL, ARG_NO_LEGEND },
                {}
        };
        int c;

        /* '+': stop at the first non-option, so "exec NAME cmd -x" keeps "-x" for cmd */
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("netnsctl %s\n", PACKAGE_VERSION);
                        return 0;
                case ARG_JSON:
                        arg.json = true;
                        break;
                case ARG_NO_LEGEND:
                        arg.no_legend = true;
                        break;
                case '?':
                        return -EINVAL;
                default:
                        assert(0);
                }
        return 1;
}

static int dispatch(int argc, char **argv) {
        if (argc < 1) {
                log_error("No command given. See '%s --help'.", program_invocation_short_name);
                return -EINVAL;
        }
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                const struct verb *v = &verbs[i];

                if (!streq(argv[0], v->name))
                        continue;
                if (argc < v->min_args || (v->max_args >= 0 && argc > v->max_args)) {
                        log_error("%s: wrong number of arguments. Usage: %s %s",
                                  v->name, program_invocation_short_name, v->help);
                        return -EINVAL;
                }
                return v->func(argc, argv);
        }
        log_error("Unknown command '%s'. See '%s --help'.", argv[0], program_invocation_short_name);
        return -EINVAL;
}

int main(int argc, char *argv[]) {
        int r;

        log_parse_environment();
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 1 : 0;
        r = dispatch(argc - optind, argv + optind);
        return r < 0 ? 1 : 0;
}
