/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nat.c - netnsctl nat-sync and nat-watch: rebuild the NAT table from the records of running namespaces */

#include <dirent.h>
#include <poll.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "conf.h"
#include "log.h"
#include "name.h"
#include "nft.h"
#include "record.h"
#include "steps.h"
#include "util.h"
#include "verbs.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir);

/* The "nat" element lines of every finished "up": what the table must hold. A record without
 * "complete" is a crash leftover (no "up" runs: we hold the lock); its undo is tolerant of
 * elements that are not there. */
static int collect(struct nat_elem **ret, size_t *ret_n, unsigned *ret_namespaces) {
        _cleanup_(closedirp) DIR *d = NULL;
        _cleanup_free_ struct nat_elem *elems = NULL;
        size_t n = 0;
        unsigned namespaces = 0;
        struct dirent *de;

        d = opendir(netnsctl_run_dir());
        if (!d) {
                if (errno == ENOENT)
                        goto done;
                return log_error_errno(errno, "Failed to open %s: %m", netnsctl_run_dir());
        }
        while ((errno = 0, de = readdir(d))) {
                _cleanup_strv_free_ char **lines = NULL;
                int r;

                if (!netns_name_is_valid(de->d_name))
                        continue;
                r = record_load(de->d_name, &lines);
                if (r < 0) {
                        log_debug_errno(r, "Skipping state of '%s': %m", de->d_name);
                        continue;
                }
                if (!record_complete(lines))
                        continue;
                r = record_nat_elems(lines, &elems, &n);
                if (r < 0)
                        return log_oom();
                namespaces += r > 0;
        }
        if (errno != 0)
                return log_error_errno(errno, "Failed to read %s: %m", netnsctl_run_dir());
done:
        *ret = TAKE_PTR(elems);
        *ret_n = n;
        *ret_namespaces = namespaces;
        return 0;
}

/* Under the lock: make the table match the records. */
static int sync_locked(unsigned *ret_namespaces) {
        _cleanup_free_ struct nat_elem *elems = NULL;
        _cleanup_free_ char *err = NULL;
        unsigned namespaces = 0;
        size_t n = 0;
        int r;

        r = collect(&elems, &n, &namespaces);
        if (r < 0)
                return r;
        if (n == 0) {
                /* nothing needs NAT: no table, and do not make one just to delete it */
                r = nft_nat_table_exists();
                if (r <= 0) {
                        if (r < 0)
                                return log_error_errno(r, "Failed to look up nftables table " NFT_NAT_FAMILY " " NFT_NAT_TABLE ": %m");
                        *ret_namespaces = 0;
                        return 0;
                }
        }
        r = nft_nat_sync(elems, n, &err);
        if (r < 0)
                return log_error_errno(r, "Failed to rebuild nftables table " NFT_NAT_FAMILY " " NFT_NAT_TABLE ": %s",
                                       err ? err : strerror(-r));
        *ret_namespaces = namespaces;
        return 0;
}

/* Take the lock, make the table match the records. @why: what happened, for the notice when
 * namespaces got their NAT back; NULL for a quiet run. */
static int sync_now(const char *why) {
        unsigned namespaces = 0;
        int lock, r;

        lock = netns_lock();
        if (lock < 0)
                return lock;
        r = sync_locked(&namespaces);
        (void) safe_close(lock);
        if (r < 0)
                return r;
        if (why && namespaces > 0)
                log_notice("%s; restored NAT of %u namespace(s).", why, namespaces);
        else if (!why)
                log_debug("Table " NFT_NAT_FAMILY " " NFT_NAT_TABLE " rebuilt for %u namespace(s).", namespaces);
        return r;
}

int verb_nat_sync(int argc, char **argv) {
        int r = sync_now(NULL);

        return r < 0 ? r : 0;
}

static uint64_t now_ms(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/*
 * Wait for nftables notifications; when a program other than netnsctl deleted anything of
 * the table (nft flush ruleset, systemctl restart nftables, firewalld reloading), rebuild
 * it. A reload is often several transactions in a row: wait until nftables has been quiet
 * for a moment (at most a second) and rebuild once. Our own changes carry our process name
 * in the transaction's notification and are not reacted to, so the rebuild cannot loop.
 */
int verb_nat_watch(int argc, char **argv) {
        _cleanup_(nft_watch_freep) struct nft_watch *w = NULL;
        struct pollfd p;
        int r;

        r = nft_watch_new(&w);
        if (r < 0)
                return log_error_errno(r, "Failed to subscribe to nftables notifications: %m");
        /* subscribed first, then the initial sync: nothing can slip in between */
        r = sync_now("Table " NFT_NAT_FAMILY " " NFT_NAT_TABLE " was missing or stale at start");
        if (r < 0)
                log_warning_errno(r, "Initial rebuild failed, waiting for the next change: %m");
        (void) sd_notify(0, "READY=1\nSTATUS=Watching nftables for changes to table " NFT_NAT_FAMILY " " NFT_NAT_TABLE);

        p = (struct pollfd) { .fd = nft_watch_fd(w), .events = POLLIN };
        for (;;) {
                uint64_t start;

                if (poll(&p, 1, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(errno, "poll() failed: %m");
                }
                r = nft_watch_process(w);
                if (r < 0)
                        return log_error_errno(r, "Failed to read nftables notifications: %m");
                if (r == 0)
                        continue;

                /* settle: 100 ms without notifications, or 1 s in all */
                start = now_ms();
                while (now_ms() - start < 1000) {
                        int k = poll(&p, 1, 100);

                        if (k < 0 && errno != EINTR)
                                return log_error_errno(errno, "poll() failed: %m");
                        if (k == 0)
                                break;
                        if (nft_watch_process(w) < 0)
                                break;
                }
                r = sync_now("Table " NFT_NAT_FAMILY " " NFT_NAT_TABLE " was removed or changed by another program");
                if (r < 0)
                        log_warning_errno(r, "Rebuild failed, waiting for the next change: %m");
        }
}
