/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* steps.h - the steps of "netnsctl up" and the undo handlers "down" runs for them */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "conf.h"
#include "mount.h"
#include "nl.h"
#include "record.h"
#include "wireguard.h"

/*
 * "up" first runs the plan of every step of updown.c's table, in order: the read-only part
 * (names, parents, addresses, conflicts with what the host has), which fails with nothing
 * made. Then it runs the steps in order, as one transaction. A step first
 * records what it is about to make (record_add_KEY(c->rec, ...)), then makes it. When a
 * step fails, or after a crash, "down" reads the record backwards and calls the undo
 * handler of each line's key, undo_KEY() (the table of keys is lib/record.c's). Undo
 * handlers must succeed when the object is already gone, and must touch only what the line
 * names.
 */

struct wgquick;

struct up_ctx {
        const char *name;
        struct netns_config *cfg;
        struct record *rec;
        char *pin;                   /* /run/netns/NAME */
        int netns_fd;                /* the new namespace, from the "namespace" step on */
        unsigned long long netns_ino;
        struct nl_sock *nl_host;     /* use ctx_nl_host()/ctx_nl_ns(): opened on first use */
        struct nl_sock *nl_ns;

        /* Filled by the veth step for the steps after it (NAT, resolv.conf): the names and
         * addresses in force, "auto" resolved. Owned by the context. */
        char host_ifname[16];
        char peer_ifname[16];
        struct netns_prefix *host_addrs;
        size_t n_host_addrs;
        struct netns_prefix *peer_addrs;
        size_t n_peer_addrs;

        /* step-link.c: what plan_links() resolved, one per [Link], for step_links() */
        struct link_plan *link_plans;

        /* step-wireguard.c: what plan_wireguard() loaded (keys, peers, resolved endpoints), and
         * whether the tunnel owns a default route, so the veth adds none */
        struct wgquick *wg_plan;
        bool tunnel_default;

        /* step-mount.c: the prepared mount namespace, from "mntns" to "mntns-pin" */
        struct mntns_job mntns;
        bool mntns_started;
        int mntns_base;
};

struct undo_ctx {
        const char *name;
        char *pin;
        unsigned long long netns_ino; /* from the record's "netns" line; 0 = none */
        int netns_fd;                 /* the recorded namespace if its pin is still live, else -1 */
        struct nl_sock *nl_host;      /* use undo_nl_host()/undo_nl_ns() */
        struct nl_sock *nl_ns;
        char **lines;                 /* the record */
        bool nat_elements_done;       /* step-nat.c: all "nat" element lines undone in one transaction */
};

struct up_step {
        const char *name;            /* shown in "Failed to bring up NAME: step 'veth': ..." */
        int (*run)(struct up_ctx *c); /* 0, or -errno after logging what failed and why */
        /* read-only, before any step runs: resolves what @run needs into the context and
         * refuses what would fail; NULL = nothing to plan. 0, or -errno (logged) */
        int (*plan)(struct up_ctx *c);
};

int ctx_nl_host(struct up_ctx *c, struct nl_sock **ret);
int ctx_nl_ns(struct up_ctx *c, struct nl_sock **ret);
int undo_nl_host(struct undo_ctx *u, struct nl_sock **ret);
int undo_nl_ns(struct undo_ctx *u, struct nl_sock **ret); /* -ESRCH when the namespace is gone */

/* step-ns.c */
int step_namespace(struct up_ctx *c);
int step_loopback(struct up_ctx *c);
int plan_sysctl(struct up_ctx *c);
int step_sysctl(struct up_ctx *c);
int undo_pin(struct undo_ctx *u, const struct record_entry *e);
int undo_netns(struct undo_ctx *u, const struct record_entry *e);

/* step-veth.c */
int plan_veth(struct up_ctx *c);
int step_veth(struct up_ctx *c);
int undo_veth(struct undo_ctx *u, const struct record_entry *e);

