/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* execd.c - netnsctl-execd: runs one user's "netnsctl exec NAME -- CMD" as that user, if policy allows */

/*
 * Socket-activated (netnsctl-exec.socket), root without capabilities, sandboxed: one process
 * per connection, forked from the one that accepts, keeping nothing once its request is done.
 * It reads one request (exec-request.h),
 * takes who the caller is from the socket (SO_PEERCRED, SO_PEERGROUPS; nothing in the request
 * names a user), checks [Namespace] ExecUsers=/ExecGroups= of /etc/netns/NAME.conf (StrictModes
 * apply: a file others can write is refused), and asks systemd for a transient service
 * netns-NAME-PID.service running the command as the caller: User=, Group=, their groups,
 * NoNewPrivileges=, no capabilities, NetworkNamespacePath=/run/netns/NAME, the binds units in
 * Units= get (view.c), BindsTo=/After= netns@NAME.service, the caller's stdin/stdout/stderr, the
 * allow-listed environment and the caller's working directory (entered by systemd as the user:
 * one the user cannot enter fails the start). Then it forwards the signals the client reports,
 * stops the unit when the client goes away, and answers with the command's exit status.
 */

#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>

#include "bus.h"
#include "conf.h"
#include "exec-request.h"
#include "log.h"
#include "name.h"
#include "ns.h"
#include "util.h"
#include "view.h"

#define REQUEST_TIMEOUT_SEC 10
#define PEER_GROUPS_MAX 1024

struct peer {
        struct ucred cred;
        gid_t groups[PEER_GROUPS_MAX];
        size_t n_groups;
};

static void reply(int fd, const char *fmt, ...) _printf_(2, 3);
static void reply(int fd, const char *fmt, ...) {
        char line[512];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        if ((size_t) n > sizeof(line) - 2)
                n = (int) sizeof(line) - 2;
        line[n++] = '\n';
        (void) send(fd, line, (size_t) n, MSG_NOSIGNAL);
}

static int peer_get(int fd, struct peer *p) {
        socklen_t len = sizeof(p->cred);

        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &p->cred, &len) < 0)
                return -errno;
        len = sizeof(p->groups);
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, p->groups, &len) < 0)
                return -errno;
        p->n_groups = len / sizeof(gid_t);
        return 0;
}

/* The header and the three descriptors, then the payload. Exactly three fds, or refused. */
static int request_read(int fd, char **ret, size_t *ret_size, int fds[static 3], const char **reason) {
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int) * 8)];
        } control = {};
        uint8_t hdr[4];
        struct iovec iov = { .iov_base = hdr, .iov_len = sizeof(hdr) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof(control) };
        _cleanup_free_ char *buf = NULL;
        size_t size, got = 0, n_fds = 0;
        ssize_t n;

        n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
        if (n < 0)
                return -errno;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        int *f = (int *) (void *) CMSG_DATA(c);

                        for (size_t i = 0; i < k; i++) {
                                if (n_fds < 3)
                                        fds[n_fds] = f[i];
                                else
                                        (void) safe_close(f[i]);
                                n_fds++;
                        }
                }
        if (n != (ssize_t) sizeof(hdr)) {
                *reason = "request truncated";
                return -EBADMSG;
        }
        if ((mh.msg_flags & MSG_CTRUNC) || n_fds != 3) {
                *reason = "the request must carry exactly three file descriptors (stdin, stdout, stderr)";
                return -EBADMSG;
        }
        size = (size_t) hdr[0] | (size_t) hdr[1] << 8 | (size_t) hdr[2] << 16 | (size_t) hdr[3] << 24;
        if (size == 0 || size > EXEC_REQUEST_SIZE_MAX) {
                *reason = size ? "request too large" : "empty request";
                return -EBADMSG;
        }
        buf = malloc(size);
        if (!buf)
                return -ENOMEM;
        while (got < size) {
                n = recv(fd, buf + got, size - got, 0);
                if (n < 0)
                        return -errno;
                if (n == 0) {
                        *reason = "request truncated";
                        return -EBADMSG;
                }
                got += (size_t) n;
        }
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

/* a word of ExecUsers=/ExecGroups=: a number, or a name looked up now */
static bool principal_is(const char *word, bool group, unsigned long id) {
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(word, &end, 10);
        if (!errno && end != word && !*end)
                return v == id;
        if (group) {
                struct group *gr = getgrnam(word);
                return gr && gr->gr_gid == id;
        }
        struct passwd *pw = getpwnam(word);
        return pw && pw->pw_uid == id;
}

