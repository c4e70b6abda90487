/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* updown.c - netnsctl up/down: the steps as one all-or-nothing transaction, and their undo */

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/file.h>

#include "conf.h"
#include "log.h"
#include "name.h"
#include "ns.h"
#include "proc.h"
#include "steps.h"
#include "util.h"
#include "verbs.h"

/* In order, their plans too (the links' plan needs the veth's names). Each later feature adds
 * its steps here, and its record keys with their undo handlers to the table in lib/record.c. */
static const struct up_step up_steps[] = {
        { "namespace", step_namespace },
        { "mntns",     step_mntns },      /* starts it; the steps below run meanwhile */
        { "loopback",  step_loopback },
        { "sysctl",    step_sysctl, plan_sysctl },
        { "firewall",  step_firewall },  /* before any link comes in: nothing reaches it unfiltered */
        { "wireguard", step_wireguard, plan_wireguard }, /* before the veth: it decides its default route */
        { "veth",      step_veth,  plan_veth },
        { "links",     step_links, plan_links },
        { "peers",     step_peers },
        { "routes",    step_routes, plan_routes },
        { "nat",       step_nat },
        { "sysfs",     step_sysfs },
        { "resolv",    step_resolv },
        { "mntns-pin", step_mntns_pin },  /* waits for it, pins it */
};

int ctx_nl_host(struct up_ctx *c, struct nl_sock **ret) {
        if (!c->nl_host) {
                int r = nl_open(-1, &c->nl_host);
                if (r < 0)
                        return r;
        }
        *ret = c->nl_host;
        return 0;
}

int ctx_nl_ns(struct up_ctx *c, struct nl_sock **ret) {
        if (!c->nl_ns) {
                int r = nl_open(c->netns_fd, &c->nl_ns);
                if (r < 0)
                        return r;
        }
        *ret = c->nl_ns;
        return 0;
}

int undo_nl_host(struct undo_ctx *u, struct nl_sock **ret) {
        if (!u->nl_host) {
                int r = nl_open(-1, &u->nl_host);
                if (r < 0)
                        return r;
        }
        *ret = u->nl_host;
        return 0;
}

int undo_nl_ns(struct undo_ctx *u, struct nl_sock **ret) {
        if (u->netns_fd < 0)
                return -ESRCH;
        if (!u->nl_ns) {
                int r = nl_open(u->netns_fd, &u->nl_ns);
                if (r < 0)
                        return r;
        }
        *ret = u->nl_ns;
        return 0;
}

/* One lock for all of netnsctl's state changes: up/down runs are short (milliseconds), and
 * serialising them keeps the nftables tables and /run/netns consistent. Released on exit. */
static int take_lock(void) {
        const char *dir = netnsctl_run_dir();
        int fd, r;

        r = mkdir_p(dir, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", dir);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to open %s: %m", dir);
        if (flock(fd, LOCK_EX) < 0) {
                r = -errno;
                (void) close(fd);
                return log_error_errno(r, "Failed to lock %s: %m", dir);
        }
        return fd; /* kept open until exit */
}

static int check_name(const char *name) {
        if (!netns_name_is_valid(name))
                return log_error_errno(EINVAL,
                                       "Invalid namespace name '%s': 1-64 characters of [A-Za-z0-9_.-], not starting with '.' or '-'.",
                                       name);
        log_set_namespace(name);
        return 0;
}

static void undo_ctx_done(struct undo_ctx *u) {
        nl_close(u->nl_host);
        nl_close(u->nl_ns);
        (void) safe_close(u->netns_fd);
        free(u->pin);
}

/**
 * undo_record() - undo what a record of namespace @name says was made, newest first
 * Return: 0 when everything is gone (the record too), else the first error (logged)
 */