/* step-link.c: [Link] devices; "link-moved ...", "link-new ..." and "link-host ..." record lines */
int plan_links(struct up_ctx *c);
int step_links(struct up_ctx *c);
int undo_link_moved(struct undo_ctx *u, const struct record_entry *e);
int undo_link_new(struct undo_ctx *u, const struct record_entry *e);
int undo_link_host(struct undo_ctx *u, const struct record_entry *e);
/**
 * link_delete_of_kind() - delete link @ifname of @nl's namespace if it is of @kind
 * @nl: socket in the namespace
 * @ifname: the link
 * @kind: its IFLA_INFO_KIND as netnsctl made it; a link of that name of another kind is not
 *        the one netnsctl made, and is left alone with a warning
 * @where: "on the host", "in namespace 'NAME'": for messages
 * Return: 0 when it is gone (or was never there, or is not ours), else -errno (logged).
 */
int link_delete_of_kind(struct nl_sock *nl, const char *ifname, const char *kind, const char *where);

/* step-peer.c: veths between namespaces; "link-new NAME veth" and "peer NAME" record lines */
int step_peers(struct up_ctx *c);
int undo_peer(struct undo_ctx *u, const struct record_entry *e);
/**
 * peer_owner_open() - namespace @owner if it is up, with its configuration in force
 * @owner: namespace name (from the peer index)
 * @ret_cfg: what RUNDIR/@owner/config parses to (free it)
 *
 * Up: its record complete and its namespace the one at its pin.
 * Return: an O_CLOEXEC fd of the namespace, -ENOENT when it is not up, -errno
 */
int peer_owner_open(const char *owner, struct netns_config **ret_cfg);

/* step-route.c: [Route] sections; no record lines (the routes die with the namespace) */
int plan_routes(struct up_ctx *c);
/* the request for [Route] @rt on link @ifindex (0: none); valid while @rt is */
void route_to_nl(const struct netns_route *rt, int ifindex, struct nl_route *ret);
int step_routes(struct up_ctx *c);
/* the name inside of the link @rt's gateway is on (c->peer_addrs in force); 0 or -errno (logged) */
int route_ifname(struct up_ctx *c, const struct netns_route *rt, char ret[static IFNAMSIZ]);

/**
 * up_test_hook() - the tests' SIGKILL or failure at a point of "up"
 * @step: a step's name, or a point inside one ("wireguard-created")
 *
 * $NETNSCTL_TEST_KILL_AFTER=POINT raises SIGKILL there; $NETNSCTL_TEST_FAIL_STEP=POINT fails.
 * Return: 0, or -EIO (logged) for an injected failure.
 */
int up_test_hook(const char *step);

/* step-wireguard.c: [WireGuard]; "wg-host TMPNAME" and "wg NAME" record lines */
int plan_wireguard(struct up_ctx *c);
int step_wireguard(struct up_ctx *c);
void wireguard_plan_free(struct up_ctx *c);
int wireguard_check_config_file(const struct netns_config *cfg);
int undo_wg(struct undo_ctx *u, const struct record_entry *e);
int undo_wg_host(struct undo_ctx *u, const struct record_entry *e);

/* What "reload" changes on the tunnel in force (step-wireguard.c): the device's own keys and
 * peers over generic netlink, and the addresses and routes inside that go with them (which
 * reload.c changes as it changes the others). */
struct wg_change {
        char ifname[IFNAMSIZ];
        struct nl_sock *genl;
        uint16_t family;
        struct wg_device set;             /* the difference: device keys, peers added, changed, removed */
        struct wg_device undo;            /* what puts back the state in force */
        unsigned *what;                   /* per peer of @set: WG_CHANGE_* */
        struct netns_prefix *addrs_was, *addrs_now;
        size_t n_addrs_was, n_addrs_now;
        struct netns_route *routes_was, *routes_now; /* the tunnel's routes inside, in force and to be */
        size_t n_routes_was, n_routes_now;
};