static bool policy_allows(const struct netns_config *c, const struct peer *p) {
        if (p->cred.uid == 0)
                return true;
        STRV_FOREACH(u, c->exec_users)
                if (principal_is(*u, false, p->cred.uid))
                        return true;
        STRV_FOREACH(g, c->exec_groups) {
                if (principal_is(*g, true, p->cred.gid))
                        return true;
                for (size_t i = 0; i < p->n_groups; i++)
                        if (principal_is(*g, true, p->groups[i]))
                                return true;
        }
        return false;
}

/* "BindPaths=-/a -/b:/c" and friends into the transient unit's properties */
static int append_view(sd_bus_message *m, const char *lines) {
        _cleanup_free_ char *copy = strdup(lines);
        char *save = NULL;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (char *line = strtok_r(copy, "\n", &save); line && r >= 0; line = strtok_r(NULL, "\n", &save)) {
                char *eq = strchr(line, '='), *w, *save2 = NULL;
                const char *key = line;
                bool bind;

                if (!eq)
                        continue;
                *eq = 0;
                bind = streq(key, "BindPaths") || streq(key, "BindReadOnlyPaths");
                if (bind)
                        r = sd_bus_message_open_container(m, 'r', "sv") >= 0 &&
                            sd_bus_message_append(m, "s", key) >= 0 &&
                            sd_bus_message_open_container(m, 'v', "a(ssbt)") >= 0 &&
                            sd_bus_message_open_container(m, 'a', "(ssbt)") >= 0 ? 0 : -ENOMEM;
                else if (streq(key, "TemporaryFileSystem"))
                        r = sd_bus_message_append(m, "(sv)", key, "a(ss)", 1, eq + 1, "");
                else if (streq(key, "InaccessiblePaths"))
                        r = sd_bus_message_open_container(m, 'r', "sv") >= 0 &&
                            sd_bus_message_append(m, "s", key) >= 0 &&
                            sd_bus_message_open_container(m, 'v', "as") >= 0 &&
                            sd_bus_message_open_container(m, 'a', "s") >= 0 ? 0 : -ENOMEM;
                else
                        return -EBADMSG; /* a line view.c learnt and this did not: fail closed */
                if (r < 0 || streq(key, "TemporaryFileSystem"))
                        continue;
                for (w = strtok_r(eq + 1, " ", &save2); w && r >= 0; w = strtok_r(NULL, " ", &save2)) {
                        bool ignore = w[0] == '-';
                        char *src = w + ignore, *colon = strchr(src, ':');
                        const char *dst = src;

                        if (colon) {
                                *colon = 0;
                                dst = colon + 1;
                        }
                        if (bind)
                                r = sd_bus_message_append(m, "(ssbt)", src, dst, ignore, (uint64_t) MS_REC);
                        else
                                r = sd_bus_message_append(m, "s", w);
                }
                if (r >= 0)
                        r = sd_bus_message_close_container(m) >= 0 && sd_bus_message_close_container(m) >= 0 &&
                            sd_bus_message_close_container(m) >= 0 ? 0 : -ENOMEM;
        }
        return r;
}

static int append_strv(sd_bus_message *m, const char *key, char **l) {
        int r;

        r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", key);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "as");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, l);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

static int build_unit(sd_bus_message *m, const struct exec_request *req, const struct peer *p,
                      const char *netns_unit, const char *view, const int fds[static 3]) {
        _cleanup_strv_free_ char **groups = NULL;
        _cleanup_free_ char *pin = NULL, *desc = NULL, *user = NULL, *group = NULL;
        int r;

        pin = strdup_printf("%s/%s", netns_run_dir(), req->name);
        desc = strdup_printf("netnsctl exec in namespace %s for UID %u: %s", req->name, (unsigned) p->cred.uid, req->exe);
        user = strdup_printf("%u", (unsigned) p->cred.uid);
        group = strdup_printf("%u", (unsigned) p->cred.gid);
        if (!pin || !desc || !user || !group)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_groups; i++)
                if (strv_consume(&groups, strdup_printf("%u", (unsigned) p->groups[i])) < 0)
                        return -ENOMEM;

        r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)",
                                  "Description", "s", desc,
                                  "Type", "s", "exec",
                                  "User", "s", user,
                                  "Group", "s", group,
                                  "NoNewPrivileges", "b", 1,
                                  "CapabilityBoundingSet", "t", (uint64_t) 0,
                                  "AmbientCapabilities", "t", (uint64_t) 0,
                                  "RestrictSUIDSGID", "b", 1,
                                  "NetworkNamespacePath", "s", pin,
                                  "BindsTo", "as", 1, netns_unit,
                                  "After", "as", 1, netns_unit,
                                  "CollectMode", "s", "inactive-or-failed",
                                  "WorkingDirectory", "s", req->cwd,
                                  "StandardInputFileDescriptor", "h", fds[0],
                                  "StandardOutputFileDescriptor", "h", fds[1]);
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)", "StandardErrorFileDescriptor", "h", fds[2]);
        if (r >= 0 && groups)
                r = append_strv(m, "SupplementaryGroups", groups);
        if (r >= 0)
                r = append_strv(m, "Environment", req->env);
        if (r >= 0 && view)
                r = append_view(m, view);
        if (r < 0)
                return r;

        /* ExecStartEx=: a(sasas), the program, its argv and "no-env-expand" (the ':' prefix of
         * unit files): the command gets its arguments as given, "${X}" and "$X" included */
        r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "ExecStartEx");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a(sasas)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sasas)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'r', "sasas");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", req->exe);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, req->argv);
        if (r >= 0)
                r = sd_bus_message_append(m, "as", 1, "no-env-expand");
        for (int i = 0; i < 4 && r >= 0; i++)
                r = sd_bus_message_close_container(m);
        return r;
}