static int undo_record(const char *name, char **lines) {
        struct undo_ctx u = { .name = name, .netns_fd = -1, .lines = lines };
        size_t n = strv_length(lines);
        int ret = 0, r;

        u.pin = netns_pin_path(name);
        if (!u.pin)
                return log_oom();
        /* The recorded namespace, proven by inode and cookie (an inode number alone is handed
         * out again); netns_ino stays 0 unless it is found, so no handler takes a namespace
         * that merely got the same number for ours. */
        u.netns_fd = record_netns_open(name, lines, NULL);
        if (u.netns_fd >= 0) {
                struct record_netns id;

                if (record_netns_id(lines, &id) > 0)
                        u.netns_ino = id.ino;
        } else {
                if (u.netns_fd != -ENOENT)
                        log_debug_errno(u.netns_fd, "Failed to look for the namespace of '%s': %m", name);
                u.netns_fd = -1;
        }

        for (size_t i = n; i > 0; i--) {
                struct record_entry e;

                /* record_load() checked every line */
                if (record_entry_parse(lines[i - 1], &e, NULL) < 0)
                        continue;
                if (e.key == RECORD_UNKNOWN) {
                        log_warning("Unknown entry in state record of '%s', ignoring: %s", name, lines[i - 1]);
                        continue;
                }
                r = record_undo_entry(&u, &e);
                if (r == -ENOSYS)
                        log_error("No undo for '%s' in this program; leaving it.", lines[i - 1]);
                if (r < 0 && ret == 0)
                        ret = r;
        }
        undo_ctx_done(&u);
        if (ret < 0)
                return ret;
        r = record_remove(name);
        if (r < 0)
                return log_error_errno(r, "Failed to remove state of '%s': %m", name);
        return 0;
}

/* Undo the record of @name if there is one. Return: 1 if something was undone, 0 if no record. */
static int undo_existing(const char *name) {
        _cleanup_strv_free_ char **lines = NULL;
        int r;

        r = record_load_full(name, LOG_ERR, &lines); /* reports why it refuses one */
        if (r == -ENOENT)
                return 0;
        if (r == -EPERM || r == -EBADMSG)
                return log_error_errno(r, "Not using the state of '%s' in %s; nothing undone. Check it, remove it by hand (and what it made).",
                                       name, netnsctl_run_dir());
        if (r < 0)
                return log_error_errno(r, "Failed to read state of '%s': %m", name);
        r = undo_record(name, lines);
        return r < 0 ? r : 1;
}

int up_test_hook(const char *step) {
        const char *fail = secure_getenv("NETNSCTL_TEST_FAIL_STEP");
        const char *kill_after = secure_getenv("NETNSCTL_TEST_KILL_AFTER");
        const char *pause_after = secure_getenv("NETNSCTL_TEST_PAUSE_AFTER");

        /* a window for whatever runs concurrently to step into, if the lock let it */
        if (pause_after && streq(pause_after, step))
                (void) usleep(200 * 1000);
        if (kill_after && streq(kill_after, step))
                (void) raise(SIGKILL);
        if (fail && streq(fail, step))
                return log_error_errno(EIO, "Injected failure after step '%s' (NETNSCTL_TEST_FAIL_STEP).", step);
        return 0;
}

/* What is there before we start: a finished "up" (refuse), a crash leftover (clean it),
 * a stale pin (remove it), a namespace that is not ours (refuse). */
static int prepare_up(const char *name, const char *pin) {
        _cleanup_strv_free_ char **lines = NULL;
        unsigned long long ino = 0;
        bool complete = false;
        int state, r;

        r = record_load(name, &lines);
        if (r < 0 && r != -ENOENT)
                return undo_existing(name); /* logs the reason */
        state = netns_pin_inspect(pin, &ino);
        if (state < 0)
                return log_error_errno(state, "Failed to inspect %s: %m", pin);

        if (r >= 0) {
                bool pinned = false;
                int fd;

                complete = record_complete(lines);
                fd = record_netns_open(name, lines, &pinned);
                if (fd >= 0)
                        (void) close(fd);
                if (complete && pinned)
                        return log_error_errno(EALREADY, "Namespace '%s' is already up. Run 'netnsctl down %s' first.", name, name);
                log_notice("Cleaning up what an earlier, interrupted run left of namespace '%s'.", name);
                r = undo_record(name, lines);
                if (r < 0)
                        return r;
                state = netns_pin_inspect(pin, &ino);
                if (state < 0)
                        return log_error_errno(state, "Failed to inspect %s: %m", pin);
        }

        if (state == PIN_NSFS)
                return log_error_errno(EEXIST,
                                       "Namespace '%s' exists (%s) but was not made by netnsctl; remove it (ip netns delete %s) or choose another name.",
                                       name, pin, name);
        if (state == PIN_STALE) {
                log_notice("Removing stale pin %s (not a namespace mount; left by an interrupted 'ip netns add'?).", pin);
                r = netns_unpin(pin);
                if (r < 0)
                        return log_error_errno(r, "Failed to remove stale %s: %m", pin);
        }
        return 0;
}