enum {
        WG_CHANGE_ADDED = 1 << 0,
        WG_CHANGE_REMOVED = 1 << 1,
        WG_CHANGE_ALLOWED_IPS = 1 << 2,
        WG_CHANGE_ENDPOINT = 1 << 3,
        WG_CHANGE_KEEPALIVE = 1 << 4,
        WG_CHANGE_PRESHARED_KEY = 1 << 5,
};

int wireguard_reload_plan(struct up_ctx *c, const struct netns_config *old, struct wg_change *w);
bool wireguard_reload_needed(const struct wg_change *w);
int wireguard_reload_set(struct wg_change *w, bool forward);
int wireguard_reload_describe(const struct wg_change *w, FILE *f);
void wireguard_change_done(struct wg_change *w);

/* step-nat.c: Masquerade= and Port= (elements of "table inet netnsctl"), host forwarding */
int step_nat(struct up_ctx *c);
int undo_nat(struct undo_ctx *u, const struct record_entry *e);
int host_forwarding_hold(struct up_ctx *c, bool v4, bool v6, const char *why);
/**
 * nat_check_host_listeners() - refuse Port=s onto host ports a socket of the host listens on
 * @cfg: a loaded configuration; with OverrideHostListeners=yes nothing is refused
 *
 * Looks at the listening sockets of the caller's network namespace (the host's, for "up"
 * and "check"); each conflict is reported as FILE:LINE with the port and the process.
 * Return: 0, -EADDRINUSE (reported), other -errno (reported)
 */
int nat_check_host_listeners(const struct netns_config *cfg);

/**
 * netns_lock() - take the lock every state change of netnsctl holds (up, down, gc)
 * Return: an fd to keep open until exit (the lock goes with it), or -errno (logged)
 */
int netns_lock(void);

/**
 * netns_undo_record() - undo what the record of @name says was made, then remove the record
 * Call with netns_lock() held. The undo handlers touch only what the record names.
 * Return: 1 if a record was undone, 0 if there was none, -errno (logged)
 */
int netns_undo_record(const char *name);

/* step-nat.c, for "reload": the NAT of a running namespace changed in one nftables transaction */
struct nat_change {
        struct nat_elem *del, *add;     /* elements to delete (in the record, not wanted), to add */
        size_t n_del, n_add;
        const struct conf_origin **add_origins; /* per added element: its Port=, or NULL */
        struct nat_elem *want;          /* every element the configuration wants (add is a part) */
        const struct conf_origin **want_origins;
        size_t n_want;
        bool localnet, lo6, forward4, forward6; /* host settings to take on (not held yet) */
};
void nat_change_done(struct nat_change *ch);
/**
 * nat_reload_plan() - what changes in the NAT of a running namespace for c->cfg
 * @c: the context: cfg the new configuration, host_ifname and peer_addrs as in force
 * @old_lines: the record
 * @ret: the change; host settings no longer needed are kept (until "down")
 * Return: 0, or -errno (logged: a Port= that cannot be made)
 */
int nat_reload_plan(struct up_ctx *c, char *const *old_lines, struct nat_change *ret);
/* one "+ ..." or "- ..." line per change to @f; Return: how many */
int nat_reload_describe(const struct nat_change *ch, FILE *f);
/* the record lines of what nat_reload_apply() makes, to c->rec; 0 or -errno (logged) */
int nat_reload_record(struct up_ctx *c, const struct nat_change *ch);
/* the elements in one transaction (*@ret_committed: whether it was), then the host settings;
 * 0 or -errno (logged; a clash names the Port= and the namespace that forwards the port) */
int nat_reload_apply(struct up_ctx *c, const struct nat_change *ch, bool *ret_committed);
/* the elements back as before nat_reload_apply() (its host settings: undo_nat() of their lines) */
int nat_reload_revert(const struct nat_change *ch);

