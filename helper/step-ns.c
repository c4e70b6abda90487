/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* step-ns.c - up steps for the namespace itself: create and pin, loopback, sysctls */

#include <net/if.h>

#include "log.h"
#include "ns.h"
#include "steps.h"

static int record_netns(int netns_fd, unsigned long long ino, void *userdata) {
        struct up_ctx *c = userdata;
        uint64_t cookie;
        int r;

        /* Recorded before the bind mount: after a crash right after it, "down" knows which
         * namespace the pin must hold to be ours. The inode alone does not prove that: the
         * kernel gives a dead namespace's inode number to the next one (an "ip netns add"
         * after our crash); the cookie is never reused. */
        c->netns_ino = ino;
        r = netns_cookie(netns_fd, &cookie);
        if (r == -ENOPROTOOPT)
                return record_add_netns(c->rec, ino, 0); /* kernel < 5.14 */
        if (r < 0)
                return r;
        return record_add_netns(c->rec, ino, cookie);
}

int step_namespace(struct up_ctx *c) {
        int r;

        r = netns_run_dir_prepare();
        if (r < 0)
                return log_error_errno(r, "Failed to prepare %s: %m", netns_run_dir());
        r = record_add_key(c->rec, RECORD_PIN);
        if (r < 0)
                return log_error_errno(r, "Failed to write state record: %m");
        r = netns_create_pinned(c->pin, record_netns, c, &c->netns_ino, &c->netns_fd);
        if (r == -EEXIST)
                return log_error_errno(r, "Failed to create namespace '%s': %s appeared meanwhile (created by someone else?)",
                                       c->name, c->pin);
        if (r < 0)
                return log_error_errno(r, "Failed to create and pin namespace '%s' at %s: %m", c->name, c->pin);
        return 0;
}

int step_loopback(struct up_ctx *c) {
        struct nl_sock *nl;
        int r, idx;

        r = ctx_nl_ns(c, &nl);
        if (r < 0)
                return log_error_errno(r, "Failed to open netlink socket in namespace '%s': %m", c->name);
        idx = nl_link_ifindex(nl, "lo");
        if (idx < 0)
                return log_error_errno(idx, "Failed to find loopback in namespace '%s': %m", c->name);
        r = nl_link_set_up(nl, idx);
        if (r < 0)
                return log_error_errno(r, "Failed to bring up loopback in namespace '%s': %m%s", c->name, nl_extack(nl));
        return 0;
}

/**
 * plan_sysctl() - the read-only part of the "sysctl" step: each Sysctl= is one this kernel has
 * @c: the up context
 *
 * Asked in the host's namespace (netns_sysctl_known(): a per-link key as "default"), as
 * "check NAME" asks it; a setting the kernel lacks fails here, before anything is made.
 * Return: 0, or -ENOENT after naming the Sysctl= line.
 */
int plan_sysctl(struct up_ctx *c) {
        for (size_t i = 0; i < c->cfg->n_sysctls; i++) {
                const struct netns_sysctl *s = &c->cfg->sysctls[i];

                /* < 0: cannot be told here; the step finds out */
                if (netns_sysctl_known(s->key) == 0)
                        return log_error_errno(ENOENT, "%s:%u: Sysctl=%s: no such sysctl in the namespace",
                                               s->origin.file, s->origin.line, s->key);
        }
        return 0;
}

int step_sysctl(struct up_ctx *c) {
        /* Nothing to record: sysctls live in the namespace and go away with it. */
        for (size_t i = 0; i < c->cfg->n_sysctls; i++) {
                const struct netns_sysctl *s = &c->cfg->sysctls[i];
                int r = netns_sysctl_set(c->netns_fd, s->key, s->value);

                if (r == -ENOENT)
                        return log_error_errno(r, "%s:%u: Sysctl=%s: no such sysctl in the namespace",
                                               s->origin.file, s->origin.line, s->key);
                if (r < 0)
                        return log_error_errno(r, "%s:%u: Failed to set sysctl %s=%s in namespace '%s': %m",
                                               s->origin.file, s->origin.line, s->key, s->value, c->name);
        }
        return 0;
}

/**
 * undo_pin() - undo a "pin" record line: remove the pin, but only while it is ours
 * @u: the undo context
 * @e: the line
 *
 * Ours: a stale placeholder (a crash before the mount), or a live pin of the recorded
 * namespace.
 * Return: 0 when the pin is gone or not ours, else -errno (logged)
 */
int undo_pin(struct undo_ctx *u, const struct record_entry *e) {
        unsigned long long ino = 0;
        int state, r;

        state = netns_pin_inspect(u->pin, &ino);
        if (state < 0)
                return log_error_errno(state, "Failed to inspect %s: %m", u->pin);
        if (state == PIN_ABSENT)
                return 0;
        if (state == PIN_NSFS && (u->netns_ino == 0 || ino != u->netns_ino)) {
                log_warning("%s pins a namespace netnsctl did not make; leaving it alone.", u->pin);
                return 0;
        }
        r = netns_unpin(u->pin);
        if (r < 0)
                return log_error_errno(r, "Failed to remove %s: %m", u->pin);
        return 0;
}

/**
 * undo_netns() - undo a "netns INODE COOKIE" record line: the namespace goes with its pin
 * @u: the undo context
 * @e: the line
 *
 * As undo_pin(): the pin is what keeps the namespace; the line that follows "pin" only names
 * the namespace, for record_netns_open().
 * Return: as undo_pin()
 */
int undo_netns(struct undo_ctx *u, const struct record_entry *e) {
        return undo_pin(u, e);
}