/*
 * How the unit ended, from its PropertiesChanged signals (systemd sends every signal to every
 * connection on its private socket). Reading the properties afterwards does not work: the unit is
 * collected as soon as it is inactive, and AddRef= (which would keep it) needs a bus name.
 */
struct unit_end {
        bool started;   /* seen activating/active/deactivating: a transient unit is "inactive" before */
        bool ended;
        char result[32];
        int32_t code;   /* ExecMainCode: CLD_EXITED, CLD_KILLED, CLD_DUMPED; 0 = not run */
        int32_t status; /* ExecMainStatus */
};

static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct unit_end *e = userdata;
        const char *iface;
        int r;

        (void) error;
        r = sd_bus_message_read(m, "s", &iface);
        if (r < 0)
                return 0;
        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return 0;
        while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
                const char *key, *str;

                if (sd_bus_message_read(m, "s", &key) < 0)
                        return 0;
                if (streq(key, "ActiveState") && sd_bus_message_read(m, "v", "s", &str) >= 0) {
                        if (streq(str, "inactive") || streq(str, "failed"))
                                e->ended = e->started;
                        else
                                e->started = true;
                } else if (streq(key, "Result") && sd_bus_message_read(m, "v", "s", &str) >= 0)
                        (void) snprintf(e->result, sizeof(e->result), "%s", str);
                else if (streq(key, "ExecMainCode") && sd_bus_message_read(m, "v", "i", &e->code) >= 0)
                        ;
                else if (streq(key, "ExecMainStatus") && sd_bus_message_read(m, "v", "i", &e->status) >= 0)
                        ;
                else if (sd_bus_message_skip(m, "v") < 0)
                        return 0;
                if (sd_bus_message_exit_container(m) < 0)
                        return 0;
        }
        return 0;
}

static void unit_signal(sd_bus *bus, const char *unit, int sig) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "KillUnit", &error, NULL, "ssi", unit, "main", sig);
        if (r < 0)
                log_debug("Failed to send signal %d to %s: %s", sig, unit, error.message ?: strerror(-r));
}

static void unit_stop(sd_bus *bus, const char *unit) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

        if (sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "StopUnit", &error, NULL, "ss", unit, "replace") < 0)
                log_warning("Failed to stop %s after its client went away: %s", unit, error.message ?: "?");
}