/* reload-etc.c: the entries of /etc/netns/NAME/ that processes inside have bound over /etc */
struct etc_change {
        struct etc_entry *now;          /* the directory now, sorted by name */
        size_t n_now;
        char *text_now;                 /* as saved in RUNDIR/NAME/etc */
        char **added, **removed, **replaced; /* entry names, against what was saved */
        bool changed;                   /* the directory differs from what was saved */
};
void etc_change_done(struct etc_change *ch);
/**
 * etc_view_save() - save the entries of CONFDIR/NAME/ processes are shown now ("up", after its
 * steps), as RUNDIR/NAME/etc
 * @name: the namespace
 * @cfg: its configuration (with DNS=, resolv.conf is the generated one and no entry)
 * Return: 0 or -errno
 */
int etc_view_save(const char *name, const struct netns_config *cfg);
/**
 * etc_view_plan() - compare CONFDIR/NAME/ with the entries saved: one readdir, nothing else
 * @name: the namespace
 * @cfg: its configuration
 * @ret: the change (ret->changed false: nothing to do)
 * Return: 0 or -errno (logged)
 */
int etc_view_plan(const char *name, const struct netns_config *cfg, struct etc_change *ret);
/* one "+", "~" or "-" line per entry to @f; Return: how many */
int etc_view_describe(const char *name, const struct etc_change *ch, FILE *f);
/**
 * etc_view_apply() - make the binds over /etc of every process in the namespace match
 * CONFDIR/NAME/ (in each mount namespace of theirs but the host's and the prepared one), then
 * save the entries
 * @name: the namespace
 * @netns_fd: it, open
 * @ch: from etc_view_plan()
 * Return: 0, or -errno (logged, per process; the entries are not saved, the next reload tries
 * again)
 */
int etc_view_apply(const char *name, int netns_fd, const struct etc_change *ch);

/* step-firewall.c: [Firewall] Inbound=drop, the table inside; "firewall ..." record lines */
int step_firewall(struct up_ctx *c);
int undo_firewall(struct undo_ctx *u, const struct record_entry *e);

/* step-firewall.c, for "reload": the table replaced in one transaction when its rules change */
struct fw_change {
        bool old_table, new_table;      /* Inbound=drop in force, in the new configuration */
        struct fw_rule *old_rules, *new_rules; /* the record's, the new configuration's */
        size_t n_old, n_new;
        bool changes;                   /* the table comes, goes, or its rules differ */
};
void fw_change_done(struct fw_change *ch);
/* what changes for c->cfg (its veth names and host end addresses in force); 0 or -errno (logged) */
int fw_reload_plan(struct up_ctx *c, char *const *old_lines, struct fw_change *ret);
/* one "+ ..." or "- ..." line per change to @f; Return: how many */
int fw_reload_describe(const struct fw_change *ch, FILE *f);
/* @lines with their firewall lines those of the new state (before "complete"); 0 or -ENOMEM */
int fw_reload_lines(const struct fw_change *ch, char *const *lines, char ***ret);
/* the new table (or none) in one transaction; 0 or -errno (logged) */
int fw_reload_apply(struct up_ctx *c, const struct fw_change *ch);
/* the table in force before, again (@old: the configuration in force, for messages) */
int fw_reload_revert(struct up_ctx *c, const struct netns_config *old, const struct fw_change *ch);

/* step-mount.c: the namespace's sysfs, its resolv.conf, its prepared mount namespace */
int step_sysfs(struct up_ctx *c);
int step_resolv(struct up_ctx *c);
int step_mntns(struct up_ctx *c);
int step_mntns_pin(struct up_ctx *c);
void mntns_step_abort(struct up_ctx *c);
int undo_sysfs(struct undo_ctx *u, const struct record_entry *e);
int undo_resolv(struct undo_ctx *u, const struct record_entry *e);
int undo_mntns(struct undo_ctx *u, const struct record_entry *e);
/* /run/netnsctl/NAME/LEAF (malloc'd; NULL on OOM): "sys", "resolv.conf", "mnt" */
char *state_path(const char *name, const char *leaf);
/* resolv.conf's text for @cfg (malloc'd); 0 or -errno */
int resolv_conf_text(const struct netns_config *cfg, char **ret);