int verb_up(int argc, char **argv) {
        _cleanup_config_ struct netns_config *cfg = NULL;
        _cleanup_(record_closep) struct record *rec = NULL;
        _cleanup_free_ char *pin = NULL;
        struct up_ctx c = { .netns_fd = -1, .mntns_base = -1 };
        const char *name = argv[1];
        int lock, r;

        r = check_name(name);
        if (r < 0)
                return r;
        r = netns_config_load(NULL, name, &cfg);
        if (r == -ENOENT)
                return log_error_errno(r, "No configuration for namespace '%s': %s/%s.conf does not exist.",
                                       name, netns_conf_dir(), name);
        if (r < 0)
                return log_error_errno(r, "Not bringing up namespace '%s': configuration invalid.", name);

        /* before anything is made: a Port= that would cut the host off its own service */
        r = nat_check_host_listeners(cfg);
        if (r < 0)
                return r;

        lock = take_lock();
        if (lock < 0)
                return lock;
        pin = netns_pin_path(name);
        if (!pin)
                return log_oom();
        r = prepare_up(name, pin);
        if (r < 0)
                return r;

        /* Every step's plan first: what a user can get wrong fails here, with nothing made. */
        c = (struct up_ctx) { .name = name, .cfg = cfg, .pin = pin, .netns_fd = -1, .mntns_base = -1 };
        for (size_t i = 0; i < ELEMENTSOF(up_steps) && r >= 0; i++)
                if (up_steps[i].plan) {
                        r = up_steps[i].plan(&c);
                        if (r < 0)
                                log_error("Failed to bring up namespace '%s' at step '%s'; nothing was made.",
                                          name, up_steps[i].name);
                }

        if (r >= 0) {
                r = record_create(name, &rec);
                if (r < 0)
                        log_error_errno(r, "Failed to create state record for '%s' in %s: %m", name, netnsctl_run_dir());
        }
        c.rec = rec;
        for (size_t i = 0; i < ELEMENTSOF(up_steps) && rec; i++) {
                uint64_t t0 = now_usec(CLOCK_MONOTONIC);

                r = up_steps[i].run(&c);
                if (r >= 0)
                        log_debug("Step '%s' done in %" PRIu64 " us.", up_steps[i].name, now_usec(CLOCK_MONOTONIC) - t0);
                if (r >= 0)
                        r = up_test_hook(up_steps[i].name);
                if (r < 0) {
                        log_error("Failed to bring up namespace '%s' at step '%s'; undoing what was done.", name, up_steps[i].name);
                        break;
                }
        }
        if (r >= 0) {
                /* what "reload" compares the configuration on disk with */
                r = record_file_write(name, "config", cfg->source, cfg->source_size);
                if (r < 0)
                        log_error_errno(r, "Failed to save the configuration in force of '%s': %m", name);
        }
        if (r >= 0) {
                /* and the /etc/netns/NAME/ entries processes are shown from now on */
                r = etc_view_save(name, cfg);
                if (r < 0)
                        log_error_errno(r, "Failed to save the /etc entries of '%s': %m", name);
        }
        if (r >= 0)
                r = record_add_key(rec, RECORD_COMPLETE);

        mntns_step_abort(&c); /* after a failure: the child preparing it goes */
        nl_close(c.nl_host);
        nl_close(c.nl_ns);
        (void) safe_close(c.netns_fd);
        free(c.host_addrs);
        free(c.peer_addrs);
        free(c.link_plans);
        wireguard_plan_free(&c);
        if (r < 0 && !rec)
                return r; /* failed before anything was made: nothing to undo */
        if (r < 0) {
                _cleanup_strv_free_ char **lines = NULL;
                int q;

                record_close(TAKE_PTR(rec));
                q = record_load(name, &lines);
                if (q >= 0)
                        q = undo_record(name, lines);
                if (q < 0)
                        log_error_errno(q, "Cleanup after failure incomplete; 'netnsctl down %s' retries it.", name);
                return r;
        }
        /* quiet on a terminal, like other systemd tools; a line in the journal (with NETNS=) */
        log_full(log_target_is_journal() ? LOG_INFO : LOG_DEBUG, "Namespace '%s' is up.", name);
        return 0;
}