/* Until the unit ends: forward the client's signals, stop the unit when the client is gone. */
static int follow(sd_bus *bus, int conn, const char *unit, struct unit_end *e) {
        int r;

        for (;;) {
                struct pollfd pfd[2] = {
                        { .fd = conn, .events = POLLIN },
                        { .fd = sd_bus_get_fd(bus) },
                };

                do {
                        r = sd_bus_process(bus, NULL);
                        if (r < 0)
                                return r;
                } while (r > 0);
                if (e->ended)
                        return 0;
                pfd[1].events = (short) sd_bus_get_events(bus);
                if (poll(pfd, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (pfd[0].revents) {
                        uint8_t sigs[16];
                        ssize_t n = recv(conn, sigs, sizeof(sigs), MSG_DONTWAIT);

                        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                                unit_stop(bus, unit);
                                return -ECONNRESET;
                        }
                        for (ssize_t i = 0; i < n; i++)
                                if (sigs[i] > 0 && sigs[i] < 65)
                                        unit_signal(bus, unit, sigs[i]);
                }
        }
}

/* systemd's own exit statuses of a process that never became the command (systemd.exec(5)) */
static const char *spawn_failure(int status) {
        switch (status) {
        case 200: return "the working directory is not accessible";
        case 203: return "the program could not be executed";
        case 216: return "the user's groups could not be set";
        case 217: return "the user could not be set";
        default: return NULL;
        }
}

static int serve(int conn) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_config_ struct netns_config *c = NULL;
        _cleanup_free_ char *buf = NULL, *unit = NULL, *netns_unit = NULL, *view = NULL, *path = NULL;
        struct exec_request req = {};
        struct unit_end end = {};
        struct unit_state st;
        int fds[3] = { -1, -1, -1 };
        struct timeval tv = { .tv_sec = REQUEST_TIMEOUT_SEC };
        const char *reason = NULL;
        struct peer p = {};
        bool start_failed;
        size_t size = 0;
        int r;

        r = peer_get(conn, &p);
        if (r < 0)
                return log_error_errno(r, "Failed to identify the caller: %m");
        (void) setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

        r = request_read(conn, &buf, &size, fds, &reason);
        if (r >= 0)
                r = exec_request_parse(buf, size, &req, &reason);
        if (r == -EBADMSG) {
                log_warning("Refusing a request of UID %u (PID %d): %s.", (unsigned) p.cred.uid, (int) p.cred.pid, reason);
                reply(conn, "error malformed request: %s", reason);
                r = 0; /* refused, and said so: that is no failure of ours */
                goto out;
        }
        if (r < 0) {
                log_error_errno(r, "Failed to read the request of UID %u: %m", (unsigned) p.cred.uid);
                reply(conn, "error could not read the request");
                goto out;
        }

        r = netns_config_load(NULL, req.name, &c);
        if (r < 0) {
                /* one answer for "no such file" and "you may not": a user learns nothing of which names exist */
                log_warning("UID %u asked to exec in namespace '%s', which has no usable configuration.",
                            (unsigned) p.cred.uid, req.name);
                reply(conn, "error namespace '%s' is not configured, or you may not exec in it", req.name);
                r = 0;
                goto out;
        }
        if (!policy_allows(c, &p)) {
                log_warning("UID %u may not exec in namespace '%s' (ExecUsers=/ExecGroups=).", (unsigned) p.cred.uid, req.name);
                reply(conn, "error namespace '%s' is not configured, or you may not exec in it", req.name);
                r = 0;
                goto out;
        }

        netns_unit = strdup_printf("netns@%s.service", req.name);
        unit = strdup_printf("netns-%s-%d.service", req.name, (int) p.cred.pid);
        if (!netns_unit || !unit) {
                r = log_oom();
                goto out;
        }
        r = unit_bus_open(&bus);
        if (r < 0) {
                log_error_errno(r, "Failed to connect to systemd: %m");
                reply(conn, "error cannot reach systemd");
                goto out;
        }
        r = unit_get_state(bus, netns_unit, &st);
        if (r < 0 || !streq(st.active, "active")) {
                reply(conn, "error namespace '%s' is not up (%s is %s)", req.name, netns_unit, r < 0 ? "unknown" : st.active);
                r = 0;
                goto out;
        }
        r = netns_view_lines(c, &view);
        if (r >= 0)
                r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit, &path);
        if (r >= 0)
                r = sd_bus_match_signal(bus, &slot, "org.freedesktop.systemd1", path, "org.freedesktop.DBus.Properties",
                                        "PropertiesChanged", on_properties_changed, &end);
        if (r >= 0)
                r = bus_transient_unit_new(bus, unit, "fail", &m);
        if (r >= 0)
                r = build_unit(m, &req, &p, netns_unit, view, fds);
        if (r < 0) {
                log_error_errno(r, "Failed to build the request for %s: %m", unit);
                reply(conn, "error internal error");
                goto out;
        }
        log_info("Starting %s as UID %u: %s", unit, (unsigned) p.cred.uid, req.exe);
        r = bus_transient_unit_start(bus, m, 60 * USEC_PER_SEC, &error);
        start_failed = r == -EIO;
        for (int i = 0; i < 3; i++)
                fds[i] = safe_close(fds[i]); /* systemd has its copies; ours would keep a pipe open */
        if (r < 0 && r != -EIO) {
                bus_log_error(r, &error, unit);
                reply(conn, "error %s", error.message ?: strerror(-r));
                goto out;
        }
        /* -EIO: the start job failed (program not found, working directory not accessible, ...):
         * the unit's result says which */
        r = follow(bus, conn, unit, &end);
        if (r == -ECONNRESET) {
                log_info("The client of %s went away; stopped it.", unit);
                r = 0;
                goto out;
        }
        if (r < 0) {
                log_error_errno(r, "Failed to follow %s: %m", unit);
                goto out;
        }
        if (start_failed && end.code == CLD_EXITED && spawn_failure(end.status))
                reply(conn, "error %s: %s (status %d, see the journal of %s)", req.exe, spawn_failure(end.status),
                      end.status, unit);
        else if (end.code == CLD_EXITED)
                reply(conn, "exit %d", end.status);
        else if (end.code == CLD_KILLED || end.code == CLD_DUMPED)
                reply(conn, "signal %d", end.status);
        else
                reply(conn, "error %s did not run (%s)", req.exe, end.result);
        r = 0;
