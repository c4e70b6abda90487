/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* monitor.c - netnsctl monitor: namespaces and their links appearing and disappearing, live */

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <time.h>

#include "inspect.h"
#include "json.h"
#include "log.h"
#include "ns.h"
#include "output.h"
#include "util.h"
#include "verbs.h"

/*
 * Pins: inotify on /run/netns, as "ip netns monitor" does. A pin first appears as an empty
 * placeholder file and becomes a namespace when the bind mount lands on it a moment later,
 * which inotify does not report; so a new name is retried every PENDING_RETRY_MS until it
 * holds a namespace (or PENDING_GIVE_UP_MS pass: a stale placeholder).
 * Links: one rtnetlink socket inside each pinned namespace, subscribed to RTNLGRP_LINK, plus a
 * dump when it is opened (the veth peer is born with the namespace, before we can subscribe).
 * Holding such a socket holds the namespace; it is closed as soon as the pin goes away, so
 * that the namespace and its links die then.
 */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* <linux/if.h>, which clashes with <net/if.h> */
#endif

#define PENDING_RETRY_MS 20
#define PENDING_GIVE_UP_MS 5000

struct known_link {
        int ifindex;
        char name[IFNAMSIZ];
        char kind[16];
        unsigned flags;
        uint8_t operstate;
};

struct watched {
        char *name;
        struct mnl_socket *mnl;      /* NULL while pending */
        uint64_t pending_since;      /* ms; 0 = attached or given up */
        bool announce;               /* appeared while monitoring: report its links as new */
        struct known_link *links;
        size_t n_links;
};

struct monitor {
        struct watched *w;
        size_t n;
        int inotify_fd;
        int signal_fd;
};