/* RUNDIR/.stranded/NAME: "INODE", the namespace down unpinned while processes were in it */
static int stranded_note(const char *name, unsigned long long ino) {
        _cleanup_free_ char *dir = strdup_printf("%s/.stranded", netnsctl_run_dir());
        _cleanup_free_ char *path = NULL, *text = NULL;

        if (!dir)
                return -ENOMEM;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return -errno;
        path = strdup_printf("%s/%s", dir, name);
        text = strdup_printf("%llu\n", ino);
        if (!path || !text)
                return -ENOMEM;
        return write_file_atomic(path, text);
}

/* Forget the notes of stranded namespaces whose last process has ended: they are bookkeeping
 * for list and gc, not state to keep ("down" leaves the host as it was). */
static void stranded_prune(void) {
        _cleanup_free_ char *dir = strdup_printf("%s/.stranded", netnsctl_run_dir());
        struct dirent *de;
        DIR *d;

        if (!dir || !(d = opendir(dir)))
                return;
        while ((de = readdir(d))) {
                _cleanup_free_ char *path = NULL, *text = NULL;
                unsigned long long ino;
                size_t n = 0;
                pid_t pid;

                if (de->d_name[0] == '.' || !(path = strdup_printf("%s/%s", dir, de->d_name)) ||
                    read_full_file(path, 64, &text, NULL) < 0 || sscanf(text, "%llu", &ino) != 1)
                        continue;
                if (proc_netns_pids(ino, &pid, 1, &n) >= 0 && n == 0)
                        (void) unlinkat(dirfd(d), de->d_name, 0);
        }
        (void) closedir(d);
        (void) rmdir(dir); /* only when empty */
}

int verb_down(int argc, char **argv) {
        _cleanup_free_ char *pin = NULL;
        const char *name = argv[1];
        unsigned long long ino = 0;
        int lock, r, state;

        r = check_name(name);
        if (r < 0)
                return r;
        pin = netns_pin_path(name);
        if (!pin)
                return log_oom();
        lock = take_lock();
        if (lock < 0)
                return lock;
        /* the namespace pinned now: processes still in it after down keep it alive, unreachable */
        if (netns_pin_inspect(pin, &ino) != PIN_NSFS)
                ino = 0;
        r = undo_existing(name);
        if (r < 0)
                return r;
        if (r == 0) {
                state = netns_pin_inspect(pin, NULL);
                if (state == PIN_NSFS)
                        log_notice("Namespace '%s' was not made by netnsctl; leaving %s alone.", name, pin);
                return 0;
        }
        log_full(log_target_is_journal() ? LOG_INFO : LOG_DEBUG, "Namespace '%s' is down.", name);
        stranded_prune();
        if (ino != 0) {
                pid_t pids[10];
                char text[512] = "";
                size_t n = 0;

                if (proc_netns_pids(ino, pids, ELEMENTSOF(pids), &n) < 0 || n == 0)
                        return 0;
                for (size_t i = 0; i < (n < ELEMENTSOF(pids) ? n : ELEMENTSOF(pids)); i++) {
                        _cleanup_free_ char *comm = proc_comm(pids[i]);
                        size_t len = strlen(text);

                        (void) snprintf(text + len, sizeof(text) - len, "%s%d (%s)", i ? ", " : "", (int) pids[i], comm ?: "?");
                }
                /* for list and gc: the name of a namespace that is no longer pinned */
                r = stranded_note(name, ino);
                if (r < 0)
                        log_debug_errno(r, "Failed to note the stranded namespace '%s': %m", name);
                log_warning("Namespace '%s' is unpinned, but %zu process%s still in it keep%s it alive, with its "
                            "addresses and ports, out of reach of netnsctl: PID %s%s. Stop %s (kill PID).",
                            name, n, n == 1 ? "" : "es", n == 1 ? "s" : "", text,
                            n > ELEMENTSOF(pids) ? ", ..." : "", n == 1 ? "it" : "them");
        }
        return 0;
}

/* For gc: the same lock and the same undo as "down". */
int netns_lock(void) {
        return take_lock();
}

int netns_undo_record(const char *name) {
        return undo_existing(name);
}