out:
        for (int i = 0; i < 3; i++)
                (void) safe_close(fds[i]);
        exec_request_done(&req);
        return r;
}

/* How long without a connection and without a request in progress before exiting; the socket
 * stays with systemd and starts us again. */
#define IDLE_EXIT_SEC 60
/* Requests served at once (each holds a process until its command ends); more are refused. */
#define WORKERS_MAX 1024

static void reap(unsigned *n_workers) {
        pid_t pid;

        while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
                if (*n_workers > 0)
                        (*n_workers)--;
}

/*
 * The listening socket: accept, fork, serve the connection in the child, which exits when its
 * request is done. The parent keeps nothing of a request (it never reads one, never talks to
 * systemd); only the sandbox set-up is shared, which is what made a process per connection
 * (Accept=yes) cost several times a "systemd-run --wait".
 */
static int serve_listening(int listen_fd) {
        unsigned n_workers = 0;
        sigset_t mask;
        int sfd;

        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        (void) sigprocmask(SIG_BLOCK, &mask, NULL);
        sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sfd < 0)
                return log_error_errno(errno, "Failed to watch the workers: %m");
        for (;;) {
                struct pollfd pfd[2] = { { .fd = listen_fd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
                int r, conn;
                pid_t pid;

                r = poll(pfd, 2, n_workers > 0 ? -1 : IDLE_EXIT_SEC * 1000);
                if (r < 0 && errno != EINTR)
                        return log_error_errno(errno, "poll() failed: %m");
                if (r == 0) {
                        log_debug("Idle for %d s, exiting.", IDLE_EXIT_SEC);
                        return 0;
                }
                if (pfd[1].revents) {
                        struct signalfd_siginfo si;

                        while (read(sfd, &si, sizeof(si)) > 0)
                                ;
                        reap(&n_workers);
                }
                if (!(pfd[0].revents & POLLIN))
                        continue;
                conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
                if (conn < 0)
                        continue;
                if (n_workers >= WORKERS_MAX) {
                        log_warning("%u requests in progress, refusing another.", n_workers);
                        reply(conn, "error too many requests in progress");
                        (void) safe_close(conn);
                        continue;
                }
                pid = fork();
                if (pid < 0) {
                        log_error_errno(errno, "Failed to fork a worker: %m");
                        reply(conn, "error internal error");
                        (void) safe_close(conn);
                        continue;
                }
                if (pid == 0) {
                        (void) sigprocmask(SIG_UNBLOCK, &mask, NULL);
                        (void) safe_close(sfd);
                        (void) safe_close(listen_fd);
                        _exit(serve(conn) < 0 ? 1 : 0);
                }
                n_workers++;
                (void) safe_close(conn);
        }
}

int main(int argc, char *argv[]) {
        int n, listening = 0;
        socklen_t len = sizeof(listening);

        (void) argv;
        log_parse_environment();
        if (argc != 1) {
                log_error("%s takes no arguments; it is started by netnsctl-exec.socket.", program_invocation_short_name);
                return 1;
        }
        n = sd_listen_fds(true);
        if (n != 1) {
                log_error("Expected one socket from socket activation, got %d.", n);
                return 1;
        }
        /* the listening socket (netnsctl-exec.socket), or one connection (Accept=yes) */
        if (getsockopt(SD_LISTEN_FDS_START, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0)
                return log_error_errno(errno, "Failed to inspect the socket: %m"), 1;
        if (listening)
                return serve_listening(SD_LISTEN_FDS_START) < 0 ? 1 : 0;
        return serve(SD_LISTEN_FDS_START) < 0 ? 1 : 0;
}