static uint64_t now_ms(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

static void watched_done(struct watched *w) {
        free(w->name);
        if (w->mnl)
                mnl_socket_close(w->mnl);
        free(w->links);
}

static struct watched *find(struct monitor *m, const char *name) {
        for (size_t i = 0; i < m->n; i++)
                if (streq(m->w[i].name, name))
                        return &m->w[i];
        return NULL;
}

static void emit_netns(const char *event, const char *name) {
        if (arg.json) {
                struct json j = json_new(stdout);

                json_object_begin(&j, NULL);
                json_string(&j, "event", event);
                json_string(&j, "netns", name);
                json_object_end(&j);
        } else
                printf("%s %s\n", event, name);
        (void) fflush(stdout);
}

static void emit_link(const char *event, const char *netns, const struct known_link *l) {
        const char *state = (l->flags & IFF_UP) ? "UP" : "DOWN";

        if (arg.json) {
                struct json j = json_new(stdout);

                json_object_begin(&j, NULL);
                json_string(&j, "event", event);
                json_string(&j, "netns", netns);
                json_int(&j, "ifindex", l->ifindex);
                json_string(&j, "ifname", l->name);
                json_string(&j, "kind", l->kind[0] ? l->kind : NULL);
                json_bool(&j, "up", l->flags & IFF_UP);
                json_string(&j, "operstate", operstate_to_string(l->operstate));
                json_object_end(&j);
        } else
                printf("%s %s %s (index %d%s%s, %s, operstate %s)\n", event, netns, l->name, l->ifindex,
                       l->kind[0] ? ", " : "", l->kind, state, operstate_to_string(l->operstate));
        (void) fflush(stdout);
}

static struct known_link known_from(const struct nl_link *l) {
        struct known_link k = { .ifindex = l->ifindex, .flags = l->flags, .operstate = l->operstate };

        memcpy(k.name, l->name, sizeof(k.name));
        memcpy(k.kind, l->kind, sizeof(k.kind));
        return k;
}

/* A link as the kernel now reports it: new, changed (name, UP, carrier, operstate) or the same. */
static int link_update(struct watched *w, const struct nl_link *l, bool report) {
        struct known_link k = known_from(l), *p;

        for (size_t i = 0; i < w->n_links; i++) {
                p = &w->links[i];
                if (p->ifindex != l->ifindex)
                        continue;
                if (!l->kind[0])
                        memcpy(k.kind, p->kind, sizeof(k.kind)); /* notifications may leave it out */
                if (report && (!streq(p->name, k.name) || ((p->flags ^ k.flags) & (IFF_UP | IFF_LOWER_UP)) ||
                               p->operstate != k.operstate))
                        emit_link("link-change", w->name, &k);
                *p = k;
                return 0;
        }
        p = ARRAY_APPEND(w->links, w->n_links);
        if (!p)
                return -ENOMEM;
        *p = k;
        if (report)
                emit_link("link-new", w->name, &k);
        return 0;
}

static void link_remove(struct watched *w, int ifindex, bool report) {
        for (size_t i = 0; i < w->n_links; i++)
                if (w->links[i].ifindex == ifindex) {
                        if (report)
                                emit_link("link-del", w->name, &w->links[i]);
                        w->links[i] = w->links[--w->n_links];
                        return;
                }
}

/* Dump the links of @fd's namespace and reconcile @w with them (also after lost notifications). */
static int resync(struct watched *w, int fd, bool report) {
        _cleanup_nl_close_ struct nl_sock *nl = NULL;
        _cleanup_free_ struct nl_link *links = NULL;
        size_t n = 0;
        int r;

        r = nl_open(fd, &nl);
        if (r < 0)
                return r;
        r = nl_dump_links(nl, &links, &n);
        if (r < 0)
                return r;
        for (size_t i = w->n_links; i > 0; i--) {
                bool found = false;

                for (size_t k = 0; k < n; k++)
                        if (links[k].ifindex == w->links[i - 1].ifindex)
                                found = true;
                if (!found)
                        link_remove(w, w->links[i - 1].ifindex, report);
        }
        for (size_t k = 0; k < n; k++) {
                r = link_update(w, &links[k], report);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int open_cb(void *userdata) {
        struct mnl_socket **mnl = userdata;

        *mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
        return *mnl ? 0 : negative_errno();
}

/* Subscribe to the links of @w's namespace, once its pin holds one. 1 = attached, 0 = not yet. */
static int attach(struct watched *w) {
        _cleanup_close_ int fd = -1;
        struct mnl_socket *mnl = NULL;
        int r;

        fd = netns_open(w->name);
        if (fd == -ENOMEDIUM || fd == -ENOENT)
                return 0;
        if (fd < 0)
                return fd;
        r = netns_run_in(fd, open_cb, &mnl);
        if (r < 0)
                return r;
        /* subscribe first, dump second: nothing falls between the two */
        if (mnl_socket_bind(mnl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
                r = negative_errno();
                mnl_socket_close(mnl);
                return r;
        }
        w->mnl = mnl;
        w->pending_since = 0;
        r = resync(w, fd, w->announce);
        return r < 0 ? r : 1;
}

static int add_watch(struct monitor *m, const char *name, bool announce) {
        struct watched *w = find(m, name);
        int r;

        if (w)
                return 0;
        w = ARRAY_APPEND(m->w, m->n);
        if (!w)
                return -ENOMEM;
        w->name = strdup(name);
        if (!w->name) {
                m->n--;
                return -ENOMEM;
        }
        w->announce = announce;
        w->pending_since = now_ms() ?: 1;
        if (announce)
                emit_netns("netns-new", name);
        r = attach(w);
        if (r < 0)
                log_debug_errno(r, "Cannot watch the links of namespace '%s': %m", name);
        return 0;
}

static void remove_watch(struct monitor *m, const char *name) {
        struct watched *w = find(m, name);

        if (!w)
                return;
        emit_netns("netns-del", name);
        watched_done(w);
        *w = m->w[--m->n];
}

static int read_links(struct watched *w) {
        char buf[32768];

        for (;;) {
                ssize_t len = mnl_socket_recvfrom(w->mnl, buf, sizeof(buf));
                const struct nlmsghdr *h;
                int n;

                if (len < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                return 0;
                        if (errno == ENOBUFS) {
                                /* notifications were lost: ask the kernel what is there now */
                                _cleanup_close_ int fd = netns_open(w->name);

                                return fd < 0 ? 0 : resync(w, fd, true);
                        }
                        return -errno;
                }
                n = (int) len;
                for (h = (const struct nlmsghdr *) buf; nl_msg_ok(h, n); h = mnl_nlmsg_next(h, &n)) {
                        struct nl_link l;

                        if (nl_link_parse(h, &l) < 0)
                                continue;
                        if (h->nlmsg_type == RTM_DELLINK)
                                link_remove(w, l.ifindex, true);
                        else if (link_update(w, &l, true) < 0)
                                return -ENOMEM;
                }
        }
}

static int read_inotify(struct monitor *m) {
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

        for (;;) {
                ssize_t len = read(m->inotify_fd, buf, sizeof(buf));
                const struct inotify_event *e;

                if (len < 0)
                        return errno == EAGAIN || errno == EINTR ? 0 : -errno;
                for (char *p = buf; p < buf + len; p += sizeof(*e) + e->len) {
                        e = (const struct inotify_event *) p;
                        if (e->mask & IN_Q_OVERFLOW)
                                log_warning("Missed events in %s (inotify queue overflow).", netns_run_dir());
                        if (e->len == 0 || (e->mask & IN_ISDIR))
                                continue;
                        if (e->mask & (IN_CREATE | IN_MOVED_TO)) {
                                if (add_watch(m, e->name, true) < 0)
                                        return -ENOMEM;
                        } else if (e->mask & (IN_DELETE | IN_MOVED_FROM))
                                remove_watch(m, e->name);
                }
        }
}

static int setup(struct monitor *m) {
        _cleanup_strv_free_ char **names = NULL;
        const char *dir = netns_run_dir();
        sigset_t mask;
        int r;

        /* like "ip netns monitor": the directory may not exist before the first namespace */
        r = mkdir_p(dir, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", dir);
        m->inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (m->inotify_fd < 0)
                return log_error_errno(errno, "Failed to set up inotify: %m");
        if (inotify_add_watch(m->inotify_fd, dir, IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM) < 0)
                return log_error_errno(errno, "Failed to watch %s: %m", dir);

        (void) sigemptyset(&mask);
        (void) sigaddset(&mask, SIGINT);
        (void) sigaddset(&mask, SIGTERM);
        (void) sigprocmask(SIG_BLOCK, &mask, NULL);
        m->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (m->signal_fd < 0)
                return log_error_errno(errno, "Failed to set up signal handling: %m");

        /* what is there already is not reported, only watched (after the inotify watch, so
         * nothing made meanwhile is missed; one made in between is merely not announced) */
        r = ns_names(&names);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", dir);
        STRV_FOREACH(name, names) {
                _cleanup_free_ char *pin = netns_pin_path(*name);

                if (!pin)
                        return log_oom();
                if (netns_pin_inspect(pin, NULL) == PIN_NSFS && add_watch(m, *name, false) < 0)
                        return log_oom();
        }
        return 0;
}

int verb_monitor(int argc, char **argv) {
        struct monitor m = { .inotify_fd = -1, .signal_fd = -1 };
        _cleanup_free_ struct pollfd *pfd = NULL;
        int r;

        r = setup(&m);
        while (r >= 0) {
                uint64_t now = now_ms();
                int timeout = -1;
                size_t n = 2;

                /* retry the pins that are still placeholders */
                for (size_t i = 0; i < m.n; i++) {
                        struct watched *w = &m.w[i];

                        if (w->mnl || !w->pending_since)
                                continue;
                        if (now - w->pending_since > PENDING_GIVE_UP_MS) {
                                log_debug("%s/%s holds no namespace; not watching its links.", netns_run_dir(), w->name);
                                w->pending_since = 0;
                                continue;
                        }
                        r = attach(w);
                        if (r < 0) {
                                log_debug_errno(r, "Cannot watch the links of namespace '%s': %m", w->name);
                                w->pending_since = 0;
                        } else if (r == 0)
                                timeout = PENDING_RETRY_MS;
                }
                r = 0;

                free(pfd);
                pfd = calloc(m.n + 2, sizeof(*pfd));
                if (!pfd) {
                        r = log_oom();
                        break;
                }
                pfd[0] = (struct pollfd) { .fd = m.signal_fd, .events = POLLIN };
                pfd[1] = (struct pollfd) { .fd = m.inotify_fd, .events = POLLIN };
                for (size_t i = 0; i < m.n; i++)
                        pfd[n++] = (struct pollfd) { .fd = m.w[i].mnl ? mnl_socket_get_fd(m.w[i].mnl) : -1, .events = POLLIN };

                if (poll(pfd, n, timeout) < 0) {
                        if (errno == EINTR)
                                continue;
                        r = log_error_errno(errno, "poll() failed: %m");
                        break;
                }
                if (pfd[0].revents) {
                        struct signalfd_siginfo si;

                        if (read(m.signal_fd, &si, sizeof(si)) == sizeof(si))
                                log_debug("Got signal %u, exiting.", si.ssi_signo);
                        break;
                }
                /* links first: a namespace's last events come before its pin's removal */
                for (size_t i = 2; i < n; i++) {
                        struct watched *w;

                        if (!pfd[i].revents)
                                continue;
                        w = &m.w[i - 2];
                        r = read_links(w);
                        if (r == -ENOMEM) {
                                r = log_oom();
                                break;
                        }
                        if (r < 0) {
                                log_debug_errno(r, "Lost the link notifications of namespace '%s': %m", w->name);
                                mnl_socket_close(w->mnl);
                                w->mnl = NULL;
                                r = 0;
                        }
                }
                if (r < 0)
                        break;
                if (pfd[1].revents) {
                        r = read_inotify(&m);
                        if (r == -ENOMEM)
                                r = log_oom();
                        else if (r < 0)
                                r = log_error_errno(r, "Failed to read inotify events of %s: %m", netns_run_dir());
                }
        }

        for (size_t i = 0; i < m.n; i++)
                watched_done(&m.w[i]);
        free(m.w);
        (void) safe_close(m.inotify_fd);
        (void) safe_close(m.signal_fd);
        return r < 0 ? r : 0;
}
