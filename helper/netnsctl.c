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
        const char *options;    /* the options that apply, for "VERB --help"; NULL = none */
};

static const struct verb verbs[] = {
        { "up",      2, 2,  verb_up,      "up NAME               Create and configure namespace NAME" },
        { "down",    2, 2,  verb_down,    "down NAME             Remove namespace NAME and all it made" },
        { "exec",    3, -1, verb_exec,    "exec NAME [--] CMD... Run CMD inside namespace NAME" },
        { "check",   1, -1, verb_check,   "check [NAME|PATH...]  Validate configuration files" },
        { "list",    1, 1,  verb_list,    "list                  List namespaces",
          "--json --no-legend --no-pager" },
        { "status",  2, 2,  verb_status,  "status NAME           Show a namespace's configuration, wiring, processes, log",
          "--json --no-pager --lines=N" },
        { "monitor", 1, 1,  verb_monitor, "monitor               Show namespaces and their links appearing and disappearing",
          "--json" },
        { "gc",      1, 1,  verb_gc,      "gc                    Remove what crashes and removed configs left behind",
          "--dry-run --json --no-legend" },
        { "nat-sync",  1, 1, verb_nat_sync,  "nat-sync              Rebuild the NAT table from the running namespaces" },
        { "nat-watch", 1, 1, verb_nat_watch, "nat-watch             Rebuild the NAT table whenever another program removes it" },
};

/* The verb named by the first non-option argument, once known: "VERB --help" shows its help. */
static const struct verb *help_verb;

static const struct verb *find_verb(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(name, verbs[i].name))
                        return &verbs[i];
        return NULL;
}

static void help(void) {
        if (help_verb) {
                printf("%s %s\n", program_invocation_short_name, help_verb->help);
                if (help_verb->options)
                        printf("\nOptions: %s\n", help_verb->options);
                printf("\nSee the netnsctl(8) man page for details.\n");
                return;
        }
        printf("%s [OPTIONS...] COMMAND ...\n\n"
               "Manage named network namespaces configured in /etc/netns/NAME.conf.\n\n"
               "Commands:\n", program_invocation_short_name);
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                printf("  %s\n", verbs[i].help);
        printf("\nOptions:\n"
               "  -h --help            Show this help (after COMMAND: that command's help)\n"
               "     --version         Show package version\n"
               "     --json            Output JSON (list, status, gc; monitor: one object per line)\n"
               "     --no-legend       Do not print the header and footer of tables\n"
               "     --no-pager        Do not pipe output into a pager\n"
               "  -n --lines=N         Number of journal lines status shows (default 10)\n"
               "     --dry-run         gc: only show what would be removed\n"
               "\nExit status: 0 on success, 1 on any failure (the reason is printed).\n"
               "See the netnsctl(8) man page for details.\n");
}

static int parse_options(int argc, char *argv[], const char *shortopts) {
        enum { ARG_VERSION = 0x100, ARG_JSON, ARG_NO_LEGEND, ARG_NO_PAGER, ARG_DRY_RUN };
        static const struct option options[] = {
                { "help",      no_argument,       NULL, 'h' },
                { "version",   no_argument,       NULL, ARG_VERSION },
                { "json",      no_argument,       NULL, ARG_JSON },
                { "no-legend", no_argument,       NULL, ARG_NO_LEGEND },
                { "no-pager",  no_argument,       NULL, ARG_NO_PAGER },
                { "dry-run",   no_argument,       NULL, ARG_DRY_RUN },
                { "lines",     required_argument, NULL, 'n' },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, shortopts, options, NULL)) >= 0)
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
                case ARG_NO_PAGER:
                        arg.no_pager = true;
                        break;
                case ARG_DRY_RUN:
                        arg.dry_run = true;
                        break;
                case 'n': {
                        char *end;
                        long v;

                        errno = 0;
                        v = strtol(optarg, &end, 10);
                        if (errno || end == optarg || *end || v < 0 || v > 100000) {
                                log_error("Invalid --lines= value '%s': expected a number 0...100000.", optarg);
                                return -EINVAL;
                        }
                        arg.lines = (unsigned) v;
                        break;
                }
                case '?':
                        return -EINVAL;
                default:
                        assert(0);
                }
        return 1;
}

static int parse_argv(int argc, char *argv[]) {
        int r;

        arg.lines = 10;
        /* '+': stop at the first non-option, so "exec NAME cmd -x" keeps "-x" for cmd */
        r = parse_options(argc, argv, "+hn:");
        if (r <= 0 || optind >= argc)
                return r;
        help_verb = find_verb(argv[optind]);
        if (!help_verb || streq(help_verb->name, "exec"))
                return 1;
        /* Every other verb takes options after it too ("netnsctl list --json", "gc --dry-run"),
         * as systemctl does: parse again from the start, letting getopt move the non-options
         * (the verb and its arguments) to the end, in their order. optind = 0 re-initialises. */
        optind = 0;
        return parse_options(argc, argv, "hn:");
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
                /* "exec --help": exec's arguments are not parsed as options (see parse_argv()) */
                if (argc == 2 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
                        help_verb = v;
                        help();
                        return 0;
                }
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
