/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netnsctl.c - command line front end: option parsing and verb dispatch */

#include <assert.h>
#include <getopt.h>

#include "log.h"
#include "verbs.h"

struct verb_args arg;

/* The options a verb takes (struct verb.options); --help and --version go with any. */
enum {
        OPT_JSON      = 1 << 0,
        OPT_NO_LEGEND = 1 << 1,
        OPT_NO_PAGER  = 1 << 2,
        OPT_LINES     = 1 << 3,
        OPT_DRY_RUN   = 1 << 4,
        _OPT_MAX      = 5,
};

static const char *const option_names[_OPT_MAX] = {
        "--json", "--no-legend", "--no-pager", "--lines=", "--dry-run",
};

static int verb_reload(int argc, char **argv) {
        return netns_reload(argv[1], arg.dry_run);
}

static int verb_diff(int argc, char **argv) {
        return netns_reload(argv[1], true);
}

struct verb {
        const char *name;
        int min_args, max_args; /* counting the verb itself; -1 = unlimited */
        int (*func)(int argc, char **argv);
        const char *usage;      /* the arguments, after the verb */
        const char *summary;
        unsigned options;       /* OPT_*: the options that apply; any other is refused */
};

static const struct verb verbs[] = {
        { "up",        2, 2,  verb_up,        "NAME",             "Create and configure namespace NAME", 0 },
        { "down",      2, 2,  verb_down,      "NAME",             "Remove namespace NAME and all it made", 0 },
        { "reload",    2, 2,  verb_reload,    "NAME",             "Apply NAME's changed configuration without restarting it",
          OPT_DRY_RUN },
        { "diff",      2, 2,  verb_diff,      "NAME",             "Show what reload NAME would change", 0 },
        { "exec",      3, -1, verb_exec,      "NAME [--] CMD...", "Run CMD inside namespace NAME", 0 },
        { "check",     1, -1, verb_check,     "[NAME|PATH...]",   "Validate configuration files", 0 },
        { "list",      1, 1,  verb_list,      "",                 "List namespaces (the default command)",
          OPT_JSON | OPT_NO_LEGEND | OPT_NO_PAGER },
        { "status",    1, 2,  verb_status,    "[NAME]",           "Show a namespace's configuration, wiring, processes, log; without NAME, all",
          OPT_JSON | OPT_NO_LEGEND | OPT_NO_PAGER | OPT_LINES },
        { "monitor",   1, 1,  verb_monitor,   "",                 "Show namespaces and their links appearing and disappearing",
          OPT_JSON },
        { "gc",        1, 1,  verb_gc,        "",                 "Remove what crashes and removed configs left behind",
          OPT_DRY_RUN | OPT_JSON | OPT_NO_LEGEND },
        { "nat-sync",  1, 1,  verb_nat_sync,  "",                 "Rebuild the NAT table from the running namespaces", 0 },
        { "nat-watch", 1, 1,  verb_nat_watch, "",                 "Rebuild the NAT table whenever another program removes it", 0 },
};

/* The verb named by the first non-option argument, once known: "VERB --help" shows its help. */
static const struct verb *help_verb;
/* OPT_* of the options given on the command line, and how each was spelled (for errors) */
static unsigned options_given;
static const char *option_spelled[_OPT_MAX];

static const struct verb *find_verb(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(name, verbs[i].name))
                        return &verbs[i];
        return NULL;
}

/* "--json --no-pager": the options @mask stands for, or "none" */
static void options_string(unsigned mask, char *buf, size_t size) {
        buf[0] = 0;
        for (unsigned i = 0; i < _OPT_MAX; i++)
                if (mask & (1u << i)) {
                        if (buf[0])
                                (void) strncat(buf, " ", size - strlen(buf) - 1);
                        (void) strncat(buf, option_names[i], size - strlen(buf) - 1);
                }
        if (!buf[0])
                (void) snprintf(buf, size, "none");
}

static void help(void) {
        char opts[128];

        if (help_verb) {
                printf("%s %s%s%s\n  %s\n", program_invocation_short_name, help_verb->name,
                       *help_verb->usage ? " " : "", help_verb->usage, help_verb->summary);
                if (help_verb->options) {
                        options_string(help_verb->options, opts, sizeof(opts));
                        printf("\nOptions: %s\n", opts);
                }
                printf("\nSee the netnsctl(8) man page for details.\n");
                return;
        }
        printf("%s [OPTIONS...] [COMMAND ...]\n\n"
               "Manage named network namespaces configured in /etc/netns/NAME.conf.\n\n"
               "Commands:\n", program_invocation_short_name);
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                char head[64];

                (void) snprintf(head, sizeof(head), "%s %s", verbs[i].name, verbs[i].usage);
                printf("  %-21s %s\n", head, verbs[i].summary);
        }
        printf("\nOptions:\n"
               "  -h --help            Show this help (after COMMAND: that command's help)\n"
               "     --version         Show package version\n"
               "     --json            Output JSON (list, status, gc; monitor: one object per line)\n"
               "     --no-legend       Do not print the header and footer of tables (list, status, gc)\n"
               "     --no-pager        Do not pipe output into a pager (list, status)\n"
               "  -n --lines=N         Number of journal lines status shows (default 10)\n"
               "     --dry-run         gc: only show what would be removed\n"
               "\nA command refuses the options it does not take. Without a command, list.\n"
               "Exit status: 0 on success, 1 on any failure (the reason is printed).\n"
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
        int c, li;

        while ((li = -1, c = getopt_long(argc, argv, shortopts, options, &li)) >= 0) {
                unsigned bit = c == ARG_JSON ? OPT_JSON : c == ARG_NO_LEGEND ? OPT_NO_LEGEND :
                               c == ARG_NO_PAGER ? OPT_NO_PAGER : c == ARG_DRY_RUN ? OPT_DRY_RUN :
                               c == 'n' ? OPT_LINES : 0;

                if (bit) {
                        options_given |= bit;
                        option_spelled[__builtin_ctz(bit)] = li >= 0 && c != 'n' ? option_names[__builtin_ctz(bit)] :
                                                             li >= 0 ? "--lines" : "-n";
                }
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

/* An option the verb does not take is an error, not ignored: "netnsctl down NAME --dry-run"
 * must not remove anything. */
static int check_options(const struct verb *v) {
        unsigned extra = options_given & ~v->options;
        char takes[128];

        if (extra == 0)
                return 0;
        if (v->options == 0) {
                log_error("Option %s does not apply to '%s', which takes no options.",
                          option_spelled[__builtin_ctz(extra)], v->name);
                return -EINVAL;
        }
        options_string(v->options, takes, sizeof(takes));
        log_error("Option %s does not apply to '%s', which takes: %s.",
                  option_spelled[__builtin_ctz(extra)], v->name, takes);
        return -EINVAL;
}

static int dispatch(int argc, char **argv) {
        static char *list_argv[] = { (char *) "list", NULL };

        /* no command: list, as "networkctl" and "ip netns" do */
        if (argc < 1) {
                argc = 1;
                argv = list_argv;
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
                if (check_options(v) < 0)
                        return -EINVAL;
                if (argc < v->min_args || (v->max_args >= 0 && argc > v->max_args)) {
                        log_error("Wrong number of arguments for '%s'. Usage: %s %s%s%s",
                                  v->name, program_invocation_short_name, v->name, *v->usage ? " " : "", v->usage);
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
