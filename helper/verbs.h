/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* verbs.h - the verbs of netnsctl(8); each returns 0 or a negative errno (already logged) */
#pragma once

#include <stdbool.h>

struct verb_args {
        bool json;
        bool no_legend;
        bool dry_run;
        bool no_pager;
        unsigned lines;   /* --lines=: journal lines status shows */
};

extern struct verb_args arg;

int verb_check(int argc, char **argv);
int verb_up(int argc, char **argv);
int verb_down(int argc, char **argv);
int verb_exec(int argc, char **argv);

/**
 * exec_scope_bind() - make the calling process part of a transient scope bound to
 * netns@NAME.service, when that unit is active (exec of a namespace netnsctl made, under systemd)
 * @name: the namespace
 *
 * Each program implements it its own way: the full tool asks systemd over D-Bus (scope.c); the
 * netnsctl command, which does not link libsystemd, hands the whole exec to the tool (launcher.c).
 * Return: 0 (no scope: the unit is not active), 1 (in the scope now), or -errno (logged)
 */
int exec_scope_bind(const char *name);

/**
 * exec_client() - "netnsctl exec" as a user: netnsctl-execd runs @cmd as us in namespace @name
 * Return: the command's exit status (128+N when killed by signal N, 127 when not found), or -errno
 * (logged: refused by policy, malformed, no service)
 */
int exec_client(const char *name, char **cmd);
int verb_list(int argc, char **argv);
int verb_status(int argc, char **argv);
int verb_monitor(int argc, char **argv);
int verb_gc(int argc, char **argv);
int verb_nat_sync(int argc, char **argv);
int verb_nat_watch(int argc, char **argv);

/**
 * netns_reload() - bring running namespace @name to its configuration on disk, in place
 * @name: the namespace
 * @dry_run: print the plan, change nothing ("reload --dry-run", "diff")
 *
 * In the netnsctl command itself (launcher.c) as "up" and "down" are: ExecReload= of
 * netns@.service runs it, and a reload that changes one Port= should cost little more than the
 * nftables transaction.
 * Return: 0, or -errno (logged; what was in force stays in force)
 */
int netns_reload(const char *name, bool dry_run);

struct netns_config;
/**
 * reload_pending() - whether @cfg (the configuration on disk) differs from the one in force, or
 * the entries of /etc/netns/NAME/ from those processes inside were shown
 * @name: the namespace
 * @cfg: its configuration, as loaded now
 * Return: 1 if it differs ("reload" would change something or refuse), 0 if not, -ENOENT when
 * the namespace is not up (or was brought up without a saved configuration), -errno
 */
int reload_pending(const char *name, const struct netns_config *cfg);
